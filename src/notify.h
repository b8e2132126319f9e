/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * State-change notifications of one link: each change becomes a small
 * JSON document POSTed (application/json) to a URL, in order, one at a
 * time.  A struct notify owns the queue, the request in flight and the
 * retry timer.  A failed POST (no answer, or not 2xx) is retried with
 * backoff; at most `cap` documents wait, and when a new one comes to a
 * full queue the oldest waiting is dropped and counted (the one being
 * posted finishes first, unless it is the only one).
 */
#ifndef PPPSSH_NOTIFY_H
#define PPPSSH_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct http;
struct loop;
struct notify;

#define NOTIFY_TIMEOUT		10000	/* ms, one POST */
#define NOTIFY_RETRY_MIN	1000	/* ms, first retry */
#define NOTIFY_RETRY_MAX	16000	/* ms, longest wait between tries */
#define NOTIFY_QUEUE_DEFAULT	16
#define NOTIFY_QUEUE_MAX	1000

/*
 * The document for one change: {"link":..,"state":..,"previous":..,
 * "reason":..,"at":"YYYY-MM-DDTHH:MM:SSZ","redials":N}; reason may be
 * NULL (null).  Caller frees.
 */
char		*notify_document(const char *link, const char *state,
		    const char *previous, const char *reason, time_t at,
		    unsigned redials);

/* The notifier of link name, posting to url; strings are copied. */
struct notify	*notify_new(struct loop *, struct http *, const char *name,
		    const char *url, size_t cap);
/* Drop the queue, cancel what is in flight; NULL is a no-op. */
void		 notify_free(struct notify *);
/* A reload: post to url from now on, keep at most cap. */
void		 notify_set(struct notify *, const char *url, size_t cap);

/* Queue doc (taken over) and send it when its turn comes. */
void		 notify_push(struct notify *, char *doc);

size_t		 notify_queued(const struct notify *);
/* Documents dropped because the queue was full, since notify_new(). */
unsigned long	 notify_dropped(const struct notify *);
/* Nothing queued, nothing in flight. */
bool		 notify_idle(const struct notify *);

#endif
