/* The log pane's model and the status line's progress, without curses. */
#include <glib.h>
#include <string.h>

#include "logbook.h"
#include "progress.h"

static void
add (MwbLogbook *lb, gint64 t_us, const char *source, MwbLogDir dir, gboolean json, const char *text,
     int step)
{
	MwbLogRecord r = { t_us, source, dir, json, text, step };

	mwb_logbook_add (lb, &r);
}

static char *
view_text (MwbLogbook *lb, const char *name)
{
	GString *s = g_string_new (NULL);
	MwbLbView *v = mwb_logbook_view (lb, mwb_logbook_view_index (lb, name));

	for (guint i = 0; i < v->items->len; i++) {
		g_autoptr (GPtrArray) lines = mwb_logbook_item_lines (lb, v, v->items->pdata[i], NULL);

		for (guint j = 0; j < lines->len; j++)
			g_string_append_printf (s, "%s\n", (char *) lines->pdata[j]);
	}
	return g_string_free (s, FALSE);
}

static void
poll (MwbLogbook *lb, gint64 t, int id, const char *status)
{
	g_autofree char *cmd = g_strdup_printf ("{\"execute\": \"query-migrate\", \"id\": \"mwb-%d\"}", id);
	g_autofree char *rep = g_strdup_printf ("{\"return\": {\"status\": \"%s\"}, \"id\": \"mwb-%d\"}",
						status, id);

	add (lb, t, "qmp-src", MWB_LOG_OUT, TRUE, cmd, 4);
	add (lb, t + 100, "qmp-src", MWB_LOG_IN, TRUE, rep, 4);
}

static void
test_decode (void)
{
	g_autoptr (MwbLogbook) lb = mwb_logbook_new ();
	g_autofree char *text = NULL;

	add (lb, 1000, "qmp-src", MWB_LOG_IN, TRUE,
	     "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 19, \"minor\": 2, \"major\": 7}}, \"capabilities\": []}}", 0);
	add (lb, 2000, "qmp-src", MWB_LOG_OUT, TRUE, "{\"execute\": \"qmp_capabilities\", \"id\": \"mwb-1\"}", 0);
	add (lb, 3000, "qmp-src", MWB_LOG_IN, TRUE, "{\"return\": {}, \"id\": \"mwb-1\"}", 0);
	add (lb, 4000, "qmp-src", MWB_LOG_OUT, TRUE,
	     "{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"unix:/x\"}, \"id\": \"mwb-2\"}", 1);
	add (lb, 5000, "qmp-src", MWB_LOG_IN, TRUE,
	     "{\"error\": {\"class\": \"GenericError\", \"desc\": \"no\"}, \"id\": \"mwb-2\"}", 1);
	add (lb, 6000, "qmp-src", MWB_LOG_IN, TRUE,
	     "{\"event\": \"STOP\", \"timestamp\": {\"seconds\": 1, \"microseconds\": 2}}", 1);
	text = view_text (lb, "qmp-src");
	g_assert_cmpstr (text, ==,
			 "   0.001  <- greeting: QEMU 7.2.19\n"
			 "   0.002  -> qmp_capabilities\n"
			 "   0.003  <- qmp_capabilities: ok\n"
			 "   0.004  -> migrate {\"uri\":\"unix:/x\"}\n"
			 "   0.005  <- migrate: error GenericError: no\n"
			 "   0.006  <- event STOP\n");
	g_assert_cmpint (mwb_logbook_record (lb, 4)->kind, ==, MWB_LB_ERROR);
	g_assert_cmpint (mwb_logbook_record (lb, 5)->kind, ==, MWB_LB_EVENT);
}

static void
test_fold_polls (void)
{
	g_autoptr (MwbLogbook) lb = mwb_logbook_new ();
	g_autofree char *folded = NULL;
	g_autofree char *expanded = NULL;
	MwbLbView *v;

	for (int i = 0; i < 5; i++)
		poll (lb, 1000000 + i * 1000, 10 + i, i < 4 ? "active" : "completed");
	/* An event ends the run; the next poll starts a new one. */
	add (lb, 2000000, "qmp-src", MWB_LOG_IN, TRUE, "{\"event\": \"MIGRATION\", \"data\": {\"status\": \"completed\"}}", 4);
	poll (lb, 3000000, 20, "completed");
	v = mwb_logbook_view (lb, mwb_logbook_view_index (lb, "qmp-src"));
	g_assert_cmpuint (v->items->len, ==, 3);
	folded = view_text (lb, "qmp-src");
	g_assert_cmpstr (folded, ==,
			 "   1.000  -> query-migrate  [+ x5] last <- query-migrate: {\"status\":\"completed\"}\n"
			 "   2.000  <- event MIGRATION {\"status\":\"completed\"}\n"
			 "   3.000  -> query-migrate  <- query-migrate: {\"status\":\"completed\"}\n");
	((MwbLbItem *) v->items->pdata[0])->expanded = TRUE;
	expanded = view_text (lb, "qmp-src");
	g_assert_true (g_str_has_prefix (expanded, "   1.000  -> query-migrate  [- x5]"));
	/* header + 10 records + the other two items */
	{
		g_auto (GStrv) lines = g_strsplit (expanded, "\n", -1);

		g_assert_cmpuint (g_strv_length (lines) - 1, ==, 1 + 10 + 2);
	}
	/* A single question expanded shows its answer in full. */
	((MwbLbItem *) v->items->pdata[0])->expanded = FALSE;
	((MwbLbItem *) v->items->pdata[2])->expanded = TRUE;
	{
		g_autofree char *one = view_text (lb, "qmp-src");

		g_assert_nonnull (strstr (one, "   3.000  -> query-migrate  <- query-migrate: {\"status\":\"completed\"}\n"));
		g_assert_nonnull (strstr (one, "\"status\" : \"completed\""));
	}
	/* The merged view folds the same way, and names the side. */
	g_assert_cmpuint (mwb_logbook_view (lb, 0)->items->len, ==, 3);
}

