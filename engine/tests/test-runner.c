/* Unit tests for the step machine (engine/runner.c), driven through a fake
 * backend defined here, so that no process is started and every outcome
 * (ok, fail, skip, never finishing, events, variables) is on demand.
 *
 * The fake actions:
 *   fake.ok      [msg=TEXT]                 ok at once, reason TEXT
 *   fake.fail    [reason=TEXT]              fails at once
 *   fake.skip    [reason=TEXT]              skips at once (host cannot do it)
 *   fake.wait    [ms=N] [for=TEXT] [fail=TEXT]
 *                                           finishes after N ms (never without ms=),
 *                                           saying it waits for TEXT
 *   fake.event   event=EV [side=S] [k=v]... mwb_runner_note_event, then ok
 *   fake.setvar  name=N value=V             mwb_runner_set_var, then ok
 *
 * Tests named "Was a bug" pin fixes of bugs these tests found. */
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "backend.h"
#include "mwb-error.h"
#include "run-config.h"
#include "runner.h"
#include "scenario.h"

/* Far beyond any step here, short enough that a hang fails rather than stalls `make check`. */
#define STALL_LIMIT_S 10

/* ---- the fake backend ---- */

typedef struct {
	MwbBackend parent;
	MwbStepRun *waiting;	/* fake.wait in flight: our own reference */
	guint wait_timer;
	char *wait_fail;	/* finish the wait with this failure instead */
	guint teardown_idle;
	GCallback teardown_done;
	gpointer teardown_data;
} FakeBackend;

/* What the backend saw, for the tests to check; reset by each fixture. */
static struct {
	GPtrArray *ran;		/* step names, in the order their action ran */
	guint created;
	guint cancelled;
	guint torn_down;
	guint destroyed;
} fake;

static void
fake_run_common (MwbStepRun *sr)
{
	g_ptr_array_add (fake.ran, g_strdup (mwb_step_run_step (sr)->name));
}

static void
fake_ok (MwbBackend *be, MwbStepRun *sr)
{
	(void) be;
	fake_run_common (sr);
	mwb_step_run_ok (sr, "%s", mwb_step_run_arg_or (sr, "msg", "done"));
}

static void
fake_fail (MwbBackend *be, MwbStepRun *sr)
{
	(void) be;
	fake_run_common (sr);
	mwb_step_run_fail (sr, "%s", mwb_step_run_arg_or (sr, "reason", "it failed"));
}

static void
fake_skip (MwbBackend *be, MwbStepRun *sr)
{
	(void) be;
	fake_run_common (sr);
	mwb_step_run_skip (sr, "%s", mwb_step_run_arg_or (sr, "reason", "cannot here"));
}

static void
fake_wait_clear (FakeBackend *fb)
{
	g_clear_handle_id (&fb->wait_timer, g_source_remove);
	g_clear_pointer (&fb->waiting, mwb_step_run_unref);
	g_clear_pointer (&fb->wait_fail, g_free);
}

static gboolean
fake_wait_done (gpointer data)
{
	FakeBackend *fb = data;
	g_autoptr (MwbStepRun) sr = g_steal_pointer (&fb->waiting);
	g_autofree char *fail = g_steal_pointer (&fb->wait_fail);

	fb->wait_timer = 0;
	/* The runner forgets a timed-out step; finishing it late must do nothing. */
	if (fail)
		mwb_step_run_fail (sr, "%s", fail);
	else
		mwb_step_run_ok (sr, "waited");
	return G_SOURCE_REMOVE;
}

static void
fake_wait (MwbBackend *be, MwbStepRun *sr)
{
	FakeBackend *fb = (FakeBackend *) be;
	const char *ms = mwb_step_run_arg (sr, "ms");

	fake_run_common (sr);
	g_assert_null (fb->waiting);
	fb->waiting = mwb_step_run_ref (sr);
	fb->wait_fail = g_strdup (mwb_step_run_arg (sr, "fail"));
	mwb_step_run_waiting_for (sr, "%s", mwb_step_run_arg_or (sr, "for", "nothing in particular"));
	if (ms)
		fb->wait_timer = g_timeout_add (atoi (ms), fake_wait_done, fb);
}

static void
fake_event (MwbBackend *be, MwbStepRun *sr)
{
	const MwbStep *step = mwb_step_run_step (sr);
	g_autoptr (GHashTable) data = g_hash_table_new (g_str_hash, g_str_equal);

	(void) be;
	fake_run_common (sr);
	/* Every argument but event= and side= is a field of the event's data. */
	for (guint i = 0; i < step->args->len; i++) {
		const char *key = g_array_index (step->args, MwbArg, i).key;

		if (!g_str_equal (key, "event") && !g_str_equal (key, "side"))
			g_hash_table_insert (data, (char *) key, (char *) mwb_step_run_arg (sr, key));
	}
	mwb_runner_note_event (mwb_step_run_runner (sr), mwb_step_run_arg_or (sr, "side", "src"),
			       mwb_step_run_arg (sr, "event"), data);
	mwb_step_run_ok (sr, "event sent");
}

static void
fake_setvar (MwbBackend *be, MwbStepRun *sr)
{
	(void) be;
	fake_run_common (sr);
	mwb_runner_set_var (mwb_step_run_runner (sr), mwb_step_run_arg (sr, "name"),
			    mwb_step_run_arg (sr, "value"));
	mwb_step_run_ok (sr, "set");
}

static MwbBackend *
fake_create (MwbRunner *runner, GError **error)
{
	FakeBackend *fb;

	/* A scenario may ask for a backend that cannot start. */
	for (guint i = 0; i < mwb_runner_scenario (runner)->params->len; i++)
		if (g_str_equal (g_array_index (mwb_runner_scenario (runner)->params, MwbArg, i).key,
				 "fail-create")) {
			g_set_error (error, MWB_ERROR, MWB_ERROR_BACKEND, "fake backend refused");
			return NULL;
		}
	fb = g_new0 (FakeBackend, 1);
	fake.created++;
	return &fb->parent;
}

static void
fake_cancel_step (MwbBackend *be, MwbStepRun *sr)
{
	FakeBackend *fb = (FakeBackend *) be;

	/* The runner has finished sr already: it must say so. */
	g_assert_true (mwb_step_run_is_finished (sr));
	fake.cancelled++;
	if (fb->waiting == sr)
		fake_wait_clear (fb);
}

static gboolean
fake_teardown_finish (gpointer data)
{
	FakeBackend *fb = data;
	GCallback done = fb->teardown_done;
	gpointer done_data = fb->teardown_data;

	/* done destroys fb: nothing of it may be touched afterwards. */
	fb->teardown_idle = 0;
	fb->teardown_done = NULL;
	if (done)
		((void (*) (gpointer)) done) (done_data);
	return G_SOURCE_REMOVE;
}

static void
fake_teardown (MwbBackend *be, GCallback done, gpointer data)
{
	FakeBackend *fb = (FakeBackend *) be;

	fake.torn_down++;
	fake_wait_clear (fb);
	fb->teardown_done = done;
	fb->teardown_data = data;
	/* Like a real backend: the processes are gone later, from the loop. */
	fb->teardown_idle = g_idle_add (fake_teardown_finish, fb);
}

static void
fake_destroy (MwbBackend *be)
{
	FakeBackend *fb = (FakeBackend *) be;

	fake.destroyed++;
	g_clear_handle_id (&fb->teardown_idle, g_source_remove);
	fake_wait_clear (fb);
	g_free (fb);
}

static const char *const req_event[] = { "event", NULL };
static const char *const req_setvar[] = { "name", "value", NULL };
static const char *const opt_msg[] = { "msg", NULL };
static const char *const opt_reason[] = { "reason", NULL };
static const char *const opt_wait[] = { "ms", "for", "fail", NULL };
static const char *const opt_any[] = { "*", NULL };

static const MwbActionDef fake_actions[] = {
	{ "fake.ok", "succeeds", NULL, opt_msg, 0, fake_ok },
	{ "fake.fail", "fails", NULL, opt_reason, 0, fake_fail },
	{ "fake.skip", "skips", NULL, opt_reason, 0, fake_skip },
	{ "fake.wait", "finishes later, or never", NULL, opt_wait, 5, fake_wait },
	{ "fake.event", "sends an event", req_event, opt_any, 0, fake_event },
	{ "fake.setvar", "sets a variable", req_setvar, NULL, 0, fake_setvar },
	{ NULL, NULL, NULL, NULL, 0, NULL },
};

static const MwbBackendClass fake_class = {
	.name = "fake",
	.actions = fake_actions,
	.create = fake_create,
	.cancel_step = fake_cancel_step,
	.teardown = fake_teardown,
	.destroy = fake_destroy,
};

/* ---- the recording sink ---- */

typedef struct {
	MwbRunner *runner;
	MwbScenario *scn;
	MwbRunConfig *cfg;
	char *workdir;

	GPtrArray *events;	/* every callback, one line each, in order */
	guint stops;		/* runner_state callbacks to PAUSED, DONE or IDLE */
	MwbRunnerState last_state;
	char *last_why;
	char **step_reasons;	/* the last reason given for each step */
	int verdicts;
	MwbVerdict verdict;
	int failed_step;
	char *verdict_reason;
	int run_finished;
	gboolean kept;
	char *run_started_dir;
	char *run_finished_dir;
	guint logs;
	gboolean teardown_done;
	gboolean start_failed;	/* DONE without a verdict is then expected */
} Fixture;

