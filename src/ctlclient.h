/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The client end of the control socket, for vpnctl: connect, send one
 * request, read the reply lines.  A struct ctlclient owns the socket and
 * the line buffer.  The client blocks (it is a command-line tool), but
 * never longer than the timeout it is given.
 */
#ifndef PPPSSH_CTLCLIENT_H
#define PPPSSH_CTLCLIENT_H

#include <stddef.h>

#include "ctlmsg.h"

#define CTLCLIENT_TIMEOUT	30000	/* ms for a reply line */

struct ctlclient;

/* Links of a status reply; lines own the strings v[] points into. */
struct ctlclient_links {
	struct ctlmsg_link	*v;
	char			**lines;
	size_t			 n;
};

/*
 * Connect to the socket at path.  Returns NULL with *cause set (caller
 * frees): no such socket, nobody listening, permission denied (saying
 * which group may use the socket and how to join it).
 */
struct ctlclient	*ctlclient_connect(const char *path, char **cause);
void			 ctlclient_free(struct ctlclient *);

/*
 * Send "pppssh/1 WORD..." (argc words).  A peer that already hung up
 * (vpnd refused us) is not an error here: its reply is still to read.
 * -1 with *cause on other failures and on a request too long.
 */
int			 ctlclient_send(struct ctlclient *, int argc,
			    const char *const *argv, char **cause);

/*
 * Read and split the next reply line, waiting at most timeout_ms (-1:
 * no limit).  r's strings live until the next call.  Returns 0, or -1
 * with *cause (caller frees): timeout, connection closed, a line that is
 * not of protocol version 1.
 */
int			 ctlclient_next(struct ctlclient *, int timeout_ms,
			    struct ctlmsg_reply *r, char **cause);

/*
 * As ctlclient_next(), but a timeout, or a signal arriving while it
 * waits, returns 1 with nothing read (no *cause): the caller looks at
 * its clock and its signal flags and calls again.
 */
int			 ctlclient_read(struct ctlclient *, int timeout_ms,
			    struct ctlmsg_reply *r, char **cause);

/* vpnctl's exit status for a final "error KIND": 2 usage/config, else 1. */
int			 ctlclient_exit_status(enum ctlmsg_error);

/*
 * Ask for the status of every link (name NULL) or of one.  On 0, *links
 * holds them (ctlclient_links_free() it).  -1 with *cause otherwise, and
 * *status the exit status vpnctl should use (1 or 2).
 */
int			 ctlclient_status(const char *path, const char *name,
			    struct ctlclient_links *links, int *status,
			    char **cause);
void			 ctlclient_links_free(struct ctlclient_links *);

#endif
