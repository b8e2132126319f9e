/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * A growable argv: owned strings with a NULL after the last, ready for
 * execv().  The command lines built word by word (both pppds, ip, sudo,
 * kill) and the configuration's word lists (remote-command,
 * pppd-options) are each one of these.  An argv owns its words; v can
 * be taken out of it and later freed with argv_free().
 */
#ifndef PPPSSH_ARGV_H
#define PPPSSH_ARGV_H

#include <stdbool.h>
#include <stddef.h>

/* Zero-initialised is empty. */
struct argv {
	char	**v;	/* v[0..n-1] then NULL; NULL while nothing was added */
	size_t	  n;
};

/* Append a copy of word. */
void	 argv_add(struct argv *, const char *word);
/* Append the printf-formatted word. */
void	 argv_addf(struct argv *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Append a copy of each word of the NULL-terminated v; NULL adds none. */
void	 argv_addv(struct argv *, char *const *v);
/* Append the words of s, separated by blanks (' '). */
void	 argv_split(struct argv *, const char *s);
/* Make dst a copy of src (dst's old words are freed). */
void	 argv_copy(struct argv *dst, const struct argv *src);
/* The same words in the same order. */
bool	 argv_equal(const struct argv *, const struct argv *);
/* Free the words; the argv is empty and may be used again. */
void	 argv_clear(struct argv *);
/* Free a NULL-terminated vector taken out of an argv; NULL is a no-op. */
void	 argv_free(char **v);

#endif
