/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for vpn-peer's rules (src/peer.c): its own arguments, the
 * request parser against a table of hostile and malformed requests, each
 * with the exact reason it is refused, the exact argv of every allowed
 * request, and the stale pppd hunt against a real process named pppd.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "argv.h"
#include "peer.h"
#include "ppp.h"
#include "xmalloc.h"

#define PPPD_BASE \
	"nodetach notty noauth local nolock nocrtscts nodefaultroute " \
	"logfd 2 ifname vpn-peer 10.9.0.2:10.9.0.1"
#define LCP_TAIL	"lcp-echo-adaptive lcp-restart 1 lcp-max-terminate 1"

/* The key of the tables: --ip 10.9.0.2 --peer 10.9.0.1 and two nets. */
static void
base_conf(struct peer_conf *c)
{
	char	*cause = NULL;

	peer_conf_init(c);
	c->ip = "10.9.0.2";
	c->peer = "10.9.0.1";
	assert_int_equal(peer_conf_add_net(c, "172.16.1.0/24", &cause), 0);
	assert_int_equal(peer_conf_add_net(c, "2001:db8:1::/48", &cause), 0);
	assert_int_equal(peer_conf_check(c, &cause), 0);
}

static char *
join(char **argv)
{
	char	*s = NULL, *t;
	size_t	 i;

	for (i = 0; argv[i] != NULL; i++) {
		/* No word of ours may hold a space: join is then exact. */
		assert_null(strchr(argv[i], ' '));
		if (s == NULL)
			s = xstrdup(argv[i]);
		else {
			xasprintf(&t, "%s %s", s, argv[i]);
			free(s);
			s = t;
		}
	}
	return s == NULL ? xstrdup("") : s;
}

struct refused {
	const char	*request;
	const char	*reason;
};

static const char overlong_tail[] = "x";

