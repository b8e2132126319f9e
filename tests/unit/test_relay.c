/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for the byte relay: 64 MiB each way at once through two
 * socketpairs arrive byte-exact; backpressure both ways; batching and
 * the per-call write cap toward B; a full buffer refilled only once half
 * of it went out; EOF and errors on either end; the fd ends (a pty
 * master's EIO is EOF).
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "relay.h"
#include "xmalloc.h"

#define MAXW	32700	/* libssh2's largest channel write */

/* ------------------------------------------------------------ helpers */

/* A reproducible byte stream: writer and reader each run a copy. */
struct gen {
	uint64_t	s;
	uint8_t		pend[8];
	int		npend;
};

static void
gen_init(struct gen *g, uint64_t seed)
{
	memset(g, 0, sizeof(*g));
	g->s = seed;
}

static void
gen_fill(struct gen *g, uint8_t *buf, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (g->npend == 0) {
			g->s ^= g->s << 13;
			g->s ^= g->s >> 7;
			g->s ^= g->s << 17;
			memcpy(g->pend, &g->s, 8);
			g->npend = 8;
		}
		buf[i] = g->pend[8 - g->npend--];
	}
}

static uint64_t	rng = 88172645463325252ull;

static size_t
rand_size(size_t max)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return 1 + (size_t)(rng % max);
}

/*
 * A scripted end.  Reads hand out src in pieces of at most read_chunk,
 * then RELAY_AGAIN (or EOF with eof_at_end); writes append to dst, at
 * most write_cap a call, or RELAY_AGAIN while write_block.
 */
struct mock {
	const uint8_t	*src;
	size_t		 srclen, srcoff, read_chunk;
	bool		 eof_at_end, read_error;
	unsigned	 reads;

	uint8_t		*dst;
	size_t		 dstlen, dstcap, write_cap;
	size_t		 block_at;	/* RELAY_AGAIN from dstlen on; 0: no */
	bool		 write_block, write_error;
	unsigned	 writes;
	size_t		 write_sizes[256];
};

static ssize_t
mock_read(void *ctx, void *buf, size_t len)
{
	struct mock	*m = ctx;
	size_t		 n;

	m->reads++;
	if (m->read_error)
		return RELAY_ERROR;
	if (m->srcoff == m->srclen)
		return m->eof_at_end ? 0 : RELAY_AGAIN;
	n = m->srclen - m->srcoff;
	if (n > len)
		n = len;
	if (m->read_chunk != 0 && n > m->read_chunk)
		n = m->read_chunk;
	memcpy(buf, m->src + m->srcoff, n);
	m->srcoff += n;
	return n;
}

static ssize_t
mock_write(void *ctx, const void *buf, size_t len)
{
	struct mock	*m = ctx;
	size_t		 n = len;

	if (m->writes < sizeof(m->write_sizes) / sizeof(m->write_sizes[0]))
		m->write_sizes[m->writes] = len;
	m->writes++;
	if (m->write_error)
		return RELAY_ERROR;
	if (m->write_block || (m->block_at != 0 && m->dstlen >= m->block_at))
		return RELAY_AGAIN;
	if (m->write_cap != 0 && n > m->write_cap)
		n = m->write_cap;
	if (m->block_at != 0 && n > m->block_at - m->dstlen)
		n = m->block_at - m->dstlen;
	assert_true(m->dstlen + n <= m->dstcap);
	memcpy(m->dst + m->dstlen, buf, n);
	m->dstlen += n;
	return n;
}

static const char *
mock_error(void *ctx)
{
	struct mock	*m = ctx;

	return m->read_error ? "read went wrong" : "write went wrong";
}

static const struct relay_end_ops pty_mock_ops = {
	"pty", mock_read, mock_write, mock_error
};
static const struct relay_end_ops chan_mock_ops = {
	"channel", mock_read, mock_write, mock_error
};

static uint8_t *
pattern(size_t len, uint64_t seed)
{
	struct gen	 g;
	uint8_t		*p = xmalloc(len);

	gen_init(&g, seed);
	gen_fill(&g, p, len);
	return p;
}

