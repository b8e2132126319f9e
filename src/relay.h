/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * A two-way byte relay between two non-blocking ends A and B (the pty
 * master and SSH channel 1), with one bounded buffer each way.  A full
 * buffer stops reading the side that fills it; EOF or an error on
 * either end ends the relay with a reason.  No byte is lost or
 * reordered while it runs.
 */
#ifndef PPPSSH_RELAY_H
#define PPPSSH_RELAY_H

#include <sys/types.h>

#include <stdbool.h>
#include <stdint.h>

/* What an end's read or write returns besides a byte count (or 0, EOF). */
#define RELAY_AGAIN	(-1)	/* would block: wait for poll */
#define RELAY_ERROR	(-2)	/* failed: ops->error(ctx) says why */

/*
 * How to move bytes through one end.  read returns > 0 bytes, 0 at EOF,
 * RELAY_AGAIN or RELAY_ERROR; write returns > 0 bytes written (possibly
 * fewer than asked), RELAY_AGAIN or RELAY_ERROR.  error returns the
 * reason for the last RELAY_ERROR ("Connection reset by peer"), owned by
 * the end.  name starts every reason the relay gives ("pty: EOF").
 */
struct relay_end_ops {
	const char	 *name;
	ssize_t		(*read)(void *ctx, void *buf, size_t len);
	ssize_t		(*write)(void *ctx, const void *buf, size_t len);
	const char	*(*error)(void *ctx);
};

/*
 * A ready-made end over a non-blocking fd (a pty master, a socket, a
 * pipe): relay_fd_ops with a struct relay_fd as ctx.  EAGAIN is
 * RELAY_AGAIN, EINTR is retried, and EIO counts as EOF (what a pty
 * master reads once the slave side is closed).  name is "pty" for
 * relay_pty_ops, "fd" for relay_fd_ops.
 */
struct relay_fd {
	int	 fd;
	int	 error;		/* errno of the last RELAY_ERROR */
	bool	 hinted;	/* relay_fd_ready() is called: see there */
	bool	 empty;		/* found empty since the last POLLIN */
};
extern const struct relay_end_ops relay_fd_ops;
extern const struct relay_end_ops relay_pty_ops;

/*
 * Optional poll hint: the revents poll() gave f's fd.  Once the owner
 * calls this on every poll() result for the fd (set hinted to say so),
 * a read after the fd was found empty returns RELAY_AGAIN without a
 * system call until poll() says POLLIN (or an error) again.  A pty read
 * shorter than RELAY_PTY_CHUNK counts as finding it empty: the pty
 * hands out at most that much a read, and a shorter one emptied it.
 */
#define RELAY_PTY_CHUNK	4096
void		 relay_fd_ready(struct relay_fd *f, short revents);

struct relay;

/*
 * A relay between end a (ops a, context actx) and end b.  The ends are
 * not owned: the caller closes them after relay_free().  bufsize_a_to_b
 * and bufsize_b_to_a (both > 0) bound what is held each way (64 KiB is
 * plenty for a pty).  Writes to b never exceed max_write_b bytes per
 * call (32700 for a libssh2 channel; 0 means no limit); under load they
 * are exactly max_write_b, shorter only when a has nothing more to give.
 */
struct relay	*relay_new(const struct relay_end_ops *a, void *actx,
		    const struct relay_end_ops *b, void *bctx,
		    size_t bufsize_a_to_b, size_t bufsize_b_to_a,
		    size_t max_write_b);
void		 relay_free(struct relay *);

/*
 * Move as much as possible both ways until every end would block: read
 * a until RELAY_AGAIN or the buffer toward b is full, write b, and the
 * same the other way, over and over while anything moves.  Returns 0
 * while the relay runs.  Once an end reads EOF or fails, what is already
 * buffered for the other end is written as far as it goes without
 * blocking, and -1 is returned with *cause set ("pty: EOF", "channel:
 * Broken pipe"; caller frees), now and on every later call.
 */
int		 relay_pump(struct relay *, char **cause);

/*
 * What each end waits for after relay_pump() returned 0: read while the
 * buffer from it has room, write while the buffer toward it holds data.
 * Once what is held reaches the end of the buffer, there is room again
 * only after at least as much has been written out as is still held (a
 * full buffer: half of it).  All false once the relay has ended.
 */
void		 relay_wants(struct relay *, bool *a_read, bool *a_write,
		    bool *b_read, bool *b_write);

/*
 * Hand back to the kernel the pages of each buffer that is empty, moved
 * no more than a page's worth since the previous call (a quiet link's
 * LCP echoes) and held data beyond its first page since its pages last
 * went back: call it now and then (a keepalive tick), so a link that
 * carried a burst and went quiet does not keep the burst's memory.
 * Returns the bytes handed back.
 */
size_t		 relay_release_idle(struct relay *);

/* Bytes delivered so far: written to b (from a) and written to a. */
void		 relay_bytes(struct relay *, uint64_t *a_to_b,
		    uint64_t *b_to_a);

#endif
