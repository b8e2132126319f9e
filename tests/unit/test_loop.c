/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for the poll loop: fds, timers (with an injected clock),
 * child reaping and signal flags.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "loop.h"

static uint64_t	fake_now;

static uint64_t
fake_clock(void)
{
	return fake_now;
}

struct rec {
	int	 calls;
	int	 last_fd;
	short	 last_revents;
	char	 order[16];
	size_t	 norder;
};

static void
rec_fd(int fd, short revents, void *arg)
{
	struct rec	*r = arg;

	r->calls++;
	r->last_fd = fd;
	r->last_revents = revents;
}

static void
test_fd_readable(void **state)
{
	struct loop	*l = loop_new();
	struct rec	 r = { 0 };
	int		 p[2];

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
	loop_fd_add(l, p[0], POLLIN, rec_fd, &r);
	assert_int_equal(loop_once(l, 0), 0);
	assert_int_equal(r.calls, 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(loop_once(l, 1000), 0);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.last_fd, p[0]);
	assert_true(r.last_revents & POLLIN);

	/* Events 0: not polled, not called. */
	loop_fd_events(l, p[0], 0);
	assert_int_equal(loop_once(l, 0), 0);
	assert_int_equal(r.calls, 1);

	loop_fd_del(l, p[0]);
	loop_fd_del(l, p[0]);	/* twice is harmless */
	assert_int_equal(loop_once(l, 0), 0);
	assert_int_equal(r.calls, 1);
	close(p[0]);
	close(p[1]);
	loop_free(l);
}

/* A callback that removes the other fd: the other must not be called. */
struct pair {
	struct loop	*l;
	int		 other;
	int		 calls;
};

static void
del_other(int fd, short revents, void *arg)
{
	struct pair	*p = arg;

	(void)fd;
	(void)revents;
	p->calls++;
	loop_fd_del(p->l, p->other);
}

static void
test_fd_del_during_dispatch(void **state)
{
	struct loop	*l = loop_new();
	struct pair	 a, b;
	int		 p1[2], p2[2];

	(void)state;
	assert_int_equal(pipe2(p1, O_CLOEXEC), 0);
	assert_int_equal(pipe2(p2, O_CLOEXEC), 0);
	a.l = b.l = l;
	a.other = p2[0];
	b.other = p1[0];
	a.calls = b.calls = 0;
	loop_fd_add(l, p1[0], POLLIN, del_other, &a);
	loop_fd_add(l, p2[0], POLLIN, del_other, &b);
	assert_int_equal(write(p1[1], "x", 1), 1);
	assert_int_equal(write(p2[1], "x", 1), 1);
	assert_int_equal(loop_once(l, 1000), 0);
	/* Exactly one ran; it removed the other before its turn. */
	assert_int_equal(a.calls + b.calls, 1);
	close(p1[0]);
	close(p1[1]);
	close(p2[0]);
	close(p2[1]);
	loop_free(l);
}

struct tctx {
	struct loop		*l;
	struct rec		*r;
	char			 tag;
	struct loop_timer	 t;
	int			 rearm;
};

static void
timer_fired(void *arg)
{
	struct tctx	*c = arg;

	if (c->r->norder < sizeof(c->r->order))
		c->r->order[c->r->norder++] = c->tag;
	c->r->calls++;
	if (c->rearm > 0) {
		c->rearm--;
		loop_timer_set(c->l, &c->t, 0);
	}
}

static void
test_timers_order_and_cancel(void **state)
{
	struct loop	*l;
	struct rec	 r = { 0 };
	struct tctx	 a = { 0 }, b = { 0 }, c = { 0 };

	(void)state;
	fake_now = 1000;
	loop_clock = fake_clock;
	l = loop_new();
	a.l = b.l = c.l = l;
	a.r = b.r = c.r = &r;
	a.tag = 'a';
	b.tag = 'b';
	c.tag = 'c';
	loop_timer_init(&a.t, timer_fired, &a);
	loop_timer_init(&b.t, timer_fired, &b);
	loop_timer_init(&c.t, timer_fired, &c);
	loop_timer_set(l, &a.t, 300);
	loop_timer_set(l, &b.t, 100);
	loop_timer_set(l, &c.t, 200);
	loop_timer_cancel(l, &c.t);
	assert_false(c.t.armed);

	fake_now = 1099;
	assert_int_equal(loop_once(l, 0), 0);
	assert_int_equal(r.calls, 0);
	fake_now = 1500;
	assert_int_equal(loop_once(l, 0), 0);
	assert_int_equal(r.calls, 2);
	assert_memory_equal(r.order, "ba", 2);
	assert_false(a.t.armed);

	/* Re-arming to a later time moves the deadline. */
	loop_timer_set(l, &a.t, 10);
	loop_timer_set(l, &a.t, 50);
	fake_now = 1520;
	assert_int_equal(loop_once(l, 0), 0);
	assert_int_equal(r.calls, 2);
	fake_now = 1550;
	assert_int_equal(loop_once(l, 0), 0);
	assert_int_equal(r.calls, 3);

	loop_free(l);
	loop_clock = loop_clock_monotonic;
}