static void
rec_event (Fixture *f, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
rec_event (Fixture *f, const char *fmt, ...)
{
	va_list ap;

	va_start (ap, fmt);
	g_ptr_array_add (f->events, g_strdup_vprintf (fmt, ap));
	va_end (ap);
	if (g_test_verbose ())
		g_test_message ("sink: %s", (char *) f->events->pdata[f->events->len - 1]);
}

static void
s_run_started (gpointer ctx, MwbRunner *runner, const char *run_dir)
{
	Fixture *f = ctx;

	g_assert_true (runner == f->runner);
	g_free (f->run_started_dir);
	f->run_started_dir = g_strdup (run_dir);
	rec_event (f, "run_started");
}

static void
s_runner_state (gpointer ctx, MwbRunner *runner, MwbRunnerState state, const char *why)
{
	Fixture *f = ctx;

	(void) runner;
	/* The callback comes after the change: the accessor agrees. */
	g_assert_cmpint (mwb_runner_state (f->runner), ==, state);
	f->last_state = state;
	g_free (f->last_why);
	f->last_why = g_strdup (why);
	if (state != MWB_RUNNER_RUNNING)
		f->stops++;
	rec_event (f, "runner %s%s%s", mwb_runner_state_name (state), why ? " " : "", why ? why : "");
}

static void
s_step_state (gpointer ctx, MwbRunner *runner, guint index, MwbStepState state, double duration_s,
	      const char *reason)
{
	Fixture *f = ctx;

	(void) runner;
	g_assert_cmpuint (index, <, f->scn->steps->len);
	g_assert_cmpfloat (duration_s, >=, 0);
	g_free (f->step_reasons[index]);
	f->step_reasons[index] = g_strdup (reason);
	rec_event (f, "step %u %s", index, mwb_step_state_name (state));
}

static void
s_log (gpointer ctx, MwbRunner *runner, const MwbLogRecord *rec)
{
	Fixture *f = ctx;

	(void) runner;
	g_assert_nonnull (rec->source);
	g_assert_nonnull (rec->text);
	f->logs++;
}

static void
s_verdict (gpointer ctx, MwbRunner *runner, MwbVerdict verdict, int failed_step,
	   const char *reason, double duration_s)
{
	Fixture *f = ctx;

	(void) runner;
	g_assert_cmpfloat (duration_s, >=, 0);
	f->verdicts++;
	f->verdict = verdict;
	f->failed_step = failed_step;
	g_free (f->verdict_reason);
	f->verdict_reason = g_strdup (reason);
	rec_event (f, "verdict %s %d", mwb_verdict_name (verdict), failed_step);
}

static void
s_run_finished (gpointer ctx, MwbRunner *runner, const char *run_dir, gboolean kept)
{
	Fixture *f = ctx;

	(void) runner;
	f->run_finished++;
	f->kept = kept;
	g_free (f->run_finished_dir);
	f->run_finished_dir = g_strdup (run_dir);
	/* Told after the fact: the directory is gone unless kept. */
	g_assert_cmpint (g_file_test (run_dir, G_FILE_TEST_IS_DIR), ==, kept);
	rec_event (f, "run_finished %s", kept ? "kept" : "removed");
}

static const MwbSinkOps recorder = {
	.run_started = s_run_started,
	.runner_state = s_runner_state,
	.step_state = s_step_state,
	.log = s_log,
	.verdict = s_verdict,
	.run_finished = s_run_finished,
};

/* ---- fixture ---- */

static void
rm_rf (const char *path)
{
	if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK)) {
		g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
		const char *name;

		while (d && (name = g_dir_read_name (d))) {
			g_autofree char *child = g_build_filename (path, name, NULL);

			rm_rf (child);
		}
	}
	g_remove (path);
}

static Fixture *
fixture_new_keep (const char *steps, MwbKeep keep)
{
	Fixture *f = g_new0 (Fixture, 1);
	g_autofree char *text = g_strconcat ("path /fake/unit/test\nbackend fake\n", steps, NULL);
	g_autoptr (GError) err = NULL;

	g_clear_pointer (&fake.ran, g_ptr_array_unref);
	memset (&fake, 0, sizeof fake);
	fake.ran = g_ptr_array_new_with_free_func (g_free);

	f->scn = mwb_scenario_parse ("test.scn", text, &err);
	g_assert_no_error (err);
	/* The test scenarios are held to what mwb holds real ones to. */
	mwb_backend_validate (&fake_class, f->scn, &err);
	g_assert_no_error (err);
	f->workdir = g_dir_make_tmp ("mwb-test-runner-XXXXXX", &err);
	g_assert_no_error (err);
	f->cfg = mwb_run_config_new ();
	f->cfg->workdir = g_strdup (f->workdir);
	f->cfg->keep = keep;
	f->events = g_ptr_array_new_with_free_func (g_free);
	f->step_reasons = g_new0 (char *, f->scn->steps->len + 1);
	/* Not a value the runner ever reports, so a missing verdict shows. */
	f->failed_step = -2;
	f->runner = mwb_runner_new (f->scn, &fake_class, f->cfg);
	mwb_runner_add_sink (f->runner, &recorder, f);
	return f;
}

static Fixture *
fixture_new (const char *steps)
{
	return fixture_new_keep (steps, MWB_KEEP_FAILED);
}

static void
on_teardown_done (gpointer data)
{
	Fixture *f = data;

	f->teardown_done = TRUE;
}

static gboolean
on_stall (gpointer data)
{
	gboolean *stalled = data;

	*stalled = TRUE;
	return G_SOURCE_REMOVE;
}

/* Turns the main loop until *counter moves off `from`, or fails the test. */
static void
spin_until_changed (const guint *counter, guint from, const char *what)
{
	gboolean stalled = FALSE;
	guint guard = g_timeout_add_seconds (STALL_LIMIT_S, on_stall, &stalled);

	while (*counter == from && !stalled)
		g_main_context_iteration (NULL, TRUE);
	if (stalled)
		g_error ("nothing happened for %d s while waiting for %s", STALL_LIMIT_S, what);
	g_source_remove (guard);
}

/* Runs the main loop until the runner stops (PAUSED, DONE or IDLE) again. */
static void
spin_until_stop (Fixture *f)
{
	guint before = f->stops;

	spin_until_changed (&f->stops, before, "the runner to stop");
}

