/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * vpnctl up: want a link up.  With --wait, follow it: a line per stage
 * with the time since the start, a line per failed attempt with its
 * reason while vpnd re-dials, a line when nothing happened for a while;
 * exit 0 once the routes are in, 1 at once on a failure re-dialing will
 * not fix (vpnd says which), at the deadline (--timeout, 60 s) with the
 * last reason, or on Ctrl-C.  Leaving early never stops the link: vpnd
 * keeps dialing it, and vpnctl says so.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctlclient.h"
#include "ctlmsg.h"
#include "loop.h"
#include "vpnctl.h"
#include "xmalloc.h"

#define UP_TIMEOUT	60		/* seconds, --timeout's default */
#define UP_QUIET	10000		/* ms without news: say what waits */

struct up {
	const char	*name;
	uint64_t	 t0;		/* ms, monotonic */
	uint64_t	 said;		/* when the last line was printed */
	char		*state;		/* the last stage's */
	char		*reason;	/* the last failure's */
	bool		 dialed;	/* a stage other than up was seen */
};

static volatile sig_atomic_t up_signal;

static void
up_on_signal(int signo)
{
	up_signal = signo;
}

/* Seconds since the start, for the end of a line. */
static double
up_elapsed(const struct up *u)
{
	return (double)(loop_clock_monotonic() - u->t0) / 1000.0;
}