static void
mock_sink(struct mock *m, size_t cap)
{
	m->dst = xmalloc(cap);
	m->dstcap = cap;
}

/* -------------------------------------------------------- 64 MiB test */

/* An fd end that also counts and measures the writes made to it. */
struct counted {
	struct relay_fd	 f;
	uint64_t	 writes, full_writes;
	size_t		 max_write;
};

static ssize_t
counted_read(void *ctx, void *buf, size_t len)
{
	struct counted	*c = ctx;

	return relay_fd_ops.read(&c->f, buf, len);
}

static ssize_t
counted_write(void *ctx, const void *buf, size_t len)
{
	struct counted	*c = ctx;

	c->writes++;
	if (len > c->max_write)
		c->max_write = len;
	if (len == MAXW)
		c->full_writes++;
	return relay_fd_ops.write(&c->f, buf, len);
}

static const char *
counted_error(void *ctx)
{
	struct counted	*c = ctx;

	return relay_fd_ops.error(&c->f);
}

static const struct relay_end_ops counted_pty_ops = {
	"pty", counted_read, counted_write, counted_error
};
static const struct relay_end_ops counted_chan_ops = {
	"channel", counted_read, counted_write, counted_error
};

/* One direction of traffic between the test's two far ends. */
struct flow {
	int		 txfd, rxfd;
	struct gen	 tx, rx;
	uint64_t	 sent, received, total;
	uint8_t		*stage, *check, *in;
	size_t		 stagelen, stageoff;
};

#define STRESS_TOTAL	(64ull * 1024 * 1024)
#define CHUNK_MAX	(128 * 1024)

static void
flow_init(struct flow *fl, int txfd, int rxfd, uint64_t seed)
{
	memset(fl, 0, sizeof(*fl));
	fl->txfd = txfd;
	fl->rxfd = rxfd;
	gen_init(&fl->tx, seed);
	gen_init(&fl->rx, seed);
	fl->total = STRESS_TOTAL;
	fl->stage = xmalloc(CHUNK_MAX);
	fl->check = xmalloc(CHUNK_MAX);
	fl->in = xmalloc(CHUNK_MAX);
}

static void
flow_free(struct flow *fl)
{
	free(fl->stage);
	free(fl->check);
	free(fl->in);
}

static void
flow_send(struct flow *fl)
{
	size_t	n;
	ssize_t	w;

	if (fl->stageoff == fl->stagelen) {
		if (fl->sent == fl->total)
			return;
		n = rand_size(CHUNK_MAX);
		if (n > fl->total - fl->sent)
			n = fl->total - fl->sent;
		gen_fill(&fl->tx, fl->stage, n);
		fl->stagelen = n;
		fl->stageoff = 0;
	}
	w = write(fl->txfd, fl->stage + fl->stageoff,
	    fl->stagelen - fl->stageoff);
	if (w == -1) {
		assert_int_equal(errno, EAGAIN);
		return;
	}
	fl->stageoff += w;
	fl->sent += w;
}

static void
flow_receive(struct flow *fl)
{
	ssize_t	n;

	n = read(fl->rxfd, fl->in, rand_size(CHUNK_MAX));
	if (n == -1) {
		assert_int_equal(errno, EAGAIN);
		return;
	}
	assert_true(n > 0);
	assert_true(fl->received + n <= fl->total);
	gen_fill(&fl->rx, fl->check, n);
	assert_memory_equal(fl->in, fl->check, n);
	fl->received += n;
}

