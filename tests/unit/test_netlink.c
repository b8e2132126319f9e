/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for netlink.c against the real kernel, inside a network
 * namespace of our own (needs root; skipped with exit 77 otherwise).
 * Interfaces are veth pairs: this kernel may have no dummy or ppp, and
 * a point-to-point address (`ip addr add A peer B/32`) on a veth looks
 * to rtnetlink just like the one pppd sets on ppp0.  Everything the
 * tests create lives in the namespace and goes with it at exit.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"
#include "loop.h"
#include "netlink.h"
#include "procfd.h"
#include "xmalloc.h"

#define WAIT_MS		3000	/* for one expected event */
#define IF_A		"vpn-office"	/* like pppd's ifname */
#define IF_A_PEER	"vpn-office-p"
#define IF_B		"vpn-home"
#define IF_B_PEER	"vpn-home-p"

struct fx {
	struct loop		*loop;
	struct rtnl		*r;
	struct rtnl_event	*evs;
	size_t			 nev, cap;
	size_t			 mark;
	bool			 close_in_cb;
	size_t			 ncalls;
};

typedef bool	(*match_fn)(const struct rtnl_event *, const void *);

static void	sh(const char *, ...) __attribute__((format(printf, 1, 2)));
static int	sh_lines(const char *, ...)
		    __attribute__((format(printf, 1, 2)));

static void
sh(const char *fmt, ...)
{
	va_list	 ap;
	char	*cmd;
	int	 st;

	va_start(ap, fmt);
	if (xvasprintf(&cmd, fmt, ap) == -1)
		fail_msg("xvasprintf");
	va_end(ap);
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("command failed (status %d): %s", st, cmd);
	free(cmd);
}

/* Lines of output of a shell command (to count routes). */
static int
sh_lines(const char *fmt, ...)
{
	va_list	 ap;
	char	*cmd, *line = NULL;
	size_t	 sz = 0;
	FILE	*f;
	int	 n = 0;

	va_start(ap, fmt);
	if (xvasprintf(&cmd, fmt, ap) == -1)
		fail_msg("xvasprintf");
	va_end(ap);
	if ((f = popen(cmd, "r")) == NULL)
		fail_msg("popen %s: %s", cmd, strerror(errno));
	while (getline(&line, &sz, f) != -1)
		n++;
	if (pclose(f) != 0)
		fail_msg("command failed: %s", cmd);
	free(line);
	free(cmd);
	return n;
}

static union rtnl_ip
ip(int family, const char *s)
{
	union rtnl_ip	a;

	memset(&a, 0, sizeof(a));
	if (inet_pton(family, s, &a) != 1)
		fail_msg("bad address in test: %s", s);
	return a;
}

static bool
ip_eq(int family, const union rtnl_ip *a, const char *s)
{
	union rtnl_ip	b = ip(family, s);

	return memcmp(a, &b, family == AF_INET ? 4 : 16) == 0;
}

static void
record_cb(const struct rtnl_event *ev, void *arg)
{
	struct fx	*fx = arg;

	fx->ncalls++;
	if (fx->nev == fx->cap) {
		fx->cap = fx->cap == 0 ? 64 : fx->cap * 2;
		fx->evs = xreallocarray(fx->evs, fx->cap, sizeof(*fx->evs));
	}
	fx->evs[fx->nev++] = *ev;
	if (fx->close_in_cb) {
		rtnl_close(fx->r);
		fx->r = NULL;
	}
}

static void
mark(struct fx *fx)
{
	fx->mark = fx->nev;
}

/* Take the events already queued, until a turn brings none. */
static void
drain(struct fx *fx)
{
	size_t	n;

	do {
		n = fx->nev;
		assert_int_not_equal(loop_once(fx->loop, 100), -1);
	} while (fx->nev != n);
	mark(fx);
}

/* Run the loop until an event since mark() matches, or WAIT_MS. */
static const struct rtnl_event *
wait_event(struct fx *fx, match_fn match, const void *want)
{
	uint64_t	deadline = loop_clock_monotonic() + WAIT_MS;
	size_t		i = fx->mark;

	for (;;) {
		for (; i < fx->nev; i++) {
			if (match(&fx->evs[i], want))
				return &fx->evs[i];
		}
		if (loop_clock_monotonic() >= deadline)
			return NULL;
		assert_int_not_equal(loop_once(fx->loop, 100), -1);
	}
}

static int
setup(void **state)
{
	struct fx	*fx;
	char		*cause = NULL;

	fx = xcalloc(1, sizeof(*fx));
	fx->loop = loop_new();
	fx->r = rtnl_open(fx->loop, record_cb, fx, &cause);
	if (fx->r == NULL)
		fail_msg("rtnl_open: %s", cause);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*fx = *state;

	rtnl_close(fx->r);
	loop_free(fx->loop);
	free(fx->evs);
	free(fx);
	/* Each test starts without our interfaces. */
	(void)system("ip link del " IF_A " 2>/dev/null; "
	    "ip link del " IF_B " 2>/dev/null");	/* may not exist */
	return 0;
}

