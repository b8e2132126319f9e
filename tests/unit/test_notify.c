/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for notify.c: the JSON document (escaping through buf's
 * JSON strings), and the queue against a server in the same loop:
 * delivery in order, the cap (oldest dropped and counted) while the
 * server refuses, retries until it listens, and what is left to free.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http.h"
#include "loop.h"
#include "minihttpd.h"
#include "notify.h"
#include "xmalloc.h"

static void
test_document(void **state)
{
	static const struct {
		const char	*link, *state, *previous, *reason;
		time_t		 at;
		unsigned	 redials;
		const char	*want;
	} t[] = {
		{ "office", "up", "routes", NULL, 0, 0,
		  "{\"link\":\"office\",\"state\":\"up\",\"previous\":\"routes\","
		  "\"reason\":null,\"at\":\"1970-01-01T00:00:00Z\","
		  "\"redials\":0}" },
		{ "office", "stopping", "up",
		  "probe http://10.0.0.1/health: HTTP 503", 1700000000, 12,
		  "{\"link\":\"office\",\"state\":\"stopping\","
		  "\"previous\":\"up\",\"reason\":\"probe "
		  "http://10.0.0.1/health: HTTP 503\","
		  "\"at\":\"2023-11-14T22:13:20Z\",\"redials\":12}" },
		/* Quotes, backslashes, control bytes, broken UTF-8. */
		{ "a", "down", "stopping", "say \"no\"\\\n\x01\xff ok \xc3\xa9",
		  86399, 4294967295u,
		  "{\"link\":\"a\",\"state\":\"down\",\"previous\":\"stopping\","
		  "\"reason\":\"say \\\"no\\\"\\\\\\n\\u0001\\ufffd ok "
		  "\xc3\xa9\",\"at\":\"1970-01-01T23:59:59Z\","
		  "\"redials\":4294967295}" },
	};
	char	*doc;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		doc = notify_document(t[i].link, t[i].state, t[i].previous,
		    t[i].reason, t[i].at, t[i].redials);
		assert_string_equal(doc, t[i].want);
		free(doc);
	}
}

static struct loop	*tl;

static void
run_until_idle(struct notify *nt, int ms)
{
	uint64_t	end = loop_clock() + (uint64_t)ms;

	while (!notify_idle(nt) && loop_clock() < end)
		assert_int_equal(loop_once(tl, 20), 0);
}

static void
run_for(int ms)
{
	uint64_t	end = loop_clock() + (uint64_t)ms;

	while (loop_clock() < end)
		assert_int_equal(loop_once(tl, 20), 0);
}

static char *
doc_n(int i)
{
	char	*s;

	xasprintf(&s, "{\"n\":%d}", i);
	return s;
}

/* Every document arrives, once, in order, as application/json. */
static void
test_order(void **state)
{
	struct http	*h;
	struct mh	*mh;
	struct notify	*nt;
	char		*u, *want, *cause = NULL;
	int		 i;

	(void)state;
	tl = loop_new();
	h = http_new(tl, NULL, NULL, &cause);
	mh = mh_new(tl, true);
	xasprintf(&u, "http://127.0.0.1:%d/hook", mh_port(mh));
	nt = notify_new(tl, h, "office", u, 16);
	for (i = 0; i < 10; i++)
		notify_push(nt, doc_n(i));
	assert_int_equal(notify_queued(nt), 10);
	assert_false(notify_idle(nt));
	run_until_idle(nt, 5000);
	assert_true(notify_idle(nt));
	assert_int_equal(mh_count(mh), 10);
	for (i = 0; i < 10; i++) {
		want = doc_n(i);
		assert_string_equal(mh_body(mh, (size_t)i), want);
		assert_non_null(strstr(mh_head(mh, (size_t)i),
		    "POST /hook HTTP/1.1\r\n"));
		assert_non_null(strstr(mh_head(mh, (size_t)i),
		    "\r\nContent-Type: application/json\r\n"));
		free(want);
	}
	assert_int_equal(notify_dropped(nt), 0);
	notify_free(nt);
	notify_free(NULL);
	free(u);
	mh_free(mh);
	http_free(h);
	loop_free(tl);
}

/*
 * The server refuses: at most cap documents wait, the oldest go and are
 * counted; when it listens, exactly the newest cap arrive, in order.
 * A non-2xx answer is a failure too, retried.
 */
