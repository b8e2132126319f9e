/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Running a command line through /bin/sh for the tests (see shwords.h).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "argv.h"
#include "shwords.h"
#include "xmalloc.h"

#define SHWORDS_DIR	"/tmp/shwords.XXXXXX"

static char	shwords_dir[] = SHWORDS_DIR;
char		shwords_canary[sizeof(shwords_dir) + 16];

size_t
shwords(char ***out, const char *fmt, ...)
{
	struct argv	 a = { NULL, 0 };
	va_list		 ap;
	char		*cmd, *buf = NULL, *p;
	size_t		 len = 0, cap = 0;
	FILE		*f;
	int		 c, status;

	va_start(ap, fmt);
	xvasprintf(&cmd, fmt, ap);
	va_end(ap);
	assert_non_null(f = popen(cmd, "r"));
	while ((c = fgetc(f)) != EOF) {
		if (len == cap) {
			cap = cap == 0 ? 256 : cap * 2;
			buf = xreallocarray(buf, cap, 1);
		}
		buf[len++] = (char)c;
	}
	status = pclose(f);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	if (len > 0)
		assert_int_equal(buf[len - 1], '\0');
	for (p = buf; p < buf + len; p += strlen(p) + 1)
		argv_add(&a, p);
	free(buf);
	free(cmd);
	/* No words: still a vector, an empty one. */
	if (a.v == NULL)
		a.v = xcalloc(1, sizeof(*a.v));
	*out = a.v;
	return a.n;
}

int
shwords_setup(void **state)
{
	(void)state;
	if (mkdtemp(shwords_dir) == NULL)
		return -1;
	(void)snprintf(shwords_canary, sizeof(shwords_canary), "%s/pwned",
	    shwords_dir);
	return 0;
}

int
shwords_teardown(void **state)
{
	int	r;

	(void)state;
	(void)unlink(shwords_canary);
	r = rmdir(shwords_dir);
	/* Ready for the next setup. */
	memcpy(shwords_dir, SHWORDS_DIR, sizeof(shwords_dir));
	return r;
}