static const struct refused refused[] = {
	/* Nothing at all. */
	{ NULL, "no request (this key runs only vpn-peer requests)" },
	{ "", "no request (this key runs only vpn-peer requests)" },
	{ " ", "no request, only spaces" },
	{ "     ", "no request, only spaces" },
	/* Word separation. */
	{ "pppd  lcp-echo-interval 10", "empty word at offset 5 (words are "
	    "separated by single spaces)" },
	{ " version", "empty word at offset 0 (words are separated by single "
	    "spaces)" },
	{ "version ", "empty word at offset 8 (words are separated by single "
	    "spaces)" },
	{ "pppd\tmtu 1400", "byte 0x09 at offset 4 is not allowed" },
	{ "version\nclean", "byte 0x0a at offset 7 is not allowed" },
	{ "version\r", "byte 0x0d at offset 7 is not allowed" },
	{ "version\xff", "byte 0xff at offset 7 is not allowed" },
	{ "version\x7f", "byte 0x7f at offset 7 is not allowed" },
	/* Shell syntax of every kind. */
	{ "pppd; sh", "character ';' at offset 4 is not allowed" },
	{ "version && sh", "character '&' at offset 8 is not allowed" },
	{ "clean | cat /etc/shadow", "character '|' at offset 6 is not "
	    "allowed" },
	{ "route replace $(id)", "character '$' at offset 14 is not allowed" },
	{ "route replace `id`", "character '`' at offset 14 is not allowed" },
	{ "route replace ${IFS}", "character '$' at offset 14 is not "
	    "allowed" },
	{ "pppd 'plugin'", "character ''' at offset 5 is not allowed" },
	{ "pppd \"pty\"", "character '\"' at offset 5 is not allowed" },
	{ "route replace 172.16.1.0/24>/tmp/x", "character '>' at offset 27 "
	    "is not allowed" },
	{ "clean<x", "character '<' at offset 5 is not allowed" },
	{ "pppd mtu\\ 1400", "character '\\' at offset 8 is not allowed" },
	{ "version #", "character '#' at offset 8 is not allowed" },
	{ "route replace 172.16.1.0/24,10.0.0.0/8", "character ',' at offset "
	    "27 is not allowed" },
	{ "pppd *", "character '*' at offset 5 is not allowed" },
	{ "route replace ~", "character '~' at offset 14 is not allowed" },
	{ "pppd=1", "character '=' at offset 4 is not allowed" },
	/* Verbs. */
	{ "shell", "unknown request \"shell\"" },
	{ "sh", "unknown request \"sh\"" },
	{ "PPPD", "unknown request \"PPPD\"" },
	{ "/usr/sbin/pppd nodetach", "unknown request \"/usr/sbin/pppd\"" },
	{ "-v", "unknown request \"-v\"" },
	{ "vpn-peer version", "unknown request \"vpn-peer\"" },
	{ "version 2", "version takes no arguments" },
	{ "clean 1234", "clean takes no arguments" },
	{ "clean clean", "clean takes no arguments" },
	/* pppd: option injection. */
	{ "pppd plugin x.so", "pppd: unknown option \"plugin\"" },
	{ "pppd pty sh", "pppd: unknown option \"pty\"" },
	{ "pppd lcp-echo-interval 10 noauth", "pppd: unknown option "
	    "\"noauth\"" },
	{ "pppd ifname eth0", "pppd: unknown option \"ifname\"" },
	{ "pppd linkname other", "pppd: unknown option \"linkname\"" },
	{ "pppd 10.9.0.2:10.9.0.99", "pppd: unknown option "
	    "\"10.9.0.2:10.9.0.99\"" },
	{ "pppd file /etc/shadow", "pppd: unknown option \"file\"" },
	{ "pppd connect /bin/sh", "pppd: unknown option \"connect\"" },
	{ "pppd --ip 10.0.0.1", "pppd: unknown option \"--ip\"" },
	{ "pppd defaultroute", "pppd: unknown option \"defaultroute\"" },
	{ "pppd compression yes call evil", "pppd: unknown option \"call\"" },
	/* pppd: values. */
	{ "pppd lcp-echo-interval", "pppd: lcp-echo-interval needs a value" },
	{ "pppd mtu 1400 compression", "pppd: compression needs a value" },
	{ "pppd lcp-echo-interval 0", "pppd: lcp-echo-interval: \"0\" is not "
	    "a number in 1-3600" },
	{ "pppd lcp-echo-interval 3601", "pppd: lcp-echo-interval: \"3601\" "
	    "is not a number in 1-3600" },
	{ "pppd lcp-echo-interval -1", "pppd: lcp-echo-interval: \"-1\" is "
	    "not a number in 1-3600" },
	{ "pppd lcp-echo-interval 010", "pppd: lcp-echo-interval: \"010\" is "
	    "not a number in 1-3600" },
	{ "pppd lcp-echo-interval 99999999999", "pppd: lcp-echo-interval: "
	    "\"9999999999\" is not a number in 1-3600" },
	{ "pppd lcp-echo-interval 1e3", "pppd: lcp-echo-interval: \"1e3\" is "
	    "not a number in 1-3600" },
	{ "pppd lcp-echo-interval 0x10", "pppd: lcp-echo-interval: \"0x10\" "
	    "is not a number in 1-3600" },
	{ "pppd lcp-echo-failure 0", "pppd: lcp-echo-failure: \"0\" is not a "
	    "number in 1-100" },
	{ "pppd lcp-echo-failure 101", "pppd: lcp-echo-failure: \"101\" is "
	    "not a number in 1-100" },
	{ "pppd mtu 575", "pppd: mtu: \"575\" is not a number in 576-9000" },
	{ "pppd mtu 9001", "pppd: mtu: \"9001\" is not a number in "
	    "576-9000" },
	{ "pppd mtu 2147483648", "pppd: mtu: \"2147483648\" is not a number "
	    "in 576-9000" },
	{ "pppd ipv6 maybe", "pppd: ipv6: \"maybe\" is not yes or no" },
	{ "pppd ipv6 yes ipv6 yes", "pppd: ipv6 given twice" },
	{ "pppd ipv6", "pppd: ipv6 needs a value" },
	{ "pppd compression maybe", "pppd: compression: \"maybe\" is not yes "
	    "or no" },
	{ "pppd compression YES", "pppd: compression: \"YES\" is not yes or "
	    "no" },
	{ "pppd mtu 1400 mtu 1500", "pppd: mtu given twice" },
	{ "pppd lcp-echo-interval 10 lcp-echo-failure 3 mtu 1400 "
	    "compression yes lcp-echo-interval 5",
	    "pppd: lcp-echo-interval given twice" },
	/* route: other nets, and more than the net. */
	{ "route", "route: replace or del is missing" },
	{ "route add 172.16.1.0/24", "route: unknown action \"add\" (replace "
	    "or del)" },
	{ "route flush", "route: unknown action \"flush\" (replace or del)" },
	{ "route replace", "route replace: no net" },
	{ "route del", "route del: no net" },
	{ "route replace 0.0.0.0/0", "route replace: 0.0.0.0/0 is not a "
	    "permitted net" },
	{ "route replace default", "route replace: default is not a prefix" },
	{ "route replace 172.16.0.0/16", "route replace: 172.16.0.0/16 is not "
	    "a permitted net" },
	{ "route replace 172.16.1.0/25", "route replace: 172.16.1.0/25 is not "
	    "a permitted net" },
	{ "route replace 172.16.1.128/25", "route replace: 172.16.1.128/25 is "
	    "not a permitted net" },
	{ "route replace 172.16.1.1/24", "route replace: 172.16.1.1/24 has "
	    "host bits set (172.16.1.0/24 is the prefix)" },
	{ "route replace 172.16.1.0", "route replace: 172.16.1.0 is not a "
	    "prefix" },
	{ "route replace 172.16.1.0/024", "route replace: 172.16.1.0/024 is "
	    "not a prefix" },
	{ "route replace 172.16.1.0/24 dev eth0", "route replace: dev is not "
	    "a prefix" },
	{ "route replace 172.16.1.0/24 via 192.0.2.1", "route replace: via "
	    "is not a prefix" },
	{ "route replace 172.16.1.0/24 172.16.1.0/24", "route replace: "
	    "172.16.1.0/24 given twice" },
	{ "route replace 172.16.1.0/24 10.0.0.0/8", "route replace: "
	    "10.0.0.0/8 is not a permitted net" },
	{ "route del 10.0.0.0/8", "route del: 10.0.0.0/8 is not a permitted "
	    "net" },
	{ "route replace 2001:db8::/32", "route replace: 2001:db8::/32 is not "
	    "a permitted net" },
	{ "route replace ::/0", "route replace: ::/0 is not a permitted net" },
	{ "route replace ::ffff:172.16.1.0/120", "route replace: "
	    "::ffff:172.16.1.0/120 is an IPv4-mapped prefix (write it as "
	    "IPv4)" },
	{ "route replace -6", "route replace: -6 is not a prefix" },
	{ "route -6 replace 2001:db8:1::/48", "route: unknown action \"-6\" "
	    "(replace or del)" },
};

