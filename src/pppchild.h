/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The local pppd of a link as a supervised child: spawned on a fresh
 * pty by ppp_spawn(), its stderr logged line by line, its exit reported
 * once, and its end forced on request: SIGTERM, then SIGKILL if it does
 * not go, then, if even SIGKILL does not end it (stuck in the kernel),
 * abandoned to the loop, which reaps it whenever it dies.  A struct
 * pppchild owns the process (until it is reaped or abandoned), the read
 * end of its stderr pipe, the stderr lines and the kill timer; the pty
 * master goes to the caller, who joins it to the relay and closes it.
 */
#ifndef PPPSSH_PPPCHILD_H
#define PPPSSH_PPPCHILD_H

#include <sys/types.h>

#include <stdbool.h>

/* SIGTERM to SIGKILL, and SIGKILL to abandoning the process, in ms. */
#define PPPCHILD_KILL_WAIT	2000

struct loop;
struct ppp_params;
struct pppchild;

/*
 * pppd is gone, told once: it exited with status (as from waitpid()),
 * or (abandoned true, status 0) it outlived SIGKILL and was left to the
 * loop.  err is the first line it wrote on stderr so far, or "".  The
 * callback may free the child.
 */
typedef void	(*pppchild_cb)(int status, bool abandoned, const char *err,
		    void *arg);

/*
 * Spawn the local pppd for pp (ppp_spawn()) and watch it in the loop.
 * tag starts its log lines ("link office"): stderr lines are logged as
 * "TAG: pppd: LINE".  On success *master is the pty master, owned by the
 * caller (closing it hangs pppd up).  Returns NULL with *cause set
 * (caller frees) if pppd could not be started; nothing is left behind.
 */
struct pppchild	*pppchild_spawn(struct loop *, const struct ppp_params *pp,
		    const char *tag, pppchild_cb, void *arg, int *master,
		    char **cause);
/*
 * Have take(line, arg) see each line pppd writes on stderr before it is
 * logged (lines.h: true takes it, unlogged).
 */
void		 pppchild_take_lines(struct pppchild *,
		    bool (*take)(const char *, void *), void *arg);
/* Whether the process is still ours: neither reaped nor abandoned. */
bool		 pppchild_running(const struct pppchild *);
/* Whether its end was asked for: pppchild_term() or pppchild_kill(). */
bool		 pppchild_ending(const struct pppchild *);
pid_t		 pppchild_pid(const struct pppchild *);
/*
 * Ask it to end: SIGTERM now, SIGKILL PPPCHILD_KILL_WAIT later if it
 * is still there, abandoned as long after that.  Does nothing if it is
 * no longer running or its end was asked for already.
 */
void		 pppchild_term(struct pppchild *);
/*
 * Out of patience: SIGKILL now (unless sent already), abandoned
 * PPPCHILD_KILL_WAIT later if it is still there.  Does nothing if it
 * is no longer running.
 */
void		 pppchild_kill(struct pppchild *);
/*
 * Free at once: a process still running is forgotten by the loop and
 * sent SIGKILL (nobody waits for it), the stderr pipe is closed, the
 * callback is not called.  NULL is a no-op.
 */
void		 pppchild_free(struct pppchild *);

#endif
