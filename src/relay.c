/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The byte relay.  Owns one linear buffer per direction and the reason
 * the relay ended; the ends belong to the caller.
 *
 * Batching (see PERF-FACTS): every SSH packet costs the same whatever
 * its size, so the A->B side (pty -> channel) reads until the pty has
 * nothing more or the buffer is full, then writes in pieces of exactly
 * max_write_b, holding a shorter tail back only while A may still add
 * to it.  Nothing waits on a timer: a tail is written as soon as A says
 * RELAY_AGAIN, so latency is that of one read more.
 *
 * A buffer is linear: what is held is moved to the front to make room
 * at the end, but only once at least as much has been written out as
 * is still held.  Compacting whenever a little room appeared copied the
 * whole buffer for every short write (a pty takes ~14 KiB a write out of
 * 256 KiB held: 17 bytes copied per byte relayed); this way each byte is
 * copied at most once.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "pageblock.h"
#include "relay.h"
#include "xmalloc.h"

struct relay_buf {
	char		*data;
	size_t		 size;
	size_t		 off;		/* first byte held */
	size_t		 len;		/* bytes held */
	uint64_t	 moved;		/* bytes written out so far */
	uint64_t	 seen;		/* moved at relay_release_idle() */
	size_t		 reach;		/* bytes from data touched since */
};

struct relay_side {
	const struct relay_end_ops	*ops;
	void				*ctx;
	bool				 idle;	/* last read said AGAIN */
	bool				 eof;
	bool				 failed;
};

struct relay {
	struct relay_side	 a, b;
	struct relay_buf	 ab, ba;
	size_t			 max_write_b;
	char			*cause;	/* set once the relay ended */
};

