/*
 * shm00: a SysV shared memory segment attached in the test and in a child.
 * After restore the test checks the pattern and the segment's size, writes
 * to it, and the child must see that write. CRIU dumps SysV IPC only with an
 * IPC namespace, so this test runs in the ns and uns flavors only.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zdtmtst.h"

#define SIZE (3 * 4096 + 100) /* not page-aligned: shm_segsz is what we asked */
#define SEED 0x5b00
#define PARENT_OFF 4097

static int shmid = -1;
static pid_t owner;

/* No segment may outlive the test, whichever way it ends. */
static void remove_segment(void)
{
	if (getpid() == owner && shmid >= 0)
		shmctl(shmid, IPC_RMID, NULL);
}

static int child(unsigned char *mem, unsigned char orig)
{
	unsigned char *copy = malloc(SIZE);

	test_waitsig();
	if (!copy) {
		fail("malloc");
		return 1;
	}
	if (mem[PARENT_OFF] != (unsigned char)~orig)
		fail("the test's write to the segment is not seen: %#04x, want %#04x",
		     mem[PARENT_OFF], (unsigned char)~orig);
	memcpy(copy, mem, SIZE);
	copy[PARENT_OFF] = orig;
	datachk_fail("segment, seen by the child", copy, SIZE, SEED);
	return test_failed();
}

int main(int argc, char **argv)
{
	struct shmid_ds ds;
	unsigned char *mem, orig;
	int status;
	pid_t pid;

	test_init(argc, argv);
	owner = getpid();
	atexit(remove_segment);

	shmid = shmget(IPC_PRIVATE, SIZE, IPC_CREAT | 0600);
	if (shmid < 0)
		pfail("shmget");
	mem = shmat(shmid, NULL, 0);
	if (mem == (void *)-1)
		pfail("shmat");
	datagen(mem, SIZE, SEED);
	orig = mem[PARENT_OFF];

	pid = test_fork(); /* the attachment is inherited */
	if (pid < 0)
		pfail("fork");
	if (pid == 0)
		exit(child(mem, orig));
	if (shmctl(shmid, IPC_STAT, &ds) < 0)
		pfail("shmctl IPC_STAT");
	if (ds.shm_nattch != 2)
		fail("%lu attachments, want 2", (unsigned long)ds.shm_nattch);

	test_daemon();
	test_waitsig();

	datachk_fail("segment", mem, SIZE, SEED);
	if (shmctl(shmid, IPC_STAT, &ds) < 0) {
		pfail("shmctl IPC_STAT after restore");
	} else {
		if (ds.shm_segsz != SIZE)
			fail("segment size %zu, want %d", (size_t)ds.shm_segsz, SIZE);
		if (ds.shm_nattch != 2)
			fail("%lu attachments, want 2", (unsigned long)ds.shm_nattch);
		if ((ds.shm_perm.mode & 0777) != 0600)
			fail("mode %#o, want 0600", ds.shm_perm.mode & 0777);
	}

	mem[PARENT_OFF] = ~orig;
	if (kill(pid, SIGTERM) < 0)
		pfail("kill the child %d", pid);
	else if (waitpid(pid, &status, 0) != pid)
		pfail("waitpid the child %d", pid);
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail("the child's checks failed (status %#x)", status);

	shmdt(mem);
	return pass();
}
