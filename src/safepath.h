/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * May vpnd trust a path: is it, and is every directory above it, beyond
 * the reach of other users?  As OpenSSH's safe_path(): a file vpnd
 * runs, reads a key from or binds its control socket in is only as safe
 * as the directories that hold it, since whoever may write a directory
 * may replace what is in it.  Nothing is owned here past the call.
 */
#ifndef PPPSSH_SAFEPATH_H
#define PPPSSH_SAFEPATH_H

#include <sys/types.h>

/* Check only the directories above the path, not the path itself. */
#define SAFEPATH_PARENTS	0x1

/*
 * Is path safe for a process of uid: the path itself (unless flags has
 * SAFEPATH_PARENTS) and every directory from "/" down to the one that
 * holds it owned by root or by uid and writable by neither group nor
 * others, every symbolic link on the way owned by root or uid, both
 * along path as written and along the path its links resolve to.  A
 * directory writable by everybody but sticky (/tmp) is allowed above
 * the last one, since the entries in it can only be replaced by their
 * owners.  A relative path is taken from the working directory.
 * Returns 0, or -1 with *cause (caller frees) naming the component, its
 * owner or mode, and the command that fixes it; a component that cannot
 * be looked at is an error too.
 */
int	safepath_check(const char *path, uid_t uid, int flags, char **cause);

#endif
