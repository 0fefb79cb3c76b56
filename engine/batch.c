#define _GNU_SOURCE
#include "batch.h"

#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "journal.h"
#include "mwb-error.h"
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
p_run_started (gpointer ctx, MwbRunner *runner, const char *run_dir)
{
	Batch *b = ctx;
	MwbScenario *scn = mwb_runner_scenario (runner);

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
	guint n = b->index + 1;

	(void) runner;
	if (!r)
		return;
	r->run_dir = g_strdup (run_dir);
	r->kept = kept;
	switch (r->verdict) {
	case MWB_VERDICT_PASS:
		if (b->opts->tap)
			printf ("ok %u %s\n", n, r->path);
		else
			out (b, "PASS %s (%.1f s)\n", r->path, r->duration);
		break;
	case MWB_VERDICT_SKIP:
		if (b->opts->tap)
			printf ("ok %u %s # SKIP %s\n", n, r->path, r->reason ? r->reason : "");
		else
			out (b, "SKIP %s: %s\n", r->path, r->reason ? r->reason : "");
		break;
	default:
		if (b->opts->tap)
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
	gboolean failed = r && r->verdict != MWB_VERDICT_PASS && r->verdict != MWB_VERDICT_SKIP;

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
		if (b->opts->tap)
			printf ("not ok %u %s\n", b->index + 1, (char *) b->names->pdata[b->index]);
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

static void
write_junit (Batch *b, const char *file)
{
	g_autoptr (GString) x = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	guint failures = 0, skipped = 0;
	double total = 0;
	g_autoptr (GError) err = NULL;

	for (guint i = 0; i < b->results->len; i++) {
		Result *r = b->results->pdata[i];

		failures += r->verdict != MWB_VERDICT_PASS && r->verdict != MWB_VERDICT_SKIP;
		skipped += r->verdict == MWB_VERDICT_SKIP;
		total += r->duration;
	}
	g_string_append_printf (x, "<testsuites>\n <testsuite name=\"mwb\" tests=\"%u\" failures=\"%u\""
				" skipped=\"%u\" time=\"%.3f\">\n", b->results->len, failures, skipped, total);
	for (guint i = 0; i < b->results->len; i++) {
		Result *r = b->results->pdata[i];
		g_autofree char *dir = g_path_get_dirname (r->path);
		g_autofree char *base = g_path_get_basename (r->path);
		g_autofree char *cls = g_strdup (dir + 1);
		g_autofree char *name = g_markup_escape_text (base, -1);
		g_autofree char *reason = g_markup_escape_text (r->reason ? r->reason : "", -1);

		g_strdelimit (cls, "/", '.');
		g_string_append_printf (x, "  <testcase classname=\"%s\" name=\"%s\" time=\"%.3f\"", cls, name,
					r->duration);
		if (r->verdict == MWB_VERDICT_PASS) {
			g_string_append (x, "/>\n");
			continue;
		}
		if (r->verdict == MWB_VERDICT_SKIP)
			g_string_append_printf (x, ">\n   <skipped message=\"%s\"/>\n", reason);
		else
		{
			g_autofree char *where = r->failed_step >= 0
				? g_strdup_printf ("at step %d (%s)", r->failed_step + 1, r->failed_name)
				: g_strdup ("before any step");
			g_autofree char *dir = g_markup_escape_text (r->kept && r->run_dir ? r->run_dir : "", -1);

			g_string_append_printf (x, ">\n   <failure message=\"%s\">%s%s%s</failure>\n",
						reason, where, r->kept ? "; run directory " : "", dir);
		}
		g_string_append (x, "  </testcase>\n");
	}
	g_string_append (x, " </testsuite>\n</testsuites>\n");
	if (!g_file_set_contents (file, x->str, x->len, &err))
		fprintf (stderr, "mwb: --junit: %s\n", err->message);
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

	GPtrArray *scenarios;

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
	if (opts->tap)
		printf ("1..%u\n", scenarios->len);

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
	for (guint i = b.index; opts->tap && b.stopped_early && i < scenarios->len; i++)
		printf ("ok %u %s # SKIP not run: %s\n", i + 1, (char *) b.names->pdata[i],
			b.stdin_closed ? "standard input closed" : "stopped after the first failure");
	if (b.stopped_early && b.stdin_closed)
		out (&b, "standard input closed: %u scenario%s not run\n",
		     scenarios->len - b.index, scenarios->len - b.index == 1 ? "" : "s");
	else if (b.stopped_early)
		out (&b, "stopped after the first failure: %u scenario%s not run (--keep-going runs them)\n",
		     scenarios->len - b.index, scenarios->len - b.index == 1 ? "" : "s");
	if (opts->junit)
		write_junit (&b, opts->junit);
	out (&b, "%u passed, %u failed, %u skipped\n", passed, failed, skipped);

	rc = b.signal ? 128 + b.signal : failed ? 1 : 0;
	for (int i = 0; i < 3; i++)
		g_source_remove (b.sig_sources[i]);
	if (b.stdin_watch)
		g_source_remove (b.stdin_watch);
	if (b.stdin_chan)
		g_io_channel_unref (b.stdin_chan);
	g_ptr_array_unref (b.results);
	g_ptr_array_unref (b.scenarios);
	g_ptr_array_unref (b.cfgs);
	g_ptr_array_unref (b.names);
	g_main_loop_unref (b.loop);
	return rc;
}