/* Some commands stop the runner before they return; others only from the loop. */
#define STOP_AFTER(f, call)                                                   \
	G_STMT_START {                                                        \
		guint _before = (f)->stops;                                   \
		call;                                                         \
		if ((f)->stops == _before)                                    \
			spin_until_changed (&(f)->stops, _before, #call);     \
	} G_STMT_END

/* mwb_runner_step starts the step from the loop, never from inside its
 * caller: spin until it is in flight (or already over). */
static void
step_begun (Fixture *f)
{
	gint64 end = g_get_monotonic_time () + STALL_LIMIT_S * G_USEC_PER_SEC;

	mwb_runner_step (f->runner);
	while (mwb_runner_state (f->runner) == MWB_RUNNER_PAUSED && g_get_monotonic_time () < end)
		g_main_context_iteration (NULL, TRUE);
	g_assert_cmpint (mwb_runner_state (f->runner), !=, MWB_RUNNER_PAUSED);
}

static void
teardown_sync (Fixture *f)
{
	f->teardown_done = FALSE;
	mwb_runner_teardown (f->runner, G_CALLBACK (on_teardown_done), f);
	while (!f->teardown_done) {
		guint before = f->stops;

		spin_until_changed (&f->stops, before, "teardown");
	}
	g_assert_cmpint (mwb_runner_state (f->runner), ==, MWB_RUNNER_IDLE);
}

/* Whatever the test did, each run's callbacks must make sense in order. */
static void
assert_sink_order (Fixture *f)
{
	gboolean in_run = FALSE;
	gboolean done = FALSE;
	int running = -1;

	for (guint i = 0; i < f->events->len; i++) {
		const char *e = f->events->pdata[i];

		if (g_str_equal (e, "run_started")) {
			g_assert_false (in_run);
			in_run = TRUE;
			done = FALSE;
			running = -1;
			continue;
		}
		/* Nothing comes outside a run, between run_finished and run_started. */
		if (!in_run)
			g_error ("sink callback '%s' outside a run (event %u)", e, i);
		if (g_str_has_prefix (e, "run_finished")) {
			in_run = FALSE;
			continue;
		}
		if (g_str_has_prefix (e, "verdict")) {
			g_assert_false (done);
			g_assert_cmpint (running, ==, -1);
			done = TRUE;
			/* The verdict comes just before DONE. */
			g_assert_cmpuint (i + 1, <, f->events->len);
			g_assert_true (g_str_has_prefix (f->events->pdata[i + 1], "runner done"));
			continue;
		}
		if (g_str_has_prefix (e, "step ")) {
			guint idx;
			char state[16];

			g_assert_false (done);
			g_assert_cmpint (sscanf (e, "step %u %15s", &idx, state), ==, 2);
			if (g_str_equal (state, "running")) {
				g_assert_cmpint (running, ==, -1);
				running = idx;
			} else if (running >= 0) {
				g_assert_cmpint (running, ==, idx);
				running = -1;
			} else {
				/* Only the user's skip ends a step that was not running. */
				g_assert_cmpstr (state, ==, "skipped");
			}
			continue;
		}
		if (g_str_has_prefix (e, "runner done"))
			g_assert_true (done || f->start_failed);
		if (g_str_has_prefix (e, "runner paused"))
			g_assert_cmpint (running, ==, -1);
		if (g_str_has_prefix (e, "runner idle"))
			/* Teardown ends whatever was running. */
			g_assert_true (done || running == -1);
	}
}

static void
fixture_free (Fixture *f)
{
	if (mwb_runner_state (f->runner) != MWB_RUNNER_IDLE)
		teardown_sync (f);
	assert_sink_order (f);
	if (f->events->len) {
		g_assert_cmpstr (f->events->pdata[0], ==, "run_started");
		g_assert_true (g_str_has_prefix (g_ptr_array_index (f->events, f->events->len - 1),
						 "run_finished"));
	}
	mwb_runner_free (f->runner);
	/* Whatever the backend was given, it gave back. */
	g_assert_cmpuint (fake.destroyed, ==, fake.created);
	rm_rf (f->workdir);
	g_free (f->workdir);
	mwb_run_config_free (f->cfg);
	for (guint i = 0; i < f->scn->steps->len; i++)
		g_free (f->step_reasons[i]);
	g_free (f->step_reasons);
	mwb_scenario_unref (f->scn);
	g_ptr_array_unref (f->events);
	g_free (f->last_why);
	g_free (f->verdict_reason);
	g_free (f->run_started_dir);
	g_free (f->run_finished_dir);
	g_free (f);
	g_clear_pointer (&fake.ran, g_ptr_array_unref);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fixture, fixture_free)

static void
start (Fixture *f)
{
	g_autoptr (GError) err = NULL;

	g_assert_true (mwb_runner_start (f->runner, &err));
	g_assert_no_error (err);
	g_assert_cmpint (mwb_runner_state (f->runner), ==, MWB_RUNNER_PAUSED);
}

static void
run_to_end (Fixture *f)
{
	STOP_AFTER (f, mwb_runner_continue (f->runner));
	g_assert_cmpint (mwb_runner_state (f->runner), ==, MWB_RUNNER_DONE);
}

static void
assert_ran (const char *names)
{
	g_autoptr (GString) got = g_string_new (NULL);

	for (guint i = 0; i < fake.ran->len; i++)
		g_string_append_printf (got, "%s%s", i ? " " : "", (char *) fake.ran->pdata[i]);
	g_assert_cmpstr (got->str, ==, names);
}

#define THREE_OK "step a fake.ok\nstep b fake.ok\nstep c fake.ok\n"

/* ---- start, step, continue ---- */

static void
test_start_pauses (void)
{
	g_autoptr (Fixture) f = fixture_new (THREE_OK);
	g_autofree char *journal = NULL;

	g_assert_cmpint (mwb_runner_state (f->runner), ==, MWB_RUNNER_IDLE);
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_NONE);
	start (f);
	g_assert_cmpstr (f->last_why, ==, "before step 1");
	g_assert_cmpuint (mwb_runner_next_step (f->runner), ==, 0);
	for (guint i = 0; i < 3; i++)
		g_assert_cmpint (mwb_runner_step_state (f->runner, i), ==, MWB_STEP_PENDING);
	g_assert_cmpint (mwb_runner_step_state (f->runner, 99), ==, MWB_STEP_PENDING);
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_NONE);
	g_assert_cmpint (mwb_runner_failed_step (f->runner), ==, -1);
	assert_ran ("");

	/* The run directory is made under the workdir, named after the path. */
	g_assert_cmpstr (f->run_started_dir, ==, mwb_runner_run_dir (f->runner));
	g_assert_true (g_file_test (f->run_started_dir, G_FILE_TEST_IS_DIR));
	g_assert_true (g_str_has_prefix (f->run_started_dir, f->workdir));
	g_assert_nonnull (strstr (f->run_started_dir, "mwb-fake-unit-test-"));
	journal = g_build_filename (f->run_started_dir, "journal.jsonl", NULL);
	g_assert_true (g_file_test (journal, G_FILE_TEST_IS_REGULAR));
	g_assert_cmpstr (mwb_runner_get_var (f->runner, "run"), ==, f->run_started_dir);
	g_assert_cmpstr (mwb_runner_get_var (f->runner, "path"), ==, "/fake/unit/test");
	g_assert_nonnull (mwb_runner_backend (f->runner));
	g_assert_true (mwb_runner_scenario (f->runner) == f->scn);
	g_assert_true (mwb_runner_config (f->runner) == f->cfg);
	g_assert_cmpfloat (mwb_runner_elapsed (f->runner), >=, 0);

	g_assert_cmpuint (f->events->len, ==, 2);
	g_assert_cmpstr (f->events->pdata[0], ==, "run_started");
	g_assert_cmpstr (f->events->pdata[1], ==, "runner paused before step 1");
}

static void
test_step_one (void)
{
	g_autoptr (Fixture) f = fixture_new (THREE_OK);

	start (f);
	STOP_AFTER (f, mwb_runner_step (f->runner));
	assert_ran ("a");
	g_assert_cmpint (mwb_runner_state (f->runner), ==, MWB_RUNNER_PAUSED);
	g_assert_cmpstr (f->last_why, ==, "stepped");
	g_assert_cmpuint (mwb_runner_next_step (f->runner), ==, 1);
	g_assert_cmpint (mwb_runner_step_state (f->runner, 0), ==, MWB_STEP_OK);
	g_assert_cmpint (mwb_runner_step_state (f->runner, 1), ==, MWB_STEP_PENDING);
	g_assert_cmpstr (f->step_reasons[0], ==, "done");

	/* Nothing more happens by itself. */
	while (g_main_context_iteration (NULL, FALSE))
		;
	assert_ran ("a");
	g_assert_cmpint (mwb_runner_state (f->runner), ==, MWB_RUNNER_PAUSED);
}

static void
test_step_async (void)
{
	g_autoptr (Fixture) f = fixture_new ("step a fake.wait ms=20\nstep b fake.ok\n");

	start (f);
	step_begun (f);
	/* In flight: the step runs until the backend finishes it from the loop. */
	g_assert_cmpint (mwb_runner_state (f->runner), ==, MWB_RUNNER_RUNNING);
	g_assert_cmpint (mwb_runner_step_state (f->runner, 0), ==, MWB_STEP_RUNNING);
	/* Commands that need a pause are refused meanwhile. */
	mwb_runner_step (f->runner);
	mwb_runner_continue (f->runner);
	mwb_runner_skip (f->runner, "no");
	spin_until_stop (f);
	assert_ran ("a");
	g_assert_cmpstr (f->last_why, ==, "stepped");
	g_assert_cmpint (mwb_runner_step_state (f->runner, 0), ==, MWB_STEP_OK);
	g_assert_cmpstr (f->step_reasons[0], ==, "waited");
	g_assert_cmpint (mwb_runner_step_state (f->runner, 1), ==, MWB_STEP_PENDING);
}

static void
test_continue_pass (void)
{
	g_autoptr (Fixture) f = fixture_new (THREE_OK);

	start (f);
	STOP_AFTER (f, mwb_runner_step (f->runner));
	run_to_end (f);
	assert_ran ("a b c");
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_PASS);
	g_assert_cmpint (mwb_runner_failed_step (f->runner), ==, -1);
	g_assert_null (mwb_runner_reason (f->runner));
	for (guint i = 0; i < 3; i++)
		g_assert_cmpint (mwb_runner_step_state (f->runner, i), ==, MWB_STEP_OK);
	g_assert_cmpint (f->verdicts, ==, 1);
	g_assert_cmpint (f->verdict, ==, MWB_VERDICT_PASS);
	g_assert_cmpint (f->failed_step, ==, -1);
	g_assert_cmpstr (f->last_why, ==, "PASS");
	g_assert_cmpuint (mwb_runner_next_step (f->runner), ==, 3);

	/* Done is done: no command starts anything. */
	mwb_runner_step (f->runner);
	mwb_runner_continue (f->runner);
	mwb_runner_run_to (f->runner, 3);
	mwb_runner_skip (f->runner, "late");
	mwb_runner_abort (f->runner, "late");
	while (g_main_context_iteration (NULL, FALSE))
		;
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_PASS);
	assert_ran ("a b c");
}

static void
test_step_through (void)
{
	g_autoptr (Fixture) f = fixture_new (THREE_OK);

	start (f);
	for (guint i = 0; i < 3; i++)
		STOP_AFTER (f, mwb_runner_step (f->runner));
	g_assert_cmpint (mwb_runner_state (f->runner), ==, MWB_RUNNER_DONE);
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_PASS);
	assert_ran ("a b c");
}

/* ---- failures and expectations ---- */

