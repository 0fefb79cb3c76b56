/* Tests for tui/crash.c, TAP on stdout. Each case is a child that runs this
 * program again (so that ASAN_OPTIONS can differ for it), installs the
 * handler and crashes; the parent reads its stderr and its crash file. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "crash.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

static int tests_run, tests_failed;
static volatile int recurse_limit = G_MAXINT;

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

static void
diag_text (const char *text)
{
	g_auto (GStrv) lines = g_strsplit (text ? text : "(null)", "\n", -1);

	for (guint i = 0; lines[i]; i++)
		printf ("# %s\n", lines[i]);
}

/* ---- the child ---- */

static gboolean abort_in_restore;

static void
restore_terminal (void)
{
	if (write (STDERR_FILENO, "RESTORED\n", 9) != 9)
		_exit (4);
	if (abort_in_restore)
		abort ();
}

/* Not static and never inlined: the backtrace must find them by name.
 * UBSan would report the NULL store (and abort, with recovery off) before
 * the SIGSEGV it is here for. */
void mwb_test_crash_here (void);
G_GNUC_NO_INLINE __attribute__ ((no_sanitize ("undefined"))) void
mwb_test_crash_here (void)
{
	volatile int *volatile p = NULL;

	*p = 1;
}

int mwb_test_recurse (int depth);
G_GNUC_NO_INLINE int
mwb_test_recurse (int depth)
{
	volatile char pad[512];

	pad[0] = (char) depth;
	if (depth < recurse_limit)
		return mwb_test_recurse (depth + 1) + pad[0];
	return pad[0];
}

static G_GNUC_NO_INLINE int
crash_child (const char *how, const char *dir)
{
	const char *file;

	abort_in_restore = !strcmp (how, "abort-in-restore");
	mwb_crash_install (restore_terminal, dir);
	file = mwb_crash_file ();
	dprintf (STDERR_FILENO, "FILE %s\n", file ? file : "(none)");
	if (!strcmp (how, "segv") || abort_in_restore)
		mwb_test_crash_here ();
	else if (!strcmp (how, "abort"))
		abort ();
	else if (!strcmp (how, "overflow"))
		mwb_test_recurse (0);
	else if (!strcmp (how, "wait"))
		pause ();
	dprintf (STDERR_FILENO, "SURVIVED\n");
	return 0;
}

/* ---- the parent ---- */

typedef struct {
	pid_t pid;
	int status;
	char *err;		/* the child's stderr */
	char *file;		/* where its crash file should be */
	char *report;		/* that file's text, or NULL */
} Run;

static void
run_clear (Run *run)
{
	g_free (run->err);
	g_free (run->file);
	g_free (run->report);
}

/* Runs this program as "--crash HOW DIR". asan_options NULL turns ASan's
 * handlers of the fatal signals off in the child (they would report and
 * exit(1) instead of dying of the signal); else they are added to
 * ASAN_OPTIONS. send_sig, if
 * not 0, is sent to the child once it has installed the handler. A child
 * that hangs is killed after 20 s, and its status says SIGKILL. */
