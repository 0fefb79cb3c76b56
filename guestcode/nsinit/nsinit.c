/* nsinit: zdtm's ns and uns flavors. Starts a ZDTM-style test as the child of
 * an init of its own in new PID, mount, UTS, network and IPC namespaces (and
 * a user namespace for uns), inside a root directory prepared by mwb.
 *
 *   nsinit --flavor=ns|uns --root=DIR --pidfile=HOSTFILE -- TEST ARGS...
 *
 * Like the tests it starts, it daemonizes: it exits 0 once the test in the
 * namespace is ready (HOSTFILE then holds the init's host PID), or 1 with the
 * reason on stderr. The init is what criu dumps and restores: it reaps every
 * orphan of the namespace (PID 1 of this host reaps slowly, and a restore
 * needs the dumped PIDs free) and exits with the test's status when the last
 * process of the namespace is gone.
 *
 * The init re-executes itself from inside the new root (/nsinit, a static
 * binary), so nothing it maps lies outside the root criu is given. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void
die (const char *fmt, ...)
{
	va_list ap;

	fprintf (stderr, "nsinit: ");
	va_start (ap, fmt);
	vfprintf (stderr, fmt, ap);
	va_end (ap);
	fprintf (stderr, "\n");
	exit (1);
}

static void
write_file (const char *path, const char *text)
{
	int fd = open (path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write (fd, text, strlen (text)) != (ssize_t) strlen (text))
		die ("write %s: %s", path, strerror (errno));
	close (fd);
}

/* Inside the new namespaces, as PID 1: the new root, /proc, then exec
 * ourselves from the root as the real init. */
