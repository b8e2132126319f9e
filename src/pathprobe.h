/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Whom a link dials, and probing the path to them while it is down.
 * Every dial of a link races its hosts in their order (dial.h).  After a
 * dial that reached no host, the link waits in backoff; meanwhile the
 * path is probed: a race of TCP connects to the same hosts, nothing
 * sent, a fresh connect about every second (dial.h), bounded by the
 * time of the next dial.  A probe that fails (every host refused) is
 * followed by the next one PATHPROBE_INTERVAL after it began; the first
 * host that answers hands its connection to the link, which goes on at
 * once with it instead of waiting out the backoff.
 */
#ifndef PPPSSH_PATHPROBE_H
#define PPPSSH_PATHPROBE_H

#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include "dial.h"
#include "loop.h"

#define PATHPROBE_INTERVAL	1000	/* path probes, one race this often */

struct link_conf;

/* The targets of a link's dials: its hosts in order.  Caller frees. */
struct dial_target	*pathprobe_targets(const struct link_conf *,
			    size_t *np);

struct pathprobe {
	struct loop		*loop;
	char			*tag;		/* "link NAME", for the log */
	const struct link_conf	*lc;		/* while probing */
	uint64_t		 until;		/* loop ms of the next dial */
	uint64_t		 started;	/* loop ms the last probe began */
	struct loop_timer	 timer;		/* the next probe */
	struct dial		*dial;		/* the probe under way */
	dial_cb			 cb;		/* the link's */
	void			*arg;
};

/*
 * Once; tag is copied.  cb is the link's dial callback: each probe is a
 * dial_start() race to it, so that a race that answered goes on as the
 * link's dial (its dial_resume() reports there too).  While probing, cb
 * passes what it gets to pathprobe_outcome().
 */
void	pathprobe_init(struct pathprobe *, struct loop *, const char *tag,
	    dial_cb cb, void *arg);
/*
 * A probe ended (fd and cause as dial_cb's): NULL when every host failed
 * (the next probe is armed), else the probe's race, which the caller now
 * owns (to dial_resume() or dial_free()).
 */
struct dial	*pathprobe_outcome(struct pathprobe *, int fd,
		    const char *cause);
/*
 * Probe the link's hosts (lc's, read at each probe) until the loop's
 * clock reaches until_ms; nothing if a probe is under way or until_ms
 * has passed.
 */
void	pathprobe_start(struct pathprobe *, const struct link_conf *lc,
	    uint64_t until_ms);
/* The link's configuration moved (an equal one): probe from it. */
void	pathprobe_set_conf(struct pathprobe *, const struct link_conf *);
/* Stop probing: cancel the next probe and drop the one under way. */
void	pathprobe_stop(struct pathprobe *);
/* Stop, and release what pathprobe_init() took. */
void	pathprobe_free(struct pathprobe *);

#endif
