/* Unit tests for reports (engine/report*.c, engine/known-broken.c): the
 * JSON round trip and its errors, the known-broken list and its errors at
 * FILE:LINE, compare (a planted regression, a known failure, timing) and
 * problems, and what TAP, JUnit and HTML make of awkward text. */
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "known-broken.h"
#include "mwb-error.h"
#include "report-compare.h"
#include "report.h"

/* ---- fixtures ---- */

static MwbReportEntry *
add (MwbReport *r, const char *path, MwbVerdict v, double dur)
{
	MwbReportEntry *e = mwb_report_add (r, path, v);

	e->duration = dur;
	return e;
}

static void
fail_at (MwbReportEntry *e, int step, const char *name, const char *reason)
{
	e->failed_step = step;
	e->failed_name = g_strdup (name);
	e->reason = g_strdup (reason);
}

/* Three worlds, one of each verdict, a scenario with checks. */
static MwbReport *
sample (void)
{
	MwbReport *r = mwb_report_new ();
	MwbReportEntry *e;

	add (r, "/x86_64/migration/precopy/unix/plain", MWB_VERDICT_PASS, 3.1);
	e = add (r, "zdtm/static/env00 [ns]", MWB_VERDICT_FAIL, 1.25);
	fail_at (e, 4, "dump", "Error (criu/cr-dump.c:371): \"can't\" <get> rlimit & more\nsecond line");
	e->run_dir = g_strdup ("/tmp/mwb-run-1");
	e->kept = TRUE;
	e = add (r, "/libvirt/migration/p2p/plain", MWB_VERDICT_SKIP, 0);
	e->reason = g_strdup ("no libvirtd");
	mwb_report_entry_add_check (e, "domain defined", MWB_CHECK_OK, NULL);
	mwb_report_entry_add_check (e, "migrated # twice", MWB_CHECK_NOT_OK, "state is 'paused'");
	mwb_report_entry_add_check (e, "cleaned up", MWB_CHECK_SKIP, "not reached");
	return r;
}

static MwbReport *
from_json_ok (const char *text)
{
	g_autoptr (GError) err = NULL;
	MwbReport *r = mwb_report_from_json ("t.json", text, strlen (text), &err);

	g_assert_no_error (err);
	g_assert_nonnull (r);
	return r;
}

static void
assert_json_error (const char *text, const char *message)
{
	g_autoptr (GError) err = NULL;
	g_autoptr (MwbReport) r = mwb_report_from_json ("t.json", text, strlen (text), &err);

	g_assert_null (r);
	g_assert_error (err, MWB_ERROR, MWB_ERROR_PARSE);
	if (!g_pattern_match_simple (message, err->message))
		g_error ("error '%s' does not match '%s'", err->message, message);
}

static MwbKnownBroken *
kb_ok (const char *text)
{
	g_autoptr (GError) err = NULL;
	g_autofree char *copy = g_memdup2 (text, strlen (text) + 1);
	MwbKnownBroken *kb = mwb_known_broken_parse ("kb", copy, strlen (text), &err);

	g_assert_no_error (err);
	g_assert_nonnull (kb);
	return kb;
}

static void
assert_kb_error (const char *text, gsize len, const char *message)
{
	g_autoptr (GError) err = NULL;
	g_autofree char *copy = g_memdup2 (text, len ? len : 1);
	g_autoptr (MwbKnownBroken) kb = mwb_known_broken_parse ("kb", copy, len, &err);

	g_assert_null (kb);
	g_assert_error (err, MWB_ERROR, MWB_ERROR_PARSE);
	g_assert_cmpstr (err->message, ==, message);
}

/* ---- JSON ---- */

