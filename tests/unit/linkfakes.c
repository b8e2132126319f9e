/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The fakes test_link runs link.c against (linkfakes.h).  A step that
 * fails gives a fixed cause; sockets stay the test's: the session fd is
 * a loopback TCP connection, the pty master one end of a socketpair.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "linkfakes.h"
#include "netlink.h"
#include "xmalloc.h"

struct fakes	 F;
uint64_t	 fake_now;

uint64_t
fake_clock(void)
{
	return fake_now;
}

void
fake_reset(void)
{
	memset(&F, 0, sizeof(F));
	F.handshake = F.hostkey = F.auth = F.chan_start = F.chan_close =
	    SSH_OK;
	F.ch1_read = SSH_AGAIN;
	F.fclass = SSH_FAIL_NETWORK;
	F.sshfd = F.peer = F.pty_peer = -1;
	F.resume_r = -1;	/* one host: nothing left after it */
	F.rnd = UINT32_MAX;	/* every backoff at its ceiling */
	fake_now = 1000000;
}

/* The backoff's randomness, chosen by the test. */
uint32_t
arc4random(void)
{
	return F.rnd;
}

struct ssh *
ssh_new(int fd, char **cause)
{
	struct ssh	*s;

	F.ssh_news++;
	s = xcalloc(1, sizeof(*s));
	s->fd = fd;
	F.ssh = s;
	F.sshfd = fd;
	return s;
}

void
ssh_free(struct ssh *s)
{
	if (s == NULL)
		return;
	F.ssh_frees++;
	close(s->fd);
	if (F.ssh == s) {
		F.ssh = NULL;
		F.sshfd = -1;
	}
	free(s);
}

int
ssh_fd(struct ssh *s)
{
	return s->fd;
}

short
ssh_poll_events(struct ssh *s)
{
	return POLLIN;
}

void
ssh_socket_ready(struct ssh *s, short revents)
{
	(void)s;
	(void)revents;
}

enum ssh_fail
ssh_fail_class(struct ssh *s)
{
	return F.fclass;
}

const char *
ssh_errmsg(struct ssh *s)
{
	return "fake session error";
}

size_t
ssh_heap(const struct ssh *s)
{
	return 0;
}

size_t
ssh_trim(struct ssh *s)
{
	return 0;
}

size_t
ssh_heap_resident(const struct ssh *s)
{
	return 0;
}

void
ssh_counters(struct ssh *s, uint64_t *rx, uint64_t *tx, uint64_t *last_rx)
{
	if (rx != NULL)
		*rx = F.rx;
	if (tx != NULL)
		*tx = 0;
	if (last_rx != NULL)
		*last_rx = F.silent ? F.last_rx : fake_now;
}

/* A step's answer r; a failure gets cause. */
static int
fake_step(int r, char **cause, const char *why)
{
	if (r == SSH_ERR)
		*cause = xstrdup(why);
	return r;
}

int
ssh_handshake(struct ssh *s, char **cause)
{
	return fake_step(F.handshake, cause, "handshake: connection reset");
}

int
ssh_check_hostkey(struct ssh *s, const char *known_hosts, const char *host,
    int port, char **cause)
{
	return fake_step(F.hostkey, cause, "host key for gw.example changed");
}

int
ssh_auth_pubkey(struct ssh *s, const char *user, const char *identity,
    char **cause)
{
	return fake_step(F.auth, cause, "public key refused");
}

void
ssh_keepalive_config(struct ssh *s, unsigned int interval)
{
	F.keepalive_configs++;
}

int
ssh_keepalive(struct ssh *s, int *next, char **cause)
{
	F.keepalives++;
	return SSH_OK;
}

void
ssh_disconnect(struct ssh *s, const char *why)
{
	F.disconnects++;
}

struct ssh_chan *
ssh_chan_new(struct ssh *s, const char *command)
{
	struct ssh_chan	*c;

	F.chan_news++;
	c = xcalloc(1, sizeof(*c));
	c->cmd = xstrdup(command);
	snprintf(F.ch1_cmd, sizeof(F.ch1_cmd), "%s", command);
	return c;
}

