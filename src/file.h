/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Reading a small file whole: the configuration, a credentials file, a
 * key.  One open, one fstat, reads up to a size limit, one close; the
 * caller's check sees the status of the file actually opened, so a
 * rename between a check and the read cannot swap the file.
 */
#ifndef PPPSSH_FILE_H
#define PPPSSH_FILE_H

#include <sys/types.h>
#include <sys/stat.h>

#include <stddef.h>

/*
 * A caller's check of the opened file (mode, owner) before it is read:
 * 0 to go on, or -1 with *cause (the callee allocates) to refuse.
 */
typedef int	(*file_check_cb)(const char *path, const struct stat *,
		    char **cause);

/*
 * Read the regular file at path whole into *bufp (NUL-terminated,
 * caller frees) and its length into *lenp.  check, if not NULL, runs
 * after the open and before the read.  Returns 0, or -1 with *cause
 * (caller frees) and *bufp NULL: the file cannot be opened or read, is
 * not a regular file (a FIFO does not block us), check refused it, or it
 * holds more than max bytes.  On error what was read is wiped before it
 * is freed; on success wiping a secret is the caller's job.
 */
int	file_read(const char *path, size_t max, file_check_cb check,
	    char **bufp, size_t *lenp, char **cause);

#endif