static void
test_json_round_trip (void)
{
	g_autoptr (MwbReport) r = sample ();
	g_autofree char *json = mwb_report_to_json (r);
	g_autoptr (MwbReport) back = from_json_ok (json);
	g_autofree char *again = mwb_report_to_json (back);
	MwbReportEntry *e;
	MwbReportCheck *c;

	g_assert_cmpstr (json, ==, again);
	g_assert_cmpstr (back->started, ==, r->started);
	g_assert_cmpstr (back->host, ==, r->host);
	g_assert_cmpuint (back->entries->len, ==, 3);
	e = back->entries->pdata[1];
	g_assert_cmpstr (e->path, ==, "zdtm/static/env00 [ns]");
	g_assert_cmpint (e->verdict, ==, MWB_VERDICT_FAIL);
	g_assert_cmpfloat_with_epsilon (e->duration, 1.25, 1e-9);
	g_assert_cmpint (e->failed_step, ==, 4);
	g_assert_cmpstr (e->failed_name, ==, "dump");
	g_assert_cmpstr (e->reason, ==, "Error (criu/cr-dump.c:371): \"can't\" <get> rlimit & more\nsecond line");
	g_assert_true (e->kept);
	g_assert_null (e->checks);
	/* 1-based in the file, as "at step 5" */
	g_assert_nonnull (strstr (json, "\"failed_step\": 5,"));
	g_assert_nonnull (strstr (json, "\"duration\": 3.100,"));
	g_assert_nonnull (strstr (json, "\"totals\": { \"passed\": 1, \"failed\": 1, \"skipped\": 1, \"known\": 0,"
				  " \"now_passing\": 0 }"));
	e = back->entries->pdata[2];
	g_assert_cmpuint (e->checks->len, ==, 3);
	c = e->checks->pdata[1];
	g_assert_cmpstr (c->text, ==, "migrated # twice");
	g_assert_cmpint (c->state, ==, MWB_CHECK_NOT_OK);
	g_assert_cmpstr (c->comment, ==, "state is 'paused'");
	g_assert_null (((MwbReportCheck *) e->checks->pdata[0])->comment);
}

static void
test_json_known_round_trip (void)
{
	g_autoptr (MwbReport) r = sample ();
	g_autoptr (MwbKnownBroken) kb = kb_ok ("zdtm/static/env00 needs RLIMIT_NOFILE\n");
	g_autofree char *json = NULL;
	g_autoptr (MwbReport) back = NULL;
	MwbReportTotals t;

	mwb_report_apply_known_broken (r, kb);
	json = mwb_report_to_json (r);
	back = from_json_ok (json);
	mwb_report_totals (back, &t);
	g_assert_cmpuint (t.known, ==, 1);
	g_assert_cmpuint (t.failed, ==, 0);
	g_assert_true (((MwbReportEntry *) back->entries->pdata[1])->known_broken);
	g_assert_cmpstr (((MwbReportEntry *) back->entries->pdata[1])->known_reason, ==, "needs RLIMIT_NOFILE");
}

static void
test_json_invalid_utf8 (void)
{
	g_autoptr (MwbReport) r = mwb_report_new ();
	MwbReportEntry *e = add (r, "/a/b", MWB_VERDICT_FAIL, 1);
	g_autofree char *json = NULL;
	g_autoptr (MwbReport) back = NULL;

	e->reason = g_strdup ("bytes \xff\xfe from stderr \x1b[31m");
	json = mwb_report_to_json (r);
	g_assert_true (g_utf8_validate (json, -1, NULL));
	back = from_json_ok (json);
	g_assert_true (g_str_has_prefix (((MwbReportEntry *) back->entries->pdata[0])->reason, "bytes "));
}

#define HEAD "{\"format\":\"mwb-report\",\"version\":1,\"scenarios\":["

