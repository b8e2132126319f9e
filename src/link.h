/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * One VPN link: its state machine from dial to routes, and its teardown.
 * A struct link owns everything the link holds while it runs (the dial,
 * the SSH session and channels, the local pppd and its pty, the relay,
 * the routes it installed, its timers) and releases all of it in
 * link_teardown(), whatever the state.
 */
#ifndef PPPSSH_LINK_H
#define PPPSSH_LINK_H

#include <stdbool.h>
#include <stdint.h>

struct link;
struct link_conf;
struct loop;
struct rtnl;
struct rtnl_event;

enum link_state {
	LINK_DOWN,
	LINK_CONNECTING,	/* resolving and TCP connect */
	LINK_HANDSHAKE,		/* SSH handshake and host key check */
	LINK_AUTH,		/* public key authentication */
	LINK_PPP,		/* both pppds started, waiting for IPCP */
	LINK_ROUTES,		/* installing routes at both ends */
	LINK_UP,
	LINK_STOPPING,		/* tearing down both ends */
};

/* What a failure means for the next attempt. */
enum link_fail_class {
	LINK_FAIL_NONE,
	LINK_FAIL_NETWORK,	/* re-dial */
	LINK_FAIL_REMOTE,	/* re-dial */
	LINK_FAIL_HARD,		/* host key, auth, refused: needs attention */
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
/* Tear down whatever runs, at once (no waiting), and free; NULL no-op. */
void		 link_free(struct link *);

/* Dial: DOWN -> CONNECTING.  No-op in any other state. */
void		 link_start(struct link *);
/*
 * Take the link down cleanly (both ends); it reaches DOWN later, told
 * through the state callback.  No-op when already down or stopping.
 */
void		 link_stop(struct link *, const char *reason);

/* Every rtnetlink event, for the link to pick out its interface. */
void		 link_rtnl_event(struct link *, const struct rtnl_event *);

const char	*link_name(const struct link *);
enum link_state	 link_state(const struct link *);
const char	*link_state_name(enum link_state);
/* The reason of the last failure or stop; NULL if none yet. */
const char	*link_reason(const struct link *);
enum link_fail_class link_fail_class(const struct link *);

#endif
