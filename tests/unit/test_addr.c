/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for addr.c: prefix parsing (edge lengths, host bits,
 * v4-mapped, garbage), canonical formatting, containment and overlap.
 */
#include "config.h"

#include <sys/socket.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "addr.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

struct prefix_case {
	const char	*in;
	int		 family;	/* AF_UNSPEC: must fail */
	const char	*out;		/* canonical form, or the cause */
};

static const struct prefix_case prefix_cases[] = {
	/* good */
	{ "10.0.0.0/8", AF_INET, "10.0.0.0/8" },
	{ "0.0.0.0/0", AF_INET, "0.0.0.0/0" },
	{ "192.0.2.7/32", AF_INET, "192.0.2.7/32" },
	{ "10.1.2.0/23", AF_INET, "10.1.2.0/23" },
	{ "10.1.2.128/25", AF_INET, "10.1.2.128/25" },
	{ "::/0", AF_INET6, "::/0" },
	{ "2001:DB8::/32", AF_INET6, "2001:db8::/32" },
	{ "2001:db8:0:0:0:0:0:1/128", AF_INET6, "2001:db8::1/128" },
	{ "fe80::/10", AF_INET6, "fe80::/10" },
	{ "::fffe:0:0/95", AF_INET6, "::fffe:0:0/95" },
	{ "::ffff:0:0/95", AF_UNSPEC,
	    "::ffff:0:0/95 has host bits set (::fffe:0:0/95 is the prefix)" },
	/* host bits */
	{ "10.0.0.1/24", AF_UNSPEC,
	    "10.0.0.1/24 has host bits set (10.0.0.0/24 is the prefix)" },
	{ "10.0.0.0/0", AF_UNSPEC,
	    "10.0.0.0/0 has host bits set (0.0.0.0/0 is the prefix)" },
	{ "10.1.3.0/23", AF_UNSPEC,
	    "10.1.3.0/23 has host bits set (10.1.2.0/23 is the prefix)" },
	{ "2001:db8::1/64", AF_UNSPEC,
	    "2001:db8::1/64 has host bits set (2001:db8::/64 is the prefix)" },
	{ "::1/0", AF_UNSPEC, "::1/0 has host bits set (::/0 is the prefix)" },
	/* v4-mapped */
	{ "::ffff:10.0.0.0/104", AF_UNSPEC,
	    "::ffff:10.0.0.0/104 is an IPv4-mapped prefix (write it as IPv4)" },
	{ "::ffff:0:0/96", AF_UNSPEC,
	    "::ffff:0:0/96 is an IPv4-mapped prefix (write it as IPv4)" },
	/* garbage */
	{ "10.0.0.0/33", AF_UNSPEC, "10.0.0.0/33 is not a prefix" },
	{ "::/129", AF_UNSPEC, "::/129 is not a prefix" },
	{ "10.0.0.0", AF_UNSPEC, "10.0.0.0 is not a prefix" },
	{ "10.0.0.0/", AF_UNSPEC, "10.0.0.0/ is not a prefix" },
	{ "/24", AF_UNSPEC, "/24 is not a prefix" },
	{ "", AF_UNSPEC, " is not a prefix" },
	{ "10.0.0.0/024", AF_UNSPEC, "10.0.0.0/024 is not a prefix" },
	{ "10.0.0.0/+8", AF_UNSPEC, "10.0.0.0/+8 is not a prefix" },
	{ "10.0.0.0/-1", AF_UNSPEC, "10.0.0.0/-1 is not a prefix" },
	{ "10.0.0.0/8/8", AF_UNSPEC, "10.0.0.0/8/8 is not a prefix" },
	{ "10.0.0.0/8 ", AF_UNSPEC, "10.0.0.0/8  is not a prefix" },
	{ "10.0.0/8", AF_UNSPEC, "10.0.0/8 is not a prefix" },
	{ "10.0.0.256/32", AF_UNSPEC, "10.0.0.256/32 is not a prefix" },
	{ "010.0.0.0/8", AF_UNSPEC, "010.0.0.0/8 is not a prefix" },
	{ "0x0a.0.0.0/8", AF_UNSPEC, "0x0a.0.0.0/8 is not a prefix" },
	{ "fe80::1%eth0/128", AF_UNSPEC, "fe80::1%eth0/128 is not a prefix" },
	{ "2001:db8:::/48", AF_UNSPEC, "2001:db8:::/48 is not a prefix" },
	{ "10.0.0.0/99999999999999999999", AF_UNSPEC,
	    "10.0.0.0/99999999999999999999 is not a prefix" },
	{ "gw.example.org/24", AF_UNSPEC, "gw.example.org/24 is not a prefix" },
};

static void
test_prefix_parse(void **state)
{
	const struct prefix_case	*c;
	struct prefix			 p;
	char				 buf[ADDR_STRLEN], *cause;
	size_t				 i;

	for (i = 0; i < nitems(prefix_cases); i++) {
		c = &prefix_cases[i];
		cause = NULL;
		if (c->family == AF_UNSPEC) {
			assert_int_equal(addr_prefix_parse(c->in, &p, &cause),
			    -1);
			assert_non_null(cause);
			assert_string_equal(cause, c->out);
			free(cause);
			continue;
		}
		if (addr_prefix_parse(c->in, &p, &cause) != 0)
			fail_msg("%s: %s", c->in, cause);
		assert_int_equal(p.family, c->family);
		assert_false(addr_host_bits_set(&p));
		assert_string_equal(addr_format(&p, buf, sizeof(buf)), c->out);
	}
}

