/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Checking that a path is beyond the reach of other users (see
 * safepath.h): each component from "/" down, with lstat() so that a
 * symbolic link's owner is seen, then stat() for what it names; then the
 * same along the resolved path.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "safepath.h"
#include "xmalloc.h"

static int	safepath_owner(const char *, const char *,
		    const struct stat *, uid_t, char **);
static int	safepath_one(const char *, uid_t, bool, bool, char **);
static int	safepath_walk(const char *, uid_t, int, char **);

/* Is st (of path, a "what") owned by root or uid? */
static int
safepath_owner(const char *what, const char *path, const struct stat *st,
    uid_t uid, char **cause)
{
	if (st->st_uid == 0 || st->st_uid == uid)
		return 0;
	if (uid == 0)
		xasprintf(cause, "%s %s is owned by uid %lu, not root "
		    "(chown root %s)", what, path, (unsigned long)st->st_uid,
		    path);
	else
		xasprintf(cause, "%s %s is owned by uid %lu, not root or uid "
		    "%lu (chown root %s)", what, path,
		    (unsigned long)st->st_uid, (unsigned long)uid, path);
	return -1;
}

/*
 * One component: a directory above the last one (above: a sticky one
 * may be writable by all), the last directory, or (dir false) the path
 * itself.
 */
static int
safepath_one(const char *path, uid_t uid, bool dir, bool above,
    char **cause)
{
	struct stat	 st;
	const char	*what = dir ? "directory" : "file";

	if (lstat(path, &st) == -1) {
		xasprintf(cause, "%s %s: %s", what, path, strerror(errno));
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		/* Whoever owns a link may point it elsewhere. */
		if (safepath_owner("symbolic link", path, &st, uid,
		    cause) == -1)
			return -1;
		if (stat(path, &st) == -1) {
			xasprintf(cause, "%s %s: %s", what, path,
			    strerror(errno));
			return -1;
		}
	}
	if (dir && !S_ISDIR(st.st_mode)) {
		xasprintf(cause, "%s: not a directory", path);
		return -1;
	}
	if (safepath_owner(what, path, &st, uid, cause) == -1)
		return -1;
	if ((st.st_mode & 022) == 0)
		return 0;
	/* In a sticky directory only an entry's owner may replace it. */
	if (dir && above && (st.st_mode & S_ISVTX))
		return 0;
	xasprintf(cause, "%s %s is writable by %s (mode %04o; chmod go-w %s)",
	    what, path, (st.st_mode & 002) ? "others" : "its group",
	    (unsigned)(st.st_mode & 07777), path);
	return -1;
}

/* Every component of abs, an absolute path, as safepath_check() says. */
static int
safepath_walk(const char *abs, uid_t uid, int flags, char **cause)
{
	char	*p, *dup, *last;
	int	 r = -1;

	dup = xstrdup(abs);
	/* "a//b" is "a/b", and trailing slashes name the same thing. */
	for (p = last = dup; *p != '\0'; p++)
		if (*p != '/' || last == dup || last[-1] != '/')
			*last++ = *p;
	*last = '\0';
	for (p = last - 1; p > dup && *p == '/'; p--)
		*p = '\0';
	last = strrchr(dup, '/');
	/* "/" itself: a path there has "/" as its last directory. */
	if (safepath_one("/", uid, true, last != dup, cause) == -1)
		goto out;
	for (p = dup + 1; (p = strchr(p, '/')) != NULL && p <= last; p++) {
		*p = '\0';
		if (safepath_one(dup, uid, true, p != last, cause) == -1)
			goto out;
		*p = '/';
	}
	if (!(flags & SAFEPATH_PARENTS) && strcmp(dup, "/") != 0 &&
	    safepath_one(dup, uid, false, false, cause) == -1)
		goto out;
	r = 0;
out:
	free(dup);
	return r;
}

int
safepath_check(const char *path, uid_t uid, int flags, char **cause)
{
	char	 cwd[PATH_MAX], *abs = NULL, *dir = NULL, *real = NULL;
	char	*slash;
	int	 r = -1;

	if (*path == '\0') {
		xasprintf(cause, "empty path");
		return -1;
	}
	if (*path == '/')
		abs = xstrdup(path);
	else {
		if (getcwd(cwd, sizeof(cwd)) == NULL) {
			xasprintf(cause, "%s: working directory: %s", path,
			    strerror(errno));
			return -1;
		}
		xasprintf(&abs, "%s/%s", cwd, path);
	}
	if (safepath_walk(abs, uid, flags, cause) == -1)
		goto out;

	/* The same along the resolved path, where its links lead. */
	if (flags & SAFEPATH_PARENTS) {
		/* The directory resolved, then the name in it. */
		dir = xstrdup(abs);
		slash = strrchr(dir, '/');
		*slash = '\0';
		if ((real = realpath(slash == dir ? "/" : dir, NULL)) == NULL) {
			xasprintf(cause, "directory %s: %s", dir,
			    strerror(errno));
			goto out;
		}
		free(dir);
		xasprintf(&dir, "%s/%s", strcmp(real, "/") == 0 ? "" : real,
		    strrchr(abs, '/') + 1);
		if (strcmp(dir, abs) != 0 &&
		    safepath_walk(dir, uid, flags, cause) == -1)
			goto out;
	} else {
		if ((real = realpath(abs, NULL)) == NULL) {
			xasprintf(cause, "%s: %s", abs, strerror(errno));
			goto out;
		}
		if (strcmp(real, abs) != 0 &&
		    safepath_walk(real, uid, 0, cause) == -1)
			goto out;
	}
	r = 0;
out:
	free(real);
	free(dir);
	free(abs);
	return r;
}