static void
test_fail_stops (void)
{
	g_autoptr (Fixture) f = fixture_new ("step a fake.ok\n"
					     "step b fake.fail reason=\"the disk is on fire\"\n"
					     "step c fake.ok\n");

	start (f);
	run_to_end (f);
	assert_ran ("a b");
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_FAIL);
	g_assert_cmpint (mwb_runner_failed_step (f->runner), ==, 1);
	g_assert_cmpstr (mwb_runner_reason (f->runner), ==, "the disk is on fire");
	g_assert_cmpint (mwb_runner_step_state (f->runner, 0), ==, MWB_STEP_OK);
	g_assert_cmpint (mwb_runner_step_state (f->runner, 1), ==, MWB_STEP_FAILED);
	g_assert_cmpint (mwb_runner_step_state (f->runner, 2), ==, MWB_STEP_PENDING);
	g_assert_cmpint (f->verdict, ==, MWB_VERDICT_FAIL);
	g_assert_cmpint (f->failed_step, ==, 1);
	g_assert_cmpstr (f->verdict_reason, ==, "the disk is on fire");
	g_assert_cmpstr (f->step_reasons[1], ==, "the disk is on fire");
	g_assert_cmpstr (f->last_why, ==, "FAIL");
}

static void
test_fail_async (void)
{
	g_autoptr (Fixture) f = fixture_new ("step a fake.wait ms=10 fail=late\nstep b fake.ok\n");

	start (f);
	run_to_end (f);
	assert_ran ("a");
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_FAIL);
	g_assert_cmpint (mwb_runner_failed_step (f->runner), ==, 0);
	g_assert_cmpstr (mwb_runner_reason (f->runner), ==, "late");
}

static void
test_expect_fail_ok (void)
{
	g_autoptr (Fixture) f = fixture_new ("step a fake.fail reason=refused expect=fail\n"
					     "step b fake.fail reason=\"UUID 1 is not 2\" expect=fail match=\"1 is not\"\n"
					     "step c fake.ok\n");

	start (f);
	run_to_end (f);
	assert_ran ("a b c");
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_PASS);
	g_assert_cmpint (mwb_runner_step_state (f->runner, 0), ==, MWB_STEP_OK);
	g_assert_cmpstr (f->step_reasons[0], ==, "failed as expected: refused");
	g_assert_cmpint (mwb_runner_step_state (f->runner, 1), ==, MWB_STEP_OK);
	g_assert_cmpstr (f->step_reasons[1], ==, "failed as expected: UUID 1 is not 2");
}

static void
test_expect_fail_succeeded (void)
{
	g_autoptr (Fixture) f = fixture_new ("step a fake.ok msg=fine expect=fail\nstep b fake.ok\n");

	start (f);
	run_to_end (f);
	assert_ran ("a");
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_FAIL);
	g_assert_cmpint (mwb_runner_failed_step (f->runner), ==, 0);
	g_assert_cmpstr (mwb_runner_reason (f->runner), ==,
			 "expected a failure, but the step succeeded: fine");
	g_assert_cmpint (mwb_runner_step_state (f->runner, 1), ==, MWB_STEP_PENDING);
}

static void
test_expect_fail_match_succeeded (void)
{
	g_autoptr (Fixture) f = fixture_new ("step a fake.ok msg=fine expect=fail match=boom\n");

	start (f);
	run_to_end (f);
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_FAIL);
	g_assert_cmpstr (mwb_runner_reason (f->runner), ==,
			 "expected a failure matching 'boom', but the step succeeded: fine");
}

static void
test_expect_fail_mismatch (void)
{
	g_autoptr (Fixture) f = fixture_new ("step a fake.fail reason=\"out of memory\" expect=fail match=UUID\n"
					     "step b fake.ok\n");

	start (f);
	run_to_end (f);
	assert_ran ("a");
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_FAIL);
	g_assert_cmpint (mwb_runner_failed_step (f->runner), ==, 0);
	g_assert_cmpstr (mwb_runner_reason (f->runner), ==,
			 "failed, but not as expected (wanted 'UUID'): out of memory");
	g_assert_cmpint (mwb_runner_step_state (f->runner, 0), ==, MWB_STEP_FAILED);
}

static void
test_expect_fail_skip (void)
{
	g_autoptr (Fixture) f = fixture_new ("step a fake.skip reason=\"no kvm\" expect=fail\n");

	/* A skip is neither the failure expected nor a success: still a skip. */
	start (f);
	run_to_end (f);
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_SKIP);
	g_assert_cmpstr (mwb_runner_reason (f->runner), ==, "no kvm");
}

static void
test_backend_skip (void)
{
	g_autoptr (Fixture) f = fixture_new ("step a fake.ok\nstep b fake.skip reason=\"no kvm here\"\n"
					     "step c fake.ok\n");

	start (f);
	run_to_end (f);
	assert_ran ("a b");
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_SKIP);
	g_assert_cmpint (mwb_runner_failed_step (f->runner), ==, 1);
	g_assert_cmpstr (mwb_runner_reason (f->runner), ==, "no kvm here");
	g_assert_cmpint (mwb_runner_step_state (f->runner, 1), ==, MWB_STEP_SKIPPED);
	g_assert_cmpint (mwb_runner_step_state (f->runner, 2), ==, MWB_STEP_PENDING);
	g_assert_cmpint (f->verdict, ==, MWB_VERDICT_SKIP);
}

/* ---- breakpoints ---- */

static void
test_step_breakpoint (void)
{
	g_autoptr (Fixture) f = fixture_new ("step a fake.ok\nstep b fake.ok\nstep c fake.ok\nstep d fake.ok\n");

	g_assert_true (mwb_runner_toggle_break (f->runner, 2));
	g_assert_true (mwb_runner_has_break (f->runner, 2));
	g_assert_false (mwb_runner_has_break (f->runner, 1));
	g_assert_false (mwb_runner_toggle_break (f->runner, 4));
	g_assert_false (mwb_runner_has_break (f->runner, 4));
	/* Toggling twice clears. */
	g_assert_true (mwb_runner_toggle_break (f->runner, 3));
	g_assert_false (mwb_runner_toggle_break (f->runner, 3));
	g_assert_false (mwb_runner_has_break (f->runner, 3));

	start (f);
	STOP_AFTER (f, mwb_runner_continue (f->runner));
	assert_ran ("a b");
	g_assert_cmpint (mwb_runner_state (f->runner), ==, MWB_RUNNER_PAUSED);
	g_assert_cmpuint (mwb_runner_next_step (f->runner), ==, 2);
	g_assert_cmpstr (f->last_why, ==, "breakpoint at step 3 (c)");
	g_assert_cmpint (mwb_runner_step_state (f->runner, 2), ==, MWB_STEP_PENDING);

	/* Continuing from the breakpoint runs the marked step. */
	run_to_end (f);
	assert_ran ("a b c d");
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_PASS);
}

static void
test_step_breakpoint_step_mode (void)
{
	g_autoptr (Fixture) f = fixture_new (THREE_OK);

	/* Single-stepping goes through breakpoints: each step is already a pause. */
	mwb_runner_toggle_break (f->runner, 1);
	start (f);
	STOP_AFTER (f, mwb_runner_step (f->runner));
	STOP_AFTER (f, mwb_runner_step (f->runner));
	assert_ran ("a b");
	g_assert_cmpstr (f->last_why, ==, "stepped");
}

static void
test_run_to (void)
{
	g_autoptr (Fixture) f = fixture_new ("step a fake.ok\nstep b fake.ok\nstep c fake.ok\nstep d fake.ok\n");

	start (f);
	/* Nowhere to go: at or before the next step, or past the end. */
	mwb_runner_run_to (f->runner, 0);
	mwb_runner_run_to (f->runner, 5);
	while (g_main_context_iteration (NULL, FALSE))
		;
	assert_ran ("");
	g_assert_cmpint (mwb_runner_state (f->runner), ==, MWB_RUNNER_PAUSED);

	STOP_AFTER (f, mwb_runner_run_to (f->runner, 2));
	assert_ran ("a b");
	g_assert_cmpuint (mwb_runner_next_step (f->runner), ==, 2);
	g_assert_cmpint (mwb_runner_state (f->runner), ==, MWB_RUNNER_PAUSED);
	g_assert_cmpstr (f->last_why, ==, "reached the run-to step");

	/* Up to the end: the run finishes. */
	STOP_AFTER (f, mwb_runner_run_to (f->runner, 4));
	assert_ran ("a b c d");
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_PASS);
}

static void
test_run_to_stops_at_breakpoint (void)
{
	g_autoptr (Fixture) f = fixture_new ("step a fake.ok\nstep b fake.ok\nstep c fake.ok\nstep d fake.ok\n");

	mwb_runner_toggle_break (f->runner, 1);
	start (f);
	STOP_AFTER (f, mwb_runner_run_to (f->runner, 3));
	assert_ran ("a");
	g_assert_cmpstr (f->last_why, ==, "breakpoint at step 2 (b)");
}

