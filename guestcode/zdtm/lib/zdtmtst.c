#define _GNU_SOURCE
#include "zdtmtst.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

const char *test_name = "zdtm";
const char *test_dir = ".";

static char *pidfile;
/* Write end of the pipe to the starting process, open until test_daemon(). */
static int ready_fd = -1;
/* Before test_daemon() a failure ends the test: there is nothing to check yet. */
static int in_setup;
static int in_child;

static volatile sig_atomic_t got_sigterm;

static int nr_failed;
static char first_failure[1024];
static int lines_after_failure;

#define MAX_CHILDREN 32
static pid_t children[MAX_CHILDREN];
static int nr_children;

/* One write() per line: the outfile is O_APPEND and shared with our children. */
static void out_line(const char *prefix, const char *msg)
{
	char line[1200];
	int n = snprintf(line, sizeof(line), "%s%s\n", prefix, msg);

	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line)) {
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	write_all(STDOUT_FILENO, line, n);
}

static void report_setup_failure(const char *msg)
{
	if (ready_fd < 0)
		return;
	write_all(ready_fd, "1", 1);
	write_all(ready_fd, msg, strlen(msg));
	close(ready_fd);
	ready_fd = -1;
}

static void vfail(int with_errno, const char *fmt, va_list ap)
{
	char msg[1024];
	int err = errno;
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);

	if (with_errno && n >= 0 && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(err));
	if (in_child) {
		/* The child's exit status is its verdict; this line only explains it. */
		char pfx[64];

		snprintf(pfx, sizeof(pfx), "FAIL: child %d: ", (int)getpid());
		out_line(pfx, msg);
	} else {
		out_line("FAIL: ", msg);
	}
	if (!nr_failed++)
		snprintf(first_failure, sizeof(first_failure), "%s", msg);
	lines_after_failure = 0;
	if (in_setup && !in_child) {
		report_setup_failure(msg);
		exit(1);
	}
	errno = err;
}

void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(0, fmt, ap);
	va_end(ap);
}

void pfail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(1, fmt, ap);
	va_end(ap);
}

int test_failed(void)
{
	return nr_failed != 0;
}

void test_msg(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	out_line("", msg);
	lines_after_failure++;
	errno = err;
}

int pass(void)
{
	/* Children must not write after the verdict, and none may outlive us. */
	test_reap_children();
	if (nr_failed) {
		if (lines_after_failure)
			out_line("FAIL: ", first_failure);
		return 1;
	}
	out_line("", "PASS");
	return 0;
}

static void sigterm_handler(int sig)
{
	(void)sig;
	got_sigterm = 1;
}

void test_waitsig(void)
{
	sigset_t mask;

	/*
	 * SIGTERM is blocked everywhere else, so it can only arrive in here.
	 * sigsuspend() returns on any handled signal and with EINTR when the
	 * task is restored; either way only the flag ends the wait.
	 */
	sigprocmask(SIG_BLOCK, NULL, &mask);
	sigdelset(&mask, SIGTERM);
	while (!got_sigterm)
		sigsuspend(&mask);
}

pid_t test_fork(void)
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		in_child = 1;
		got_sigterm = 0;
		nr_children = 0;
		nr_failed = 0;
		lines_after_failure = 0;
		if (ready_fd >= 0) {
			/* Only the test process may answer the starter. */
			close(ready_fd);
			ready_fd = -1;
		}
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent) /* it died before prctl() */
			_exit(1);
		return 0;
	}
	if (nr_children < MAX_CHILDREN)
		children[nr_children++] = pid;
	return pid;
}

void test_reap_children(void)
{
	int i;

	for (i = 0; i < nr_children; i++) {
		siginfo_t si;

		/* ECHILD: the test reaped it already, so the pid may be someone else's. */
		if (waitid(P_PID, children[i], &si, WEXITED | WNOHANG | WNOWAIT) < 0)
			continue;
		kill(children[i], SIGKILL);
		while (waitpid(children[i], NULL, 0) < 0 && errno == EINTR)
			;
	}
	nr_children = 0;
}

static void at_exit(void)
{
	test_reap_children();
}

char *test_path(const char *suffix)
{
	char *p;

	if (asprintf(&p, "%s/%s.%s", test_dir, test_name, suffix) < 0)
		abort();
	return p;
}

static char *absolute(const char *path)
{
	char cwd[PATH_MAX];
	char *p;

	if (path[0] == '/')
		p = strdup(path);
	else if (!getcwd(cwd, sizeof(cwd)) || asprintf(&p, "%s/%s", cwd, path) < 0)
		p = NULL;
	if (!p) {
		perror("zdtm: absolute path");
		exit(1);
	}
	return p;
}

static void usage(const char *argv0)
{
	fprintf(stderr, "usage: %s --pidfile=PATH --outfile=PATH\n", argv0);
	exit(1);
}

/* A setup that hangs must not hang whoever started the test. */
#define READY_TIMEOUT_MS 60000

