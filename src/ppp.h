/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The two pppds of a link: the argv of the local one, of the remote one,
 * of the remote route commands and of the command that ends a remote
 * pppd by its pid file, spawning the local pppd on a fresh pty, and
 * what pppd's exit status says.
 * This module knows nothing of the config file: farend.c fills struct
 * ppp_params from it (and peer.c from vpn-peer's arguments).
 */
#ifndef PPPSSH_PPP_H
#define PPPSSH_PPP_H

#include <sys/types.h>

#include <netinet/in.h>
#include <stdbool.h>

/*
 * The one set of bounds for what both pppds get: vpn.conf's mtu and
 * keepalive (conf.c), ppp_params_check() and vpn-peer's requests
 * (peer.c) all take these, so whatever vpnd accepts, both ends accept.
 * mtu: pppd takes 128 to 16384 (pppd(8), "mru n"); we take 576, the
 * IPv4 datagram every host must accept, up to 9000, jumbo Ethernet: no
 * LAN behind either gateway carries larger packets.  pppd sets no limit
 * on the LCP echo; an hour between echoes and 100 misses in a row
 * already leave a dead link up for days.
 */
#define PPP_MTU_MIN		576
#define PPP_MTU_MAX		9000
#define PPP_ECHO_INTERVAL_MAX	3600
#define PPP_ECHO_FAILURE_MAX	100
/* Name servers IPCP carries (RFC 1877): a primary and a secondary. */
#define PPP_DNS_MAX		2

/* Where pppd writes the pid file of its linkname: Debian's /run. */
#define PPP_RUNDIR		"/run"

/*
 * Everything both pppd command lines are built from.  Strings and word
 * lists belong to the caller and must outlive the calls; word lists are
 * NULL-terminated, and a NULL list is an empty one.
 */
/* The byte that starts and ends every PPP frame (RFC 1662). */
#define PPP_FLAG	0x7e

struct ppp_params {
	const char	 *local_pppd;	/* absolute: "/usr/sbin/pppd" */
	const char	 *local_ifname;	/* "vpn-office" */
	const char	 *remote_ifname;
	const char	 *local_ip;	/* IPv4 dotted quad */
	const char	 *remote_ip;
	int		  lcp_echo_interval;	/* seconds, >= 1 */
	int		  lcp_echo_failure;	/* missed echoes, >= 1 */
	int		  mtu;		/* 0: pppd's default (1500) */
	bool		  compression;	/* false: noccp */
	/* IPV6CP too (+ipv6): link-local addresses pppd picks. */
	bool		  ipv6;
	/*
	 * Local only: ask the peer for its name servers (usepeerdns), for
	 * vpnd to apply itself (dnsapply.h): pppd's scripts are not told
	 * (unset USEPEERDNS DNS1 DNS2), so Debian's ip-up.d/0000usepeerdns
	 * leaves /etc/resolv.conf alone and openresolv's 000resolvconf
	 * does not replace vpnd's record.
	 */
	bool		  peer_dns;
	/* Remote only: the name servers it offers (ms-dns), up to 2. */
	char *const	 *remote_dns;
	/* Remote only: /run/ppp-NAME.pid on the gateway; NULL: none. */
	const char	 *linkname;
	/* Where the remote pppd writes ppp-NAME.pid; NULL: PPP_RUNDIR. */
	const char	 *remote_rundir;
	char *const	 *local_extra;	/* appended to the local argv */
	/* First words of the remote command: sudo -n /usr/sbin/pppd */
	char *const	 *remote_prefix;
	char *const	 *remote_extra;	/* appended to the remote command */
	/*
	 * Remote only: pppd runs on the channel's pty (sshd's), so it needs
	 * no notty; false: stdin/stdout are pipes.
	 */
	bool		  remote_tty;
	/* First words of the remote route commands: sudo -n /sbin/ip */
	char *const	 *remote_ip_prefix;
	/* First words of the remote pkill: sudo -n /usr/bin/pkill */
	char *const	 *remote_pkill_prefix;
};

/* The local pppd once it runs; both fds O_NONBLOCK and FD_CLOEXEC. */
struct ppp_child {
	pid_t	 pid;
	int	 master;	/* the pty master */
	int	 errfd;		/* read end of pppd's stderr */
};

/*
 * Check what the command lines are built from: interface and link names
 * pppd and the kernel accept, IPv4 addresses, LCP and MTU values in
 * range, an absolute local pppd path, a non-empty remote prefix.
 * Returns 0, or -1 with *cause set (caller frees).
 */
int	 ppp_params_check(const struct ppp_params *, char **cause);

/*
 * Check n extra pppd option words (pppd-options, remote-pppd-options,
 * vpn-peer's --pppd-option) against the options pppssh allows, each
 * followed by the value it takes, of the form pppd reads.  Returns 0,
 * or -1 with *cause naming the word refused and why (caller frees).
 */
int	 ppp_options_check(char *const *words, size_t n, char **cause);
/* The i-th option ppp_options_check() allows, or NULL past the last. */
const char	*ppp_option_allowed(size_t i);

/*
 * The local pppd's argv, NULL-terminated, for execv() without a shell;
 * argv[0] is local_pppd.  Free it with argv_free().  The params must
 * have passed ppp_params_check().
 */
char	**ppp_local_argv(const struct ppp_params *);

/*
 * The remote pppd's argv, NULL-terminated, unquoted: remote_prefix, the
 * options (the same link options as the local pppd's, the addresses
 * swapped), linkname, remote_extra.  vpn-peer execs it as is; free it
 * with argv_free().  The params must have passed ppp_params_check().
 */
char	**ppp_remote_argv(const struct ppp_params *);

/*
 * The remote pppd command line: the words of ppp_remote_argv(), each
 * shell-quoted so the remote shell sees exactly these words.
 * Caller frees.  The params must have passed ppp_params_check().
 */
char	 *ppp_remote_command(const struct ppp_params *);

/*
 * The remote route command "PREFIX [-6] route VERB NET dev IFNAME", its
 * first words those of remote_ip_prefix, -6 when net holds a ':', verb
 * "replace" or "del": as an argv (NULL-terminated, for execv(), free it
 * with argv_free()), or as a shell command line, every word quoted
 * (caller frees).
 */
char	**ppp_remote_route_argv(const struct ppp_params *, const char *verb,
	    const char *net, const char *ifname);
char	 *ppp_remote_route_command(const struct ppp_params *,
	    const char *verb, const char *net, const char *ifname);

/*
 * The pid file the remote pppd writes for its linkname,
 * "RUNDIR/ppp-LINKNAME.pid" (caller frees); the params must have a
 * linkname.
 */
char	 *ppp_remote_pidfile(const struct ppp_params *);

/*
 * The command that sends the remote pppd of linkname the signal sig
 * ("TERM", "KILL"), as an argv (NULL-terminated, free it with
 * argv_free()):
 *
 *	PKILL_PREFIX -SIG -F RUNDIR/ppp-LINKNAME.pid -x pppd
 *
 * pkill(1) of procps reads the pid from the file pppd writes for its
 * linkname and signals that process only if it is named pppd: no pid
 * comes from outside, so a sudoers rule can allow exactly these words.
 * It exits 0 if it signalled the process, 1 if there was none (a file
 * left by a pppd that was killed names no pppd).  The params must have
 * passed ppp_params_check() with a linkname and a remote_pkill_prefix.
 */
char	**ppp_remote_end_argv(const struct ppp_params *, const char *sig);

/*
 * openpty(), the slave in raw mode, fork and exec the local pppd with
 * the slave as its stdin, stdout and controlling tty, its stderr a pipe,
 * every other fd closed, signal mask and dispositions reset.  Returns 0
 * and fills *out once pppd has been exec'd: the caller then owns the
 * pid (to watch with loop_child_watch() and to kill) and both fds (to
 * close; closing the master hangs pppd up with SIGHUP).  Or returns -1
 * with *cause set ("exec /usr/sbin/pppd: No such file or directory"),
 * nothing left open and no child left behind.  It waits only for the
 * exec itself, reported over a close-on-exec pipe.
 */
int	 ppp_spawn(const struct ppp_params *, struct ppp_child *out,
	    char **cause);

/*
 * Where pppd's ipcp_up() reports a name server the peer gave
 * ("primary   DNS address 10.0.0.53", "secondary DNS address ..."):
 * 1 for the primary, 2 for the secondary, with the address in *out;
 * 0 for any other line.
 */
int	 ppp_dns_line(const char *line, struct in_addr *out);

/* What pppd's exit status code means ("PPP negotiation failed"). */
const char	*ppp_exit_reason(int code);

#endif
