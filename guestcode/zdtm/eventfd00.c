/*
 * eventfd00: an eventfd holding a count, a signalfd with a queued signal
 * pending, and an armed timerfd.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "zdtmtst.h"

#define COUNT 42
#define COOKIE 0x5a17

static long long ts_ns(struct timespec ts)
{
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct itimerspec tset = { { 700, 1000 }, { 1000, 0 } }, tbefore, tnow;
	int efd, sfd, tfd, efl, sfl, tfl;
	struct signalfd_siginfo ssi;
	union sigval val = { .sival_int = COOKIE };
	sigset_t mask, pending;
	uint64_t v;

	test_init(argc, argv);

	efd = eventfd(COUNT, EFD_NONBLOCK);
	if (efd < 0)
		pfail("eventfd");

	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR2);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		pfail("sigprocmask");
	sfd = signalfd(-1, &mask, SFD_NONBLOCK);
	if (sfd < 0)
		pfail("signalfd");
	if (sigqueue(getpid(), SIGUSR2, val) < 0)
		pfail("sigqueue");
	if (sigpending(&pending) < 0 || !sigismember(&pending, SIGUSR2))
		fail("SIGUSR2 is not pending");

	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	if (tfd < 0)
		pfail("timerfd_create");
	if (timerfd_settime(tfd, 0, &tset, NULL) < 0)
		pfail("timerfd_settime");
	timerfd_gettime(tfd, &tbefore);

	efl = fcntl(efd, F_GETFL);
	sfl = fcntl(sfd, F_GETFL);
	tfl = fcntl(tfd, F_GETFL);

	test_daemon();
	test_waitsig();

	if (fcntl(efd, F_GETFL) != efl || fcntl(sfd, F_GETFL) != sfl || fcntl(tfd, F_GETFL) != tfl)
		fail("file flags changed: %#x %#x %#x, were %#x %#x %#x", fcntl(efd, F_GETFL),
		     fcntl(sfd, F_GETFL), fcntl(tfd, F_GETFL), efl, sfl, tfl);

	v = 0;
	if (read(efd, &v, sizeof(v)) != sizeof(v))
		pfail("read the eventfd");
	else if (v != COUNT)
		fail("eventfd count %llu, want %d", (unsigned long long)v, COUNT);
	else if (read(efd, &v, sizeof(v)) != -1 || errno != EAGAIN)
		fail("the eventfd is readable again after its count was read");

	memset(&ssi, 0, sizeof(ssi));
	if (read(sfd, &ssi, sizeof(ssi)) != sizeof(ssi))
		pfail("read the signalfd");
	else if (ssi.ssi_signo != SIGUSR2 || ssi.ssi_code != SI_QUEUE || ssi.ssi_int != COOKIE)
		fail("signalfd gave signal %u code %d value %#x, want %d %d %#x", ssi.ssi_signo,
		     ssi.ssi_code, ssi.ssi_int, SIGUSR2, SI_QUEUE, COOKIE);
	else if (read(sfd, &ssi, sizeof(ssi)) != -1 || errno != EAGAIN)
		fail("more than one SIGUSR2 was pending");

	if (timerfd_gettime(tfd, &tnow) < 0) {
		pfail("timerfd_gettime");
	} else {
		if (ts_ns(tnow.it_interval) != ts_ns(tbefore.it_interval))
			fail("timerfd interval %lld ns, was %lld ns", ts_ns(tnow.it_interval),
			     ts_ns(tbefore.it_interval));
		if (ts_ns(tnow.it_value) <= 0 || ts_ns(tnow.it_value) > ts_ns(tbefore.it_value))
			fail("timerfd value %lld ns, was %lld ns", ts_ns(tnow.it_value),
			     ts_ns(tbefore.it_value));
	}
	if (read(tfd, &v, sizeof(v)) != -1 || errno != EAGAIN)
		fail("the timerfd expired (%llu)", (unsigned long long)v);
	return pass();
}
