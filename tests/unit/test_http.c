/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for http.c: URL splitting (table), and real requests
 * through the loop to a server in the same loop (minihttpd): GET, POST,
 * basic auth, truncated bodies, HTTP errors, refused connections,
 * timeouts that do not hold anything else up, cancelling, and freeing
 * with requests in flight.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "http.h"
#include "loop.h"
#include "minihttpd.h"
#include "xmalloc.h"

/* ------------------------------------------------------- URL table */

static const struct {
	const char	*url;
	int		 ok;
	bool		 https;
	const char	*host;
	const char	*query;
} url_cases[] = {
	{ "http://10.0.0.1/health", 0, false, "10.0.0.1", NULL },
	{ "https://gw.example.org:8443/x?a=1&b=2", 0, true,
	  "gw.example.org", "a=1&b=2" },
	{ "https://[2001:db8::1]/", 0, true, "2001:db8::1", NULL },
	{ "HTTPS://Example.ORG/nic/update?hostname=h.example.org", 0, true,
	  "Example.ORG", "hostname=h.example.org" },
	{ "http://user:pw@10.0.0.1:80/", 0, false, "10.0.0.1", NULL },
	{ "ftp://10.0.0.1/", -1, false, NULL, NULL },
	{ "file:///etc/passwd", -1, false, NULL, NULL },
	{ "http://", -1, false, NULL, NULL },
	{ "not a url", -1, false, NULL, NULL },
	{ "https://[::1/", -1, false, NULL, NULL },
};

static void
test_url_split(void **state)
{
	char	*host, *query, *cause;
	bool	 https;
	size_t	 i;
	int	 r;

	(void)state;
	for (i = 0; i < sizeof(url_cases) / sizeof(url_cases[0]); i++) {
		cause = NULL;
		https = !url_cases[i].https;
		r = http_url_split(url_cases[i].url, &https, &host, &query,
		    &cause);
		if (r != url_cases[i].ok)
			fail_msg("%s: %d, want %d (%s)", url_cases[i].url, r,
			    url_cases[i].ok, cause ? cause : "");
		if (r == -1) {
			assert_non_null(cause);
			assert_null(host);
			free(cause);
			continue;
		}
		assert_null(cause);
		assert_true(https == url_cases[i].https);
		assert_string_equal(host, url_cases[i].host);
		if (url_cases[i].query == NULL)
			assert_null(query);
		else
			assert_string_equal(query, url_cases[i].query);
		free(host);
		free(query);
	}
}

/* Issue 12: tokens in a URL's userinfo, path or query are never shown. */
static void
test_url_shown(void **state)
{
	static const struct {
		const char	*url;
		const char	*shown;
		bool		 userinfo;
	} cases[] = {
		{ "https://hooks.example.org/services/T0/B1/SECRET",
		    "https://hooks.example.org/", false },
		{ "https://u:p@dyn.example.org/nic/update?hostname=h",
		    "https://dyn.example.org/", true },
		{ "https://a@b@host:8443?token=x#frag",
		    "https://host:8443/", true },
		{ "http://10.0.0.1/health", "http://10.0.0.1/", false },
		{ "http://[2001:db8::1]:80/x?y", "http://[2001:db8::1]:80/",
		    false },
		{ "https://host", "https://host/", false },
		{ "https://host/p@th", "https://host/", false },
		{ "https://ho\x1bst/", "https://ho\\x1bst/", false },
		{ "not a url", "(not a URL)", false },
	};
	char	*s;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = http_url_shown(cases[i].url);
		if (strcmp(s, cases[i].shown) != 0)
			fail_msg("%s: shown as %s, want %s", cases[i].url, s,
			    cases[i].shown);
		free(s);
		if (http_url_userinfo(cases[i].url) != cases[i].userinfo)
			fail_msg("%s: userinfo %d", cases[i].url,
			    !cases[i].userinfo);
	}
}

/* ------------------------------------------------- requests, live */

struct done {
	int	 calls;
	int	 status;
	char	*error;
	char	*body;
	size_t	 body_len;
	bool	 timed_out;
	uint64_t at;		/* loop ms of the callback */
};

static struct loop	*tl;

static void
on_done(const struct http_result *res, void *arg)
{
	struct done	*d = arg;

	d->calls++;
	d->status = res->status;
	d->error = res->error != NULL ? xstrdup(res->error) : NULL;
	d->body = xstrndup(res->body, res->body_len);
	d->body_len = res->body_len;
	d->timed_out = res->timed_out;
	d->at = loop_now(tl);
}

static void
done_clear(struct done *d)
{
	free(d->error);
	free(d->body);
	memset(d, 0, sizeof(*d));
}

/* Run the loop until *calls is set or ms passed. */
static void
run_until(int *calls, int want, int ms)
{
	uint64_t	end = loop_clock() + (uint64_t)ms;

	while (*calls < want && loop_clock() < end)
		assert_int_equal(loop_once(tl, 20), 0);
}

static char *
url_to(const struct mh *mh, const char *path)
{
	char	*u;

	xasprintf(&u, "http://127.0.0.1:%d%s", mh_port(mh), path);
	return u;
}

