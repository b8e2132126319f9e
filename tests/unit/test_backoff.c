/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for the re-dial delays.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ceiling),
		cmocka_unit_test(test_delay_bounds),
		cmocka_unit_test(test_delay_spread),
		cmocka_unit_test(test_jitter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