/* A veth pair, both ends up. */
static void
veth(const char *name, const char *peer)
{
	sh("ip link add %s type veth peer name %s", name, peer);
	sh("ip link set %s up", peer);
	sh("ip link set %s up", name);
}

/* ------------------------------------------------------------ matches */

struct want_link {
	enum rtnl_event_type	 type;
	const char		*ifname;
	bool			 up;		/* and running */
};

static bool
match_link(const struct rtnl_event *ev, const void *arg)
{
	const struct want_link	*w = arg;

	if (ev->type != w->type || strcmp(ev->ifname, w->ifname) != 0)
		return false;
	if (w->type == RTNL_LINK_DEL)
		return true;
	return w->up ? ev->up && ev->running : !ev->up;
}

struct want_addr {
	enum rtnl_event_type	 type;
	int			 family;
	const char		*ifname;
	const char		*local;
	const char		*peer;		/* NULL: no peer */
	unsigned		 plen;
};

static bool
match_addr(const struct rtnl_event *ev, const void *arg)
{
	const struct want_addr	*w = arg;

	if (ev->type != w->type || ev->family != w->family ||
	    strcmp(ev->ifname, w->ifname) != 0 ||
	    !ip_eq(w->family, &ev->local, w->local))
		return false;
	if (w->peer == NULL)
		return !ev->has_peer && ev->plen == w->plen;
	return ev->has_peer && ip_eq(w->family, &ev->peer, w->peer) &&
	    ev->plen == w->plen;
}

struct want_route {
	enum rtnl_event_type	 type;
	int			 family;
	unsigned		 plen;
	const char		*dst;		/* NULL if plen is 0 */
	const char		*gateway;	/* NULL: don't care */
	const char		*ifname;
	unsigned		 protocol;
	bool			 is_default;
};

static bool
match_route(const struct rtnl_event *ev, const void *arg)
{
	const struct want_route	*w = arg;

	if (ev->type != w->type || ev->family != w->family ||
	    ev->plen != w->plen || ev->is_default != w->is_default ||
	    ev->table != RT_TABLE_MAIN || ev->protocol != w->protocol ||
	    strcmp(ev->ifname, w->ifname) != 0)
		return false;
	if (w->dst != NULL && !ip_eq(w->family, &ev->dst, w->dst))
		return false;
	if (w->gateway != NULL && (!ev->has_gateway ||
	    !ip_eq(w->family, &ev->gateway, w->gateway)))
		return false;
	return true;
}

static bool
match_resync(const struct rtnl_event *ev, const void *arg)
{
	return ev->type == RTNL_RESYNC;
}

/* -------------------------------------------------------------- tests */

static void
nop_cb(const struct rtnl_event *ev, void *arg)
{
	(void)ev;
	(void)arg;
}

/* Open takes its two sockets, close gives them back and leaves the loop. */
static void
test_open_close(void **state)
{
	struct loop	*l;
	struct rtnl	*r;
	char		*cause = NULL;
	int		 before;

	(void)state;
	before = procfd_count();
	l = loop_new();
	if ((r = rtnl_open(l, nop_cb, NULL, &cause)) == NULL)
		fail_msg("rtnl_open: %s", cause);
	assert_int_equal(procfd_count(), before + 2);
	rtnl_close(r);
	assert_int_equal(procfd_count(), before);
	/* Nothing of it is polled any more. */
	assert_int_equal(loop_once(l, 0), 0);
	rtnl_close(NULL);
	loop_free(l);
}

static void
test_ifindex(void **state)
{
	struct fx	*fx = *state;
	static const struct {
		const char	*name;
		int		 want;	/* > 0: any index */
	} cases[] = {
		{ "lo", 1 },
		{ IF_A, 1 },
		{ "nosuchif0", -ENODEV },
		{ "", -EINVAL },
		{ "0123456789abcdef", -EINVAL },	/* IF_NAMESIZE */
	};
	char		name[IF_NAMESIZE];
	size_t		i;
	int		n;

	veth(IF_A, IF_A_PEER);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = rtnl_ifindex(fx->r, cases[i].name);
		if (cases[i].want > 0) {
			assert_true(n > 0);
			assert_int_equal(n, (int)if_nametoindex(cases[i].name));
			assert_int_equal(rtnl_ifname(fx->r, n, name), 0);
			assert_string_equal(name, cases[i].name);
		} else
			assert_int_equal(n, cases[i].want);
	}
	assert_int_equal(rtnl_ifname(fx->r, 99999, name), -ENODEV);
	assert_int_equal(rtnl_ifname(fx->r, 0, name), -EINVAL);
}

static void
test_link_events(void **state)
{
	struct fx		*fx = *state;
	struct want_link	 up = { RTNL_LINK_NEW, IF_A, true };
	struct want_link	 down = { RTNL_LINK_NEW, IF_A, false };
	struct want_link	 del = { RTNL_LINK_DEL, IF_A, false };
	const struct rtnl_event	*ev;

	mark(fx);
	veth(IF_A, IF_A_PEER);
	ev = wait_event(fx, match_link, &up);
	assert_non_null(ev);
	assert_int_equal(ev->ifindex, rtnl_ifindex(fx->r, IF_A));
	assert_int_equal(ev->family, AF_UNSPEC);
	assert_false(ev->pointopoint);		/* veth; ppp0 would be */

	mark(fx);
	sh("ip link set %s down", IF_A);
	assert_non_null(wait_event(fx, match_link, &down));

	mark(fx);
	sh("ip link del %s", IF_A);
	assert_non_null(wait_event(fx, match_link, &del));
}

