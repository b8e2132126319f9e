/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * vpnctl's SSH session to a gateway: a struct gw owns a private event
 * loop, the session and its socket; each call drives one step of the
 * ssh module to its end, waiting in that loop, never past a deadline.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dial.h"
#include "gw.h"
#include "loop.h"
#include "ssh.h"
#include "xmalloc.h"

#define GW_STEP_TIMEOUT	30000		/* ms, auth and each command */
#define GW_OUT_MAX	(64 * 1024)	/* bytes kept of stdout, stderr */

struct gw {
	struct loop	*loop;
	struct ssh	*ssh;
	int		 fd;		/* registered in the loop; ssh's */
	char		 addr[64];

	/* The dial, while it runs. */
	bool		 dialed;
	int		 dial_fd;
	char		*dial_cause;
};

struct gw_buf {
	char	*data;
	size_t	 len;
	bool	 eof;
};

static void
gw_on_fd(int fd, short revents, void *arg)
{
	/* Only to wake ppoll: the step that waits is called again. */
	(void)fd;
	(void)revents;
	(void)arg;
}

static void
gw_on_dial(int fd, const struct dial_target *t,
    const struct sockaddr_storage *addr, const char *cause, void *arg)
{
	struct gw	*g = arg;

	(void)t;
	g->dialed = true;
	g->dial_fd = fd;
	if (fd == -1)
		g->dial_cause = xstrdup(cause != NULL ? cause : "failed");
	else
		(void)dial_addr_str(addr, g->addr, sizeof(g->addr));
}

/* One turn of the loop, waiting for what ssh wants, up to deadline. */
static int
gw_wait(struct gw *g, uint64_t deadline, const char *what, char **cause)
{
	uint64_t	now = loop_clock();
	short		ev;

	if (now >= deadline) {
		xasprintf(cause, "%s %s: timed out", what, g->addr);
		return -1;
	}
	ev = POLLIN | ssh_poll_events(g->ssh);
	loop_fd_events(g->loop, g->fd, ev);
	if (loop_once(g->loop, (int)(deadline - now)) == -1) {
		xasprintf(cause, "%s %s: poll failed", what, g->addr);
		return -1;
	}
	return 0;
}

struct gw *
gw_open(const char *host, int port, int timeout, const char **stage,
    char **cause)
{
	struct dial_target	 t;
	struct dial		*d;
	struct gw		*g;
	char			*why = NULL;
	uint64_t		 deadline;
	int			 r;

	*stage = "connect";
	g = xcalloc(1, sizeof(*g));
	g->fd = g->dial_fd = -1;
	g->loop = loop_new();
	(void)snprintf(g->addr, sizeof(g->addr), "%s:%d", host, port);
	deadline = loop_clock() + (uint64_t)timeout * 1000;

	t.host = host;
	t.port = port;
	d = dial_start(g->loop, &t, 1, timeout * 1000, gw_on_dial, g);
	while (!g->dialed) {
		if (loop_clock() >= deadline ||
		    loop_once(g->loop, (int)(deadline - loop_clock())) == -1)
			break;
	}
	dial_free(d);
	if (!g->dialed || g->dial_fd == -1) {
		if (g->dial_cause != NULL)
			*cause = xstrdup(g->dial_cause);
		else
			xasprintf(cause, "connect %s port %d: timed out", host,
			    port);
		goto fail;
	}
	if ((g->ssh = ssh_new(g->dial_fd, &why)) == NULL) {
		xasprintf(cause, "%s: %s", g->addr, why);
		free(why);
		goto fail;
	}
	g->fd = ssh_fd(g->ssh);
	loop_fd_add(g->loop, g->fd, POLLIN, gw_on_fd, g);
	*stage = "handshake";
	while ((r = ssh_handshake(g->ssh, &why)) == SSH_AGAIN) {
		if (gw_wait(g, deadline, "ssh handshake with", cause) == -1)
			goto fail;
	}
	if (r == SSH_ERR) {
		xasprintf(cause, "ssh handshake with %s: %s", g->addr, why);
		free(why);
		goto fail;
	}
	free(g->dial_cause);
	g->dial_cause = NULL;
	return g;
fail:
	gw_close(g);
	return NULL;
}