static void
test_json_errors (void)
{
	assert_json_error ("{\n  \"format\": \"mwb-report\",\n  x\n}", "t.json:2:25: Parse error: *");
	assert_json_error ("", "t.json: empty, expected an mwb report (JSON)");
	assert_json_error ("[1]", "t.json: expected an mwb report, a JSON object, not an array");
	assert_json_error ("{\"format\":\"junit\"}", "t.json: not an mwb report (\"format\" is not \"mwb-report\")");
	assert_json_error ("{\"format\":\"mwb-report\",\"version\":2,\"scenarios\":[]}",
			   "t.json: version 2 reports are not known to this mwb (it reads version 1)");
	assert_json_error ("{\"format\":\"mwb-report\",\"version\":1}", "t.json: 'scenarios' must be an array, not missing");
	assert_json_error (HEAD "3]}", "t.json: scenarios[0]: must be an object, not a number");
	assert_json_error (HEAD "{\"verdict\":\"PASS\"}]}", "t.json: scenarios[0]: 'path' is missing");
	assert_json_error (HEAD "{\"path\":\"/a\",\"verdict\":\"MAYBE\"}]}",
			   "t.json: scenarios[0] (/a): 'verdict' must be PASS, FAIL, SKIP, ABORTED or NONE, not 'MAYBE'");
	assert_json_error (HEAD "{\"path\":\"/a\",\"verdict\":\"PASS\",\"duration\":-1}]}",
			   "t.json: scenarios[0] (/a): 'duration' must be from 0 to 1e9 seconds, not -1");
	assert_json_error (HEAD "{\"path\":\"/a\",\"verdict\":\"PASS\",\"duration\":1e999}]}",
			   "t.json: scenarios[0] (/a): 'duration' must be from 0 to 1e9 seconds, not inf");
	assert_json_error (HEAD "{\"path\":\"/a\",\"verdict\":\"PASS\",\"duration\":\"3\"}]}",
			   "t.json: scenarios[0] (/a): 'duration' must be a number of seconds, not a string");
	assert_json_error (HEAD "{\"path\":\"/a\",\"verdict\":\"FAIL\",\"failed_step\":0}]}",
			   "t.json: scenarios[0] (/a): 'failed_step' counts steps from 1 (null for none), not 0");
	assert_json_error (HEAD "{\"path\":\"/a\",\"verdict\":\"PASS\",\"kept\":1}]}",
			   "t.json: scenarios[0] (/a): 'kept' must be true or false, not a number");
	assert_json_error (HEAD "{\"path\":\"/a\",\"verdict\":\"PASS\"},{\"path\":\"/a\",\"verdict\":\"FAIL\"}]}",
			   "t.json: scenarios[1] (/a): already listed as scenarios[0]");
	assert_json_error (HEAD "{\"path\":\"/a\",\"verdict\":\"PASS\",\"checks\":[{\"text\":\"x\",\"state\":\"fine\"}]}]}",
			   "t.json: scenarios[0] (/a): checks[0]: 'state' must be \"ok\", \"not ok\" or \"skip\", not 'fine'");
	assert_json_error (HEAD "{\"path\":\"/a\\620\",\"verdict\":\"PASS\"}]}",
			   "t.json: scenarios[0]: 'path' is not UTF-8 text");
	assert_json_error (HEAD "{\"path\":\"/a\",\"verdict\":\"PASS\",\"checks\":{}}]}",
			   "t.json: scenarios[0] (/a): 'checks' must be an array, not an object");
}

static void
test_json_minimal (void)
{
	/* What a hand-written file needs: path and verdict. */
	g_autoptr (MwbReport) r = from_json_ok (HEAD "{\"path\":\"/a\",\"verdict\":\"ABORTED\"}]}");
	MwbReportEntry *e = r->entries->pdata[0];

	g_assert_cmpint (e->verdict, ==, MWB_VERDICT_ABORTED);
	g_assert_cmpint (e->failed_step, ==, -1);
	g_assert_cmpfloat (e->duration, ==, 0);
	g_assert_cmpstr (r->host, ==, "");
	g_assert_cmpint (mwb_report_entry_outcome (e), ==, MWB_OUTCOME_FAIL);
}

static void
test_json_load_file (void)
{
	g_autoptr (GError) err = NULL;
	g_autoptr (MwbReport) r = mwb_report_load ("/nonexistent/results.json", &err);

	g_assert_null (r);
	g_assert_error (err, MWB_ERROR, MWB_ERROR_IO);
	g_assert_nonnull (strstr (err->message, "/nonexistent/results.json"));
}

/* ---- the known-broken list ---- */

static void
test_kb_parse (void)
{
	g_autoptr (MwbKnownBroken) kb = kb_ok ("# known broken on this host\n"
						"\n"
						"   /libvirt/migration/p2p-tunnelled/*   tunnelled needs libvirt 9 #123\r\n"
						"zdtm/static/env00\n"
						"\t/x86_64/migration/postcopy/?ecovery\tuffd missing\n"
						"/a/b?[ns]");
	MwbKnownBrokenEntry *e;

	g_assert_cmpuint (kb->entries->len, ==, 4);
	e = kb->entries->pdata[0];
	g_assert_cmpstr (e->pattern, ==, "/libvirt/migration/p2p-tunnelled/*");
	g_assert_cmpstr (e->reason, ==, "tunnelled needs libvirt 9 #123");
	g_assert_cmpuint (e->line, ==, 3);
	e = kb->entries->pdata[1];
	g_assert_cmpstr (e->pattern, ==, "zdtm/static/env00");
	g_assert_null (e->reason);
	g_assert_cmpuint (e->line, ==, 4);
	g_assert_cmpuint (((MwbKnownBrokenEntry *) kb->entries->pdata[3])->line, ==, 6);
}

