/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * syslog-sink [-t] SOCKET FILE: the system logger, for tests that run a
 * daemon which logs with syslog(3).  Binds a Unix datagram socket at
 * SOCKET (the test makes it /dev/log in a mount namespace, or in a
 * guest, of its own; "@name" is name in the abstract namespace) and
 * appends every message it receives to FILE, one line each, written at
 * once.  SIGTERM or SIGINT: remove SOCKET, exit 0.
 *
 * -t: the service manager's side of sd_notify(3) instead, for tests of
 * vpnd's NOTIFY_SOCKET: each line starts with the time it arrived (the
 * monotonic clock in ms) and a space, and the newlines between the
 * message's assignments become spaces:
 *	81234 READY=1 STATUS=0 of 1 link up; office: connecting
 *
 * Exit status: 0 after a signal, 2 usage, 1 any error.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t	stop;

static void
on_signal(int signo)
{
	(void)signo;
	stop = 1;
}

int
main(int argc, char **argv)
{
	struct sockaddr_un	 sun;
	struct sigaction	 sa;
	struct timespec		 ts;
	char			 buf[8192], line[8192 + 32];
	socklen_t		 sunlen;
	ssize_t			 n, i;
	int			 s, out, len, stamp = 0;
	bool			 abstract;

	if (argc == 4 && strcmp(argv[1], "-t") == 0) {
		stamp = 1;
		argv++;
		argc--;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: syslog-sink [-t] socket file\n");
		return 2;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(argv[1]) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "syslog-sink: %s: path too long\n", argv[1]);
		return 1;
	}
	strcpy(sun.sun_path, argv[1]);
	sunlen = sizeof(sun);
	if ((abstract = argv[1][0] == '@')) {
		sun.sun_path[0] = '\0';
		sunlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
		    strlen(argv[1]));
	}

	/* No SA_RESTART: a signal ends the blocking recv() with EINTR. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1) {
		fprintf(stderr, "syslog-sink: sigaction: %s\n",
		    strerror(errno));
		return 1;
	}

	out = open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (out == -1) {
		fprintf(stderr, "syslog-sink: %s: %s\n", argv[2],
		    strerror(errno));
		return 1;
	}
	if ((s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		fprintf(stderr, "syslog-sink: socket: %s\n", strerror(errno));
		return 1;
	}
	if (bind(s, (struct sockaddr *)&sun, sunlen) == -1) {
		fprintf(stderr, "syslog-sink: bind %s: %s\n", argv[1],
		    strerror(errno));
		return 1;
	}
	/* Any local daemon may log, as to the real /dev/log. */
	if (!abstract && chmod(argv[1], 0666) == -1) {
		fprintf(stderr, "syslog-sink: chmod %s: %s\n", argv[1],
		    strerror(errno));
		goto fail;
	}

	while (!stop) {
		n = recv(s, buf, sizeof(buf) - 1, 0);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "syslog-sink: recv: %s\n",
			    strerror(errno));
			goto fail;
		}
		/* One line per message, whether or not it ends in one. */
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\0'))
			n--;
		buf[n] = '\0';
		if (stamp) {
			for (i = 0; i < n; i++) {
				if (buf[i] == '\n')
					buf[i] = ' ';
			}
			if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1) {
				fprintf(stderr, "syslog-sink: clock_gettime: "
				    "%s\n", strerror(errno));
				goto fail;
			}
			len = snprintf(line, sizeof(line), "%lld %s\n",
			    (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000,
			    buf);
		} else
			len = snprintf(line, sizeof(line), "%s\n", buf);
		if (len < 0 || (size_t)len >= sizeof(line)) {
			fprintf(stderr, "syslog-sink: message too long\n");
			goto fail;
		}
		n = len;
		if (write(out, line, (size_t)n) != n) {
			fprintf(stderr, "syslog-sink: write %s: %s\n",
			    argv[2], strerror(errno));
			goto fail;
		}
	}
	if (!abstract)
		(void)unlink(argv[1]);	/* gone already is fine */
	return 0;

fail:
	if (!abstract)
		(void)unlink(argv[1]);
	return 1;
}
