/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * streamer: a stand-in for pppd at both ends of a vpnd link, to prove
 * the relay moves bytes exactly.  It writes a deterministic pseudo-random
 * stream to stdout while it reads stdin and checks every byte against
 * another such stream, both at once (poll(2) on both, so neither
 * direction can hold the other up), then writes its verdict to a result
 * file:
 *
 *	OK <bytes> <crc>		all bytes arrived, in order; <crc> is
 *					what cksum(1) prints for them
 *	MISMATCH at byte <n>: ...	byte <n> (from 0) is not the one
 *					expected
 *	SHORT <n> of <bytes>: ...	stdin ended or failed early
 *	TIMEOUT ...			nothing moved for timeout= seconds
 *	EXTRA <n> bytes after <bytes>	more than <bytes> arrived
 *	WRITE ERROR ...			stdout failed
 *
 * Once done it stays until stdin ends (or timeout= seconds pass), so the
 * bytes it sent last are not lost with it; bytes arriving then replace
 * the verdict with EXTRA.  The file is replaced atomically (PATH.tmp,
 * rename), so a reader never sees half a line.
 *
 * Arguments are words KEY=VALUE; words it does not know (the options vpnd
 * gives pppd) are ignored:
 *
 *	stream-out=N	seed of the stream written (default 1)
 *	stream-in=N	seed of the stream expected (default 2)
 *	bytes=N		bytes each way (default 1 MiB)
 *	result=PATH	the verdict file (required)
 *	timeout=S	idle timeout in seconds (default 60)
 *	gen=N		only write bytes= bytes of stream N to stdout and
 *			exit (piped to cksum(1) for the expected <crc>)
 *
 * At start it says on stderr "streamer: started, sending N bytes of
 * stream S, expecting stream R"; when done, "streamer: done: received N
 * bytes in T ms, sent N in T ms" (times from the start; sent means
 * handed to stdout).  Exit status: 0 for OK, 1 for any other
 * verdict, 2 for usage errors.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ST_CHUNK	(64 * 1024)

/* One stream: splitmix64 words, little-endian bytes. */
struct st_gen {
	uint64_t	state;
	uint64_t	word;
	unsigned	left;		/* bytes of word not yet used */
};

struct st_args {
	uint64_t	 out_seed;
	uint64_t	 in_seed;
	uint64_t	 bytes;
	const char	*result;
	int		 timeout;
	bool		 gen;
	uint64_t	 gen_seed;
};

static uint32_t	st_crc_table[256];

static void
st_gen_init(struct st_gen *g, uint64_t seed)
{
	g->state = seed * UINT64_C(0x9e3779b97f4a7c15) + 1;
	g->word = 0;
	g->left = 0;
}

