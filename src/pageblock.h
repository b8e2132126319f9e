/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * pageblock.h - a block of whole pages of its own (an anonymous
 * mapping), for large blocks that are mostly zeros for long: pages that
 * hold only zeros can be handed back to the kernel without changing a
 * byte of what the block holds (a page dropped reads as zeros again and
 * costs memory only when written).  libssh2's session structure is one:
 * it zeroes its 16 KiB receive and 35,000-byte send buffers at creation,
 * which makes them resident, and an idle link uses the first pages of
 * each alone.
 */
#ifndef PPPSSH_PAGEBLOCK_H
#define PPPSSH_PAGEBLOCK_H

#include <stddef.h>

/*
 * A new block of len bytes (zeros), aligned to a page; NULL with errno
 * set when the kernel gives no mapping.
 */
void	*pageblock_new(size_t len);

/* Release a block of pageblock_new() of len bytes; NULL is nothing. */
void	 pageblock_free(void *p, size_t len);

/*
 * Hand the pages of [p, p + len) that hold only zeros back to the
 * kernel.  Returns the bytes handed back.  The block reads the same
 * afterwards.
 */
size_t	 pageblock_trim(void *p, size_t len);

/*
 * Hand every page of [p, p + len) back, whatever it holds: the block
 * reads as zeros afterwards.  For a buffer whose contents no longer
 * matter.  Returns the bytes handed back.
 */
size_t	 pageblock_discard(void *p, size_t len);

/*
 * The bytes of [p, p + len) mapped now (mincore()); 0 if unknown.  A page
 * read but never written since it was handed back maps the kernel's
 * shared zero page: counted here (until trimmed again), not in the RSS.
 */
size_t	 pageblock_resident(const void *p, size_t len);

#endif