struct ssh *
gw_ssh(struct gw *g)
{
	return g->ssh;
}

const char *
gw_addr(struct gw *g)
{
	return g->addr;
}

int
gw_auth(struct gw *g, const char *user, const char *identity, char **cause)
{
	uint64_t	 deadline = loop_clock() + GW_STEP_TIMEOUT;
	char		*why = NULL;
	int		 r;

	while ((r = ssh_auth_pubkey(g->ssh, user, identity, &why)) ==
	    SSH_AGAIN) {
		if (gw_wait(g, deadline, "authentication at", cause) == -1)
			return -1;
	}
	if (r == SSH_ERR) {
		*cause = why;
		return -1;
	}
	return 0;
}

/* Read what the channel has into b (keeping at most GW_OUT_MAX). */
static int
gw_drain(struct ssh_chan *c, struct gw_buf *b, bool err, bool *progress,
    char **cause)
{
	char	scratch[4096];
	ssize_t	n;
	size_t	room;

	while (!b->eof) {
		room = GW_OUT_MAX - b->len;
		if (room == 0)
			n = err ? ssh_chan_read_stderr(c, scratch,
			    sizeof(scratch), cause) : ssh_chan_read(c,
			    scratch, sizeof(scratch), cause);
		else
			n = err ? ssh_chan_read_stderr(c, b->data + b->len,
			    room, cause) : ssh_chan_read(c, b->data + b->len,
			    room, cause);
		if (n == SSH_AGAIN)
			return 0;
		if (n == SSH_ERR)
			return -1;
		*progress = true;
		if (n == 0)
			b->eof = true;
		else if (room != 0)
			b->len += (size_t)n;
	}
	return 0;
}

int
gw_run(struct gw *g, const char *command, char **out, char **err,
    int *status, char **cause)
{
	struct ssh_chan	*c;
	struct gw_buf	 o = { NULL, 0, false }, e = { NULL, 0, false };
	uint64_t	 deadline = loop_clock() + GW_STEP_TIMEOUT;
	char		*why = NULL;
	bool		 progress;
	int		 r, ret = -1;

	*out = *err = NULL;
	*status = -1;
	o.data = xmalloc(GW_OUT_MAX + 1);
	e.data = xmalloc(GW_OUT_MAX + 1);
	c = ssh_chan_new(g->ssh, command);
	while ((r = ssh_chan_start(c, &why)) == SSH_AGAIN) {
		if (gw_wait(g, deadline, "exec on", cause) == -1)
			goto out;
	}
	if (r == SSH_ERR)
		goto fail;
	while ((r = ssh_chan_send_eof(c, &why)) == SSH_AGAIN) {
		if (gw_wait(g, deadline, "exec on", cause) == -1)
			goto out;
	}
	if (r == SSH_ERR)
		goto fail;
	while (!o.eof || !e.eof) {
		progress = false;
		if (gw_drain(c, &o, false, &progress, &why) == -1 ||
		    gw_drain(c, &e, true, &progress, &why) == -1)
			goto fail;
		if (progress || ssh_chan_pending(c))
			continue;
		if (gw_wait(g, deadline, "command on", cause) == -1)
			goto out;
	}
	while ((r = ssh_chan_close(c, &why)) == SSH_AGAIN) {
		if (gw_wait(g, deadline, "exec on", cause) == -1)
			goto out;
	}
	if (r == SSH_ERR)
		goto fail;
	*status = ssh_chan_exit_status(c, NULL);
	o.data[o.len] = '\0';
	e.data[e.len] = '\0';
	*out = o.data;
	*err = e.data;
	o.data = e.data = NULL;
	ret = 0;
	goto out;
fail:
	xasprintf(cause, "%s: %s", g->addr, why);
	free(why);
out:
	ssh_chan_free(c);
	free(o.data);
	free(e.data);
	return ret;
}

void
gw_close(struct gw *g)
{
	if (g == NULL)
		return;
	if (g->ssh != NULL) {
		ssh_disconnect(g->ssh, "vpnctl done");
		loop_fd_del(g->loop, g->fd);
		ssh_free(g->ssh);
	}
	free(g->dial_cause);
	loop_free(g->loop);
	free(g);
}
