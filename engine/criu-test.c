/* The ZDTM-style test process: started in its flavor (h: on the host; ns,
 * uns: under an init of its own in new namespaces, like zdtm's zdtm_ct),
 * found again after a restore, signalled, and judged by the last line of its
 * .out file, as zdtm.py judges it. */
#define _GNU_SOURCE
#include "criu-backend.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>

#include "catalog.h"
#include "guard.h"
#include "criu-desc.h"
#include "criu-test.h"

#define POLL_MS 10

/* ---- where things are ---- */

char *
criu_zdtm_dir (void)
{
	const char *env = g_getenv ("MWB_ZDTM");
	g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
	g_autofree char *exedir = exe ? g_path_get_dirname (exe) : NULL;
	const char *cands[] = { "build/zdtm", "../zdtm", "zdtm", NULL };

	if (env && *env)
		return g_strdup (env);
	for (guint i = 0; exedir && cands[i]; i++) {
		g_autofree char *d = g_build_filename (exedir, cands[i], NULL);
		g_autofree char *canon = g_canonicalize_filename (d, NULL);

		if (g_file_test (canon, G_FILE_TEST_IS_DIR))
			return g_steal_pointer (&canon);
	}
	return mwb_data_dir ("MWB_ZDTM", "zdtm");
}

/* The directory the test sees as its own ("zdtm/static" under the run
 * directory, or under the namespace's root). */
static char *
test_rel_dir (void)
{
	return g_strdup ("zdtm/static");
}

/* ---- the tree's processes ---- */

/* Reaps root_pid if it is mwb's child and has exited. */
static void
reap_root (CriuBackend *be)
{
	int status;
	pid_t r;

	if (be->root_pid <= 0 || be->root_reaped)
		return;
	r = waitpid (be->root_pid, &status, WNOHANG | __WALL);
	if (r == be->root_pid) {
		be->root_reaped = TRUE;
		be->root_status = status;
	}
}

static gboolean
pid_alive (GPid pid)
{
	g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
	g_autofree char *stat = NULL;
	const char *close;

	if (!g_file_get_contents (path, &stat, NULL, NULL))
		return FALSE;
	close = strrchr (stat, ')');
	/* A zombie still holds its PID, which a restore needs. */
	return close && close[1] == ' ' && close[2] != 'X';
}

gboolean
criu_pid_gone (GPid pid, int *status, gboolean *reaped)
{
	int st;

	*reaped = FALSE;
	if (pid <= 0)
		return TRUE;
	if (waitpid (pid, &st, WNOHANG | __WALL) == pid) {
		*status = st;
		*reaped = TRUE;
		return TRUE;
	}
	return !pid_alive (pid);
}

gboolean
criu_root_gone (CriuBackend *be)
{
	if (be->root_pid <= 0)
		return TRUE;
	reap_root (be);
	return be->root_reaped || !pid_alive (be->root_pid);
}

void
criu_test_forget (CriuBackend *be)
{
	be->root_pid = 0;
	be->test_pid = 0;
	be->root_reaped = FALSE;
}

/* Adopt a new root: after a restore the tree has a new (or the same) PID. */
static void
set_root (CriuBackend *be, GPid root)
{
	char buf[32];

	be->root_pid = root;
	be->root_reaped = FALSE;
	g_snprintf (buf, sizeof buf, "%d", root);
	mwb_runner_set_var (be->runner, "root-pid", buf);
}

static void
set_test_pid (CriuBackend *be, GPid pid)
{
	char buf[32];

	be->test_pid = pid;
	g_snprintf (buf, sizeof buf, "%d", pid);
	mwb_runner_set_var (be->runner, "test-pid", buf);
}

/* The children of pid, from /proc (every thread's list). */
static void
add_children (GArray *pids, GPid pid)
{
	g_autofree char *taskdir = g_strdup_printf ("/proc/%d/task", pid);
	g_autoptr (GDir) d = g_dir_open (taskdir, 0, NULL);
	const char *tid;

	while (d && (tid = g_dir_read_name (d))) {
		g_autofree char *path = g_strdup_printf ("%s/%s/children", taskdir, tid);
		g_autofree char *text = NULL;
		g_auto (GStrv) words = NULL;

		if (!g_file_get_contents (path, &text, NULL, NULL))
			continue;
		words = g_strsplit_set (g_strstrip (text), " ", -1);
		for (guint i = 0; words[i]; i++)
			if (*words[i]) {
				GPid c = atoi (words[i]);

				g_array_append_val (pids, c);
			}
	}
}

