/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * vpnd's metrics in the Prometheus text exposition format (version
 * 0.0.4): the one builder of that text, for `vpnctl metrics` (through
 * the control socket) and for the metrics-file that node_exporter's
 * textfile collector reads.  Per link: its state (one series per state,
 * 1 for the current one), when it entered it, since when it is up, the
 * interface's byte and packet counters each way, the in-tunnel RTT,
 * re-dials and failures by class; per daemon: build info and the number
 * of links in each state.  The links come described as for the control
 * protocol (ctlmsg.h); the interface counters come from /proc/net/dev,
 * read once per exposition, in the reader's network namespace.  No
 * other I/O here.
 */
#ifndef PPPSSH_METRICS_H
#define PPPSSH_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct ctlmsg_link;

#define METRICS_PROC_NET_DEV	"/proc/net/dev"

/* An interface's counters, as the kernel keeps them (64 bit). */
struct metrics_ifstats {
	uint64_t	rx_bytes;
	uint64_t	rx_packets;
	uint64_t	tx_bytes;
	uint64_t	tx_packets;
};

/* One link to expose: its description, and its interface's counters. */
struct metrics_link {
	const struct ctlmsg_link	*m;
	bool				 has_if;	/* ifs is valid */
	struct metrics_ifstats		 ifs;
};

/*
 * Find ifname in text, the contents of /proc/net/dev, and fill *st.
 * Returns 0, or -1 when the interface is not listed or its line is not
 * what the kernel writes.
 */
int	metrics_ifstats_parse(const char *text, const char *ifname,
	    struct metrics_ifstats *st);

/*
 * The daemon's heap as the C library accounts for it (glibc's
 * mallinfo2()): a leak shows as in_use growing, where RSS also counts
 * freed memory the heap keeps (free) and pages the kernel lent.
 */
struct metrics_heap {
	bool		known;		/* false: no mallinfo2() here */
	uint64_t	in_use;		/* allocated, mmap()ed chunks too */
	uint64_t	free;		/* freed, kept by the heap */
};

/* Fill *h with this process's heap figures now. */
void	metrics_heap_read(struct metrics_heap *h);

/*
 * Append the exposition of n links (in that order) and of the daemon
 * to b: "# HELP" and "# TYPE" once per family, its samples together,
 * label values escaped.  A link's counters appear only when has_if; its
 * RTT only when measured; its up-since only while up; the heap's
 * figures only when heap is known.
 */
void	metrics_put(struct buf *b, const struct metrics_link *v, size_t n,
	    const struct metrics_heap *heap);

#endif