static void
test_serial_glued (void)
{
	g_autoptr (MwbLogbook) lb = mwb_logbook_new ();
	g_autofree char *text = NULL;

	add (lb, 0, "serial-src", MWB_LOG_IN, FALSE, "AB", 0);
	add (lb, 10, "serial-src", MWB_LOG_IN, FALSE, "BBB", 0);
	text = view_text (lb, "serial-src");
	g_assert_cmpstr (text, ==, "   0.000  ABBBB\n");
	/* Serial output stays out of "all". */
	g_assert_cmpuint (mwb_logbook_view (lb, 0)->items->len, ==, 0);
}

static void
test_land (void)
{
	g_autoptr (MwbLogbook) lb = mwb_logbook_new ();
	MwbLbView *all;

	add (lb, 0, "engine", MWB_LOG_NONE, FALSE, "one", 0);
	add (lb, 1, "memcheck", MWB_LOG_NONE, FALSE, "Memory content inconsistency at 1000", 2);
	add (lb, 2, "memcheck", MWB_LOG_NONE, FALSE, "and in another 3 pages", 2);
	add (lb, 3, "stderr-dst", MWB_LOG_IN, FALSE, "later", -1);
	all = mwb_logbook_view (lb, 0);
	g_assert_cmpint (mwb_logbook_last_item_of_step (lb, all, 2), ==, 2);
	g_assert_cmpint (mwb_logbook_last_item_of_step (lb, all, 7), ==, -1);
	mwb_logbook_clear (lb);
	g_assert_cmpuint (mwb_logbook_n_views (lb), ==, 1);
	g_assert_cmpuint (mwb_logbook_n_records (lb), ==, 0);
}

static void
test_progress (void)
{
	MwbProgress p;
	g_autofree char *none = NULL;
	g_autofree char *d = NULL;

	mwb_progress_init (&p);
	none = mwb_progress_describe (&p);
	g_assert_null (none);
	/* query-status has a "status" too: not a migration status. */
	mwb_progress_feed (&p, "{\"return\": {\"status\": \"running\", \"running\": true}}");
	g_assert_null (p.status);
	mwb_progress_feed (&p, "{\"event\": \"MIGRATION\", \"data\": {\"status\": \"setup\"}}");
	g_assert_cmpstr (p.status, ==, "setup");
	mwb_progress_feed (&p, "{\"return\": {\"status\": \"active\", \"ram\": {\"transferred\": 1048576,"
			   " \"remaining\": 2097152, \"mbps\": 300.5, \"dirty-sync-count\": 3}}}");
	d = mwb_progress_describe (&p);
	g_assert_cmpstr (d, ==, "migration active: 1.0 MiB sent, 2.0 MiB left, 300 Mbps, sync 3");
	mwb_progress_feed (&p, "not json");
	mwb_progress_feed (&p, "{\"event\": \"MIGRATION_PASS\", \"data\": {\"pass\": 2}}");
	g_assert_cmpint (p.passes, ==, 1);
	mwb_progress_clear (&p);
	g_assert_null (p.status);
}

static void
test_format_bytes (void)
{
	const struct { gint64 n; const char *s; } cases[] = {
		{ 0, "0 B" }, { 1023, "1023 B" }, { 1024, "1.0 KiB" }, { 1536, "1.5 KiB" },
		{ 134217728, "128.0 MiB" }, { G_GINT64_CONSTANT (1) << 40, "1.0 TiB" },
		{ G_GINT64_CONSTANT (1) << 50, "1024.0 TiB" },
	};

	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *s = mwb_format_bytes (cases[i].n);

		g_assert_cmpstr (s, ==, cases[i].s);
	}
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/logbook/decode", test_decode);
	g_test_add_func ("/logbook/fold-polls", test_fold_polls);
	g_test_add_func ("/logbook/serial-glued", test_serial_glued);
	g_test_add_func ("/logbook/land", test_land);
	g_test_add_func ("/progress/feed", test_progress);
	g_test_add_func ("/progress/format-bytes", test_format_bytes);
	return g_test_run ();
}
