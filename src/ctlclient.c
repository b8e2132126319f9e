/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The client end of the control socket (see ctlclient.h).
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "ctlclient.h"
#include "ctlmsg.h"
#include "loop.h"
#include "xmalloc.h"

#define CTLCLIENT_LINE_MAX	(64 * 1024 * 1024)	/* a reply line */

struct ctlclient {
	int			 fd;
	char			*path;
	struct buf		 in;
	char			*line;		/* the last line returned */
	bool			 eof;
};

/*
 * Who may use the socket at path and how to become one of them: its
 * group (the control group vpnd gave it), the user running us.
 */
static char *
ctlclient_join_hint(const char *path)
{
	struct stat	 st;
	struct group	*gr;
	struct passwd	*pw;
	char		*group, *user, *hint;

	if (stat(path, &st) == 0 && (gr = getgrgid(st.st_gid)) != NULL &&
	    st.st_gid != 0)
		group = xstrdup(gr->gr_name);
	else
		group = xstrdup(CONF_CONTROL_GROUP);
	if ((pw = getpwuid(getuid())) != NULL)
		user = xstrdup(pw->pw_name);
	else
		xasprintf(&user, "%lu", (unsigned long)getuid());
	xasprintf(&hint, "only root and the members of group %s may use "
	    "vpnd; join it with 'sudo adduser %s %s' and log in again",
	    group, user, group);
	free(user);
	free(group);
	return hint;
}

struct ctlclient *
ctlclient_connect(const char *path, char **cause)
{
	const char		*why;
	char			*hint;
	struct ctlclient	*cl;
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		xasprintf(cause, "control socket %s: path too long", path);
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		xasprintf(cause, "socket: %s", strerror(errno));
		return NULL;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			xasprintf(cause, "connect %s: %s (is vpnd running?)",
			    path, strerror(errno));
		else if (errno == EACCES || errno == EPERM) {
			why = strerror(errno);
			hint = ctlclient_join_hint(path);
			xasprintf(cause, "connect %s: %s: %s", path, why, hint);
			free(hint);
		} else
			xasprintf(cause, "connect %s: %s", path,
			    strerror(errno));
		close(fd);
		return NULL;
	}
	cl = xcalloc(1, sizeof(*cl));
	cl->fd = fd;
	cl->path = xstrdup(path);
	return cl;
}

void
ctlclient_free(struct ctlclient *cl)
{
	if (cl == NULL)
		return;
	close(cl->fd);
	buf_free(&cl->in);
	free(cl->line);
	free(cl->path);
	free(cl);
}

int
ctlclient_send(struct ctlclient *cl, int argc, const char *const *argv,
    char **cause)
{
	struct buf		 b = { NULL, 0, 0 };
	size_t			 off = 0;
	ssize_t			 n;
	int			 i, r = -1;

	buf_add(&b, CTLMSG_VERSION, strlen(CTLMSG_VERSION));
	for (i = 0; i < argc; i++) {
		buf_add(&b, " ", 1);
		buf_add(&b, argv[i], strlen(argv[i]));
	}
	buf_add(&b, "\n", 1);
	if (b.len > CTLMSG_LINE_MAX) {
		xasprintf(cause, "request too long (%zu bytes, at most %d)",
		    b.len, CTLMSG_LINE_MAX);
		goto out;
	}
	while (off < b.len) {
		n = send(cl->fd, b.s + off, b.len - off, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			/* Refused before we spoke: the reason waits. */
			if (errno == EPIPE || errno == ECONNRESET)
				break;
			xasprintf(cause, "write to %s: %s", cl->path,
			    strerror(errno));
			goto out;
		}
		off += (size_t)n;
	}
	r = 0;
out:
	buf_free(&b);
	return r;
}

