/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for dialing: numeric and named hosts, refused and
 * unanswered connects, the order of targets, the race (a dead first host
 * costs one stagger, not its timeout), the fresh connects to a silent
 * address, going on to the next host after the winner failed, and
 * whether a connection's peer acknowledged what was sent.
 * Loopback only; a "dead" host is a listener whose queue is full, which
 * drops SYNs.
 */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dial.h"
#include "loop.h"
#include "procfd.h"

struct result {
	bool	 done;
	int	 fd;
	char	 host[64];
	int	 port;
	char	 cause[1024];
};

static void
on_dial(int fd, const struct dial_target *t,
    const struct sockaddr_storage *addr, const char *cause, void *arg)
{
	struct result	*r = arg;

	r->done = true;
	r->fd = fd;
	if (t != NULL) {
		snprintf(r->host, sizeof(r->host), "%s", t->host);
		r->port = t->port;
		assert_non_null(addr);
	}
	if (cause != NULL)
		snprintf(r->cause, sizeof(r->cause), "%s", cause);
}

/* A listening socket on 127.0.0.1; returns its fd, port in *port. */
static int
listener(int backlog, int *port)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, backlog), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* A port nobody listens on. */
static int
closed_port(void)
{
	int	port, fd = listener(1, &port);

	close(fd);
	return port;
}

/*
 * A listener that drops SYNs: its queue (backlog 0) is full of the
 * connects in fill[0..3].  Returns its fd, port in *port.
 */
static int
dead_listener(int *port, int fill[4])
{
	struct sockaddr_in	sin;
	int			lfd, i;

	lfd = listener(0, port);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)*port);
	for (i = 0; i < 4; i++) {
		fill[i] = socket(AF_INET,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		assert_true(fill[i] >= 0);
		(void)connect(fill[i], (struct sockaddr *)&sin, sizeof(sin));
	}
	return lfd;
}

static void
dead_close(int lfd, int fill[4])
{
	int	i;

	for (i = 0; i < 4; i++)
		close(fill[i]);
	close(lfd);
}

static void
run(struct loop *l, struct result *r)
{
	int	turns = 0;

	while (!r->done && turns++ < 1000)
		assert_int_equal(loop_once(l, 100), 0);
	assert_true(r->done);
}

static void
test_numeric_connects(void **state)
{
	struct loop		*l = loop_new();
	struct result		 r = { 0 };
	struct dial		*d;
	struct dial_target	 t[1];
	int			 lfd, port;

	(void)state;
	lfd = listener(4, &port);
	t[0].host = "127.0.0.1";
	t[0].port = port;
	d = dial_start(l, t, 1, 2000, on_dial, &r);
	assert_false(r.done);	/* never from inside dial_start() */
	run(l, &r);
	assert_true(r.fd >= 0);
	assert_string_equal(r.host, "127.0.0.1");
	assert_int_equal(r.port, port);
	dial_free(d);
	close(r.fd);
	close(lfd);
	loop_free(l);
}

static void
test_refused_then_next_target(void **state)
{
	struct loop		*l = loop_new();
	struct result		 r = { 0 };
	struct dial		*d;
	struct dial_target	 t[2];
	char			 want[128];
	int			 lfd, port, dead;

	(void)state;
	lfd = listener(4, &port);
	dead = closed_port();
	t[0].host = "127.0.0.1";
	t[0].port = dead;
	t[1].host = "::1";
	t[1].port = port;	/* refused on ::1 too: v4 listener only */
	d = dial_start(l, t, 2, 2000, on_dial, &r);
	run(l, &r);
	assert_int_equal(r.fd, -1);
	snprintf(want, sizeof(want),
	    "connect 127.0.0.1:%d: Connection refused; ", dead);
	assert_memory_equal(r.cause, want, strlen(want));
	dial_free(d);

	/* Now the second target answers. */
	memset(&r, 0, sizeof(r));
	t[1].host = "127.0.0.1";
	d = dial_start(l, t, 2, 2000, on_dial, &r);
	run(l, &r);
	assert_true(r.fd >= 0);
	assert_int_equal(r.port, port);
	close(r.fd);
	dial_free(d);
	close(lfd);
	loop_free(l);
}

static void
test_name_resolved_in_child(void **state)
{
	struct loop		*l = loop_new();
	struct result		 r = { 0 };
	struct dial		*d;
	struct dial_target	 t[1];
	int			 lfd, port;

	(void)state;
	lfd = listener(4, &port);
	t[0].host = "localhost";	/* /etc/hosts */
	t[0].port = port;
	d = dial_start(l, t, 1, 3000, on_dial, &r);
	run(l, &r);
	/* localhost may come back as ::1 first: refused, then 127.0.0.1. */
	assert_true(r.fd >= 0);
	assert_string_equal(r.host, "localhost");
	close(r.fd);
	dial_free(d);
	close(lfd);
	loop_free(l);
}

