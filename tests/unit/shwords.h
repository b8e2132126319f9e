/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * What a POSIX shell makes of a command line, for the tests of our
 * quoting and of the command lines sent to the far end: run it with
 * /bin/sh and collect the words it printed, and a canary file that
 * any command smuggled into a word would create.  Uses cmocka asserts.
 */
#ifndef PPPSSH_SHWORDS_H
#define PPPSSH_SHWORDS_H

#include <stddef.h>

/* The canary's path, valid between the setup and the teardown. */
extern char	shwords_canary[];

/*
 * Run the printf-formatted command with /bin/sh -c: it must exit 0 and
 * print words each followed by a NUL (as "printf '%s\0' ..." does).
 * Returns how many; *out is the words, NULL-terminated (argv_free()).
 */
size_t	shwords(char ***out, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* cmocka setup and teardown: a new directory for the canary, removed. */
int	shwords_setup(void **state);
int	shwords_teardown(void **state);

#endif
