#define _GNU_SOURCE
#include "runner.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <gio/gio.h>
#include <string.h>
#include <sys/stat.h>

#include "journal.h"
#include "mwb-error.h"

typedef struct {
	const MwbSinkOps *ops;
	gpointer ctx;
} Sink;

typedef enum {
	MODE_STEP,
	MODE_CONTINUE,
	MODE_RUN_TO,
} RunMode;

typedef struct {
	GCallback done;
	gpointer data;
} Waiter;

typedef struct {
	char *spec;
	char *side;		/* NULL: any */
	char *event;
	GHashTable *match;	/* key -> value */
} EventBreak;

struct _MwbStepRun {
	gint refcount;
	gboolean internal;	/* the scenario's own error, never "as expected" */
	MwbRunner *runner;	/* NULL once finished */
	guint index;
	const MwbStep *step;
	GHashTable *args;	/* expanded */
	char *waiting_for;
};

struct _MwbRunner {
	MwbScenario *scn;
	const MwbBackendClass *klass;
	const MwbRunConfig *cfg;
	GArray *sinks;
	MwbJournal *journal;

	MwbRunnerState state;
	MwbVerdict verdict;
	char *reason;
	int failed_step;
	guint next;
	MwbStepState *states;
	double *durations;
	gboolean *breaks;
	GPtrArray *event_breaks;
	RunMode mode;
	guint run_to;
	int resumed_at;		/* a breakpoint we paused at does not stop us twice */
	char *pause_why;

	gint64 t0;
	gint64 step_t0;
	char *run_dir;
	GFileMonitor *monitor;
	MwbBackend *backend;
	GHashTable *vars;
	MwbStepRun *current;
	guint step_timer;
	guint wall_timer;
	guint advance_idle;
	gboolean tearing_down;
	GArray *teardown_waiters;	/* Waiter: everyone to tell when teardown ends */
	gboolean restart_after;
};

static void step_finished (MwbRunner *r, MwbStepState state, const char *reason, gboolean internal);
static void abort_with (MwbRunner *r, const char *why, MwbVerdict verdict);
static void finish_run (MwbRunner *r, MwbVerdict verdict, int failed_step, const char *reason);
static gboolean user_skips (MwbRunner *r);

/* ---- sinks ---- */

#define EMIT(r, cb, ...)                                                      \
	for (guint _i = 0; _i < (r)->sinks->len; _i++) {                      \
		Sink *_s = &g_array_index ((r)->sinks, Sink, _i);             \
		if (_s->ops->cb)                                              \
			_s->ops->cb (_s->ctx, (r), __VA_ARGS__);              \
	}

void
mwb_runner_add_sink (MwbRunner *r, const MwbSinkOps *ops, gpointer ctx)
{
	Sink s = { ops, ctx };

	g_array_append_val (r->sinks, s);
}

static void
set_state (MwbRunner *r, MwbRunnerState state, const char *why)
{
	r->state = state;
	EMIT (r, runner_state, state, why);
}

void
mwb_runner_log (MwbRunner *r, const char *source, MwbLogDir dir, gboolean is_json,
		const char *text)
{
	MwbLogRecord rec = {
		.t_us = g_get_monotonic_time () - r->t0,
		.source = source,
		.dir = dir,
		.is_json = is_json,
		.text = text,
		.step = r->current ? (int) r->current->index : -1,
	};

	EMIT (r, log, &rec);
}

void
mwb_runner_logf (MwbRunner *r, const char *source, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *text = NULL;

	va_start (ap, fmt);
	text = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	mwb_runner_log (r, source, MWB_LOG_NONE, FALSE, text);
}

/* ---- life cycle ---- */

static void
event_break_free (gpointer p)
{
	EventBreak *b = p;

	g_free (b->spec);
	g_free (b->side);
	g_free (b->event);
	g_hash_table_unref (b->match);
	g_free (b);
}

