/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Admission of dials: a gate that lets at most a limit of its holders
 * bring a link up at once, from the TCP connect to the pppds' start (the
 * steps that cost the CPU: key exchange, signatures, two processes), and
 * queues the others first come, first served.  A slot that frees lets
 * the head of the queue in, from the loop (never from inside the call
 * that freed it).  Under the load of many links dialing at once, each
 * admitted dial gets the CPU it needs to finish within its own timeouts,
 * instead of all timing out together and re-dialing together.  How many
 * at once (the window) adapts between 1 and the limit, as TCP's
 * congestion window does: it starts at 1 and grows by one each time as
 * many holders got through as it allows; a holder that timed out (the
 * machine or the gateway is slower than its timeouts at this load)
 * halves it.  A gate
 * knows nothing of links: a holder is a struct admit_ticket embedded in
 * its owner, with a callback for "your turn".  The gate also keeps the
 * size of the crowd its owner reports (how many links are re-dialing),
 * which spreads their re-dials (backoff.h).
 */
#ifndef PPPSSH_ADMIT_H
#define PPPSSH_ADMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ADMIT_LIMIT	4	/* dials at once, when not configured */

struct admit;
struct loop;

enum admit_state {
	ADMIT_OUT,		/* neither queued nor admitted */
	ADMIT_QUEUED,		/* waiting for a slot */
	ADMIT_IN,		/* holds a slot */
};

/* Embedded in its owner; admit_ticket_init() before any other use. */
struct admit_ticket {
	struct admit		*gate;		/* while queued or in */
	struct admit_ticket	*next;		/* in the gate's queue */
	enum admit_state	 state;
	uint64_t		 queued_at;	/* loop ms */
	void			(*cb)(void *arg);
	void			*arg;
};

/*
 * A gate letting at most limit (>= 1) holders in at once, window (1 to
 * limit) of them to begin with.
 */
struct admit	*admit_new(struct loop *, unsigned limit, unsigned window);
/* Every ticket must be out (admit_leave()) first; NULL is a no-op. */
void		 admit_free(struct admit *);
/*
 * Change the limit (>= 1); a window above it comes down to it.  A
 * lower one takes no slot back: holders leave as they finish.
 */
void		 admit_set_limit(struct admit *, unsigned limit);
unsigned	 admit_limit(const struct admit *);
/* How many may hold a slot now: 1 to the limit (see above). */
unsigned	 admit_window(const struct admit *);

/* cb(arg) is called when the ticket, queued, is let in. */
void		 admit_ticket_init(struct admit_ticket *, void (*cb)(void *),
		    void *arg);
/*
 * Ask for a slot: true when the ticket holds one now (or held one
 * already), false when it waits in the queue (or waited already):
 * then cb is called later, from the loop, once it is let in.  A slot is
 * free only when nobody queues before it.
 */
bool		 admit_enter(struct admit *, struct admit_ticket *);
/* Give up the slot, or the place in the queue; out already: no-op. */
void		 admit_leave(struct admit_ticket *);
/*
 * Give up the slot after the step it was held for: done (through: one
 * more toward growing the window, see above) or timed out (the window
 * halves, at least 1).  A ticket not holding a slot just leaves.
 */
void		 admit_done(struct admit_ticket *, bool timed_out);
/* The ticket's place in its queue: 1 for the head; 0 when not queued. */
size_t		 admit_position(const struct admit_ticket *);

/* How many hold a slot, how many wait. */
unsigned	 admit_in(const struct admit *);
size_t		 admit_queued(const struct admit *);

/*
 * The crowd: how many of the owner's links are re-dialing (down, wanting
 * to be up), as the owner last said; backoff spreads their dials over
 * it.  At least 1.
 */
void		 admit_set_crowd(struct admit *, size_t);
size_t		 admit_crowd(const struct admit *);

#endif
