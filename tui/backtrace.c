#define _GNU_SOURCE
#include "backtrace.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The remote (_U) flavour of libunwind: no UNW_LOCAL_ONLY here. */
#include <libunwind-ptrace.h>

#define MAX_FRAMES 64
#define STOP_TIMEOUT_US (2 * G_USEC_PER_SEC)
#define HELPER_TIMEOUT_US (30 * G_USEC_PER_SEC)

typedef struct {
	guint64 start, end;
	char *path;
} Mapping;

typedef enum {
	THREAD_DONE,		/* attached; its block says what it found */
	THREAD_GONE,		/* ended before we got to it: left out */
	THREAD_NOT_ATTACHED,	/* its block says why */
} ThreadResult;

/* For the helper, a fork of a process that may have other threads: unlike
 * g_strerror, takes no lock that one of those might have held at the fork. */
static const char *
errno_text (int e)
{
	const char *text = strerrordesc_np (e);

	return text ? text : "Unknown error";
}

static void
mapping_clear (gpointer data)
{
	g_free (((Mapping *) data)->path);
}

/* The named mappings of pid, to say which file an address is in. */
static GArray *
read_maps (pid_t pid)
{
	g_autofree char *path = g_strdup_printf ("/proc/%d/maps", (int) pid);
	g_autofree char *text = NULL;
	GArray *maps = g_array_new (FALSE, FALSE, sizeof (Mapping));
	char *next;

	g_array_set_clear_func (maps, mapping_clear);
	if (!g_file_get_contents (path, &text, NULL, NULL))
		return maps;
	for (char *line = text; line && *line; line = next) {
		Mapping m = { 0 };
		int name_at = 0;

		next = strchr (line, '\n');
		if (next)
			*next++ = '\0';
		if (sscanf (line, "%" G_GINT64_MODIFIER "x-%" G_GINT64_MODIFIER "x %*s %*s %*s %*s %n",
			    &m.start, &m.end, &name_at) < 2 || !name_at || !line[name_at])
			continue;
		m.path = g_strdup (line + name_at);
		g_array_append_val (maps, m);
	}
	return maps;
}

static const char *
maps_lookup (GArray *maps, guint64 addr)
{
	for (guint i = 0; i < maps->len; i++) {
		Mapping *m = &g_array_index (maps, Mapping, i);

		if (addr >= m->start && addr < m->end)
			return m->path;
	}
	return NULL;
}

/* The value of a "Name:\tvalue" line of the thread's status file, or NULL. */
static char *
status_field (pid_t pid, pid_t tid, const char *name)
{
	g_autofree char *path = g_strdup_printf ("/proc/%d/task/%d/status", (int) pid, (int) tid);
	g_autofree char *text = NULL;
	g_auto (GStrv) lines = NULL;
	size_t len = strlen (name);

	if (!g_file_get_contents (path, &text, NULL, NULL))
		return NULL;
	lines = g_strsplit (text, "\n", -1);
	for (guint i = 0; lines[i]; i++)
		if (!strncmp (lines[i], name, len) && lines[i][len] == ':')
			return g_strdup (g_strstrip (lines[i] + len + 1));
	return NULL;
}

/* Exited, or on the way out: ptrace then fails with EPERM, not ESRCH. */
static gboolean
thread_is_gone (pid_t pid, pid_t tid)
{
	g_autofree char *state = status_field (pid, tid, "State");

	return !state || state[0] == 'Z' || state[0] == 'X';
}

static char *
thread_comm (pid_t pid, pid_t tid)
{
	g_autofree char *path = g_strdup_printf ("/proc/%d/task/%d/comm", (int) pid, (int) tid);
	char *comm = NULL;

	if (!g_file_get_contents (path, &comm, NULL, NULL))
		return g_strdup ("?");
	return g_strchomp (comm);
}

/* Why an attach may have failed, as far as /proc can tell. */
static char *
attach_hint (pid_t pid, pid_t tid)
{
	g_autofree char *tracer = status_field (pid, tid, "TracerPid");
	g_autofree char *state = status_field (pid, tid, "State");

	if (tracer && atoi (tracer) != 0)
		return g_strdup_printf (" (already traced by pid %s)", tracer);
	if (state && state[0] == 'Z')
		return g_strdup (" (zombie)");
	return g_strdup ("");
}

static gint
compare_tids (gconstpointer a, gconstpointer b)
{
	pid_t x = *(const pid_t *) a, y = *(const pid_t *) b;

	return x < y ? -1 : x > y;
}

