/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * "Did you mean": the nearest of a list of words to a misspelt one, by
 * edit distance (insert, delete, substitute, swap two neighbours).  The
 * config parser offers keywords, vpnctl its commands.  Pure functions,
 * no allocation.
 */
#ifndef PPPSSH_SPELL_H
#define PPPSSH_SPELL_H

#include <stddef.h>

#define SPELL_WORD_MAX	64	/* longer words are never near anything */

/*
 * The edit distance between a and b (each at most SPELL_WORD_MAX
 * bytes; a longer one is at SPELL_WORD_MAX + 1 from everything).
 */
size_t		 spell_distance(const char *a, const char *b);

/*
 * The word of words[0..n-1] nearest to word, if it is near enough to
 * be the one meant: at most 1 edit for words of up to 4 bytes, 2 up to
 * 8, 3 beyond.  On a tie the first wins.  NULL when none is, and for
 * a word that is itself in the list.
 */
const char	*spell_suggest(const char *word, const char *const *words,
		    size_t n);

#endif
