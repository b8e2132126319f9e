/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * vpnctl's commands that live in their own files (ctl-NAME.c), and the
 * exit statuses every command uses.
 */
#ifndef PPPSSH_VPNCTL_H
#define PPPSSH_VPNCTL_H

#include <time.h>

#define VPNCTL_OK	0	/* done; the link is up (check) */
#define VPNCTL_FAILED	1	/* the operation failed; watchdog acted */
#define VPNCTL_USAGE	2	/* usage or configuration error */

/* Global options, for every command. */
struct vpnctl {
	const char	*socket;	/* -s, or the default */
};

/* "1h02m", "3m05s", "12s": at most size bytes into buf. */
const char	*vpnctl_duration(time_t secs, char *buf, size_t size);

/* watchdog [-f file] [-p pidfile] [--down-after s] [--vpnd path] */
int		 ctl_watchdog(struct vpnctl *, int argc, char **argv);

#endif
