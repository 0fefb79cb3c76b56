#define _GNU_SOURCE
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guard.h"
#include "mwb-error.h"

typedef struct {
	MwbProc *proc;
	gboolean is_stderr;
	GIOChannel *chan;
	guint watch;
	GString *partial;
	FILE *copy;
} Stream;

struct _MwbProc {
	char *name;
	char *cmdline;
	GPid pid;
	gboolean running;
	gboolean exit_known;
	int status;
	guint child_watch;
	guint kill_timer;
	guint drain_timer;
	Stream out, err;
	char *last_stderr;
	MwbProcLineFunc on_line;
	MwbProcExitFunc on_exit;
	gpointer data;
};

static void
child_setup (gpointer parent)
{
	/* Own group: signals from the terminal reach mwb alone, and mwb can kill
	 * a wrapper together with what it wraps. */
	setpgid (0, 0);
	/* If mwb dies without a word, the kernel kills the direct child at once;
	 * the guard takes care of the rest of the group. */
	prctl (PR_SET_PDEATHSIG, SIGKILL);
	/* mwb died before the line above: do not run as an orphan. (mwb may
	 * itself be pid 1, in a container: compare with its pid, not with 1.) */
	if (getppid () != (pid_t) GPOINTER_TO_INT (parent))
		_exit (127);
}

static void maybe_deliver_exit (MwbProc *p);

static void
stream_emit (Stream *s, const char *line)
{
	MwbProc *p = s->proc;

	if (s->is_stderr && *line) {
		g_free (p->last_stderr);
		p->last_stderr = g_strdup (line);
	}
	if (p->on_line)
		p->on_line (p, s->is_stderr, line, p->data);
}

static void
stream_close (Stream *s)
{
	if (s->partial && s->partial->len) {
		stream_emit (s, s->partial->str);
		g_string_truncate (s->partial, 0);
	}
	g_clear_handle_id (&s->watch, g_source_remove);
	g_clear_pointer (&s->chan, g_io_channel_unref);
	if (s->copy) {
		fclose (s->copy);
		s->copy = NULL;
	}
}

static gboolean
on_stream (GIOChannel *chan, GIOCondition cond, gpointer data)
{
	Stream *s = data;
	char buf[4096];
	ssize_t n;

	(void) cond;
	n = read (g_io_channel_unix_get_fd (chan), buf, sizeof buf);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return G_SOURCE_CONTINUE;
	if (n <= 0) {
		s->watch = 0;
		stream_close (s);
		maybe_deliver_exit (s->proc);
		return G_SOURCE_REMOVE;
	}
	if (s->copy)
		fwrite (buf, 1, n, s->copy);
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			if (s->partial->len && s->partial->str[s->partial->len - 1] == '\r')
				g_string_truncate (s->partial, s->partial->len - 1);
			stream_emit (s, s->partial->str);
			g_string_truncate (s->partial, 0);
		} else if (s->partial->len < 65536) {
			g_string_append_c (s->partial, buf[i]);
		}
	}
	return G_SOURCE_CONTINUE;
}

static void
stream_open (MwbProc *p, Stream *s, int fd, gboolean is_stderr, const char *copy_path)
{
	s->proc = p;
	s->is_stderr = is_stderr;
	s->partial = g_string_new (NULL);
	fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) | O_NONBLOCK);
	s->chan = g_io_channel_unix_new (fd);
	g_io_channel_set_close_on_unref (s->chan, TRUE);
	s->watch = g_io_add_watch (s->chan, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stream, s);
	if (copy_path) {
		s->copy = fopen (copy_path, "we");
		if (s->copy)
			setvbuf (s->copy, NULL, _IOLBF, 0);
	}
}

static gboolean
on_drain_timeout (gpointer data)
{
	MwbProc *p = data;

	/* A grandchild still holds the pipe open; do not wait for it forever. */
	p->drain_timer = 0;
	stream_close (&p->out);
	stream_close (&p->err);
	maybe_deliver_exit (p);
	return G_SOURCE_REMOVE;
}

static void
maybe_deliver_exit (MwbProc *p)
{
	if (!p->exit_known || !p->running)
		return;
	if (p->out.chan || p->err.chan) {
		if (!p->drain_timer)
			p->drain_timer = g_timeout_add (500, on_drain_timeout, p);
		return;
	}
	g_clear_handle_id (&p->drain_timer, g_source_remove);
	p->running = FALSE;
	if (p->on_exit)
		p->on_exit (p, p->status, p->data);
}

static void
on_child_exit (GPid pid, int status, gpointer data)
{
	MwbProc *p = data;

	(void) pid;
	p->child_watch = 0;
	p->exit_known = TRUE;
	p->status = status;
	g_clear_handle_id (&p->kill_timer, g_source_remove);
	/* Whatever the leader left in its group is ours to end. */
	kill (-p->pid, SIGKILL);
	mwb_guard_unwatch (p->pid);
	g_spawn_close_pid (pid);
	maybe_deliver_exit (p);
}