static void
test_get_post_auth(void **state)
{
	struct http		*h;
	struct mh		*mh;
	struct http_request	 q = { 0 };
	struct done		 d = { 0 };
	char			*cause = NULL, *u;

	(void)state;
	tl = loop_new();
	h = http_new(tl, NULL, NULL, &cause);
	assert_non_null(h);
	mh = mh_new(tl, true);
	mh_answer(mh, 200, "good 192.0.2.1");

	/* GET with basic auth. */
	u = url_to(mh, "/nic/update?hostname=a.example.org");
	q.url = u;
	q.userpwd = "user:pa:ss";
	q.timeout_ms = 3000;
	q.max_body = 100;
	assert_non_null(http_start(h, &q, on_done, &d, &cause));
	assert_int_equal(http_pending(h), 1);
	run_until(&d.calls, 1, 3000);
	assert_int_equal(d.calls, 1);
	assert_null(d.error);
	assert_int_equal(d.status, 200);
	assert_string_equal(d.body, "good 192.0.2.1");
	assert_int_equal(http_pending(h), 0);
	assert_non_null(strstr(mh_head(mh, 0),
	    "GET /nic/update?hostname=a.example.org HTTP/1.1\r\n"));
	/* base64("user:pa:ss") */
	assert_non_null(strstr(mh_head(mh, 0),
	    "\r\nAuthorization: Basic dXNlcjpwYTpzcw==\r\n"));
	assert_non_null(strstr(mh_head(mh, 0),
	    "\r\nUser-Agent: " PACKAGE_NAME "/" PACKAGE_VERSION "\r\n"));
	done_clear(&d);
	free(u);

	/* POST a JSON body; a long answer is cut at max_body. */
	mh_answer(mh, 201, "0123456789abcdef");
	u = url_to(mh, "/notify");
	memset(&q, 0, sizeof(q));
	q.url = u;
	q.body = "{\"a\":1}";
	q.body_len = 7;
	q.content_type = "application/json";
	q.timeout_ms = 3000;
	q.max_body = 4;
	assert_non_null(http_start(h, &q, on_done, &d, &cause));
	run_until(&d.calls, 1, 3000);
	assert_int_equal(d.status, 201);
	assert_null(d.error);
	assert_int_equal(d.body_len, 4);
	assert_string_equal(d.body, "0123");
	assert_non_null(strstr(mh_head(mh, 1), "POST /notify HTTP/1.1\r\n"));
	assert_non_null(strstr(mh_head(mh, 1),
	    "\r\nContent-Type: application/json\r\n"));
	assert_null(strstr(mh_head(mh, 1), "Authorization:"));
	assert_null(strstr(mh_head(mh, 1), "Expect:"));
	assert_string_equal(mh_body(mh, 1), "{\"a\":1}");
	done_clear(&d);

	/* An HTTP error is a response, not an error. */
	mh_answer(mh, 503, "busy");
	q.max_body = 100;
	assert_non_null(http_start(h, &q, on_done, &d, &cause));
	run_until(&d.calls, 1, 3000);
	assert_int_equal(d.status, 503);
	assert_null(d.error);
	done_clear(&d);
	free(u);

	mh_free(mh);
	http_free(h);
	loop_free(tl);
}

/* A refused connection ends the request at once, with why. */
static void
test_refused(void **state)
{
	struct http		*h;
	struct mh		*mh;
	struct http_request	 q = { 0 };
	struct done		 d = { 0 };
	char			*cause = NULL, *u;
	uint64_t		 t0;

	(void)state;
	tl = loop_new();
	h = http_new(tl, NULL, NULL, &cause);
	mh = mh_new(tl, false);		/* bound, not listening */
	t0 = loop_clock();
	u = url_to(mh, "/");
	q.url = u;
	q.timeout_ms = 3000;
	q.max_body = 10;
	assert_non_null(http_start(h, &q, on_done, &d, &cause));
	run_until(&d.calls, 1, 3000);
	assert_int_equal(d.calls, 1);
	assert_non_null(d.error);
	assert_false(d.timed_out);
	assert_int_equal(d.status, 0);
	assert_true(d.at - t0 < 1000);
	done_clear(&d);
	free(u);
	mh_free(mh);
	http_free(h);
	loop_free(tl);
}

struct ticker {
	struct loop_timer	 t;
	int			 ticks;
	uint64_t		 last;		/* loop_clock() at the last tick */
	uint64_t		 gap;		/* the longest time between ticks */
};

static void
tick(void *arg)
{
	struct ticker	*k = arg;
	uint64_t	 now = loop_clock();

	if (k->last != 0 && now - k->last > k->gap)
		k->gap = now - k->last;
	k->last = now;
	k->ticks++;
	loop_timer_set(tl, &k->t, 50);
}

/*
 * A server that takes the request and never answers: the request times
 * out after its timeout, and meanwhile the loop runs everything else
 * on time (a 50 ms ticker, a request to a server that does answer).
 */