static uint64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
test_stress_both_ways(void **state)
{
	struct counted	 a, b;
	struct flow	 ab, ba;
	struct relay	*r;
	struct pollfd	 pfd[4];
	char		*cause = NULL;
	int		 sa[2], sb[2], i;
	bool		 ar, aw, br, bw;
	uint64_t	 deadline, n_ab, n_ba;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0, sa), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0, sb), 0);
	/* sa[0] and sb[1] are the test's; sa[1] is A, sb[0] is B. */
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.f.fd = sa[1];
	b.f.fd = sb[0];
	flow_init(&ab, sa[0], sb[1], 0x1234567887654321ull);
	flow_init(&ba, sb[1], sa[0], 0x0fedcba987654321ull);
	r = relay_new(&counted_pty_ops, &a, &counted_chan_ops, &b,
	    64 * 1024, 64 * 1024, MAXW);

	deadline = now_ms() + 300 * 1000;
	while (ab.received < STRESS_TOTAL || ba.received < STRESS_TOTAL) {
		assert_true(now_ms() < deadline);
		relay_wants(r, &ar, &aw, &br, &bw);
		pfd[0].fd = sa[0];
		pfd[0].events = (ab.sent < STRESS_TOTAL ? POLLOUT : 0) |
		    (ba.received < STRESS_TOTAL ? POLLIN : 0);
		pfd[1].fd = sb[1];
		pfd[1].events = (ba.sent < STRESS_TOTAL ? POLLOUT : 0) |
		    (ab.received < STRESS_TOTAL ? POLLIN : 0);
		pfd[2].fd = sa[1];
		pfd[2].events = (ar ? POLLIN : 0) | (aw ? POLLOUT : 0);
		pfd[3].fd = sb[0];
		pfd[3].events = (br ? POLLIN : 0) | (bw ? POLLOUT : 0);
		for (i = 0; i < 4; i++)
			pfd[i].revents = 0;
		assert_true(poll(pfd, 4, 5000) > 0);
		if (pfd[0].revents & POLLOUT)
			flow_send(&ab);
		if (pfd[1].revents & POLLOUT)
			flow_send(&ba);
		if (pfd[1].revents & POLLIN)
			flow_receive(&ab);
		if (pfd[0].revents & POLLIN)
			flow_receive(&ba);
		if (pfd[2].revents != 0 || pfd[3].revents != 0) {
			assert_int_equal(relay_pump(r, &cause), 0);
			assert_null(cause);
		}
	}
	relay_bytes(r, &n_ab, &n_ba);
	assert_int_equal(n_ab, STRESS_TOTAL);
	assert_int_equal(n_ba, STRESS_TOTAL);
	print_message("A->B: %llu writes to B, %llu of %d bytes, largest %zu; "
	    "B->A: %llu writes to A\n", (unsigned long long)b.writes,
	    (unsigned long long)b.full_writes, MAXW, b.max_write,
	    (unsigned long long)a.writes);
	assert_true(b.max_write <= MAXW);
	/* Batching: at least half the bytes went in full-size writes. */
	assert_true(b.full_writes * MAXW >= STRESS_TOTAL / 2);

	/* The far end of A closes: the relay ends with a reason. */
	assert_int_equal(shutdown(sa[0], SHUT_WR), 0);
	assert_int_equal(relay_pump(r, &cause), -1);
	assert_string_equal(cause, "pty: EOF");
	free(cause);

	relay_free(r);
	flow_free(&ab);
	flow_free(&ba);
	close(sa[0]);
	close(sa[1]);
	close(sb[0]);
	close(sb[1]);
}

/* --------------------------------------------------------- mock tests */

