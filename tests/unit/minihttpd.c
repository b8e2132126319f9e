/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The unit tests' HTTP server (see minihttpd.h).  Loopback only, small
 * requests, one request per connection ("Connection: close").
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "minihttpd.h"
#include "xmalloc.h"

#define MH_MAX_CONNS	32
#define MH_BUF		8192

struct mh_conn {
	struct mh	*mh;
	int		 fd;
	char		 buf[MH_BUF + 1];
	size_t		 len;
};

struct mh {
	struct loop	*loop;
	int		 fd;
	int		 port;
	bool		 listening;
	int		 status;
	char		*body;
	char		**heads;
	char		**bodies;
	size_t		 n;
	size_t		 accepted;
	struct mh_conn	*conns[MH_MAX_CONNS];
};

static void	mh_accept(int, short, void *);
static void	mh_read(int, short, void *);

struct mh *
mh_new(struct loop *loop, bool listen_now)
{
	struct mh		*mh;
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);

	mh = xcalloc(1, sizeof(*mh));
	mh->loop = loop;
	mh->status = 200;
	mh->body = xstrdup("ok");
	mh->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (mh->fd == -1)
		fatal("socket");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(mh->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(mh->fd, (struct sockaddr *)&sin, &len) == -1)
		fatal("bind");
	mh->port = ntohs(sin.sin_port);
	if (listen_now)
		mh_listen(mh);
	return mh;
}

void
mh_listen(struct mh *mh)
{
	if (mh->listening)
		return;
	if (listen(mh->fd, 16) == -1)
		fatal("listen");
	loop_fd_add(mh->loop, mh->fd, POLLIN, mh_accept, mh);
	mh->listening = true;
}

static void
mh_conn_close(struct mh_conn *c)
{
	size_t	i;

	for (i = 0; i < MH_MAX_CONNS; i++)
		if (c->mh->conns[i] == c)
			c->mh->conns[i] = NULL;
	loop_fd_del(c->mh->loop, c->fd);
	close(c->fd);
	free(c);
}

void
mh_free(struct mh *mh)
{
	size_t	i;

	if (mh == NULL)
		return;
	for (i = 0; i < MH_MAX_CONNS; i++)
		if (mh->conns[i] != NULL)
			mh_conn_close(mh->conns[i]);
	loop_fd_del(mh->loop, mh->fd);
	close(mh->fd);
	for (i = 0; i < mh->n; i++) {
		free(mh->heads[i]);
		free(mh->bodies[i]);
	}
	free(mh->heads);
	free(mh->bodies);
	free(mh->body);
	free(mh);
}

int
mh_port(const struct mh *mh)
{
	return mh->port;
}

void
mh_answer(struct mh *mh, int status, const char *body)
{
	mh->status = status;
	free(mh->body);
	mh->body = xstrdup(body != NULL ? body : "");
}

size_t
mh_count(const struct mh *mh)
{
	return mh->n;
}

size_t
mh_accepted(const struct mh *mh)
{
	return mh->accepted;
}

const char *
mh_head(const struct mh *mh, size_t i)
{
	return i < mh->n ? mh->heads[i] : NULL;
}

const char *
mh_body(const struct mh *mh, size_t i)
{
	return i < mh->n ? mh->bodies[i] : NULL;
}

static void
mh_accept(int fd, short revents, void *arg)
{
	struct mh	*mh = arg;
	struct mh_conn	*c;
	size_t		 i;
	int		 s;

	(void)revents;
	if ((s = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1)
		return;
	for (i = 0; i < MH_MAX_CONNS && mh->conns[i] != NULL; i++)
		continue;
	if (i == MH_MAX_CONNS) {
		close(s);
		return;
	}
	c = xcalloc(1, sizeof(*c));
	c->mh = mh;
	c->fd = s;
	mh->conns[i] = c;
	mh->accepted++;
	loop_fd_add(mh->loop, s, POLLIN, mh_read, c);
}

static void
mh_read(int fd, short revents, void *arg)
{
	struct mh_conn	*c = arg;
	struct mh	*mh = c->mh;
	char		*end, *cl, *resp;
	size_t		 head, want = 0;
	ssize_t		 n;

	(void)revents;
	n = read(fd, c->buf + c->len, MH_BUF - c->len);
	if (n <= 0) {
		if (n == -1 && errno == EAGAIN)
			return;
		mh_conn_close(c);
		return;
	}
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	if ((end = strstr(c->buf, "\r\n\r\n")) == NULL)
		return;
	head = (size_t)(end - c->buf) + 4;
	if ((cl = strcasestr(c->buf, "\r\nContent-Length:")) != NULL &&
	    cl < end)
		want = strtoul(cl + 17, NULL, 10);
	if (c->len < head + want)
		return;
	mh->heads = xreallocarray(mh->heads, mh->n + 1, sizeof(*mh->heads));
	mh->bodies = xreallocarray(mh->bodies, mh->n + 1,
	    sizeof(*mh->bodies));
	mh->heads[mh->n] = xstrndup(c->buf, head);
	mh->bodies[mh->n] = xstrndup(c->buf + head, want);
	mh->n++;
	if (mh->status == 0) {
		/* Hang: keep the connection, never answer. */
		loop_fd_events(mh->loop, fd, 0);
		return;
	}
	xasprintf(&resp, "HTTP/1.1 %d X\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n%s", mh->status, strlen(mh->body),
	    mh->body);
	if (write(fd, resp, strlen(resp)) != (ssize_t)strlen(resp))
		fatal("minihttpd: write");
	free(resp);
	mh_conn_close(c);
}
