/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The HTTP side of vpnd's links (see linkhttp.h).  Records are found by
 * link name.  A probe runs exactly while its link is UP; ddns is asked
 * to update when the link comes up and when the network changed; each
 * state change is queued as a notification.  A record whose name left
 * the config is freed once its link is down and its queue is empty.
 */
#include "config.h"

#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "ctlmsg.h"
#include "ddns.h"
#include "http.h"
#include "link.h"
#include "linkhttp.h"
#include "log.h"
#include "loop.h"
#include "notify.h"
#include "probe.h"
#include "xmalloc.h"

struct lh_link {
	struct linkhttp		*lh;
	char			*name;
	bool			 in_conf;	/* named by the current config */
	enum link_state		 state;		/* last seen */

	char			*ifname;
	char			*probe_url;
	char			*probe_shown;	/* http_url_shown() of it */
	int			 probe_interval;
	int			 probe_failures;
	char			*ddns_url;
	char			*ddns_credentials;
	char			*notify_url;
	int			 notify_queue;

	struct link		*up;		/* the link while it is UP */
	struct probe		*probe;
	char			*probe_last;	/* for status */
	time_t			 probe_at;
	struct ddns		*ddns;
	struct notify		*notify;
	TAILQ_ENTRY(lh_link)	 entry;
};
TAILQ_HEAD(lh_links, lh_link);

struct linkhttp {
	struct loop		*loop;
	struct http		*http;
	struct lh_links		 links;
};

static bool		 str_eq(const char *, const char *);
static char		*str_dup(const char *);
static struct lh_link	*lh_find(struct linkhttp *, const char *);
static void		 lh_set(struct linkhttp *, struct lh_link *,
			    const struct link_conf *);
static void		 lh_free(struct lh_link *);
static void		 lh_sweep(struct linkhttp *);
static void		 lh_ddns_check(struct lh_link *, bool);
static void		 lh_probe_report(bool, const char *, bool,
			    const char *, void *);

static bool
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static char *
str_dup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

struct linkhttp *
linkhttp_new(struct loop *loop, const struct conf *c, char **cause)
{
	struct linkhttp	*lh;

	lh = xcalloc(1, sizeof(*lh));
	lh->loop = loop;
	TAILQ_INIT(&lh->links);
	if ((lh->http = http_new(loop, NULL, NULL, cause)) == NULL) {
		free(lh);
		return NULL;
	}
	linkhttp_reload(lh, c);
	return lh;
}

void
linkhttp_free(struct linkhttp *lh)
{
	struct lh_link	*r;

	if (lh == NULL)
		return;
	while ((r = TAILQ_FIRST(&lh->links)) != NULL) {
		TAILQ_REMOVE(&lh->links, r, entry);
		lh_free(r);
	}
	http_free(lh->http);
	free(lh);
}

static struct lh_link *
lh_find(struct linkhttp *lh, const char *name)
{
	struct lh_link	*r;

	TAILQ_FOREACH(r, &lh->links, entry) {
		if (strcmp(r->name, name) == 0)
			return r;
	}
	return NULL;
}

static void
lh_free(struct lh_link *r)
{
	probe_free(r->probe);
	ddns_free(r->ddns);
	notify_free(r->notify);
	free(r->name);
	free(r->ifname);
	free(r->probe_url);
	free(r->probe_shown);
	free(r->ddns_url);
	free(r->ddns_credentials);
	free(r->notify_url);
	free(r->probe_last);
	free(r);
}

/* Take lc's settings; start or stop what they ask for. */
static void
lh_set(struct linkhttp *lh, struct lh_link *r, const struct link_conf *lc)
{
	bool	ddns_changed;

	free(r->ifname);
	r->ifname = xstrdup(lc->ifname);
	free(r->probe_url);
	free(r->probe_shown);
	r->probe_url = str_dup(lc->probe_url);
	r->probe_shown = r->probe_url != NULL ?
	    http_url_shown(r->probe_url) : NULL;
	r->probe_interval = lc->probe_interval;
	r->probe_failures = lc->probe_failures;

	ddns_changed = !str_eq(r->ddns_url, lc->ddns_url) ||
	    !str_eq(r->ddns_credentials, lc->ddns_credentials);
	if (ddns_changed) {
		ddns_free(r->ddns);
		r->ddns = NULL;
		free(r->ddns_url);
		free(r->ddns_credentials);
		r->ddns_url = str_dup(lc->ddns_url);
		r->ddns_credentials = str_dup(lc->ddns_credentials);
		if (r->ddns_url != NULL && r->ddns_credentials != NULL)
			r->ddns = ddns_new(lh->loop, lh->http, r->name,
			    r->ddns_url, r->ddns_credentials);
	} else if (r->ddns != NULL)
		ddns_reloaded(r->ddns);
	/* A link up now updates at once with the new settings. */
	lh_ddns_check(r, false);

	free(r->notify_url);
	r->notify_url = str_dup(lc->notify_url);
	r->notify_queue = lc->notify_queue;
	if (r->notify_url == NULL) {
		notify_free(r->notify);
		r->notify = NULL;
	} else if (r->notify == NULL)
		r->notify = notify_new(lh->loop, lh->http, r->name,
		    r->notify_url, (size_t)r->notify_queue);
	else
		notify_set(r->notify, r->notify_url, (size_t)r->notify_queue);
}

