/* The criu commands of a run: pre-dump, dump, restore, and the page-server
 * and lazy-pages daemons. Each writes its log where zdtm.py's users look for
 * it (dump/<test>/<pid>/<iter>/dump.log), which mwb follows as it grows; when
 * a command ends, its Error lines are shown zdtm's way and the first one
 * that is not noise becomes the step's reason. */
#define _GNU_SOURCE
#include "criu-backend.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "criu-test.h"

#define DAEMON_READY "Running status-ready scripts"

char *
criu_iter_dir (CriuBackend *be, guint iter)
{
	g_autofree char *pid = g_strdup_printf ("%d", be->dump_pid);
	g_autofree char *it = g_strdup_printf ("%u", iter);

	return g_build_filename (be->img_base, pid, it, NULL);
}

static char *
run_relative (CriuBackend *be, const char *path)
{
	const char *run = mwb_runner_run_dir (be->runner);
	gsize n = strlen (run);

	if (g_str_has_prefix (path, run) && path[n] == '/')
		return g_strdup (path + n + 1);
	return g_strdup (path);
}

/* zdtm's grep Error block, and the cause when there is one. */
static char *
report_log (CriuBackend *be, CriuCmd *c)
{
	g_autofree char *text = NULL;
	gsize len = 0;
	g_autoptr (GPtrArray) block = NULL;
	gboolean noise_only = TRUE;

	if (!g_file_get_contents (c->log_path, &text, &len, NULL))
		return NULL;
	block = criu_log_grep_errors (text, len);
	if (block->len) {
		criu_zdtm_say (be, "------------------------ grep Error ------------------------");
		for (guint i = 0; i < block->len; i++) {
			criu_zdtm_say (be, "%s", (char *) block->pdata[i]);
			if (criu_log_line_is_error (block->pdata[i]) && !criu_log_line_is_noise (block->pdata[i]))
				noise_only = FALSE;
		}
		criu_zdtm_say (be, "------------------------ ERROR OVER ------------------------");
		if (noise_only)
			criu_zdtm_say (be, "(the RLIMIT_NOFILE Error is CRIU's harmless noise on a host without CAP_SYS_RESOURCE)");
	}
	return criu_log_cause (text, len);
}

static void
finish_cmd_step (CriuBackend *be, CriuCmd *c)
{
	MwbStepRun *sr = c->sr;
	g_autofree char *cause = NULL;
	g_autofree char *how = mwb_describe_wait_status (c->status);
	g_autoptr (GError) err = NULL;
	gboolean ok = g_spawn_check_wait_status (c->status, NULL);

	criu_log_tail_drain (c->tail);
	cause = report_log (be, c);
	c->sr = NULL;
	if (!sr)
		return;
	if (be->sr == sr)
		criu_clear_wait (be);
	if (!ok) {
		mwb_step_run_fail (sr, "criu %s %s%s%s", c->what, how, cause ? ": " : "", cause ? cause : "");
		return;
	}
	if (g_str_equal (c->what, "restore")) {
		g_autofree char *pidfile = g_build_filename (c->dir, "restore.pid", NULL);

		if (!criu_test_adopt (be, pidfile, &err)) {
			mwb_step_run_fail (sr, "%s", err->message);
			return;
		}
		mwb_step_run_ok (sr, "restored: the tree's root is pid %d, the test pid %d", be->root_pid,
				 be->test_pid);
		return;
	}
	if (c->is_daemon)
		mwb_step_run_ok (sr, "criu %s exited 0", c->what);
	else
		mwb_step_run_ok (sr, "criu %s finished into %s", c->what, c->dir);
}

static void
on_cmd_exit (MwbProc *proc, int status, gpointer data)
{
	CriuCmd *c = data;

	(void) proc;
	c->exited = TRUE;
	c->status = status;
	finish_cmd_step (c->be, c);
}

static void
on_cmd_line (MwbProc *proc, gboolean is_stderr, const char *line, gpointer data)
{
	CriuCmd *c = data;

	(void) proc;
	mwb_runner_log (c->be->runner, is_stderr ? "criu-stderr" : "criu-stdout", MWB_LOG_IN, FALSE, line);
}

