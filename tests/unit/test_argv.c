/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for the growable argv: every way of adding keeps a NULL
 * after the last word and owns copies; split, copy, equal and clear; a
 * vector taken out lives on and is freed with argv_free(); and one
 * argv, built as ppp.c builds a command, runs through execv().
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

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

#include "argv.h"
#include "xmalloc.h"

/* a holds exactly the words of want (NULL-terminated), then a NULL. */
static void
assert_words(const struct argv *a, const char *const *want)
{
	size_t	i;

	for (i = 0; want[i] != NULL; i++) {
		assert_true(i < a->n);
		assert_string_equal(a->v[i], want[i]);
	}
	assert_int_equal(a->n, i);
	if (i == 0)
		assert_null(a->v);
	else
		assert_null(a->v[i]);
}

static void
test_add(void **state)
{
	static const char *const none[] = { NULL };
	static const char *const want[] = { "pppd", "mtu", "1400",
	    "10.9.0.1:10.9.0.2", "debug", "", "kdebug", "1", NULL };
	static char *const extra[] = { "debug", "", "kdebug", "1", NULL };
	struct argv	 a = { NULL, 0 };
	char		 word[] = "pppd";

	(void)state;
	assert_words(&a, none);
	argv_addv(&a, NULL);
	assert_words(&a, none);
	argv_add(&a, word);
	/* A copy: the caller's string may change or go. */
	word[0] = 'X';
	argv_add(&a, "mtu");
	argv_addf(&a, "%d", 1400);
	argv_addf(&a, "%s:%s", "10.9.0.1", "10.9.0.2");
	argv_addv(&a, extra);
	assert_words(&a, want);
	assert_true(a.v[0] != word);
	argv_clear(&a);
	assert_words(&a, none);
	/* Cleared is empty and usable again. */
	argv_add(&a, "again");
	assert_int_equal(a.n, 1);
	argv_clear(&a);
	argv_clear(&a);
	assert_words(&a, none);
}

/* Enough words to move the vector many times. */
static void
test_many(void **state)
{
	struct argv	a = { NULL, 0 };
	char		num[16];
	size_t		i;

	(void)state;
	for (i = 0; i < 1000; i++)
		argv_addf(&a, "%zu", i);
	assert_int_equal(a.n, 1000);
	for (i = 0; i < 1000; i++) {
		(void)snprintf(num, sizeof(num), "%zu", i);
		assert_string_equal(a.v[i], num);
	}
	assert_null(a.v[1000]);
	argv_clear(&a);
}

static void
test_split(void **state)
{
	static const struct {
		const char	*s;
		const char	*want[5];
	} t[] = {
		{ "sudo -n /usr/sbin/pppd", { "sudo", "-n", "/usr/sbin/pppd",
		    NULL } },
		{ "  a   b ", { "a", "b", NULL } },
		{ "one", { "one", NULL } },
		{ "", { NULL } },
		{ "   ", { NULL } },
		/* Blanks only: a tab is part of a word. */
		{ "a\tb c", { "a\tb", "c", NULL } },
	};
	static const char *const appended[] = { "x", "sudo", "ip", NULL };
	struct argv	a = { NULL, 0 };
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		argv_split(&a, t[i].s);
		assert_words(&a, t[i].want);
		argv_clear(&a);
	}
	/* It appends. */
	argv_add(&a, "x");
	argv_split(&a, "sudo ip");
	assert_words(&a, appended);
	argv_clear(&a);
}

static void
test_copy_equal(void **state)
{
	static const char *const want[] = { "a", "b c", NULL };
	struct argv	a = { NULL, 0 }, b = { NULL, 0 };

	(void)state;
	assert_true(argv_equal(&a, &b));
	argv_add(&a, "a");
	argv_add(&a, "b c");
	assert_false(argv_equal(&a, &b));
	argv_add(&b, "old");
	argv_copy(&b, &a);
	assert_words(&b, want);
	assert_true(argv_equal(&a, &b));
	assert_true(a.v[0] != b.v[0]);
	/* Each owns its words. */
	argv_clear(&a);
	assert_words(&b, want);
	assert_false(argv_equal(&a, &b));

	/* Same length, one word differs; a prefix is not equal. */
	argv_add(&a, "a");
	argv_add(&a, "b");
	assert_false(argv_equal(&a, &b));
	argv_clear(&a);
	argv_add(&a, "a");
	assert_false(argv_equal(&a, &b));
	assert_false(argv_equal(&b, &a));

	/* Copying the empty argv empties. */
	argv_clear(&a);
	argv_copy(&b, &a);
	assert_null(b.v);
	assert_int_equal(b.n, 0);
}

/* A vector taken out, as the command builders return it. */
static char **
build(const char *what)
{
	struct argv	a = { NULL, 0 };

	argv_add(&a, "/bin/sh");
	argv_add(&a, "-c");
	argv_add(&a, "printf '%s|' \"$@\"");
	argv_add(&a, "sh");
	argv_addf(&a, "%s", what);
	argv_add(&a, "two words");
	return a.v;
}

static void
test_taken_exec(void **state)
{
	char	**v, out[256];
	ssize_t	  n;
	size_t	  len = 0;
	pid_t	  pid;
	int	  p[2], st;

	(void)state;
	argv_free(NULL);
	v = build("it's");
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		(void)dup2(p[1], STDOUT_FILENO);
		execv(v[0], v);
		_exit(127);
	}
	close(p[1]);
	while ((n = read(p[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(p[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_string_equal(out, "it's|two words|");
	argv_free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_copy_equal),
		cmocka_unit_test(test_taken_exec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
