/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The Prometheus text exposition of vpnd and its links (see metrics.h),
 * and the reading of an interface's counters out of /proc/net/dev.
 */
#include "config.h"

#include <errno.h>
#ifdef HAVE_MALLINFO2
#include <malloc.h>
#endif
#include <stddef.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ctlmsg.h"
#include "link.h"
#include "metrics.h"

#define METRICS_NSTATES	(LINK_BACKOFF + 1)

/* One per-link family: its name, type, help, and how to print it. */
struct metrics_family {
	const char	*name;
	const char	*type;
	const char	*help;
	size_t		 ifs_off;	/* metrics_put_if(): the counter */
	void		(*put)(struct buf *, const struct metrics_family *,
			    const struct metrics_link *);
};

static void	metrics_put_state(struct buf *, const struct metrics_family *,
		    const struct metrics_link *);
static void	metrics_put_wanted(struct buf *,
		    const struct metrics_family *, const struct metrics_link *);
static void	metrics_put_since(struct buf *, const struct metrics_family *,
		    const struct metrics_link *);
static void	metrics_put_up_since(struct buf *,
		    const struct metrics_family *, const struct metrics_link *);
static void	metrics_put_if(struct buf *, const struct metrics_family *,
		    const struct metrics_link *);
static void	metrics_put_rtt(struct buf *, const struct metrics_family *,
		    const struct metrics_link *);
static void	metrics_put_redials(struct buf *,
		    const struct metrics_family *, const struct metrics_link *);
static void	metrics_put_failures(struct buf *,
		    const struct metrics_family *, const struct metrics_link *);

static const struct metrics_family metrics_families[] = {
	{ "pppssh_link_state", "gauge",
	    "1 for the state the link is in, 0 for the others",
	    0, metrics_put_state },
	{ "pppssh_link_wanted", "gauge",
	    "1 if the link should be up (vpnd re-dials it)",
	    0, metrics_put_wanted },
	{ "pppssh_link_last_change_timestamp_seconds", "gauge",
	    "Unix time the link entered its current state",
	    0, metrics_put_since },
	{ "pppssh_link_up_since_timestamp_seconds", "gauge",
	    "Unix time the link came up; only while it is up",
	    0, metrics_put_up_since },
	{ "pppssh_link_receive_bytes_total", "counter",
	    "Bytes received on the link's interface (restarts with it)",
	    offsetof(struct metrics_ifstats, rx_bytes), metrics_put_if },
	{ "pppssh_link_transmit_bytes_total", "counter",
	    "Bytes sent on the link's interface (restarts with it)",
	    offsetof(struct metrics_ifstats, tx_bytes), metrics_put_if },
	{ "pppssh_link_receive_packets_total", "counter",
	    "Packets received on the link's interface (restarts with it)",
	    offsetof(struct metrics_ifstats, rx_packets), metrics_put_if },
	{ "pppssh_link_transmit_packets_total", "counter",
	    "Packets sent on the link's interface (restarts with it)",
	    offsetof(struct metrics_ifstats, tx_packets), metrics_put_if },
	{ "pppssh_link_rtt_seconds", "gauge",
	    "Round-trip time through the tunnel, last measured",
	    0, metrics_put_rtt },
	{ "pppssh_link_redials_total", "counter",
	    "Dials of the link after its first",
	    0, metrics_put_redials },
	{ "pppssh_link_failures_total", "counter",
	    "Failures of the link by class (network, remote, hard)",
	    0, metrics_put_failures },
};

int
metrics_ifstats_parse(const char *text, const char *ifname,
    struct metrics_ifstats *st)
{
	const char		*line, *p, *colon;
	unsigned long long	 f[16];
	size_t			 namelen = strlen(ifname), i;
	char			*end;

	/*
	 * Two header lines, then "  NAME: rx bytes packets errs drop fifo
	 * frame compressed multicast tx bytes packets errs drop fifo colls
	 * carrier compressed".
	 */
	for (line = text; line != NULL && *line != '\0';
	    line = (p = strchr(line, '\n')) != NULL ? p + 1 : NULL) {
		p = line + strspn(line, " ");
		if ((colon = strchr(p, ':')) == NULL ||
		    (size_t)(colon - p) != namelen ||
		    strncmp(p, ifname, namelen) != 0)
			continue;
		p = colon + 1;
		for (i = 0; i < 16; i++) {
			p += strspn(p, " ");
			if (*p < '0' || *p > '9')
				return -1;
			errno = 0;
			f[i] = strtoull(p, &end, 10);
			if (errno != 0)
				return -1;
			p = end;
		}
		st->rx_bytes = f[0];
		st->rx_packets = f[1];
		st->tx_bytes = f[8];
		st->tx_packets = f[9];
		return 0;
	}
	return -1;
}

/* A label value: '\\', '"' and newline escaped. */
static void
metrics_label(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			buf_add(b, "\\\\", 2);
		else if (*s == '"')
			buf_add(b, "\\\"", 2);
		else if (*s == '\n')
			buf_add(b, "\\n", 2);
		else
			buf_add(b, s, 1);
	}
}

/* "NAME{link="L"" without the closing brace. */
static void
metrics_begin(struct buf *b, const struct metrics_family *f,
    const struct metrics_link *ml)
{
	buf_printf(b, "%s{link=\"", f->name);
	metrics_label(b, ml->m->name);
	buf_add(b, "\"", 1);
}

