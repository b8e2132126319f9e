/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Re-dial delays, kept apart from the link so they can be tested with
 * chosen random numbers and a chosen clock: the arithmetic (ceiling,
 * full jitter) and the incident rule of backoff_next(), which says how
 * long a link that went down waits before its next dial.
 */
#include "config.h"

#include <stdio.h>

#include "backoff.h"

uint64_t
backoff_ceiling(uint64_t min_ms, uint64_t cap_ms, unsigned n)
{
	uint64_t	c = min_ms;

	while (n-- > 0 && c < cap_ms)
		c *= 2;
	return c < cap_ms ? c : cap_ms;
}

uint64_t
backoff_jitter(uint64_t max_ms, uint32_t rnd)
{
	/* rnd * (max + 1) / 2^32 is uniform in [0, max]. */
	return ((uint64_t)rnd * (max_ms + 1)) >> 32;
}

uint64_t
backoff_delay(uint64_t min_ms, uint64_t cap_ms, unsigned n, uint32_t rnd)
{
	uint64_t	ceil = backoff_ceiling(min_ms, cap_ms, n);

	return min_ms + backoff_jitter(ceil - min_ms, rnd);
}

void
backoff_up(struct backoff_incident *bi, uint64_t now)
{
	bi->up_at = now;
}

void
backoff_down(struct backoff_incident *bi, uint64_t now)
{
	bi->was_up = true;
	bi->up_ms = now - bi->up_at;
}

/*
 * A link that was up begins a new incident: its first re-dial comes at
 * once, after up to BACKOFF_JITTER ms so that links dropped together do
 * not all dial one gateway at the same moment.  Each dial of the
 * incident that fails before the link is up waits longer: full jitter
 * between backoff MIN and a ceiling that starts at MIN and doubles with
 * each failure in a row, at most CAP.  A link that goes down within
 * BACKOFF_FLAP of coming up, a second time or more in a row, is
 * flapping: its drop does not begin a new incident but waits as failure
 * N in a row would, N the count of such drops after the first (and the
 * dials that fail after it count on from there).  A hard failure (host
 * key, auth, refused command) waits CAP and counts: those need an admin,
 * not a retry storm.  A network change while stopping (fast) re-dials at
 * once, counting nothing.
 */
uint64_t
backoff_next(struct backoff_incident *bi, uint64_t min, uint64_t cap,
    bool hard, bool fast, uint32_t rnd, char *why, size_t len)
{
	uint64_t	delay;

	if (bi->was_up && !hard && !fast) {
		if (bi->up_ms >= BACKOFF_FLAP)
			bi->flaps = 0;
		else
			bi->flaps++;
	}
	if (hard) {
		delay = cap;
		(void)snprintf(why, len, "failure %u in a row, needs "
		    "attention", ++bi->fails);
	} else if (fast) {
		delay = 0;
		if (bi->was_up)
			bi->fails = 0;
		(void)snprintf(why, len, "network changed");
	} else if (bi->was_up && bi->flaps <= 1) {
		bi->fails = 0;
		delay = backoff_jitter(BACKOFF_JITTER, rnd);
		(void)snprintf(why, len, "new incident, up %llu s",
		    (unsigned long long)(bi->up_ms / 1000));
	} else {
		if (bi->was_up)
			bi->fails = bi->flaps - 2;
		delay = backoff_delay(min, cap, bi->fails++, rnd);
		if (bi->was_up)
			(void)snprintf(why, len, "failure %u in a row, "
			    "flapping: up %llu s", bi->fails,
			    (unsigned long long)(bi->up_ms / 1000));
		else
			(void)snprintf(why, len, "failure %u in a row",
			    bi->fails);
	}
	bi->was_up = false;
	return delay;
}
