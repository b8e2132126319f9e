/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The relay gate (see relaygate.h): each end's read marks it heard;
 * each end's write is held (RELAY_AGAIN) until it has been heard; the
 * timeout marks both heard.
 */
#include "config.h"

#include "loop.h"
#include "relay.h"
#include "relaygate.h"

static ssize_t
relay_gate_read(void *ctx, void *buf, size_t len)
{
	struct relay_gate_end	*e = ctx;
	ssize_t			 n;

	n = e->inner->read(e->ctx, buf, len);
	if (n > 0)
		e->heard = true;
	return n;
}

static ssize_t
relay_gate_write(void *ctx, const void *buf, size_t len)
{
	struct relay_gate_end	*e = ctx;

	/* Held until this end listens. */
	if (!e->heard)
		return RELAY_AGAIN;
	return e->inner->write(e->ctx, buf, len);
}

static const char *
relay_gate_error(void *ctx)
{
	struct relay_gate_end	*e = ctx;

	return e->inner->error(e->ctx);
}

/* A pppd has not spoken for the timeout: the bytes held go anyway. */
static void
relay_gate_fired(void *arg)
{
	struct relay_gate	*g = arg;

	g->end[0].heard = g->end[1].heard = true;
	g->opened(g->arg);
}

void
relay_gate_init(struct relay_gate *g, struct loop *loop,
    void (*opened)(void *), void *arg)
{
	g->loop = loop;
	g->opened = opened;
	g->arg = arg;
	loop_timer_init(&g->timer, relay_gate_fired, g);
}

void
relay_gate_start(struct relay_gate *g, const struct relay_end_ops *a,
    void *actx, const struct relay_end_ops *b, void *bctx,
    uint64_t timeout_ms)
{
	const struct relay_end_ops	*inner[2] = { a, b };
	void				*ctx[2] = { actx, bctx };
	int				 i;

	for (i = 0; i < 2; i++) {
		g->end[i].ops.name = inner[i]->name;
		g->end[i].ops.read = relay_gate_read;
		g->end[i].ops.write = relay_gate_write;
		g->end[i].ops.error = relay_gate_error;
		g->end[i].gate = g;
		g->end[i].inner = inner[i];
		g->end[i].ctx = ctx[i];
		g->end[i].heard = false;
	}
	loop_timer_set(g->loop, &g->timer, timeout_ms);
}

bool
relay_gate_heard(const struct relay_gate *g, int i)
{
	return g->end[i].heard;
}

void
relay_gate_stop(struct relay_gate *g)
{
	loop_timer_cancel(g->loop, &g->timer);
}