static void
test_addr(void **state)
{
	struct fx		*fx = *state;
	struct in_addr		 local, peer;
	unsigned		 plen;
	const struct want_addr	 cases[] = {
		/* What pppd does to ppp0. */
		{ RTNL_ADDR_NEW, AF_INET, IF_A, "10.9.0.1", "10.9.0.2", 32 },
		{ RTNL_ADDR_NEW, AF_INET, IF_A_PEER, "10.7.0.1", NULL, 24 },
		{ RTNL_ADDR_NEW, AF_INET6, IF_A, "fd00:9::1", "fd00:9::2",
		    128 },
		{ RTNL_ADDR_NEW, AF_INET6, IF_A_PEER, "fd00:7::1", NULL, 64 },
	};
	struct want_addr	 w;
	size_t			 i;
	char			 addr[128];

	veth(IF_A, IF_A_PEER);
	assert_int_equal(rtnl_addr_get(fx->r, IF_A, &local, &peer, &plen),
	    -EADDRNOTAVAIL);
	assert_int_equal(rtnl_addr_get(fx->r, "nosuchif0", &local, &peer,
	    NULL), -ENODEV);

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		w = cases[i];
		if (w.peer != NULL)
			snprintf(addr, sizeof(addr), "%s peer %s/%u", w.local,
			    w.peer, w.plen);
		else
			snprintf(addr, sizeof(addr), "%s/%u", w.local, w.plen);
		mark(fx);
		sh("ip %s addr add %s dev %s%s",
		    w.family == AF_INET ? "-4" : "-6", addr, w.ifname,
		    w.family == AF_INET6 ? " nodad" : "");
		assert_non_null(wait_event(fx, match_addr, &w));

		if (w.family != AF_INET)
			continue;
		assert_int_equal(rtnl_addr_get(fx->r, w.ifname, &local, &peer,
		    &plen), 0);
		assert_int_equal(local.s_addr, ip(AF_INET, w.local).v4.s_addr);
		if (w.peer != NULL)
			assert_int_equal(peer.s_addr,
			    ip(AF_INET, w.peer).v4.s_addr);
		else
			assert_int_equal(peer.s_addr, INADDR_ANY);
		assert_int_equal(plen, w.plen);
	}

	/* DOWN: the address goes away. */
	w = cases[0];
	w.type = RTNL_ADDR_DEL;
	mark(fx);
	sh("ip addr del 10.9.0.1 peer 10.9.0.2/32 dev %s", IF_A);
	assert_non_null(wait_event(fx, match_addr, &w));
	assert_int_equal(rtnl_addr_get(fx->r, IF_A, &local, &peer, &plen),
	    -EADDRNOTAVAIL);
}

/* Both ends up, ppp-like addresses on IF_A, none on its peer. */
static int
link_a(void)
{
	veth(IF_A, IF_A_PEER);
	sh("ip addr add 10.9.0.1 peer 10.9.0.2/32 dev %s", IF_A);
	sh("ip -6 addr add fd00:9::1/64 dev %s nodad", IF_A);
	return (int)if_nametoindex(IF_A);
}