static void
run_event_break (const char *spec, const char *event_step, gboolean should_pause)
{
	g_autofree char *steps = g_strdup_printf ("step a fake.ok\nstep ev %s\nstep c fake.ok\n",
						  event_step);
	g_autoptr (Fixture) f = fixture_new (steps);
	g_autoptr (GError) err = NULL;

	g_assert_true (mwb_runner_add_event_break (f->runner, spec, &err));
	g_assert_no_error (err);
	start (f);
	STOP_AFTER (f, mwb_runner_continue (f->runner));
	if (!should_pause) {
		g_assert_cmpint (mwb_runner_state (f->runner), ==, MWB_RUNNER_DONE);
		g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_PASS);
		assert_ran ("a ev c");
		return;
	}
	/* A step cannot stop halfway: the pause comes after the step that saw the event. */
	g_assert_cmpint (mwb_runner_state (f->runner), ==, MWB_RUNNER_PAUSED);
	g_assert_cmpuint (mwb_runner_next_step (f->runner), ==, 2);
	g_assert_cmpint (mwb_runner_step_state (f->runner, 1), ==, MWB_STEP_OK);
	assert_ran ("a ev");
	{
		g_autofree char *want = g_strdup_printf ("event breakpoint '%s' (", spec);

		g_assert_true (g_str_has_prefix (f->last_why, want));
	}
	run_to_end (f);
	assert_ran ("a ev c");
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_PASS);
}

static void
test_event_break_name (void)
{
	run_event_break ("MIGRATION", "fake.event event=MIGRATION", TRUE);
	run_event_break ("MIGRATION", "fake.event event=STOP", FALSE);
	/* Names are whole: no prefix match. */
	run_event_break ("MIGRATION", "fake.event event=MIGRATION_PASS", FALSE);
}

static void
test_event_break_fields (void)
{
	run_event_break ("MIGRATION status=completed",
			 "fake.event event=MIGRATION status=completed other=x", TRUE);
	run_event_break ("MIGRATION status=completed", "fake.event event=MIGRATION status=active",
			 FALSE);
	run_event_break ("MIGRATION status=completed", "fake.event event=MIGRATION", FALSE);
	/* Every field must match. */
	run_event_break ("MIGRATION  status=completed\tpass=2",
			 "fake.event event=MIGRATION status=completed pass=2", TRUE);
	run_event_break ("MIGRATION status=completed pass=2",
			 "fake.event event=MIGRATION status=completed pass=3", FALSE);
	/* An empty value matches only an empty value. */
	run_event_break ("EV k=", "fake.event event=EV k=\"\"", TRUE);
}

static void
test_event_break_side (void)
{
	run_event_break ("dst:RESUME", "fake.event event=RESUME side=dst", TRUE);
	run_event_break ("dst:RESUME", "fake.event event=RESUME side=src", FALSE);
	/* Without a side, any side. */
	run_event_break ("RESUME", "fake.event event=RESUME side=dst", TRUE);
	run_event_break ("src:MIGRATION status=failed",
			 "fake.event event=MIGRATION side=src status=failed", TRUE);
	run_event_break ("dst:MIGRATION status=failed",
			 "fake.event event=MIGRATION side=src status=failed", FALSE);
}

static void
test_event_break_step_mode (void)
{
	g_autoptr (Fixture) f = fixture_new ("step ev fake.event event=STOP\nstep b fake.ok\nstep c fake.ok\n");

	g_assert_true (mwb_runner_add_event_break (f->runner, "STOP", NULL));
	start (f);
	/* The step pauses anyway, saying why it would have; the event must not
	 * pause the next continue too. */
	STOP_AFTER (f, mwb_runner_step (f->runner));
	g_assert_cmpstr (f->last_why, ==, "event breakpoint 'STOP' (src)");
	run_to_end (f);
	assert_ran ("ev b c");
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_PASS);
}

static void
test_event_break_spec (void)
{
	g_autoptr (Fixture) f = fixture_new ("step a fake.event event=STOP\nstep b fake.ok\n");
	static const struct {
		const char *spec;
		const char *message;
	} bad[] = {
		{ "", "event breakpoint needs an event name" },
		{ "   ", "event breakpoint needs an event name" },
		{ "MIGRATION status", "event breakpoint 'MIGRATION status': expected key=value, got 'status'" },
		{ "MIGRATION =x", "event breakpoint 'MIGRATION =x': expected key=value, got '=x'" },
	};

	for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
		g_autoptr (GError) err = NULL;

		g_assert_false (mwb_runner_add_event_break (f->runner, bad[i].spec, &err));
		g_assert_error (err, MWB_ERROR, MWB_ERROR_USAGE);
		g_assert_cmpstr (err->message, ==, bad[i].message);
	}
	/* A deleted breakpoint no longer stops; deleting what is not there says so. */
	g_assert_true (mwb_runner_add_event_break (f->runner, "STOP", NULL));
	g_assert_true (mwb_runner_delete_event_break (f->runner, "STOP"));
	g_assert_false (mwb_runner_delete_event_break (f->runner, "STOP"));
	g_assert_false (mwb_runner_delete_event_break (f->runner, "RESUME"));
	start (f);
	run_to_end (f);
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_PASS);
}

static void
test_event_outside_step (void)
{
	g_autoptr (Fixture) f = fixture_new (THREE_OK);
	g_autoptr (GHashTable) data = g_hash_table_new (g_str_hash, g_str_equal);

	g_assert_true (mwb_runner_add_event_break (f->runner, "STOP", NULL));
	start (f);
	/* An event while paused (say, a late QMP event) changes nothing. */
	mwb_runner_note_event (f->runner, "src", "STOP", data);
	mwb_runner_note_event (f->runner, "src", "STOP", NULL);
	run_to_end (f);
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_PASS);
	assert_ran ("a b c");
}

/* ---- timeouts ---- */

static void
test_step_timeout (void)
{
	g_autoptr (Fixture) f = fixture_new ("step a fake.ok\n"
					     "step w fake.wait for=\"the MIGRATION event\" timeout=0.2\n"
					     "step c fake.ok\n");
	gint64 t0;
	double took;

	start (f);
	t0 = g_get_monotonic_time ();
	run_to_end (f);
	took = (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC;
	assert_ran ("a w");
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_FAIL);
	g_assert_cmpint (mwb_runner_failed_step (f->runner), ==, 1);
	g_assert_cmpint (mwb_runner_step_state (f->runner, 1), ==, MWB_STEP_FAILED);
	g_assert_cmpint (mwb_runner_step_state (f->runner, 2), ==, MWB_STEP_PENDING);
	g_assert_true (g_str_has_prefix (mwb_runner_reason (f->runner), "timed out after "));
	g_assert_true (g_str_has_suffix (mwb_runner_reason (f->runner),
					 " s waiting for the MIGRATION event"));
	/* The step's timeout, not the action's default of 5 s. */
	g_assert_cmpfloat (took, >=, 0.15);
	g_assert_cmpfloat (took, <, 4);
	/* The backend is told to forget the step. */
	g_assert_cmpuint (fake.cancelled, ==, 1);
}

static void
test_step_timeout_expected (void)
{
	g_autoptr (Fixture) f = fixture_new ("step w fake.wait timeout=0.1 expect=fail\nstep b fake.ok\n");

	/* A timeout is a failure like any other for expect=fail. */
	start (f);
	run_to_end (f);
	assert_ran ("w b");
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_PASS);
	g_assert_true (g_str_has_prefix (f->step_reasons[0], "failed as expected: timed out after "));
}

static void
test_step_timeout_scale (void)
{
	g_autoptr (Fixture) f = fixture_new ("step w fake.wait ms=300 timeout=0.2\n");

	/* A slow host's scale stretches the step's own timeout: 0.2 s * 3 outlasts 0.3 s. */
	f->cfg->step_timeout_scale = 3;
	start (f);
	run_to_end (f);
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_PASS);
	g_assert_cmpuint (fake.cancelled, ==, 0);
}

/* Was a bug: sub-second timeouts print as "0 s", which says nothing. */
static void
test_step_timeout_message (void)
{
	g_autoptr (Fixture) f = fixture_new ("step w fake.wait for=x timeout=0.2\n");

	start (f);
	run_to_end (f);
	if (!g_str_has_prefix (mwb_runner_reason (f->runner), "timed out after 0.2 s"))
		g_test_fail_printf ("%s", mwb_runner_reason (f->runner));
}

/* Was a bug: the scenario's wall-clock limit ends in FAIL for mwb_runner_verdict,
 * but every sink, the journal among them, was told ABORTED. */
static void
test_wall_timeout (void)
{
	g_autoptr (Fixture) f = fixture_new ("step a fake.ok\nstep w fake.wait\nstep c fake.ok\n");

	f->cfg->timeout_s = 0.2;
	start (f);
	run_to_end (f);
	assert_ran ("a w");
	/* What holds today. */
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_FAIL);
	g_assert_cmpint (mwb_runner_failed_step (f->runner), ==, 1);
	g_assert_true (g_str_has_prefix (mwb_runner_reason (f->runner), "scenario timed out after "));
	g_assert_cmpuint (fake.cancelled, ==, 1);
	if (f->verdict != mwb_runner_verdict (f->runner))
		g_test_fail_printf ("%s", "the sinks were told a different verdict than mwb_runner_verdict says");
}

/* ---- variables ---- */

static void
test_vars (void)
{
	g_autoptr (Fixture) f = fixture_new ("set sock = ${run}/migsocket\n"
					     "set where = unix:${sock}\n"
					     "step set fake.setvar name=port value=4444\n"
					     "step use fake.ok msg=\"${where} on ${port} of ${path}, $$5\"\n"
					     "step over fake.setvar name=port value=\"${port}0\"\n"
					     "step again fake.ok msg=${port}\n");
	g_autofree char *want = NULL;

	start (f);
	run_to_end (f);
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_PASS);
	want = g_strdup_printf ("unix:%s/migsocket on 4444 of /fake/unit/test, $5",
				mwb_runner_run_dir (f->runner));
	g_assert_cmpstr (f->step_reasons[1], ==, want);
	/* A step may redefine a variable from its old value. */
	g_assert_cmpstr (f->step_reasons[3], ==, "44440");
	g_assert_cmpstr (mwb_runner_get_var (f->runner, "port"), ==, "44440");
	g_assert_null (mwb_runner_get_var (f->runner, "nope"));
}

