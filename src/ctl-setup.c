/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * vpnctl setup: what the gateway's admin must add for a link (its
 * authorized_keys line, its sudoers lines, the host key to compare),
 * and the argument and config handling setup, trust and doctor share.
 * None of them talks to vpnd: they read the configuration file.
 */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "doctor.h"
#include "farend.h"
#include "gw.h"
#include "ssh.h"
#include "vpnctl.h"
#include "xmalloc.h"

static int	setup_usage(void);
static void	setup_hostkey(const struct ctl_target *,
		    const struct link_conf *, const struct conf_host *);

int
ctl_target_args(int argc, char **argv, bool yes_ok, struct ctl_target *t)
{
	int	i;

	memset(t, 0, sizeof(*t));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-f") == 0 && i + 1 < argc &&
		    t->file == NULL)
			t->file = argv[++i];
		else if (yes_ok && strcmp(argv[i], "--yes") == 0)
			t->yes = true;
		else if (argv[i][0] != '-' && argv[i][0] != '\0' &&
		    t->name == NULL)
			t->name = argv[i];
		else
			return -1;
	}
	return 0;
}

const char *
ctl_target_file(const struct ctl_target *t)
{
	return t->file != NULL ? t->file : VPN_CONF;
}

char *
ctl_target_vpnctl(const struct ctl_target *t, const char *cmd)
{
	char	*s;

	if (t->file == NULL)
		xasprintf(&s, "vpnctl %s", cmd);
	else
		xasprintf(&s, "vpnctl %s -f %s", cmd, t->file);
	return s;
}

const char *
ctl_hostkey_file(const char *type)
{
	if (strcmp(type, "ssh-ed25519") == 0)
		return "/etc/ssh/ssh_host_ed25519_key.pub";
	if (strncmp(type, "ecdsa-", 6) == 0)
		return "/etc/ssh/ssh_host_ecdsa_key.pub";
	if (strcmp(type, "ssh-rsa") == 0 || strncmp(type, "rsa-", 4) == 0)
		return "/etc/ssh/ssh_host_rsa_key.pub";
	return "/etc/ssh/ssh_host_*_key.pub";
}

static int
setup_usage(void)
{
	fprintf(stderr, "usage: vpnctl setup [-f file] name\n");
	return VPNCTL_USAGE;
}

/*
 * If every line of errors says a known-hosts file does not exist,
 * create each one empty (0644) and return 0; else -1, nothing done.
 * A fresh install has none yet, and setup and trust are what fill it.
 */
static int
setup_create_known_hosts(const char *errors)
{
	const char	*key = "known-hosts: ";
	char		*copy, *s, *line, *p, *e, *missing;
	char		**paths = NULL;
	size_t		 n = 0, i;
	int		 fd, r = -1;

	xasprintf(&missing, ": %s", strerror(ENOENT));
	copy = xstrdup(errors);
	for (s = copy; (line = strsep(&s, "\n")) != NULL;) {
		if ((p = strstr(line, key)) == NULL || *(p += strlen(key)) !=
		    '/' || strlen(line) < strlen(missing) ||
		    strcmp(line + strlen(line) - strlen(missing), missing) != 0)
			goto out;
		e = line + strlen(line) - strlen(missing);
		if (e - p > 10 && strncmp(e - 10, " (default)", 10) == 0)
			e -= 10;
		*e = '\0';
		paths = xreallocarray(paths, n + 1, sizeof(*paths));
		paths[n++] = p;
	}
	for (i = 0; i < n; i++) {
		fd = open(paths[i], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
		    O_NOFOLLOW, 0644);
		if (fd == -1 && errno != EEXIST) {
			fprintf(stderr, "vpnctl: create %s: %s\n", paths[i],
			    strerror(errno));
			goto out;
		}
		if (fd != -1) {
			(void)close(fd);
			fprintf(stderr, "vpnctl: created an empty %s\n",
			    paths[i]);
		}
	}
	r = n > 0 ? 0 : -1;
out:
	free(paths);
	free(copy);
	free(missing);
	return r;
}