static void
test_kb_errors (void)
{
	assert_kb_error ("/a ok\n\n-p /x86_64/foo\n", 17, "kb:3: expected a scenario path or glob, not '-p'");
	assert_kb_error ("# c\n*  everything\n", 17, "kb:2: '*' would match every scenario: list them, or a glob such as /x86_64/*");
	assert_kb_error ("/x86_64/migration/ all\n", 23,
			 "kb:1: no scenario path ends in '/': '/x86_64/migration/*' matches the paths under it");
	assert_kb_error ("/a one\n/b\n/a two\n", 17, "kb:3: '/a' is already listed at line 1");
	assert_kb_error ("/a\n/b\0c\n", 8, "kb:2: NUL byte: not a text file");
	assert_kb_error ("/a\n\n/b \xff\n", 8, "kb:3: not UTF-8 text");
	assert_kb_error ("/a \x1b[1mbold\n", 12, "kb:1: control character 0x1b in the line");
	{
		g_autoptr (GError) err = NULL;
		g_autoptr (MwbKnownBroken) kb = mwb_known_broken_load ("/nonexistent/kb", &err);

		g_assert_null (kb);
		g_assert_error (err, MWB_ERROR, MWB_ERROR_IO);
	}
}

static void
test_kb_match (void)
{
	g_autoptr (MwbKnownBroken) kb = kb_ok ("/libvirt/migration/p2p-tunnelled/* tunnelled\n"
						"/a/b?[ns] ns only\n"
						"/c/d every variant\n"
						"/never/matched\n");
	g_autoptr (MwbReport) r = mwb_report_new ();
	MwbReportEntry *e;

	g_assert_nonnull (mwb_known_broken_match (kb, "/libvirt/migration/p2p-tunnelled/plain"));
	g_assert_nonnull (mwb_known_broken_match (kb, "/libvirt/migration/p2p-tunnelled/tls/x509"));
	g_assert_null (mwb_known_broken_match (kb, "/libvirt/migration/p2p/plain"));
	g_assert_nonnull (mwb_known_broken_match (kb, "/a/b [ns]"));
	g_assert_null (mwb_known_broken_match (kb, "/a/b [h]"));
	g_assert_null (mwb_known_broken_match (kb, "/a/b"));
	g_assert_nonnull (mwb_known_broken_match (kb, "/c/d [7.2.22->10.0.13]"));
	g_assert_nonnull (mwb_known_broken_match (kb, "/c/d"));

	e = add (r, "/c/d", MWB_VERDICT_FAIL, 1);
	e->known_broken = FALSE;
	add (r, "/x", MWB_VERDICT_FAIL, 1)->known_broken = TRUE;	/* read back, say: applying starts afresh */
	mwb_report_apply_known_broken (r, kb);
	g_assert_true (e->known_broken);
	g_assert_cmpstr (e->known_reason, ==, "every variant");
	g_assert_cmpstr (e->known_where, ==, "kb:3");
	g_assert_false (((MwbReportEntry *) r->entries->pdata[1])->known_broken);
	g_assert_cmpuint (r->notes->len, ==, 3);
	g_assert_cmpstr (r->notes->pdata[2], ==, "kb:4: known-broken entry '/never/matched' matched no scenario");
}

/* ---- compare and problems ---- */

static MwbReport *
run_a (void)
{
	MwbReport *r = mwb_report_new ();

	add (r, "/x86_64/migration/precopy/unix/plain", MWB_VERDICT_PASS, 3.1);
	add (r, "/x86_64/migration/bad_dest", MWB_VERDICT_PASS, 0.4);
	add (r, "/x86_64/migration/postcopy/plain", MWB_VERDICT_FAIL, 2)->reason = g_strdup ("was broken");
	add (r, "/x86_64/migration/multifd/tcp/plain/none", MWB_VERDICT_PASS, 10);
	add (r, "zdtm/static/env00", MWB_VERDICT_PASS, 1);
	add (r, "/removed/one", MWB_VERDICT_PASS, 1);
	return r;
}

