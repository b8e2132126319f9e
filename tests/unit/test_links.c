/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for links.c, the set of vpnd's links: the first start, the
 * reload diff (an unchanged link keeps running and is not restarted, a
 * changed one retires and its successor starts only once no link
 * retires, a removed one stops, a new one starts), stop-all reaching
 * "all down", rtnetlink fan-out, the network-change debounce and the
 * one-line summary; wake from sleep; the admission gate the links share.
 *
 * The links are fakes: this file defines the link_*() functions links.c
 * calls, so the linker takes them instead of link.c from the library (a
 * duplicate definition would fail the link, not pass silently).  A fake
 * link counts what it was asked and moves between states only as the
 * real one would at once (start: DOWN -> CONNECTING; stop: BACKOFF ->
 * DOWN, a running link -> STOPPING); everything else, such as a
 * stopping link reaching DOWN, the test does with fake_set_state().
 * The configs are real (conf_load_buffer()), the loop is real with a
 * fake clock.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "admit.h"
#include "conf.h"
#include "conffiles.h"
#include "link.h"
#include "links.h"
#include "loop.h"
#include "netlink.h"
#include "xmalloc.h"

#define FAKES_MAX	32

/* ------------------------------------------------------------ fakes */

struct link {
	const struct link_conf	*lc;
	struct admit		*gate;		/* link_set_admit() */
	link_state_cb		 cb;
	void			*cbarg;
	enum link_state		 state;
	bool			 freed;
	unsigned		 starts;
	unsigned		 stops;
	unsigned		 set_confs;
	unsigned		 rtnl_events;
	unsigned		 net_changes;
	unsigned		 wakes;
	uint64_t		 slept_ms;	/* of the last wake */
	char			 stop_reason[64];
};

/* Every fake made, so a freed one can still be looked at. */
static struct link	*fakes[FAKES_MAX];
static size_t		 nfakes;

static void
fake_set_state(struct link *l, enum link_state s)
{
	enum link_state	old = l->state;

	assert_false(l->freed);
	if (old == s)
		return;
	l->state = s;
	if (l->cb != NULL)
		l->cb(l, old, l->cbarg);
}

struct link *
link_new(struct loop *loop, struct rtnl *rtnl, const struct link_conf *lc,
    link_state_cb cb, void *arg)
{
	struct link	*l;

	(void)loop;
	(void)rtnl;
	assert_true(nfakes < FAKES_MAX);
	l = xcalloc(1, sizeof(*l));
	l->lc = lc;
	l->cb = cb;
	l->cbarg = arg;
	l->state = LINK_DOWN;
	fakes[nfakes++] = l;
	return l;
}

void
link_set_conf(struct link *l, const struct link_conf *lc)
{
	assert_false(l->freed);
	/* The contract: only ever an equal config. */
	assert_true(link_conf_equal(l->lc, lc));
	l->lc = lc;
	l->set_confs++;
}

void
link_free(struct link *l)
{
	if (l == NULL)
		return;
	assert_false(l->freed);
	l->freed = true;	/* released in teardown */
}

void
link_set_admit(struct link *l, struct admit *gate)
{
	assert_false(l->freed);
	assert_non_null(gate);
	l->gate = gate;
}

void
link_start(struct link *l)
{
	assert_false(l->freed);
	l->starts++;
	if (l->state == LINK_DOWN)
		fake_set_state(l, LINK_CONNECTING);
}

void
link_stop(struct link *l, const char *reason)
{
	assert_false(l->freed);
	l->stops++;
	(void)snprintf(l->stop_reason, sizeof(l->stop_reason), "%s", reason);
	if (l->state == LINK_BACKOFF)
		fake_set_state(l, LINK_DOWN);
	else if (l->state != LINK_DOWN && l->state != LINK_STOPPING)
		fake_set_state(l, LINK_STOPPING);
}

void
link_rtnl_event(struct link *l, const struct rtnl_event *ev)
{
	(void)ev;
	assert_false(l->freed);
	l->rtnl_events++;
}

void
link_network_changed(struct link *l)
{
	assert_false(l->freed);
	l->net_changes++;
}

void
link_resumed(struct link *l, uint64_t slept_ms)
{
	assert_false(l->freed);
	l->wakes++;
	l->slept_ms = slept_ms;
}

const char *
link_name(const struct link *l)
{
	/* Reads the config: a freed one shows under the sanitizers. */
	return l->lc->name;
}

