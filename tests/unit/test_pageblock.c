/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * test_pageblock.c - pageblock.c: a block of whole pages, its zero pages
 * handed back by pageblock_trim() while every byte reads the same, and
 * what mincore() says is resident before and after.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pageblock.h"

static void
test_trim(void **state)
{
	size_t		 pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t		 len = 16 * pg + 100, i, res;
	unsigned char	*b;

	(void)state;
	b = pageblock_new(len);
	assert_non_null(b);
	assert_int_equal((uintptr_t)b % pg, 0);
	/* Untouched: nothing resident, nothing to hand back. */
	assert_int_equal(pageblock_resident(b, len), 0);

	/* Every page written, as a zeroing memset() does; then two bytes. */
	memset(b, 0, len);
	b[3] = 0xa5;
	b[5 * pg + 7] = 0x5a;
	b[len - 1] = 0x01;
	res = pageblock_resident(b, len);
	assert_int_equal(res, 17 * pg);

	/* 14 of the 17 pages hold only zeros. */
	assert_int_equal(pageblock_trim(b, len), 14 * pg);
	assert_int_equal(pageblock_resident(b, len), 3 * pg);
	for (i = 0; i < len; i++) {
		if (i == 3)
			assert_int_equal(b[i], 0xa5);
		else if (i == 5 * pg + 7)
			assert_int_equal(b[i], 0x5a);
		else if (i == len - 1)
			assert_int_equal(b[i], 0x01);
		else if (b[i] != 0)
			fail_msg("byte %zu is %#x after the trim", i, b[i]);
	}
	/*
	 * Reading the dropped pages mapped the kernel's zero page, which
	 * mincore() counts: trimmed again, they go again.
	 */
	assert_int_equal(pageblock_resident(b, len), 17 * pg);
	assert_int_equal(pageblock_trim(b, len), 14 * pg);
	assert_int_equal(pageblock_resident(b, len), 3 * pg);
	/* A trim reads only pages that are mapped: it maps none. */
	assert_int_equal(pageblock_trim(b, len), 0);
	assert_int_equal(pageblock_resident(b, len), 3 * pg);

	/* A page written again is the block's as before. */
	b[2 * pg] = 0x42;
	assert_int_equal(b[2 * pg], 0x42);
	assert_int_equal(pageblock_resident(b, len), 4 * pg);
	assert_int_equal(pageblock_trim(b, len), 0);
	pageblock_free(b, len);

	assert_null(pageblock_new(0));
	assert_null(pageblock_new(SIZE_MAX));
	assert_int_equal(pageblock_trim(NULL, len), 0);
	pageblock_free(NULL, len);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trim),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
