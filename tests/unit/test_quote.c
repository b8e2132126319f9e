/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for POSIX shell quoting: exact quoted forms, and a round
 * trip of hostile words through a real /bin/sh proving the shell sees
 * exactly the original words and runs nothing else.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
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
#include "quote.h"
#include "shwords.h"
#include "xmalloc.h"

static const struct {
	const char	*word;
	const char	*quoted;
} quote_cases[] = {
	{ "", "''" },
	{ "abc", "abc" },
	{ "/usr/sbin/pppd", "/usr/sbin/pppd" },
	{ "-n", "-n" },
	{ "10.9.0.1:10.9.0.2", "10.9.0.1:10.9.0.2" },
	{ "user@host", "user@host" },
	{ "a,b+c%d_e", "a,b+c%d_e" },
	{ "a b", "'a b'" },
	{ "it's", "'it'\\''s'" },
	{ "'", "''\\'''" },
	{ "''", "''\\'''\\'''" },
	{ "$(id)", "'$(id)'" },
	{ "`id`", "'`id`'" },
	{ "${HOME}", "'${HOME}'" },
	{ "a;b", "'a;b'" },
	{ "a|b", "'a|b'" },
	{ "a&b", "'a&b'" },
	{ "a\nb", "'a\nb'" },
	{ "\"q\"", "'\"q\"'" },
	{ "back\\slash", "'back\\slash'" },
	{ "*", "'*'" },
	{ "?", "'?'" },
	{ "[a]", "'[a]'" },
	{ "~root", "'~root'" },
	{ "#comment", "'#comment'" },
	{ "FOO=bar", "'FOO=bar'" },
	{ "<in>out", "'<in>out'" },
	{ "(sub)", "'(sub)'" },
	{ "!x", "'!x'" },
	{ "\t", "'\t'" },
	{ "caf\xc3\xa9", "'caf\xc3\xa9'" },
};

static void
test_quote_table(void **state)
{
	size_t	 i;
	char	*q;

	for (i = 0; i < sizeof(quote_cases) / sizeof(quote_cases[0]); i++) {
		q = sh_quote(quote_cases[i].word);
		assert_string_equal(q, quote_cases[i].quoted);
		free(q);
	}
}

static void
test_join(void **state)
{
	char	*const empty[] = { NULL };
	char	*const one[] = { "", NULL };
	char	*const pppd[] = { "sudo", "-n", "/usr/sbin/pppd", "nodetach",
	    NULL };
	char	*const mixed[] = { "echo", "a b", "it's", "$(x)", NULL };
	char	*s;

	s = sh_join(empty);
	assert_string_equal(s, "");
	free(s);
	s = sh_join(one);
	assert_string_equal(s, "''");
	free(s);
	s = sh_join(pppd);
	assert_string_equal(s, "sudo -n /usr/sbin/pppd nodetach");
	free(s);
	s = sh_join(mixed);
	assert_string_equal(s, "echo 'a b' 'it'\\''s' '$(x)'");
	free(s);
}

static void
test_shell_round_trip(void **state)
{
	char		*q, *hostile[64], **seen, all[256];
	size_t		 n = 0, i, got;
	struct stat	 sb;

	/* Each of these would create the canary if the shell ran it. */
	xasprintf(&hostile[n++], "$(touch %s)", shwords_canary);
	xasprintf(&hostile[n++], "`touch %s`", shwords_canary);
	xasprintf(&hostile[n++], "; touch %s", shwords_canary);
	xasprintf(&hostile[n++], "x' ; touch %s ; '", shwords_canary);
	xasprintf(&hostile[n++], "x'\"$(touch %s)\"'", shwords_canary);
	xasprintf(&hostile[n++], "| touch %s", shwords_canary);
	xasprintf(&hostile[n++], "&& touch %s", shwords_canary);
	xasprintf(&hostile[n++], "\ntouch %s\n", shwords_canary);
	xasprintf(&hostile[n++], "> %s", shwords_canary);
	xasprintf(&hostile[n++], "'\\''; touch %s #", shwords_canary);
	hostile[n++] = xstrdup("");
	hostile[n++] = xstrdup("'");
	hostile[n++] = xstrdup("\\");
	hostile[n++] = xstrdup("\\'");
	hostile[n++] = xstrdup("\"");
	hostile[n++] = xstrdup("$HOME");
	hostile[n++] = xstrdup("${IFS}");
	hostile[n++] = xstrdup("$1");
	hostile[n++] = xstrdup("*");
	hostile[n++] = xstrdup("/*");
	hostile[n++] = xstrdup("?");
	hostile[n++] = xstrdup("[a-z]*");
	hostile[n++] = xstrdup("~");
	hostile[n++] = xstrdup("~root/x");
	hostile[n++] = xstrdup("-n");
	hostile[n++] = xstrdup("--");
	hostile[n++] = xstrdup("-e");
	hostile[n++] = xstrdup("a=b");
	hostile[n++] = xstrdup("#");
	hostile[n++] = xstrdup("  lead and trail  ");
	hostile[n++] = xstrdup("tab\there");
	hostile[n++] = xstrdup("line\nbreak\n");
	hostile[n++] = xstrdup("\r\n");
	hostile[n++] = xstrdup("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92");
	hostile[n++] = xstrdup("\xff\xfe invalid utf-8");
	hostile[n++] = xstrdup("%s%n%x");
	hostile[n++] = xstrdup("{a,b}");
	hostile[n++] = xstrdup("!!");
	/* Every byte but NUL. */
	for (i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	hostile[n++] = xstrdup(all);
	hostile[n] = NULL;
	assert_true(n < sizeof(hostile) / sizeof(hostile[0]));

	/* One at a time, then all on one command line. */
	for (i = 0; i < n; i++) {
		q = sh_quote(hostile[i]);
		got = shwords(&seen, "printf '%%s\\0' %s", q);
		assert_int_equal(got, 1);
		assert_string_equal(seen[0], hostile[i]);
		argv_free(seen);
		free(q);
	}
	q = sh_join(hostile);
	got = shwords(&seen, "printf '%%s\\0' %s", q);
	assert_int_equal(got, n);
	for (i = 0; i < n; i++)
		assert_string_equal(seen[i], hostile[i]);
	argv_free(seen);
	free(q);

	assert_int_equal(stat(shwords_canary, &sb), -1);
	assert_int_equal(errno, ENOENT);

	/* The canary check itself works: an unquoted word does run. */
	xasprintf(&q, "\"$(touch %s)\"", shwords_canary);
	got = shwords(&seen, "printf '%%s\\0' %s", q);
	assert_int_equal(got, 1);
	argv_free(seen);
	free(q);
	assert_int_equal(stat(shwords_canary, &sb), 0);

	assert_int_equal(unlink(shwords_canary), 0);
	for (i = 0; i < n; i++)
		free(hostile[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quote_table),
		cmocka_unit_test(test_join),
		cmocka_unit_test_setup_teardown(test_shell_round_trip,
		    shwords_setup, shwords_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