enum link_state
link_state(const struct link *l)
{
	return l->state;
}

const char *
link_reason(const struct link *l)
{
	return l->stop_reason[0] != '\0' ? l->stop_reason : NULL;
}

const char *
link_state_name(enum link_state s)
{
	switch (s) {
	case LINK_DOWN:
		return "down";
	case LINK_CONNECTING:
		return "connecting";
	case LINK_UP:
		return "up";
	case LINK_STOPPING:
		return "stopping";
	case LINK_BACKOFF:
		return "backoff";
	default:
		return "other";
	}
}

/* -------------------------------------------------------- harness */

static struct conffiles	 files;
static uint64_t		 fake_now;

/* What the hooks heard. */
static struct {
	unsigned	changed;	/* state changes, any link */
	unsigned	changed_down;	/* of those, to DOWN */
	unsigned	network;
	unsigned	all_down;
} heard;

static uint64_t
fake_clock(void)
{
	return fake_now;
}

static void
hook_changed(struct link *l, enum link_state old, void *arg)
{
	assert_ptr_equal(arg, &heard);
	assert_int_not_equal(old, l->state);
	heard.changed++;
	if (l->state == LINK_DOWN)
		heard.changed_down++;
}

static void
hook_network(void *arg)
{
	assert_ptr_equal(arg, &heard);
	heard.network++;
}

static void
hook_all_down(void *arg)
{
	assert_ptr_equal(arg, &heard);
	heard.all_down++;
}

static const struct links_hooks hooks = {
	&heard, hook_changed, hook_network, hook_all_down
};

static int
setup(void **state)
{
	(void)state;
	return conffiles_make(&files, "test_links");
}

static int
teardown(void **state)
{
	(void)state;
	conffiles_remove(&files);
	return 0;
}

/* Before each test: a fresh loop on the fake clock, nothing heard. */
static int
test_setup(void **state)
{
	fake_now = 1000;
	loop_clock = fake_clock;
	memset(&heard, 0, sizeof(heard));
	*state = loop_new();
	return 0;
}

static int
test_teardown(void **state)
{
	size_t	i;

	loop_free(*state);
	loop_clock = loop_clock_monotonic;
	for (i = 0; i < nfakes; i++)
		free(fakes[i]);
	nfakes = 0;
	return 0;
}

/*
 * A config of the links in text (after the global lines naming the
 * test's identity, known_hosts and pppd files).
 */
static struct conf *
conf_of(const char *text)
{
	struct conf	*c;
	char		*buf, *cause = NULL;

	xasprintf(&buf, "identity %s\nknown-hosts %s\npppd %s\n%s",
	    files.identity, files.known_hosts, files.pppd, text);
	c = conf_load_buffer("t.conf", buf, strlen(buf), &cause);
	if (c == NULL)
		fail_msg("%s", cause);
	free(buf);
	return c;
}

#define LINK_A	"link a\nhost gw-a\nlocal-ip 10.9.0.1\nremote-ip 10.9.0.2\n"
#define LINK_A2	"link a\nhost gw-a2\nlocal-ip 10.9.0.1\nremote-ip 10.9.0.2\n"
#define LINK_B	"link b\nhost gw-b\nlocal-ip 10.9.1.1\nremote-ip 10.9.1.2\n"
#define LINK_B2	"link b\nhost gw-b\nport 2222\nlocal-ip 10.9.1.1\n" \
		"remote-ip 10.9.1.2\n"
#define LINK_C	"link c\nhost gw-c\nlocal-ip 10.9.2.1\nremote-ip 10.9.2.2\n"
#define LINK_D	"link d\nhost gw-d\nlocal-ip 10.9.3.1\nremote-ip 10.9.3.2\n" \
		"autostart no\n"

/* Let the loop run what is due now (a 0 ms timer waits one turn). */
static void
turns(struct loop *loop)
{
	int	i;

	for (i = 0; i < 3; i++)
		assert_int_equal(loop_once(loop, 0), 0);
}

/* The fake made for the n-th link_new() of the test. */
static struct link *
made(size_t n)
{
	assert_true(n < nfakes);
	return fakes[n];
}

/* ---------------------------------------------------------- tests */

