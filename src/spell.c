/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * "Did you mean" (see spell.h): optimal string alignment distance, by
 * the usual dynamic programme over three rows on the stack; the
 * suggestion aligns only the words whose length could make them near.
 */
#include "config.h"

#include <string.h>

#include "spell.h"

static size_t
spell_min3(size_t a, size_t b, size_t c)
{
	size_t	m = a < b ? a : b;

	return m < c ? m : c;
}

size_t
spell_distance(const char *a, const char *b)
{
	size_t	rows[3][SPELL_WORD_MAX + 1];
	size_t	*pp, *prev, *cur, *tmp;
	size_t	la = strlen(a), lb = strlen(b), i, j, cost;

	if (la > SPELL_WORD_MAX || lb > SPELL_WORD_MAX)
		return SPELL_WORD_MAX + 1;
	pp = rows[0];
	prev = rows[1];
	cur = rows[2];
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			cost = a[i - 1] == b[j - 1] ? 0 : 1;
			cur[j] = spell_min3(prev[j] + 1, cur[j - 1] + 1,
			    prev[j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < cur[j])
				cur[j] = pp[j - 2] + 1;
		}
		tmp = pp;
		pp = prev;
		prev = cur;
		cur = tmp;
	}
	return prev[lb];
}

const char *
spell_suggest(const char *word, const char *const *words, size_t n)
{
	const char	*best = NULL;
	size_t		 i, d, bestd, len = strlen(word), wlen, limit;

	limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
	bestd = limit + 1;
	for (i = 0; i < n; i++) {
		if (strcmp(word, words[i]) == 0)
			return NULL;
		/*
		 * The lengths' difference is a lower bound on the
		 * distance: a word that cannot beat the best so far is
		 * not aligned (each alignment is len x len steps).
		 */
		wlen = strlen(words[i]);
		if ((len > wlen ? len - wlen : wlen - len) >= bestd)
			continue;
		d = spell_distance(word, words[i]);
		if (d < bestd) {
			bestd = d;
			best = words[i];
		}
	}
	return best;
}
