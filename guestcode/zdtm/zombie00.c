/*
 * zombie00: a process tree with zombies.
 *
 *   test
 *   |- Z   exits with 42 before the dump, left unreaped (a zombie)
 *   |       (its grandchild exited and was reaped before that)
 *   `- L   alive, waits for SIGTERM
 *      |- L1  alive, waits for SIGTERM, then exits with 23
 *      `- L2  exits with 24 before the dump, left unreaped by L
 *
 * After restore the test finds Z still a zombie with status 42, then stops L,
 * which checks its own zombie and child and exits with 33 if all is well.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zdtmtst.h"

#define Z_CODE 42
#define ZG_CODE 21
#define L_CODE 33
#define L1_CODE 23
#define L2_CODE 24

/* Is pid an unreaped zombie that exited with code? Does not reap it. */
static int is_zombie(pid_t pid, int code, const char *who)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0) {
		pfail("waitid %s (%d)", who, pid);
		return 0;
	}
	if (si.si_pid != pid) {
		fail("%s (%d) is not a zombie", who, pid);
		return 0;
	}
	if (si.si_code != CLD_EXITED || si.si_status != code) {
		fail("%s (%d): si_code %d si_status %d, want exited with %d", who, pid,
		     si.si_code, si.si_status, code);
		return 0;
	}
	return 1;
}

static void reap(pid_t pid, int code, const char *who)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		pfail("waitpid %s (%d)", who, pid);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != code)
		fail("%s (%d): status %#x, want exited with %d", who, pid, status, code);
}

static void wait_exited(pid_t pid)
{
	siginfo_t si;

	while (waitid(P_PID, pid, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
		;
}

static void __attribute__((noreturn)) z_main(void)
{
	pid_t g = test_fork();
	int status;

	if (g == 0)
		_exit(ZG_CODE);
	if (g < 0 || waitpid(g, &status, 0) != g || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != ZG_CODE)
		_exit(1);
	_exit(Z_CODE);
}

static void __attribute__((noreturn)) l_main(pid_t test_pid, int ready_fd)
{
	pid_t l1, l2;

	l1 = test_fork();
	if (l1 == 0) {
		test_waitsig();
		_exit(L1_CODE);
	}
	l2 = test_fork();
	if (l2 == 0)
		_exit(L2_CODE);
	if (l1 < 0 || l2 < 0)
		exit(1); /* the test sees EOF instead of "ready" */
	wait_exited(l2);
	if (write(ready_fd, "r", 1) != 1)
		exit(1);
	close(ready_fd);

	test_waitsig();

	if (getppid() != test_pid)
		fail("parent is %d, want %d", getppid(), test_pid);
	if (is_zombie(l2, L2_CODE, "L2"))
		reap(l2, L2_CODE, "L2");
	if (kill(l1, SIGTERM) < 0)
		pfail("kill L1 (%d)", l1);
	else
		reap(l1, L1_CODE, "L1");
	exit(test_failed() ? 1 : L_CODE);
}

int main(int argc, char **argv)
{
	pid_t z, l, test_pid;
	int p[2];
	siginfo_t si;
	char c;

	test_init(argc, argv);
	test_pid = getpid();

	z = test_fork();
	if (z < 0)
		pfail("fork");
	if (z == 0)
		z_main();
	wait_exited(z);
	if (!is_zombie(z, Z_CODE, "Z"))
		exit(1);

	if (pipe(p) < 0)
		pfail("pipe");
	l = test_fork();
	if (l < 0)
		pfail("fork");
	if (l == 0) {
		close(p[0]);
		l_main(test_pid, p[1]);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		fail("L (%d) failed to set up its children", l);
	close(p[0]);
	test_msg("Z %d, L %d", z, l);

	test_daemon();
	test_waitsig();

	if (is_zombie(z, Z_CODE, "Z"))
		reap(z, Z_CODE, "Z");

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, l, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
		pfail("waitid L (%d)", l);
	else if (si.si_pid == l)
		fail("L (%d) is dead: si_code %d si_status %d", l, si.si_code, si.si_status);
	else if (kill(l, SIGTERM) < 0)
		pfail("kill L (%d)", l);
	else
		reap(l, L_CODE, "L");
	return pass();
}
