/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Pid file ownership: one struct, one fd holding an flock() for as long
 * as the daemon lives.  The lock, not the file's presence, says whether
 * a daemon runs, so a stale file left by a crash is simply reused.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pidfile.h"
#include "xmalloc.h"

struct pidfile {
	char	*path;
	int	 fd;
};

static pid_t
pidfile_read(int fd)
{
	char	buf[32];
	ssize_t	n;
	long	pid;
	char	*end;

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	errno = 0;
	pid = strtol(buf, &end, 10);
	if (errno != 0 || end == buf || pid <= 0)
		return -1;
	return (pid_t)pid;
}

struct pidfile *
pidfile_open(const char *path, char **cause)
{
	struct pidfile	*pf;
	char		 buf[32];
	int		 fd, len;
	pid_t		 other;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd == -1) {
		xasprintf(cause, "pid file %s: %s", path, strerror(errno));
		return NULL;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK) {
			other = pidfile_read(fd);
			if (other > 0)
				xasprintf(cause, "pid file %s: vpnd already "
				    "running as pid %ld", path, (long)other);
			else
				xasprintf(cause, "pid file %s: locked by "
				    "another vpnd", path);
		} else
			xasprintf(cause, "pid file %s: lock: %s", path,
			    strerror(errno));
		close(fd);
		return NULL;
	}
	len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 || pwrite(fd, buf, (size_t)len, 0) != len) {
		xasprintf(cause, "pid file %s: write: %s", path,
		    strerror(errno));
		close(fd);
		return NULL;
	}
	pf = xcalloc(1, sizeof(*pf));
	pf->path = xstrdup(path);
	pf->fd = fd;
	return pf;
}

void
pidfile_remove(struct pidfile *pf)
{
	if (pf == NULL)
		return;
	(void)unlink(pf->path);	/* gone already is fine */
	close(pf->fd);
	free(pf->path);
	free(pf);
}

pid_t
pidfile_running(const char *path)
{
	pid_t	pid = -1;
	int	fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return -1;
	if (flock(fd, LOCK_SH | LOCK_NB) == -1 && errno == EWOULDBLOCK)
		pid = pidfile_read(fd);
	close(fd);
	return pid;
}