static void
test_route_add_replace_del(void **state)
{
	struct fx		*fx = *state;
	static const struct {
		int		 family;
		const char	*dst;
		unsigned	 plen;
		const char	*gw;		/* first add */
		const char	*prefsrc;
		const char	*gw2;		/* the replacement */
		const char	*probe;	/* a host in dst/plen */
	} cases[] = {
		{ AF_INET, "10.20.0.0", 16, NULL, NULL, "10.9.0.2",
		    "10.20.3.4" },
		{ AF_INET, "10.21.0.0", 24, "10.9.0.2", "10.9.0.1", NULL,
		    "10.21.0.200" },
		{ AF_INET, "10.22.0.5", 32, NULL, "10.9.0.1", NULL,
		    "10.22.0.5" },
		{ AF_INET6, "fd00:20::", 64, NULL, NULL, "fd00:9::2",
		    "fd00:20::1" },
		{ AF_INET6, "fd00:21::", 48, "fd00:9::2", "fd00:9::1", NULL,
		    "fd00:21:0:5::9" },
	};
	struct rtnl_route	 out;
	union rtnl_ip		 dst, gw, gw2, src, probe;
	const char		*v;
	int			 ifindex, f;
	size_t			 i;

	ifindex = link_a();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f = cases[i].family;
		v = f == AF_INET ? "-4" : "-6";
		dst = ip(f, cases[i].dst);
		probe = ip(f, cases[i].probe);
		if (cases[i].gw != NULL)
			gw = ip(f, cases[i].gw);
		if (cases[i].gw2 != NULL)
			gw2 = ip(f, cases[i].gw2);
		if (cases[i].prefsrc != NULL)
			src = ip(f, cases[i].prefsrc);

		assert_int_equal(rtnl_route_get(fx->r, f, &probe, &out),
		    -ENETUNREACH);
		assert_int_equal(rtnl_route_add(fx->r, f, &dst,
		    cases[i].plen, ifindex, cases[i].gw ? &gw : NULL,
		    cases[i].prefsrc ? &src : NULL), 0);
		assert_int_equal(rtnl_route_get(fx->r, f, &probe, &out), 0);
		assert_int_equal(out.family, f);
		assert_int_equal(out.ifindex, ifindex);
		assert_int_equal(out.has_gateway, cases[i].gw != NULL);
		if (cases[i].gw != NULL)
			assert_true(ip_eq(f, &out.gateway, cases[i].gw));
		if (cases[i].prefsrc != NULL) {
			assert_true(out.has_prefsrc);
			assert_true(ip_eq(f, &out.prefsrc, cases[i].prefsrc));
		}
		assert_int_equal(sh_lines("ip %s route show table main "
		    "proto %d exact %s/%u", v, RTPROT_PPPSSH, cases[i].dst,
		    cases[i].plen), 1);

		/* Adding it again is no error and no second route. */
		assert_int_equal(rtnl_route_add(fx->r, f, &dst,
		    cases[i].plen, ifindex, cases[i].gw ? &gw : NULL,
		    cases[i].prefsrc ? &src : NULL), 0);
		/* Replace: the new next hop takes the old one's place. */
		assert_int_equal(rtnl_route_add(fx->r, f, &dst,
		    cases[i].plen, ifindex, cases[i].gw2 ? &gw2 : NULL, NULL),
		    0);
		assert_int_equal(sh_lines("ip %s route show table main "
		    "exact %s/%u", v, cases[i].dst, cases[i].plen), 1);
		assert_int_equal(rtnl_route_get(fx->r, f, &probe, &out), 0);
		assert_int_equal(out.has_gateway, cases[i].gw2 != NULL);
		if (cases[i].gw2 != NULL)
			assert_true(ip_eq(f, &out.gateway, cases[i].gw2));

		/* Delete with the keys it has now; twice is -ESRCH. */
		assert_int_equal(rtnl_route_del(fx->r, f, &dst,
		    cases[i].plen, ifindex, cases[i].gw2 ? &gw2 : NULL, NULL),
		    0);
		assert_int_equal(rtnl_route_get(fx->r, f, &probe, &out),
		    -ENETUNREACH);
		assert_int_equal(sh_lines("ip %s route show table main "
		    "exact %s/%u", v, cases[i].dst, cases[i].plen), 0);
		assert_int_equal(rtnl_route_del(fx->r, f, &dst,
		    cases[i].plen, ifindex, cases[i].gw2 ? &gw2 : NULL, NULL),
		    -ESRCH);
	}
}

/* Delete touches only our routes; replace does take over a route. */
static void
test_route_protocol(void **state)
{
	struct fx	*fx = *state;
	union rtnl_ip	 dst4 = ip(AF_INET, "10.30.0.0");
	union rtnl_ip	 dst6 = ip(AF_INET6, "fd00:30::");
	int		 ifindex;

	ifindex = link_a();
	sh("ip route add 10.30.0.0/16 dev %s proto static", IF_A);
	sh("ip -6 route add fd00:30::/64 dev %s proto static", IF_A);
	assert_int_equal(rtnl_route_del(fx->r, AF_INET, &dst4, 16, ifindex,
	    NULL, NULL), -ESRCH);
	assert_int_equal(rtnl_route_del(fx->r, AF_INET6, &dst6, 64, ifindex,
	    NULL, NULL), -ESRCH);
	assert_int_equal(sh_lines("ip route show proto static "
	    "exact 10.30.0.0/16"), 1);
	assert_int_equal(sh_lines("ip -6 route show proto static "
	    "exact fd00:30::/64"), 1);

	/* NLM_F_REPLACE: the same prefix and metric is ours now. */
	assert_int_equal(rtnl_route_add(fx->r, AF_INET, &dst4, 16, ifindex,
	    NULL, NULL), 0);
	assert_int_equal(sh_lines("ip route show exact 10.30.0.0/16"), 1);
	assert_int_equal(sh_lines("ip route show proto %d exact 10.30.0.0/16",
	    RTPROT_PPPSSH), 1);
	assert_int_equal(rtnl_route_add(fx->r, AF_INET6, &dst6, 64, ifindex,
	    NULL, NULL), 0);
	assert_int_equal(sh_lines("ip -6 route show exact fd00:30::/64"), 1);
	assert_int_equal(sh_lines("ip -6 route show proto %d "
	    "exact fd00:30::/64", RTPROT_PPPSSH), 1);

	/* Any ifindex, any gateway: still only ours. */
	assert_int_equal(rtnl_route_del(fx->r, AF_INET, &dst4, 16, 0, NULL,
	    NULL), 0);
	assert_int_equal(rtnl_route_del(fx->r, AF_INET, &dst4, 16, 0, NULL,
	    NULL), -ESRCH);
	assert_int_equal(rtnl_route_del(fx->r, AF_INET6, &dst6, 64, 0, NULL,
	    NULL), 0);
	assert_int_equal(rtnl_route_del(fx->r, AF_INET6, &dst6, 64, 0, NULL,
	    NULL), -ESRCH);
}

