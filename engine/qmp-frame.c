/* QMP framing push parser: see qmp-frame.h. */
#include "qmp-frame.h"

/* After a frame bigger than this has gone through, drop the buffer rather
 * than keep a multi-megabyte allocation for the small replies that follow. */
#define FRAME_BUFFER_KEEP ((gsize) 1024 * 1024)

struct _MwbQmpFramer {
	MwbQmpFrameFunc func;
	gpointer user_data;
	gsize limit;

	/* text of the unfinished frame; only bytes from earlier pushes, the
	 * current push is appended in runs so we copy each byte once */
	GString *frame;
	/* one bit per open bracket, 1 for "{" and 0 for "[", so that a "]"
	 * closing a "{" is caught at once instead of leaving us waiting for
	 * a "}" that never comes; one bit because depth is bounded only by
	 * the frame limit */
	GByteArray *nesting;
	gsize depth;
	gboolean in_string;
	gboolean escaped;

	/* stream offset of the first byte of the current push */
	guint64 offset;
	gboolean emitting;
	GError *failure;
};

G_DEFINE_QUARK (mwb-qmp-frame-error-quark, mwb_qmp_frame_error)

MwbQmpFramer *
mwb_qmp_framer_new (MwbQmpFrameFunc func, gpointer user_data)
{
	MwbQmpFramer *framer;

	g_return_val_if_fail (func != NULL, NULL);

	framer = g_new0 (MwbQmpFramer, 1);
	framer->func = func;
	framer->user_data = user_data;
	framer->limit = MWB_QMP_FRAME_DEFAULT_LIMIT;
	framer->frame = g_string_new (NULL);
	framer->nesting = g_byte_array_new ();
	return framer;
}

void
mwb_qmp_framer_free (MwbQmpFramer *framer)
{
	if (framer == NULL)
		return;
	g_string_free (framer->frame, TRUE);
	g_byte_array_unref (framer->nesting);
	g_clear_error (&framer->failure);
	g_free (framer);
}

void
mwb_qmp_framer_set_limit (MwbQmpFramer *framer, gsize max_frame)
{
	g_return_if_fail (framer != NULL);

	framer->limit = max_frame;
}

gsize
mwb_qmp_framer_pending (MwbQmpFramer *framer)
{
	g_return_val_if_fail (framer != NULL, 0);

	return framer->emitting ? 0 : framer->frame->len;
}

gboolean
mwb_qmp_framer_failed (MwbQmpFramer *framer)
{
	g_return_val_if_fail (framer != NULL, FALSE);

	return framer->failure != NULL;
}

static void
nesting_push (MwbQmpFramer *framer, gboolean brace)
{
	gsize byte = framer->depth / 8;
	guint8 bit = 1u << (framer->depth % 8);

	if (byte >= framer->nesting->len)
		g_byte_array_set_size (framer->nesting, byte + 1);
	if (brace)
		framer->nesting->data[byte] |= bit;
	else
		framer->nesting->data[byte] &= (guint8) ~bit;
	framer->depth++;
}

static gboolean
nesting_top_is_brace (MwbQmpFramer *framer)
{
	gsize top = framer->depth - 1;

	return (framer->nesting->data[top / 8] >> (top % 8)) & 1;
}

/* Printable bytes are shown as themselves too, because the usual culprit is
 * a stray text line on the monitor socket and seeing it helps. */
static void
describe_byte (char *buf, gsize size, guchar c)
{
	if (g_ascii_isgraph (c))
		g_snprintf (buf, size, "0x%02x ('%c')", c, c);
	else
		g_snprintf (buf, size, "0x%02x", c);
}

static gboolean
fail (MwbQmpFramer *framer, GError **error, guint64 offset, guchar c, MwbQmpFrameError code)
{
	char byte[16];

	describe_byte (byte, sizeof byte, c);
	switch (code) {
	case MWB_QMP_FRAME_ERROR_GARBAGE:
		if (framer->depth == 0)
			framer->failure = g_error_new (MWB_QMP_FRAME_ERROR, code,
			                               "QMP stream: unexpected byte %s at offset %" G_GUINT64_FORMAT
			                               " outside a JSON object",
			                               byte, offset);
		else
			framer->failure = g_error_new (MWB_QMP_FRAME_ERROR, code,
			                               "QMP stream: mismatched closing byte %s at offset %" G_GUINT64_FORMAT
			                               " (expected '%c')",
			                               byte, offset,
			                               nesting_top_is_brace (framer) ? '}' : ']');
		break;
	case MWB_QMP_FRAME_ERROR_TOO_LARGE:
	default:
		framer->failure = g_error_new (MWB_QMP_FRAME_ERROR, code,
		                               "QMP stream: frame larger than %" G_GSIZE_FORMAT
		                               " bytes at offset %" G_GUINT64_FORMAT " (byte %s)",
		                               framer->limit, offset, byte);
		break;
	}

	/* the framer is dead, so the partial frame is no use to anyone */
	g_string_truncate (framer->frame, 0);
	g_propagate_error (error, g_error_copy (framer->failure));
	return FALSE;
}

static void
emit (MwbQmpFramer *framer)
{
	framer->emitting = TRUE;
	framer->func (framer->frame->str, framer->frame->len, framer->user_data);
	framer->emitting = FALSE;

	if (framer->frame->allocated_len > FRAME_BUFFER_KEEP) {
		g_string_free (framer->frame, TRUE);
		framer->frame = g_string_new (NULL);
	} else {
		g_string_truncate (framer->frame, 0);
	}
}

gboolean
mwb_qmp_framer_push (MwbQmpFramer *framer, const char *data, gsize len, GError **error)
{
	const guchar *bytes = (const guchar *) data;
	/* where, in data, the bytes of the current frame not yet copied begin */
	gsize run = 0;
	gsize i;

	g_return_val_if_fail (framer != NULL, FALSE);
	g_return_val_if_fail (data != NULL || len == 0, FALSE);
	g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
	g_return_val_if_fail (!framer->emitting, FALSE);

	if (framer->failure != NULL) {
		g_propagate_error (error, g_error_copy (framer->failure));
		return FALSE;
	}

	for (i = 0; i < len; i++) {
		guchar c = bytes[i];

		if (framer->depth == 0) {
			if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
				continue;
			if (c != '{')
				return fail (framer, error, framer->offset + i, c, MWB_QMP_FRAME_ERROR_GARBAGE);
			run = i;
		}

		/* frame->len + (i - run) bytes are held before this one */
		if (framer->frame->len + (i - run) >= framer->limit)
			return fail (framer, error, framer->offset + i, c, MWB_QMP_FRAME_ERROR_TOO_LARGE);

		if (framer->in_string) {
			if (framer->escaped)
				framer->escaped = FALSE;
			else if (c == '\\')
				framer->escaped = TRUE;
			else if (c == '"')
				framer->in_string = FALSE;
			continue;
		}

		switch (c) {
		case '"':
			framer->in_string = TRUE;
			break;
		case '{':
		case '[':
			nesting_push (framer, c == '{');
			break;
		case '}':
		case ']':
			if (nesting_top_is_brace (framer) != (c == '}'))
				return fail (framer, error, framer->offset + i, c, MWB_QMP_FRAME_ERROR_GARBAGE);
			framer->depth--;
			if (framer->depth == 0) {
				g_string_append_len (framer->frame, data + run, i + 1 - run);
				emit (framer);
			}
			break;
		default:
			/* everything else is the JSON parser's business */
			break;
		}
	}

	if (framer->depth > 0)
		g_string_append_len (framer->frame, data + run, len - run);
	framer->offset += len;
	return TRUE;
}
