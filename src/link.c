/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * One link's state machine.  DOWN -> CONNECTING (dial: a race of the
 * hosts) -> HANDSHAKE (SSH key exchange, strict host key; a host that
 * fails it sends the dial on to the others) -> AUTH (public key) -> PPP
 * (channel 1 execs the remote pppd, the local pppd runs on a fresh pty,
 * the relay joins them; rtnetlink tells when the interface has its
 * addresses) -> ROUTES (remote-nets here by rtnetlink; local-nets at the
 * far end as soon as the far interface is up: by channel 1's own shell,
 * which reports it on channel 1's stderr, or for a far pppd on sshd's
 * pty by channel 2, opened once the far pppd speaks and told to go on
 * once up here; for vpn-peer by channel 2 once up here) -> UP.  Any failure records a reason and goes
 * STOPPING, which undoes everything at both ends (not waiting on a
 * session that cannot answer), then BACKOFF until the next dial, as long
 * as the incident rule says (backoff.c); while the path is down a probe
 * races TCP connects to the hosts and the first that answers is dialed
 * on (pathprobe.c).
 *
 * Everything is driven from the loop: the session socket and the pty
 * master call link_pump(), which advances whatever is pending (channel
 * 1 and the relay behind its gate, relaygate.c; the route job on channel
 * 2; the teardown); the pppd child (pppchild.c), the route job
 * (routejob.c) and the path probe report their outcome through
 * callbacks; timers bound every state.  This file holds the state
 * machine: what each outcome means, which failure class it is, what to
 * undo, when to dial again.
 *
 * About 1,600 lines in one file on purpose: what is left are the
 * decisions about one struct link (nine states and their deadlines, the
 * outcome of every SSH step, of pppd, the route job, the relay,
 * rtnetlink, keepalives, network changes and sleep, and the ordered
 * teardown); every mechanism they drive has its own module, and cutting
 * the decisions apart would share struct link between files.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "admit.h"
#include "backoff.h"
#include "conf.h"
#include "dial.h"
#include "dnsapply.h"
#include "farend.h"
#include "lines.h"
#include "link.h"
#include "log.h"
#include "localroutes.h"
#include "loop.h"
#include "netlink.h"
#include "pathprobe.h"
#include "ppp.h"
#include "pppchild.h"
#include "relay.h"
#include "relaygate.h"
#include "routejob.h"
#include "rtt.h"
#include "ssh.h"
#include "xmalloc.h"

#define LINK_AUTH_TIMEOUT	30000	/* public key auth, ms */
#define LINK_STEP_SPAN		3	/* progress extends a step this far */
#define LINK_PPP_TIMEOUT	30000	/* channel open to IPCP up, ms */
#define LINK_ROUTES_TIMEOUT	15000	/* remote route command, ms */
#define LINK_STOP_TIMEOUT	4000	/* whole teardown, ms */
#define LINK_PTY_GRACE		1000	/* pty EOF to pppd's exit, ms */
#define LINK_ROUTE_TRIES	10	/* remote route command attempts */
#define LINK_ROUTE_RETRY	300	/* ms between them */
#define LINK_RELAY_BUF		(256 * 1024)
#define LINK_GATE		3000	/* a pppd silent this long: let go */
#define LINK_WAKE_TIMEOUT	5000	/* after sleep: the gateway answers */

struct link {
	struct loop		*loop;
	struct rtnl		*rtnl;
	const struct link_conf	*lc;
	link_state_cb		 cb;
	void			*cbarg;

	enum link_state		 state;
	time_t			 since;		/* wall clock, entered state */
	enum link_fail_class	 fclass;
	char			*reason;
	bool			 want_up;	/* re-dial after a failure */
	bool			 restart;	/* dial again once down */
	struct backoff_incident	 inc;		/* failures, flaps, last up */
	unsigned		 redials;	/* dials after the first */
	uint64_t		 dial_at;	/* loop ms of the next dial */
	struct loop_timer	 redial;
	struct admit		*admit;		/* lets dials in; NULL: all */
	struct admit_ticket	 ticket;	/* its slot or queue place */
	bool			 reached;	/* this dial reached a host */
	bool			 path_down;	/* the last one reached none */
	struct pathprobe	 probe;		/* meanwhile, in BACKOFF */
	bool			 fast;		/* network change: no wait */
	uint64_t		 bytes_out;	/* relayed, earlier sessions */
	uint64_t		 bytes_in;
	unsigned		 failures[LINK_FAIL_HARD + 1]; /* by class */

	struct loop_timer	 deadline;	/* bounds the current state */
	struct loop_timer	 keepalive;
	struct loop_timer	 kick;		/* pump again, from the loop */

	struct dial		*dial;
	char			*host;		/* the target that answered */
	int			 port;
	struct sockaddr_storage	 gw_addr;

	struct ssh		*ssh;
	int			 sshfd;		/* registered in the loop */
	bool			 ssh_dead;	/* no more I/O on the session */
	uint64_t		 wake_check;	/* loop ms it woke asking; 0 */
	bool			 again;		/* a step waits on the socket */
	bool			 timed_out;	/* a step's deadline failed it */
	uint64_t		 step_at;	/* loop ms the step began */
	uint64_t		 step_rx;	/* bytes received at the last look */

	struct farend		 fe;		/* both pppds, the far end */
	char			*remote_cmd;
	struct ssh_chan		*chan;		/* channel 1: remote pppd */
	bool			 chan_started;
	bool			 chan_closed;
	bool			 chan_gone;	/* its end of the relay ended */
	bool			 tunnel_dead;	/* echoes died: no PPP goodbye */
	bool			 chan_closing;	/* no more reads: being closed */
	struct lines		 rerr;
	char			*chan_error;	/* the relay's channel end */

	struct pppchild		*pppd;		/* the local pppd, from spawn */
	struct pppchild		*old_pppd;	/* a dead session's, ending */
	int			 pty;		/* its pty master */
	struct relay_fd		 pty_end;
	struct relay		*relay;
	bool			 relay_done;
	struct relay_gate	 gate;		/* pty: A, channel: B */

	int			 ifindex;	/* of our ppp interface */
	bool			 if_addr;	/* it has both addresses */
	bool			 if_up;		/* and IFF_UP */
	struct localroutes	 here;		/* remote-nets, gateway pin */

	struct rtt		*rtt;		/* in-tunnel echo, while up */
	/* dns yes: the far end's servers, applied while up; else NULL. */
	struct dnsapply		*dns;
	struct in_addr		 dns_srv[PPP_DNS_MAX]; /* 0: not told */
	struct routejob		*routes;	/* channel 2, the far end's */
	bool			 remote_routes;	/* installed at the far end */
	/* Channel 2 waits for the far interface (a pty link), or ran. */
	bool			 far_job;
	/* The far end's report on its routes (channel 1 or 2): -1 none yet. */
	int			 far_status;
	char			 far_err[LINES_MAX];

	bool			 stop_begun;
};