static void
test_var_unknown (void)
{
	g_autoptr (Fixture) f = fixture_new ("step a fake.ok\n"
					     "step b fake.ok msg=\"at ${incoming-uri}\"\n"
					     "step c fake.ok\n");

	start (f);
	run_to_end (f);
	/* The action never ran: the step failed before it. */
	assert_ran ("a");
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_FAIL);
	g_assert_cmpint (mwb_runner_failed_step (f->runner), ==, 1);
	g_assert_cmpstr (mwb_runner_reason (f->runner), ==,
			 "argument msg: unknown variable ${incoming-uri}");
}

static void
test_var_bad_reference (void)
{
	g_autoptr (Fixture) f = fixture_new ("step a fake.ok msg=\"costs $5\"\n");

	start (f);
	run_to_end (f);
	assert_ran ("");
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_FAIL);
	g_assert_cmpstr (mwb_runner_reason (f->runner), ==,
			 "argument msg: bad variable reference in 'costs $5' (use ${name}, or $$ for $)");
}

/* ---- abort and the user's skip ---- */

static void
test_abort_running (void)
{
	g_autoptr (Fixture) f = fixture_new ("step a fake.ok\nstep w fake.wait\nstep c fake.ok\n");

	start (f);
	STOP_AFTER (f, mwb_runner_step (f->runner));
	step_begun (f);
	g_assert_cmpint (mwb_runner_state (f->runner), ==, MWB_RUNNER_RUNNING);
	mwb_runner_abort (f->runner, "the user pressed q");
	g_assert_cmpint (mwb_runner_state (f->runner), ==, MWB_RUNNER_DONE);
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_ABORTED);
	g_assert_cmpint (mwb_runner_failed_step (f->runner), ==, 1);
	g_assert_cmpstr (mwb_runner_reason (f->runner), ==, "the user pressed q");
	g_assert_cmpint (mwb_runner_step_state (f->runner, 1), ==, MWB_STEP_FAILED);
	g_assert_cmpint (mwb_runner_step_state (f->runner, 2), ==, MWB_STEP_PENDING);
	g_assert_cmpint (f->verdict, ==, MWB_VERDICT_ABORTED);
	g_assert_cmpstr (f->step_reasons[1], ==, "the user pressed q");
	g_assert_cmpuint (fake.cancelled, ==, 1);
	/* Twice is once. */
	mwb_runner_abort (f->runner, "again");
	g_assert_cmpint (f->verdicts, ==, 1);
	assert_ran ("a w");
}

static void
test_abort_async_running (void)
{
	g_autoptr (Fixture) f = fixture_new ("step w fake.wait ms=50\nstep c fake.ok\n");

	/* Aborted in continue mode, with the step's own finish still to come. */
	start (f);
	mwb_runner_continue (f->runner);
	while (mwb_runner_step_state (f->runner, 0) != MWB_STEP_RUNNING)
		g_main_context_iteration (NULL, TRUE);
	mwb_runner_abort (f->runner, "stop");
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_ABORTED);
	/* Nothing comes later: no second verdict, no next step. */
	g_usleep (80 * 1000);
	while (g_main_context_iteration (NULL, FALSE))
		;
	g_assert_cmpint (f->verdicts, ==, 1);
	assert_ran ("w");
}

static void
test_pause_running (void)
{
	g_autoptr (Fixture) f = fixture_new ("step w fake.wait ms=50\nstep b fake.ok\nstep c fake.ok\n");

	/* Paused while idle: nothing happens. */
	start (f);
	mwb_runner_pause (f->runner, "early");
	g_assert_cmpint (mwb_runner_state (f->runner), ==, MWB_RUNNER_PAUSED);
	/* ^C during a continue: the step in flight finishes, nothing after it runs. */
	mwb_runner_continue (f->runner);
	while (mwb_runner_step_state (f->runner, 0) != MWB_STEP_RUNNING)
		g_main_context_iteration (NULL, TRUE);
	mwb_runner_pause (f->runner, "interrupted");
	while (mwb_runner_state (f->runner) != MWB_RUNNER_PAUSED)
		g_main_context_iteration (NULL, TRUE);
	while (g_main_context_iteration (NULL, FALSE))
		;
	assert_ran ("w");
	g_assert_cmpint (mwb_runner_step_state (f->runner, 0), ==, MWB_STEP_OK);
	g_assert_cmpuint (mwb_runner_next_step (f->runner), ==, 1);
	g_assert_cmpstr (f->last_why, ==, "interrupted");
	/* And it goes on from there. */
	STOP_AFTER (f, mwb_runner_continue (f->runner));
	assert_ran ("w b c");
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_PASS);
}

static void
test_abort_paused (void)
{
	g_autoptr (Fixture) f = fixture_new (THREE_OK);

	/* Not started: nothing to abort. */
	mwb_runner_abort (f->runner, "early");
	g_assert_cmpint (mwb_runner_state (f->runner), ==, MWB_RUNNER_IDLE);
	start (f);
	STOP_AFTER (f, mwb_runner_step (f->runner));
	mwb_runner_abort (f->runner, "enough");
	g_assert_cmpint (mwb_runner_state (f->runner), ==, MWB_RUNNER_DONE);
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_ABORTED);
	g_assert_cmpint (mwb_runner_failed_step (f->runner), ==, -1);
	g_assert_cmpstr (mwb_runner_reason (f->runner), ==, "enough");
	g_assert_cmpint (mwb_runner_step_state (f->runner, 0), ==, MWB_STEP_OK);
	g_assert_cmpint (mwb_runner_step_state (f->runner, 1), ==, MWB_STEP_PENDING);
	g_assert_cmpuint (fake.cancelled, ==, 0);
}

static void
test_user_skip (void)
{
	g_autoptr (Fixture) f = fixture_new ("step a fake.fail\nstep b fake.ok\nstep c fake.fail\n");

	start (f);
	mwb_runner_skip (f->runner, "known broken");
	g_assert_cmpint (mwb_runner_state (f->runner), ==, MWB_RUNNER_PAUSED);
	g_assert_cmpstr (f->last_why, ==, "skipped a step");
	g_assert_cmpint (mwb_runner_step_state (f->runner, 0), ==, MWB_STEP_SKIPPED);
	g_assert_cmpstr (f->step_reasons[0], ==, "known broken");
	g_assert_cmpuint (mwb_runner_next_step (f->runner), ==, 1);
	STOP_AFTER (f, mwb_runner_step (f->runner));
	g_assert_cmpint (mwb_runner_step_state (f->runner, 1), ==, MWB_STEP_OK);
	/* Skipping the last step ends the run; a scenario not run as written is
	 * no failure, and no PASS either. */
	mwb_runner_skip (f->runner, "also broken");
	g_assert_cmpint (mwb_runner_state (f->runner), ==, MWB_RUNNER_DONE);
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_SKIP);
	g_assert_cmpstr (mwb_runner_reason (f->runner), ==, "steps were skipped at the user's request");
	assert_ran ("b");
}

/* ---- start failure, teardown, keep, journal, restart ---- */

static void
test_create_fails (void)
{
	g_autoptr (Fixture) f = fixture_new ("set fail-create = yes\nstep a fake.ok\n");
	g_autoptr (GError) err = NULL;

	f->start_failed = TRUE;
	g_assert_false (mwb_runner_start (f->runner, &err));
	g_assert_error (err, MWB_ERROR, MWB_ERROR_BACKEND);
	g_assert_cmpstr (err->message, ==, "fake backend refused");
	g_assert_cmpint (mwb_runner_state (f->runner), ==, MWB_RUNNER_DONE);
	g_assert_null (mwb_runner_backend (f->runner));
	/* Nothing runs; teardown still cleans up (by keep=failed: no verdict, kept). */
	mwb_runner_continue (f->runner);
	teardown_sync (f);
	g_assert_cmpint (f->run_finished, ==, 1);
	g_assert_cmpuint (fake.torn_down, ==, 0);
	assert_ran ("");
}

static void
test_start_bad_workdir (void)
{
	g_autoptr (Fixture) f = fixture_new (THREE_OK);
	g_autoptr (GError) err = NULL;

	g_free (f->cfg->workdir);
	f->cfg->workdir = g_build_filename (f->workdir, "does", "not", "exist", NULL);
	g_assert_false (mwb_runner_start (f->runner, &err));
	g_assert_error (err, MWB_ERROR, MWB_ERROR_IO);
	g_assert_true (g_str_has_prefix (err->message, "cannot create run directory "));
	g_assert_cmpint (mwb_runner_state (f->runner), ==, MWB_RUNNER_IDLE);
	g_assert_cmpuint (f->events->len, ==, 0);
}

typedef struct {
	const char *steps;
	MwbKeep keep;
	gboolean kept;
} KeepCase;

