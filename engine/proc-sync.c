/* Short helper programs run to completion (query-machines probes, certtool):
 * their own process group under the guard, input written, output read, and a
 * time limit after which the group is killed, so a hung helper can neither
 * hang mwb nor outlive it. */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guard.h"
#include "mwb-error.h"

static void
own_group (gpointer data)
{
	(void) data;
	setpgid (0, 0);
}

static void
drain (int *fd, GString *into)
{
	char buf[8192];
	ssize_t n = read (*fd, buf, sizeof buf);

	if (n > 0) {
		g_string_append_len (into, buf, n);
		return;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	close (*fd);
	*fd = -1;
}

gboolean
mwb_run_sync (const char *const *argv, const char *input, guint timeout_ms, char **out, char **err,
	      int *wait_status, GError **error)
{
	int in_fd = -1, out_fd = -1, err_fd = -1;
	GPid pid;
	g_autoptr (GString) o = g_string_new (NULL);
	g_autoptr (GString) e = g_string_new (NULL);
	gsize in_len = input ? strlen (input) : 0, in_done = 0;
	gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
	gboolean timed_out = FALSE;
	int status = 0;

	if (!g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
				       G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, own_group, NULL, &pid,
				       &in_fd, &out_fd, &err_fd, error))
		return FALSE;
	mwb_guard_watch (pid);
	fcntl (in_fd, F_SETFL, O_NONBLOCK);
	if (in_len == 0) {
		close (in_fd);
		in_fd = -1;
	}
	while (out_fd >= 0 || err_fd >= 0) {
		struct pollfd p[3] = { { out_fd, POLLIN, 0 }, { err_fd, POLLIN, 0 }, { in_fd, POLLOUT, 0 } };
		gint64 left = (deadline - g_get_monotonic_time ()) / 1000;

		if (left <= 0) {
			timed_out = TRUE;
			break;
		}
		if (poll (p, 3, (int) MIN (left, 1000)) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			drain (&out_fd, o);
		if (p[1].revents)
			drain (&err_fd, e);
		if (in_fd >= 0 && p[2].revents) {
			ssize_t n = write (in_fd, input + in_done, in_len - in_done);

			if (n > 0)
				in_done += n;
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				in_done = in_len;
			if (in_done >= in_len) {
				close (in_fd);
				in_fd = -1;
			}
		}
	}
	if (in_fd >= 0)
		close (in_fd);
	if (out_fd >= 0)
		close (out_fd);
	if (err_fd >= 0)
		close (err_fd);
	if (timed_out)
		kill (-pid, SIGKILL);
	while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
		;
	/* Whatever it left in its group goes with it. */
	kill (-pid, SIGKILL);
	mwb_guard_unwatch (pid);
	g_spawn_close_pid (pid);
	if (timed_out) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_BACKEND, "%s did not finish within %u ms", argv[0],
			     timeout_ms);
		return FALSE;
	}
	if (out)
		*out = g_string_free (g_steal_pointer (&o), FALSE);
	if (err)
		*err = g_string_free (g_steal_pointer (&e), FALSE);
	if (wait_status)
		*wait_status = status;
	return TRUE;
}
