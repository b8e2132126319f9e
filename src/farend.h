/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The far end of a link: everything vpnd has the gateway run, built from
 * one struct farend filled from the link's configuration.  For a link
 * whose remote-command starts pppd: channel 1's shell command (end a
 * stale pppd of the link by its pid file, then exec pppd) and channel
 * 2's route commands; for remote-command vpn-peer: the requests
 * vpn-peer(8) reads (peer.h's format) and the key's forced command.  And
 * the privileged commands among them, each an argv with the sudoers rule
 * that allows exactly it: what `vpnctl setup` prints and `vpnctl doctor`
 * checks comes from the same functions as what vpnd runs.
 *
 * The argv of each program comes from ppp.c (pppd, ip, pkill) or, for
 * vpn-peer, from peer.c; this module picks them, puts the privilege
 * prefix in front, and joins them for the gateway's shell.
 */
#ifndef PPPSSH_FAREND_H
#define PPPSSH_FAREND_H

#include <netinet/in.h>

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"
#include "ppp.h"

/* pkill(1) on the gateway: procps puts it there on Debian 12. */
#define FAREND_PKILL		"/usr/bin/pkill"

/* How the commands of remote-command or remote-ip-command get root. */
enum farend_via {
	FAREND_DIRECT,		/* no prefix: the login user runs them */
	FAREND_SUDO,		/* sudo(8) with its options */
	FAREND_DOAS		/* doas(1) with its options */
};

/* The privilege prefix at the start of a command's words. */
struct farend_prefix {
	enum farend_via	 via;
	size_t		 n;		/* words of it; 0: FAREND_DIRECT */
	const char	*runas;		/* "root", or -u's user; NULL: direct */
};

/*
 * Split the privilege prefix off the words v (remote-command,
 * remote-ip-command): when the name of v[0] is sudo or doas, it and the
 * options after it, parsed as the program parses them, so that "sudo -u
 * root /usr/sbin/pppd" has three words of prefix.  Options allowed:
 * sudo's -n, -H, -P, -u USER (and --non-interactive, --set-home,
 * --preserve-groups, --user=USER), doas' -n and -u USER; "--" ends them.
 * The word after them, the command, must be an absolute path.  Other
 * first words are no prefix.  Returns 0 and fills *fp, or -1 with
 * *cause set (caller frees) for an option that is not allowed, no
 * command or a relative one.
 */
int	 farend_prefix(char *const *v, struct farend_prefix *fp,
	    char **cause);

/*
 * What every command is built from.  farend_init() fills it from a link
 * config that passed conf_load() and must outlive it; pp (which vpnd
 * also spawns its own pppd from) points into the struct itself, so a
 * struct farend stays where it was filled and needs no freeing.
 */
struct farend {
	const struct link_conf	*lc;
	struct ppp_params	 pp;
	struct farend_prefix	 ppp_via;	/* remote-command's */
	struct farend_prefix	 ip_via;	/* remote-ip-command's */
	char			 local_ip[INET_ADDRSTRLEN];
	char			 remote_ip[INET_ADDRSTRLEN];
	/* remote-command's prefix, then FAREND_PKILL. */
	char			*pkill[CONF_MAX_WORDS + 2];
	/*
	 * The gateway's /sys/class/net and the wait for the interface
	 * (farend_route_command_wait()): others for the tests.
	 */
	const char		*sysnet;
	int			 if_wait_ticks;
};

void	 farend_init(struct farend *, const struct link_conf *);

/*
 * Channel 1's command.  For a pppd link, a line for the gateway's shell:
 * if the link's pid file exists, PREFIX pkill -TERM -F PIDFILE -x pppd,
 * and when that ended a pppd, wait up to 3 s for its pid file and
 * interface to go; then exec PREFIX pppd with the link's options.  With
 * local-nets, pppd is not exec'd but run with its stderr read by the
 * shell, which passes each line on and, once pppd logs "remote IP
 * address" (its interface is up), runs farend_route_command()'s add
 * there and then and reports it on a line farend_routes_line() reads;
 * the shell exits with pppd's status.  For vpn-peer, the request "pppd
 * lcp-echo-interval N ..." (vpn-peer ends the stale pppd itself).
 * Caller frees.
 */
char	*farend_ppp_command(const struct farend *);
/*
 * The same for pppd on the channel's pty (ssh_chan_pty()): without
 * notty, so that no process of pppd's copies between sshd's pipes and
 * a pty of its own.  NULL when remote-command is not pppd itself run
 * directly (sudo, doas, vpn-peer, another program).  Caller frees.
 */
char	*farend_ppp_command_tty(const struct farend *);

/* What that shell prints: pppd's exit status (on its pipe), the routes. */
#define FAREND_EXIT_TAG		"vpnd-pppd-exit "
#define FAREND_ROUTES_TAG	"vpnd-routes: "

/*
 * Whether line (a line of channel 1's stderr) is the routes' report:
 * "vpnd-routes: ok" (*status 0) or "vpnd-routes: exit N" (*status N;
 * what the commands said came on the lines before), *err "".  Returns 1
 * if it is, 0 if not.
 */
int	 farend_routes_line(const char *line, int *status, const char **err);

/*
 * Whether channel 1's command puts the far end's routes in itself (a
 * pppd link with local-nets) rather than channel 2 after the link is up.
 */
bool	 farend_routes_inline(const struct farend *);

/*
 * Channel 2's command for the local-nets (NULL when there are none), and
 * with del false what channel 1's shell runs for a pppd link:
 * "PREFIX ip route replace NET dev IF" for each, joined by "&&" so that
 * adding stops at the first failure, or with del by ";" so that
 * removing goes on; for vpn-peer, the request "route VERB NET ...".
 * Caller frees.
 */
char	*farend_route_command(const struct farend *, bool del);

/*
 * Channel 2's command for a far pppd on sshd's pty (its stderr is the
 * PPP stream: no report can come back on channel 1), opened while PPP
 * negotiates: it waits, forking nothing, for the line FAREND_GO on its
 * stdin (vpnd sends it once its own interface is up; end of file or
 * another line: exit 1, nothing done); then, 0.05 s at a time and at
 * most fe->if_wait_ticks of them, until the far interface is up too
 * (IFF_UP in /sys/class/net/IF/flags, the directory being fe->sysnet:
 * pppd sets it once IPCP is up and the addresses are set, just before
 * it logs "remote IP address"); then it runs farend_route_command()'s
 * add, whose exit status is its own.  Not up in time: "interface IF not
 * up N s after vpnd's" on stderr, exit 1.  It runs the same route
 * commands as channel 1's shell: no sudoers rule of its own.  NULL when
 * farend_routes_inline() is false.  Caller frees.
 */
char	*farend_route_command_wait(const struct farend *);
/* The word, and 10 s at 0.05 s a tick (ROUTES' deadline is 15 s). */
#define FAREND_GO		"up"
#define FAREND_IF_WAIT_TICKS	200

/*
 * The gateway's authorized_keys line for the link, given its public key
 * line: for vpn-peer
 *   restrict,command="SBINDIR/vpn-peer --ip R --peer L [--net N ...]
 *   --ifname IF [--sudo]" KEY
 * (--sudo unless the user is root), else "restrict KEY": no forwarding,
 * no pty, exec allowed; "restrict,pty KEY" when pppd runs directly and
 * so on a pty (farend_ppp_command_tty()).  Caller frees.
 */
char	*farend_authorized_keys(const struct farend *, const char *pubkey);

/* One command the far end runs through sudo. */
struct farend_cmd {
	const char	 *what;		/* "pppd", "route", "clean" */
	const char	 *runas;	/* "root", or sudo -u's user */
	char		**sudo;		/* sudo and its options */
	char		**argv;		/* the command sudo runs */
	char		 *rule;		/* argv as a sudoers Cmnd, escaped */
};

struct farend_cmds {
	struct farend_cmd	*v;
	size_t			 n;
	bool			 other;	/* a prefix that is not sudo (doas) */
};

/*
 * Every command the far end runs through sudo, word for word as vpnd
 * (or, for vpn-peer, vpn-peer) runs it: pppd, ip route replace and del
 * of each local-net, pkill of a stale pppd (vpn-peer: -TERM, then
 * -KILL).  Commands run without a prefix, or behind one that is not
 * sudo (->other set), are not listed.  Free with farend_cmds_free().
 */
void	 farend_sudo_cmds(const struct farend *, struct farend_cmds *);
void	 farend_cmds_free(struct farend_cmds *);

/*
 * The sudoers lines for cmds and the link's user: "Defaults:USER
 * !requiretty" and "USER ALL=(RUNAS) NOPASSWD: CMND, ..." (continued
 * over lines with "\", a new "(RUNAS)" where it changes),
 * newline-terminated; NULL if cmds is empty.  Caller frees.
 */
char	*farend_sudoers(const struct farend *, const struct farend_cmds *);

#endif
