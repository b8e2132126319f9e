/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * One VPN link: its state machine from dial to routes, and its teardown.
 * A struct link owns everything the link holds while it runs (the dial
 * or the path probe, the SSH session and channel 1, the local pppd child
 * and its pty master, the relay between them, the route job on channel
 * 2, the routes it installed here, the in-tunnel echo while it is up,
 * the far end's name servers applied here, its timers) and releases all
 * of it in link_teardown(), whatever the state; but the local pppd of a
 * session that died is left to end (its ip-down scripts) while the link
 * dials again, and freed when it is gone, or killed by link_free().  The
 * next pppd waits for it: it holds the interface's name.  The objects it
 * holds do one job each (dial.h, ssh.h, pppchild.h, relay.h, routejob.h,
 * localroutes.h, rtt.h, dnsapply.h) and know nothing of links; link.c
 * decides what each outcome means.
 */
#ifndef PPPSSH_LINK_H
#define PPPSSH_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct admit;
struct link;
struct link_conf;
struct loop;
struct rtnl;
struct rtnl_event;
struct sockaddr_storage;

enum link_state {
	LINK_DOWN,
	LINK_CONNECTING,	/* resolving and TCP connect */
	LINK_HANDSHAKE,		/* SSH handshake and host key check */
	LINK_AUTH,		/* public key authentication */
	LINK_PPP,		/* both pppds started, waiting for IPCP */
	LINK_ROUTES,		/* installing routes at both ends */
	LINK_UP,
	LINK_STOPPING,		/* tearing down both ends */
	LINK_BACKOFF,		/* down, waiting to re-dial */
	LINK_QUEUED,		/* waiting for its turn to dial (admit.h) */
};

/* What a failure means for the next attempt. */
enum link_fail_class {
	LINK_FAIL_NONE,
	LINK_FAIL_NETWORK,	/* re-dial */
	LINK_FAIL_REMOTE,	/* re-dial */
	LINK_FAIL_HARD,		/* host key, auth, refused: needs attention */
};

/* What `vpnctl status` shows of a link. */
struct link_info {
	const char		*name;
	const char		*ifname;
	enum link_state		 state;
	time_t			 since;		/* wall clock, entered state */
	const char		*reason;	/* last failure or stop; NULL */
	enum link_fail_class	 fclass;	/* of that failure */
	bool			 needs_attention; /* hard failure */
	bool			 wanted;	/* should be up (re-dials) */
	unsigned		 redials;	/* attempts after the first */
	int			 next_dial;	/* seconds to the next; -1 */
	size_t			 queue_pos;	/* QUEUED: 1 for the next; 0 */
	const char		*host;		/* gateway in use, or NULL */
	int			 port;
	uint64_t		 bytes_out;	/* through the relay, to peer */
	uint64_t		 bytes_in;
	unsigned		 failures[LINK_FAIL_HARD + 1]; /* by class */
	int			 rtt_us;	/* in-tunnel RTT; -1 none */
	const char		*dns;		/* dns yes: applied how; NULL */
};

/* Told whenever the link changes state. */
typedef void	(*link_state_cb)(struct link *, enum link_state old,
		    void *arg);

/*
 * A new link for lc, in state DOWN.  lc must outlive the link.  The
 * loop and the rtnetlink handle are shared with other links.
 */
struct link	*link_new(struct loop *, struct rtnl *,
		    const struct link_conf *lc, link_state_cb, void *arg);
/*
 * Point the link at lc, a config equal to its own (link_conf_equal())
 * from a reloaded file; the link keeps running untouched.
 */
void		 link_set_conf(struct link *, const struct link_conf *lc);
/*
 * Dial only when gate lets the link in (admit.h): from CONNECTING to
 * PPP the link holds one of its slots, and while none is free it waits
 * in QUEUED, which is not a failure.  NULL: dial at once (the default).
 * The gate must outlive the link.
 */
void		 link_set_admit(struct link *, struct admit *gate);
/* Tear down whatever runs, at once (no waiting), and free; NULL no-op. */
void		 link_free(struct link *);

/*
 * Want the link up: dial now if it is down (a pending re-dial is
 * brought forward), and re-dial after every failure from now on.
 */
void		 link_start(struct link *);
/*
 * Want the link down: take it down cleanly (both ends) and do not
 * re-dial; it reaches DOWN later, told through the state callback.
 */
void		 link_stop(struct link *, const char *reason);
/* Take the link down cleanly, then dial again at once. */
void		 link_restart(struct link *, const char *reason);
/*
 * The health probe gave up on a link that is up: fail it with reason
 * (class remote), so it goes down and re-dials after its backoff.  In
 * any other state nothing happens.
 */
void		 link_probe_failed(struct link *, const char *reason);
/*
 * The local address of the link's SSH connection into *ss: 0, or -1
 * when the link has no connection.
 */
int		 link_local_addr(const struct link *,
		    struct sockaddr_storage *ss);
/* Fill *info; its strings live until the link changes state. */
void		 link_info(const struct link *, struct link_info *);

/* Every rtnetlink event, for the link to pick out its interface. */
void		 link_rtnl_event(struct link *, const struct rtnl_event *);
/*
 * The network changed (default route, local addresses): a link in
 * backoff, or stopping after a network failure, dials at once; one
 * dialing dials again; a link that is up checks its path at once.
 */
void		 link_network_changed(struct link *);
/*
 * The machine slept slept_ms and woke up.  As after a network change
 * (a link waiting to re-dial dials now, the path of one that is up is
 * checked); and a link that is up and slept at least a keepalive
 * interval asks the gateway for a keepalive reply at once and fails
 * (network, re-dialed) if nothing arrives within LINK_WAKE_TIMEOUT (in
 * link.c, a few seconds): the
 * gateway or a NAT on the way may have dropped the session meanwhile,
 * and the keepalive alone would take interval x (misses + 1) to say so.
 */
void		 link_resumed(struct link *, uint64_t slept_ms);

const char	*link_name(const struct link *);
enum link_state	 link_state(const struct link *);
const char	*link_state_name(enum link_state);
/* The reason of the last failure or stop; NULL if none yet. */
const char	*link_reason(const struct link *);
enum link_fail_class link_fail_class(const struct link *);

#endif