/* root and its descendants, breadth first (root first). */
static GArray *
tree_of (GPid root)
{
	GArray *pids = g_array_new (FALSE, FALSE, sizeof (GPid));

	g_array_append_val (pids, root);
	for (guint i = 0; i < pids->len && i < 4096; i++)
		add_children (pids, g_array_index (pids, GPid, i));
	return pids;
}

GArray *
criu_tree_pids (CriuBackend *be)
{
	if (be->root_pid <= 0 || criu_root_gone (be))
		return g_array_new (FALSE, FALSE, sizeof (GPid));
	return tree_of (be->root_pid);
}

/* The host PID of the process whose PID is ns_pid in root's PID namespace. */
static GPid
host_pid_in_ns (GPid root, GPid ns_pid)
{
	g_autoptr (GArray) pids = tree_of (root);

	/* the tree under the namespace's init is the namespace */
	for (guint i = 0; i < pids->len; i++) {
		GPid p = g_array_index (pids, GPid, i);
		g_autofree char *status_path = g_strdup_printf ("/proc/%d/status", p);
		g_autofree char *status = NULL;
		const char *nspid;
		g_auto (GStrv) w = NULL;
		guint n;

		if (!g_file_get_contents (status_path, &status, NULL, NULL))
			continue;
		nspid = strstr (status, "\nNSpid:");
		if (!nspid)
			continue;
		{
			g_autofree char *line = g_strndup (nspid + 7, strcspn (nspid + 7, "\n"));

			w = g_strsplit_set (g_strstrip (line), " \t", -1);
		}
		n = g_strv_length (w);
		if (n >= 2 && atoi (w[n - 1]) == ns_pid)
			return p;
	}
	return 0;
}

/* ---- start ---- */

static gboolean
read_pid_file (const char *path, GPid *pid)
{
	g_autofree char *text = NULL;
	char *end = NULL;
	long v;

	if (!g_file_get_contents (path, &text, NULL, NULL))
		return FALSE;
	v = strtol (text, &end, 10);
	if (end == text || v <= 0 || v > G_MAXINT)
		return FALSE;
	*pid = (GPid) v;
	return TRUE;
}

/* The last non-empty line of the test's .out: its verdict, or why it did
 * not start. */
char *
criu_test_last_line (const char *out_file)
{
	g_autofree char *text = NULL;
	g_auto (GStrv) lines = NULL;

	if (!g_file_get_contents (out_file, &text, NULL, NULL))
		return NULL;
	lines = g_strsplit (text, "\n", -1);
	for (int i = (int) g_strv_length (lines) - 1; i >= 0; i--) {
		g_strstrip (lines[i]);
		if (*lines[i])
			return g_strdup (lines[i]);
	}
	return NULL;
}

static void
on_launcher_exit (MwbProc *proc, int status, gpointer data)
{
	CriuBackend *be = data;
	MwbStepRun *sr = be->sr;
	g_autofree char *how = mwb_describe_wait_status (status);
	GPid pid = 0;

	if (!sr)
		return;
	criu_clear_wait (be);
	if (!g_spawn_check_wait_status (status, NULL)) {
		g_autofree char *last = criu_test_last_line (be->out_file);
		const char *err = mwb_proc_last_stderr (proc);

		mwb_step_run_fail (sr, "the test did not start: its launcher %s%s%s%s%s", how,
				   err ? ": " : "", err ? err : "",
				   last ? "; its .out says: " : "", last ? last : "");
		return;
	}
	if (!read_pid_file (be->pid_file, &pid)) {
		mwb_step_run_fail (sr, "the test started but left no pid in %s", be->pid_file);
		return;
	}
	if (g_str_equal (be->flavor, "h")) {
		set_root (be, pid);
		set_test_pid (be, pid);
	} else {
		g_autofree char *host = g_build_filename (mwb_runner_run_dir (be->runner), "init.pid", NULL);
		GPid init = 0, test;

		if (!read_pid_file (host, &init)) {
			mwb_step_run_fail (sr, "the namespace's init left no pid in %s", host);
			return;
		}
		set_root (be, init);
		test = host_pid_in_ns (init, pid);
		if (!test) {
			mwb_step_run_fail (sr, "no process with pid %d in the test's PID namespace (init %d)", pid, init);
			return;
		}
		set_test_pid (be, test);
	}
	/* The test left the launcher's group (setsid): watch its own. */
	mwb_guard_watch (be->root_pid);
	criu_zdtm_say (be, "Start test");
	mwb_step_run_ok (sr, "%s runs as pid %d%s", be->test, be->test_pid,
			 be->root_pid != be->test_pid ? " under its namespace's init" : "");
}