static void
test_refused(void **state)
{
	struct peer_conf	 c;
	struct peer_request	 r;
	char			*cause;
	size_t			 i;

	(void)state;
	base_conf(&c);
	assert_true(sizeof(refused) / sizeof(refused[0]) >= 30);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		cause = NULL;
		if (peer_request_parse(&c, refused[i].request, &r,
		    &cause) != -1)
			fail_msg("accepted: \"%s\"", refused[i].request);
		assert_non_null(cause);
		if (strcmp(cause, refused[i].reason) != 0)
			fail_msg("\"%s\": reason \"%s\", want \"%s\"",
			    refused[i].request, cause, refused[i].reason);
		free(cause);
	}
}

/* Length and word count limits. */
static void
test_limits(void **state)
{
	struct peer_conf	 c;
	struct peer_request	 r;
	char			 buf[PEER_REQUEST_MAX + 64], *cause = NULL;
	size_t			 i;

	(void)state;
	(void)overlong_tail;
	base_conf(&c);

	/* Just over: refused for its length before anything else. */
	memset(buf, 'a', sizeof(buf));
	buf[PEER_REQUEST_MAX + 1] = '\0';
	assert_int_equal(peer_request_parse(&c, buf, &r, &cause), -1);
	assert_string_equal(cause, "request longer than 1024 bytes");
	free(cause);
	cause = NULL;
	/* Far over, with shell syntax in it: still the length. */
	memset(buf, ';', sizeof(buf));
	buf[sizeof(buf) - 1] = '\0';
	assert_int_equal(peer_request_parse(&c, buf, &r, &cause), -1);
	assert_string_equal(cause, "request longer than 1024 bytes");
	free(cause);
	cause = NULL;
	/* Exactly the limit: parsed (and refused as a verb). */
	memset(buf, 'a', sizeof(buf));
	buf[PEER_REQUEST_MAX] = '\0';
	assert_int_equal(peer_request_parse(&c, buf, &r, &cause), -1);
	assert_string_equal(cause, "unknown request \"aaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaa\"");
	free(cause);
	cause = NULL;

	/* One word too many. */
	strcpy(buf, "route replace");
	for (i = 2; i <= PEER_WORDS_MAX; i++)
		strcat(buf, " 172.16.1.0/24");
	assert_int_equal(peer_request_parse(&c, buf, &r, &cause), -1);
	assert_string_equal(cause, "more than 19 words");
	free(cause);
	cause = NULL;
	/* pppd with every option: 9 words, accepted. */
	assert_int_equal(peer_request_parse(&c, "pppd lcp-echo-interval 1 "
	    "lcp-echo-failure 1 mtu 576 compression no", &r, &cause), 0);
}

struct allowed {
	const char	*request;
	bool		 sudo;
	const char	*argv[3];	/* pppd, or the ip commands */
};