static uint64_t
st_splitmix(uint64_t *s)
{
	uint64_t	z;

	z = (*s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* The next len bytes of the stream. */
static void
st_gen_fill(struct st_gen *g, unsigned char *buf, size_t len)
{
	uint64_t	w;

	while (len > 0 && g->left > 0) {
		*buf++ = (unsigned char)g->word;
		g->word >>= 8;
		g->left--;
		len--;
	}
	while (len >= 8) {
		w = st_splitmix(&g->state);
		buf[0] = (unsigned char)w;
		buf[1] = (unsigned char)(w >> 8);
		buf[2] = (unsigned char)(w >> 16);
		buf[3] = (unsigned char)(w >> 24);
		buf[4] = (unsigned char)(w >> 32);
		buf[5] = (unsigned char)(w >> 40);
		buf[6] = (unsigned char)(w >> 48);
		buf[7] = (unsigned char)(w >> 56);
		buf += 8;
		len -= 8;
	}
	if (len > 0) {
		g->word = st_splitmix(&g->state);
		g->left = 8;
		while (len > 0) {
			*buf++ = (unsigned char)g->word;
			g->word >>= 8;
			g->left--;
			len--;
		}
	}
}

/* POSIX cksum(1): CRC-32, polynomial 0x04c11db7, MSB first. */
static void
st_crc_init(void)
{
	uint32_t	c;
	unsigned	i, j;

	for (i = 0; i < 256; i++) {
		c = (uint32_t)i << 24;
		for (j = 0; j < 8; j++)
			c = (c & 0x80000000U) ? (c << 1) ^ 0x04c11db7U : c << 1;
		st_crc_table[i] = c;
	}
}

static uint32_t
st_crc_update(uint32_t crc, const unsigned char *p, size_t len)
{
	while (len-- > 0)
		crc = (crc << 8) ^ st_crc_table[(crc >> 24) ^ *p++];
	return crc;
}

/* cksum(1) appends the length, least significant byte first. */
static uint32_t
st_crc_final(uint32_t crc, uint64_t len)
{
	unsigned char	b;

	while (len > 0) {
		b = (unsigned char)(len & 0xff);
		crc = st_crc_update(crc, &b, 1);
		len >>= 8;
	}
	return ~crc;
}

static int
st_number(const char *word, const char *s, uint64_t *out)
{
	char			*end;
	unsigned long long	 v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || *s == '-') {
		fprintf(stderr, "streamer: %s: not a number\n", word);
		return -1;
	}
	*out = v;
	return 0;
}

static int
st_parse(int argc, char **argv, struct st_args *a)
{
	uint64_t	v;
	int		i;

	memset(a, 0, sizeof(*a));
	a->out_seed = 1;
	a->in_seed = 2;
	a->bytes = 1024 * 1024;
	a->timeout = 60;
	for (i = 1; i < argc; i++) {
		const char *w = argv[i];

		if (strncmp(w, "stream-out=", 11) == 0) {
			if (st_number(w, w + 11, &a->out_seed) == -1)
				return -1;
		} else if (strncmp(w, "stream-in=", 10) == 0) {
			if (st_number(w, w + 10, &a->in_seed) == -1)
				return -1;
		} else if (strncmp(w, "bytes=", 6) == 0) {
			if (st_number(w, w + 6, &a->bytes) == -1)
				return -1;
		} else if (strncmp(w, "timeout=", 8) == 0) {
			if (st_number(w, w + 8, &v) == -1)
				return -1;
			if (v < 1 || v > 3600) {
				fprintf(stderr, "streamer: %s: not 1-3600\n",
				    w);
				return -1;
			}
			a->timeout = (int)v;
		} else if (strncmp(w, "gen=", 4) == 0) {
			if (st_number(w, w + 4, &a->gen_seed) == -1)
				return -1;
			a->gen = true;
		} else if (strncmp(w, "result=", 7) == 0)
			a->result = w + 7;
		/* Anything else is a pppd option: not ours. */
	}
	if (!a->gen && (a->result == NULL || a->result[0] == '\0')) {
		fprintf(stderr, "streamer: result=PATH is required\n");
		return -1;
	}
	return 0;
}

/* Write the verdict to a->result, atomically. */
static void
st_verdict(const struct st_args *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
st_verdict(const struct st_args *a, const char *fmt, ...)
{
	va_list	 ap;
	FILE	*f;
	char	 tmp[4096];
	int	 n;

	n = snprintf(tmp, sizeof(tmp), "%s.tmp", a->result);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		fprintf(stderr, "streamer: %s: path too long\n", a->result);
		exit(2);
	}
	if ((f = fopen(tmp, "we")) == NULL) {
		fprintf(stderr, "streamer: %s: %s\n", tmp, strerror(errno));
		exit(2);
	}
	va_start(ap, fmt);
	(void)vfprintf(f, fmt, ap);
	va_end(ap);
	(void)fputc('\n', f);
	if (fclose(f) == EOF) {
		fprintf(stderr, "streamer: %s: %s\n", tmp, strerror(errno));
		exit(2);
	}
	if (rename(tmp, a->result) == -1) {
		fprintf(stderr, "streamer: rename %s: %s\n", a->result,
		    strerror(errno));
		exit(2);
	}
}

static int
st_nonblock(int fd)
{
	int	fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1) {
		fprintf(stderr, "streamer: fd %d: fcntl: %s\n", fd,
		    strerror(errno));
		return -1;
	}
	return 0;
}

