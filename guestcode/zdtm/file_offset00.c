/* file_offset00: file offsets, O_APPEND and the other open flags, FD_CLOEXEC. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmtst.h"

#define FILE_SIZE 10000
#define OFFSET 1234
#define SEED 0x0ff5
#define TAIL "appended after restore"

static unsigned char data[FILE_SIZE];

int main(int argc, char **argv)
{
	int rw, app, rw_fl, app_fl, rw_fd, app_fd;
	unsigned char buf[100];
	struct stat st;
	off_t off;
	char *path;

	test_init(argc, argv);

	path = test_path("test-file");
	unlink(path);
	rw = open(path, O_RDWR | O_CREAT | O_EXCL, 0640);
	if (rw < 0)
		pfail("can't create %s", path);
	datagen(data, FILE_SIZE, SEED);
	if (write_all(rw, data, FILE_SIZE) != FILE_SIZE)
		pfail("can't write %s", path);
	if (lseek(rw, OFFSET, SEEK_SET) != OFFSET)
		pfail("lseek");
	app = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOATIME);
	if (app < 0 && errno == EPERM) /* O_NOATIME needs to own the file */
		app = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (app < 0)
		pfail("can't open %s with O_APPEND", path);
	/* Leave the O_APPEND descriptor's own offset somewhere else than the end. */
	if (lseek(app, 77, SEEK_SET) != 77)
		pfail("lseek the O_APPEND descriptor");
	rw_fl = fcntl(rw, F_GETFL);
	app_fl = fcntl(app, F_GETFL);
	rw_fd = fcntl(rw, F_GETFD);
	app_fd = fcntl(app, F_GETFD);
	if (!(app_fl & O_APPEND) || !(app_fd & FD_CLOEXEC) || (rw_fd & FD_CLOEXEC))
		fail("the flags did not take: %#x %#x %#x", app_fl, app_fd, rw_fd);

	test_daemon();
	test_waitsig();

	if (fcntl(rw, F_GETFL) != rw_fl)
		fail("read-write fd: F_GETFL %#x, was %#x", fcntl(rw, F_GETFL), rw_fl);
	if (fcntl(app, F_GETFL) != app_fl)
		fail("append fd: F_GETFL %#x, was %#x", fcntl(app, F_GETFL), app_fl);
	if (fcntl(rw, F_GETFD) != rw_fd)
		fail("read-write fd: F_GETFD %#x, was %#x", fcntl(rw, F_GETFD), rw_fd);
	if (fcntl(app, F_GETFD) != app_fd)
		fail("append fd: F_GETFD %#x, was %#x", fcntl(app, F_GETFD), app_fd);

	off = lseek(rw, 0, SEEK_CUR);
	if (off != OFFSET)
		fail("read-write fd: offset %lld, was %d", (long long)off, OFFSET);
	off = lseek(app, 0, SEEK_CUR);
	if (off != 77)
		fail("append fd: offset %lld, was 77", (long long)off);

	/* Reading on from the offset gives the data that is there. */
	if (lseek(rw, OFFSET, SEEK_SET) != OFFSET || read_all(rw, buf, sizeof(buf)) != sizeof(buf))
		pfail("read at the offset");
	else if (memcmp(buf, data + OFFSET, sizeof(buf)))
		fail("the data at offset %d differs", OFFSET);

	/* O_APPEND in effect: the write lands at the end, not at offset 77. */
	if (write_all(app, TAIL, strlen(TAIL)) != (ssize_t)strlen(TAIL))
		pfail("write to the append fd");
	else if (fstat(rw, &st) < 0)
		pfail("fstat");
	else if (st.st_size != FILE_SIZE + (off_t)strlen(TAIL))
		fail("after an O_APPEND write the size is %lld, want %zu",
		     (long long)st.st_size, FILE_SIZE + strlen(TAIL));
	else if (pread(rw, buf, sizeof(buf), 77) != sizeof(buf) || memcmp(buf, data + 77, sizeof(buf)))
		fail("the O_APPEND write overwrote offset 77");

	close(rw);
	close(app);
	unlink(path);
	return pass();
}