/* The first config: every link made in order, autostart ones dial. */
static void
test_start(void **state)
{
	struct loop	*loop = *state;
	struct links	*ls;
	struct link	*a, *d;

	ls = links_new(loop, NULL, conf_of(LINK_A LINK_D), &hooks);
	assert_int_equal(nfakes, 2);
	a = made(0);
	d = made(1);
	assert_int_equal(links_count(ls), 2);
	assert_ptr_equal(links_at(ls, 0), a);
	assert_ptr_equal(links_at(ls, 1), d);
	assert_ptr_equal(links_find(ls, "a"), a);
	assert_ptr_equal(links_find(ls, "d"), d);
	assert_null(links_find(ls, "x"));
	assert_int_equal(a->starts, 1);
	assert_int_equal(a->state, LINK_CONNECTING);
	assert_int_equal(d->starts, 0);
	assert_int_equal(d->state, LINK_DOWN);
	assert_int_equal(heard.changed, 1);
	turns(loop);
	assert_int_equal(d->starts, 0);
	assert_int_equal(heard.all_down, 0);
	links_free(ls);
	assert_true(a->freed);
	assert_true(d->freed);
}

/*
 * Same settings, other layout: the link is the same object, pointed at
 * the new config, never stopped or started again, and stays up.
 */
static void
test_reload_unchanged(void **state)
{
	struct loop		*loop = *state;
	struct links		*ls;
	struct links_diff	 diff;
	struct conf		*c2;
	struct link		*a;

	ls = links_new(loop, NULL, conf_of(LINK_A), &hooks);
	a = made(0);
	fake_set_state(a, LINK_UP);
	heard.changed = 0;

	c2 = conf_of("# the same, written otherwise\n\n" LINK_A);
	links_apply(ls, c2, &diff);
	assert_int_equal(diff.kept, 1);
	assert_int_equal(diff.stopped, 0);
	assert_int_equal(diff.started, 0);
	assert_int_equal(nfakes, 1);
	assert_ptr_equal(links_at(ls, 0), a);
	assert_ptr_equal(a->lc, c2->links[0]);
	assert_int_equal(a->set_confs, 1);
	turns(loop);
	assert_int_equal(a->stops, 0);
	assert_int_equal(a->starts, 1);
	assert_int_equal(a->state, LINK_UP);
	assert_false(a->freed);
	assert_int_equal(heard.changed, 0);
	links_free(ls);
}

/*
 * A changed link retires: stopped with its reason, while its successor
 * (same name, new config) waits in DOWN until the old one is DOWN.
 */
static void
test_reload_changed(void **state)
{
	struct loop		*loop = *state;
	struct links		*ls;
	struct links_diff	 diff;
	struct conf		*c2;
	struct link		*old, *succ;

	ls = links_new(loop, NULL, conf_of(LINK_A), &hooks);
	old = made(0);
	fake_set_state(old, LINK_UP);

	c2 = conf_of(LINK_A2);
	links_apply(ls, c2, &diff);
	assert_int_equal(diff.kept, 0);
	assert_int_equal(diff.stopped, 1);
	assert_int_equal(diff.started, 1);
	assert_int_equal(nfakes, 2);
	succ = made(1);
	assert_ptr_equal(links_at(ls, 0), succ);
	assert_ptr_equal(links_find(ls, "a"), succ);
	assert_ptr_equal(succ->lc, c2->links[0]);
	assert_int_equal(old->stops, 1);
	assert_string_equal(old->stop_reason, "settings changed, restarting");
	assert_int_equal(old->state, LINK_STOPPING);
	assert_int_equal(succ->starts, 0);

	/* However long the old one takes, the successor waits. */
	turns(loop);
	fake_now += 60000;
	turns(loop);
	assert_int_equal(succ->starts, 0);
	assert_int_equal(succ->state, LINK_DOWN);
	assert_false(old->freed);
	/* Its config outlived the settle (a freed one fails under ASan). */
	assert_string_equal(link_name(old), "a");

	/* Down: it is freed and the successor dials, from the loop. */
	fake_set_state(old, LINK_DOWN);
	assert_int_equal(succ->starts, 0);
	turns(loop);
	assert_true(old->freed);
	assert_int_equal(succ->starts, 1);
	assert_int_equal(succ->state, LINK_CONNECTING);
	assert_int_equal(old->stops, 1);
	links_free(ls);
}