static uint64_t
st_now_ms(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* gen=N: the stream alone, blocking, for cksum(1). */
static int
st_generate(const struct st_args *a)
{
	static unsigned char	 buf[ST_CHUNK];
	struct st_gen		 g;
	uint64_t		 left = a->bytes;
	size_t			 want, off;
	ssize_t			 n;

	st_gen_init(&g, a->gen_seed);
	while (left > 0) {
		want = left < sizeof(buf) ? (size_t)left : sizeof(buf);
		st_gen_fill(&g, buf, want);
		for (off = 0; off < want; off += (size_t)n) {
			n = write(STDOUT_FILENO, buf + off, want - off);
			if (n == -1 && errno == EINTR) {
				n = 0;
				continue;
			}
			if (n <= 0) {
				fprintf(stderr, "streamer: stdout: %s\n",
				    strerror(errno));
				return 1;
			}
		}
		left -= want;
	}
	return 0;
}

static int
st_run(const struct st_args *a)
{
	static unsigned char	 obuf[ST_CHUNK], ibuf[ST_CHUNK],
				 want[ST_CHUNK];
	struct st_gen		 og, ig;
	struct pollfd		 pfd[2];
	uint64_t		 sent = 0, got = 0, extra = 0, last;
	uint64_t		 t0, t_sent, t_got;
	uint32_t		 crc = 0;
	size_t			 olen = 0, ooff = 0, i;
	ssize_t			 n;
	bool			 done = false, in_open = true;
	int			 r, ms;

	st_gen_init(&og, a->out_seed);
	st_gen_init(&ig, a->in_seed);
	if (st_nonblock(STDIN_FILENO) == -1 ||
	    st_nonblock(STDOUT_FILENO) == -1)
		return 2;
	fprintf(stderr, "streamer: started, sending %" PRIu64 " bytes of "
	    "stream %" PRIu64 ", expecting stream %" PRIu64 "\n", a->bytes,
	    a->out_seed, a->in_seed);

	last = t0 = t_sent = t_got = st_now_ms();
	while (in_open) {
		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[1].fd = sent < a->bytes ? STDOUT_FILENO : -1;
		pfd[1].events = POLLOUT;
		pfd[0].revents = pfd[1].revents = 0;
		ms = (int)(last + (uint64_t)a->timeout * 1000 - st_now_ms());
		if (ms <= 0) {
			if (done)
				return 0;	/* lingered long enough */
			st_verdict(a, "TIMEOUT after %d s idle: received %"
			    PRIu64 " of %" PRIu64 ", sent %" PRIu64, a->timeout,
			    got, a->bytes, sent);
			return 1;
		}
		r = poll(pfd, 2, ms);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			st_verdict(a, "POLL ERROR: %s", strerror(errno));
			return 1;
		}
		if (r == 0)
			continue;

		/* Out: as much as stdout takes. */
		while (sent < a->bytes && pfd[1].revents != 0) {
			if (ooff == olen) {
				olen = a->bytes - sent < sizeof(obuf) ?
				    (size_t)(a->bytes - sent) : sizeof(obuf);
				st_gen_fill(&og, obuf, olen);
				ooff = 0;
			}
			n = write(STDOUT_FILENO, obuf + ooff, olen - ooff);
			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1 && errno == EAGAIN)
				break;
			if (n <= 0) {
				st_verdict(a, "WRITE ERROR after %" PRIu64
				    " bytes: %s", sent,
				    n == 0 ? "wrote nothing" : strerror(errno));
				return 1;
			}
			ooff += (size_t)n;
			sent += (uint64_t)n;
			last = st_now_ms();
			if (sent == a->bytes)
				t_sent = last;
		}

		/* In: check every byte, then count any beyond the end. */
		while (pfd[0].revents != 0) {
			n = read(STDIN_FILENO, ibuf, sizeof(ibuf));
			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1 && errno == EAGAIN)
				break;
			if (n <= 0) {
				/* EOF, or EIO on a pty whose master closed. */
				in_open = false;
				if (done)
					break;
				st_verdict(a, "SHORT %" PRIu64 " of %" PRIu64
				    ": %s", got, a->bytes, n == 0 ?
				    "end of input" : strerror(errno));
				return 1;
			}
			last = st_now_ms();
			if (got + (uint64_t)n > a->bytes) {
				extra += got + (uint64_t)n - a->bytes;
				n = (ssize_t)(a->bytes - got);
			}
			st_gen_fill(&ig, want, (size_t)n);
			if (memcmp(ibuf, want, (size_t)n) != 0) {
				for (i = 0; ibuf[i] == want[i]; i++)
					continue;
				st_verdict(a, "MISMATCH at byte %" PRIu64
				    ": got 0x%02x, want 0x%02x", got + i,
				    ibuf[i], want[i]);
				return 1;
			}
			crc = st_crc_update(crc, ibuf, (size_t)n);
			got += (uint64_t)n;
			if (got == a->bytes && n > 0)
				t_got = last;
			if (extra > 0) {
				st_verdict(a, "EXTRA %" PRIu64 " bytes after %"
				    PRIu64, extra, a->bytes);
				return 1;
			}
		}

		if (!done && sent == a->bytes && got == a->bytes) {
			done = true;
			st_verdict(a, "OK %" PRIu64 " %" PRIu32, got,
			    st_crc_final(crc, got));
			fprintf(stderr, "streamer: done: received %" PRIu64
			    " bytes in %" PRIu64 " ms, sent %" PRIu64 " in %"
			    PRIu64 " ms\n", got, t_got - t0, sent, t_sent - t0);
		}
	}
	return done ? 0 : 1;
}

int
main(int argc, char **argv)
{
	struct st_args	a;

	if (st_parse(argc, argv, &a) == -1)
		return 2;
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
		fprintf(stderr, "streamer: signal: %s\n", strerror(errno));
		return 2;
	}
	st_crc_init();
	if (a.gen)
		return st_generate(&a);
	return st_run(&a);
}
