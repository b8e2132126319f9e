/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * vpn-peer, the gateway's forced command: what the admin allowed (its
 * own arguments, from authorized_keys), the requests vpnd sends
 * (SSH_ORIGINAL_COMMAND): their format, written by vpnd through
 * peer_request_format() and read back by the strict parser here, and
 * the argv of every program a request may run.  Nothing here goes
 * through a shell.
 *
 * Requests, words split on single spaces, only [A-Za-z0-9_./:-]:
 *
 *	pppd [lcp-echo-interval N] [lcp-echo-failure N] [mtu N]
 *	    [compression yes|no]
 *	route replace|del NET ...
 *	clean
 *	version
 */
#ifndef PPPSSH_PEER_H
#define PPPSSH_PEER_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"

/* What "version" prints after "vpn-peer "; bumped on a grammar change. */
#define PEER_PROTOCOL		1

#define PEER_REQUEST_MAX	1024	/* bytes of a request */
#define PEER_NETS_MAX		16	/* --net, and nets in one request */
#define PEER_WORDS_MAX		(3 + PEER_NETS_MAX)
#define PEER_PPPD_OPTIONS_MAX	32	/* --pppd-option */

#define PEER_DEF_IFNAME		"vpn-peer"
#define PEER_DEF_PPPD		"/usr/sbin/pppd"
#define PEER_DEF_IP		"/sbin/ip"
#define PEER_DEF_PKILL		"/usr/bin/pkill"
#define PEER_DEF_SUDO		"/usr/bin/sudo"
#define PEER_DEF_RUNDIR		"/run"
#define PEER_DEF_ECHO_INTERVAL	10
#define PEER_DEF_ECHO_FAILURE	3

/*
 * What the admin allowed.  Strings belong to the caller (argv, or the
 * defaults) and must outlive the struct.
 */
struct peer_conf {
	const char	*ip;		/* --ip: this end's address */
	const char	*peer;		/* --peer: vpnd's end */
	const char	*ifname;	/* --ifname; also pppd's linkname */
	const char	*pppd;		/* --pppd, absolute */
	const char	*ip_command;	/* --ip-command, absolute */
	const char	*pkill_command;	/* --pkill-command, absolute */
	const char	*sudo_command;	/* --sudo-command, absolute */
	bool		 sudo;		/* --sudo: pppd, ip, pkill by sudo -n */
	const char	*rundir;	/* --run-dir: pppd's ppp-NAME.pid */
	const char	*pppd_options[PEER_PPPD_OPTIONS_MAX + 1];
	size_t		 npppd_options;
	struct prefix	 nets[PEER_NETS_MAX]; /* --net, canonical */
	size_t		 nnets;
};

enum peer_verb {
	PEER_PPPD,
	PEER_ROUTE,
	PEER_CLEAN,
	PEER_VERSION
};

/* One parsed, validated request. */
struct peer_request {
	enum peer_verb	 verb;
	/* PEER_PPPD; the defaults when not asked for. */
	int		 lcp_echo_interval;
	int		 lcp_echo_failure;
	int		 mtu;		/* 0: pppd's default */
	bool		 compression;
	bool		 ipv6;		/* IPV6CP as well */
	/* PEER_ROUTE: each one of conf's nets, no repeats, in order. */
	bool		 route_del;
	struct prefix	 nets[PEER_NETS_MAX];
	size_t		 nnets;
};

/* The defaults: no addresses, no nets, no sudo. */
void	 peer_conf_init(struct peer_conf *);

/*
 * Add one permitted net ("172.16.1.0/24": host bits clear, not a
 * v4-mapped prefix, not given before).  Returns 0, or -1 with *cause
 * set (caller frees).
 */
int	 peer_conf_add_net(struct peer_conf *, const char *net,
	    char **cause);

/* Add one word for the end of pppd's command line; 0, or -1, *cause. */
int	 peer_conf_add_pppd_option(struct peer_conf *, const char *word,
	    char **cause);

/*
 * Check the whole: --ip and --peer IPv4 and different, a name pppd and
 * the kernel accept, absolute paths.  Returns 0, or -1 with *cause.
 */
int	 peer_conf_check(const struct peer_conf *, char **cause);

/*
 * Parse request (NULL: none) against c, which passed peer_conf_check().
 * Returns 0 and fills *r, or -1 with *cause set to the one-line reason
 * the request is refused (caller frees).
 */
int	 peer_request_parse(const struct peer_conf *c, const char *request,
	    struct peer_request *r, char **cause);

/*
 * The request for r, in the grammar peer_request_parse() reads: "pppd
 * lcp-echo-interval N lcp-echo-failure N [mtu N] [compression yes]",
 * "route replace|del NET ...", "clean", "version".  Parsed against a
 * conf that permits r's nets, it gives r back.  Caller frees.
 */
char	*peer_request_format(const struct peer_request *r);

/*
 * The argv (NULL-terminated, for execv(); free with argv_free()) of
 * the pppd a PEER_PPPD request starts, of the ip command for one net of
 * a PEER_ROUTE request, and of the pkill command that sends the pppd
 * of the key's pid file the signal sig ("TERM", "KILL") under --sudo
 * (ppp_remote_end_argv()).
 */
char	**peer_pppd_argv(const struct peer_conf *, const struct peer_request *);
char	**peer_route_argv(const struct peer_conf *, bool del,
	    const struct prefix *net);
char	**peer_end_argv(const struct peer_conf *, const char *sig);

/*
 * The pid of the pppd this key started before and that still runs: the
 * one in RUNDIR/ppp-IFNAME.pid, if /proc says it is a pppd with
 * "linkname IFNAME" on its command line.  0 if there is none.
 */
pid_t	 peer_stale_pid(const struct peer_conf *);

/*
 * End the stale pppd, if any: SIGTERM (by kill(2), or the pkill command
 * under --sudo), wait up to 3 s for it and its interface to go, then
 * SIGKILL and 1 s more.  Sets *pid to the pid ended (0: none).  Returns
 * 0, or -1 with *cause set.
 */
int	 peer_end_stale(const struct peer_conf *, pid_t *pid, char **cause);

/*
 * fork() and execv() argv, stdin from /dev/null, and wait for it.
 * Returns its exit status (128 + signal if killed), or -1 with *cause
 * set if it could not be run.
 */
int	 peer_run(char *const *argv, char **cause);

#endif
