/* env00: a little memory, a signal handler, one open file. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmtst.h"

#define MEM_SIZE (4 * 4096 + 123)
#define FILE_SIZE 5000
#define MEM_SEED 0xe00
#define FILE_SEED 0xe01

static void usr1_handler(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	static unsigned char filebuf[FILE_SIZE];
	struct sigaction sa, before, after;
	struct stat st_fd, st_path;
	unsigned char *mem;
	char *path;
	int fd;

	test_init(argc, argv);

	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		pfail("mmap");
	datagen(mem, MEM_SIZE, MEM_SEED);
	/* mwb's tamper-image fault flips a byte of the dumped copy of this */
	test_msg("memory pattern at %p, %d bytes", (void *)mem, MEM_SIZE);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = usr1_handler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	if (sigaction(SIGUSR1, &sa, NULL) < 0)
		pfail("sigaction(SIGUSR1)");
	/* Read back: the kernel adds flags (SA_RESTORER) we compare as well. */
	sigaction(SIGUSR1, NULL, &before);

	path = test_path("test-file");
	unlink(path);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		pfail("can't create %s", path);
	datagen(filebuf, FILE_SIZE, FILE_SEED);
	if (write_all(fd, filebuf, FILE_SIZE) != FILE_SIZE)
		pfail("can't write %s", path);

	test_daemon();
	test_waitsig();

	datachk_fail("anonymous memory", mem, MEM_SIZE, MEM_SEED);

	if (sigaction(SIGUSR1, NULL, &after) < 0)
		pfail("sigaction(SIGUSR1) after restore");
	else if (after.sa_handler != before.sa_handler)
		fail("SIGUSR1 handler is %p, was %p", (void *)after.sa_handler,
		     (void *)before.sa_handler);
	else if (after.sa_flags != before.sa_flags)
		fail("SIGUSR1 flags are %#x, were %#x", after.sa_flags, before.sa_flags);
	else if (sigismember(&after.sa_mask, SIGUSR2) != 1)
		fail("SIGUSR1 handler mask lost SIGUSR2");

	if (fstat(fd, &st_fd) < 0)
		pfail("fstat of the open file");
	else if (stat(path, &st_path) < 0)
		pfail("stat %s", path);
	else if (st_fd.st_ino != st_path.st_ino || st_fd.st_dev != st_path.st_dev)
		fail("fd %d is inode %lu, %s is inode %lu", fd, (unsigned long)st_fd.st_ino,
		     path, (unsigned long)st_path.st_ino);
	else if (st_fd.st_size != FILE_SIZE)
		fail("file size is %lld, want %d", (long long)st_fd.st_size, FILE_SIZE);

	memset(filebuf, 0, sizeof(filebuf));
	if (pread(fd, filebuf, FILE_SIZE, 0) != FILE_SIZE)
		pfail("can't read the open file back");
	else
		datachk_fail("open file", filebuf, FILE_SIZE, FILE_SEED);

	close(fd);
	unlink(path);
	return pass();
}
