/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for "did you mean": the edit distance (each kind of edit,
 * a swap of neighbours counted once, empty and over-long words) and the
 * suggestion (near enough by length, the nearest wins, a tie goes to
 * the first, an exact word or a far one gets none, and its shortcut
 * picks what the full distances pick).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "spell.h"

static void
test_distance(void **state)
{
	static const struct {
		const char	*a, *b;
		size_t		 d;
	} cases[] = {
		{ "", "", 0 },
		{ "", "abc", 3 },
		{ "abc", "", 3 },
		{ "identity", "identity", 0 },
		{ "identty", "identity", 1 },		/* delete */
		{ "identityy", "identity", 1 },		/* insert */
		{ "identiti", "identity", 1 },		/* substitute */
		{ "idnetity", "identity", 1 },		/* swap */
		{ "stauts", "status", 1 },
		{ "remote-nets", "remote-net", 1 },
		{ "keep-alive", "keepalive", 1 },
		{ "ca", "abc", 3 },	/* a swap never edits a letter twice */
		{ "kitten", "sitting", 3 },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(spell_distance(cases[i].a, cases[i].b),
		    cases[i].d);
		assert_int_equal(spell_distance(cases[i].b, cases[i].a),
		    cases[i].d);
	}
}

static void
test_distance_long(void **state)
{
	char	long_word[SPELL_WORD_MAX + 2];

	(void)state;
	memset(long_word, 'a', sizeof(long_word) - 1);
	long_word[sizeof(long_word) - 1] = '\0';
	assert_int_equal(spell_distance(long_word, "a"), SPELL_WORD_MAX + 1);
	long_word[SPELL_WORD_MAX] = '\0';
	assert_int_equal(spell_distance(long_word, long_word), 0);
}

static void
test_suggest(void **state)
{
	static const char *const words[] = { "status", "up", "down",
	    "restart", "reload", "check", "watchdog", "setup", "trust",
	    "doctor", "remote-net", "local-net", "identity" };
	const size_t	n = sizeof(words) / sizeof(words[0]);

	(void)state;
	assert_string_equal(spell_suggest("stauts", words, n), "status");
	assert_string_equal(spell_suggest("upp", words, n), "up");
	assert_string_equal(spell_suggest("dwon", words, n), "down");
	assert_string_equal(spell_suggest("remote-nets", words, n),
	    "remote-net");
	assert_string_equal(spell_suggest("idnetiy", words, n), "identity");
	/* "relaod": reload at 1, restart farther. */
	assert_string_equal(spell_suggest("relaod", words, n), "reload");
	/* Short words get one edit only: "ab" is 2 from "up". */
	assert_null(spell_suggest("ab", words, n));
	assert_null(spell_suggest("frobnicate", words, n));
	assert_null(spell_suggest("status", words, n));
	assert_null(spell_suggest("", words, n));
	assert_null(spell_suggest("x", words, 0));
}

static void
test_suggest_tie(void **state)
{
	static const char *const words[] = { "lab", "lag", "lap" };

	(void)state;
	/* "la" is 1 from each: the first wins. */
	assert_string_equal(spell_suggest("la", words, 3), "lab");
	assert_string_equal(spell_suggest("lax", words + 1, 2), "lag");
}

/* xorshift32: the test's words, the same at every run. */
static uint32_t
next(uint32_t x)
{
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

/*
 * The suggestion skips the words whose length cannot win: it must still
 * pick what the full distances pick, for 20,000 words made by random
 * edits of the list's words.
 */
static void
test_suggest_same_as_full(void **state)
{
	static const char *const words[] = { "status", "up", "down",
	    "restart", "reload", "remote-net", "local-net", "identity",
	    "keepalive", "remote-command", "ddns-url", "probe-interval" };
	const size_t	 n = sizeof(words) / sizeof(words[0]);
	const char	*want, *got;
	char		 w[32];
	uint32_t	 x = 2463534242u;
	size_t		 i, j, k, len, d, bestd, limit;

	(void)state;
	for (i = 0; i < 20000; i++) {
		x = next(x);
		(void)strcpy(w, words[x % n]);
		len = strlen(w);
		for (k = (x >> 8) & 3; k > 0 && len > 0; k--) {
			x = next(x);
			if (x & 1)
				w[x % len] = "aeilnost-"[(x >> 4) & 7];
			else if (len > 1) {
				memmove(w + x % len, w + x % len + 1,
				    len - x % len);
				len--;
			}
		}
		limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
		bestd = limit + 1;
		want = NULL;
		for (j = 0; j < n; j++) {
			if (strcmp(w, words[j]) == 0) {
				want = NULL;
				break;
			}
			if ((d = spell_distance(w, words[j])) < bestd) {
				bestd = d;
				want = words[j];
			}
		}
		got = spell_suggest(w, words, n);
		if (want == NULL)
			assert_null(got);
		else
			assert_string_equal(got, want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_distance_long),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_suggest_tie),
		cmocka_unit_test(test_suggest_same_as_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