/* The threads of pid, lowest id first, or NULL with errno set. */
static GArray *
list_threads (pid_t pid)
{
	g_autofree char *path = g_strdup_printf ("/proc/%d/task", (int) pid);
	GArray *tids;
	DIR *dir = opendir (path);
	struct dirent *d;

	if (!dir) {
		if (errno == ENOENT)
			errno = ESRCH;
		return NULL;
	}
	tids = g_array_new (FALSE, FALSE, sizeof (pid_t));
	while ((d = readdir (dir))) {
		pid_t tid = (pid_t) atoi (d->d_name);

		if (tid > 0)
			g_array_append_val (tids, tid);
	}
	closedir (dir);
	g_array_sort (tids, compare_tids);
	return tids;
}

/* 1 when tid is in a stop, 0 when it did not stop in time, -1 when it is
 * gone. Polls rather than blocks: a thread asleep in the kernel
 * uninterruptibly stops only when it wakes up, and the other threads need
 * not wait for that. */
static int
wait_stop (pid_t tid, int *status)
{
	gint64 deadline = g_get_monotonic_time () + STOP_TIMEOUT_US;
	struct timespec nap = { 0, 20 * 1000 };

	for (;;) {
		pid_t r = waitpid (tid, status, __WALL | WNOHANG);

		if (r == tid)
			return WIFSTOPPED (*status) ? 1 : -1;
		if (r < 0 && errno != EINTR)
			return -1;
		if (g_get_monotonic_time () >= deadline)
			return 0;
		nanosleep (&nap, NULL);
		nap.tv_nsec = MIN (nap.tv_nsec * 2, 10 * 1000 * 1000);
	}
}

/* libunwind names the closest symbol below the address, which in a stripped
 * binary may be an exported function that ends well before it: trust the
 * name only when the unwind info puts the start of the function there. */
static gboolean
name_is_this_function (unw_cursor_t *cursor, unw_word_t ip, unw_word_t off)
{
	unw_proc_info_t pi;

	if (unw_get_proc_info (cursor, &pi) < 0 || !pi.start_ip)
		return TRUE;
	return ip - off >= pi.start_ip;
}

/* Frames of the stopped thread tid. */
static void
unwind_thread (pid_t pid, pid_t tid, unw_addr_space_t as, GString *out)
{
	g_autoptr (GArray) maps = read_maps (pid);
	unw_cursor_t cursor;
	void *upt = _UPT_create (tid);
	int n = 0, r, step = 1;

	if (!upt) {
		g_string_append (out, "    cannot unwind: out of memory\n");
		return;
	}
	r = unw_init_remote (&cursor, as, upt);
	if (r < 0) {
		g_string_append_printf (out, "    cannot unwind: %s\n", unw_strerror (r));
		goto out;
	}
	for (;;) {
		unw_word_t ip = 0, off = 0;
		char name[256] = "";
		const char *module;
		gboolean exact_ip;

		if (unw_get_reg (&cursor, UNW_REG_IP, &ip) < 0 || (n > 0 && ip == 0))
			break;
		r = unw_get_proc_name (&cursor, name, sizeof name, &off);
		/* -UNW_ENOMEM: the name is cut short, still worth showing. */
		if ((r < 0 && r != -UNW_ENOMEM) || !name_is_this_function (&cursor, ip, off))
			name[0] = '\0';
		name[sizeof name - 1] = '\0';
		/* A return address may be just past the end of its caller: look
		 * it up one byte back, as unw_get_proc_name does. Not so frame 0,
		 * where the thread stopped, nor the frame a signal interrupted
		 * (which libunwind 1.6 calls the signal frame). */
		exact_ip = n == 0 || unw_is_signal_frame (&cursor) > 0;
		module = maps_lookup (maps, exact_ip ? ip : ip - 1);
		g_string_append_printf (out, "#%-2d 0x%016" G_GINT64_MODIFIER "x in ", n, (guint64) ip);
		if (name[0])
			g_string_append_printf (out, "%s+0x%" G_GINT64_MODIFIER "x", name, (guint64) off);
		else
			g_string_append (out, "??");
		if (module)
			g_string_append_printf (out, " (%s)", module);
		g_string_append_c (out, '\n');
		step = unw_step (&cursor);
		if (step <= 0)
			break;
		if (++n == MAX_FRAMES) {
			g_string_append_printf (out, "(more than %d frames: the rest left out)\n", MAX_FRAMES);
			break;
		}
	}
	if (step < 0)
		g_string_append_printf (out, "(unwinding stopped: %s)\n", unw_strerror (step));
out:
	_UPT_destroy (upt);
}