static const KeepCase keep_cases[] = {
	{ THREE_OK, MWB_KEEP_NEVER, FALSE },
	{ "step a fake.fail\n", MWB_KEEP_NEVER, FALSE },
	{ THREE_OK, MWB_KEEP_ALWAYS, TRUE },
	{ "step a fake.fail\n", MWB_KEEP_ALWAYS, TRUE },
	{ THREE_OK, MWB_KEEP_FAILED, FALSE },
	{ "step a fake.fail\n", MWB_KEEP_FAILED, TRUE },
	{ "step a fake.skip\n", MWB_KEEP_FAILED, FALSE },
};

static void
test_keep (gconstpointer data)
{
	const KeepCase *c = data;
	g_autoptr (Fixture) f = fixture_new_keep (c->steps, c->keep);
	g_autofree char *dir = NULL;
	g_autofree char *file = NULL;

	start (f);
	dir = g_strdup (mwb_runner_run_dir (f->runner));
	/* Something a backend would leave behind, so removal has to recurse. */
	file = g_build_filename (dir, "sub", NULL);
	g_assert_cmpint (g_mkdir (file, 0700), ==, 0);
	g_free (file);
	file = g_build_filename (dir, "sub", "qemu.log", NULL);
	g_assert_true (g_file_set_contents (file, "log\n", -1, NULL));
	run_to_end (f);
	teardown_sync (f);
	g_assert_cmpint (f->run_finished, ==, 1);
	g_assert_cmpint (f->kept, ==, c->kept);
	g_assert_cmpstr (f->run_finished_dir, ==, dir);
	g_assert_cmpint (g_file_test (dir, G_FILE_TEST_IS_DIR), ==, c->kept);
	g_assert_cmpuint (fake.torn_down, ==, 1);
	g_assert_cmpuint (fake.destroyed, ==, 1);
}

static void
test_keep_aborted (void)
{
	g_autoptr (Fixture) f = fixture_new ("step w fake.wait\n");

	/* Teardown of a running step aborts it; an abort is kept under keep=failed. */
	start (f);
	step_begun (f);
	teardown_sync (f);
	g_assert_cmpint (f->verdict, ==, MWB_VERDICT_ABORTED);
	g_assert_cmpstr (f->verdict_reason, ==, "torn down");
	g_assert_true (f->kept);
	g_assert_cmpuint (fake.cancelled, ==, 1);
}

static void
test_teardown_idle (void)
{
	g_autoptr (Fixture) f = fixture_new (THREE_OK);

	/* Nothing to tear down: done is called at once. */
	f->teardown_done = FALSE;
	mwb_runner_teardown (f->runner, G_CALLBACK (on_teardown_done), f);
	g_assert_true (f->teardown_done);
	mwb_runner_teardown (f->runner, NULL, NULL);
	g_assert_cmpint (f->run_finished, ==, 0);
}

static void
on_second_done (gpointer data)
{
	gboolean *called = data;

	*called = TRUE;
}

/* Was a bug: runner.h promises that teardown calls done when all is gone, but
 * a second teardown while the first is under way drops its done for good. */
static void
test_teardown_twice (void)
{
	g_autoptr (Fixture) f = fixture_new (THREE_OK);
	gboolean second = FALSE;

	start (f);
	run_to_end (f);
	f->teardown_done = FALSE;
	mwb_runner_teardown (f->runner, G_CALLBACK (on_teardown_done), f);
	mwb_runner_teardown (f->runner, G_CALLBACK (on_second_done), &second);
	while (!f->teardown_done)
		spin_until_stop (f);
	while (g_main_context_iteration (NULL, FALSE))
		;
	g_assert_cmpint (f->run_finished, ==, 1);
	if (!second)
		g_test_fail_printf ("%s", "the second teardown's done callback was never called");
}

static JsonObject *
parse_line (const char *line, JsonParser *parser)
{
	g_autoptr (GError) err = NULL;
	JsonNode *root;

	json_parser_load_from_data (parser, line, -1, &err);
	if (err)
		g_error ("journal line is not JSON (%s): %s", err->message, line);
	root = json_parser_get_root (parser);
	g_assert_nonnull (root);
	g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
	return json_node_get_object (root);
}

/* verdict NULL: the run has not ended, so there must be no verdict record yet. */
static void
check_journal (const char *file, guint n_steps, const char *verdict, const char *const *kinds)
{
	g_autofree char *text = NULL;
	g_auto (GStrv) lines = NULL;
	g_autoptr (GError) err = NULL;
	g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	guint n;
	double last_t = 0;

	g_file_get_contents (file, &text, NULL, &err);
	g_assert_no_error (err);
	/* One record a line, each line ended. */
	g_assert_true (g_str_has_suffix (text, "}\n"));
	lines = g_strsplit (text, "\n", -1);
	n = g_strv_length (lines) - 1;
	g_assert_cmpstr (lines[n], ==, "");
	for (guint i = 0; i < n; i++) {
		g_autoptr (JsonParser) parser = json_parser_new ();
		JsonObject *o = parse_line (lines[i], parser);
		const char *ev = json_object_get_string_member (o, "ev");
		double t = json_object_get_double_member (o, "t");

		g_assert_nonnull (ev);
		g_hash_table_add (seen, g_strdup (ev));
		g_assert_cmpfloat (t, >=, last_t);
		last_t = t;
		if (i == 0) {
			/* The run record comes first and says what runs. */
			g_assert_cmpstr (ev, ==, "run");
			g_assert_cmpstr (json_object_get_string_member (o, "path"), ==, "/fake/unit/test");
			g_assert_cmpstr (json_object_get_string_member (o, "backend"), ==, "fake");
			g_assert_cmpstr (json_object_get_string_member (o, "file"), ==, "test.scn");
			g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "steps")),
					  ==, n_steps);
		}
		if (g_str_equal (ev, "step")) {
			g_assert_true (json_object_has_member (o, "index"));
			g_assert_true (json_object_has_member (o, "name"));
			g_assert_true (json_object_has_member (o, "state"));
		}
		if (g_str_equal (ev, "verdict"))
			g_assert_cmpstr (json_object_get_string_member (o, "verdict"), ==, verdict);
	}
	for (const char *const *k = kinds; *k; k++)
		if (!g_hash_table_contains (seen, *k))
			g_error ("%s has no \"%s\" record", file, *k);
	g_assert_cmpint (g_hash_table_contains (seen, "verdict"), ==, verdict != NULL);
}

static const char *const started_kinds[] = { "run", "runner", NULL };
static const char *const ended_kinds[] = { "run", "runner", "step", "log", "verdict", NULL };

static void
test_journal (void)
{
	/* Quotes, backslashes, tabs and newlines-to-be in what lands in the journal. */
	g_autoptr (Fixture) f = fixture_new_keep ("step a fake.ok msg=\"say \\\"hi\\\"\\\\\tnow\"\n"
						  "     about Line with \"quotes\" and a \\ backslash\n"
						  "step b fake.fail reason=\"\\\"bad\\\" \\\\ \xc3\xa9t\xc3\xa9\"\n",
						  MWB_KEEP_NEVER);
	g_autofree char *journal = NULL;

	start (f);
	journal = g_build_filename (mwb_runner_run_dir (f->runner), "journal.jsonl", NULL);
	check_journal (journal, 2, NULL, started_kinds);
	run_to_end (f);
	/* Line-buffered: everything is on disk before teardown removes it. */
	check_journal (journal, 2, "FAIL", ended_kinds);
	teardown_sync (f);
	g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
	g_assert_cmpuint (f->logs, >, 0);
}

static void
test_journal_kept (void)
{
	g_autoptr (Fixture) f = fixture_new_keep ("step a fake.event event=STOP\nstep b fake.ok\n",
						  MWB_KEEP_ALWAYS);
	g_autofree char *journal = NULL;

	start (f);
	journal = g_build_filename (mwb_runner_run_dir (f->runner), "journal.jsonl", NULL);
	g_assert_true (mwb_runner_add_event_break (f->runner, "STOP", NULL));
	STOP_AFTER (f, mwb_runner_continue (f->runner));
	run_to_end (f);
	teardown_sync (f);
	/* After teardown the journal is whole: the last line is the teardown log. */
	check_journal (journal, 2, "PASS", ended_kinds);
}