/* B never writable: A is read until the A->B buffer is full, no more. */
static void
test_backpressure_a_to_b(void **state)
{
	struct mock	 a, b;
	struct relay	*r;
	uint8_t		*data = pattern(1 << 20, 1);
	char		*cause = NULL;
	bool		 ar, aw, br, bw;
	unsigned	 reads;
	uint64_t	 n_ab, n_ba;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.src = data;
	a.srclen = 1 << 20;
	a.read_chunk = 4096;
	b.write_block = true;
	mock_sink(&b, 1 << 20);
	r = relay_new(&pty_mock_ops, &a, &chan_mock_ops, &b, 65536, 65536,
	    MAXW);

	assert_int_equal(relay_pump(r, &cause), 0);
	assert_int_equal(a.srcoff, 65536);
	relay_wants(r, &ar, &aw, &br, &bw);
	assert_false(ar);
	assert_true(bw);
	assert_true(br);
	assert_false(aw);

	/* Pumping again reads nothing more from A. */
	reads = a.reads;
	assert_int_equal(relay_pump(r, &cause), 0);
	assert_int_equal(a.reads, reads);
	assert_int_equal(a.srcoff, 65536);
	relay_bytes(r, &n_ab, &n_ba);
	assert_int_equal(n_ab, 0);

	/* B drains: everything arrives, in order. */
	b.write_block = false;
	assert_int_equal(relay_pump(r, &cause), 0);
	assert_int_equal(b.dstlen, 1 << 20);
	assert_memory_equal(b.dst, data, 1 << 20);
	relay_bytes(r, &n_ab, &n_ba);
	assert_int_equal(n_ab, 1 << 20);
	assert_int_equal(n_ba, 0);
	relay_wants(r, &ar, &aw, &br, &bw);
	assert_true(ar);
	assert_false(bw);

	relay_free(r);
	free(b.dst);
	free(data);
}

/*
 * A buffer's pages go back once it is empty and a look found it quiet;
 * the relay carries the same bytes after as before.
 */
static void
test_release_idle(void **state)
{
	struct mock	 a, b;
	struct relay	*r;
	uint8_t		*data = pattern(1 << 20, 3);
	char		*cause = NULL;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.src = data;
	a.srclen = 1 << 19;
	a.read_chunk = 4096;
	mock_sink(&b, 1 << 20);
	r = relay_new(&pty_mock_ops, &a, &chan_mock_ops, &b, 65536, 65536,
	    MAXW);
	/* Nothing moved yet: nothing to give back. */
	assert_int_equal(relay_release_idle(r), 0);
	/* An echo's worth at a time: the first page alone, kept. */
	a.srclen = 100;
	assert_int_equal(relay_pump(r, &cause), 0);
	assert_int_equal(relay_release_idle(r), 0);
	a.srclen = 200;
	assert_int_equal(relay_pump(r, &cause), 0);
	assert_int_equal(relay_release_idle(r), 0);

	/* A burst: not while it moves, once a look finds it quiet. */
	a.srclen = 1 << 19;
	assert_int_equal(relay_pump(r, &cause), 0);
	assert_int_equal(b.dstlen, 1 << 19);
	assert_int_equal(relay_release_idle(r), 0);
	a.srclen = (1 << 19) + 100;	/* an echo after it: still quiet */
	assert_int_equal(relay_pump(r, &cause), 0);
	/* A->B's buffer goes; B->A never held a byte. */
	assert_int_equal(relay_release_idle(r), 65536);
	assert_int_equal(relay_release_idle(r), 0);

	/* And carries the rest, in order. */
	a.srclen = 1 << 20;
	assert_int_equal(relay_pump(r, &cause), 0);
	assert_int_equal(b.dstlen, 1 << 20);
	assert_memory_equal(b.dst, data, 1 << 20);
	assert_int_equal(relay_release_idle(r), 0);
	assert_int_equal(relay_release_idle(r), 65536);

	relay_free(r);
	free(b.dst);
	free(data);
}

/* A never writable: B is read until the B->A buffer is full, no more. */
static void
test_backpressure_b_to_a(void **state)
{
	struct mock	 a, b;
	struct relay	*r;
	uint8_t		*data = pattern(1 << 20, 2);
	char		*cause = NULL;
	bool		 ar, aw, br, bw;
	unsigned	 reads;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	b.src = data;
	b.srclen = 1 << 20;
	b.read_chunk = 16384;
	a.write_block = true;
	mock_sink(&a, 1 << 20);
	r = relay_new(&pty_mock_ops, &a, &chan_mock_ops, &b, 65536, 50000,
	    MAXW);

	assert_int_equal(relay_pump(r, &cause), 0);
	assert_int_equal(b.srcoff, 50000);
	relay_wants(r, &ar, &aw, &br, &bw);
	assert_false(br);
	assert_true(aw);
	reads = b.reads;
	assert_int_equal(relay_pump(r, &cause), 0);
	assert_int_equal(b.reads, reads);

	/* A accepts 1000 bytes a call: partial writes keep the order. */
	a.write_block = false;
	a.write_cap = 1000;
	assert_int_equal(relay_pump(r, &cause), 0);
	assert_int_equal(a.dstlen, 1 << 20);
	assert_memory_equal(a.dst, data, 1 << 20);

	relay_free(r);
	free(a.dst);
	free(data);
}

