/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The service manager's notification socket (see sdnotify.h): one
 * unconnected datagram socket, one message per sendto(), the address
 * read once from NOTIFY_SOCKET ("/path", or "@name" in the abstract
 * namespace), and the watchdog timer.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "sdnotify.h"
#include "xmalloc.h"

struct sdnotify {
	struct loop		*loop;
	int			 fd;
	struct sockaddr_un	 sun;
	socklen_t		 sunlen;
	char			*name;		/* NOTIFY_SOCKET, for the log */
	bool			 failing;	/* the last send failed */
	char			 status[SDNOTIFY_STATUS_MAX + 1]; /* last sent */
	uint64_t		 watchdog_ms;	/* 0: no watchdog */
	struct loop_timer	 watchdog;
};

static int	sdnotify_address(struct sdnotify *, const char *, char **);
static int	sdnotify_watchdog_ms(const char *, uint64_t *, char **);
static void	sdnotify_send(struct sdnotify *, const char *, const char *);
static void	sdnotify_set_status(struct sdnotify *, const char *);
static void	sdnotify_watchdog(void *);

/* NOTIFY_SOCKET into sn->sun and sn->sunlen. */
static int
sdnotify_address(struct sdnotify *sn, const char *value, char **cause)
{
	size_t	len = strlen(value);

	if (value[0] != '/' && value[0] != '@') {
		xasprintf(cause, "NOTIFY_SOCKET=%s: neither an absolute path "
		    "nor an @abstract name", value);
		return -1;
	}
	if (len < 2 || len >= sizeof(sn->sun.sun_path)) {
		xasprintf(cause, "NOTIFY_SOCKET=%s: a socket name is 2 to %zu "
		    "bytes", value, sizeof(sn->sun.sun_path) - 1);
		return -1;
	}
	memset(&sn->sun, 0, sizeof(sn->sun));
	sn->sun.sun_family = AF_UNIX;
	memcpy(sn->sun.sun_path, value, len);
	if (value[0] == '@') {
		/* Abstract: a leading NUL, and the length says where it ends. */
		sn->sun.sun_path[0] = '\0';
		sn->sunlen = (socklen_t)(offsetof(struct sockaddr_un,
		    sun_path) + len);
	} else
		sn->sunlen = (socklen_t)sizeof(sn->sun);
	return 0;
}

/* WATCHDOG_USEC (and WATCHDOG_PID) into the feeding interval, in ms. */
static int
sdnotify_watchdog_ms(const char *usec, uint64_t *ms, char **cause)
{
	const char		*pid;
	char			*end;
	unsigned long long	 v;
	long			 p;

	*ms = 0;
	if (usec == NULL)
		return 0;
	/* Meant for another process (vpnd daemonized under it). */
	if ((pid = getenv("WATCHDOG_PID")) != NULL) {
		errno = 0;
		p = strtol(pid, &end, 10);
		if (errno != 0 || end == pid || *end != '\0' || p <= 0) {
			xasprintf(cause, "WATCHDOG_PID=%s: not a process ID",
			    pid);
			return -1;
		}
		if ((pid_t)p != getpid()) {
			log_debug("watchdog: WATCHDOG_PID=%ld is not vpnd "
			    "(pid %ld): not fed", p, (long)getpid());
			return 0;
		}
	}
	errno = 0;
	v = strtoull(usec, &end, 10);
	if (errno != 0 || end == usec || *end != '\0' || usec[0] == '-' ||
	    v == 0) {
		xasprintf(cause, "WATCHDOG_USEC=%s: not a number of "
		    "microseconds", usec);
		return -1;
	}
	/* Twice per interval, as sd_watchdog_enabled(3) advises. */
	*ms = v / 2000;
	if (*ms == 0)
		*ms = 1;
	return 0;
}

