/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * A growable byte buffer (see buf.h).  It grows by doubling from 256
 * bytes and keeps a NUL after the last byte, so s is a C string as long
 * as nothing added held a NUL.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xmalloc.h"

static size_t	buf_utf8_len(const unsigned char *);

void
buf_add(struct buf *b, const void *data, size_t len)
{
	size_t	size;

	if (b->len + len + 1 > b->size) {
		size = b->size ? b->size : 256;
		while (size < b->len + len + 1)
			size *= 2;
		b->s = xreallocarray(b->s, size, 1);
		b->size = size;
	}
	if (len != 0)
		memcpy(b->s + b->len, data, len);
	b->len += len;
	b->s[b->len] = '\0';
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = xvasprintf(&s, fmt, ap);
	va_end(ap);
	buf_add(b, s, (size_t)n);
	free(s);
}

void
buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
		if (b->s != NULL)
			b->s[0] = '\0';
		return;
	}
	memmove(b->s, b->s + n, b->len - n);
	b->len -= n;
	b->s[b->len] = '\0';
}

void
buf_free(struct buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->size = 0;
}

/*
 * The length of the well-formed UTF-8 sequence at p (lead byte >= 0x80),
 * or 0 if it is not one: overlong forms, surrogates and code points past
 * U+10FFFF are not.
 */
static size_t
buf_utf8_len(const unsigned char *p)
{
	size_t		n, i;
	uint32_t	cp;

	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		cp = p[0] & 0x07;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;	/* also stops at the NUL */
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

void
buf_add_json_string(struct buf *b, const char *s)
{
	const unsigned char	*p;
	size_t			 n;

	if (s == NULL) {
		buf_add(b, "null", 4);
		return;
	}
	buf_add(b, "\"", 1);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			buf_add(b, "\\\"", 2);
			continue;
		case '\\':
			buf_add(b, "\\\\", 2);
			continue;
		case '\n':
			buf_add(b, "\\n", 2);
			continue;
		case '\r':
			buf_add(b, "\\r", 2);
			continue;
		case '\t':
			buf_add(b, "\\t", 2);
			continue;
		}
		if (*p < 0x20 || *p == 0x7f) {
			buf_printf(b, "\\u%04x", *p);
			continue;
		}
		if (*p < 0x80) {
			buf_add(b, p, 1);
			continue;
		}
		if ((n = buf_utf8_len(p)) == 0) {
			buf_add(b, "\\ufffd", 6);
			continue;
		}
		buf_add(b, p, n);
		p += n - 1;
	}
	buf_add(b, "\"", 1);
}