static void
test_restart (void)
{
	g_autoptr (Fixture) f = fixture_new_keep ("step a fake.ok\nstep b fake.fail\n", MWB_KEEP_ALWAYS);
	g_autofree char *first = NULL;

	mwb_runner_toggle_break (f->runner, 1);
	start (f);
	first = g_strdup (mwb_runner_run_dir (f->runner));
	STOP_AFTER (f, mwb_runner_continue (f->runner));
	g_assert_cmpstr (f->last_why, ==, "breakpoint at step 2 (b)");
	run_to_end (f);
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_FAIL);
	assert_ran ("a b");

	/* Teardown, then a fresh start, from the loop. */
	mwb_runner_restart (f->runner);
	while (mwb_runner_state (f->runner) != MWB_RUNNER_PAUSED)
		spin_until_stop (f);
	g_assert_cmpstr (f->last_why, ==, "before step 1");
	g_assert_cmpint (f->run_finished, ==, 1);
	g_assert_cmpstr (f->run_finished_dir, ==, first);
	g_assert_cmpstr (mwb_runner_run_dir (f->runner), !=, first);
	g_assert_cmpstr (f->run_started_dir, ==, mwb_runner_run_dir (f->runner));
	g_assert_true (g_file_test (first, G_FILE_TEST_IS_DIR));
	g_assert_true (g_file_test (mwb_runner_run_dir (f->runner), G_FILE_TEST_IS_DIR));
	g_assert_cmpuint (mwb_runner_next_step (f->runner), ==, 0);
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_NONE);
	g_assert_cmpint (mwb_runner_failed_step (f->runner), ==, -1);
	g_assert_null (mwb_runner_reason (f->runner));
	g_assert_cmpint (mwb_runner_step_state (f->runner, 0), ==, MWB_STEP_PENDING);
	g_assert_cmpint (mwb_runner_step_state (f->runner, 1), ==, MWB_STEP_PENDING);
	g_assert_cmpuint (fake.created, ==, 2);
	g_assert_cmpuint (fake.destroyed, ==, 1);

	/* Breakpoints outlive a restart. */
	g_assert_true (mwb_runner_has_break (f->runner, 1));
	STOP_AFTER (f, mwb_runner_continue (f->runner));
	g_assert_cmpuint (mwb_runner_next_step (f->runner), ==, 1);
	g_assert_cmpstr (f->last_why, ==, "breakpoint at step 2 (b)");
	run_to_end (f);
	assert_ran ("a b a b");
	g_assert_cmpint (f->verdicts, ==, 2);
}

static void
test_restart_running (void)
{
	g_autoptr (Fixture) f = fixture_new ("step w fake.wait\nstep b fake.ok\n");

	start (f);
	step_begun (f);
	g_assert_cmpint (mwb_runner_state (f->runner), ==, MWB_RUNNER_RUNNING);
	/* The step in flight is aborted, the backend torn down, the run begun anew. */
	mwb_runner_restart (f->runner);
	while (mwb_runner_state (f->runner) != MWB_RUNNER_PAUSED)
		spin_until_stop (f);
	g_assert_cmpint (f->verdict, ==, MWB_VERDICT_ABORTED);
	g_assert_cmpint (f->run_finished, ==, 1);
	g_assert_cmpuint (fake.cancelled, ==, 1);
	g_assert_cmpuint (mwb_runner_next_step (f->runner), ==, 0);
	/* From idle, restart is start. */
	teardown_sync (f);
	mwb_runner_restart (f->runner);
	g_assert_cmpint (mwb_runner_state (f->runner), ==, MWB_RUNNER_PAUSED);
	g_assert_cmpuint (fake.created, ==, 3);
}

/* Was a bug: an event breakpoint hit in a step that ends the run (the last
 * step, or a failing one) leaves its pause pending; after a restart, the
 * first continue pauses at once, before step 1, naming that old event. */
static void
test_restart_stale_event_pause (void)
{
	g_autoptr (Fixture) f = fixture_new ("step a fake.ok\nstep ev fake.event event=STOP\n");

	g_assert_true (mwb_runner_add_event_break (f->runner, "STOP", NULL));
	start (f);
	run_to_end (f);
	g_assert_cmpint (mwb_runner_verdict (f->runner), ==, MWB_VERDICT_PASS);
	mwb_runner_restart (f->runner);
	while (mwb_runner_state (f->runner) != MWB_RUNNER_PAUSED)
		spin_until_stop (f);
	STOP_AFTER (f, mwb_runner_continue (f->runner));
	if (mwb_runner_state (f->runner) == MWB_RUNNER_PAUSED
	    && mwb_runner_next_step (f->runner) == 0) {
		g_autofree char *msg = g_strdup_printf ("continue after restart paused before step 1: %s",
							f->last_why);

		g_test_fail_printf ("%s", msg);
		return;
	}
	/* Without the stale pause the event pauses after step 2 of the new run,
	 * which is the last, so the run ends. */
	g_assert_cmpint (mwb_runner_state (f->runner), ==, MWB_RUNNER_DONE);
}

static void
test_sink_order (void)
{
	g_autoptr (Fixture) f = fixture_new ("step a fake.ok\nstep b fake.wait ms=5\nstep c fake.ok\n");
	static const char *const want[] = {
		"run_started",
		"runner paused before step 1",
		"runner running",
		"step 0 running",
		"step 0 ok",
		"runner paused stepped",
		"runner running",
		"step 1 running",
		"step 1 ok",
		"runner running",
		"step 2 running",
		"step 2 ok",
		"verdict PASS -1",
		"runner done PASS",
		"runner idle",
		"run_finished removed",
		NULL,
	};

	g_autofree char *want_all = NULL;
	g_autofree char *got_all = NULL;

	start (f);
	STOP_AFTER (f, mwb_runner_step (f->runner));
	run_to_end (f);
	teardown_sync (f);
	/* One string each, so a failure shows the whole sequence. */
	g_ptr_array_add (f->events, NULL);
	got_all = g_strjoinv ("\n", (char **) f->events->pdata);
	g_ptr_array_remove_index (f->events, f->events->len - 1);
	want_all = g_strjoinv ("\n", (char **) want);
	g_assert_cmpstr (got_all, ==, want_all);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

	g_test_add_func ("/runner/start-pauses", test_start_pauses);
	g_test_add_func ("/runner/start-bad-workdir", test_start_bad_workdir);
	g_test_add_func ("/runner/create-fails", test_create_fails);
	g_test_add_func ("/runner/step/one", test_step_one);
	g_test_add_func ("/runner/step/async", test_step_async);
	g_test_add_func ("/runner/step/through", test_step_through);
	g_test_add_func ("/runner/continue-pass", test_continue_pass);
	g_test_add_func ("/runner/fail/stops", test_fail_stops);
	g_test_add_func ("/runner/fail/async", test_fail_async);
	g_test_add_func ("/runner/expect-fail/failed", test_expect_fail_ok);
	g_test_add_func ("/runner/expect-fail/succeeded", test_expect_fail_succeeded);
	g_test_add_func ("/runner/expect-fail/match-succeeded", test_expect_fail_match_succeeded);
	g_test_add_func ("/runner/expect-fail/mismatch", test_expect_fail_mismatch);
	g_test_add_func ("/runner/expect-fail/skip", test_expect_fail_skip);
	g_test_add_func ("/runner/backend-skip", test_backend_skip);
	g_test_add_func ("/runner/break/step", test_step_breakpoint);
	g_test_add_func ("/runner/break/step-mode", test_step_breakpoint_step_mode);
	g_test_add_func ("/runner/break/run-to", test_run_to);
	g_test_add_func ("/runner/break/run-to-breakpoint", test_run_to_stops_at_breakpoint);
	g_test_add_func ("/runner/event-break/name", test_event_break_name);
	g_test_add_func ("/runner/event-break/fields", test_event_break_fields);
	g_test_add_func ("/runner/event-break/side", test_event_break_side);
	g_test_add_func ("/runner/event-break/step-mode", test_event_break_step_mode);
	g_test_add_func ("/runner/event-break/spec", test_event_break_spec);
	g_test_add_func ("/runner/event-break/outside-step", test_event_outside_step);
	g_test_add_func ("/runner/timeout/step", test_step_timeout);
	g_test_add_func ("/runner/timeout/expected", test_step_timeout_expected);
	g_test_add_func ("/runner/timeout/scale", test_step_timeout_scale);
	g_test_add_func ("/runner/timeout/message", test_step_timeout_message);
	g_test_add_func ("/runner/timeout/wall", test_wall_timeout);
	g_test_add_func ("/runner/vars/set-and-expand", test_vars);
	g_test_add_func ("/runner/vars/unknown", test_var_unknown);
	g_test_add_func ("/runner/vars/bad-reference", test_var_bad_reference);
	g_test_add_func ("/runner/pause/running", test_pause_running);
	g_test_add_func ("/runner/abort/running", test_abort_running);
	g_test_add_func ("/runner/abort/async-running", test_abort_async_running);
	g_test_add_func ("/runner/abort/paused", test_abort_paused);
	g_test_add_func ("/runner/user-skip", test_user_skip);
	for (guint i = 0; i < G_N_ELEMENTS (keep_cases); i++) {
		static const char *const keep_names[] = { "failed", "always", "never" };
		g_autofree char *name = g_strdup_printf ("/runner/keep/%s/%s-%s",
							 keep_names[keep_cases[i].keep],
							 strstr (keep_cases[i].steps, "fail") ? "fail"
							 : strstr (keep_cases[i].steps, "skip") ? "skip" : "pass",
							 keep_cases[i].kept ? "kept" : "removed");

		g_test_add_data_func (name, &keep_cases[i], test_keep);
	}
	g_test_add_func ("/runner/keep/failed/aborted-kept", test_keep_aborted);
	g_test_add_func ("/runner/teardown/idle", test_teardown_idle);
	g_test_add_func ("/runner/teardown/twice", test_teardown_twice);
	g_test_add_func ("/runner/journal/removed", test_journal);
	g_test_add_func ("/runner/journal/kept", test_journal_kept);
	g_test_add_func ("/runner/restart/done", test_restart);
	g_test_add_func ("/runner/restart/running", test_restart_running);
	g_test_add_func ("/runner/restart/stale-event-pause",
			 test_restart_stale_event_pause);
	g_test_add_func ("/runner/sink-order", test_sink_order);

	return g_test_run ();
}