MwbRunner *
mwb_runner_new (MwbScenario *scn, const MwbBackendClass *klass, const MwbRunConfig *cfg)
{
	MwbRunner *r = g_new0 (MwbRunner, 1);
	guint n;

	r->scn = klass && klass->plan && cfg ? klass->plan (scn, cfg) : mwb_scenario_ref (scn);
	r->klass = klass;
	r->cfg = cfg;
	n = r->scn->steps->len;
	r->sinks = g_array_new (FALSE, FALSE, sizeof (Sink));
	r->states = g_new0 (MwbStepState, n);
	r->durations = g_new0 (double, n);
	r->breaks = g_new0 (gboolean, n);
	r->event_breaks = g_ptr_array_new_with_free_func (event_break_free);
	r->failed_step = -1;
	r->resumed_at = -1;
	r->t0 = g_get_monotonic_time ();
	r->teardown_waiters = g_array_new (FALSE, FALSE, sizeof (Waiter));
	return r;
}

static void
clear_timers (MwbRunner *r)
{
	g_clear_handle_id (&r->step_timer, g_source_remove);
	g_clear_handle_id (&r->wall_timer, g_source_remove);
	g_clear_handle_id (&r->advance_idle, g_source_remove);
}

void
mwb_runner_free (MwbRunner *r)
{
	if (!r)
		return;
	clear_timers (r);
	if (r->backend)
		r->klass->destroy (r->backend);
	g_clear_object (&r->monitor);
	mwb_journal_free (r->journal);
	g_clear_pointer (&r->vars, g_hash_table_unref);
	mwb_scenario_unref (r->scn);
	g_array_unref (r->sinks);
	g_free (r->states);
	g_free (r->durations);
	g_free (r->breaks);
	g_ptr_array_unref (r->event_breaks);
	g_array_unref (r->teardown_waiters);
	g_free (r->reason);
	g_free (r->pause_why);
	g_free (r->run_dir);
	g_free (r);
}

static char *
run_dir_template (MwbRunner *r)
{
	const char *parent = r->cfg->workdir ? r->cfg->workdir : g_get_tmp_dir ();
	g_autofree char *tail = g_strdup (r->scn->path + 1);

	/* The path's last components name the directory, as a reader would look for it. */
	g_strdelimit (tail, "/", '-');
	if (strlen (tail) > 60)
		memmove (tail, tail + strlen (tail) - 60, 61);
	return g_strdup_printf ("%s/mwb-%s-XXXXXX", parent, tail);
}

static void
on_dir_changed (GFileMonitor *mon, GFile *file, GFile *other, GFileMonitorEvent ev,
		gpointer data)
{
	MwbRunner *r = data;
	g_autofree char *name = g_file_get_basename (file);
	g_autofree char *path = g_file_get_path (file);
	struct stat st;

	(void) mon;
	(void) other;
	/* The journal records itself otherwise, forever. */
	if (g_str_equal (name, "journal.jsonl"))
		return;
	if (ev == G_FILE_MONITOR_EVENT_DELETED) {
		EMIT (r, file, name, 0, TRUE);
		return;
	}
	if (ev != G_FILE_MONITOR_EVENT_CREATED && ev != G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT)
		return;
	if (lstat (path, &st) == 0)
		EMIT (r, file, name, st.st_size, FALSE);
}

/* Seconds to a GLib timer's milliseconds, without overflowing guint. */
static guint
timer_ms (double seconds)
{
	return seconds >= G_MAXUINT / 1000.0 ? G_MAXUINT : (guint) (seconds * 1000);
}

static gboolean
on_wall_timeout (gpointer data)
{
	MwbRunner *r = data;
	g_autofree char *why = g_strdup_printf ("scenario timed out after %g s (--timeout)",
						r->cfg->timeout_s);

	r->wall_timer = 0;
	/* An abort by the limit is a failure, not a user's choice. */
	abort_with (r, why, MWB_VERDICT_FAIL);
	return G_SOURCE_REMOVE;
}

static void
init_vars (MwbRunner *r)
{
	g_clear_pointer (&r->vars, g_hash_table_unref);
	r->vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	g_hash_table_insert (r->vars, g_strdup ("run"), g_strdup (r->run_dir));
	g_hash_table_insert (r->vars, g_strdup ("path"), g_strdup (r->scn->path));
	mwb_run_config_add_vars (r->cfg, r->vars);
	for (guint i = 0; i < r->scn->params->len; i++) {
		MwbArg *a = &g_array_index (r->scn->params, MwbArg, i);
		g_autoptr (GError) err = NULL;
		char *v = mwb_expand (a->value, r->vars, &err);

		/* Validated at load; an error here means a later `set` used itself. */
		g_hash_table_insert (r->vars, g_strdup (a->key), v ? v : g_strdup (a->value));
	}
}