/* Flush removes our routes only, per interface or all. */
static void
test_route_flush(void **state)
{
	struct fx	*fx = *state;
	union rtnl_ip	 d1 = ip(AF_INET, "10.80.0.0");
	union rtnl_ip	 d2 = ip(AF_INET, "10.81.0.0");
	union rtnl_ip	 d3 = ip(AF_INET6, "fd00:80::");
	union rtnl_ip	 d4 = ip(AF_INET, "10.82.0.0");
	union rtnl_ip	 gw = ip(AF_INET, "10.9.0.2");
	int		 a, b;

	a = link_a();
	veth(IF_B, IF_B_PEER);
	b = (int)if_nametoindex(IF_B);
	assert_int_equal(rtnl_route_add(fx->r, AF_INET, &d1, 16, a, NULL,
	    NULL), 0);
	assert_int_equal(rtnl_route_add(fx->r, AF_INET, &d2, 16, a, &gw,
	    NULL), 0);
	assert_int_equal(rtnl_route_add(fx->r, AF_INET6, &d3, 64, a, NULL,
	    NULL), 0);
	assert_int_equal(rtnl_route_add(fx->r, AF_INET, &d4, 16, b, NULL,
	    NULL), 0);
	sh("ip route add 10.83.0.0/16 dev %s proto static", IF_A);

	assert_int_equal(rtnl_route_flush(fx->r, AF_UNIX, 0), -EAFNOSUPPORT);
	assert_int_equal(rtnl_route_flush(fx->r, AF_INET6, a), 1);
	assert_int_equal(rtnl_route_flush(fx->r, AF_UNSPEC, a), 2);
	assert_int_equal(sh_lines("ip route show proto %d", RTPROT_PPPSSH),
	    1);
	assert_int_equal(rtnl_route_flush(fx->r, AF_UNSPEC, 0), 1);
	assert_int_equal(rtnl_route_flush(fx->r, AF_UNSPEC, 0), 0);
	assert_int_equal(sh_lines("ip route show proto %d", RTPROT_PPPSSH),
	    0);
	assert_int_equal(sh_lines("ip -6 route show proto %d", RTPROT_PPPSSH),
	    0);
	assert_int_equal(sh_lines("ip route show proto static"), 1);
}

static void
test_route_errors(void **state)
{
	struct fx		*fx = *state;
	union rtnl_ip		 v4 = ip(AF_INET, "10.40.0.0");
	union rtnl_ip		 v4host = ip(AF_INET, "10.40.0.1");
	union rtnl_ip		 v6 = ip(AF_INET6, "fd00:40::");
	union rtnl_ip		 v6host = ip(AF_INET6, "fd00:40::1");
	union rtnl_ip		 far = ip(AF_INET, "192.0.2.1");
	union rtnl_ip		 far6 = ip(AF_INET6, "fd00:99::1");
	struct rtnl_route	 out;
	int			 a, b;
	const struct {
		const char	*what;
		int		 family;
		const void	*dst;
		unsigned	 plen;
		int		 ifindex;	/* -2: IF_A, -3: IF_B */
		const void	*gw;
		int		 want;
	} cases[] = {
		{ "no such ifindex", AF_INET, &v4, 16, 99999, NULL, -ENODEV },
		{ "no such ifindex v6", AF_INET6, &v6, 64, 99999, NULL,
		    -ENODEV },
		{ "plen 33", AF_INET, &v4, 33, -2, NULL, -EINVAL },
		{ "plen 129", AF_INET6, &v6, 129, -2, NULL, -EINVAL },
		{ "host bits", AF_INET, &v4host, 16, -2, NULL, -EINVAL },
		{ "host bits v6", AF_INET6, &v6host, 64, -2, NULL, -EINVAL },
		{ "family", AF_UNIX, &v4, 16, -2, NULL, -EAFNOSUPPORT },
		{ "no ifindex, no gateway", AF_INET, &v4, 16, 0, NULL,
		    -EINVAL },
		{ "NULL dst, plen 8", AF_INET, NULL, 8, -2, NULL, -EINVAL },
		{ "gateway not on link", AF_INET, &v4, 16, -2, &far,
		    -ENETUNREACH },
		{ "gateway not on link v6", AF_INET6, &v6, 64, -2, &far6,
		    -EHOSTUNREACH },
		{ "interface down", AF_INET, &v4, 16, -3, NULL, -ENETDOWN },
	};
	size_t			 i;
	int			 ifindex, error;

	a = link_a();
	sh("ip link add %s type veth peer name %s", IF_B, IF_B_PEER);
	b = (int)if_nametoindex(IF_B);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ifindex = cases[i].ifindex == -2 ? a :
		    cases[i].ifindex == -3 ? b : cases[i].ifindex;
		error = rtnl_route_add(fx->r, cases[i].family, cases[i].dst,
		    cases[i].plen, ifindex, cases[i].gw, NULL);
		if (error != cases[i].want)
			fail_msg("%s: got %d (%s: %s), want %d", cases[i].what,
			    error, strerror(-error),
			    rtnl_errmsg(fx->r) ? rtnl_errmsg(fx->r) : "",
			    cases[i].want);
		print_message("  %-24s %s (%s)\n", cases[i].what,
		    strerror(-error), rtnl_errmsg(fx->r) ?
		    rtnl_errmsg(fx->r) : "no kernel message");
	}
	assert_int_equal(sh_lines("ip route show proto %d", RTPROT_PPPSSH),
	    0);
	assert_int_equal(sh_lines("ip -6 route show proto %d", RTPROT_PPPSSH),
	    0);

	assert_int_equal(rtnl_route_get(fx->r, AF_UNIX, &v4, &out),
	    -EAFNOSUPPORT);
	assert_int_equal(rtnl_route_get(fx->r, AF_INET, &far, &out),
	    -ENETUNREACH);
	assert_int_equal(rtnl_route_del(fx->r, AF_INET, &v4, 16, 0, NULL,
	    NULL), -ESRCH);
	assert_int_equal(rtnl_route_del(fx->r, AF_INET6, &v6, 64, 0, NULL,
	    NULL), -ESRCH);
}

