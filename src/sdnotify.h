/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Talking to the service manager that started vpnd (systemd's
 * Type=notify): the datagram protocol of sd_notify(3), written here
 * rather than linked from libsystemd, which would make libsystemd-dev a
 * build dependency and libsystemd a run-time one of every build, on
 * sysvinit hosts too, for one sendto().  A struct sdnotify owns the
 * datagram socket, the manager's address from NOTIFY_SOCKET, the last
 * STATUS= sent and the watchdog timer, which sends WATCHDOG=1 from the
 * event loop every half WATCHDOG_USEC: a loop that hangs stops feeding
 * it, and the manager kills and restarts vpnd.
 *
 * Sending never blocks (a manager that does not read loses messages; the
 * first failure is logged, and the next one after a success) and never
 * raises SIGPIPE.  NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID are
 * removed from the environment, so that pppd and its scripts do not
 * speak for vpnd.
 */
#ifndef PPPSSH_SDNOTIFY_H
#define PPPSSH_SDNOTIFY_H

#define SDNOTIFY_STATUS_MAX	256	/* bytes of STATUS= text */

struct loop;
struct sdnotify;

/*
 * Read and clear the manager's environment.  NOTIFY_SOCKET unset: 0
 * with *snp NULL (every sdnotify_*() takes NULL and does nothing).
 * Set: 0 with *snp a new struct sdnotify, and with WATCHDOG_USEC set
 * (and WATCHDOG_PID unset or ours) the watchdog fed from loop.  A
 * NOTIFY_SOCKET or WATCHDOG_USEC that cannot be used: -1 with *cause
 * (caller frees) saying why.
 */
int	sdnotify_open(struct loop *, struct sdnotify **snp, char **cause);
/* Stop the watchdog, close the socket; NULL is a no-op. */
void	sdnotify_close(struct sdnotify *);

/* READY=1 with STATUS=status: vpnd serves from now on. */
void	sdnotify_ready(struct sdnotify *, const char *status);
/*
 * STATUS=status, unless that is what was sent last.  Control characters
 * become spaces (a newline would start another assignment) and the text
 * is cut to SDNOTIFY_STATUS_MAX bytes.
 */
void	sdnotify_status(struct sdnotify *, const char *status);
/* STOPPING=1 with STATUS=status: vpnd is taking its links down. */
void	sdnotify_stopping(struct sdnotify *, const char *status);

#endif
