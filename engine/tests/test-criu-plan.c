/* Unit tests for zdtm.py's variations as step lists (engine/criu-plan.c):
 * criu_plan on a scenario of env00.scn's shape under each variation, step by
 * step (name, action, arguments, about, line), criu_plan_describe and
 * criu_plan_phase; then rules that must hold for any combination, checked
 * over the whole variation matrix on env00 and on every shipped
 * scenarios/zdtm/ file (run from the top of the tree, as tests/run.sh does),
 * including mwb_backend_validate against the criu backend's action table.
 *
 * Where mwb's plan is not what zdtm.py (criu/test/zdtm.py, cr() and
 * criu.dump()) would run, a comment says so: these tests pin mwb's
 * behaviour as it is. */
#include <string.h>

#include <glib.h>

#include "backend.h"
#include "criu-plan.h"
#include "mwb-error.h"
#include "run-config.h"
#include "scenario.h"

/* scenarios/zdtm/static/env00.scn as shipped; line numbers matter */
static const char env00_scn[] =
	"# A ZDTM-style checkpoint/restore test: guestcode/zdtm/env00.c (env00.desc says\n"	/* 1 */
	"# what it supports). zdtm.py's variations (--iters, --pre, --norst, ...)\n"		/* 2 */
	"# rewrite the dump..restore part of these steps (engine/criu-plan.c).\n"		/* 3 */
	"path        zdtm/static/env00\n"						/* 4 */
	"description a little memory, a signal handler, one open file\n"			/* 5 */
	"backend     criu\n"								/* 6 */
	"set         test = env00\n"							/* 7 */
	"\n"											/* 8 */
	"step probe    criu.probe test=${test}\n"						/* 9 */
	"     about    Check criu (criu check), the test's .desc and what the variation needs from this kernel\n"
	"step start    criu.start-test test=${test}\n"					/* 11 */
	"     about    Start ${test}: it daemonizes, sets up its state and waits for SIGTERM\n"
	"step dump     criu.dump iter=1\n"							/* 13 */
	"     about    Run criu dump of the test's tree into dump/zdtm/static/${test}/${root-pid}/1\n"
	"step gone     criu.wait-gone\n"							/* 15 */
	"     about    Wait until the dumped processes are gone (a restore needs their PIDs)\n"
	"step restore  criu.restore iter=1\n"						/* 17 */
	"     about    Run criu restore from dump/zdtm/static/${test}/${root-pid}/1\n"
	"step sigterm  criu.signal-test\n"							/* 19 */
	"     about    Send the test SIGTERM: it checks its state now\n"
	"step check    criu.check-test\n"							/* 21 */
	"     about    Wait for the test to exit and read its verdict, the last line of ${test}.out\n";
#define DUMP_LINE 13

static MwbScenario *
env00 (void)
{
	g_autoptr (GError) err = NULL;
	MwbScenario *scn = mwb_scenario_parse ("env00.scn", env00_scn, &err);

	g_assert_no_error (err);
	g_assert_nonnull (scn);
	return scn;
}

/* One line a step: "name action k=v k=v", a value with a blank in quotes. */
static char *
render (const MwbScenario *scn)
{
	GString *s = g_string_new (NULL);

	for (guint i = 0; i < scn->steps->len; i++) {
		const MwbStep *st = mwb_scenario_step (scn, i);

		g_string_append_printf (s, "%s %s", st->name, st->action);
		for (guint j = 0; j < st->args->len; j++) {
			const MwbArg *a = &g_array_index (st->args, MwbArg, j);

			g_string_append_printf (s, strchr (a->value, ' ') ? " %s=\"%s\"" : " %s=%s", a->key, a->value);
		}
		g_string_append_c (s, '\n');
	}
	return g_string_free (s, FALSE);
}

static MwbScenario *
plan_fault (MwbScenario *scn, const MwbCriuVariation *v, const char *flavor, const char *fault)
{
	g_autoptr (MwbRunConfig) cfg = mwb_run_config_new ();
	MwbScenario *out;

	cfg->criu = *v;
	cfg->flavor = g_strdup (flavor);
	if (fault)
		g_ptr_array_add (cfg->faults, g_strdup (fault));
	out = criu_plan (scn, cfg);
	g_assert_nonnull (out);
	g_assert_true (out != scn);
	return out;
}

static MwbScenario *
plan (MwbScenario *scn, const MwbCriuVariation *v, const char *flavor)
{
	return plan_fault (scn, v, flavor, NULL);
}

#define PROBE "probe criu.probe test=${test}"
#define START "start criu.start-test test=${test}\n"
#define TAIL "sigterm criu.signal-test\ncheck criu.check-test\n"
#define CYCLE1 "dump criu.dump iter=1\ngone criu.wait-gone\nrestore criu.restore iter=1\n"

typedef struct {
	const char *name;
	MwbCriuVariation v;
	const char *flavor;
	const char *fault;	/* a --fault name, or NULL */
	const char *describe;	/* criu_plan_describe */
	const char *steps;	/* render () of the plan */
} PlanCase;