MwbProc *
mwb_proc_spawn (const MwbProcSpec *spec, GError **error)
{
	g_autoptr (GPtrArray) argv = g_ptr_array_new ();
	g_auto (GStrv) wrap = NULL;
	g_autoptr (GString) cmd = g_string_new (NULL);
	g_autofree char *out_path = NULL;
	g_autofree char *err_path = NULL;
	int out_fd = -1, err_fd = -1;
	g_auto (GStrv) envp = NULL;
	MwbProc *p;

	if (spec->wrap && *spec->wrap) {
		g_autoptr (GError) err = NULL;

		if (!g_shell_parse_argv (spec->wrap, NULL, &wrap, &err)) {
			g_set_error (error, MWB_ERROR, MWB_ERROR_USAGE, "wrap prefix for %s: %s",
				     spec->name, err->message);
			return NULL;
		}
		for (guint i = 0; wrap[i]; i++)
			g_ptr_array_add (argv, wrap[i]);
	}
	for (guint i = 0; spec->argv[i]; i++)
		g_ptr_array_add (argv, (char *) spec->argv[i]);
	g_ptr_array_add (argv, NULL);
	for (guint i = 0; argv->pdata[i]; i++) {
		g_autofree char *q = g_shell_quote (argv->pdata[i]);

		g_string_append_printf (cmd, "%s%s", i ? " " : "", q);
	}

	if (spec->env_add) {
		envp = g_get_environ ();
		for (guint i = 0; spec->env_add[i]; i++) {
			const char *eq = strchr (spec->env_add[i], '=');
			g_autofree char *name = eq ? g_strndup (spec->env_add[i], eq - spec->env_add[i]) : NULL;

			if (name)
				envp = g_environ_setenv (envp, name, eq + 1, TRUE);
		}
	}
	p = g_new0 (MwbProc, 1);
	p->name = g_strdup (spec->name);
	p->cmdline = g_strdup (cmd->str);
	p->on_line = spec->on_line;
	p->on_exit = spec->on_exit;
	p->data = spec->data;
	if (!g_spawn_async_with_pipes_and_fds (spec->cwd, (const char *const *) argv->pdata,
					       (const char *const *) envp,
					       G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD
					       | G_SPAWN_STDIN_FROM_DEV_NULL,
					       child_setup, GINT_TO_POINTER (getpid ()), -1, -1, -1, NULL, NULL, 0,
					       &p->pid, NULL, &out_fd, &err_fd, error)) {
		g_free (p->name);
		g_free (p->cmdline);
		g_free (p);
		return NULL;
	}
	/* The child may not have reached setpgid yet: do it from here too, so a
	 * kill of the group can never miss it. */
	setpgid (p->pid, p->pid);
	mwb_guard_watch (p->pid);
	p->running = TRUE;
	if (spec->output_base) {
		out_path = g_strdup_printf ("%s.stdout", spec->output_base);
		err_path = g_strdup_printf ("%s.stderr", spec->output_base);
	}
	stream_open (p, &p->out, out_fd, FALSE, out_path);
	stream_open (p, &p->err, err_fd, TRUE, err_path);
	p->child_watch = g_child_watch_add (p->pid, on_child_exit, p);
	return p;
}

void
mwb_proc_free (MwbProc *p)
{
	if (!p)
		return;
	if (!p->exit_known) {
		kill (-p->pid, SIGKILL);
		/* Reap it here: nobody will be left to do it later. */
		while (waitpid (p->pid, NULL, 0) < 0 && errno == EINTR)
			;
		mwb_guard_unwatch (p->pid);
		g_spawn_close_pid (p->pid);
	}
	g_clear_handle_id (&p->child_watch, g_source_remove);
	g_clear_handle_id (&p->kill_timer, g_source_remove);
	g_clear_handle_id (&p->drain_timer, g_source_remove);
	stream_close (&p->out);
	stream_close (&p->err);
	if (p->out.partial)
		g_string_free (p->out.partial, TRUE);
	if (p->err.partial)
		g_string_free (p->err.partial, TRUE);
	g_free (p->last_stderr);
	g_free (p->name);
	g_free (p->cmdline);
	g_free (p);
}

GPid mwb_proc_pid (MwbProc *p) { return p->pid; }
const char *mwb_proc_name (MwbProc *p) { return p->name; }
const char *mwb_proc_command_line (MwbProc *p) { return p->cmdline; }
gboolean mwb_proc_is_running (MwbProc *p) { return p->running; }
const char *mwb_proc_last_stderr (MwbProc *p) { return p->last_stderr; }

gboolean
mwb_proc_has_exited (MwbProc *p, int *wait_status)
{
	siginfo_t si = { 0 };

	if (p->exit_known) {
		if (wait_status)
			*wait_status = p->status;
		return TRUE;
	}
	if (waitid (P_PID, p->pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid != p->pid)
		return FALSE;
	if (wait_status)
		*wait_status = si.si_code == CLD_EXITED ? W_EXITCODE (si.si_status, 0)
							: si.si_status & 0x7f;
	return TRUE;
}

void
mwb_proc_signal (MwbProc *p, int sig)
{
	if (!p->exit_known)
		kill (-p->pid, sig);
}

static gboolean
on_kill_timer (gpointer data)
{
	MwbProc *p = data;

	p->kill_timer = 0;
	mwb_proc_signal (p, SIGKILL);
	return G_SOURCE_REMOVE;
}

void
mwb_proc_terminate (MwbProc *p, guint grace_ms)
{
	if (p->exit_known)
		return;
	mwb_proc_signal (p, SIGTERM);
	if (!p->kill_timer)
		p->kill_timer = g_timeout_add (grace_ms, on_kill_timer, p);
}

char *
mwb_describe_wait_status (int st)
{
	if (WIFEXITED (st))
		return g_strdup_printf ("exited with status %d", WEXITSTATUS (st));
	if (WIFSIGNALED (st))
		return g_strdup_printf ("killed by signal %d (SIG%s)%s", WTERMSIG (st),
					sigabbrev_np (WTERMSIG (st)) ? sigabbrev_np (WTERMSIG (st)) : "?",
					WCOREDUMP (st) ? ", core dumped" : "");
	return g_strdup_printf ("ended with wait status 0x%x", st);
}
