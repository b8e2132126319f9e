/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Re-dial delays: exponential backoff with full jitter between a first
 * delay and a cap, and the small jitter of an immediate re-dial.  Pure
 * functions; the caller supplies the randomness.
 */
#ifndef PPPSSH_BACKOFF_H
#define PPPSSH_BACKOFF_H

#include <stdint.h>

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

#endif
