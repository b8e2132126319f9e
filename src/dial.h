/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Dialing a gateway: a race (RFC 8305, "Happy Eyeballs") of non-blocking
 * TCP connects to every address of every host of a link.  Names are
 * resolved in children, all at once, without blocking the loop.  The
 * addresses are tried in order (hosts in their order, each host's
 * addresses alternating between families), a new one every
 * DIAL_STAGGER ms without abandoning the earlier ones; an attempt that
 * fails starts the next at once.  An address that has not answered gets
 * a fresh connect every DIAL_REFRESH ms, so that the race does not wait
 * on TCP's own SYN retries (+1, +3, +7 s) when the path comes back.  The
 * first connect that completes wins and the others are closed; the
 * timeout bounds the whole race.
 */
#ifndef PPPSSH_DIAL_H
#define PPPSSH_DIAL_H

#include <sys/socket.h>

#include <stdbool.h>

#define DIAL_STAGGER	250	/* ms between attempts */
#define DIAL_REFRESH	1000	/* ms between connects to a silent address */

struct loop;
struct dial;

struct dial_target {
	const char	*host;		/* DNS name or numeric address */
	int		 port;
};

/*
 * On success fd is a connected, non-blocking, close-on-exec TCP socket
 * that the callee now owns, and target/addr say who answered (target
 * lives as long as the dial).  On failure fd is -1 and cause says what
 * every attempt ended with; the dial is then over.  Never called from
 * inside dial_start() or dial_resume().  The callback may free the dial.
 */
typedef void	(*dial_cb)(int fd, const struct dial_target *target,
		    const struct sockaddr_storage *addr, const char *cause,
		    void *arg);

/*
 * Start the race to targets[0..n-1] (copied), bounded by timeout_ms
 * (which also bounds each name lookup).
 */
struct dial	*dial_start(struct loop *, const struct dial_target *targets,
		    size_t n, int timeout_ms, dial_cb, void *arg);
/*
 * The host that won failed after the connect (its SSH handshake, say,
 * for cause): race the other hosts again, bounded by timeout_ms from now.
 * Returns 0 when the callback will be called again, or -1 when no other
 * host is left to try (nothing more happens; the cause is not kept).
 */
int		 dial_resume(struct dial *, int timeout_ms, const char *cause);
/*
 * Whether dial_resume() would have another host to try (false for a
 * NULL dial, or one without a winner).
 */
bool		 dial_others_left(const struct dial *);
/*
 * Whether the peer's kernel has acknowledged everything sent on the
 * connected TCP socket fd, with no retransmission pending: the path to
 * it works, whatever its application is doing.
 */
bool		 dial_peer_acked(int fd);
/* Cancel (kill pending lookups, close pending sockets) and free. */
void		 dial_free(struct dial *);

/* "192.0.2.7:22" or "[2001:db8::1]:22" into buf. */
const char	*dial_addr_str(const struct sockaddr_storage *, char *buf,
		    size_t len);

#endif
