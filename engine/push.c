#include "push.h"

void
mwb_push_init (MwbPush *push, MwbPushStep step, MwbPushSkipped skipped, gpointer parser,
	       gboolean bounded)
{
	*push = (MwbPush) { 0 };
	push->pending = g_byte_array_new ();
	push->step = step;
	push->skipped = skipped;
	push->parser = parser;
	push->bounded = bounded;
}

void
mwb_push_clear (MwbPush *push)
{
	g_clear_pointer (&push->pending, g_byte_array_unref);
}

static void
run (MwbPush *d, const guint8 *in, gsize in_len, gboolean at_eof)
{
	for (;;) {
		gssize n;

		if (d->skip > 0) {
			gsize take;

			if (d->pending->len > 0) {
				take = (gsize) MIN (d->skip, (guint64) d->pending->len);
				g_byte_array_remove_range (d->pending, 0, (guint) take);
			} else if (in_len > 0) {
				take = (gsize) MIN (d->skip, (guint64) in_len);
				in += take;
				in_len -= take;
			} else {
				return;
			}
			d->skip -= take;
			d->offset += take;
			if (d->skip == 0)
				d->skipped (d->parser);
			continue;
		}
		if (d->pending->len > 0) {
			n = d->step (d->parser, d->pending->data, d->pending->len, at_eof && in_len == 0);
			if (n > 0) {
				g_byte_array_remove_range (d->pending, 0, (guint) n);
				d->offset += (guint64) n;
			} else if (n == MWB_PUSH_NEED_MORE) {
				gsize take;

				if (in_len == 0)
					return;
				take = d->want > d->pending->len ? MIN (in_len, d->want - d->pending->len) : 1;
				g_byte_array_append (d->pending, in, (guint) take);
				in += take;
				in_len -= take;
			}
			continue;
		}
		if (in_len == 0)
			return;
		n = d->step (d->parser, in, in_len, FALSE);
		if (n > 0) {
			in += n;
			in_len -= (gsize) n;
			d->offset += (guint64) n;
		} else if (n == MWB_PUSH_NEED_MORE) {
			gsize take = d->bounded ? MIN (in_len, d->want) : in_len;

			g_byte_array_append (d->pending, in, (guint) take);
			in += take;
			in_len -= take;
		}
	}
}

void
mwb_push_feed (MwbPush *push, const guint8 *buf, gsize len)
{
	/* g_byte_array_append() takes a guint: feed giant buffers in slices */
	while (len > G_MAXINT) {
		run (push, buf, G_MAXINT, FALSE);
		buf += G_MAXINT;
		len -= G_MAXINT;
	}
	run (push, buf, len, FALSE);
}

void
mwb_push_finish (MwbPush *push)
{
	run (push, NULL, 0, TRUE);
}
