/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * POSIX shell quoting.  Inside single quotes a POSIX shell takes every
 * byte literally (no expansion, no escape, newlines included) except
 * the closing quote itself, so single quotes plus '\'' for an embedded
 * quote cover any string.  Words that need no quoting are left bare so
 * that logged command lines stay readable.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "quote.h"
#include "xmalloc.h"

static bool	sh_safe(const char *);

/*
 * True if word can go to the shell unquoted.  '=' is left out (a bare
 * NAME=value first word is an assignment, not a command), as are '~'
 * (tilde expansion), '#' (comment), glob characters and everything the
 * shell treats as an operator, quote or expansion.  Bytes >= 0x80 are
 * quoted too: their meaning depends on the shell's locale.
 */
static bool
sh_safe(const char *word)
{
	const char	*p;

	if (*word == '\0')
		return false;
	for (p = word; *p != '\0'; p++) {
		if (*p >= 'a' && *p <= 'z')
			continue;
		if (*p >= 'A' && *p <= 'Z')
			continue;
		if (*p >= '0' && *p <= '9')
			continue;
		if (strchr("%+,-./:@_", *p) == NULL)
			return false;
	}
	return true;
}

char *
sh_quote(const char *word)
{
	const char	*p;
	char		*out, *q;
	size_t		 len, nquote = 0;

	if (sh_safe(word))
		return xstrdup(word);

	len = strlen(word);
	for (p = word; *p != '\0'; p++) {
		if (*p == '\'')
			nquote++;
	}
	/* Each ' grows by 3 ('\''); 2 for the outer quotes, 1 for NUL. */
	if (nquote > (SIZE_MAX - len - 3) / 3)
		fatalx("sh_quote: word too long");
	out = q = xmalloc(len + 3 * nquote + 3);
	*q++ = '\'';
	for (p = word; *p != '\0'; p++) {
		if (*p == '\'') {
			memcpy(q, "'\\''", 4);
			q += 4;
		} else
			*q++ = *p;
	}
	*q++ = '\'';
	*q = '\0';
	return out;
}

char *
sh_join(char *const argv[])
{
	char	*out, *word;
	size_t	 i, len = 0, cap = 64, wlen;

	out = xmalloc(cap);
	out[0] = '\0';
	for (i = 0; argv[i] != NULL; i++) {
		word = sh_quote(argv[i]);
		wlen = strlen(word);
		if (wlen > SIZE_MAX - len - 2)
			fatalx("sh_join: command too long");
		while (len + wlen + 2 > cap) {
			out = xreallocarray(out, cap, 2);
			cap *= 2;
		}
		if (i > 0)
			out[len++] = ' ';
		memcpy(out + len, word, wlen + 1);
		len += wlen;
		free(word);
	}
	return out;
}