static void
run_child (const char *how, const char *dir, const char *asan_options, int send_sig, Run *run)
{
	g_autoptr (GString) err = g_string_new (NULL);
	gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
	struct pollfd pfd = { .events = POLLIN };
	char buf[4096];
	ssize_t n;
	int fds[2];

	memset (run, 0, sizeof *run);
	if (pipe (fds) < 0)
		g_error ("pipe: %s", g_strerror (errno));
	run->pid = fork ();
	if (run->pid < 0)
		g_error ("fork: %s", g_strerror (errno));
	if (run->pid == 0) {
		struct rlimit no_core = { 0, 0 };
		const char *old = g_getenv ("ASAN_OPTIONS");
		g_autofree char *opts = NULL;

		dup2 (fds[1], STDERR_FILENO);
		close (fds[0]);
		close (fds[1]);
		/* Dying of the signal is the point; leaving core files is not. */
		setrlimit (RLIMIT_CORE, &no_core);
		opts = g_strdup_printf ("%s%s%s", old ? old : "", old ? ":" : "",
					asan_options ? asan_options
					: "handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_abort=0");
		g_setenv ("ASAN_OPTIONS", opts, TRUE);
		execl ("/proc/self/exe", "test-crash", "--crash", how, dir, (char *) NULL);
		_exit (127);
	}
	close (fds[1]);
	pfd.fd = fds[0];
	for (;;) {
		gint64 left = deadline - g_get_monotonic_time ();

		if (left <= 0) {
			kill (run->pid, SIGKILL);
			g_string_append (err, "\n(test: killed after 20 s)\n");
			break;
		}
		if (poll (&pfd, 1, (int) (left / 1000) + 1) <= 0)
			continue;
		n = read (fds[0], buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		g_string_append_len (err, buf, n);
		if (send_sig && strstr (err->str, "FILE ") && strchr (strstr (err->str, "FILE "), '\n')) {
			kill (run->pid, send_sig);
			send_sig = 0;
		}
	}
	close (fds[0]);
	while (waitpid (run->pid, &run->status, 0) < 0 && errno == EINTR)
		;
	run->err = g_strdup (err->str);
	run->file = g_strdup_printf ("%s/crash-%d.txt", dir, (int) run->pid);
	if (!g_file_get_contents (run->file, &run->report, NULL, NULL))
		run->report = NULL;
}

/* The "#N  0x... in ..." lines of text, joined. */
static char *
frame_lines (const char *text)
{
	g_auto (GStrv) lines = g_strsplit (text ? text : "", "\n", -1);
	g_autoptr (GString) out = g_string_new (NULL);

	for (guint i = 0; lines[i]; i++)
		if (g_regex_match_simple ("^#[0-9]+ +0x[0-9a-f]{16} in ", lines[i], 0, 0))
			g_string_append_printf (out, "%s\n", lines[i]);
	return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
has_frame (const char *text, const char *name)
{
	g_autofree char *pattern = g_strdup_printf ("^#[0-9]+ +0x[0-9a-f]{16} in %s\\+0x[0-9a-f]+$", name);

	return g_regex_match_simple (pattern, text ? text : "", G_REGEX_MULTILINE, 0);
}

static int
count (const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = text; (p = strstr (p, needle)); p += strlen (needle))
		n++;
	return n;
}

/* The checks that hold for every crash of signal sig. */
static void
check_crash (const char *what, Run *run, int sig, const char *dir)
{
	g_autofree char *header = g_strdup_printf ("mwb: fatal signal %d (SIG%s)", sig, sigabbrev_np (sig));
	g_autofree char *file_line = g_strdup_printf ("FILE %s\n", run->file);
	g_autofree char *written = g_strdup_printf ("mwb: crash report written to %s\n", run->file);
	g_autofree char *frames = frame_lines (run->err);
	g_autofree char *file_frames = frame_lines (run->report);
	const char *restored = strstr (run->err, "RESTORED\n");
	const char *fatal = strstr (run->err, header);
	int failed = tests_failed;

	(void) dir;
	check (WIFSIGNALED (run->status) && WTERMSIG (run->status) == sig,
	       "%s: the child dies of signal %d (status 0x%x)", what, sig, run->status);
	check (restored && fatal && restored < fatal && count (run->err, "RESTORED") == 1,
	       "%s: the terminal is restored once, before \"%s\"", what, header);
	check (*frames != '\0', "%s: stderr has backtrace frames", what);
	check (strstr (run->err, file_line) != NULL, "%s: mwb_crash_file() is DIR/crash-PID.txt", what);
	check (strstr (run->err, written) != NULL, "%s: stderr names the crash file", what);
	check (run->report && g_str_has_prefix (run->report, header) && !strcmp (frames, file_frames)
	       && strstr (run->report, "\nMemory map:\n"),
	       "%s: the crash file has the header, the same frames and the memory map", what);
	if (tests_failed != failed) {
		diag_text (run->err);
		diag_text (run->report ? "crash file:" : "no crash file");
		diag_text (run->report);
	}
}

static void
remove_tree (const char *path)
{
	if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK)) {
		g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
		const char *name;

		while (dir && (name = g_dir_read_name (dir))) {
			g_autofree char *child = g_build_filename (path, name, NULL);

			remove_tree (child);
		}
	}
	g_remove (path);
}

