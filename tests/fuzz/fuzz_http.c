/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * libFuzzer target for what vpnd reads from HTTP servers and what it
 * shows of outside text: a dyndns2 answer (ddns.c), the URL functions
 * that decide what is shown of a URL (http.c), and vis.c, which every
 * such text goes through.  Checks: the answer's word and address are printable, a
 * shown URL holds only printable ASCII and no user:password@, vis takes
 * all of its input within VIS_MAX() and gives printable ASCII.
 * Seeds: tests/fuzz/corpus/http.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ddns.h"
#include "http.h"
#include "vis.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ddns_answer	 a;
	char			*s, *shown, *out, *p;
	bool			 https;
	char			*host, *query, *cause = NULL;

	(void)ddns_answer_parse((const char *)data, size, &a);
	printable(a.word);
	printable(a.addr);

	out = xmalloc(VIS_MAX(size));
	if (vis_buf(out, VIS_MAX(size), (const char *)data, size, 0) != size)
		abort();
	printable(out);
	free(out);

	s = xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	shown = http_url_shown(s);
	printable(shown);
	/* No user:password@ survives. */
	if ((p = strstr(shown, "://")) != NULL && strchr(p, '@') != NULL)
		abort();
	free(shown);
	if (http_url_split(s, &https, &host, &query, &cause) == 0) {
		free(host);
		free(query);
	} else
		free(cause);
	free(s);
	return 0;
}
