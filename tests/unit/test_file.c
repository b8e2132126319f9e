/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for file_read(): the empty file, a file at the limit and
 * one byte over, a /proc file (its size says 0), what is not a regular
 * file (a directory, a FIFO with no writer, which must not block us),
 * a missing file, and the caller's check: it sees the opened file, its
 * refusal is the error, and it runs before the size limit.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "file.h"
#include "xmalloc.h"

static char	dir[] = "/tmp/test_file.XXXXXX";

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	return rmdir(dir);
}

/* A file of n bytes 'a'..'z' in dir (caller frees the path). */
static char *
make_file(const char *name, size_t n)
{
	char	*path, *text;
	size_t	 i;
	int	 fd;

	xasprintf(&path, "%s/%s", dir, name);
	text = xmalloc(n + 1);
	for (i = 0; i < n; i++)
		text[i] = (char)('a' + i % 26);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_int_not_equal(fd, -1);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	assert_int_equal(close(fd), 0);
	free(text);
	return path;
}

/* file_read() fails with a cause ending in want. */
static void
assert_refused(const char *path, size_t max, file_check_cb check,
    const char *want)
{
	char	*buf = (char *)1, *cause = NULL;
	size_t	 len = 99;
	size_t	 cl, wl = strlen(want);

	if (file_read(path, max, check, &buf, &len, &cause) != -1)
		fail_msg("%s: read", path);
	assert_null(buf);
	assert_int_equal(len, 0);
	assert_non_null(cause);
	cl = strlen(cause);
	if (cl < wl || strcmp(cause + cl - wl, want) != 0)
		fail_msg("'%s' does not end in '%s'", cause, want);
	free(cause);
}

static void
test_sizes(void **state)
{
	static const struct {
		size_t	size;
		size_t	max;
	} t[] = {
		{ 0, 0 },
		{ 0, 16 },
		{ 1, 1 },
		{ 15, 16 },
		{ 16, 16 },
		{ 4096, 4096 },
		{ 70000, 70000 },	/* more than one read() */
	};
	char	*path, *buf, *cause = NULL;
	size_t	 i, j, len;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		path = make_file("f", t[i].size);
		if (file_read(path, t[i].max, NULL, &buf, &len, &cause) != 0)
			fail_msg("%zu of %zu bytes: %s", t[i].size, t[i].max,
			    cause);
		assert_int_equal(len, t[i].size);
		for (j = 0; j < len; j++)
			assert_int_equal(buf[j], 'a' + j % 26);
		assert_int_equal(buf[len], '\0');
		free(buf);

		/* One byte over the limit. */
		if (t[i].size > 0) {
			xasprintf(&cause, ": larger than the %zu byte limit, "
			    "refusing", t[i].size - 1);
			assert_refused(path, t[i].size - 1, NULL, cause);
			free(cause);
			cause = NULL;
		}
		assert_int_equal(unlink(path), 0);
		free(path);
	}
}

/* /proc files say size 0: the limit holds while reading. */
static void
test_proc(void **state)
{
	char	*buf, *cause = NULL;
	size_t	 len;

	(void)state;
	assert_int_equal(file_read("/proc/self/status", 65536, NULL, &buf,
	    &len, &cause), 0);
	assert_true(len > 0);
	assert_int_equal(strlen(buf), len);
	assert_non_null(strstr(buf, "Pid:"));
	free(buf);
	assert_refused("/proc/self/status", 8, NULL,
	    ": larger than the 8 byte limit, refusing");
}

static void
test_not_regular(void **state)
{
	char	*path;

	(void)state;
	assert_refused(dir, 100, NULL, ": not a regular file");
	xasprintf(&path, "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_refused(path, 100, NULL, ": not a regular file");
	assert_int_equal(unlink(path), 0);
	free(path);
	assert_refused("/dev/null", 100, NULL, ": not a regular file");
}

static void
test_missing(void **state)
{
	char	*path, *want;

	(void)state;
	xasprintf(&path, "%s/none", dir);
	xasprintf(&want, "%s: %s", path, strerror(ENOENT));
	assert_refused(path, 100, NULL, want);
	free(want);
	free(path);
}

static int	check_calls;
static mode_t	check_mode;

static int
check_mode_0600(const char *path, const struct stat *st, char **cause)
{
	check_calls++;
	check_mode = st->st_mode & 07777;
	if (check_mode != 0600) {
		xasprintf(cause, "%s: mode %04o", path, (unsigned)check_mode);
		return -1;
	}
	return 0;
}

static void
test_check(void **state)
{
	char	*path, *buf, *cause = NULL;
	size_t	 len;

	(void)state;
	path = make_file("c", 10);
	check_calls = 0;
	assert_int_equal(file_read(path, 10, check_mode_0600, &buf, &len,
	    &cause), 0);
	assert_int_equal(check_calls, 1);
	assert_int_equal(len, 10);
	free(buf);

	/* Refused: its cause is the error. */
	assert_int_equal(chmod(path, 0640), 0);
	assert_refused(path, 10, check_mode_0600, ": mode 0640");
	assert_int_equal(check_calls, 2);
	assert_int_equal(check_mode, 0640);

	/* The check comes before the size. */
	assert_refused(path, 5, check_mode_0600, ": mode 0640");
	assert_int_equal(chmod(path, 0600), 0);
	assert_refused(path, 5, check_mode_0600,
	    ": larger than the 5 byte limit, refusing");

	/* No check for what is not a regular file. */
	check_calls = 0;
	assert_refused(dir, 100, check_mode_0600, ": not a regular file");
	assert_int_equal(check_calls, 0);
	assert_int_equal(unlink(path), 0);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_proc),
		cmocka_unit_test(test_not_regular),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_check),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
