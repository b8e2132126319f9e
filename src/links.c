/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The set of vpnd's links (see links.h): the current links and their
 * config, the retiring links and the configs they point into, the
 * reload diff, the admission gate every link dials through (admit.h)
 * and the crowd it tells them of, and the timers that act from the
 * loop: settle (after a link reached DOWN or a reload) and netchange
 * and netdown (the debounce, for links that are up and for those that
 * are not).
 */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admit.h"
#include "conf.h"
#include "link.h"
#include "links.h"
#include "loop.h"
#include "netlink.h"
#include "xmalloc.h"

struct links {
	struct loop		 *loop;
	struct rtnl		 *rtnl;
	struct links_hooks	  hooks;
	struct conf		 *conf;
	struct link		**links;	/* one per link of conf */
	bool			 *pending;	/* start once none retires */
	size_t			  nlinks;
	struct link		**retiring;	/* removed or changed */
	size_t			  nretiring;
	struct conf		**old_confs;	/* the retiring links' */
	size_t			  nold_confs;
	struct admit		 *gate;		/* dials at once */
	bool			  stopping;	/* links_stop_all() called */
	struct loop_timer	  settle;	/* links_settle() */
	struct loop_timer	  netchange;	/* the debounce: links up */
	struct loop_timer	  netdown;	/* links not up */
};

static void	links_settle(struct links *);
static void	links_settle_fired(void *);
static void	links_netchange_fired(void *);
static void	links_netdown_fired(void *);
static void	links_link_changed(struct link *, enum link_state, void *);
static struct link *links_link_new(struct links *, const struct link_conf *);
static unsigned	links_dial_limit(const struct conf *);
static void	links_summary_add(char *, size_t, size_t *, const char *, ...)
		    __attribute__((format(printf, 4, 5)));

struct links *
links_new(struct loop *loop, struct rtnl *rtnl, struct conf *c,
    const struct links_hooks *hooks)
{
	struct links	*ls;
	size_t		 i;

	ls = xcalloc(1, sizeof(*ls));
	ls->loop = loop;
	ls->rtnl = rtnl;
	ls->hooks = *hooks;
	ls->conf = c;
	loop_timer_init(&ls->settle, links_settle_fired, ls);
	loop_timer_init(&ls->netchange, links_netchange_fired, ls);
	ls->gate = admit_new(loop, links_dial_limit(c), 1);
	loop_timer_init(&ls->netdown, links_netdown_fired, ls);
	ls->nlinks = c->nlinks;
	ls->links = xcalloc(ls->nlinks ? ls->nlinks : 1, sizeof(*ls->links));
	ls->pending = xcalloc(ls->nlinks ? ls->nlinks : 1,
	    sizeof(*ls->pending));
	for (i = 0; i < ls->nlinks; i++) {
		ls->links[i] = links_link_new(ls, c->links[i]);
		if (c->links[i]->autostart)
			link_start(ls->links[i]);
	}
	return ls;
}

void
links_free(struct links *ls)
{
	size_t	i;

	if (ls == NULL)
		return;
	for (i = 0; i < ls->nlinks; i++)
		link_free(ls->links[i]);
	for (i = 0; i < ls->nretiring; i++)
		link_free(ls->retiring[i]);
	/* After the links: nothing can arm them again. */
	loop_timer_cancel(ls->loop, &ls->settle);
	loop_timer_cancel(ls->loop, &ls->netchange);
	admit_free(ls->gate);
	loop_timer_cancel(ls->loop, &ls->netdown);
	for (i = 0; i < ls->nold_confs; i++)
		conf_free(ls->old_confs[i]);
	conf_free(ls->conf);
	free(ls->links);
	free(ls->pending);
	free(ls->retiring);
	free(ls->old_confs);
	free(ls);
}

/*
 * From the loop, after a link reached DOWN or a reload: free retiring
 * links that are down; once none is left, free the configs they used
 * and start the links that waited for them (a changed link's successor
 * has the same interface name); when stopping and everything is down,
 * tell the owner.
 */
static void
links_settle(struct links *ls)
{
	size_t	i = 0;
	bool	all_down = true;

	while (i < ls->nretiring) {
		if (link_state(ls->retiring[i]) == LINK_DOWN) {
			link_free(ls->retiring[i]);
			ls->retiring[i] = ls->retiring[--ls->nretiring];
		} else
			i++;
	}
	if (ls->nretiring == 0) {
		for (i = 0; i < ls->nold_confs; i++)
			conf_free(ls->old_confs[i]);
		ls->nold_confs = 0;
		for (i = 0; i < ls->nlinks; i++) {
			if (ls->pending[i] && !ls->stopping)
				link_start(ls->links[i]);
			ls->pending[i] = false;
		}
	}
	for (i = 0; i < ls->nlinks; i++)
		if (link_state(ls->links[i]) != LINK_DOWN)
			all_down = false;
	if (ls->stopping && all_down && ls->nretiring == 0 &&
	    ls->hooks.all_down != NULL)
		ls->hooks.all_down(ls->hooks.arg);
}

