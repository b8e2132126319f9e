/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Going into the background with a readiness handshake: the process that
 * started the daemon waits until the daemon says it is ready, so its exit
 * status says whether the daemon runs (for an init script, or systemd's
 * Type=forking) and the pid file exists by the time it returns.
 */
#ifndef PPPSSH_DETACH_H
#define PPPSSH_DETACH_H

/*
 * Fork.  The parent never returns: it waits until the child calls
 * detach_ready() and exits 0, or, if the child exits first, says so
 * with log_warnx() (still on stderr there) and exits with the child's
 * status (1 if that was 0, 128 + the signal if it was killed).  The child returns 0 in a new session, with its working
 * directory at / and stdin, stdout and stderr on /dev/null, and puts in
 * *readyfd the descriptor (close-on-exec) to hand to detach_ready().
 * Returns -1 and sets *cause (caller frees) if nothing was forked.
 */
int	detach_start(int *readyfd, char **cause);
/*
 * In the child: tell the waiting parent the daemon is ready, and close
 * readyfd.  -1 is a no-op (the daemon was not detached).
 */
void	detach_ready(int readyfd);

#endif
