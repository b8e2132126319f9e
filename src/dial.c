/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * One dial owns: its copy of the targets, the resolver child and its
 * pipe (for names; numeric addresses need no lookup), the socket being
 * connected, one timer, and the list of causes so far.  getaddrinfo()
 * blocks, so it runs in a child that writes the addresses to a pipe;
 * the loop never waits on DNS.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dial.h"
#include "log.h"
#include "loop.h"
#include "xmalloc.h"

#define DIAL_MAX_ADDRS	16

struct dial {
	struct loop		*loop;
	struct dial_target	*targets;
	size_t			 ntargets;
	size_t			 cur;		/* target being tried */
	int			 timeout_ms;
	dial_cb			 cb;
	void			*arg;

	struct sockaddr_storage	 addrs[DIAL_MAX_ADDRS];
	size_t			 naddrs;
	size_t			 curaddr;

	pid_t			 resolver;	/* -1: none running */
	int			 rfd;		/* its pipe, -1 when closed */
	char			 rbuf[2048];
	size_t			 rlen;

	int			 fd;		/* socket being connected */
	struct loop_timer	 timer;		/* lookup or connect timeout */
	struct loop_timer	 kick;		/* next step, from the loop */
	char			*causes;
};

static void	dial_step(void *);
static void	dial_next_target(struct dial *);
static void	dial_try_addr(struct dial *);
static void	dial_cause(struct dial *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	dial_resolve_stop(struct dial *);

const char *
dial_addr_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char		 a[INET6_ADDRSTRLEN];
	const void	*src;
	int		 port;

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		src = &s6->sin6_addr;
		port = ntohs(s6->sin6_port);
	} else {
		const struct sockaddr_in *s4 = (const void *)ss;

		src = &s4->sin_addr;
		port = ntohs(s4->sin_port);
	}
	if (inet_ntop(ss->ss_family, src, a, sizeof(a)) == NULL)
		(void)snprintf(a, sizeof(a), "?");
	if (ss->ss_family == AF_INET6)
		(void)snprintf(buf, len, "[%s]:%d", a, port);
	else
		(void)snprintf(buf, len, "%s:%d", a, port);
	return buf;
}

struct dial *
dial_start(struct loop *loop, const struct dial_target *targets, size_t n,
    int timeout_ms, dial_cb cb, void *arg)
{
	struct dial	*d;
	size_t		 i;

	d = xcalloc(1, sizeof(*d));
	d->loop = loop;
	d->targets = xcalloc(n ? n : 1, sizeof(*d->targets));
	for (i = 0; i < n; i++) {
		d->targets[i].host = xstrdup(targets[i].host);
		d->targets[i].port = targets[i].port;
	}
	d->ntargets = n;
	d->timeout_ms = timeout_ms;
	d->cb = cb;
	d->arg = arg;
	d->resolver = -1;
	d->rfd = -1;
	d->fd = -1;
	loop_timer_init(&d->timer, NULL, d);
	loop_timer_init(&d->kick, dial_step, d);
	/* The callback never runs from inside dial_start(). */
	loop_timer_set(loop, &d->kick, 0);
	return d;
}

void
dial_free(struct dial *d)
{
	size_t	i;

	if (d == NULL)
		return;
	dial_resolve_stop(d);
	if (d->fd != -1) {
		loop_fd_del(d->loop, d->fd);
		close(d->fd);
	}
	loop_timer_cancel(d->loop, &d->timer);
	loop_timer_cancel(d->loop, &d->kick);
	for (i = 0; i < d->ntargets; i++)
		free((char *)d->targets[i].host);
	free(d->targets);
	free(d->causes);
	free(d);
}

static void
dial_cause(struct dial *d, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg, *all;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	log_debug("dial: %s", msg);
	if (d->causes == NULL) {
		d->causes = msg;
		return;
	}
	xasprintf(&all, "%s; %s", d->causes, msg);
	free(d->causes);
	free(msg);
	d->causes = all;
}

/* Runs from the loop: start with the first target. */
static void
dial_step(void *arg)
{
	struct dial	*d = arg;

	if (d->ntargets == 0) {
		d->cb(-1, NULL, NULL, "no host to dial", d->arg);
		return;
	}
	dial_next_target(d);
}

static void
dial_fail_all(struct dial *d)
{
	d->cb(-1, NULL, NULL, d->causes ? d->causes : "no address to dial",
	    d->arg);
}

static void
dial_set_port(struct sockaddr_storage *ss, int port)
{
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)(void *)ss)->sin6_port =
		    htons((uint16_t)port);
	else
		((struct sockaddr_in *)(void *)ss)->sin_port =
		    htons((uint16_t)port);
}

