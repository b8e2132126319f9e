/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for the byte buffer: appending (raw bytes, nothing,
 * printf), growing well past its first size, consuming from the front,
 * freeing and reusing; and JSON strings (escapes, UTF-8 checking).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ buffer */

static void
test_add(void **state)
{
	struct buf	b = { NULL, 0, 0 };

	(void)state;
	/* Nothing added still gives a string. */
	buf_add(&b, "", 0);
	assert_non_null(b.s);
	assert_string_equal(b.s, "");
	assert_int_equal(b.len, 0);
	buf_add(&b, "abc", 3);
	buf_add(&b, "defgh", 2);
	buf_printf(&b, "[%d:%s]", 42, "x");
	assert_string_equal(b.s, "abcde[42:x]");
	assert_int_equal(b.len, 11);
	/* Bytes, NUL included. */
	buf_add(&b, "\0z", 2);
	assert_int_equal(b.len, 13);
	assert_memory_equal(b.s, "abcde[42:x]\0z", 14);
	buf_free(&b);
	assert_null(b.s);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.size, 0);
	/* Freed is empty and usable; freeing twice is harmless. */
	buf_printf(&b, "%s", "again");
	assert_string_equal(b.s, "again");
	buf_free(&b);
	buf_free(&b);
}

/* Past the first allocation, many times, in odd-sized steps. */
static void
test_grow(void **state)
{
	struct buf	b = { NULL, 0, 0 };
	char		chunk[37];
	size_t		i, j;

	(void)state;
	for (i = 0; i < 3000; i++) {
		for (j = 0; j < sizeof(chunk); j++)
			chunk[j] = (char)('a' + (i + j) % 26);
		buf_add(&b, chunk, sizeof(chunk));
		assert_true(b.size > b.len);
		assert_int_equal(b.s[b.len], '\0');
	}
	assert_int_equal(b.len, 3000 * sizeof(chunk));
	for (i = 0; i < 3000; i++)
		for (j = 0; j < sizeof(chunk); j++)
			assert_int_equal(b.s[i * sizeof(chunk) + j],
			    'a' + (i + j) % 26);
	buf_free(&b);
	/* One large printf. */
	buf_printf(&b, "%5000s|", "x");
	assert_int_equal(b.len, 5001);
	assert_int_equal(b.s[4999], 'x');
	assert_int_equal(b.s[5000], '|');
	buf_free(&b);
}

static void
test_consume(void **state)
{
	struct buf	b = { NULL, 0, 0 };

	(void)state;
	/* On an empty buffer, s NULL. */
	buf_consume(&b, 0);
	buf_consume(&b, 5);
	assert_null(b.s);
	assert_int_equal(b.len, 0);

	buf_add(&b, "line one\nline two\n", 18);
	buf_consume(&b, 0);
	assert_string_equal(b.s, "line one\nline two\n");
	buf_consume(&b, 9);
	assert_string_equal(b.s, "line two\n");
	assert_int_equal(b.len, 9);
	/* Appending after consuming. */
	buf_add(&b, "3", 1);
	assert_string_equal(b.s, "line two\n3");
	buf_consume(&b, b.len);
	assert_string_equal(b.s, "");
	assert_int_equal(b.len, 0);
	buf_add(&b, "xyz", 3);
	buf_consume(&b, 1000);
	assert_string_equal(b.s, "");
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

/* --------------------------------------------------------------- JSON */

static const struct {
	const char	*raw;
	const char	*json;
} json_cases[] = {
	{ "", "\"\"" },
	{ "office", "\"office\"" },
	{ "say \"hi\"", "\"say \\\"hi\\\"\"" },
	{ "back\\slash", "\"back\\\\slash\"" },
	{ "a\nb\rc\td", "\"a\\nb\\rc\\td\"" },
	{ "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
	{ "\x1b[31m", "\"\\u001b[31m\"" },
	{ "</script>", "\"</script>\"" },
	{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
	{ "\xe2\x82\xac", "\"\xe2\x82\xac\"" },		/* U+20AC */
	{ "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"" },	/* U+1F600 */
	{ "\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"" },	/* U+10FFFF */
	{ "\x80", "\"\\ufffd\"" },			/* lone continuation */
	{ "a\xff" "b", "\"a\\ufffdb\"" },
	{ "\xc0\xaf", "\"\\ufffd\\ufffd\"" },		/* overlong '/' */
	{ "\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"" },	/* overlong */
	{ "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },	/* surrogate */
	{ "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
	{ "\xe2\x82", "\"\\ufffd\\ufffd\"" },		/* cut short */
	{ "\xe2\x82x", "\"\\ufffd\\ufffdx\"" },
};

static void
test_json_string(void **state)
{
	struct buf	b = { NULL, 0, 0 };
	size_t		i;

	(void)state;
	for (i = 0; i < NITEMS(json_cases); i++) {
		buf_free(&b);
		buf_add_json_string(&b, json_cases[i].raw);
		assert_int_equal(b.len, strlen(b.s));
		if (strcmp(b.s, json_cases[i].json) != 0)
			fail_msg("case %zu: got %s want %s", i, b.s,
			    json_cases[i].json);
	}
	buf_free(&b);
	buf_add_json_string(&b, NULL);
	assert_string_equal(b.s, "null");
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_grow),
		cmocka_unit_test(test_consume),
		cmocka_unit_test(test_json_string),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
