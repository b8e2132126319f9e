/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Noticing that the machine slept (see sleepwatch.h): the gap between
 * CLOCK_BOOTTIME and CLOCK_MONOTONIC, looked at from a timer.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "loop.h"
#include "sleepwatch.h"
#include "xmalloc.h"

struct sleepwatch {
	struct loop		*loop;
	struct loop_timer	 timer;
	sleepwatch_cb		 cb;
	void			*arg;
	uint64_t		 gap;		/* boot - mono, ms, last look */
	bool			 have_gap;
};

int	(*sleepwatch_clocks)(uint64_t *, uint64_t *) = sleepwatch_clocks_real;

static void	sleepwatch_fired(void *);
static void	sleepwatch_arm(struct sleepwatch *);

/*
 * The next look, any time from a third of the interval on that the loop
 * is awake anyway: an idle daemon is not woken for it alone.
 */
static void
sleepwatch_arm(struct sleepwatch *sw)
{
	loop_timer_set_slack(sw->loop, &sw->timer, SLEEPWATCH_INTERVAL_MS,
	    SLEEPWATCH_INTERVAL_MS * 2 / 3);
}

static uint64_t
sleepwatch_ms(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000 + (uint64_t)ts->tv_nsec / 1000000;
}

int
sleepwatch_clocks_real(uint64_t *mono, uint64_t *boot)
{
	struct timespec	m, b;

	if (clock_gettime(CLOCK_MONOTONIC, &m) == -1 ||
	    clock_gettime(CLOCK_BOOTTIME, &b) == -1)
		return -1;
	*mono = sleepwatch_ms(&m);
	*boot = sleepwatch_ms(&b);
	return 0;
}

struct sleepwatch *
sleepwatch_new(struct loop *loop, sleepwatch_cb cb, void *arg)
{
	struct sleepwatch	*sw;

	sw = xcalloc(1, sizeof(*sw));
	sw->loop = loop;
	sw->cb = cb;
	sw->arg = arg;
	loop_timer_init(&sw->timer, sleepwatch_fired, sw);
	sleepwatch_check(sw);
	sleepwatch_arm(sw);
	return sw;
}

void
sleepwatch_free(struct sleepwatch *sw)
{
	if (sw == NULL)
		return;
	loop_timer_cancel(sw->loop, &sw->timer);
	free(sw);
}

void
sleepwatch_check(struct sleepwatch *sw)
{
	uint64_t	mono, boot, gap, grew;

	if (sleepwatch_clocks(&mono, &boot) == -1)
		return;
	/* Reading two clocks one after the other: a few µs of noise. */
	gap = boot > mono ? boot - mono : 0;
	grew = sw->have_gap && gap > sw->gap ? gap - sw->gap : 0;
	sw->gap = gap;
	sw->have_gap = true;
	if (grew >= SLEEPWATCH_MIN_MS)
		sw->cb(grew, sw->arg);
}

static void
sleepwatch_fired(void *arg)
{
	struct sleepwatch	*sw = arg;

	sleepwatch_arm(sw);
	sleepwatch_check(sw);
}