/* Successors wait until no link retires at all, not just their own. */
static void
test_reload_waits_for_every_retiring(void **state)
{
	struct loop		*loop = *state;
	struct links		*ls;
	struct links_diff	 diff;
	struct link		*a, *b, *a2, *b2;

	ls = links_new(loop, NULL, conf_of(LINK_A LINK_B), &hooks);
	a = made(0);
	b = made(1);
	fake_set_state(a, LINK_UP);
	fake_set_state(b, LINK_UP);
	links_apply(ls, conf_of(LINK_A2 LINK_B2), &diff);
	assert_int_equal(diff.stopped, 2);
	assert_int_equal(diff.started, 2);
	a2 = made(2);
	b2 = made(3);

	fake_set_state(a, LINK_DOWN);
	turns(loop);
	assert_true(a->freed);
	assert_false(b->freed);
	assert_int_equal(a2->starts, 0);
	assert_int_equal(b2->starts, 0);

	fake_set_state(b, LINK_DOWN);
	turns(loop);
	assert_true(b->freed);
	assert_int_equal(a2->starts, 1);
	assert_int_equal(b2->starts, 1);
	links_free(ls);
}

/* A link in backoff goes DOWN as it is stopped: its successor is next. */
static void
test_reload_changed_in_backoff(void **state)
{
	struct loop	*loop = *state;
	struct links	*ls;
	struct link	*old, *succ;

	ls = links_new(loop, NULL, conf_of(LINK_A), &hooks);
	old = made(0);
	fake_set_state(old, LINK_BACKOFF);
	links_apply(ls, conf_of(LINK_A2), NULL);
	succ = made(1);
	assert_int_equal(old->state, LINK_DOWN);
	assert_int_equal(succ->starts, 0);
	turns(loop);
	assert_true(old->freed);
	assert_int_equal(succ->starts, 1);
	links_free(ls);
}

/* A removed link stops and is gone; the others are untouched. */
static void
test_reload_removed(void **state)
{
	struct loop		*loop = *state;
	struct links		*ls;
	struct links_diff	 diff;
	struct link		*a, *b;

	ls = links_new(loop, NULL, conf_of(LINK_A LINK_B), &hooks);
	a = made(0);
	b = made(1);
	fake_set_state(a, LINK_UP);
	fake_set_state(b, LINK_UP);
	links_apply(ls, conf_of(LINK_A), &diff);
	assert_int_equal(diff.kept, 1);
	assert_int_equal(diff.stopped, 1);
	assert_int_equal(diff.started, 0);
	assert_int_equal(nfakes, 2);
	assert_int_equal(links_count(ls), 1);
	assert_ptr_equal(links_at(ls, 0), a);
	assert_null(links_find(ls, "b"));
	assert_int_equal(b->stops, 1);
	assert_string_equal(b->stop_reason, "removed from the configuration");
	assert_int_equal(b->state, LINK_STOPPING);
	fake_set_state(b, LINK_DOWN);
	turns(loop);
	assert_true(b->freed);
	assert_int_equal(a->stops, 0);
	assert_int_equal(a->state, LINK_UP);
	links_free(ls);
}

/*
 * New links start from the loop, not inside links_apply(), and only
 * those with autostart.
 */
static void
test_reload_new(void **state)
{
	struct loop		*loop = *state;
	struct links		*ls;
	struct links_diff	 diff;
	struct link		*a, *c, *d;

	ls = links_new(loop, NULL, conf_of(LINK_A), &hooks);
	a = made(0);
	links_apply(ls, conf_of(LINK_C LINK_A LINK_D), &diff);
	assert_int_equal(diff.kept, 1);
	assert_int_equal(diff.stopped, 0);
	assert_int_equal(diff.started, 2);
	c = made(1);
	d = made(2);
	/* In the new config's order. */
	assert_ptr_equal(links_at(ls, 0), c);
	assert_ptr_equal(links_at(ls, 1), a);
	assert_ptr_equal(links_at(ls, 2), d);
	assert_int_equal(c->starts, 0);
	turns(loop);
	assert_int_equal(c->starts, 1);
	assert_int_equal(c->state, LINK_CONNECTING);
	assert_int_equal(d->starts, 0);
	assert_int_equal(a->starts, 1);
	links_free(ls);
}

/*
 * Every link dials through one admission gate, its limit max-dials (4
 * unless set), changed by a reload that changes no link; its crowd is
 * the links on their way up (neither up nor down).
 */