/* A numeric host: no lookup.  Returns false for a name. */
static bool
dial_numeric(struct dial *d, const char *host)
{
	struct sockaddr_in	*s4;
	struct sockaddr_in6	*s6;

	memset(&d->addrs[0], 0, sizeof(d->addrs[0]));
	s4 = (struct sockaddr_in *)(void *)&d->addrs[0];
	s6 = (struct sockaddr_in6 *)(void *)&d->addrs[0];
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1)
		s4->sin_family = AF_INET;
	else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1)
		s6->sin6_family = AF_INET6;
	else
		return false;
	d->naddrs = 1;
	return true;
}

static void
dial_resolve_stop(struct dial *d)
{
	if (d->rfd != -1) {
		loop_fd_del(d->loop, d->rfd);
		close(d->rfd);
		d->rfd = -1;
	}
	if (d->resolver != -1) {
		/* Unwatched: the loop reaps it silently. */
		(void)kill(d->resolver, SIGKILL);
		d->resolver = -1;
	}
}

/* The resolver child: one line per address, "4 ADDR" or "6 ADDR". */
static void __attribute__((noreturn))
dial_resolver_main(int wfd, const char *host)
{
	struct addrinfo	 hints, *res, *ai;
	char		 a[INET6_ADDRSTRLEN], line[INET6_ADDRSTRLEN + 8];
	const void	*src;
	int		 r, len;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	if ((r = getaddrinfo(host, NULL, &hints, &res)) != 0) {
		len = snprintf(line, sizeof(line), "E %d\n", r);
		(void)!write(wfd, line, (size_t)len);
		_exit(0);
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET)
			src = &((struct sockaddr_in *)(void *)
			    ai->ai_addr)->sin_addr;
		else if (ai->ai_family == AF_INET6)
			src = &((struct sockaddr_in6 *)(void *)
			    ai->ai_addr)->sin6_addr;
		else
			continue;
		if (inet_ntop(ai->ai_family, src, a, sizeof(a)) == NULL)
			continue;
		len = snprintf(line, sizeof(line), "%c %s\n",
		    ai->ai_family == AF_INET ? '4' : '6', a);
		if (write(wfd, line, (size_t)len) != len)
			break;
	}
	freeaddrinfo(res);
	_exit(0);
}