static void
links_settle_fired(void *arg)
{
	links_settle(arg);
}

/* How many links of c may dial at once (max-dials). */
static unsigned
links_dial_limit(const struct conf *c)
{
	return c->max_dials > 0 ? (unsigned)c->max_dials : ADMIT_LIMIT;
}

/* A link of the set, dialing through its gate. */
static struct link *
links_link_new(struct links *ls, const struct link_conf *lc)
{
	struct link	*l;

	l = link_new(ls->loop, ls->rtnl, lc, links_link_changed, ls);
	link_set_admit(l, ls->gate);
	return l;
}

/*
 * The crowd (admit.h): the links on their way up again, or waiting to
 * be, which spread their re-dials over it.
 */
static void
links_count_crowd(struct links *ls)
{
	size_t		 i, n = 0;
	enum link_state	 s;

	for (i = 0; i < ls->nlinks; i++) {
		if (ls->links[i] == NULL)
			continue;	/* links_new() is still making them */
		s = link_state(ls->links[i]);
		if (s != LINK_UP && s != LINK_DOWN)
			n++;
	}
	admit_set_crowd(ls->gate, n);
}

/* Called from inside the link's code: act later, from the loop. */
static void
links_link_changed(struct link *l, enum link_state old, void *arg)
{
	struct links	*ls = arg;

	if (link_state(l) == LINK_UP || old == LINK_UP ||
	    link_state(l) == LINK_DOWN || old == LINK_DOWN)
		links_count_crowd(ls);

	if (ls->hooks.changed != NULL)
		ls->hooks.changed(l, old, ls->hooks.arg);
	if (link_state(l) == LINK_DOWN)
		loop_timer_set(ls->loop, &ls->settle, 0);
}

void
links_apply(struct links *ls, struct conf *c, struct links_diff *diff)
{
	struct link		**links, *l;
	const struct link_conf	 *nl;
	bool			 *pending, *kept;
	size_t			  i, j, nkept = 0, nnew = 0, ngone = 0;

	links = xcalloc(c->nlinks ? c->nlinks : 1, sizeof(*links));
	pending = xcalloc(c->nlinks ? c->nlinks : 1, sizeof(*pending));
	kept = xcalloc(ls->nlinks ? ls->nlinks : 1, sizeof(*kept));
	for (i = 0; i < ls->nlinks; i++) {
		l = ls->links[i];
		nl = conf_link_find(c, link_name(l));
		if (nl == NULL || !link_conf_equal(ls->conf->links[i], nl))
			continue;
		for (j = 0; j < c->nlinks; j++)
			if (c->links[j] == nl)
				break;
		link_set_conf(l, nl);
		links[j] = l;
		kept[i] = true;
		nkept++;
	}
	for (j = 0; j < c->nlinks; j++) {
		if (links[j] != NULL)
			continue;
		links[j] = links_link_new(ls, c->links[j]);
		pending[j] = c->links[j]->autostart;
		nnew++;
	}
	for (i = 0; i < ls->nlinks; i++) {
		if (kept[i])
			continue;
		l = ls->links[i];
		link_stop(l, conf_link_find(c, link_name(l)) == NULL ?
		    "removed from the configuration" :
		    "settings changed, restarting");
		ls->retiring = xreallocarray(ls->retiring, ls->nretiring + 1,
		    sizeof(*ls->retiring));
		ls->retiring[ls->nretiring++] = l;
		ngone++;
	}
	ls->old_confs = xreallocarray(ls->old_confs, ls->nold_confs + 1,
	    sizeof(*ls->old_confs));
	ls->old_confs[ls->nold_confs++] = ls->conf;
	free(ls->links);
	free(ls->pending);
	free(kept);
	ls->conf = c;
	ls->links = links;
	ls->pending = pending;
	ls->nlinks = c->nlinks;
	admit_set_limit(ls->gate, links_dial_limit(c));
	links_count_crowd(ls);
	if (diff != NULL) {
		diff->kept = nkept;
		diff->stopped = ngone;
		diff->started = nnew;
	}
	loop_timer_set(ls->loop, &ls->settle, 0);
}

void
links_stop_all(struct links *ls)
{
	size_t	i;

	ls->stopping = true;
	for (i = 0; i < ls->nlinks; i++)
		link_stop(ls->links[i], "vpnd is shutting down");
	for (i = 0; i < ls->nlinks; i++)
		ls->pending[i] = false;
	links_settle(ls);
}