static void
test_gate(void **state)
{
	struct loop	*loop = *state;
	struct links	*ls;
	struct link	*a, *b, *d, *c;

	ls = links_new(loop, NULL, conf_of(LINK_A LINK_B LINK_D), &hooks);
	a = made(0);
	b = made(1);
	d = made(2);
	assert_non_null(a->gate);
	assert_ptr_equal(b->gate, a->gate);
	assert_ptr_equal(d->gate, a->gate);
	assert_int_equal(admit_limit(a->gate), ADMIT_LIMIT);
	assert_int_equal(admit_crowd(a->gate), 2);
	fake_set_state(a, LINK_UP);
	assert_int_equal(admit_crowd(a->gate), 1);
	fake_set_state(b, LINK_UP);
	assert_int_equal(admit_crowd(a->gate), 1);	/* at least 1 */
	fake_set_state(a, LINK_STOPPING);
	fake_set_state(b, LINK_BACKOFF);
	assert_int_equal(admit_crowd(a->gate), 2);
	links_apply(ls, conf_of("max-dials 2\n" LINK_A LINK_B LINK_D LINK_C),
	    NULL);
	assert_int_equal(admit_limit(a->gate), 2);
	assert_int_equal(a->stops + b->stops + d->stops, 0);
	c = made(3);
	assert_ptr_equal(c->gate, a->gate);
	links_free(ls);
}

/*
 * Stop-all: every link stopped, pending successors never start, and
 * "all down" is told once, after the last link (retiring ones too).
 */
static void
test_stop_all(void **state)
{
	struct loop	*loop = *state;
	struct links	*ls;
	struct link	*a, *b, *b2, *d;

	ls = links_new(loop, NULL, conf_of(LINK_A LINK_B LINK_D), &hooks);
	a = made(0);
	b = made(1);
	d = made(2);
	fake_set_state(a, LINK_UP);
	fake_set_state(b, LINK_UP);
	links_apply(ls, conf_of(LINK_A LINK_B2 LINK_D), NULL);
	b2 = made(3);
	assert_int_equal(b->state, LINK_STOPPING);

	links_stop_all(ls);
	assert_int_equal(a->state, LINK_STOPPING);
	assert_string_equal(a->stop_reason, "vpnd is shutting down");
	assert_int_equal(d->stops, 1);
	assert_int_equal(d->state, LINK_DOWN);
	assert_int_equal(heard.all_down, 0);

	fake_set_state(a, LINK_DOWN);
	turns(loop);
	assert_int_equal(heard.all_down, 0);	/* b still retiring */
	fake_set_state(b, LINK_DOWN);
	turns(loop);
	assert_true(b->freed);
	assert_int_equal(b2->starts, 0);	/* its successor stays down */
	assert_int_equal(b2->state, LINK_DOWN);
	assert_int_equal(heard.all_down, 1);
	turns(loop);
	assert_int_equal(heard.all_down, 1);
	links_free(ls);
}

/* Nothing runs: stop-all is done at once. */
static void
test_stop_all_idle(void **state)
{
	struct loop	*loop = *state;
	struct links	*ls;

	ls = links_new(loop, NULL, conf_of(LINK_D), &hooks);
	links_stop_all(ls);
	assert_int_equal(heard.all_down, 1);
	turns(loop);
	assert_int_equal(heard.all_down, 1);
	links_free(ls);
}

/* The hook hears every state change, retiring links' too. */
static void
test_changed_hook(void **state)
{
	struct loop	*loop = *state;
	struct links	*ls;
	struct link	*a;

	ls = links_new(loop, NULL, conf_of(LINK_A), &hooks);
	a = made(0);			/* DOWN -> CONNECTING */
	fake_set_state(a, LINK_UP);
	links_apply(ls, conf_of(LINK_A2), NULL);	/* -> STOPPING */
	fake_set_state(a, LINK_DOWN);
	turns(loop);			/* successor: -> CONNECTING */
	assert_int_equal(heard.changed, 5);
	assert_int_equal(heard.changed_down, 1);
	links_free(ls);
}

/*
 * The one-line summary: the count up, each link that is not with its
 * state and reason, in config order; cut to the buffer with "...".
 */
