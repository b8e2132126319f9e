/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for admit.c, the admission gate for dials, on the real loop
 * with an injected clock: up to the limit enter at once, the rest queue
 * and are let in first come, first served, one per freed slot, only from
 * the loop; a newcomer never passes the queue; leaving the queue (a link
 * stopped while queued) keeps the others' order; entering twice is one
 * place; a lowered limit takes nothing
 * back; a callback that leaves at once frees its slot for the next; the
 * window halves on a timeout and grows by one a window of successes; the
 * crowd is at least 1.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "admit.h"
#include "loop.h"

#define NT	8

static uint64_t	fake_ms;

static uint64_t
fake_clock(void)
{
	return fake_ms;
}

struct holder {
	struct admit_ticket	 t;
	int			 id;
	bool			 leave_at_once;	/* a dial failing at once */
};

static struct holder	h[NT];
static int		order[64];	/* ids, in the order let in */
static size_t		norder;

static void
let_in(void *arg)
{
	struct holder	*x = arg;

	assert_int_equal(x->t.state, ADMIT_IN);
	assert_true(norder < sizeof(order) / sizeof(order[0]));
	order[norder++] = x->id;
	if (x->leave_at_once)
		admit_leave(&x->t);
}

static int
setup(void **state)
{
	int	i;

	fake_ms = 1000;
	loop_clock = fake_clock;
	norder = 0;
	for (i = 0; i < NT; i++) {
		admit_ticket_init(&h[i].t, let_in, &h[i]);
		h[i].id = i;
		h[i].leave_at_once = false;
	}
	*state = loop_new();
	return 0;
}

static int
teardown(void **state)
{
	loop_free(*state);
	loop_clock = loop_clock_monotonic;
	return 0;
}

static void
turn(struct loop *l)
{
	fake_ms += 10;
	assert_int_equal(loop_once(l, 0), 0);
}

static void
test_limit_and_fifo(void **state)
{
	struct loop	*l = *state;
	struct admit	*g = admit_new(l, 2, 2);
	int		 i;

	assert_true(admit_enter(g, &h[0].t));
	assert_true(admit_enter(g, &h[1].t));
	for (i = 2; i < 6; i++)
		assert_false(admit_enter(g, &h[i].t));
	assert_int_equal(admit_in(g), 2);
	assert_int_equal(admit_queued(g), 4);
	assert_int_equal(admit_position(&h[2].t), 1);
	assert_int_equal(admit_position(&h[5].t), 4);
	assert_int_equal(admit_position(&h[0].t), 0);
	/* Asking again keeps the place. */
	assert_false(admit_enter(g, &h[3].t));
	assert_true(admit_enter(g, &h[0].t));
	assert_int_equal(admit_queued(g), 4);
	turn(l);
	assert_int_equal(norder, 0);	/* nothing freed: nobody in */

	/* A slot frees: the head enters, from the loop only. */
	admit_leave(&h[0].t);
	assert_int_equal(norder, 0);
	assert_int_equal(admit_in(g), 1);
	/* A newcomer does not pass the queue, even with a slot free. */
	assert_false(admit_enter(g, &h[6].t));
	turn(l);
	assert_int_equal(norder, 1);
	assert_int_equal(order[0], 2);
	assert_int_equal(admit_in(g), 2);
	assert_int_equal(h[2].t.state, ADMIT_IN);

	/* Two free: the next two, in order. */
	admit_leave(&h[1].t);
	admit_leave(&h[2].t);
	turn(l);
	assert_int_equal(norder, 3);
	assert_int_equal(order[1], 3);
	assert_int_equal(order[2], 4);
	assert_int_equal(admit_position(&h[5].t), 1);
	assert_int_equal(admit_position(&h[6].t), 2);

	for (i = 3; i < 7; i++)
		admit_leave(&h[i].t);
	turn(l);
	for (i = 0; i < NT; i++)
		assert_int_equal(h[i].t.state, ADMIT_OUT);
	assert_int_equal(admit_in(g), 0);
	assert_int_equal(admit_queued(g), 0);
	admit_free(g);
}

/* A link stopped while queued: the others keep their order. */
static void
test_leave_queue(void **state)
{
	struct loop	*l = *state;
	struct admit	*g = admit_new(l, 1, 1);
	int		 i;

	assert_true(admit_enter(g, &h[0].t));
	for (i = 1; i < 5; i++)
		assert_false(admit_enter(g, &h[i].t));
	admit_leave(&h[2].t);		/* the middle */
	admit_leave(&h[4].t);		/* the tail */
	admit_leave(&h[4].t);		/* out already: nothing */
	assert_int_equal(admit_queued(g), 2);
	assert_false(admit_enter(g, &h[5].t));	/* after the new tail */
	assert_int_equal(admit_position(&h[5].t), 3);
	admit_leave(&h[1].t);		/* the head */
	assert_int_equal(admit_position(&h[3].t), 1);
	for (i = 0; i < 4; i++) {
		turn(l);
		if (i == 0)
			admit_leave(&h[0].t);
		else if (i == 1) {
			assert_int_equal(norder, 1);
			admit_leave(&h[order[0]].t);
		}
	}
	assert_int_equal(norder, 2);
	assert_int_equal(order[0], 3);
	assert_int_equal(order[1], 5);
	admit_leave(&h[5].t);
	admit_free(g);
}

