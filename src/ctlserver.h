/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The control socket server in vpnd (vpnctl's side is ctlclient.c): a
 * Unix stream socket, non-blocking, in the one event loop.  A struct
 * ctlserver owns the listening socket, its path and every client
 * connection; it borrows the set of links (links.h) to find and act on
 * them.  Peers are identified by SO_PEERCRED (no fallback): root and the
 * members of the control group (every group of the uid in the group
 * database, not just its primary one) may talk; anybody else gets
 * "error denied" and is disconnected.  Each connection carries one
 * request (ctlmsg.h has the wire format); vpnd answers and closes,
 * except that "up NAME +wait" streams a "stage" line per state change,
 * failed attempts and re-dials included, until the link is up, is taken
 * down or fails hard (the client keeps the deadline), and that "down
 * NAME" replies once the link is down.
 *
 * Limits: a request line is at most CTLMSG_LINE_MAX bytes (longer gets
 * "error usage" and the connection is closed); a request must arrive
 * within CTLSERVER_REQUEST_TIMEOUT; at most CTLSERVER_MAX_PER_UID
 * connections of one uid other than root at once, and
 * CTLSERVER_MAX_CONNS of all of them, so that one member of the group
 * cannot take every slot; root (and so the cron watchdog) has
 * CTLSERVER_MAX_ROOT of its own that nobody else can take.  A client
 * whose unread replies pass CTLSERVER_OUT_MAX is dropped, so a client
 * that never reads cannot hold vpnd up.
 */
#ifndef PPPSSH_CTLSERVER_H
#define PPPSSH_CTLSERVER_H

#include <sys/types.h>

#include <stdbool.h>

#define CTLSERVER_MAX_CONNS	64	/* of all uids but root */
#define CTLSERVER_MAX_PER_UID	8	/* of one uid but root */
#define CTLSERVER_MAX_ROOT	64	/* of root, besides the others */
#define CTLSERVER_OUT_MAX	(1024 * 1024)	/* unsent reply bytes */
#define CTLSERVER_REQUEST_TIMEOUT 10000	/* ms, accept to request */

struct buf;
struct ctlserver;
struct link;
struct linkhttp;
struct links;
struct loop;

/*
 * Re-read the configuration (as SIGHUP does).  0: accepted, the links
 * restart with it; -1: refused with *cause (caller frees), one error per
 * line, and the running config stays.
 */
typedef int	(*ctlserver_reload_cb)(void *arg, char **cause);

/*
 * Listen on path.  The directories above it must be owned by root (or
 * vpnd's uid) and writable by nobody else (safepath.h), so that nobody
 * can swap the socket file between bind() and the chown and chmod that
 * go by path (on Linux, fchown() and fchmod() of a socket's fd do not
 * reach its file).  A socket file left by a dead vpnd is replaced; one
 * another process answers on is an error, and so is a non-socket.  The
 * socket is created under umask 0177 (0600), then given to group (chown
 * to it, mode 0660) if that group exists; otherwise only root may use
 * it, which is logged.  Requests find and act on the links of links;
 * status adds what lh (NULL: nothing) knows of each; "reload" calls
 * reload with arg.  links and lh must outlive the server.  Returns NULL
 * with *cause set (caller frees).
 */
struct ctlserver	*ctlserver_open(struct loop *, const char *path,
			    const char *group, struct links *links,
			    struct linkhttp *lh, ctlserver_reload_cb reload,
			    void *arg, char **cause);
/* Drop every connection, close and unlink the socket; NULL is a no-op. */
void			 ctlserver_close(struct ctlserver *);

/*
 * Tell the control socket that l changed state (call it from the link
 * state callback; ctl may be NULL).  Watchers of l get a stage line.
 */
void			 ctlserver_link_changed(struct ctlserver *,
			    struct link *l);

/*
 * Append the Prometheus exposition of vpnd and every link (metrics.h)
 * to b, the links described as status describes them and the counters
 * of their interfaces read now: what "metrics" answers, and what the
 * metrics-file holds.
 */
void			 ctlserver_metrics(struct ctlserver *, struct buf *b);
/*
 * May uid use the control socket of group gid?  Root may; another uid
 * only if the group database lists gid among its groups (getgrouplist:
 * the primary group and every supplementary one).  have_group is false
 * when the control group does not exist.  On refusal, -1 with *cause
 * (caller frees) saying why.
 */
int			 ctlserver_peer_allowed(uid_t uid, gid_t gid,
			    bool have_group, const char *group, char **cause);

#endif
