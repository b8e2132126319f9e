/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * State-change notifications (see notify.h).  The queue is an array,
 * oldest first; its head is the document being sent (or waiting for
 * its retry).  Order is kept: the next document goes only after the
 * head was accepted or dropped.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "http.h"
#include "log.h"
#include "loop.h"
#include "notify.h"
#include "xmalloc.h"

struct notify {
	struct loop		*loop;
	struct http		*http;
	char			*name;
	char			*url;
	char			*shown;		/* http_url_shown() of it */
	size_t			 cap;
	char			**q;		/* oldest first */
	size_t			 n;
	unsigned long		 dropped;
	struct http_req		*req;		/* posting q[0] */
	struct loop_timer	 retry;
	uint64_t		 wait;		/* ms before the next retry */
};

static void	notify_send(struct notify *);
static void	notify_done(const struct http_result *, void *);
static void	notify_retry_fired(void *);
static void	notify_pop(struct notify *);
static void	notify_drop_oldest(struct notify *);

char *
notify_document(const char *link, const char *state, const char *previous,
    const char *reason, time_t at, unsigned redials)
{
	struct buf		 b = { 0 };
	struct tm		 tm;
	char			 when[32];

	if (gmtime_r(&at, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		(void)snprintf(when, sizeof(when), "1970-01-01T00:00:00Z");
	buf_add(&b, "{\"link\":", 8);
	buf_add_json_string(&b, link);
	buf_add(&b, ",\"state\":", 9);
	buf_add_json_string(&b, state);
	buf_add(&b, ",\"previous\":", 12);
	buf_add_json_string(&b, previous);
	buf_add(&b, ",\"reason\":", 10);
	buf_add_json_string(&b, reason);
	buf_printf(&b, ",\"at\":\"%s\",\"redials\":%u}", when,
	    redials);
	return b.s;
}

struct notify *
notify_new(struct loop *loop, struct http *http, const char *name,
    const char *url, size_t cap)
{
	struct notify	*nt;

	nt = xcalloc(1, sizeof(*nt));
	nt->loop = loop;
	nt->http = http;
	nt->name = xstrdup(name);
	nt->url = xstrdup(url);
	nt->shown = http_url_shown(url);
	nt->cap = cap > 0 ? cap : 1;
	nt->wait = NOTIFY_RETRY_MIN;
	loop_timer_init(&nt->retry, notify_retry_fired, nt);
	return nt;
}

void
notify_free(struct notify *nt)
{
	if (nt == NULL)
		return;
	loop_timer_cancel(nt->loop, &nt->retry);
	http_cancel(nt->http, nt->req);
	while (nt->n > 0)
		notify_pop(nt);
	free(nt->q);
	free(nt->name);
	free(nt->url);
	free(nt->shown);
	free(nt);
}

void
notify_set(struct notify *nt, const char *url, size_t cap)
{
	if (strcmp(nt->url, url) != 0) {
		free(nt->url);
		free(nt->shown);
		nt->url = xstrdup(url);
		nt->shown = http_url_shown(url);
	}
	nt->cap = cap > 0 ? cap : 1;
	while (nt->n > nt->cap)
		notify_drop_oldest(nt);
	if (nt->req == NULL && !nt->retry.armed)
		notify_send(nt);
}

size_t
notify_queued(const struct notify *nt)
{
	return nt->n;
}

unsigned long
notify_dropped(const struct notify *nt)
{
	return nt->dropped;
}

bool
notify_idle(const struct notify *nt)
{
	return nt->n == 0 && nt->req == NULL;
}

static void
notify_pop(struct notify *nt)
{
	free(nt->q[0]);
	memmove(nt->q, nt->q + 1, (nt->n - 1) * sizeof(*nt->q));
	nt->n--;
}

/*
 * Drop the oldest document waiting.  The one being posted is left to
 * finish (a hung server times it out, then it is the oldest waiting),
 * unless it is the only one.
 */
static void
notify_drop_oldest(struct notify *nt)
{
	if (nt->req != NULL && nt->n > 1) {
		free(nt->q[1]);
		memmove(nt->q + 1, nt->q + 2, (nt->n - 2) * sizeof(*nt->q));
		nt->n--;
	} else {
		if (nt->req != NULL) {
			http_cancel(nt->http, nt->req);
			nt->req = NULL;
		}
		notify_pop(nt);
	}
	nt->dropped++;
}

void
notify_push(struct notify *nt, char *doc)
{
	if (nt->n == nt->cap) {
		notify_drop_oldest(nt);
		log_warnx("link %s: notify: %zu waiting, dropped the oldest "
		    "(%lu dropped in all)", nt->name, nt->cap, nt->dropped);
	}
	nt->q = xreallocarray(nt->q, nt->n + 1, sizeof(*nt->q));
	nt->q[nt->n++] = doc;
	/* A retry already scheduled sends the new head in its turn. */
	if (nt->req == NULL && !nt->retry.armed)
		notify_send(nt);
}

static void
notify_send(struct notify *nt)
{
	struct http_request	 q = { 0 };
	char			*cause = NULL;

	if (nt->n == 0 || nt->req != NULL)
		return;
	q.url = nt->url;
	q.body = nt->q[0];
	q.body_len = strlen(nt->q[0]);
	q.content_type = "application/json";
	q.timeout_ms = NOTIFY_TIMEOUT;
	q.max_body = 256;
	if ((nt->req = http_start(nt->http, &q, notify_done, nt, &cause)) ==
	    NULL) {
		log_warnx("link %s: notify: %s", nt->name, cause);
		free(cause);
		loop_timer_set(nt->loop, &nt->retry, nt->wait);
	}
}

static void
notify_done(const struct http_result *res, void *arg)
{
	struct notify	*nt = arg;

	nt->req = NULL;
	if (res->error == NULL && res->status >= 200 && res->status <= 299) {
		nt->wait = NOTIFY_RETRY_MIN;
		notify_pop(nt);
		notify_send(nt);
		return;
	}
	if (res->error != NULL)
		log_warnx("link %s: notify %s: %s; retrying in %llu s",
		    nt->name, nt->shown, res->error,
		    (unsigned long long)(nt->wait / 1000));
	else
		log_warnx("link %s: notify %s: HTTP %d; retrying in %llu s",
		    nt->name, nt->shown, res->status,
		    (unsigned long long)(nt->wait / 1000));
	loop_timer_set(nt->loop, &nt->retry, nt->wait);
	nt->wait = nt->wait * 2 > NOTIFY_RETRY_MAX ? NOTIFY_RETRY_MAX :
	    nt->wait * 2;
}

static void
notify_retry_fired(void *arg)
{
	notify_send(arg);
}