/*
 * A full buffer is not topped up after every short write (that moved the
 * whole buffer each time): B is read again only once at least as much
 * has gone out to A as is still held, and then up to full again.
 */
static void
test_refill_after_half(void **state)
{
	static const struct {
		size_t	block_at;	/* A takes bytes up to here */
		size_t	srcoff;		/* read from B by then */
		bool	b_read;		/* relay_wants() for B */
	} steps[] = {
		{ 1, 65536, false },		/* full, 1 byte out */
		{ 10000, 65536, false },	/* 10000 out, 55536 held */
		{ 32767, 65536, false },	/* one short of half */
		{ 32768, 98304, false },	/* half out: refilled */
		{ 50000, 98304, false },
		{ 65536, 131072, false },	/* 32768 out again */
	};
	struct mock	 a, b;
	struct relay	*r;
	uint8_t		*data = pattern(1 << 20, 5);
	char		*cause = NULL;
	bool		 ar, aw, br, bw;
	size_t		 i;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	b.src = data;
	b.srclen = 1 << 20;
	b.read_chunk = 16384;
	a.write_cap = 1000;
	mock_sink(&a, 1 << 20);
	r = relay_new(&pty_mock_ops, &a, &chan_mock_ops, &b, 65536, 65536,
	    MAXW);

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		a.block_at = steps[i].block_at;
		assert_int_equal(relay_pump(r, &cause), 0);
		assert_int_equal(a.dstlen, steps[i].block_at);
		assert_int_equal(b.srcoff, steps[i].srcoff);
		relay_wants(r, &ar, &aw, &br, &bw);
		assert_int_equal(br, steps[i].b_read);
		assert_true(aw);
	}

	/* A takes everything: all of it arrives, in order. */
	a.block_at = 0;
	assert_int_equal(relay_pump(r, &cause), 0);
	assert_int_equal(a.dstlen, 1 << 20);
	assert_memory_equal(a.dst, data, 1 << 20);
	relay_wants(r, &ar, &aw, &br, &bw);
	assert_true(br);
	assert_false(aw);

	relay_free(r);
	free(a.dst);
	free(data);
}

/*
 * 4 KiB reads from A until RELAY_AGAIN become a few writes of exactly
 * 32700 and one short tail, never more than 32700 a call.
 */
static void
test_batching(void **state)
{
	struct mock	 a, b;
	struct relay	*r;
	size_t		 total = 200000, i;
	uint8_t		*data = pattern(total, 3);
	char		*cause = NULL;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.src = data;
	a.srclen = total;
	a.read_chunk = 4096;
	mock_sink(&b, total);
	r = relay_new(&pty_mock_ops, &a, &chan_mock_ops, &b, 65536, 65536,
	    MAXW);

	assert_int_equal(relay_pump(r, &cause), 0);
	assert_int_equal(b.dstlen, total);
	assert_memory_equal(b.dst, data, total);
	/* 200000 = 6 * 32700 + 3800 */
	assert_int_equal(b.writes, 7);
	for (i = 0; i < 6; i++)
		assert_int_equal(b.write_sizes[i], MAXW);
	assert_int_equal(b.write_sizes[6], 3800);

	/* A little more: sent at once, not held for a fuller packet. */
	a.src = data;
	a.srclen = 100;
	a.srcoff = 0;
	b.dstlen = 0;
	assert_int_equal(relay_pump(r, &cause), 0);
	assert_int_equal(b.dstlen, 100);
	assert_int_equal(b.writes, 8);
	assert_int_equal(b.write_sizes[7], 100);

	relay_free(r);
	free(b.dst);
	free(data);
}

