/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for base64: the test vectors of RFC 4648 (section 10) both
 * ways, with and without padding, every byte value through a round trip,
 * and the texts the decoder refuses.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base64.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* RFC 4648, section 10. */
static const struct {
	const char	*raw;
	const char	*padded;
	const char	*bare;
} rfc4648[] = {
	{ "", "", "" },
	{ "f", "Zg==", "Zg" },
	{ "fo", "Zm8=", "Zm8" },
	{ "foo", "Zm9v", "Zm9v" },
	{ "foob", "Zm9vYg==", "Zm9vYg" },
	{ "fooba", "Zm9vYmE=", "Zm9vYmE" },
	{ "foobar", "Zm9vYmFy", "Zm9vYmFy" },
};

static void
assert_decodes(const char *text, const void *want, size_t wantlen)
{
	uint8_t	*out = NULL;
	size_t	 len = 0;

	if (base64_decode(text, strlen(text), &out, &len) != 0)
		fail_msg("'%s' refused", text);
	assert_non_null(out);
	assert_int_equal(len, wantlen);
	assert_memory_equal(out, want, wantlen);
	free(out);
}

static void
test_rfc4648_vectors(void **state)
{
	char	*s;
	size_t	 i, len;

	(void)state;
	for (i = 0; i < NITEMS(rfc4648); i++) {
		len = strlen(rfc4648[i].raw);
		s = base64_encode(rfc4648[i].raw, len, true);
		assert_string_equal(s, rfc4648[i].padded);
		free(s);
		s = base64_encode(rfc4648[i].raw, len, false);
		assert_string_equal(s, rfc4648[i].bare);
		free(s);
		assert_decodes(rfc4648[i].padded, rfc4648[i].raw, len);
		assert_decodes(rfc4648[i].bare, rfc4648[i].raw, len);
	}
}

/* The last two letters of the alphabet, and bytes with the top bit set. */
static void
test_alphabet_ends(void **state)
{
	static const uint8_t	hi[] = { 0xfb, 0xff, 0xbf };
	char			*s;

	(void)state;
	s = base64_encode(hi, sizeof(hi), true);
	assert_string_equal(s, "+/+/");
	free(s);
	s = base64_encode(hi, 2, true);
	assert_string_equal(s, "+/8=");
	free(s);
	s = base64_encode(hi, 1, false);
	assert_string_equal(s, "+w");
	free(s);
	assert_decodes("+/+/", hi, sizeof(hi));
}

static void
test_roundtrip_all_bytes(void **state)
{
	uint8_t	 in[256], *out;
	char	*s;
	size_t	 n, len;
	int	 pad;

	(void)state;
	for (n = 0; n < sizeof(in); n++)
		in[n] = (uint8_t)(255 - n);
	/* Every length mod 3, both ways of padding. */
	for (n = 253; n <= sizeof(in); n++) {
		for (pad = 0; pad < 2; pad++) {
			s = base64_encode(in, n, pad);
			assert_int_equal(strlen(s),
			    pad ? (n + 2) / 3 * 4 : (n * 4 + 2) / 3);
			assert_int_equal(base64_decode(s, strlen(s), &out,
			    &len), 0);
			assert_int_equal(len, n);
			assert_memory_equal(out, in, n);
			free(out);
			free(s);
		}
	}
}

/* An OpenSSH key file wraps its base64 at 70 columns. */
static void
test_white_space(void **state)
{
	(void)state;
	assert_decodes("Zm9v\nYmFy\n", "foobar", 6);
	assert_decodes(" Zm 9v\tYg= =\r\n", "foob", 4);
	assert_decodes("\n", "", 0);
}

static void
test_refused(void **state)
{
	static const char *const bad[] = {
		"Zm9v!",	/* outside the alphabet */
		"Zm-v",		/* the URL-safe alphabet is not ours */
		"Zm_v",
		"Zg==Zg==",	/* data after the padding */
		"Zg=a",
		"Z===",		/* too much padding */
		"Zm9vYg\xc3\xa9",
	};
	uint8_t	*out = NULL;
	size_t	 i, len = 99;

	(void)state;
	for (i = 0; i < NITEMS(bad); i++) {
		if (base64_decode(bad[i], strlen(bad[i]), &out, &len) != -1)
			fail_msg("'%s' accepted", bad[i]);
		assert_null(out);
		assert_int_equal(len, 99);
	}
	/* A NUL inside the given length is not base64 either. */
	assert_int_equal(base64_decode("Zg\0=", 4, &out, &len), -1);
	/* Only len characters are read. */
	assert_int_equal(base64_decode("Zm9v!", 4, &out, &len), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(out, "foo", 3);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4648_vectors),
		cmocka_unit_test(test_alphabet_ends),
		cmocka_unit_test(test_roundtrip_all_bytes),
		cmocka_unit_test(test_white_space),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
