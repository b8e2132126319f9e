/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The daemon's pid file: created, locked for the life of the process
 * (a second vpnd finds it locked and names the running pid), removed at
 * exit.
 */
#ifndef PPPSSH_PIDFILE_H
#define PPPSSH_PIDFILE_H

#include <sys/types.h>

struct pidfile;

/*
 * Create and lock path, write our pid.  Returns NULL and sets *cause
 * (caller frees) if it is locked by a running daemon or cannot be
 * written.
 */
struct pidfile	*pidfile_open(const char *path, char **cause);
/* Remove the file and release the lock; NULL is a no-op. */
void		 pidfile_remove(struct pidfile *);
/* Read the pid a locked pid file names; -1 if none runs. */
pid_t		 pidfile_running(const char *path);

#endif