static const PlanCase plan_cases[] = {
	{ "plain", { 0 }, NULL, NULL, "", PROBE "\n" START CYCLE1 TAIL },
	{ "iters-1", { .iters = 1 }, NULL, NULL, "", PROBE "\n" START CYCLE1 TAIL },
	/* a fault is the backend's business: the steps stay */
	{ "fault-criu", { .fault = 3 }, NULL, "criu=3", "", PROBE "\n" START CYCLE1 TAIL },
	{ "flavor-only", { 0 }, "uns", NULL, "", PROBE " flavor=uns\n" START CYCLE1 TAIL },
	{ "iters-3", { .iters = 3 }, NULL, NULL, "--iters 3",
	  PROBE " variations=\"--iters 3\"\n" START
	  "dump criu.dump iter=1\ngone criu.wait-gone\nrestore criu.restore iter=1\n"
	  "dump-2 criu.dump iter=2\ngone-2 criu.wait-gone\nrestore-2 criu.restore iter=2\n"
	  "dump-3 criu.dump iter=3\ngone-3 criu.wait-gone\nrestore-3 criu.restore iter=3\n" TAIL },
	{ "pre-2", { .pre = 2 }, "h", NULL, "--pre 2",
	  PROBE " variations=\"--pre 2\" flavor=h\n" START
	  "pre-dump criu.pre-dump iter=1 leave-running=yes track-mem=yes\n"
	  "pre-dump-2 criu.pre-dump iter=2 leave-running=yes track-mem=yes prev=1\n"
	  "dump criu.dump iter=3 track-mem=yes prev=2\n"
	  "gone criu.wait-gone\nrestore criu.restore iter=3\n" TAIL },
	/* no --prev-images-dir across a restore */
	{ "pre-1-iters-2", { .pre = 1, .iters = 2 }, NULL, NULL, "--iters 2 --pre 1",
	  PROBE " variations=\"--iters 2 --pre 1\"\n" START
	  "pre-dump criu.pre-dump iter=1 leave-running=yes track-mem=yes\n"
	  "dump criu.dump iter=2 track-mem=yes prev=1\n"
	  "gone criu.wait-gone\nrestore criu.restore iter=2\n"
	  "pre-dump-2 criu.pre-dump iter=3 leave-running=yes track-mem=yes\n"
	  "dump-2 criu.dump iter=4 track-mem=yes prev=3\n"
	  "gone-2 criu.wait-gone\nrestore-2 criu.restore iter=4\n" TAIL },
	{ "norst", { .norst = TRUE }, NULL, NULL, "--norst",
	  PROBE " variations=--norst\n" START "dump criu.dump iter=1 leave-running=yes\n" TAIL },
	/* zdtm.py differs: without a restore its prev_dump_iter is never reset,
	 * so its second dump runs with --prev-images-dir ../1 --track-mem */
	{ "norst-iters-2", { .norst = TRUE, .iters = 2 }, NULL, NULL, "--norst --iters 2",
	  PROBE " variations=\"--norst --iters 2\"\n" START
	  "dump criu.dump iter=1 leave-running=yes\n"
	  "dump-2 criu.dump iter=2 leave-running=yes\n" TAIL },
	/* zdtm.py differs: its dump after a pre-dump always adds --track-mem */
	{ "norst-pre-1", { .norst = TRUE, .pre = 1 }, NULL, NULL, "--norst --pre 1",
	  PROBE " variations=\"--norst --pre 1\"\n" START
	  "pre-dump criu.pre-dump iter=1 leave-running=yes track-mem=yes\n"
	  "dump criu.dump iter=2 leave-running=yes prev=1\n" TAIL },
	{ "nocr", { .nocr = TRUE }, NULL, NULL, "--nocr", PROBE " variations=--nocr\n" START TAIL },
	{ "nocr-with-more", { .nocr = TRUE, .iters = 3, .pre = 2, .page_server = TRUE }, NULL, NULL,
	  "--nocr --iters 3 --pre 2 --page-server",
	  PROBE " variations=\"--nocr --iters 3 --pre 2 --page-server\"\n" START TAIL },
	{ "page-server", { .page_server = TRUE }, NULL, NULL, "--page-server",
	  PROBE " variations=--page-server\n" START
	  "page-server criu.page-server iter=1\n" CYCLE1 TAIL },
	{ "page-server-pre-1", { .page_server = TRUE, .pre = 1 }, NULL, NULL, "--pre 1 --page-server",
	  PROBE " variations=\"--pre 1 --page-server\"\n" START
	  "page-server criu.page-server iter=1\n"
	  "pre-dump criu.pre-dump iter=1 leave-running=yes track-mem=yes\n"
	  "page-server-2 criu.page-server iter=2\n"
	  "dump criu.dump iter=2 track-mem=yes prev=1\n"
	  "gone criu.wait-gone\nrestore criu.restore iter=2\n" TAIL },
	{ "lazy-pages", { .lazy_pages = TRUE }, NULL, NULL, "--lazy-pages",
	  PROBE " variations=--lazy-pages\n" START
	  "dump criu.dump iter=1\ngone criu.wait-gone\n"
	  "lazy-pages criu.lazy-pages iter=1\n"
	  "restore criu.restore iter=1 lazy=yes\n"
	  "lazy-done criu.wait-daemon what=lazy-pages\n" TAIL },
	/* zdtm.py's --remote-lazy-pages dumps plainly and starts `criu page-server
	 * --lazy-pages` on the images at restore; a dump that serves its own pages
	 * (--lazy-pages --port, here) is its --lazy-migrate */
	{ "remote-lazy-pages", { .remote_lazy_pages = TRUE }, NULL, NULL, "--remote-lazy-pages",
	  PROBE " variations=--remote-lazy-pages\n" START
	  "dump criu.dump iter=1\n"
	  "lazy-pages criu.lazy-pages iter=1 remote=yes\n"
	  "restore criu.restore iter=1 lazy=yes\n"
	  "lazy-done criu.wait-daemon what=lazy-pages\n"
	  "dump-done criu.wait-daemon what=dump\n"
	  /* the lazy dump keeps the tree until it has served every page */
	  "gone criu.wait-gone\n" TAIL },
	{ "remote-lazy-pages-stop-iters-2", { .remote_lazy_pages = TRUE, .stop = TRUE, .iters = 2 }, NULL, NULL,
	  "--iters 2 --remote-lazy-pages --stop",
	  PROBE " variations=\"--iters 2 --remote-lazy-pages --stop\"\n" START
	  "dump criu.dump iter=1\n"
	  "lazy-pages criu.lazy-pages iter=1 remote=yes\n"
	  "restore criu.restore iter=1 lazy=yes leave-stopped=yes\n"
	  "lazy-done criu.wait-daemon what=lazy-pages\n"
	  "dump-done criu.wait-daemon what=dump\n"
	  "gone criu.wait-gone\n"
	  "stopped criu.check-stopped\n"
	  "dump-2 criu.dump iter=2\n"
	  "lazy-pages-2 criu.lazy-pages iter=2 remote=yes\n"
	  "restore-2 criu.restore iter=2 lazy=yes leave-stopped=yes\n"
	  "lazy-done-2 criu.wait-daemon what=lazy-pages\n"
	  "dump-done-2 criu.wait-daemon what=dump\n"
	  "gone-2 criu.wait-gone\n"
	  "stopped-2 criu.check-stopped\n" TAIL },
	/* --fault tamper-image: one tamper step, before the last restore */
	{ "tamper", { 0 }, NULL, "tamper-image", "",
	  PROBE "\n" START
	  "dump criu.dump iter=1\ngone criu.wait-gone\n"
	  "tamper criu.tamper iter=1\n"
	  "restore criu.restore iter=1\n" TAIL },
	{ "tamper-iters-2-lazy", { .iters = 2, .lazy_pages = TRUE }, NULL, "tamper-image", "--iters 2 --lazy-pages",
	  PROBE " variations=\"--iters 2 --lazy-pages\"\n" START
	  "dump criu.dump iter=1\ngone criu.wait-gone\n"
	  "lazy-pages criu.lazy-pages iter=1\n"
	  "restore criu.restore iter=1 lazy=yes\n"
	  "lazy-done criu.wait-daemon what=lazy-pages\n"
	  "dump-2 criu.dump iter=2\ngone-2 criu.wait-gone\n"
	  "lazy-pages-2 criu.lazy-pages iter=2\n"
	  "tamper criu.tamper iter=2\n"
	  "restore-2 criu.restore iter=2 lazy=yes\n"
	  "lazy-done-2 criu.wait-daemon what=lazy-pages\n" TAIL },
	{ "tamper-snaps-iters-2", { .iters = 2, .snaps = TRUE }, NULL, "tamper-image", "--iters 2 --snaps",
	  PROBE " variations=\"--iters 2 --snaps\"\n" START
	  "dump criu.dump iter=1 leave-running=yes track-mem=yes\n"
	  "dump-2 criu.dump iter=2 track-mem=yes prev=1\n"
	  "gone criu.wait-gone\n"
	  "tamper criu.tamper iter=2\n"
	  "restore criu.restore iter=2\n" TAIL },
	/* no restore, nothing to tamper with (vet_pass then refuses the PASS) */
	{ "tamper-norst", { .norst = TRUE }, NULL, "tamper-image", "--norst",
	  PROBE " variations=--norst\n" START "dump criu.dump iter=1 leave-running=yes\n" TAIL },
	{ "sibling", { .sibling = TRUE }, NULL, NULL, "--sibling",
	  PROBE " variations=--sibling\n" START
	  "dump criu.dump iter=1\ngone criu.wait-gone\nrestore criu.restore iter=1 sibling=yes\n" TAIL },
	{ "stop", { .stop = TRUE }, NULL, NULL, "--stop",
	  PROBE " variations=--stop\n" START
	  "dump criu.dump iter=1\ngone criu.wait-gone\nrestore criu.restore iter=1 leave-stopped=yes\n"
	  "stopped criu.check-stopped\n" TAIL },
	{ "stop-iters-2", { .stop = TRUE, .iters = 2 }, NULL, NULL, "--iters 2 --stop",
	  PROBE " variations=\"--iters 2 --stop\"\n" START
	  "dump criu.dump iter=1\ngone criu.wait-gone\nrestore criu.restore iter=1 leave-stopped=yes\n"
	  "stopped criu.check-stopped\n"
	  "dump-2 criu.dump iter=2\ngone-2 criu.wait-gone\nrestore-2 criu.restore iter=2 leave-stopped=yes\n"
	  "stopped-2 criu.check-stopped\n" TAIL },
	{ "norst-stop", { .norst = TRUE, .stop = TRUE }, NULL, NULL, "--norst --stop",
	  PROBE " variations=\"--norst --stop\"\n" START
	  "dump criu.dump iter=1 leave-running=yes\nstopped criu.check-stopped\n" TAIL },
	{ "lazy-sibling-stop", { .lazy_pages = TRUE, .sibling = TRUE, .stop = TRUE }, NULL, NULL,
	  "--lazy-pages --sibling --stop",
	  PROBE " variations=\"--lazy-pages --sibling --stop\"\n" START
	  "dump criu.dump iter=1\ngone criu.wait-gone\n"
	  "lazy-pages criu.lazy-pages iter=1\n"
	  "restore criu.restore iter=1 sibling=yes lazy=yes leave-stopped=yes\n"
	  "lazy-done criu.wait-daemon what=lazy-pages\n"
	  "stopped criu.check-stopped\n" TAIL },
	/* zdtm.py's --snaps turns the --pre pre-dumps into dumps --leave-running
	 * --track-mem and does nothing without --pre; mwb's makes every
	 * iteration but the last a snapshot */
	{ "snaps", { .snaps = TRUE }, NULL, NULL, "--snaps",
	  PROBE " variations=--snaps\n" START
	  "dump criu.dump iter=1 track-mem=yes\ngone criu.wait-gone\nrestore criu.restore iter=1\n" TAIL },
	{ "snaps-iters-3", { .snaps = TRUE, .iters = 3 }, NULL, NULL, "--iters 3 --snaps",
	  PROBE " variations=\"--iters 3 --snaps\"\n" START
	  "dump criu.dump iter=1 leave-running=yes track-mem=yes\n"
	  "dump-2 criu.dump iter=2 leave-running=yes track-mem=yes prev=1\n"
	  "dump-3 criu.dump iter=3 track-mem=yes prev=2\n"
	  "gone criu.wait-gone\nrestore criu.restore iter=3\n" TAIL },
	{ "snaps-norst-iters-2", { .snaps = TRUE, .norst = TRUE, .iters = 2 }, NULL, NULL, "--norst --iters 2 --snaps",
	  PROBE " variations=\"--norst --iters 2 --snaps\"\n" START
	  "dump criu.dump iter=1 leave-running=yes track-mem=yes\n"
	  "dump-2 criu.dump iter=2 leave-running=yes track-mem=yes prev=1\n" TAIL },
	{ "dedup", { .dedup = TRUE }, NULL, NULL, "--dedup", PROBE " variations=--dedup\n" START CYCLE1 TAIL },
	{ "page-server-lazy-pre-iters", { .page_server = TRUE, .lazy_pages = TRUE, .pre = 1, .iters = 2 }, "ns", NULL,
	  "--iters 2 --pre 1 --page-server --lazy-pages",
	  PROBE " variations=\"--iters 2 --pre 1 --page-server --lazy-pages\" flavor=ns\n" START
	  "page-server criu.page-server iter=1\n"
	  "pre-dump criu.pre-dump iter=1 leave-running=yes track-mem=yes\n"
	  "page-server-2 criu.page-server iter=2\n"
	  "dump criu.dump iter=2 track-mem=yes prev=1\n"
	  "gone criu.wait-gone\n"
	  "lazy-pages criu.lazy-pages iter=2\n"
	  "restore criu.restore iter=2 lazy=yes\n"
	  "lazy-done criu.wait-daemon what=lazy-pages\n"
	  "page-server-3 criu.page-server iter=3\n"
	  "pre-dump-2 criu.pre-dump iter=3 leave-running=yes track-mem=yes\n"
	  "page-server-4 criu.page-server iter=4\n"
	  "dump-2 criu.dump iter=4 track-mem=yes prev=3\n"
	  "gone-2 criu.wait-gone\n"
	  "lazy-pages-2 criu.lazy-pages iter=4\n"
	  "restore-2 criu.restore iter=4 lazy=yes\n"
	  "lazy-done-2 criu.wait-daemon what=lazy-pages\n" TAIL },
};