/* The fake server refuses every pty: the command runs on pipes. */
void
ssh_chan_pty(struct ssh_chan *c, const char *command, int text_end)
{
	(void)c;
	(void)command;
	(void)text_end;
}

/* A pty if the test says so: else the far routes go in inline. */
bool
ssh_chan_tty(struct ssh_chan *c)
{
	(void)c;
	return F.ch1_tty;
}

int
ssh_chan_start(struct ssh_chan *c, char **cause)
{
	return fake_step(F.chan_start, cause, "channel open refused");
}

/* As the real one: a channel being closed is not read any more. */
static int
fake_closing(struct ssh_chan *c, char **cause)
{
	if (!c->closing)
		return SSH_OK;
	F.reads_closing++;
	return fake_step(SSH_ERR, cause, "not running");
}

ssize_t
ssh_chan_read(struct ssh_chan *c, void *buf, size_t len, char **cause)
{
	if (fake_closing(c, cause) == SSH_ERR)
		return SSH_ERR;
	size_t	n = strlen(F.ch1_data);

	if (F.ch1_broken)
		return fake_step(SSH_ERR, cause, "transport read");
	if (n > 0) {
		assert_true(n <= len);
		memcpy(buf, F.ch1_data, n);
		F.ch1_data[0] = '\0';
		return (ssize_t)n;
	}
	return F.ch1_read;
}

ssize_t
ssh_chan_read_stderr(struct ssh_chan *c, void *buf, size_t len, char **cause)
{
	size_t	n = strlen(F.ch1_stderr);

	if (fake_closing(c, cause) == SSH_ERR)
		return SSH_ERR;
	if (F.ch1_broken)
		return fake_step(SSH_ERR, cause, "transport read");
	if (n == 0)
		return SSH_AGAIN;
	assert_true(n <= len);
	memcpy(buf, F.ch1_stderr, n);
	F.ch1_stderr[0] = '\0';
	return (ssize_t)n;
}

ssize_t
ssh_chan_write(struct ssh_chan *c, const void *buf, size_t len, char **cause)
{
	F.ch1_written += len;
	return (ssize_t)len;
}

bool
ssh_chan_pending(struct ssh_chan *c)
{
	return false;
}

int
ssh_chan_close(struct ssh_chan *c, char **cause)
{
	c->closing = true;
	return fake_step(F.chan_close, cause, "close: fake");
}

int
ssh_chan_exit_status(struct ssh_chan *c, const char **signame)
{
	if (signame != NULL)
		*signame = NULL;
	return F.ch1_status;
}

void
ssh_chan_free(struct ssh_chan *c)
{
	if (c == NULL)
		return;
	F.chan_frees++;
	free(c->cmd);
	free(c);
}

struct dial *
dial_start(struct loop *l, const struct dial_target *targets, size_t n,
    int timeout_ms, dial_cb cb, void *arg)
{
	struct dial	*d;

	assert_null(F.dial);
	assert_true(n >= 1);
	F.dial_starts++;
	F.dial_timeout = timeout_ms;
	F.dial_ntargets = n;
	d = xcalloc(1, sizeof(*d));
	d->cb = cb;
	d->arg = arg;
	d->host = targets[0].host;	/* points into the config */
	d->port = targets[0].port;
	F.dial = d;
	return d;
}

int
dial_resume(struct dial *d, int timeout_ms, const char *cause)
{
	assert_ptr_equal(d, F.dial);
	F.resumes++;
	F.dial_timeout = timeout_ms;
	snprintf(F.resume_cause, sizeof(F.resume_cause), "%s", cause);
	return F.resume_r;
}

bool
dial_others_left(const struct dial *d)
{
	return d != NULL && F.resume_r == 0;
}

bool
dial_peer_acked(int fd)
{
	assert_true(fd != -1);
	return F.peer_acked;
}

void
dial_free(struct dial *d)
{
	if (d == NULL)
		return;
	F.dial_frees++;
	if (F.dial == d)
		F.dial = NULL;
	free(d);
}

