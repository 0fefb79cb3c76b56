/* Debugging on demand: gdb attached to a role's process (in the foreground,
 * or a tmux window inside tmux), a backtrace of every thread through
 * libunwind's ptrace unwinding, and wrappers for the next start. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backtrace.h"
#include "mwb-error.h"
#include "tui.h"

static char *
read_comm (GPid pid)
{
	g_autofree char *path = g_strdup_printf ("/proc/%d/comm", (int) pid);
	char *comm = NULL;

	if (!g_file_get_contents (path, &comm, NULL, NULL))
		return NULL;
	return g_strchomp (comm);
}

/* Under `gdb --args` or `strace -f` the QEMU is a child of the wrapper. */
static GPid
qemu_pid (GPid pid)
{
	g_autofree char *comm = read_comm (pid);
	g_autofree char *path = NULL;
	g_autofree char *children = NULL;
	g_auto (GStrv) kids = NULL;

	if (comm && g_str_has_prefix (comm, "qemu"))
		return pid;
	path = g_strdup_printf ("/proc/%d/task/%d/children", (int) pid, (int) pid);
	if (!g_file_get_contents (path, &children, NULL, NULL))
		return pid;
	kids = g_strsplit (g_strstrip (children), " ", -1);
	for (guint i = 0; kids[i]; i++) {
		GPid kid = (GPid) atoi (kids[i]);
		g_autofree char *kc = kid > 0 ? read_comm (kid) : NULL;

		if (kc && g_str_has_prefix (kc, "qemu"))
			return kid;
	}
	return pid;
}

static GPid
role_pid (MwbTui *t, const char *role)
{
	GPid pid = mwb_runner_pid_of (t->runner, role);

	if (!pid) {
		tui_message (t, MWB_C_FAIL, "no %s process is running%s", role,
			     mwb_runner_state (t->runner) == MWB_RUNNER_PAUSED ? " (s starts the next step)" : "");
		return 0;
	}
	return qemu_pid (pid);
}

static void
log_lines (MwbTui *t, const char *source, const char *text)
{
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
	gint64 now = (gint64) (mwb_runner_elapsed (t->runner) * 1e6);
	int view = mwb_logbook_view_index (t->log, source);
	guint before = view >= 0 ? mwb_logbook_view (t->log, view)->items->len : 0;

	for (guint i = 0; lines[i]; i++)
		if (*lines[i] || lines[i + 1])
			mwb_logbook_add_line (t->log, now, source, lines[i], MWB_LB_PLAIN);
	tui_close_viewer (t);
	pane_log_show_from (t->logp, source, before);
	tui_focus (t, t->logp);
}

/* No terminal to hand over (scripts): gdb in batch mode, its answer logged. */
static void
gdb_batch (MwbTui *t, const char *role, GPid pid)
{
	g_autofree char *spid = g_strdup_printf ("%d", (int) pid);
	const char *argv[] = { "gdb", "-q", "-nx", "-batch", "-p", spid, "-ex", "info threads", NULL };
	g_autofree char *out = NULL;
	g_autofree char *err_text = NULL;
	g_autofree char *source = g_strdup_printf ("gdb-%s", role);
	g_autoptr (GError) err = NULL;
	int status;

	if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err_text,
			   &status, &err)) {
		tui_message (t, MWB_C_FAIL, "gdb: %s", err->message);
		return;
	}
	log_lines (t, source, out);
	tui_message (t, MWB_C_NORMAL, "gdb attached to %s (pid %d) in batch mode and detached", role,
		     (int) pid);
}

static void
gdb_tmux (MwbTui *t, const char *role, GPid pid)
{
	g_autofree char *name = g_strdup_printf ("gdb-%s", role);
	/* Closing the window kills gdb without a detach, which leaves the
	 * process stopped: whatever way gdb ends, the process goes on. */
	g_autofree char *cmd = g_strdup_printf ("trap 'sleep 0.3; kill -CONT %d' HUP TERM EXIT; gdb -q -p %d",
						(int) pid, (int) pid);
	const char *argv[] = { "tmux", "new-window", "-n", name, cmd, NULL };
	g_autoptr (GError) err = NULL;
	int status;

	if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
			   &status, &err) || !g_spawn_check_wait_status (status, &err)) {
		tui_message (t, MWB_C_FAIL, "tmux new-window: %s", err->message);
		return;
	}
	tui_message (t, MWB_C_NORMAL, "gdb attached to %s (pid %d) in tmux window %s", role, (int) pid,
		     name);
}