gboolean
mwb_runner_start (MwbRunner *r, GError **error)
{
	g_autofree char *tmpl = run_dir_template (r);
	g_autoptr (GFile) dir = NULL;
	guint n = r->scn->steps->len;

	g_return_val_if_fail (r->state == MWB_RUNNER_IDLE, FALSE);
	if (!g_mkdtemp (tmpl)) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_IO, "cannot create run directory %s: %s",
			     tmpl, g_strerror (errno));
		return FALSE;
	}
	g_free (r->run_dir);
	r->run_dir = g_steal_pointer (&tmpl);
	r->t0 = g_get_monotonic_time ();
	r->next = 0;
	r->verdict = MWB_VERDICT_NONE;
	r->failed_step = -1;
	r->resumed_at = -1;
	g_clear_pointer (&r->reason, g_free);
	g_clear_pointer (&r->pause_why, g_free);
	memset (r->states, 0, n * sizeof *r->states);
	memset (r->durations, 0, n * sizeof *r->durations);
	init_vars (r);

	r->journal = mwb_journal_new ();
	g_array_prepend_val (r->sinks, ((Sink) { &mwb_journal_sink, r->journal }));
	EMIT (r, run_started, r->run_dir);

	dir = g_file_new_for_path (r->run_dir);
	r->monitor = g_file_monitor_directory (dir, G_FILE_MONITOR_NONE, NULL, NULL);
	if (r->monitor)
		g_signal_connect (r->monitor, "changed", G_CALLBACK (on_dir_changed), r);

	r->backend = r->klass->create (r, error);
	if (!r->backend) {
		finish_run (r, MWB_VERDICT_FAIL, -1, (*error)->message);
		return FALSE;
	}
	r->backend->runner = r;
	if (r->cfg->timeout_s > 0)
		r->wall_timer = g_timeout_add (timer_ms (r->cfg->timeout_s), on_wall_timeout, r);
	set_state (r, MWB_RUNNER_PAUSED, "before step 1");
	return TRUE;
}

/* ---- running steps ---- */

static void
step_run_free (MwbStepRun *sr)
{
	g_hash_table_unref (sr->args);
	g_free (sr->waiting_for);
	g_free (sr);
}

MwbStepRun *
mwb_step_run_ref (MwbStepRun *sr)
{
	sr->refcount++;
	return sr;
}

void
mwb_step_run_unref (MwbStepRun *sr)
{
	if (sr && --sr->refcount == 0)
		step_run_free (sr);
}

const MwbStep *
mwb_step_run_step (MwbStepRun *sr)
{
	return sr->step;
}

MwbRunner *
mwb_step_run_runner (MwbStepRun *sr)
{
	return sr->runner;
}

const char *
mwb_step_run_arg (MwbStepRun *sr, const char *key)
{
	return g_hash_table_lookup (sr->args, key);
}

const char *
mwb_step_run_arg_or (MwbStepRun *sr, const char *key, const char *fallback)
{
	const char *v = g_hash_table_lookup (sr->args, key);

	return v ? v : fallback;
}

gboolean
mwb_step_run_is_finished (MwbStepRun *sr)
{
	return sr->runner == NULL;
}

void
mwb_step_run_waiting_for (MwbStepRun *sr, const char *fmt, ...)
{
	va_list ap;

	va_start (ap, fmt);
	g_free (sr->waiting_for);
	sr->waiting_for = g_strdup_vprintf (fmt, ap);
	va_end (ap);
}

static void
step_run_finish (MwbStepRun *sr, MwbStepState state, const char *fmt, va_list ap)
{
	MwbRunner *r = sr->runner;
	g_autofree char *reason = NULL;

	if (!r)
		return;
	reason = fmt ? g_strdup_vprintf (fmt, ap) : NULL;
	sr->runner = NULL;
	if (r->current == sr) {
		r->current = NULL;
		step_finished (r, state, reason, sr->internal);
	}
	mwb_step_run_unref (sr);
}

void
mwb_step_run_ok (MwbStepRun *sr, const char *fmt, ...)
{
	va_list ap;

	va_start (ap, fmt);
	step_run_finish (sr, MWB_STEP_OK, fmt, ap);
	va_end (ap);
}

