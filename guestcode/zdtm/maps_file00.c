/*
 * maps_file00: one file mapped twice. The MAP_SHARED mapping must still be the
 * file (writes both ways); the MAP_PRIVATE one keeps its private change.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zdtmtst.h"

#define PAGE 4096
#define NR_PAGES 6
#define LEN (NR_PAGES * PAGE)
#define FILE_SEED 0xf11e
#define SHARED_SEED 0x5ba2 /* page 1, written through the shared mapping */
#define PRIVATE_SEED 0x9217 /* page 3, written through the private mapping */

static unsigned char expect_file[LEN], expect_private[LEN], buf[LEN];

static int check(const char *what, const unsigned char *got, const unsigned char *want)
{
	size_t i;

	for (i = 0; i < LEN; i++)
		if (got[i] != want[i]) {
			fail("%s: differs at offset %zu (page %zu): %#04x, want %#04x", what, i,
			     i / PAGE, got[i], want[i]);
			return -1;
		}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned char *shared, *private;
	char *path;
	int fd;

	test_init(argc, argv);

	path = test_path("test-file");
	unlink(path);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		pfail("can't create %s", path);
	datagen(expect_file, LEN, FILE_SEED);
	if (write_all(fd, expect_file, LEN) != LEN)
		pfail("can't write %s", path);

	shared = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (shared == MAP_FAILED)
		pfail("mmap MAP_SHARED");
	private = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (private == MAP_FAILED)
		pfail("mmap MAP_PRIVATE");

	datagen(shared + PAGE, PAGE, SHARED_SEED);
	datagen(expect_file + PAGE, PAGE, SHARED_SEED);
	/* Read page 1 through the private mapping before its own write: no copy yet. */
	memcpy(expect_private, expect_file, LEN);
	if (check("private mapping before the dump", private, expect_private))
		exit(1);
	datagen(private + 3 * PAGE, PAGE, PRIVATE_SEED);
	datagen(expect_private + 3 * PAGE, PAGE, PRIVATE_SEED);
	/* Only the file descriptor keeps the file open: the mappings must do without. */
	close(fd);

	test_daemon();
	test_waitsig();

	check("MAP_SHARED mapping", shared, expect_file);
	check("MAP_PRIVATE mapping", private, expect_private);

	fd = open(path, O_RDWR);
	if (fd < 0) {
		pfail("can't open %s", path);
		return pass();
	}
	if (pread(fd, buf, LEN, 0) != LEN)
		pfail("can't read %s", path);
	else
		check("the file", buf, expect_file);

	/* Still the same file both ways, not a private copy. */
	shared[4 * PAGE + 7] ^= 0xff;
	expect_file[4 * PAGE + 7] ^= 0xff;
	if (msync(shared, LEN, MS_SYNC) < 0)
		pfail("msync");
	if (pread(fd, buf, LEN, 0) != LEN)
		pfail("can't read %s", path);
	else
		check("the file after a write through the shared mapping", buf, expect_file);
	expect_file[2 * PAGE] ^= 0x33;
	if (pwrite(fd, expect_file + 2 * PAGE, 1, 2 * PAGE) != 1)
		pfail("can't write %s", path);
	else
		check("the shared mapping after a write to the file", shared, expect_file);

	close(fd);
	unlink(path);
	return pass();
}
