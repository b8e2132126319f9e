/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The in-tunnel round-trip time of a link that is up, and a liveness
 * signal from it.  A struct rtt owns one ICMP socket bound to the
 * link's interface and tunnel address, and its timer: every keepalive
 * interval it sends an ICMP echo request to the far end's PPP address,
 * and times the reply.  The echo goes the whole way user traffic goes
 * (our kernel, the local pppd, the pty, the relay, SSH, the gateway's
 * pppd and kernel, and back), queues included, which the SSH keepalive
 * (the SSH transport and sshd only) and pppd's LCP echo (timed by
 * nobody) do not show.  An unprivileged ping socket (SOCK_DGRAM,
 * IPPROTO_ICMP) is used where net.ipv4.ping_group_range allows it, else
 * a raw socket (CAP_NET_RAW, which vpnd as root has).  The echoes of
 * all links go at shared ticks of the loop's clock, and after the first
 * answer the replies are read at the next tick rather than woken for
 * (stamped by the kernel as they came): an idle vpnd wakes once an
 * interval for all its links' echoes, then for each answer the relay
 * carries.
 *
 * Liveness: once the far end has answered at least once, `misses`
 * echoes in a row without an answer mean the tunnel carries nothing,
 * whatever SSH says; the owner is told.  A far end that never answers
 * (a firewall dropping echo) only gets no RTT, logged once.
 */
#ifndef PPPSSH_RTT_H
#define PPPSSH_RTT_H

#include <stdint.h>

struct loop;
struct rtt;

/* The tunnel stopped answering: why, for the link's reason. */
typedef void	(*rtt_lost_cb)(const char *why, void *arg);

/*
 * Start measuring the link name (for messages) on ifname, from local
 * to peer (IPv4, network order): the first echo now, then one every
 * interval seconds; lost is called (once, as the last thing rtt does in
 * that turn, so it may free the rtt) after misses unanswered echoes.
 * Returns NULL with *cause (caller frees) when no ICMP socket can be
 * had or set up; the link then runs without it.
 */
struct rtt	*rtt_start(struct loop *, const char *name, const char *ifname,
		    const uint8_t local[4], const uint8_t peer[4], int interval,
		    int misses, rtt_lost_cb lost, void *arg, char **cause);
/*
 * The last round trip in microseconds, or -1 when none was measured;
 * after the first, as read at the last tick (up to an interval old).
 */
int		 rtt_last_us(const struct rtt *);
/* Stop, close the socket; NULL is a no-op. */
void		 rtt_free(struct rtt *);

#endif