/* Starts `criu what ARGS -D dir -o log -v4` with the run's wrap and fault. */
static CriuCmd *
start_criu (CriuBackend *be, MwbStepRun *sr, const char *what, GPtrArray *args, const char *dir,
	    const char *log_name, gboolean is_daemon, GError **error)
{
	g_autoptr (GPtrArray) argv = g_ptr_array_new ();
	g_autofree char *fault = be->cfg->criu.fault
		? g_strdup_printf ("CRIU_FAULT=%d", be->cfg->criu.fault) : NULL;
	const char *env[] = { fault, NULL };
	g_autofree char *rel = NULL;
	MwbProcSpec spec = { 0 };
	CriuCmd *c = g_new0 (CriuCmd, 1);

	if (g_mkdir_with_parents (dir, 0755) < 0) {
		g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "mkdir %s: %s", dir,
			     g_strerror (errno));
		g_free (c);
		return NULL;
	}
	c->be = be;
	c->what = g_strdup (what);
	c->dir = g_strdup (dir);
	c->log_path = g_build_filename (dir, log_name, NULL);
	c->is_daemon = is_daemon;
	c->sr = sr;
	unlink (c->log_path);
	g_ptr_array_add (argv, be->criu);
	g_ptr_array_add (argv, (gpointer) what);
	for (guint i = 0; i < args->len; i++)
		g_ptr_array_add (argv, args->pdata[i]);
	g_ptr_array_add (argv, "-D");
	g_ptr_array_add (argv, (gpointer) dir);
	g_ptr_array_add (argv, "-o");
	g_ptr_array_add (argv, (gpointer) log_name);
	g_ptr_array_add (argv, "-v4");
	g_ptr_array_add (argv, NULL);
	spec.name = "criu";
	spec.argv = (const char *const *) argv->pdata;
	spec.wrap = g_hash_table_lookup (be->cfg->wraps, "criu");
	spec.env_add = fault ? env : NULL;
	spec.cwd = dir;
	spec.on_line = on_cmd_line;
	spec.on_exit = on_cmd_exit;
	spec.data = c;
	c->tail = criu_log_tail_new (be->runner, c->log_path, log_name);
	c->proc = mwb_proc_spawn (&spec, error);
	if (!c->proc) {
		criu_cmd_free (c);
		return NULL;
	}
	rel = run_relative (be, c->log_path);
	criu_zdtm_say (be, "Run criu %s", what);
	criu_zdtm_say (be, "=[log]=> %s", rel);
	mwb_runner_logf (be->runner, "engine", "%s", mwb_proc_command_line (c->proc));
	return c;
}

static gboolean
iter_arg (MwbStepRun *sr, guint *iter)
{
	const char *s = mwb_step_run_arg (sr, "iter");
	char *end = NULL;
	guint64 v = s ? g_ascii_strtoull (s, &end, 10) : 0;

	if (!s || end == s || *end || v < 1 || v > 1000) {
		mwb_step_run_error (sr, "iter=%s: not an image iteration (1..1000)", s ? s : "");
		return FALSE;
	}
	*iter = (guint) v;
	return TRUE;
}

static gboolean
yes (MwbStepRun *sr, const char *key)
{
	const char *v = mwb_step_run_arg (sr, key);

	return v && (g_str_equal (v, "yes") || g_str_equal (v, "1") || g_str_equal (v, "on"));
}

static void
add_page_server_addr (CriuBackend *be, GPtrArray *args, char *port_buf, gsize n)
{
	g_snprintf (port_buf, n, "%u", be->port);
	g_ptr_array_add (args, "--address");
	g_ptr_array_add (args, "127.0.0.1");
	g_ptr_array_add (args, "--port");
	g_ptr_array_add (args, port_buf);
}

static void
replace_cmd (CriuCmd **slot, CriuCmd *c)
{
	criu_cmd_free (*slot);
	*slot = c;
}

