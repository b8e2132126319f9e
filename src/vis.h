/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Text from outside (the far end's stderr and vpn-peer's replies, a
 * local pppd, an HTTP server's answer or libcurl's and libssh2's words
 * about it, a request vpn-peer refused) made safe to show before it
 * reaches a log line, syslog, vpnctl's terminal, cron's mail or a
 * notification: every byte that is not printable ASCII becomes \xNN, so
 * that no escape sequence, bell, carriage return or line break of
 * somebody else's gets through.  The one function for it: everything
 * that keeps or shows such text calls vis_buf() or vis_str().
 */
#ifndef PPPSSH_VIS_H
#define PPPSSH_VIS_H

#include <stddef.h>

/* Also escape '"' and '\' (for text shown between double quotes). */
#define VIS_QUOTE	0x1

/* At most 4 output bytes per input byte: "\xNN". */
#define VIS_MAX(n)	((n) * 4 + 1)

/*
 * Write the len bytes of src into dst (dstsize > 0 bytes, always
 * NUL-terminated), each byte outside 0x20..0x7e as \xNN (and '"' and
 * '\' too with VIS_QUOTE).  An escape that does not fit is left out
 * whole, with everything after it.  Returns how many bytes of src went
 * in: len unless dst was too short.
 */
size_t	 vis_buf(char *dst, size_t dstsize, const char *src, size_t len,
	    int flags);

/*
 * The string s, at most max of its bytes, made safe as vis_buf() does,
 * with "..." after it when s was longer (caller frees).  A NULL s gives
 * "(none)".
 */
char	*vis_str(const char *s, size_t max, int flags);

#endif
