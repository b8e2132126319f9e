/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Making the directory of a runtime file (see rundir.h): one component
 * at a time from the top, so that a parent made here gets the same mode
 * as the directory itself.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rundir.h"
#include "xmalloc.h"

static int	rundir_one(const char *, char **);

/* Make dir unless it is there; it must be a directory. */
static int
rundir_one(const char *dir, char **cause)
{
	struct stat	st;

	if (mkdir(dir, RUNDIR_MODE) == 0) {
		/* mkdir() applied the umask: the mode is ours to say. */
		if (chmod(dir, RUNDIR_MODE) == -1) {
			xasprintf(cause, "runtime directory %s: chmod: %s",
			    dir, strerror(errno));
			return -1;
		}
		log_info("created runtime directory %s", dir);
		return 0;
	}
	if (errno != EEXIST) {
		xasprintf(cause, "runtime directory %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	if (stat(dir, &st) == -1) {
		xasprintf(cause, "runtime directory %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		xasprintf(cause, "runtime directory %s: exists and is not a "
		    "directory", dir);
		return -1;
	}
	return 0;
}

int
rundir_make(const char *path, char **cause)
{
	char	*dir, *slash, *p;
	int	 r = -1;

	dir = xstrdup(path);
	/* The file's own name goes; a path without a slash is in ".". */
	if ((slash = strrchr(dir, '/')) == NULL) {
		r = 0;
		goto out;
	}
	*slash = '\0';
	/* Each parent, from the top; "/" and "//" need nothing. */
	for (p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (p[-1] != '/' && rundir_one(dir, cause) == -1)
			goto out;
		*p = '/';
	}
	if (*dir != '\0' && rundir_one(dir, cause) == -1)
		goto out;
	r = 0;
out:
	free(dir);
	return r;
}
