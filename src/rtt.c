/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * ICMP echo through a link's interface: its round-trip time and the
 * liveness it tells (see rtt.h).  The round trip is timed in
 * microseconds, not the loop's millisecond clock: a tunnel on a LAN
 * answers well under a millisecond.
 *
 * An idle daemon sleeps (issue 14): every link's echo goes at the same
 * tick of the loop's clock (a multiple of the interval), and once the
 * far end has answered, the socket is no longer polled: the answers
 * wait in it and are read at the next tick, before the loss count is
 * looked at.  The time is then the kernel's receive stamp
 * (SO_TIMESTAMPNS, CLOCK_REALTIME) against the send time in the payload
 * (CLOCK_REALTIME too); a round trip the clock stepped across is not
 * taken as a time, only as an answer.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/uio.h>

#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "rtt.h"
#include "xmalloc.h"

#define RTT_PACKET_MAX	512	/* what we read of a packet */
#define RTT_DRAIN_MAX	1024	/* packets read a turn, at most */

/* linux/icmp.h's, which cannot be included with netinet/ip_icmp.h. */
#ifndef ICMP_FILTER
#define ICMP_FILTER	1	/* SOL_RAW: a mask of the types refused */
#endif

/* Our payload: who sent it, and when. */
struct rtt_payload {
	uint64_t	cookie;
	uint64_t	sent_us;
};

struct rtt {
	struct loop		*loop;
	char			*name;
	char			*ifname;
	struct sockaddr_in	 peer;
	int			 fd;
	bool			 registered;	/* fd is in the loop (until the
						   first answer) */
	bool			 raw;		/* else a ping socket */
	uint16_t		 id;		/* raw: ours; ping: the kernel's */
	uint16_t		 seq;
	uint64_t		 cookie;
	int			 interval;	/* s */
	int			 misses;
	int			 unanswered;	/* echoes in a row */
	bool			 answered;	/* ever */
	bool			 told_silent;	/* "does not answer" logged */
	int			 last_us;
	rtt_lost_cb		 lost;
	void			*arg;
	struct loop_timer	 timer;
};

static void	rtt_fired(void *);
static void	rtt_readable(int, short, void *);

static void	rtt_drain(struct rtt *);

static uint64_t
rtt_ts_us(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000 + (uint64_t)ts->tv_nsec / 1000;
}

static uint64_t
rtt_now_us(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) == -1)
		fatal("clock_gettime");
	return rtt_ts_us(&ts);
}

/* The Internet checksum (RFC 1071). */
static uint16_t
rtt_cksum(const void *buf, size_t len)
{
	const uint8_t	*p = buf;
	uint32_t	 sum = 0;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len == 1)
		sum += (uint32_t)(p[0] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* A ping socket if we may, else a raw one; bound to the tunnel. */
static int
rtt_socket(struct rtt *r, const uint8_t local[4], char **cause)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    IPPROTO_ICMP);
	if (fd == -1) {
		fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    IPPROTO_ICMP);
		if (fd == -1) {
			xasprintf(cause, "icmp socket (neither a ping socket, "
			    "see net.ipv4.ping_group_range, nor a raw one): %s",
			    strerror(errno));
			return -1;
		}
		r->raw = true;
	}
	r->fd = fd;
	/*
	 * A raw socket sees every ICMP packet of the interface: keep only
	 * echo replies, so that what waits for the next tick stays small.
	 */
	if (r->raw && setsockopt(fd, SOL_RAW, ICMP_FILTER,
	    &(uint32_t){ ~(1U << ICMP_ECHOREPLY) }, sizeof(uint32_t)) == -1)
		log_debug("link %s: rtt: icmp filter: %s", r->name,
		    strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &(int){ 1 },
	    sizeof(int)) == -1)
		log_debug("link %s: rtt: receive stamps: %s", r->name,
		    strerror(errno));
	/* The /32 route to the peer is on the interface anyway. */
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, r->ifname,
	    (socklen_t)strlen(r->ifname) + 1) == -1)
		log_debug("link %s: rtt: bind to device %s: %s", r->name,
		    r->ifname, strerror(errno));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	memcpy(&sin.sin_addr, local, 4);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		xasprintf(cause, "icmp socket: bind to %s: %s",
		    inet_ntoa(sin.sin_addr), strerror(errno));
		return -1;
	}
	if (r->raw)
		r->id = (uint16_t)arc4random();
	else if (getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
		r->id = ntohs(sin.sin_port);
	return 0;
}

