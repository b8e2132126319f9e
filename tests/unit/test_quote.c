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
#include <sys/wait.h>

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

#include "quote.h"
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

/*
 * Run "printf '%s\0' WORDS..." through /bin/sh -c and split what it
 * prints on NUL: the words the shell saw, in order.  Returns how many.
 */
static size_t
shell_words(const char *words_cmd, char ***out)
{
	char	*cmd, *buf = NULL, **v = NULL, *p;
	size_t	 len = 0, cap = 0, n = 0, i;
	FILE	*f;
	int	 c, status;

	xasprintf(&cmd, "printf '%%s\\0' %s", words_cmd);
	f = popen(cmd, "r");
	assert_non_null(f);
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
	for (i = 0; i < len; i++) {
		if (buf[i] == '\0')
			n++;
	}
	if (len > 0)
		assert_int_equal(buf[len - 1], '\0');
	v = xcalloc(n + 1, sizeof(*v));
	for (i = 0, p = buf; i < n; i++) {
		v[i] = xstrdup(p);
		p += strlen(p) + 1;
	}
	free(buf);
	free(cmd);
	*out = v;
	return n;
}

static void
free_words(char **v)
{
	size_t	i;

	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* A temporary directory for the canary, removed even if a test fails. */
static char	tmpdir[] = "/tmp/test_quote.XXXXXX";
static char	canary[sizeof(tmpdir) + 16];

static int
setup_tmpdir(void **state)
{
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(canary, sizeof(canary), "%s/pwned", tmpdir);
	return 0;
}

static int
teardown_tmpdir(void **state)
{
	(void)unlink(canary);
	return rmdir(tmpdir);
}

static void
test_shell_round_trip(void **state)
{
	char		*q, *hostile[64], **seen, all[256];
	size_t		 n = 0, i, got;
	struct stat	 sb;

	/* Each of these would create the canary if the shell ran it. */
	xasprintf(&hostile[n++], "$(touch %s)", canary);
	xasprintf(&hostile[n++], "`touch %s`", canary);
	xasprintf(&hostile[n++], "; touch %s", canary);
	xasprintf(&hostile[n++], "x' ; touch %s ; '", canary);
	xasprintf(&hostile[n++], "x'\"$(touch %s)\"'", canary);
	xasprintf(&hostile[n++], "| touch %s", canary);
	xasprintf(&hostile[n++], "&& touch %s", canary);
	xasprintf(&hostile[n++], "\ntouch %s\n", canary);
	xasprintf(&hostile[n++], "> %s", canary);
	xasprintf(&hostile[n++], "'\\''; touch %s #", canary);
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
		got = shell_words(q, &seen);
		assert_int_equal(got, 1);
		assert_string_equal(seen[0], hostile[i]);
		free_words(seen);
		free(q);
	}
	q = sh_join(hostile);
	got = shell_words(q, &seen);
	assert_int_equal(got, n);
	for (i = 0; i < n; i++)
		assert_string_equal(seen[i], hostile[i]);
	free_words(seen);
	free(q);

	assert_int_equal(stat(canary, &sb), -1);
	assert_int_equal(errno, ENOENT);

	/* The canary check itself works: an unquoted word does run. */
	xasprintf(&q, "\"$(touch %s)\"", canary);
	got = shell_words(q, &seen);
	assert_int_equal(got, 1);
	free_words(seen);
	free(q);
	assert_int_equal(stat(canary, &sb), 0);

	assert_int_equal(unlink(canary), 0);
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
		    setup_tmpdir, teardown_tmpdir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