static void
enter_root (const char *root, int ready_fd, char **test_argv)
{
	char fdbuf[16];
	char *argv[64];
	int n = 0;

	if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die ("make / private: %s", strerror (errno));
	if (mount (root, root, NULL, MS_BIND | MS_REC, NULL) < 0)
		die ("bind %s: %s", root, strerror (errno));
	if (chdir (root) < 0)
		die ("chdir %s: %s", root, strerror (errno));
	mkdir ("old-root", 0700);
	if (syscall (SYS_pivot_root, ".", "old-root") < 0)
		die ("pivot_root %s: %s", root, strerror (errno));
	/* In a user namespace the kernel lets /proc be mounted only while a
	 * full proc is still visible: mount it before the old root goes. */
	if (chdir ("/") < 0 || mount ("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		die ("mount /proc: %s", strerror (errno));
	if (umount2 ("/old-root", MNT_DETACH) < 0)
		die ("leave the old root: %s", strerror (errno));
	rmdir ("/old-root");
	sethostname ("zdtm", 4);
	snprintf (fdbuf, sizeof fdbuf, "%d", ready_fd);
	argv[n++] = "/nsinit";
	argv[n++] = "--init";
	argv[n++] = fdbuf;
	argv[n++] = "--";
	for (int i = 0; test_argv[i] && n < 63; i++)
		argv[n++] = test_argv[i];
	argv[n] = NULL;
	execv ("/nsinit", argv);
	die ("exec /nsinit in %s: %s", root, strerror (errno));
}

/* The init: start the test, report, reap until the namespace is empty. */
static int
run_init (int ready_fd, char **test_argv)
{
	int status = 0, test_status = 0;
	pid_t launcher, pid;
	char ok;

	setsid ();
	/* What criu dumps must hold nothing of the host: no stray fds. */
	for (int fd = 3; fd < 1024; fd++)
		if (fd != ready_fd)
			close (fd);
	launcher = fork ();
	if (launcher < 0)
		die ("fork: %s", strerror (errno));
	if (launcher == 0) {
		close (ready_fd);
		execv (test_argv[0], test_argv);
		fprintf (stderr, "nsinit: exec %s: %s\n", test_argv[0], strerror (errno));
		_exit (127);
	}
	while (waitpid (launcher, &status, 0) < 0 && errno == EINTR)
		;
	ok = WIFEXITED (status) && WEXITSTATUS (status) == 0 ? 0 : 1;
	if (write (ready_fd, &ok, 1) != 1)
		return 1;
	close (ready_fd);
	/* stdio pointed at the host's pipes: nothing of them may stay open */
	int null = open ("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2 (null, 0);
		dup2 (null, 1);
		dup2 (null, 2);
		if (null > 2)
			close (null);
	}
	if (ok)
		return 1;
	for (;;) {
		pid = wait (&status);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			break;
		test_status = status;
	}
	return WIFEXITED (test_status) ? WEXITSTATUS (test_status) : 128 + WTERMSIG (test_status);
}

int
main (int argc, char **argv)
{
	const char *flavor = NULL, *root = NULL, *pidfile = NULL;
	int go[2], ready[2], i;
	unsigned long flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWIPC;
	pid_t child;
	char c = 1, go_byte;

	if (argc >= 3 && strcmp (argv[1], "--init") == 0 && strcmp (argv[3], "--") == 0)
		return run_init (atoi (argv[2]), argv + 4);
	for (i = 1; i < argc && strcmp (argv[i], "--"); i++) {
		if (!strncmp (argv[i], "--flavor=", 9))
			flavor = argv[i] + 9;
		else if (!strncmp (argv[i], "--root=", 7))
			root = argv[i] + 7;
		else if (!strncmp (argv[i], "--pidfile=", 10))
			pidfile = argv[i] + 10;
		else
			die ("unknown argument %s", argv[i]);
	}
	if (!flavor || !root || !pidfile || i + 1 >= argc)
		die ("usage: nsinit --flavor=ns|uns --root=DIR --pidfile=FILE -- TEST ARGS...");
	if (strcmp (flavor, "uns") == 0)
		flags |= CLONE_NEWUSER;
	else if (strcmp (flavor, "ns") != 0)
		die ("unknown flavor %s", flavor);
	if (pipe2 (go, O_CLOEXEC) < 0 || pipe2 (ready, O_CLOEXEC) < 0)
		die ("pipe: %s", strerror (errno));
	child = (pid_t) syscall (SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
	if (child < 0)
		die ("clone into new namespaces: %s", strerror (errno));
	if (child == 0) {
		close (go[1]);
		close (ready[0]);
		/* the parent writes our uid/gid maps first */
		if (read (go[0], &go_byte, 1) != 1)
			_exit (1);
		close (go[0]);
		/* the ready pipe must survive the exec: take CLOEXEC off */
		fcntl (ready[1], F_SETFD, 0);
		prctl (PR_SET_PDEATHSIG, 0);
		enter_root (root, ready[1], argv + i + 1);
	}
	close (go[0]);
	close (ready[1]);
	if (flags & CLONE_NEWUSER) {
		char path[64];

		/* root in the namespace is root outside: criu, running as root,
		 * can then dump it (no CAP_SYS_RESOURCE here for another uid) */
		snprintf (path, sizeof path, "/proc/%d/uid_map", child);
		write_file (path, "0 0 4294967295\n");
		snprintf (path, sizeof path, "/proc/%d/gid_map", child);
		write_file (path, "0 0 4294967295\n");
	}
	if (write (go[1], &c, 1) != 1)
		die ("start the namespace's init: %s", strerror (errno));
	close (go[1]);
	if (read (ready[0], &c, 1) != 1 || c != 0) {
		int status;

		waitpid (child, &status, 0);
		die ("the test did not start in the namespace (init %s)",
		     WIFEXITED (status) ? "exited" : "was killed");
	}
	{
		FILE *f;
		char tmp[4096];

		snprintf (tmp, sizeof tmp, "%s.tmp", pidfile);
		f = fopen (tmp, "w");
		if (!f || fprintf (f, "%d\n", child) < 0 || fclose (f) != 0 || rename (tmp, pidfile) < 0)
			die ("write %s: %s", pidfile, strerror (errno));
	}
	return 0;
}
