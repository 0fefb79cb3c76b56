#define _GNU_SOURCE
#include "batch.h"

#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "journal.h"
#include "known-broken.h"
#include "mwb-error.h"
#include "report.h"
#include "runner.h"

typedef struct {
	char *path;
	MwbVerdict verdict;
	double duration;
	char *reason;
	int failed_step;
	char *failed_name;
	char *run_dir;
	gboolean kept;
	GPtrArray *checks;	/* MwbReportCheck*: the scenario's `check` steps, or NULL */
} Result;

typedef struct {
	const MwbRunConfig *cfg;	/* the one the scenario in flight runs with */
	const MwbBatchOptions *opts;
	GPtrArray *scenarios;	/* what runs, in order (twice each with --both-ways) */
	GPtrArray *cfgs;	/* ... and with which configuration */
	GPtrArray *names;	/* ... under which name */
	guint index;
	GMainLoop *loop;
	MwbRunner *runner;
	GPtrArray *results;
	guint done_idle;
	int signal;
	guint sig_sources[3];
	GIOChannel *stdin_chan;
	guint stdin_watch;
	gboolean prompting;
	gboolean stdin_closed;
	gboolean stopped_early;
	MwbKnownBroken *known_broken;	/* --known-broken: its failures do not stop the batch */
	guint tap_n;		/* TAP test points printed so far */
	GPtrArray *checks;	/* the scenario in flight's checks so far (MwbReportCheck*) */
	gboolean check_failed;	/* one of them is not ok */
} Batch;

static void start_next (Batch *b);

static void
result_free (gpointer p)
{
	Result *r = p;

	g_free (r->path);
	g_free (r->reason);
	g_free (r->failed_name);
	g_free (r->run_dir);
	g_clear_pointer (&r->checks, g_ptr_array_unref);
	g_free (r);
}

/* ---- the printer sink ---- */