struct rtt *
rtt_start(struct loop *loop, const char *name, const char *ifname,
    const uint8_t local[4], const uint8_t peer[4], int interval, int misses,
    rtt_lost_cb lost, void *arg, char **cause)
{
	struct rtt	*r;

	r = xcalloc(1, sizeof(*r));
	r->loop = loop;
	r->name = xstrdup(name);
	r->ifname = xstrdup(ifname);
	r->fd = -1;
	r->peer.sin_family = AF_INET;
	memcpy(&r->peer.sin_addr, peer, 4);
	r->interval = interval > 0 ? interval : 1;
	r->misses = misses > 0 ? misses : 1;
	r->cookie = (uint64_t)arc4random() << 32 | arc4random();
	r->last_us = -1;
	r->lost = lost;
	r->arg = arg;
	loop_timer_init(&r->timer, rtt_fired, r);
	if (rtt_socket(r, local, cause) == -1) {
		rtt_free(r);
		return NULL;
	}
	loop_fd_add(loop, r->fd, POLLIN, rtt_readable, r);
	r->registered = true;
	loop_timer_set(loop, &r->timer, 0);
	log_debug("link %s: rtt: icmp echo to %s through %s (%s socket)",
	    name, inet_ntoa(r->peer.sin_addr), ifname, r->raw ? "raw" :
	    "ping");
	return r;
}

static void
rtt_send(struct rtt *r)
{
	uint8_t			 pkt[sizeof(struct icmphdr) +
				    sizeof(struct rtt_payload)];
	struct icmphdr		 ic;
	struct rtt_payload	 pl;

	memset(&ic, 0, sizeof(ic));
	ic.type = ICMP_ECHO;
	ic.un.echo.id = htons(r->id);
	ic.un.echo.sequence = htons(++r->seq);
	pl.cookie = r->cookie;
	pl.sent_us = rtt_now_us();
	memcpy(pkt, &ic, sizeof(ic));
	memcpy(pkt + sizeof(ic), &pl, sizeof(pl));
	ic.checksum = rtt_cksum(pkt, sizeof(pkt));
	memcpy(pkt, &ic, sizeof(ic));
	if (sendto(r->fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&r->peer,
	    sizeof(r->peer)) == -1)
		log_debug("link %s: rtt: echo to %s: %s", r->name,
		    inet_ntoa(r->peer.sin_addr), strerror(errno));
}

static void
rtt_fired(void *arg)
{
	struct rtt	*r = arg;
	char		*why;
	uint64_t	 period = (uint64_t)r->interval * 1000;

	if (!r->registered)
		rtt_drain(r);
	if (r->answered && r->unanswered >= r->misses) {
		xasprintf(&why, "no echo reply from %s through %s for %d s "
		    "(%d echoes)", inet_ntoa(r->peer.sin_addr), r->ifname,
		    r->unanswered * r->interval, r->unanswered);
		r->lost(why, r->arg);	/* last: it may free r */
		free(why);
		return;
	}
	if (!r->answered && !r->told_silent && r->unanswered >= r->misses) {
		log_info("link %s: %s does not answer icmp echo through %s; "
		    "no rtt", r->name, inet_ntoa(r->peer.sin_addr), r->ifname);
		r->told_silent = true;
	}
	rtt_send(r);
	r->unanswered++;
	/*
	 * The next tick of the shared grid: all links of this interval wake
	 * the loop once together.  Never later than an interval, so each
	 * pppd sees a packet in each of its echo intervals (ppp.c).
	 */
	loop_timer_set(r->loop, &r->timer,
	    period - loop_now(r->loop) % period);
}

