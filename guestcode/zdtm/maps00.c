/*
 * maps00: anonymous private mappings of several sizes and protections, and an
 * anonymous shared mapping that a child shares: after restore the parent
 * writes to it, the child must see that write and writes back.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zdtmtst.h"

#define PAGE 4096

static struct area {
	const char *name;
	size_t len;
	int prot;
	int flags;
	const char *perms; /* as /proc/self/maps shows them */
	unsigned char *addr;
} areas[] = {
	{ "private 1 page", 1 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, "rw-p", NULL },
	{ "private 16 pages", 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, "rw-p", NULL },
	{ "private 1 MiB", 256 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, "rw-p", NULL },
	{ "private read-only", 8 * PAGE, PROT_READ, MAP_PRIVATE, "r--p", NULL },
	{ "shared", 64 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, "rw-s", NULL },
};
#define SHARED (ARRAY_SIZE(areas) - 1)

/* In the shared area: the parent's write after restore, the child's answer. */
#define PARENT_OFF (5 * PAGE + 17)
#define CHILD_OFF (40 * PAGE + 3)

static uint64_t seed_of(size_t i)
{
	return 0x3a900 + i;
}

/*
 * [addr, addr+len) must be covered, without a gap, by mappings with these
 * permissions; mappings may be merged with neighbours or split, that is fine.
 */
static int check_perms(const struct area *a)
{
	unsigned long start = (unsigned long)a->addr, end = start + a->len, cur = start;
	unsigned long lo, hi;
	char perms[8], line[512];
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f) {
		pfail("open /proc/self/maps");
		return -1;
	}
	while (cur < end && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || hi <= cur)
			continue;
		if (lo > cur)
			break;
		if (strcmp(perms, a->perms)) {
			fail("%s at %#lx: mapped %s, want %s", a->name, start, perms, a->perms);
			fclose(f);
			return -1;
		}
		cur = hi;
	}
	fclose(f);
	if (cur < end) {
		fail("%s: [%#lx, %#lx) is not mapped from %#lx on", a->name, start, end, cur);
		return -1;
	}
	return 0;
}

static int child(unsigned char parent_orig, unsigned char child_orig)
{
	struct area *sh = &areas[SHARED];
	unsigned char *copy;

	test_waitsig();
	if (sh->addr[PARENT_OFF] != (unsigned char)~parent_orig)
		fail("the parent's write to the shared mapping is not seen: %#04x, want %#04x",
		     sh->addr[PARENT_OFF], (unsigned char)~parent_orig);
	copy = malloc(sh->len);
	if (!copy) {
		fail("malloc");
		return 1;
	}
	memcpy(copy, sh->addr, sh->len);
	copy[PARENT_OFF] = parent_orig;
	datachk_fail("shared mapping, seen by the child", copy, sh->len, seed_of(SHARED));
	/* Copy-on-write pages shared with the parent must survive too. */
	datachk_fail("private 1 MiB, seen by the child", areas[2].addr, areas[2].len,
		     seed_of(2));
	sh->addr[CHILD_OFF] = ~child_orig;
	return test_failed();
}

int main(int argc, char **argv)
{
	unsigned char parent_orig, child_orig;
	struct area *sh = &areas[SHARED];
	size_t i;
	pid_t pid;
	int status;

	test_init(argc, argv);

	for (i = 0; i < ARRAY_SIZE(areas); i++) {
		struct area *a = &areas[i];

		a->addr = mmap(NULL, a->len, PROT_READ | PROT_WRITE, a->flags | MAP_ANONYMOUS,
			       -1, 0);
		if (a->addr == MAP_FAILED)
			pfail("mmap %s", a->name);
		datagen(a->addr, a->len, seed_of(i));
		if (a->prot != (PROT_READ | PROT_WRITE) && mprotect(a->addr, a->len, a->prot))
			pfail("mprotect %s", a->name);
	}
	parent_orig = sh->addr[PARENT_OFF];
	child_orig = sh->addr[CHILD_OFF];

	pid = test_fork();
	if (pid < 0)
		pfail("fork");
	if (pid == 0)
		exit(child(parent_orig, child_orig));

	test_daemon();
	test_waitsig();

	for (i = 0; i < ARRAY_SIZE(areas); i++) {
		datachk_fail(areas[i].name, areas[i].addr, areas[i].len, seed_of(i));
		check_perms(&areas[i]);
	}

	sh->addr[PARENT_OFF] = ~parent_orig;
	if (kill(pid, SIGTERM) < 0)
		pfail("kill the child %d", pid);
	else if (waitpid(pid, &status, 0) != pid)
		pfail("waitpid the child %d", pid);
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail("the child's checks failed (status %#x)", status);
	else if (sh->addr[CHILD_OFF] != (unsigned char)~child_orig)
		fail("the child's write to the shared mapping is not seen: %#04x, want %#04x",
		     sh->addr[CHILD_OFF], (unsigned char)~child_orig);
	return pass();
}
