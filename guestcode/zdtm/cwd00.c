/* cwd00: the current directory (a subdirectory of the test dir) and the umask. */
#define _GNU_SOURCE
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <errno.h>

#include "zdtmtst.h"

#define MASK 027

static char *dir;
static pid_t owner;

static void remove_dir(void)
{
	if (getpid() == owner && chdir(test_dir) == 0)
		rmdir(dir);
}

int main(int argc, char **argv)
{
	char before[PATH_MAX], after[PATH_MAX];
	mode_t mask;

	test_init(argc, argv);

	dir = test_path("test-dir");
	owner = getpid();
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		pfail("mkdir %s", dir);
	atexit(remove_dir);
	if (chdir(dir) < 0)
		pfail("chdir %s", dir);
	if (!getcwd(before, sizeof(before)))
		pfail("getcwd");
	umask(MASK);

	test_daemon();
	test_waitsig();

	mask = umask(MASK);
	if (mask != MASK)
		fail("umask is %03o, want %03o", mask, MASK);
	if (!getcwd(after, sizeof(after)))
		pfail("getcwd after restore");
	else if (strcmp(before, after))
		fail("cwd is %s, was %s", after, before);
	else {
		/* The cwd is that directory itself, not one with the same name. */
		struct stat a, b;

		if (stat(".", &a) < 0 || stat(dir, &b) < 0)
			pfail("stat");
		else if (a.st_ino != b.st_ino || a.st_dev != b.st_dev)
			fail("\".\" is not %s", dir);
	}
	return pass();
}
