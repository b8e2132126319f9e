/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for the re-dial delays and the incident rule, on a clock
 * the test moves.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backoff.h"

static void
test_ceiling(void **state)
{
	static const struct {
		uint64_t	min, cap;
		unsigned	n;
		uint64_t	want;
	} t[] = {
		{ 1000, 300000, 0, 1000 },
		{ 1000, 300000, 1, 2000 },
		{ 1000, 300000, 5, 32000 },
		{ 1000, 300000, 8, 256000 },
		{ 1000, 300000, 9, 300000 },
		{ 1000, 300000, 64, 300000 },	/* no overflow */
		{ 1000, 300000, 4000000000u, 300000 },
		{ 5000, 5000, 0, 5000 },
		{ 5000, 5000, 3, 5000 },
		{ 3000, 10000, 2, 10000 },	/* 12000 capped */
		{ 86400000, 86400000, 30, 86400000 },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(backoff_ceiling(t[i].min, t[i].cap, t[i].n),
		    t[i].want);
}

static void
test_delay_bounds(void **state)
{
	unsigned	n;
	uint64_t	d;

	(void)state;
	/* The extremes of the random number hit the extremes. */
	assert_int_equal(backoff_delay(1000, 300000, 3, 0), 1000);
	assert_int_equal(backoff_delay(1000, 300000, 3, UINT32_MAX), 8000);
	assert_int_equal(backoff_delay(1000, 300000, 20, UINT32_MAX),
	    300000);
	assert_int_equal(backoff_delay(1000, 300000, 20, 0), 1000);
	/* Min equal to cap: no jitter. */
	assert_int_equal(backoff_delay(7000, 7000, 5, 12345), 7000);
	/* Always within [min, ceiling]. */
	for (n = 0; n < 40; n++) {
		d = backoff_delay(1000, 300000, n, (uint32_t)rand());
		assert_true(d >= 1000);
		assert_true(d <= backoff_ceiling(1000, 300000, n));
	}
}

/* Full jitter spreads evenly: each quarter of the range gets its share. */
static void
test_delay_spread(void **state)
{
	unsigned	q[4] = { 0 }, i;
	uint64_t	d;

	(void)state;
	srand(1);
	for (i = 0; i < 40000; i++) {
		d = backoff_delay(1000, 300000, 3,
		    ((uint32_t)rand() << 16) ^ (uint32_t)rand());
		q[(d - 1000) * 4 / 7001]++;
	}
	for (i = 0; i < 4; i++) {
		assert_true(q[i] > 9000);
		assert_true(q[i] < 11000);
	}
}

/* The jitter of an immediate re-dial: [0, max], both ends reachable. */
static void
test_jitter(void **state)
{
	uint32_t	i;
	uint64_t	j;

	(void)state;
	assert_int_equal(backoff_jitter(250, 0), 0);
	assert_int_equal(backoff_jitter(250, UINT32_MAX), 250);
	assert_int_equal(backoff_jitter(250, UINT32_MAX / 2 + 1), 125);
	assert_int_equal(backoff_jitter(0, UINT32_MAX), 0);
	for (i = 0; i < 1000; i++) {
		j = backoff_jitter(250, i * 4294967u);
		assert_true(j <= 250);
	}
}

#define MIN	1000
#define CAP	300000

static uint64_t	clock_ms = 1000000;	/* the injected clock */

/* Up for up_ms on the clock, then down. */
static void
up_for(struct backoff_incident *bi, uint64_t up_ms)
{
	backoff_up(bi, clock_ms);
	clock_ms += up_ms;
	backoff_down(bi, clock_ms);
}

static uint64_t
next(struct backoff_incident *bi, bool hard, bool fast, uint32_t rnd,
    char *why)
{
	return backoff_next(bi, MIN, CAP, hard, fast, rnd, why, 64);
}

/* Dials that fail in a row, never up: full jitter, ceiling doubling. */
static void
test_incident_fails(void **state)
{
	struct backoff_incident	bi;
	char			why[64];
	unsigned		i;

	(void)state;
	memset(&bi, 0, sizeof(bi));
	for (i = 0; i < 12; i++) {
		assert_int_equal(next(&bi, false, false, UINT32_MAX, why),
		    backoff_ceiling(MIN, CAP, i));
		assert_int_equal(bi.fails, i + 1);
	}
	assert_string_equal(why, "failure 12 in a row");
	assert_int_equal(next(&bi, false, false, 0, why), MIN);
}

/* Up for long, then down: a new incident, re-dialed within the jitter. */
static void
test_incident_new(void **state)
{
	struct backoff_incident	bi;
	char			why[64];

	(void)state;
	memset(&bi, 0, sizeof(bi));
	bi.fails = 5;
	up_for(&bi, 60000);
	assert_int_equal(next(&bi, false, false, UINT32_MAX, why),
	    BACKOFF_JITTER);
	assert_string_equal(why, "new incident, up 60 s");
	assert_int_equal(bi.fails, 0);
	assert_false(bi.was_up);
	/* Its first dial fails: failure 1 of the new incident. */
	assert_int_equal(next(&bi, false, false, UINT32_MAX, why), MIN);
	assert_string_equal(why, "failure 1 in a row");
}

/*
 * Short ups in a row: the first is still a new incident, the second and
 * later wait as failure N in a row, N the short ups after the first; a
 * long up ends the flapping.
 */
static void
test_incident_flap(void **state)
{
	struct backoff_incident	bi;
	char			why[64];

	(void)state;
	memset(&bi, 0, sizeof(bi));
	up_for(&bi, BACKOFF_FLAP - 1);
	assert_true(next(&bi, false, false, UINT32_MAX, why) <=
	    BACKOFF_JITTER);
	assert_int_equal(bi.flaps, 1);
	up_for(&bi, 3000);
	assert_int_equal(next(&bi, false, false, UINT32_MAX, why),
	    backoff_ceiling(MIN, CAP, 0));
	assert_string_equal(why, "failure 1 in a row, flapping: up 3 s");
	up_for(&bi, 3000);
	assert_int_equal(next(&bi, false, false, UINT32_MAX, why),
	    backoff_ceiling(MIN, CAP, 1));
	assert_string_equal(why, "failure 2 in a row, flapping: up 3 s");
	/* A dial of it fails: counts on from there. */
	assert_int_equal(next(&bi, false, false, UINT32_MAX, why),
	    backoff_ceiling(MIN, CAP, 2));
	assert_string_equal(why, "failure 3 in a row");
	/* Up exactly BACKOFF_FLAP: not a flap, a new incident. */
	up_for(&bi, BACKOFF_FLAP);
	assert_true(next(&bi, false, false, UINT32_MAX, why) <=
	    BACKOFF_JITTER);
	assert_int_equal(bi.flaps, 0);
	assert_int_equal(bi.fails, 0);
}

/* Hard failures wait CAP and count; they are no flap. */
static void
test_incident_hard(void **state)
{
	struct backoff_incident	bi;
	char			why[64];

	(void)state;
	memset(&bi, 0, sizeof(bi));
	assert_int_equal(next(&bi, true, false, 0, why), CAP);
	assert_string_equal(why, "failure 1 in a row, needs attention");
	up_for(&bi, 1000);
	assert_int_equal(next(&bi, true, false, 0, why), CAP);
	assert_string_equal(why, "failure 2 in a row, needs attention");
	assert_int_equal(bi.flaps, 0);
}

/* A network change while stopping: at once, nothing counted. */
static void
test_incident_fast(void **state)
{
	struct backoff_incident	bi;
	char			why[64];

	(void)state;
	memset(&bi, 0, sizeof(bi));
	bi.fails = 3;
	assert_int_equal(next(&bi, false, true, UINT32_MAX, why), 0);
	assert_string_equal(why, "network changed");
	assert_int_equal(bi.fails, 3);
	up_for(&bi, 1000);
	assert_int_equal(next(&bi, false, true, UINT32_MAX, why), 0);
	assert_int_equal(bi.fails, 0);
	assert_int_equal(bi.flaps, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ceiling),
		cmocka_unit_test(test_delay_bounds),
		cmocka_unit_test(test_delay_spread),
		cmocka_unit_test(test_jitter),
		cmocka_unit_test(test_incident_fails),
		cmocka_unit_test(test_incident_new),
		cmocka_unit_test(test_incident_flap),
		cmocka_unit_test(test_incident_hard),
		cmocka_unit_test(test_incident_fast),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
