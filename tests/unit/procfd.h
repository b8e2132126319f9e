/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The open fds of the test process, as /proc lists them: for tests that
 * check a module gives back every fd it took.  Uses cmocka asserts.
 */
#ifndef PPPSSH_PROCFD_H
#define PPPSSH_PROCFD_H

/* How many fds this process has open (not counting the one used here). */
int	procfd_count(void);

#endif
