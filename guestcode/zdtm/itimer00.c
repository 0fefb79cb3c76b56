/*
 * itimer00: ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF and a POSIX timer, all
 * armed far in the future with their own intervals. None may fire.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "zdtmtst.h"

static struct {
	int which;
	const char *name;
	int sig;
	/*
	 * The CPU-time timers hardly move while we sleep, and the kernel adds a
	 * tick to every value set, so a restore may leave them a tick (or one
	 * per iteration) above the value read before the dump.
	 */
	long long slack_us;
	struct itimerval set, before;
} itimers[] = {
	{ ITIMER_REAL, "ITIMER_REAL", SIGALRM, 0, { { 1001, 250000 }, { 1000, 0 } }, {} },
	{ ITIMER_VIRTUAL, "ITIMER_VIRTUAL", SIGVTALRM, 100000, { { 2001, 500000 }, { 2000, 0 } }, {} },
	{ ITIMER_PROF, "ITIMER_PROF", SIGPROF, 100000, { { 3001, 750000 }, { 3000, 0 } }, {} },
};

#define POSIX_SIG SIGUSR1
#define POSIX_COOKIE 0x7173

static volatile sig_atomic_t fired;

static void timer_fired(int sig)
{
	fired = sig;
}

static long long tv_us(struct timeval tv)
{
	return tv.tv_sec * 1000000LL + tv.tv_usec;
}

static long long ts_ns(struct timespec ts)
{
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct itimerspec pset = { { 500, 123456789 }, { 2000, 0 } }, pbefore, pnow;
	struct sigevent sev;
	struct itimerval now;
	struct sigaction sa;
	timer_t timer, timer_before;
	size_t i;

	test_init(argc, argv);

	/* A timer that fires is a failure, not the end of the process. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = timer_fired;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < ARRAY_SIZE(itimers); i++)
		sigaction(itimers[i].sig, &sa, NULL);
	sigaction(POSIX_SIG, &sa, NULL);

	for (i = 0; i < ARRAY_SIZE(itimers); i++) {
		if (setitimer(itimers[i].which, &itimers[i].set, NULL) < 0)
			pfail("setitimer %s", itimers[i].name);
		getitimer(itimers[i].which, &itimers[i].before);
	}

	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = POSIX_SIG;
	sev.sigev_value.sival_int = POSIX_COOKIE;
	if (timer_create(CLOCK_MONOTONIC, &sev, &timer) < 0)
		pfail("timer_create");
	if (timer_settime(timer, 0, &pset, NULL) < 0)
		pfail("timer_settime");
	timer_gettime(timer, &pbefore);
	timer_before = timer;

	test_daemon();
	test_waitsig();

	if (fired)
		fail("signal %d fired", fired);

	for (i = 0; i < ARRAY_SIZE(itimers); i++) {
		long long v, v0;

		if (getitimer(itimers[i].which, &now) < 0) {
			pfail("getitimer %s", itimers[i].name);
			continue;
		}
		if (tv_us(now.it_interval) != tv_us(itimers[i].before.it_interval))
			fail("%s: interval %lld us, was %lld us", itimers[i].name,
			     tv_us(now.it_interval), tv_us(itimers[i].before.it_interval));
		v = tv_us(now.it_value);
		v0 = tv_us(itimers[i].before.it_value);
		if (v <= 0 || v > v0 + itimers[i].slack_us)
			fail("%s: value %lld us, was %lld us (want 0 < value <= was + %lld)",
			     itimers[i].name, v, v0, itimers[i].slack_us);
	}

	if (timer != timer_before)
		fail("timer id changed");
	if (timer_gettime(timer, &pnow) < 0) {
		pfail("timer_gettime");
	} else {
		if (ts_ns(pnow.it_interval) != ts_ns(pbefore.it_interval))
			fail("POSIX timer: interval %lld ns, was %lld ns", ts_ns(pnow.it_interval),
			     ts_ns(pbefore.it_interval));
		if (ts_ns(pnow.it_value) <= 0 || ts_ns(pnow.it_value) > ts_ns(pbefore.it_value))
			fail("POSIX timer: value %lld ns, was %lld ns", ts_ns(pnow.it_value),
			     ts_ns(pbefore.it_value));
		if (timer_getoverrun(timer) != 0)
			fail("POSIX timer: overrun %d", timer_getoverrun(timer));
	}
	timer_delete(timer);
	return pass();
}