static void
test_plan_case (gconstpointer data)
{
	const PlanCase *c = data;
	g_autoptr (MwbScenario) scn = env00 ();
	g_autoptr (MwbScenario) out = plan_fault (scn, &c->v, c->flavor, c->fault);
	g_autofree char *got = render (out);
	g_autofree char *desc = criu_plan_describe (&c->v);
	g_autofree char *orig = render (scn);
	g_autoptr (GError) err = NULL;

	g_assert_cmpstr (desc, ==, c->describe);
	g_assert_cmpstr (got, ==, c->steps);
	/* the scenario planned from is left as it was */
	g_assert_cmpstr (orig, ==, PROBE "\n" START CYCLE1 TAIL);
	g_assert_cmpint (scn->refcount, ==, 1);
	/* what the plan says is what the criu backend takes */
	g_assert_true (mwb_backend_validate (&mwb_criu_backend, out, &err));
	g_assert_no_error (err);
}

/* ---- around the steps ---- */

static void
test_plan_null_config (void)
{
	g_autoptr (MwbScenario) scn = env00 ();
	MwbScenario *out = criu_plan (scn, NULL);

	/* no configuration: the very scenario, one more reference */
	g_assert_true (out == scn);
	g_assert_cmpint (scn->refcount, ==, 2);
	mwb_scenario_unref (out);
	g_assert_cmpint (scn->refcount, ==, 1);
}

