/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for vis, the one way outside text is made safe to show:
 * printable ASCII stays, every other byte (escape, bell, CR, LF, NUL,
 * DEL, bytes past 0x7f) becomes \xNN, '"' and '\' too with VIS_QUOTE;
 * a short buffer takes whole escapes only and is always terminated;
 * vis_str() cuts after max bytes with "...".  And the users: a hostile
 * gateway's stderr line (a terminal title, a colour, a bell) reaches
 * the log and the kept first and last lines (which go to failure
 * reasons, status, mail and notifications) escaped.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lines.h"
#include "vis.h"

static void
test_buf(void **state)
{
	char	out[64];

	(void)state;
	assert_int_equal(vis_buf(out, sizeof(out), "plain text: ok", 14, 0),
	    14);
	assert_string_equal(out, "plain text: ok");
	assert_int_equal(vis_buf(out, sizeof(out), "\x1b]0;T\a\x1b[31m", 11,
	    0), 11);
	assert_string_equal(out, "\\x1b]0;T\\x07\\x1b[31m");
	/* NUL, DEL, CR, LF, tab and high bytes. */
	assert_int_equal(vis_buf(out, sizeof(out), "a\0b\x7f\r\n\t\xc3\xa9",
	    9, 0), 9);
	assert_string_equal(out, "a\\x00b\\x7f\\x0d\\x0a\\x09\\xc3\\xa9");
	/* Quotes and backslashes: kept, or escaped with VIS_QUOTE. */
	assert_int_equal(vis_buf(out, sizeof(out), "\"a\\b\"", 5, 0), 5);
	assert_string_equal(out, "\"a\\b\"");
	assert_int_equal(vis_buf(out, sizeof(out), "\"a\\b\"", 5, VIS_QUOTE),
	    5);
	assert_string_equal(out, "\\x22a\\x5cb\\x22");
	assert_int_equal(vis_buf(out, sizeof(out), "", 0, 0), 0);
	assert_string_equal(out, "");
}

static void
test_buf_short(void **state)
{
	char	out[6];

	(void)state;
	/* Room for 5: "ab" and no half of "\x1b". */
	assert_int_equal(vis_buf(out, sizeof(out), "ab\x1b" "cd", 5, 0), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(vis_buf(out, sizeof(out), "a\x1b" "cd", 4, 0), 2);
	assert_string_equal(out, "a\\x1b");
	assert_int_equal(vis_buf(out, sizeof(out), "abcdefgh", 8, 0), 5);
	assert_string_equal(out, "abcde");
	assert_int_equal(vis_buf(out, 1, "abc", 3, 0), 0);
	assert_string_equal(out, "");
}

static void
test_str(void **state)
{
	char	*s;

	(void)state;
	s = vis_str("pppd; rm -rf /\n\"x\"\\", 100, VIS_QUOTE);
	assert_string_equal(s, "pppd; rm -rf /\\x0a\\x22x\\x22\\x5c");
	free(s);
	s = vis_str("abcdef", 3, 0);
	assert_string_equal(s, "abc...");
	free(s);
	s = vis_str("\xff\x01", 10, 0);
	assert_string_equal(s, "\\xff\\x01");
	free(s);
	s = vis_str("\x1b\x1b\x1b", 2, 0);
	assert_string_equal(s, "\\x1b\\x1b...");
	free(s);
	s = vis_str(NULL, 10, 0);
	assert_string_equal(s, "(none)");
	free(s);
}

/* Issue 12: the gateway's stderr kept raw reached the admin's terminal. */
static void
test_lines(void **state)
{
	static const char hostile[] =
	    "\x1b]0;TITLE\a\x1b[31mpppd: fake\r\nsecond\x9b" "2J\n";
	struct lines	ll;
	char		long_line[LINES_MAX * 2];

	(void)state;
	lines_init(&ll, "link office: remote");
	lines_feed(&ll, hostile, sizeof(hostile) - 1);
	assert_string_equal(ll.first,
	    "\\x1b]0;TITLE\\x07\\x1b[31mpppd: fake");
	assert_string_equal(ll.last, "second\\x9b2J");

	/* Escapes of a long line are cut to fit, never half-written. */
	memset(long_line, '\x1b', sizeof(long_line));
	long_line[sizeof(long_line) - 1] = '\n';
	lines_feed(&ll, long_line, sizeof(long_line));
	assert_int_equal(strlen(ll.last), (LINES_MAX - 1) / 4 * 4);
	assert_memory_equal(ll.last, "\\x1b\\x1b", 8);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_buf_short),
		cmocka_unit_test(test_str),
		cmocka_unit_test(test_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