static void
do_dump (CriuBackend *be, MwbStepRun *sr, gboolean pre)
{
	g_autoptr (GPtrArray) args = g_ptr_array_new_with_free_func (NULL);
	g_autoptr (GError) err = NULL;
	g_autofree char *dir = NULL;
	g_autofree char *tree = NULL;
	g_autofree char *prev = NULL;
	char port[16];
	gboolean remote_lazy = !pre && be->cfg->criu.remote_lazy_pages;
	guint iter;
	CriuCmd *c;

	if (!iter_arg (sr, &iter))
		return;
	if (be->root_pid <= 0 || criu_root_gone (be)) {
		mwb_step_run_fail (sr, "the test's tree is not running");
		return;
	}
	if (!be->dump_pid)
		be->dump_pid = be->root_pid;
	dir = criu_iter_dir (be, iter);
	tree = g_strdup_printf ("%d", be->root_pid);
	g_ptr_array_add (args, "-t");
	g_ptr_array_add (args, tree);
	if (pre || yes (sr, "track-mem"))
		g_ptr_array_add (args, "--track-mem");
	if (!pre && yes (sr, "leave-running"))
		g_ptr_array_add (args, "--leave-running");
	if (!pre && be->cfg->criu.stop && be->cfg->criu.norst)
		g_ptr_array_add (args, "--leave-stopped");
	if (mwb_step_run_arg (sr, "prev")) {
		prev = g_strdup_printf ("../%s", mwb_step_run_arg (sr, "prev"));
		g_ptr_array_add (args, "--prev-images-dir");
		g_ptr_array_add (args, prev);
	}
	if (be->cfg->criu.dedup)
		g_ptr_array_add (args, "--auto-dedup");
	if (be->cfg->criu.page_server) {
		g_ptr_array_add (args, "--page-server");
		add_page_server_addr (be, args, port, sizeof port);
	} else if (remote_lazy) {
		g_ptr_array_add (args, "--lazy-pages");
		add_page_server_addr (be, args, port, sizeof port);
	}
	if (be->root)
		g_ptr_array_add (args, "--root"), g_ptr_array_add (args, be->root);
	c = start_criu (be, sr, pre ? "pre-dump" : "dump", args, dir, "dump.log", remote_lazy, &err);
	if (!c) {
		mwb_step_run_error (sr, "cannot run criu: %s", err->message);
		return;
	}
	if (remote_lazy) {
		/* It dumps, then serves pages until the restore has them all: a
		 * daemon; the step is over once the tree is dumped. */
		replace_cmd (&be->daemon, c);
		c->ready_text = DAEMON_READY;
		criu_note_dumped_tree (be);
		criu_daemon_wait_ready (be, c, sr);
		return;
	}
	replace_cmd (&be->cmd, c);
	mwb_step_run_waiting_for (sr, "criu %s of pid %d", c->what, be->root_pid);
	if (!pre && !yes (sr, "leave-running"))
		criu_note_dumped_tree (be);
}

void
criu_action_dump (MwbBackend *mb, MwbStepRun *sr)
{
	do_dump (CB (mb), sr, FALSE);
}

void
criu_action_pre_dump (MwbBackend *mb, MwbStepRun *sr)
{
	do_dump (CB (mb), sr, TRUE);
}

void
criu_action_restore (MwbBackend *mb, MwbStepRun *sr)
{
	CriuBackend *be = CB (mb);
	g_autoptr (GPtrArray) args = g_ptr_array_new ();
	g_autoptr (GError) err = NULL;
	g_autofree char *dir = NULL;
	g_autofree char *pidfile = NULL;
	guint iter;
	CriuCmd *c;

	if (!iter_arg (sr, &iter))
		return;
	if (!be->dump_pid) {
		mwb_step_run_error (sr, "nothing was dumped in this run");
		return;
	}
	/* A remote lazy dump keeps the dumped tree until the restore has its
	 * pages: only a new PID namespace (-f ns, uns) can restore beside it. */
	if (!be->cfg->criu.remote_lazy_pages && !criu_root_gone (be)) {
		mwb_step_run_fail (sr, "pid %d still exists: a restore would fail on its PID", be->root_pid);
		return;
	}
	dir = criu_iter_dir (be, iter);
	pidfile = g_build_filename (dir, "restore.pid", NULL);
	unlink (pidfile);
	g_ptr_array_add (args, "-d");
	g_ptr_array_add (args, "--pidfile");
	g_ptr_array_add (args, pidfile);
	if (yes (sr, "sibling"))
		g_ptr_array_add (args, "--restore-sibling");
	if (yes (sr, "lazy"))
		g_ptr_array_add (args, "--lazy-pages");
	if (yes (sr, "leave-stopped"))
		g_ptr_array_add (args, "--leave-stopped");
	if (be->root)
		g_ptr_array_add (args, "--root"), g_ptr_array_add (args, be->root);
	c = start_criu (be, sr, "restore", args, dir, "restore.log", FALSE, &err);
	if (!c) {
		mwb_step_run_error (sr, "cannot run criu: %s", err->message);
		return;
	}
	replace_cmd (&be->cmd, c);
	mwb_step_run_waiting_for (sr, "criu restore from %s", dir);
}

