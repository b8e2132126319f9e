/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * vpnctl's commands that live in their own files (ctl-NAME.c), what
 * they share with vpnctl.c (the argument conventions, one request on
 * the control socket), and the exit statuses every command uses.
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

struct ctlmsg_reply;

/* Global options, for every command. */
struct vpnctl {
	const char	*socket;	/* -s, or the default */
};

/* An option of a command: "--name", with a value if has_value. */
struct vpnctl_opt {
	const char	*name;
	bool		 has_value;
	bool		 seen;		/* set by vpnctl_args() */
	const char	*value;		/* the word after it */
};

/*
 * Split a command's argv (argv[0] is the command; -h and --opt=value
 * are handled before a command sees its arguments) into at most one
 * link name (if want_name) and the options of opts, an array ended by
 * a NULL name (or opts NULL: none).  -1 on anything else, an option
 * given twice, or a value missing.
 */
int		 vpnctl_args(int argc, char **argv, bool want_name,
		    struct vpnctl_opt *opts, const char **name);
/* Print the usage line of command name on stderr; VPNCTL_USAGE. */
int		 vpnctl_usage(const char *name);

/*
 * Send argv as one request and wait at most timeout_ms (-1: no limit)
 * for each reply line; hand the link, stage and json lines to fn (if
 * not NULL); print the final "ok" text and the detail lines on stdout,
 * or the detail lines and the error on stderr.  Returns the exit status.
 */
int		 vpnctl_call(struct vpnctl *, int argc, const char *const *argv,
		    int timeout_ms,
		    void (*fn)(const struct ctlmsg_reply *, void *), void *arg);

/* "1h02m", "3m05s", "12s": at most size bytes into buf. */
const char	*vpnctl_duration(time_t secs, char *buf, size_t size);

/* status [name] [--json]: the links, at a glance (ctl-status.c). */
int		 ctl_status(struct vpnctl *, int argc, char **argv);
/* up name [--wait [--timeout s]]: dial, and follow it (ctl-up.c). */
int		 ctl_up(struct vpnctl *, int argc, char **argv);
/* metrics: vpnd's Prometheus exposition (ctl-metrics.c). */
int		 ctl_metrics(struct vpnctl *, int argc, char **argv);

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

/*
 * setup, trust and doctor are vpnctl-gateway's (vpnctl-gateway.c): the
 * only commands that need libssh2 and OpenSSL.  vpnctl runs it with
 * the command and its arguments.
 */
#define VPNCTL_GATEWAY	"vpnctl-gateway"

/* setup [-f file] name: what the gateway's admin needs. */
int		 ctl_setup(struct vpnctl *, int argc, char **argv);
/* trust [-f file] name [--yes]: add the gateway's host key. */
int		 ctl_trust(struct vpnctl *, int argc, char **argv);
/* doctor [-f file] [name]: every check, one line each. */
int		 ctl_doctor(struct vpnctl *, int argc, char **argv);

#endif
