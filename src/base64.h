/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Base64 with the standard alphabet of RFC 4648 (section 4), as OpenSSH
 * writes key blobs (padded) and SHA256 fingerprints (unpadded).  No
 * state, no I/O; every result is a new allocation the caller frees.
 */
#ifndef PPPSSH_BASE64_H
#define PPPSSH_BASE64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The base64 text of len bytes at in, NUL-terminated (caller frees).
 * With pad, the last group is filled up with '=' to four characters;
 * without, the '=' are left out.  len 0 gives "".
 */
char	*base64_encode(const void *in, size_t len, bool pad);

/*
 * Decode len characters of base64 at s into *outp (caller frees, never
 * NULL on success) and *outlen.  White space anywhere is skipped and the
 * '=' padding is optional.  Returns -1 (and sets nothing) for a
 * character outside the alphabet, anything but '=' or white space after
 * a '=', or more than two '='.
 */
int	 base64_decode(const char *s, size_t len, uint8_t **outp,
	    size_t *outlen);

#endif