int
main (int argc, char **argv)
{
	g_autoptr (GError) err = NULL;
	g_autofree char *tmp = NULL;
	g_autofree char *dir = NULL;
	g_autofree char *header = NULL;
	Run run;

	if (argc == 4 && !strcmp (argv[1], "--crash"))
		return crash_child (argv[2], argv[3]);

	tmp = g_dir_make_tmp ("mwb-crash-XXXXXX", &err);
	if (!tmp)
		g_error ("%s", err->message);
	/* Not there yet: install makes it, parents and all. */
	dir = g_build_filename (tmp, "crashes", "mwb", NULL);

	run_child ("segv", dir, NULL, 0, &run);
	check_crash ("NULL write", &run, SIGSEGV, dir);
	check (strstr (run.err, "mwb: fatal signal 11 (SIGSEGV) at address 0x0\n") != NULL,
	       "NULL write: the header gives the fault address");
	check (g_regex_match_simple ("^#0  0x[0-9a-f]{16} in mwb_test_crash_here\\+0x[0-9a-f]+$", run.err,
				     G_REGEX_MULTILINE, 0),
	       "NULL write: frame #0 is the faulting function, not the handler");
	check (has_frame (run.err, "crash_child") && has_frame (run.err, "main"),
	       "NULL write: its callers follow");
	run_clear (&run);

	run_child ("abort", dir, NULL, 0, &run);
	check_crash ("abort()", &run, SIGABRT, dir);
	/* gcc moves the cold path to abort() out, into crash_child.cold. */
	check (strstr (run.err, "mwb: fatal signal 6 (SIGABRT)\n") && has_frame (run.err, "abort")
	       && has_frame (run.err, "crash_child(\\.cold)?"),
	       "abort(): no address, and the frames go through abort");
	run_clear (&run);

	run_child ("overflow", dir, NULL, 0, &run);
	check_crash ("stack overflow", &run, SIGSEGV, dir);
	check (has_frame (run.err, "mwb_test_recurse") && strstr (run.err, "\n#63 ")
	       && !strstr (run.err, "\n#64 "),
	       "stack overflow: reported from the alternate stack, 64 frames at most");
	run_clear (&run);

	run_child ("wait", dir, NULL, SIGBUS, &run);
	check_crash ("SIGBUS from kill()", &run, SIGBUS, dir);
	header = g_strdup_printf ("mwb: fatal signal %d (SIGBUS) sent by pid %d\n", SIGBUS, (int) getpid ());
	check (strstr (run.err, header) && has_frame (run.err, "crash_child"),
	       "SIGBUS from kill(): the header names the sender, the frames show where it hit");
	run_clear (&run);

	run_child ("abort-in-restore", dir, NULL, 0, &run);
	check (WIFSIGNALED (run.status) && WTERMSIG (run.status) == SIGABRT
	       && count (run.err, "RESTORED") == 1 && !strstr (run.err, "fatal signal"),
	       "abort() inside restore_terminal: dies of SIGABRT at once, no second report, no hang");
	if (!WIFSIGNALED (run.status) || WTERMSIG (run.status) != SIGABRT)
		diag_text (run.err);
	run_clear (&run);

	if (UNDER_ASAN) {
		run_child ("segv", dir, "handle_segv=1", 0, &run);
		check (strstr (run.err, "mwb: fatal signal 11 (SIGSEGV)")
		       && strstr (run.err, "ERROR: AddressSanitizer: SEGV on unknown address 0x000000000000")
		       && strstr (run.err, "mwb: fatal signal 11") < strstr (run.err, "ERROR: AddressSanitizer")
		       && strstr (run.err, "WRITE memory access") && count (run.err, "RESTORED") == 1,
		       "ASan's own SEGV handler still reports the real fault after ours");
		if (!strstr (run.err, "ERROR: AddressSanitizer"))
			diag_text (run.err);
		run_clear (&run);

		/* ASan's report ends in abort(): that must not come back to us. */
		run_child ("segv", dir, "handle_segv=1:abort_on_error=1", 0, &run);
		check (WIFSIGNALED (run.status) && WTERMSIG (run.status) == SIGABRT
		       && count (run.err, "mwb: fatal signal") == 1
		       && strstr (run.err, "ERROR: AddressSanitizer: SEGV"),
		       "with abort_on_error=1, ASan's abort() after its report ends the process");
		if (!WIFSIGNALED (run.status) || WTERMSIG (run.status) != SIGABRT)
			diag_text (run.err);
		run_clear (&run);
	} else {
		/* Not a skip: there is no ASan to hand over to in this build;
		 * `make asan` runs these two. */
		printf ("# the two checks of the hand-over to ASan run in the ASan build\n");
	}

	remove_tree (tmp);
	check (!g_file_test (tmp, G_FILE_TEST_EXISTS), "temporary directory removed");
	printf ("1..%d\n", tests_run);
	return tests_failed ? 1 : 0;
}