static void
test_bad_name(void **state)
{
	struct loop		*l = loop_new();
	struct result		 r = { 0 };
	struct dial		*d;
	struct dial_target	 t[1];

	(void)state;
	t[0].host = "no-such-host.invalid";
	t[0].port = 22;
	d = dial_start(l, t, 1, 1000, on_dial, &r);
	run(l, &r);
	assert_int_equal(r.fd, -1);
	assert_memory_equal(r.cause, "resolve no-such-host.invalid: ",
	    strlen("resolve no-such-host.invalid: "));
	dial_free(d);
	loop_free(l);
}

/* A listener whose queue is full drops SYNs: the connect times out. */
static void
test_connect_timeout(void **state)
{
	struct loop		*l = loop_new();
	struct result		 r = { 0 };
	struct dial		*d;
	struct dial_target	 t[1];
	int			 lfd, port, fill[4];
	char			 want[128];

	(void)state;
	lfd = dead_listener(&port, fill);
	t[0].host = "127.0.0.1";
	t[0].port = port;
	d = dial_start(l, t, 1, 300, on_dial, &r);
	run(l, &r);
	assert_int_equal(r.fd, -1);
	snprintf(want, sizeof(want),
	    "connect 127.0.0.1:%d: timed out after 300 ms", port);
	assert_string_equal(r.cause, want);
	dial_free(d);
	dead_close(lfd, fill);
	loop_free(l);
}

/*
 * The first host does not answer: the second is tried one stagger later,
 * not after the first one's timeout, and wins.
 */
static void
test_race_dead_first(void **state)
{
	struct loop		*l = loop_new();
	struct result		 r = { 0 };
	struct dial		*d;
	struct dial_target	 t[2];
	int			 dfd, lfd, dport, port, fill[4];
	uint64_t		 t0;

	(void)state;
	dfd = dead_listener(&dport, fill);
	lfd = listener(4, &port);
	t[0].host = "127.0.0.1";
	t[0].port = dport;
	t[1].host = "127.0.0.1";
	t[1].port = port;
	t0 = loop_clock();
	d = dial_start(l, t, 2, 10000, on_dial, &r);
	run(l, &r);
	assert_true(r.fd >= 0);
	assert_int_equal(r.port, port);
	assert_true(loop_clock() - t0 >= DIAL_STAGGER);
	assert_true(loop_clock() - t0 < 5000);
	close(r.fd);
	dial_free(d);
	close(lfd);
	dead_close(dfd, fill);
	loop_free(l);
}

/*
 * An address that does not answer gets a fresh connect every
 * DIAL_REFRESH ms, the earlier ones kept: three sockets after 2.5 s.
 * All of them are closed when the dial is freed.
 */
static void
test_refresh_silent(void **state)
{
	struct loop		*l = loop_new();
	struct result		 r = { 0 };
	struct dial		*d;
	struct dial_target	 t[1];
	int			 lfd, port, fill[4], fds;
	uint64_t		 t0;

	(void)state;
	lfd = dead_listener(&port, fill);
	t[0].host = "127.0.0.1";
	t[0].port = port;
	fds = procfd_count();
	t0 = loop_clock();
	d = dial_start(l, t, 1, 10000, on_dial, &r);
	while (loop_clock() - t0 < 2 * DIAL_REFRESH + DIAL_REFRESH / 2)
		assert_int_equal(loop_once(l, 100), 0);
	assert_false(r.done);
	assert_int_equal(procfd_count(), fds + 3);
	dial_free(d);
	assert_int_equal(procfd_count(), fds);
	dead_close(lfd, fill);
	loop_free(l);
}

/*
 * The winner's host failed after the connect: the race goes on with the
 * other hosts, and says so when none is left.
 */