static void
metrics_put_state(struct buf *b, const struct metrics_family *f,
    const struct metrics_link *ml)
{
	int	s;

	for (s = 0; s < METRICS_NSTATES; s++) {
		metrics_begin(b, f, ml);
		buf_printf(b, ",state=\"%s\"} %d\n",
		    link_state_name((enum link_state)s),
		    strcmp(ml->m->state, link_state_name((enum link_state)s))
		    == 0);
	}
}

static void
metrics_put_wanted(struct buf *b, const struct metrics_family *f,
    const struct metrics_link *ml)
{
	metrics_begin(b, f, ml);
	buf_printf(b, "} %d\n", ml->m->wanted ? 1 : 0);
}

static void
metrics_put_since(struct buf *b, const struct metrics_family *f,
    const struct metrics_link *ml)
{
	metrics_begin(b, f, ml);
	buf_printf(b, "} %lld\n", (long long)ml->m->since);
}

static void
metrics_put_up_since(struct buf *b, const struct metrics_family *f,
    const struct metrics_link *ml)
{
	if (strcmp(ml->m->state, link_state_name(LINK_UP)) != 0)
		return;
	metrics_begin(b, f, ml);
	buf_printf(b, "} %lld\n", (long long)ml->m->since);
}

/* One of the interface's counters, the family's. */
static void
metrics_put_if(struct buf *b, const struct metrics_family *f,
    const struct metrics_link *ml)
{
	uint64_t	v;

	if (!ml->has_if || ml->m->ifname == NULL)
		return;
	memcpy(&v, (const char *)&ml->ifs + f->ifs_off, sizeof(v));
	metrics_begin(b, f, ml);
	buf_add(b, ",interface=\"", 12);
	metrics_label(b, ml->m->ifname);
	buf_printf(b, "\"} %" PRIu64 "\n", v);
}

static void
metrics_put_rtt(struct buf *b, const struct metrics_family *f,
    const struct metrics_link *ml)
{
	if (ml->m->rtt_us < 0)
		return;
	metrics_begin(b, f, ml);
	buf_printf(b, "} %d.%06d\n", ml->m->rtt_us / 1000000,
	    ml->m->rtt_us % 1000000);
}

static void
metrics_put_redials(struct buf *b, const struct metrics_family *f,
    const struct metrics_link *ml)
{
	metrics_begin(b, f, ml);
	buf_printf(b, "} %u\n", ml->m->redials);
}

static void
metrics_put_failures(struct buf *b, const struct metrics_family *f,
    const struct metrics_link *ml)
{
	metrics_begin(b, f, ml);
	buf_printf(b, ",class=\"network\"} %u\n", ml->m->fails_network);
	metrics_begin(b, f, ml);
	buf_printf(b, ",class=\"remote\"} %u\n", ml->m->fails_remote);
	metrics_begin(b, f, ml);
	buf_printf(b, ",class=\"hard\"} %u\n", ml->m->fails_hard);
}

static void
metrics_head(struct buf *b, const char *name, const char *type,
    const char *help)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void
metrics_heap_read(struct metrics_heap *h)
{
#ifdef HAVE_MALLINFO2
	struct mallinfo2	mi = mallinfo2();

	/*
	 * All zero when malloc() is not glibc's (AddressSanitizer's
	 * replaces it): a process that allocated has an arena.
	 */
	h->known = mi.arena != 0 || mi.hblkhd != 0;
	h->in_use = (uint64_t)mi.uordblks + (uint64_t)mi.hblkhd;
	h->free = (uint64_t)mi.fordblks;
#else
	h->known = false;
	h->in_use = h->free = 0;
#endif
}

void
metrics_put(struct buf *b, const struct metrics_link *v, size_t n,
    const struct metrics_heap *heap)
{
	const struct metrics_family	*f;
	size_t				 i, j, count;
	int				 s;

	metrics_head(b, "pppssh_build_info", "gauge",
	    "Always 1; the version of vpnd in a label");
	buf_add(b, "pppssh_build_info{version=\"", 27);
	metrics_label(b, PACKAGE_VERSION);
	buf_add(b, "\"} 1\n", 5);
	metrics_head(b, "pppssh_links", "gauge",
	    "Links in each state");
	for (s = 0; s < METRICS_NSTATES; s++) {
		count = 0;
		for (i = 0; i < n; i++)
			if (strcmp(v[i].m->state,
			    link_state_name((enum link_state)s)) == 0)
				count++;
		buf_printf(b, "pppssh_links{state=\"%s\"} %zu\n",
		    link_state_name((enum link_state)s), count);
	}
	if (heap->known) {
		metrics_head(b, "pppssh_vpnd_heap_in_use_bytes", "gauge",
		    "Bytes of vpnd's heap allocated (mallinfo2)");
		buf_printf(b, "pppssh_vpnd_heap_in_use_bytes %" PRIu64 "\n",
		    heap->in_use);
		metrics_head(b, "pppssh_vpnd_heap_free_bytes", "gauge",
		    "Bytes freed that vpnd's heap keeps (mallinfo2)");
		buf_printf(b, "pppssh_vpnd_heap_free_bytes %" PRIu64 "\n",
		    heap->free);
	}
	for (j = 0; j < sizeof(metrics_families) /
	    sizeof(metrics_families[0]); j++) {
		f = &metrics_families[j];
		metrics_head(b, f->name, f->type, f->help);
		for (i = 0; i < n; i++)
			f->put(b, f, &v[i]);
	}
}
