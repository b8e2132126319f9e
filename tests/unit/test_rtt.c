/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for rtt.c against the real kernel, in a network namespace
 * of the test's own (unshare, root only; else skipped): echoes to
 * 127.0.0.1 through lo are answered and timed; once the kernel stops
 * answering (icmp_echo_ignore_all, in this namespace only) the owner is
 * told after `misses` echoes, with why; a peer that never answered gets
 * no RTT and is never declared lost; where ping_group_range lets us,
 * an unprivileged ping socket is used (it shows in /proc/net/icmp),
 * else a raw one.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/socket.h>

#include <net/if.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "loop.h"
#include "rtt.h"
#include "xmalloc.h"

static const uint8_t	lo_addr[4] = { 127, 0, 0, 1 };
static const uint8_t	nobody[4] = { 127, 0, 0, 1 };

struct lost {
	int	 calls;
	char	*why;
	struct rtt **rp;	/* freed by the callback, as link.c does */
};

static void
on_lost(const char *why, void *arg)
{
	struct lost	*l = arg;

	l->calls++;
	free(l->why);
	l->why = xstrdup(why);
	rtt_free(*l->rp);
	*l->rp = NULL;
}

static void
sysctl(const char *path, const char *value)
{
	int	fd;

	fd = open(path, O_WRONLY);
	assert_true(fd != -1);
	assert_int_equal(write(fd, value, strlen(value)),
	    (ssize_t)strlen(value));
	assert_int_equal(close(fd), 0);
}

static void
echo_ignore(int on)
{
	sysctl("/proc/sys/net/ipv4/icmp_echo_ignore_all", on ? "1" : "0");
}

/* Lines of /proc/net/icmp after its header: the ping sockets. */
static int
ping_sockets(void)
{
	FILE	*f = fopen("/proc/net/icmp", "r");
	char	 line[512];
	int	 n = -1;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		n++;
	(void)fclose(f);
	return n;
}

/* rtt_start() from lo's address to peer, every second; it must work. */
static struct rtt *
start(struct loop *loop, const uint8_t peer[4], int misses, struct lost *l)
{
	struct rtt	*r;
	char		*cause = NULL;

	r = rtt_start(loop, "test", "lo", lo_addr, peer, 1, misses, on_lost,
	    l, &cause);
	if (r == NULL)
		fail_msg("rtt_start: %s", cause);
	return r;
}

/* Turn the loop until cond holds or ms pass. */
#define RUN_UNTIL(loop, cond, ms) do {					\
	uint64_t _end = loop_now(loop) + (ms);				\
	while (!(cond) && loop_now(loop) < _end)			\
		assert_true(loop_once(loop, 100) >= 0);			\
} while (0)

static void
test_answered_then_lost(void **state)
{
	struct loop	*loop = loop_new();
	struct rtt	*r;
	struct lost	 l = { 0, NULL, &r };

	(void)state;
	echo_ignore(0);
	r = start(loop, lo_addr, 2, &l);
	assert_int_equal(ping_sockets(), 0);	/* the default: raw */
	assert_int_equal(rtt_last_us(r), -1);
	RUN_UNTIL(loop, rtt_last_us(r) >= 0, 3000);
	assert_true(rtt_last_us(r) >= 0);
	assert_true(rtt_last_us(r) < 500000);

	/* The far end stops answering: 2 echoes later, lost. */
	echo_ignore(1);
	RUN_UNTIL(loop, l.calls > 0, 6000);
	assert_int_equal(l.calls, 1);
	assert_null(r);
	assert_string_equal(l.why, "no echo reply from 127.0.0.1 through lo "
	    "for 2 s (2 echoes)");
	echo_ignore(0);
	free(l.why);
	loop_free(loop);
}

static void
test_never_answered(void **state)
{
	struct loop	*loop = loop_new();
	struct rtt	*r;
	struct lost	 l = { 0, NULL, &r };
	uint64_t	 end;

	(void)state;
	echo_ignore(1);
	r = start(loop, nobody, 1, &l);
	end = loop_now(loop) + 3500;
	while (loop_now(loop) < end)
		assert_true(loop_once(loop, 100) >= 0);
	assert_int_equal(l.calls, 0);
	assert_int_equal(rtt_last_us(r), -1);
	rtt_free(r);
	echo_ignore(0);
	loop_free(loop);
}

/* Where root's group may open ping sockets, rtt uses one. */
static void
test_ping_socket(void **state)
{
	struct loop	*loop = loop_new();
	struct rtt	*r;
	struct lost	 l = { 0, NULL, &r };

	(void)state;
	echo_ignore(0);
	assert_int_equal(ping_sockets(), 0);
	sysctl("/proc/sys/net/ipv4/ping_group_range", "0 0");
	r = start(loop, lo_addr, 2, &l);
	assert_int_equal(ping_sockets(), 1);
	RUN_UNTIL(loop, rtt_last_us(r) >= 0, 3000);
	assert_true(rtt_last_us(r) >= 0);
	rtt_free(r);
	assert_int_equal(ping_sockets(), 0);
	sysctl("/proc/sys/net/ipv4/ping_group_range", "1 0");
	loop_free(loop);
}

/* Bad setups: an address we do not have. */
static void
test_no_socket(void **state)
{
	struct loop	*loop = loop_new();
	const uint8_t	 other[4] = { 192, 0, 2, 1 };
	struct rtt	*r;
	struct lost	 l = { 0, NULL, &r };
	char		*cause = NULL;

	(void)state;
	r = rtt_start(loop, "test", "lo", other, lo_addr, 1, 1, on_lost, &l,
	    &cause);
	assert_null(r);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "bind to 192.0.2.1"));
	free(cause);
	rtt_free(NULL);
	loop_free(loop);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_answered_then_lost),
		cmocka_unit_test(test_ping_socket),
		cmocka_unit_test(test_never_answered),
		cmocka_unit_test(test_no_socket),
	};
	struct ifreq	ifr;
	int		fd;

	if (geteuid() != 0 || unshare(CLONE_NEWNET) == -1) {
		fprintf(stderr, "SKIP: test_rtt needs root and a network "
		    "namespace of its own (unshare: %s)\n", strerror(errno));
		return 77;
	}
	/* lo up in the new namespace. */
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return 99;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == -1)
		return 99;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) == -1)
		return 99;
	(void)close(fd);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
