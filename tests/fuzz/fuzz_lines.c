/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * libFuzzer target for the text a pppd or a far-end command writes on
 * stderr (lines.c) and the far end's route report in it
 * (farend_routes_line()): the bytes, cut into chunks of a size the first
 * byte chooses, go through lines_feed() as a link's do.  Every line the
 * report parser takes has a status of 0 to 255; every line kept is
 * shorter than LINES_MAX and printable ASCII only (vis_buf()), whatever
 * the bytes.  Seeds: tests/fuzz/corpus/lines.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "farend.h"
#include "lines.h"
#include "log.h"
#include "ppp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static bool	take(const char *, void *);
static void	check_kept(const char *);

/* Take the route reports, as link.c's link_remote_line() does. */
static bool
take(const char *line, void *arg)
{
	const char	*err = NULL;
	int		 st = -1, r;

	(void)arg;
	if (strlen(line) >= LINES_MAX)
		abort();
	r = farend_routes_line(line, &st, &err);
	if (r != 0 && r != 1)
		abort();
	if (r == 1 && (st < 0 || st > 255 || err == NULL))
		abort();
	return r == 1;
}

static void
check_kept(const char *s)
{
	size_t	i, n = strlen(s);

	if (n >= LINES_MAX)
		abort();
	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool	 ready;
	static FILE	*devnull;
	struct lines	 ll;
	size_t		 chunk, off, n;

	if (!ready) {
		/*
		 * lines_feed() logs each line it keeps on stderr: send the
		 * FILE (not fd 2, where the sanitizers report) to /dev/null.
		 */
		log_init("fuzz_lines", true, 0);
		if ((devnull = fopen("/dev/null", "w")) == NULL)
			abort();
		stderr = devnull;
		ready = true;
	}
	if (size == 0)
		return 0;
	if (ppp_exit_reason(data[0]) == NULL)
		abort();
	chunk = 1 + data[0] % 97;
	data++;
	size--;
	lines_init(&ll, "link fuzz: remote");
	lines_take(&ll, take, NULL);
	for (off = 0; off < size; off += n) {
		n = size - off < chunk ? size - off : chunk;
		lines_feed(&ll, (const char *)data + off, n);
	}
	check_kept(ll.first);
	check_kept(ll.last);
	if (ll.len >= LINES_MAX)
		abort();
	lines_reset(&ll);
	return 0;
}