/*
 * The default route comes and goes with events flagged is_default;
 * the gateway's host route is pinned to the path the default route
 * gives it, so a remote-net covering the gateway does not capture it.
 */
static void
test_default_route(void **state)
{
	struct fx		*fx = *state;
	union rtnl_ip		 gw = ip(AF_INET, "10.9.0.2");
	union rtnl_ip		 sshgw = ip(AF_INET, "192.0.2.77");
	union rtnl_ip		 other = ip(AF_INET, "192.0.2.78");
	union rtnl_ip		 net = ip(AF_INET, "192.0.2.0");
	struct rtnl_route	 out, pin;
	struct want_route	 w;
	const struct rtnl_event	*ev;
	int			 a, b;

	a = link_a();
	veth(IF_B, IF_B_PEER);
	sh("ip addr add 10.8.0.1 peer 10.8.0.2/32 dev %s", IF_B);
	b = (int)if_nametoindex(IF_B);

	/* Ours, through the API. */
	mark(fx);
	assert_int_equal(rtnl_route_add(fx->r, AF_INET, NULL, 0, a, &gw,
	    NULL), 0);
	w = (struct want_route){ RTNL_ROUTE_NEW, AF_INET, 0, NULL, "10.9.0.2",
	    IF_A, RTPROT_PPPSSH, true };
	ev = wait_event(fx, match_route, &w);
	assert_non_null(ev);
	assert_int_equal(ev->ifindex, a);

	/* What `ip route get 192.0.2.77` says: via the default route. */
	assert_int_equal(rtnl_route_get(fx->r, AF_INET, &sshgw, &pin), 0);
	assert_int_equal(pin.ifindex, a);
	assert_true(pin.has_gateway);
	assert_true(ip_eq(AF_INET, &pin.gateway, "10.9.0.2"));
	assert_true(pin.has_prefsrc);
	assert_true(ip_eq(AF_INET, &pin.prefsrc, "10.9.0.1"));

	/* Pin the SSH gateway, then a remote-net that covers it. */
	assert_int_equal(rtnl_route_add(fx->r, AF_INET, &sshgw, 32,
	    pin.ifindex, &pin.gateway, NULL), 0);
	mark(fx);
	assert_int_equal(rtnl_route_add(fx->r, AF_INET, &net, 24, b, NULL,
	    NULL), 0);
	w = (struct want_route){ RTNL_ROUTE_NEW, AF_INET, 24, "192.0.2.0",
	    NULL, IF_B, RTPROT_PPPSSH, false };
	assert_non_null(wait_event(fx, match_route, &w));
	assert_int_equal(rtnl_route_get(fx->r, AF_INET, &sshgw, &out), 0);
	assert_int_equal(out.ifindex, a);
	assert_true(ip_eq(AF_INET, &out.gateway, "10.9.0.2"));
	assert_int_equal(rtnl_route_get(fx->r, AF_INET, &other, &out), 0);
	assert_int_equal(out.ifindex, b);
	assert_false(out.has_gateway);

	/* Ours goes away. */
	mark(fx);
	assert_int_equal(rtnl_route_del(fx->r, AF_INET, NULL, 0, a, &gw,
	    NULL), 0);
	w = (struct want_route){ RTNL_ROUTE_DEL, AF_INET, 0, NULL, "10.9.0.2",
	    IF_A, RTPROT_PPPSSH, true };
	assert_non_null(wait_event(fx, match_route, &w));

	/* Someone else's (the laptop got Wi-Fi), IPv4 and IPv6. */
	mark(fx);
	sh("ip route add default via 10.8.0.2 dev %s", IF_B);
	w = (struct want_route){ RTNL_ROUTE_NEW, AF_INET, 0, NULL, "10.8.0.2",
	    IF_B, RTPROT_BOOT, true };
	assert_non_null(wait_event(fx, match_route, &w));
	mark(fx);
	sh("ip -6 route add default via fd00:9::2 dev %s", IF_A);
	w = (struct want_route){ RTNL_ROUTE_NEW, AF_INET6, 0, NULL,
	    "fd00:9::2", IF_A, RTPROT_BOOT, true };
	assert_non_null(wait_event(fx, match_route, &w));
	mark(fx);
	sh("ip -6 route del default via fd00:9::2 dev %s", IF_A);
	w.type = RTNL_ROUTE_DEL;
	assert_non_null(wait_event(fx, match_route, &w));
	mark(fx);
	sh("ip route del default via 10.8.0.2 dev %s", IF_B);
	w = (struct want_route){ RTNL_ROUTE_DEL, AF_INET, 0, NULL, "10.8.0.2",
	    IF_B, RTPROT_BOOT, true };
	assert_non_null(wait_event(fx, match_route, &w));
}

