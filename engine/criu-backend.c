/* The CRIU backend: zdtm.py's model of checkpoint/restore tests, one step at
 * a time. A test program daemonizes, sets up its state and waits for
 * SIGTERM; criu dumps its tree, the tree goes away, criu restores it, and
 * the test checks its own state and writes PASS or FAIL: reason. */
#define _GNU_SOURCE
#include "criu-backend.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "criu-plan.h"
#include "mwb-error.h"

#define TEARDOWN_POLL_MS 20
#define TEARDOWN_LIMIT_US (10 * G_USEC_PER_SEC)

void
criu_zdtm_say (CriuBackend *be, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *text = NULL;

	va_start (ap, fmt);
	text = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	mwb_runner_log (be->runner, "zdtm", MWB_LOG_NONE, FALSE, text);
}

void
criu_clear_wait (CriuBackend *be)
{
	be->sr = NULL;
	be->deadline_us = 0;
	g_clear_handle_id (&be->poll_timer, g_source_remove);
}

void
criu_cmd_free (CriuCmd *c)
{
	if (!c)
		return;
	criu_log_tail_free (c->tail);
	mwb_proc_free (c->proc);
	g_free (c->what);
	g_free (c->dir);
	g_free (c->log_path);
	g_free (c->phase);
	g_free (c);
}

static void
sysctl_free (gpointer p)
{
	CriuSysctl *s = p;

	g_free (s->name);
	g_free (s->old_value);
	g_free (s);
}

static const char *const no_args[] = { NULL };
static const char *const test_req[] = { "test", NULL };
static const char *const probe_opt[] = { "variations", "flavor", NULL };
static const char *const iter_req[] = { "iter", NULL };
static const char *const dump_opt[] = { "leave-running", "track-mem", "prev", NULL };
static const char *const restore_opt[] = { "sibling", "lazy", "leave-stopped", NULL };
static const char *const lazy_opt[] = { "remote", NULL };
static const char *const what_req[] = { "what", NULL };
static const char *const signal_opt[] = { "signal", NULL };
static const char *const check_opt[] = { "expect", NULL };

static const MwbActionDef criu_actions[] = {
	{ "criu.probe", "criu check, the test's .desc (flavor, variations) and the kernel features the variations need; SKIP with the reason",
	  test_req, probe_opt, 60, criu_action_probe },
	{ "criu.start-test", "start the ZDTM-style test (in its flavor's namespaces) and wait until it is ready",
	  test_req, NULL, 30, criu_action_start_test },
	{ "criu.pre-dump", "criu pre-dump --track-mem of the test's tree into images iter",
	  iter_req, dump_opt, 120, criu_action_pre_dump },
	{ "criu.dump", "criu dump of the test's tree into images iter", iter_req, dump_opt, 120,
	  criu_action_dump },
	{ "criu.wait-gone", "wait until the dumped processes are gone", no_args, NULL, 30,
	  criu_action_wait_gone },
	{ "criu.page-server", "start criu page-server for images iter", iter_req, NULL, 30,
	  criu_action_page_server },
	{ "criu.lazy-pages", "start the criu lazy-pages daemon for images iter", iter_req, lazy_opt, 30,
	  criu_action_lazy_pages },
	{ "criu.restore", "criu restore of images iter", iter_req, restore_opt, 120, criu_action_restore },
	{ "criu.wait-daemon", "wait for a criu daemon (what=lazy-pages|dump|page-server) to exit 0",
	  what_req, NULL, 120, criu_action_wait_daemon },
	{ "criu.check-stopped", "every task of the tree is in state T; then SIGCONT", no_args, NULL, 10,
	  criu_action_check_stopped },
	{ "criu.signal-test", "send the test SIGTERM (signal=N for another)", no_args, signal_opt, 10,
	  criu_action_signal_test },
	{ "criu.check-test", "wait for the test to exit and read its verdict: the last line of its .out",
	  no_args, check_opt, 60, criu_action_check_test },
	{ "criu.tamper", "change a byte of a pages image (the tamper-image fault)", iter_req, NULL, 10,
	  criu_action_tamper },
	{ NULL, NULL, NULL, NULL, 0, NULL },
};

