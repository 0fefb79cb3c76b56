/* QMP framing: split a QMP byte stream into top-level JSON objects.
 *
 * This is a push parser with no I/O of its own: the caller hands it bytes as
 * they arrive, split anywhere, and it calls back once per complete object.
 * It only frames; the frame text is validated as JSON by whoever parses it.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MWB_QMP_FRAME_ERROR (mwb_qmp_frame_error_quark ())

typedef enum {
	/* a byte that cannot start or continue a frame, e.g. text or a stray
	 * "]" between objects, or a closing bracket that does not match the
	 * one it would close */
	MWB_QMP_FRAME_ERROR_GARBAGE,
	/* the frame under construction grew past the limit */
	MWB_QMP_FRAME_ERROR_TOO_LARGE,
} MwbQmpFrameError;

/* Default for mwb_qmp_framer_set_limit(): large enough for any QMP reply
 * we expect (query-* dumps included), small enough that a peer that never
 * closes its object cannot eat all our memory. */
#define MWB_QMP_FRAME_DEFAULT_LIMIT ((gsize) 64 * 1024 * 1024)

typedef struct _MwbQmpFramer MwbQmpFramer;

/* frame is the complete object text, NUL-terminated for convenience; len
 * excludes the NUL.  The frame is only valid during the call.  The callback
 * must not push into or free the framer that called it. */
typedef void (*MwbQmpFrameFunc) (const char *frame, gsize len, gpointer user_data);

GQuark
mwb_qmp_frame_error_quark (void);

MwbQmpFramer *
mwb_qmp_framer_new (MwbQmpFrameFunc func, gpointer user_data);

void
mwb_qmp_framer_free (MwbQmpFramer *framer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwbQmpFramer, mwb_qmp_framer_free)

/* Largest frame accepted, in bytes, counting from "{" to the matching "}"
 * inclusive.  A frame of exactly max_frame bytes is accepted.  Takes effect
 * from the next byte pushed, including for a frame already in progress. */
void
mwb_qmp_framer_set_limit (MwbQmpFramer *framer, gsize max_frame);

/* Feeds len bytes (data may be NULL when len is 0).  Calls the frame
 * callback once for each object completed by these bytes, in order.
 *
 * FALSE + error (domain MWB_QMP_FRAME_ERROR, codes GARBAGE / TOO_LARGE) on
 * bad input; the error message says the byte offset in the stream (counted
 * from the first byte ever pushed, starting at 0) and the offending byte.
 * Frames completed before the bad byte in the same push are still
 * delivered.  After an error the framer stays failed: every further push
 * returns a copy of the same error and consumes nothing. */
gboolean
mwb_qmp_framer_push (MwbQmpFramer *framer, const char *data, gsize len, GError **error);

/* Bytes of an unfinished frame held (0 between objects).  Inside the frame
 * callback this is 0: the frame being delivered is no longer pending. */
gsize
mwb_qmp_framer_pending (MwbQmpFramer *framer);

/* Whether a push has failed; the framer is then useless. */
gboolean
mwb_qmp_framer_failed (MwbQmpFramer *framer);

G_END_DECLS