/*
 * A timer with slack rides along with a turn the loop makes anyway, up
 * to its slack before its deadline.  The slack is at most the delay.
 */
static void
test_timer_slack(void **state)
{
	struct loop	*l;
	struct rec	 r = { 0 };
	struct tctx	 a = { 0 }, b = { 0 };

	(void)state;
	fake_now = 1000;
	loop_clock = fake_clock;
	l = loop_new();
	a.l = b.l = l;
	a.r = b.r = &r;
	a.tag = 'a';
	b.tag = 'b';
	loop_timer_init(&a.t, timer_fired, &a);
	loop_timer_init(&b.t, timer_fired, &b);
	loop_timer_set_slack(l, &a.t, 1000, 400);
	loop_timer_set(l, &b.t, 700);
	fake_now = 1599;
	assert_int_equal(loop_once(l, 0), 0);
	assert_int_equal(r.calls, 0);
	fake_now = 1700;		/* b's turn: a rides along */
	assert_int_equal(loop_once(l, 0), 0);
	assert_int_equal(r.calls, 2);
	assert_memory_equal(r.order, "ba", 2);

	/* Any turn inside the window runs it. */
	loop_timer_set_slack(l, &a.t, 1000, 400);	/* due 2700 */
	fake_now = 2299;
	assert_int_equal(loop_once(l, 0), 0);
	assert_int_equal(r.calls, 2);
	assert_true(a.t.armed);
	fake_now = 2300;
	assert_int_equal(loop_once(l, 0), 0);
	assert_int_equal(r.calls, 3);

	loop_timer_set_slack(l, &a.t, 100, 5000);
	assert_int_equal(a.t.slack, 100);
	loop_timer_cancel(l, &a.t);
	loop_free(l);
	loop_clock = loop_clock_monotonic;
}

static void
test_timer_zero_rearm_waits_a_turn(void **state)
{
	struct loop	*l;
	struct rec	 r = { 0 };
	struct tctx	 a = { 0 };

	(void)state;
	fake_now = 5000;
	loop_clock = fake_clock;
	l = loop_new();
	a.l = l;
	a.r = &r;
	a.tag = 'a';
	a.rearm = 1000;
	loop_timer_init(&a.t, timer_fired, &a);
	loop_timer_set(l, &a.t, 0);
	assert_int_equal(loop_once(l, 0), 0);
	assert_int_equal(r.calls, 1);
	assert_int_equal(loop_once(l, 0), 0);
	assert_int_equal(r.calls, 2);
	loop_timer_cancel(l, &a.t);
	loop_free(l);
	loop_clock = loop_clock_monotonic;
}

/* The poll timeout follows the earliest timer (real clock). */
static void
test_timer_wakes_poll(void **state)
{
	struct loop	*l = loop_new();
	struct rec	 r = { 0 };
	struct tctx	 a = { 0 };
	uint64_t	 t0, dt;

	(void)state;
	a.l = l;
	a.r = &r;
	a.tag = 'a';
	loop_timer_init(&a.t, timer_fired, &a);
	loop_timer_set(l, &a.t, 50);
	t0 = loop_clock_monotonic();
	while (r.calls == 0)
		assert_int_equal(loop_once(l, -1), 0);
	dt = loop_clock_monotonic() - t0;
	assert_true(dt >= 50);
	assert_true(dt < 2000);
	loop_free(l);
}

struct cctx {
	pid_t	pid;
	int	status;
	int	calls;
};

static void
child_done(pid_t pid, int status, void *arg)
{
	struct cctx	*c = arg;

	c->pid = pid;
	c->status = status;
	c->calls++;
}

