/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * A link's dial targets and the path probe (see pathprobe.h).  Each
 * probe is one dial_start() race bounded by the time left until the
 * link's next dial; its outcome either re-arms the timer (every host
 * failed) or hands the race and its connection to the link, whose
 * callback the race reports to (also after a dial_resume()).
 */
#include "config.h"

#include <stdlib.h>

#include "conf.h"
#include "dial.h"
#include "log.h"
#include "loop.h"
#include "pathprobe.h"
#include "xmalloc.h"

struct dial_target *
pathprobe_targets(const struct link_conf *lc, size_t *np)
{
	struct dial_target	*t;
	size_t			 i, n = lc->hosts.n;

	t = xcalloc(n ? n : 1, sizeof(*t));
	for (i = 0; i < n; i++) {
		t[i].host = lc->hosts.v[i].name;
		t[i].port = lc->hosts.v[i].port > 0 ?
		    lc->hosts.v[i].port : lc->port;
	}
	*np = n;
	return t;
}

/*
 * A probe's outcome: a host answered (its connection becomes the dial's:
 * go on at once), or not (probe again, the backoff untouched).
 */
struct dial *
pathprobe_outcome(struct pathprobe *p, int fd, const char *cause)
{
	struct dial	*d = p->dial;
	uint64_t	 next = p->started + PATHPROBE_INTERVAL;
	uint64_t	 now = loop_now(p->loop);

	if (fd == -1) {
		log_debug("%s: probe: %s", p->tag, cause);
		dial_free(p->dial);
		p->dial = NULL;
		loop_timer_set(p->loop, &p->timer, next > now ? next - now : 0);
		return NULL;
	}
	p->dial = NULL;
	return d;
}

static void
pathprobe_race(struct pathprobe *p)
{
	struct dial_target	*t;
	uint64_t		 now = loop_now(p->loop);
	size_t			 n;

	if (p->lc == NULL || p->dial != NULL || p->until <= now)
		return;
	p->started = now;
	t = pathprobe_targets(p->lc, &n);
	p->dial = dial_start(p->loop, t, n, (int)(p->until - now), p->cb,
	    p->arg);
	free(t);
}

static void
pathprobe_fired(void *arg)
{
	pathprobe_race(arg);
}

void
pathprobe_init(struct pathprobe *p, struct loop *loop, const char *tag,
    dial_cb cb, void *arg)
{
	p->loop = loop;
	p->tag = xstrdup(tag);
	p->cb = cb;
	p->arg = arg;
	loop_timer_init(&p->timer, pathprobe_fired, p);
}

void
pathprobe_start(struct pathprobe *p, const struct link_conf *lc,
    uint64_t until_ms)
{
	p->lc = lc;
	p->until = until_ms;
	pathprobe_race(p);
}

void
pathprobe_set_conf(struct pathprobe *p, const struct link_conf *lc)
{
	if (p->lc != NULL)
		p->lc = lc;
}

void
pathprobe_stop(struct pathprobe *p)
{
	loop_timer_cancel(p->loop, &p->timer);
	dial_free(p->dial);
	p->dial = NULL;
	p->lc = NULL;
}

void
pathprobe_free(struct pathprobe *p)
{
	pathprobe_stop(p);
	free(p->tag);
	p->tag = NULL;
}