/* B short-writes (10000 a call): every byte still goes, capped, in order. */
static void
test_short_writes(void **state)
{
	struct mock	 a, b;
	struct relay	*r;
	size_t		 total = 300000, i;
	uint8_t		*data = pattern(total, 4);
	char		*cause = NULL;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.src = data;
	a.srclen = total;
	a.read_chunk = 7777;
	b.write_cap = 10000;
	mock_sink(&b, total);
	r = relay_new(&pty_mock_ops, &a, &chan_mock_ops, &b, 65536, 65536,
	    MAXW);
	assert_int_equal(relay_pump(r, &cause), 0);
	assert_int_equal(b.dstlen, total);
	assert_memory_equal(b.dst, data, total);
	for (i = 0; i < b.writes && i < 256; i++)
		assert_true(b.write_sizes[i] <= MAXW);

	relay_free(r);
	free(b.dst);
	free(data);
}

/* No cap toward A (max_write only applies to B). */
static void
test_no_cap_toward_a(void **state)
{
	struct mock	 a, b;
	struct relay	*r;
	size_t		 total = 65536;
	uint8_t		*data = pattern(total, 5);
	char		*cause = NULL;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	b.src = data;
	b.srclen = total;
	mock_sink(&a, total);
	r = relay_new(&pty_mock_ops, &a, &chan_mock_ops, &b, 65536, 65536,
	    MAXW);
	assert_int_equal(relay_pump(r, &cause), 0);
	assert_int_equal(a.writes, 1);
	assert_int_equal(a.write_sizes[0], total);
	assert_memory_equal(a.dst, data, total);

	relay_free(r);
	free(a.dst);
	free(data);
}

enum end_event {
	EV_A_EOF, EV_B_EOF, EV_A_READ_ERROR, EV_B_READ_ERROR,
	EV_A_WRITE_ERROR, EV_B_WRITE_ERROR
};

static const struct {
	enum end_event	 ev;
	const char	*cause;
} end_cases[] = {
	{ EV_A_EOF, "pty: EOF" },
	{ EV_B_EOF, "channel: EOF" },
	{ EV_A_READ_ERROR, "pty: read went wrong" },
	{ EV_B_READ_ERROR, "channel: read went wrong" },
	{ EV_A_WRITE_ERROR, "pty: write went wrong" },
	{ EV_B_WRITE_ERROR, "channel: write went wrong" },
};

/*
 * Every way an end can end the relay gives its reason, now and on
 * every later call; on EOF what was read before it is still delivered.
 */
static void
test_end_reasons(void **state)
{
	struct mock	 a, b;
	struct relay	*r;
	uint8_t		*da = pattern(5000, 6), *db = pattern(3000, 7);
	char		*cause;
	bool		 ar, aw, br, bw;
	size_t		 i;

	for (i = 0; i < sizeof(end_cases) / sizeof(end_cases[0]); i++) {
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		a.src = da;
		a.srclen = 5000;
		b.src = db;
		b.srclen = 3000;
		mock_sink(&a, 3000);
		mock_sink(&b, 5000);
		switch (end_cases[i].ev) {
		case EV_A_EOF:
			a.eof_at_end = true;
			break;
		case EV_B_EOF:
			b.eof_at_end = true;
			break;
		case EV_A_READ_ERROR:
			a.read_error = true;
			break;
		case EV_B_READ_ERROR:
			b.read_error = true;
			break;
		case EV_A_WRITE_ERROR:
			a.write_error = true;
			break;
		case EV_B_WRITE_ERROR:
			b.write_error = true;
			break;
		}
		r = relay_new(&pty_mock_ops, &a, &chan_mock_ops, &b, 65536,
		    65536, MAXW);
		cause = NULL;
		assert_int_equal(relay_pump(r, &cause), -1);
		assert_string_equal(cause, end_cases[i].cause);
		free(cause);
		cause = NULL;
		assert_int_equal(relay_pump(r, &cause), -1);
		assert_string_equal(cause, end_cases[i].cause);
		free(cause);
		relay_wants(r, &ar, &aw, &br, &bw);
		assert_false(ar || aw || br || bw);

		if (end_cases[i].ev == EV_A_EOF) {
			assert_int_equal(b.dstlen, 5000);
			assert_memory_equal(b.dst, da, 5000);
		}
		if (end_cases[i].ev == EV_B_EOF) {
			assert_int_equal(a.dstlen, 3000);
			assert_memory_equal(a.dst, db, 3000);
		}
		relay_free(r);
		free(a.dst);
		free(b.dst);
	}
	free(da);
	free(db);
	relay_free(NULL);
}