static void	relay_end(struct relay *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static bool	relay_room(const struct relay_buf *);
static int	relay_fill(struct relay *, struct relay_side *,
		    struct relay_buf *, bool *);
static int	relay_drain(struct relay *, struct relay_side *,
		    struct relay_side *, struct relay_buf *, size_t, bool,
		    bool *);
static ssize_t	relay_fd_read(void *, void *, size_t);
static ssize_t	relay_pty_read(void *, void *, size_t);
static ssize_t	relay_fd_write(void *, const void *, size_t);
static const char *relay_fd_error(void *);

const struct relay_end_ops relay_fd_ops = {
	"fd", relay_fd_read, relay_fd_write, relay_fd_error
};
const struct relay_end_ops relay_pty_ops = {
	"pty", relay_pty_read, relay_fd_write, relay_fd_error
};

/*
 * A buffer of pages of its own: memory only as far as data went in it,
 * handed back when idle (relay_release_idle()).
 */
static char *
relay_buf_new(size_t size)
{
	char	*p;

	if ((p = pageblock_new(size)) == NULL)
		fatal("relay: a buffer of %zu bytes", size);
	return p;
}

struct relay *
relay_new(const struct relay_end_ops *a, void *actx,
    const struct relay_end_ops *b, void *bctx, size_t bufsize_a_to_b,
    size_t bufsize_b_to_a, size_t max_write_b)
{
	struct relay	*r;

	r = xcalloc(1, sizeof(*r));
	r->a.ops = a;
	r->a.ctx = actx;
	r->b.ops = b;
	r->b.ctx = bctx;
	r->ab.data = relay_buf_new(bufsize_a_to_b);
	r->ab.size = bufsize_a_to_b;
	r->ba.data = relay_buf_new(bufsize_b_to_a);
	r->ba.size = bufsize_b_to_a;
	r->max_write_b = max_write_b;
	return r;
}

void
relay_free(struct relay *r)
{
	if (r == NULL)
		return;
	pageblock_free(r->ab.data, r->ab.size);
	pageblock_free(r->ba.data, r->ba.size);
	free(r->cause);
	free(r);
}

/* Record the first reason the relay ends; later ones add nothing. */
static void
relay_end(struct relay *r, const char *fmt, ...)
{
	va_list	ap;

	if (r->cause != NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(&r->cause, fmt, ap);
	va_end(ap);
}

/*
 * Whether buf can take more now: room at the end, or room at the front
 * that is no smaller than what would have to move to reach it.
 */
static bool
relay_room(const struct relay_buf *buf)
{
	return buf->off + buf->len < buf->size ||
	    (buf->len < buf->size && buf->off >= buf->len);
}

/* Read src into buf until it would block, ends, or buf has no room. */
static int
relay_fill(struct relay *r, struct relay_side *src, struct relay_buf *buf,
    bool *progress)
{
	size_t	room;
	ssize_t	n;

	while (!src->eof && !src->failed && relay_room(buf)) {
		if (buf->len == 0)
			buf->off = 0;
		else if (buf->off + buf->len == buf->size) {
			memmove(buf->data, buf->data + buf->off, buf->len);
			buf->off = 0;
		}
		room = buf->size - buf->off - buf->len;
		n = src->ops->read(src->ctx, buf->data + buf->off + buf->len,
		    room);
		if (n == RELAY_AGAIN) {
			src->idle = true;
			return 0;
		}
		if (n == RELAY_ERROR) {
			src->failed = true;
			relay_end(r, "%s: %s", src->ops->name,
			    src->ops->error(src->ctx));
			return -1;
		}
		if (n == 0) {
			src->eof = true;
			relay_end(r, "%s: EOF", src->ops->name);
			return -1;
		}
		if (n < 0 || (size_t)n > room)
			fatalx("relay: %s: read of %zu returned %zd",
			    src->ops->name, room, n);
		buf->len += n;
		if (buf->off + buf->len > buf->reach)
			buf->reach = buf->off + buf->len;
		src->idle = false;
		*progress = true;
	}
	return 0;
}

/*
 * Write buf to dst in pieces of at most maxw (0: any size) until it is
 * empty or dst would block.  Unless flushing, a piece shorter than maxw
 * waits while src may still add to it (it did not say RELAY_AGAIN yet
 * and there is room), so that a busy link sends full SSH packets.
 */
static int
relay_drain(struct relay *r, struct relay_side *src, struct relay_side *dst,
    struct relay_buf *buf, size_t maxw, bool flush, bool *progress)
{
	size_t	want;
	ssize_t	n;

	while (buf->len > 0 && !dst->failed) {
		want = buf->len;
		if (maxw != 0 && want > maxw)
			want = maxw;
		if (!flush && maxw != 0 && want < maxw && !src->idle &&
		    !src->eof && !src->failed && relay_room(buf))
			break;
		n = dst->ops->write(dst->ctx, buf->data + buf->off, want);
		if (n == RELAY_AGAIN)
			break;
		if (n == RELAY_ERROR) {
			dst->failed = true;
			relay_end(r, "%s: %s", dst->ops->name,
			    dst->ops->error(dst->ctx));
			return -1;
		}
		if (n <= 0 || (size_t)n > want)
			fatalx("relay: %s: write of %zu returned %zd",
			    dst->ops->name, want, n);
		buf->off += n;
		buf->len -= n;
		buf->moved += n;
		*progress = true;
	}
	if (buf->len == 0)
		buf->off = 0;
	return 0;
}

/*
 * Empty, no more than RELAY_QUIET bytes through it since the last look
 * (a quiet link's LCP echoes), and data went beyond its first page since
 * its pages last went back (a quiet link's echoes fill the first page
 * alone: an empty buffer starts again at its start).
 */
#define RELAY_QUIET	4096

static size_t
relay_buf_release_idle(struct relay_buf *buf)
{
	size_t	n = 0;

	if (buf->len == 0 && buf->moved - buf->seen <= RELAY_QUIET &&
	    buf->reach > RELAY_QUIET) {
		n = pageblock_discard(buf->data, buf->size);
		buf->reach = 0;
	}
	buf->seen = buf->moved;
	return n;
}

size_t
relay_release_idle(struct relay *r)
{
	return relay_buf_release_idle(&r->ab) + relay_buf_release_idle(&r->ba);
}

int
relay_pump(struct relay *r, char **cause)
{
	bool	progress, unused;

	if (r->cause == NULL) {
		do {
			progress = false;
			if (relay_fill(r, &r->a, &r->ab, &progress) == -1 ||
			    relay_drain(r, &r->a, &r->b, &r->ab, r->max_write_b,
			    false, &progress) == -1 ||
			    relay_fill(r, &r->b, &r->ba, &progress) == -1 ||
			    relay_drain(r, &r->b, &r->a, &r->ba, 0, false,
			    &progress) == -1)
				break;
		} while (progress);
		if (r->cause == NULL)
			return 0;

		/*
		 * Ended: hand over what is already held, as far as that
		 * goes without blocking (pppd's last frames, a Terminate-
		 * Request).  Errors here add nothing to the first reason.
		 */
		(void)relay_drain(r, &r->a, &r->b, &r->ab, r->max_write_b,
		    true, &unused);
		(void)relay_drain(r, &r->b, &r->a, &r->ba, 0, true, &unused);
	}
	*cause = xstrdup(r->cause);
	return -1;
}

void
relay_wants(struct relay *r, bool *a_read, bool *a_write, bool *b_read,
    bool *b_write)
{
	bool	running = r->cause == NULL;

	*a_read = running && relay_room(&r->ab);
	*b_write = running && r->ab.len > 0;
	*b_read = running && relay_room(&r->ba);
	*a_write = running && r->ba.len > 0;
}

void
relay_bytes(struct relay *r, uint64_t *a_to_b, uint64_t *b_to_a)
{
	*a_to_b = r->ab.moved;
	*b_to_a = r->ba.moved;
}

void
relay_fd_ready(struct relay_fd *f, short revents)
{
	if (revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL))
		f->empty = false;
}

static ssize_t
relay_fd_read(void *ctx, void *buf, size_t len)
{
	struct relay_fd	*f = ctx;
	ssize_t		 n;

	/* Found empty, and poll() has not said otherwise since. */
	if (f->hinted && f->empty)
		return RELAY_AGAIN;
	do
		n = read(f->fd, buf, len);
	while (n == -1 && errno == EINTR);
	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EWOULDBLOCK) {
		f->empty = true;
		return RELAY_AGAIN;
	}
	f->error = errno;
	return RELAY_ERROR;
}

/*
 * A pty master reads EIO once no slave fd is open: pppd is gone.  A read
 * shorter than RELAY_PTY_CHUNK took all the pty held: the relay gets
 * the bytes now and RELAY_AGAIN on its next read, without the read()
 * that would fail with EAGAIN (the next POLLIN lifts it).
 */
static ssize_t
relay_pty_read(void *ctx, void *buf, size_t len)
{
	struct relay_fd	*f = ctx;
	ssize_t		 n;

	n = relay_fd_read(ctx, buf, len);
	if (n == RELAY_ERROR && f->error == EIO)
		return 0;
	if (n > 0 && (size_t)n < len && n < RELAY_PTY_CHUNK)
		f->empty = true;
	return n;
}

static ssize_t
relay_fd_write(void *ctx, const void *buf, size_t len)
{
	struct relay_fd	*f = ctx;
	ssize_t		 n;

	do
		n = write(f->fd, buf, len);
	while (n == -1 && errno == EINTR);
	if (n > 0)
		return n;
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return RELAY_AGAIN;
	f->error = n == 0 ? EIO : errno;
	return RELAY_ERROR;
}

static const char *
relay_fd_error(void *ctx)
{
	struct relay_fd	*f = ctx;

	return strerror(f->error);
}
