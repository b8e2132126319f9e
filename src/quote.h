/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * POSIX shell quoting for the command lines vpnd sends to the far end
 * (the remote pppd, the remote route commands): whatever a word holds,
 * a POSIX sh parses the quoted form back into exactly that one word.
 */
#ifndef PPPSSH_QUOTE_H
#define PPPSSH_QUOTE_H

/*
 * Return word quoted for a POSIX shell (caller frees).  A word made only
 * of characters no shell treats specially (letters, digits and
 * "%+,-./:@_") is returned as is; anything else is put in single quotes,
 * an embedded ' becoming '\''.  The empty word becomes ''.
 */
char	*sh_quote(const char *word);

/*
 * Quote each word of the NULL-terminated argv and join them with single
 * spaces (caller frees).  An empty argv gives "".
 */
char	*sh_join(char *const argv[]);

#endif
