/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The one event loop: ppoll() over registered fds, monotonic timers owned
 * by their callers, child reaping and signal flags.  Nothing in vpnd
 * blocks; everything that waits waits here.
 */
#ifndef PPPSSH_LOOP_H
#define PPPSSH_LOOP_H

#include <sys/types.h>

#include <stdbool.h>
#include <stdint.h>

struct loop;

typedef void	(*loop_fd_cb)(int fd, short revents, void *arg);
typedef void	(*loop_timer_cb)(void *arg);
typedef void	(*loop_child_cb)(pid_t pid, int status, void *arg);
typedef void	(*loop_signal_cb)(int signo, void *arg);

/*
 * A timer is embedded in its owner's struct and armed with
 * loop_timer_set(); the loop only holds a pointer while it is armed.
 * The owner must loop_timer_cancel() it before freeing it.
 */
struct loop_timer {
	uint64_t	 deadline;	/* monotonic ms */
	uint64_t	 slack;		/* may fire this much earlier, ms */
	loop_timer_cb	 cb;
	void		*arg;
	uint64_t	 gen;		/* loop turn that armed it */
	bool		 armed;
};

/* The monotonic clock in ms; tests may replace it. */
extern uint64_t	(*loop_clock)(void);
uint64_t	loop_clock_monotonic(void);

struct loop	*loop_new(void);
/* Frees the loop; registered fds are not closed (their owners do that). */
void		 loop_free(struct loop *);

/* Current time in ms as seen by this turn of the loop. */
uint64_t	 loop_now(struct loop *);
/*
 * The clock as the latest turn of any loop read it, without reading it
 * again: for stamps taken per packet (0 before the first loop).
 */
uint64_t	 loop_clock_recent(void);

/*
 * Watch fd for events (POLLIN, POLLOUT); cb gets the revents.  An fd
 * is registered once; loop_fd_add() of a registered fd is a bug.
 */
void		 loop_fd_add(struct loop *, int fd, short events, loop_fd_cb,
		    void *arg);
/* Change the events watched on a registered fd (0 = none for now). */
void		 loop_fd_events(struct loop *, int fd, short events);
/* Stop watching fd; safe from inside any callback. */
void		 loop_fd_del(struct loop *, int fd);

void		 loop_timer_init(struct loop_timer *, loop_timer_cb, void *);
/* (Re)arm t to fire after ms milliseconds. */
void		 loop_timer_set(struct loop *, struct loop_timer *, uint64_t ms);
/*
 * (Re)arm t to fire after ms milliseconds, or up to slack_ms earlier in
 * a turn the loop makes anyway (an fd, another timer): timers that need
 * not be exact ride along instead of waking an idle daemon each.
 */
void		 loop_timer_set_slack(struct loop *, struct loop_timer *,
		    uint64_t ms, uint64_t slack_ms);
void		 loop_timer_cancel(struct loop *, struct loop_timer *);

/* Call cb once when child pid exits; the loop reaps it. */
void		 loop_child_watch(struct loop *, pid_t pid, loop_child_cb,
		    void *arg);
/* Forget pid (its exit will still be reaped, silently). */
void		 loop_child_forget(struct loop *, pid_t pid);

/*
 * Handle signo in the loop: the signal is blocked except inside ppoll(),
 * its handler only sets a flag, and cb runs from the loop.  SIGCHLD is
 * handled by the loop itself.
 */
void		 loop_signal(struct loop *, int signo, loop_signal_cb, void *arg);

/*
 * Run one turn: wait at most max_ms (-1: until the next timer or
 * event), dispatch fds, timers, children and signals.  Returns -1 with
 * errno set if ppoll() failed for a reason other than EINTR.
 */
int		 loop_once(struct loop *, int max_ms);
/* Run turns until loop_break(). */
int		 loop_run(struct loop *);
void		 loop_break(struct loop *);

#endif