/* A small receive buffer and a burst of routes: RESYNC, then more. */
static void
test_overrun(void **state)
{
	struct fx		*fx = *state;
	union rtnl_ip		 dst, last;
	struct want_route	 w;
	int			 ifindex, i;

	ifindex = link_a();
	drain(fx);
	assert_int_equal(rtnl_set_rcvbuf(fx->r, 1), 0);	/* the minimum */
	mark(fx);
	for (i = 0; i < 200; i++) {
		dst = ip(AF_INET, "10.60.0.0");
		dst.v4.s_addr = htonl(ntohl(dst.v4.s_addr) + (uint32_t)i * 256);
		assert_int_equal(rtnl_route_add(fx->r, AF_INET, &dst, 24,
		    ifindex, NULL, NULL), 0);
	}
	assert_non_null(wait_event(fx, match_resync, NULL));
	assert_int_equal(rtnl_set_rcvbuf(fx->r, 1 << 20), 0);

	/* The socket still works after the overrun. */
	mark(fx);
	last = ip(AF_INET, "10.61.0.0");
	assert_int_equal(rtnl_route_add(fx->r, AF_INET, &last, 16, ifindex,
	    NULL, NULL), 0);
	w = (struct want_route){ RTNL_ROUTE_NEW, AF_INET, 16, "10.61.0.0",
	    NULL, IF_A, RTPROT_PPPSSH, false };
	assert_non_null(wait_event(fx, match_route, &w));
}

/* rtnl_close() from inside the callback (ASan checks the rest). */
static void
test_close_in_cb(void **state)
{
	struct fx	*fx = *state;
	union rtnl_ip	 dst = ip(AF_INET, "10.70.0.0");
	int		 ifindex;

	ifindex = link_a();
	fx->close_in_cb = true;
	fx->ncalls = 0;
	/* Several events queued: the first callback closes. */
	assert_int_equal(rtnl_route_add(fx->r, AF_INET, &dst, 16, ifindex,
	    NULL, NULL), 0);
	sh("ip addr add 10.71.0.1/24 dev %s", IF_A);
	while (fx->r != NULL)
		assert_int_not_equal(loop_once(fx->loop, 1000), -1);
	assert_int_equal(fx->ncalls, 1);
	assert_int_not_equal(loop_once(fx->loop, 100), -1);
	assert_int_equal(fx->ncalls, 1);
}

/*
 * Issue 12 (fuzz_netlink): a message whose nlmsg_len is 2^31 or more is
 * not whole, whatever libmnl's mnl_nlmsg_ok() says (it compares the
 * length as an int: negative, so it passed, and the walk went past the
 * datagram); an attribute that reaches past nlmsg_len, into the
 * padding to 4 bytes, is not read (mnl_attr_parse() took it); and a
 * parsed event holds what its message held.
 */
