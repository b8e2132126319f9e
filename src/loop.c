/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The poll loop.  Owns the table of watched fds, the list of armed
 * timers (the timers themselves belong to their callers), the child
 * watch list and the signal flags.  Signals the loop handles stay
 * blocked except inside ppoll(), so a handler can only run while the
 * loop is waiting and the flag it sets is seen right after.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "loop.h"
#include "xmalloc.h"

/* How late a signal may be seen when fds are always ready, ms. */
#define LOOP_PENDING_MS	10

struct loop_fd {
	int		 fd;
	short		 events;
	loop_fd_cb	 cb;
	void		*arg;
	uint64_t	 serial;	/* tells a re-added fd from the old one */
};

struct loop_child {
	pid_t		 pid;
	loop_child_cb	 cb;
	void		*arg;
};

struct loop_sig {
	int		 signo;
	loop_signal_cb	 cb;
	void		*arg;
};

struct loop {
	struct loop_fd		*fds;
	size_t			 nfds, fds_cap;
	uint64_t		 next_serial;

	struct pollfd		*pfd;		/* scratch for one turn */
	uint64_t		*pfd_serial;
	size_t			 pfd_cap;

	struct loop_timer	**timers;
	size_t			 ntimers, timers_cap;

	struct loop_child	*children;
	size_t			 nchildren, children_cap;

	struct loop_sig		*sigs;
	size_t			 nsigs;

	sigset_t		 waitmask;	/* mask inside ppoll() */
	sigset_t		 origmask;	/* restored by loop_free() */
	uint64_t		 now;
	uint64_t		 gen;		/* timer phase counter */
	uint64_t		 pending_at;	/* last loop_take_pending() */
	bool			 stop;
};

static volatile sig_atomic_t	loop_sigflag[NSIG];
static volatile sig_atomic_t	loop_sigany;

static void	loop_sig_handler(int);
static void	loop_catch(struct loop *, int);
static void	loop_reap(struct loop *);
static void	loop_run_timers(struct loop *);
static void	loop_run_signals(struct loop *);
static void	loop_take_pending(struct loop *);
static int	loop_timeout(struct loop *, int);

uint64_t
loop_clock_monotonic(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("clock_gettime");
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t	(*loop_clock)(void) = loop_clock_monotonic;

/* The clock as the last loop turn read it (loop_clock_recent()). */
static uint64_t	loop_recent;

static void
loop_sig_handler(int signo)
{
	if (signo > 0 && signo < NSIG)
		loop_sigflag[signo] = 1;
	loop_sigany = 1;
}

struct loop *
loop_new(void)
{
	struct loop	*l;
	sigset_t	 none;

	l = xcalloc(1, sizeof(*l));
	sigemptyset(&none);
	if (sigprocmask(SIG_BLOCK, &none, &l->origmask) == -1)
		fatal("sigprocmask");
	l->waitmask = l->origmask;
	loop_catch(l, SIGCHLD);
	l->now = loop_recent = loop_clock();
	return l;
}

void
loop_free(struct loop *l)
{
	size_t			i;
	struct sigaction	sa;

	if (l == NULL)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < l->nsigs; i++)
		(void)sigaction(l->sigs[i].signo, &sa, NULL);
	(void)sigaction(SIGCHLD, &sa, NULL);
	(void)sigprocmask(SIG_SETMASK, &l->origmask, NULL);
	for (i = 0; i < l->ntimers; i++)
		l->timers[i]->armed = false;
	free(l->fds);
	free(l->pfd);
	free(l->pfd_serial);
	free(l->timers);
	free(l->children);
	free(l->sigs);
	free(l);
}

uint64_t
loop_now(struct loop *l)
{
	return l->now;
}

uint64_t
loop_clock_recent(void)
{
	return loop_recent;
}