static MwbReport *
run_b (void)
{
	MwbReport *r = mwb_report_new ();
	MwbReportEntry *e;

	add (r, "/x86_64/migration/precopy/unix/plain", MWB_VERDICT_PASS, 9.8);	/* slower */
	e = add (r, "/x86_64/migration/bad_dest", MWB_VERDICT_FAIL, 0.5);	/* the planted regression */
	fail_at (e, 4, "migrate", "destination refused");
	add (r, "/x86_64/migration/postcopy/plain", MWB_VERDICT_PASS, 2);	/* fixed */
	add (r, "/x86_64/migration/multifd/tcp/plain/none", MWB_VERDICT_PASS, 12);	/* +20%: noise */
	add (r, "zdtm/static/env00", MWB_VERDICT_SKIP, 0)->reason = g_strdup ("no criu");
	add (r, "/new/one", MWB_VERDICT_PASS, 1);
	return r;
}

static void
test_compare_regression (void)
{
	g_autoptr (MwbReport) a = run_a ();
	g_autoptr (MwbReport) b = run_b ();
	guint regressions = 0;
	g_autofree char *text = mwb_report_compare_text (a, b, NULL, &regressions);

	g_assert_cmpuint (regressions, ==, 1);
	g_assert_cmpstr (text, ==,
			 "REGRESSION /x86_64/migration/bad_dest: PASS -> FAIL at step 5 (migrate): destination refused\n"
			 "FIXED /x86_64/migration/postcopy/plain: FAIL -> PASS\n"
			 "NEW /new/one: PASS\n"
			 "REMOVED /removed/one: was PASS\n"
			 "SKIPPED zdtm/static/env00: PASS -> SKIP: no criu\n"
			 "SLOWER /x86_64/migration/precopy/unix/plain: 3.1 s -> 9.8 s (+216%)\n"
			 "1 regression, 1 fixed, 0 known, 1 new, 1 removed, 1 newly skipped, 1 slower, 0 faster,"
			 " 0 still failing (6 scenarios before, 6 after)\n");
}

static void
test_compare_known (void)
{
	g_autoptr (MwbReport) a = run_a ();
	g_autoptr (MwbReport) b = run_b ();
	g_autoptr (MwbKnownBroken) kb = kb_ok ("/x86_64/migration/bad_*   refuses on this host\n");
	g_autoptr (GArray) changes = NULL;
	guint regressions = 9;
	g_autofree char *text = NULL;

	mwb_report_apply_known_broken (b, kb);
	changes = mwb_report_compare (a, b, NULL);
	text = mwb_report_compare_text (a, b, NULL, &regressions);
	g_assert_cmpuint (regressions, ==, 0);
	for (guint i = 0; i < changes->len; i++)
		g_assert_cmpint (g_array_index (changes, MwbChange, i).kind, !=, MWB_CHANGE_REGRESSION);
	/* KNOWN comes where REGRESSION would: first */
	g_assert_true (g_str_has_prefix (text, "KNOWN /x86_64/migration/bad_dest: PASS -> FAIL at step 5 (migrate): "
					 "destination refused [known broken (kb:1): refuses on this host]\n"));
	g_assert_null (strstr (text, "REGRESSION"));
	g_assert_nonnull (strstr (text, "\n0 regressions, 1 fixed, 1 known, "));
}

