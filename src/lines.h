/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Text a program writes on stderr (the local pppd, resolvectl, a command
 * run at the far end), split into lines: each complete line is logged
 * with its owner's tag, and the first and the latest are kept for the
 * failure message that may follow.  A struct lines is embedded in its
 * owner's struct and holds no resource (lines_read() reads the owner's
 * fd): nothing to free; lines_reset() empties it for the next program.
 */
#ifndef PPPSSH_LINES_H
#define PPPSSH_LINES_H

#include <stdbool.h>
#include <stddef.h>

#define LINES_MAX	512	/* longest line kept; the rest is dropped */
#define LINES_TAG_MAX	64

struct lines {
	char	tag[LINES_TAG_MAX];	/* "link office: pppd" */
	char	buf[LINES_MAX];		/* the line being read */
	size_t	len;
	char	first[LINES_MAX];	/* the first complete line, or "" */
	char	last[LINES_MAX];	/* the latest complete line, or "" */
					/* (both as vis_buf() shows them) */
	/* Sees each complete line first; true: it took it (not logged). */
	bool	(*take)(const char *line, void *arg);
	void	*arg;
};

/* Empty ll and set the tag its lines are logged with (truncated). */
void	lines_init(struct lines *ll, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * Have take(line, arg) see each complete non-empty line before it is
 * logged; a line it returns true for is neither logged nor kept.
 */
void	lines_take(struct lines *ll, bool (*take)(const char *, void *),
	    void *arg);
/*
 * Take len bytes of the stream.  Each complete non-empty line is logged
 * at info level as "TAG: LINE" and kept (unless the take function,
 * which sees it as it came, took it), made safe to show by vis_buf()
 * (cut short to fit LINES_MAX); CRs are dropped, and what a line holds
 * past LINES_MAX - 1 bytes is dropped too.
 */
void	lines_feed(struct lines *ll, const char *data, size_t len);
/*
 * Feed ll what the non-blocking fd holds, until a read would block:
 * returns 0 then, or -1 at end of file or on an error (the writer is
 * gone or going: the caller closes fd).
 */
int	lines_read(struct lines *ll, int fd);
/* Forget the partial, first and latest lines; the tag stays. */
void	lines_reset(struct lines *ll);

#endif