static const struct allowed allowed[] = {
	{ "pppd", false, { "/usr/sbin/pppd " PPPD_BASE " lcp-echo-interval 10 "
	    "lcp-echo-failure 3 " LCP_TAIL " noccp linkname vpn-peer" } },
	{ "pppd lcp-echo-interval 2 lcp-echo-failure 5", false,
	    { "/usr/sbin/pppd " PPPD_BASE " lcp-echo-interval 2 "
	    "lcp-echo-failure 5 " LCP_TAIL " noccp linkname vpn-peer" } },
	{ "pppd compression yes mtu 1400 lcp-echo-failure 100 "
	    "lcp-echo-interval 3600", false,
	    { "/usr/sbin/pppd " PPPD_BASE " lcp-echo-interval 3600 "
	    "lcp-echo-failure 100 " LCP_TAIL " mtu 1400 mru 1400 "
	    "linkname vpn-peer" } },
	{ "pppd ipv6 yes", false,
	    { "/usr/sbin/pppd " PPPD_BASE " lcp-echo-interval 10 "
	    "lcp-echo-failure 3 " LCP_TAIL " noccp +ipv6 "
	    "linkname vpn-peer" } },
	{ "pppd compression no mtu 9000", false,
	    { "/usr/sbin/pppd " PPPD_BASE " lcp-echo-interval 10 "
	    "lcp-echo-failure 3 " LCP_TAIL " noccp mtu 9000 mru 9000 "
	    "linkname vpn-peer" } },
	{ "pppd lcp-echo-interval 1 lcp-echo-failure 3", true,
	    { "/usr/bin/sudo -n /usr/sbin/pppd " PPPD_BASE
	    " lcp-echo-interval 1 lcp-echo-failure 3 " LCP_TAIL
	    " noccp linkname vpn-peer" } },
	{ "route replace 172.16.1.0/24", false,
	    { "/sbin/ip route replace 172.16.1.0/24 dev vpn-peer" } },
	{ "route del 172.16.1.0/24", true,
	    { "/usr/bin/sudo -n /sbin/ip route del 172.16.1.0/24 dev "
	    "vpn-peer" } },
	{ "route replace 172.16.1.0/24 2001:db8:1::/48", false,
	    { "/sbin/ip route replace 172.16.1.0/24 dev vpn-peer",
	    "/sbin/ip -6 route replace 2001:db8:1::/48 dev vpn-peer" } },
	/* Not canonical in the request, canonical on the command line. */
	{ "route del 2001:DB8:1:0::/48 172.16.1.0/24", true,
	    { "/usr/bin/sudo -n /sbin/ip -6 route del 2001:db8:1::/48 dev "
	    "vpn-peer", "/usr/bin/sudo -n /sbin/ip route del 172.16.1.0/24 "
	    "dev vpn-peer" } },
};

static void
test_allowed(void **state)
{
	struct peer_conf	 c;
	struct peer_request	 r;
	const struct allowed	*a;
	char			*cause = NULL, **argv, *s;
	size_t			 i, j;

	(void)state;
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		a = &allowed[i];
		base_conf(&c);
		c.sudo = a->sudo;
		if (peer_request_parse(&c, a->request, &r, &cause) != 0)
			fail_msg("\"%s\" refused: %s", a->request, cause);
		if (r.verb == PEER_PPPD) {
			argv = peer_pppd_argv(&c, &r);
			s = join(argv);
			assert_string_equal(s, a->argv[0]);
			free(s);
			argv_free(argv);
			continue;
		}
		assert_int_equal(r.verb, PEER_ROUTE);
		for (j = 0; j < r.nnets; j++) {
			assert_non_null(a->argv[j]);
			argv = peer_route_argv(&c, r.route_del, &r.nets[j]);
			s = join(argv);
			assert_string_equal(s, a->argv[j]);
			free(s);
			argv_free(argv);
		}
		assert_null(a->argv[j]);
	}

	base_conf(&c);
	assert_int_equal(peer_request_parse(&c, "version", &r, &cause), 0);
	assert_int_equal(r.verb, PEER_VERSION);
	assert_int_equal(peer_request_parse(&c, "clean", &r, &cause), 0);
	assert_int_equal(r.verb, PEER_CLEAN);
}

/*
 * vpnd writes requests with peer_request_format(): every accepted
 * request, formatted again, is the canonical one and parses back to the
 * same request.
 */