void
mwb_step_run_fail (MwbStepRun *sr, const char *fmt, ...)
{
	va_list ap;

	va_start (ap, fmt);
	step_run_finish (sr, MWB_STEP_FAILED, fmt, ap);
	va_end (ap);
}

void
mwb_step_run_error (MwbStepRun *sr, const char *fmt, ...)
{
	va_list ap;

	sr->internal = TRUE;
	va_start (ap, fmt);
	step_run_finish (sr, MWB_STEP_FAILED, fmt, ap);
	va_end (ap);
}

void
mwb_step_run_skip (MwbStepRun *sr, const char *fmt, ...)
{
	va_list ap;

	va_start (ap, fmt);
	step_run_finish (sr, MWB_STEP_SKIPPED, fmt, ap);
	va_end (ap);
}

static double
step_timeout (MwbRunner *r, const MwbStep *step, const MwbActionDef *def)
{
	double t = step->timeout_s;

	if (t <= 0)
		t = def && def->default_timeout_s > 0 ? def->default_timeout_s : 30;
	return t * (r->cfg->step_timeout_scale > 0 ? r->cfg->step_timeout_scale : 1);
}

static gboolean
on_step_timeout (gpointer data)
{
	MwbRunner *r = data;
	MwbStepRun *sr = r->current;
	const MwbActionDef *def;

	r->step_timer = 0;
	if (!sr)
		return G_SOURCE_REMOVE;
	def = mwb_backend_find_action (r->klass, sr->step->action);
	mwb_step_run_ref (sr);
	mwb_step_run_fail (sr, "timed out after %g s%s%s", step_timeout (r, sr->step, def),
			   sr->waiting_for ? " waiting for " : "",
			   sr->waiting_for ? sr->waiting_for : "");
	r->klass->cancel_step (r->backend, sr);
	mwb_step_run_unref (sr);
	return G_SOURCE_REMOVE;
}

static void
begin_step (MwbRunner *r)
{
	guint idx = r->next;
	const MwbStep *step = r->scn->steps->pdata[idx];
	const MwbActionDef *def = mwb_backend_find_action (r->klass, step->action);
	MwbStepRun *sr = g_new0 (MwbStepRun, 1);
	g_autofree char *bad = NULL;

	sr->refcount = 1;
	sr->runner = r;
	sr->index = idx;
	sr->step = step;
	sr->args = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	for (guint i = 0; i < step->args->len && !bad; i++) {
		MwbArg *a = &g_array_index (step->args, MwbArg, i);
		g_autoptr (GError) err = NULL;
		char *v = mwb_expand (a->value, r->vars, &err);

		if (v)
			g_hash_table_insert (sr->args, g_strdup (a->key), v);
		else
			bad = g_strdup_printf ("argument %s: %s", a->key, err->message);
	}

	r->current = sr;
	r->step_t0 = g_get_monotonic_time ();
	r->states[idx] = MWB_STEP_RUNNING;
	set_state (r, MWB_RUNNER_RUNNING, NULL);
	EMIT (r, step_state, idx, MWB_STEP_RUNNING, 0.0, NULL);
	{
		g_autofree char *about = mwb_runner_step_about (r, idx);

		mwb_runner_logf (r, "engine", "step %u/%u %s: %s", idx + 1, r->scn->steps->len,
				 step->name, about);
	}

	if (bad || !def) {
		mwb_step_run_error (sr, "%s", bad ? bad : "unknown action");
		return;
	}
	r->step_timer = g_timeout_add (timer_ms (step_timeout (r, step, def)), on_step_timeout, r);
	/* The action may finish the step before it returns: keep sr valid
	 * (its arguments too) until then. */
	mwb_step_run_ref (sr);
	def->run (r->backend, sr);
	mwb_step_run_unref (sr);
}

static gboolean
advance (gpointer data)
{
	MwbRunner *r = data;

	r->advance_idle = 0;
	if (r->state == MWB_RUNNER_DONE || r->tearing_down)
		return G_SOURCE_REMOVE;
	if (r->pause_why) {
		g_autofree char *why = g_steal_pointer (&r->pause_why);

		set_state (r, MWB_RUNNER_PAUSED, why);
		return G_SOURCE_REMOVE;
	}
	if (r->mode == MODE_RUN_TO && r->next == r->run_to) {
		set_state (r, MWB_RUNNER_PAUSED, "reached the run-to step");
		return G_SOURCE_REMOVE;
	}
	if (r->mode != MODE_STEP && r->breaks[r->next] && r->resumed_at != (int) r->next) {
		g_autofree char *why = g_strdup_printf ("breakpoint at step %u (%s)", r->next + 1,
							((MwbStep *) r->scn->steps->pdata[r->next])->name);

		r->resumed_at = r->next;
		set_state (r, MWB_RUNNER_PAUSED, why);
		return G_SOURCE_REMOVE;
	}
	r->resumed_at = -1;
	begin_step (r);
	return G_SOURCE_REMOVE;
}

