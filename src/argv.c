/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * A growable argv (see argv.h).  Lists are short (a command line, a
 * config keyword's words), so the vector grows one slot at a time.
 */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "argv.h"
#include "xmalloc.h"

void
argv_add(struct argv *a, const char *word)
{
	a->v = xreallocarray(a->v, a->n + 2, sizeof(*a->v));
	a->v[a->n++] = xstrdup(word);
	a->v[a->n] = NULL;
}

void
argv_addf(struct argv *a, const char *fmt, ...)
{
	va_list	 ap;
	char	*word;

	va_start(ap, fmt);
	xvasprintf(&word, fmt, ap);
	va_end(ap);
	argv_add(a, word);
	free(word);
}

void
argv_addv(struct argv *a, char *const *v)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		argv_add(a, v[i]);
}

void
argv_split(struct argv *a, const char *s)
{
	char	*copy, *word, *last;

	copy = xstrdup(s);
	for (word = strtok_r(copy, " ", &last); word != NULL;
	    word = strtok_r(NULL, " ", &last))
		argv_add(a, word);
	free(copy);
}

void
argv_copy(struct argv *dst, const struct argv *src)
{
	argv_clear(dst);
	argv_addv(dst, src->v);
}

bool
argv_equal(const struct argv *a, const struct argv *b)
{
	size_t	i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++) {
		if (strcmp(a->v[i], b->v[i]) != 0)
			return false;
	}
	return true;
}

void
argv_clear(struct argv *a)
{
	argv_free(a->v);
	a->v = NULL;
	a->n = 0;
}

void
argv_free(char **v)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}