static void
test_format(void **state)
{
	static const struct {
		const char	*request;
		const char	*canonical;
	} t[] = {
		{ "pppd", "pppd lcp-echo-interval 10 lcp-echo-failure 3" },
		{ "pppd mtu 1400 lcp-echo-failure 7 compression yes "
		    "lcp-echo-interval 2", "pppd lcp-echo-interval 2 "
		    "lcp-echo-failure 7 mtu 1400 compression yes" },
		{ "pppd compression no", "pppd lcp-echo-interval 10 "
		    "lcp-echo-failure 3" },
		{ "pppd ipv6 yes compression yes", "pppd lcp-echo-interval "
		    "10 lcp-echo-failure 3 compression yes ipv6 yes" },
		{ "pppd ipv6 no", "pppd lcp-echo-interval 10 "
		    "lcp-echo-failure 3" },
		{ "route replace 2001:DB8:1:0::/48 172.16.1.0/24",
		    "route replace 2001:db8:1::/48 172.16.1.0/24" },
		{ "route del 172.16.1.0/24", "route del 172.16.1.0/24" },
		{ "clean", "clean" },
		{ "version", "version" },
	};
	struct peer_conf	 c;
	struct peer_request	 r, again;
	char			*cause = NULL, *s;
	size_t			 i;

	(void)state;
	base_conf(&c);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(peer_request_parse(&c, t[i].request, &r,
		    &cause), 0);
		s = peer_request_format(&r);
		assert_string_equal(s, t[i].canonical);
		assert_int_equal(peer_request_parse(&c, s, &again, &cause), 0);
		assert_memory_equal(&r, &again, sizeof(r));
		free(s);
	}
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		assert_int_equal(peer_request_parse(&c, allowed[i].request, &r,
		    &cause), 0);
		s = peer_request_format(&r);
		assert_int_equal(peer_request_parse(&c, s, &again, &cause), 0);
		assert_memory_equal(&r, &again, sizeof(r));
		free(s);
	}
}

/* The admin's own choices reach the command lines. */
static void
test_conf_options(void **state)
{
	struct peer_conf	 c;
	struct peer_request	 r;
	char			*cause = NULL, **argv, *s;

	(void)state;
	base_conf(&c);
	c.ifname = "vpn-branch";
	c.pppd = "/opt/ppp/sbin/pppd";
	c.ip_command = "/usr/sbin/ip";
	c.sudo = true;
	c.sudo_command = "/usr/local/bin/sudo";
	c.pkill_command = "/bin/pkill";
	assert_int_equal(peer_conf_add_pppd_option(&c, "debug", &cause), 0);
	assert_int_equal(peer_conf_add_pppd_option(&c, "kdebug", &cause), 0);
	assert_int_equal(peer_conf_add_pppd_option(&c, "1", &cause), 0);
	assert_int_equal(peer_conf_check(&c, &cause), 0);

	assert_int_equal(peer_request_parse(&c, "pppd", &r, &cause), 0);
	argv = peer_pppd_argv(&c, &r);
	s = join(argv);
	assert_string_equal(s, "/usr/local/bin/sudo -n /opt/ppp/sbin/pppd "
	    "nodetach notty noauth local nolock nocrtscts nodefaultroute "
	    "logfd 2 ifname vpn-branch 10.9.0.2:10.9.0.1 lcp-echo-interval 10 "
	    "lcp-echo-failure 3 " LCP_TAIL " noccp linkname vpn-branch debug "
	    "kdebug 1");
	free(s);
	argv_free(argv);

	assert_int_equal(peer_request_parse(&c, "route replace 172.16.1.0/24",
	    &r, &cause), 0);
	argv = peer_route_argv(&c, false, &r.nets[0]);
	s = join(argv);
	assert_string_equal(s, "/usr/local/bin/sudo -n /usr/sbin/ip route "
	    "replace 172.16.1.0/24 dev vpn-branch");
	free(s);
	argv_free(argv);

	/* A stale pppd is ended by its pid file, no pid from outside. */
	argv = peer_end_argv(&c, "TERM");
	s = join(argv);
	assert_string_equal(s, "/usr/local/bin/sudo -n /bin/pkill -TERM -F "
	    "/run/ppp-vpn-branch.pid -x pppd");
	free(s);
	argv_free(argv);
	c.rundir = "/var/run";
	argv = peer_end_argv(&c, "KILL");
	s = join(argv);
	assert_string_equal(s, "/usr/local/bin/sudo -n /bin/pkill -KILL -F "
	    "/var/run/ppp-vpn-branch.pid -x pppd");
	free(s);
	argv_free(argv);
	c.sudo = false;
	argv = peer_end_argv(&c, "TERM");
	s = join(argv);
	assert_string_equal(s, "/bin/pkill -TERM -F "
	    "/var/run/ppp-vpn-branch.pid -x pppd");
	free(s);
	argv_free(argv);

	/* No nets: every route request is refused. */
	peer_conf_init(&c);
	c.ip = "10.9.0.2";
	c.peer = "10.9.0.1";
	assert_int_equal(peer_conf_check(&c, &cause), 0);
	assert_int_equal(peer_request_parse(&c, "route replace 172.16.1.0/24",
	    &r, &cause), -1);
	assert_string_equal(cause, "route replace: 172.16.1.0/24 is not a "
	    "permitted net");
	free(cause);
}

