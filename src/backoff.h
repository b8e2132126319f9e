/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Re-dial delays: exponential backoff with full jitter between a first
 * delay and a cap, and the small jitter of an immediate re-dial; and the
 * incident rule that picks one of them for a link that went down (a new
 * incident, a dial of the incident failing again, a flap, a failure that
 * needs an admin).  Pure: the caller supplies the randomness and the
 * clock.
 */
#ifndef PPPSSH_BACKOFF_H
#define PPPSSH_BACKOFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BACKOFF_FLAP	10000	/* down sooner after up: a flap, ms */
#define BACKOFF_JITTER	250	/* an incident's first re-dial, ms */

/*
 * The ceiling of attempt n (0 for the first re-dial): min_ms * 2^n,
 * at most cap_ms.  min_ms <= cap_ms.
 */
uint64_t	backoff_ceiling(uint64_t min_ms, uint64_t cap_ms, unsigned n);

/*
 * The delay before re-dial attempt n: uniform in [min_ms, ceiling]
 * ("full jitter" above the floor), from rnd, a uniformly random 32-bit
 * number.
 */
uint64_t	backoff_delay(uint64_t min_ms, uint64_t cap_ms, unsigned n,
		    uint32_t rnd);

/* Uniform in [0, max_ms], from rnd, a uniformly random 32-bit number. */
uint64_t	backoff_jitter(uint64_t max_ms, uint32_t rnd);

/*
 * One link's failures since it was last up for good: the dials of the
 * incident that failed in a row, the short ups (< BACKOFF_FLAP) in a row,
 * and how long the last up lasted.  Zeroed: no incident.
 */
struct backoff_incident {
	unsigned	fails;		/* failures of this incident */
	unsigned	flaps;		/* short ups in a row */
	bool		was_up;		/* this failure ended an up */
	uint64_t	up_ms;		/* and it had lasted that long */
	uint64_t	up_at;		/* clock ms it came up */
};

/* The link came up, or went down from up, at now (ms, any clock). */
void		backoff_up(struct backoff_incident *, uint64_t now);
void		backoff_down(struct backoff_incident *, uint64_t now);

/*
 * The delay before the next dial of a link that failed (vpn.conf(5),
 * backoff), from min_ms and cap_ms (the link's backoff MIN and CAP),
 * whether the failure was hard (host key, auth, refused command), whether
 * the network changed meanwhile (fast), and rnd, a uniformly random
 * 32-bit number; counts the failure and clears was_up.  why (len bytes)
 * gets the reason for the log ("failure 3 in a row").
 */
uint64_t	backoff_next(struct backoff_incident *, uint64_t min_ms,
		    uint64_t cap_ms, bool hard, bool fast, uint32_t rnd,
		    char *why, size_t len);

#endif
