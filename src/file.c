/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Reading a small file whole (see file.h).  The buffer is allocated
 * once, max + 1 bytes, and never moved, so no copy of a secret is left
 * behind in freed memory; the extra byte tells a file that grew past
 * the limit after the fstat from one that fits.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "xmalloc.h"

int
file_read(const char *path, size_t max, file_check_cb check, char **bufp,
    size_t *lenp, char **cause)
{
	struct stat	 st;
	char		*buf = NULL;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd, r = -1;

	*bufp = NULL;
	*lenp = 0;
	/* O_NONBLOCK: a FIFO must not hang us; regular files ignore it. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		xasprintf(cause, "%s: fstat: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		xasprintf(cause, "%s: not a regular file", path);
		goto out;
	}
	if (check != NULL && check(path, &st, cause) == -1)
		goto out;
	if (st.st_size < 0 || (size_t)st.st_size > max)
		goto too_large;
	buf = xmalloc(max + 1);
	for (;;) {
		n = read(fd, buf + len, max + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			xasprintf(cause, "%s: read: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max)
			goto too_large;
	}
	buf[len] = '\0';
	r = 0;
	goto out;

too_large:
	xasprintf(cause, "%s: larger than the %zu byte limit, refusing", path,
	    max);
out:
	if (close(fd) == -1 && r == 0) {
		xasprintf(cause, "%s: close: %s", path, strerror(errno));
		r = -1;
	}
	if (r == -1) {
		if (buf != NULL)
			explicit_bzero(buf, len);
		free(buf);
		return -1;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}
