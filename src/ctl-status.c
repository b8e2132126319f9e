/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * vpnctl status: every link at a glance, as `wg show` shows its peers:
 * a line with the state and since when, then one indented "key: value"
 * line per thing worth knowing (gateway, tunnel addresses, routed nets
 * at both ends, transfer in human units, RTT once measured, re-dials,
 * failures by class, the last failure, the HTTP companions).  Colour only on a terminal
 * (and not with NO_COLOR or TERM=dumb).  --json passes vpnd's document
 * through: it keeps every field in machine units.
 */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctlclient.h"
#include "ctlmsg.h"
#include "vpnctl.h"
#include "xmalloc.h"

#define ST_BOLD		"\033[1m"
#define ST_RED		"\033[31m"
#define ST_GREEN	"\033[32m"
#define ST_YELLOW	"\033[33m"
#define ST_RESET	"\033[0m"

struct status {
	bool		color;
	bool		bad;		/* a reply we could not read */
	size_t		nlinks;
	time_t		now;
};

static const char *
st_c(const struct status *st, const char *code)
{
	return st->color ? code : "";
}

/* 1536 -> "1.50 KiB", as wg(8) prints transfer. */
static const char *
st_bytes(uint64_t n, char *buf, size_t size)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB",
	    "PiB" };
	double	v = (double)n;
	size_t	u = 0;

	if (n < 1024) {
		snprintf(buf, size, "%" PRIu64 " B", n);
		return buf;
	}
	v /= 1024;
	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	snprintf(buf, size, "%.2f %s", v, units[u]);
	return buf;
}

/* "14:03:11" today, else "2026-11-24 14:03". */
static const char *
st_when(time_t t, time_t now, char *buf, size_t size)
{
	struct tm	tm, today;

	if (localtime_r(&t, &tm) == NULL ||
	    localtime_r(&now, &today) == NULL) {
		snprintf(buf, size, "%lld", (long long)t);
		return buf;
	}
	if (strftime(buf, size, tm.tm_year == today.tm_year &&
	    tm.tm_yday == today.tm_yday ? "%H:%M:%S" : "%Y-%m-%d %H:%M",
	    &tm) == 0)
		snprintf(buf, size, "%lld", (long long)t);
	return buf;
}

static const char *
st_state_color(const struct ctlmsg_link *l)
{
	if (strcmp(l->state, "up") == 0)
		return ST_GREEN;
	if (strcmp(l->state, "down") == 0)
		return l->wanted ? ST_RED : "";
	if (strcmp(l->state, "backoff") == 0)
		return l->needs_attention ? ST_RED : ST_YELLOW;
	return ST_YELLOW;
}

/* "  key: " in bold on a terminal. */
static void
st_key(const struct status *st, const char *key)
{
	printf("  %s%s%s: ", st_c(st, ST_BOLD), key, st_c(st, ST_RESET));
}

/* a,b,c as "a, b, c" */
static void
st_list(const char *list)
{
	const char	*p;

	for (p = list; *p != '\0'; p++) {
		if (*p == ',')
			printf(", ");
		else
			putchar(*p);
	}
}

