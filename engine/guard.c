#define _GNU_SOURCE
#include "guard.h"

#include <fcntl.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_GROUPS 1024
#define MAX_SCRIPTS 8
#define MAX_LINE 4096

static int guard_fd = -1;

static gboolean
group_alive (pid_t pgid)
{
	return kill (-pgid, 0) == 0 || errno == EPERM;
}

static void
kill_groups (pid_t *groups, int n)
{
	struct timespec tick = { 0, 20 * 1000 * 1000 };

	for (int i = 0; i < n; i++)
		if (groups[i] > 0)
			kill (-groups[i], SIGTERM);
	/* Give QEMU a moment to exit cleanly, then be sure. */
	for (int t = 0; t < 100; t++) {
		gboolean any = FALSE;

		for (int i = 0; i < n; i++)
			any |= groups[i] > 0 && group_alive (groups[i]);
		if (!any)
			return;
		nanosleep (&tick, NULL);
	}
	for (int i = 0; i < n; i++)
		if (groups[i] > 0)
			kill (-groups[i], SIGKILL);
}

static void
run_scripts (char **scripts, int n)
{
	for (int i = 0; i < n; i++) {
		pid_t pid;

		if (!scripts[i])
			continue;
		pid = fork ();
		if (pid == 0) {
			execl ("/bin/sh", "sh", scripts[i], (char *) NULL);
			_exit (127);
		}
		if (pid < 0)
			continue;
		/* A script that hangs must not keep the guard forever. */
		for (int t = 0; t < 600 && waitpid (pid, NULL, WNOHANG) == 0; t++)
			usleep (100 * 1000);
		kill (pid, SIGKILL);
		waitpid (pid, NULL, WNOHANG);
	}
}

static void
script_line (char **scripts, int *n, const char *line)
{
	if (line[0] == '!') {
		for (int k = 0; k < MAX_SCRIPTS; k++)
			if (!scripts[k]) {
				scripts[k] = strdup (line + 1);
				*n = MAX (*n, k + 1);
				return;
			}
	}
	else
		for (int k = 0; k < *n; k++)
			if (scripts[k] && strcmp (scripts[k], line + 1) == 0) {
				free (scripts[k]);
				scripts[k] = NULL;
			}
}

/* Plain read(2) and fixed arrays: the guard must not depend on anything that
 * may be broken in the process it watches over. */
static void G_GNUC_NORETURN
guard_main (int fd)
{
	pid_t groups[MAX_GROUPS];
	char *scripts[MAX_SCRIPTS] = { 0 };
	int n = 0, n_scripts = 0;
	char buf[256];
	char line[MAX_LINE];
	size_t len = 0;

	prctl (PR_SET_NAME, "mwb-guard");
	for (;;) {
		ssize_t got = read (fd, buf, sizeof buf);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		for (ssize_t i = 0; i < got; i++) {
			if (buf[i] != '\n') {
				if (len < sizeof line - 1)
					line[len++] = buf[i];
				continue;
			}
			line[len] = '\0';
			len = 0;
			if (line[0] == '!' || line[0] == '~')
				script_line (scripts, &n_scripts, line);
			else if (line[0] == '+') {
				int k = 0;

				/* Reuse a slot freed by '-': long runs start many groups. */
				while (k < n && groups[k] != 0)
					k++;
				if (k < MAX_GROUPS) {
					groups[k] = (pid_t) atol (line + 1);
					n = MAX (n, k + 1);
				}
			}
			else if (line[0] == '-')
				for (int k = 0; k < n; k++)
					if (groups[k] == (pid_t) atol (line + 1))
						groups[k] = 0;
		}
	}
	kill_groups (groups, n);
	run_scripts (scripts, n_scripts);
	_exit (0);
}

gboolean
mwb_guard_start (void)
{
	int fds[2];
	pid_t pid;

	if (guard_fd >= 0)
		return TRUE;
	if (pipe2 (fds, O_CLOEXEC) < 0)
		return FALSE;
	pid = fork ();
	if (pid < 0) {
		close (fds[0]);
		close (fds[1]);
		return FALSE;
	}
	if (pid == 0) {
		/* Its own session: ^C on the terminal and kill -- -PGID of mwb miss it. */
		setsid ();
		signal (SIGINT, SIG_IGN);
		signal (SIGTERM, SIG_IGN);
		signal (SIGHUP, SIG_IGN);
		signal (SIGPIPE, SIG_IGN);
		for (int fd = 0; fd < 1024; fd++)
			if (fd != fds[0])
				close (fd);
		guard_main (fds[0]);
	}
	close (fds[0]);
	guard_fd = fds[1];
	/* A dead guard must not kill mwb through SIGPIPE. */
	signal (SIGPIPE, SIG_IGN);
	return TRUE;
}

static void
guard_send (char sign, GPid pgid)
{
	char msg[32];
	int n;

	if (guard_fd < 0 || pgid <= 0)
		return;
	n = snprintf (msg, sizeof msg, "%c%d\n", sign, (int) pgid);
	while (write (guard_fd, msg, n) < 0 && errno == EINTR)
		;
}

void
mwb_guard_watch (GPid pgid)
{
	guard_send ('+', pgid);
}

void
mwb_guard_unwatch (GPid pgid)
{
	guard_send ('-', pgid);
}

static void
guard_send_text (char sign, const char *text)
{
	g_autofree char *msg = NULL;
	size_t len, off = 0;

	if (guard_fd < 0 || !text || strlen (text) >= MAX_LINE - 2 || strchr (text, '\n'))
		return;
	msg = g_strdup_printf ("%c%s\n", sign, text);
	len = strlen (msg);
	while (off < len) {
		ssize_t w = write (guard_fd, msg + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return;
		off += (size_t) w;
	}
}

void
mwb_guard_cleanup_script (const char *file)
{
	guard_send_text ('!', file);
}

void
mwb_guard_forget_script (const char *file)
{
	guard_send_text ('~', file);
}
