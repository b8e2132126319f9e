/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The health probe (see probe.h).  Probes start on a fixed cadence, one
 * interval after the previous start; the timeout is never longer than
 * the interval, so at most one is in flight.  Each probe opens a fresh
 * connection (http.c never keeps one): a kept-alive one would not show
 * that the path works now.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "http.h"
#include "log.h"
#include "loop.h"
#include "probe.h"
#include "xmalloc.h"

#define PROBE_MAX_BODY		512	/* bytes of the answer kept */

struct probe {
	struct loop		*loop;
	struct http		*http;
	char			*url;
	char			*shown;		/* http_url_shown() of it */
	char			*interface;	/* "if!NAME" */
	int			 interval;	/* s */
	int			 failures;
	int			 misses;	/* in a row */
	struct loop_timer	 timer;
	struct http_req		*req;
	probe_cb		 cb;
	void			*arg;
};

static int	probe_timeout_s(const struct probe *);
static void	probe_miss(struct probe *, const char *);
static void	probe_fire(void *);
static void	probe_done(const struct http_result *, void *);

struct probe *
probe_new(struct loop *loop, struct http *http, const char *url,
    const char *ifname, int interval, int failures, probe_cb cb, void *arg)
{
	struct probe	*p;

	p = xcalloc(1, sizeof(*p));
	p->loop = loop;
	p->http = http;
	p->url = xstrdup(url);
	p->shown = http_url_shown(url);
	xasprintf(&p->interface, "if!%s", ifname);
	p->interval = interval > 0 ? interval : 1;
	p->failures = failures > 0 ? failures : 1;
	p->cb = cb;
	p->arg = arg;
	loop_timer_init(&p->timer, probe_fire, p);
	loop_timer_set(loop, &p->timer, 0);
	return p;
}

void
probe_free(struct probe *p)
{
	if (p == NULL)
		return;
	loop_timer_cancel(p->loop, &p->timer);
	http_cancel(p->http, p->req);
	free(p->url);
	free(p->shown);
	free(p->interface);
	free(p);
}

static int
probe_timeout_s(const struct probe *p)
{
	return p->interval < PROBE_TIMEOUT_MAX ? p->interval :
	    PROBE_TIMEOUT_MAX;
}

/* A miss; the report is the caller's last action (cb may free p). */
static void
probe_miss(struct probe *p, const char *text)
{
	char	*reason = NULL;
	bool	 give_up;

	p->misses++;
	give_up = p->misses >= p->failures;
	if (give_up) {
		xasprintf(&reason, "probe %s: %s", p->shown, text);
		p->misses = 0;
	}
	p->cb(false, text, give_up, reason, p->arg);
	free(reason);
}

static void
probe_fire(void *arg)
{
	struct probe		*p = arg;
	struct http_request	 q = { 0 };
	char			*cause = NULL;

	loop_timer_set(p->loop, &p->timer, (uint64_t)p->interval * 1000);
	if (p->req != NULL) {
		/* Cannot happen with timeout <= interval; do not stack. */
		log_debug("probe %s: the previous probe still runs",
		    p->shown);
		return;
	}
	q.url = p->url;
	q.interface = p->interface;
	q.timeout_ms = probe_timeout_s(p) * 1000;
	q.max_body = PROBE_MAX_BODY;
	if ((p->req = http_start(p->http, &q, probe_done, p, &cause)) ==
	    NULL) {
		probe_miss(p, cause);
		free(cause);
	}
}

static void
probe_done(const struct http_result *res, void *arg)
{
	struct probe	*p = arg;
	char		 text[512];

	p->req = NULL;
	if (res->error != NULL) {
		probe_miss(p, res->error);
		return;
	}
	if (res->status >= 200 && res->status <= 299) {
		p->misses = 0;
		(void)snprintf(text, sizeof(text), "HTTP %d in %llu ms",
		    res->status, (unsigned long long)res->elapsed_ms);
		p->cb(true, text, false, NULL, p->arg);
		return;
	}
	(void)snprintf(text, sizeof(text), "HTTP %d", res->status);
	probe_miss(p, text);
}
