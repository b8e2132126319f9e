/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The far end's name servers applied to one link here, and taken back:
 * through systemd-resolved when it runs (per-link servers, and the
 * link's dns-domains as routing domains, so only those names go through
 * the tunnel: split DNS), else through resolvconf(8) when installed (a
 * record for the interface: nameserver and search lines), else not at
 * all: /etc/resolv.conf is left alone and the status says why.  A
 * struct dnsapply owns the command jobs it runs (cmdjob.h, one at a
 * time, in order, never blocking), the commands still to run, the
 * servers and domains it applies and its status line.  It knows nothing
 * of links or pppd: link.c tells it the servers and when to take them
 * back.
 */
#ifndef PPPSSH_DNSAPPLY_H
#define PPPSSH_DNSAPPLY_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "ppp.h"

#define DNSAPPLY_CMDS_MAX	3	/* commands of one apply or undo */
#define DNSAPPLY_PATH_MAX	256

/*
 * resolvconf(8)'s record of a link is "IFNAME.vpnd", an interface.protocol
 * name both openresolv and Debian's resolvconf document: pppd's ip-down
 * hook (000resolvconf: "resolvconf -f -d $PPP_IFACE") deletes the record
 * named after the interface, and an old pppd's hook ending after a
 * re-dial would take the new link's servers away.
 */
#define DNSAPPLY_RECORD_SUFFIX	".vpnd"

/* Where systemd-resolved listens while it runs (its varlink socket). */
#define DNSAPPLY_RESOLVED_SOCKET "/run/systemd/resolve/io.systemd.Resolve"

enum dnsapply_backend {
	DNSAPPLY_NONE,
	DNSAPPLY_RESOLVED,	/* resolvectl */
	DNSAPPLY_RESOLVCONF	/* resolvconf(8): Debian's or openresolv */
};

/* One command: argv (NULL-terminated) and its stdin (NULL: none). */
struct dnsapply_cmd {
	char	**argv;
	char	 *input;
};

struct dnsapply;
struct loop;

/*
 * Which way this host takes per-link DNS, looking at the files under
 * root ("" for the real one): systemd-resolved if its socket exists and
 * resolvectl is installed, else resolvconf if installed.  path gets the
 * program's path, root first, for those two.
 */
enum dnsapply_backend dnsapply_backend(const char *root, char *path,
		    size_t len);
/* The root dnsapply_set() looks under: "", or a test's own tree. */
extern const char	*dnsapply_root;

/* "systemd-resolved", "resolvconf", "none". */
const char	*dnsapply_backend_name(enum dnsapply_backend);

/*
 * The commands that apply servers (nservers of them, dotted quads) and
 * the domains (NULL-terminated, NULL: none) to ifname through backend
 * run as program path, or (undo true) take them back; into out, their
 * number returned (0 for DNSAPPLY_NONE).  systemd-resolved:
 *
 *	resolvectl dns IFNAME SERVER...
 *	resolvectl domain IFNAME ~DOMAIN...	(with domains)
 *	resolvectl default-route IFNAME false	(with domains)
 *	resolvectl revert IFNAME		(undo)
 *
 * resolvconf: "resolvconf -a IFNAME" with "nameserver SERVER" lines and
 * a "search DOMAIN..." line on stdin; "resolvconf -d IFNAME" to undo.
 * Free them with dnsapply_cmds_free().
 */
size_t		 dnsapply_commands(enum dnsapply_backend, const char *path,
		    const char *ifname, char *const *servers,
		    size_t nservers, char *const *domains, bool undo,
		    struct dnsapply_cmd out[DNSAPPLY_CMDS_MAX]);
void		 dnsapply_cmds_free(struct dnsapply_cmd *, size_t);

/*
 * A new dnsapply for interface ifname with the routing domains domains
 * (NULL-terminated, copied; NULL: none).  tag starts its log lines
 * ("link office").  Nothing is applied yet.
 */
struct dnsapply	*dnsapply_new(struct loop *, const char *tag,
		    const char *ifname, char *const *domains);
/*
 * Apply these servers (n of them, 0 to PPP_DNS_MAX; a repeat of the
 * first is dropped) now: the backend is chosen anew, the commands run
 * in the loop, one after the other.  The same servers again do nothing;
 * n 0 only says so in the status.
 */
void		 dnsapply_set(struct dnsapply *, const struct in_addr *srv,
		    size_t n);
/*
 * Take back what was applied (or is being applied): the undo runs
 * once the running command ends; commands not started are dropped.
 */
void		 dnsapply_clear(struct dnsapply *);
/* What `vpnctl status` shows: servers and how, or why not. */
const char	*dnsapply_status(const struct dnsapply *);
/* Whether a command runs or waits to run. */
bool		 dnsapply_busy(const struct dnsapply *);
/*
 * Free: an undo due (or under way) still runs to its end, unwatched;
 * one queued behind a running apply starts at once, beside it (vpnd
 * stops its links before it frees them, which gives an apply its time).
 * NULL is a no-op.
 */
void		 dnsapply_free(struct dnsapply *);

#endif