static void
test_compare_timing (void)
{
	g_autoptr (MwbReport) a = mwb_report_new ();
	g_autoptr (MwbReport) b = mwb_report_new ();
	MwbCompareOptions strict = { 10, 0.1 };
	g_autoptr (GArray) dflt = NULL, tight = NULL;

	add (a, "/slow", MWB_VERDICT_PASS, 10);
	add (b, "/slow", MWB_VERDICT_PASS, 12);		/* +20%, 2 s */
	add (a, "/fast", MWB_VERDICT_PASS, 10);
	add (b, "/fast", MWB_VERDICT_PASS, 2);		/* -80% */
	add (a, "/tiny", MWB_VERDICT_PASS, 0.2);
	add (b, "/tiny", MWB_VERDICT_PASS, 0.6);	/* +200%, but 0.4 s */
	add (a, "/failing", MWB_VERDICT_FAIL, 1);
	add (b, "/failing", MWB_VERDICT_FAIL, 100);	/* a failure's time says nothing */
	dflt = mwb_report_compare (a, b, NULL);
	g_assert_cmpuint (dflt->len, ==, 1);
	g_assert_cmpint (g_array_index (dflt, MwbChange, 0).kind, ==, MWB_CHANGE_FASTER);
	{
		g_autofree char *line = mwb_report_change_line (&g_array_index (dflt, MwbChange, 0));

		g_assert_cmpstr (line, ==, "FASTER /fast: 10.0 s -> 2.0 s (-80%)");
	}
	tight = mwb_report_compare (a, b, &strict);
	g_assert_cmpuint (tight->len, ==, 3);
	g_assert_cmpint (g_array_index (tight, MwbChange, 0).kind, ==, MWB_CHANGE_SLOWER);
	g_assert_cmpstr (g_array_index (tight, MwbChange, 0).b->path, ==, "/slow");
	g_assert_cmpstr (g_array_index (tight, MwbChange, 1).b->path, ==, "/tiny");
	g_assert_cmpint (g_array_index (tight, MwbChange, 2).kind, ==, MWB_CHANGE_FASTER);
}

static void
test_problems (void)
{
	g_autoptr (MwbReport) r = mwb_report_new ();
	g_autoptr (MwbKnownBroken) kb = kb_ok ("/known/* flaky here\n/now/passing\n");
	MwbReportEntry *e;
	guint problems = 0;
	g_autofree char *text = NULL;

	add (r, "/ok", MWB_VERDICT_PASS, 1);
	e = add (r, "/broken", MWB_VERDICT_FAIL, 1);
	fail_at (e, 1, "start", "no qemu\nat all");
	e->run_dir = g_strdup ("/tmp/run");
	e->kept = TRUE;
	mwb_report_entry_add_check (e, "started", MWB_CHECK_NOT_OK, "exit 1");
	mwb_report_entry_add_check (e, "stopped", MWB_CHECK_OK, NULL);
	add (r, "/known/one", MWB_VERDICT_FAIL, 1)->reason = g_strdup ("flaked");
	add (r, "/now/passing", MWB_VERDICT_PASS, 1);
	add (r, "/skipped", MWB_VERDICT_SKIP, 0);
	mwb_report_apply_known_broken (r, kb);
	text = mwb_report_problems_text (r, &problems);
	g_assert_cmpuint (problems, ==, 2);
	g_assert_cmpstr (text, ==,
			 "FAIL /broken at step 2 (start): no qemu at all\n"
			 "    not ok 1 started: exit 1\n"
			 "    run directory: /tmp/run\n"
			 "NOW PASSING /now/passing: listed as known broken (kb:2); take it off the list\n"
			 "2 to fix: 1 failed, 1 now passing; not shown: 1 known, 1 passed, 1 skipped\n");
}

/* ---- the files ---- */

static void
test_tap (void)
{
	g_autoptr (MwbReport) r = sample ();
	g_autoptr (MwbKnownBroken) kb = kb_ok ("zdtm/static/* criu too old\n/x86_64/*/plain should fail\n");
	g_autofree char *tap = NULL;

	mwb_report_apply_known_broken (r, kb);
	tap = mwb_report_tap (r);
	g_assert_true (g_str_has_prefix (tap, "TAP version 13\n1..5\n"));
	g_assert_nonnull (strstr (tap, "\nok 1 /x86_64/migration/precopy/unix/plain # TODO known broken: should fail\n"
				  "#   NOW PASSING: listed as known broken (kb:2)\n"));
	g_assert_nonnull (strstr (tap, "\nnot ok 2 zdtm/static/env00 [ns] # TODO known broken: criu too old\n"
				  "#   FAIL at step 5 (dump): Error (criu/cr-dump.c:371): \"can't\" <get> rlimit & more\n"
				  "#   second line\n#   run directory kept: /tmp/mwb-run-1\n"));
	g_assert_nonnull (strstr (tap, "\nok 3 /libvirt/migration/p2p/plain: domain defined\n"
				  "not ok 4 /libvirt/migration/p2p/plain: migrated \\# twice\n#   state is 'paused'\n"
				  "ok 5 /libvirt/migration/p2p/plain: cleaned up # SKIP not reached\n"
				  "#   /libvirt/migration/p2p/plain: SKIP: no libvirtd\n"));
}