static ThreadResult
dump_thread (pid_t pid, pid_t tid, int number, unw_addr_space_t as, GString *out, int *attach_errno)
{
	g_autofree char *comm = thread_comm (pid, tid);
	ThreadResult result = THREAD_DONE;
	gboolean stopped = FALSE;
	int resume_sig = 0;
	int status = 0;

	/* SEIZE and INTERRUPT rather than ATTACH: no SIGSTOP of ours to take
	 * back, and a thread already in a group stop stays in it. */
	if (ptrace (PTRACE_SEIZE, tid, NULL, NULL) < 0) {
		g_autofree char *hint = NULL;
		int e = errno;

		if (e == ESRCH || (e == EPERM && thread_is_gone (pid, tid)))
			return THREAD_GONE;
		*attach_errno = e;
		hint = attach_hint (pid, tid);
		g_string_append_printf (out, "Thread %d (LWP %d \"%s\"):\n    cannot attach: %s%s\n",
					number, (int) tid, comm, errno_text (*attach_errno), hint);
		return THREAD_NOT_ATTACHED;
	}
	if (ptrace (PTRACE_INTERRUPT, tid, NULL, NULL) < 0) {
		result = THREAD_GONE;
		goto cleanup;
	}
	switch (wait_stop (tid, &status)) {
	case 1:
		stopped = TRUE;
		break;
	case 0: {
		g_autofree char *state = status_field (pid, tid, "State");

		g_string_append_printf (out, "Thread %d (LWP %d \"%s\"):\n"
					"    did not stop within %d s, state %s: not unwound\n",
					number, (int) tid, comm, (int) (STOP_TIMEOUT_US / G_USEC_PER_SEC),
					state ? state : "?");
		goto cleanup;
	}
	default:
		result = THREAD_GONE;
		goto cleanup;
	}
	/* A signal-delivery stop came before our interrupt: the thread gets its
	 * signal back when we let go. Group stops and our own stop carry
	 * PTRACE_EVENT_STOP and nothing to give back. */
	if ((status >> 16) == 0)
		resume_sig = WSTOPSIG (status);
	g_string_append_printf (out, "Thread %d (LWP %d \"%s\"):\n", number, (int) tid, comm);
	unwind_thread (pid, tid, as, out);

cleanup:
	/* A tracee that never stopped cannot be detached: it stays ours until
	 * this helper exits, and the kernel lets go of it then. */
	if (stopped)
		ptrace (PTRACE_DETACH, tid, NULL, GINT_TO_POINTER (resume_sig));
	return result;
}

static gboolean
write_all (int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write (fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return FALSE;
		buf += n;
		len -= n;
	}
	return TRUE;
}

/* Writes the backtrace text to out_fd as it goes, then a NUL and the
 * outcome: "0", or an errno after an error message in place of the text. */
static void
helper_main (pid_t pid, int out_fd)
{
	g_autoptr (GArray) tids = list_threads (pid);
	g_autoptr (GString) held = g_string_new (NULL);
	g_autoptr (GString) block = g_string_new (NULL);
	g_autofree char *hint = NULL;
	g_autofree char *state = NULL;
	char trailer[16] = "";
	unw_addr_space_t as = NULL;
	gboolean any_attached = FALSE;
	int first_errno = 0, number = 0, err = 0;

	if (!tids) {
		err = errno;
		g_string_printf (held, "cannot attach to pid %d: %s", (int) pid, errno_text (err));
		goto out;
	}
	as = unw_create_addr_space (&_UPT_accessors, 0);
	if (!as) {
		err = ENOMEM;
		g_string_printf (held, "cannot unwind pid %d: %s", (int) pid, errno_text (err));
		goto out;
	}
	/* The threads share their code, so what was learnt about one unwind
	 * table serves the next thread. */
	unw_set_caching_policy (as, UNW_CACHE_GLOBAL);
	for (guint i = 0; i < tids->len; i++) {
		pid_t tid = g_array_index (tids, pid_t, i);
		int e = 0;

		g_string_truncate (block, 0);
		if (number > 0)
			g_string_append_c (block, '\n');
		switch (dump_thread (pid, tid, number + 1, as, block, &e)) {
		case THREAD_GONE:
			continue;
		case THREAD_NOT_ATTACHED:
			if (!first_errno)
				first_errno = e;
			break;
		case THREAD_DONE:
			any_attached = TRUE;
			break;
		}
		number++;
		/* Until one thread could be attached, the whole may yet turn
		 * into an error: hold the blocks back. */
		g_string_append_len (held, block->str, block->len);
		if (any_attached) {
			if (!write_all (out_fd, held->str, held->len))
				goto out;
			g_string_truncate (held, 0);
		}
	}
	if (!any_attached && first_errno) {
		err = first_errno;
		hint = attach_hint (pid, g_array_index (tids, pid_t, 0));
		g_string_printf (held, "cannot attach to pid %d: %s%s", (int) pid, errno_text (err), hint);
	} else if (!any_attached) {
		/* Every thread ended before its turn: so did the process. */
		err = ESRCH;
		state = status_field (pid, pid, "State");
		g_string_printf (held, "cannot attach to pid %d: %s%s", (int) pid, errno_text (err),
				 state && state[0] == 'Z' ? " (a zombie: exited, not yet reaped)" : "");
	}
out:
	if (as)
		unw_destroy_addr_space (as);
	write_all (out_fd, held->str, held->len);
	/* In one write: a helper killed half-way must not leave "\0" alone,
	 * which would read as success. */
	g_snprintf (trailer + 1, sizeof trailer - 1, "%d", err);
	write_all (out_fd, trailer, 1 + strlen (trailer + 1));
}

