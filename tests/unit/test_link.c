/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for one link's state machine (link.c), driven through the
 * real loop with a fake clock.  What link.c calls is faked and counted
 * (linkfakes.c): the SSH session and its channels, the dial, the local
 * pppd child, the remote route job, rtnetlink's routes and queries and
 * the random numbers of the backoff.  The config-derived pppd
 * parameters, the relay, the local routes (over the fake rtnetlink),
 * the backoff arithmetic and the loop are the real ones.  The session
 * socket is a loopback TCP connection made here, and the pty master a
 * socketpair: the loop polls them as it would the real ones, and
 * nothing else is sent anywhere.  CONNECTING has no deadline of its
 * own: the dial is given connect-timeout.
 *
 * Covered: the way up and every state's deadline (connect-timeout bounds
 * the dial and each host's handshake); each failure class (network,
 * remote, hard) and the backoff that follows it; the backoff rule itself
 * (pinned: a change to it must change this test): incidents, failures in
 * a row, flapping; the next host after a failed handshake; the path
 * probe while the path is down, and where there is none; a dead
 * session's teardown; a reload with an equal config; stop in every
 * state, down to DOWN with every session, channel, child, job, route and
 * fd released; restart; a network change in BACKOFF, CONNECTING,
 * STOPPING and UP; keepalive.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
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

#include "admit.h"
#include "conf.h"
#include "farend.h"
#include "link.h"
#include "linkfakes.h"
#include "loop.h"
#include "netlink.h"
#include "ssh.h"

/* The link's timings (link.c), as this test pins them. */
#define CONNECT_TIMEOUT	10000	/* the config's: dial, handshake */
#define AUTH_TIMEOUT	30000
#define PPP_TIMEOUT	30000
#define ROUTES_TIMEOUT	15000
#define STOP_TIMEOUT	4000
#define PTY_GRACE	1000
#define FLAP		10000	/* up less than this: a flap */
#define JITTER		250	/* an incident's first re-dial */
#define PROBE		1000	/* one path probe this often */
#define GATE		3000	/* a pppd silent this long: let go */
#define BACKOFF_MIN	1000	/* the config's backoff 1 300 */
#define BACKOFF_CAP	300000

static struct loop	*loop;
static struct admit	*gate;		/* gate_full(); NULL: none */
static struct admit_ticket other;	/* another link, holding its slot */
static int		 others_in;	/* other let in from the queue */
static struct link	*lk;

/* ---------------------------------------------------------- the config */

static char	*remote_words[] = { "sudo", "-n", "/usr/sbin/pppd", NULL };
static char	*ip_words[] = { "sudo", "-n", "/sbin/ip", NULL };
static char	*no_words[] = { NULL };

/* A link config as conf.c would fill it; strings are the caller's. */
static void
conf_make(struct link_conf *lc, struct conf_host *host,
    struct conf_net *rnet, struct conf_net *lnet, char *ifname,
    char *remote_ifname)
{
	memset(lc, 0, sizeof(*lc));
	lc->name = "test";
	host->name = "gw.example";
	host->port = 0;
	lc->hosts.v = host;
	lc->hosts.n = 1;
	lc->port = 22;
	lc->user = "vpn";
	lc->identity = "/etc/vpn/id_ed25519";
	lc->known_hosts = "/etc/vpn/known_hosts";
	lc->remote_command.v = remote_words;
	lc->remote_command.n = 3;
	lc->remote_ip_command.v = ip_words;
	lc->remote_ip_command.n = 3;
	lc->pppd = "/usr/sbin/pppd";
	lc->pppd_options.v = no_words;
	lc->remote_pppd_options.v = no_words;
	lc->keepalive.interval = 10;
	lc->keepalive.misses = 3;
	lc->backoff.min = BACKOFF_MIN / 1000;
	lc->backoff.cap = BACKOFF_CAP / 1000;
	lc->connect_timeout = CONNECT_TIMEOUT / 1000;
	lc->mtu = -1;
	lc->local_ip.family = AF_INET;
	lc->local_ip.len = 32;
	(void)inet_pton(AF_INET, "10.9.0.1", lc->local_ip.addr);
	lc->remote_ip.family = AF_INET;
	lc->remote_ip.len = 32;
	(void)inet_pton(AF_INET, "10.9.0.2", lc->remote_ip.addr);
	rnet->prefix.family = AF_INET;
	rnet->prefix.len = 24;
	(void)inet_pton(AF_INET, "10.2.0.0", rnet->prefix.addr);
	lnet->prefix.family = AF_INET;
	lnet->prefix.len = 24;
	(void)inet_pton(AF_INET, "10.1.0.0", lnet->prefix.addr);
	lc->remote_nets.v = rnet;
	lc->remote_nets.n = 1;
	lc->local_nets.v = lnet;
	lc->local_nets.n = 1;
	lc->ifname = ifname;
	lc->remote_ifname = remote_ifname;
}

static struct link_conf	 lc0;
static struct conf_host	 host0;
static struct conf_net	 rnet0, lnet0;
static char		 ifname0[] = "vpn-test";
static char		 rifname0[] = "vpn-remote";

/* ------------------------------------------------------------- helpers */

static void
on_state(struct link *l, enum link_state old, void *arg)
{
	(void)old;
	(void)arg;
	assert_ptr_equal(l, lk);
	if (F.ntrace < FAKE_MAX_TRACE)
		F.trace[F.ntrace++] = link_state(l);
}

/* One turn of the loop at the current time. */
static void
turn(void)
{
	assert_int_equal(loop_once(loop, 0), 0);
}

/* Let ms pass, one millisecond and one loop turn at a time. */
static void
advance(uint64_t ms)
{
	while (ms-- > 0) {
		fake_now++;
		turn();
	}
}

/*
 * Let ms pass a second at a time: a timer still armed fires, if late.
 * For waiting out whatever the link may have left behind.
 */
static void
advance_coarse(uint64_t ms)
{
	uint64_t	step;

	while (ms > 0) {
		step = ms < 1000 ? ms : 1000;
		fake_now += step;
		ms -= step;
		turn();
	}
}

/* Milliseconds until the link leaves state s (at most max_ms). */
static uint64_t
time_in(enum link_state s, uint64_t max_ms)
{
	uint64_t	t;

	for (t = 0; t < max_ms && link_state(lk) == s; t++) {
		fake_now++;
		turn();
	}
	return t;
}

/* The session socket becomes readable for one turn: the link pumps. */
static void
poke(void)
{
	char	c = 'x';

	assert_true(F.sshfd != -1);
	assert_int_equal(send(F.peer, &c, 1, MSG_NOSIGNAL), 1);
	turn();
	if (F.sshfd != -1)
		(void)recv(F.sshfd, &c, 1, MSG_DONTWAIT);
}

/* A loopback TCP connection: our end in *peer, the dialed end returned. */
static int
tcp_pair(int *peer)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			lfd, fd;

	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(lfd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sin, &len), 0);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	*peer = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	assert_true(*peer >= 0);
	close(lfd);
	return fd;
}