struct pppchild *
pppchild_spawn(struct loop *l, const struct ppp_params *pp, const char *tag,
    pppchild_cb cb, void *arg, int *master, char **cause)
{
	struct pppchild	*c;
	int		 sv[2];

	if (F.spawn_fail) {
		F.spawn_fails++;
		*cause = xstrdup("exec /usr/sbin/pppd: No such file or "
		    "directory");
		return NULL;
	}
	assert_null(F.pppd);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0, sv), 0);
	*master = sv[0];
	if (F.pty_peer != -1)
		close(F.pty_peer);
	F.pty_peer = sv[1];
	F.spawns++;
	c = xcalloc(1, sizeof(*c));
	c->cb = cb;
	c->arg = arg;
	c->running = true;
	F.pppd = c;
	return c;
}

void
pppchild_take_lines(struct pppchild *c, bool (*take)(const char *, void *),
    void *arg)
{
	c->take = take;
	c->take_arg = arg;
}

struct dnsapply {
	char	status[64];
};

struct dnsapply *
dnsapply_new(struct loop *l, const char *tag, const char *ifname,
    char *const *domains)
{
	(void)l;
	(void)tag;
	(void)ifname;
	(void)domains;
	F.dns_news++;
	return xcalloc(1, sizeof(struct dnsapply));
}

void
dnsapply_set(struct dnsapply *d, const struct in_addr *srv, size_t n)
{
	size_t	i;

	F.dns_sets++;
	F.dns_n = n;
	for (i = 0; i < n && i < 2; i++)
		(void)inet_ntop(AF_INET, &srv[i], F.dns_srv[i],
		    sizeof(F.dns_srv[i]));
	F.dns_applied = n > 0;
	snprintf(d->status, sizeof(d->status), "%zu applied", n);
}

void
dnsapply_clear(struct dnsapply *d)
{
	F.dns_clears++;
	F.dns_applied = false;
	snprintf(d->status, sizeof(d->status), "cleared");
}

const char *
dnsapply_status(const struct dnsapply *d)
{
	return d->status;
}

void
dnsapply_free(struct dnsapply *d)
{
	if (d == NULL)
		return;
	F.dns_frees++;
	free(d);
}

bool
pppchild_running(const struct pppchild *c)
{
	return c->running;
}

bool
pppchild_ending(const struct pppchild *c)
{
	return c->ending;
}

pid_t
pppchild_pid(const struct pppchild *c)
{
	return 4242;
}

void
pppchild_term(struct pppchild *c)
{
	if (!c->running || c->ending)
		return;
	F.terms++;
	c->ending = true;
}

void
pppchild_kill(struct pppchild *c)
{
	if (!c->running)
		return;
	F.kills++;
	c->ending = true;
}

void
pppchild_free(struct pppchild *c)
{
	if (c == NULL)
		return;
	F.pppd_frees++;
	if (c->running)
		F.killed_on_free++;
	if (F.pppd == c)
		F.pppd = NULL;
	free(c);
}

struct routejob *
routejob_new(struct loop *l, struct ssh *s, const char *cmd, const char *tag,
    int tries, int retry_ms, routejob_done_cb done, routejob_wake_cb wake,
    void *arg)
{
	struct routejob	*rj;

	assert_ptr_equal(s, F.ssh);
	assert_null(F.rj);
	F.rj_news++;
	F.rj_tries = tries;
	F.rj_retry_ms = retry_ms;
	snprintf(F.rj_cmd, sizeof(F.rj_cmd), "%s", cmd);
	F.rj_input[0] = '\0';
	rj = xcalloc(1, sizeof(*rj));
	rj->done = done;
	rj->arg = arg;
	rj->running = true;
	F.rj = rj;
	return rj;
}

int
routejob_pump(struct routejob *rj, char **cause)
{
	if (F.rj_pump_r != SSH_OK)
		return fake_step(F.rj_pump_r, cause, "channel 2: fake failure");
	if (rj->finish) {
		rj->finish = false;
		rj->running = false;
		/* As the real one: last, and the callback may free rj. */
		rj->done(rj->status, rj->err, rj->arg);
	}
	return SSH_OK;
}

