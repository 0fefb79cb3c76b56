/*
 * sigaltstack00: signal dispositions with distinct flags and masks, the blocked
 * mask, the alternate signal stack, and a handler that really runs on it.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "zdtmtst.h"

#define ALTSTACK_SIZE (64 * 1024)

static char altstack[ALTSTACK_SIZE] __attribute__((aligned(16)));
static volatile uintptr_t handler_sp;
static volatile sig_atomic_t handler_ran;

static void on_stack_handler(int sig, siginfo_t *si, void *uc)
{
	char here;

	(void)sig, (void)si, (void)uc;
	handler_sp = (uintptr_t)&here;
	handler_ran = 1;
}

static void plain_handler(int sig)
{
	(void)sig;
}

static void info_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)si, (void)uc;
}

static struct disposition {
	int sig;
	int flags;
	int info;         /* sa_sigaction, not sa_handler */
	int ign;          /* SIG_IGN */
	int mask_sig;     /* one signal in sa_mask, or 0 */
	struct sigaction before;
} disp[] = {
	{ SIGUSR1, SA_ONSTACK | SA_SIGINFO, 1, 0, SIGHUP, {} },
	{ SIGUSR2, SA_RESTART, 0, 0, SIGINT, {} },
	{ SIGHUP, SA_RESETHAND | SA_NODEFER, 0, 0, 0, {} },
	{ SIGPIPE, 0, 0, 1, 0, {} },
	{ 0 /* SIGRTMIN + 1 */, SA_SIGINFO | SA_RESTART | SA_ONSTACK, 1, 0, SIGQUIT, {} },
};

static int blocked_sigs[] = { SIGUSR2, 0 /* SIGRTMIN + 1 */, SIGTERM };

/* glibc's sigset_t is larger than the kernel's: compare the signals, not the bytes. */
static int first_diff(const sigset_t *a, const sigset_t *b)
{
	int s;

	for (s = 1; s < NSIG; s++)
		if (sigismember(a, s) != sigismember(b, s))
			return s;
	return 0;
}

int main(int argc, char **argv)
{
	sigset_t block, mask_before, mask_after;
	stack_t ss, ss_before, ss_after;
	struct sigaction sa, now;
	size_t i;
	int s;

	test_init(argc, argv);
	disp[ARRAY_SIZE(disp) - 1].sig = SIGRTMIN + 1;
	blocked_sigs[1] = SIGRTMIN + 1;

	ss.ss_sp = altstack;
	ss.ss_size = sizeof(altstack);
	ss.ss_flags = 0;
	if (sigaltstack(&ss, NULL) < 0)
		pfail("sigaltstack");

	for (i = 0; i < ARRAY_SIZE(disp); i++) {
		struct disposition *d = &disp[i];

		memset(&sa, 0, sizeof(sa));
		if (d->ign)
			sa.sa_handler = SIG_IGN;
		else if (d->info)
			sa.sa_sigaction = d->sig == SIGUSR1 ? on_stack_handler : info_handler;
		else
			sa.sa_handler = plain_handler;
		sa.sa_flags = d->flags;
		sigemptyset(&sa.sa_mask);
		if (d->mask_sig)
			sigaddset(&sa.sa_mask, d->mask_sig);
		if (sigaction(d->sig, &sa, NULL) < 0)
			pfail("sigaction(%d)", d->sig);
		sigaction(d->sig, NULL, &d->before);
	}

	sigemptyset(&block);
	for (i = 0; i < ARRAY_SIZE(blocked_sigs); i++)
		sigaddset(&block, blocked_sigs[i]);
	if (sigprocmask(SIG_BLOCK, &block, NULL) < 0)
		pfail("sigprocmask");
	sigprocmask(SIG_BLOCK, NULL, &mask_before);
	sigaltstack(NULL, &ss_before);

	/* The test itself works: SIGUSR1's handler runs on the alternate stack. */
	raise(SIGUSR1);
	if (!handler_ran || handler_sp < (uintptr_t)altstack ||
	    handler_sp >= (uintptr_t)altstack + sizeof(altstack))
		fail("before the dump: SIGUSR1's handler ran at %#lx, not on the alternate stack",
		     (unsigned long)handler_sp);

	test_daemon();
	test_waitsig();

	for (i = 0; i < ARRAY_SIZE(disp); i++) {
		struct disposition *d = &disp[i];

		if (sigaction(d->sig, NULL, &now) < 0) {
			pfail("sigaction(%d)", d->sig);
			continue;
		}
		if (now.sa_handler != d->before.sa_handler)
			fail("signal %d: handler %p, was %p", d->sig, (void *)now.sa_handler,
			     (void *)d->before.sa_handler);
		if (now.sa_flags != d->before.sa_flags)
			fail("signal %d: flags %#x, were %#x", d->sig, now.sa_flags,
			     d->before.sa_flags);
		s = first_diff(&now.sa_mask, &d->before.sa_mask);
		if (s)
			fail("signal %d: sa_mask differs at signal %d", d->sig, s);
	}

	sigprocmask(SIG_BLOCK, NULL, &mask_after);
	s = first_diff(&mask_after, &mask_before);
	if (s)
		fail("blocked mask differs at signal %d (%s now)", s,
		     sigismember(&mask_after, s) ? "blocked" : "not blocked");

	if (sigaltstack(NULL, &ss_after) < 0)
		pfail("sigaltstack");
	else if (ss_after.ss_sp != ss_before.ss_sp || ss_after.ss_size != ss_before.ss_size ||
		 ss_after.ss_flags != ss_before.ss_flags)
		fail("sigaltstack is %p+%zu flags %#x, was %p+%zu flags %#x", ss_after.ss_sp,
		     ss_after.ss_size, ss_after.ss_flags, ss_before.ss_sp, ss_before.ss_size,
		     ss_before.ss_flags);

	handler_ran = 0;
	handler_sp = 0;
	raise(SIGUSR1);
	if (!handler_ran)
		fail("SIGUSR1's handler did not run");
	else if (handler_sp < (uintptr_t)altstack ||
		 handler_sp >= (uintptr_t)altstack + sizeof(altstack))
		fail("SIGUSR1's handler ran at %#lx, not on the alternate stack %p+%zu",
		     (unsigned long)handler_sp, (void *)altstack, sizeof(altstack));
	return pass();
}
