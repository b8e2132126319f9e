/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * libFuzzer target for the config parser: any bytes must give either a
 * config (which must then print) or an error string, never a crash or a
 * leak.  Build with ./configure --enable-fuzz CC=clang, then run e.g.
 * tests/fuzz/fuzz_conf -max_total_time=60 -detect_leaks=1 CORPUS_DIR
 * with tests/conf/cases as a seed corpus.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "conf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE	*devnull;
	struct conf	*c;
	char		*cause = NULL;

	if (devnull == NULL && (devnull = fopen("/dev/null", "we")) == NULL)
		abort();
	c = conf_load_buffer("fuzz.conf", (const char *)data, size, &cause);
	if (c == NULL) {
		/* A failed load always says why. */
		if (cause == NULL || *cause == '\0')
			abort();
		free(cause);
		return 0;
	}
	if (cause != NULL)
		abort();
	conf_print(devnull, c);
	conf_free(c);
	return 0;
}
