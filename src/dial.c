/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * One dial owns: its copy of the targets, a resolver child and its pipe
 * per named target (numeric addresses need no lookup), the addresses
 * found so far, the sockets being connected (at most DIAL_MAX_CONNS), two
 * timers (the race's bound, the next attempt) and the list of causes so
 * far.  getaddrinfo() blocks, so it runs in a child that writes the
 * addresses to a pipe; the loop never waits on DNS.
 *
 * The schedule (dial_run()): the first address not yet tried, in the
 * order of the targets, starts DIAL_STAGGER ms after the last start, or
 * at once when nothing is in flight or an attempt has just failed; once
 * every address has been tried, each one still silent gets a fresh
 * connect DIAL_REFRESH ms after its last.  A refused or unreachable
 * address is done for this race.  The race is lost when every address is
 * done and no lookup is left, or at its bound.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dial.h"
#include "log.h"
#include "loop.h"
#include "xmalloc.h"

#define DIAL_MAX_ADDRS	16	/* kept per target */
#define DIAL_MAX_CONNS	16	/* sockets in flight at once */
#define DIAL_NONE	((size_t)-1)

struct dial_addr {
	struct sockaddr_storage	 ss;
	size_t			 target;
	bool			 started;	/* connected to in this race */
	bool			 done;		/* failed: not again */
	uint64_t		 last;		/* loop ms of its last connect() */
};

/* A socket being connected; fd -1 is a free slot. */
struct dial_conn {
	struct dial		*d;
	int			 fd;
	size_t			 addr;
	uint64_t		 started;
};

/* A name being resolved; pid and fd -1 when none. */
struct dial_lookup {
	struct dial		*d;
	size_t			 target;
	pid_t			 pid;
	int			 fd;
	char			 buf[2048];
	size_t			 len;
};

struct dial {
	struct loop		*loop;
	struct dial_target	*targets;
	struct dial_lookup	*lookups;	/* one per target */
	bool			*gone;		/* per target: out of the race */
	size_t			 ntargets;
	int			 timeout_ms;
	dial_cb			 cb;
	void			*arg;

	struct dial_addr	*addrs;
	size_t			 naddrs;
	struct dial_conn	 conns[DIAL_MAX_CONNS];
	uint64_t		 last_start;	/* loop ms of the last connect() */
	bool			 stagger;	/* the next start waits for it */

	struct loop_timer	 bound;		/* the race's timeout */
	struct loop_timer	 next;		/* the next attempt */
	size_t			 winner;	/* target out with the caller */
	bool			 over;		/* the failure was reported */
	char			*causes;
};

static void	dial_run(struct dial *);
static void	dial_cause(struct dial *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	dial_lookup_stop(struct dial_lookup *);
static void	dial_conn_close(struct dial_conn *);

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

/*
 * Add target t's addresses v[0..n-1] (in the resolver's order) to the
 * race, alternating between the families, the first family first.
 */
static void
dial_add_addrs(struct dial *d, size_t t, const struct sockaddr_storage *v,
    size_t n)
{
	bool	used[DIAL_MAX_ADDRS] = { false };
	size_t	i, k;
	int	fam;

	if (n == 0)
		return;
	d->addrs = xreallocarray(d->addrs, d->naddrs + n, sizeof(*d->addrs));
	fam = v[0].ss_family;
	for (k = 0; k < n; k++) {
		/* The next of family fam, or failing that of any. */
		for (i = 0; i < n && (used[i] || v[i].ss_family != fam); i++)
			;
		if (i == n)
			for (i = 0; used[i]; i++)
				;
		used[i] = true;
		memset(&d->addrs[d->naddrs], 0, sizeof(d->addrs[0]));
		d->addrs[d->naddrs].ss = v[i];
		dial_set_port(&d->addrs[d->naddrs].ss, d->targets[t].port);
		d->addrs[d->naddrs].target = t;
		d->naddrs++;
		fam = v[i].ss_family == AF_INET ? AF_INET6 : AF_INET;
	}
}

/* A numeric host: its one address.  Returns false for a name. */
static bool
dial_numeric(const char *host, struct sockaddr_storage *ss)
{
	struct sockaddr_in	*s4 = (struct sockaddr_in *)(void *)ss;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)(void *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1)
		s4->sin_family = AF_INET;
	else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1)
		s6->sin6_family = AF_INET6;
	else
		return false;
	return true;
}

/* ------------------------------------------------------------ lookups */

static bool
dial_lookup_pending(const struct dial_lookup *lk)
{
	return lk->fd != -1;
}