static struct loop_fd *
loop_fd_find(struct loop *l, int fd)
{
	size_t	i;

	for (i = 0; i < l->nfds; i++)
		if (l->fds[i].fd == fd)
			return &l->fds[i];
	return NULL;
}

void
loop_fd_add(struct loop *l, int fd, short events, loop_fd_cb cb, void *arg)
{
	struct loop_fd	*f;

	if (fd < 0 || loop_fd_find(l, fd) != NULL)
		fatalx("loop_fd_add: fd %d is invalid or already watched", fd);
	if (l->nfds == l->fds_cap) {
		l->fds_cap = l->fds_cap ? l->fds_cap * 2 : 16;
		l->fds = xreallocarray(l->fds, l->fds_cap, sizeof(*l->fds));
	}
	f = &l->fds[l->nfds++];
	f->fd = fd;
	f->events = events;
	f->cb = cb;
	f->arg = arg;
	f->serial = ++l->next_serial;
}

void
loop_fd_events(struct loop *l, int fd, short events)
{
	struct loop_fd	*f;

	if ((f = loop_fd_find(l, fd)) == NULL)
		fatalx("loop_fd_events: fd %d is not watched", fd);
	f->events = events;
}

void
loop_fd_del(struct loop *l, int fd)
{
	struct loop_fd	*f;

	if ((f = loop_fd_find(l, fd)) == NULL)
		return;
	*f = l->fds[--l->nfds];
}

void
loop_timer_init(struct loop_timer *t, loop_timer_cb cb, void *arg)
{
	memset(t, 0, sizeof(*t));
	t->cb = cb;
	t->arg = arg;
}

void
loop_timer_set(struct loop *l, struct loop_timer *t, uint64_t ms)
{
	loop_timer_set_slack(l, t, ms, 0);
}

void
loop_timer_set_slack(struct loop *l, struct loop_timer *t, uint64_t ms,
    uint64_t slack_ms)
{
	if (!t->armed) {
		if (l->ntimers == l->timers_cap) {
			l->timers_cap = l->timers_cap ? l->timers_cap * 2 : 16;
			l->timers = xreallocarray(l->timers, l->timers_cap,
			    sizeof(*l->timers));
		}
		l->timers[l->ntimers++] = t;
		t->armed = true;
	}
	/* Due at once: the turn's time will do (no clock read). */
	t->deadline = ms == 0 ? l->now : loop_clock() + ms;
	t->slack = slack_ms < ms ? slack_ms : ms;
	t->gen = l->gen;
}

void
loop_timer_cancel(struct loop *l, struct loop_timer *t)
{
	size_t	i;

	if (!t->armed)
		return;
	for (i = 0; i < l->ntimers; i++) {
		if (l->timers[i] == t) {
			l->timers[i] = l->timers[--l->ntimers];
			break;
		}
	}
	t->armed = false;
}

void
loop_child_watch(struct loop *l, pid_t pid, loop_child_cb cb, void *arg)
{
	struct loop_child	*c;

	if (l->nchildren == l->children_cap) {
		l->children_cap = l->children_cap ? l->children_cap * 2 : 8;
		l->children = xreallocarray(l->children, l->children_cap,
		    sizeof(*l->children));
	}
	c = &l->children[l->nchildren++];
	c->pid = pid;
	c->cb = cb;
	c->arg = arg;
}

void
loop_child_forget(struct loop *l, pid_t pid)
{
	size_t	i;

	for (i = 0; i < l->nchildren; i++) {
		if (l->children[i].pid == pid) {
			l->children[i] = l->children[--l->nchildren];
			return;
		}
	}
}

static void
loop_catch(struct loop *l, int signo)
{
	struct sigaction	sa;
	sigset_t		set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = loop_sig_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	if (signo == SIGCHLD)
		sa.sa_flags |= SA_NOCLDSTOP;
	sigemptyset(&set);
	sigaddset(&set, signo);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		fatal("sigprocmask");
	if (sigaction(signo, &sa, NULL) == -1)
		fatal("sigaction %d", signo);
	sigdelset(&l->waitmask, signo);
}