/* ---- daemons ---- */

static void
on_daemon_ready (gpointer data)
{
	CriuCmd *c = data;
	MwbStepRun *sr = c->sr;

	if (!sr || c->exited)
		return;
	c->sr = NULL;
	mwb_step_run_ok (sr, "criu %s is ready (pid %d)", c->what, mwb_proc_pid (c->proc));
}

/* The step ends when the daemon's log says it is ready, or when it exits. */
void
criu_daemon_wait_ready (CriuBackend *be, CriuCmd *c, MwbStepRun *sr)
{
	(void) be;
	mwb_step_run_waiting_for (sr, "criu %s to say \"%s\"", c->what, c->ready_text);
	criu_log_tail_watch (c->tail, c->ready_text, on_daemon_ready, c);
}

void
criu_action_page_server (MwbBackend *mb, MwbStepRun *sr)
{
	CriuBackend *be = CB (mb);
	g_autoptr (GPtrArray) args = g_ptr_array_new ();
	g_autoptr (GError) err = NULL;
	g_autofree char *dir = NULL;
	char port[16];
	guint iter;
	CriuCmd *c;

	if (!iter_arg (sr, &iter))
		return;
	if (!be->dump_pid)
		be->dump_pid = be->root_pid;
	dir = criu_iter_dir (be, iter);
	add_page_server_addr (be, args, port, sizeof port);
	c = start_criu (be, sr, "page-server", args, dir, "page-server.log", TRUE, &err);
	if (!c) {
		mwb_step_run_error (sr, "cannot run criu: %s", err->message);
		return;
	}
	c->ready_text = DAEMON_READY;
	replace_cmd (&be->daemon, c);
	criu_daemon_wait_ready (be, c, sr);
}

void
criu_action_lazy_pages (MwbBackend *mb, MwbStepRun *sr)
{
	CriuBackend *be = CB (mb);
	g_autoptr (GPtrArray) args = g_ptr_array_new ();
	g_autoptr (GError) err = NULL;
	g_autofree char *dir = NULL;
	char port[16];
	guint iter;
	CriuCmd *c;

	if (!iter_arg (sr, &iter))
		return;
	dir = criu_iter_dir (be, iter);
	if (yes (sr, "remote")) {
		g_ptr_array_add (args, "--page-server");
		add_page_server_addr (be, args, port, sizeof port);
	}
	c = start_criu (be, sr, "lazy-pages", args, dir, "lazy-pages.log", TRUE, &err);
	if (!c) {
		mwb_step_run_error (sr, "cannot run criu: %s", err->message);
		return;
	}
	c->ready_text = DAEMON_READY;
	/* a remote lazy dump is still serving: keep it as the command */
	if (be->daemon && !be->daemon->exited && g_str_equal (be->daemon->what, "dump"))
		replace_cmd (&be->cmd, g_steal_pointer (&be->daemon));
	replace_cmd (&be->daemon, c);
	criu_daemon_wait_ready (be, c, sr);
}

void
criu_action_wait_daemon (MwbBackend *mb, MwbStepRun *sr)
{
	CriuBackend *be = CB (mb);
	const char *what = mwb_step_run_arg (sr, "what");
	CriuCmd *c = NULL;

	if (be->daemon && g_str_equal (be->daemon->what, what))
		c = be->daemon;
	else if (be->cmd && g_str_equal (be->cmd->what, what))
		c = be->cmd;
	if (!c) {
		mwb_step_run_error (sr, "no criu %s was started in this run", what);
		return;
	}
	if (c->exited) {
		g_autofree char *how = mwb_describe_wait_status (c->status);

		if (g_spawn_check_wait_status (c->status, NULL))
			mwb_step_run_ok (sr, "criu %s exited 0", what);
		else
			mwb_step_run_fail (sr, "criu %s %s", what, how);
		return;
	}
	/* finish_cmd_step ends the step when it exits */
	c->sr = sr;
	mwb_step_run_waiting_for (sr, "criu %s (pid %d) to exit", what, mwb_proc_pid (c->proc));
}