/* The dial answers: the gateway 127.0.0.1:22. */
static void
dial_ok(void)
{
	struct dial_target	 t;
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)(void *)&ss;
	dial_cb			 cb;
	void			*arg;
	int			 fd;

	assert_non_null(F.dial);
	t.host = F.dial->host;
	t.port = F.dial->port;
	cb = F.dial->cb;
	arg = F.dial->arg;
	memset(&ss, 0, sizeof(ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(22);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (F.peer != -1)
		close(F.peer);
	fd = tcp_pair(&F.peer);
	cb(fd, &t, &ss, NULL, arg);	/* may free the dial */
}

static void
dial_fails(const char *cause)
{
	dial_cb	 cb;
	void	*arg;

	assert_non_null(F.dial);
	cb = F.dial->cb;
	arg = F.dial->arg;
	cb(-1, NULL, NULL, cause, arg);
}

/* pppd sets the interface's addresses and brings it up. */
static void
iface_up(void)
{
	struct rtnl_event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = RTNL_ADDR_NEW;
	ev.family = AF_INET;
	ev.ifindex = FAKE_IFINDEX;
	snprintf(ev.ifname, sizeof(ev.ifname), "%s", "vpn-test");
	ev.has_peer = true;
	(void)inet_pton(AF_INET, "10.9.0.1", &ev.local.v4);
	(void)inet_pton(AF_INET, "10.9.0.2", &ev.peer.v4);
	link_rtnl_event(lk, &ev);
	assert_int_equal(link_state(lk), LINK_PPP);
	memset(&ev, 0, sizeof(ev));
	ev.type = RTNL_LINK_NEW;
	ev.ifindex = FAKE_IFINDEX;
	snprintf(ev.ifname, sizeof(ev.ifname), "%s", "vpn-test");
	ev.up = true;
	link_rtnl_event(lk, &ev);
}

/* The route job's try ends with status (err: its first stderr line). */
static void
routes_finish(int status, const char *err)
{
	assert_non_null(F.rj);
	F.rj->finish = true;
	F.rj->status = status;
	snprintf(F.rj->err, sizeof(F.rj->err), "%s", err);
	poke();
}

/*
 * Channel 1's shell reports the far end's routes (farend.h): put in, or
 * what the commands said and their exit status.
 */
static void
far_routes(int status, const char *err)
{
	if (status == 0)
		snprintf(F.ch1_stderr, sizeof(F.ch1_stderr), "%sok\n",
		    FAREND_ROUTES_TAG);
	else
		snprintf(F.ch1_stderr, sizeof(F.ch1_stderr), "%s\n%sexit %d\n",
		    err, FAREND_ROUTES_TAG, status);
	poke();
}

/* The local pppd exits with code, or (code < 0) is killed by -code. */
static void
pppd_exits(int code, const char *err)
{
	struct pppchild	*c = F.pppd;

	assert_non_null(c);
	assert_true(c->running);
	c->running = false;
	c->cb(code >= 0 ? (code & 0xff) << 8 : (-code & 0x7f), false, err,
	    c->arg);
}

static void
pppd_abandoned(void)
{
	struct pppchild	*c = F.pppd;

	assert_non_null(c);
	c->running = false;
	c->cb(0, true, "", c->arg);
}

/* Whether the link closed the pty master (our end reads EOF). */
static bool
pty_closed(void)
{
	char	c;

	return recv(F.pty_peer, &c, 1, MSG_DONTWAIT) == 0;
}

/* Up from DOWN, every step answering at once. */
static void
bring_up(void)
{
	link_start(lk);
	assert_int_equal(link_state(lk), LINK_CONNECTING);
	dial_ok();
	assert_int_equal(link_state(lk), LINK_PPP);
	iface_up();
	assert_int_equal(link_state(lk), LINK_ROUTES);
	far_routes(0, "");
	assert_int_equal(link_state(lk), LINK_UP);
}

/*
 * Let a teardown under way finish the clean way: the far end's routes
 * removed, then the local pppd ends on SIGTERM (after the link went on,
 * when the session was dead).
 */
static void
finish_stop(void)
{
	int	i;

	for (i = 0; i < 10 && link_state(lk) == LINK_STOPPING; i++) {
		if (F.rj != NULL && F.rj->running)
			routes_finish(0, "");
		else if (F.pppd != NULL && F.pppd->running &&
		    F.pppd->ending)
			pppd_exits(-15, "");
		else
			turn();
	}
	assert_int_not_equal(link_state(lk), LINK_STOPPING);
	/* A dead session's pppd ends after the link went on without it. */
	if (F.pppd != NULL && F.pppd->running && F.pppd->ending)
		pppd_exits(-15, "");
}

/* The gateway falls silent while the link is up: the keepalive gives up. */
static void
keepalive_gives_up(void)
{
	assert_int_equal(link_state(lk), LINK_UP);
	F.silent = true;
	F.last_rx = fake_now;
	(void)time_in(LINK_UP, 100000);
	assert_int_equal(link_fail_class(lk), LINK_FAIL_NETWORK);
}

/* Nothing is held: every object made was released, no fd, no route. */
static void
assert_released(void)
{
	assert_int_equal(F.ssh_frees, F.ssh_news);
	assert_null(F.ssh);
	assert_int_equal(F.chan_frees, F.chan_news);
	assert_int_equal(F.dial_frees + (F.dial != NULL), F.dial_starts);
	assert_int_equal(F.pppd_frees, F.spawns);
	assert_null(F.pppd);
	assert_int_equal(F.rj_frees, F.rj_news);
	assert_null(F.rj);
	assert_int_equal(F.route_dels, F.route_adds);
	if (F.pty_peer != -1)
		assert_true(pty_closed());
}

/* Stays in state s for ms: no timer of the link is left to fire. */
static void
assert_quiet(enum link_state s, uint64_t ms)
{
	int	dials = F.dial_starts;

	advance_coarse(ms);
	assert_int_equal(link_state(lk), s);
	assert_int_equal(F.dial_starts, dials);
}

static void
other_in(void *arg)
{
	(void)arg;
	others_in++;
}

/* The link dials through a gate of one slot, which another link holds. */
static void
gate_full(void)
{
	gate = admit_new(loop, 1, 1);
	admit_ticket_init(&other, other_in, NULL);
	others_in = 0;
	assert_true(admit_enter(gate, &other));
	link_set_admit(lk, gate);
}

static int
setup(void **state)
{
	(void)state;
	fake_reset();
	loop_clock = fake_clock;
	/* test_reload scribbles on them */
	snprintf(ifname0, sizeof(ifname0), "%s", "vpn-test");
	snprintf(rifname0, sizeof(rifname0), "%s", "vpn-remote");
	loop = loop_new();
	conf_make(&lc0, &host0, &rnet0, &lnet0, ifname0, rifname0);
	lk = link_new(loop, NULL, &lc0, on_state, NULL);
	assert_int_equal(link_state(lk), LINK_DOWN);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	link_free(lk);
	lk = NULL;
	if (gate != NULL) {
		admit_leave(&other);
		admit_free(gate);
		gate = NULL;
	}
	loop_free(loop);
	loop = NULL;
	if (F.peer != -1)
		close(F.peer);
	if (F.pty_peer != -1)
		close(F.pty_peer);
	return 0;
}

/* ---------------------------------------------------------- the way up */

static void
test_up_and_stop(void **state)
{
	static const enum link_state way[] = {
		LINK_CONNECTING, LINK_HANDSHAKE, LINK_AUTH, LINK_PPP,
		LINK_ROUTES, LINK_UP, LINK_STOPPING, LINK_DOWN,
	};
	struct link_info	li;
	struct sockaddr_storage	ss;
	size_t			i;

	(void)state;
	assert_int_equal(link_local_addr(lk, &ss), -1);
	bring_up();
	assert_int_equal(F.dns_news, 0);	/* dns no */
	assert_null(F.pppd->take);
	assert_int_equal(F.dial_timeout, 10000);
	assert_int_equal(F.dial_ntargets, 1);
	assert_int_equal(F.dial_frees, 1);	/* done with once connected */
	assert_int_equal(F.keepalive_configs, 1);
	assert_int_equal(F.spawns, 1);
	/* Channel 1 ends a stale pppd, then execs the remote one. */
	assert_non_null(strstr(F.ch1_cmd, "/run/ppp-vpn-remote.pid"));
	assert_non_null(strstr(F.ch1_cmd, "sudo -n /usr/bin/pkill -TERM -F "
	    "/run/ppp-vpn-remote.pid -x pppd"));
	/*
	 * remote-net here; the local-net at the far end by channel 1's
	 * shell itself, once its pppd is up: no channel 2.
	 */
	assert_non_null(strstr(F.ch1_cmd, "{ { sudo -n /usr/sbin/pppd"));
	assert_non_null(strstr(F.ch1_cmd, "'remote IP address '*) "
	    "if { sudo -n /sbin/ip route replace 10.1.0.0/24 dev "
	    "vpn-remote; }"));
	assert_int_equal(F.route_adds, 1);
	assert_int_equal(F.rj_news, 0);
	assert_int_equal(link_local_addr(lk, &ss), 0);
	assert_int_equal(ss.ss_family, AF_INET);
	link_info(lk, &li);
	assert_string_equal(li.host, "gw.example");
	assert_int_equal(li.port, 22);
	assert_true(li.wanted);
	assert_int_equal(li.next_dial, -1);
	assert_null(li.reason);

	link_stop(lk, "stopped by test");
	assert_int_equal(link_state(lk), LINK_STOPPING);
	assert_int_equal(F.route_dels, 1);	/* local routes go first */
	/* The far end's routes go next, one try, before pppd is told. */
	assert_non_null(F.rj);
	assert_int_equal(F.rj_tries, 1);
	assert_non_null(strstr(F.rj_cmd, "route del 10.1.0.0/24 dev "
	    "vpn-remote"));
	assert_int_equal(F.terms, 0);
	routes_finish(0, "");
	assert_int_equal(F.terms, 1);
	assert_int_equal(link_state(lk), LINK_STOPPING);
	pppd_exits(-15, "");
	assert_int_equal(link_state(lk), LINK_DOWN);
	assert_string_equal(link_reason(lk), "stopped by test");
	assert_int_equal(link_fail_class(lk), LINK_FAIL_NONE);
	assert_int_equal(F.disconnects, 1);	/* said goodbye */
	assert_int_equal(F.killed_on_free, 0);
	assert_released();
	assert_int_equal(link_local_addr(lk, &ss), -1);
	assert_int_equal(F.ntrace, sizeof(way) / sizeof(way[0]));
	for (i = 0; i < F.ntrace; i++)
		assert_int_equal(F.trace[i], way[i]);
	assert_quiet(LINK_DOWN, 600000);
}

/* A line the local pppd writes on stderr, seen by the link. */
static void
pppd_logs(const char *line)
{
	assert_non_null(F.pppd);
	assert_non_null(F.pppd->take);
	/* Still logged: the link only reads it. */
	assert_false(F.pppd->take(line, F.pppd->take_arg));
}

/*
 * dns yes: the servers the local pppd reports are applied once the link
 * is up (not before: its routes first), a late one at once, all taken
 * back at teardown, and applied again after a re-dial.
 */
/*
 * fq-codel yes: fq_codel on the interface once it is up, before the
 * routes; a kernel without it leaves the link up all the same; fq-codel
 * no (the default) leaves the qdisc alone.
 */
static void
test_qdisc(void **state)
{
	(void)state;
	link_free(lk);
	lc0.fq_codel = true;
	lk = link_new(loop, NULL, &lc0, on_state, NULL);
	bring_up();
	assert_int_equal(F.qdisc_roots, 1);
	assert_string_equal(F.qdisc_kind, "fq_codel");
	assert_int_equal(link_state(lk), LINK_UP);
	link_stop(lk, "test");
	finish_stop();

	link_free(lk);
	F.qdisc_r = -ENOENT;
	lk = link_new(loop, NULL, &lc0, on_state, NULL);
	bring_up();
	assert_int_equal(F.qdisc_roots, 2);
	assert_int_equal(link_state(lk), LINK_UP);
	link_stop(lk, "test");
	finish_stop();

	link_free(lk);
	F.qdisc_r = 0;
	lc0.fq_codel = false;
	lk = link_new(loop, NULL, &lc0, on_state, NULL);
	bring_up();
	assert_int_equal(F.qdisc_roots, 2);
	assert_int_equal(link_state(lk), LINK_UP);
}

static void
test_dns(void **state)
{
	static char		*domains[] = { "corp.example", NULL };
	struct link_info	 li;

	(void)state;
	link_free(lk);
	lc0.dns = true;
	lc0.dns_domains.v = domains;
	lc0.dns_domains.n = 1;
	lk = link_new(loop, NULL, &lc0, on_state, NULL);
	assert_int_equal(F.dns_news, 1);
	link_start(lk);
	dial_ok();
	pppd_logs("local  IP address 10.9.0.1");
	pppd_logs("primary   DNS address 10.2.0.53");
	assert_int_equal(F.dns_sets, 0);
	iface_up();
	assert_int_equal(F.dns_sets, 0);	/* routes first */
	far_routes(0, "");
	assert_int_equal(link_state(lk), LINK_UP);
	assert_int_equal(F.dns_sets, 1);
	assert_int_equal(F.dns_n, 1);
	assert_string_equal(F.dns_srv[0], "10.2.0.53");
	pppd_logs("secondary DNS address 10.2.0.54");
	assert_int_equal(F.dns_sets, 2);
	assert_int_equal(F.dns_n, 2);
	assert_string_equal(F.dns_srv[0], "10.2.0.53");
	assert_string_equal(F.dns_srv[1], "10.2.0.54");
	link_info(lk, &li);
	assert_string_equal(li.dns, "2 applied");

	/* Re-dial: taken back, then the new session's servers only. */
	link_restart(lk, "test");
	assert_int_equal(F.dns_clears, 1);
	assert_false(F.dns_applied);
	finish_stop();
	assert_int_equal(link_state(lk), LINK_CONNECTING);
	dial_ok();
	pppd_logs("primary   DNS address 10.2.0.99");
	iface_up();
	far_routes(0, "");
	assert_int_equal(link_state(lk), LINK_UP);
	assert_int_equal(F.dns_sets, 3);
	assert_int_equal(F.dns_n, 1);
	assert_string_equal(F.dns_srv[0], "10.2.0.99");

	/* Up without a server from the far end: told so (n 0). */
	link_restart(lk, "test");
	finish_stop();
	dial_ok();
	iface_up();
	far_routes(0, "");
	assert_int_equal(F.dns_sets, 4);
	assert_int_equal(F.dns_n, 0);

	link_stop(lk, "test");
	finish_stop();
	assert_int_equal(link_state(lk), LINK_DOWN);
	assert_false(F.dns_applied);
	assert_released();
	link_free(lk);
	lk = NULL;
	assert_int_equal(F.dns_frees, 1);
}

/* No local-nets: nothing to run at the far end, up once PPP is. */
static void
test_up_without_local_nets(void **state)
{
	(void)state;
	lc0.local_nets.n = 0;
	link_start(lk);
	dial_ok();
	iface_up();
	assert_int_equal(link_state(lk), LINK_UP);
	assert_int_equal(F.rj_news, 0);
	link_stop(lk, "test");
	finish_stop();
	assert_int_equal(link_state(lk), LINK_DOWN);
	assert_int_equal(F.rj_news, 0);
	assert_released();
}

/* A remote-net holding the gateway: its host route stays outside. */
static void
test_gateway_pinned(void **state)
{
	(void)state;
	(void)inet_pton(AF_INET, "127.0.0.0", rnet0.prefix.addr);
	rnet0.prefix.len = 8;
	link_start(lk);
	dial_ok();
	assert_int_equal(F.route_adds, 1);	/* 127.0.0.1/32 as it was */
	iface_up();
	assert_int_equal(F.route_adds, 2);	/* 127.0.0.0/8 into the link */
	far_routes(0, "");
	link_stop(lk, "test");
	finish_stop();
	assert_int_equal(link_state(lk), LINK_DOWN);
	assert_int_equal(F.route_dels, 2);
	assert_released();
}

/* Installing the routes fails, here or on the far end's channel. */
static void
test_routes_fail(void **state)
{
	(void)state;
	F.route_add_r = -EEXIST;
	link_start(lk);
	dial_ok();
	iface_up();
	assert_int_equal(link_fail_class(lk), LINK_FAIL_REMOTE);
	assert_string_equal(link_reason(lk),
	    "route 10.2.0.0/24 dev vpn-test: File exists");
	assert_int_equal(F.rj_news, 0);
	finish_stop();
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_released();

	/* The session breaks before the far end reports: not used again. */
	F.route_add_r = 0;
	link_start(lk);
	dial_ok();
	iface_up();
	F.ch1_broken = true;
	poke();
	assert_int_equal(link_fail_class(lk), LINK_FAIL_NETWORK);
	F.ch1_broken = false;
	assert_null(F.rj);
	finish_stop();
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_int_equal(F.rj_news, 0);		/* no removal tried */
	assert_int_equal(F.disconnects, 1);	/* the first session's */
	assert_released();
}

/*
 * The far end's interface may come up before ours: its report waits for
 * ours, a failure too; a report once up (IPCP again) changes nothing.
 */
static void
test_routes_early(void **state)
{
	(void)state;
	link_start(lk);
	dial_ok();
	far_routes(0, "");
	assert_int_equal(link_state(lk), LINK_PPP);
	iface_up();
	assert_int_equal(link_state(lk), LINK_UP);
	assert_int_equal(F.rj_news, 0);
	far_routes(0, "");
	assert_int_equal(link_state(lk), LINK_UP);
	assert_quiet(LINK_UP, 30000);
	link_stop(lk, "test");
	finish_stop();
	assert_int_equal(F.rj_news, 1);		/* the removal */
	assert_released();

	link_start(lk);
	dial_ok();
	far_routes(2, "Cannot find device \"vpn-remote\"");
	assert_int_equal(link_state(lk), LINK_PPP);
	iface_up();
	assert_int_equal(link_fail_class(lk), LINK_FAIL_REMOTE);
	assert_string_equal(link_reason(lk), "remote route command: exit "
	    "status 2: Cannot find device \"vpn-remote\"");
	finish_stop();
	assert_int_equal(F.rj_news, 1);		/* nothing to remove */
	assert_released();
}

/*
 * vpn-peer: channel 2 asks for the routes once the link is up, 10
 * tries 300 ms apart; a deadline says what its last try said.
 */
static void
test_routes_vpn_peer(void **state)
{
	(void)state;
	lc0.vpn_peer = true;
	link_start(lk);
	dial_ok();
	assert_non_null(strstr(F.ch1_cmd, "pppd "));
	iface_up();
	assert_int_equal(link_state(lk), LINK_ROUTES);
	assert_int_equal(F.rj_news, 1);
	assert_int_equal(F.rj_tries, 10);
	assert_int_equal(F.rj_retry_ms, 300);
	assert_non_null(strstr(F.rj_cmd, "route "));
	/* A line like the shell's report is vpn-peer's pppd's text. */
	far_routes(0, "");
	assert_int_equal(link_state(lk), LINK_ROUTES);
	routes_finish(0, "");
	assert_int_equal(link_state(lk), LINK_UP);
	link_stop(lk, "test");
	finish_stop();
	assert_int_equal(F.rj_news, 2);
	assert_released();

	link_start(lk);
	dial_ok();
	iface_up();
	snprintf(F.rj->err, sizeof(F.rj->err), "%s",
	    "Cannot find device \"vpn-remote\"");
	assert_int_equal(time_in(LINK_ROUTES, ROUTES_TIMEOUT + 10),
	    ROUTES_TIMEOUT);
	assert_int_equal(link_fail_class(lk), LINK_FAIL_REMOTE);
	assert_string_equal(link_reason(lk), "remote routes not installed "
	    "after 15 s: Cannot find device \"vpn-remote\"");
	/* The install was in flight: undo whatever it did. */
	assert_int_equal(F.rj_news, 4);
	finish_stop();
	assert_released();
}

/* The far pppd on sshd's pty says its first words on channel 1. */
static void
far_pppd_speaks(void)
{
	snprintf(F.ch1_data, sizeof(F.ch1_data), "%s", "\x7e\xff\x7d");
	poke();
}

/*
 * A far pppd on sshd's pty: channel 2 opens once it has spoken, while
 * PPP negotiates, and waits there for its interface; its outcome is
 * acted on as channel 1's report is.
 */
static void
test_routes_pty(void **state)
{
	char	buf[64];

	(void)state;
	F.ch1_tty = true;
	link_start(lk);
	dial_ok();
	assert_int_equal(link_state(lk), LINK_PPP);
	assert_int_equal(F.rj_news, 0);		/* not before pppd speaks */
	far_pppd_speaks();
	assert_int_equal(F.rj_news, 1);
	assert_int_equal(F.rj_tries, 1);
	assert_non_null(strstr(F.rj_cmd, "/vpn-remote/flags"));
	assert_non_null(strstr(F.rj_cmd, " route replace 10.1.0.0/24 dev "
	    "vpn-remote"));
	/* A report before our interface is up is kept for then. */
	routes_finish(0, "");
	assert_int_equal(link_state(lk), LINK_PPP);
	iface_up();
	assert_int_equal(link_state(lk), LINK_UP);
	assert_string_equal(F.rj_input, "");	/* over: no word sent */
	assert_int_equal(F.rj_news, 1);
	link_stop(lk, "test");
	finish_stop();
	assert_int_equal(F.rj_news, 2);		/* the removal */
	assert_released();

	/* Our interface up: the word goes, ROUTES waits for the report. */
	link_start(lk);
	dial_ok();
	far_pppd_speaks();
	assert_string_equal(F.rj_input, "");
	iface_up();
	assert_int_equal(link_state(lk), LINK_ROUTES);
	assert_int_equal(F.rj_news, 3);
	assert_string_equal(F.rj_input, FAREND_GO "\n");
	routes_finish(0, "");
	assert_int_equal(link_state(lk), LINK_UP);
	link_stop(lk, "test");
	finish_stop();
	assert_released();

	/* A failure there fails the link once it gets to ROUTES. */
	link_start(lk);
	dial_ok();
	far_pppd_speaks();
	iface_up();
	routes_finish(1, "interface vpn-remote not up 10 s after vpnd's");
	assert_int_equal(link_fail_class(lk), LINK_FAIL_REMOTE);
	assert_string_equal(link_reason(lk), "remote route command: exit "
	    "status 1: interface vpn-remote not up 10 s after vpnd's");
	finish_stop();
	assert_int_equal(F.rj_news, 5);		/* nothing to remove */
	assert_released();

	/* Still waiting at ROUTES' deadline: says what for. */
	link_start(lk);
	dial_ok();
	far_pppd_speaks();
	iface_up();
	assert_int_equal(time_in(LINK_ROUTES, ROUTES_TIMEOUT + 10),
	    ROUTES_TIMEOUT);
	assert_string_equal(link_reason(lk), "remote routes not installed "
	    "after 15 s: the far end still waits for its interface "
	    "vpn-remote to come up");
	finish_stop();
	assert_int_equal(F.rj_news, 6);		/* the wait is no install */
	/* The gate let the far pppd's bytes go to the pty meanwhile. */
	while (F.pty_peer != -1 &&
	    recv(F.pty_peer, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		continue;
	assert_released();
}

/* Events were lost while in PPP: the link asks rtnetlink itself. */
static void
test_resync_in_ppp(void **state)
{
	struct rtnl_event	ev;

	(void)state;
	link_start(lk);
	dial_ok();
	memset(&ev, 0, sizeof(ev));
	ev.type = RTNL_RESYNC;
	link_rtnl_event(lk, &ev);
	assert_int_equal(link_state(lk), LINK_ROUTES);
	assert_int_equal(F.route_adds, 1);
}

/* ------------------------------------------------------------ deadlines */

static void
test_deadline_handshake(void **state)
{
	(void)state;
	F.handshake = SSH_AGAIN;
	link_start(lk);
	dial_ok();
	assert_int_equal(link_state(lk), LINK_HANDSHAKE);
	/* connect-timeout bounds it; no other host to go on with. */
	assert_int_equal(time_in(LINK_HANDSHAKE, CONNECT_TIMEOUT + 10),
	    CONNECT_TIMEOUT);
	assert_int_equal(F.resumes, 1);
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_int_equal(link_fail_class(lk), LINK_FAIL_NETWORK);
	assert_string_equal(link_reason(lk),
	    "ssh handshake with gw.example:22 timed out after 10 s");
	assert_int_equal(F.disconnects, 1);	/* the session still worked */
	/* It reached a host: no probing, the backoff it is. */
	assert_null(F.dial);
	assert_released();
}

/*
 * A handshake that advances (the gateway sent something since the last
 * look) starts its deadline over: what counts is the wait on the
 * gateway, not on a CPU busy with other links.  It still ends
 * 3 x connect-timeout after it began, plus one.
 */
static void
test_deadline_handshake_progress(void **state)
{
	int	i;

	(void)state;
	F.handshake = SSH_AGAIN;
	link_start(lk);
	dial_ok();
	assert_int_equal(link_state(lk), LINK_HANDSHAKE);
	advance(CONNECT_TIMEOUT - 1);
	poke();				/* nothing new: no extension */
	F.rx += 1000;
	advance(1);
	assert_int_equal(link_state(lk), LINK_BACKOFF);

	teardown(NULL);
	setup(NULL);
	F.handshake = SSH_AGAIN;
	link_start(lk);
	dial_ok();
	for (i = 0; i < 4; i++) {
		advance(CONNECT_TIMEOUT - 1);
		F.rx += 1000;
		poke();
		assert_int_equal(link_state(lk), LINK_HANDSHAKE);
	}
	/* 4 x 9.999 s in: past 3 x 10 s, the last look extended nothing. */
	assert_int_equal(time_in(LINK_HANDSHAKE, CONNECT_TIMEOUT), 1);
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_string_equal(link_reason(lk),
	    "ssh handshake with gw.example:22 timed out after 10 s");
}

/*
 * A handshake on the last host whose gateway sends nothing, but whose
 * kernel acknowledged all vpnd sent: the path works, the gateway's sshd
 * is slow (its fork for the connection, the killed session's processes
 * ending).  It is waited on, up to 3 x connect-timeout, rather than
 * connected to again; a host with others left to try is still given up
 * at connect-timeout, and a gateway that does not acknowledge too.
 */
static void
test_deadline_handshake_slow_sshd(void **state)
{
	(void)state;
	F.handshake = SSH_AGAIN;
	F.peer_acked = true;
	link_start(lk);
	dial_ok();
	assert_int_equal(time_in(LINK_HANDSHAKE, 4 * CONNECT_TIMEOUT),
	    3 * CONNECT_TIMEOUT);
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_int_equal(F.resumes, 1);
	assert_string_equal(link_reason(lk),
	    "ssh handshake with gw.example:22 timed out after 10 s");

	/* A sshd that answers in the second timeout: up, no re-dial. */
	teardown(NULL);
	setup(NULL);
	F.handshake = SSH_AGAIN;
	F.peer_acked = true;
	link_start(lk);
	dial_ok();
	advance(CONNECT_TIMEOUT + CONNECT_TIMEOUT / 2);
	assert_int_equal(link_state(lk), LINK_HANDSHAKE);
	F.handshake = SSH_OK;
	F.rx += 1000;
	poke();
	assert_int_equal(link_state(lk), LINK_PPP);
	assert_int_equal(F.resumes, 0);
	assert_int_equal(F.dial_starts, 1);

	/* Another host left: that one is tried at connect-timeout. */
	teardown(NULL);
	setup(NULL);
	F.handshake = SSH_AGAIN;
	F.peer_acked = true;
	F.resume_r = 0;
	link_start(lk);
	dial_ok();
	assert_int_equal(time_in(LINK_HANDSHAKE, 4 * CONNECT_TIMEOUT),
	    CONNECT_TIMEOUT);
	assert_int_equal(link_state(lk), LINK_CONNECTING);
	assert_int_equal(F.resumes, 1);

	/* Nothing acknowledged: the path is down, given up at once. */
	teardown(NULL);
	setup(NULL);
	F.handshake = SSH_AGAIN;
	F.peer_acked = false;
	link_start(lk);
	dial_ok();
	assert_int_equal(time_in(LINK_HANDSHAKE, 4 * CONNECT_TIMEOUT),
	    CONNECT_TIMEOUT);
	assert_int_equal(link_state(lk), LINK_BACKOFF);
}

/* Auth too: its deadline starts over while the gateway answers. */
static void
test_deadline_auth_progress(void **state)
{
	(void)state;
	F.handshake = SSH_AGAIN;
	F.auth = SSH_AGAIN;
	link_start(lk);
	dial_ok();
	F.handshake = SSH_OK;
	F.rx += 100;
	poke();
	assert_int_equal(link_state(lk), LINK_AUTH);
	advance(AUTH_TIMEOUT - 1);
	F.rx += 100;
	poke();
	advance(AUTH_TIMEOUT - 1);
	assert_int_equal(link_state(lk), LINK_AUTH);
	advance(1);
	assert_int_equal(link_state(lk), LINK_BACKOFF);
}

static void
test_deadline_auth(void **state)
{
	(void)state;
	F.handshake = SSH_AGAIN;
	link_start(lk);
	dial_ok();
	advance(CONNECT_TIMEOUT - 1);
	F.handshake = SSH_OK;
	F.auth = SSH_AGAIN;
	poke();
	assert_int_equal(link_state(lk), LINK_AUTH);
	/* Auth has its own deadline, from its start. */
	assert_int_equal(time_in(LINK_AUTH, AUTH_TIMEOUT + 10), AUTH_TIMEOUT);
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_int_equal(link_fail_class(lk), LINK_FAIL_NETWORK);
	assert_string_equal(link_reason(lk),
	    "ssh auth with gw.example:22 timed out after 30 s");
	assert_int_equal(F.resumes, 0);
	assert_released();
}

/* Channel 1 never opens: no pppd was started, nothing to wait for. */
static void
test_deadline_ppp_channel(void **state)
{
	(void)state;
	F.chan_start = SSH_AGAIN;
	link_start(lk);
	dial_ok();
	assert_int_equal(link_state(lk), LINK_PPP);
	assert_int_equal(F.spawns, 0);
	assert_int_equal(time_in(LINK_PPP, PPP_TIMEOUT + 10), PPP_TIMEOUT);
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_int_equal(link_fail_class(lk), LINK_FAIL_REMOTE);
	assert_string_equal(link_reason(lk),
	    "ppp negotiation timed out after 30 s");
	assert_released();
}

/* Both pppds run but IPCP never completes. */
static void
test_deadline_ppp_negotiation(void **state)
{
	(void)state;
	link_start(lk);
	dial_ok();
	assert_int_equal(F.spawns, 1);
	assert_int_equal(time_in(LINK_PPP, PPP_TIMEOUT + 10), PPP_TIMEOUT);
	assert_int_equal(link_state(lk), LINK_STOPPING);
	assert_string_equal(link_reason(lk),
	    "ppp negotiation timed out after 30 s");
	assert_int_equal(F.terms, 1);
	pppd_exits(5, "");	/* "terminated by a signal" */
	/* The first reason stays. */
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_int_equal(link_fail_class(lk), LINK_FAIL_REMOTE);
	assert_string_equal(link_reason(lk),
	    "ppp negotiation timed out after 30 s");
	assert_released();
}

/* The local pppd closed its pty: its exit should follow within 1 s. */
static void
pty_grace(enum link_state s)
{
	assert_int_equal(link_state(lk), s);
	close(F.pty_peer);
	F.pty_peer = -1;
	turn();		/* the pty reads EOF */
	assert_int_equal(link_state(lk), s);
	assert_int_equal(time_in(s, PTY_GRACE + 10), PTY_GRACE);
	assert_int_equal(link_state(lk), LINK_STOPPING);
	assert_string_equal(link_reason(lk), "local pppd closed its pty");
	assert_int_equal(link_fail_class(lk), LINK_FAIL_REMOTE);
	finish_stop();
	assert_int_equal(link_state(lk), LINK_BACKOFF);
}

static void
test_deadline_pty_ppp(void **state)
{
	(void)state;
	link_start(lk);
	dial_ok();
	pty_grace(LINK_PPP);
}

static void
test_deadline_pty_up(void **state)
{
	(void)state;
	bring_up();
	pty_grace(LINK_UP);
}

static void
test_deadline_routes(void **state)
{
	(void)state;
	link_start(lk);
	dial_ok();
	iface_up();
	assert_int_equal(time_in(LINK_ROUTES, ROUTES_TIMEOUT + 10),
	    ROUTES_TIMEOUT);
	assert_int_equal(link_state(lk), LINK_STOPPING);
	assert_int_equal(link_fail_class(lk), LINK_FAIL_REMOTE);
	assert_string_equal(link_reason(lk), "remote routes not installed "
	    "after 15 s: the far end did not report them (no \"remote IP "
	    "address\" from its pppd?)");
	/* Nothing said they went in: nothing to remove. */
	assert_int_equal(F.rj_news, 0);
	finish_stop();
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_released();
}

/* The far end does not answer the teardown: forced after 4 s. */
static void
test_deadline_stopping(void **state)
{
	(void)state;
	bring_up();
	link_stop(lk, "test");
	assert_non_null(F.rj);		/* removing the far end's routes */
	advance(STOP_TIMEOUT - 1);
	assert_non_null(F.rj);
	assert_int_equal(F.kills, 0);
	advance(1);
	assert_int_equal(link_state(lk), LINK_STOPPING);
	/* The job is dropped, pppd killed outright, the session given up. */
	assert_null(F.rj);
	assert_int_equal(F.kills, 1);
	assert_int_equal(F.terms, 0);
	/* pppd does not die even then: the pppd child gives it up. */
	pppd_abandoned();
	assert_int_equal(link_state(lk), LINK_DOWN);
	assert_int_equal(F.disconnects, 0);
	assert_released();
}

static void
test_deadline_backoff(void **state)
{
	struct link_info	li;

	(void)state;
	link_start(lk);
	dial_fails("connect 127.0.0.1:22: Connection refused");
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	link_info(lk, &li);
	assert_int_equal(li.next_dial, 1);
	assert_int_equal(li.redials, 0);
	/* The path is probed meanwhile, until the re-dial. */
	assert_int_equal(F.dial_starts, 2);
	assert_int_equal(F.dial_timeout, BACKOFF_MIN);
	assert_int_equal(time_in(LINK_BACKOFF, 10000), BACKOFF_MIN);
	assert_int_equal(link_state(lk), LINK_CONNECTING);
	link_info(lk, &li);
	assert_int_equal(li.redials, 1);
	assert_int_equal(F.dial_starts, 3);
	assert_int_equal(F.dial_frees, 2);
	assert_int_equal(F.dial_timeout, CONNECT_TIMEOUT);
}

/* ------------------------------------------------------- failure classes */

static void
test_fail_network(void **state)
{
	(void)state;
	link_start(lk);
	dial_fails("connect 127.0.0.1:22: Connection refused");
	assert_int_equal(link_fail_class(lk), LINK_FAIL_NETWORK);
	assert_string_equal(link_reason(lk),
	    "connect 127.0.0.1:22: Connection refused");
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_released();

	/* The session breaks: no goodbye on a dead socket. */
	link_start(lk);
	F.handshake = SSH_ERR;
	F.fclass = SSH_FAIL_NETWORK;
	dial_ok();
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_int_equal(link_fail_class(lk), LINK_FAIL_NETWORK);
	assert_string_equal(link_reason(lk),
	    "ssh handshake: handshake: connection reset");
	assert_int_equal(F.disconnects, 0);
	assert_released();
}

static void
test_fail_keepalive(void **state)
{
	uint64_t	t;

	(void)state;
	bring_up();
	advance(5000);
	F.silent = true;
	F.last_rx = fake_now;
	/* keepalive 10 x 3: more than 40 s of silence is too much. */
	t = time_in(LINK_UP, 100000);
	assert_true(t > 40000 && t <= 50000);
	assert_int_equal(link_fail_class(lk), LINK_FAIL_NETWORK);
	assert_non_null(strstr(link_reason(lk),
	    "nothing from gw.example:22 for "));
	assert_non_null(strstr(link_reason(lk), "(keepalive 10 s x 3)"));
	/* The session is dead: the far end's routes cannot be removed. */
	assert_null(F.rj);
	assert_int_equal(F.terms, 1);
	pppd_exits(-15, "");
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_int_equal(F.disconnects, 0);
	assert_released();
}

/*
 * While the gateway speaks (the pppds' LCP echoes) no keepalive is
 * sent, and the check rides along with the loop's turns; once it is
 * quiet for an interval, keepalives go.
 */
static void
test_keepalive_when_quiet(void **state)
{
	(void)state;
	bring_up();
	advance_coarse(10 * 10000);
	assert_int_equal(F.keepalives, 0);
	assert_int_equal(link_state(lk), LINK_UP);
	F.silent = true;
	F.last_rx = fake_now;
	advance_coarse(2 * 10000);
	assert_true(F.keepalives >= 1);
	assert_int_equal(link_state(lk), LINK_UP);
}

/*
 * The in-tunnel echo runs while the link is up, at the keepalive's
 * rate, from the tunnel's address to the peer's through the interface;
 * its RTT is the link's, and its giving up fails the link (network).
 * Without an ICMP socket the link runs on, without RTT.
 */
static void
test_rtt(void **state)
{
	struct link_info	li;
	uint8_t			local[4] = { 10, 9, 0, 1 };
	uint8_t			peer[4] = { 10, 9, 0, 2 };

	(void)state;
	link_start(lk);
	link_info(lk, &li);
	assert_int_equal(li.rtt_us, -1);
	assert_null(F.rtt);
	bring_up();
	assert_int_equal(F.rtt_starts, 1);
	assert_non_null(F.rtt);
	assert_int_equal(F.rtt->interval, 10);
	assert_int_equal(F.rtt->misses, 3);
	assert_memory_equal(F.rtt->local, local, 4);
	assert_memory_equal(F.rtt->peer, peer, 4);
	assert_string_equal(F.rtt->ifname, "vpn-test");
	link_info(lk, &li);
	assert_int_equal(li.rtt_us, -1);
	F.rtt->last_us = 1234;
	link_info(lk, &li);
	assert_int_equal(li.rtt_us, 1234);

	F.rtt->lost("no echo reply from 10.9.0.2 through vpn-test for 30 s "
	    "(3 echoes)", F.rtt->arg);
	assert_int_equal(link_state(lk), LINK_STOPPING);
	assert_int_equal(link_fail_class(lk), LINK_FAIL_NETWORK);
	assert_string_equal(link_reason(lk), "no echo reply from 10.9.0.2 "
	    "through vpn-test for 30 s (3 echoes)");
	assert_null(F.rtt);
	assert_int_equal(F.rtt_frees, 1);
	link_info(lk, &li);
	assert_int_equal(li.rtt_us, -1);
	assert_int_equal(li.failures[LINK_FAIL_NETWORK], 1);
	/*
	 * The session answers: the far end's routes go first; then pppd is
	 * hung up at once, not left to wait for an answer to its LCP
	 * Terminate that cannot come, and the link dials again.
	 */
	assert_non_null(F.rj);
	assert_int_equal(F.terms, 0);
	routes_finish(0, "");
	assert_int_equal(F.terms, 1);
	assert_true(pty_closed());
	assert_int_not_equal(link_state(lk), LINK_STOPPING);
	pppd_exits(-15, "");
	assert_int_equal(link_state(lk), LINK_BACKOFF);

	/* No socket: up all the same. */
	link_stop(lk, "test");
	finish_stop();
	F.rtt_fail = true;
	bring_up();
	assert_int_equal(link_state(lk), LINK_UP);
	assert_null(F.rtt);
	link_stop(lk, "test");
}

static void
test_fail_remote(void **state)
{
	(void)state;
	/* The server refuses channel 1. */
	F.chan_start = SSH_ERR;
	F.fclass = SSH_FAIL_REMOTE;
	link_start(lk);
	dial_ok();
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_int_equal(link_fail_class(lk), LINK_FAIL_REMOTE);
	assert_string_equal(link_reason(lk),
	    "remote pppd: channel open refused");
	assert_int_equal(F.disconnects, 1);
	assert_released();

	/* The local pppd hangs up. */
	F.chan_start = SSH_OK;
	link_start(lk);
	dial_ok();
	iface_up();
	far_routes(0, "");
	pppd_exits(16, "");
	assert_int_equal(link_fail_class(lk), LINK_FAIL_REMOTE);
	assert_string_equal(link_reason(lk),
	    "local pppd exited with status 16 (hangup)");
	finish_stop();
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_released();

	/* The remote pppd ends: its last words say why. */
	link_start(lk);
	dial_ok();
	iface_up();
	far_routes(0, "");
	F.ch1_read = 0;
	snprintf(F.ch1_stderr, sizeof(F.ch1_stderr),
	    "LCP terminated by peer\nModem hangup\n");
	poke();
	assert_int_equal(link_fail_class(lk), LINK_FAIL_REMOTE);
	assert_string_equal(link_reason(lk),
	    "remote pppd: channel: EOF: Modem hangup");
	F.ch1_read = SSH_AGAIN;
	finish_stop();
	assert_released();

	/* The far end's route command fails on its last try. */
	link_start(lk);
	dial_ok();
	iface_up();
	far_routes(2, "RTNETLINK answers: Operation not permitted");
	assert_int_equal(link_fail_class(lk), LINK_FAIL_REMOTE);
	assert_string_equal(link_reason(lk), "remote route command: exit "
	    "status 2: RTNETLINK answers: Operation not permitted");
	/* It installed nothing: nothing to remove at the far end. */
	assert_int_equal(F.rj_news, 2);
	finish_stop();
	assert_int_equal(F.rj_news, 2);
	assert_released();
}

/* Failures that only happen in one state, and the probe. */
static void
test_fail_remote_up(void **state)
{
	struct rtnl_event	ev;

	(void)state;
	bring_up();
	memset(&ev, 0, sizeof(ev));
	ev.type = RTNL_LINK_DEL;
	ev.ifindex = FAKE_IFINDEX + 1;
	link_rtnl_event(lk, &ev);		/* another interface */
	assert_int_equal(link_state(lk), LINK_UP);
	ev.ifindex = FAKE_IFINDEX;
	link_rtnl_event(lk, &ev);
	assert_int_equal(link_fail_class(lk), LINK_FAIL_REMOTE);
	assert_string_equal(link_reason(lk),
	    "interface vpn-test disappeared");
	finish_stop();
	assert_released();

	link_probe_failed(lk, "probe: ignored while in backoff");
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	link_start(lk);
	link_probe_failed(lk, "probe: ignored while connecting");
	assert_int_equal(link_state(lk), LINK_CONNECTING);
	dial_ok();
	iface_up();
	far_routes(0, "");
	link_probe_failed(lk, "probe http://10.2.0.1/: 3 failures");
	assert_int_equal(link_fail_class(lk), LINK_FAIL_REMOTE);
	assert_string_equal(link_reason(lk),
	    "probe http://10.2.0.1/: 3 failures");
	finish_stop();
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_released();
}

static void
test_fail_hard(void **state)
{
	struct link_info	li;

	(void)state;
	/* A changed host key. */
	F.hostkey = SSH_ERR;
	link_start(lk);
	dial_ok();
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_int_equal(link_fail_class(lk), LINK_FAIL_HARD);
	assert_string_equal(link_reason(lk),
	    "host key for gw.example changed");
	link_info(lk, &li);
	assert_true(li.needs_attention);
	assert_int_equal(li.next_dial, BACKOFF_CAP / 1000);
	assert_released();

	/* The key is refused. */
	F.hostkey = SSH_OK;
	F.auth = SSH_ERR;
	F.fclass = SSH_FAIL_AUTH;
	link_start(lk);
	dial_ok();
	assert_int_equal(link_fail_class(lk), LINK_FAIL_HARD);
	assert_string_equal(link_reason(lk), "auth: public key refused");
	assert_released();

	/* The local pppd cannot be started. */
	F.auth = SSH_OK;
	F.spawn_fail = true;
	link_start(lk);
	dial_ok();
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_int_equal(link_fail_class(lk), LINK_FAIL_HARD);
	assert_string_equal(link_reason(lk), "local pppd: exec "
	    "/usr/sbin/pppd: No such file or directory");
	assert_int_equal(F.spawn_fails, 1);
	assert_released();
	F.spawn_fail = false;

	/* pppd refuses its options: its first words say which. */
	link_start(lk);
	dial_ok();
	pppd_exits(2, "unrecognized option 'bogus'");
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_int_equal(link_fail_class(lk), LINK_FAIL_HARD);
	assert_string_equal(link_reason(lk), "local pppd exited with status "
	    "2 (error in the options): unrecognized option 'bogus'");
	assert_released();

	/* Options pppd would refuse are not even tried. */
	lc0.keepalive.misses = 0;
	link_start(lk);
	dial_ok();
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_int_equal(link_fail_class(lk), LINK_FAIL_HARD);
	assert_string_equal(link_reason(lk),
	    "pppd options: lcp echo failure: 0 is not in 1-100");
	assert_released();
}

/* --------------------------------------------------------------- backoff */

/* Fail the dial now; returns the wait the link chose, in ms. */
static uint64_t
fail_dial_and_wait(void)
{
	struct link_info	li;
	uint64_t		t;

	dial_fails("connect 127.0.0.1:22: Connection timed out");
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	link_info(lk, &li);
	t = time_in(LINK_BACKOFF, BACKOFF_CAP + 10);
	assert_int_equal(link_state(lk), LINK_CONNECTING);
	assert_int_equal((uint64_t)li.next_dial, (t + 999) / 1000);
	return t;
}

/*
 * Today's rule, pinned: failure n in a row (n = 0 first) waits uniform
 * in [min, min * 2^n], at most cap; the random number picks the point.
 */
static void
test_backoff_grows(void **state)
{
	struct link_info	li;
	uint64_t		ceil = BACKOFF_MIN;
	int			n;

	(void)state;
	link_start(lk);
	for (n = 0; n < 5; n++) {
		assert_int_equal(fail_dial_and_wait(), ceil);
		ceil *= 2;
	}
	/* Further on: seen through link_info, re-dialed by a net change. */
	for (; n < 12; n++) {
		dial_fails("connect 127.0.0.1:22: Connection timed out");
		link_info(lk, &li);
		assert_int_equal(li.next_dial,
		    (ceil < BACKOFF_CAP ? ceil : BACKOFF_CAP) / 1000);
		link_network_changed(lk);
		assert_int_equal(link_state(lk), LINK_CONNECTING);
		ceil *= 2;
	}
	link_info(lk, &li);
	assert_int_equal(li.redials, 12);
}

/* The random number places the wait between min and the ceiling. */
static void
test_backoff_jitter(void **state)
{
	(void)state;
	link_start(lk);
	F.rnd = 0;
	assert_int_equal(fail_dial_and_wait(), BACKOFF_MIN);	/* n = 0 */
	assert_int_equal(fail_dial_and_wait(), BACKOFF_MIN);	/* n = 1 */
	F.rnd = UINT32_MAX / 2 + 1;				/* half way */
	/* n = 2: [1000, 4000], half way is 2500 (rounded down) */
	assert_int_equal(fail_dial_and_wait(), 2500);
}

/*
 * Up, then down after up_ms: the link goes STOPPING and on to BACKOFF
 * (or, with no wait, CONNECTING already).
 */
static void
up_then_drop(uint64_t up_ms)
{
	dial_ok();
	iface_up();
	far_routes(0, "");
	assert_int_equal(link_state(lk), LINK_UP);
	advance_coarse(up_ms);
	pppd_exits(16, "");
	finish_stop();
	assert_true(link_state(lk) == LINK_BACKOFF ||
	    link_state(lk) == LINK_CONNECTING);
}

/* The wait of the BACKOFF the link is in, in ms. */
static uint64_t
backoff_wait(void)
{
	uint64_t	t;

	assert_int_equal(link_state(lk), LINK_BACKOFF);
	t = time_in(LINK_BACKOFF, BACKOFF_CAP + 10);
	assert_int_equal(link_state(lk), LINK_CONNECTING);
	return t;
}

/*
 * A link that was up and went down begins a new incident: the first
 * re-dial is at once, within JITTER; the dials of the incident that fail
 * then back off from min, and the next incident starts over.
 */
static void
test_incident(void **state)
{
	(void)state;
	link_start(lk);
	assert_int_equal(fail_dial_and_wait(), BACKOFF_MIN);
	assert_int_equal(fail_dial_and_wait(), 2 * BACKOFF_MIN);
	/* Up a minute, then down: at once, whatever came before. */
	up_then_drop(60000);
	assert_string_equal(link_reason(lk),
	    "local pppd exited with status 16 (hangup)");
	assert_int_equal(backoff_wait(), JITTER);
	/* That re-dial fails, and the next: backoff from min again. */
	assert_int_equal(fail_dial_and_wait(), BACKOFF_MIN);
	assert_int_equal(fail_dial_and_wait(), 2 * BACKOFF_MIN);
	assert_int_equal(fail_dial_and_wait(), 4 * BACKOFF_MIN);
	/* The next incident starts over. */
	up_then_drop(FLAP);
	assert_int_equal(backoff_wait(), JITTER);
	assert_int_equal(fail_dial_and_wait(), BACKOFF_MIN);
	/* A network failure while up (keepalive): an incident too. */
	up_then_drop(FLAP);
	assert_int_equal(backoff_wait(), JITTER);
	dial_ok();
	iface_up();
	far_routes(0, "");
	advance_coarse(FLAP);
	keepalive_gives_up();
	assert_int_equal(link_fail_class(lk), LINK_FAIL_NETWORK);
	pppd_exits(-15, "");
	assert_int_equal(backoff_wait(), JITTER);
}

/* The random number places the first re-dial within [0, JITTER]. */
static void
test_incident_jitter(void **state)
{
	(void)state;
	link_start(lk);
	F.rnd = 0;
	up_then_drop(FLAP);
	turn();		/* no wait at all */
	assert_int_equal(link_state(lk), LINK_CONNECTING);
	assert_int_equal(F.dial_starts, 2);
	F.rnd = UINT32_MAX / 2 + 1;
	up_then_drop(FLAP);
	assert_int_equal(backoff_wait(), JITTER / 2);
}

/* Links dropped together spread their first re-dials over the crowd. */
static void
test_incident_crowd(void **state)
{
	(void)state;
	gate_full();
	admit_leave(&other);
	admit_set_crowd(gate, 8);
	link_start(lk);
	F.rnd = UINT32_MAX;
	up_then_drop(FLAP);
	assert_int_equal(backoff_wait(), 8 * JITTER);
}

/*
 * Down within FLAP of coming up, twice or more in a row: flapping.  The
 * first short up is an incident like any; from the second on, drop N
 * waits as failure N - 1 in a row (a dial that fails after it counts on
 * from there), until an up lasts FLAP.  The failures of an earlier
 * incident do not count.
 */
static void
test_flapping(void **state)
{
	(void)state;
	link_start(lk);
	/* An outage first: five failures in a row. */
	up_then_drop(FLAP);
	assert_int_equal(backoff_wait(), JITTER);
	assert_int_equal(fail_dial_and_wait(), BACKOFF_MIN);
	assert_int_equal(fail_dial_and_wait(), 2 * BACKOFF_MIN);
	assert_int_equal(fail_dial_and_wait(), 4 * BACKOFF_MIN);
	assert_int_equal(fail_dial_and_wait(), 8 * BACKOFF_MIN);
	up_then_drop(FLAP - 1000);
	assert_int_equal(backoff_wait(), JITTER);
	up_then_drop(FLAP - 1000);
	assert_int_equal(backoff_wait(), BACKOFF_MIN);
	up_then_drop(0);
	assert_int_equal(backoff_wait(), 2 * BACKOFF_MIN);
	/* A dial that fails after it counts on. */
	assert_int_equal(fail_dial_and_wait(), 4 * BACKOFF_MIN);
	up_then_drop(5000);
	assert_int_equal(backoff_wait(), 4 * BACKOFF_MIN);
	up_then_drop(5000);
	assert_int_equal(backoff_wait(), 8 * BACKOFF_MIN);
	/* Up for FLAP: it is over; the next short up is a single one. */
	up_then_drop(FLAP);
	assert_int_equal(backoff_wait(), JITTER);
	up_then_drop(0);
	assert_int_equal(backoff_wait(), JITTER);
	up_then_drop(0);
	assert_int_equal(backoff_wait(), BACKOFF_MIN);
	/* Stopped and started again: nothing is remembered. */
	dial_ok();
	iface_up();
	far_routes(0, "");
	link_stop(lk, "test");
	finish_stop();
	assert_int_equal(link_state(lk), LINK_DOWN);
	link_start(lk);
	up_then_drop(0);
	assert_int_equal(backoff_wait(), JITTER);
}

/* A hard failure waits the cap, and counts in the row. */
static void
test_backoff_hard(void **state)
{
	(void)state;
	F.rnd = 0;
	F.hostkey = SSH_ERR;
	link_start(lk);
	dial_ok();
	assert_int_equal(link_fail_class(lk), LINK_FAIL_HARD);
	/* A network change does not bring it forward. */
	link_network_changed(lk);
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_int_equal(time_in(LINK_BACKOFF, BACKOFF_CAP + 10),
	    BACKOFF_CAP);
	F.hostkey = SSH_OK;
	F.rnd = UINT32_MAX;
	/* Second in a row: ceiling 2 s. */
	assert_int_equal(fail_dial_and_wait(), 2000);
}

/* ------------------------------------------------ next host, probing */

/*
 * A handshake that fails on the host that answered goes on with the
 * dial's other hosts, back in CONNECTING, and so does one that takes
 * longer than connect-timeout; a host key that does not match does not.
 */
static void
test_next_host(void **state)
{
	(void)state;
	F.resume_r = 0;
	F.handshake = SSH_ERR;
	link_start(lk);
	dial_ok();
	assert_int_equal(link_state(lk), LINK_CONNECTING);
	assert_int_equal(F.resumes, 1);
	assert_string_equal(F.resume_cause,
	    "gw.example:22: ssh handshake: handshake: connection reset");
	assert_int_equal(F.dial_timeout, CONNECT_TIMEOUT);
	assert_null(link_reason(lk));
	assert_int_equal(F.ssh_frees, 1);
	assert_int_equal(F.disconnects, 0);	/* broken: no goodbye */
	assert_non_null(F.dial);
	assert_int_equal(F.dial_starts, 1);
	/* The next one is too slow. */
	F.handshake = SSH_AGAIN;
	dial_ok();
	assert_int_equal(link_state(lk), LINK_HANDSHAKE);
	assert_int_equal(time_in(LINK_HANDSHAKE, CONNECT_TIMEOUT + 10),
	    CONNECT_TIMEOUT);
	assert_int_equal(link_state(lk), LINK_CONNECTING);
	assert_int_equal(F.resumes, 2);
	assert_string_equal(F.resume_cause,
	    "gw.example:22: ssh handshake timed out");
	assert_int_equal(F.disconnects, 1);	/* it still worked */
	/* The one after that it is: the dial is done with. */
	F.handshake = SSH_OK;
	dial_ok();
	assert_int_equal(link_state(lk), LINK_PPP);
	assert_null(F.dial);
	assert_int_equal(F.dial_frees, 1);
	assert_int_equal(F.dial_starts, 1);
	iface_up();
	far_routes(0, "");
	assert_int_equal(link_state(lk), LINK_UP);
	link_stop(lk, "test");
	finish_stop();
	assert_released();

	/* A host key that does not match is final. */
	F.hostkey = SSH_ERR;
	link_start(lk);
	dial_ok();
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_int_equal(link_fail_class(lk), LINK_FAIL_HARD);
	assert_int_equal(F.resumes, 2);
	assert_released();
}

/*
 * After a dial that reached no host the path is probed until the re-dial.
 * A probe that fails changes nothing (the next comes PROBE after it
 * began); one that answers is dialed on at once, over its connection, and
 * the re-dial is off.
 */
static void
test_probe(void **state)
{
	struct link_info	li;
	int			starts;

	(void)state;
	link_start(lk);
	assert_int_equal(fail_dial_and_wait(), BACKOFF_MIN);
	assert_int_equal(fail_dial_and_wait(), 2 * BACKOFF_MIN);
	dial_fails("connect 127.0.0.1:22: Connection refused");
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	/* At once, until the re-dial. */
	assert_non_null(F.dial);
	assert_int_equal(F.dial_timeout, 4 * BACKOFF_MIN);
	starts = F.dial_starts;
	advance(300);
	dial_fails("connect 127.0.0.1:22: Connection refused");
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_null(F.dial);
	advance(PROBE - 300 - 1);
	assert_null(F.dial);
	advance(1);
	assert_non_null(F.dial);
	assert_int_equal(F.dial_starts, starts + 1);
	assert_int_equal(F.dial_timeout, 4 * BACKOFF_MIN - PROBE);
	link_info(lk, &li);
	assert_int_equal(li.redials, 2);
	/*
	 * The gateway answers, but its handshake fails: the probe's race
	 * goes on as a dial's, bounded by connect-timeout from now.
	 */
	advance(500);
	F.resume_r = 0;
	F.handshake = SSH_ERR;
	dial_ok();
	assert_int_equal(link_state(lk), LINK_CONNECTING);
	assert_int_equal(F.resumes, 1);
	assert_int_equal(F.dial_timeout, CONNECT_TIMEOUT);
	F.handshake = SSH_OK;
	dial_ok();
	assert_int_equal(link_state(lk), LINK_PPP);
	assert_int_equal(F.ssh_news, 2);
	link_info(lk, &li);
	assert_int_equal(li.redials, 3);
	iface_up();
	far_routes(0, "");
	assert_quiet(LINK_UP, 4 * BACKOFF_MIN);
	assert_int_equal(F.dial_starts, starts + 1);
}

/*
 * The probes do not consume the backoff: the re-dial comes when it was
 * due, and its failure is the next of the row.
 */
static void
test_probe_keeps_backoff(void **state)
{
	(void)state;
	link_start(lk);
	dial_fails("connect 127.0.0.1:22: Connection refused");
	dial_fails("connect 127.0.0.1:22: Connection refused");
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_int_equal(time_in(LINK_BACKOFF, 10000), BACKOFF_MIN);
	assert_int_equal(F.dial_timeout, CONNECT_TIMEOUT);
	assert_int_equal(F.dial_starts, 3);
	assert_int_equal(fail_dial_and_wait(), 2 * BACKOFF_MIN);
}

/*
 * No probe where it would tell nothing: a dial that reached a host (its
 * handshake failed), remote and hard failures, an incident's re-dial,
 * a network change's.
 */
static void
test_probe_not(void **state)
{
	(void)state;
	F.handshake = SSH_ERR;
	link_start(lk);
	dial_ok();
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_int_equal(link_fail_class(lk), LINK_FAIL_NETWORK);
	assert_null(F.dial);
	/* Even after a dial that reached nothing, before. */
	F.handshake = SSH_OK;
	link_start(lk);
	dial_fails("connect 127.0.0.1:22: Connection refused");
	assert_non_null(F.dial);
	link_start(lk);
	F.chan_start = SSH_ERR;
	F.fclass = SSH_FAIL_REMOTE;
	dial_ok();
	assert_int_equal(link_fail_class(lk), LINK_FAIL_REMOTE);
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_null(F.dial);
	F.chan_start = SSH_OK;
	F.hostkey = SSH_ERR;
	link_start(lk);
	dial_ok();
	assert_int_equal(link_fail_class(lk), LINK_FAIL_HARD);
	assert_null(F.dial);
	F.hostkey = SSH_OK;
	link_start(lk);
	up_then_drop(FLAP);
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_null(F.dial);
	link_start(lk);
	dial_fails("connect 127.0.0.1:22: Network is unreachable");
	assert_non_null(F.dial);
	link_network_changed(lk);
	assert_int_equal(link_state(lk), LINK_CONNECTING);
	assert_int_equal(F.dial_timeout, CONNECT_TIMEOUT);
	assert_released();
}

/* ------------------------------------------------- a dead session's end */

/*
 * A session that cannot answer is not waited on: pppd is hung up (its
 * pty closed) as it is told to end rather than left waiting for an
 * answer to its LCP Terminate; and a session silent for two keepalive
 * intervals is not asked to remove the far end's routes.
 */
static void
test_teardown_dead(void **state)
{
	int	rj, terms;

	(void)state;
	/* The keepalive gave up on the session. */
	bring_up();
	keepalive_gives_up();
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_int_equal(F.terms, 1);
	assert_true(pty_closed());
	pppd_exits(16, "");
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_released();

	/* pppd's LCP echo gave up first, after 20 s of silence. */
	F.silent = false;
	(void)time_in(LINK_BACKOFF, 1000);
	dial_ok();
	iface_up();
	far_routes(0, "");
	F.silent = true;
	F.last_rx = fake_now;
	advance_coarse(2 * 10000 + 1);
	rj = F.rj_news;
	pppd_exits(15, "");
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_int_equal(F.rj_news, rj);
	assert_int_equal(F.disconnects, 0);
	assert_released();

	/* Silent for less than that: the far end is asked as usual. */
	F.silent = false;
	(void)time_in(LINK_BACKOFF, 1000);
	dial_ok();
	iface_up();
	far_routes(0, "");
	F.silent = true;
	F.last_rx = fake_now;
	advance_coarse(2 * 10000);
	rj = F.rj_news;
	pppd_exits(15, "");
	assert_int_equal(link_state(lk), LINK_STOPPING);
	assert_int_equal(F.rj_news, rj + 1);
	F.silent = false;
	finish_stop();
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_released();

	/* The remote pppd ended: pppd is hung up after the routes went. */
	(void)time_in(LINK_BACKOFF, 1000);
	dial_ok();
	iface_up();
	far_routes(0, "");
	F.ch1_read = 0;
	poke();
	assert_int_equal(link_state(lk), LINK_STOPPING);
	terms = F.terms;
	routes_finish(0, "");
	assert_int_equal(F.terms, terms + 1);
	assert_true(pty_closed());
	F.ch1_read = SSH_AGAIN;
	finish_stop();
	assert_released();
}

/*
 * The session ends under channel 1 (its sshd killed): the relay and the
 * stderr read fail together.  The first failure is the one: the link is
 * down at once, a new incident, and the second changes nothing.
 */
static void
test_session_gone(void **state)
{
	(void)state;
	bring_up();
	advance_coarse(FLAP);
	F.ch1_broken = true;
	F.fclass = SSH_FAIL_NETWORK;
	poke();
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_int_equal(link_fail_class(lk), LINK_FAIL_NETWORK);
	assert_string_equal(link_reason(lk),
	    "remote pppd stderr: transport read");
	assert_int_equal(F.disconnects, 0);
	assert_true(pty_closed());
	F.ch1_broken = false;
	assert_int_equal(time_in(LINK_BACKOFF, 1000), JITTER);
	pppd_exits(16, "");
	dial_ok();
	assert_int_equal(F.spawns, 2);
	iface_up();
	far_routes(0, "");
	assert_int_equal(link_state(lk), LINK_UP);
}

/*
 * The dead session's pppd ends (its ip-down scripts) while the next dial
 * goes on; the next pppd starts only once it is gone, as it holds the
 * interface's name.  A pppd of a dead session is only hung up, not
 * waited on, by a link that stays down: stopped, the link waits for it.
 */
static void
test_teardown_overlap(void **state)
{
	(void)state;
	bring_up();
	advance_coarse(FLAP);
	keepalive_gives_up();
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_non_null(F.pppd);
	assert_true(F.pppd->running && F.pppd->ending);
	F.silent = false;
	assert_int_equal(time_in(LINK_BACKOFF, 1000), JITTER);
	dial_ok();
	assert_int_equal(link_state(lk), LINK_PPP);
	assert_int_equal(F.chan_news, 2);
	assert_int_equal(F.spawns, 1);		/* not yet */
	advance(500);
	assert_int_equal(F.spawns, 1);
	pppd_exits(16, "");			/* the last one */
	assert_int_equal(F.pppd_frees, 1);
	assert_int_equal(F.spawns, 2);
	assert_int_equal(link_state(lk), LINK_PPP);
	iface_up();
	far_routes(0, "");
	assert_int_equal(link_state(lk), LINK_UP);

	/* Stopped while the last one ends: DOWN once it is gone. */
	advance_coarse(FLAP);
	keepalive_gives_up();
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	link_stop(lk, "test");
	assert_int_equal(link_state(lk), LINK_STOPPING);
	pppd_exits(16, "");
	assert_int_equal(link_state(lk), LINK_DOWN);
	F.silent = false;
	assert_released();
	assert_int_equal(F.killed_on_free, 0);

	/* The same, in CONNECTING; and it does not end: forced at 4 s. */
	link_start(lk);
	dial_ok();
	iface_up();
	far_routes(0, "");
	advance_coarse(FLAP);
	keepalive_gives_up();
	F.silent = false;
	(void)time_in(LINK_BACKOFF, 1000);
	assert_int_equal(link_state(lk), LINK_CONNECTING);
	link_stop(lk, "test");
	assert_int_equal(link_state(lk), LINK_STOPPING);
	advance(STOP_TIMEOUT - 1);
	assert_int_equal(F.kills, 0);
	advance(1);
	assert_int_equal(F.kills, 1);
	assert_int_equal(link_state(lk), LINK_STOPPING);
	pppd_exits(-9, "");
	assert_int_equal(link_state(lk), LINK_DOWN);
	assert_released();
}

/* ------------------------------------------------------ the pppds meet */

/* What the local pppd wrote to its pty: the test reads the other end. */
static size_t
pty_got(char *buf, size_t len)
{
	ssize_t	n;

	n = recv(F.pty_peer, buf, len, MSG_DONTWAIT);
	return n > 0 ? (size_t)n : 0;
}

/* The local pppd says s on its pty. */
static void
pppd_says(const char *s)
{
	assert_int_equal(send(F.pty_peer, s, strlen(s), MSG_NOSIGNAL),
	    (ssize_t)strlen(s));
	turn();
}

/*
 * What each pppd says is held until the other has spoken: a pppd sets its
 * tty up with TCSAFLUSH, so a Configure-Request that reaches it before
 * that is lost (and resent only a second later).  Either may speak first;
 * a pppd that keeps silent lets the other's bytes go after GATE.
 */
static void
test_pppds_meet(void **state)
{
	char	buf[64];

	(void)state;
	link_start(lk);
	dial_ok();
	assert_int_equal(link_state(lk), LINK_PPP);
	/* The local pppd first: held until the remote one speaks. */
	pppd_says("L1");
	advance(100);
	assert_int_equal(F.ch1_written, 0);
	snprintf(F.ch1_data, sizeof(F.ch1_data), "R1");
	poke();
	assert_int_equal(F.ch1_written, 2);
	assert_int_equal(pty_got(buf, sizeof(buf)), 2);
	assert_memory_equal(buf, "R1", 2);
	/* Then everything flows. */
	pppd_says("L2");
	assert_int_equal(F.ch1_written, 4);
	link_stop(lk, "test");
	finish_stop();
	assert_released();

	/* The remote pppd first: held until the local one speaks. */
	link_start(lk);
	dial_ok();
	F.ch1_written = 0;
	snprintf(F.ch1_data, sizeof(F.ch1_data), "R1");
	poke();
	advance(100);
	assert_int_equal(pty_got(buf, sizeof(buf)), 0);
	pppd_says("L1");
	assert_int_equal(pty_got(buf, sizeof(buf)), 2);
	assert_memory_equal(buf, "R1", 2);
	assert_int_equal(F.ch1_written, 2);
	link_stop(lk, "test");
	finish_stop();

	/* The remote pppd keeps silent: the local one's bytes go anyway. */
	link_start(lk);
	dial_ok();
	F.ch1_written = 0;
	pppd_says("L1");
	advance(GATE - 2);
	assert_int_equal(F.ch1_written, 0);
	advance(2);
	assert_int_equal(F.ch1_written, 2);
	link_stop(lk, "test");
	finish_stop();
	assert_released();
}

/* --------------------------------------------------------------- reload */

/* An equal config from a reloaded file: the link goes on untouched. */
static void
test_reload(void **state)
{
	struct link_conf	 lc1;
	struct conf_host	 host1;
	struct conf_net		 rnet1, lnet1;
	char			 ifname1[] = "vpn-test";
	char			 rifname1[] = "vpn-remote";
	char			 name1[] = "test", gw1[] = "gw.example";
	size_t			 ntrace;

	(void)state;
	bring_up();
	conf_make(&lc1, &host1, &rnet1, &lnet1, ifname1, rifname1);
	lc1.name = name1;
	host1.name = gw1;
	ntrace = F.ntrace;
	link_set_conf(lk, &lc1);
	assert_int_equal(link_state(lk), LINK_UP);
	assert_int_equal(F.ntrace, ntrace);
	assert_int_equal(F.ssh_frees, 0);
	/* The old config is gone: nothing may read it any more. */
	memset(ifname0, 'X', sizeof(ifname0) - 1);
	memset(rifname0, 'X', sizeof(rifname0) - 1);
	memset(&lnet0, 0xff, sizeof(lnet0));
	host0.name = "gone.example";
	lc0.name = "gone";
	link_restart(lk, "reloaded");
	assert_non_null(strstr(F.rj_cmd, "route del 10.1.0.0/24 dev "
	    "vpn-remote"));
	finish_stop();
	assert_int_equal(link_state(lk), LINK_CONNECTING);
	assert_string_equal(link_name(lk), "test");
	dial_ok();
	assert_non_null(strstr(F.ch1_cmd, "/run/ppp-vpn-remote.pid"));
	iface_up();
	far_routes(0, "");
	assert_int_equal(link_state(lk), LINK_UP);
	link_stop(lk, "test");
	finish_stop();
	assert_released();
	/* Before teardown() frees the link, which still points at lc1. */
	link_free(lk);
	lk = NULL;
}

/* ------------------------------------------------------- stop, restart */

/* Bring the link to state s (STOPPING: a failure being torn down). */
static void
drive_to(enum link_state s)
{
	switch (s) {
	case LINK_DOWN:
		return;
	case LINK_CONNECTING:
		link_start(lk);
		break;
	case LINK_HANDSHAKE:
		F.handshake = SSH_AGAIN;
		link_start(lk);
		dial_ok();
		break;
	case LINK_AUTH:
		F.auth = SSH_AGAIN;
		link_start(lk);
		dial_ok();
		break;
	case LINK_PPP:
		link_start(lk);
		dial_ok();
		break;
	case LINK_ROUTES:
		link_start(lk);
		dial_ok();
		iface_up();
		break;
	case LINK_UP:
		bring_up();
		break;
	case LINK_STOPPING:
		bring_up();
		link_probe_failed(lk, "probe failed");
		break;
	case LINK_BACKOFF:
		link_start(lk);
		dial_fails("connect 127.0.0.1:22: Network is unreachable");
		break;
	case LINK_QUEUED:
		gate_full();
		link_start(lk);
		break;
	}
	assert_int_equal(link_state(lk), s);
}

static void
test_stop_in_every_state(void **state)
{
	enum link_state	s;

	(void)state;
	for (s = LINK_DOWN; s <= LINK_QUEUED; s++) {
		teardown(NULL);
		setup(NULL);
		drive_to(s);
		link_stop(lk, "stopped by test");
		finish_stop();
		assert_int_equal(link_state(lk), LINK_DOWN);
		assert_released();
		assert_int_equal(F.killed_on_free, 0);
		/* The session said goodbye if it got that far. */
		assert_int_equal(F.disconnects, F.ssh_news);
		assert_quiet(LINK_DOWN, BACKOFF_CAP + 1000);
		assert_false(F.ntrace > 0 &&
		    F.trace[F.ntrace - 1] != LINK_DOWN);
	}
}

/*
 * A channel 1 still running when pppd is gone is closed for its status;
 * while it closes, nothing reads it (that fails, and failing over and
 * over spun the loop).
 */
static void
test_stop_channel_close_waits(void **state)
{
	(void)state;
	bring_up();
	link_stop(lk, "test");
	routes_finish(0, "");
	F.chan_close = SSH_AGAIN;
	pppd_exits(-15, "");
	assert_int_equal(link_state(lk), LINK_STOPPING);
	poke();
	advance(10);
	assert_int_equal(link_state(lk), LINK_STOPPING);
	assert_int_equal(F.reads_closing, 0);
	F.chan_close = SSH_OK;
	poke();
	assert_int_equal(link_state(lk), LINK_DOWN);
	assert_released();
}

/* link_free() in any state releases everything at once. */
static void
test_free_in_every_state(void **state)
{
	enum link_state	s;

	(void)state;
	for (s = LINK_DOWN; s <= LINK_QUEUED; s++) {
		teardown(NULL);
		setup(NULL);
		drive_to(s);
		link_free(lk);
		lk = NULL;
		assert_released();
		/* Only a pppd still running is killed outright. */
		assert_int_equal(F.killed_on_free, s >= LINK_PPP &&
		    s <= LINK_STOPPING);
		/* Nobody holds a slot or a place any more. */
		assert_true(gate == NULL || (admit_in(gate) == 1 &&
		    admit_queued(gate) == 0));
		advance_coarse(BACKOFF_CAP + 1000);	/* nothing may fire */
		/* One dial, and in BACKOFF the probe of the path. */
		assert_int_equal(F.dial_starts, s == LINK_BACKOFF ? 2 :
		    s >= LINK_CONNECTING && s != LINK_DOWN &&
		    s != LINK_QUEUED);
	}
}

/* ------------------------------------------------------------ admission */

/*
 * With no slot free the link waits in QUEUED: no dial, no failure, as
 * long as it takes.  Let in (from the loop), it dials and holds the slot
 * until both pppds run; then the next link gets it.
 */
static void
test_admit_queued(void **state)
{
	struct link_info	li;

	(void)state;
	gate_full();
	link_start(lk);
	assert_int_equal(link_state(lk), LINK_QUEUED);
	assert_int_equal(F.dial_starts, 0);
	link_info(lk, &li);
	assert_int_equal(li.queue_pos, 1);
	assert_true(li.wanted);
	assert_null(li.reason);
	assert_quiet(LINK_QUEUED, BACKOFF_CAP + 1000);
	assert_int_equal(F.dial_starts, 0);
	assert_null(link_reason(lk));
	/* Asked again (vpnctl up, a network change): it keeps its place. */
	link_start(lk);
	link_network_changed(lk);
	assert_int_equal(link_state(lk), LINK_QUEUED);
	assert_int_equal(admit_queued(gate), 1);

	admit_leave(&other);
	assert_int_equal(link_state(lk), LINK_QUEUED);
	turn();
	assert_int_equal(link_state(lk), LINK_CONNECTING);
	assert_int_equal(F.dial_starts, 1);
	link_info(lk, &li);
	assert_int_equal(li.queue_pos, 0);
	F.handshake = SSH_AGAIN;
	dial_ok();
	assert_int_equal(link_state(lk), LINK_HANDSHAKE);
	/* The other link waits now. */
	assert_false(admit_enter(gate, &other));
	F.handshake = SSH_OK;
	poke();
	assert_int_equal(link_state(lk), LINK_PPP);
	turn();
	assert_int_equal(others_in, 0);
	iface_up();
	assert_int_equal(link_state(lk), LINK_ROUTES);
	turn();
	assert_int_equal(others_in, 1);
	assert_int_equal(other.state, ADMIT_IN);
	far_routes(0, "");
	assert_int_equal(link_state(lk), LINK_UP);
}

/*
 * A dial that fails gives its slot back at once, and queues again; one
 * that timed out halves the gate's window.
 */
static void
test_admit_fail_requeues(void **state)
{
	(void)state;
	gate_full();
	admit_leave(&other);
	link_start(lk);
	assert_int_equal(link_state(lk), LINK_CONNECTING);
	assert_int_equal(admit_in(gate), 1);
	F.handshake = SSH_AGAIN;
	dial_ok();
	assert_false(admit_enter(gate, &other));
	/* Its own failure (the handshake timed out), not a queued wait. */
	assert_int_equal(time_in(LINK_HANDSHAKE, CONNECT_TIMEOUT + 10),
	    CONNECT_TIMEOUT);
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	turn();
	assert_int_equal(others_in, 1);
	/* The re-dial waits its backoff, then its turn. */
	advance_coarse(BACKOFF_CAP);
	assert_int_equal(link_state(lk), LINK_QUEUED);
	assert_int_equal(F.dial_starts, 1);
	admit_leave(&other);
	turn();
	assert_int_equal(link_state(lk), LINK_CONNECTING);
	assert_int_equal(F.dial_starts, 2);
}

/* A dial that timed out halves the gate's window. */
static void
test_admit_window(void **state)
{
	(void)state;
	gate = admit_new(loop, 4, 4);
	admit_ticket_init(&other, other_in, NULL);
	link_set_admit(lk, gate);
	F.handshake = SSH_AGAIN;
	link_start(lk);
	dial_ok();
	(void)time_in(LINK_HANDSHAKE, CONNECT_TIMEOUT + 10);
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_int_equal(admit_window(gate), 2);
	F.handshake = SSH_OK;
	advance_coarse(BACKOFF_CAP);
	assert_int_equal(link_state(lk), LINK_CONNECTING);
	dial_ok();
	assert_int_equal(link_state(lk), LINK_PPP);
	iface_up();
	assert_int_equal(admit_window(gate), 2);	/* 1 of 2 through */
}

/*
 * The path comes back while no slot is free: the probe's connection is
 * not kept (the gateway would time it out), the link queues and dials
 * in turn.
 */
static void
test_admit_probe(void **state)
{
	int	starts;

	(void)state;
	gate_full();
	admit_leave(&other);
	link_start(lk);
	dial_fails("connect 127.0.0.1:22: Connection refused");
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_int_equal(admit_in(gate), 0);
	assert_true(admit_enter(gate, &other));
	assert_non_null(F.dial);	/* the probe, at once */
	starts = F.dial_starts;
	dial_ok();
	assert_int_equal(link_state(lk), LINK_QUEUED);
	assert_int_equal(F.ssh_news, 0);
	assert_null(F.dial);
	assert_int_equal(F.dial_frees, F.dial_starts);
	admit_leave(&other);
	turn();
	assert_int_equal(link_state(lk), LINK_CONNECTING);
	assert_int_equal(F.dial_starts, starts + 1);
	dial_ok();
	assert_int_equal(link_state(lk), LINK_PPP);
}

static void
test_restart(void **state)
{
	struct link_info	li;

	(void)state;
	/* From DOWN and BACKOFF: dial now. */
	link_restart(lk, "restart from down");
	assert_int_equal(link_state(lk), LINK_CONNECTING);
	dial_fails("connect 127.0.0.1:22: Connection refused");
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	link_restart(lk, "restart from backoff");
	assert_int_equal(link_state(lk), LINK_CONNECTING);
	assert_int_equal(F.dial_starts, 3);	/* the probe before it */
	/* From UP: down cleanly, then straight up again. */
	dial_ok();
	iface_up();
	far_routes(0, "");
	link_restart(lk, "restarted by test");
	assert_int_equal(link_state(lk), LINK_STOPPING);
	finish_stop();
	assert_int_equal(link_state(lk), LINK_CONNECTING);
	assert_string_equal(link_reason(lk), "restarted by test");
	assert_int_equal(link_fail_class(lk), LINK_FAIL_NONE);
	assert_int_equal(F.disconnects, 1);
	link_info(lk, &li);
	assert_true(li.wanted);
	/* A restart starts the row over: the next failure waits min. */
	assert_int_equal(fail_dial_and_wait(), BACKOFF_MIN);
	/* Restart of a link stopping after a failure: no backoff then. */
	dial_ok();
	iface_up();
	far_routes(0, "");
	link_probe_failed(lk, "probe failed");
	assert_int_equal(link_state(lk), LINK_STOPPING);
	link_restart(lk, "not the reason: already stopping");
	assert_string_equal(link_reason(lk), "probe failed");
	finish_stop();
	assert_int_equal(link_state(lk), LINK_CONNECTING);
}

/* ------------------------------------------------------- network change */

static void
test_network_backoff(void **state)
{
	struct link_info	li;

	(void)state;
	link_start(lk);
	dial_fails("connect 127.0.0.1:22: Network is unreachable");
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	link_network_changed(lk);
	assert_int_equal(link_state(lk), LINK_CONNECTING);
	assert_int_equal(F.dial_starts, 3);	/* the probe before it */
	assert_int_equal(F.dial_timeout, CONNECT_TIMEOUT);
	link_info(lk, &li);
	assert_int_equal(li.redials, 1);
	/* The row goes on: the next failure waits 2 s. */
	assert_int_equal(fail_dial_and_wait(), 2000);
}

static void
test_network_connecting(void **state)
{
	struct link_info	li;

	(void)state;
	link_start(lk);
	link_network_changed(lk);
	assert_int_equal(link_state(lk), LINK_CONNECTING);
	assert_int_equal(F.dial_starts, 2);
	assert_int_equal(F.dial_frees, 1);	/* the old dial is dropped */
	link_info(lk, &li);
	assert_int_equal(li.redials, 1);
	/* In the states after, a network change waits for the session. */
	F.handshake = SSH_AGAIN;
	dial_ok();
	link_network_changed(lk);
	assert_int_equal(link_state(lk), LINK_HANDSHAKE);
	assert_int_equal(F.dial_starts, 2);
}

static void
test_network_up(void **state)
{
	(void)state;
	bring_up();
	/* The path still leaves from our address: nothing to do. */
	link_network_changed(lk);
	assert_int_equal(link_state(lk), LINK_UP);
	/* It leaves from another one now: re-dial, without waiting. */
	F.prefsrc_other = true;
	link_network_changed(lk);
	assert_int_equal(link_state(lk), LINK_STOPPING);
	assert_int_equal(link_fail_class(lk), LINK_FAIL_NETWORK);
	assert_string_equal(link_reason(lk), "network changed: the path to "
	    "gw.example no longer leaves from our address");
	finish_stop();
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	turn();
	assert_int_equal(link_state(lk), LINK_CONNECTING);
	assert_released();
	/* No route to the gateway at all. */
	F.prefsrc_other = false;
	dial_ok();
	iface_up();
	far_routes(0, "");
	F.route_get_r = -ENETUNREACH;
	link_network_changed(lk);
	assert_int_equal(link_fail_class(lk), LINK_FAIL_NETWORK);
	assert_string_equal(link_reason(lk), "network changed: no route to "
	    "gw.example any more: Network is unreachable");
	finish_stop();
	turn();
	assert_int_equal(link_state(lk), LINK_CONNECTING);
}

/*
 * Down after a network failure (the session dead: the link does not wait
 * in STOPPING for its pppd): a network change dials at once.
 */
static void
test_network_stopping(void **state)
{
	(void)state;
	bring_up();
	advance_coarse(FLAP);
	keepalive_gives_up();
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	assert_int_equal(link_fail_class(lk), LINK_FAIL_NETWORK);
	link_network_changed(lk);
	assert_int_equal(link_state(lk), LINK_CONNECTING);
	F.silent = false;
	pppd_exits(-15, "");		/* the last session's */
	assert_int_equal(link_state(lk), LINK_CONNECTING);

	/* Not after a remote failure: that one waits its turn. */
	dial_ok();
	iface_up();
	far_routes(0, "");
	pppd_exits(16, "");
	link_network_changed(lk);
	finish_stop();
	assert_int_equal(link_state(lk), LINK_BACKOFF);
	/* The drop before did not count as a flap: a new incident. */
	assert_int_equal(time_in(LINK_BACKOFF, 10000), JITTER);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_up_and_stop, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_up_without_local_nets,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_dns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_qdisc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gateway_pinned, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_routes_early, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_routes_pty, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_routes_vpn_peer, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_routes_fail, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_resync_in_ppp, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_deadline_handshake, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_deadline_handshake_progress,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadline_handshake_slow_sshd,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadline_auth_progress,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadline_auth, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_deadline_ppp_channel,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadline_ppp_negotiation,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadline_pty_ppp, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_deadline_pty_up, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_deadline_routes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_deadline_stopping, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_deadline_backoff, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fail_network, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fail_keepalive, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_when_quiet, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rtt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_remote, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fail_remote_up, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fail_hard, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_backoff_grows, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_backoff_jitter, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_incident, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_incident_crowd, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_incident_jitter, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_flapping, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_backoff_hard, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_next_host, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_probe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_admit_queued, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_admit_fail_requeues,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_admit_window, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_admit_probe, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_probe_keeps_backoff,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_not, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_teardown_dead, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_teardown_overlap, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_session_gone, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pppds_meet, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_in_every_state,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_channel_close_waits,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_in_every_state,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_network_backoff, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_network_connecting, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_network_up, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_network_stopping, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
