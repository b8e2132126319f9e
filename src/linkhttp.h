/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The HTTP side of vpnd's links: the health probe of each link that is
 * up, its dynamic DNS updates and its state-change notifications, all
 * over one struct http in the loop.  A struct linkhttp owns the http
 * handle and one record per link name (the settings copied from the
 * config, the probe, the ddns updater, the notification queue, and what
 * status shows), so a link that is replaced on reload keeps its queue
 * and its history.  vpnd tells it about state changes, network changes
 * and reloads; it acts on links only through link_probe_failed().
 */
#ifndef PPPSSH_LINKHTTP_H
#define PPPSSH_LINKHTTP_H

#include "link.h"

struct conf;
struct ctlmsg_link;
struct linkhttp;
struct loop;

/*
 * For the links of c (which need not outlive the call: settings are
 * copied).  Returns NULL with *cause (caller frees).
 */
struct linkhttp	*linkhttp_new(struct loop *, const struct conf *c,
		    char **cause);
/* Cancel everything, release everything; NULL is a no-op. */
void		 linkhttp_free(struct linkhttp *);

/*
 * The config was reloaded: take the settings of c.  Notification URLs
 * change in place (queues kept), a changed ddns setting starts over,
 * and updates a ddns service stopped may go again.
 */
void		 linkhttp_reload(struct linkhttp *, const struct conf *c);

/* l changed state (from vpnd's link state callback); old is the last. */
void		 linkhttp_link_changed(struct linkhttp *, struct link *l,
		    enum link_state old);
/* The network changed (addresses, default route): ddns checks. */
void		 linkhttp_network_changed(struct linkhttp *);

/* Add to *m what status shows of link name: probe and ddns results. */
void		 linkhttp_describe(struct linkhttp *, const char *name,
		    struct ctlmsg_link *m);

/*
 * At exit: run the loop until every notification queue is empty or
 * max_ms passed, so the last changes ("down") still go out.
 */
void		 linkhttp_drain(struct linkhttp *, struct loop *, int max_ms);

#endif
