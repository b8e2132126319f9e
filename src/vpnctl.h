/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * vpnctl's commands that live in their own files (ctl-NAME.c), and the
 * exit statuses every command uses.
 */
#ifndef PPPSSH_VPNCTL_H
#define PPPSSH_VPNCTL_H

#include <stdbool.h>
#include <time.h>

struct conf;
struct link_conf;


#define VPNCTL_OK	0	/* done; the link is up (check) */
#define VPNCTL_FAILED	1	/* the operation failed; watchdog acted */
#define VPNCTL_USAGE	2	/* usage or configuration error */

/* Global options, for every command. */
struct vpnctl {
	const char	*socket;	/* -s, or the default */
};

/* "1h02m", "3m05s", "12s": at most size bytes into buf. */
const char	*vpnctl_duration(time_t secs, char *buf, size_t size);

/*
 * watchdog [-f file] [-p pidfile] [--down-after s] [--init path]
 * [--unit name]
 */
int		 ctl_watchdog(struct vpnctl *, int argc, char **argv);

/*
 * The arguments of setup, trust and doctor: [-f file] [name] [--yes]
 * (--yes only where yes_ok).  Returns 0, or -1 on a usage error.
 */
struct ctl_target {
	const char	*file;		/* -f, or NULL: the default */
	const char	*name;		/* NULL if not given */
	bool		 yes;		/* --yes */
};
int		 ctl_target_args(int argc, char **argv, bool yes_ok,
		    struct ctl_target *);
/* The config file a target names. */
const char	*ctl_target_file(const struct ctl_target *);
/*
 * Load the target's config and find its link (setup, trust); a missing
 * known-hosts file is created empty first.  Returns 0, or -1 having
 * printed why on stderr.  Free *c with conf_free().
 */
int		 ctl_target_load(const struct ctl_target *, struct conf **c,
		    const struct link_conf **lc);
/*
 * "vpnctl CMD -f FILE" (-f only when it was given), to tell the admin
 * what to run next.  Caller frees.
 */
char		*ctl_target_vpnctl(const struct ctl_target *, const char *cmd);
/* The file to compare a host key type with on the gateway. */
const char	*ctl_hostkey_file(const char *type);

/* setup [-f file] name: what the gateway's admin needs. */
int		 ctl_setup(struct vpnctl *, int argc, char **argv);
/* trust [-f file] name [--yes]: add the gateway's host key. */
int		 ctl_trust(struct vpnctl *, int argc, char **argv);
/* doctor [-f file] [name]: every check, one line each. */
int		 ctl_doctor(struct vpnctl *, int argc, char **argv);

#endif