static void
test_summary(void **state)
{
	struct loop	*loop = *state;
	struct links	*ls;
	struct link	*a, *b;
	char		 buf[128], small[24];

	ls = links_new(loop, NULL, conf_of(LINK_A LINK_B LINK_D), &hooks);
	a = made(0);
	b = made(1);
	links_summary(ls, buf, sizeof(buf));
	assert_string_equal(buf, "0 of 3 links up; a: connecting; "
	    "b: connecting; d: down");
	fake_set_state(a, LINK_UP);
	fake_set_state(b, LINK_BACKOFF);
	(void)snprintf(b->stop_reason, sizeof(b->stop_reason),
	    "connect 192.0.2.7:22: Connection refused");
	links_summary(ls, buf, sizeof(buf));
	assert_string_equal(buf, "1 of 3 links up; b: backoff, connect "
	    "192.0.2.7:22: Connection refused; d: down");
	links_summary(ls, small, sizeof(small));
	assert_string_equal(small, "1 of 3 links up; b: ...");
	links_summary(ls, small, 4);
	assert_string_equal(small, "...");
	links_free(ls);

	ls = links_new(loop, NULL, conf_of(LINK_A), &hooks);
	fake_set_state(made(3), LINK_UP);
	links_summary(ls, buf, sizeof(buf));
	assert_string_equal(buf, "1 of 1 link up");
	links_free(ls);
}

static struct rtnl_event
ev_of(enum rtnl_event_type type, const char *ifname, bool is_default,
    unsigned protocol)
{
	struct rtnl_event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	(void)snprintf(ev.ifname, sizeof(ev.ifname), "%s", ifname);
	ev.is_default = is_default;
	ev.protocol = protocol;
	return ev;
}

/*
 * Every event reaches every current link; a network change (default
 * route not ours, an address not on our interfaces, a resync) reaches
 * the links that are up once, LINKS_NETCHANGE_MS after the last of a
 * burst, and those that are not LINKS_NETDOWN_MS after each event.
 */
static void
test_rtnl_and_netchange(void **state)
{
	struct loop		*loop = *state;
	struct links		*ls;
	struct link		*a, *d;
	struct rtnl_event	 ev;
	static const struct {
		enum rtnl_event_type	 type;
		const char		*ifname;
		bool			 is_default;
		unsigned		 protocol;
		bool			 change;
	} cases[] = {
		{ RTNL_ROUTE_NEW, "eth0", true, 3, true },
		{ RTNL_ROUTE_DEL, "eth0", true, 3, true },
		{ RTNL_ROUTE_NEW, "vpn-a", true, RTPROT_PPPSSH, false },
		{ RTNL_ROUTE_NEW, "eth0", false, 3, false },
		{ RTNL_ADDR_NEW, "wlan0", false, 0, true },
		{ RTNL_ADDR_DEL, "wlan0", false, 0, true },
		{ RTNL_ADDR_NEW, "vpn-a", false, 0, false },
		{ RTNL_ADDR_NEW, "vpn-d", false, 0, false },
		{ RTNL_ADDR_NEW, "", false, 0, false },
		{ RTNL_LINK_NEW, "eth0", false, 0, false },
		{ RTNL_RESYNC, "", false, 0, true },
	};
	size_t			 i;
	unsigned		 want = 0;

	ls = links_new(loop, NULL, conf_of(LINK_A LINK_D), &hooks);
	a = made(0);
	d = made(1);
	fake_set_state(a, LINK_UP);
	fake_set_state(d, LINK_UP);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ev = ev_of(cases[i].type, cases[i].ifname,
		    cases[i].is_default, cases[i].protocol);
		links_rtnl_event(ls, &ev);
		assert_int_equal(a->rtnl_events, i + 1);
		assert_int_equal(d->rtnl_events, i + 1);
		fake_now += LINKS_NETCHANGE_MS;
		turns(loop);
		if (cases[i].change)
			want++;
		if (a->net_changes != want || heard.network != want)
			fail_msg("case %zu: %u network changes, want %u", i,
			    a->net_changes, want);
		assert_int_equal(d->net_changes, want);
	}

	/* A burst makes one change, after the last event. */
	ev = ev_of(RTNL_ROUTE_NEW, "eth0", true, 3);
	for (i = 0; i < 5; i++) {
		links_rtnl_event(ls, &ev);
		fake_now += LINKS_NETCHANGE_MS - 1;
		turns(loop);
		assert_int_equal(heard.network, want);
	}
	fake_now += 1;
	turns(loop);
	assert_int_equal(heard.network, want + 1);
	assert_int_equal(a->net_changes, want + 1);

	/*
	 * A link that is not up (waiting to dial) is told of each event of
	 * a burst LINKS_NETDOWN_MS after it; the one up, after the burst.
	 */
	fake_set_state(d, LINK_BACKOFF);
	want = d->net_changes;
	for (i = 0; i < 3; i++) {
		links_rtnl_event(ls, &ev);
		fake_now += LINKS_NETDOWN_MS - 1;
		turns(loop);
		assert_int_equal(d->net_changes, want + i);
		fake_now += 1;
		turns(loop);
		assert_int_equal(d->net_changes, want + i + 1);
		assert_int_equal(a->net_changes, heard.network);
	}
	fake_now += LINKS_NETCHANGE_MS;
	turns(loop);
	assert_int_equal(d->net_changes, want + 3);
	assert_int_equal(a->net_changes, heard.network);
	want = heard.network - 1;

	/* Once stopping, no network change is acted on. */
	links_stop_all(ls);
	links_rtnl_event(ls, &ev);
	fake_now += LINKS_NETCHANGE_MS;
	turns(loop);
	assert_int_equal(heard.network, want + 1);
	links_free(ls);
}