const struct conf *
links_conf(const struct links *ls)
{
	return ls->conf;
}

struct link *
links_find(const struct links *ls, const char *name)
{
	size_t	i;

	for (i = 0; i < ls->nlinks; i++)
		if (strcmp(link_name(ls->links[i]), name) == 0)
			return ls->links[i];
	return NULL;
}

size_t
links_count(const struct links *ls)
{
	return ls->nlinks;
}

struct link *
links_at(const struct links *ls, size_t i)
{
	return ls->links[i];
}

/* Is ifname one of our links' ppp interfaces? */
/* Append to buf at *off; past len, cut and end in "...". */
static void
links_summary_add(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (*off >= len)
		return;		/* cut already */
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < len - *off) {
		*off += (size_t)n;
		return;
	}
	memcpy(buf + len - 4, "...", 4);
	*off = len;
}

void
links_summary(const struct links *ls, char *buf, size_t len)
{
	const char	*reason;
	size_t		 i, up = 0, off = 0;

	for (i = 0; i < ls->nlinks; i++) {
		if (link_state(ls->links[i]) == LINK_UP)
			up++;
	}
	buf[0] = '\0';
	links_summary_add(buf, len, &off, "%zu of %zu link%s up", up,
	    ls->nlinks, ls->nlinks == 1 ? "" : "s");
	for (i = 0; i < ls->nlinks; i++) {
		if (link_state(ls->links[i]) == LINK_UP)
			continue;
		reason = link_reason(ls->links[i]);
		links_summary_add(buf, len, &off, "; %s: %s%s%s",
		    link_name(ls->links[i]),
		    link_state_name(link_state(ls->links[i])),
		    reason != NULL ? ", " : "", reason != NULL ? reason : "");
	}
}

static bool
links_is_link_if(const struct links *ls, const char *ifname)
{
	size_t	i;

	for (i = 0; i < ls->conf->nlinks; i++)
		if (strcmp(ls->conf->links[i]->ifname, ifname) == 0)
			return true;
	return false;
}

/* The links that are up: is their path still there? */
static void
links_netchange_fired(void *arg)
{
	struct links	*ls = arg;
	size_t		 i;

	for (i = 0; i < ls->nlinks; i++)
		if (link_state(ls->links[i]) == LINK_UP)
			link_network_changed(ls->links[i]);
	if (ls->hooks.network_changed != NULL)
		ls->hooks.network_changed(ls->hooks.arg);
}

/*
 * The links that are not up: the network they wait for may be back,
 * dial now.  A dial started on the first half of a burst (an address
 * removed, then added) is started again after the next event.
 */
static void
links_netdown_fired(void *arg)
{
	struct links	*ls = arg;
	size_t		 i;

	for (i = 0; i < ls->nlinks; i++)
		if (link_state(ls->links[i]) != LINK_UP)
			link_network_changed(ls->links[i]);
}

void
links_resumed(struct links *ls, uint64_t slept_ms)
{
	size_t	i;

	if (ls->stopping)
		return;
	loop_timer_cancel(ls->loop, &ls->netchange);
	loop_timer_cancel(ls->loop, &ls->netdown);
	for (i = 0; i < ls->nlinks; i++)
		link_resumed(ls->links[i], slept_ms);
	if (ls->hooks.network_changed != NULL)
		ls->hooks.network_changed(ls->hooks.arg);
}

void
links_rtnl_event(struct links *ls, const struct rtnl_event *ev)
{
	bool	changed = false;
	size_t	i;

	for (i = 0; i < ls->nlinks; i++)
		link_rtnl_event(ls->links[i], ev);

	/*
	 * The laptop moved from cable to Wi-Fi: the default route or a
	 * local address changed (not ours: our routes carry our protocol,
	 * our interfaces are the links').  A burst of such events makes
	 * one check of the links that are up, LINKS_NETCHANGE_MS after the
	 * last; those that are not dial LINKS_NETDOWN_MS after each.
	 */
	switch (ev->type) {
	case RTNL_ROUTE_NEW:
	case RTNL_ROUTE_DEL:
		changed = ev->is_default && ev->protocol != RTPROT_PPPSSH;
		break;
	case RTNL_ADDR_NEW:
	case RTNL_ADDR_DEL:
		changed = ev->ifname[0] != '\0' &&
		    !links_is_link_if(ls, ev->ifname);
		break;
	case RTNL_RESYNC:
		changed = true;
		break;
	default:
		break;
	}
	if (changed && !ls->stopping) {
		loop_timer_set(ls->loop, &ls->netchange, LINKS_NETCHANGE_MS);
		loop_timer_set(ls->loop, &ls->netdown, LINKS_NETDOWN_MS);
	}
}