/* Checks are the scenario's test points, as `mwb run --tap` prints them;
 * the scenario gets one of its own only where the checks cannot say it. */
static void
test_tap_checks (void)
{
	g_autoptr (MwbReport) r = mwb_report_new ();
	g_autoptr (MwbKnownBroken) kb = kb_ok ("/l/now\n");
	MwbReportEntry *e;
	g_autofree char *tap = NULL;

	e = add (r, "/l/fails", MWB_VERDICT_FAIL, 1);
	fail_at (e, 6, "migrate", "refused");
	mwb_report_entry_add_check (e, "defined", MWB_CHECK_OK, NULL);
	mwb_report_entry_add_check (e, "migrated", MWB_CHECK_NOT_OK, "refused");
	e = add (r, "/l/hand-written", MWB_VERDICT_FAIL, 1);
	mwb_report_entry_add_check (e, "defined", MWB_CHECK_OK, NULL);
	e = add (r, "/l/now", MWB_VERDICT_PASS, 1);
	mwb_report_entry_add_check (e, "defined", MWB_CHECK_OK, NULL);
	e = add (r, "/l/passes", MWB_VERDICT_PASS, 1);
	mwb_report_entry_add_check (e, "defined", MWB_CHECK_OK, NULL);
	mwb_report_apply_known_broken (r, kb);
	tap = mwb_report_tap (r);
	g_assert_true (g_str_has_prefix (tap, "TAP version 13\n1..7\n"));
	g_assert_cmpstr (strstr (tap, "ok 1 "), ==,
			 "ok 1 /l/fails: defined\n"
			 "not ok 2 /l/fails: migrated\n#   refused\n"
			 "#   /l/fails: FAIL at step 7 (migrate): refused\n"
			 "ok 3 /l/hand-written: defined\n"
			 "not ok 4 /l/hand-written\n#   FAIL\n"
			 "ok 5 /l/now: defined\n"
			 "ok 6 /l/now # TODO known broken\n#   NOW PASSING: listed as known broken (kb:1)\n"
			 "ok 7 /l/passes: defined\n"
			 "# 2 passed, 2 failed, 0 skipped, 0 known, 1 now passing\n");
}

static void
xml_error (GMarkupParseContext *c, GError *e, gpointer data)
{
	(void) c;
	(void) data;
	g_error ("junit.xml: %s", e->message);
}

static void
count_element (GMarkupParseContext *c, const char *name, const char **an, const char **av, gpointer data,
	       GError **e)
{
	(void) c;
	(void) an;
	(void) av;
	(void) e;
	if (g_str_equal (name, "testcase"))
		(*(guint *) data)++;
}

static void
test_junit (void)
{
	g_autoptr (MwbReport) r = sample ();
	g_autofree char *x = NULL;
	GMarkupParser p = { count_element, NULL, NULL, NULL, xml_error };
	GMarkupParseContext *ctx;
	guint cases = 0;
	g_autoptr (GError) err = NULL;

	g_free (((MwbReportEntry *) r->entries->pdata[1])->reason);
	((MwbReportEntry *) r->entries->pdata[1])->reason = g_strdup ("esc \x1b[0m & \x01 <b>");
	x = mwb_report_junit (r);
	ctx = g_markup_parse_context_new (&p, 0, &cases, NULL);
	g_assert_true (g_markup_parse_context_parse (ctx, x, -1, &err) && g_markup_parse_context_end_parse (ctx, &err));
	g_assert_no_error (err);
	g_markup_parse_context_free (ctx);
	g_assert_cmpuint (cases, ==, 6);
	g_assert_null (strstr (x, "&#x1"));
	g_assert_nonnull (strstr (x, "<testcase classname=\"x86_64.migration.precopy.unix\" name=\"plain\" time=\"3.100\"/>"));
	g_assert_nonnull (strstr (x, "<testcase classname=\"zdtm.static\" name=\"env00 [ns]\""));
	g_assert_nonnull (strstr (x, "<testcase classname=\"libvirt.migration.p2p.plain\" name=\"migrated # twice\""));
	g_assert_nonnull (strstr (x, "tests=\"6\" failures=\"2\" skipped=\"2\""));
}