void
loop_signal(struct loop *l, int signo, loop_signal_cb cb, void *arg)
{
	if (signo <= 0 || signo >= NSIG || signo == SIGCHLD)
		fatalx("loop_signal: signal %d cannot be handled", signo);
	l->sigs = xreallocarray(l->sigs, l->nsigs + 1, sizeof(*l->sigs));
	l->sigs[l->nsigs].signo = signo;
	l->sigs[l->nsigs].cb = cb;
	l->sigs[l->nsigs].arg = arg;
	l->nsigs++;
	loop_catch(l, signo);
}

/* The ppoll() timeout in ms: the earliest timer, capped by max_ms. */
static int
loop_timeout(struct loop *l, int max_ms)
{
	uint64_t	first = UINT64_MAX, wait;
	size_t		i;

	for (i = 0; i < l->ntimers; i++)
		if (l->timers[i]->deadline < first)
			first = l->timers[i]->deadline;
	if (first == UINT64_MAX)
		return max_ms;
	wait = first > l->now ? first - l->now : 0;
	if (wait > INT32_MAX)
		wait = INT32_MAX;
	if (max_ms >= 0 && (uint64_t)max_ms < wait)
		return max_ms;
	return (int)wait;
}

static void
loop_run_timers(struct loop *l)
{
	struct loop_timer	*t;
	uint64_t		 gen = ++l->gen;
	size_t			 i;

	/*
	 * Fire due timers one at a time, earliest first: a callback may arm
	 * or cancel any timer.  A timer armed during this phase carries the
	 * new generation and waits for the next turn, so a zero re-arm
	 * cannot spin here.  A timer with slack is due from its deadline
	 * minus the slack: the loop is awake anyway.
	 */
	for (;;) {
		t = NULL;
		for (i = 0; i < l->ntimers; i++) {
			if (l->timers[i]->gen != gen &&
			    l->timers[i]->deadline <= l->now +
			    l->timers[i]->slack &&
			    (t == NULL || l->timers[i]->deadline < t->deadline))
				t = l->timers[i];
		}
		if (t == NULL)
			break;
		loop_timer_cancel(l, t);
		t->cb(t->arg);
	}
}

static void
loop_reap(struct loop *l)
{
	struct loop_child	 c;
	pid_t			 pid;
	int			 status;
	size_t			 i;

	for (;;) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid == 0)
			return;
		if (pid == -1) {
			if (errno == EINTR)
				continue;
			if (errno != ECHILD)
				log_warn("waitpid");
			return;
		}
		for (i = 0; i < l->nchildren; i++) {
			if (l->children[i].pid == pid)
				break;
		}
		if (i == l->nchildren) {
			log_debug("reaped unwatched child %ld", (long)pid);
			continue;
		}
		c = l->children[i];
		l->children[i] = l->children[--l->nchildren];
		c.cb(pid, status, c.arg);
	}
}

/*
 * Linux delivers a signal that arrives inside ppoll() only when ppoll()
 * fails with EINTR: with fds ready it returns them and blocks the signal
 * again, still pending.  Take such signals here, so that an fd that is
 * always ready cannot starve SIGCHLD or SIGTERM.
 */
static void
loop_take_pending(struct loop *l)
{
	static const struct timespec	 zero = { 0, 0 };
	sigset_t			 pending, mine;
	int				 signo;
	size_t				 i;
	bool				 any = false;

	if (sigpending(&pending) == -1)
		return;
	sigemptyset(&mine);
	if (sigismember(&pending, SIGCHLD)) {
		sigaddset(&mine, SIGCHLD);
		any = true;
	}
	for (i = 0; i < l->nsigs; i++)
		if (sigismember(&pending, l->sigs[i].signo)) {
			sigaddset(&mine, l->sigs[i].signo);
			any = true;
		}
	/* Nothing of ours pending (the usual case): no system call more. */
	while (any && (signo = sigtimedwait(&mine, NULL, &zero)) > 0) {
		if (signo < NSIG)
			loop_sigflag[signo] = 1;
		loop_sigany = 1;
	}
}

