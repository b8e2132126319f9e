/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Making outside text safe to show (see vis.h).
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "vis.h"
#include "xmalloc.h"

static bool	vis_plain(unsigned char, int);

/* Is ch shown as itself? */
static bool
vis_plain(unsigned char ch, int flags)
{
	if (ch < 0x20 || ch > 0x7e)
		return false;
	if ((flags & VIS_QUOTE) && (ch == '"' || ch == '\\'))
		return false;
	return true;
}

size_t
vis_buf(char *dst, size_t dstsize, const char *src, size_t len, int flags)
{
	unsigned char	 ch;
	size_t		 i, o = 0;

	for (i = 0; i < len; i++) {
		ch = (unsigned char)src[i];
		if (vis_plain(ch, flags)) {
			if (o + 1 >= dstsize)
				break;
			dst[o++] = (char)ch;
			continue;
		}
		if (o + 4 >= dstsize)
			break;
		(void)snprintf(dst + o, 5, "\\x%02x", ch);
		o += 4;
	}
	dst[o] = '\0';
	return i;
}

char *
vis_str(const char *s, size_t max, int flags)
{
	char	*out;
	size_t	 len;

	if (s == NULL)
		return xstrdup("(none)");
	len = strnlen(s, max);
	out = xmalloc(VIS_MAX(len) + 3);
	(void)vis_buf(out, VIS_MAX(len), s, len, flags);
	if (s[len] != '\0')
		memcpy(out + strlen(out), "...", 4);
	return out;
}
