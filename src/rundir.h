/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The directories vpnd's runtime files go in (its pid file, its control
 * socket).  A default build names /run, but -p, control-socket or
 * --runstatedir may name a directory nothing has created yet (or a tmpfs
 * emptied at boot): vpnd makes it, and every missing parent, itself,
 * rather than fail.  Nothing is owned here past the call.
 */
#ifndef PPPSSH_RUNDIR_H
#define PPPSSH_RUNDIR_H

#define RUNDIR_MODE	0755	/* the control group must reach the socket */

/*
 * Make the directory the file path is to go in, and each missing parent,
 * with mode RUNDIR_MODE whatever the umask, owned by the caller.
 * Directories that exist are left as they are (owner and mode).  Each
 * one made is logged.  Returns 0, or -1 with *cause (caller frees).
 */
int	rundir_make(const char *path, char **cause);

#endif