static void
st_link(struct status *st, const struct ctlmsg_link *l)
{
	char	when[64], dur[32], in[32], out[32];
	bool	failed;

	if (st->nlinks++ > 0)
		printf("\n");
	printf("%s%s%s: %s%s%s for %s, since %s", st_c(st, ST_BOLD), l->name,
	    st_c(st, ST_RESET), st_c(st, st_state_color(l)), l->state,
	    st_c(st, ST_RESET),
	    vpnctl_duration(st->now - l->since, dur, sizeof(dur)),
	    st_when(l->since, st->now, when, sizeof(when)));
	if (!l->wanted)
		printf(", not wanted up");
	else if (l->next_dial >= 0)
		printf(", next re-dial in %d s", l->next_dial);
	printf("\n");

	st_key(st, "gateway");
	if (l->host != NULL && l->port >= 0)
		printf("%s:%d\n", l->host, l->port);
	else if (l->hosts != NULL) {
		st_list(l->hosts);
		printf(" (not connected)\n");
	} else
		printf("none\n");
	if (l->local_ip != NULL && l->remote_ip != NULL) {
		st_key(st, "tunnel");
		printf("%s -> %s", l->local_ip, l->remote_ip);
		if (l->ifname != NULL)
			printf(" on %s", l->ifname);
		printf("\n");
	}
	if (l->remote_nets != NULL) {
		st_key(st, "remote nets");
		st_list(l->remote_nets);
		printf("\n");
	}
	if (l->local_nets != NULL) {
		st_key(st, "local nets");
		st_list(l->local_nets);
		printf(" (routed back by the gateway)\n");
	}
	if (l->bytes_in > 0 || l->bytes_out > 0) {
		st_key(st, "transfer");
		printf("%s received, %s sent\n",
		    st_bytes(l->bytes_in, in, sizeof(in)),
		    st_bytes(l->bytes_out, out, sizeof(out)));
	}
	if (l->rtt_us >= 0) {
		st_key(st, "rtt");
		printf("%.3f ms (in the tunnel)\n", l->rtt_us / 1000.0);
	}
	if (l->dns != NULL) {
		st_key(st, "dns");
		printf("%s\n", l->dns);
	}
	if (l->redials > 0) {
		st_key(st, "re-dials");
		printf("%u\n", l->redials);
	}
	if (l->fails_network > 0 || l->fails_remote > 0 || l->fails_hard > 0) {
		st_key(st, "failures");
		printf("%u network, %u remote, %u hard\n", l->fails_network,
		    l->fails_remote, l->fails_hard);
	}
	if (l->reason != NULL) {
		failed = l->fail_class != NULL &&
		    strcmp(l->fail_class, "none") != 0;
		st_key(st, failed ? "last failure" : "last stop");
		printf("%s", l->reason);
		if (failed)
			printf(" (%s)", l->fail_class);
		printf("\n");
	}
	if (l->needs_attention) {
		st_key(st, "needs attention");
		printf("%sthis failure will not go away by itself%s\n",
		    st_c(st, ST_RED), st_c(st, ST_RESET));
	}
	if (l->probe != NULL) {
		st_key(st, "probe");
		printf("%s, %s ago\n", l->probe,
		    vpnctl_duration(st->now - l->probe_at, dur, sizeof(dur)));
	}
	if (l->ddns != NULL) {
		st_key(st, "ddns");
		printf("%s, %s ago\n", l->ddns,
		    vpnctl_duration(st->now - l->ddns_at, dur, sizeof(dur)));
	}
	if (l->notify_queued > 0 || l->notify_dropped > 0) {
		st_key(st, "notifications");
		printf("%zu waiting, %lu dropped\n", l->notify_queued,
		    l->notify_dropped);
	}
}

static void
st_reply(const struct ctlmsg_reply *r, void *arg)
{
	struct status		*st = arg;
	struct ctlmsg_link	 l;
	char			*text, *cause = NULL;

	if (r->type == CTLMSG_JSON) {
		printf("%s\n", r->text);
		return;
	}
	if (r->type != CTLMSG_LINK)
		return;
	text = xstrdup(r->text);
	if (ctlmsg_link_parse(text, &l, &cause) == -1) {
		fprintf(stderr, "vpnctl: bad reply from vpnd: %s\n", cause);
		free(cause);
		st->bad = true;
	} else
		st_link(st, &l);
	free(text);
}

/* Colour for a terminal that shows it. */
static bool
st_color(void)
{
	const char	*term = getenv("TERM");

	if (getenv("NO_COLOR") != NULL && *getenv("NO_COLOR") != '\0')
		return false;
	if (term == NULL || strcmp(term, "dumb") == 0)
		return false;
	return isatty(STDOUT_FILENO) == 1;
}

int
ctl_status(struct vpnctl *v, int argc, char **argv)
{
	struct vpnctl_opt	 opts[] = {
		{ "json", false, false, NULL },
		{ NULL, false, false, NULL },
	};
	struct status		 st;
	const char		*name, *req[3];
	int			 n = 0, status;

	if (vpnctl_args(argc, argv, true, opts, &name) == -1)
		return vpnctl_usage("status");
	memset(&st, 0, sizeof(st));
	st.color = !opts[0].seen && st_color();
	st.now = time(NULL);
	req[n++] = "status";
	if (name != NULL)
		req[n++] = name;
	if (opts[0].seen)
		req[n++] = "+json";
	status = vpnctl_call(v, n, req, CTLCLIENT_TIMEOUT, st_reply, &st);
	return status == VPNCTL_OK && st.bad ? VPNCTL_FAILED : status;
}
