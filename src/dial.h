/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Dialing a gateway: resolve each host without blocking the loop, then
 * non-blocking TCP connects with a timeout, addresses and hosts tried in
 * order until one answers.
 */
#ifndef PPPSSH_DIAL_H
#define PPPSSH_DIAL_H

#include <sys/socket.h>

struct loop;
struct dial;

struct dial_target {
	const char	*host;		/* DNS name or numeric address */
	int		 port;
};

/*
 * Called once.  On success fd is a connected, non-blocking, close-on-exec
 * TCP socket that the callee now owns, and host/port/addr say which
 * target answered.  On failure fd is -1 and cause says what every attempt
 * ended with.  The dial is done either way; the callback may free it.
 */
typedef void	(*dial_cb)(int fd, const struct dial_target *target,
		    const struct sockaddr_storage *addr, const char *cause,
		    void *arg);

/*
 * Start dialing targets[0..n-1] in order; each connect (and each name
 * lookup) may take at most timeout_ms.  The targets are copied.
 */
struct dial	*dial_start(struct loop *, const struct dial_target *targets,
		    size_t n, int timeout_ms, dial_cb, void *arg);
/* Cancel (kill a pending lookup, close a pending socket) and free. */
void		 dial_free(struct dial *);

/* "192.0.2.7:22" or "[2001:db8::1]:22" into buf. */
const char	*dial_addr_str(const struct sockaddr_storage *, char *buf,
		    size_t len);

#endif
