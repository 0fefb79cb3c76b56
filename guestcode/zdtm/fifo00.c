/* fifo00: a named pipe in the test directory with data queued in it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmtst.h"

#define LEN 3000
#define SEED 0xf1f0

static unsigned char data[LEN], buf[LEN + 1];
static char *path;
static pid_t owner;

static void remove_fifo(void)
{
	if (getpid() == owner)
		unlink(path);
}

int main(int argc, char **argv)
{
	struct stat st, st_rd, st_wr;
	int rd, wr;
	ssize_t n;
	char c;

	test_init(argc, argv);

	path = test_path("test-fifo");
	owner = getpid();
	unlink(path);
	if (mkfifo(path, 0600) < 0)
		pfail("mkfifo %s", path);
	atexit(remove_fifo);
	/* O_RDWR does not wait for a writer (Linux); then O_WRONLY finds a reader. */
	rd = open(path, O_RDWR);
	if (rd < 0)
		pfail("open %s O_RDWR", path);
	wr = open(path, O_WRONLY);
	if (wr < 0)
		pfail("open %s O_WRONLY", path);
	datagen(data, LEN, SEED);
	if (write_all(wr, data, 1000) != 1000 || write_all(wr, data + 1000, LEN - 1000) != LEN - 1000)
		pfail("write to the fifo");

	test_daemon();
	test_waitsig();

	if (stat(path, &st) < 0)
		pfail("stat %s", path);
	else if (fstat(rd, &st_rd) < 0 || fstat(wr, &st_wr) < 0)
		pfail("fstat");
	else if (!S_ISFIFO(st_rd.st_mode) || st_rd.st_ino != st.st_ino ||
		 st_wr.st_ino != st.st_ino || st_rd.st_dev != st.st_dev)
		fail("the descriptors are not %s any more (inodes %lu %lu, path %lu)", path,
		     (unsigned long)st_rd.st_ino, (unsigned long)st_wr.st_ino,
		     (unsigned long)st.st_ino);
	if ((fcntl(rd, F_GETFL) & O_ACCMODE) != O_RDWR || (fcntl(wr, F_GETFL) & O_ACCMODE) != O_WRONLY)
		fail("access modes changed: %#x %#x", fcntl(rd, F_GETFL), fcntl(wr, F_GETFL));

	if (fcntl(rd, F_SETFL, O_NONBLOCK) < 0)
		pfail("F_SETFL O_NONBLOCK");
	n = read_all(rd, buf, sizeof(buf));
	if (n != LEN)
		fail("read %zd bytes from the fifo, want %d", n, LEN);
	else
		datachk_fail("fifo data", buf, LEN, SEED);

	c = 'y';
	if (write(wr, &c, 1) != 1)
		pfail("write one byte");
	else if (read(rd, &c, 1) != 1)
		pfail("read back one byte");
	else if (c != 'y')
		fail("read back %#04x, wrote 'y'", c);
	else if (read(rd, &c, 1) != -1 || errno != EAGAIN)
		fail("more data in the fifo than was written");
	return pass();
}
