/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * syslog-sink: stand in for the syslog daemon's socket so a test can
 * read what a program logged.  Binds a datagram socket at SOCKET (e.g.
 * /dev/log in a guest or a private mount namespace), appends each
 * message to OUTFILE as one line, and runs until killed.  Only tests
 * use it: it never touches a socket it did not create.
 *
 * Exit status: 2 usage, 1 the socket or the file could not be set up.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct sockaddr_un	 sun;
	char			 buf[8192];
	ssize_t			 n;
	int			 s, fd;

	if (argc != 3) {
		fprintf(stderr, "usage: syslog-sink SOCKET OUTFILE\n");
		return 2;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(argv[1]) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "syslog-sink: %s: path too long\n", argv[1]);
		return 1;
	}
	strcpy(sun.sun_path, argv[1]);
	if ((fd = open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600)) == -1) {
		fprintf(stderr, "syslog-sink: %s: %s\n", argv[2],
		    strerror(errno));
		return 1;
	}
	if ((s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(s, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		fprintf(stderr, "syslog-sink: bind %s: %s\n", argv[1],
		    strerror(errno));
		return 1;
	}
	for (;;) {
		n = recv(s, buf, sizeof(buf) - 1, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			fprintf(stderr, "syslog-sink: recv: %s\n",
			    strerror(errno));
			return 1;
		}
		/* One message, one line. */
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\0'))
			n--;
		buf[n++] = '\n';
		if (write(fd, buf, (size_t)n) != n) {
			fprintf(stderr, "syslog-sink: write %s: %s\n",
			    argv[2], strerror(errno));
			return 1;
		}
	}
}