static void
test_plan_header_and_lines (void)
{
	g_autoptr (MwbScenario) scn = env00 ();
	MwbCriuVariation v = { .iters = 2, .pre = 1, .page_server = TRUE, .stop = TRUE };
	g_autoptr (MwbScenario) out = plan (scn, &v, NULL);
	const MwbStep *st;

	g_assert_cmpint (out->refcount, ==, 1);
	g_assert_cmpstr (out->file, ==, "env00.scn");
	g_assert_cmpstr (out->path, ==, "zdtm/static/env00");
	g_assert_cmpstr (out->description, ==, "a little memory, a signal handler, one open file");
	g_assert_cmpstr (out->backend, ==, "criu");
	g_assert_cmpuint (out->params->len, ==, 1);
	g_assert_cmpstr (g_array_index (out->params, MwbArg, 0).key, ==, "test");
	g_assert_cmpstr (g_array_index (out->params, MwbArg, 0).value, ==, "env00");
	g_assert_true (out->params != scn->params);

	/* kept steps keep their lines and abouts; generated ones say they come
	 * from the scenario's first C/R step */
	st = mwb_scenario_step (out, 0);
	g_assert_cmpstr (st->name, ==, "probe");
	g_assert_cmpuint (st->line, ==, 9);
	g_assert_cmpstr (st->about, ==, "Check criu (criu check), the test's .desc and what the variation needs from this kernel");
	g_assert_true (st != mwb_scenario_step (scn, 0));
	g_assert_cmpuint (mwb_scenario_step (out, 1)->line, ==, 11);
	for (guint i = 2; i + 2 < out->steps->len; i++) {
		st = mwb_scenario_step (out, i);
		g_assert_cmpuint (st->line, ==, DUMP_LINE);
		g_assert_cmpfloat (st->timeout_s, ==, 0);
		g_assert_false (st->expect_fail);
		g_assert_null (st->expect_match);
		g_assert_nonnull (st->about);
	}
	st = mwb_scenario_step (out, out->steps->len - 2);
	g_assert_cmpstr (st->name, ==, "sigterm");
	g_assert_cmpuint (st->line, ==, 19);
	g_assert_cmpstr (st->about, ==, "Send the test SIGTERM: it checks its state now");
	st = mwb_scenario_step (out, out->steps->len - 1);
	g_assert_cmpstr (st->name, ==, "check");
	g_assert_cmpuint (st->line, ==, 21);
	/* 2 + 2 * (page-server, pre-dump, page-server, dump, gone, restore, stopped) + 2 */
	g_assert_cmpuint (out->steps->len, ==, 18);
}

