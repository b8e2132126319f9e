/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * A route job: one shell command run at the far end on a second channel
 * of a live SSH session (the remote route command), its stderr logged
 * line by line and its stdout thrown away, its stdin given a text when
 * the caller says, tried again after a delay
 * while it exits non-zero, up to a number of tries.  A struct routejob
 * owns its channel, its retry timer and its copy of the command; the
 * session is the caller's and must outlive the job.  The job knows
 * nothing of links: the caller builds the command, pumps the job
 * whenever the session is ready, and is told once when it is over.
 */
#ifndef PPPSSH_ROUTEJOB_H
#define PPPSSH_ROUTEJOB_H

#include <stdbool.h>

struct loop;
struct routejob;
struct ssh;

/*
 * The job is over: status is the command's exit status on the last try
 * (0-255; -1 when it was killed by a signal or no status came), err the
 * first line it wrote on stderr in that try ("" if none).  err lives
 * until the callback returns.  Called from inside routejob_pump(), which
 * touches the job no more afterwards: the callback may free it.
 */
typedef void	(*routejob_done_cb)(int status, const char *err, void *arg);
/*
 * A retry has opened a new channel: pump the job (routejob_pump()) as
 * after any readiness of the session.  Called from a loop timer.
 */
typedef void	(*routejob_wake_cb)(void *arg);

/*
 * A job that will run cmd on ssh, at most tries times (>= 1), retry_ms
 * apart.  tag starts its log lines ("link office"): stderr lines are
 * logged as "TAG: remote: LINE".  The command is copied.  Nothing is
 * sent before the first routejob_pump().
 */
struct routejob	*routejob_new(struct loop *, struct ssh *, const char *cmd,
		    const char *tag, int tries, int retry_ms,
		    routejob_done_cb, routejob_wake_cb, void *arg);
/*
 * Text for the command's stdin (copied), written as soon as the channel
 * of the try under way is open, and to every later try's.  Once a job;
 * the command decides what to do with it (nothing is written unless
 * this is called).
 */
void		 routejob_input(struct routejob *, const char *text);
/*
 * Advance the job as far as it goes without waiting: open the channel,
 * read what it wrote, close it once the command ended and collect its
 * status, then retry (later) or call done.  Returns SSH_OK (nothing
 * more to do until the session is ready again, or a retry is due, or
 * done was called), SSH_AGAIN (a step waits on the socket: poll for
 * ssh_poll_events()) or SSH_ERR with *cause set (caller frees; the
 * session's ssh_fail_class() says what kind of failure).  Pumping a job
 * that waits for a retry does nothing.
 */
int		 routejob_pump(struct routejob *, char **cause);
/* Whether a try is under way (its channel is open or opening). */
bool		 routejob_running(const struct routejob *);
/* Whether libssh2 holds data of the running try that no poll() shows. */
bool		 routejob_pending(const struct routejob *);
/* The first stderr line of the latest try, or "". */
const char	*routejob_error(const struct routejob *);
/*
 * Cancel and free: the channel is dropped without closing (see
 * ssh_chan_free()), a pending retry is cancelled, nothing is called
 * back.  NULL is a no-op.
 */
void		 routejob_free(struct routejob *);

#endif