static void
dial_resolver_done(struct dial *d)
{
	const struct dial_target	*t = &d->targets[d->cur];
	char				*line, *nl, *save = NULL;
	bool				 failed = false;
	int				 gai;

	dial_resolve_stop(d);
	loop_timer_cancel(d->loop, &d->timer);
	d->naddrs = 0;
	d->rbuf[d->rlen < sizeof(d->rbuf) ? d->rlen : sizeof(d->rbuf) - 1] =
	    '\0';
	for (line = strtok_r(d->rbuf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		struct sockaddr_storage	*ss = &d->addrs[d->naddrs];

		if ((nl = strchr(line, '\r')) != NULL)
			*nl = '\0';
		if (line[0] == 'E') {
			gai = atoi(line + 2);
			dial_cause(d, "resolve %s: %s", t->host,
			    gai_strerror(gai));
			failed = true;
			break;
		}
		if (d->naddrs == DIAL_MAX_ADDRS || strlen(line) < 3)
			continue;
		memset(ss, 0, sizeof(*ss));
		if (line[0] == '4' && inet_pton(AF_INET, line + 2,
		    &((struct sockaddr_in *)(void *)ss)->sin_addr) == 1)
			ss->ss_family = AF_INET;
		else if (line[0] == '6' && inet_pton(AF_INET6, line + 2,
		    &((struct sockaddr_in6 *)(void *)ss)->sin6_addr) == 1)
			ss->ss_family = AF_INET6;
		else
			continue;
		d->naddrs++;
	}
	d->rlen = 0;
	if (d->naddrs == 0 && !failed)
		dial_cause(d, "resolve %s: no address", t->host);
	d->curaddr = 0;
	dial_try_addr(d);
}

static void
dial_resolver_read(int fd, short revents, void *arg)
{
	struct dial	*d = arg;
	ssize_t		 n;

	(void)revents;
	for (;;) {
		if (d->rlen == sizeof(d->rbuf)) {
			/* More than we keep: use what we have. */
			dial_resolver_done(d);
			return;
		}
		n = read(fd, d->rbuf + d->rlen, sizeof(d->rbuf) - d->rlen);
		if (n > 0) {
			d->rlen += (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;
		if (n == -1)
			dial_cause(d, "resolve %s: read: %s",
			    d->targets[d->cur].host, strerror(errno));
		dial_resolver_done(d);
		return;
	}
}

static void
dial_timeout(void *arg)
{
	struct dial	*d = arg;
	char		 a[INET6_ADDRSTRLEN + 16];

	if (d->rfd != -1) {
		dial_cause(d, "resolve %s: timed out after %d ms",
		    d->targets[d->cur].host, d->timeout_ms);
		dial_resolve_stop(d);
		d->naddrs = 0;
		d->curaddr = 0;
		dial_try_addr(d);
		return;
	}
	if (d->fd != -1) {
		dial_cause(d, "connect %s: timed out after %d ms",
		    dial_addr_str(&d->addrs[d->curaddr], a, sizeof(a)),
		    d->timeout_ms);
		loop_fd_del(d->loop, d->fd);
		close(d->fd);
		d->fd = -1;
		d->curaddr++;
		dial_try_addr(d);
	}
}

static void
dial_next_target(struct dial *d)
{
	const struct dial_target	*t;
	int				 p[2];
	pid_t				 pid;

	if (d->cur >= d->ntargets) {
		dial_fail_all(d);
		return;
	}
	t = &d->targets[d->cur];
	d->naddrs = 0;
	d->curaddr = 0;
	if (dial_numeric(d, t->host)) {
		dial_try_addr(d);
		return;
	}
	if (pipe2(p, O_CLOEXEC) == -1) {
		dial_cause(d, "resolve %s: pipe: %s", t->host,
		    strerror(errno));
		dial_try_addr(d);
		return;
	}
	if ((pid = fork()) == -1) {
		dial_cause(d, "resolve %s: fork: %s", t->host,
		    strerror(errno));
		close(p[0]);
		close(p[1]);
		dial_try_addr(d);
		return;
	}
	if (pid == 0) {
		close(p[0]);
		dial_resolver_main(p[1], t->host);
	}
	close(p[1]);
	if (fcntl(p[0], F_SETFL, O_NONBLOCK) == -1)
		fatal("fcntl O_NONBLOCK on resolver pipe");
	d->resolver = pid;
	d->rfd = p[0];
	d->rlen = 0;
	loop_fd_add(d->loop, d->rfd, POLLIN, dial_resolver_read, d);
	d->timer.cb = dial_timeout;
	loop_timer_set(d->loop, &d->timer, (uint64_t)d->timeout_ms);
}

static void
dial_connected(struct dial *d)
{
	int			 fd = d->fd;
	struct sockaddr_storage	 addr = d->addrs[d->curaddr];

	loop_fd_del(d->loop, fd);
	loop_timer_cancel(d->loop, &d->timer);
	d->fd = -1;
	d->cb(fd, &d->targets[d->cur], &addr, NULL, d->arg);
}

static void
dial_connect_ready(int fd, short revents, void *arg)
{
	struct dial	*d = arg;
	char		 a[INET6_ADDRSTRLEN + 16];
	int		 err = 0;
	socklen_t	 len = sizeof(err);

	(void)revents;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err == 0) {
		dial_connected(d);
		return;
	}
	dial_cause(d, "connect %s: %s",
	    dial_addr_str(&d->addrs[d->curaddr], a, sizeof(a)),
	    strerror(err));
	loop_fd_del(d->loop, fd);
	loop_timer_cancel(d->loop, &d->timer);
	close(fd);
	d->fd = -1;
	d->curaddr++;
	dial_try_addr(d);
}

static void
dial_try_addr(struct dial *d)
{
	const struct dial_target	*t;
	struct sockaddr_storage		*ss;
	char				 a[INET6_ADDRSTRLEN + 16];
	socklen_t			 slen;

	for (;;) {
		if (d->curaddr >= d->naddrs) {
			d->cur++;
			dial_next_target(d);
			return;
		}
		t = &d->targets[d->cur];
		ss = &d->addrs[d->curaddr];
		dial_set_port(ss, t->port);
		slen = ss->ss_family == AF_INET6 ?
		    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
		d->fd = socket(ss->ss_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (d->fd == -1) {
			dial_cause(d, "connect %s: socket: %s",
			    dial_addr_str(ss, a, sizeof(a)), strerror(errno));
			d->curaddr++;
			continue;
		}
		if (connect(d->fd, (struct sockaddr *)ss, slen) == 0) {
			/* Connected at once (loopback); still report later. */
			loop_fd_add(d->loop, d->fd, POLLOUT,
			    dial_connect_ready, d);
			d->timer.cb = dial_timeout;
			loop_timer_set(d->loop, &d->timer,
			    (uint64_t)d->timeout_ms);
			return;
		}
		if (errno == EINPROGRESS) {
			loop_fd_add(d->loop, d->fd, POLLOUT,
			    dial_connect_ready, d);
			d->timer.cb = dial_timeout;
			loop_timer_set(d->loop, &d->timer,
			    (uint64_t)d->timeout_ms);
			return;
		}
		dial_cause(d, "connect %s: %s", dial_addr_str(ss, a, sizeof(a)),
		    strerror(errno));
		close(d->fd);
		d->fd = -1;
		d->curaddr++;
	}
}