static void
finish_run (MwbRunner *r, MwbVerdict verdict, int failed_step, const char *reason)
{
	r->verdict = verdict;
	r->failed_step = failed_step;
	g_clear_pointer (&r->pause_why, g_free);
	g_free (r->reason);
	r->reason = g_strdup (reason);
	g_clear_handle_id (&r->wall_timer, g_source_remove);
	EMIT (r, verdict, verdict, failed_step, reason, mwb_runner_elapsed (r));
	set_state (r, MWB_RUNNER_DONE, mwb_verdict_name (verdict));
}

/* Where "expected failure" is decided: the runner, not each action. */
static MwbStepState
judge (const MwbStep *step, MwbStepState state, const char *reason, char **out_reason)
{
	if (!step->expect_fail || state == MWB_STEP_SKIPPED) {
		*out_reason = g_strdup (reason);
		return state;
	}
	if (state == MWB_STEP_OK) {
		*out_reason = g_strdup_printf ("expected a failure%s%s%s, but the step succeeded%s%s",
					       step->expect_match ? " matching '" : "",
					       step->expect_match ? step->expect_match : "",
					       step->expect_match ? "'" : "",
					       reason ? ": " : "", reason ? reason : "");
		return MWB_STEP_FAILED;
	}
	if (step->expect_match && (!reason || !strstr (reason, step->expect_match))) {
		*out_reason = g_strdup_printf ("failed, but not as expected (wanted '%s'): %s",
					       step->expect_match, reason ? reason : "no reason");
		return MWB_STEP_FAILED;
	}
	*out_reason = g_strdup_printf ("failed as expected: %s", reason ? reason : "no reason");
	return MWB_STEP_OK;
}

static void
step_finished (MwbRunner *r, MwbStepState state, const char *raw_reason, gboolean internal)
{
	guint idx = r->next;
	const MwbStep *step = r->scn->steps->pdata[idx];
	g_autofree char *reason = NULL;

	g_clear_handle_id (&r->step_timer, g_source_remove);
	/* A scenario's own mistake is never the failure it expected. */
	if (internal) {
		reason = g_strdup (raw_reason);
	} else {
		state = judge (step, state, raw_reason, &reason);
	}
	r->states[idx] = state;
	r->durations[idx] = (g_get_monotonic_time () - r->step_t0) / (double) G_USEC_PER_SEC;
	EMIT (r, step_state, idx, state, r->durations[idx], reason);
	r->next = idx + 1;

	if (state == MWB_STEP_FAILED) {
		finish_run (r, MWB_VERDICT_FAIL, idx, reason);
		return;
	}
	if (state == MWB_STEP_SKIPPED) {
		/* A backend skips a step when the host cannot do it: the scenario is a SKIP. */
		finish_run (r, MWB_VERDICT_SKIP, idx, reason);
		return;
	}
	if (r->next >= r->scn->steps->len) {
		g_autofree char *why = NULL;

		if (r->klass->vet_pass && !r->klass->vet_pass (r->backend, &why))
			finish_run (r, MWB_VERDICT_FAIL, -1, why);
		else
			finish_run (r, user_skips (r) ? MWB_VERDICT_SKIP : MWB_VERDICT_PASS, -1,
				    user_skips (r) ? "steps were skipped at the user's request" : NULL);
		return;
	}
	if (r->mode == MODE_STEP) {
		g_autofree char *why = g_steal_pointer (&r->pause_why);

		set_state (r, MWB_RUNNER_PAUSED, why ? why : "stepped");
		return;
	}
	if (!r->advance_idle)
		r->advance_idle = g_idle_add (advance, r);
}

/* A scenario with a step the user skipped did not run as written: it is
 * not a PASS, whatever the other steps said. */
