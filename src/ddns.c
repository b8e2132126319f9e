/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * dyndns2 updates (see ddns.h).  One request at a time: a newer address
 * waiting while one is in flight is sent when it ends.  The protocol's
 * rules: an update only when the address changed (repeated "nochg" is
 * abuse), stop on the fatal answers until a person fixed the setup, and
 * wait at least 30 minutes after 911 or dnserr.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "backoff.h"
#include "ddns.h"
#include "file.h"
#include "http.h"
#include "log.h"
#include "loop.h"
#include "vis.h"
#include "xmalloc.h"

struct ddns {
	struct loop		*loop;
	struct http		*http;
	char			*name;		/* the link, for messages */
	char			*url;
	char			*credentials;	/* the file's path */
	struct http_req		*req;
	struct loop_timer	 timer;		/* retry or hold-off */
	unsigned		 tries;		/* failed in a row */
	bool			 stopped;
	bool			 holding;	/* timer: 911/dnserr hold-off */
	char			*acked;		/* local address acknowledged */
	char			*sending;	/* local address in flight */
	char			*want;		/* to send when free; NULL */
	bool			 want_force;
	char			*last;		/* for status */
	time_t			 last_at;
};

static const struct {
	const char		*word;
	enum ddns_code		 code;
	enum ddns_action	 action;
} ddns_codes[] = {
	{ "good", DDNS_GOOD, DDNS_DONE },
	{ "nochg", DDNS_NOCHG, DDNS_DONE },
	{ "badauth", DDNS_BADAUTH, DDNS_STOP },
	{ "!donator", DDNS_NOTDONATOR, DDNS_STOP },
	{ "notfqdn", DDNS_NOTFQDN, DDNS_STOP },
	{ "nohost", DDNS_NOHOST, DDNS_STOP },
	{ "numhost", DDNS_NUMHOST, DDNS_STOP },
	{ "abuse", DDNS_ABUSE, DDNS_STOP },
	{ "badagent", DDNS_BADAGENT, DDNS_STOP },
	{ "dnserr", DDNS_DNSERR, DDNS_HOLD_OFF },
	{ "911", DDNS_911, DDNS_HOLD_OFF },
};

static int	ddns_credentials_check(const char *, const struct stat *,
		    char **);
