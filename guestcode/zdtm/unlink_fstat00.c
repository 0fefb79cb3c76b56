/* unlink_fstat00: a file unlinked while open (CRIU's "ghost file"). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmtst.h"

#define FILE_SIZE (2 * 4096 + 777)
#define SEED 0x911057

static unsigned char data[FILE_SIZE];

int main(int argc, char **argv)
{
	struct stat before, after;
	char *path;
	off_t off;
	int fd;

	test_init(argc, argv);

	path = test_path("test-file");
	unlink(path);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0640);
	if (fd < 0)
		pfail("can't create %s", path);
	datagen(data, FILE_SIZE, SEED);
	if (write_all(fd, data, FILE_SIZE) != FILE_SIZE)
		pfail("can't write %s", path);
	if (lseek(fd, 1000, SEEK_SET) != 1000)
		pfail("lseek");
	if (unlink(path) < 0)
		pfail("can't unlink %s", path);
	if (fstat(fd, &before) < 0)
		pfail("fstat");
	if (before.st_nlink != 0)
		fail("st_nlink is %lu after unlink", (unsigned long)before.st_nlink);

	test_daemon();
	test_waitsig();

	/* The inode number may change: CRIU recreates the file from its image. */
	if (fstat(fd, &after) < 0) {
		pfail("fstat after restore");
		return pass();
	}
	if (after.st_nlink != 0)
		fail("st_nlink is %lu, want 0", (unsigned long)after.st_nlink);
	if (after.st_size != FILE_SIZE)
		fail("size is %lld, want %d", (long long)after.st_size, FILE_SIZE);
	if ((after.st_mode & 07777) != (before.st_mode & 07777) || !S_ISREG(after.st_mode))
		fail("mode is %#o, was %#o", after.st_mode, before.st_mode);
	if (access(path, F_OK) == 0)
		fail("%s exists again", path);
	off = lseek(fd, 0, SEEK_CUR);
	if (off != 1000)
		fail("offset is %lld, was 1000", (long long)off);

	{
		static unsigned char buf[FILE_SIZE + 1];
		ssize_t n = pread(fd, buf, sizeof(buf), 0);

		if (n != FILE_SIZE)
			fail("read %zd bytes, want %d", n, FILE_SIZE);
		else
			datachk_fail("the unlinked file", buf, FILE_SIZE, SEED);
	}
	close(fd);
	return pass();
}
