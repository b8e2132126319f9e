/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * vpnctl watchdog, for cron: start vpnd if it does not run, restart the
 * links that are wanted up but have been down longer than a threshold,
 * say what was done, and exit 1 when anything had to be done (so cron
 * mails the admin), 0 when all was well.
 */
#include "config.h"

#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctlclient.h"
#include "ctlmsg.h"
#include "pidfile.h"
#include "vpnctl.h"
#include "xmalloc.h"

#define WATCHDOG_DOWN_AFTER	300		/* seconds */
#define WATCHDOG_START_WAIT	10000		/* ms for vpnd to answer */
#define WATCHDOG_PIDFILE	VPN_RUNDIR "/vpnd.pid"
#define WATCHDOG_VPND		VPN_SBINDIR "/vpnd"

struct watchdog {
	const char	*socket;
	const char	*conf;		/* -f, passed on to vpnd */
	const char	*pidfile;
	const char	*vpnd;
	long		 down_after;
};

static int
watchdog_usage(void)
{
	fprintf(stderr, "usage: vpnctl [-s socket] watchdog [-f file] "
	    "[-p pidfile] [--down-after seconds] [--vpnd path]\n");
	return VPNCTL_USAGE;
}

/* Run vpnd (it daemonizes) and wait until it answers on the socket. */
static int
watchdog_start(struct watchdog *w)
{
	struct ctlclient_links	 links;
	const char		*argv[6];
	char			*conf = NULL, *cause = NULL;
	pid_t			 pid;
	int			 st, n = 0, status, tries;

	argv[n++] = w->vpnd;
	if (w->conf != NULL) {
		/* vpnd changes to /: it must get an absolute path. */
		if ((conf = realpath(w->conf, NULL)) == NULL)
			conf = xstrdup(w->conf);
		argv[n++] = "-f";
		argv[n++] = conf;
	}
	argv[n++] = "-p";
	argv[n++] = w->pidfile;
	argv[n] = NULL;

	/* Not twice in the child's copy; a failure shows at exit. */
	(void)fflush(stdout);
	(void)fflush(stderr);
	switch (pid = fork()) {
	case -1:
		printf("vpnd is not running; cannot start it: fork: %s\n",
		    strerror(errno));
		free(conf);
		return -1;
	case 0:
		execv(w->vpnd, (char *const *)argv);
		fprintf(stderr, "vpnctl: exec %s: %s\n", w->vpnd,
		    strerror(errno));
		_exit(127);
	}
	free(conf);
	while (waitpid(pid, &st, 0) == -1) {
		if (errno != EINTR) {
			printf("vpnd is not running; started %s but lost it: "
			    "waitpid: %s\n", w->vpnd, strerror(errno));
			return -1;
		}
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		printf("vpnd is not running; starting %s failed (%s %d)\n",
		    w->vpnd, WIFEXITED(st) ? "exit status" : "signal",
		    WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		return -1;
	}
	for (tries = 0; tries < WATCHDOG_START_WAIT / 100; tries++) {
		if (ctlclient_status(w->socket, NULL, &links, &status,
		    &cause) == 0) {
			ctlclient_links_free(&links);
			printf("vpnd was not running: started it (pid %ld)\n",
			    (long)pidfile_running(w->pidfile));
			return 0;
		}
		free(cause);
		cause = NULL;
		usleep(100 * 1000);
	}
	printf("vpnd was not running: started it, but it does not answer "
	    "on %s after %d s\n", w->socket, WATCHDOG_START_WAIT / 1000);
	return -1;
}

/* Restart the links wanted up and down for too long; how many. */
static int
watchdog_links(struct watchdog *w, struct ctlclient_links *links)
{
	const struct ctlmsg_link	*l;
	const char			*req[2];
	struct ctlclient		*cl;
	struct ctlmsg_reply		 r;
	char				*cause = NULL, dur[32];
	time_t				 now = time(NULL), since;
	size_t				 i;
	int				 acted = 0;

	for (i = 0; i < links->n; i++) {
		l = &links->v[i];
		since = l->down_since != 0 ? l->down_since : l->since;
		if (!l->wanted || strcmp(l->state, "up") == 0 ||
		    now - since < w->down_after)
			continue;
		acted++;
		printf("link %s: %s, down for %s%s%s", l->name, l->state,
		    vpnctl_duration(now - since, dur, sizeof(dur)),
		    l->reason != NULL ? ", last failure: " : "",
		    l->reason != NULL ? l->reason : "");
		req[0] = "restart";
		req[1] = l->name;
		if ((cl = ctlclient_connect(w->socket, &cause)) == NULL ||
		    ctlclient_send(cl, 2, req, &cause) == -1 ||
		    ctlclient_next(cl, CTLCLIENT_TIMEOUT, &r, &cause) == -1) {
			printf("; restart failed: %s\n", cause);
			free(cause);
			cause = NULL;
		} else if (r.type != CTLMSG_OK)
			printf("; restart failed: %s\n", r.text);
		else
			printf("; restarted it\n");
		ctlclient_free(cl);
	}
	return acted;
}

int
ctl_watchdog(struct vpnctl *v, int argc, char **argv)
{
	struct watchdog		 w;
	struct ctlclient_links	 links;
	char			*cause = NULL, *end;
	pid_t			 pid;
	int			 i, status, r;

	memset(&w, 0, sizeof(w));
	w.socket = v->socket;
	w.pidfile = WATCHDOG_PIDFILE;
	w.vpnd = WATCHDOG_VPND;
	w.down_after = WATCHDOG_DOWN_AFTER;
	for (i = 1; i < argc; i++) {
		if (i + 1 == argc)
			return watchdog_usage();
		if (strcmp(argv[i], "-f") == 0)
			w.conf = argv[++i];
		else if (strcmp(argv[i], "-p") == 0)
			w.pidfile = argv[++i];
		else if (strcmp(argv[i], "--vpnd") == 0)
			w.vpnd = argv[++i];
		else if (strcmp(argv[i], "--down-after") == 0) {
			errno = 0;
			w.down_after = strtol(argv[++i], &end, 10);
			if (errno != 0 || *end != '\0' || end == argv[i] ||
			    w.down_after < 0 || w.down_after > INT_MAX) {
				fprintf(stderr, "vpnctl: watchdog: "
				    "--down-after %s: not a number of "
				    "seconds\n", argv[i]);
				return VPNCTL_USAGE;
			}
		} else
			return watchdog_usage();
	}

	if (ctlclient_status(w.socket, NULL, &links, &status, &cause) == -1) {
		if ((pid = pidfile_running(w.pidfile)) > 0) {
			printf("vpnd runs (pid %ld) but does not answer on "
			    "%s: %s\n", (long)pid, w.socket, cause);
			free(cause);
			return VPNCTL_FAILED;
		}
		free(cause);
		(void)watchdog_start(&w);
		r = VPNCTL_FAILED;	/* acted, whether it worked or not */
		goto out;
	}
	r = watchdog_links(&w, &links) > 0 ? VPNCTL_FAILED : VPNCTL_OK;
	ctlclient_links_free(&links);
out:
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "vpnctl: stdout: %s\n", strerror(errno));
		r = VPNCTL_FAILED;
	}
	return r;
}