int
sdnotify_open(struct loop *loop, struct sdnotify **snp, char **cause)
{
	struct sdnotify	*sn;
	const char	*value;
	int		 r = -1;

	*snp = NULL;
	if ((value = getenv("NOTIFY_SOCKET")) == NULL || *value == '\0') {
		r = 0;
		goto out;
	}
	sn = xcalloc(1, sizeof(*sn));
	sn->loop = loop;
	sn->fd = -1;
	sn->name = xstrdup(value);
	loop_timer_init(&sn->watchdog, sdnotify_watchdog, sn);
	if (sdnotify_address(sn, value, cause) == -1 ||
	    sdnotify_watchdog_ms(getenv("WATCHDOG_USEC"), &sn->watchdog_ms,
	    cause) == -1) {
		sdnotify_close(sn);
		goto out;
	}
	sn->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0);
	if (sn->fd == -1) {
		xasprintf(cause, "notify socket %s: socket: %s", sn->name,
		    strerror(errno));
		sdnotify_close(sn);
		goto out;
	}
	if (sn->watchdog_ms != 0) {
		log_info("watchdog: WATCHDOG=1 to %s every %llu ms", sn->name,
		    (unsigned long long)sn->watchdog_ms);
		loop_timer_set(loop, &sn->watchdog, sn->watchdog_ms);
	}
	*snp = sn;
	r = 0;
out:
	/* Ours alone: children (pppd, its scripts) must not speak for us. */
	(void)unsetenv("NOTIFY_SOCKET");
	(void)unsetenv("WATCHDOG_USEC");
	(void)unsetenv("WATCHDOG_PID");
	return r;
}

void
sdnotify_close(struct sdnotify *sn)
{
	if (sn == NULL)
		return;
	loop_timer_cancel(sn->loop, &sn->watchdog);
	if (sn->fd != -1)
		close(sn->fd);
	free(sn->name);
	free(sn);
}

/* One datagram: first (e.g. "READY=1"), then STATUS=text if not NULL. */
static void
sdnotify_send(struct sdnotify *sn, const char *first, const char *text)
{
	char	msg[64 + SDNOTIFY_STATUS_MAX];
	int	len;

	if (text != NULL)
		len = snprintf(msg, sizeof(msg), "%s%sSTATUS=%s", first,
		    *first != '\0' ? "\n" : "", text);
	else
		len = snprintf(msg, sizeof(msg), "%s", first);
	if (len < 0 || (size_t)len >= sizeof(msg))
		fatalx("notify: message too long");	/* a bug */
	if (sendto(sn->fd, msg, (size_t)len, MSG_NOSIGNAL | MSG_DONTWAIT,
	    (struct sockaddr *)&sn->sun, sn->sunlen) == -1) {
		if (!sn->failing)
			log_warn("notify socket %s: send", sn->name);
		sn->failing = true;
		return;
	}
	sn->failing = false;
}

/* The status as it goes out: no control characters, cut to size. */
static void
sdnotify_set_status(struct sdnotify *sn, const char *status)
{
	size_t	i;

	(void)snprintf(sn->status, sizeof(sn->status), "%s", status);
	for (i = 0; sn->status[i] != '\0'; i++) {
		if ((unsigned char)sn->status[i] < 0x20 ||
		    sn->status[i] == 0x7f)
			sn->status[i] = ' ';
	}
}

void
sdnotify_ready(struct sdnotify *sn, const char *status)
{
	if (sn == NULL)
		return;
	sdnotify_set_status(sn, status);
	sdnotify_send(sn, "READY=1", sn->status);
}

void
sdnotify_status(struct sdnotify *sn, const char *status)
{
	char	old[sizeof(sn->status)];

	if (sn == NULL)
		return;
	memcpy(old, sn->status, sizeof(old));
	sdnotify_set_status(sn, status);
	if (strcmp(old, sn->status) != 0)
		sdnotify_send(sn, "", sn->status);
}

void
sdnotify_stopping(struct sdnotify *sn, const char *status)
{
	if (sn == NULL)
		return;
	sdnotify_set_status(sn, status);
	sdnotify_send(sn, "STOPPING=1", sn->status);
}

/* From the loop: the loop turns, so vpnd is alive. */
static void
sdnotify_watchdog(void *arg)
{
	struct sdnotify	*sn = arg;

	sdnotify_send(sn, "WATCHDOG=1", NULL);
	loop_timer_set(sn->loop, &sn->watchdog, sn->watchdog_ms);
}