static void
test_msg_ok(void **state)
{
	_Alignas(struct nlmsghdr) char	 buf[64];
	struct nlmsghdr			*nlh = (struct nlmsghdr *)buf;
	struct rtnl_event		 ev;
	struct ifinfomsg		*ifi;
	struct nlattr			*a;

	(void)state;
	memset(buf, 0, sizeof(buf));
	nlh->nlmsg_len = 0x80000000U;
	assert_false(rtnl_msg_ok(nlh, sizeof(buf)));
	nlh->nlmsg_len = 0xffffffffU;
	assert_false(rtnl_msg_ok(nlh, sizeof(buf)));
	nlh->nlmsg_len = sizeof(buf) + 1;
	assert_false(rtnl_msg_ok(nlh, sizeof(buf)));
	nlh->nlmsg_len = sizeof(*nlh) - 1;
	assert_false(rtnl_msg_ok(nlh, sizeof(buf)));
	nlh->nlmsg_len = sizeof(*nlh);
	assert_false(rtnl_msg_ok(nlh, sizeof(*nlh) - 1));
	assert_true(rtnl_msg_ok(nlh, sizeof(*nlh)));

	/* RTM_NEWLINK of index 7, "ppp0", up. */
	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = (struct ifinfomsg *)(buf + sizeof(*nlh));
	ifi->ifi_index = 7;
	ifi->ifi_flags = IFF_UP;
	a = (struct nlattr *)(buf + sizeof(*nlh) + sizeof(*ifi));
	a->nla_type = IFLA_IFNAME;
	a->nla_len = sizeof(*a) + 5;
	memcpy(a + 1, "ppp0", 5);
	nlh->nlmsg_len = sizeof(*nlh) + sizeof(*ifi) + 12;
	assert_true(rtnl_msg_ok(nlh, sizeof(buf)));
	assert_int_equal(rtnl_event_parse(nlh, &ev), 0);
	assert_int_equal(ev.type, RTNL_LINK_NEW);
	assert_int_equal(ev.ifindex, 7);
	assert_string_equal(ev.ifname, "ppp0");
	assert_true(ev.up);
	/*
	 * nlmsg_len 2 bytes short of the attribute (the datagram ends
	 * there): the name is not read from past the message.
	 */
	nlh->nlmsg_len = sizeof(*nlh) + sizeof(*ifi) + 7;
	a->nla_len = sizeof(*a) + 4;
	memcpy(a + 1, "ppp", 4);
	assert_int_equal(rtnl_event_parse(nlh, &ev), 0);
	assert_string_equal(ev.ifname, "");
	nlh->nlmsg_len = sizeof(*nlh) + sizeof(*ifi) + 8;
	assert_int_equal(rtnl_event_parse(nlh, &ev), 0);
	assert_string_equal(ev.ifname, "ppp");
	/* Too short for its ifinfomsg: no event. */
	nlh->nlmsg_len = sizeof(*nlh) + 4;
	assert_int_equal(rtnl_event_parse(nlh, &ev), -1);
	nlh->nlmsg_type = NLMSG_DONE;
	assert_int_equal(rtnl_event_parse(nlh, &ev), -1);
}

/*
 * A root qdisc replaces the one there, and reads back; a kind the
 * kernel lacks says so (this host's kernel has pfifo and pfifo_fast,
 * not fq_codel: the kernel tier checks fq_codel on a real link).
 */
static void
test_qdisc_root(void **state)
{
	struct fx	*fx = *state;
	char		 kind[IF_NAMESIZE];
	int		 idx, error;

	veth(IF_A, IF_A_PEER);
	idx = rtnl_ifindex(fx->r, IF_A);
	assert_true(idx > 0);
	assert_int_equal(rtnl_qdisc_root(fx->r, idx, "pfifo"), 0);
	assert_int_equal(rtnl_qdisc_root_get(fx->r, idx, kind, sizeof(kind)),
	    0);
	assert_string_equal(kind, "pfifo");
	/* Replacing it again, with itself or another, is no error. */
	assert_int_equal(rtnl_qdisc_root(fx->r, idx, "pfifo"), 0);
	assert_int_equal(rtnl_qdisc_root(fx->r, idx, "pfifo_fast"), 0);
	assert_int_equal(rtnl_qdisc_root_get(fx->r, idx, kind, sizeof(kind)),
	    0);
	assert_string_equal(kind, "pfifo_fast");
	/* Cut to the caller's size. */
	assert_int_equal(rtnl_qdisc_root_get(fx->r, idx, kind, 4), 0);
	assert_string_equal(kind, "pfi");

	error = rtnl_qdisc_root(fx->r, idx, "nosuchqdisc");
	assert_true(error < 0);
	assert_string_not_equal(rtnl_errmsg(fx->r), "");
	/* What was there stays. */
	assert_int_equal(rtnl_qdisc_root_get(fx->r, idx, kind, sizeof(kind)),
	    0);
	assert_string_equal(kind, "pfifo_fast");

	assert_int_equal(rtnl_qdisc_root(fx->r, 0, "pfifo"), -EINVAL);
	assert_int_equal(rtnl_qdisc_root(fx->r, idx, ""), -EINVAL);
	assert_int_equal(rtnl_qdisc_root(fx->r, idx,
	    "0123456789abcdef"), -EINVAL);
	assert_int_equal(rtnl_qdisc_root(fx->r, 99999, "pfifo"), -ENODEV);
	assert_int_equal(rtnl_qdisc_root_get(fx->r, 0, kind, sizeof(kind)),
	    -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_close),
		cmocka_unit_test(test_msg_ok),
		cmocka_unit_test_setup_teardown(test_ifindex, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_events, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_addr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_route_add_replace_del,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_route_protocol, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_route_flush, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_route_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_default_route, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_overrun, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_in_cb, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_qdisc_root, setup,
		    teardown),
	};
	int	st;

	log_init("test_netlink", true, 0);
	if (geteuid() != 0) {
		fprintf(stderr, "test_netlink: SKIP: needs root (to create "
		    "a network namespace)\n");
		return 77;
	}
	if (unshare(CLONE_NEWNET) == -1) {
		fprintf(stderr, "test_netlink: SKIP: unshare(CLONE_NEWNET): "
		    "%s\n", strerror(errno));
		return 77;
	}
	st = system("ip link set lo up && ip link add " IF_A " type veth "
	    "peer name " IF_A_PEER " && ip link del " IF_A);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "test_netlink: SKIP: cannot set up lo and a "
		    "veth pair in the namespace with ip(8) (status %d)\n", st);
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