int
ctl_target_load(const struct ctl_target *t, struct conf **cp,
    const struct link_conf **lcp)
{
	char	*cause = NULL;

	*cp = conf_load(ctl_target_file(t), &cause);
	if (*cp == NULL && setup_create_known_hosts(cause) == 0) {
		free(cause);
		*cp = conf_load(ctl_target_file(t), &cause);
	}
	if (*cp == NULL) {
		fprintf(stderr, "%s\nvpnctl: %s: configuration errors (vpnctl "
		    "doctor says how to fix them)\n", cause,
		    ctl_target_file(t));
		free(cause);
		return -1;
	}
	if ((*lcp = conf_link_find(*cp, t->name)) == NULL) {
		fprintf(stderr, "vpnctl: %s: no link %s\n", ctl_target_file(t),
		    t->name);
		conf_free(*cp);
		*cp = NULL;
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ setup */

/* The host key section for one host. */
static void
setup_hostkey(const struct ctl_target *t, const struct link_conf *lc,
    const struct conf_host *h)
{
	struct gw	*g;
	const char	*stage;
	char		*cause = NULL, *type = NULL, *fp = NULL, *known;
	char		*self;

	self = ctl_target_vpnctl(t, "trust");
	if ((g = gw_open(h->name, h->port, lc->connect_timeout, &stage,
	    &cause)) == NULL) {
		printf("host key of %s port %d: not read (%s)\n"
		    "read it on the gateway:\n"
		    "    ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\n"
		    "and here, once the gateway answers: %s %s\n",
		    h->name, h->port, cause, self, lc->name);
		free(cause);
		free(self);
		return;
	}
	if (ssh_hostkey(gw_ssh(g), h->name, h->port, &type, &fp, NULL,
	    &cause) == -1) {
		printf("host key of %s port %d: not read (%s)\n", h->name,
		    h->port, cause);
		free(cause);
		gw_close(g);
		free(self);
		return;
	}
	if (ssh_check_hostkey(gw_ssh(g), lc->known_hosts, h->name, h->port,
	    &cause) == SSH_OK)
		xasprintf(&known, "already trusted in %s", lc->known_hosts);
	else if (strstr(cause, "is unknown") != NULL)
		xasprintf(&known, "not yet in %s", lc->known_hosts);
	else
		xasprintf(&known, "NOT the key %s holds: see %s %s",
		    lc->known_hosts, self, lc->name);
	printf("host key of %s port %d: %s %s (%s)\n"
	    "compare it with what this prints on the gateway:\n"
	    "    ssh-keygen -lf %s\n"
	    "then trust it here: %s %s --yes\n",
	    h->name, h->port, type, fp, known, ctl_hostkey_file(type), self,
	    lc->name);
	free(cause);
	free(known);
	free(type);
	free(fp);
	free(self);
	gw_close(g);
}

int
ctl_setup(struct vpnctl *v, int argc, char **argv)
{
	struct ctl_target	 t;
	struct conf		*c;
	const struct link_conf	*lc;
	struct farend		 fe;
	struct farend_cmds	 cmds;
	char			*pub = NULL, *ak, *sudoers, *cause = NULL;
	char			*self;
	size_t			 i;

	(void)v;
	if (ctl_target_args(argc, argv, false, &t) == -1 || t.name == NULL)
		return setup_usage();
	if (ctl_target_load(&t, &c, &lc) == -1)
		return VPNCTL_USAGE;
	if (doctor_pubkey(lc, &pub, &cause) == -1) {
		fprintf(stderr, "vpnctl: link %s: public key: %s\n", lc->name,
		    cause);
		free(cause);
		conf_free(c);
		return VPNCTL_FAILED;
	}
	if (ssh_lib_init(&cause) == -1) {
		fprintf(stderr, "vpnctl: %s\n", cause);
		free(cause);
		free(pub);
		conf_free(c);
		return VPNCTL_FAILED;
	}

	printf("link %s: what the gateway needs, for user %s\n\n", lc->name,
	    lc->user);
	farend_init(&fe, lc);
	ak = farend_authorized_keys(&fe, pub);
	printf("authorized_keys line for user %s (~%s/.ssh/authorized_keys "
	    "on the gateway), one line:\n%s\n\n", lc->user, lc->user, ak);
	free(ak);

	farend_sudo_cmds(&fe, &cmds);
	if ((sudoers = farend_sudoers(&fe, &cmds)) != NULL) {
		printf("sudoers lines for user %s (on the gateway: visudo -f "
		    "/etc/sudoers.d/pppssh-%s):\n%s", lc->user, lc->name,
		    sudoers);
		self = ctl_target_vpnctl(&t, "setup");
		printf("(these lines allow exactly this link's commands: run "
		    "%s %s again after changing its addresses, nets, "
		    "keepalive, mtu, compression or pppd options)\n\n", self,
		    lc->name);
		free(self);
		free(sudoers);
	} else if (cmds.other) {
		printf("remote-command is not run through sudo: let user %s "
		    "run it as root without a password and without a tty "
		    "yourself\n\n", lc->user);
	} else if (strcmp(lc->user, "root") == 0) {
		printf("sudoers: none needed, the link logs in as root\n\n");
	} else {
		printf("sudoers: none: remote-command runs pppd without "
		    "sudo, so user %s must be able to run it as is\n\n",
		    lc->user);
	}
	farend_cmds_free(&cmds);

	for (i = 0; i < lc->hosts.n; i++) {
		if (i > 0)
			printf("\n");
		setup_hostkey(&t, lc, &lc->hosts.v[i]);
	}
	free(pub);
	conf_free(c);
	ssh_lib_exit();
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "vpnctl: stdout: %s\n", strerror(errno));
		return VPNCTL_FAILED;
	}
	return VPNCTL_OK;
}