/* ldd's answer: every library path the binary loads. */
static GPtrArray *
needed_libraries (const char *bin, GError **error)
{
	const char *argv[] = { "ldd", bin, NULL };
	g_autofree char *out = NULL;
	int status;
	g_auto (GStrv) lines = NULL;
	GPtrArray *libs;

	if (!mwb_run_sync (argv, NULL, 10000, &out, NULL, &status, error))
		return NULL;
	libs = g_ptr_array_new_with_free_func (g_free);
	lines = g_strsplit (out ? out : "", "\n", -1);
	for (guint i = 0; lines[i]; i++) {
		const char *slash = strchr (lines[i], '/');
		g_autofree char *path = slash ? g_strndup (slash, strcspn (slash, " \t(")) : NULL;

		if (path && g_file_test (path, G_FILE_TEST_EXISTS))
			g_ptr_array_add (libs, g_steal_pointer (&path));
	}
	return libs;
}

static gboolean
copy_into_root (const char *root, const char *path, GError **error)
{
	g_autofree char *dest = g_build_filename (root, path, NULL);
	g_autofree char *dir = g_path_get_dirname (dest);
	g_autoptr (GFile) src = g_file_new_for_path (path);
	g_autoptr (GFile) dst = g_file_new_for_path (dest);

	if (g_mkdir_with_parents (dir, 0755) < 0) {
		g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "mkdir %s: %s", dir,
			     g_strerror (errno));
		return FALSE;
	}
	return g_file_copy (src, dst, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error);
}

/* zdtm's ns flavor root: the test, its libraries, nsinit, /dev/null, an
 * empty /proc, all on the run directory's file system. */
static gboolean
make_root (CriuBackend *be, const char *nsinit, GError **error)
{
	g_autoptr (GPtrArray) libs = needed_libraries (be->test_bin, error);
	g_autofree char *devnull = g_build_filename (be->root, "dev", "null", NULL);
	const char *dirs[] = { "dev", "proc", "tmp", "zdtm/static", NULL };

	if (!libs)
		return FALSE;
	for (guint i = 0; dirs[i]; i++) {
		g_autofree char *d = g_build_filename (be->root, dirs[i], NULL);

		g_mkdir_with_parents (d, 0755);
	}
	for (guint i = 0; i < libs->len; i++)
		if (!copy_into_root (be->root, libs->pdata[i], error))
			return FALSE;
	{
		g_autofree char *bin_dest = g_build_filename (be->root, "zdtm/static", be->test, NULL);
		g_autoptr (GFile) s = g_file_new_for_path (be->test_bin);
		g_autoptr (GFile) d = g_file_new_for_path (bin_dest);
		g_autofree char *init_dest = g_build_filename (be->root, "nsinit", NULL);
		g_autoptr (GFile) si = g_file_new_for_path (nsinit);
		g_autoptr (GFile) di = g_file_new_for_path (init_dest);

		if (!g_file_copy (s, d, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error)
		    || !g_file_copy (si, di, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error))
			return FALSE;
	}
	if (mknod (devnull, S_IFCHR | 0666, makedev (1, 3)) < 0 && errno != EEXIST) {
		g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "mknod %s: %s", devnull,
			     g_strerror (errno));
		return FALSE;
	}
	chmod (devnull, 0666);
	return TRUE;
}

