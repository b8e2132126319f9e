/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for metrics.c: reading an interface's counters out of
 * /proc/net/dev text (found, absent, a name that is a prefix of
 * another, malformed), and the exposition of links in each state (the
 * families in order with their HELP and TYPE, label escaping, the
 * samples that appear only sometimes).  A real Prometheus parser reads
 * vpnd's output in tests/integration/vpnctl_metrics.sh.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "ctlmsg.h"
#include "metrics.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

static const char netdev[] =
    "Inter-|   Receive                                                |"
    "  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|"
    "bytes    packets errs drop fifo colls carrier compressed\n"
    "    lo:    1234      12    0    0    0     0          0         0"
    "    1234      12    0    0    0     0       0          0\n"
    "vpn-office-2: 1 2 0 0 0 0 0 0 3 4 0 0 0 0 0 0\n"
    "vpn-office: 18446744073709551615 70000 1 2 3 4 5 6 "
    "987654321 65000 7 8 9 10 11 12\n"
    "  eth0: 5 6 0 0 0 0 0 0 7 8 0 0 0 0 0 0\n"
    "broken: 5 6 0 0\n";

static const struct {
	const char	*ifname;
	int		 ok;
	uint64_t	 rxb, rxp, txb, txp;
} if_cases[] = {
	{ "lo", 0, 1234, 12, 1234, 12 },
	{ "vpn-office", 0, UINT64_MAX, 70000, 987654321, 65000 },
	{ "vpn-office-2", 0, 1, 2, 3, 4 },
	{ "eth0", 0, 5, 6, 7, 8 },
	{ "vpn", -1, 0, 0, 0, 0 },
	{ "eth", -1, 0, 0, 0, 0 },
	{ "broken", -1, 0, 0, 0, 0 },
	{ "face |bytes    packets errs drop fifo frame compressed multicast|"
	    "bytes", -1, 0, 0, 0, 0 },
};

static void
test_ifstats(void **state)
{
	struct metrics_ifstats	st;
	size_t			i;

	(void)state;
	for (i = 0; i < NITEMS(if_cases); i++) {
		memset(&st, 0, sizeof(st));
		assert_int_equal(metrics_ifstats_parse(netdev,
		    if_cases[i].ifname, &st), if_cases[i].ok);
		if (if_cases[i].ok == -1)
			continue;
		assert_true(st.rx_bytes == if_cases[i].rxb);
		assert_true(st.rx_packets == if_cases[i].rxp);
		assert_true(st.tx_bytes == if_cases[i].txb);
		assert_true(st.tx_packets == if_cases[i].txp);
	}
	assert_int_equal(metrics_ifstats_parse("", "lo", &st), -1);
	assert_int_equal(metrics_ifstats_parse("lo: 1 2 x", "lo", &st), -1);
	assert_int_equal(metrics_ifstats_parse("lo: 1 2 3 4 5 6 7 8 9 10 11 "
	    "12 13 14 15 99999999999999999999", "lo", &st), -1);
}

