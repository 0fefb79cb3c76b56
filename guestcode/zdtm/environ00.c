/* environ00: setenv() values and the initial environment area (/proc/self/environ). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zdtmtst.h"

extern char **environ;

static const struct {
	const char *name, *value;
} vars[] = {
	{ "ZDTM_ENVIRON00_A", "alpha" },
	{ "ZDTM_ENVIRON00_B", "a somewhat longer value with spaces = and equals" },
	{ "ZDTM_ENVIRON00_EMPTY", "" },
};

/* The kernel's view: env_start..env_end of the mm, which CRIU restores. */
static char *read_proc_environ(size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	int fd = open("/proc/self/environ", O_RDONLY);
	ssize_t r;

	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	for (;;) {
		if (n == cap) {
			char *p = realloc(buf, cap *= 2);

			if (!p)
				break;
			buf = p;
		}
		r = read(fd, buf + n, cap - n);
		if (r <= 0) {
			if (r < 0) {
				free(buf);
				buf = NULL;
			}
			break;
		}
		n += r;
	}
	close(fd);
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	char *first = NULL, *before, *after;
	size_t before_len, after_len, i;

	test_init(argc, argv);

	/* environ[0] is still in the initial area; setenv() only adds to the heap. */
	if (environ && environ[0])
		first = strdup(environ[0]);
	for (i = 0; i < ARRAY_SIZE(vars); i++)
		if (setenv(vars[i].name, vars[i].value, 1) < 0)
			pfail("setenv(%s)", vars[i].name);
	before = read_proc_environ(&before_len);
	if (!before)
		pfail("can't read /proc/self/environ");
	if (!first)
		test_msg("empty initial environment: only the setenv() values are checked");

	test_daemon();
	test_waitsig();

	for (i = 0; i < ARRAY_SIZE(vars); i++) {
		const char *v = getenv(vars[i].name);

		if (!v)
			fail("%s is unset", vars[i].name);
		else if (strcmp(v, vars[i].value))
			fail("%s is \"%s\", want \"%s\"", vars[i].name, v, vars[i].value);
	}

	after = read_proc_environ(&after_len);
	if (!after) {
		pfail("can't read /proc/self/environ after restore");
	} else {
		if (after_len != before_len || memcmp(after, before, before_len))
			fail("/proc/self/environ changed: %zu bytes, were %zu", after_len,
			     before_len);
		if (first && (after_len < strlen(first) + 1 ||
			      memcmp(after, first, strlen(first) + 1)))
			fail("/proc/self/environ does not start with \"%s\"", first);
	}
	if (first && (!environ[0] || strcmp(environ[0], first)))
		fail("environ[0] is \"%s\", want \"%s\"", environ[0] ? environ[0] : "(null)",
		     first);
	return pass();
}