typedef struct {
	const char *step;
	const char *about;
} About;

static void
assert_abouts (const MwbCriuVariation *v, const About *want, guint n)
{
	g_autoptr (MwbScenario) scn = env00 ();
	g_autoptr (MwbScenario) out = plan (scn, v, NULL);

	for (guint i = 0; i < n; i++) {
		int at = mwb_scenario_find_step (out, want[i].step);

		if (at < 0)
			g_error ("no step %s", want[i].step);
		g_assert_cmpstr (mwb_scenario_step (out, at)->about, ==, want[i].about);
	}
}

static void
test_plan_abouts (void)
{
	static const About plain[] = {
		{ "dump", "Run criu dump of the test's tree into dump/…/${root-pid}/1" },
		{ "gone", "Wait until the dumped processes are gone (a restore needs their PIDs)" },
		{ "restore", "Run criu restore from dump/…/${root-pid}/1" },
	};
	static const About pre[] = {
		{ "pre-dump", "Run criu pre-dump of the test's tree into dump/…/${root-pid}/1 (--track-mem)" },
		{ "pre-dump-2", "Run criu pre-dump of the test's tree into dump/…/${root-pid}/2 (--track-mem --prev-images-dir ../1)" },
		{ "dump", "Run criu dump of the test's tree into dump/…/${root-pid}/3 (--track-mem --prev-images-dir ../2)" },
		{ "restore", "Run criu restore from dump/…/${root-pid}/3" },
	};
	static const About norst_stop[] = {
		{ "dump", "Run criu dump of the test's tree into dump/…/${root-pid}/1 (--leave-running --leave-stopped)" },
		{ "dump-2", "Run criu dump of the test's tree into dump/…/${root-pid}/2 (--leave-running --leave-stopped)" },
		{ "stopped", "Check that every task of the tree is stopped (state T) after dump --leave-stopped, then SIGCONT them (--stop)" },
	};
	static const About remote[] = {
		{ "dump", "Run criu dump of the test's tree into dump/…/${root-pid}/1 (--lazy-pages --port)" },
		{ "lazy-pages", "Start the `criu lazy-pages` daemon for images 1, fetching pages from the dump's page server" },
		{ "restore", "Run criu restore from dump/…/${root-pid}/1 (--lazy-pages)" },
		{ "lazy-done", "Wait for the lazy-pages daemon to hand over every page and exit" },
		{ "dump-done", "Wait for the lazy dump to finish serving pages and exit" },
		{ "gone", "Wait until the dumped processes are gone (the lazy dump ends them last)" },
	};
	static const About lazy_sibling_stop[] = {
		{ "lazy-pages", "Start the `criu lazy-pages` daemon for images 1" },
		{ "restore", "Run criu restore from dump/…/${root-pid}/1 (--restore-sibling --lazy-pages --leave-stopped)" },
		{ "stopped", "Check that every task of the tree is stopped (state T) after restore --leave-stopped, then SIGCONT them (--stop)" },
	};
	static const About ps_dedup[] = {
		{ "page-server", "Start `criu page-server` on 127.0.0.1:${page-server-port} for images 1 (--page-server)" },
		{ "dump", "Run criu dump of the test's tree into dump/…/${root-pid}/1 (--auto-dedup --page-server)" },
		{ "page-server-2", "Start `criu page-server` on 127.0.0.1:${page-server-port} for images 2 (--page-server)" },
		{ "dump-2", "Run criu dump of the test's tree into dump/…/${root-pid}/2 (--auto-dedup --page-server)" },
	};
	static const About snaps[] = {
		{ "dump", "Run criu dump of the test's tree into dump/…/${root-pid}/1 (--leave-running --track-mem)" },
		{ "dump-2", "Run criu dump of the test's tree into dump/…/${root-pid}/2 (--track-mem --prev-images-dir ../1)" },
	};

	assert_abouts (&(MwbCriuVariation) { 0 }, plain, G_N_ELEMENTS (plain));
	assert_abouts (&(MwbCriuVariation) { .pre = 2 }, pre, G_N_ELEMENTS (pre));
	assert_abouts (&(MwbCriuVariation) { .norst = TRUE, .stop = TRUE, .iters = 2 }, norst_stop, G_N_ELEMENTS (norst_stop));
	assert_abouts (&(MwbCriuVariation) { .remote_lazy_pages = TRUE }, remote, G_N_ELEMENTS (remote));
	assert_abouts (&(MwbCriuVariation) { .lazy_pages = TRUE, .sibling = TRUE, .stop = TRUE }, lazy_sibling_stop,
		       G_N_ELEMENTS (lazy_sibling_stop));
	assert_abouts (&(MwbCriuVariation) { .page_server = TRUE, .dedup = TRUE, .iters = 2 }, ps_dedup, G_N_ELEMENTS (ps_dedup));
	assert_abouts (&(MwbCriuVariation) { .snaps = TRUE, .iters = 2 }, snaps, G_N_ELEMENTS (snaps));
}

/* Steps between the scenario's first C/R step and the end that are not C/R
 * steps stay, in order, after the generated cycle; a step named like a
 * generated one that comes before it pushes the generated name to -2. */
