/* pipe00: a pipe with data queued in it, and its size. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmtst.h"

#define PIPE_SIZE (128 * 1024)
#define SEED 0x919e

static const size_t chunks[] = { 1000, 2000, 1500 };
#define TOTAL 4500

static unsigned char data[TOTAL], buf[TOTAL + 1];

int main(int argc, char **argv)
{
	size_t i, off = 0;
	struct stat st;
	int p[2], size;
	ssize_t n;
	char c;

	test_init(argc, argv);

	if (pipe(p) < 0)
		pfail("pipe");
	/* Not the default 64 KiB: CRIU has to restore the size, not assume it. */
	if (fcntl(p[1], F_SETPIPE_SZ, PIPE_SIZE) < 0)
		pfail("F_SETPIPE_SZ");
	size = fcntl(p[0], F_GETPIPE_SZ);
	datagen(data, TOTAL, SEED);
	for (i = 0; i < ARRAY_SIZE(chunks); i++) {
		if (write_all(p[1], data + off, chunks[i]) != (ssize_t)chunks[i])
			pfail("write to the pipe");
		off += chunks[i];
	}

	test_daemon();
	test_waitsig();

	if (fstat(p[0], &st) < 0 || !S_ISFIFO(st.st_mode))
		fail("fd %d is not a pipe any more", p[0]);
	if (fcntl(p[0], F_GETPIPE_SZ) != size)
		fail("pipe size is %d, was %d", fcntl(p[0], F_GETPIPE_SZ), size);

	/* Non-blocking: missing data must fail the test, not hang it. */
	if (fcntl(p[0], F_SETFL, O_NONBLOCK) < 0)
		pfail("F_SETFL O_NONBLOCK");
	n = read_all(p[0], buf, sizeof(buf));
	if (n != TOTAL)
		fail("read %zd bytes from the pipe, want %d", n, TOTAL);
	else
		datachk_fail("pipe data", buf, TOTAL, SEED);

	/* Both ends still belong to the same pipe. */
	c = 'x';
	if (write(p[1], &c, 1) != 1)
		pfail("write one byte");
	else if (read(p[0], &c, 1) != 1)
		pfail("read back one byte");
	else if (c != 'x')
		fail("read back %#04x, wrote 'x'", c);
	else if (read(p[0], &c, 1) != -1 || errno != EAGAIN)
		fail("more data in the pipe than was written");
	return pass();
}
