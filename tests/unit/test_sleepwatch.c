/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for sleepwatch.c with injected clocks: the loop's clock and
 * the two clocks sleepwatch compares are fakes the test moves.  Awake,
 * both advance together and nothing is said, however long; a sleep (the
 * boot clock jumps ahead of the monotonic one) is said once, at the next
 * look, with its length; a sleep shorter than SLEEPWATCH_MIN_MS is not,
 * nor read noise; a failed clock read is skipped; the real clocks read;
 * free stops the timer.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "loop.h"
#include "sleepwatch.h"

static uint64_t	fake_loop_ms;		/* the loop's clock */
static uint64_t	fake_mono, fake_boot;	/* what sleepwatch reads */
static int	fake_fail;		/* reads that fail */

struct heard {
	unsigned	calls;
	uint64_t	slept_ms;
};

static uint64_t
fake_loop_clock(void)
{
	return fake_loop_ms;
}

static int
fake_clocks(uint64_t *mono, uint64_t *boot)
{
	if (fake_fail > 0) {
		fake_fail--;
		return -1;
	}
	*mono = fake_mono;
	*boot = fake_boot;
	return 0;
}

static void
heard_cb(uint64_t slept_ms, void *arg)
{
	struct heard	*h = arg;

	h->calls++;
	h->slept_ms = slept_ms;
}

/* Awake for ms: every clock advances by it, the timer fires on time. */
static void
awake(struct loop *l, uint64_t ms)
{
	uint64_t	step;

	while (ms > 0) {
		step = ms < 500 ? ms : 500;
		fake_loop_ms += step;
		fake_mono += step;
		fake_boot += step;
		ms -= step;
		assert_int_equal(loop_once(l, 0), 0);
	}
}

/* Asleep for ms: only the boot clock moves. */
static void
asleep(uint64_t ms)
{
	fake_boot += ms;
}

static int
setup(void **state)
{
	(void)state;
	fake_loop_ms = 1000;
	fake_mono = 5000;
	fake_boot = 7000;	/* slept 2 s before vpnd started */
	fake_fail = 0;
	loop_clock = fake_loop_clock;
	sleepwatch_clocks = fake_clocks;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	loop_clock = loop_clock_monotonic;
	sleepwatch_clocks = sleepwatch_clocks_real;
	return 0;
}

static void
test_awake_says_nothing(void **state)
{
	struct heard		 h = { 0, 0 };
	struct loop		*l = loop_new();
	struct sleepwatch	*sw;

	(void)state;
	sw = sleepwatch_new(l, heard_cb, &h);
	/* A sleep before the start is not ours to report. */
	assert_int_equal(h.calls, 0);
	awake(l, 10 * 60 * 1000);
	assert_int_equal(h.calls, 0);
	sleepwatch_free(sw);
	loop_free(l);
}

static void
test_sleep_said_once(void **state)
{
	struct heard		 h = { 0, 0 };
	struct loop		*l = loop_new();
	struct sleepwatch	*sw;

	(void)state;
	sw = sleepwatch_new(l, heard_cb, &h);
	awake(l, 1000);
	asleep(30000);
	/* Said at the next look, at most an interval after waking. */
	awake(l, SLEEPWATCH_INTERVAL_MS);
	assert_int_equal(h.calls, 1);
	assert_true(h.slept_ms == 30000);
	awake(l, 10 * SLEEPWATCH_INTERVAL_MS);
	assert_int_equal(h.calls, 1);

	/* The timer goes on: a second sleep, a second call. */
	asleep(3600 * 1000);
	awake(l, SLEEPWATCH_INTERVAL_MS);
	assert_int_equal(h.calls, 2);
	assert_true(h.slept_ms == 3600 * 1000);
	sleepwatch_free(sw);
	loop_free(l);
}

static void
test_short_sleep_and_noise(void **state)
{
	struct heard		 h = { 0, 0 };
	struct loop		*l = loop_new();
	struct sleepwatch	*sw;
	int			 i;

	(void)state;
	sw = sleepwatch_new(l, heard_cb, &h);
	asleep(SLEEPWATCH_MIN_MS - 1);
	awake(l, 2 * SLEEPWATCH_INTERVAL_MS);
	assert_int_equal(h.calls, 0);
	/* Absorbed: it does not add to the next one. */
	asleep(SLEEPWATCH_MIN_MS - 1);
	awake(l, 2 * SLEEPWATCH_INTERVAL_MS);
	assert_int_equal(h.calls, 0);
	/* Reading one clock after the other: a ms either way, many times. */
	for (i = 0; i < 100; i++) {
		fake_boot += i % 2 == 0 ? 1 : 0;
		fake_mono += i % 2 == 0 ? 0 : 1;
		sleepwatch_check(sw);
	}
	assert_int_equal(h.calls, 0);
	/* Exactly the minimum is said. */
	asleep(SLEEPWATCH_MIN_MS);
	sleepwatch_check(sw);
	assert_int_equal(h.calls, 1);
	assert_true(h.slept_ms == SLEEPWATCH_MIN_MS);
	sleepwatch_free(sw);
	loop_free(l);
}

static void
test_clock_failure(void **state)
{
	struct heard		 h = { 0, 0 };
	struct loop		*l = loop_new();
	struct sleepwatch	*sw;

	(void)state;
	/* No boot clock at the start: the first good look is the base. */
	fake_fail = 1;
	sw = sleepwatch_new(l, heard_cb, &h);
	awake(l, SLEEPWATCH_INTERVAL_MS);
	asleep(10000);
	fake_fail = 2;
	/*
	 * The loop turns every 0.5 s here, and a look rides along from a
	 * third of the interval on: two looks, both failing.
	 */
	awake(l, 2 * (SLEEPWATCH_INTERVAL_MS - SLEEPWATCH_INTERVAL_MS * 2 / 3));
	assert_int_equal(h.calls, 0);
	/* Reads again: the sleep since the last good look is said. */
	awake(l, SLEEPWATCH_INTERVAL_MS);
	assert_int_equal(h.calls, 1);
	assert_true(h.slept_ms == 10000);
	sleepwatch_free(sw);
	loop_free(l);
}

static void
test_free_stops(void **state)
{
	struct heard		 h = { 0, 0 };
	struct loop		*l = loop_new();
	struct sleepwatch	*sw;

	(void)state;
	sleepwatch_free(NULL);
	sw = sleepwatch_new(l, heard_cb, &h);
	sleepwatch_free(sw);
	asleep(60000);
	awake(l, 3 * SLEEPWATCH_INTERVAL_MS);
	assert_int_equal(h.calls, 0);
	loop_free(l);
}

/* The real clocks: both read, boot never behind monotonic. */
static void
test_real_clocks(void **state)
{
	uint64_t	mono, boot;

	(void)state;
	assert_int_equal(sleepwatch_clocks_real(&mono, &boot), 0);
	assert_true(mono > 0);
	assert_true(boot + 1 >= mono);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_awake_says_nothing, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sleep_said_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_short_sleep_and_noise,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_clock_failure, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_free_stops, setup,
		    teardown),
		cmocka_unit_test(test_real_clocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
