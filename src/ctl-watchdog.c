/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * vpnctl watchdog, for cron: keep vpnd running the way the admin runs
 * it, and its links up.  It never runs vpnd itself: vpnd is started
 * again only through what started it, so that it runs under the unit
 * and its hardening, and never against the admin's word.
 *
 * With no configuration file, nothing is done.  On a systemd host (the
 * directory /run/systemd/system exists, as sd_booted(3) tells), the unit
 * decides: active, its links are checked; failed (it died or hung, and
 * systemd's own restarts gave up), `systemctl restart UNIT`; inactive
 * (stopped, or never started) or on its way up or down, nothing.
 * Elsewhere, the pid file decides: locked, vpnd runs and its links are
 * checked; absent, vpnd was stopped (the init script or SIGTERM remove
 * it) or never started, and nothing is done; left behind by a vpnd that
 * died, `INIT start`.  The links check restarts each link that is
 * wanted up and has been down longer than a threshold.
 *
 * Silent with exit 0 when nothing had to be done; otherwise it says what
 * it did on stdout and exits 1, so cron mails the admin.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
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
#define WATCHDOG_ANSWER_WAIT	10000		/* ms for vpnd to answer */
#define WATCHDOG_STALE_RECHECK	1000		/* ms before a stale pid file counts */
#define WATCHDOG_PIDFILE	VPN_RUNDIR "/vpnd.pid"
#define WATCHDOG_INIT		VPN_SYSCONFDIR "/init.d/vpn"
#define WATCHDOG_UNIT		"vpn.service"
#define WATCHDOG_SYSTEMD	"/run/systemd/system"

struct watchdog {
	const char	*socket;
	const char	*conf;
	const char	*pidfile;
	const char	*init;		/* sysvinit: the init script */
	const char	*unit;		/* systemd: the unit */
	long		 down_after;
};

static int
watchdog_usage(void)
{
	fprintf(stderr, "usage: vpnctl [-s socket] watchdog [-f file] "
	    "[-p pidfile] [--down-after seconds] [--init path] "
	    "[--unit name]\n");
	return VPNCTL_USAGE;
}

/*
 * Run argv (argv[0] looked up in PATH) and return its exit status.  Its
 * stdout goes to out (NUL-terminated, at most len - 1 bytes kept) if out
 * is not NULL, else to ours; its stderr to our stdout, for cron's mail.
 * -1 if it could not be run or was killed, said on stdout.
 */
static int
watchdog_run(const char *const argv[], char *out, size_t len)
{
	pid_t	pid;
	ssize_t	n;
	size_t	got = 0;
	char	discard[256];
	int	p[2] = { -1, -1 }, st;

	(void)fflush(stdout);
	if (out != NULL && pipe2(p, O_CLOEXEC) == -1) {
		printf("%s: pipe: %s\n", argv[0], strerror(errno));
		return -1;
	}
	switch (pid = fork()) {
	case -1:
		printf("%s: fork: %s\n", argv[0], strerror(errno));
		if (p[0] != -1) {
			close(p[0]);
			close(p[1]);
		}
		return -1;
	case 0:
		if (dup2(STDOUT_FILENO, STDERR_FILENO) == -1 ||
		    (p[1] != -1 && dup2(p[1], STDOUT_FILENO) == -1))
			_exit(127);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (out != NULL) {
		close(p[1]);
		for (;;) {
			if (got + 1 < len)
				n = read(p[0], out + got, len - 1 - got);
			else
				n = read(p[0], discard, sizeof(discard));
			if (n == -1 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			if (got + 1 < len)
				got += (size_t)n;
		}
		out[got] = '\0';
		close(p[0]);
	}
	while (waitpid(pid, &st, 0) == -1) {
		if (errno != EINTR) {
			printf("%s: waitpid: %s\n", argv[0], strerror(errno));
			return -1;
		}
	}
	if (WIFSIGNALED(st)) {
		printf("%s: killed by signal %d\n", argv[0], WTERMSIG(st));
		return -1;
	}
	return WEXITSTATUS(st);
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

/*
 * vpnd runs: check its links.  It may be starting (its pid file is
 * written before its socket listens): give it WATCHDOG_ANSWER_WAIT to
 * answer.  what names vpnd for the message when it does not.
 */
static int
watchdog_check(struct watchdog *w, const char *what)
{
	struct ctlclient_links	 links;
	char			*cause = NULL;
	int			 status, tries, r;

	for (tries = 0;; tries++) {
		if (ctlclient_status(w->socket, NULL, &links, &status,
		    &cause) == 0)
			break;
		if (tries == WATCHDOG_ANSWER_WAIT / 100) {
			printf("%s, but vpnd does not answer on %s: %s\n",
			    what, w->socket, cause);
			free(cause);
			return VPNCTL_FAILED;
		}
		free(cause);
		cause = NULL;
		usleep(100 * 1000);
	}
	r = watchdog_links(w, &links) > 0 ? VPNCTL_FAILED : VPNCTL_OK;
	ctlclient_links_free(&links);
	return r;
}

/* On a systemd host: what the unit's state says. */
static int
watchdog_systemd(struct watchdog *w)
{
	const char	*show[] = { "systemctl", "show", "--property",
			    "ActiveState", "--value", w->unit, NULL };
	const char	*restart[] = { "systemctl", "restart", w->unit, NULL };
	char		 state[64], what[128];
	int		 st;

	if ((st = watchdog_run(show, state, sizeof(state))) != 0) {
		if (st > 0)
			printf("systemctl show %s: exit status %d\n", w->unit,
			    st);
		return VPNCTL_FAILED;
	}
	state[strcspn(state, "\n")] = '\0';
	if (strcmp(state, "active") == 0 || strcmp(state, "reloading") == 0) {
		(void)snprintf(what, sizeof(what), "%s is %s", w->unit, state);
		return watchdog_check(w, what);
	}
	/* Stopped by the admin, never started, or on its way. */
	if (strcmp(state, "inactive") == 0 ||
	    strcmp(state, "activating") == 0 ||
	    strcmp(state, "deactivating") == 0)
		return VPNCTL_OK;
	if (strcmp(state, "failed") != 0) {
		printf("%s: unexpected state '%s'; not touched\n", w->unit,
		    state);
		return VPNCTL_FAILED;
	}
	printf("%s had failed (see journalctl -u %s): ", w->unit, w->unit);
	(void)fflush(stdout);
	if ((st = watchdog_run(restart, NULL, 0)) == 0)
		printf("restarted it\n");
	else if (st > 0)
		printf("systemctl restart %s: exit status %d\n", w->unit, st);
	return VPNCTL_FAILED;
}

/* Elsewhere: what the pid file says. */
static int
watchdog_sysv(struct watchdog *w)
{
	const char	*start[] = { w->init, "start", NULL };
	struct stat	 st;
	char		 what[64];
	pid_t		 pid;
	int		 tries, r;

	for (tries = 0;; tries++) {
		if ((pid = pidfile_running(w->pidfile)) > 0) {
			(void)snprintf(what, sizeof(what), "vpnd runs "
			    "(pid %ld)", (long)pid);
			return watchdog_check(w, what);
		}
		/* Removed by a stop (or never written): the admin's word. */
		if (lstat(w->pidfile, &st) == -1 && errno == ENOENT)
			return VPNCTL_OK;
		/* A vpnd starting creates it a moment before locking it. */
		if (tries == 1)
			break;
		usleep(WATCHDOG_STALE_RECHECK * 1000);
	}
	printf("vpnd died (%s names no running vpnd): %s start\n",
	    w->pidfile, w->init);
	if ((r = watchdog_run(start, NULL, 0)) > 0)
		printf("%s start: exit status %d\n", w->init, r);
	return VPNCTL_FAILED;
}

int
ctl_watchdog(struct vpnctl *v, int argc, char **argv)
{
	struct watchdog	 w;
	struct stat	 st;
	char		*end;
	int		 i, r;

	memset(&w, 0, sizeof(w));
	w.socket = v->socket;
	w.conf = VPN_CONF;
	w.pidfile = WATCHDOG_PIDFILE;
	w.init = WATCHDOG_INIT;
	w.unit = WATCHDOG_UNIT;
	w.down_after = WATCHDOG_DOWN_AFTER;
	for (i = 1; i < argc; i++) {
		if (i + 1 == argc)
			return watchdog_usage();
		if (strcmp(argv[i], "-f") == 0)
			w.conf = argv[++i];
		else if (strcmp(argv[i], "-p") == 0)
			w.pidfile = argv[++i];
		else if (strcmp(argv[i], "--init") == 0)
			w.init = argv[++i];
		else if (strcmp(argv[i], "--unit") == 0)
			w.unit = argv[++i];
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

	/* Not configured yet (just installed): nothing to keep running. */
	if (stat(w.conf, &st) == -1 && errno == ENOENT)
		return VPNCTL_OK;
	if (stat(WATCHDOG_SYSTEMD, &st) == 0 && S_ISDIR(st.st_mode))
		r = watchdog_systemd(&w);
	else
		r = watchdog_sysv(&w);
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "vpnctl: stdout: %s\n", strerror(errno));
		r = VPNCTL_FAILED;
	}
	return r;
}