static MwbBackend *
criu_create (MwbRunner *runner, GError **error)
{
	CriuBackend *be = g_new0 (CriuBackend, 1);

	(void) error;
	be->runner = runner;
	be->cfg = mwb_runner_config (runner);
	be->sysctls = g_ptr_array_new_with_free_func (sysctl_free);
	/* Orphans of the test tree (the test after it daemonizes, a restored
	 * tree after criu exits) come to mwb, which reaps them at once: PID 1
	 * here reaps slowly, and a restore needs the dumped PIDs free. */
	if (prctl (PR_SET_CHILD_SUBREAPER, 1) < 0)
		g_warning ("PR_SET_CHILD_SUBREAPER: %s", g_strerror (errno));
	return &be->parent;
}

static void
criu_cancel_step (MwbBackend *mb, MwbStepRun *sr)
{
	CriuBackend *be = CB (mb);

	if (be->sr == sr)
		criu_clear_wait (be);
	if (be->cmd && be->cmd->sr == sr)
		be->cmd->sr = NULL;
	if (be->daemon && be->daemon->sr == sr)
		be->daemon->sr = NULL;
}

static gboolean
procs_running (CriuBackend *be)
{
	return (be->cmd && be->cmd->proc && !be->cmd->exited)
		|| (be->daemon && be->daemon->proc && !be->daemon->exited)
		|| (be->launcher && mwb_proc_is_running (be->launcher));
}

static void
teardown_finish (CriuBackend *be)
{
	GCallback done = be->teardown_done;
	g_autofree char *left = criu_sysctls_restore (be);

	if (left)
		mwb_runner_logf (be->runner, "engine", "could not restore sysctls: %s", left);
	g_clear_handle_id (&be->teardown_timer, g_source_remove);
	be->teardown_done = NULL;
	if (done)
		((void (*) (gpointer)) done) (be->teardown_data);
}

static gboolean
on_teardown_tick (gpointer data)
{
	CriuBackend *be = data;
	gboolean late = g_get_monotonic_time () > be->deadline_us;

	if ((!criu_root_gone (be) || procs_running (be)) && !late)
		return G_SOURCE_CONTINUE;
	if (late)
		mwb_runner_logf (be->runner, "engine", "teardown: processes still there after %d s",
				 (int) (TEARDOWN_LIMIT_US / G_USEC_PER_SEC));
	be->teardown_timer = 0;
	teardown_finish (be);
	return G_SOURCE_REMOVE;
}

static void
criu_teardown (MwbBackend *mb, GCallback done, gpointer data)
{
	CriuBackend *be = CB (mb);

	criu_clear_wait (be);
	be->teardown_done = done;
	be->teardown_data = data;
	if (be->cmd && be->cmd->proc && !be->cmd->exited)
		mwb_proc_terminate (be->cmd->proc, 500);
	if (be->daemon && be->daemon->proc && !be->daemon->exited)
		mwb_proc_terminate (be->daemon->proc, 500);
	if (be->launcher && mwb_proc_is_running (be->launcher))
		mwb_proc_terminate (be->launcher, 500);
	/* The test and everything it started: its session's group, and for the
	 * namespace flavors its init, whose death ends the PID namespace. */
	if (be->root_pid > 0 && !criu_root_gone (be)) {
		kill (-be->root_pid, SIGKILL);
		kill (be->root_pid, SIGKILL);
	}
	if (be->test_pid > 0 && be->test_pid != be->root_pid)
		kill (-be->test_pid, SIGKILL);
	for (guint i = 0; be->dumped_tree && i < be->dumped_tree->len; i++) {
		int st;
		gboolean reaped;

		criu_pid_gone (g_array_index (be->dumped_tree, GPid, i), &st, &reaped);
	}
	if (be->dumped_root > 0 && be->dumped_root != be->root_pid) {
		int st;
		gboolean reaped;

		kill (be->dumped_root, SIGKILL);
		if (!criu_pid_gone (be->dumped_root, &st, &reaped))
			waitpid (be->dumped_root, &st, __WALL);
	}
	be->deadline_us = g_get_monotonic_time () + TEARDOWN_LIMIT_US;
	if (on_teardown_tick (be) == G_SOURCE_CONTINUE)
		be->teardown_timer = g_timeout_add (TEARDOWN_POLL_MS, on_teardown_tick, be);
}

