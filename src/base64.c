/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Base64 (see base64.h).  Three bytes make four characters of six bits
 * each, most significant first; a short last group is encoded as if
 * padded with zero bits.
 */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "xmalloc.h"

static const char base64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *
base64_encode(const void *in, size_t len, bool pad)
{
	const uint8_t	*p = in;
	char		*out, *o;
	uint32_t	 v;
	size_t		 i, left;

	o = out = xmalloc((len + 2) / 3 * 4 + 1);
	for (i = 0; i < len; i += 3) {
		left = len - i;
		v = (uint32_t)p[i] << 16;
		if (left > 1)
			v |= (uint32_t)p[i + 1] << 8;
		if (left > 2)
			v |= p[i + 2];
		*o++ = base64_alphabet[v >> 18 & 63];
		*o++ = base64_alphabet[v >> 12 & 63];
		if (left > 1)
			*o++ = base64_alphabet[v >> 6 & 63];
		else if (pad)
			*o++ = '=';
		if (left > 2)
			*o++ = base64_alphabet[v & 63];
		else if (pad)
			*o++ = '=';
	}
	*o = '\0';
	return out;
}

int
base64_decode(const char *s, size_t len, uint8_t **outp, size_t *outlen)
{
	const char	*c;
	uint8_t		*out;
	uint32_t	 v = 0;
	size_t		 i, n = 0, bits = 0, pad = 0;

	/* Six bits a character: at most len * 3 / 4 bytes. */
	out = xmalloc(len / 4 * 3 + 3);
	for (i = 0; i < len; i++) {
		if (isspace((unsigned char)s[i]))
			continue;
		if (s[i] == '=') {
			pad++;
			continue;
		}
		if (pad != 0 || s[i] == '\0' ||
		    (c = strchr(base64_alphabet, s[i])) == NULL)
			goto bad;
		v = v << 6 | (uint32_t)(c - base64_alphabet);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (uint8_t)(v >> bits);
		}
	}
	if (pad > 2)
		goto bad;
	*outp = out;
	*outlen = n;
	return 0;
bad:
	free(out);
	return -1;
}