struct bad_conf {
	const char	*ip, *peer, *ifname, *pppd, *ipc, *rundir;
	const char	*reason;
};

static const struct bad_conf bad_confs[] = {
	{ NULL, "10.9.0.1", NULL, NULL, NULL, NULL, "--ip is missing" },
	{ "10.9.0.2", NULL, NULL, NULL, NULL, NULL, "--peer is missing" },
	{ "10.9.0.300", "10.9.0.1", NULL, NULL, NULL, NULL,
	    "--ip: \"10.9.0.300\" is not an IPv4 address" },
	{ "10.9.0.2", "fe80::1", NULL, NULL, NULL, NULL,
	    "--peer: \"fe80::1\" is not an IPv4 address" },
	{ "10.9.0.2", "10.9.0.2", NULL, NULL, NULL, NULL,
	    "--ip and --peer are both 10.9.0.2" },
	{ "10.9.0.2", "10.9.0.1", "eth0;x", NULL, NULL, NULL,
	    "--ifname: \"eth0;x\" is not 1-15 letters, digits, '.', '-' or "
	    "'_' starting with a letter or digit" },
	{ "10.9.0.2", "10.9.0.1", "-x", NULL, NULL, NULL,
	    "--ifname: \"-x\" is not 1-15 letters, digits, '.', '-' or '_' "
	    "starting with a letter or digit" },
	{ "10.9.0.2", "10.9.0.1", "a-very-long-name", NULL, NULL, NULL,
	    "--ifname: \"a-very-long-name\" is not 1-15 letters, digits, '.', "
	    "'-' or '_' starting with a letter or digit" },
	{ "10.9.0.2", "10.9.0.1", NULL, "pppd", NULL, NULL,
	    "--pppd: \"pppd\" is not an absolute path" },
	{ "10.9.0.2", "10.9.0.1", NULL, NULL, "ip", NULL,
	    "--ip-command: \"ip\" is not an absolute path" },
	{ "10.9.0.2", "10.9.0.1", NULL, NULL, NULL, "run",
	    "--run-dir: \"run\" is not an absolute path" },
};

static void
test_conf_check(void **state)
{
	const struct bad_conf	*b;
	struct peer_conf	 c;
	char			*cause = NULL;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(bad_confs) / sizeof(bad_confs[0]); i++) {
		b = &bad_confs[i];
		peer_conf_init(&c);
		c.ip = b->ip;
		c.peer = b->peer;
		if (b->ifname != NULL)
			c.ifname = b->ifname;
		if (b->pppd != NULL)
			c.pppd = b->pppd;
		if (b->ipc != NULL)
			c.ip_command = b->ipc;
		if (b->rundir != NULL)
			c.rundir = b->rundir;
		assert_int_equal(peer_conf_check(&c, &cause), -1);
		assert_string_equal(cause, b->reason);
		free(cause);
		cause = NULL;
	}

	peer_conf_init(&c);
	assert_int_equal(peer_conf_add_net(&c, "172.16.1.1/24", &cause), -1);
	assert_string_equal(cause, "172.16.1.1/24 has host bits set "
	    "(172.16.1.0/24 is the prefix)");
	free(cause);
	cause = NULL;
	assert_int_equal(peer_conf_add_net(&c, "172.16.1.0/24", &cause), 0);
	assert_int_equal(peer_conf_add_net(&c, "172.16.1.0/24", &cause), -1);
	assert_string_equal(cause, "172.16.1.0/24 is given twice");
	free(cause);
	cause = NULL;
	for (i = 1; i < PEER_NETS_MAX; i++) {
		char	net[32];

		(void)snprintf(net, sizeof(net), "10.%zu.0.0/16", i);
		assert_int_equal(peer_conf_add_net(&c, net, &cause), 0);
	}
	assert_int_equal(peer_conf_add_net(&c, "10.99.0.0/16", &cause), -1);
	assert_string_equal(cause, "more than 16 nets");
	free(cause);
	cause = NULL;
	assert_int_equal(peer_conf_add_pppd_option(&c, "", &cause), -1);
	assert_string_equal(cause, "empty pppd option");
	free(cause);
}