static void
test_resume(void **state)
{
	struct loop		*l = loop_new();
	struct result		 r = { 0 };
	struct dial		*d;
	struct dial_target	 t[3];
	int			 a, b, pa, pb, dead;
	char			 want[256];

	(void)state;
	a = listener(4, &pa);
	b = listener(4, &pb);
	dead = closed_port();
	t[0].host = "127.0.0.1";
	t[0].port = pa;
	t[1].host = "127.0.0.1";
	t[1].port = dead;
	t[2].host = "127.0.0.1";
	t[2].port = pb;
	d = dial_start(l, t, 3, 2000, on_dial, &r);
	run(l, &r);
	assert_true(r.fd >= 0);
	assert_int_equal(r.port, pa);
	close(r.fd);
	assert_true(dial_others_left(d));
	memset(&r, 0, sizeof(r));
	assert_int_equal(dial_resume(d, 2000, "A: ssh handshake: banner"), 0);
	assert_false(dial_others_left(d));	/* no winner out now */
	assert_false(r.done);	/* never from inside dial_resume() */
	run(l, &r);
	assert_true(r.fd >= 0);
	assert_int_equal(r.port, pb);
	close(r.fd);
	/* The dead port was refused meanwhile: nothing left. */
	assert_false(dial_others_left(d));
	/* Nothing left: said at once. */
	memset(&r, 0, sizeof(r));
	assert_int_equal(dial_resume(d, 2000, "B: ssh handshake: banner"), -1);
	assert_int_equal(loop_once(l, 50), 0);
	assert_false(r.done);
	dial_free(d);

	/*
	 * The hosts left are refused (the first won before their turn):
	 * the failure says all of it.
	 */
	t[2].port = closed_port();
	d = dial_start(l, t, 3, 2000, on_dial, &r);
	run(l, &r);
	assert_int_equal(r.port, pa);
	close(r.fd);
	memset(&r, 0, sizeof(r));
	assert_int_equal(dial_resume(d, 2000, "A: ssh handshake: banner"), 0);
	run(l, &r);
	assert_int_equal(r.fd, -1);
	snprintf(want, sizeof(want), "A: ssh handshake: banner; connect "
	    "127.0.0.1:%d: Connection refused; connect 127.0.0.1:%d: "
	    "Connection refused", dead, t[2].port);
	assert_string_equal(r.cause, want);
	dial_free(d);
	close(a);
	close(b);
	loop_free(l);
}

/* Freeing a dial in flight kills its resolver and closes its socket. */
static void
test_free_in_flight(void **state)
{
	struct loop		*l = loop_new();
	struct result		 r = { 0 };
	struct dial		*d;
	struct dial_target	 t[1];

	(void)state;
	t[0].host = "localhost";
	t[0].port = 9;
	d = dial_start(l, t, 1, 1000, on_dial, &r);
	assert_int_equal(loop_once(l, 0), 0);	/* resolver forked */
	dial_free(d);
	assert_int_equal(loop_once(l, 50), 0);
	assert_false(r.done);
	loop_free(l);
}

/*
 * dial_peer_acked(): true once the peer's kernel acknowledged what was
 * sent, even if nothing there reads it (a slow sshd); false for a
 * connect still waiting on its SYN (the path is down), a socket never
 * connected, and what is not a TCP socket.
 */
static void
test_peer_acked(void **state)
{
	struct sockaddr_in	 sin;
	const char		 banner[] = "SSH-2.0-test\r\n";
	int			 lfd, fd, port, fill[4], pfd[2], i;
	bool			 acked = false;

	(void)state;
	lfd = listener(4, &port);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	/* Never accepted, never read: the kernel acknowledges all the same. */
	assert_int_equal(send(fd, banner, sizeof(banner) - 1, MSG_NOSIGNAL),
	    (ssize_t)sizeof(banner) - 1);
	for (i = 0; i < 100 && !acked; i++) {
		acked = dial_peer_acked(fd);
		if (!acked)
			usleep(10000);
	}
	assert_true(acked);
	close(fd);
	close(lfd);

	/* SYNs dropped: not established. */
	lfd = dead_listener(&port, fill);
	sin.sin_port = htons((uint16_t)port);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	(void)connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	assert_false(dial_peer_acked(fd));
	close(fd);
	dead_close(lfd, fill);

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_false(dial_peer_acked(fd));
	close(fd);
	assert_int_equal(pipe(pfd), 0);
	assert_false(dial_peer_acked(pfd[0]));
	close(pfd[0]);
	close(pfd[1]);
	assert_false(dial_others_left(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numeric_connects),
		cmocka_unit_test(test_refused_then_next_target),
		cmocka_unit_test(test_name_resolved_in_child),
		cmocka_unit_test(test_bad_name),
		cmocka_unit_test(test_connect_timeout),
		cmocka_unit_test(test_race_dead_first),
		cmocka_unit_test(test_refresh_silent),
		cmocka_unit_test(test_resume),
		cmocka_unit_test(test_free_in_flight),
		cmocka_unit_test(test_peer_acked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
