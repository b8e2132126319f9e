/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * bench-io: the two ends of a throughput benchmark.  It stands in for
 * pppd (vpnd runs it on the pty, with pppd's options in argv) and for
 * the remote command (sshd runs it, again with pppd's options after
 * ours), so it takes its own settings as key=value words and ignores
 * every other word:
 *
 *	mode=send	write bytes= bytes of the data= file (repeated as
 *			often as needed) to stdout as fast as it goes, then
 *			read stdin until EOF (or the pty hangs up) and exit.
 *	mode=recv	read bytes= bytes from stdin, compare each with the
 *			data= file (repeated), then write to out= the line
 *			"bytes N first_ns T0 last_ns T1" (CLOCK_MONOTONIC
 *			of the first and of the last byte read) and exit.
 *
 * The result file appears whole (written aside, then renamed): a
 * script may poll for it.  A mismatch or a short stream writes
 * "error ..." to out= instead and exits 1.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/stat.h>

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

#define BENCH_IO_CHUNK	(64 * 1024)

struct bench_io {
	const char	*mode;
	const char	*data_path;
	const char	*out_path;
	uint64_t	 bytes;
	const char	*data;		/* the data file, mapped */
	size_t		 size;
};

static void	bench_io_die(const struct bench_io *, const char *, ...)
		    __attribute__((format(printf, 2, 3), noreturn));
static uint64_t	bench_io_now(void);
static void	bench_io_wait(int, short);
static int	bench_io_send(struct bench_io *);
static int	bench_io_recv(struct bench_io *);

static uint64_t
bench_io_now(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		abort();
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

/* Write line to out= (aside, then renamed) if there is one. */
static void
bench_io_result(const struct bench_io *b, const char *line)
{
	char	*tmp;
	FILE	*f;

	if (b->out_path == NULL)
		return;
	if (asprintf(&tmp, "%s.tmp", b->out_path) == -1)
		return;
	if ((f = fopen(tmp, "we")) != NULL) {
		fputs(line, f);
		if (fclose(f) == 0)
			(void)rename(tmp, b->out_path);
	}
	free(tmp);
}

/* Say why on stderr and in out=, and exit 1. */
static void
bench_io_die(const struct bench_io *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg, *line;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	if (msg == NULL)
		exit(1);
	fprintf(stderr, "bench-io: %s\n", msg);
	if (asprintf(&line, "error %s\n", msg) != -1)
		bench_io_result(b, line);
	exit(1);
}

/* The fd is non-blocking (a pty vpnd made, say): wait until it is ready. */
static void
bench_io_wait(int fd, short events)
{
	struct pollfd	pfd;

	pfd.fd = fd;
	pfd.events = events;
	pfd.revents = 0;
	while (poll(&pfd, 1, -1) == -1 && errno == EINTR)
		continue;
}

static int
bench_io_send(struct bench_io *b)
{
	char		sink[BENCH_IO_CHUNK];
	uint64_t	left = b->bytes;
	size_t		off = 0, len;
	ssize_t		n;

	while (left > 0) {
		len = b->size - off;
		if (len > BENCH_IO_CHUNK)
			len = BENCH_IO_CHUNK;
		if (len > left)
			len = (size_t)left;
		n = write(STDOUT_FILENO, b->data + off, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				bench_io_wait(STDOUT_FILENO, POLLOUT);
				continue;
			}
			bench_io_die(b, "write stdout: %s (%" PRIu64
			    " bytes left)", strerror(errno), left);
		}
		left -= (uint64_t)n;
		off = (off + (size_t)n) % b->size;
	}
	/* Stay until the other end is done: exiting could drop the tail. */
	for (;;) {
		n = read(STDIN_FILENO, sink, sizeof(sink));
		if (n > 0)
			continue;
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN) {
			bench_io_wait(STDIN_FILENO, POLLIN);
			continue;
		}
		return 0;	/* EOF, or EIO from a hung-up pty */
	}
}

static int
bench_io_recv(struct bench_io *b)
{
	char		 buf[BENCH_IO_CHUNK], *line;
	uint64_t	 got = 0, first = 0, last = 0;
	size_t		 off = 0, i, k;
	ssize_t		 n;

	while (got < b->bytes) {
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				bench_io_wait(STDIN_FILENO, POLLIN);
				continue;
			}
			bench_io_die(b, "read stdin after %" PRIu64 " bytes: %s",
			    got, strerror(errno));
		}
		if (n == 0)
			bench_io_die(b, "EOF after %" PRIu64 " of %" PRIu64
			    " bytes", got, b->bytes);
		last = bench_io_now();
		if (got == 0)
			first = last;
		if ((uint64_t)n > b->bytes - got)
			bench_io_die(b, "%zd bytes more than %" PRIu64,
			    n, b->bytes);
		/* Compare with the data, which wraps around. */
		for (i = 0; i < (size_t)n; i += k) {
			k = b->size - off;
			if (k > (size_t)n - i)
				k = (size_t)n - i;
			if (memcmp(buf + i, b->data + off, k) != 0)
				bench_io_die(b, "data differs within bytes "
				    "%" PRIu64 "-%" PRIu64, got + i,
				    got + i + k);
			off = (off + k) % b->size;
		}
		got += (uint64_t)n;
	}
	if (asprintf(&line, "bytes %" PRIu64 " first_ns %" PRIu64
	    " last_ns %" PRIu64 "\n", got, first, last) == -1)
		bench_io_die(b, "out of memory");
	bench_io_result(b, line);
	free(line);
	return 0;
}

int
main(int argc, char **argv)
{
	struct bench_io	 b;
	struct stat	 st;
	char		*end;
	int		 i, fd;
	void		*p;

	memset(&b, 0, sizeof(b));
	for (i = 1; i < argc; i++) {
		if (strncmp(argv[i], "mode=", 5) == 0)
			b.mode = argv[i] + 5;
		else if (strncmp(argv[i], "data=", 5) == 0)
			b.data_path = argv[i] + 5;
		else if (strncmp(argv[i], "out=", 4) == 0)
			b.out_path = argv[i] + 4;
		else if (strncmp(argv[i], "bytes=", 6) == 0) {
			errno = 0;
			b.bytes = strtoull(argv[i] + 6, &end, 10);
			if (errno != 0 || *end != '\0' || b.bytes == 0)
				bench_io_die(&b, "bad %s", argv[i]);
		}
		/* Anything else is pppd's, not ours. */
	}
	if (b.mode == NULL || b.data_path == NULL || b.bytes == 0)
		bench_io_die(&b, "usage: bench-io mode=send|recv bytes=N "
		    "data=FILE [out=FILE] [ignored ...]");
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		bench_io_die(&b, "signal: %s", strerror(errno));

	if ((fd = open(b.data_path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1)
		bench_io_die(&b, "%s: %s", b.data_path, strerror(errno));
	if (st.st_size <= 0)
		bench_io_die(&b, "%s: empty", b.data_path);
	b.size = (size_t)st.st_size;
	p = mmap(NULL, b.size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (p == MAP_FAILED)
		bench_io_die(&b, "mmap %s: %s", b.data_path, strerror(errno));
	b.data = p;
	(void)close(fd);

	if (strcmp(b.mode, "send") == 0)
		return bench_io_send(&b);
	if (strcmp(b.mode, "recv") == 0)
		return bench_io_recv(&b);
	bench_io_die(&b, "unknown mode=%s", b.mode);
}