/*
 * Issue 12: --pppd-option words pass the allowlist that vpn.conf's
 * pppd-options do (ppp_options_check()), option and value in turn.
 */
static void
test_conf_pppd_allowlist(void **state)
{
	static const struct {
		const char	*words[4];
		const char	*want;
	} t[] = {
		{ { "plugin", "/tmp/x.so" }, "--pppd-option: plugin is "
		  "refused: not one of the pppd options pppssh allows (see "
		  "vpn.conf(5))" },
		{ { "debug", "logfile", "/etc/shadow" }, "--pppd-option: "
		  "logfile is refused: not one of the pppd options pppssh "
		  "allows (see vpn.conf(5))" },
		{ { "mtu", "1400", "mru" }, "--pppd-option: mru: its value is "
		  "missing (a number)" },
		{ { "ms-dns", "/dev/ttyS0" }, "--pppd-option: ms-dns "
		  "/dev/ttyS0: the value is not an IPv4 address" },
		{ { "mtu", "1400", "novj", "debug" }, NULL },
	};
	struct peer_conf	 c;
	char			*cause;
	size_t			 i, k;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		base_conf(&c);
		cause = NULL;
		for (k = 0; k < 4 && t[i].words[k] != NULL; k++)
			assert_int_equal(peer_conf_add_pppd_option(&c,
			    t[i].words[k], &cause), 0);
		if (t[i].want == NULL) {
			if (peer_conf_check(&c, &cause) != 0)
				fail_msg("case %zu refused: %s", i, cause);
			continue;
		}
		if (peer_conf_check(&c, &cause) != -1)
			fail_msg("case %zu passed", i);
		assert_non_null(cause);
		assert_string_equal(cause, t[i].want);
		free(cause);
	}
}

static void
test_run(void **state)
{
	char	*argv[5], *cause = NULL;

	(void)state;
	argv[0] = (char *)"/bin/true";
	argv[1] = NULL;
	assert_int_equal(peer_run(argv, &cause), 0);
	argv[0] = (char *)"/bin/false";
	assert_int_equal(peer_run(argv, &cause), 1);
	/* stdin is /dev/null: cat ends at once. */
	argv[0] = (char *)"/bin/cat";
	assert_int_equal(peer_run(argv, &cause), 0);
	argv[0] = (char *)"/nonexistent/ip";
	assert_int_equal(peer_run(argv, &cause), 127);
	argv[0] = (char *)"/bin/sh";
	argv[1] = (char *)"-c";
	argv[2] = (char *)"kill -KILL $$";
	argv[3] = NULL;
	assert_int_equal(peer_run(argv, &cause), 128 + SIGKILL);
}

static char	tmpdir[] = "/tmp/test_peer.XXXXXX";

static void
write_file(const char *dir, const char *name, const char *text)
{
	char	path[256];
	FILE	*f;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/*
 * A real process named pppd (a link named "pppd" to /bin/sh, so the
 * kernel calls it that) with "linkname NAME" in its argv, blocked on a
 * pipe: the stale pppd of the key whose ifname is NAME.
 */
static pid_t
fake_stale(const char *linkname, int *wfd)
{
	char	 path[256];
	int	 p[2];
	pid_t	 pid;

	(void)snprintf(path, sizeof(path), "%s/pppd", tmpdir);
	if (access(path, F_OK) == -1)
		assert_int_equal(symlink("/bin/sh", path), 0);
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		(void)dup2(p[0], 0);
		(void)close(p[0]);
		(void)close(p[1]);
		execl(path, "pppd", "-c", "read x; exit 0", "sh", "nodetach",
		    "linkname", linkname, (char *)NULL);
		_exit(127);
	}
	(void)close(p[0]);
	*wfd = p[1];
	return pid;
}