void
criu_action_start_test (MwbBackend *mb, MwbStepRun *sr)
{
	CriuBackend *be = CB (mb);
	const char *run = mwb_runner_run_dir (be->runner);
	g_autoptr (GError) err = NULL;
	g_autofree char *rel = test_rel_dir ();
	g_autofree char *pid_arg = NULL, *out_arg = NULL;
	g_autofree char *init_pid = g_build_filename (run, "init.pid", NULL);
	g_autofree char *nsinit = NULL;
	g_autofree char *root_arg = NULL, *flavor_arg = NULL, *pidfile_arg = NULL;
	g_autofree char *in_root_bin = NULL;
	MwbProcSpec spec = { 0 };
	const char *argv_h[4];
	const char *argv_ns[12];

	if (!criu_prepare (be, sr, &err)) {
		mwb_step_run_error (sr, "%s", err->message);
		return;
	}
	if (be->launcher) {
		mwb_step_run_error (sr, "the test was already started in this run");
		return;
	}
	if (g_str_equal (be->flavor, "h")) {
		be->test_dir = g_build_filename (run, rel, NULL);
		pid_arg = g_strdup_printf ("--pidfile=%s/%s.pid", be->test_dir, be->test);
		out_arg = g_strdup_printf ("--outfile=%s/%s.out", be->test_dir, be->test);
		argv_h[0] = be->test_bin;
		argv_h[1] = pid_arg;
		argv_h[2] = out_arg;
		argv_h[3] = NULL;
		spec.argv = argv_h;
	} else {
		g_autofree char *zdir = criu_zdtm_dir ();

		be->root = g_build_filename (run, "root", NULL);
		be->test_dir = g_build_filename (be->root, rel, NULL);
		nsinit = g_build_filename (zdir, "nsinit", NULL);
		if (!g_file_test (nsinit, G_FILE_TEST_IS_EXECUTABLE)) {
			mwb_step_run_error (sr, "%s missing: `make` builds it", nsinit);
			return;
		}
		if (!make_root (be, nsinit, &err)) {
			mwb_step_run_error (sr, "preparing the namespace root %s: %s", be->root, err->message);
			return;
		}
		flavor_arg = g_strdup_printf ("--flavor=%s", be->flavor);
		root_arg = g_strdup_printf ("--root=%s", be->root);
		pidfile_arg = g_strdup_printf ("--pidfile=%s", init_pid);
		in_root_bin = g_strdup_printf ("/%s/%s", rel, be->test);
		pid_arg = g_strdup_printf ("--pidfile=/%s/%s.pid", rel, be->test);
		out_arg = g_strdup_printf ("--outfile=/%s/%s.out", rel, be->test);
		argv_ns[0] = nsinit;
		argv_ns[1] = flavor_arg;
		argv_ns[2] = root_arg;
		argv_ns[3] = pidfile_arg;
		argv_ns[4] = "--";
		argv_ns[5] = in_root_bin;
		argv_ns[6] = pid_arg;
		argv_ns[7] = out_arg;
		argv_ns[8] = NULL;
		spec.argv = argv_ns;
	}
	g_mkdir_with_parents (be->test_dir, 0755);
	be->out_file = g_strdup_printf ("%s/%s.out", be->test_dir, be->test);
	be->pid_file = g_strdup_printf ("%s/%s.pid", be->test_dir, be->test);
	{
		g_autofree char *base = g_build_filename (run, "dump", "zdtm", "static", be->test, NULL);

		be->img_base = g_steal_pointer (&base);
	}
	spec.name = "test";
	spec.cwd = be->test_dir;
	spec.on_exit = on_launcher_exit;
	spec.data = be;
	be->sr = sr;
	be->launcher = mwb_proc_spawn (&spec, &err);
	if (!be->launcher) {
		criu_clear_wait (be);
		mwb_step_run_error (sr, "cannot start %s: %s", be->test_bin, err->message);
		return;
	}
	criu_zdtm_say (be, "%s %s %s", be->flavor && !g_str_equal (be->flavor, "h") ? in_root_bin : be->test_bin,
		       pid_arg, out_arg);
	mwb_step_run_waiting_for (sr, "%s to daemonize and write %s", be->test, be->pid_file);
}

/* ---- waits ---- */

