/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for safepath: a file and the directories above it pass
 * when owned by root or the given uid and writable by nobody else; a
 * file or directory writable by its group or others, one owned by
 * another uid, a link owned by another uid, a link that leads into an
 * unsafe directory, each fails with a message naming the path and the
 * fix; a sticky world-writable directory (/tmp) passes above the last
 * directory, not as it.  Another owner is made with chown, as root:
 * not root, the other cases run and then the program exits 77 (SKIP),
 * so that the two it could not run are not counted as passed.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "safepath.h"
#include "xmalloc.h"

#define OTHER_UID	65534	/* nobody */

#define TMPDIR_TEMPLATE	"/tmp/test_safepath.XXXXXX"

static char	tmpdir[] = TMPDIR_TEMPLATE;

/* A new directory for each group (mkdtemp() fills in the template). */
static int
setup(void **state)
{
	(void)state;
	memcpy(tmpdir, TMPDIR_TEMPLATE, sizeof(tmpdir));
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

/* tmpdir/name with mode (a directory if dir), whatever the umask. */
static char *
make(const char *name, bool dir, mode_t mode)
{
	char	*path;
	int	 fd;

	xasprintf(&path, "%s/%s", tmpdir, name);
	if (dir)
		assert_int_equal(mkdir(path, 0700), 0);
	else {
		assert_true((fd = open(path, O_WRONLY | O_CREAT | O_EXCL,
		    0600)) != -1);
		close(fd);
	}
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

/*
 * Give path to somebody else (only root can: the tests of the as_root
 * group): the uid to check for, 0, and its new owner in *owner.
 */
static uid_t
give_away(const char *path, uid_t *owner)
{
	assert_int_equal(lchown(path, OTHER_UID, (gid_t)-1), 0);
	*owner = OTHER_UID;
	return 0;
}

static void
expect_fail(const char *path, uid_t uid, int flags, const char *want)
{
	char	*cause = NULL;

	assert_int_equal(safepath_check(path, uid, flags, &cause), -1);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(cause);
}

static void
expect_ok(const char *path, uid_t uid, int flags)
{
	char	*cause = NULL;

	if (safepath_check(path, uid, flags, &cause) == -1)
		fail_msg("%s: %s", path, cause);
	assert_null(cause);
}

/* mkdtemp's 0700 directory in sticky /tmp: safe, for us and for root. */
static void
test_safe(void **state)
{
	char	*f, *sock;

	(void)state;
	f = make("key", false, 0600);
	expect_ok(f, geteuid(), 0);
	assert_int_equal(chmod(f, 0755), 0);
	expect_ok(f, geteuid(), 0);
	/* A socket not made yet: only its directories. */
	xasprintf(&sock, "%s/vpnd.sock", tmpdir);
	expect_ok(sock, geteuid(), SAFEPATH_PARENTS);
	free(sock);
	xasprintf(&sock, "%s//./vpnd.sock", tmpdir);
	expect_ok(sock, geteuid(), SAFEPATH_PARENTS);
	free(sock);
	free(f);
}

static void
test_writable_file(void **state)
{
	char	*f, *want;

	(void)state;
	f = make("gw", false, 0620);
	xasprintf(&want, "file %s is writable by its group (mode 0620; "
	    "chmod go-w %s)", f, f);
	expect_fail(f, geteuid(), 0, want);
	free(want);
	assert_int_equal(chmod(f, 0602), 0);
	xasprintf(&want, "file %s is writable by others (mode 0602; "
	    "chmod go-w %s)", f, f);
	expect_fail(f, geteuid(), 0, want);
	free(want);
	/* Not looked at with SAFEPATH_PARENTS. */
	expect_ok(f, geteuid(), SAFEPATH_PARENTS);
	free(f);
}

static void
test_writable_dir(void **state)
{
	char	*d, *f, *want;

	(void)state;
	d = make("open", true, 0777);
	xasprintf(&f, "%s/pppd", d);
	xasprintf(&want, "directory %s is writable by others (mode 0777; "
	    "chmod go-w %s)", d, d);
	expect_fail(f, geteuid(), SAFEPATH_PARENTS, want);
	free(want);
	/* Sticky, as the last directory: still not. */
	assert_int_equal(chmod(d, 01777), 0);
	xasprintf(&want, "directory %s is writable by others (mode 1777; "
	    "chmod go-w %s)", d, d);
	expect_fail(f, geteuid(), SAFEPATH_PARENTS, want);
	free(want);
	free(f);
	/* Sticky, above it: as /tmp. */
	free(make("open/sub", true, 0755));
	xasprintf(&f, "%s/sub/pppd", d);
	expect_ok(f, geteuid(), SAFEPATH_PARENTS);
	free(f);
	/* Group-writable, above it, not sticky. */
	assert_int_equal(chmod(d, 0775), 0);
	xasprintf(&f, "%s/sub/pppd", d);
	xasprintf(&want, "directory %s is writable by its group (mode 0775; "
	    "chmod go-w %s)", d, d);
	expect_fail(f, geteuid(), SAFEPATH_PARENTS, want);
	free(want);
	free(f);
	free(d);
}

static void
test_owner(void **state)
{
	char	*d, *f, *want;
	uid_t	 uid, owner;

	(void)state;
	f = make("theirs", false, 0755);
	uid = give_away(f, &owner);
	xasprintf(&want, "file %s is owned by uid %lu, not root (chown root "
	    "%s)", f, (unsigned long)owner, f);
	expect_fail(f, uid, 0, want);
	free(want);
	free(f);

	d = make("theirdir", true, 0755);
	f = make("theirdir/pppd", false, 0755);
	uid = give_away(d, &owner);
	xasprintf(&want, "directory %s is owned by uid %lu, not root "
	    "(chown root %s)", d, (unsigned long)owner, d);
	expect_fail(f, uid, 0, want);
	free(want);
	free(f);
	free(d);
}

static void
test_link_owner(void **state)
{
	char	*f, *l, *want;
	uid_t	 uid, owner;

	(void)state;
	/* Ours, to a safe file: fine. */
	f = make("real", false, 0700);
	xasprintf(&l, "%s/link", tmpdir);
	assert_int_equal(symlink(f, l), 0);
	expect_ok(l, geteuid(), 0);
	/* Somebody else's link: they may point it elsewhere. */
	uid = give_away(l, &owner);
	xasprintf(&want, "symbolic link %s is owned by uid %lu, not root "
	    "(chown root %s)", l, (unsigned long)owner, l);
	expect_fail(l, uid, 0, want);
	free(want);
	free(l);
	free(f);
}

/* Ours, into a directory others may write: where it leads counts. */
static void
test_link_target(void **state)
{
	char	*d, *f, *l, *want;

	(void)state;
	d = make("wild", true, 0757);
	f = make("wild/pppd", false, 0755);
	xasprintf(&l, "%s/tame", tmpdir);
	assert_int_equal(symlink(d, l), 0);
	free(f);
	xasprintf(&f, "%s/pppd", l);
	xasprintf(&want, "directory %s is writable by others (mode 0757; "
	    "chmod go-w %s)", l, l);
	expect_fail(f, geteuid(), 0, want);
	expect_fail(f, geteuid(), SAFEPATH_PARENTS, want);
	free(want);
	free(f);
	free(l);
	free(d);
}

static void
test_missing_and_relative(void **state)
{
	char	*f, *want, cwd[PATH_MAX];

	(void)state;
	xasprintf(&f, "%s/absent", tmpdir);
	xasprintf(&want, "file %s: No such file or directory", f);
	expect_fail(f, geteuid(), 0, want);
	free(want);
	free(f);
	xasprintf(&f, "%s/absent/vpnd.sock", tmpdir);
	xasprintf(&want, "directory %s/absent: No such file or directory",
	    tmpdir);
	expect_fail(f, geteuid(), SAFEPATH_PARENTS, want);
	free(want);
	free(f);

	f = make("here", false, 0600);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(tmpdir), 0);
	expect_ok("here", geteuid(), 0);
	assert_int_equal(chmod(f, 0660), 0);
	free(f);
	xasprintf(&f, "%s/here", tmpdir);
	xasprintf(&want, "file %s is writable by its group (mode 0660; "
	    "chmod go-w %s)", f, f);
	expect_fail("here", geteuid(), 0, want);
	assert_int_equal(chdir(cwd), 0);
	free(want);
	free(f);
}

int
main(void)
{
	const struct CMUnitTest anyone[] = {
		cmocka_unit_test(test_safe),
		cmocka_unit_test(test_writable_file),
		cmocka_unit_test(test_writable_dir),
		cmocka_unit_test(test_link_target),
		cmocka_unit_test(test_missing_and_relative),
	};
	const struct CMUnitTest as_root[] = {
		cmocka_unit_test(test_owner),
		cmocka_unit_test(test_link_owner),
	};
	int	rc;

	if ((rc = cmocka_run_group_tests(anyone, setup, teardown)) != 0)
		return rc;
	if (geteuid() != 0) {
		fprintf(stderr, "SKIP: test_owner and test_link_owner give a "
		    "file to another user with lchown(), which needs root\n");
		return 77;
	}
	return cmocka_run_group_tests(as_root, setup, teardown);
}
