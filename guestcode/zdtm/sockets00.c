/*
 * sockets00: unix sockets. A SOCK_STREAM pair with data queued both ways, a
 * SOCK_DGRAM pair with two datagrams queued, a listener bound to a path.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "zdtmtst.h"

#define A_LEN 3000 /* stream, sent on s[0], queued at s[1] */
#define B_LEN 2000 /* stream, sent on s[1], queued at s[0] */
#define A_SEED 0x50c0
#define B_SEED 0x50c1
#define D1_LEN 100 /* datagrams, sent on d[0], queued at d[1] */
#define D2_LEN 200
#define D1_SEED 0xd1
#define D2_SEED 0xd2

static unsigned char buf[8192];
static char *path;
static pid_t owner;

static void remove_socket(void)
{
	if (getpid() == owner)
		unlink(path);
}

static void send_data(int fd, size_t len, uint64_t seed, int flags)
{
	datagen(buf, len, seed);
	if (send(fd, buf, len, flags) != (ssize_t)len)
		pfail("send %zu bytes", len);
}

/* Everything queued at fd must be exactly len bytes of the seed's pattern. */
static void check_stream(const char *what, int fd, size_t len, uint64_t seed)
{
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(buf)) {
		n = recv(fd, buf + got, sizeof(buf) - got, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	if (got != len)
		fail("%s: %zu bytes queued, want %zu", what, got, len);
	else
		datachk_fail(what, buf, len, seed);
}

static void check_dgram(const char *what, int fd, size_t len, uint64_t seed)
{
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (n < 0)
		pfail("%s: recv", what);
	else if ((size_t)n != len)
		fail("%s: %zd bytes, want %zu (boundaries lost?)", what, n, len);
	else
		datachk_fail(what, buf, len, seed);
}

static void check_listener(int lsk, const struct sockaddr_un *addr)
{
	struct sockaddr_un name;
	socklen_t len = sizeof(name);
	struct pollfd pfd = { .fd = lsk, .events = POLLIN };
	int val = 0, cli, srv;
	char c = 'p';

	len = sizeof(val);
	if (getsockopt(lsk, SOL_SOCKET, SO_ACCEPTCONN, &val, &len) < 0) {
		pfail("getsockopt SO_ACCEPTCONN");
		return;
	}
	if (!val) {
		fail("the listener does not listen any more");
		return;
	}
	len = sizeof(name);
	memset(&name, 0, sizeof(name));
	if (getsockname(lsk, (struct sockaddr *)&name, &len) < 0)
		pfail("getsockname");
	else if (strcmp(name.sun_path, addr->sun_path))
		fail("the listener is bound to \"%s\", want \"%s\"", name.sun_path, addr->sun_path);

	cli = socket(AF_UNIX, SOCK_STREAM, 0);
	if (cli < 0) {
		pfail("socket");
		return;
	}
	if (connect(cli, (const struct sockaddr *)addr, sizeof(*addr)) < 0) {
		pfail("connect to %s", addr->sun_path);
		close(cli);
		return;
	}
	if (poll(&pfd, 1, 5000) != 1) {
		fail("the listener has no connection to accept");
		close(cli);
		return;
	}
	srv = accept4(lsk, NULL, NULL, SOCK_NONBLOCK);
	if (srv < 0) {
		pfail("accept");
	} else {
		if (send(cli, &c, 1, 0) != 1)
			pfail("send on the new connection");
		else if (recv(srv, &c, 1, 0) != 1 || c != 'p')
			fail("the accepted connection did not get the byte sent");
		close(srv);
	}
	close(cli);
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int s[2], d[2], lsk;

	test_init(argc, argv);

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, s) < 0)
		pfail("socketpair SOCK_STREAM");
	send_data(s[0], A_LEN, A_SEED, 0);
	send_data(s[1], B_LEN, B_SEED, 0);

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, d) < 0)
		pfail("socketpair SOCK_DGRAM");
	send_data(d[0], D1_LEN, D1_SEED, 0);
	send_data(d[0], D2_LEN, D2_SEED, 0);

	path = test_path("test-sock");
	owner = getpid();
	if (strlen(path) >= sizeof(addr.sun_path))
		fail("%s is too long for a unix socket address (%zu bytes at most)", path,
		     sizeof(addr.sun_path) - 1);
	strcpy(addr.sun_path, path);
	unlink(path);
	lsk = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lsk < 0)
		pfail("socket");
	if (bind(lsk, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		pfail("bind %s", path);
	atexit(remove_socket);
	if (listen(lsk, 8) < 0)
		pfail("listen");

	test_daemon();
	test_waitsig();

	check_stream("stream data queued at s[1]", s[1], A_LEN, A_SEED);
	check_stream("stream data queued at s[0]", s[0], B_LEN, B_SEED);
	check_dgram("first datagram", d[1], D1_LEN, D1_SEED);
	check_dgram("second datagram", d[1], D2_LEN, D2_SEED);
	if (recv(d[1], buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		fail("a third datagram is queued");
	check_listener(lsk, &addr);

	/* The pairs are still connected to each other. */
	send_data(s[1], 10, 1, 0);
	check_stream("stream pair after restore", s[0], 10, 1);
	send_data(d[1], 20, 2, 0);
	check_dgram("datagram pair after restore", d[0], 20, 2);
	return pass();
}
