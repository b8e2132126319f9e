/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Re-dial delay arithmetic, kept apart from the link so it can be tested
 * with chosen random numbers.
 */
#include "config.h"

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