/* A lower limit takes no slot back and caps the window; 0 means 1. */
static void
test_set_limit(void **state)
{
	struct loop	*l = *state;
	struct admit	*g = admit_new(l, 3, 3);
	int		 i;

	assert_int_equal(admit_limit(g), 3);
	for (i = 0; i < 3; i++)
		assert_true(admit_enter(g, &h[i].t));
	for (i = 3; i < 5; i++)
		assert_false(admit_enter(g, &h[i].t));
	admit_set_limit(g, 0);		/* means 1 */
	assert_int_equal(admit_limit(g), 1);
	assert_int_equal(admit_window(g), 1);
	assert_int_equal(admit_in(g), 3);
	admit_leave(&h[0].t);
	turn(l);
	assert_int_equal(norder, 0);	/* 2 in, over the limit of 1 */
	admit_leave(&h[1].t);
	admit_leave(&h[2].t);
	turn(l);
	assert_int_equal(norder, 1);
	assert_int_equal(order[0], 3);
	admit_set_limit(g, 4);		/* the window stays */
	assert_int_equal(admit_window(g), 1);
	admit_leave(&h[3].t);
	admit_leave(&h[4].t);
	admit_free(g);
}

/* Dials that fail at once hand their slot on within the same turn. */
static void
test_leave_at_once(void **state)
{
	struct loop	*l = *state;
	struct admit	*g = admit_new(l, 1, 1);
	int		 i;

	assert_true(admit_enter(g, &h[0].t));
	for (i = 1; i < 5; i++) {
		h[i].leave_at_once = i < 4;
		assert_false(admit_enter(g, &h[i].t));
	}
	admit_leave(&h[0].t);
	turn(l);
	assert_int_equal(norder, 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(order[i], i + 1);
	assert_int_equal(h[4].t.state, ADMIT_IN);
	admit_leave(&h[4].t);
	admit_free(g);
}

/*
 * The window: a holder that timed out halves it (at least 1); it grows by
 * one each time as many got through as it allows, up to the limit.
 */
static void
test_window(void **state)
{
	struct loop	*l = *state;
	struct admit	*g = admit_new(l, 4, 4);
	int		 i;

	for (i = 0; i < 4; i++)
		assert_true(admit_enter(g, &h[i].t));
	for (i = 4; i < 8; i++)
		assert_false(admit_enter(g, &h[i].t));
	admit_done(&h[0].t, true);
	assert_int_equal(admit_window(g), 2);
	turn(l);
	assert_int_equal(norder, 0);	/* 3 in, window 2: nobody */
	admit_done(&h[1].t, true);
	assert_int_equal(admit_window(g), 1);
	admit_done(&h[2].t, true);
	assert_int_equal(admit_window(g), 1);
	turn(l);
	assert_int_equal(norder, 0);	/* 1 in */
	admit_done(&h[3].t, false);	/* 1 of 1 through: 2 */
	assert_int_equal(admit_window(g), 2);
	turn(l);
	assert_int_equal(norder, 2);
	assert_int_equal(order[0], 4);
	assert_int_equal(order[1], 5);
	admit_done(&h[4].t, false);
	assert_int_equal(admit_window(g), 2);
	admit_done(&h[5].t, false);	/* 2 of 2: 3 */
	assert_int_equal(admit_window(g), 3);
	admit_done(&h[6].t, false);	/* queued: it just leaves */
	turn(l);
	assert_int_equal(norder, 3);
	assert_int_equal(order[2], 7);
	admit_done(&h[7].t, false);
	admit_done(&h[7].t, true);	/* out: nothing */
	assert_int_equal(admit_window(g), 3);
	for (i = 0; i < 2; i++) {
		assert_true(admit_enter(g, &h[i].t));
		admit_done(&h[i].t, false);
	}
	assert_int_equal(admit_window(g), 4);
	for (i = 0; i < 8; i++) {
		assert_true(admit_enter(g, &h[0].t));
		admit_done(&h[0].t, false);
	}
	assert_int_equal(admit_window(g), 4);	/* at most the limit */
	admit_free(g);
	g = admit_new(l, 3, 0);
	assert_int_equal(admit_window(g), 1);
	admit_free(g);
}

static void
test_crowd(void **state)
{
	struct admit	*g = admit_new(*state, 4, 9);

	assert_int_equal(admit_window(g), 4);

	assert_int_equal(admit_crowd(g), 1);
	admit_set_crowd(g, 0);
	assert_int_equal(admit_crowd(g), 1);
	admit_set_crowd(g, 50);
	assert_int_equal(admit_crowd(g), 50);
	admit_free(g);
	admit_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_limit_and_fifo, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_leave_queue, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_set_limit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_leave_at_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crowd, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
