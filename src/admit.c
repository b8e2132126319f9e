/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The admission gate for dials (see admit.h): a count of the slots held,
 * a FIFO queue of tickets (a singly linked list with a tail pointer) and
 * a timer that lets the head of the queue in from the loop.
 */
#include "config.h"

#include <stdlib.h>

#include "admit.h"
#include "log.h"
#include "loop.h"
#include "xmalloc.h"

struct admit {
	struct loop		*loop;
	unsigned		 limit;
	unsigned		 window;	/* 1..limit: slots now */
	unsigned		 through;	/* got through at this window */
	unsigned		 in;		/* tickets holding a slot */
	struct admit_ticket	*head, *tail;	/* the queue */
	size_t			 nqueued;
	size_t			 crowd;
	struct loop_timer	 next;		/* let the head in */
};

static void	admit_next_fired(void *);
static void	admit_schedule(struct admit *);

struct admit *
admit_new(struct loop *loop, unsigned limit, unsigned window)
{
	struct admit	*g;

	g = xcalloc(1, sizeof(*g));
	g->loop = loop;
	g->limit = limit > 0 ? limit : 1;
	g->window = window < 1 ? 1 : window > g->limit ? g->limit : window;
	g->crowd = 1;
	loop_timer_init(&g->next, admit_next_fired, g);
	return g;
}

void
admit_free(struct admit *g)
{
	if (g == NULL)
		return;
	if (g->in != 0 || g->head != NULL)
		fatalx("admit_free: %u in, %zu queued", g->in, g->nqueued);
	loop_timer_cancel(g->loop, &g->next);
	free(g);
}

void
admit_set_limit(struct admit *g, unsigned limit)
{
	g->limit = limit > 0 ? limit : 1;
	if (g->window > g->limit)
		g->window = g->limit;
	admit_schedule(g);
}

unsigned
admit_limit(const struct admit *g)
{
	return g->limit;
}

unsigned
admit_window(const struct admit *g)
{
	return g->window;
}

void
admit_ticket_init(struct admit_ticket *t, void (*cb)(void *), void *arg)
{
	t->gate = NULL;
	t->next = NULL;
	t->state = ADMIT_OUT;
	t->queued_at = 0;
	t->cb = cb;
	t->arg = arg;
}

/* A slot is free and someone waits: let them in from the loop. */
static void
admit_schedule(struct admit *g)
{
	if (g->head != NULL && g->in < g->window)
		loop_timer_set(g->loop, &g->next, 0);
}

bool
admit_enter(struct admit *g, struct admit_ticket *t)
{
	if (t->state == ADMIT_IN)
		return true;
	if (t->state == ADMIT_QUEUED)
		return false;
	t->gate = g;
	if (g->head == NULL && g->in < g->window) {
		t->state = ADMIT_IN;
		g->in++;
		return true;
	}
	t->state = ADMIT_QUEUED;
	t->queued_at = loop_now(g->loop);
	t->next = NULL;
	if (g->tail != NULL)
		g->tail->next = t;
	else
		g->head = t;
	g->tail = t;
	g->nqueued++;
	admit_schedule(g);
	return false;
}

void
admit_leave(struct admit_ticket *t)
{
	struct admit		*g = t->gate;
	struct admit_ticket	*p, *prev = NULL;

	switch (t->state) {
	case ADMIT_OUT:
		return;
	case ADMIT_IN:
		g->in--;
		break;
	case ADMIT_QUEUED:
		for (p = g->head; p != NULL && p != t; p = p->next)
			prev = p;
		if (p == NULL)
			fatalx("admit_leave: a queued ticket is not queued");
		if (prev != NULL)
			prev->next = t->next;
		else
			g->head = t->next;
		if (g->tail == t)
			g->tail = prev;
		g->nqueued--;
		break;
	}
	t->state = ADMIT_OUT;
	t->next = NULL;
	t->gate = NULL;
	admit_schedule(g);
}

void
admit_done(struct admit_ticket *t, bool timed_out)
{
	struct admit	*g = t->gate;

	if (t->state == ADMIT_IN) {
		if (timed_out) {
			g->through = 0;
			if (g->window > 1) {
				g->window /= 2;
				log_info("dials: one timed out, %u at once from "
				    "now on (max-dials %u)", g->window,
				    g->limit);
			}
		} else if (g->window < g->limit &&
		    ++g->through >= g->window) {
			g->window++;
			g->through = 0;
		}
	}
	admit_leave(t);
}

size_t
admit_position(const struct admit_ticket *t)
{
	const struct admit_ticket	*p;
	size_t				 n = 1;

	if (t->state != ADMIT_QUEUED)
		return 0;
	for (p = t->gate->head; p != NULL && p != t; p = p->next)
		n++;
	return n;
}

unsigned
admit_in(const struct admit *g)
{
	return g->in;
}

size_t
admit_queued(const struct admit *g)
{
	return g->nqueued;
}

void
admit_set_crowd(struct admit *g, size_t n)
{
	g->crowd = n > 0 ? n : 1;
}

size_t
admit_crowd(const struct admit *g)
{
	return g->crowd;
}

/*
 * Let the queue's head in while a slot is free.  Each callback may leave
 * (a dial that fails at once), enter or free other tickets: the queue
 * and the count are read again each time.
 */
static void
admit_next_fired(void *arg)
{
	struct admit		*g = arg;
	struct admit_ticket	*t;

	while (g->head != NULL && g->in < g->window) {
		t = g->head;
		g->head = t->next;
		if (g->head == NULL)
			g->tail = NULL;
		g->nqueued--;
		t->next = NULL;
		t->state = ADMIT_IN;
		g->in++;
		log_debug("admit: in after %llu ms in the queue, %u of %u "
		    "slots held, %zu waiting", (unsigned long long)
		    (loop_now(g->loop) - t->queued_at), g->in, g->window,
		    g->nqueued);
		t->cb(t->arg);
	}
}
