/* libFuzzer target for the QMP framer.
 *
 * Input: byte 0 picks the split point, byte 1 the frame limit (below 128 it
 * is the limit itself, so TOO_LARGE is reachable; otherwise the default),
 * the rest is the stream.  The stream is framed three ways, in one push,
 * in two pushes split at that point, and a byte at a time; all three must
 * agree on frames, on success, and on the error.  On success, the frames
 * put end to end must be the stream with only the whitespace between
 * objects removed, and whatever is left over must be the pending count.
 */
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "../qmp-frame.h"

typedef struct {
	GPtrArray *frames;
	gboolean ok;
	GError *error;
	gsize pending;
} Outcome;

static void
collect (const char *frame, gsize len, gpointer user_data)
{
	GPtrArray *frames = user_data;

	g_assert_true (len >= 2);
	g_assert_true (frame[len] == '\0');
	g_assert_true (frame[0] == '{');
	g_assert_true (frame[len - 1] == '}');
	g_ptr_array_add (frames, g_bytes_new (frame, len));
}

static void
outcome_clear (Outcome *o)
{
	g_clear_pointer (&o->frames, g_ptr_array_unref);
	g_clear_error (&o->error);
}

/* Pushes data in pieces: split points at the given offsets, ascending. */
static void
frame_stream (Outcome *o, gsize limit, const char *data, gsize len,
              const gsize *splits, gsize n_splits)
{
	g_autoptr(MwbQmpFramer) framer = NULL;
	gsize from = 0;
	gsize i;

	o->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
	o->error = NULL;
	framer = mwb_qmp_framer_new (collect, o->frames);
	mwb_qmp_framer_set_limit (framer, limit);

	o->ok = TRUE;
	for (i = 0; i <= n_splits && o->ok; i++) {
		gsize to = i < n_splits ? splits[i] : len;

		o->ok = mwb_qmp_framer_push (framer, data + from, to - from, &o->error);
		g_assert_true (o->ok == (o->error == NULL));
		from = to;
	}
	o->pending = mwb_qmp_framer_pending (framer);

	/* a failed framer stays failed, with the same error */
	if (!o->ok) {
		g_autoptr(GError) again = NULL;

		g_assert_false (mwb_qmp_framer_push (framer, "{}", 2, &again));
		g_assert_true (g_error_matches (again, o->error->domain, o->error->code));
		g_assert_true (strcmp (again->message, o->error->message) == 0);
	}
}

static void
assert_same (const Outcome *a, const Outcome *b)
{
	guint i;

	g_assert_true (a->ok == b->ok);
	g_assert_true (a->frames->len == b->frames->len);
	for (i = 0; i < a->frames->len; i++)
		g_assert_true (g_bytes_equal (a->frames->pdata[i], b->frames->pdata[i]));
	if (a->ok) {
		g_assert_true (a->pending == b->pending);
	} else {
		g_assert_true (a->error->code == b->error->code);
		g_assert_true (strcmp (a->error->message, b->error->message) == 0);
	}
}

static gboolean
is_ws (guchar c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int LLVMFuzzerTestOneInput (const uint8_t *input, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *input, size_t size)
{
	Outcome whole = { 0 }, split = { 0 }, bytewise = { 0 };
	const char *data;
	gsize len, limit, cut, i, j;
	g_autofree gsize *every = NULL;

	if (size < 2)
		return 0;
	data = (const char *) input + 2;
	len = size - 2;
	cut = len * input[0] / 255;
	limit = input[1] < 128 ? input[1] : MWB_QMP_FRAME_DEFAULT_LIMIT;

	frame_stream (&whole, limit, data, len, NULL, 0);
	frame_stream (&split, limit, data, len, &cut, 1);
	every = g_new (gsize, len + 1);
	for (i = 0; i < len; i++)
		every[i] = i + 1;
	frame_stream (&bytewise, limit, data, len, every, len > 0 ? len - 1 : 0);

	assert_same (&whole, &split);
	assert_same (&whole, &bytewise);

	for (i = 0; i < whole.frames->len; i++)
		g_assert_true (g_bytes_get_size (whole.frames->pdata[i]) <= limit);

	if (whole.ok) {
		g_autoptr(GString) joined = g_string_new (NULL);
		gsize consumed = len - whole.pending;

		for (i = 0; i < whole.frames->len; i++) {
			gsize flen;
			const char *f = g_bytes_get_data (whole.frames->pdata[i], &flen);

			g_string_append_len (joined, f, flen);
		}
		/* frames, end to end, are the input minus only whitespace: a
		 * frame always starts with "{", so whitespace between frames
		 * can never be mistaken for a frame byte */
		for (i = 0, j = 0; i < consumed; i++) {
			if (j < joined->len && data[i] == joined->str[j])
				j++;
			else
				g_assert_true (is_ws ((guchar) data[i]));
		}
		g_assert_true (j == joined->len);
		if (whole.pending > 0)
			g_assert_true (data[consumed] == '{');
	}

	outcome_clear (&whole);
	outcome_clear (&split);
	outcome_clear (&bytewise);
	return 0;
}