static void
helper_setup (pid_t parent, int keep_fd)
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };

	prctl (PR_SET_NAME, "mwb-backtrace");
	/* If mwb dies, the helper dies too, and the kernel lets go of what the
	 * helper was tracing. */
	prctl (PR_SET_PDEATHSIG, SIGKILL);
	if (getppid () != parent)
		_exit (127);
	/* mwb's crash handler would restore mwb's terminal and write a crash
	 * report in mwb's name. */
	for (guint i = 0; i < G_N_ELEMENTS (fatal); i++)
		signal (fatal[i], SIG_DFL);
	/* Do not hold mwb's pipes and sockets open behind its back. */
	if (keep_fd >= 3) {
		if (keep_fd > 3)
			close_range (3, keep_fd - 1, 0);
		close_range (keep_fd + 1, ~0U, 0);
	}
}

char *
mwb_backtrace_process (pid_t pid, GError **error)
{
	g_autoptr (GString) got = g_string_new (NULL);
	gint64 deadline = g_get_monotonic_time () + HELPER_TIMEOUT_US;
	g_autofree char *why = NULL;
	gboolean timed_out = FALSE;
	pid_t parent = getpid ();
	pid_t helper;
	const char *end;
	int status = 0;
	int fds[2];

	if (pid <= 0) {
		g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "cannot attach to pid %d: %s",
			     (int) pid, g_strerror (EINVAL));
		return NULL;
	}
	if (pipe2 (fds, O_CLOEXEC) < 0) {
		int e = errno;

		g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
			     "cannot backtrace pid %d: pipe: %s", (int) pid, g_strerror (e));
		return NULL;
	}
	helper = fork ();
	if (helper < 0) {
		int e = errno;

		close (fds[0]);
		close (fds[1]);
		g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
			     "cannot backtrace pid %d: fork: %s", (int) pid, g_strerror (e));
		return NULL;
	}
	if (helper == 0) {
		close (fds[0]);
		helper_setup (parent, fds[1]);
		helper_main (pid, fds[1]);
		_exit (0);
	}
	close (fds[1]);
	for (;;) {
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
		gint64 left = deadline - g_get_monotonic_time ();
		char buf[4096];
		ssize_t n;

		if (left <= 0) {
			timed_out = TRUE;
			break;
		}
		if (poll (&pfd, 1, (int) MIN (left / 1000 + 1, G_MAXINT)) <= 0)
			continue;
		n = read (fds[0], buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		g_string_append_len (got, buf, n);
	}
	close (fds[0]);
	/* Killing the helper is what releases the threads it still traces. */
	if (timed_out)
		kill (helper, SIGKILL);
	while (waitpid (helper, &status, 0) < 0)
		if (errno != EINTR) {
			status = -1;
			break;
		}

	end = timed_out ? NULL : memrchr (got->str, '\0', got->len);
	if (end) {
		int code = atoi (end + 1);

		g_string_truncate (got, end - got->str);
		if (code == 0)
			return g_string_free (g_steal_pointer (&got), FALSE);
		g_set_error_literal (error, G_FILE_ERROR, g_file_error_from_errno (code), got->str);
		return NULL;
	}

	/* The helper did not finish: keep what it had found, and say why the
	 * rest is missing. */
	if (timed_out)
		why = g_strdup_printf ("timed out after %d s", (int) (HELPER_TIMEOUT_US / G_USEC_PER_SEC));
	else if (status != -1 && WIFSIGNALED (status))
		why = g_strdup_printf ("was killed by signal %d", WTERMSIG (status));
	else
		why = g_strdup ("ended without a result");
	if (!got->len) {
		g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
			     "cannot backtrace pid %d: the helper %s", (int) pid, why);
		return NULL;
	}
	g_string_append_printf (got, "\n(the backtrace helper %s: the rest is missing)\n", why);
	return g_string_free (g_steal_pointer (&got), FALSE);
}