/* ------------------------------------------------------------ fd ends */

/* A pty master whose slave is closed reads EIO: that is pppd's EOF. */
static void
test_pty_eio_is_eof(void **state)
{
	struct relay_fd	 pty;
	struct mock	 b;
	struct relay	*r;
	char		*cause = NULL;
	int		 master, slave, fl;

	assert_int_equal(openpty(&master, &slave, NULL, NULL, NULL), 0);
	fl = fcntl(master, F_GETFL);
	assert_int_equal(fcntl(master, F_SETFL, fl | O_NONBLOCK), 0);
	memset(&b, 0, sizeof(b));
	mock_sink(&b, 64);
	pty.fd = master;
	pty.error = 0;
	r = relay_new(&relay_pty_ops, &pty, &chan_mock_ops, &b, 4096, 4096,
	    MAXW);

	assert_int_equal(relay_pump(r, &cause), 0);	/* nothing yet */
	assert_int_equal(write(slave, "hi", 2), 2);
	assert_int_equal(relay_pump(r, &cause), 0);
	assert_int_equal(b.dstlen, 2);
	assert_memory_equal(b.dst, "hi", 2);
	close(slave);
	assert_int_equal(relay_pump(r, &cause), -1);
	assert_string_equal(cause, "pty: EOF");
	free(cause);

	relay_free(r);
	free(b.dst);
	close(master);
}

/* Plain fd ends: a closed peer is EPIPE on write, EOF on read. */
static void
test_fd_errors(void **state)
{
	struct relay_fd	 fa, fb;
	struct relay	*r;
	char		*cause = NULL;
	int		 sa[2], sb[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0,
	    sa), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0,
	    sb), 0);
	memset(&fa, 0, sizeof(fa));
	memset(&fb, 0, sizeof(fb));
	fa.fd = sa[1];
	fb.fd = sb[0];

	/* A byte from A toward B, whose peer is gone. */
	r = relay_new(&relay_fd_ops, &fa, &relay_fd_ops, &fb, 4096, 4096, 0);
	close(sb[1]);
	assert_int_equal(write(sa[0], "x", 1), 1);
	assert_int_equal(relay_pump(r, &cause), -1);
	assert_string_equal(cause, "fd: Broken pipe");
	assert_int_equal(fb.error, EPIPE);
	free(cause);
	relay_free(r);

	/* A's peer closes. */
	r = relay_new(&relay_fd_ops, &fa, &relay_fd_ops, &fb, 4096, 4096, 0);
	close(sa[0]);
	cause = NULL;
	assert_int_equal(relay_pump(r, &cause), -1);
	assert_string_equal(cause, "fd: EOF");
	free(cause);
	relay_free(r);
	close(sa[1]);
	close(sb[0]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backpressure_a_to_b),
		cmocka_unit_test(test_release_idle),
		cmocka_unit_test(test_backpressure_b_to_a),
		cmocka_unit_test(test_refill_after_half),
		cmocka_unit_test(test_batching),
		cmocka_unit_test(test_short_writes),
		cmocka_unit_test(test_no_cap_toward_a),
		cmocka_unit_test(test_end_reasons),
		cmocka_unit_test(test_pty_eio_is_eof),
		cmocka_unit_test(test_fd_errors),
		cmocka_unit_test(test_stress_both_ways),
	};

	/* As in vpnd: a write to a closed socket is EPIPE, not death. */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		return 99;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