int
ctlclient_read(struct ctlclient *cl, int timeout_ms, struct ctlmsg_reply *r,
    char **cause)
{
	struct pollfd	 pfd;
	char		*nl, buf[8192];
	uint64_t	 deadline = 0, now;
	ssize_t		 n;
	size_t		 len;
	int		 wait;

	free(cl->line);
	cl->line = NULL;
	if (timeout_ms >= 0)
		deadline = loop_clock_monotonic() + (uint64_t)timeout_ms;
	while (cl->in.len == 0 ||
	    (nl = memchr(cl->in.s, '\n', cl->in.len)) == NULL) {
		if (cl->eof) {
			xasprintf(cause, "vpnd closed the connection without "
			    "a final reply");
			return -1;
		}
		if (cl->in.len > CTLCLIENT_LINE_MAX) {
			xasprintf(cause, "reply line longer than %d bytes",
			    CTLCLIENT_LINE_MAX);
			return -1;
		}
		/* At least one look, even with no time left. */
		wait = -1;
		if (timeout_ms >= 0) {
			now = loop_clock_monotonic();
			wait = now < deadline ? (int)(deadline - now) : 0;
		}
		pfd.fd = cl->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, wait) == -1) {
			if (errno == EINTR)
				return 1;	/* the caller's signal */
			xasprintf(cause, "poll: %s", strerror(errno));
			return -1;
		}
		if (pfd.revents == 0) {
			if (timeout_ms >= 0 &&
			    loop_clock_monotonic() >= deadline)
				return 1;
			continue;
		}
		n = read(cl->fd, buf, sizeof(buf));
		if (n == -1) {
			if (errno == EINTR)
				return 1;
			if (errno == EAGAIN)
				continue;
			/* vpnd closed with our request unread: EOF for us. */
			if (errno != ECONNRESET) {
				xasprintf(cause, "read from %s: %s", cl->path,
				    strerror(errno));
				return -1;
			}
			n = 0;
		}
		if (n == 0)
			cl->eof = true;
		else
			buf_add(&cl->in, buf, (size_t)n);
	}
	len = (size_t)(nl - cl->in.s);
	if (memchr(cl->in.s, '\0', len) != NULL) {
		xasprintf(cause, "NUL byte in a reply line");
		return -1;
	}
	cl->line = xstrndup(cl->in.s, len);
	buf_consume(&cl->in, len + 1);
	return ctlmsg_reply_parse(cl->line, r, cause);
}

int
ctlclient_next(struct ctlclient *cl, int timeout_ms,
    struct ctlmsg_reply *r, char **cause)
{
	uint64_t	deadline = 0, now;
	int		left = timeout_ms, rv;

	if (timeout_ms >= 0)
		deadline = loop_clock_monotonic() + (uint64_t)timeout_ms;
	while ((rv = ctlclient_read(cl, left, r, cause)) == 1) {
		if (timeout_ms < 0)
			continue;
		now = loop_clock_monotonic();
		if (now >= deadline) {
			xasprintf(cause, "no reply from vpnd on %s within "
			    "%d s", cl->path, timeout_ms / 1000);
			return -1;
		}
		left = (int)(deadline - now);
	}
	return rv;
}

int
ctlclient_exit_status(enum ctlmsg_error e)
{
	switch (e) {
	case CTLMSG_E_USAGE:
	case CTLMSG_E_VERSION:
	case CTLMSG_E_CONFIG:
		return 2;
	default:
		return 1;
	}
}

int
ctlclient_status(const char *path, const char *name,
    struct ctlclient_links *links, int *status, char **cause)
{
	struct ctlclient	*cl;
	struct ctlmsg_reply	 r;
	const char		*argv[2] = { "status", name };
	char			*line, *why = NULL;
	int			 ret = -1;

	memset(links, 0, sizeof(*links));
	*status = 1;
	if ((cl = ctlclient_connect(path, cause)) == NULL)
		return -1;
	if (ctlclient_send(cl, name != NULL ? 2 : 1, argv, cause) == -1)
		goto out;
	for (;;) {
		if (ctlclient_next(cl, CTLCLIENT_TIMEOUT, &r, cause) == -1)
			goto out;
		if (r.type == CTLMSG_OK)
			break;
		if (r.type == CTLMSG_ERROR) {
			*status = ctlclient_exit_status(r.error);
			*cause = xstrdup(r.text);
			goto out;
		}
		if (r.type != CTLMSG_LINK)
			continue;
		line = xstrdup(r.text);
		links->v = xreallocarray(links->v, links->n + 1,
		    sizeof(*links->v));
		links->lines = xreallocarray(links->lines, links->n + 1,
		    sizeof(*links->lines));
		links->lines[links->n] = line;
		if (ctlmsg_link_parse(line, &links->v[links->n], &why) ==
		    -1) {
			free(line);
			xasprintf(cause, "bad reply from vpnd: %s", why);
			free(why);
			goto out;
		}
		links->n++;
	}
	ret = 0;
	*status = 0;
out:
	if (ret == -1)
		ctlclient_links_free(links);
	ctlclient_free(cl);
	return ret;
}

void
ctlclient_links_free(struct ctlclient_links *links)
{
	size_t	i;

	for (i = 0; i < links->n; i++)
		free(links->lines[i]);
	free(links->lines);
	free(links->v);
	memset(links, 0, sizeof(*links));
}
