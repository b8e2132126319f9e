/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The health probe of one link that is up: an HTTP GET of a URL every
 * interval, bound to the link's ppp interface so that it can only pass
 * through the tunnel, expecting a 2xx.  A struct probe owns its timer
 * and its request in flight.  After `failures` misses in a row it tells
 * its owner to give up on the link; what the owner does (fail the link)
 * is up to it.
 */
#ifndef PPPSSH_PROBE_H
#define PPPSSH_PROBE_H

#include <stdbool.h>

struct http;
struct loop;
struct probe;

#define PROBE_TIMEOUT_MAX	5	/* s; the timeout is min(this, interval) */

/*
 * Told after every probe: ok, a text saying what happened ("HTTP 200
 * in 3 ms", "HTTP 503", "timed out after 5 s"), and give_up when this
 * was the failures-th miss in a row, with reason "probe URL: TEXT".
 * The callback may free the probe.
 */
typedef void	(*probe_cb)(bool ok, const char *text, bool give_up,
		    const char *reason, void *arg);

/*
 * Probe url through interface ifname every interval seconds, the first
 * at once.  Strings are copied.
 */
struct probe	*probe_new(struct loop *, struct http *, const char *url,
		    const char *ifname, int interval, int failures, probe_cb,
		    void *arg);
/* Stop probing: the timer and the request in flight go; NULL no-op. */
void		 probe_free(struct probe *);

#endif