static void
test_addr_parse(void **state)
{
	struct prefix	p;
	char		buf[ADDR_STRLEN];

	assert_int_equal(addr_parse("192.0.2.1", AF_INET, &p), 0);
	assert_int_equal(p.len, 32);
	assert_string_equal(addr_ntop(&p, buf, sizeof(buf)), "192.0.2.1");
	assert_int_equal(addr_parse("192.0.2.1", AF_UNSPEC, &p), 0);
	assert_int_equal(addr_parse("192.0.2.1", AF_INET6, &p), -1);
	assert_int_equal(addr_parse("::1", AF_INET, &p), -1);
	assert_int_equal(addr_parse("::1", AF_INET6, &p), 0);
	assert_int_equal(p.len, 128);
	assert_int_equal(addr_parse("", AF_UNSPEC, &p), -1);
	assert_int_equal(addr_parse("1.2.3", AF_UNSPEC, &p), -1);
	assert_int_equal(addr_parse("1.2.3.4/32", AF_UNSPEC, &p), -1);
	assert_int_equal(addr_parse(
	    "0000:0000:0000:0000:0000:0000:0000:0000:0000", AF_UNSPEC, &p), -1);
	assert_int_equal(addr_parse("::ffff:192.0.2.1", AF_INET6, &p), 0);
	assert_true(addr_is_v4mapped(&p));
	assert_string_equal(addr_ntop(&p, buf, sizeof(buf)),
	    "::ffff:192.0.2.1");
	p.family = AF_UNSPEC;
	assert_string_equal(addr_ntop(&p, buf, sizeof(buf)), "(none)");
	assert_int_equal(addr_bits(AF_INET), 32);
	assert_int_equal(addr_bits(AF_INET6), 128);
	assert_int_equal(addr_bits(AF_UNIX), 0);
}

struct overlap_case {
	const char	*a, *b;
	bool		 a_contains_b, b_contains_a;
};

static const struct overlap_case overlap_cases[] = {
	{ "10.0.0.0/8", "10.1.0.0/16", true, false },
	{ "10.1.0.0/16", "10.0.0.0/8", false, true },
	{ "10.0.0.0/24", "10.0.0.0/24", true, true },
	{ "10.0.0.0/24", "10.0.1.0/24", false, false },
	{ "10.0.0.0/25", "10.0.0.128/25", false, false },
	{ "0.0.0.0/0", "192.0.2.7/32", true, false },
	{ "192.0.2.7/32", "0.0.0.0/0", false, true },
	{ "192.0.2.7/32", "192.0.2.6/32", false, false },
	{ "::/0", "2001:db8::/32", true, false },
	{ "2001:db8::/32", "2001:db9::/32", false, false },
	{ "2001:db8::/32", "2001:db8:ffff::/48", true, false },
	{ "2001:db8::1/128", "2001:db8::/127", false, true },
	/* families never overlap, not even /0 with /0 */
	{ "0.0.0.0/0", "::/0", false, false },
	{ "10.0.0.0/8", "::fffe:0:0/95", false, false },
};

static void
test_overlap(void **state)
{
	const struct overlap_case	*c;
	struct prefix			 a, b;
	char				*cause = NULL;
	size_t				 i;

	for (i = 0; i < nitems(overlap_cases); i++) {
		c = &overlap_cases[i];
		assert_int_equal(addr_prefix_parse(c->a, &a, &cause), 0);
		assert_int_equal(addr_prefix_parse(c->b, &b, &cause), 0);
		if (addr_contains(&a, &b) != c->a_contains_b ||
		    addr_contains(&b, &a) != c->b_contains_a)
			fail_msg("contains %s %s", c->a, c->b);
		assert_int_equal(addr_overlap(&a, &b),
		    c->a_contains_b || c->b_contains_a);
		assert_int_equal(addr_overlap(&b, &a),
		    c->a_contains_b || c->b_contains_a);
		assert_int_equal(addr_equal(&a, &b),
		    c->a_contains_b && c->b_contains_a);
	}
}

static void
test_mask_and_cmp(void **state)
{
	struct prefix	p, q;
	char		buf[ADDR_STRLEN];

	assert_int_equal(addr_parse("10.255.255.255", AF_INET, &p), 0);
	p.len = 9;
	assert_true(addr_host_bits_set(&p));
	addr_mask(&p);
	assert_false(addr_host_bits_set(&p));
	assert_string_equal(addr_format(&p, buf, sizeof(buf)), "10.128.0.0/9");
	p.len = 0;
	addr_mask(&p);
	assert_string_equal(addr_format(&p, buf, sizeof(buf)), "0.0.0.0/0");

	assert_int_equal(addr_parse("2001:db8::ffff", AF_INET6, &p), 0);
	p.len = 127;
	addr_mask(&p);
	assert_string_equal(addr_format(&p, buf, sizeof(buf)),
	    "2001:db8::fffe/127");

	/* Order: family, address, then shorter first. */
	assert_int_equal(addr_parse("10.0.0.0", AF_INET, &p), 0);
	q = p;
	p.len = 8;
	q.len = 16;
	assert_true(addr_cmp(&p, &q) < 0);
	assert_true(addr_cmp(&q, &p) > 0);
	assert_int_equal(addr_cmp(&p, &p), 0);
	assert_int_equal(addr_parse("::", AF_INET6, &q), 0);
	assert_true((addr_cmp(&p, &q) < 0) == (AF_INET < AF_INET6));
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_prefix_parse),
		cmocka_unit_test(test_addr_parse),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_mask_and_cmp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
