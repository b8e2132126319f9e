/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * A growable byte buffer, always NUL-terminated, and the JSON string
 * escaping written into it: the control protocol builds its lines in
 * one (ctlmsg.h), notify its JSON documents.  A struct buf owns s;
 * buf_free() releases it, and s may also be taken (then the caller
 * frees it and the struct is forgotten).  No I/O here.
 */
#ifndef PPPSSH_BUF_H
#define PPPSSH_BUF_H

#include <stddef.h>

/* Zero-initialised is empty (s NULL until something is added). */
struct buf {
	char		*s;
	size_t		 len;
	size_t		 size;
};

/* Append len bytes (len 0 still makes s a valid ""). */
void	buf_add(struct buf *, const void *, size_t len);
/* Append the printf-formatted text. */
void	buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Drop the first n bytes (all of them if n >= len). */
void	buf_consume(struct buf *, size_t n);
/* Free the contents; the buffer is empty and may be used again. */
void	buf_free(struct buf *);

/*
 * Append s as a JSON string with its quotes: '"', '\\' and control
 * bytes escaped, invalid UTF-8 replaced by U+FFFD; NULL gives null.
 */
void	buf_add_json_string(struct buf *, const char *s);

#endif