static gboolean
user_skips (MwbRunner *r)
{
	for (guint i = 0; i < r->scn->steps->len; i++)
		if (r->states[i] == MWB_STEP_SKIPPED)
			return TRUE;
	return FALSE;
}

static gboolean
can_go (MwbRunner *r)
{
	return r->state == MWB_RUNNER_PAUSED && !r->tearing_down && r->next < r->scn->steps->len;
}

void
mwb_runner_step (MwbRunner *r)
{
	if (!can_go (r))
		return;
	r->mode = MODE_STEP;
	r->resumed_at = r->next;
	/* From the loop, never from inside whatever called us (a sink, a QMP
	 * callback): a step may free what its caller is still using. */
	if (!r->advance_idle)
		r->advance_idle = g_idle_add (advance, r);
}

void
mwb_runner_continue (MwbRunner *r)
{
	if (!can_go (r))
		return;
	r->mode = MODE_CONTINUE;
	/* Continuing from a breakpoint runs that step rather than stopping again. */
	r->resumed_at = r->next;
	if (!r->advance_idle)
		r->advance_idle = g_idle_add (advance, r);
}

void
mwb_runner_pause (MwbRunner *r, const char *why)
{
	if (r->state == MWB_RUNNER_IDLE || r->state == MWB_RUNNER_DONE || r->tearing_down)
		return;
	if (r->state == MWB_RUNNER_PAUSED && !r->advance_idle)
		return;
	r->mode = MODE_STEP;
	if (!r->pause_why)
		r->pause_why = g_strdup (why);
}

void
mwb_runner_run_to (MwbRunner *r, guint index)
{
	if (!can_go (r) || index <= r->next || index > r->scn->steps->len)
		return;
	r->mode = MODE_RUN_TO;
	r->run_to = index;
	r->resumed_at = r->next;
	if (!r->advance_idle)
		r->advance_idle = g_idle_add (advance, r);
}

void
mwb_runner_skip (MwbRunner *r, const char *why)
{
	guint idx = r->next;

	if (!can_go (r))
		return;
	r->states[idx] = MWB_STEP_SKIPPED;
	EMIT (r, step_state, idx, MWB_STEP_SKIPPED, 0.0, why);
	r->next = idx + 1;
	if (r->next >= r->scn->steps->len)
		finish_run (r, MWB_VERDICT_SKIP, -1, "steps were skipped at the user's request");
	else
		set_state (r, MWB_RUNNER_PAUSED, "skipped a step");
}

void
mwb_runner_abort (MwbRunner *r, const char *why)
{
	abort_with (r, why, MWB_VERDICT_ABORTED);
}

static void
abort_with (MwbRunner *r, const char *why, MwbVerdict verdict)
{
	MwbStepRun *sr = r->current;

	if (r->state == MWB_RUNNER_DONE || r->state == MWB_RUNNER_IDLE)
		return;
	g_clear_handle_id (&r->advance_idle, g_source_remove);
	if (sr) {
		mwb_step_run_ref (sr);
		/* The step's own failure must not turn an abort into an ordinary FAIL. */
		r->current = NULL;
		sr->runner = NULL;
		g_clear_handle_id (&r->step_timer, g_source_remove);
		r->states[sr->index] = MWB_STEP_FAILED;
		r->durations[sr->index] = (g_get_monotonic_time () - r->step_t0) / (double) G_USEC_PER_SEC;
		EMIT (r, step_state, sr->index, MWB_STEP_FAILED, r->durations[sr->index], why);
		r->klass->cancel_step (r->backend, sr);
		finish_run (r, verdict, sr->index, why);
		mwb_step_run_unref (sr);
		mwb_step_run_unref (sr);
		return;
	}
	finish_run (r, verdict, -1, why);
}

/* ---- teardown ---- */

static int
rm_entry (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void) st;
	(void) flag;
	(void) ftw;
	return remove (path) == 0 || errno == ENOENT ? 0 : -1;
}

static gboolean
should_keep (MwbRunner *r)
{
	switch (r->cfg->keep) {
	case MWB_KEEP_ALWAYS: return TRUE;
	case MWB_KEEP_NEVER: return FALSE;
	case MWB_KEEP_FAILED: default:
		return r->verdict != MWB_VERDICT_PASS && r->verdict != MWB_VERDICT_SKIP;
	}
}

