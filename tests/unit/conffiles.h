/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The files a config names, for the unit tests that load one: a fresh
 * temporary directory holding an empty identity (0600), known_hosts
 * (0644) and pppd (0755), modes the config checks accept, and a config
 * of one link naming them.  A struct conffiles owns the paths;
 * conffiles_remove() removes the files and the directory and frees the
 * paths.
 */
#ifndef PPPSSH_CONFFILES_H
#define PPPSSH_CONFFILES_H

#include <sys/types.h>

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

/* Write text to path (mode, whatever the umask): 0, or -1 with errno. */
int	conffiles_write(const char *path, const char *text, mode_t mode);

struct conf;

/*
 * conf_load_buffer() of one link "office" to gw.example.org, local-ip
 * 10.9.0.1, remote-ip 10.9.0.2, with cf's files, then the lines extra
 * (the link's own: "    user vpn\n"): 7 lines before them.  The
 * config, or NULL with *cause set.
 */
struct conf	*conffiles_link(const struct conffiles *cf, const char *extra,
		    char **cause);

#endif