static gboolean
on_poll (gpointer data)
{
	CriuBackend *be = data;

	if (!be->sr || !be->poll_check)
		return G_SOURCE_CONTINUE;
	if (be->poll_check (be, be->sr))
		return G_SOURCE_REMOVE;
	return G_SOURCE_CONTINUE;
}

/* Calls check every few ms until it finishes the step (returns TRUE).
 * A poll, not a child watch: the processes waited for are orphans mwb
 * adopts as subreaper (the daemonized test, a restored tree), or not mwb's
 * at all (a namespace's test), and GLib's child watch only works on
 * children mwb spawned itself. */
void
criu_poll (CriuBackend *be, MwbStepRun *sr, CriuPollCheck check)
{
	be->sr = sr;
	be->poll_check = check;
	if (check (be, sr))
		return;
	be->poll_timer = g_timeout_add (POLL_MS, on_poll, be);
}

/* Ends the polled step: the timer is removed by returning TRUE. */
static void
poll_done (CriuBackend *be)
{
	be->poll_timer = 0;
	criu_clear_wait (be);
}

void
criu_note_dumped_tree (CriuBackend *be)
{
	be->dumped_root = be->root_pid;
	g_clear_pointer (&be->dumped_tree, g_array_unref);
	be->dumped_tree = criu_tree_pids (be);
}