void
linkhttp_reload(struct linkhttp *lh, const struct conf *c)
{
	struct lh_link	*r;
	size_t		 i;

	http_set_ca(lh->http, c->ca_file, c->ca_path);
	TAILQ_FOREACH(r, &lh->links, entry)
		r->in_conf = false;
	for (i = 0; i < c->nlinks; i++) {
		if ((r = lh_find(lh, c->links[i]->name)) == NULL) {
			r = xcalloc(1, sizeof(*r));
			r->lh = lh;
			r->name = xstrdup(c->links[i]->name);
			r->state = LINK_DOWN;
			TAILQ_INSERT_TAIL(&lh->links, r, entry);
		}
		r->in_conf = true;
		lh_set(lh, r, c->links[i]);
	}
	lh_sweep(lh);
}

/* Free the records of links gone from the config and done with. */
static void
lh_sweep(struct linkhttp *lh)
{
	struct lh_link	*r, *next;

	for (r = TAILQ_FIRST(&lh->links); r != NULL; r = next) {
		next = TAILQ_NEXT(r, entry);
		if (r->in_conf || r->state != LINK_DOWN ||
		    (r->notify != NULL && !notify_idle(r->notify)))
			continue;
		TAILQ_REMOVE(&lh->links, r, entry);
		lh_free(r);
	}
}

/*
 * Ask ddns to update r's link to its current local address; on link up
 * (force unless the address is public: a NAT's may have changed).
 */
static void
lh_ddns_check(struct lh_link *r, bool up)
{
	struct sockaddr_storage	 ss;
	char			 a[INET6_ADDRSTRLEN];
	const void		*src;

	if (r->ddns == NULL || r->up == NULL)
		return;
	if (link_local_addr(r->up, &ss) == -1)
		return;
	if (ss.ss_family == AF_INET)
		src = &((struct sockaddr_in *)(void *)&ss)->sin_addr;
	else if (ss.ss_family == AF_INET6)
		src = &((struct sockaddr_in6 *)(void *)&ss)->sin6_addr;
	else
		return;
	if (inet_ntop(ss.ss_family, src, a, sizeof(a)) == NULL)
		return;
	ddns_update(r->ddns, a, up && !ddns_addr_public(a));
}

static void
lh_probe_report(bool ok, const char *text, bool give_up, const char *reason,
    void *arg)
{
	struct lh_link	*r = arg;

	free(r->probe_last);
	if (ok)
		xasprintf(&r->probe_last, "ok: %s", text);
	else
		xasprintf(&r->probe_last, "failed: %s", text);
	r->probe_at = time(NULL);
	if (ok) {
		log_debug("link %s: probe %s: %s", r->name, r->probe_shown,
		    text);
		return;
	}
	log_warnx("link %s: probe %s: %s%s", r->name, r->probe_shown, text,
	    give_up ? ", giving up" : "");
	/* This fails the link, which frees the probe: nothing after. */
	if (give_up && r->up != NULL)
		link_probe_failed(r->up, reason);
}

void
linkhttp_link_changed(struct linkhttp *lh, struct link *l,
    enum link_state old)
{
	struct link_info	 li;
	struct lh_link		*r;
	enum link_state		 st = link_state(l);

	if ((r = lh_find(lh, link_name(l))) == NULL)
		return;
	r->state = st;
	if (st == LINK_UP) {
		r->up = l;
		if (r->probe_url != NULL && r->probe == NULL)
			r->probe = probe_new(lh->loop, lh->http, r->probe_url,
			    r->ifname, r->probe_interval, r->probe_failures,
			    lh_probe_report, r);
		lh_ddns_check(r, true);
	} else if (r->up == l) {
		r->up = NULL;
		probe_free(r->probe);
		r->probe = NULL;
	}
	if (r->notify != NULL) {
		link_info(l, &li);
		notify_push(r->notify, notify_document(r->name,
		    link_state_name(st), link_state_name(old), li.reason,
		    li.since, li.redials));
	}
	if (st == LINK_DOWN && !r->in_conf)
		lh_sweep(lh);
}

void
linkhttp_network_changed(struct linkhttp *lh)
{
	struct lh_link	*r;

	TAILQ_FOREACH(r, &lh->links, entry)
		lh_ddns_check(r, false);
}

void
linkhttp_describe(struct linkhttp *lh, const char *name,
    struct ctlmsg_link *m)
{
	struct lh_link	*r;

	if ((r = lh_find(lh, name)) == NULL)
		return;
	m->probe = r->probe_last;
	m->probe_at = r->probe_at;
	if (r->ddns != NULL)
		m->ddns = ddns_last(r->ddns, &m->ddns_at);
	if (r->notify != NULL) {
		m->notify_queued = notify_queued(r->notify);
		m->notify_dropped = notify_dropped(r->notify);
	}
}

void
linkhttp_drain(struct linkhttp *lh, struct loop *loop, int max_ms)
{
	struct lh_link	*r;
	uint64_t	 end = loop_clock() + (uint64_t)max_ms, now;
	bool		 busy;

	for (;;) {
		busy = false;
		TAILQ_FOREACH(r, &lh->links, entry)
			if (r->notify != NULL && !notify_idle(r->notify))
				busy = true;
		if (!busy || (now = loop_clock()) >= end)
			break;
		if (loop_once(loop, (int)(end - now)) == -1)
			break;
	}
}