/* The line starting with prefix, whole; fails if there is none. */
static void
assert_line(const char *text, const char *line)
{
	const char	*p;
	size_t		 len = strlen(line);

	for (p = text; p != NULL; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (strncmp(p, line, len) == 0 &&
		    (p[len] == '\n' || p[len] == '\0'))
			return;
	fail_msg("no line '%s' in:\n%s", line, text);
}

static void
assert_no_prefix(const char *text, const char *prefix)
{
	const char	*p;

	for (p = text; p != NULL; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (strncmp(p, prefix, strlen(prefix)) == 0)
			fail_msg("a line '%s...' in:\n%s", prefix, text);
}

static void
test_exposition(void **state)
{
	struct ctlmsg_link	 up, down;
	struct metrics_link	 v[2];
	struct buf		 b = { NULL, 0, 0 };
	struct metrics_heap	 heap = { true, 123456, UINT64_MAX };
	struct metrics_heap	 unknown = { false, 1, 2 };
	const char		*p, *q;

	(void)state;
	memset(&up, 0, sizeof(up));
	up.name = "office";
	up.ifname = "vpn-office";
	up.state = "up";
	up.since = 1700000000;
	up.wanted = true;
	up.redials = 4;
	up.rtt_us = 2500;
	up.fails_network = 3;
	up.fails_remote = 1;
	memset(&down, 0, sizeof(down));
	down.name = "a\"b\\c";
	down.ifname = "vpn-ab";
	down.state = "backoff";
	down.since = 1700000100;
	down.rtt_us = -1;
	down.fails_hard = 2;
	memset(v, 0, sizeof(v));
	v[0].m = &up;
	v[0].has_if = true;
	v[0].ifs.rx_bytes = 1000;
	v[0].ifs.rx_packets = 10;
	v[0].ifs.tx_bytes = UINT64_MAX;
	v[0].ifs.tx_packets = 20;
	v[1].m = &down;
	metrics_put(&b, v, NITEMS(v), &heap);

	assert_line(b.s, "pppssh_build_info{version=\"" PACKAGE_VERSION
	    "\"} 1");
	assert_line(b.s, "pppssh_links{state=\"up\"} 1");
	assert_line(b.s, "pppssh_links{state=\"backoff\"} 1");
	assert_line(b.s, "pppssh_links{state=\"down\"} 0");
	assert_line(b.s, "# TYPE pppssh_vpnd_heap_in_use_bytes gauge");
	assert_line(b.s, "pppssh_vpnd_heap_in_use_bytes 123456");
	assert_line(b.s, "pppssh_vpnd_heap_free_bytes 18446744073709551615");
	assert_line(b.s, "# TYPE pppssh_link_state gauge");
	assert_line(b.s, "pppssh_link_state{link=\"office\",state=\"up\"} 1");
	assert_line(b.s, "pppssh_link_state{link=\"office\",state=\"down\"} "
	    "0");
	assert_line(b.s, "pppssh_link_state{link=\"a\\\"b\\\\c\","
	    "state=\"backoff\"} 1");
	assert_line(b.s, "pppssh_link_wanted{link=\"office\"} 1");
	assert_line(b.s, "pppssh_link_wanted{link=\"a\\\"b\\\\c\"} 0");
	assert_line(b.s, "pppssh_link_last_change_timestamp_seconds"
	    "{link=\"a\\\"b\\\\c\"} 1700000100");
	assert_line(b.s, "pppssh_link_up_since_timestamp_seconds"
	    "{link=\"office\"} 1700000000");
	assert_no_prefix(b.s, "pppssh_link_up_since_timestamp_seconds"
	    "{link=\"a");
	assert_line(b.s, "# TYPE pppssh_link_receive_bytes_total counter");
	assert_line(b.s, "pppssh_link_receive_bytes_total{link=\"office\","
	    "interface=\"vpn-office\"} 1000");
	assert_line(b.s, "pppssh_link_transmit_bytes_total{link=\"office\","
	    "interface=\"vpn-office\"} 18446744073709551615");
	assert_line(b.s, "pppssh_link_receive_packets_total{link=\"office\","
	    "interface=\"vpn-office\"} 10");
	assert_line(b.s, "pppssh_link_transmit_packets_total"
	    "{link=\"office\",interface=\"vpn-office\"} 20");
	assert_no_prefix(b.s, "pppssh_link_receive_bytes_total{link=\"a");
	assert_line(b.s, "pppssh_link_rtt_seconds{link=\"office\"} "
	    "0.002500");
	assert_no_prefix(b.s, "pppssh_link_rtt_seconds{link=\"a");
	assert_line(b.s, "pppssh_link_redials_total{link=\"office\"} 4");
	assert_line(b.s, "pppssh_link_failures_total{link=\"office\","
	    "class=\"network\"} 3");
	assert_line(b.s, "pppssh_link_failures_total{link=\"office\","
	    "class=\"remote\"} 1");
	assert_line(b.s, "pppssh_link_failures_total{link=\"a\\\"b\\\\c\","
	    "class=\"hard\"} 2");

	/* A family's samples follow its TYPE line, both links together. */
	p = strstr(b.s, "# TYPE pppssh_link_wanted gauge\n");
	q = strstr(b.s, "# HELP pppssh_link_last_change");
	assert_non_null(p);
	assert_non_null(q);
	assert_true(strstr(p, "pppssh_link_wanted{link=\"a") < q);
	assert_int_equal(b.s[b.len - 1], '\n');
	buf_free(&b);

	/* No links: the daemon's families, every state at 0. */
	metrics_put(&b, NULL, 0, &unknown);
	assert_line(b.s, "pppssh_links{state=\"up\"} 0");
	assert_no_prefix(b.s, "pppssh_link_state{");
	/* A heap not known (not glibc's malloc): no figures rather than 0. */
	assert_no_prefix(b.s, "pppssh_vpnd_heap");
	assert_no_prefix(b.s, "# HELP pppssh_vpnd_heap");
	buf_free(&b);
}

/*
 * The heap's figures follow what this process allocates and frees: a
 * block above glibc's mmap() threshold and a hundred small ones.
 */
static void
test_heap(void **state)
{
	struct metrics_heap	 h0, h1, h2;
	void			*big, *small[100];
	size_t			 i;

	(void)state;
	metrics_heap_read(&h0);
	big = malloc(1 << 20);
	assert_non_null(big);
	memset(big, 1, 1 << 20);
	for (i = 0; i < NITEMS(small); i++) {
		small[i] = malloc(1000);
		assert_non_null(small[i]);
	}
	metrics_heap_read(&h1);
	for (i = 0; i < NITEMS(small); i++)
		free(small[i]);
	free(big);
	metrics_heap_read(&h2);
#if defined(__SANITIZE_ADDRESS__) || !defined(HAVE_MALLINFO2)
	/* AddressSanitizer's malloc is not the one mallinfo2() sees. */
	assert_false(h0.known);
	assert_false(h1.known);
	assert_false(h2.known);
#else
	assert_true(h0.known);
	assert_true(h1.in_use >= h0.in_use + (1 << 20) + 100 * 1000);
	/* glibc counts the last few freed of a size (its tcache) in use. */
	assert_true(h2.in_use + (1 << 20) + 100 * 1000 <= h1.in_use +
	    16 * 1024);
#endif
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_ifstats),
		cmocka_unit_test(test_exposition),
		cmocka_unit_test(test_heap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