/* The rest of the dumped tree: gone, or reaped now if mwb inherited it. */
static gboolean
rest_of_tree_gone (CriuBackend *be, GPid *left)
{
	for (guint i = 0; be->dumped_tree && i < be->dumped_tree->len; i++) {
		GPid p = g_array_index (be->dumped_tree, GPid, i);
		int st;
		gboolean reaped;

		if (p != be->dumped_root && !criu_pid_gone (p, &st, &reaped)) {
			*left = p;
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean
check_gone (CriuBackend *be, MwbStepRun *sr)
{
	GPid pid = be->dumped_root;
	GPid left = 0;
	int status = 0;
	gboolean reaped;

	if (!rest_of_tree_gone (be, &left)) {
		mwb_step_run_waiting_for (sr, "pid %d of the dumped tree to be gone", left);
		return FALSE;
	}

	if (pid == be->root_pid) {
		if (!criu_root_gone (be))
			return FALSE;
		reaped = be->root_reaped;
		status = be->root_status;
	} else if (!criu_pid_gone (pid, &status, &reaped)) {
		return FALSE;
	}
	poll_done (be);
	be->dumped_root = 0;
	if (reaped) {
		g_autofree char *how = mwb_describe_wait_status (status);

		mwb_step_run_ok (sr, "pid %d is gone (%s)", pid, how);
	} else {
		mwb_step_run_ok (sr, "pid %d is gone", pid);
	}
	return TRUE;
}

void
criu_action_wait_gone (MwbBackend *mb, MwbStepRun *sr)
{
	CriuBackend *be = CB (mb);

	if (!be->dumped_root) {
		mwb_step_run_error (sr, "no tree was dumped (without --leave-running) since the last wait");
		return;
	}
	mwb_step_run_waiting_for (sr, "pid %d to be gone", be->dumped_root);
	criu_poll (be, sr, check_gone);
}

void
criu_action_signal_test (MwbBackend *mb, MwbStepRun *sr)
{
	CriuBackend *be = CB (mb);
	const char *name = mwb_step_run_arg_or (sr, "signal", "15");
	int sig = atoi (name);

	if (sig <= 0 || sig >= NSIG) {
		mwb_step_run_error (sr, "signal=%s: not a signal number", name);
		return;
	}
	if (be->test_pid <= 0 || criu_root_gone (be)) {
		g_autofree char *last = be->out_file ? criu_test_last_line (be->out_file) : NULL;

		mwb_step_run_fail (sr, "the test is not running%s%s", last ? "; its .out ends with: " : "",
				   last ? last : "");
		return;
	}
	if (kill (be->test_pid, sig) < 0) {
		mwb_step_run_fail (sr, "kill %d: %s", be->test_pid, g_strerror (errno));
		return;
	}
	criu_zdtm_say (be, "Send the %d signal to  %d", sig, be->test_pid);
	mwb_step_run_ok (sr, "sent signal %d to pid %d", sig, be->test_pid);
}

static gboolean
test_exited (CriuBackend *be)
{
	if (g_str_equal (be->flavor, "h"))
		return criu_root_gone (be);
	/* Its init follows once the last process of the namespace is gone. */
	return !pid_alive (be->test_pid) && criu_root_gone (be);
}

static gboolean
check_verdict (CriuBackend *be, MwbStepRun *sr)
{
	g_autofree char *last = NULL;

	if (!test_exited (be))
		return FALSE;
	poll_done (be);
	last = criu_test_last_line (be->out_file);
	criu_zdtm_say (be, "Wait for %s(%d) to die", mwb_runner_scenario (be->runner)->path, be->test_pid);
	if (last && g_str_equal (last, "PASS")) {
		mwb_step_run_ok (sr, "%s's .out ends with PASS", be->test);
		return TRUE;
	}
	if (!last)
		mwb_step_run_fail (sr, "%s exited without a verdict in %s", be->test, be->out_file);
	else
		mwb_step_run_fail (sr, "%s: %s", be->test, last);
	return TRUE;
}

void
criu_action_check_test (MwbBackend *mb, MwbStepRun *sr)
{
	CriuBackend *be = CB (mb);

	if (!be->out_file) {
		mwb_step_run_error (sr, "no test was started");
		return;
	}
	mwb_step_run_waiting_for (sr, "%s to check its state and exit", be->test);
	criu_poll (be, sr, check_verdict);
}

static char
task_state (GPid pid, GPid tid)
{
	g_autofree char *path = g_strdup_printf ("/proc/%d/task/%d/stat", pid, tid);
	g_autofree char *stat = NULL;
	const char *close;

	if (!g_file_get_contents (path, &stat, NULL, NULL))
		return '?';
	close = strrchr (stat, ')');
	return close && close[1] ? close[2] : '?';
}

void
criu_action_check_stopped (MwbBackend *mb, MwbStepRun *sr)
{
	CriuBackend *be = CB (mb);
	g_autoptr (GArray) pids = criu_tree_pids (be);
	g_autoptr (GString) bad = g_string_new (NULL);
	guint tasks = 0;

	if (!pids->len) {
		mwb_step_run_fail (sr, "the test's tree is gone");
		return;
	}
	for (guint i = 0; i < pids->len; i++) {
		GPid pid = g_array_index (pids, GPid, i);
		g_autofree char *taskdir = g_strdup_printf ("/proc/%d/task", pid);
		g_autoptr (GDir) d = g_dir_open (taskdir, 0, NULL);
		const char *t;

		while (d && (t = g_dir_read_name (d))) {
			char st = task_state (pid, atoi (t));

			tasks++;
			/* T stopped, t traced; a zombie has no state to keep */
			if (st != 'T' && st != 't' && st != 'Z')
				g_string_append_printf (bad, "%s%s in state %c", bad->len ? ", " : "", t, st);
		}
	}
	for (guint i = 0; i < pids->len; i++)
		kill (g_array_index (pids, GPid, i), SIGCONT);
	if (bad->len)
		mwb_step_run_fail (sr, "not stopped: %s", bad->str);
	else
		mwb_step_run_ok (sr, "all %u tasks of %u processes were stopped; sent SIGCONT", tasks, pids->len);
}

/* After a restore: the tree's root from criu's --pidfile, the test again. */
gboolean
criu_test_adopt (CriuBackend *be, const char *criu_pidfile, GError **error)
{
	GPid root = 0, ns_pid = 0, test;

	if (!read_pid_file (criu_pidfile, &root)) {
		g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "criu restore wrote no pid to %s",
			     criu_pidfile);
		return FALSE;
	}
	set_root (be, root);
	mwb_guard_watch (root);
	if (g_str_equal (be->flavor, "h")) {
		set_test_pid (be, root);
		return TRUE;
	}
	if (!read_pid_file (be->pid_file, &ns_pid) || !(test = host_pid_in_ns (root, ns_pid))) {
		g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
			     "the restored namespace (init %d) has no test process (pid %d inside)", root, ns_pid);
		return FALSE;
	}
	set_test_pid (be, test);
	return TRUE;
}
