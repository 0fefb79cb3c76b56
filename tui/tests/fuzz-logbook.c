/* libFuzzer target for the log pane's model and the status line's progress
 * (tui/logbook.c, tui/progress.c): what a QEMU, or anything pretending to
 * be one, sends is decoded there.
 *
 * Input: lines; the first byte of each picks the source (QMP of either
 * side, stderr, serial, memcheck), the direction and whether it is JSON.
 * Every view is then rendered folded and expanded: each item has lines and
 * a colour class for each, and nothing may crash or leak. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "logbook.h"
#include "progress.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char *const sources[] = { "qmp-src", "qmp-dst", "stderr-dst", "serial-src", "memcheck", "engine" };

static void
render (MwbLogbook *lb, gboolean expand)
{
	for (guint v = 0; v < mwb_logbook_n_views (lb); v++) {
		MwbLbView *view = mwb_logbook_view (lb, v);

		for (guint i = 0; i < view->items->len; i++) {
			MwbLbItem *it = view->items->pdata[i];
			g_autoptr (GArray) kinds = g_array_new (FALSE, FALSE, sizeof (int));
			g_autoptr (GPtrArray) lines = NULL;

			it->expanded = expand;
			lines = mwb_logbook_item_lines (lb, view, it, kinds);
			g_assert_cmpuint (lines->len, ==, kinds->len);
			g_assert_cmpuint (lines->len, >=, 1);
		}
		(void) mwb_logbook_last_item_of_step (lb, view, 1);
	}
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autoptr (MwbLogbook) lb = mwb_logbook_new ();
	g_autofree char *text = g_strndup ((const char *) data, size);
	g_auto (GStrv) lines = g_strsplit (text, "\n", 200);
	g_autofree char *desc = NULL;
	MwbProgress p;

	mwb_progress_init (&p);
	for (guint i = 0; lines[i]; i++) {
		guint8 sel = lines[i][0] ? (guint8) lines[i][0] : 0;
		MwbLogRecord r = {
			.t_us = (gint64) i * 1000,
			.source = sources[sel % G_N_ELEMENTS (sources)],
			.dir = (sel >> 4) & 1 ? MWB_LOG_OUT : MWB_LOG_IN,
			.is_json = (sel >> 5) & 1,
			.text = lines[i][0] ? lines[i] + 1 : "",
			.step = (int) (sel >> 6) - 1,
		};

		mwb_logbook_add (lb, &r);
		if (r.is_json)
			mwb_progress_feed (&p, r.text);
	}
	render (lb, FALSE);
	render (lb, TRUE);
	desc = mwb_progress_describe (&p);
	mwb_progress_clear (&p);
	mwb_logbook_clear (lb);
	g_assert_cmpuint (mwb_logbook_n_records (lb), ==, 0);
	return 0;
}