static void	link_set_state(struct link *, enum link_state);
static void	link_dns_apply(struct link *);
static bool	link_pppd_line(const char *, void *);
static void	link_fail(struct link *, enum link_fail_class, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static void	link_pump(struct link *);
static void	link_ssh_failed(struct link *, const char *, char *);
static void	link_update_events(struct link *);
static bool	link_chan_buffered(struct link *);
static void	link_stop_progress(struct link *);
static void	link_finish(struct link *);
static bool	link_next_host(struct link *, const char *);
static void	link_dialed(int, const struct dial_target *,
		    const struct sockaddr_storage *, const char *, void *);
static void	link_relay_end(struct link *);
static void	link_check_silent(struct link *);
static int	link_ppp_local(struct link *);
static bool	link_pppd_running(const struct link *);
static void	link_dial_admitted(struct link *);
static void	link_step_arm(struct link *, uint64_t);
static void	link_step_begin(struct link *, enum link_state, uint64_t);
static void	link_step_progress(struct link *, uint64_t);
static bool	link_handshake_wait_more(struct link *);
static bool	link_routes_inline(const struct link *);
static bool	link_routes_early(const struct link *);
static void	link_far_job_start(struct link *);
static void	link_routes_wake(void *);

static const char *const link_state_names[] = {
	[LINK_DOWN] = "down",
	[LINK_CONNECTING] = "connecting",
	[LINK_HANDSHAKE] = "handshake",
	[LINK_AUTH] = "auth",
	[LINK_PPP] = "ppp",
	[LINK_ROUTES] = "routes",
	[LINK_UP] = "up",
	[LINK_STOPPING] = "stopping",
	[LINK_BACKOFF] = "backoff",
	[LINK_QUEUED] = "queued",
};

const char *
link_state_name(enum link_state s)
{
	if ((size_t)s < sizeof(link_state_names) / sizeof(link_state_names[0]))
		return link_state_names[s];
	return "?";
}

const char *
link_name(const struct link *l)
{
	return l->lc->name;
}

enum link_state
link_state(const struct link *l)
{
	return l->state;
}

const char *
link_reason(const struct link *l)
{
	return l->reason;
}

enum link_fail_class
link_fail_class(const struct link *l)
{
	return l->fclass;
}

/*
 * The tunnel stopped answering echoes (rtt.h): as dead as no keepalive.
 * Its LCP Terminate would go unanswered too: the teardown hangs pppd up
 * (the far end's routes still go first while the session answers).
 */
static void
link_rtt_lost(const char *why, void *arg)
{
	struct link	*l = arg;

	l->tunnel_dead = true;
	link_fail(l, LINK_FAIL_NETWORK, "%s", why);
}

/* The servers pppd reported, primary first, to the backend. */
static void
link_dns_apply(struct link *l)
{
	struct in_addr	srv[PPP_DNS_MAX];
	size_t		i, n = 0;

	for (i = 0; i < PPP_DNS_MAX; i++)
		if (l->dns_srv[i].s_addr != 0)
			srv[n++] = l->dns_srv[i];
	dnsapply_set(l->dns, srv, n);
}

/*
 * The local pppd's "primary DNS address" lines (usepeerdns): kept, and
 * applied at once if the link is already up.  Logged as any line.
 */
static bool
link_pppd_line(const char *line, void *arg)
{
	struct link	*l = arg;
	struct in_addr	 a;
	int		 which;

	if ((which = ppp_dns_line(line, &a)) == 0)
		return false;
	l->dns_srv[which - 1] = a;
	if (l->state == LINK_UP)
		link_dns_apply(l);
	return false;
}

static void
link_set_state(struct link *l, enum link_state s)
{
	enum link_state	old = l->state;
	char		*cause = NULL;
	size_t		 trimmed;

	if (old == s)
		return;
	l->state = s;
	l->since = time(NULL);
	/*
	 * The slot is held from the dial until both pppds run; how the dial
	 * ended tells the gate whether the load allows as many at once.
	 */
	if (s != LINK_QUEUED && s != LINK_CONNECTING && s != LINK_HANDSHAKE &&
	    s != LINK_AUTH && s != LINK_PPP)
		admit_done(&l->ticket, s != LINK_ROUTES && s != LINK_UP &&
		    l->timed_out);
	if (s == LINK_UP) {
		backoff_up(&l->inc, loop_now(l->loop));
		if (l->ssh != NULL) {
			/* The handshake used what it used of the buffers. */
			trimmed = ssh_trim(l->ssh);
			log_debug("link %s: libssh2 holds %zu bytes for the "
			    "session, %zu of its session structure resident "
			    "(%zu handed back)", l->lc->name, ssh_heap(l->ssh),
			    ssh_heap_resident(l->ssh), trimmed);
		}
		l->rtt = rtt_start(l->loop, l->lc->name, l->lc->ifname,
		    l->lc->local_ip.addr, l->lc->remote_ip.addr,
		    l->lc->keepalive.interval, l->lc->keepalive.misses,
		    link_rtt_lost, l, &cause);
		if (l->rtt == NULL) {
			log_warnx("link %s: no rtt: %s", l->lc->name, cause);
			free(cause);
		}
	}
	if (s == LINK_UP && l->dns != NULL)
		link_dns_apply(l);
	if (old == LINK_UP) {
		/* Names of the far site go nowhere now: stop sending them. */
		if (l->dns != NULL)
			dnsapply_clear(l->dns);
		backoff_down(&l->inc, loop_now(l->loop));
		rtt_free(l->rtt);
		l->rtt = NULL;
	}
	if (s == LINK_DOWN && l->reason != NULL)
		log_info("link %s: %s -> down: %s", l->lc->name,
		    link_state_name(old), l->reason);
	else
		log_info("link %s: %s -> %s", l->lc->name,
		    link_state_name(old), link_state_name(s));
	if (l->cb != NULL)
		l->cb(l, old, l->cbarg);
}

static void
link_deadline_fired(void *arg)
{
	struct link	*l = arg;
	const char	*err;

	l->timed_out = l->state == LINK_HANDSHAKE ||
	    l->state == LINK_AUTH || l->state == LINK_PPP;
	switch (l->state) {
	case LINK_HANDSHAKE:
		if (link_handshake_wait_more(l)) {
			l->timed_out = false;
			break;
		}
		/* connect-timeout bounds each host's handshake. */
		if (link_next_host(l, "ssh handshake timed out"))
			break;
		link_fail(l, LINK_FAIL_NETWORK,
		    "ssh handshake with %s:%d timed out after %d s",
		    l->host, l->port, l->lc->connect_timeout);
		break;
	case LINK_AUTH:
		link_fail(l, LINK_FAIL_NETWORK,
		    "ssh auth with %s:%d timed out after %d s",
		    l->host, l->port, LINK_AUTH_TIMEOUT / 1000);
		break;
	case LINK_PPP:
		if (l->relay_done && link_pppd_running(l))
			link_fail(l, LINK_FAIL_REMOTE,
			    "local pppd closed its pty");
		else
			link_fail(l, LINK_FAIL_REMOTE,
			    "ppp negotiation timed out after %d s",
			    LINK_PPP_TIMEOUT / 1000);
		break;
	case LINK_ROUTES:
		if (link_routes_inline(l) && l->far_status == -1) {
			link_fail(l, LINK_FAIL_REMOTE, "remote routes not "
			    "installed after %d s: the far end did not report "
			    "them (no \"remote IP address\" from its pppd?)",
			    LINK_ROUTES_TIMEOUT / 1000);
			break;
		}
		err = l->routes != NULL ? routejob_error(l->routes) : "";
		if (link_routes_early(l) && l->far_status == -1 &&
		    err[0] == '\0') {
			link_fail(l, LINK_FAIL_REMOTE, "remote routes not "
			    "installed after %d s: the far end still waits "
			    "for its interface %s to come up",
			    LINK_ROUTES_TIMEOUT / 1000,
			    l->lc->remote_ifname);
			break;
		}
		link_fail(l, LINK_FAIL_REMOTE,
		    "remote routes not installed after %d s%s%s",
		    LINK_ROUTES_TIMEOUT / 1000, err[0] ? ": " : "", err);
		break;
	case LINK_UP:
		link_fail(l, LINK_FAIL_REMOTE, "local pppd closed its pty");
		break;
	case LINK_STOPPING:
		/* Out of patience: force what is left. */
		log_warnx("link %s: teardown took over %d s, forcing",
		    l->lc->name, LINK_STOP_TIMEOUT / 1000);
		if (l->pppd != NULL)
			pppchild_kill(l->pppd);
		if (l->old_pppd != NULL)
			pppchild_kill(l->old_pppd);
		routejob_free(l->routes);
		l->routes = NULL;
		l->ssh_dead = true;
		link_stop_progress(l);
		break;
	default:
		break;
	}
}

/*
 * Record the first reason, go STOPPING and start the teardown.  Later
 * failures (the consequences of the first) are only logged at debug.
 */
static void
link_fail(struct link *l, enum link_fail_class fc, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	if (l->state == LINK_STOPPING || l->state == LINK_DOWN ||
	    l->state == LINK_BACKOFF || l->state == LINK_QUEUED) {
		/* Down already (its teardown may be over): nothing to fail. */
		log_debug("link %s: while stopping: %s", l->lc->name, msg);
		free(msg);
		/* Something changed (the session died?): look again. */
		if (l->state == LINK_STOPPING)
			loop_timer_set(l->loop, &l->kick, 0);
		return;
	}
	log_warnx("link %s: %s", l->lc->name, msg);
	free(l->reason);
	l->reason = msg;
	l->fclass = fc;
	l->failures[fc]++;
	link_set_state(l, LINK_STOPPING);
	link_stop_progress(l);
}

static enum link_fail_class
link_class_of(struct ssh *s)
{
	switch (ssh_fail_class(s)) {
	case SSH_FAIL_HOSTKEY:
	case SSH_FAIL_AUTH:
		return LINK_FAIL_HARD;
	case SSH_FAIL_REMOTE:
		return LINK_FAIL_REMOTE;
	default:
		return LINK_FAIL_NETWORK;
	}
}

/*
 * The outcome r of an SSH step: true once it is done.  SSH_AGAIN notes
 * that the session waits on its socket; SSH_ERR fails the link with
 * the step's cause (what names the step).
 */
static bool
link_step_done(struct link *l, int r, const char *what, char *cause)
{
	if (r == SSH_AGAIN) {
		l->again = true;
		return false;
	}
	if (r == SSH_ERR) {
		link_ssh_failed(l, what, cause);
		return false;
	}
	return true;
}

/*
 * An SSH step failed: fail the link with the step's cause; a handshake
 * that failed (but not on the host key) goes on to the next host first.
 */
static void
link_ssh_failed(struct link *l, const char *what, char *cause)
{
	enum link_fail_class	 fc = link_class_of(l->ssh);
	char			*why;

	if (fc == LINK_FAIL_NETWORK)
		l->ssh_dead = true;
	xasprintf(&why, "%s: %s", what, cause ? cause : ssh_errmsg(l->ssh));
	free(cause);
	if (l->state != LINK_HANDSHAKE || fc == LINK_FAIL_HARD ||
	    !link_next_host(l, why))
		link_fail(l, fc, "%s", why);
	free(why);
}

/* ------------------------------------------------------------- routes */

/* The far end's routes are in: the link is up. */
static void
link_routes_added(int st, const char *err, void *arg)
{
	struct link	*l = arg;
	struct routejob	*rj = l->routes;

	l->routes = NULL;
	if (st == 0) {
		l->remote_routes = true;
		loop_timer_cancel(l->loop, &l->deadline);
		link_set_state(l, LINK_UP);
	} else
		link_fail(l, LINK_FAIL_REMOTE, "remote route command: exit "
		    "status %d%s%s", st, err[0] ? ": " : "", err);
	routejob_free(rj);
}

/*
 * The far end reported its routes (channel 1's shell or channel 2's
 * wait, farend.h): act on it in ROUTES, keep it for then in PPP (the
 * far interface may come up first).
 */
static void
link_far_routes(struct link *l)
{
	if (l->state != LINK_ROUTES || l->far_status == -1)
		return;
	if (l->far_status != 0) {
		link_fail(l, LINK_FAIL_REMOTE, "remote route command: exit "
		    "status %d%s%s", l->far_status, l->far_err[0] ? ": " : "",
		    l->far_err);
		return;
	}
	l->remote_routes = true;
	loop_timer_cancel(l->loop, &l->deadline);
	link_set_state(l, LINK_UP);
}

/*
 * Whether channel 1's shell puts the far routes in (farend.h): not when
 * the far pppd got sshd's pty, whose stderr is the PPP stream.
 */
static bool
link_routes_inline(const struct link *l)
{
	return farend_routes_inline(&l->fe) &&
	    (l->chan == NULL || !ssh_chan_tty(l->chan));
}

/*
 * Whether channel 2 puts the far routes in while PPP negotiates: a far
 * pppd on sshd's pty (farend_route_command_wait()).
 */
static bool
link_routes_early(const struct link *l)
{
	return farend_routes_inline(&l->fe) && l->chan != NULL &&
	    ssh_chan_tty(l->chan);
}

/* Channel 2's wait for the far interface, then its routes, is over. */
static void
link_far_job_done(int st, const char *err, void *arg)
{
	struct link	*l = arg;
	struct routejob	*rj = l->routes;

	l->routes = NULL;
	if (l->state == LINK_PPP || l->state == LINK_ROUTES) {
		if (st == 0)
			log_info("link %s: remote routes in", l->lc->name);
		/* -1: killed by a signal, or no status came. */
		l->far_status = st >= 0 ? st : 255;
		(void)snprintf(l->far_err, sizeof(l->far_err), "%s",
		    st >= 0 || err[0] != '\0' ? err :
		    "killed by a signal, or no exit status");
		link_far_routes(l);
	} else
		log_debug("link %s: remote routes reported late (status %d)",
		    l->lc->name, st);
	routejob_free(rj);
}

/*
 * A pty link: open channel 2 now, in parallel with PPP, running the far
 * end's wait (farend_route_command_wait()): for the word from
 * link_ppp_up(), then for its interface, then the routes.  Once per
 * session.
 */
static void
link_far_job_start(struct link *l)
{
	char	*cmd, *tag;

	if (l->far_job || l->routes != NULL || !link_routes_early(l) ||
	    (cmd = farend_route_command_wait(&l->fe)) == NULL)
		return;
	l->far_job = true;
	xasprintf(&tag, "link %s", l->lc->name);
	l->routes = routejob_new(l->loop, l->ssh, cmd, tag, 1, 0,
	    link_far_job_done, link_routes_wake, l);
	free(tag);
	free(cmd);
}

/* A line of channel 1's stderr: the routes' report is taken here. */
static bool
link_remote_line(const char *line, void *arg)
{
	struct link	*l = arg;
	const char	*err;
	int		 st;

	if (l->fe.lc == NULL || !link_routes_inline(l) ||
	    farend_routes_line(line, &st, &err) != 1)
		return false;
	if (l->state != LINK_PPP && l->state != LINK_ROUTES) {
		log_debug("link %s: remote routes reported again (status "
		    "%d)", l->lc->name, st);
		return true;
	}
	if (st == 0)
		log_info("link %s: remote routes in", l->lc->name);
	l->far_status = st;
	/* What the commands said came just before (the latest line). */
	(void)snprintf(l->far_err, sizeof(l->far_err), "%s",
	    err[0] != '\0' || st == 0 ? err : l->rerr.last);
	link_far_routes(l);
	return true;
}

static void
link_routes_removed(int st, const char *err, void *arg)
{
	struct link	*l = arg;
	struct routejob	*rj = l->routes;

	l->routes = NULL;
	if (st != 0)
		log_warnx("link %s: removing remote routes: exit status %d%s%s",
		    l->lc->name, st, err[0] ? ": " : "", err);
	l->remote_routes = false;
	routejob_free(rj);
}

static void
link_routes_wake(void *arg)
{
	link_pump(arg);
}

/* Start channel 2: add the far end's routes, or remove them (del). */
static void
link_route_start(struct link *l, bool del)
{
	char	*cmd, *tag;

	if ((cmd = farend_route_command(&l->fe, del)) == NULL)
		return;
	xasprintf(&tag, "link %s", l->lc->name);
	l->routes = routejob_new(l->loop, l->ssh, cmd, tag,
	    del ? 1 : LINK_ROUTE_TRIES, LINK_ROUTE_RETRY,
	    del ? link_routes_removed : link_routes_added, link_routes_wake, l);
	free(tag);
	free(cmd);
}

/*
 * Log what channel c has on stderr, line by line.  Returns -1 after
 * failing the link.
 */
static int
link_chan_drain(struct link *l, struct ssh_chan *c, struct lines *ll,
    const char *what)
{
	char	 buf[4096], *cause = NULL;
	ssize_t	 n;

	while ((n = ssh_chan_read_stderr(c, buf, sizeof(buf), &cause)) > 0)
		lines_feed(ll, buf, (size_t)n);
	if (n == SSH_ERR) {
		link_ssh_failed(l, what, cause);
		return -1;
	}
	return 0;
}

/* Advance channel 2. */
static void
link_route_pump(struct link *l)
{
	char	*cause = NULL;
	int	 r;

	if (l->routes == NULL || l->ssh_dead)
		return;
	r = routejob_pump(l->routes, &cause);
	(void)link_step_done(l, r, "remote route command", cause);
}

/* ---------------------------------------------------------- local pppd */

/* Whether the local pppd runs (it may be ending). */
static bool
link_pppd_running(const struct link *l)
{
	return l->pppd != NULL && pppchild_running(l->pppd);
}

/* The local pppd is gone: it exited, or was abandoned after SIGKILL. */
static void
link_pppd_gone(int status, bool abandoned, const char *err, void *arg)
{
	struct link	*l = arg;

	if (l->old_pppd != NULL && !pppchild_running(l->old_pppd)) {
		/* The last session's pppd is gone: its interface name too. */
		log_debug("link %s: the last local pppd is gone", l->lc->name);
		pppchild_free(l->old_pppd);
		l->old_pppd = NULL;
		if (l->state == LINK_PPP && l->chan_started && l->pppd == NULL)
			(void)link_ppp_local(l);
		else
			link_stop_progress(l);
		return;
	}
	if (abandoned) {
		/* Stuck after SIGKILL: the teardown that sent it goes on. */
		link_stop_progress(l);
		return;
	}
	/* Statuses 1-4 are setup errors: pppd's first words say which. */
	if (WIFEXITED(status) && WEXITSTATUS(status) >= 1 &&
	    WEXITSTATUS(status) <= 4)
		link_fail(l, LINK_FAIL_HARD, "local pppd exited with "
		    "status %d (%s)%s%s", WEXITSTATUS(status),
		    ppp_exit_reason(WEXITSTATUS(status)),
		    err[0] ? ": " : "", err);
	else if (WIFEXITED(status))
		link_fail(l, LINK_FAIL_REMOTE, "local pppd exited with "
		    "status %d (%s)", WEXITSTATUS(status),
		    ppp_exit_reason(WEXITSTATUS(status)));
	else
		link_fail(l, LINK_FAIL_REMOTE, "local pppd killed by "
		    "signal %d", WTERMSIG(status));
	if (l->state == LINK_STOPPING)
		link_stop_progress(l);
}

static void
link_pty_ready(int fd, short revents, void *arg)
{
	struct link	*l = arg;

	(void)fd;
	relay_fd_ready(&l->pty_end, revents);
	link_pump(l);
}

/* The channel end of the relay. */
static ssize_t
link_chan_read(void *ctx, void *buf, size_t len)
{
	struct link	*l = ctx;
	char		*cause = NULL;
	ssize_t		 n;

	n = ssh_chan_read(l->chan, buf, len, &cause);
	if (n == SSH_AGAIN)
		return RELAY_AGAIN;
	if (n == SSH_ERR) {
		free(l->chan_error);
		l->chan_error = cause;
		return RELAY_ERROR;
	}
	return n;
}

static ssize_t
link_chan_write(void *ctx, const void *buf, size_t len)
{
	struct link	*l = ctx;
	char		*cause = NULL;
	ssize_t		 n;

	n = ssh_chan_write(l->chan, buf, len, &cause);
	if (n == SSH_AGAIN) {
		l->again = true;
		return RELAY_AGAIN;
	}
	if (n == SSH_ERR) {
		free(l->chan_error);
		l->chan_error = cause;
		return RELAY_ERROR;
	}
	return n;
}

static const char *
link_chan_error(void *ctx)
{
	struct link	*l = ctx;

	if (l->chan_error != NULL)
		return l->chan_error;
	return ssh_errmsg(l->ssh);
}

static const struct relay_end_ops link_chan_ops = {
	"channel", link_chan_read, link_chan_write, link_chan_error
};

/* A pppd has not spoken for LINK_GATE: the bytes held go anyway. */
static void
link_gate_fired(void *arg)
{
	link_pump(arg);
}

/* Channel 1 runs: start the local pppd and join the two with the relay. */
static int
link_ppp_local(struct link *l)
{
	char	*cause = NULL, *tag;

	xasprintf(&tag, "link %s", l->lc->name);
	l->pppd = pppchild_spawn(l->loop, &l->fe.pp, tag, link_pppd_gone, l,
	    &l->pty, &cause);
	free(tag);
	if (l->pppd == NULL) {
		link_fail(l, LINK_FAIL_HARD, "local pppd: %s", cause);
		free(cause);
		return -1;
	}
	if (l->dns != NULL)
		pppchild_take_lines(l->pppd, link_pppd_line, l);
	loop_fd_add(l->loop, l->pty, POLLIN, link_pty_ready, l);
	l->pty_end.fd = l->pty;
	l->pty_end.error = 0;
	/* link_pty_ready() passes every poll() result on. */
	l->pty_end.hinted = true;
	l->pty_end.empty = false;
	/* What each pppd says waits until the other has spoken. */
	relay_gate_start(&l->gate, &relay_pty_ops, &l->pty_end,
	    &link_chan_ops, l, LINK_GATE);
	l->relay = relay_new(&l->gate.end[0].ops, &l->gate.end[0],
	    &l->gate.end[1].ops, &l->gate.end[1],
	    LINK_RELAY_BUF, LINK_RELAY_BUF, SSH_WRITE_MAX);
	log_info("link %s: local pppd running as pid %ld on %s", l->lc->name,
	    (long)pppchild_pid(l->pppd), l->lc->ifname);
	return 0;
}

/* Authenticated: pin the gateway route and open channel 1. */
static void
link_ppp_begin(struct link *l)
{
	char	*cause = NULL, *tty;

	farend_init(&l->fe, l->lc);
	if (ppp_params_check(&l->fe.pp, &cause) == -1) {
		link_fail(l, LINK_FAIL_HARD, "pppd options: %s", cause);
		free(cause);
		return;
	}
	/* Keep the gateway's address off the tunnel. */
	localroutes_pin_gateway(&l->here, &l->gw_addr, &l->lc->remote_nets);
	free(l->remote_cmd);
	/* Channel 1: end a stale pppd there, then exec pppd (farend.h). */
	l->remote_cmd = farend_ppp_command(&l->fe);
	log_debug("link %s: remote: %s", l->lc->name, l->remote_cmd);
	l->chan = ssh_chan_new(l->ssh, l->remote_cmd);
	/* pppd on sshd's pty if it grants one (farend.h, ssh.h). */
	if ((tty = farend_ppp_command_tty(&l->fe)) != NULL) {
		ssh_chan_pty(l->chan, tty, PPP_FLAG);
		free(tty);
	}
	link_step_begin(l, LINK_PPP, LINK_PPP_TIMEOUT);
}

/*
 * fq_codel as the interface's root qdisc when vpn.conf(5) says
 * fq-codel yes, whatever net.core.default_qdisc gave it (without
 * systemd's sysctl: pfifo_fast, whose 3-packet queue on a ppp interface
 * drops a transfer's bursts).  Measured (bench/README.md): more
 * throughput, and more delay under load, as the queue then waits in
 * the pty and TCP buffers behind the qdisc.  A kernel without fq_codel
 * keeps its default: a warning, not a failure.
 */
static void
link_qdisc(struct link *l)
{
	const char	*msg;
	int		 error;

	if (!l->lc->fq_codel)
		return;
	if ((error = rtnl_qdisc_root(l->rtnl, l->ifindex, "fq_codel")) == 0) {
		log_debug("link %s: fq_codel is %s's root qdisc", l->lc->name,
		    l->lc->ifname);
		return;
	}
	msg = rtnl_errmsg(l->rtnl);
	log_warnx("link %s: fq_codel as %s's root qdisc: %s%s%s; it keeps "
	    "the kernel's default (fq-codel no in vpn.conf leaves it so)",
	    l->lc->name, l->lc->ifname, strerror(-error), *msg != '\0' ?
	    ": " : "", msg);
}

/* The interface has both addresses: routes here, then at the far end. */
static void
link_ppp_up(struct link *l, int ifindex)
{
	char	*cause = NULL;

	if (l->state != LINK_PPP)
		return;
	l->ifindex = ifindex;
	log_info("link %s: %s is up, %s peer %s", l->lc->name, l->lc->ifname,
	    l->fe.local_ip, l->fe.remote_ip);
	link_set_state(l, LINK_ROUTES);
	link_qdisc(l);
	if (localroutes_add(&l->here, &l->lc->remote_nets, l->ifindex,
	    l->lc->ifname, &cause) == -1) {
		link_fail(l, LINK_FAIL_REMOTE, "%s", cause);
		free(cause);
		return;
	}
	if (l->lc->local_nets.n == 0) {
		loop_timer_cancel(l->loop, &l->deadline);
		link_set_state(l, LINK_UP);
		return;
	}
	link_step_arm(l, LINK_ROUTES_TIMEOUT);
	if (link_routes_inline(l)) {
		/* Channel 1's shell puts them in: its report, or wait. */
		link_far_routes(l);
		return;
	}
	if (link_routes_early(l)) {
		/*
		 * Channel 2, open since the far pppd spoke, waits for the
		 * word: the far interface is up too, or about to be.
		 */
		link_far_job_start(l);
		if (l->routes != NULL && l->far_status == -1)
			routejob_input(l->routes, FAREND_GO "\n");
		link_far_routes(l);
		if (l->state == LINK_ROUTES)
			link_pump(l);
		return;
	}
	link_route_start(l, false);
	link_pump(l);
}

/*
 * pppd sets the addresses (one ioctl at a time) and then brings the
 * interface up: the link is up once both have been seen, in any order.
 */
void
link_rtnl_event(struct link *l, const struct rtnl_event *ev)
{
	struct in_addr	local, peer;
	unsigned	plen;
	int		idx;

	if (l->state == LINK_PPP) {
		switch (ev->type) {
		case RTNL_ADDR_NEW:
			if (ev->family == AF_INET && ev->has_peer &&
			    strcmp(ev->ifname, l->lc->ifname) == 0 &&
			    memcmp(&ev->local.v4, l->lc->local_ip.addr, 4) == 0 &&
			    memcmp(&ev->peer.v4, l->lc->remote_ip.addr, 4) == 0) {
				l->if_addr = true;
				l->ifindex = ev->ifindex;
			}
			break;
		case RTNL_LINK_NEW:
			if (strcmp(ev->ifname, l->lc->ifname) == 0) {
				l->if_up = ev->up;
				l->ifindex = ev->ifindex;
			}
			break;
		case RTNL_RESYNC:
			/* Events were lost: ask.  Up is then assumed. */
			if (rtnl_addr_get(l->rtnl, l->lc->ifname, &local,
			    &peer, &plen) == 0 &&
			    memcmp(&local, l->lc->local_ip.addr, 4) == 0 &&
			    memcmp(&peer, l->lc->remote_ip.addr, 4) == 0 &&
			    (idx = rtnl_ifindex(l->rtnl, l->lc->ifname)) > 0) {
				l->if_addr = l->if_up = true;
				l->ifindex = idx;
			}
			break;
		default:
			break;
		}
		if (l->if_addr && l->if_up)
			link_ppp_up(l, l->ifindex);
		return;
	}
	if ((l->state == LINK_ROUTES || l->state == LINK_UP) &&
	    ev->type == RTNL_LINK_DEL && ev->ifindex == l->ifindex)
		link_fail(l, LINK_FAIL_REMOTE, "interface %s disappeared",
		    l->lc->ifname);
}

/* --------------------------------------------------------------- pump */

static void
link_keepalive_fired(void *arg)
{
	struct link	*l = arg;
	uint64_t	 rx, tx, last_rx, now, quiet, limit, ival;
	size_t		 released;
	char		*cause = NULL;
	int		 next = l->lc->keepalive.interval;

	if (l->ssh == NULL || l->ssh_dead)
		return;
	/* A burst's pages go back once the link is quiet for a tick. */
	if (l->relay != NULL && (released = relay_release_idle(l->relay)) > 0)
		log_debug("link %s: relay: %zu KiB of its quiet buffers handed "
		    "back", l->lc->name, released / 1024);
	ssh_counters(l->ssh, &rx, &tx, &last_rx);
	/*
	 * The loop's time is that of the return from ppoll(); the session
	 * stamps each read with the time of the loop pass that made it, so
	 * a read by an fd callback of this same pass is not earlier.
	 */
	now = loop_now(l->loop);
	/* Woken from sleep (link_resumed()): the gateway must answer. */
	if (l->wake_check != 0 && last_rx > l->wake_check) {
		log_info("link %s: %s:%d answered after the sleep",
		    l->lc->name, l->host, l->port);
		l->wake_check = 0;
	} else if (l->wake_check != 0 &&
	    now - l->wake_check >= LINK_WAKE_TIMEOUT) {
		l->wake_check = 0;
		l->ssh_dead = true;
		link_fail(l, LINK_FAIL_NETWORK, "no answer from %s:%d within "
		    "%d s of waking from sleep", l->host, l->port,
		    LINK_WAKE_TIMEOUT / 1000);
		return;
	}
	quiet = now > last_rx ? now - last_rx : 0;
	limit = (uint64_t)l->lc->keepalive.interval *
	    (uint64_t)(l->lc->keepalive.misses + 1) * 1000;
	if (quiet > limit) {
		l->ssh_dead = true;
		link_fail(l, LINK_FAIL_NETWORK, "nothing from %s:%d for %llu "
		    "s (keepalive %d s x %d)", l->host, l->port,
		    (unsigned long long)(quiet / 1000),
		    l->lc->keepalive.interval, l->lc->keepalive.misses);
		/*
		 * Stopping already (pppd gave up first): the teardown waits
		 * on the session no more, so let it go on now rather than at
		 * its deadline.
		 */
		if (l->state == LINK_STOPPING)
			loop_timer_set(l->loop, &l->kick, 0);
		return;
	}
	/*
	 * The gateway spoke within the interval (both pppds' LCP echoes
	 * come every interval): no keepalive is needed.  Look again
	 * an interval after it spoke, riding along with a turn the loop
	 * makes anyway (its next LCP echo) from half an interval before.
	 */
	ival = (uint64_t)l->lc->keepalive.interval * 1000;
	if (quiet < ival && l->wake_check == 0) {
		loop_timer_set_slack(l->loop, &l->keepalive,
		    ival - quiet + ival / 2, ival);
		return;
	}
	if (ssh_keepalive(l->ssh, &next, &cause) == SSH_ERR) {
		link_ssh_failed(l, "keepalive", cause);
		return;
	}
	if (next < 1 || l->wake_check != 0)
		next = 1;
	loop_timer_set_slack(l->loop, &l->keepalive, (uint64_t)next * 1000,
	    l->wake_check != 0 ? 0 : (uint64_t)next * 500);
	link_update_events(l);
}


static void
link_auth_done(struct link *l)
{
	ssh_keepalive_config(l->ssh, (unsigned)l->lc->keepalive.interval);
	loop_timer_set_slack(l->loop, &l->keepalive,
	    (uint64_t)l->lc->keepalive.interval * 1000,
	    (uint64_t)l->lc->keepalive.interval * 500);
	loop_timer_cancel(l->loop, &l->deadline);
	log_info("link %s: authenticated to %s:%d as %s", l->lc->name,
	    l->host, l->port, l->lc->user);
	link_ppp_begin(l);
}

static void
link_channel_pump(struct link *l)
{
	char	*cause = NULL;
	int	 r;

	if (l->chan == NULL || l->ssh_dead || l->chan_closed ||
	    l->chan_closing)
		return;
	if (!l->chan_started) {
		r = ssh_chan_start(l->chan, &cause);
		if (!link_step_done(l, r, "remote pppd", cause))
			return;
		l->chan_started = true;
		if (l->state != LINK_PPP)
			return;
		/* The last session's pppd still holds the interface name. */
		if (l->old_pppd != NULL) {
			log_debug("link %s: waiting for the last local pppd",
			    l->lc->name);
			return;
		}
		if (link_ppp_local(l) == -1)
			return;
	}
	if (l->relay != NULL && !l->relay_done &&
	    relay_pump(l->relay, &cause) == -1) {
		l->relay_done = true;
		l->chan_gone = strncmp(cause, "pty", 3) != 0;
		if (strncmp(cause, "pty", 3) == 0 && link_pppd_running(l) &&
		    l->state != LINK_STOPPING) {
			/* pppd is exiting: its status will say why. */
			loop_timer_set(l->loop, &l->deadline,
			    LINK_PTY_GRACE);
		} else {
			/* The session may be the one that failed. */
			if (link_chan_drain(l, l->chan, &l->rerr,
			    "remote pppd stderr") == -1) {
				free(cause);
				return;
			}
			/* Its last words say why it ended, if anything does. */
			link_fail(l, LINK_FAIL_REMOTE, "remote pppd: %s%s%s",
			    cause, l->rerr.last[0] ? ": " : "",
			    l->rerr.last);
		}
		free(cause);
	}
	if (l->chan != NULL && !l->ssh_dead)
		(void)link_chan_drain(l, l->chan, &l->rerr,
		    "remote pppd stderr");
	/*
	 * The far pppd has spoken (a stale one is gone by then): channel 2
	 * can wait there for its interface while PPP negotiates.
	 */
	if (l->state == LINK_PPP && l->relay != NULL &&
	    relay_gate_heard(&l->gate, 1))
		link_far_job_start(l);
}

static void
link_session_ready(int fd, short revents, void *arg)
{
	struct link	*l = arg;

	(void)fd;
	if (l->ssh != NULL)
		ssh_socket_ready(l->ssh, revents);
	if (revents & (POLLERR | POLLNVAL)) {
		/* Let libssh2 find out and say what happened. */
		log_debug("link %s: session socket revents 0x%x", l->lc->name,
		    (unsigned)revents);
	}
	link_pump(l);
}

/* The current step is bounded by timeout_ms of its own progress. */
static void
link_step_arm(struct link *l, uint64_t timeout_ms)
{
	l->step_at = loop_now(l->loop);
	ssh_counters(l->ssh, &l->step_rx, NULL, NULL);
	loop_timer_set(l->loop, &l->deadline, timeout_ms);
}

/*
 * Enter s, a step that waits on the gateway (handshake, auth, ppp)
 * bounded by timeout_ms of its own progress: see link_step_progress().
 */
static void
link_step_begin(struct link *l, enum link_state s, uint64_t timeout_ms)
{
	link_set_state(l, s);
	link_step_arm(l, timeout_ms);
}

/*
 * The step is waiting again: if the gateway sent something since the
 * last look, the step is advancing and its deadline starts over, so
 * that the time counted is the time the link waited on the gateway, not
 * on a CPU busy with other links; a step that keeps advancing is still
 * given up LINK_STEP_SPAN timeouts after it began, plus one.
 */
static void
link_step_progress(struct link *l, uint64_t timeout_ms)
{
	uint64_t	rx;

	ssh_counters(l->ssh, &rx, NULL, NULL);
	if (rx == l->step_rx)
		return;
	l->step_rx = rx;
	if (loop_now(l->loop) - l->step_at < LINK_STEP_SPAN * timeout_ms)
		loop_timer_set(l->loop, &l->deadline, timeout_ms);
}

/*
 * The handshake's deadline passed with nothing new from the gateway.  If
 * no other host is left to try and the gateway's kernel acknowledged all
 * vpnd sent (its banner, its key exchange), the path works and the wait
 * is on the gateway's sshd: its fork and exec for each connection, slow
 * while the previous session's processes end there (a session killed at
 * the far end) or other links' handshakes run.  A new connection would
 * cost it another fork and start over: wait on, like a step that
 * advances, up to LINK_STEP_SPAN timeouts in all.  True if the deadline
 * was set again.
 */
static bool
link_handshake_wait_more(struct link *l)
{
	uint64_t	timeout = (uint64_t)l->lc->connect_timeout * 1000;
	uint64_t	waited = loop_now(l->loop) - l->step_at;

	if (l->ssh == NULL || l->ssh_dead ||
	    waited >= LINK_STEP_SPAN * timeout ||
	    dial_others_left(l->dial) || !dial_peer_acked(l->sshfd))
		return false;
	log_info("link %s: ssh handshake with %s:%d: its sshd silent for %d s "
	    "but its kernel acknowledges: waiting on", l->lc->name, l->host,
	    l->port, l->lc->connect_timeout);
	loop_timer_set(l->loop, &l->deadline, timeout);
	return true;
}

static void
link_pump(struct link *l)
{
	char	*cause = NULL;
	int	 r;

	l->again = false;
	switch (l->state) {
	case LINK_HANDSHAKE:
		r = ssh_handshake(l->ssh, &cause);
		if (r == SSH_AGAIN)
			link_step_progress(l,
			    (uint64_t)l->lc->connect_timeout * 1000);
		if (!link_step_done(l, r, "ssh handshake", cause))
			break;
		/* This host it is: the other hosts are not needed. */
		dial_free(l->dial);
		l->dial = NULL;
		if (ssh_check_hostkey(l->ssh, l->lc->known_hosts, l->host,
		    l->port, &cause) != SSH_OK) {
			link_fail(l, LINK_FAIL_HARD, "%s", cause);
			free(cause);
			break;
		}
		link_step_begin(l, LINK_AUTH, LINK_AUTH_TIMEOUT);
		/* FALLTHROUGH */
	case LINK_AUTH:
		r = ssh_auth_pubkey(l->ssh, l->lc->user, l->lc->identity,
		    &cause);
		if (r == SSH_AGAIN)
			link_step_progress(l, LINK_AUTH_TIMEOUT);
		if (!link_step_done(l, r, "auth", cause))
			break;
		link_auth_done(l);
		if (l->state != LINK_PPP)
			break;
		/* FALLTHROUGH */
	case LINK_PPP:
	case LINK_ROUTES:
	case LINK_UP:
	case LINK_STOPPING:
		/*
		 * PPP's negotiation and the far end's routes are bounded by
		 * the gateway's silence too: under the load of other
		 * links' bring-ups it answers late, not never (issue 14).
		 */
		if (l->state == LINK_PPP && !l->relay_done)
			link_step_progress(l, LINK_PPP_TIMEOUT);
		else if (l->state == LINK_ROUTES)
			link_step_progress(l, LINK_ROUTES_TIMEOUT);
		link_channel_pump(l);
		link_route_pump(l);
		if (l->state == LINK_STOPPING)
			link_stop_progress(l);
		break;
	default:
		break;
	}
	if (link_chan_buffered(l))
		loop_timer_set(l->loop, &l->kick, 0);
	link_update_events(l);
}

/*
 * Does libssh2 hold channel data that no poll() will announce (it reads
 * ahead for every channel), and that we can take now?  Channel 1's data
 * waits while the relay's buffer toward the pty is full: the pty's
 * POLLOUT brings us back then.
 */
static bool
link_chan_buffered(struct link *l)
{
	bool	a_read, a_write, b_read = true, b_write;

	if (l->ssh == NULL || l->ssh_dead)
		return false;
	if (l->routes != NULL && routejob_pending(l->routes))
		return true;
	if (l->chan == NULL || !l->chan_started || l->chan_closed)
		return false;
	if (l->relay != NULL && !l->relay_done)
		relay_wants(l->relay, &a_read, &a_write, &b_read, &b_write);
	return b_read && ssh_chan_pending(l->chan);
}

static void
link_kick(void *arg)
{
	link_pump(arg);
}

/* What the session socket and the pty wait for now. */
static void
link_update_events(struct link *l)
{
	bool	a_read, a_write, b_read, b_write;
	short	ev = 0;

	if (l->ssh != NULL && !l->ssh_dead) {
		ev = POLLIN;
		if (l->again)
			ev |= ssh_poll_events(l->ssh);
		loop_fd_events(l->loop, l->sshfd, ev);
	} else if (l->ssh != NULL) {
		/* A dead socket stays readable (EOF): stop watching it. */
		loop_fd_events(l->loop, l->sshfd, 0);
	}
	if (l->pty != -1) {
		ev = 0;
		if (l->relay != NULL && !l->relay_done && !l->ssh_dead) {
			relay_wants(l->relay, &a_read, &a_write, &b_read,
			    &b_write);
			if (a_read)
				ev |= POLLIN;
			/* Held for pppd: not before it speaks (POLLIN). */
			if (a_write && relay_gate_heard(&l->gate, 0))
				ev |= POLLOUT;
		}
		loop_fd_events(l->loop, l->pty, ev);
	}
}

/* ------------------------------------------------------------ dialing */

/*
 * While the path is down (the last dial reached no host), probe it until
 * the next dial (pathprobe.h).
 */
static void
link_probe(struct link *l)
{
	if (l->state != LINK_BACKOFF)
		return;
	pathprobe_start(&l->probe, l->lc, l->dial_at);
}

/*
 * A probe's outcome: a host answered (its connection becomes the dial's:
 * go on at once), or not (probe again, the backoff untouched).
 */
static bool
link_probed(struct link *l, int fd, const struct dial_target *t,
    const char *cause)
{
	struct dial	*d;

	if ((d = pathprobe_outcome(&l->probe, fd, cause)) == NULL)
		return false;
	loop_timer_cancel(l->loop, &l->redial);
	l->redials++;
	if (l->admit != NULL && !admit_enter(l->admit, &l->ticket)) {
		/* Not holding a connection the gateway would time out. */
		log_info("link %s: %s:%d answers, dialing in turn", l->lc->name,
		    t->host, t->port);
		dial_free(d);
		link_set_state(l, LINK_QUEUED);
		return true;
	}
	log_info("link %s: %s:%d answers, dialing now", l->lc->name, t->host,
	    t->port);
	l->stop_begun = false;
	l->reached = false;
	l->timed_out = false;
	l->dial = d;
	link_set_state(l, LINK_CONNECTING);
	return true;
}

static void
link_dialed(int fd, const struct dial_target *t,
    const struct sockaddr_storage *addr, const char *cause, void *arg)
{
	struct link	*l = arg;
	char		*err = NULL;

	if (l->state == LINK_BACKOFF && (!link_probed(l, fd, t, cause) ||
	    l->state == LINK_QUEUED))
		return;
	if (fd == -1) {
		l->path_down = !l->reached;
		link_fail(l, LINK_FAIL_NETWORK, "%s", cause);
		return;
	}
	l->reached = true;
	l->path_down = false;
	free(l->host);
	l->host = xstrdup(t->host);	/* t lives in the dial */
	l->port = t->port;
	l->gw_addr = *addr;
	if ((l->ssh = ssh_new(fd, &err)) == NULL) {
		link_fail(l, LINK_FAIL_NETWORK, "ssh: %s", err);
		free(err);
		return;
	}
	l->sshfd = ssh_fd(l->ssh);
	l->ssh_dead = false;
	loop_fd_add(l->loop, l->sshfd, POLLIN, link_session_ready, l);
	link_step_begin(l, LINK_HANDSHAKE,
	    (uint64_t)l->lc->connect_timeout * 1000);
	link_pump(l);
}

/*
 * The host that answered failed its SSH handshake (why): close the
 * session and let the dial go on with the other hosts, back in
 * CONNECTING.  False when no other host is left.
 */
static bool
link_next_host(struct link *l, const char *why)
{
	char	*cause;

	if (l->dial == NULL)
		return false;
	xasprintf(&cause, "%s:%d: %s", l->host, l->port, why);
	if (dial_resume(l->dial, l->lc->connect_timeout * 1000, cause) == -1) {
		free(cause);
		return false;
	}
	log_warnx("link %s: %s; trying the next host", l->lc->name, cause);
	free(cause);
	loop_timer_cancel(l->loop, &l->deadline);
	loop_fd_del(l->loop, l->sshfd);
	if (!l->ssh_dead)
		ssh_disconnect(l->ssh, "handshake failed");
	ssh_free(l->ssh);
	l->ssh = NULL;
	l->sshfd = -1;
	l->ssh_dead = false;
	free(l->host);
	l->host = NULL;
	l->timed_out = false;
	link_set_state(l, LINK_CONNECTING);
	return true;
}

/*
 * Dial now, from DOWN or BACKOFF (a probe under way is dropped), or from
 * CONNECTING (again); or, when the gate has no slot free, wait in QUEUED
 * for link_admitted().
 */
static void
link_dial(struct link *l)
{
	loop_timer_cancel(l->loop, &l->redial);
	pathprobe_stop(&l->probe);
	dial_free(l->dial);
	l->dial = NULL;
	l->stop_begun = false;
	l->reached = false;
	if (l->admit != NULL && !admit_enter(l->admit, &l->ticket)) {
		link_set_state(l, LINK_QUEUED);
		return;
	}
	link_dial_admitted(l);
}

/* The gate let a queued link in: dial. */
static void
link_admitted(void *arg)
{
	struct link	*l = arg;

	if (l->state != LINK_QUEUED) {
		admit_leave(&l->ticket);	/* not waiting any more */
		return;
	}
	log_debug("link %s: its turn to dial", l->lc->name);
	link_dial_admitted(l);
}

/* Dial, holding a slot (or with no gate). */
static void
link_dial_admitted(struct link *l)
{
	struct dial_target	*t;
	size_t			 n;

	l->timed_out = false;
	t = pathprobe_targets(l->lc, &n);
	link_set_state(l, LINK_CONNECTING);
	l->dial = dial_start(l->loop, t, n, l->lc->connect_timeout * 1000,
	    link_dialed, l);
	free(t);
}

static void
link_redial_fired(void *arg)
{
	struct link	*l = arg;

	if (l->state != LINK_BACKOFF)
		return;
	l->redials++;
	link_dial(l);
}

/*
 * Down after a failure: wait before the next dial, as long as the
 * incident rule says (backoff_next()).  After a network failure where
 * the dial reached no host, the path is probed meanwhile (link_probe()).
 */
static void
link_backoff(struct link *l)
{
	const struct link_conf	*lc = l->lc;
	uint64_t		 min = (uint64_t)lc->backoff.min * 1000;
	uint64_t		 cap = (uint64_t)lc->backoff.cap * 1000;
	uint64_t		 delay;
	char			 why[64];

	delay = backoff_next(&l->inc, min, cap, l->fclass == LINK_FAIL_HARD,
	    l->fast, l->admit != NULL ? admit_crowd(l->admit) : 1,
	    arc4random(), why, sizeof(why));
	l->dial_at = loop_now(l->loop) + delay;
	link_set_state(l, LINK_BACKOFF);
	log_info("link %s: re-dial in %.1f s (%s)%s", lc->name,
	    (double)delay / 1000, why, l->fclass == LINK_FAIL_NETWORK &&
	    l->path_down && delay > 0 ? ", probing the path meanwhile" : "");
	loop_timer_set(l->loop, &l->redial, delay);
	if (l->fclass == LINK_FAIL_NETWORK && l->path_down)
		link_probe(l);
}

void
link_start(struct link *l)
{
	l->want_up = true;
	switch (l->state) {
	case LINK_DOWN:
		free(l->reason);
		l->reason = NULL;
		l->fclass = LINK_FAIL_NONE;
		l->inc.fails = l->inc.flaps = 0;
		link_dial(l);
		break;
	case LINK_BACKOFF:
		link_dial(l);
		break;
	case LINK_STOPPING:
		l->restart = true;
		break;
	default:
		break;
	}
}

void
link_restart(struct link *l, const char *reason)
{
	if (l->state == LINK_DOWN || l->state == LINK_BACKOFF ||
	    l->state == LINK_QUEUED) {
		link_start(l);
		return;
	}
	l->want_up = true;
	l->restart = true;
	if (l->state != LINK_STOPPING) {
		log_info("link %s: restarting: %s", l->lc->name, reason);
		free(l->reason);
		l->reason = xstrdup(reason);
		l->fclass = LINK_FAIL_NONE;
		link_set_state(l, LINK_STOPPING);
		link_stop_progress(l);
	}
}

void
link_probe_failed(struct link *l, const char *reason)
{
	if (l->state == LINK_UP)
		link_fail(l, LINK_FAIL_REMOTE, "%s", reason);
}

int
link_local_addr(const struct link *l, struct sockaddr_storage *ss)
{
	socklen_t	len = sizeof(*ss);

	if (l->ssh == NULL || l->sshfd == -1)
		return -1;
	return getsockname(l->sshfd, (struct sockaddr *)ss, &len);
}

void
link_network_changed(struct link *l)
{
	struct sockaddr_storage	 ss;
	struct rtnl_route	 rt;
	socklen_t		 len = sizeof(ss);
	const void		*dst, *src;
	size_t			 alen;
	int			 r;

	if (l->state == LINK_BACKOFF && l->fclass != LINK_FAIL_HARD) {
		log_info("link %s: network changed, dialing now",
		    l->lc->name);
		l->redials++;
		link_dial(l);
		return;
	}
	if (l->state == LINK_CONNECTING) {
		/*
		 * The dial under way may be waiting on TCP's own SYN
		 * retries (+1, +3, +7 s) from before the change: start over.
		 */
		log_info("link %s: network changed, dialing again",
		    l->lc->name);
		dial_free(l->dial);
		l->dial = NULL;
		l->redials++;
		link_dial(l);
		return;
	}
	if (l->state == LINK_STOPPING && l->fclass == LINK_FAIL_NETWORK) {
		/* On its way to backoff: skip the wait. */
		l->fast = true;
		return;
	}
	if (l->state != LINK_UP || l->ssh == NULL || l->ssh_dead)
		return;
	/* Does the path to the gateway still leave from our address? */
	if (getsockname(l->sshfd, (struct sockaddr *)&ss, &len) == -1)
		return;
	if (ss.ss_family == AF_INET) {
		dst = &((struct sockaddr_in *)(void *)&l->gw_addr)->sin_addr;
		src = &((struct sockaddr_in *)(void *)&ss)->sin_addr;
		alen = 4;
	} else {
		dst = &((struct sockaddr_in6 *)(void *)&l->gw_addr)->sin6_addr;
		src = &((struct sockaddr_in6 *)(void *)&ss)->sin6_addr;
		alen = 16;
	}
	r = rtnl_route_get(l->rtnl, ss.ss_family, dst, &rt);
	if (r < 0) {
		l->fast = true;
		link_fail(l, LINK_FAIL_NETWORK, "network changed: no route "
		    "to %s any more: %s", l->host, strerror(-r));
		return;
	}
	if (rt.has_prefsrc && memcmp(&rt.prefsrc, src, alen) != 0) {
		l->fast = true;
		link_fail(l, LINK_FAIL_NETWORK, "network changed: the path "
		    "to %s no longer leaves from our address", l->host);
		return;
	}
	log_debug("link %s: network changed, path to %s unchanged",
	    l->lc->name, l->host);
}

void
link_resumed(struct link *l, uint64_t slept_ms)
{
	link_network_changed(l);
	if (l->state != LINK_UP || l->ssh == NULL || l->ssh_dead)
		return;
	/*
	 * libssh2 sends a keepalive once an interval has passed on the
	 * wall clock, which went on while we slept: after a shorter sleep
	 * none would go now, and the usual keepalive check is near anyway.
	 */
	if (slept_ms < (uint64_t)l->lc->keepalive.interval * 1000)
		return;
	log_info("link %s: woke from sleep: does %s:%d still answer?",
	    l->lc->name, l->host, l->port);
	l->wake_check = loop_now(l->loop);
	loop_timer_set(l->loop, &l->keepalive, 0);
}

void
link_info(const struct link *l, struct link_info *info)
{
	uint64_t	now = loop_now(l->loop);

	memset(info, 0, sizeof(*info));
	info->name = l->lc->name;
	info->ifname = l->lc->ifname;
	info->state = l->state;
	info->since = l->since;
	info->reason = l->reason;
	info->fclass = l->fclass;
	info->needs_attention = l->fclass == LINK_FAIL_HARD;
	info->wanted = l->want_up;
	info->redials = l->redials;
	info->next_dial = -1;
	info->queue_pos = admit_position(&l->ticket);
	if (l->state == LINK_BACKOFF)
		info->next_dial = l->dial_at > now ?
		    (int)((l->dial_at - now + 999) / 1000) : 0;
	info->host = l->host;
	info->port = l->port;
	info->bytes_out = l->bytes_out;
	info->bytes_in = l->bytes_in;
	memcpy(info->failures, l->failures, sizeof(info->failures));
	info->rtt_us = l->rtt != NULL ? rtt_last_us(l->rtt) : -1;
	info->dns = l->dns != NULL ? dnsapply_status(l->dns) : NULL;
	if (l->relay != NULL) {
		uint64_t	out, in;

		relay_bytes(l->relay, &out, &in);
		info->bytes_out += out;
		info->bytes_in += in;
	}
}

/* ----------------------------------------------------------- teardown */

/*
 * Undo in order, each step once, each waiting only on the loop: local
 * routes; the far end's routes (channel 2, while the session works);
 * SIGTERM to the local pppd, which sends LCP Terminate through the
 * still-running relay so the remote pppd ends too; once pppd is reaped,
 * channel 1 and the session are closed and the gateway route unpinned.
 */
static void
link_stop_progress(struct link *l)
{
	char	*cause = NULL;
	int	 r;

	if (l->state != LINK_STOPPING)
		return;
	if (!l->stop_begun) {
		l->stop_begun = true;
		loop_timer_set(l->loop, &l->deadline, LINK_STOP_TIMEOUT);
		dial_free(l->dial);
		l->dial = NULL;
		link_check_silent(l);
		localroutes_del(&l->here);
		/*
		 * An install in flight: let it go, then remove; but not
		 * a pty link's (far_job): the routes it may have put in
		 * go with the far interface, as channel 1's do.
		 */
		if (l->routes != NULL && routejob_running(l->routes) &&
		    !l->ssh_dead && !l->far_job)
			l->remote_routes = true;
		routejob_free(l->routes);
		l->routes = NULL;
		if (l->remote_routes && !l->ssh_dead && l->ssh != NULL) {
			link_route_start(l, true);
			link_pump(l);
			return;
		}
	}
	/* The far end's routes go first, while its interface exists. */
	if (l->routes != NULL && !l->ssh_dead)
		return;
	if (link_pppd_running(l) &&
	    (l->ssh_dead || l->chan_gone || l->tunnel_dead) &&
	    !pppchild_ending(l->pppd) && l->old_pppd == NULL &&
	    (l->want_up || l->restart)) {
		/*
		 * No peer to say goodbye to: hang pppd up rather than let it
		 * wait for an answer to its LCP Terminate, and let it end
		 * (its ip-down scripts) while the next dial goes on; the next
		 * pppd waits for it (link_channel_pump()).
		 */
		link_relay_end(l);
		pppchild_term(l->pppd);
		l->old_pppd = l->pppd;
		l->pppd = NULL;
	}
	if (link_pppd_running(l)) {
		if (!pppchild_ending(l->pppd)) {
			/* No peer: as above, but the link stays down. */
			if (l->ssh_dead || l->chan_gone || l->tunnel_dead)
				link_relay_end(l);
			pppchild_term(l->pppd);
			link_pump(l);
		}
		return;
	}
	if (l->chan != NULL && l->chan_started && !l->ssh_dead &&
	    !l->chan_closed) {
		/* Reading it fails from now on: nothing pumps it any more. */
		l->chan_closing = true;
		r = ssh_chan_close(l->chan, &cause);
		if (r == SSH_AGAIN) {
			l->again = true;
			link_update_events(l);
			return;
		}
		l->chan_closed = true;
		if (r == SSH_OK) {
			const char	*sig = NULL;
			int		 st;

			st = ssh_chan_exit_status(l->chan, &sig);
			if (st == -1 && sig != NULL)
				log_info("link %s: remote pppd killed by "
				    "SIG%s", l->lc->name, sig);
			else if (st == -1)
				log_info("link %s: remote pppd: no exit "
				    "status", l->lc->name);
			else
				log_info("link %s: remote pppd exited with "
				    "status %d (%s)", l->lc->name, st,
				    st == 0 ? "ok" : ppp_exit_reason(st));
		}
		else {
			log_debug("link %s: close channel: %s", l->lc->name,
			    cause);
			free(cause);
		}
	}
	/* Down for good: the last pppd's end is waited for too. */
	if (l->old_pppd != NULL && !l->want_up && !l->restart) {
		pppchild_term(l->old_pppd);
		return;
	}
	link_finish(l);
}

/*
 * A session that has been silent for two keepalive intervals (nothing,
 * not even the answer to a keepalive or an LCP echo) cannot answer the
 * teardown: do not wait on it.  What it leaves at the far end is cleaned
 * at the next dial (the remote command ends a stale pppd, routes go in
 * with replace).
 */
static void
link_check_silent(struct link *l)
{
	uint64_t	last_rx, now = loop_now(l->loop), limit;

	if (l->ssh == NULL || l->ssh_dead || l->state != LINK_STOPPING)
		return;
	ssh_counters(l->ssh, NULL, NULL, &last_rx);
	limit = (uint64_t)l->lc->keepalive.interval * 2000;
	if (last_rx >= now || now - last_rx <= limit)
		return;
	log_info("link %s: nothing from %s:%d for %llu s: not waiting on it",
	    l->lc->name, l->host, l->port,
	    (unsigned long long)((now - last_rx) / 1000));
	l->ssh_dead = true;
}

/* End the relay and close the pty master: pppd sees a hangup. */
static void
link_relay_end(struct link *l)
{
	relay_gate_stop(&l->gate);
	if (l->relay != NULL) {
		uint64_t	out, in;

		relay_bytes(l->relay, &out, &in);
		l->bytes_out += out;
		l->bytes_in += in;
	}
	relay_free(l->relay);
	l->relay = NULL;
	l->relay_done = false;
	if (l->pty != -1) {
		loop_fd_del(l->loop, l->pty);
		close(l->pty);
		l->pty = -1;
	}
}

/* Release everything the link holds; it ends DOWN. */
static void
link_teardown(struct link *l)
{
	loop_timer_cancel(l->loop, &l->deadline);
	loop_timer_cancel(l->loop, &l->keepalive);
	loop_timer_cancel(l->loop, &l->kick);
	pathprobe_stop(&l->probe);
	rtt_free(l->rtt);
	l->rtt = NULL;
	if (l->dns != NULL)
		dnsapply_clear(l->dns);
	memset(l->dns_srv, 0, sizeof(l->dns_srv));
	dial_free(l->dial);
	l->dial = NULL;
	admit_leave(&l->ticket);
	localroutes_del(&l->here);
	link_relay_end(l);
	/* Still running only from link_free(): then it is killed. */
	pppchild_free(l->pppd);
	l->pppd = NULL;
	routejob_free(l->routes);
	l->routes = NULL;
	ssh_chan_free(l->chan);
	l->chan = NULL;
	l->chan_started = l->chan_closed = l->chan_gone = false;
	l->tunnel_dead = false;
	l->chan_closing = false;
	if (l->ssh != NULL) {
		loop_fd_del(l->loop, l->sshfd);
		if (!l->ssh_dead)
			ssh_disconnect(l->ssh, "link down");
		ssh_free(l->ssh);
		l->ssh = NULL;
		l->sshfd = -1;
	}
	localroutes_unpin(&l->here);
	free(l->remote_cmd);
	l->remote_cmd = NULL;
	free(l->host);
	l->host = NULL;
	free(l->chan_error);
	l->chan_error = NULL;
	l->ifindex = 0;
	l->if_addr = l->if_up = false;
	l->remote_routes = false;
	l->far_job = false;
	l->far_status = -1;
	l->far_err[0] = '\0';
	lines_reset(&l->rerr);
}

/* Everything is released: dial again, wait to, or stay down. */
static void
link_finish(struct link *l)
{
	link_teardown(l);
	if (l->restart) {
		l->restart = false;
		l->inc.fails = l->inc.flaps = 0;
		link_set_state(l, LINK_DOWN);
		link_dial(l);
	} else if (l->want_up && l->fclass != LINK_FAIL_NONE)
		link_backoff(l);
	else
		link_set_state(l, LINK_DOWN);
	l->fast = false;
	l->inc.was_up = false;
	l->stop_begun = false;
}

void
link_stop(struct link *l, const char *reason)
{
	l->want_up = false;
	l->restart = false;
	if (l->state == LINK_BACKOFF || l->state == LINK_QUEUED) {
		loop_timer_cancel(l->loop, &l->redial);
		pathprobe_stop(&l->probe);
		dial_free(l->dial);
		l->dial = NULL;
		if (l->old_pppd == NULL) {
			link_set_state(l, LINK_DOWN);
			return;
		}
	}
	if (l->state == LINK_DOWN || l->state == LINK_STOPPING)
		return;
	log_info("link %s: stopping: %s", l->lc->name, reason);
	free(l->reason);
	l->reason = xstrdup(reason);
	l->fclass = LINK_FAIL_NONE;
	link_set_state(l, LINK_STOPPING);
	link_stop_progress(l);
}

struct link *
link_new(struct loop *loop, struct rtnl *rtnl, const struct link_conf *lc,
    link_state_cb cb, void *arg)
{
	struct link	*l;
	char		*tag;

	l = xcalloc(1, sizeof(*l));
	l->loop = loop;
	l->rtnl = rtnl;
	l->lc = lc;
	l->cb = cb;
	l->cbarg = arg;
	l->state = LINK_DOWN;
	l->sshfd = -1;
	l->pty = -1;
	loop_timer_init(&l->deadline, link_deadline_fired, l);
	loop_timer_init(&l->keepalive, link_keepalive_fired, l);
	loop_timer_init(&l->redial, link_redial_fired, l);
	loop_timer_init(&l->kick, link_kick, l);
	admit_ticket_init(&l->ticket, link_admitted, l);
	relay_gate_init(&l->gate, loop, link_gate_fired, l);
	lines_init(&l->rerr, "link %s: remote", lc->name);
	lines_take(&l->rerr, link_remote_line, l);
	l->far_status = -1;
	localroutes_init(&l->here, rtnl, "link %s", lc->name);
	xasprintf(&tag, "link %s", lc->name);
	pathprobe_init(&l->probe, loop, tag, link_dialed, l);
	if (lc->dns)
		l->dns = dnsapply_new(loop, tag, lc->ifname,
		    lc->dns_domains.v);
	free(tag);
	l->since = time(NULL);
	return l;
}

void
link_set_admit(struct link *l, struct admit *gate)
{
	admit_leave(&l->ticket);
	l->admit = gate;
}

void
link_set_conf(struct link *l, const struct link_conf *lc)
{
	l->lc = lc;
	pathprobe_set_conf(&l->probe, lc);
	if (l->fe.lc != NULL)
		farend_init(&l->fe, lc);	/* it points into the config */
}

void
link_free(struct link *l)
{
	if (l == NULL)
		return;
	link_teardown(l);
	/* Still ending only from here: then it is killed. */
	pppchild_free(l->old_pppd);
	loop_timer_cancel(l->loop, &l->redial);
	pathprobe_free(&l->probe);
	dnsapply_free(l->dns);
	free(l->reason);
	free(l);
}