static void	ddns_send(struct ddns *);
static void	ddns_retry(struct ddns *, const char *);
static void	ddns_done(const struct http_result *, void *);
static void	ddns_timer_fired(void *);
static void	ddns_set_last(struct ddns *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* ------------------------------------------------------------- pure */

const char *
ddns_action_name(enum ddns_action a)
{
	switch (a) {
	case DDNS_DONE:
		return "done";
	case DDNS_STOP:
		return "stop";
	case DDNS_HOLD_OFF:
		return "hold off";
	case DDNS_RETRY:
		return "retry";
	}
	return "?";
}

int
ddns_answer_parse(const char *body, size_t len, struct ddns_answer *a)
{
	size_t	i = 0, w, n;

	memset(a, 0, sizeof(*a));
	a->code = DDNS_UNKNOWN;
	a->action = DDNS_RETRY;
	/* The first line, blanks around it ignored. */
	while (i < len && (body[i] == ' ' || body[i] == '\t' ||
	    body[i] == '\r' || body[i] == '\n'))
		i++;
	for (w = i; w < len && body[w] != ' ' && body[w] != '\t' &&
	    body[w] != '\r' && body[w] != '\n' && body[w] != '\0'; w++)
		continue;
	if (w == i || w - i >= sizeof(a->word))
		return -1;
	for (n = 0; n < sizeof(ddns_codes) / sizeof(ddns_codes[0]); n++) {
		if (strlen(ddns_codes[n].word) == w - i &&
		    memcmp(ddns_codes[n].word, body + i, w - i) == 0)
			break;
	}
	if (n == sizeof(ddns_codes) / sizeof(ddns_codes[0]))
		return -1;
	memcpy(a->word, body + i, w - i);
	a->word[w - i] = '\0';
	a->code = ddns_codes[n].code;
	a->action = ddns_codes[n].action;
	if (a->code != DDNS_GOOD && a->code != DDNS_NOCHG)
		return 0;
	/* "good 192.0.2.1": keep the address if it is one. */
	i = w;
	while (i < len && (body[i] == ' ' || body[i] == '\t'))
		i++;
	for (w = i; w < len && (body[w] == '.' || body[w] == ':' ||
	    (body[w] >= '0' && body[w] <= '9') ||
	    (body[w] >= 'a' && body[w] <= 'f') ||
	    (body[w] >= 'A' && body[w] <= 'F')); w++)
		continue;
	if (w > i && w - i < sizeof(a->addr)) {
		struct prefix	p;

		memcpy(a->addr, body + i, w - i);
		a->addr[w - i] = '\0';
		if (addr_parse(a->addr, AF_UNSPEC, &p) == -1)
			a->addr[0] = '\0';
	}
	return 0;
}

char *
ddns_update_url(const char *base, const char *myip)
{
	const char	*sep;
	char		*url;
	size_t		 n = strlen(base);

	if (myip == NULL)
		return xstrdup(base);
	if (strchr(base, '?') == NULL)
		sep = "?";
	else if (n > 0 && (base[n - 1] == '?' || base[n - 1] == '&'))
		sep = "";
	else
		sep = "&";
	xasprintf(&url, "%s%smyip=%s", base, sep, myip);
	return url;
}

bool
ddns_addr_public(const char *s)
{
	static const char *const private[] = {
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8",
		"169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16",
		"224.0.0.0/3", "::/127", "fc00::/7",
		"fe80::/10", "ff00::/8"
	};
	struct prefix	 a, p;
	char		*cause;
	size_t		 i;

	if (addr_parse(s, AF_UNSPEC, &a) == -1 || addr_is_v4mapped(&a))
		return false;
	for (i = 0; i < sizeof(private) / sizeof(private[0]); i++) {
		if (addr_prefix_parse(private[i], &p, &cause) == -1)
			fatalx("ddns: %s", cause);
		if (p.family == a.family && addr_contains(&p, &a))
			return false;
	}
	return true;
}

/* The credentials are for us alone. */
static int
ddns_credentials_check(const char *path, const struct stat *st,
    char **cause)
{
	if ((st->st_mode & 077) != 0) {
		xasprintf(cause, "%s: group or world accessible (mode %04o), "
		    "refusing", path, (unsigned)(st->st_mode & 07777));
		return -1;
	}
	return 0;
}

int
ddns_read_credentials(const char *path, char **userpwd, char **cause)
{
	char	*buf, *nl, *c;
	size_t	 len;
	int	 r = -1;

	*userpwd = NULL;
	if (file_read(path, DDNS_MAX_CREDENTIALS, ddns_credentials_check,
	    &buf, &len, cause) == -1)
		return -1;
	if ((nl = strchr(buf, '\n')) != NULL)
		*nl = '\0';
	if ((nl = strchr(buf, '\r')) != NULL)
		*nl = '\0';
	for (c = buf; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			break;
	if (*c != '\0' || buf[0] == ':' || strchr(buf, ':') == NULL) {
		xasprintf(cause, "%s: the first line is not USER:PASSWORD",
		    path);
		goto out;
	}
	*userpwd = xstrdup(buf);
	r = 0;
out:
	explicit_bzero(buf, len);
	free(buf);
	return r;
}

/* ----------------------------------------------------------- updater */

struct ddns *
ddns_new(struct loop *loop, struct http *http, const char *name,
    const char *url, const char *credentials)
{
	struct ddns	*d;

	d = xcalloc(1, sizeof(*d));
	d->loop = loop;
	d->http = http;
	d->name = xstrdup(name);
	d->url = xstrdup(url);
	d->credentials = xstrdup(credentials);
	loop_timer_init(&d->timer, ddns_timer_fired, d);
	return d;
}

void
ddns_free(struct ddns *d)
{
	if (d == NULL)
		return;
	loop_timer_cancel(d->loop, &d->timer);
	http_cancel(d->http, d->req);
	free(d->name);
	free(d->url);
	free(d->credentials);
	free(d->acked);
	free(d->sending);
	free(d->want);
	free(d->last);
	free(d);
}

static void
ddns_set_last(struct ddns *d, const char *fmt, ...)
{
	va_list	ap;

	free(d->last);
	va_start(ap, fmt);
	xvasprintf(&d->last, fmt, ap);
	va_end(ap);
	d->last_at = time(NULL);
}

const char *
ddns_last(const struct ddns *d, time_t *at)
{
	*at = d->last_at;
	return d->last;
}

void
ddns_update(struct ddns *d, const char *local, bool force)
{
	if (d->stopped) {
		log_info("link %s: ddns: not updating to %s: updates are "
		    "stopped until reload (%s)", d->name, local,
		    d->last != NULL ? d->last : "?");
		return;
	}
	if (!force && d->acked != NULL && strcmp(d->acked, local) == 0 &&
	    d->req == NULL) {
		log_debug("link %s: ddns: %s already acknowledged", d->name,
		    local);
		return;
	}
	free(d->want);
	d->want = xstrdup(local);
	d->want_force = force;
	/* Busy or holding off: the newest address goes when that ends. */
	if (d->req != NULL || d->timer.armed)
		return;
	ddns_send(d);
}

void
ddns_reloaded(struct ddns *d)
{
	if (d->timer.armed && !d->holding) {
		loop_timer_cancel(d->loop, &d->timer);
		d->tries = 0;
	}
	if (!d->stopped)
		return;
	log_info("link %s: ddns: updates allowed again after reload",
	    d->name);
	d->stopped = false;
	free(d->acked);
	d->acked = NULL;
}

static void
ddns_send(struct ddns *d)
{
	struct http_request	 q = { 0 };
	char			*userpwd = NULL, *url, *cause = NULL;
	const char		*myip;

	if (d->want == NULL)
		return;
	if (!d->want_force && d->acked != NULL &&
	    strcmp(d->acked, d->want) == 0) {
		free(d->want);
		d->want = NULL;
		return;
	}
	free(d->sending);
	d->sending = d->want;
	d->want = NULL;

	if (ddns_read_credentials(d->credentials, &userpwd, &cause) == -1) {
		log_warnx("link %s: ddns: %s", d->name, cause);
		ddns_set_last(d, "credentials: %s", cause);
		free(cause);
		return;
	}
	myip = ddns_addr_public(d->sending) ? d->sending : NULL;
	url = ddns_update_url(d->url, myip);
	q.url = url;
	q.userpwd = userpwd;
	q.timeout_ms = DDNS_TIMEOUT;
	q.max_body = DDNS_MAX_BODY;
	if (myip != NULL)
		log_info("link %s: ddns: updating to %s", d->name, myip);
	else
		log_info("link %s: ddns: updating (local address %s is "
		    "private: the service takes the one it sees)", d->name,
		    d->sending);
	d->req = http_start(d->http, &q, ddns_done, d, &cause);
	explicit_bzero(userpwd, strlen(userpwd));
	free(userpwd);
	free(url);
	if (d->req == NULL) {
		log_warnx("link %s: ddns: %s", d->name, cause);
		ddns_set_last(d, "%s", cause);
		free(cause);
	}
}

static void
ddns_retry(struct ddns *d, const char *what)
{
	uint64_t	ms;

	ms = backoff_delay(DDNS_RETRY_MIN, DDNS_RETRY_MAX, d->tries++,
	    arc4random());
	log_warnx("link %s: ddns: %s; retrying in %llu s", d->name, what,
	    (unsigned long long)(ms / 1000));
	ddns_set_last(d, "%s (retrying in %llu s)", what,
	    (unsigned long long)(ms / 1000));
	if (d->want == NULL) {
		d->want = d->sending;
		d->sending = NULL;
		d->want_force = true;
	}
	d->holding = false;
	loop_timer_set(d->loop, &d->timer, ms);
}

static void
ddns_done(const struct http_result *res, void *arg)
{
	struct ddns		*d = arg;
	struct ddns_answer	 a;
	char			 what[256], shown[VIS_MAX(40)];
	size_t			 n;

	d->req = NULL;
	if (res->error != NULL) {
		ddns_retry(d, res->error);
		return;
	}
	if (ddns_answer_parse(res->body, res->body_len, &a) == -1) {
		/* Its first line, at most 40 bytes, safe to show. */
		n = strcspn(res->body, "\r\n");
		if (n > 40)
			n = 40;
		(void)vis_buf(shown, sizeof(shown), res->body, n, 0);
		if (res->status < 200 || res->status > 299)
			(void)snprintf(what, sizeof(what), "HTTP %d",
			    res->status);
		else
			(void)snprintf(what, sizeof(what), "HTTP %d, not a "
			    "dyndns2 answer: %s", res->status,
			    res->body_len > 0 ? shown : "(empty)");
		ddns_retry(d, what);
		return;
	}
	switch (a.action) {
	case DDNS_DONE:
		d->tries = 0;
		free(d->acked);
		d->acked = d->sending;
		d->sending = NULL;
		log_info("link %s: ddns: %s%s%s", d->name, a.word,
		    a.addr[0] != '\0' ? " " : "", a.addr);
		ddns_set_last(d, "%s%s%s", a.word, a.addr[0] != '\0' ? " " : "",
		    a.addr);
		/* A newer address may have come meanwhile. */
		ddns_send(d);
		break;
	case DDNS_STOP:
		d->stopped = true;
		free(d->want);
		d->want = NULL;
		log_warnx("link %s: ddns: %s: no more updates until reload",
		    d->name, a.word);
		ddns_set_last(d, "%s (updates stopped until reload)", a.word);
		break;
	case DDNS_HOLD_OFF:
		log_warnx("link %s: ddns: %s: next try in %d min", d->name,
		    a.word, DDNS_HOLD / 60000);
		ddns_set_last(d, "%s (next try in %d min)", a.word,
		    DDNS_HOLD / 60000);
		if (d->want == NULL) {
			d->want = d->sending;
			d->sending = NULL;
			d->want_force = true;
		}
		d->holding = true;
		loop_timer_set(d->loop, &d->timer, DDNS_HOLD);
		break;
	case DDNS_RETRY:
		ddns_retry(d, a.word);
		break;
	}
}

static void
ddns_timer_fired(void *arg)
{
	struct ddns	*d = arg;

	if (d->stopped || d->req != NULL)
		return;
	ddns_send(d);
}
