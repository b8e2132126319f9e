/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The two pppds of a link: the argv of the local one, the shell command
 * line of the remote one and of the remote route commands, and spawning
 * the local pppd on a fresh pty.  This module knows nothing of the
 * config file: the link code fills struct ppp_params from it.
 */
#ifndef PPPSSH_PPP_H
#define PPPSSH_PPP_H

#include <sys/types.h>

#include <stdbool.h>

/* pppd accepts an MRU/MTU in this range (pppd(8), "mru n"). */
#define PPP_MTU_MIN	128
#define PPP_MTU_MAX	16384

/*
 * Everything both pppd command lines are built from.  Strings and word
 * lists belong to the caller and must outlive the calls; word lists are
 * NULL-terminated, and a NULL list is an empty one.
 */
struct ppp_params {
	const char	 *local_pppd;	/* absolute path, "/usr/sbin/pppd" */
	const char	 *local_ifname;	/* "vpn-office" */
	const char	 *remote_ifname;
	const char	 *local_ip;	/* IPv4 dotted quad */
	const char	 *remote_ip;
	int		  lcp_echo_interval;	/* seconds, >= 1 */
	int		  lcp_echo_failure;	/* missed echoes, >= 1 */
	int		  mtu;		/* 0: pppd's default (1500) */
	bool		  compression;	/* false: noccp */
	const char	 *linkname;	/* remote /run/ppp-NAME.pid; NULL: none */
	char *const	 *local_extra;	/* appended to the local argv */
	char *const	 *remote_prefix;	/* {"sudo", "-n", "/usr/sbin/pppd"} */
	char *const	 *remote_extra;	/* appended to the remote command */
	char *const	 *remote_ip_prefix;	/* {"sudo", "-n", "/sbin/ip"} */
};

/* The local pppd once it runs. */
struct ppp_child {
	pid_t	 pid;
	int	 master;	/* pty master: O_NONBLOCK, FD_CLOEXEC */
	int	 errfd;		/* pppd's stderr: read end, O_NONBLOCK, FD_CLOEXEC */
};

/*
 * Check what the command lines are built from: interface and link names
 * pppd and the kernel accept, IPv4 addresses, LCP and MTU values in
 * range, an absolute local pppd path, a non-empty remote prefix.
 * Returns 0, or -1 with *cause set (caller frees).
 */
int	 ppp_params_check(const struct ppp_params *, char **cause);

/*
 * The local pppd's argv, NULL-terminated, for execv() without a shell;
 * argv[0] is local_pppd.  Free it with ppp_argv_free().  The params
 * must have passed ppp_params_check().
 */
char	**ppp_local_argv(const struct ppp_params *);
void	  ppp_argv_free(char **);

/*
 * The remote pppd command line: remote_prefix, the options, remote_extra,
 * every word shell-quoted so the remote shell sees exactly these words.
 * Caller frees.  The params must have passed ppp_params_check().
 */
char	 *ppp_remote_command(const struct ppp_params *);

/*
 * The remote route command "PREFIX [-6] route VERB NET dev IFNAME" for
 * the words of remote_ip_prefix, shell-quoted; -6 when net holds a ':'.
 * verb is "replace" or "del".  Caller frees.
 */
char	 *ppp_remote_route_command(const struct ppp_params *, const char *verb,
	    const char *net, const char *ifname);

/*
 * openpty(), the slave in raw mode, fork and exec the local pppd with
 * the slave as its stdin, stdout and controlling tty, its stderr a pipe,
 * every other fd closed, signal mask and dispositions reset.  Returns 0
 * and fills *out once pppd has been exec'd (the caller then owns the
 * pid, to watch and kill, and both fds, to close); or -1 with *cause
 * set ("exec /usr/sbin/pppd: No such file or directory"), nothing left
 * open and no child left behind.
 */
int	 ppp_spawn(const struct ppp_params *, struct ppp_child *out,
	    char **cause);

#endif
