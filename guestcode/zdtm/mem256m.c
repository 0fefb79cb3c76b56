/*
 * mem256m: 256 MiB of anonymous memory, every page filled. Each page holds
 * its own index in its first word and a byte derived from it everywhere
 * else, so a lost, swapped or altered page shows, down to a single byte.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zdtmtst.h"

#define SIZE (256UL << 20)
#define PAGE 4096UL
#define NR_PAGES (SIZE / PAGE)
#define MAGIC 0x6d656d3235366dULL /* "mem256m" */

static unsigned char page_byte(size_t i)
{
	/* Never zero: a page CRIU failed to restore reads back as zeroes. */
	return (unsigned char)(i * 131 + 7) | 1;
}

static void fill_page(unsigned char *p, size_t i)
{
	uint64_t head = MAGIC ^ i;

	memset(p, page_byte(i), PAGE);
	memcpy(p, &head, sizeof(head));
}

/* Offset of the first bad byte of page i, or -1. */
static long check_page(const unsigned char *p, size_t i)
{
	uint64_t head = MAGIC ^ i, word, want;
	size_t off;

	if (memcmp(p, &head, sizeof(head)))
		for (off = 0; off < sizeof(head); off++)
			if (p[off] != ((unsigned char *)&head)[off])
				return off;
	memset(&want, page_byte(i), sizeof(want));
	for (off = sizeof(head); off < PAGE; off += sizeof(word)) {
		memcpy(&word, p + off, sizeof(word));
		if (word != want)
			while (p[off] == page_byte(i))
				off++;
		if (word != want)
			return off;
	}
	return -1;
}

int main(int argc, char **argv)
{
	size_t i, bad = 0, first_bad = 0;
	long first_off = 0;
	unsigned char *mem;

	test_init(argc, argv);

	mem = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
		   -1, 0);
	if (mem == MAP_FAILED)
		pfail("mmap %lu MiB", SIZE >> 20);
	for (i = 0; i < NR_PAGES; i++)
		fill_page(mem + i * PAGE, i);

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR_PAGES; i++) {
		long off = check_page(mem + i * PAGE, i);

		if (off >= 0 && !bad++) {
			first_bad = i;
			first_off = off;
		}
	}
	if (bad)
		fail("%zu of %lu pages differ; the first is page %zu (address %p), at offset %ld: "
		     "%#04x, want %#04x",
		     bad, NR_PAGES, first_bad, (void *)(mem + first_bad * PAGE), first_off,
		     mem[first_bad * PAGE + first_off],
		     first_off < 8 ? ((unsigned char *)&(uint64_t){ MAGIC ^ first_bad })[first_off]
				   : page_byte(first_bad));
	munmap(mem, SIZE);
	return pass();
}
