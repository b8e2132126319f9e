/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The files a config names, for the unit tests that load one: a fresh
 * temporary directory holding an empty identity (0600), known_hosts
 * (0644) and pppd (0755), modes the config checks accept.  A struct
 * conffiles owns the paths; conffiles_remove() removes the files and
 * the directory and frees the paths.
 */
#ifndef PPPSSH_CONFFILES_H
#define PPPSSH_CONFFILES_H

struct conffiles {
	char	*dir;
	char	*identity;
	char	*known_hosts;
	char	*pppd;
};

/* Make them in /tmp/NAME.XXXXXX: 0, or -1 with errno set. */
int	conffiles_make(struct conffiles *, const char *name);
/* Remove what conffiles_make() made (also after it failed). */
void	conffiles_remove(struct conffiles *);

#endif