static void
loop_run_signals(struct loop *l)
{
	size_t	i;
	int	signo;

	if (!loop_sigany)
		return;
	loop_sigany = 0;
	if (loop_sigflag[SIGCHLD]) {
		loop_sigflag[SIGCHLD] = 0;
		loop_reap(l);
	}
	for (i = 0; i < l->nsigs; i++) {
		signo = l->sigs[i].signo;
		if (loop_sigflag[signo]) {
			loop_sigflag[signo] = 0;
			l->sigs[i].cb(signo, l->sigs[i].arg);
		}
	}
}

/*
 * One turn.  fresh: read the clock before computing the timeout; when
 * loop_run() goes from turn to turn, the time of the last ppoll()
 * return will do (a timer is late at most by what the callbacks took),
 * and a busy link saves a clock read per packet (a system call where
 * there is no vDSO, as in user-mode Linux).
 */
static int
loop_turn(struct loop *l, int max_ms, bool fresh)
{
	struct loop_fd	*f;
	struct timespec	 ts, *tsp = NULL;
	size_t		 i, n = 0;
	int		 timeout, r;

	if (fresh)
		l->now = loop_recent = loop_clock();
	if (l->pfd_cap < l->nfds) {
		l->pfd_cap = l->nfds;
		l->pfd = xreallocarray(l->pfd, l->pfd_cap, sizeof(*l->pfd));
		l->pfd_serial = xreallocarray(l->pfd_serial, l->pfd_cap,
		    sizeof(*l->pfd_serial));
	}
	for (i = 0; i < l->nfds; i++) {
		if (l->fds[i].events == 0)
			continue;
		l->pfd[n].fd = l->fds[i].fd;
		l->pfd[n].events = l->fds[i].events;
		l->pfd[n].revents = 0;
		l->pfd_serial[n] = l->fds[i].serial;
		n++;
	}
	timeout = loop_timeout(l, max_ms);
	if (loop_sigany)
		timeout = 0;
	if (timeout >= 0) {
		ts.tv_sec = timeout / 1000;
		ts.tv_nsec = (long)(timeout % 1000) * 1000000;
		tsp = &ts;
	}
	r = ppoll(n ? l->pfd : NULL, n, tsp, &l->waitmask);
	if (r == -1 && errno != EINTR)
		return -1;
	l->now = loop_recent = loop_clock();
	/*
	 * Only a ppoll() that returned fds can leave a signal pending, and
	 * a look every LOOP_PENDING_MS is enough for it not to starve: not
	 * a sigpending() per busy turn.
	 */
	if (r > 0 && l->now - l->pending_at >= LOOP_PENDING_MS) {
		l->pending_at = l->now;
		loop_take_pending(l);
	}

	for (i = 0; r > 0 && i < n; i++) {
		if (l->pfd[i].revents == 0)
			continue;
		/* Skip fds removed (or replaced) by an earlier callback. */
		f = loop_fd_find(l, l->pfd[i].fd);
		if (f == NULL || f->serial != l->pfd_serial[i])
			continue;
		f->cb(f->fd, l->pfd[i].revents, f->arg);
	}
	loop_run_timers(l);
	loop_run_signals(l);
	return 0;
}

int
loop_once(struct loop *l, int max_ms)
{
	return loop_turn(l, max_ms, true);
}

int
loop_run(struct loop *l)
{
	bool	fresh = true;

	l->stop = false;
	while (!l->stop) {
		if (loop_turn(l, -1, fresh) == -1)
			return -1;
		fresh = false;
	}
	return 0;
}

void
loop_break(struct loop *l)
{
	l->stop = true;
}