void
routejob_input(struct routejob *rj, const char *text)
{
	assert_ptr_equal(rj, F.rj);
	assert_string_equal(F.rj_input, "");	/* once a job */
	snprintf(F.rj_input, sizeof(F.rj_input), "%s", text);
}

bool
routejob_running(const struct routejob *rj)
{
	return rj->running;
}

bool
routejob_pending(const struct routejob *rj)
{
	return false;
}

const char *
routejob_error(const struct routejob *rj)
{
	return rj->err;
}

void
routejob_free(struct routejob *rj)
{
	if (rj == NULL)
		return;
	F.rj_frees++;
	if (F.rj == rj)
		F.rj = NULL;
	free(rj);
}

struct rtt *
rtt_start(struct loop *l, const char *name, const char *ifname,
    const uint8_t local[4], const uint8_t peer[4], int interval, int misses,
    rtt_lost_cb lost, void *arg, char **cause)
{
	struct rtt	*r;

	(void)l;
	(void)name;
	assert_null(F.rtt);
	if (F.rtt_fail) {
		*cause = xstrdup("icmp socket: Operation not permitted");
		return NULL;
	}
	F.rtt_starts++;
	r = xcalloc(1, sizeof(*r));
	r->lost = lost;
	r->arg = arg;
	r->interval = interval;
	r->misses = misses;
	memcpy(r->local, local, 4);
	memcpy(r->peer, peer, 4);
	snprintf(r->ifname, sizeof(r->ifname), "%s", ifname);
	r->last_us = -1;
	F.rtt = r;
	return r;
}

int
rtt_last_us(const struct rtt *r)
{
	return r->last_us;
}

void
rtt_free(struct rtt *r)
{
	if (r == NULL)
		return;
	F.rtt_frees++;
	if (F.rtt == r)
		F.rtt = NULL;
	free(r);
}

int
rtnl_route_add(struct rtnl *r, int family, const void *dst, unsigned plen,
    int ifindex, const void *gateway, const void *prefsrc)
{
	if (F.route_add_r != 0)
		return F.route_add_r;
	F.route_adds++;
	return 0;
}

int
rtnl_qdisc_root(struct rtnl *r, int ifindex, const char *kind)
{
	F.qdisc_roots++;
	snprintf(F.qdisc_kind, sizeof(F.qdisc_kind), "%s", kind);
	return F.qdisc_r;
}

const char *
rtnl_errmsg(struct rtnl *r)
{
	return F.qdisc_r != 0 ? "Specified qdisc kind is unknown" : "";
}

int
rtnl_route_del(struct rtnl *r, int family, const void *dst, unsigned plen,
    int ifindex, const void *gateway, const void *prefsrc)
{
	F.route_dels++;
	return 0;
}

int
rtnl_route_get(struct rtnl *r, int family, const void *dst,
    struct rtnl_route *out)
{
	if (F.route_get_r != 0)
		return F.route_get_r;
	memset(out, 0, sizeof(*out));
	out->family = family;
	out->ifindex = 1;
	out->has_prefsrc = true;
	/* The session socket is on 127.0.0.1. */
	(void)inet_pton(AF_INET, F.prefsrc_other ? "192.0.2.99" :
	    "127.0.0.1", &out->prefsrc.v4);
	return 0;
}

int
rtnl_addr_get(struct rtnl *r, const char *ifname, struct in_addr *local,
    struct in_addr *peer, unsigned *plenp)
{
	if (strcmp(ifname, "vpn-test") != 0)
		return -ENODEV;
	(void)inet_pton(AF_INET, "10.9.0.1", local);
	(void)inet_pton(AF_INET, "10.9.0.2", peer);
	if (plenp != NULL)
		*plenp = 32;
	return 0;
}

int
rtnl_ifindex(struct rtnl *r, const char *ifname)
{
	return strcmp(ifname, "vpn-test") == 0 ? FAKE_IFINDEX : -ENODEV;
}
