/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * vpnd: the supervisor daemon.  This file holds main(): options, the
 * config check modes, daemonizing, the pid file, signals and the loop.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "loop.h"
#include "pidfile.h"
#include "xmalloc.h"

#define VPND_PIDFILE	VPN_RUNDIR "/vpnd.pid"

struct vpnd {
	struct loop	*loop;
	struct conf	*conf;
	const char	*conf_path;
};

static void	usage(void) __attribute__((noreturn));
static void	vpnd_on_term(int, void *);
static void	vpnd_on_hup(int, void *);

static void
usage(void)
{
	fprintf(stderr,
	    "usage: vpnd [-dTtv] [-f file] [-p pidfile]\n");
	exit(2);
}

static void
vpnd_on_term(int signo, void *arg)
{
	struct vpnd	*d = arg;

	log_info("%s received, shutting down", strsignal(signo));
	loop_break(d->loop);
}

static void
vpnd_on_hup(int signo, void *arg)
{
	struct vpnd	*d = arg;
	struct conf	*c;
	char		*cause = NULL;

	(void)signo;
	if ((c = conf_load(d->conf_path, &cause)) == NULL) {
		log_warnx("reload refused, running config kept:\n%s", cause);
		free(cause);
		return;
	}
	conf_free(d->conf);
	d->conf = c;
	log_info("reloaded %s", d->conf_path);
}

int
main(int argc, char **argv)
{
	struct vpnd	 d;
	struct pidfile	*pf = NULL;
	const char	*pidpath = VPND_PIDFILE;
	char		*cause = NULL;
	bool		 foreground = false, check = false, dump = false;
	int		 ch, verbose = 0;

	memset(&d, 0, sizeof(d));
	d.conf_path = VPN_CONF;
	while ((ch = getopt(argc, argv, "df:p:Ttv")) != -1) {
		switch (ch) {
		case 'd':
			foreground = true;
			break;
		case 'f':
			d.conf_path = optarg;
			break;
		case 'p':
			pidpath = optarg;
			break;
		case 'T':
			dump = true;
			break;
		case 't':
			check = true;
			break;
		case 'v':
			verbose++;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	log_init("vpnd", true, verbose);
	if ((d.conf = conf_load(d.conf_path, &cause)) == NULL) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return 2;
	}
	if (check || dump) {
		if (dump)
			conf_print(stdout, d.conf);
		else
			fprintf(stderr, "%s: configuration OK\n", d.conf_path);
		conf_free(d.conf);
		if (fflush(stdout) == EOF) {
			fprintf(stderr, "vpnd: stdout: %s\n", strerror(errno));
			return 1;
		}
		return 0;
	}

	if (!foreground) {
		if (daemon(0, 0) == -1)
			fatal("daemon");
		log_to_stderr(false);
	}
	if ((pf = pidfile_open(pidpath, &cause)) == NULL)
		fatalx("%s", cause);

	d.loop = loop_new();
	loop_signal(d.loop, SIGTERM, vpnd_on_term, &d);
	loop_signal(d.loop, SIGINT, vpnd_on_term, &d);
	loop_signal(d.loop, SIGHUP, vpnd_on_hup, &d);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		fatal("signal SIGPIPE");
	log_info("started with %s", d.conf_path);

	if (loop_run(d.loop) == -1)
		fatal("poll");

	log_info("exiting");
	loop_free(d.loop);
	conf_free(d.conf);
	pidfile_remove(pf);
	return 0;
}