static void
test_plan_other_steps (void)
{
	g_autoptr (GError) err = NULL;
	g_autoptr (MwbScenario) scn = mwb_scenario_parse ("t.scn",
							  "path /t/criu\nbackend criu\n"
							  "step probe criu.probe test=t\n"
							  "step restore criu.start-test test=t\n"	/* a name the plan uses */
							  "step dump criu.dump iter=1\n"
							  "step gone criu.wait-gone\n"
							  "step restore2 criu.restore iter=1\n"
							  "step sig criu.signal-test signal=10\n"
							  "step check criu.check-test expect=fail match=boom\n",
							  &err);
	MwbCriuVariation v = { 0 };
	g_autoptr (MwbScenario) out = NULL;
	g_autofree char *got = NULL;
	const MwbStep *check;

	g_assert_no_error (err);
	out = plan (scn, &v, NULL);
	got = render (out);
	g_assert_cmpstr (got, ==,
			 "probe criu.probe test=t\n"
			 "restore criu.start-test test=t\n"
			 "dump criu.dump iter=1\n"
			 "gone criu.wait-gone\n"
			 "restore-2 criu.restore iter=1\n"
			 "sig criu.signal-test signal=10\n"
			 "check criu.check-test\n");
	/* a kept step keeps what the engine reads off it */
	check = mwb_scenario_step (out, 6);
	g_assert_true (check->expect_fail);
	g_assert_cmpstr (check->expect_match, ==, "boom");
	g_assert_cmpuint (check->line, ==, 9);
	g_assert_cmpuint (mwb_scenario_step (out, 2)->line, ==, 5);
}

/* Every C/R step a scenario writes out, wherever it is, gives way to the one
 * generated cycle, which takes the place of the first. */
static void
test_plan_replaces_all_cr_steps (void)
{
	g_autoptr (GError) err = NULL;
	g_autoptr (MwbScenario) scn = mwb_scenario_parse ("t.scn",
							  "path /t/criu\nbackend criu\n"
							  "step probe criu.probe test=t\n"
							  "step start criu.start-test test=t\n"
							  "step ps criu.page-server iter=1\n"
							  "step pd criu.pre-dump iter=1\n"
							  "step d criu.dump iter=2 prev=1 track-mem=yes\n"
							  "step g criu.wait-gone\n"
							  "step lp criu.lazy-pages iter=2\n"
							  "step r criu.restore iter=2 lazy=yes leave-stopped=yes\n"
							  "step wd criu.wait-daemon what=lazy-pages\n"
							  "step st criu.check-stopped\n"
							  "step mid criu.signal-test signal=10\n"
							  "step d2 criu.dump iter=3\n"
							  "step g2 criu.wait-gone\n"
							  "step r2 criu.restore iter=3\n"
							  "step check criu.check-test\n",
							  &err);
	g_autoptr (MwbScenario) out = NULL;
	g_autofree char *got = NULL;

	g_assert_no_error (err);
	out = plan (scn, &(MwbCriuVariation) { 0 }, NULL);
	got = render (out);
	g_assert_cmpstr (got, ==,
			 "probe criu.probe test=t\n"
			 "start criu.start-test test=t\n"
			 "dump criu.dump iter=1\n"
			 "gone criu.wait-gone\n"
			 "restore criu.restore iter=1\n"
			 "mid criu.signal-test signal=10\n"
			 "check criu.check-test\n");
	/* the generated steps say they come from the first C/R step's line */
	g_assert_cmpuint (mwb_scenario_step (out, 2)->line, ==, 5);
}

/* ---- describe and phase ---- */

static void
test_describe (void)
{
	MwbCriuVariation all = {
		.nocr = TRUE, .norst = TRUE, .iters = 3, .pre = 2, .snaps = TRUE, .page_server = TRUE,
		.lazy_pages = TRUE, .remote_lazy_pages = TRUE, .sibling = TRUE, .stop = TRUE, .dedup = TRUE,
		.fault = 7,
	};
	g_autofree char *a = criu_plan_describe (&all);
	g_autofree char *none = criu_plan_describe (&(MwbCriuVariation) { 0 });
	g_autofree char *iters0 = criu_plan_describe (&(MwbCriuVariation) { .iters = 0, .pre = 1 });
	g_autofree char *big = criu_plan_describe (&(MwbCriuVariation) { .iters = 100, .pre = 100 });

	/* a fixed order, whatever the command line's */
	g_assert_cmpstr (a, ==, "--nocr --norst --iters 3 --pre 2 --snaps --page-server --lazy-pages"
			 " --remote-lazy-pages --sibling --stop --dedup");
	g_assert_cmpstr (none, ==, "");
	g_assert_cmpstr (iters0, ==, "--pre 1");
	g_assert_cmpstr (big, ==, "--iters 100 --pre 100");
}

static void
test_phase (void)
{
	static const struct {
		const char *action, *phase;
	} cases[] = {
		{ "criu.dump", "CRIU dump" },
		{ "criu.pre-dump", "CRIU dump" },
		{ "criu.page-server", "CRIU dump" },
		{ "criu.restore", "CRIU restore" },
		{ "criu.lazy-pages", "CRIU restore" },
		{ "criu.wait-daemon", "CRIU restore" },
		{ "criu.wait-gone", "CRIU restore" },
		{ "criu.start-test", "start" },
		{ "criu.probe", "start" },
		{ "criu.signal-test", "result check" },
		{ "criu.check-test", "result check" },
		{ "criu.check-stopped", "result check" },
		{ "criu.dumpx", "result check" },
		{ "qemu.migrate", "result check" },
		{ "", "result check" },
	};

	for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
		g_assert_cmpstr (criu_plan_phase (cases[i].action), ==, cases[i].phase);
}

/* ---- rules for every combination ---- */

static gboolean
yes (const MwbStep *st, const char *key)
{
	const char *v = mwb_step_arg (st, key);

	return v && g_str_equal (v, "yes");
}

static guint
count (const MwbScenario *scn, const char *action)
{
	guint n = 0;

	for (guint i = 0; i < scn->steps->len; i++)
		n += g_str_equal (mwb_scenario_step (scn, i)->action, action);
	return n;
}

static guint
uarg (const MwbStep *st, const char *key)
{
	const char *v = mwb_step_arg (st, key);
	guint64 n = 0;

	g_assert_nonnull (v);
	g_assert_true (g_ascii_string_to_unsigned (v, 10, 1, 1000, &n, NULL));
	return (guint) n;
}