/*
 * Waking from sleep reaches every current link at once (not a retiring
 * one), takes a pending network change with it, tells the owner; not
 * once stopping.
 */
static void
test_resumed(void **state)
{
	struct loop		*loop = *state;
	struct links		*ls;
	struct link		*a, *d, *succ;
	struct rtnl_event	 ev;
	unsigned		 heard0;

	ls = links_new(loop, NULL, conf_of(LINK_A LINK_D), &hooks);
	a = made(0);
	d = made(1);
	fake_set_state(a, LINK_UP);
	heard0 = heard.network;

	/* A network change waits for its debounce; the wake does not. */
	ev = ev_of(RTNL_ROUTE_NEW, "eth0", true, 3);
	links_rtnl_event(ls, &ev);
	links_resumed(ls, 42000);
	assert_int_equal(a->wakes, 1);
	assert_int_equal(d->wakes, 1);
	assert_true(a->slept_ms == 42000);
	assert_int_equal(heard.network, heard0 + 1);
	fake_now += LINKS_NETCHANGE_MS;
	turns(loop);
	/* The debounced change went with the wake: not told twice. */
	assert_int_equal(a->net_changes, 0);
	assert_int_equal(heard.network, heard0 + 1);

	/* A changed link retires: its successor is told, it is not. */
	links_apply(ls, conf_of(LINK_A2 LINK_D), NULL);
	succ = made(2);
	links_resumed(ls, 5000);
	assert_int_equal(a->wakes, 1);
	assert_int_equal(succ->wakes, 1);
	assert_int_equal(d->wakes, 2);

	links_stop_all(ls);
	links_resumed(ls, 5000);
	assert_int_equal(d->wakes, 2);
	links_free(ls);
}

/* Retiring links get no events; the successor does. */
static void
test_rtnl_current_only(void **state)
{
	struct loop		*loop = *state;
	struct links		*ls;
	struct link		*old, *succ;
	struct rtnl_event	 ev;

	ls = links_new(loop, NULL, conf_of(LINK_A), &hooks);
	old = made(0);
	fake_set_state(old, LINK_UP);
	links_apply(ls, conf_of(LINK_A2), NULL);
	succ = made(1);
	ev = ev_of(RTNL_LINK_NEW, "vpn-a", false, 0);
	links_rtnl_event(ls, &ev);
	assert_int_equal(old->rtnl_events, 0);
	assert_int_equal(succ->rtnl_events, 1);
	links_free(ls);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_start, test_setup,
		    test_teardown),
		cmocka_unit_test_setup_teardown(test_reload_unchanged,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_reload_changed,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(
		    test_reload_waits_for_every_retiring, test_setup,
		    test_teardown),
		cmocka_unit_test_setup_teardown(test_reload_changed_in_backoff,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_reload_removed,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_reload_new, test_setup,
		    test_teardown),
		cmocka_unit_test_setup_teardown(test_gate, test_setup,
		    test_teardown),
		cmocka_unit_test_setup_teardown(test_stop_all, test_setup,
		    test_teardown),
		cmocka_unit_test_setup_teardown(test_stop_all_idle,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_changed_hook, test_setup,
		    test_teardown),
		cmocka_unit_test_setup_teardown(test_rtnl_and_netchange,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_rtnl_current_only,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_summary, test_setup,
		    test_teardown),
		cmocka_unit_test_setup_teardown(test_resumed, test_setup,
		    test_teardown),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