static void
out (Batch *b, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

/* In TAP mode everything but the test lines is a comment. */
static void
out (Batch *b, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *text = NULL;
	g_auto (GStrv) lines = NULL;

	va_start (ap, fmt);
	text = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	if (!b->opts->tap) {
		fputs (text, stdout);
		fflush (stdout);
		return;
	}
	lines = g_strsplit (text, "\n", -1);
	for (guint i = 0; lines[i]; i++)
		if (*lines[i])
			printf ("# %s\n", lines[i]);
	fflush (stdout);
}

static void
check_free (gpointer p)
{
	MwbReportCheck *c = p;

	g_free (c->text);
	g_free (c->comment);
	g_free (c);
}

/* A scenario's TAP test points: each `check` step (libvirt's TCK prints
 * ten a case), or the scenario itself when it has none. */
static guint
count_checks (const MwbScenario *scn)
{
	guint n = 0;

	for (guint i = 0; i < scn->steps->len; i++)
		n += mwb_scenario_step (scn, i)->check != NULL;
	return n;
}

static guint
tap_points (const MwbScenario *scn)
{
	return MAX (count_checks (scn), 1);
}

static gboolean
has_checks (const MwbScenario *scn)
{
	return count_checks (scn) > 0;
}

/* One check's result, kept for the report and printed at once as a TAP
 * line the TCK's users know: "ok 7 - target VM exists". */
static void
add_check (Batch *b, const MwbStep *st, MwbCheckState state, const char *comment)
{
	MwbReportCheck *c = g_new0 (MwbReportCheck, 1);

	c->text = g_strdup (st->check);
	c->state = state;
	c->comment = g_strdup (comment);
	g_ptr_array_add (b->checks, c);
	b->check_failed |= state == MWB_CHECK_NOT_OK;
	if (!b->opts->tap)
		return;
	b->tap_n++;
	if (state == MWB_CHECK_SKIP)
		printf ("ok %u - %s # SKIP %s\n", b->tap_n, st->check, comment ? comment : "");
	else
		printf ("%s %u - %s\n", state == MWB_CHECK_OK ? "ok" : "not ok", b->tap_n, st->check);
	if (state == MWB_CHECK_NOT_OK && comment)
		printf ("#   %s\n", comment);
	fflush (stdout);
}

static void
p_run_started (gpointer ctx, MwbRunner *runner, const char *run_dir)
{
	Batch *b = ctx;
	MwbScenario *scn = mwb_runner_scenario (runner);

	g_clear_pointer (&b->checks, g_ptr_array_unref);
	b->checks = g_ptr_array_new_with_free_func (check_free);
	b->check_failed = FALSE;
	out (b, "=== %s: %s\n", (char *) b->names->pdata[b->index], scn->description);
	if (b->cfg->verbose)
		out (b, "    run dir %s\n", run_dir);
}

static void
p_step_state (gpointer ctx, MwbRunner *runner, guint index, MwbStepState state, double dur,
	      const char *reason)
{
	Batch *b = ctx;
	MwbScenario *scn = mwb_runner_scenario (runner);
	MwbStep *st = mwb_scenario_step (scn, index);

	if (state == MWB_STEP_RUNNING)
		return;
	out (b, "  %2u/%-2u %-16s %-7s %6.2f s%s%s\n", index + 1, scn->steps->len, st->name,
	     mwb_step_state_name (state), dur, reason ? "  " : "", reason ? reason : "");
	if (st->check)
		add_check (b, st, state == MWB_STEP_OK ? MWB_CHECK_OK : state == MWB_STEP_SKIPPED ? MWB_CHECK_SKIP
			   : MWB_CHECK_NOT_OK, state == MWB_STEP_OK ? NULL : reason);
}

/* The checks the run never reached: as the TCK skips the five after a
 * failed migration, but a failure before any check failed shows as the
 * first unreached check being not ok, so the verdict is never lost. */
static void
finish_checks (Batch *b, MwbScenario *scn, MwbVerdict verdict, int failed_step, const char *reason)
{
	guint seen = 0;

	for (guint i = 0; i < scn->steps->len; i++) {
		const MwbStep *st = mwb_scenario_step (scn, i);
		g_autofree char *why = NULL;

		if (!st->check || seen++ < b->checks->len)
			continue;
		if (verdict != MWB_VERDICT_PASS && verdict != MWB_VERDICT_SKIP && !b->check_failed) {
			why = failed_step >= 0
				? g_strdup_printf ("not reached: step %d (%s) failed: %s", failed_step + 1,
						   mwb_scenario_step (scn, failed_step)->name, reason ? reason : "")
				: g_strdup_printf ("not reached: %s", reason ? reason : "the run ended");
			add_check (b, st, MWB_CHECK_NOT_OK, why);
			continue;
		}
		why = g_strdup_printf ("not reached: %s", verdict == MWB_VERDICT_SKIP ? (reason ? reason : "skipped")
				       : "the scenario ended before it");
		add_check (b, st, MWB_CHECK_SKIP, why);
	}
}

/* Always shown: the inconsistency lines are the verdict's evidence, as in
 * migration-test's stderr, notices are what the user must know (which
 * machine type a cross-version run uses), and zdtm's lines are what CRIU
 * developers grep for. The rest only with -v. */
static void
p_log (gpointer ctx, MwbRunner *runner, const MwbLogRecord *rec)
{
	Batch *b = ctx;

	(void) runner;
	if (g_str_equal (rec->source, "memcheck") || g_str_equal (rec->source, "notice")
	    || g_str_equal (rec->source, "zdtm")) {
		out (b, "        %s\n", rec->text);
		return;
	}
	if (!b->cfg->verbose)
		return;
	out (b, "    %8.3f %-10s %s %s\n", rec->t_us / 1e6, rec->source,
	     rec->dir == MWB_LOG_OUT ? ">>" : rec->dir == MWB_LOG_IN ? "<<" : "  ", rec->text);
}

static void
prompt (Batch *b)
{
	MwbScenario *scn = mwb_runner_scenario (b->runner);
	guint next = mwb_runner_next_step (b->runner);
	MwbStep *st = mwb_scenario_step (scn, next);
	g_autofree char *about = mwb_runner_step_about (b->runner, next);

	/* Only the step's own words and a plain key list: this is zdtm's --sbs. */
	printf ("  next %u/%u %s: %s\n  [Enter] run it, s skip it, c continue, q abort > ",
		next + 1, scn->steps->len, st->name, about);
	fflush (stdout);
	b->prompting = TRUE;
}

static gboolean
on_done_idle (gpointer data);

static void
p_runner_state (gpointer ctx, MwbRunner *runner, MwbRunnerState state, const char *why)
{
	Batch *b = ctx;

	(void) runner;
	if (state == MWB_RUNNER_PAUSED && b->opts->sbs) {
		prompt (b);
		return;
	}
	if (state == MWB_RUNNER_PAUSED && why && (g_str_has_prefix (why, "event breakpoint")
						  || g_str_has_prefix (why, "breakpoint"))) {
		out (b, "  paused: %s\n", why);
		mwb_runner_continue (b->runner);
	}
	if (state == MWB_RUNNER_DONE && !b->done_idle)
		/* Not from inside the step that just ended: tear down from the loop. */
		b->done_idle = g_idle_add (on_done_idle, b);
}

static void
p_verdict (gpointer ctx, MwbRunner *runner, MwbVerdict verdict, int failed_step, const char *reason,
	   double dur)
{
	Batch *b = ctx;
	MwbScenario *scn = mwb_runner_scenario (runner);
	Result *r = g_new0 (Result, 1);

	r->path = g_strdup (b->names->pdata[b->index]);
	r->verdict = verdict;
	r->duration = dur;
	r->reason = g_strdup (reason);
	r->failed_step = failed_step;
	if (failed_step >= 0)
		r->failed_name = g_strdup (mwb_scenario_step (scn, failed_step)->name);
	g_ptr_array_add (b->results, r);
	if (has_checks (scn) && b->checks) {
		finish_checks (b, scn, verdict, failed_step, reason);
		r->checks = g_steal_pointer (&b->checks);
	}
	{
		const MwbBackendClass *klass = mwb_backend_lookup (scn->backend);
		g_autofree char *line = klass && klass->verdict_line
			? klass->verdict_line (scn, verdict, failed_step) : NULL;

		if (line)
			out (b, "%s\n", line);
	}
}

static void
p_run_finished (gpointer ctx, MwbRunner *runner, const char *run_dir, gboolean kept)
{
	Batch *b = ctx;
	Result *r = b->results->len ? b->results->pdata[b->results->len - 1] : NULL;
	guint n = 0;

	(void) runner;
	if (!r)
		return;
	r->run_dir = g_strdup (run_dir);
	r->kept = kept;
	/* A scenario with checks had them as its test points. */
	if (!r->checks && b->opts->tap)
		n = ++b->tap_n;
	switch (r->verdict) {
	case MWB_VERDICT_PASS:
		if (n)
			printf ("ok %u %s\n", n, r->path);
		else if (!b->opts->tap)
			out (b, "PASS %s (%.1f s)\n", r->path, r->duration);
		break;
	case MWB_VERDICT_SKIP:
		if (n)
			printf ("ok %u %s # SKIP %s\n", n, r->path, r->reason ? r->reason : "");
		else if (!b->opts->tap)
			out (b, "SKIP %s: %s\n", r->path, r->reason ? r->reason : "");
		break;
	default:
		if (n)
			printf ("not ok %u %s\n", n, r->path);
		if (r->failed_step >= 0)
			out (b, "FAIL %s at step %d (%s): %s\n", r->path, r->failed_step + 1, r->failed_name,
			     r->reason ? r->reason : "");
		else
			out (b, "FAIL %s: %s\n", r->path, r->reason ? r->reason : "");
	}
	if (kept)
		out (b, "    run directory kept: %s\n", run_dir);
	fflush (stdout);
}

static const MwbSinkOps printer = {
	.run_started = p_run_started,
	.runner_state = p_runner_state,
	.step_state = p_step_state,
	.log = p_log,
	.verdict = p_verdict,
	.run_finished = p_run_finished,
};

/* ---- driving ---- */

static void
teardown_done (gpointer data)
{
	Batch *b = data;
	Result *r = b->results->len ? b->results->pdata[b->results->len - 1] : NULL;
	gboolean failed = r && r->verdict != MWB_VERDICT_PASS && r->verdict != MWB_VERDICT_SKIP
		&& !mwb_known_broken_match (b->known_broken, r->path);

	g_clear_pointer (&b->runner, mwb_runner_free);
	b->index++;
	if (b->stdin_closed && b->index < b->scenarios->len) {
		b->stopped_early = TRUE;
		g_main_loop_quit (b->loop);
		return;
	}
	if (b->signal) {
		g_main_loop_quit (b->loop);
		return;
	}
	if (failed && !b->opts->keep_going && b->index < b->scenarios->len) {
		b->stopped_early = TRUE;
		g_main_loop_quit (b->loop);
		return;
	}
	start_next (b);
}

static gboolean
on_done_idle (gpointer data)
{
	Batch *b = data;

	b->done_idle = 0;
	b->prompting = FALSE;
	mwb_runner_teardown (b->runner, G_CALLBACK (teardown_done), b);
	return G_SOURCE_REMOVE;
}

/* A step named by --break: its name, or its 1-based number. */
static int
find_break_step (MwbScenario *scn, const char *spec)
{
	char *end = NULL;
	guint64 n = g_ascii_strtoull (spec, &end, 10);

	if (end && end != spec && !*end)
		return n >= 1 && n <= scn->steps->len ? (int) n - 1 : -1;
	return mwb_scenario_find_step (scn, spec);
}

static void
set_breaks (MwbRunner *runner, const MwbBatchOptions *opts)
{
	MwbScenario *scn = mwb_runner_scenario (runner);

	for (const char *const *b = opts->breaks; b && *b; b++) {
		int i = find_break_step (scn, *b);

		if (i >= 0 && !mwb_runner_has_break (runner, i))
			mwb_runner_toggle_break (runner, i);
	}
	for (const char *const *e = opts->event_breaks; e && *e; e++)
		mwb_runner_add_event_break (runner, *e, NULL);
}

gboolean
mwb_batch_check_breaks (GPtrArray *scenarios, const MwbBatchOptions *opts, GError **error)
{
	g_autoptr (MwbRunner) probe = NULL;

	for (const char *const *b = opts->breaks; b && *b; b++) {
		gboolean found = FALSE;

		for (guint i = 0; i < scenarios->len && !found; i++)
			found = find_break_step (scenarios->pdata[i], *b) >= 0;
		if (!found) {
			g_set_error (error, MWB_ERROR, MWB_ERROR_USAGE,
				     "--break %s: no selected scenario has that step", *b);
			return FALSE;
		}
	}
	if (!scenarios->len)
		return TRUE;
	/* The runner owns the spec syntax: let it judge. */
	probe = mwb_runner_new (scenarios->pdata[0], mwb_backend_lookup ("qemu"), NULL);
	for (const char *const *e = opts->event_breaks; e && *e; e++)
		if (!mwb_runner_add_event_break (probe, *e, error))
			return FALSE;
	return TRUE;
}

/* A scenario that never ran still fills its place in the plan: the first
 * point not ok when it failed to start, the rest skipped. */
static void
tap_unrun_point (Batch *b, const char *text, gboolean not_ok, const char *why)
{
	b->tap_n++;
	if (not_ok)
		printf ("not ok %u %s\n#   %s\n", b->tap_n, text, why);
	else
		printf ("ok %u %s # SKIP %s\n", b->tap_n, text, why);
}

static void
tap_unrun (Batch *b, const MwbScenario *scn, const char *name, gboolean failed, const char *why)
{
	gboolean first = TRUE;

	if (!b->opts->tap)
		return;
	if (!has_checks (scn)) {
		tap_unrun_point (b, name, failed, why);
		return;
	}
	for (guint i = 0; i < scn->steps->len; i++) {
		const char *check = mwb_scenario_step (scn, i)->check;
		g_autofree char *text = check ? g_strdup_printf ("- %s", check) : NULL;

		if (!check)
			continue;
		tap_unrun_point (b, text, failed && first, why);
		first = FALSE;
	}
}

static void
start_next (Batch *b)
{
	g_autoptr (GError) err = NULL;
	MwbScenario *scn;
	const MwbBackendClass *klass;

	if (b->index >= b->scenarios->len) {
		g_main_loop_quit (b->loop);
		return;
	}
	scn = b->scenarios->pdata[b->index];
	b->cfg = b->cfgs->pdata[b->index];
	klass = mwb_backend_lookup (scn->backend);
	b->runner = mwb_runner_new (scn, klass, b->cfg);
	mwb_runner_add_sink (b->runner, &printer, b);
	if (!mwb_runner_start (b->runner, &err)) {
		/* With a run directory, the runner has told the sinks (and the
		 * journal) its verdict; tearing down reports it. Without one there
		 * is nobody to tell but the user. */
		if (mwb_runner_state (b->runner) == MWB_RUNNER_DONE)
			return;	/* its DONE state already queued the teardown */
		Result *r = g_new0 (Result, 1);

		r->path = g_strdup (b->names->pdata[b->index]);
		r->verdict = MWB_VERDICT_FAIL;
		r->reason = g_strdup (err->message);
		r->failed_step = -1;
		g_ptr_array_add (b->results, r);
		tap_unrun (b, scn, b->names->pdata[b->index], TRUE, err->message);
		out (b, "FAIL %s: %s\n", (char *) b->names->pdata[b->index], err->message);
		teardown_done (b);
		return;
	}
	set_breaks (b->runner, b->opts);
	if (!b->opts->sbs)
		mwb_runner_continue (b->runner);
}

static gboolean
on_stdin (GIOChannel *chan, GIOCondition cond, gpointer data)
{
	Batch *b = data;
	g_autofree char *line = NULL;
	GIOStatus st;

	(void) cond;
	st = g_io_channel_read_line (chan, &line, NULL, NULL, NULL);
	if (st == G_IO_STATUS_AGAIN)
		return G_SOURCE_CONTINUE;
	if (st != G_IO_STATUS_NORMAL) {
		/* Nobody is left to answer a prompt: end this scenario and the batch. */
		b->stdin_watch = 0;
		b->stdin_closed = TRUE;
		if (b->runner)
			mwb_runner_abort (b->runner, "standard input closed during --sbs");
		return G_SOURCE_REMOVE;
	}
	if (!b->prompting || !b->runner || mwb_runner_state (b->runner) != MWB_RUNNER_PAUSED)
		return G_SOURCE_CONTINUE;
	b->prompting = FALSE;
	g_strstrip (line);
	if (!*line)
		mwb_runner_step (b->runner);
	else if (g_str_equal (line, "s"))
		mwb_runner_skip (b->runner, "skipped at the --sbs prompt");
	else if (g_str_equal (line, "c"))
		mwb_runner_continue (b->runner);
	else if (g_str_equal (line, "q"))
		mwb_runner_abort (b->runner, "aborted at the --sbs prompt");
	else
		prompt (b);
	return G_SOURCE_CONTINUE;
}

static gboolean
on_signal (gpointer data)
{
	Batch *b = ((gpointer *) data)[0];
	int sig = GPOINTER_TO_INT (((gpointer *) data)[1]);
	g_autofree char *why = g_strdup_printf ("interrupted by SIG%s", sigabbrev_np (sig));

	if (b->signal) {
		/* A second signal: go now; the guard ends what is left. */
		fprintf (stderr, "mwb: %s again, exiting at once\n", sigabbrev_np (sig));
		_exit (128 + sig);
	}
	b->signal = sig;
	fprintf (stderr, "\nmwb: %s: stopping\n", why);
	if (b->runner && mwb_runner_state (b->runner) != MWB_RUNNER_IDLE)
		mwb_runner_abort (b->runner, why);
	else
		g_main_loop_quit (b->loop);
	return G_SOURCE_CONTINUE;
}

/* --junit FILE: the report's junit.xml, the one --report DIR writes. */
static void
write_junit (const MwbReport *report, const char *file)
{
	g_autofree char *xml = mwb_report_junit (report);
	g_autoptr (GError) err = NULL;

	if (!g_file_set_contents (file, xml, -1, &err))
		fprintf (stderr, "mwb: --junit: %s\n", err->message);
}

/* --report and --known-broken: the results as a report with the list
 * applied; says what the list changed and writes DIR. Returns how many
 * failures are known, which the caller then does not count as failed. */
static guint
finish_report (Batch *b, MwbReport *report, gboolean *write_failed)
{
	/* The scenarios never run are in the report as the TAP plan has them. */
	guint not_run = MAX (b->index, b->results->len);
	g_autoptr (GError) err = NULL;
	MwbReportTotals t;

	for (guint i = 0; i < b->results->len; i++) {
		Result *r = b->results->pdata[i];
		MwbReportEntry *e = mwb_report_add (report, r->path, r->verdict);

		e->duration = r->duration;
		e->reason = g_strdup (r->reason);
		e->failed_step = r->failed_step;
		e->failed_name = g_strdup (r->failed_name);
		e->run_dir = g_strdup (r->run_dir);
		e->kept = r->kept;
		for (guint k = 0; r->checks && k < r->checks->len; k++) {
			MwbReportCheck *c = r->checks->pdata[k];

			mwb_report_entry_add_check (e, c->text, c->state, c->comment);
		}
	}
	for (guint i = not_run; (b->stopped_early || b->signal) && i < b->names->len; i++)
		mwb_report_add (report, b->names->pdata[i], MWB_VERDICT_SKIP)->reason =
			g_strdup_printf ("not run: %s", b->signal ? "interrupted" : b->stdin_closed
					 ? "standard input closed" : "stopped after the first failure");
	mwb_report_apply_known_broken (report, b->known_broken);
	for (guint i = 0; i < report->entries->len; i++) {
		MwbReportEntry *e = report->entries->pdata[i];
		MwbOutcome o = mwb_report_entry_outcome (e);

		if (o == MWB_OUTCOME_KNOWN || o == MWB_OUTCOME_NOW_PASSING)
			out (b, "%s %s: %s (%s)%s%s\n", mwb_outcome_name (o), e->path,
			     o == MWB_OUTCOME_KNOWN ? "known broken" : "passed, yet listed as known broken", e->known_where,
			     e->known_reason ? ": " : "", e->known_reason ? e->known_reason : "");
	}
	if (b->known_broken && report->notes->len)
		out (b, "note: %u known-broken entr%s of %s matched no scenario that ran\n", report->notes->len,
		     report->notes->len == 1 ? "y" : "ies", b->known_broken->file);
	if (b->opts->report_dir && !mwb_report_write_dir (report, b->opts->report_dir, &err)) {
		fprintf (stderr, "mwb: --report %s: %s\n", b->opts->report_dir, err->message);
		*write_failed = TRUE;
	} else if (b->opts->report_dir)
		out (b, "report: %s/index.html\n", b->opts->report_dir);
	mwb_report_totals (report, &t);
	return t.known;
}

/* The run order: each scenario once, or once per variant in a row. */
static void
plan_runs (Batch *b, GPtrArray *selected, const MwbRunConfig *cfg, const MwbBatchOptions *opts)
{
	b->scenarios = g_ptr_array_new ();
	b->cfgs = g_ptr_array_new ();
	b->names = g_ptr_array_new_with_free_func (g_free);
	for (guint i = 0; i < selected->len; i++) {
		MwbScenario *scn = selected->pdata[i];
		gboolean varies = opts->n_variants
			&& (!opts->variant_backend || g_str_equal (opts->variant_backend, scn->backend));

		if (!varies) {
			g_ptr_array_add (b->scenarios, scn);
			g_ptr_array_add (b->cfgs, (gpointer) cfg);
			g_ptr_array_add (b->names, g_strdup (scn->path));
			continue;
		}
		for (guint k = 0; k < opts->n_variants; k++) {
			g_ptr_array_add (b->scenarios, scn);
			g_ptr_array_add (b->cfgs, (gpointer) opts->variants[k]);
			g_ptr_array_add (b->names, g_strdup_printf ("%s [%s]", scn->path, opts->variant_labels[k]));
		}
	}
}

int
mwb_batch_run (GPtrArray *selected, const MwbRunConfig *cfg, const MwbBatchOptions *opts)
{
	Batch b = { 0 };
	gpointer sigdata[3][2];
	const int sigs[3] = { SIGINT, SIGTERM, SIGHUP };
	guint passed = 0, failed = 0, skipped = 0;
	int rc;
	/* started when the batch starts; filled in when it ends */
	g_autoptr (MwbReport) report = mwb_report_new ();
	g_autoptr (MwbKnownBroken) known_broken = NULL;
	g_autoptr (GError) kb_err = NULL;
	gboolean report_failed = FALSE;
	guint known;

	GPtrArray *scenarios;

	/* A bad list is a usage error: say so before anything runs. */
	if (opts->known_broken && !(known_broken = mwb_known_broken_load (opts->known_broken, &kb_err))) {
		fprintf (stderr, "mwb: --known-broken: %s\n", kb_err->message);
		return 2;
	}
	b.known_broken = known_broken;
	b.cfg = cfg;
	b.opts = opts;
	plan_runs (&b, selected, cfg, opts);
	scenarios = b.scenarios;
	b.loop = g_main_loop_new (NULL, FALSE);
	b.results = g_ptr_array_new_with_free_func (result_free);
	for (int i = 0; i < 3; i++) {
		sigdata[i][0] = &b;
		sigdata[i][1] = GINT_TO_POINTER (sigs[i]);
		b.sig_sources[i] = g_unix_signal_add (sigs[i], on_signal, sigdata[i]);
	}
	if (opts->sbs) {
		b.stdin_chan = g_io_channel_unix_new (STDIN_FILENO);
		b.stdin_watch = g_io_add_watch (b.stdin_chan, G_IO_IN | G_IO_HUP, on_stdin, &b);
	}
	if (opts->tap) {
		guint plan = 0;

		for (guint i = 0; i < scenarios->len; i++)
			plan += tap_points (scenarios->pdata[i]);
		printf ("1..%u\n", plan);
	}

	start_next (&b);
	if (b.index < scenarios->len || b.runner)
		g_main_loop_run (b.loop);
	/* Interrupted between steps of teardown: make sure nothing is left. */
	if (b.runner) {
		mwb_runner_teardown (b.runner, NULL, NULL);
		while (mwb_runner_state (b.runner) != MWB_RUNNER_IDLE)
			g_main_context_iteration (NULL, TRUE);
		g_clear_pointer (&b.runner, mwb_runner_free);
	}

	for (guint i = 0; i < b.results->len; i++) {
		Result *r = b.results->pdata[i];

		passed += r->verdict == MWB_VERDICT_PASS;
		skipped += r->verdict == MWB_VERDICT_SKIP;
		failed += r->verdict != MWB_VERDICT_PASS && r->verdict != MWB_VERDICT_SKIP;
	}
	/* The plan promised every scenario: account for those never run. */
	for (guint i = b.index; b.stopped_early && i < scenarios->len; i++)
		tap_unrun (&b, scenarios->pdata[i], b.names->pdata[i], FALSE,
			   b.stdin_closed ? "not run: standard input closed" : "not run: stopped after the first failure");
	if (b.stopped_early && b.stdin_closed)
		out (&b, "standard input closed: %u scenario%s not run\n",
		     scenarios->len - b.index, scenarios->len - b.index == 1 ? "" : "s");
	else if (b.stopped_early)
		out (&b, "stopped after the first failure: %u scenario%s not run (--keep-going runs them)\n",
		     scenarios->len - b.index, scenarios->len - b.index == 1 ? "" : "s");
	known = finish_report (&b, report, &report_failed);
	if (opts->junit)
		write_junit (report, opts->junit);
	failed -= known;
	if (known_broken)
		out (&b, "%u passed, %u failed, %u skipped, %u known\n", passed, failed, skipped, known);
	else
		out (&b, "%u passed, %u failed, %u skipped\n", passed, failed, skipped);

	rc = b.signal ? 128 + b.signal : failed ? 1 : 0;
	if (report_failed && !b.signal)
		rc = 2;
	for (int i = 0; i < 3; i++)
		g_source_remove (b.sig_sources[i]);
	if (b.stdin_watch)
		g_source_remove (b.stdin_watch);
	if (b.stdin_chan)
		g_io_channel_unref (b.stdin_chan);
	g_ptr_array_unref (b.results);
	g_clear_pointer (&b.checks, g_ptr_array_unref);
	g_ptr_array_unref (b.scenarios);
	g_ptr_array_unref (b.cfgs);
	g_ptr_array_unref (b.names);
	g_main_loop_unref (b.loop);
	return rc;
}
