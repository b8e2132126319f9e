/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Noticing that the machine slept (suspend to RAM or disk, a laptop's
 * lid).  CLOCK_MONOTONIC stops while the machine sleeps and
 * CLOCK_BOOTTIME does not, so the gap between them grows by the time
 * spent asleep; nothing else moves it (both follow NTP's slewing, and
 * neither the wall clock being set).  A struct sleepwatch owns a timer
 * of the loop that looks at the gap every SLEEPWATCH_INTERVAL_MS and
 * calls back once it grew by SLEEPWATCH_MIN_MS or more since the last
 * look.  On resume the timer, a monotonic one, fires at most one
 * interval later.
 */
#ifndef PPPSSH_SLEEPWATCH_H
#define PPPSSH_SLEEPWATCH_H

#include <stdint.h>

#define SLEEPWATCH_INTERVAL_MS	3000	/* between two looks */
#define SLEEPWATCH_MIN_MS	2000	/* shorter sleeps go unnoticed */

struct loop;
struct sleepwatch;

/* The machine slept about slept_ms since the last look. */
typedef void	(*sleepwatch_cb)(uint64_t slept_ms, void *arg);

/*
 * Read both clocks, in ms, into *mono and *boot: 0, or -1 when
 * CLOCK_BOOTTIME is missing (then sleep goes unnoticed).  Tests replace
 * it.
 */
extern int	(*sleepwatch_clocks)(uint64_t *mono, uint64_t *boot);
int		 sleepwatch_clocks_real(uint64_t *mono, uint64_t *boot);

/* Start watching: the first look is now, the next in an interval. */
struct sleepwatch *sleepwatch_new(struct loop *, sleepwatch_cb, void *arg);
/* Stop watching and free; NULL is a no-op. */
void		 sleepwatch_free(struct sleepwatch *);
/* Look now (the timer does every interval); calls back if it slept. */
void		 sleepwatch_check(struct sleepwatch *);

#endif