static void
test_cap_and_retry(void **state)
{
	struct http	*h;
	struct mh	*mh;
	struct notify	*nt;
	char		*u, *want, *cause = NULL;
	int		 i;

	(void)state;
	tl = loop_new();
	h = http_new(tl, NULL, NULL, &cause);
	mh = mh_new(tl, false);
	xasprintf(&u, "http://127.0.0.1:%d/hook", mh_port(mh));
	nt = notify_new(tl, h, "office", u, 4);
	for (i = 0; i < 3; i++)
		notify_push(nt, doc_n(i));
	run_for(300);		/* the first try is refused */
	for (i = 3; i < 10; i++)
		notify_push(nt, doc_n(i));
	assert_int_equal(notify_queued(nt), 4);
	assert_int_equal(notify_dropped(nt), 6);

	/* Up, but answering 500: still nothing delivered. */
	mh_answer(mh, 500, "no");
	mh_listen(mh);
	run_for(1500);
	assert_true(mh_count(mh) >= 1);
	assert_int_equal(notify_queued(nt), 4);
	for (i = 0; i < (int)mh_count(mh); i++)
		assert_string_equal(mh_body(mh, (size_t)i), "{\"n\":6}");

	mh_answer(mh, 204, "");
	i = (int)mh_count(mh);
	run_until_idle(nt, 10000);
	assert_true(notify_idle(nt));
	assert_int_equal(mh_count(mh), (size_t)i + 4);
	for (; i < (int)mh_count(mh); i++) {
		want = doc_n(i - (int)mh_count(mh) + 10);
		assert_string_equal(mh_body(mh, (size_t)i), want);
		free(want);
	}
	assert_int_equal(notify_dropped(nt), 6);

	/* A smaller cap on reload drops the oldest at once. */
	mh_answer(mh, 0, NULL);		/* hang: keep them waiting */
	for (i = 0; i < 4; i++)
		notify_push(nt, doc_n(100 + i));
	notify_set(nt, u, 2);
	assert_int_equal(notify_queued(nt), 2);
	assert_int_equal(notify_dropped(nt), 8);

	/* Freed with a request in flight and documents waiting. */
	run_for(100);
	notify_free(nt);
	free(u);
	mh_free(mh);
	http_free(h);
	loop_free(tl);
}

/*
 * A server that never answers: the post in flight is not dropped for a
 * newer document (the oldest waiting goes), it times out on its own;
 * with a cap of 1 a new document replaces even the one in flight.
 */
static void
test_drop_spares_in_flight(void **state)
{
	struct http	*h;
	struct mh	*mh;
	struct notify	*nt;
	char		*u, *cause = NULL;
	int		 i;

	(void)state;
	tl = loop_new();
	h = http_new(tl, NULL, NULL, &cause);
	mh = mh_new(tl, true);
	mh_answer(mh, 0, NULL);
	xasprintf(&u, "http://127.0.0.1:%d/hook", mh_port(mh));
	nt = notify_new(tl, h, "office", u, 3);
	notify_push(nt, doc_n(0));
	run_for(200);
	assert_int_equal(mh_count(mh), 1);	/* doc 0 posted, hanging */
	for (i = 1; i < 8; i++)
		notify_push(nt, doc_n(i));
	assert_int_equal(notify_queued(nt), 3);
	assert_int_equal(notify_dropped(nt), 5);
	run_for(200);
	/* Still the one connection, for doc 0: not cancelled. */
	assert_int_equal(mh_accepted(mh), 1);
	assert_string_equal(mh_body(mh, 0), "{\"n\":0}");

	/* Down to 1: the waiting ones go, the post in flight stays. */
	notify_set(nt, u, 1);
	assert_int_equal(notify_queued(nt), 1);
	assert_int_equal(notify_dropped(nt), 7);
	run_for(200);
	assert_int_equal(mh_accepted(mh), 1);
	/* Cap 1 and a new one: the post in flight makes room. */
	notify_push(nt, doc_n(8));
	assert_int_equal(notify_queued(nt), 1);
	assert_int_equal(notify_dropped(nt), 8);
	run_for(200);
	assert_int_equal(mh_accepted(mh), 2);
	assert_string_equal(mh_body(mh, 1), "{\"n\":8}");
	notify_free(nt);
	free(u);
	mh_free(mh);
	http_free(h);
	loop_free(tl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_document),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_cap_and_retry),
		cmocka_unit_test(test_drop_spares_in_flight),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
