/* Tests for tui/backtrace.c, TAP on stdout: backtraces of a forked child
 * whose threads wait in known places, and that nothing is left stopped or
 * traced afterwards. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "backtrace.h"

static int tests_run, tests_failed;
static int ready_fd = -1;

static void G_GNUC_PRINTF (2, 3)
check (gboolean cond, const char *fmt, ...)
{
	g_autofree char *what = NULL;
	va_list ap;

	va_start (ap, fmt);
	what = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	tests_run++;
	if (!cond)
		tests_failed++;
	printf ("%sok %d - %s\n", cond ? "" : "not ", tests_run, what);
	fflush (stdout);
}

/* Shows a text under a failed check, as TAP comments. */
static void
diag_text (const char *text)
{
	g_auto (GStrv) lines = g_strsplit (text ? text : "(null)", "\n", -1);

	for (guint i = 0; lines[i]; i++)
		printf ("# %s\n", lines[i]);
}

/* Not static and never inlined: the backtrace must find it by name. */
void *mwb_test_parked (void *arg);
G_GNUC_NO_INLINE void *
mwb_test_parked (void *arg)
{
	if (write (ready_fd, "r", 1) != 1)
		_exit (3);
	for (;;)
		pause ();
	return arg;
}

static void *
parked_thread (void *arg)
{
	char name[16];

	g_snprintf (name, sizeof name, "parked-%d", GPOINTER_TO_INT (arg));
	pthread_setname_np (pthread_self (), name);
	return mwb_test_parked (arg);
}

void *mwb_test_brief (void *arg);
G_GNUC_NO_INLINE void *
mwb_test_brief (void *arg)
{
	return arg;
}

/* A child of three threads, all asleep in pause(); or, with churn, one
 * that starts and ends threads without pause, to race the attach. */
static pid_t
start_child (gboolean churn)
{
	int fds[2];
	pid_t pid;
	char c;

	if (pipe (fds) < 0)
		g_error ("pipe: %s", g_strerror (errno));
	pid = fork ();
	if (pid < 0)
		g_error ("fork: %s", g_strerror (errno));
	if (pid == 0) {
		pthread_t t;

		close (fds[0]);
		ready_fd = fds[1];
		if (churn) {
			if (write (ready_fd, "rrr", 3) != 3)
				_exit (3);
			for (;;) {
				pthread_t ts[4];

				for (int i = 0; i < 4; i++)
					pthread_create (&ts[i], NULL, mwb_test_brief, NULL);
				for (int i = 0; i < 4; i++)
					pthread_join (ts[i], NULL);
			}
		}
		for (int i = 1; i <= 2; i++)
			if (pthread_create (&t, NULL, parked_thread, GINT_TO_POINTER (i)) != 0)
				_exit (3);
		if (write (ready_fd, "r", 1) != 1)
			_exit (3);
		for (;;)
			pause ();
	}
	close (fds[1]);
	for (int i = 0; i < 3; i++)
		if (read (fds[0], &c, 1) != 1)
			g_error ("child %d did not start", (int) pid);
	close (fds[0]);
	return pid;
}