static void
backend_gone (gpointer data)
{
	MwbRunner *r = data;
	gboolean kept = should_keep (r);
	g_autoptr (GArray) waiters = g_steal_pointer (&r->teardown_waiters);

	if (r->backend)
		r->klass->destroy (r->backend);
	r->backend = NULL;
	mwb_runner_logf (r, "engine", "all processes stopped; run directory %s",
			 kept ? "kept" : "removed");
	g_clear_object (&r->monitor);
	/* Drop the journal sink before the file goes. */
	g_array_remove_index (r->sinks, 0);
	g_clear_pointer (&r->journal, mwb_journal_free);
	if (!kept && nftw (r->run_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
		g_printerr ("mwb: could not remove %s: %s\n", r->run_dir, g_strerror (errno));
	r->tearing_down = FALSE;
	set_state (r, MWB_RUNNER_IDLE, NULL);
	EMIT (r, run_finished, r->run_dir, kept);
	if (r->restart_after) {
		g_autoptr (GError) err = NULL;

		r->restart_after = FALSE;
		if (!mwb_runner_start (r, &err))
			mwb_runner_logf (r, "engine", "restart failed: %s", err->message);
	}
	r->teardown_waiters = g_array_new (FALSE, FALSE, sizeof (Waiter));
	for (guint i = 0; i < waiters->len; i++) {
		Waiter *w = &g_array_index (waiters, Waiter, i);

		((void (*) (gpointer)) w->done) (w->data);
	}
}

void
mwb_runner_teardown (MwbRunner *r, GCallback done, gpointer data)
{
	if (r->state == MWB_RUNNER_IDLE) {
		if (done)
			((void (*) (gpointer)) done) (data);
		return;
	}
	if (done)
		g_array_append_val (r->teardown_waiters, ((Waiter) { done, data }));
	if (r->tearing_down)
		return;
	if (r->state != MWB_RUNNER_DONE)
		mwb_runner_abort (r, "torn down");
	clear_timers (r);
	r->tearing_down = TRUE;
	if (!r->backend) {
		backend_gone (r);
		return;
	}
	r->klass->teardown (r->backend, G_CALLBACK (backend_gone), r);
}

void
mwb_runner_restart (MwbRunner *r)
{
	if (r->state == MWB_RUNNER_IDLE) {
		g_autoptr (GError) err = NULL;

		if (!mwb_runner_start (r, &err))
			mwb_runner_logf (r, "engine", "restart failed: %s", err->message);
		return;
	}
	r->restart_after = TRUE;
	mwb_runner_teardown (r, NULL, NULL);
}

/* ---- breakpoints ---- */

gboolean
mwb_runner_toggle_break (MwbRunner *r, guint index)
{
	if (index >= r->scn->steps->len)
		return FALSE;
	r->breaks[index] = !r->breaks[index];
	return r->breaks[index];
}

gboolean
mwb_runner_has_break (MwbRunner *r, guint index)
{
	return index < r->scn->steps->len && r->breaks[index];
}

gboolean
mwb_runner_add_event_break (MwbRunner *r, const char *spec, GError **error)
{
	g_auto (GStrv) words = g_strsplit_set (spec, " \t", -1);
	EventBreak *b = g_new0 (EventBreak, 1);
	const char *ev = NULL;
	const char *colon;

	b->spec = g_strdup (spec);
	b->match = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	for (guint i = 0; words[i]; i++) {
		const char *eq;

		if (!*words[i])
			continue;
		if (!ev) {
			ev = words[i];
			continue;
		}
		eq = strchr (words[i], '=');
		if (!eq || eq == words[i]) {
			event_break_free (b);
			g_set_error (error, MWB_ERROR, MWB_ERROR_USAGE,
				     "event breakpoint '%s': expected key=value, got '%s'",
				     spec, words[i]);
			return FALSE;
		}
		g_hash_table_insert (b->match, g_strndup (words[i], eq - words[i]),
				     g_strdup (eq + 1));
	}
	if (!ev) {
		event_break_free (b);
		g_set_error (error, MWB_ERROR, MWB_ERROR_USAGE, "event breakpoint needs an event name");
		return FALSE;
	}
	colon = strchr (ev, ':');
	if (colon) {
		b->side = g_strndup (ev, colon - ev);
		ev = colon + 1;
	}
	b->event = g_strdup (ev);
	g_ptr_array_add (r->event_breaks, b);
	return TRUE;
}

gboolean
mwb_runner_delete_event_break (MwbRunner *r, const char *spec)
{
	for (guint i = 0; i < r->event_breaks->len; i++)
		if (g_str_equal (((EventBreak *) r->event_breaks->pdata[i])->spec, spec)) {
			g_ptr_array_remove_index (r->event_breaks, i);
			return TRUE;
		}
	return FALSE;
}

static gboolean
break_matches (EventBreak *b, const char *side, const char *event, GHashTable *data)
{
	GHashTableIter it;
	gpointer k, v;

	if (!g_str_equal (b->event, event) || (b->side && g_strcmp0 (b->side, side) != 0))
		return FALSE;
	g_hash_table_iter_init (&it, b->match);
	while (g_hash_table_iter_next (&it, &k, &v))
		if (!data || g_strcmp0 (g_hash_table_lookup (data, k), v) != 0)
			return FALSE;
	return TRUE;
}

void
mwb_runner_note_event (MwbRunner *r, const char *side, const char *event, GHashTable *data)
{
	for (guint i = 0; i < r->event_breaks->len; i++) {
		EventBreak *b = r->event_breaks->pdata[i];

		if (!break_matches (b, side, event, data))
			continue;
		mwb_runner_logf (r, "engine", "event breakpoint '%s' hit on %s", b->spec, side);
		/* A step in flight cannot be frozen halfway: pause when it ends. */
		if (r->state == MWB_RUNNER_RUNNING && !r->pause_why)
			r->pause_why = g_strdup_printf ("event breakpoint '%s' (%s)", b->spec, side);
		return;
	}
}

/* ---- accessors ---- */

MwbRunnerState mwb_runner_state (MwbRunner *r) { return r->state; }
MwbVerdict mwb_runner_verdict (MwbRunner *r) { return r->verdict; }
const char *mwb_runner_reason (MwbRunner *r) { return r->reason; }
int mwb_runner_failed_step (MwbRunner *r) { return r->failed_step; }
guint mwb_runner_next_step (MwbRunner *r) { return r->next; }
MwbScenario *mwb_runner_scenario (MwbRunner *r) { return r->scn; }
const MwbRunConfig *mwb_runner_config (MwbRunner *r) { return r->cfg; }
const char *mwb_runner_run_dir (MwbRunner *r) { return r->run_dir; }
gint64 mwb_runner_start_time (MwbRunner *r) { return r->t0; }
MwbBackend *mwb_runner_backend (MwbRunner *r) { return r->backend; }

gboolean
mwb_runner_is_settled (MwbRunner *r)
{
	return r->state != MWB_RUNNER_RUNNING && !r->advance_idle && !r->tearing_down;
}

GPtrArray *
mwb_runner_live_roles (MwbRunner *r)
{
	if (!r->backend || !r->klass->live_roles)
		return g_ptr_array_new_with_free_func (g_free);
	return r->klass->live_roles (r->backend);
}

GPid
mwb_runner_pid_of (MwbRunner *r, const char *role)
{
	if (!r->backend || !r->klass->pid_of)
		return 0;
	return r->klass->pid_of (r->backend, role);
}

gboolean
mwb_runner_send_command (MwbRunner *r, const char *role, const char *text,
			 MwbCommandReplyFunc func, gpointer data, GError **error)
{
	if (!r->backend || !r->klass->send_command) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_BACKEND, "no %s process is running", role);
		return FALSE;
	}
	return r->klass->send_command (r->backend, role, text, func, data, error);
}

MwbStepState
mwb_runner_step_state (MwbRunner *r, guint index)
{
	return index < r->scn->steps->len ? r->states[index] : MWB_STEP_PENDING;
}

char *
mwb_runner_step_about (MwbRunner *r, guint index)
{
	MwbStep *st = mwb_scenario_step (r->scn, index);

	return st ? mwb_expand_lenient (st->about, r->vars) : NULL;
}

double
mwb_runner_elapsed (MwbRunner *r)
{
	return (g_get_monotonic_time () - r->t0) / (double) G_USEC_PER_SEC;
}

void
mwb_runner_set_var (MwbRunner *r, const char *name, const char *value)
{
	g_hash_table_insert (r->vars, g_strdup (name), g_strdup (value));
}

const char *
mwb_runner_get_var (MwbRunner *r, const char *name)
{
	return g_hash_table_lookup (r->vars, name);
}