static void
criu_destroy (MwbBackend *mb)
{
	CriuBackend *be = CB (mb);

	criu_clear_wait (be);
	g_clear_handle_id (&be->teardown_timer, g_source_remove);
	criu_cmd_free (be->cmd);
	criu_cmd_free (be->daemon);
	mwb_proc_free (be->launcher);
	criu_test_forget (be);
	g_clear_pointer (&be->dumped_tree, g_array_unref);
	g_free (criu_sysctls_restore (be));
	g_ptr_array_unref (be->sysctls);
	g_free (be->criu);
	g_free (be->test);
	g_free (be->test_bin);
	g_free (be->flavor);
	criu_desc_free (be->desc);
	g_free (be->root);
	g_free (be->test_dir);
	g_free (be->out_file);
	g_free (be->pid_file);
	g_free (be->img_base);
	g_free (be);
}

static GPtrArray *
criu_live_roles (MwbBackend *mb)
{
	CriuBackend *be = CB (mb);
	GPtrArray *roles = g_ptr_array_new_with_free_func (g_free);

	if (be->test_pid > 0 && !criu_root_gone (be))
		g_ptr_array_add (roles, g_strdup ("test"));
	if ((be->cmd && !be->cmd->exited) || (be->daemon && !be->daemon->exited))
		g_ptr_array_add (roles, g_strdup ("criu"));
	return roles;
}

/* "criu": the criu in flight, a daemon before a one-shot command (that is
 * what one attaches gdb to: page-server, lazy-pages). */
static GPid
criu_pid_of (MwbBackend *mb, const char *role)
{
	CriuBackend *be = CB (mb);

	if (g_str_equal (role, "test"))
		return be->test_pid > 0 && !criu_root_gone (be) ? be->test_pid : 0;
	if (g_str_equal (role, "criu")) {
		if (be->daemon && be->daemon->proc && !be->daemon->exited)
			return mwb_proc_pid (be->daemon->proc);
		if (be->cmd && be->cmd->proc && !be->cmd->exited)
			return mwb_proc_pid (be->cmd->proc);
	}
	return 0;
}

static gboolean
criu_send_command (MwbBackend *mb, const char *role, const char *text, MwbCommandReplyFunc func,
		   gpointer data, GError **error)
{
	(void) mb; (void) text; (void) func; (void) data;
	g_set_error (error, MWB_ERROR, MWB_ERROR_BACKEND,
		     "%s: a CRIU test takes no commands (:gdb %s attaches a debugger)", role, role);
	return FALSE;
}

/* A fault asked for and never injected must not end in a PASS. */
static gboolean
criu_vet_pass (MwbBackend *mb, char **why)
{
	CriuBackend *be = CB (mb);

	if (mwb_run_config_has_fault (be->cfg, "tamper-image")) {
		*why = g_strdup (be->tampered
				 ? "--fault tamper-image: a tampered pages image was restored and the test still passed"
				 : "--fault tamper-image: no image was tampered with (no restore in this run?)");
		return FALSE;
	}
	return TRUE;
}

static char *
criu_verdict_line (const MwbScenario *scn, MwbVerdict verdict, int failed_step)
{
	const char *word = verdict == MWB_VERDICT_PASS ? "PASS" : verdict == MWB_VERDICT_SKIP ? "SKIP" : "FAIL";
	g_autofree char *where = NULL;
	g_autofree char *line = NULL;
	int pad;

	if (verdict != MWB_VERDICT_PASS && verdict != MWB_VERDICT_SKIP && failed_step >= 0)
		where = g_strdup_printf (" at %s",
					 criu_plan_phase (mwb_scenario_step (scn, failed_step)->action));
	line = g_strdup_printf (" Test %s %s%s ", scn->path, word, where ? where : "");
	pad = (78 - (int) strlen (line)) / 2;
	if (pad < 3)
		pad = 3;
	return g_strdup_printf ("%.*s%s%.*s", pad, "=========================================", line, pad,
				"=========================================");
}

const MwbBackendClass mwb_criu_backend = {
	.name = "criu",
	.actions = criu_actions,
	.create = criu_create,
	.cancel_step = criu_cancel_step,
	.teardown = criu_teardown,
	.destroy = criu_destroy,
	.vet_pass = criu_vet_pass,
	.live_roles = criu_live_roles,
	.pid_of = criu_pid_of,
	.send_command = criu_send_command,
	.plan = criu_plan,
	.verdict_line = criu_verdict_line,
};
