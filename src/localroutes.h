/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The routes a link installs on this host through rtnetlink: its
 * remote-nets out of its ppp interface, and a host route that keeps the
 * SSH gateway outside the tunnel when a remote-net covers it.  A struct
 * localroutes is embedded in its owner and owns what it installed: a
 * copy of those prefixes (so that removing them needs no config) and
 * the pinned host route.  localroutes_del() and localroutes_unpin()
 * undo, each at most once per install; calling them again is harmless.
 * The far end's routes are another job (routejob.h).
 */
#ifndef PPPSSH_LOCALROUTES_H
#define PPPSSH_LOCALROUTES_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"

struct conf_nets;
struct rtnl;

struct localroutes {
	struct rtnl	*rtnl;
	char		 tag[64];	/* "link office", starts log lines */
	struct prefix	*nets;		/* installed out of ifindex */
	size_t		 n;
	int		 ifindex;
	struct prefix	 pin;		/* the gateway's host route */
	bool		 pinned;
};

/* Nothing installed yet; the tag (printf, truncated) starts log lines. */
void	localroutes_init(struct localroutes *, struct rtnl *,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/*
 * If a prefix of nets covers gw, install a host route to gw the way
 * the kernel routes it now (out of the same interface, via the same
 * gateway).  Best effort: a failure is logged, and the link goes on.
 */
void	localroutes_pin_gateway(struct localroutes *,
	    const struct sockaddr_storage *gw, const struct conf_nets *nets);
/*
 * Install each prefix of nets out of ifindex (named ifname).  Returns
 * 0, or -1 with *cause set (caller frees) at the first that fails; the
 * ones before it stay installed until localroutes_del().
 */
int	localroutes_add(struct localroutes *, const struct conf_nets *nets,
	    int ifindex, const char *ifname, char **cause);
/*
 * Remove what localroutes_add() installed, last first.  A route gone
 * already (with its interface) is fine; other failures are logged.
 */
void	localroutes_del(struct localroutes *);
/* Remove the gateway's host route, if one was pinned. */
void	localroutes_unpin(struct localroutes *);

#endif