/* gdb owns the terminal until it exits; mwb's screen is put away and back. */
static void
gdb_foreground (MwbTui *t, const char *role, GPid pid)
{
	g_autofree char *spid = g_strdup_printf ("%d", (int) pid);
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_ttou;
	pid_t child;
	int status = 0;

	display_suspend ();
	sigaction (SIGTTOU, &ign, &old_ttou);
	child = fork ();
	if (child == 0) {
		setpgid (0, 0);
		tcsetpgrp (STDIN_FILENO, getpid ());
		signal (SIGINT, SIG_DFL);
		signal (SIGTTOU, SIG_DFL);
		signal (SIGTSTP, SIG_DFL);
		execlp ("gdb", "gdb", "-q", "-p", spid, (char *) NULL);
		fprintf (stderr, "mwb: gdb: %s\n", strerror (errno));
		_exit (127);
	}
	if (child > 0) {
		/* Both sides set the group: whichever runs first wins the race. */
		setpgid (child, child);
		tcsetpgrp (STDIN_FILENO, child);
		while (waitpid (child, &status, 0) < 0 && errno == EINTR)
			;
		tcsetpgrp (STDIN_FILENO, getpgrp ());
		/* gdb killed rather than quit leaves its process stopped. */
		kill (pid, SIGCONT);
	}
	sigaction (SIGTTOU, &old_ttou, NULL);
	display_resume (t);
	if (child < 0)
		tui_message (t, MWB_C_FAIL, "fork: %s", g_strerror (errno));
	else if (WIFEXITED (status) && WEXITSTATUS (status) == 127)
		tui_message (t, MWB_C_FAIL, "gdb could not be started (is it installed?)");
	else
		tui_message (t, MWB_C_NORMAL, "back from gdb (%s, pid %d)", role, (int) pid);
}

void
debug_gdb (MwbTui *t, const char *role)
{
	g_auto (GStrv) words = g_strsplit (role, " ", 2);
	gboolean here = words[1] && strcmp (g_strstrip (words[1]), "here") == 0;
	GPid pid = role_pid (t, words[0]);
	const char *wrap = g_hash_table_lookup (t->cfg->wraps, words[0]);

	if (!pid)
		return;
	if (wrap && strstr (wrap, "valgrind")) {
		tui_message (t, MWB_C_FAIL, "%s runs under valgrind: gdb cannot attach; use valgrind's "
			     "--vgdb-error=0 and vgdb instead", words[0]);
		return;
	}
	if (t->headless || !isatty (STDIN_FILENO))
		gdb_batch (t, words[0], pid);
	else if (g_getenv ("TMUX") && !here)
		gdb_tmux (t, words[0], pid);
	else
		gdb_foreground (t, words[0], pid);
}

void
debug_bt (MwbTui *t, const char *role)
{
	GPid pid = role_pid (t, role);
	g_autoptr (GError) err = NULL;
	g_autofree char *text = NULL;
	g_autofree char *source = g_strdup_printf ("bt-%s", role);

	if (!pid)
		return;
	text = mwb_backtrace_process (pid, &err);
	if (!text) {
		tui_message (t, MWB_C_FAIL, "bt %s: %s", role, err->message);
		return;
	}
	log_lines (t, source, text);
	tui_message (t, MWB_C_NORMAL, "backtrace of %s (pid %d): every thread, stopped only while unwinding",
		     role, (int) pid);
}

gboolean
debug_set_wrap (MwbTui *t, const char *role, const char *prefix, GError **error)
{
	g_autofree char *full = NULL;

	if (strcmp (role, "src") != 0 && strcmp (role, "dst") != 0 && strcmp (role, "criu") != 0) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_USAGE, "wrap: the roles are src, dst and criu, not '%s'", role);
		return FALSE;
	}
	if (!*prefix) {
		g_hash_table_remove (t->cfg->wraps, role);
		tui_message (t, MWB_C_NORMAL, "%s runs unwrapped from its next start (r restarts)", role);
		return TRUE;
	}
	/* valgrind's report belongs in the run dir, where it becomes a log tab;
	 * and everything is slower under it. */
	if (g_str_has_prefix (prefix, "valgrind") && !strstr (prefix, "--log-file")) {
		full = g_strdup_printf ("%s --log-file=${run}/valgrind-%s.log", prefix, role);
		if (t->cfg->step_timeout_scale < 10)
			t->cfg->step_timeout_scale = 10;
	} else {
		full = g_strdup (prefix);
	}
	g_hash_table_replace (t->cfg->wraps, g_strdup (role), g_strdup (full));
	tui_message (t, MWB_C_NORMAL, "%s runs under '%s' from its next start (r restarts)", role, full);
	return TRUE;
}