static void
test_timeout_blocks_nothing(void **state)
{
	struct http		*h;
	struct mh		*dead, *live;
	struct http_request	 q = { 0 };
	struct done		 d = { 0 }, e = { 0 };
	struct ticker		 k = { 0 };
	char			*cause = NULL, *u1, *u2;
	uint64_t		 t0;

	(void)state;
	tl = loop_new();
	h = http_new(tl, NULL, NULL, &cause);
	dead = mh_new(tl, true);
	mh_answer(dead, 0, NULL);
	live = mh_new(tl, true);
	u1 = url_to(dead, "/");
	u2 = url_to(live, "/");
	loop_timer_init(&k.t, tick, &k);
	loop_timer_set(tl, &k.t, 50);
	k.last = loop_clock();

	t0 = loop_clock();
	q.url = u1;
	q.timeout_ms = 700;
	q.max_body = 10;
	assert_non_null(http_start(h, &q, on_done, &d, &cause));
	q.url = u2;
	q.timeout_ms = 3000;
	assert_non_null(http_start(h, &q, on_done, &e, &cause));
	run_until(&e.calls, 1, 3000);
	assert_int_equal(e.calls, 1);
	assert_int_equal(e.status, 200);
	assert_int_equal(d.calls, 0);		/* still waiting */
	run_until(&d.calls, 1, 3000);
	assert_int_equal(d.calls, 1);
	assert_true(d.timed_out);
	assert_string_equal(d.error, "timed out after 700 ms");
	assert_true(d.at - t0 >= 650 && d.at - t0 < 1500);
	assert_true(e.at < d.at);
	/*
	 * The ticker kept going while the request hung: a loop blocked by
	 * the request would show one gap of its whole 700 ms.  (Not a count
	 * of ticks: a loaded machine runs a 50 ms timer late, not never.)
	 */
	assert_true(k.ticks >= 3);
	assert_true(k.gap < 600);
	assert_int_equal(mh_count(dead), 1);

	loop_timer_cancel(tl, &k.t);
	done_clear(&d);
	done_clear(&e);
	free(u1);
	free(u2);
	mh_free(dead);
	mh_free(live);
	http_free(h);
	loop_free(tl);
}

/* Cancelled requests never call back; http_free() cancels the rest. */
static void
test_cancel_and_free(void **state)
{
	struct http		*h;
	struct mh		*dead;
	struct http_request	 q = { 0 };
	struct http_req		*r;
	struct done		 d = { 0 }, e = { 0 };
	char			*cause = NULL, *u;

	(void)state;
	tl = loop_new();
	h = http_new(tl, NULL, NULL, &cause);
	dead = mh_new(tl, true);
	mh_answer(dead, 0, NULL);
	u = url_to(dead, "/");
	q.url = u;
	q.timeout_ms = 400;
	q.max_body = 10;
	r = http_start(h, &q, on_done, &d, &cause);
	assert_non_null(r);
	run_until(&d.calls, 1, 200);	/* it connects, sends, waits */
	http_cancel(h, r);
	http_cancel(h, NULL);
	assert_int_equal(http_pending(h), 0);
	run_until(&d.calls, 1, 800);
	assert_int_equal(d.calls, 0);

	assert_non_null(http_start(h, &q, on_done, &e, &cause));
	assert_non_null(http_start(h, &q, on_done, &e, &cause));
	assert_int_equal(http_pending(h), 2);
	run_until(&e.calls, 1, 100);
	http_free(h);
	assert_int_equal(e.calls, 0);
	http_free(NULL);
	free(u);
	mh_free(dead);
	loop_free(tl);
}

/* Bound to an interface: lo works, a missing one is an error. */
static void
test_interface(void **state)
{
	struct http		*h;
	struct mh		*mh;
	struct http_request	 q = { 0 };
	struct done		 d = { 0 };
	char			*cause = NULL, *u;

	(void)state;
	tl = loop_new();
	h = http_new(tl, NULL, NULL, &cause);
	mh = mh_new(tl, true);
	u = url_to(mh, "/");
	q.url = u;
	q.timeout_ms = 2000;
	q.max_body = 10;
	/* SO_BINDTODEVICE needs CAP_NET_RAW: as root (make check) only. */
	if (geteuid() == 0) {
		q.interface = "if!lo";
		assert_non_null(http_start(h, &q, on_done, &d, &cause));
		run_until(&d.calls, 1, 3000);
		assert_int_equal(d.status, 200);
		assert_int_equal(mh_count(mh), 1);
		done_clear(&d);
	}

	q.interface = "if!nosuchif0";
	assert_non_null(http_start(h, &q, on_done, &d, &cause));
	run_until(&d.calls, 1, 3000);
	assert_int_equal(d.calls, 1);
	assert_non_null(d.error);
	assert_int_equal(mh_count(mh), geteuid() == 0 ? 1 : 0);
	done_clear(&d);
	free(u);
	mh_free(mh);
	http_free(h);
	loop_free(tl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_split),
		cmocka_unit_test(test_url_shown),
		cmocka_unit_test(test_get_post_auth),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_timeout_blocks_nothing),
		cmocka_unit_test(test_cancel_and_free),
		cmocka_unit_test(test_interface),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