static void
test_html_escaping (void)
{
	g_autoptr (MwbReport) r = mwb_report_new ();
	MwbReportEntry *e = add (r, "/a/<script>alert(1)</script>", MWB_VERDICT_FAIL, 1);
	MwbReportEntry *in = add (r, "/b", MWB_VERDICT_FAIL, 1);
	g_autofree char *html = NULL;

	fail_at (e, 0, "x\"y", "a & b < c > d \"e\" 'f'");
	e->run_dir = g_strdup ("/elsewhere/run one");
	e->kept = TRUE;
	mwb_report_entry_add_check (e, "<i>check</i>", MWB_CHECK_NOT_OK, "&amp;");
	in->run_dir = g_strdup ("/reports/today/runs/mwb-1");
	in->kept = TRUE;
	g_ptr_array_add (r->notes, g_strdup ("<note>"));
	html = mwb_report_html (r, "/reports/today");
	g_assert_null (strstr (html, "<script>"));
	g_assert_null (strstr (html, "<i>"));
	g_assert_null (strstr (html, "<note>"));
	g_assert_nonnull (strstr (html, "/a/&lt;script&gt;alert(1)&lt;/script&gt;"));
	g_assert_nonnull (strstr (html, "at step 1 (x&quot;y): a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;"));
	g_assert_nonnull (strstr (html, "&amp;amp;"));
	g_assert_nonnull (strstr (html, "<a href=\"file:///elsewhere/run%20one\">/elsewhere/run one</a>"));
	g_assert_nonnull (strstr (html, "<a href=\"runs/mwb-1\">"));
	g_assert_nonnull (strstr (html, "<details open>"));
	/* self-contained: nothing fetched */
	g_assert_null (strstr (html, "src="));
	g_assert_null (strstr (html, "<link"));
}

static void
test_write_dir (void)
{
	g_autoptr (MwbReport) r = sample ();
	g_autoptr (GError) err = NULL;
	g_autofree char *tmp = g_dir_make_tmp ("mwb-report-XXXXXX", &err);
	g_autofree char *dir = g_build_filename (tmp, "a", "b", NULL);
	g_autofree char *file = g_build_filename (tmp, "file", NULL);
	const char *names[] = { "results.tap", "junit.xml", "index.html", "results.json" };

	g_assert_no_error (err);
	g_assert_true (mwb_report_write_dir (r, dir, &err));
	g_assert_no_error (err);
	for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
		g_autofree char *f = g_build_filename (dir, names[i], NULL);

		g_assert_true (g_file_test (f, G_FILE_TEST_IS_REGULAR));
		g_remove (f);
	}
	g_assert_true (g_file_set_contents (file, "", 0, NULL));
	g_assert_false (mwb_report_write_dir (r, file, &err));
	g_assert_nonnull (strstr (err->message, "exists and is not a directory"));
	g_remove (file);
	g_rmdir (dir);
	g_free (g_steal_pointer (&dir));
	dir = g_build_filename (tmp, "a", NULL);
	g_rmdir (dir);
	g_rmdir (tmp);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/report/json/round-trip", test_json_round_trip);
	g_test_add_func ("/report/json/known-round-trip", test_json_known_round_trip);
	g_test_add_func ("/report/json/invalid-utf8", test_json_invalid_utf8);
	g_test_add_func ("/report/json/errors", test_json_errors);
	g_test_add_func ("/report/json/minimal", test_json_minimal);
	g_test_add_func ("/report/json/load-file", test_json_load_file);
	g_test_add_func ("/report/known-broken/parse", test_kb_parse);
	g_test_add_func ("/report/known-broken/errors", test_kb_errors);
	g_test_add_func ("/report/known-broken/match", test_kb_match);
	g_test_add_func ("/report/compare/regression", test_compare_regression);
	g_test_add_func ("/report/compare/known", test_compare_known);
	g_test_add_func ("/report/compare/timing", test_compare_timing);
	g_test_add_func ("/report/problems", test_problems);
	g_test_add_func ("/report/tap", test_tap);
	g_test_add_func ("/report/tap-checks", test_tap_checks);
	g_test_add_func ("/report/junit", test_junit);
	g_test_add_func ("/report/html-escaping", test_html_escaping);
	g_test_add_func ("/report/write-dir", test_write_dir);
	return g_test_run ();
}
