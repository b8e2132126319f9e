/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The set of vpnd's links.  A struct links owns one struct link per link
 * of the current config, in config order; the links retiring after a
 * reload (removed, or changed and replaced by a successor of the same
 * name) until each is DOWN; and the configs: the current one, and the
 * old ones the retiring links still point into, freed once the last
 * retiring link is gone.  It starts the links, applies a reloaded
 * config (links whose settings did not change keep running untouched;
 * a changed link's successor, which has the same interface name, and
 * every new link start only once no retiring link is left), fans
 * rtnetlink events out to the links, turns a burst of network changes
 * into one call to each link, tells them all when the machine woke from
 * sleep, and stops them all at exit.  The changed
 * hook runs inside the link's code; what the set does about a link that
 * reached DOWN (free it, start the links waiting for it, tell all_down)
 * runs later, from the loop.
 */
#ifndef PPPSSH_LINKS_H
#define PPPSSH_LINKS_H

#include <stddef.h>
#include <stdint.h>

#include "link.h"

#define LINKS_NETCHANGE_MS	200	/* quiet time after a network change */
#define LINKS_NETDOWN_MS	20	/* the same, for links not up */

struct conf;
struct links;
struct loop;
struct rtnl;
struct rtnl_event;

/* What the owner of the set hears; arg is passed to each. */
struct links_hooks {
	void	 *arg;
	/* Any link of the set, retiring ones too, changed state. */
	void	(*changed)(struct link *, enum link_state old, void *arg);
	/* The links were told of a network change (after the debounce). */
	void	(*network_changed)(void *arg);
	/*
	 * After links_stop_all(): every link is DOWN and none retires
	 * (from links_stop_all() itself when nothing ran).
	 */
	void	(*all_down)(void *arg);
};

/*
 * A set for c, which it takes over: a link for each of c's links, and
 * the autostart ones dial now.  The loop and the rtnetlink handle are
 * shared by every link; hooks is copied.
 */
struct links	*links_new(struct loop *, struct rtnl *, struct conf *c,
		    const struct links_hooks *hooks);
/*
 * Free every link at once (link_free(): nothing waits for the far end)
 * and every config; NULL is a no-op.
 */
void		 links_free(struct links *);

/* What links_apply() did, for the log. */
struct links_diff {
	size_t	kept;		/* unchanged, still running */
	size_t	stopped;	/* removed or changed: retiring */
	size_t	started;	/* new or successors: start when settled */
};

/*
 * Take over c, a reloaded config, as the current one.  A link whose
 * settings did not change (link_conf_equal()) is kept running and
 * pointed at c; a removed or changed link is stopped and retires; the
 * other links of c are new (in DOWN) and those with autostart dial once
 * no link retires any more.  *diff (if not NULL) says how many of each.
 * The config c replaces stays until its retiring links are DOWN.
 */
void		 links_apply(struct links *, struct conf *c,
		    struct links_diff *diff);

/*
 * Take every link down cleanly and start none any more (nor a pending
 * one); the all_down hook runs once everything has reached DOWN.  The
 * set does not watch for network changes any more.
 */
void		 links_stop_all(struct links *);

/* The current config (the last one applied); it lives until the next. */
const struct conf *links_conf(const struct links *);

/* The link of the current config named name, or NULL. */
struct link	*links_find(const struct links *, const char *name);
/*
 * The links of the current config, in its order: i from 0 to
 * links_count() - 1.  Retiring links are not among them.
 */
size_t		 links_count(const struct links *);
struct link	*links_at(const struct links *, size_t i);

/*
 * The links of the current config in one line, for the service manager
 * (systemctl status): how many are up, then each one that is not, with
 * its state and the reason of its last failure or stop:
 *	2 of 3 links up; branch: backoff, connect 192.0.2.7:22: refused
 * Written to buf, cut to fit len (at least 4) and then ending in "...".
 */
void		 links_summary(const struct links *, char *buf, size_t len);

/*
 * Every rtnetlink event: to each link of the current config, and
 * watched for network changes (default route, addresses not on our
 * interfaces, a resync), which reach the links that are up
 * LINKS_NETCHANGE_MS after the last of a burst (a path that only
 * blinked stays), and the others (waiting for a network to dial)
 * LINKS_NETDOWN_MS after each event (one `ip` command's events).
 */
void		 links_rtnl_event(struct links *, const struct rtnl_event *);

/*
 * The machine slept slept_ms and woke up (sleepwatch.h): every link of
 * the current config is told at once (link_resumed()), and a network
 * change waiting for its debounce goes with it.  The network_changed
 * hook runs too: an address may have changed meanwhile.
 */
void		 links_resumed(struct links *, uint64_t slept_ms);

#endif
