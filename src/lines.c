/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Splitting stderr text into logged lines.  The whole state is the
 * caller's struct lines: a fixed buffer for the line being read, copies
 * of the first and the latest complete line, the tag, and the function
 * that may take a line for itself.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lines.h"
#include "log.h"
#include "vis.h"

void
lines_init(struct lines *ll, const char *fmt, ...)
{
	va_list	ap;

	memset(ll, 0, sizeof(*ll));
	va_start(ap, fmt);
	/* A long tag is cut short: it only labels log lines. */
	(void)vsnprintf(ll->tag, sizeof(ll->tag), fmt, ap);
	va_end(ap);
}

void
lines_feed(struct lines *ll, const char *data, size_t len)
{
	char	shown[LINES_MAX];
	size_t	i;

	for (i = 0; i < len; i++) {
		if (data[i] != '\n' && ll->len < sizeof(ll->buf) - 1) {
			if (data[i] != '\r')
				ll->buf[ll->len++] = data[i];
			continue;
		}
		if (data[i] != '\n')
			continue;	/* over-long line: drop the rest */
		ll->buf[ll->len] = '\0';
		if (ll->len > 0 &&
		    (ll->take == NULL || !ll->take(ll->buf, ll->arg))) {
			/* Another host's bytes: no escape sequence gets by. */
			(void)vis_buf(shown, sizeof(shown), ll->buf, ll->len,
			    0);
			log_info("%s: %s", ll->tag, shown);
			if (ll->first[0] == '\0')
				memcpy(ll->first, shown, strlen(shown) + 1);
			memcpy(ll->last, shown, strlen(shown) + 1);
		}
		ll->len = 0;
	}
}

void
lines_take(struct lines *ll, bool (*take)(const char *, void *), void *arg)
{
	ll->take = take;
	ll->arg = arg;
}

void
lines_reset(struct lines *ll)
{
	ll->len = 0;
	ll->buf[0] = ll->first[0] = ll->last[0] = '\0';
}

int
lines_read(struct lines *ll, int fd)
{
	char	buf[2048];
	ssize_t	n;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n > 0)
			lines_feed(ll, buf, (size_t)n);
		else if (n == -1 && errno == EINTR)
			continue;
		else
			return n == -1 && errno == EAGAIN ? 0 : -1;
	}
}
