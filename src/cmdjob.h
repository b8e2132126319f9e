/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * A command job: one local program run as a child of vpnd, without a
 * shell (resolvectl, resolvconf): its stdin a few bytes given up front
 * (or empty), its stdout thrown away, its stderr logged line by line,
 * its end told once.  A struct cmdjob owns the process until it is
 * reaped (or let go by cmdjob_free()), its stderr pipe and its lines.
 * Nothing blocks: the input is written into the pipe before the fork.
 */
#ifndef PPPSSH_CMDJOB_H
#define PPPSSH_CMDJOB_H

/* Most input a job takes: what a pipe holds without a reader. */
#define CMDJOB_INPUT_MAX	4096

struct cmdjob;
struct loop;

/*
 * The program ended: status is its exit status (0-255), or -1 if a
 * signal killed it; err is the first line it wrote on stderr, or ""
 * (an exec failure reads "exec PATH: REASON", status 127).  err lives
 * in the job: until the callback returns or frees the job, which it may.
 */
typedef void	(*cmdjob_cb)(int status, const char *err, void *arg);

/*
 * Run argv (argv[0] an absolute path) with input (NULL: none; at most
 * CMDJOB_INPUT_MAX bytes) on its stdin.  tag starts its log lines
 * ("link office: resolvectl").  Returns the job, or NULL with *cause
 * set (caller frees) if no process could be started.
 */
struct cmdjob	*cmdjob_start(struct loop *, char *const *argv,
		    const char *input, const char *tag, cmdjob_cb, void *arg,
		    char **cause);
/*
 * Free the job; a process still running is let run to its end (the
 * loop reaps it) and nothing is called back.  NULL is a no-op.
 */
void		 cmdjob_free(struct cmdjob *);

#endif
