/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * vpnctl trust: add each gateway host key of a link to its known-hosts,
 * only once the admin has compared the fingerprint shown and said
 * --yes; a different key already there is a changed key and is refused.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "gw.h"
#include "ssh.h"
#include "vpnctl.h"
#include "xmalloc.h"

static int	trust_host(const struct ctl_target *, const struct link_conf *,
		    const struct conf_host *);
static int	trust_append(const char *path, const char *line,
		    char **cause);

/* Append line to path (created 0644), after a newline if it lacks one. */
static int
trust_append(const char *path, const char *line, char **cause)
{
	struct stat	 st;
	char		 last = '\n', *buf;
	size_t		 len;
	ssize_t		 n;
	int		 fd;

	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY |
	    O_NOFOLLOW, 0644);
	if (fd == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		xasprintf(cause, "%s: %s", path, S_ISREG(st.st_mode) ?
		    strerror(errno) : "not a regular file");
		(void)close(fd);
		return -1;
	}
	if (st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) != 1)
		last = '\n';
	xasprintf(&buf, "%s%s\n", last == '\n' ? "" : "\n", line);
	len = strlen(buf);
	n = write(fd, buf, len);
	free(buf);
	if (n != (ssize_t)len) {
		xasprintf(cause, "%s: write: %s", path, n == -1 ?
		    strerror(errno) : "short write");
		(void)close(fd);
		return -1;
	}
	if (close(fd) == -1) {
		xasprintf(cause, "%s: close: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* One host: 0 trusted (now or before), -1 not. */
static int
trust_host(const struct ctl_target *t, const struct link_conf *lc,
    const struct conf_host *h)
{
	struct gw	*g;
	const char	*stage;
	char		*cause = NULL, *type = NULL, *fp = NULL, *line = NULL;
	char		*self;
	int		 r = -1;

	self = ctl_target_vpnctl(t, "trust");
	if ((g = gw_open(h->name, h->port, lc->connect_timeout, &stage,
	    &cause)) == NULL) {
		fprintf(stderr, "vpnctl: link %s: %s\n", lc->name, cause);
		goto out;
	}
	if (ssh_hostkey(gw_ssh(g), h->name, h->port, &type, &fp, &line,
	    &cause) == -1) {
		fprintf(stderr, "vpnctl: link %s: host key of %s port %d: %s\n",
		    lc->name, h->name, h->port, cause);
		goto out;
	}
	printf("link %s: %s port %d offers %s %s\n", lc->name, h->name,
	    h->port, type, fp);
	if (ssh_check_hostkey(gw_ssh(g), lc->known_hosts, h->name, h->port,
	    &cause) == SSH_OK) {
		printf("link %s: already trusted in %s\n", lc->name,
		    lc->known_hosts);
		r = 0;
		goto out;
	}
	if (strstr(cause, "is unknown") == NULL) {
		/* Changed, revoked, or the file cannot be read. */
		fprintf(stderr, "vpnctl: link %s: refusing: %s\n", lc->name,
		    cause);
		goto out;
	}
	free(cause);
	cause = NULL;
	if (!t->yes) {
		printf("link %s: not trusted yet; compare this fingerprint "
		    "with the gateway's own (on it: ssh-keygen -lf %s) and "
		    "run again with --yes: %s %s --yes\n", lc->name,
		    ctl_hostkey_file(type), self, lc->name);
		goto out;
	}
	if (trust_append(lc->known_hosts, line, &cause) == -1) {
		fprintf(stderr, "vpnctl: link %s: %s\n", lc->name, cause);
		goto out;
	}
	printf("link %s: added to %s: %s\n", lc->name, lc->known_hosts, line);
	r = 0;
out:
	free(cause);
	free(type);
	free(fp);
	free(line);
	free(self);
	gw_close(g);
	return r;
}

int
ctl_trust(struct vpnctl *v, int argc, char **argv)
{
	struct ctl_target	 t;
	struct conf		*c;
	const struct link_conf	*lc;
	char			*cause = NULL;
	size_t			 i;
	int			 status = VPNCTL_OK;

	(void)v;
	if (ctl_target_args(argc, argv, true, &t) == -1 || t.name == NULL) {
		fprintf(stderr, "usage: vpnctl trust [-f file] name [--yes]\n");
		return VPNCTL_USAGE;
	}
	if (ctl_target_load(&t, &c, &lc) == -1)
		return VPNCTL_USAGE;
	if (ssh_lib_init(&cause) == -1) {
		fprintf(stderr, "vpnctl: %s\n", cause);
		free(cause);
		conf_free(c);
		return VPNCTL_FAILED;
	}
	for (i = 0; i < lc->hosts.n; i++) {
		if (trust_host(&t, lc, &lc->hosts.v[i]) == -1)
			status = VPNCTL_FAILED;
	}
	conf_free(c);
	ssh_lib_exit();
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "vpnctl: stdout: %s\n", strerror(errno));
		return VPNCTL_FAILED;
	}
	return status;
}
