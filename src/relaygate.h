/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The gate in front of a relay between two pppds (the local one on the
 * pty, the remote one on channel 1).  pppd sets its tty up with
 * TCSAFLUSH, which discards whatever came before: a Configure-Request
 * that reaches a pppd still starting is lost, and resent only after
 * lcp-restart (1 s).  Both pppds send one unasked once they are ready,
 * so what goes toward each end is held until that end has spoken (or
 * the gate's timeout has passed: a pppd that stays silent).  The gate
 * wraps each end's relay_end_ops; the relay runs on the wrapped ones.
 */
#ifndef PPPSSH_RELAYGATE_H
#define PPPSSH_RELAYGATE_H

#include <stdbool.h>
#include <stdint.h>

#include "loop.h"
#include "relay.h"

struct relay_gate;

/* One end as the relay sees it: ops and ctx to give relay_new(). */
struct relay_gate_end {
	struct relay_end_ops		 ops;	/* the inner end's name */
	struct relay_gate		*gate;
	const struct relay_end_ops	*inner;
	void				*ctx;
	bool				 heard;	/* this end has spoken */
};

struct relay_gate {
	struct loop		*loop;
	struct loop_timer	 timer;	/* the timeout: let go */
	struct relay_gate_end	 end[2];	/* A, B */
	void			(*opened)(void *);
	void			*arg;
};

/*
 * Once: opened(arg) is called when the timeout lets the held bytes go,
 * so that the owner pumps the relay again.
 */
void	relay_gate_init(struct relay_gate *, struct loop *,
	    void (*opened)(void *), void *arg);
/*
 * Close the gate in front of ends a and b (what the relay gets from
 * relay_gate_end[0] and [1]) for at most timeout_ms.
 */
void	relay_gate_start(struct relay_gate *, const struct relay_end_ops *a,
	    void *actx, const struct relay_end_ops *b, void *bctx,
	    uint64_t timeout_ms);
/* Whether end i (0: A, 1: B) has spoken: writes to it go through. */
bool	relay_gate_heard(const struct relay_gate *, int i);
/* The relay is over: cancel the timeout. */
void	relay_gate_stop(struct relay_gate *);

#endif