/* "NAME: TEXT (1.2 s)" */
static void
up_say(struct up *u, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
up_say(struct up *u, const char *fmt, ...)
{
	va_list	ap;

	printf("%s: ", u->name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (%.1f s)\n", up_elapsed(u));
	(void)fflush(stdout);
	u->said = loop_clock_monotonic();
}

/* What a link in state waits for, for "still ..." lines. */
static const char *
up_doing(const char *state)
{
	static const struct {
		const char	*state, *doing;
	} doings[] = {
		{ "connecting", "connecting" },
		{ "handshake", "in the ssh handshake" },
		{ "auth", "authenticating" },
		{ "ppp", "waiting for ppp to come up" },
		{ "routes", "installing routes" },
		{ "stopping", "cleaning up after the failure" },
		{ "backoff", "waiting to re-dial" },
		{ "queued", "waiting for its turn to dial" },
	};
	size_t	i;

	for (i = 0; i < sizeof(doings) / sizeof(doings[0]); i++)
		if (strcmp(state, doings[i].state) == 0)
			return doings[i].doing;
	return state;
}

/* A stage line from vpnd: say what it means. */
static void
up_stage(struct up *u, const struct ctlmsg_reply *r)
{
	struct ctlmsg_link	 l;
	char			*text, *cause = NULL;
	bool			 failed;

	text = xstrdup(r->text);
	if (ctlmsg_link_parse(text, &l, &cause) == -1) {
		fprintf(stderr, "vpnctl: bad reply from vpnd: %s\n", cause);
		free(cause);
		free(text);
		return;
	}
	free(u->state);
	u->state = xstrdup(l.state);
	failed = l.reason != NULL && l.fail_class != NULL &&
	    strcmp(l.fail_class, "none") != 0;
	if (strcmp(l.state, "up") == 0) {
		free(text);
		return;			/* the final "ok" follows */
	}
	u->dialed = true;
	if (strcmp(l.state, "connecting") == 0) {
		if (l.hosts != NULL)
			up_say(u, "connecting to %s", l.hosts);
		else
			up_say(u, "connecting");
	} else if (strcmp(l.state, "handshake") == 0)
		up_say(u, "ssh handshake with %s:%d, checking its host key",
		    l.host != NULL ? l.host : "?", l.port);
	else if (strcmp(l.state, "auth") == 0)
		up_say(u, "authenticating");
	else if (strcmp(l.state, "ppp") == 0)
		up_say(u, "starting pppd at both ends");
	else if (strcmp(l.state, "routes") == 0)
		up_say(u, "installing routes");
	else if (strcmp(l.state, "queued") == 0)
		up_say(u, "waiting for its turn to dial (other links are "
		    "dialing; max-dials)");
	else if (strcmp(l.state, "stopping") == 0 && failed) {
		up_say(u, "attempt failed: %s", l.reason);
		free(u->reason);
		u->reason = xstrdup(l.reason);
	} else if (strcmp(l.state, "backoff") == 0 && l.next_dial >= 0)
		up_say(u, "re-dialing in %d s", l.next_dial);
	else if (strcmp(l.state, "down") != 0 &&
	    strcmp(l.state, "backoff") != 0)
		up_say(u, "%s", l.state);
	free(text);
}

/* Leaving while the link dials: it goes on without us. */
static void
up_leave(struct up *u, const char *why)
{
	fprintf(stderr, "vpnctl: %s: %s after %.1f s%s%s\n", u->name, why,
	    up_elapsed(u), u->reason != NULL ? "; last failure: " : "",
	    u->reason != NULL ? u->reason : "");
	fprintf(stderr, "vpnctl: %s: vpnd keeps dialing it (vpnctl down %s "
	    "stops that)\n", u->name, u->name);
}

/* up NAME --wait: follow the link until it is up or we give up. */
static int
up_wait(struct vpnctl *v, const char *name, long timeout)
{
	struct sigaction	 sa, oint, oterm;
	struct ctlclient	*cl = NULL;
	struct ctlmsg_reply	 r;
	struct up		 u;
	const char		*req[3] = { "up", name, "+wait" };
	char			*cause = NULL;
	uint64_t		 now, deadline = 0, quiet;
	int			 status = VPNCTL_FAILED, rv, wait;

	memset(&u, 0, sizeof(u));
	u.name = name;
	u.t0 = u.said = loop_clock_monotonic();
	if (timeout > 0)
		deadline = u.t0 + (uint64_t)timeout * 1000;

	/* No SA_RESTART: Ctrl-C ends the wait in poll(). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = up_on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, &oint) == -1 ||
	    sigaction(SIGTERM, &sa, &oterm) == -1) {
		fprintf(stderr, "vpnctl: sigaction: %s\n", strerror(errno));
		return VPNCTL_FAILED;
	}

	if ((cl = ctlclient_connect(v->socket, &cause)) == NULL ||
	    ctlclient_send(cl, 3, req, &cause) == -1)
		goto out;
	for (;;) {
		now = loop_clock_monotonic();
		quiet = u.said + UP_QUIET;
		wait = quiet > now ? (int)(quiet - now) : 0;
		if (deadline != 0 && (deadline <= now ||
		    deadline - now < (uint64_t)wait))
			wait = deadline > now ? (int)(deadline - now) : 0;
		rv = ctlclient_read(cl, wait, &r, &cause);
		if (up_signal != 0) {
			printf("\n");
			up_leave(&u, "interrupted");
			goto out;
		}
		if (rv == -1)
			goto out;
		if (rv == 1) {
			now = loop_clock_monotonic();
			if (deadline != 0 && now >= deadline) {
				up_leave(&u, "not up");
				goto out;
			}
			if (now >= u.said + UP_QUIET && u.state != NULL)
				up_say(&u, "still %s", up_doing(u.state));
			continue;
		}
		switch (r.type) {
		case CTLMSG_STAGE:
			up_stage(&u, &r);
			break;
		case CTLMSG_OK:
			if (u.dialed)
				printf("%s: up in %.1f s\n", name,
				    up_elapsed(&u));
			else
				printf("%s: already up\n", name);
			status = VPNCTL_OK;
			goto out;
		case CTLMSG_ERROR:
			fprintf(stderr, "vpnctl: %s\n", r.text);
			status = ctlclient_exit_status(r.error);
			goto out;
		default:
			break;
		}
	}
out:
	if (cause != NULL) {
		fprintf(stderr, "vpnctl: %s\n", cause);
		free(cause);
	}
	ctlclient_free(cl);
	(void)sigaction(SIGINT, &oint, NULL);
	(void)sigaction(SIGTERM, &oterm, NULL);
	free(u.state);
	free(u.reason);
	if (fflush(stdout) == EOF && status == VPNCTL_OK) {
		fprintf(stderr, "vpnctl: stdout: %s\n", strerror(errno));
		status = VPNCTL_FAILED;
	}
	return status;
}

int
ctl_up(struct vpnctl *v, int argc, char **argv)
{
	struct vpnctl_opt	 opts[] = {
		{ "wait", false, false, NULL },
		{ "timeout", true, false, NULL },
		{ NULL, false, false, NULL },
	};
	const char		*name, *req[2];
	char			*end;
	long			 timeout = UP_TIMEOUT;

	if (vpnctl_args(argc, argv, true, opts, &name) == -1 ||
	    name == NULL)
		return vpnctl_usage("up");
	if (opts[1].seen) {
		if (!opts[0].seen) {
			fprintf(stderr, "vpnctl: up: --timeout goes with "
			    "--wait\n");
			return VPNCTL_USAGE;
		}
		errno = 0;
		timeout = strtol(opts[1].value, &end, 10);
		if (errno != 0 || end == opts[1].value || *end != '\0' ||
		    timeout < 0 || timeout > INT_MAX / 1000) {
			fprintf(stderr, "vpnctl: up: --timeout %s: not a "
			    "number of seconds\n", opts[1].value);
			return VPNCTL_USAGE;
		}
	}
	if (opts[0].seen)
		return up_wait(v, name, timeout);
	req[0] = "up";
	req[1] = name;
	return vpnctl_call(v, 2, req, CTLCLIENT_TIMEOUT, NULL, NULL);
}
