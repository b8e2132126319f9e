/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for rundir: the directory of a runtime file and its missing
 * parents are made with mode 0755 under any umask; directories that
 * exist keep their mode; a component that is not a directory, or a
 * directory mkdir() refuses, is an error naming the path; a file
 * name without a directory needs nothing.  Each case works under its
 * own temporary directory.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rundir.h"
#include "xmalloc.h"

static char	tmpdir[] = "/tmp/test_rundir.XXXXXX";

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char	*cmd;
	int	 r;

	(void)state;
	xasprintf(&cmd, "rm -rf '%s'", tmpdir);
	r = system(cmd);
	free(cmd);
	return r == 0 ? 0 : -1;
}

/* The mode bits of path, or -1 if it is not a directory. */
static int
dir_mode(const char *path)
{
	struct stat	st;

	if (stat(path, &st) == -1 || !S_ISDIR(st.st_mode))
		return -1;
	return (int)(st.st_mode & 07777);
}

static void
test_makes_parents(void **state)
{
	char	 path[PATH_MAX], dir[PATH_MAX];
	char	*cause = NULL;
	mode_t	 old;

	(void)state;
	snprintf(path, sizeof(path), "%s/a/b//c/vpnd.pid", tmpdir);
	old = umask(077);
	assert_int_equal(rundir_make(path, &cause), 0);
	(void)umask(old);
	assert_null(cause);
	snprintf(dir, sizeof(dir), "%s/a", tmpdir);
	assert_int_equal(dir_mode(dir), 0755);
	snprintf(dir, sizeof(dir), "%s/a/b", tmpdir);
	assert_int_equal(dir_mode(dir), 0755);
	snprintf(dir, sizeof(dir), "%s/a/b/c", tmpdir);
	assert_int_equal(dir_mode(dir), 0755);
	/* Only directories: the file is its owner's to make. */
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(errno, ENOENT);

	/* Again: all there, nothing to do. */
	assert_int_equal(rundir_make(path, &cause), 0);
	assert_null(cause);
}

static void
test_keeps_existing(void **state)
{
	char	 dir[PATH_MAX], path[PATH_MAX];
	char	*cause = NULL;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/tight", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(chmod(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/tight/new/vpnd.sock", tmpdir);
	assert_int_equal(rundir_make(path, &cause), 0);
	assert_int_equal(dir_mode(dir), 0700);
	snprintf(dir, sizeof(dir), "%s/tight/new", tmpdir);
	assert_int_equal(dir_mode(dir), 0755);
}

static void
test_not_a_directory(void **state)
{
	char	 file[PATH_MAX], path[PATH_MAX], *want;
	char	*cause = NULL;
	int	 fd;

	(void)state;
	snprintf(file, sizeof(file), "%s/plain", tmpdir);
	assert_true((fd = open(file, O_WRONLY | O_CREAT, 0600)) != -1);
	close(fd);
	snprintf(path, sizeof(path), "%s/plain/sub/vpnd.pid", tmpdir);
	assert_int_equal(rundir_make(path, &cause), -1);
	xasprintf(&want, "runtime directory %s: exists and is not a "
	    "directory", file);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
}

/* mkdir() fails (a name past NAME_MAX): the error names the directory. */
static void
test_mkdir_fails(void **state)
{
	char	 dir[PATH_MAX], path[PATH_MAX], *want;
	char	*cause = NULL;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/long", tmpdir);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/long/%0300d/vpnd.pid", tmpdir, 0);
	assert_int_equal(rundir_make(path, &cause), -1);
	xasprintf(&want, "runtime directory %s/long/%0300d: File name too long",
	    tmpdir, 0);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
}

static void
test_bare_names(void **state)
{
	char	*cause = NULL;

	(void)state;
	assert_int_equal(rundir_make("vpnd.pid", &cause), 0);
	assert_int_equal(rundir_make("/vpnd.pid", &cause), 0);
	assert_null(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_makes_parents),
		cmocka_unit_test(test_keeps_existing),
		cmocka_unit_test(test_not_a_directory),
		cmocka_unit_test(test_mkdir_fails),
		cmocka_unit_test(test_bare_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