/* Failures name the variation: the matrix runs thousands of them. */
#define RULE(cond) \
	do { \
		if (!(cond)) \
			g_error ("%s: rule broken at %s:%d: %s", what, __FILE__, __LINE__, #cond); \
	} while (0)
#define RULE_EQ(a, b) \
	do { \
		guint a_ = (a), b_ = (b); \
		if (a_ != b_) \
			g_error ("%s: rule broken at %s:%d: %s == %s (%u != %u)", what, __FILE__, __LINE__, #a, #b, a_, b_); \
	} while (0)

/* mwb's reading of zdtm.py's cr(), stated on the step list rather than on
 * how criu-plan.c builds it. */
static void
check_rules (const MwbScenario *scn, const MwbScenario *out, const MwbCriuVariation *v, gboolean tamper,
	     const char *what)
{
	g_autoptr (GError) err = NULL;
	g_autofree char *desc = criu_plan_describe (v);
	guint iters = v->iters ? v->iters : 1;
	guint dumps = v->nocr ? 0 : iters;
	guint pres = v->nocr ? 0 : iters * v->pre;
	guint restores = v->nocr || v->norst ? 0 : v->snaps ? 1 : iters;
	gboolean lazy = v->lazy_pages || v->remote_lazy_pages;
	guint img = 0;			/* the last dump or pre-dump's images */
	gboolean img_tracked = FALSE;	/* ... left running with its memory tracked */
	gboolean need_restore = FALSE;	/* a dump that ended the tree, not yet restored */
	guint kept = 0, running = 0, restored = 0;
	const MwbStep *before;

	if (!mwb_backend_validate (&mwb_criu_backend, out, &err))
		g_error ("%s: %s", what, err->message);

	/* how many of each */
	RULE_EQ (count (out, "criu.dump"), dumps);
	RULE_EQ (count (out, "criu.pre-dump"), pres);
	RULE_EQ (count (out, "criu.restore"), restores);
	RULE_EQ (count (out, "criu.wait-gone"), restores);
	RULE_EQ (count (out, "criu.page-server"), v->page_server ? dumps + pres : 0);
	RULE_EQ (count (out, "criu.lazy-pages"), lazy ? restores : 0);
	RULE_EQ (count (out, "criu.wait-daemon"), (lazy ? restores : 0) + (v->remote_lazy_pages ? restores : 0));
	RULE_EQ (count (out, "criu.check-stopped"), v->stop && !v->nocr ? (v->snaps ? 1 : iters) : 0);
	RULE_EQ (count (out, "criu.tamper"), tamper && restores ? 1 : 0);

	for (guint i = 0; i < out->steps->len; i++) {
		const MwbStep *st = mwb_scenario_step (out, i);
		gboolean pre = g_str_equal (st->action, "criu.pre-dump");

		/* names are unique: each is found again as itself */
		RULE (mwb_scenario_find_step (out, st->name) == (int) i);
		RULE (st->about != NULL && strstr (st->about, "(null)") == NULL);

		if (g_str_equal (st->action, "criu.probe")) {
			RULE (g_strcmp0 (mwb_step_arg (st, "variations"), *desc ? desc : NULL) == 0);
			RULE (mwb_step_arg (st, "flavor") == NULL);
		} else if (pre || g_str_equal (st->action, "criu.dump")) {
			guint iter = uarg (st, "iter");

			/* image directories are 1, 2, 3, ... in step order */
			RULE_EQ (iter, img + 1);
			/* a dump that ended the tree is restored before the next */
			RULE (!need_restore);
			/* --prev-images-dir: the images just before, if they were
			 * tracked on a tree still running; never across a restore */
			if (img_tracked)
				RULE_EQ (uarg (st, "prev"), img);
			else
				RULE (mwb_step_arg (st, "prev") == NULL);
			if (pre)
				RULE (yes (st, "leave-running") && yes (st, "track-mem"));
			else
				running += yes (st, "leave-running");
			/* --snaps: every dump tracks memory */
			if (v->snaps)
				RULE (yes (st, "track-mem"));
			img = iter;
			img_tracked = yes (st, "leave-running") && yes (st, "track-mem");
			need_restore = !yes (st, "leave-running");
		} else if (g_str_equal (st->action, "criu.restore")) {
			RULE (need_restore);
			RULE_EQ (uarg (st, "iter"), img);
			RULE (yes (st, "sibling") == v->sibling);
			RULE (yes (st, "lazy") == lazy);
			RULE (yes (st, "leave-stopped") == v->stop);
			/* --fault tamper-image: right before the last restore */
			before = mwb_scenario_step (out, i - 1);
			if (g_str_equal (before->action, "criu.tamper")) {
				RULE (tamper && count (out, "criu.restore") == ++restored);
				RULE_EQ (uarg (before, "iter"), img);
				before = mwb_scenario_step (out, i - 2);
			} else {
				RULE (!tamper || ++restored < restores);
			}
			/* after the lazy-pages daemon, or after the tree is gone */
			RULE (g_str_equal (before->action, lazy ? "criu.lazy-pages" : "criu.wait-gone"));
			need_restore = FALSE;
			img_tracked = FALSE;
		} else if (g_str_equal (st->action, "criu.page-server")) {
			/* right before the dump it serves, with its images */
			const MwbStep *next = mwb_scenario_step (out, i + 1);

			RULE (next && (g_str_equal (next->action, "criu.dump") || g_str_equal (next->action, "criu.pre-dump")));
			RULE_EQ (uarg (st, "iter"), uarg (next, "iter"));
		} else if (g_str_equal (st->action, "criu.lazy-pages")) {
			RULE_EQ (uarg (st, "iter"), img);
			RULE (yes (st, "remote") == v->remote_lazy_pages);
			/* right before the restore (and the tampering, if any) */
			RULE (g_str_equal (mwb_scenario_step (out, i + 1)->action, "criu.restore")
			      || g_str_equal (mwb_scenario_step (out, i + 1)->action, "criu.tamper"));
		} else if (g_str_equal (st->action, "criu.check-stopped")) {
			const MwbStep *prev = mwb_scenario_step (out, i - 1);

			/* after the restore (and its daemons), or after a --norst dump */
			RULE (g_str_equal (prev->action, "criu.wait-daemon") || g_str_equal (prev->action, "criu.restore")
			      || (v->remote_lazy_pages && g_str_equal (prev->action, "criu.wait-gone"))
			      || (v->norst && g_str_equal (prev->action, "criu.dump")));
		} else if (g_str_equal (st->action, "criu.wait-gone")) {
			const MwbStep *prev = mwb_scenario_step (out, i - 1);

			/* right after the dump that ends the tree; with a remote
			 * lazy dump, after that dump has served its pages */
			if (v->remote_lazy_pages)
				RULE (g_str_equal (prev->action, "criu.wait-daemon")
				      && g_strcmp0 (mwb_step_arg (prev, "what"), "dump") == 0);
			else
				RULE (g_str_equal (prev->action, "criu.dump") && !yes (prev, "leave-running"));
		} else if (g_str_equal (st->action, "criu.tamper")) {
			RULE (g_str_equal (mwb_scenario_step (out, i + 1)->action, "criu.restore"));
		} else if (!g_str_equal (st->action, "criu.wait-daemon")) {
			/* the scenario's own other steps, in their order, as they were */
			const MwbStep *orig = NULL;

			while (!orig) {
				const MwbStep *s = mwb_scenario_step (scn, kept++);

				RULE (s != NULL);
				if (g_str_equal (s->action, st->action) && g_str_equal (s->name, st->name))
					orig = s;
			}
			RULE_EQ (st->line, orig->line);
			RULE (g_strcmp0 (st->about, orig->about) == 0);
		}
	}
	/* every dump that ended the tree was restored */
	RULE (!need_restore);
	/* dumps left running: all with --norst; with --snaps all but the last */
	RULE_EQ (running, v->norst ? dumps : v->snaps ? dumps - (dumps > 0) : 0);
}

static guint
matrix (MwbScenario *scn, gboolean full)
{
	guint n = 0;

	for (guint bits = 0; bits < (1u << 10); bits++) {
		for (guint iters = 0; iters <= 3; iters++) {
			for (guint pre = 0; pre <= 2; pre++) {
				MwbCriuVariation v = {
					.nocr = !!(bits & 1), .norst = !!(bits & 2), .snaps = !!(bits & 4),
					.page_server = !!(bits & 8), .lazy_pages = !!(bits & 16),
					.remote_lazy_pages = !!(bits & 32), .sibling = !!(bits & 64),
					.stop = !!(bits & 128), .dedup = !!(bits & 256), .iters = iters, .pre = pre,
				};
				g_autofree char *what = NULL;
				g_autofree char *desc = NULL;
				g_autoptr (MwbScenario) out = NULL;

				gboolean tamper = !!(bits & 512);

				/* the shipped files: nocr, norst, snaps, page-server,
				 * stop, tamper with iters and pre */
				if (!full && (bits & ~0x28fu))
					continue;
				desc = criu_plan_describe (&v);
				what = g_strdup_printf ("%s [%s]%s", scn->path, desc, tamper ? " --fault tamper-image" : "");
				out = plan_fault (scn, &v, NULL, tamper ? "tamper-image" : NULL);
				check_rules (scn, out, &v, tamper, what);
				n++;
			}
		}
	}
	return n;
}

static void
test_matrix_env00 (void)
{
	g_autoptr (MwbScenario) scn = env00 ();

	g_test_message ("%u variations", matrix (scn, TRUE));
}

static void
collect_scn (const char *dir, GPtrArray *out)
{
	g_autoptr (GError) err = NULL;
	g_autoptr (GDir) d = g_dir_open (dir, 0, &err);
	const char *name;

	g_assert_no_error (err);
	while ((name = g_dir_read_name (d))) {
		g_autofree char *path = g_build_filename (dir, name, NULL);

		if (g_file_test (path, G_FILE_TEST_IS_DIR))
			collect_scn (path, out);
		else if (g_str_has_suffix (name, ".scn"))
			g_ptr_array_add (out, g_steal_pointer (&path));
	}
}

static void
test_matrix_shipped (void)
{
	g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
	guint n = 0;

	collect_scn ("scenarios/zdtm", files);
	g_assert_cmpuint (files->len, >=, 17);
	for (guint i = 0; i < files->len; i++) {
		g_autoptr (GError) err = NULL;
		g_autoptr (MwbScenario) scn = mwb_scenario_load (files->pdata[i], &err);

		g_assert_no_error (err);
		g_assert_cmpstr (scn->backend, ==, "criu");
		n += matrix (scn, FALSE);
	}
	g_test_message ("%u scenarios, %u plans", files->len, n);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

	for (guint i = 0; i < G_N_ELEMENTS (plan_cases); i++) {
		g_autofree char *name = g_strdup_printf ("/criu-plan/variation/%s", plan_cases[i].name);

		g_test_add_data_func (name, &plan_cases[i], test_plan_case);
	}
	g_test_add_func ("/criu-plan/null-config", test_plan_null_config);
	g_test_add_func ("/criu-plan/header-and-lines", test_plan_header_and_lines);
	g_test_add_func ("/criu-plan/abouts", test_plan_abouts);
	g_test_add_func ("/criu-plan/other-steps", test_plan_other_steps);
	g_test_add_func ("/criu-plan/replaces-all-cr-steps", test_plan_replaces_all_cr_steps);
	g_test_add_func ("/criu-plan/describe", test_describe);
	g_test_add_func ("/criu-plan/phase", test_phase);
	g_test_add_func ("/criu-plan/matrix/env00", test_matrix_env00);
	g_test_add_func ("/criu-plan/matrix/shipped", test_matrix_shipped);

	return g_test_run ();
}
