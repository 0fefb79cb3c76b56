/*
 * pthread00: three named threads, each counting in its own thread-local
 * variable while the test waits. After restore they must all still run, with
 * their names, thread ids and thread-local storage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "zdtmtst.h"

#define NR_THREADS 3

static __thread atomic_ulong counter;
static atomic_int stop;

static struct thr {
	pthread_t t;
	char name[16];
	atomic_int ready;
	pid_t tid;
	atomic_ulong *counter; /* the thread's own `counter` */
	char error[200];       /* what the thread found wrong with itself */
} thr[NR_THREADS];

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 }, rem;

	while (nanosleep(&ts, &rem) < 0)
		ts = rem;
}

static void *thread_fn(void *arg)
{
	struct thr *t = arg;
	char name[16] = "";

	prctl(PR_SET_NAME, t->name);
	t->tid = gettid();
	t->counter = &counter;
	atomic_store(&t->ready, 1);

	while (!atomic_load(&stop)) {
		atomic_fetch_add_explicit(&counter, 1, memory_order_relaxed);
		sleep_ms(1);
	}

	/* Checked from inside: /proc may show another PID namespace's ids. */
	prctl(PR_GET_NAME, name);
	if (strcmp(name, t->name))
		snprintf(t->error, sizeof(t->error), "name is \"%s\", want \"%s\"", name, t->name);
	else if (gettid() != t->tid)
		snprintf(t->error, sizeof(t->error), "tid is %d, was %d", gettid(), t->tid);
	else if (&counter != t->counter)
		snprintf(t->error, sizeof(t->error), "thread-local storage moved");
	return NULL;
}

int main(int argc, char **argv)
{
	unsigned long at_ready[NR_THREADS], after[NR_THREADS];
	int i, err, waited;

	test_init(argc, argv);

	for (i = 0; i < NR_THREADS; i++) {
		snprintf(thr[i].name, sizeof(thr[i].name), "zdtm-thread-%d", i);
		err = pthread_create(&thr[i].t, NULL, thread_fn, &thr[i]);
		if (err) {
			errno = err;
			pfail("pthread_create");
		}
	}
	for (i = 0; i < NR_THREADS; i++)
		for (waited = 0; !atomic_load(&thr[i].ready); waited++) {
			if (waited == 5000)
				fail("thread %d did not start in 5 s", i);
			sleep_ms(1);
		}
	for (i = 0; i < NR_THREADS; i++)
		at_ready[i] = atomic_load(thr[i].counter);

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR_THREADS; i++) {
		after[i] = atomic_load(thr[i].counter);
		if (after[i] < at_ready[i])
			fail("thread %d: counter went back from %lu to %lu", i, at_ready[i], after[i]);
	}
	/* Every thread has to make progress now, after the restore. */
	for (waited = 0; waited < 2000; waited += 10) {
		for (i = 0; i < NR_THREADS; i++)
			if (atomic_load(thr[i].counter) <= after[i])
				break;
		if (i == NR_THREADS)
			break;
		sleep_ms(10);
	}
	for (i = 0; i < NR_THREADS; i++)
		if (atomic_load(thr[i].counter) <= after[i])
			fail("thread %d (%s) stopped counting at %lu", i, thr[i].name, after[i]);

	atomic_store(&stop, 1);
	for (i = 0; i < NR_THREADS; i++) {
		err = pthread_join(thr[i].t, NULL);
		if (err) {
			errno = err;
			pfail("pthread_join %d", i);
		} else if (thr[i].error[0]) {
			fail("thread %d: %s", i, thr[i].error);
		}
	}
	test_msg("counters: %lu %lu %lu at ready, %lu %lu %lu at SIGTERM", at_ready[0],
		 at_ready[1], at_ready[2], after[0], after[1], after[2]);
	return pass();
}
