/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The metrics-file's periodic, atomic rewrite (see metricsfile.h).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "loop.h"
#include "metricsfile.h"
#include "xmalloc.h"

struct metricsfile {
	struct loop		*loop;
	char			*path;
	char			*tmpl;		/* DIR/.NAME.XXXXXX */
	int			 interval;	/* seconds */
	metricsfile_fill_cb	 fill;
	void			*arg;
	struct loop_timer	 timer;
	char			*error;		/* the last one logged; NULL */
};

static void	metricsfile_fired(void *);

struct metricsfile *
metricsfile_new(struct loop *loop, const char *path, int interval,
    metricsfile_fill_cb fill, void *arg)
{
	struct metricsfile	*mf;
	const char		*slash = strrchr(path, '/');

	if (slash == NULL || interval < 1)
		fatalx("metricsfile_new: bad path %s or interval %d", path,
		    interval);
	mf = xcalloc(1, sizeof(*mf));
	mf->loop = loop;
	mf->path = xstrdup(path);
	xasprintf(&mf->tmpl, "%.*s/.%s.XXXXXX", (int)(slash - path), path,
	    slash + 1);
	mf->interval = interval;
	mf->fill = fill;
	mf->arg = arg;
	loop_timer_init(&mf->timer, metricsfile_fired, mf);
	loop_timer_set(loop, &mf->timer, 0);
	return mf;
}

int
metricsfile_write(struct metricsfile *mf, char **cause)
{
	struct buf	 b = { NULL, 0, 0 };
	char		*tmp = xstrdup(mf->tmpl);
	size_t		 off = 0;
	ssize_t		 n;
	int		 fd, r = -1;

	mf->fill(&b, mf->arg);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		xasprintf(cause, "metrics-file %s: create %s: %s", mf->path,
		    tmp, strerror(errno));
		goto out;
	}
	while (off < b.len) {
		if ((n = write(fd, b.s + off, b.len - off)) == -1) {
			if (errno == EINTR)
				continue;
			xasprintf(cause, "metrics-file %s: write %s: %s",
			    mf->path, tmp, strerror(errno));
			goto fail;
		}
		off += (size_t)n;
	}
	if (fchmod(fd, 0644) == -1) {
		xasprintf(cause, "metrics-file %s: chmod %s: %s", mf->path,
		    tmp, strerror(errno));
		goto fail;
	}
	if (close(fd) == -1) {
		fd = -1;
		xasprintf(cause, "metrics-file %s: close %s: %s", mf->path,
		    tmp, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, mf->path) == -1) {
		xasprintf(cause, "metrics-file %s: rename %s to it: %s",
		    mf->path, tmp, strerror(errno));
		goto fail;
	}
	r = 0;
	goto out;
fail:
	if (fd != -1)
		(void)close(fd);	/* failed already: the first error */
	if (unlink(tmp) == -1)
		log_debug("metrics-file: unlink %s: %s", tmp,
		    strerror(errno));
out:
	free(tmp);
	buf_free(&b);
	return r;
}

static void
metricsfile_fired(void *arg)
{
	struct metricsfile	*mf = arg;
	char			*cause = NULL;

	if (metricsfile_write(mf, &cause) == -1) {
		if (mf->error == NULL || strcmp(mf->error, cause) != 0)
			log_warnx("%s", cause);
		free(mf->error);
		mf->error = cause;
	} else if (mf->error != NULL) {
		log_info("metrics-file %s: written again", mf->path);
		free(mf->error);
		mf->error = NULL;
	}
	loop_timer_set(mf->loop, &mf->timer, (uint64_t)mf->interval * 1000);
}

void
metricsfile_free(struct metricsfile *mf)
{
	if (mf == NULL)
		return;
	loop_timer_cancel(mf->loop, &mf->timer);
	if (unlink(mf->path) == -1 && errno != ENOENT)
		log_warn("metrics-file: unlink %s", mf->path);
	free(mf->error);
	free(mf->tmpl);
	free(mf->path);
	free(mf);
}
