/*
 * zdtmtst: the small library every mwb ZDTM-style test links.
 *
 * A test's life, as CRIU's zdtm.py expects it:
 *
 *   int main(int argc, char **argv)
 *   {
 *           test_init(argc, argv);      // parse args, daemonize, redirect stdio
 *           ... set up state; fail() here is fatal and reported to the starter ...
 *           test_daemon();              // pidfile written, starter exits 0
 *           test_waitsig();             // SIGTERM (checkpoint/restore happens meanwhile)
 *           ... check state; fail() here is recorded, later checks still run ...
 *           return pass();              // last line of the .out: PASS or FAIL: reason
 *   }
 */
#ifndef ZDTMTST_H
#define ZDTMTST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Basename of argv[0], e.g. "env00". */
extern const char *test_name;
/* Absolute directory of the outfile: where a test puts the files it creates. */
extern const char *test_dir;

void test_init(int argc, char **argv);
/* Writes the pidfile and tells the starter we are ready. */
void test_daemon(void);
/* Returns once SIGTERM arrived; SIGTERM is kept blocked outside this call. */
void test_waitsig(void);

/* One log line in the outfile (a newline is added). */
void test_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "FAIL: reason"; pfail() appends ": strerror(errno)". */
void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pfail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Has fail()/pfail() been called in this process? */
int test_failed(void);
/*
 * The verdict, for `return pass();` at the end of main: kills and reaps the
 * children left, then writes PASS (exit status 0) or, if anything failed,
 * the first failure again so it is the last line (exit status 1).
 */
int pass(void);

/* "<test_dir>/<test_name>.<suffix>", e.g. test_path("test-file"). Never NULL. */
char *test_path(const char *suffix);

/*
 * fork() for tests: the child dies with its parent (PR_SET_PDEATHSIG), gets a
 * fresh SIGTERM flag and child list, and fail() in it does not touch the
 * starter's pipe. The parent records the child so pass() and exit() kill and
 * reap it if the test did not. A child ends with exit() or _exit().
 */
pid_t test_fork(void);
/* SIGKILL and reap every recorded child not reaped yet. */
void test_reap_children(void);

/* Pattern: 64-bit words that depend on the seed and their offset. */
void datagen(void *buf, size_t len, uint64_t seed);
/* Offset of the first byte that differs from datagen(seed), or -1. */
ssize_t datachk(const void *buf, size_t len, uint64_t seed);
/* datachk() and fail("what: ...offset...") on a mismatch; returns 0 if good. */
int datachk_fail(const char *what, const void *buf, size_t len, uint64_t seed);

/* write()/read() the whole buffer; -1 with errno on error, short count on EOF. */
ssize_t write_all(int fd, const void *buf, size_t len);
ssize_t read_all(int fd, void *buf, size_t len);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