static void
stop_child (pid_t pid)
{
	kill (pid, SIGKILL);
	while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static GArray *
tasks_of (pid_t pid)
{
	g_autofree char *path = g_strdup_printf ("/proc/%d/task", (int) pid);
	g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
	GArray *tids = g_array_new (FALSE, FALSE, sizeof (pid_t));
	const char *name;

	while (dir && (name = g_dir_read_name (dir))) {
		pid_t tid = atoi (name);

		g_array_append_val (tids, tid);
	}
	return tids;
}

static char *
task_field (pid_t pid, pid_t tid, const char *field)
{
	g_autofree char *path = g_strdup_printf ("/proc/%d/task/%d/status", (int) pid, (int) tid);
	g_autofree char *text = NULL;
	g_auto (GStrv) lines = NULL;

	if (!g_file_get_contents (path, &text, NULL, NULL))
		return NULL;
	lines = g_strsplit (text, "\n", -1);
	for (guint i = 0; lines[i]; i++)
		if (g_str_has_prefix (lines[i], field))
			return g_strdup (lines[i] + strlen (field));
	return NULL;
}

/* NULL when no thread of pid is traced or in a trace stop, else what is. */
static char *
find_held_task (pid_t pid)
{
	g_autoptr (GArray) tids = tasks_of (pid);

	for (guint i = 0; i < tids->len; i++) {
		pid_t tid = g_array_index (tids, pid_t, i);
		g_autofree char *state = task_field (pid, tid, "State:\t");
		g_autofree char *tracer = task_field (pid, tid, "TracerPid:\t");

		/* Gone between the listing and the read: holds nothing. */
		if (!state || !tracer)
			continue;
		if (state[0] == 't' || strcmp (tracer, "0") != 0)
			return g_strdup_printf ("LWP %d: State %s, TracerPid %s", (int) tid, state, tracer);
	}
	return NULL;
}

/* Waits up to 2 s for every thread of pid to be in state want. */
static gboolean
all_tasks_in_state (pid_t pid, char want)
{
	for (int t = 0; t < 200; t++) {
		g_autoptr (GArray) tids = tasks_of (pid);
		gboolean all = tids->len > 0;

		for (guint i = 0; i < tids->len; i++) {
			g_autofree char *state = task_field (pid, g_array_index (tids, pid_t, i), "State:\t");

			all &= state && state[0] == want;
		}
		if (all)
			return TRUE;
		g_usleep (10 * 1000);
	}
	return FALSE;
}

static int
count_lines_starting (const char *text, const char *prefix)
{
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
	int n = 0;

	for (guint i = 0; lines[i]; i++)
		n += g_str_has_prefix (lines[i], prefix);
	return n;
}

/* A frame line "#N  0x... in NAME+0x..." whose NAME is name. */
static gboolean
has_frame (const char *text, const char *name)
{
	g_autofree char *pattern = g_strdup_printf ("^#[0-9]+ +0x[0-9a-f]{16} in %s\\+0x[0-9a-f]+", name);

	return g_regex_match_simple (pattern, text, G_REGEX_MULTILINE, 0);
}

/* Stops every thread of pid that this process traces and lets go of it. */
static void
release (GArray *tids)
{
	for (guint i = 0; i < tids->len; i++) {
		pid_t tid = g_array_index (tids, pid_t, i);

		if (ptrace (PTRACE_INTERRUPT, tid, NULL, NULL) == 0) {
			while (waitpid (tid, NULL, __WALL) < 0 && errno == EINTR)
				;
			ptrace (PTRACE_DETACH, tid, NULL, NULL);
		}
	}
}

static void
test_parked_child (void)
{
	pid_t pid = start_child (FALSE);
	g_autoptr (GError) err = NULL;
	g_autofree char *text = NULL;
	g_autofree char *held = NULL;
	g_autofree char *leader = NULL;
	gboolean all_ok = TRUE;

	check (all_tasks_in_state (pid, 'S'), "the child's three threads are asleep");
	text = mwb_backtrace_process (pid, &err);
	check (text && !err, "backtrace of a child of three threads: %s", err ? err->message : "no error");
	if (!text)
		text = g_strdup ("");
	check (count_lines_starting (text, "Thread ") == 3, "three thread headers");
	leader = g_strdup_printf ("Thread 1 (LWP %d \"", (int) pid);
	check (g_str_has_prefix (text, leader), "the first block is the main thread, LWP %d", (int) pid);
	check (strstr (text, "\"parked-1\"):\n") && strstr (text, "\"parked-2\"):\n"),
	       "thread names in the headers");
	check (has_frame (text, "mwb_test_parked"), "a frame names mwb_test_parked");
	check (has_frame (text, "(__libc_)?pause"), "a frame names pause");
	check (g_regex_match_simple ("in (__libc_)?pause\\+0x[0-9a-f]+ \\(/[^)]*libc\\.so[^)]*\\)$", text,
				     G_REGEX_MULTILINE, 0),
	       "the pause frame names libc's file");
	check (has_frame (text, "main"), "a frame names main");
	check (!strstr (text, "cannot") && !strstr (text, "did not stop"), "no thread left out");
	if (tests_failed)
		diag_text (text);
	held = find_held_task (pid);
	check (!held, "afterwards no thread is stopped or traced%s%s", held ? ": " : "", held ? held : "");
	check (all_tasks_in_state (pid, 'S') && waitpid (pid, NULL, WNOHANG) == 0,
	       "afterwards the threads are back asleep in pause()");

	for (int i = 0; i < 20; i++) {
		g_autoptr (GError) e = NULL;
		g_autofree char *t = mwb_backtrace_process (pid, &e);
		g_autofree char *h = find_held_task (pid);

		if (!t || count_lines_starting (t, "Thread ") != 3 || !has_frame (t, "mwb_test_parked") || h) {
			all_ok = FALSE;
			diag_text (e ? e->message : t);
			diag_text (h);
		}
	}
	check (all_ok, "twenty more backtraces, each complete and leaving nothing held");
	stop_child (pid);
}

static void
test_traced_elsewhere (void)
{
	pid_t pid = start_child (FALSE);
	g_autoptr (GArray) tids = tasks_of (pid);
	g_autoptr (GArray) leader = g_array_new (FALSE, FALSE, sizeof (pid_t));
	g_autoptr (GError) err = NULL;
	g_autofree char *text = NULL;
	g_autofree char *expect = NULL;
	g_autofree char *held = NULL;
	gboolean seized;

	/* This process plays the debugger that got there first. */
	g_array_append_val (leader, pid);
	seized = ptrace (PTRACE_SEIZE, pid, NULL, NULL) == 0;
	text = mwb_backtrace_process (pid, &err);
	expect = g_strdup_printf ("\"):\n    cannot attach: %s (already traced by pid %d)\n",
				  g_strerror (EPERM), (int) getpid ());
	check (seized && text && count_lines_starting (text, "Thread ") == 3
	       && g_str_has_prefix (text, "Thread 1 (LWP ") && strstr (text, expect)
	       && has_frame (text, "mwb_test_parked"),
	       "a thread traced by someone else is reported, the others unwound");
	if (!text || !strstr (text, "already traced"))
		diag_text (err ? err->message : text);
	release (leader);

	g_clear_pointer (&text, g_free);
	for (guint i = 0; i < tids->len; i++)
		seized &= ptrace (PTRACE_SEIZE, g_array_index (tids, pid_t, i), NULL, NULL) == 0;
	text = mwb_backtrace_process (pid, &err);
	g_clear_pointer (&expect, g_free);
	expect = g_strdup_printf ("cannot attach to pid %d: %s", (int) pid, g_strerror (EPERM));
	check (seized && !text && err && g_str_has_prefix (err->message, expect)
	       && g_error_matches (err, G_FILE_ERROR, G_FILE_ERROR_PERM),
	       "every thread traced by someone else: error \"%s\"", err ? err->message : "(none)");
	release (tids);
	held = find_held_task (pid);
	check (!held && all_tasks_in_state (pid, 'S'), "released again%s%s", held ? ": " : "", held ? held : "");
	stop_child (pid);
}

static void
test_group_stopped (void)
{
	pid_t pid = start_child (FALSE);
	g_autoptr (GError) err = NULL;
	g_autofree char *text = NULL;

	kill (pid, SIGSTOP);
	check (all_tasks_in_state (pid, 'T'), "SIGSTOP stops the child");
	text = mwb_backtrace_process (pid, &err);
	check (text && count_lines_starting (text, "Thread ") == 3 && has_frame (text, "mwb_test_parked"),
	       "a stopped process can be unwound");
	check (all_tasks_in_state (pid, 'T'), "and it is still stopped afterwards");
	kill (pid, SIGCONT);
	check (all_tasks_in_state (pid, 'S'), "SIGCONT wakes it as usual");
	stop_child (pid);
}

static void
test_churn (void)
{
	pid_t pid = start_child (TRUE);
	gboolean all_ok = TRUE;
	int threads = 0;

	for (int i = 0; i < 30; i++) {
		g_autoptr (GError) err = NULL;
		g_autofree char *text = mwb_backtrace_process (pid, &err);
		g_autofree char *held = find_held_task (pid);

		if (!text || strstr (text, "cannot") || held) {
			all_ok = FALSE;
			diag_text (err ? err->message : text);
			diag_text (held);
		} else {
			threads += count_lines_starting (text, "Thread ");
		}
	}
	check (all_ok && threads >= 30, "threads that end while listed are skipped (%d blocks in 30 runs)",
	       threads);
	stop_child (pid);
}

/* A vfork parent waits for its child killably but not interruptibly: it
 * cannot stop for a tracer until the child is gone. */
static void
test_unstoppable (void)
{
	g_autoptr (GError) err = NULL;
	g_autofree char *text = NULL;
	g_autofree char *held = NULL;
	struct pollfd pfd = { .events = POLLIN };
	pid_t pid, vchild = 0;
	int fds[2];
	char c = 0;

	if (pipe (fds) < 0)
		g_error ("pipe: %s", g_strerror (errno));
	pid = fork ();
	if (pid == 0) {
		pid_t v;

		close (fds[0]);
		v = vfork ();
		if (v == 0) {
			pid_t me = getpid ();

			if (write (fds[1], &me, sizeof me) != sizeof me)
				_exit (3);
			pause ();
			_exit (0);
		}
		waitpid (v, NULL, 0);
		if (write (fds[1], "A", 1) != 1)
			_exit (3);
		for (;;)
			pause ();
	}
	close (fds[1]);
	if (read (fds[0], &vchild, sizeof vchild) != sizeof vchild)
		g_error ("no vfork child");
	check (all_tasks_in_state (pid, 'D'), "a vfork parent waits in state D");
	text = mwb_backtrace_process (pid, &err);
	check (text && strstr (text, "    did not stop within 2 s, state D"),
	       "a thread that does not stop is reported as such");
	if (!text || !strstr (text, "did not stop"))
		diag_text (err ? err->message : text);
	held = find_held_task (pid);
	check (!held, "and it is not left traced%s%s", held ? ": " : "", held ? held : "");
	kill (vchild, SIGKILL);
	pfd.fd = fds[0];
	check (poll (&pfd, 1, 5000) == 1 && read (fds[0], &c, 1) == 1 && c == 'A'
	       && all_tasks_in_state (pid, 'S'),
	       "once its child is gone, the vfork parent runs on, unstopped");
	close (fds[0]);
	stop_child (pid);
}

static void
test_bad_pids (void)
{
	g_autofree char *pid_max_text = NULL;
	g_autofree char *expect = NULL;
	g_autoptr (GError) err = NULL;
	g_autofree char *text = NULL;
	gboolean zombie;
	pid_t pid;

	/* pid_max itself is never a pid. */
	if (!g_file_get_contents ("/proc/sys/kernel/pid_max", &pid_max_text, NULL, NULL))
		pid_max_text = g_strdup ("4194304");
	pid = atoi (pid_max_text);
	text = mwb_backtrace_process (pid, &err);
	expect = g_strdup_printf ("cannot attach to pid %d: %s", (int) pid, g_strerror (ESRCH));
	check (!text && err && !strcmp (err->message, expect),
	       "no such pid: error \"%s\"", err ? err->message : "(none)");
	g_clear_error (&err);
	g_clear_pointer (&text, g_free);
	pid = fork ();
	if (pid == 0)
		_exit (0);
	/* Exited, not yet reaped. */
	zombie = all_tasks_in_state (pid, 'Z');
	text = mwb_backtrace_process (pid, &err);
	g_clear_pointer (&expect, g_free);
	expect = g_strdup_printf ("cannot attach to pid %d: %s (a zombie: exited, not yet reaped)", (int) pid,
				  g_strerror (ESRCH));
	check (zombie && !text && err && !strcmp (err->message, expect),
	       "a zombie: error \"%s\"", err ? err->message : "(none)");
	stop_child (pid);
	g_clear_error (&err);
	g_clear_pointer (&text, g_free);
	text = mwb_backtrace_process (0, &err);
	check (!text && err && strstr (err->message, "pid 0"), "pid 0: error \"%s\"",
	       err ? err->message : "(none)");
}

static void
test_self (void)
{
	g_autoptr (GError) err = NULL;
	g_autofree char *text = mwb_backtrace_process (getpid (), &err);

	check (text && has_frame (text, "mwb_backtrace_process") && has_frame (text, "main"),
	       "own process: the caller waits in mwb_backtrace_process");
	if (!text || !has_frame (text, "mwb_backtrace_process"))
		diag_text (err ? err->message : text);
}

int
main (void)
{
	test_parked_child ();
	test_traced_elsewhere ();
	test_group_stopped ();
	test_churn ();
	test_unstoppable ();
	test_bad_pids ();
	test_self ();
	printf ("1..%d\n", tests_run);
	return tests_failed ? 1 : 0;
}