static void
test_child_reaped(void **state)
{
	struct loop	*l = loop_new();
	struct cctx	 c = { 0 }, other = { 0 };
	pid_t		 pid, pid2;
	int		 turns = 0;

	(void)state;
	if ((pid = fork()) == 0)
		_exit(7);
	assert_true(pid > 0);
	loop_child_watch(l, pid, child_done, &c);
	/* A forgotten child is reaped but its callback is not called. */
	if ((pid2 = fork()) == 0)
		_exit(0);
	loop_child_watch(l, pid2, child_done, &other);
	loop_child_forget(l, pid2);
	while (c.calls == 0 && turns++ < 100)
		assert_int_equal(loop_once(l, 100), 0);
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.pid, pid);
	assert_true(WIFEXITED(c.status));
	assert_int_equal(WEXITSTATUS(c.status), 7);
	turns = 0;
	while (waitpid(pid2, NULL, WNOHANG) != -1 && turns++ < 100)
		assert_int_equal(loop_once(l, 20), 0);
	assert_int_equal(errno, ECHILD);
	assert_int_equal(other.calls, 0);
	loop_free(l);
}

static void
sig_seen(int signo, void *arg)
{
	int	*seen = arg;

	*seen = signo;
}

static void
test_signal_flag(void **state)
{
	struct loop	*l = loop_new();
	sigset_t	 cur;
	int		 seen = 0;

	(void)state;
	loop_signal(l, SIGUSR1, sig_seen, &seen);
	/* Blocked outside ppoll(): raise() only marks it pending. */
	assert_int_equal(sigprocmask(SIG_BLOCK, NULL, &cur), 0);
	assert_true(sigismember(&cur, SIGUSR1));
	assert_int_equal(raise(SIGUSR1), 0);
	assert_int_equal(seen, 0);
	assert_int_equal(loop_once(l, 1000), 0);
	assert_int_equal(seen, SIGUSR1);
	loop_free(l);
	/* loop_free() restores the mask it found. */
	assert_int_equal(sigprocmask(SIG_BLOCK, NULL, &cur), 0);
	assert_false(sigismember(&cur, SIGUSR1));
}

static void
ignore_fd(int fd, short revents, void *arg)
{
	(void)fd;
	(void)revents;
	(*(int *)arg)++;
}

/*
 * An fd that is always ready must not starve signals: Linux returns
 * ready fds from ppoll() without delivering a signal that came in.
 */
static void
test_ready_fd_does_not_starve_signals(void **state)
{
	struct loop	*l = loop_new();
	struct cctx	 c = { 0 };
	int		 p[2], seen = 0, calls = 0, turns = 0;
	pid_t		 pid;
	uint64_t	 t0;

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(write(p[1], "x", 1), 1);	/* never read */
	loop_fd_add(l, p[0], POLLIN, ignore_fd, &calls);
	loop_signal(l, SIGUSR1, sig_seen, &seen);
	if ((pid = fork()) == 0) {
		(void)kill(getppid(), SIGUSR1);
		_exit(3);
	}
	assert_true(pid > 0);
	loop_child_watch(l, pid, child_done, &c);
	/* The fd keeps every turn short: bound the wait by time. */
	t0 = loop_clock_monotonic();
	while ((c.calls == 0 || seen == 0) &&
	    loop_clock_monotonic() - t0 < 10000) {
		assert_int_equal(loop_once(l, 100), 0);
		turns++;
	}
	assert_int_equal(c.calls, 1);
	assert_int_equal(WEXITSTATUS(c.status), 3);
	assert_int_equal(seen, SIGUSR1);
	assert_true(calls > 0);
	assert_true(turns > 0);
	close(p[0]);
	close(p[1]);
	loop_free(l);
}

static void
stop_now(void *arg)
{
	loop_break(arg);
}

static void
test_run_and_break(void **state)
{
	struct loop		*l = loop_new();
	struct loop_timer	 t;

	(void)state;
	loop_timer_init(&t, stop_now, l);
	loop_timer_set(l, &t, 1);
	assert_int_equal(loop_run(l), 0);
	assert_false(t.armed);
	loop_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fd_readable),
		cmocka_unit_test(test_fd_del_during_dispatch),
		cmocka_unit_test(test_timers_order_and_cancel),
		cmocka_unit_test(test_timer_slack),
		cmocka_unit_test(test_timer_zero_rearm_waits_a_turn),
		cmocka_unit_test(test_timer_wakes_poll),
		cmocka_unit_test(test_child_reaped),
		cmocka_unit_test(test_signal_flag),
		cmocka_unit_test(test_ready_fd_does_not_starve_signals),
		cmocka_unit_test(test_run_and_break),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