/* One packet: ours? then the round trip. */
static void
rtt_packet(struct rtt *r, const uint8_t *buf, size_t len,
    const struct sockaddr_in *from, uint64_t now)
{
	struct icmphdr		ic;
	struct rtt_payload	pl;
	size_t			hl;
	int			before;

	if (from->sin_addr.s_addr != r->peer.sin_addr.s_addr)
		return;
	if (r->raw) {
		if (len < sizeof(struct ip))
			return;
		hl = (size_t)(buf[0] & 0x0f) * 4;
		if (hl < sizeof(struct ip) || hl > len)
			return;
		buf += hl;
		len -= hl;
	}
	if (len < sizeof(ic) + sizeof(pl))
		return;
	memcpy(&ic, buf, sizeof(ic));
	memcpy(&pl, buf + sizeof(ic), sizeof(pl));
	if (ic.type != ICMP_ECHOREPLY || pl.cookie != r->cookie ||
	    (r->raw && ntohs(ic.un.echo.id) != r->id))
		return;
	/* Only an answer to the last echo tells the current delay. */
	before = r->last_us;
	if (ntohs(ic.un.echo.sequence) == r->seq && pl.sent_us <= now)
		r->last_us = now - pl.sent_us > INT32_MAX ? INT32_MAX :
		    (int)(now - pl.sent_us);
	r->unanswered = 0;
	if (before < 0 && r->last_us >= 0)
		log_info("link %s: rtt %d.%03d ms through %s", r->name,
		    r->last_us / 1000, r->last_us % 1000, r->ifname);
	r->answered = true;
}

/*
 * What is waiting in the socket: a tick's worth (a bounded drain, in
 * case echo replies to others flood a raw socket).
 */
static void
rtt_drain(struct rtt *r)
{
	uint8_t			 buf[RTT_PACKET_MAX];
	union {
		struct cmsghdr	 hdr;
		uint8_t		 buf[CMSG_SPACE(sizeof(struct timespec))];
	}			 ctl;
	struct sockaddr_in	 from;
	struct iovec		 iov;
	struct msghdr		 msg;
	struct cmsghdr		*cm;
	struct timespec		 ts;
	uint64_t		 at;
	ssize_t			 n;
	int			 i;

	for (i = 0; i < RTT_DRAIN_MAX; i++) {
		memset(&msg, 0, sizeof(msg));
		iov.iov_base = buf;
		iov.iov_len = sizeof(buf);
		msg.msg_name = &from;
		msg.msg_namelen = sizeof(from);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		n = recvmsg(r->fd, &msg, 0);
		if (n == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				log_debug("link %s: rtt: recv: %s", r->name,
				    strerror(errno));
			return;
		}
		at = 0;
		for (cm = CMSG_FIRSTHDR(&msg); cm != NULL;
		    cm = CMSG_NXTHDR(&msg, cm)) {
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SO_TIMESTAMPNS &&
			    cm->cmsg_len >= CMSG_LEN(sizeof(ts))) {
				memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
				at = rtt_ts_us(&ts);
			}
		}
		if (at == 0)
			at = rtt_now_us();
		if (msg.msg_namelen >= sizeof(from) &&
		    from.sin_family == AF_INET)
			rtt_packet(r, buf, (size_t)n, &from, at);
	}
}

/* Polled until the first answer (logged as it comes), then read at ticks. */
static void
rtt_readable(int fd, short revents, void *arg)
{
	struct rtt	*r = arg;

	(void)revents;
	rtt_drain(r);
	if (r->last_us >= 0 && r->registered) {
		loop_fd_del(r->loop, fd);
		r->registered = false;
	}
}

int
rtt_last_us(const struct rtt *r)
{
	return r->last_us;
}

void
rtt_free(struct rtt *r)
{
	if (r == NULL)
		return;
	loop_timer_cancel(r->loop, &r->timer);
	if (r->fd != -1) {
		if (r->registered)
			loop_fd_del(r->loop, r->fd);
		(void)close(r->fd);	/* nothing to flush */
	}
	free(r->ifname);
	free(r->name);
	free(r);
}
