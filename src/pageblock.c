/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * pageblock.c - blocks of whole pages whose all-zero pages go back to
 * the kernel (see pageblock.h).  Each block is one private anonymous
 * mapping, owned by whoever called pageblock_new() until
 * pageblock_free().
 */
#include "config.h"

#include <sys/mman.h>

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pageblock.h"

static size_t
pageblock_page(void)
{
	static size_t	page;
	long		n;

	if (page == 0) {
		n = sysconf(_SC_PAGESIZE);
		page = n > 0 ? (size_t)n : 4096;
	}
	return page;
}

static size_t
pageblock_round(size_t len)
{
	size_t	pg = pageblock_page();

	return (len + pg - 1) / pg * pg;
}

void *
pageblock_new(size_t len)
{
	void	*p;

	if (len == 0 || len > SIZE_MAX - pageblock_page()) {
		errno = EINVAL;
		return NULL;
	}
	p = mmap(NULL, pageblock_round(len), PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

void
pageblock_free(void *p, size_t len)
{
	if (p != NULL)
		(void)munmap(p, pageblock_round(len));
}

static bool
pageblock_zero(const unsigned char *q, size_t n)
{
	const uint64_t	*w = (const uint64_t *)(const void *)q;
	size_t		 i;

	/* Pages are 8-byte aligned and a multiple of 8 bytes long. */
	for (i = 0; i < n / sizeof(*w); i++)
		if (w[i] != 0)
			return false;
	return true;
}

/* Whether page i of the block at b is mapped; unknown counts as mapped. */
static bool
pageblock_mapped(const unsigned char *b, size_t i)
{
	size_t		pg = pageblock_page();
	unsigned char	v = 1;

	if (mincore((void *)(uintptr_t)(b + i * pg), pg, &v) == -1)
		return true;
	return (v & 1) != 0;
}

size_t
pageblock_trim(void *p, size_t len)
{
	unsigned char	*b = p, *run = NULL;
	size_t		 pg = pageblock_page(), n, i, dropped = 0;

	if (p == NULL)
		return 0;
	n = pageblock_round(len) / pg;
	for (i = 0; i <= n; i++) {
		/*
		 * A page not mapped is not memory: reading it to check
		 * would map one (the kernel's zero page).
		 */
		if (i < n && !pageblock_mapped(b, i))
			continue;
		if (i < n && pageblock_zero(b + i * pg, pg)) {
			if (run == NULL)
				run = b + i * pg;
			continue;
		}
		if (run != NULL) {
			if (madvise(run, (size_t)(b + i * pg - run),
			    MADV_DONTNEED) == 0)
				dropped += (size_t)(b + i * pg - run);
			run = NULL;
		}
	}
	return dropped;
}

size_t
pageblock_discard(void *p, size_t len)
{
	if (p == NULL || madvise(p, pageblock_round(len), MADV_DONTNEED) == -1)
		return 0;
	return pageblock_round(len);
}

size_t
pageblock_resident(const void *p, size_t len)
{
	unsigned char	 vec[64];
	size_t		 pg = pageblock_page(), n, i, done = 0, res = 0, k;

	if (p == NULL)
		return 0;
	n = pageblock_round(len) / pg;
	while (done < n) {
		k = n - done < sizeof(vec) ? n - done : sizeof(vec);
		if (mincore((void *)((uintptr_t)p + done * pg), k * pg,
		    vec) == -1)
			return 0;
		for (i = 0; i < k; i++)
			res += (vec[i] & 1) != 0 ? pg : 0;
		done += k;
	}
	return res;
}