static void
dial_lookup_stop(struct dial_lookup *lk)
{
	if (lk->fd != -1) {
		loop_fd_del(lk->d->loop, lk->fd);
		close(lk->fd);
		lk->fd = -1;
	}
	if (lk->pid != -1) {
		/* Unwatched: the loop reaps it silently. */
		(void)kill(lk->pid, SIGKILL);
		lk->pid = -1;
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

/* The resolver has said all it will: add what it found. */
static void
dial_lookup_done(struct dial_lookup *lk)
{
	struct dial		*d = lk->d;
	const char		*host = d->targets[lk->target].host;
	struct sockaddr_storage	 v[DIAL_MAX_ADDRS];
	char			*line, *cr, *save = NULL;
	size_t			 n = 0;
	bool			 failed = false;

	dial_lookup_stop(lk);
	lk->buf[lk->len < sizeof(lk->buf) ? lk->len : sizeof(lk->buf) - 1] =
	    '\0';
	for (line = strtok_r(lk->buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		struct sockaddr_storage	*ss = &v[n];

		if ((cr = strchr(line, '\r')) != NULL)
			*cr = '\0';
		if (line[0] == 'E') {
			dial_cause(d, "resolve %s: %s", host,
			    gai_strerror(atoi(line + 2)));
			failed = true;
			break;
		}
		if (n == DIAL_MAX_ADDRS || strlen(line) < 3)
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
		n++;
	}
	lk->len = 0;
	if (n == 0 && !failed)
		dial_cause(d, "resolve %s: no address", host);
	dial_add_addrs(d, lk->target, v, n);
	dial_run(d);
}

static void
dial_lookup_read(int fd, short revents, void *arg)
{
	struct dial_lookup	*lk = arg;
	ssize_t			 n;

	(void)revents;
	for (;;) {
		if (lk->len == sizeof(lk->buf)) {
			/* More than we keep: use what we have. */
			dial_lookup_done(lk);
			return;
		}
		n = read(fd, lk->buf + lk->len, sizeof(lk->buf) - lk->len);
		if (n > 0) {
			lk->len += (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;
		if (n == -1)
			dial_cause(lk->d, "resolve %s: read: %s",
			    lk->d->targets[lk->target].host, strerror(errno));
		dial_lookup_done(lk);
		return;
	}
}

/* Fork the resolver of target t; a failure is a cause. */
static void
dial_lookup_start(struct dial *d, size_t t)
{
	struct dial_lookup	*lk = &d->lookups[t];
	const char		*host = d->targets[t].host;
	int			 p[2];
	pid_t			 pid;

	if (pipe2(p, O_CLOEXEC) == -1) {
		dial_cause(d, "resolve %s: pipe: %s", host, strerror(errno));
		return;
	}
	if ((pid = fork()) == -1) {
		dial_cause(d, "resolve %s: fork: %s", host, strerror(errno));
		close(p[0]);
		close(p[1]);
		return;
	}
	if (pid == 0) {
		close(p[0]);
		dial_resolver_main(p[1], host);
	}
	close(p[1]);
	if (fcntl(p[0], F_SETFL, O_NONBLOCK) == -1)
		fatal("fcntl O_NONBLOCK on resolver pipe");
	lk->pid = pid;
	lk->fd = p[0];
	lk->len = 0;
	loop_fd_add(d->loop, lk->fd, POLLIN, dial_lookup_read, lk);
}

/* -------------------------------------------------------------- race */

/* Whether address i may still be tried. */
static bool
dial_addr_live(const struct dial *d, size_t i)
{
	return !d->addrs[i].done && !d->gone[d->addrs[i].target];
}

static size_t
dial_nconns(const struct dial *d)
{
	size_t	i, n = 0;

	for (i = 0; i < DIAL_MAX_CONNS; i++)
		if (d->conns[i].fd != -1)
			n++;
	return n;
}

static void
dial_conn_close(struct dial_conn *c)
{
	if (c->fd == -1)
		return;
	loop_fd_del(c->d->loop, c->fd);
	close(c->fd);
	c->fd = -1;
}

/* Address i failed: record why, close its other sockets. */
static void
dial_addr_failed(struct dial *d, size_t i, const char *why)
{
	char	a[INET6_ADDRSTRLEN + 16];
	size_t	k;

	dial_cause(d, "connect %s: %s", dial_addr_str(&d->addrs[i].ss, a,
	    sizeof(a)), why);
	d->addrs[i].done = true;
	for (k = 0; k < DIAL_MAX_CONNS; k++)
		if (d->conns[k].addr == i)
			dial_conn_close(&d->conns[k]);
	/* The next attempt need not wait its turn. */
	d->stagger = false;
}

/* The race is lost: say why, once. */
static void
dial_fail(struct dial *d)
{
	size_t	i;

	d->over = true;
	loop_timer_cancel(d->loop, &d->bound);
	loop_timer_cancel(d->loop, &d->next);
	for (i = 0; i < DIAL_MAX_CONNS; i++)
		dial_conn_close(&d->conns[i]);
	for (i = 0; i < d->ntargets; i++)
		dial_lookup_stop(&d->lookups[i]);
	d->cb(-1, NULL, NULL, d->causes ? d->causes : "no address to dial",
	    d->arg);
}

static void
dial_conn_ready(int fd, short revents, void *arg)
{
	struct dial_conn	*c = arg;
	struct dial		*d = c->d;
	struct sockaddr_storage	 addr;
	size_t			 i, t;
	int			 err = 0;
	socklen_t		 len = sizeof(err);

	(void)revents;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0) {
		dial_addr_failed(d, c->addr, strerror(err));
		dial_run(d);
		return;
	}
	/* The winner: the others are closed, the caller gets the socket. */
	addr = d->addrs[c->addr].ss;
	t = d->addrs[c->addr].target;
	loop_fd_del(d->loop, fd);
	c->fd = -1;
	for (i = 0; i < DIAL_MAX_CONNS; i++)
		dial_conn_close(&d->conns[i]);
	loop_timer_cancel(d->loop, &d->bound);
	loop_timer_cancel(d->loop, &d->next);
	d->winner = t;
	d->cb(fd, &d->targets[t], &addr, NULL, d->arg);
}

/* A connect() to address i; a failure marks it done. */
static void
dial_connect(struct dial *d, size_t i, uint64_t now)
{
	struct dial_addr	*a = &d->addrs[i];
	struct dial_conn	*c = NULL;
	socklen_t		 slen;
	size_t			 k;
	int			 fd;

	a->started = true;
	a->last = now;
	slen = a->ss.ss_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1) {
		dial_addr_failed(d, i, strerror(errno));
		return;
	}
	/* 0: connected at once (loopback); still reported from the loop. */
	if (connect(fd, (struct sockaddr *)&a->ss, slen) == -1 &&
	    errno != EINPROGRESS) {
		dial_addr_failed(d, i, strerror(errno));
		close(fd);
		return;
	}
	/* A free slot, or the oldest socket makes room. */
	for (k = 0; k < DIAL_MAX_CONNS; k++) {
		if (d->conns[k].fd == -1) {
			c = &d->conns[k];
			break;
		}
		if (c == NULL || d->conns[k].started < c->started)
			c = &d->conns[k];
	}
	dial_conn_close(c);
	c->fd = fd;
	c->addr = i;
	c->started = now;
	loop_fd_add(d->loop, fd, POLLOUT, dial_conn_ready, c);
	d->last_start = now;
	d->stagger = true;
}

/*
 * The address to connect to now, or DIAL_NONE with *wait the ms until
 * one is due (UINT64_MAX: none will be, unless a lookup brings more).
 */
static size_t
dial_pick(struct dial *d, uint64_t now, uint64_t *wait)
{
	size_t		i, best = DIAL_NONE;
	uint64_t	due;

	*wait = UINT64_MAX;
	for (i = 0; i < d->naddrs; i++) {
		if (!dial_addr_live(d, i) || d->addrs[i].started)
			continue;
		if (best == DIAL_NONE ||
		    d->addrs[i].target < d->addrs[best].target)
			best = i;
	}
	if (best != DIAL_NONE) {
		due = d->last_start + DIAL_STAGGER;
		if (!d->stagger || dial_nconns(d) == 0 || now >= due)
			return best;
		*wait = due - now;
		return DIAL_NONE;
	}
	/* Every address had its turn: refresh the silent ones. */
	for (i = 0; i < d->naddrs; i++) {
		if (!dial_addr_live(d, i))
			continue;
		if (best == DIAL_NONE || d->addrs[i].last < d->addrs[best].last)
			best = i;
	}
	if (best == DIAL_NONE)
		return DIAL_NONE;
	due = d->addrs[best].last + DIAL_REFRESH;
	if (now >= due)
		return best;
	*wait = due - now;
	return DIAL_NONE;
}

/* Start what is due, arm the next attempt, or give up. */
static void
dial_run(struct dial *d)
{
	uint64_t	now = loop_now(d->loop), wait;
	size_t		i;

	if (d->over || d->winner != DIAL_NONE)
		return;
	while ((i = dial_pick(d, now, &wait)) != DIAL_NONE)
		dial_connect(d, i, now);
	if (wait != UINT64_MAX) {
		loop_timer_set(d->loop, &d->next, wait);
		return;
	}
	loop_timer_cancel(d->loop, &d->next);
	if (dial_nconns(d) > 0)
		return;
	for (i = 0; i < d->ntargets; i++)
		if (!d->gone[i] && dial_lookup_pending(&d->lookups[i]))
			return;
	dial_fail(d);
}

static void
dial_next_fired(void *arg)
{
	dial_run(arg);
}

/* The race's bound: whatever has not answered has timed out. */
static void
dial_bound_fired(void *arg)
{
	struct dial	*d = arg;
	char		 a[INET6_ADDRSTRLEN + 16];
	size_t		 i;

	for (i = 0; i < d->ntargets; i++) {
		if (d->gone[i] || !dial_lookup_pending(&d->lookups[i]))
			continue;
		dial_cause(d, "resolve %s: timed out after %d ms",
		    d->targets[i].host, d->timeout_ms);
	}
	for (i = 0; i < d->naddrs; i++) {
		if (!dial_addr_live(d, i) || !d->addrs[i].started)
			continue;
		dial_cause(d, "connect %s: timed out after %d ms",
		    dial_addr_str(&d->addrs[i].ss, a, sizeof(a)),
		    d->timeout_ms);
	}
	dial_fail(d);
}

struct dial *
dial_start(struct loop *loop, const struct dial_target *targets, size_t n,
    int timeout_ms, dial_cb cb, void *arg)
{
	struct dial		*d;
	struct sockaddr_storage	 ss;
	size_t			 i;

	d = xcalloc(1, sizeof(*d));
	d->loop = loop;
	d->targets = xcalloc(n ? n : 1, sizeof(*d->targets));
	d->lookups = xcalloc(n ? n : 1, sizeof(*d->lookups));
	d->gone = xcalloc(n ? n : 1, sizeof(*d->gone));
	d->ntargets = n;
	d->timeout_ms = timeout_ms;
	d->cb = cb;
	d->arg = arg;
	d->winner = DIAL_NONE;
	for (i = 0; i < DIAL_MAX_CONNS; i++) {
		d->conns[i].d = d;
		d->conns[i].fd = -1;
		d->conns[i].addr = DIAL_NONE;
	}
	loop_timer_init(&d->bound, dial_bound_fired, d);
	loop_timer_init(&d->next, dial_next_fired, d);
	for (i = 0; i < n; i++) {
		d->targets[i].host = xstrdup(targets[i].host);
		d->targets[i].port = targets[i].port;
		d->lookups[i].d = d;
		d->lookups[i].target = i;
		d->lookups[i].pid = -1;
		d->lookups[i].fd = -1;
		if (dial_numeric(targets[i].host, &ss))
			dial_add_addrs(d, i, &ss, 1);
		else
			dial_lookup_start(d, i);
	}
	if (n == 0)
		dial_cause(d, "no host to dial");
	loop_timer_set(loop, &d->bound, (uint64_t)timeout_ms);
	/* The callback never runs from inside dial_start(). */
	loop_timer_set(loop, &d->next, 0);
	return d;
}

bool
dial_peer_acked(int fd)
{
	struct tcp_info	ti;
	socklen_t	len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == -1)
		return false;
	return ti.tcpi_state == TCP_ESTABLISHED && ti.tcpi_unacked == 0 &&
	    ti.tcpi_retransmits == 0;
}

bool
dial_others_left(const struct dial *d)
{
	size_t	i;

	if (d == NULL || d->over || d->winner == DIAL_NONE)
		return false;
	for (i = 0; i < d->naddrs; i++)
		if (d->addrs[i].target != d->winner && dial_addr_live(d, i))
			return true;
	for (i = 0; i < d->ntargets; i++)
		if (i != d->winner && !d->gone[i] &&
		    dial_lookup_pending(&d->lookups[i]))
			return true;
	return false;
}

int
dial_resume(struct dial *d, int timeout_ms, const char *cause)
{
	size_t	i;
	bool	left;

	if (d->over || d->winner == DIAL_NONE)
		return -1;
	left = dial_others_left(d);
	d->gone[d->winner] = true;
	dial_lookup_stop(&d->lookups[d->winner]);
	d->winner = DIAL_NONE;
	for (i = 0; i < d->naddrs; i++)
		if (dial_addr_live(d, i))
			d->addrs[i].started = false;
	if (!left) {
		d->over = true;
		return -1;
	}
	dial_cause(d, "%s", cause);
	d->stagger = false;
	d->timeout_ms = timeout_ms;
	loop_timer_set(d->loop, &d->bound, (uint64_t)timeout_ms);
	loop_timer_set(d->loop, &d->next, 0);
	return 0;
}

void
dial_free(struct dial *d)
{
	size_t	i;

	if (d == NULL)
		return;
	for (i = 0; i < d->ntargets; i++)
		dial_lookup_stop(&d->lookups[i]);
	for (i = 0; i < DIAL_MAX_CONNS; i++)
		dial_conn_close(&d->conns[i]);
	loop_timer_cancel(d->loop, &d->bound);
	loop_timer_cancel(d->loop, &d->next);
	for (i = 0; i < d->ntargets; i++)
		free((char *)d->targets[i].host);
	free(d->targets);
	free(d->lookups);
	free(d->gone);
	free(d->addrs);
	free(d->causes);
	free(d);
}
