/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The files a config names, for the unit tests (see conffiles.h).
 */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "conffiles.h"
#include "xmalloc.h"

static int
conffiles_file(char **pathp, const char *dir, const char *name, mode_t mode)
{
	int	fd;

	xasprintf(pathp, "%s/%s", dir, name);
	fd = open(*pathp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd == -1)
		return -1;
	/* The umask may have taken bits away. */
	if (fchmod(fd, mode) == -1) {
		(void)close(fd);
		return -1;
	}
	return close(fd);
}

int
conffiles_write(const char *path, const char *text, mode_t mode)
{
	size_t	len = strlen(text);
	ssize_t	n;
	int	fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd == -1)
		return -1;
	while (len > 0) {
		if ((n = write(fd, text, len)) == -1) {
			(void)close(fd);
			return -1;
		}
		text += n;
		len -= (size_t)n;
	}
	if (fchmod(fd, mode) == -1) {
		(void)close(fd);
		return -1;
	}
	return close(fd);
}

int
conffiles_make(struct conffiles *cf, const char *name)
{
	memset(cf, 0, sizeof(*cf));
	xasprintf(&cf->dir, "/tmp/%s.XXXXXX", name);
	if (mkdtemp(cf->dir) == NULL) {
		free(cf->dir);
		cf->dir = NULL;
		return -1;
	}
	if (conffiles_file(&cf->identity, cf->dir, "id", 0600) == -1 ||
	    conffiles_file(&cf->known_hosts, cf->dir, "known_hosts",
	    0644) == -1 ||
	    conffiles_file(&cf->pppd, cf->dir, "pppd", 0755) == -1)
		return -1;
	return 0;
}

void
conffiles_remove(struct conffiles *cf)
{
	char	**paths[] = { &cf->identity, &cf->known_hosts, &cf->pppd };
	size_t	  i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (*paths[i] != NULL)
			(void)unlink(*paths[i]);	/* may not exist */
		free(*paths[i]);
		*paths[i] = NULL;
	}
	if (cf->dir != NULL)
		(void)rmdir(cf->dir);	/* best effort: a test's own files */
	free(cf->dir);
	cf->dir = NULL;
}

struct conf *
conffiles_link(const struct conffiles *cf, const char *extra, char **cause)
{
	struct conf	*c;
	char		*text;

	xasprintf(&text,
	    "link office\n"
	    "    host gw.example.org\n"
	    "    identity %s\n"
	    "    known-hosts %s\n"
	    "    pppd %s\n"
	    "    local-ip 10.9.0.1\n"
	    "    remote-ip 10.9.0.2\n"
	    "%s", cf->identity, cf->known_hosts, cf->pppd, extra);
	c = conf_load_buffer("test.conf", text, strlen(text), cause);
	free(text);
	return c;
}
