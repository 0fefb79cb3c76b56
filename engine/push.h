/* The chunk-driving loop the push parsers share (stream.c, criu-image.c).
 *
 * Bytes arrive in chunks of any size. The parser's step parses from the
 * caller's buffer whenever nothing is pending, so long payloads (RAM pages,
 * pages-N.img) are passed over without a copy; only an item cut by the end
 * of a chunk is kept, topped up to what the step said it wants. No I/O. */
#pragma once

#include <glib.h>

/* What a step returns: > 0 bytes consumed; MWB_PUSH_NEED_MORE with want
 * set when the item is longer than avail; < 0 when it only changed state.
 * At the end of the input (at_eof) a step never needs more. */
#define MWB_PUSH_NEED_MORE 0

typedef gssize (*MwbPushStep) (gpointer parser, const guint8 *d, gsize avail, gboolean at_eof);
/* The payload to skip has been passed over. */
typedef void (*MwbPushSkipped) (gpointer parser);

typedef struct {
	guint64 offset;		/* of the next byte to parse */
	GByteArray *pending;	/* the start of an item cut by a chunk's end */
	gsize want;		/* bytes that item needs, from its start */
	guint64 skip;		/* payload bytes to pass over unparsed */
	/* On NEED_MORE from the caller's buffer keep only want bytes (a
	 * parser whose want is exact), not the rest of the chunk. */
	gboolean bounded;
	MwbPushStep step;
	MwbPushSkipped skipped;
	gpointer parser;
} MwbPush;

void mwb_push_init (MwbPush *push, MwbPushStep step, MwbPushSkipped skipped, gpointer parser,
		    gboolean bounded);
void mwb_push_clear (MwbPush *push);
void mwb_push_feed (MwbPush *push, const guint8 *buf, gsize len);
/* Runs the steps on what is pending with at_eof set. */
void mwb_push_finish (MwbPush *push);