static int
setup_tmp(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown_tmp(void **state)
{
	char	path[256];

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/pppd", tmpdir);
	(void)unlink(path);
	(void)snprintf(path, sizeof(path), "%s/sudo", tmpdir);
	(void)unlink(path);
	(void)snprintf(path, sizeof(path), "%s/ppp-vpn-t1.pid", tmpdir);
	(void)unlink(path);
	(void)snprintf(path, sizeof(path), "%s/ppp-vpn-t2.pid", tmpdir);
	(void)unlink(path);
	return rmdir(tmpdir);
}

/* Whether /proc/PID/FILE starts with want. */
static bool
proc_starts(pid_t pid, const char *file, const char *want, size_t len)
{
	char	path[64], buf[64];
	FILE	*f;
	size_t	n;

	(void)snprintf(path, sizeof(path), "/proc/%ld/%s", (long)pid, file);
	if ((f = fopen(path, "r")) == NULL)
		return false;
	n = fread(buf, 1, sizeof(buf), f);
	(void)fclose(f);
	return n >= len && memcmp(buf, want, len) == 0;
}

/*
 * Wait until /proc shows pid as exec'd: its comm is pppd and its argv
 * is there.  The kernel names the process before it sets up the new
 * argv, so under load comm alone can say pppd while cmdline is empty.
 */
static void
wait_comm(pid_t pid)
{
	int	i;

	for (i = 0; i < 3000; i++) {
		if (proc_starts(pid, "comm", "pppd\n", 5) &&
		    proc_starts(pid, "cmdline", "pppd\0-c\0", 8))
			return;
		(void)usleep(10000);
	}
	fail_msg("child %ld never became pppd", (long)pid);
}

/* A stale pppd of vpn-t1 (fake_stale()), named in its pid file. */
static pid_t
stale_start(int *wfd)
{
	char	text[32];
	pid_t	pid;

	pid = fake_stale("vpn-t1", wfd);
	wait_comm(pid);
	(void)snprintf(text, sizeof(text), "%ld\nppp0\n", (long)pid);
	write_file(tmpdir, "ppp-vpn-t1.pid", text);
	return pid;
}

/* c ends the stale pppd pid, by SIGTERM. */
static void
stale_end(const struct peer_conf *c, pid_t pid, int wfd)
{
	char	*cause = NULL;
	pid_t	 ended;
	int	 st;

	assert_int_equal(peer_end_stale(c, &ended, &cause), 0);
	assert_int_equal(ended, pid);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGTERM);
	(void)close(wfd);
}

static void
test_stale(void **state)
{
	struct peer_conf	 c;
	char			 text[32], path[256], *cause = NULL;
	pid_t			 pid, ended;
	int			 wfd;

	(void)state;
	base_conf(&c);
	c.rundir = tmpdir;
	c.ifname = "vpn-t1";

	/* No pid file. */
	assert_int_equal(peer_stale_pid(&c), 0);
	assert_int_equal(peer_end_stale(&c, &ended, &cause), 0);
	assert_int_equal(ended, 0);
	/* Garbage, pid 1, and a live process that is not a pppd. */
	write_file(tmpdir, "ppp-vpn-t1.pid", "12ab\n");
	assert_int_equal(peer_stale_pid(&c), 0);
	write_file(tmpdir, "ppp-vpn-t1.pid", "1\n");
	assert_int_equal(peer_stale_pid(&c), 0);
	(void)snprintf(text, sizeof(text), "%ld\n", (long)getpid());
	write_file(tmpdir, "ppp-vpn-t1.pid", text);
	assert_int_equal(peer_stale_pid(&c), 0);

	pid = stale_start(&wfd);
	assert_int_equal(peer_stale_pid(&c), pid);
	/* Another key's pid file naming it: not that key's pppd. */
	(void)snprintf(text, sizeof(text), "%ld\nppp0\n", (long)pid);
	write_file(tmpdir, "ppp-vpn-t2.pid", text);
	c.ifname = "vpn-t2";
	assert_int_equal(peer_stale_pid(&c), 0);
	assert_int_equal(peer_end_stale(&c, &ended, &cause), 0);
	assert_int_equal(ended, 0);
	assert_int_equal(kill(pid, 0), 0);

	/* This key's: ended with SIGTERM. */
	c.ifname = "vpn-t1";
	stale_end(&c, pid, wfd);
	/* The pid file now names a dead process. */
	assert_int_equal(peer_stale_pid(&c), 0);

	/*
	 * --sudo: the real pkill, through a sudo that drops its -n, ends
	 * it by the pid file.
	 */
	c.sudo = true;
	(void)snprintf(path, sizeof(path), "%s/sudo", tmpdir);
	write_file(tmpdir, "sudo", "#!/bin/sh\n[ \"$1\" = -n ] && shift\n"
	    "exec \"$@\"\n");
	assert_int_equal(chmod(path, 0755), 0);
	c.sudo_command = path;
	if (access(c.pkill_command, X_OK) == -1)
		fail_msg("%s: %s (install procps)", c.pkill_command,
		    strerror(errno));
	pid = stale_start(&wfd);
	stale_end(&c, pid, wfd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_allowed),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_conf_options),
		cmocka_unit_test(test_conf_check),
		cmocka_unit_test(test_conf_pppd_allowlist),
		cmocka_unit_test(test_run),
		cmocka_unit_test_setup_teardown(test_stale, setup_tmp,
		    teardown_tmp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