/* The starting process: wait for "0" (ready) or "1reason", or EOF if the test died. */
static void __attribute__((noreturn)) wait_ready(pid_t pid, int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char buf[1100];
	size_t len = 0;
	ssize_t n;
	int status;

	while (len < sizeof(buf) - 1) {
		n = poll(&pfd, 1, READY_TIMEOUT_MS);
		if (n == 0) {
			fprintf(stderr, "%s: not ready after %d s, killed\n", test_name,
				READY_TIMEOUT_MS / 1000);
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			_exit(1);
		}
		if (n > 0)
			n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	if (len > 0 && buf[0] == '0')
		_exit(0);
	if (len > 0) {
		fprintf(stderr, "%s: setup failed: %s\n", test_name, buf + 1);
		waitpid(pid, NULL, 0);
		_exit(1);
	}
	if (waitpid(pid, &status, 0) == pid && WIFSIGNALED(status))
		fprintf(stderr, "%s: died before it was ready: %s\n", test_name,
			strsignal(WTERMSIG(status)));
	else
		fprintf(stderr, "%s: exited before it was ready\n", test_name);
	_exit(1);
}

void test_init(int argc, char **argv)
{
	const char *outfile = NULL, *pf = NULL, *slash;
	struct sigaction sa;
	sigset_t block;
	int pipefd[2], fd, i;
	char *out, *dir, real[PATH_MAX];
	pid_t pid;

	slash = strrchr(argv[0], '/');
	test_name = slash ? slash + 1 : argv[0];
	for (i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--pidfile=", 10))
			pf = argv[i] + 10;
		else if (!strncmp(argv[i], "--outfile=", 10))
			outfile = argv[i] + 10;
		else
			usage(argv[0]);
	}
	if (!pf || !*pf || !outfile || !*outfile)
		usage(argv[0]);

	/* Tests may chdir() before test_daemon() writes the pidfile. */
	pidfile = absolute(pf);
	out = absolute(outfile);
	dir = strdup(out);
	if (!dir)
		abort();
	*strrchr(dir, '/') = '\0';
	if (!*dir)
		strcpy(dir, "/");
	if (!realpath(dir, real)) {
		fprintf(stderr, "%s: %s: %s\n", test_name, dir, strerror(errno));
		exit(1);
	}
	test_dir = strdup(real);
	if (!test_dir)
		abort();

	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		perror("zdtm: pipe");
		exit(1);
	}
	pid = fork();
	if (pid < 0) {
		perror("zdtm: fork");
		exit(1);
	}
	if (pid > 0) {
		close(pipefd[1]);
		wait_ready(pid, pipefd[0]);
	}
	close(pipefd[0]);
	ready_fd = pipefd[1];
	in_setup = 1;

	/* Failures before the outfile is our stdout reach the starter's stderr only. */
	setsid();
	fd = open("/dev/null", O_RDONLY);
	if (fd < 0 || dup2(fd, STDIN_FILENO) < 0) {
		report_setup_failure("can't redirect stdin from /dev/null");
		exit(1);
	}
	if (fd != STDIN_FILENO)
		close(fd);
	fd = open(out, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0) {
		char msg[PATH_MAX + 100];

		snprintf(msg, sizeof(msg), "can't open %s: %s", out, strerror(errno));
		report_setup_failure(msg);
		exit(1);
	}
	if (fd > STDERR_FILENO)
		close(fd);
	free(out);
	free(dir);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sigterm_handler;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) < 0)
		pfail("sigaction(SIGTERM)");
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, NULL);
	atexit(at_exit);
}

void test_daemon(void)
{
	char *tmp, buf[32];
	int fd, n;

	if (asprintf(&tmp, "%s.tmp", pidfile) < 0)
		abort();
	/* Written aside and renamed: a reader never sees a partial pidfile. */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		pfail("can't create %s", tmp);
	fchmod(fd, 0644); /* whatever umask the test set */
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (write_all(fd, buf, n) != n)
		pfail("can't write %s", tmp);
	if (close(fd) < 0)
		pfail("can't write %s", tmp);
	if (rename(tmp, pidfile) < 0)
		pfail("can't rename %s to %s", tmp, pidfile);
	free(tmp);

	in_setup = 0;
	write_all(ready_fd, "0", 1);
	close(ready_fd);
	ready_fd = -1;
}

static inline uint64_t pattern_word(uint64_t seed, uint64_t idx)
{
	/* splitmix64: every word differs, so a shifted or swapped page shows. */
	uint64_t z = seed + (idx + 1) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void datagen(void *buf, size_t len, uint64_t seed)
{
	unsigned char *p = buf;
	size_t i, words = len / 8;
	uint64_t w;

	for (i = 0; i < words; i++) {
		w = pattern_word(seed, i);
		memcpy(p + i * 8, &w, 8);
	}
	if (len % 8) {
		w = pattern_word(seed, words);
		memcpy(p + words * 8, &w, len % 8);
	}
}

ssize_t datachk(const void *buf, size_t len, uint64_t seed)
{
	const unsigned char *p = buf;
	size_t i, j, words = (len + 7) / 8;
	unsigned char want[8];

	for (i = 0; i < words; i++) {
		size_t n = len - i * 8 < 8 ? len - i * 8 : 8;
		uint64_t w = pattern_word(seed, i);

		memcpy(want, &w, 8);
		if (memcmp(p + i * 8, want, n))
			for (j = 0; j < n; j++)
				if (p[i * 8 + j] != want[j])
					return i * 8 + j;
	}
	return -1;
}

int datachk_fail(const char *what, const void *buf, size_t len, uint64_t seed)
{
	ssize_t off = datachk(buf, len, seed);

	if (off < 0)
		return 0;
	fail("%s: data differs at offset %zd of %zu (byte %#04x)", what, off, len,
	     ((const unsigned char *)buf)[off]);
	return -1;
}

ssize_t write_all(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, (const char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		done += n;
	}
	return done;
}

ssize_t read_all(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, (char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return done ? (ssize_t)done : -1;
		if (n == 0)
			break;
		done += n;
	}
	return done;
}
