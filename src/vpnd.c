/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * vpnd: the supervisor daemon.  This file holds main() and the wiring:
 * options, the config check modes, daemonizing, the runtime directory
 * and the pid file, signals, reload, and the modules joined in the loop
 * (the set of links in links.c, the control socket in ctlserver.c, the
 * HTTP side in linkhttp.c, rtnetlink in netlink.c, the service manager
 * in sdnotify.c, the machine's sleep noticed by sleepwatch.c, the
 * metrics-file rewritten by metricsfile.c).
 */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "ctlserver.h"
#include "detach.h"
#include "link.h"
#include "linkhttp.h"
#include "links.h"
#include "log.h"
#include "loop.h"
#include "metricsfile.h"
#include "netlink.h"
#include "pidfile.h"
#include "rundir.h"
#include "sdnotify.h"
#include "sleepwatch.h"
#include "ssh.h"
#include "xmalloc.h"

#define VPND_PIDFILE	VPN_RUNDIR "/vpnd.pid"
#define VPND_DRAIN_MS	3000	/* notifications still sent at exit */

struct vpnd {
	struct loop	 *loop;
	struct rtnl	 *rtnl;
	const char	 *conf_path;
	bool		  exiting;
	struct links	 *links;	/* the links and their configs */
	struct ctlserver *ctl;		/* the control socket */
	struct linkhttp	 *lh;		/* probes, ddns, notifications */
	struct sdnotify	 *sn;		/* the service manager, or NULL */
	struct sleepwatch *sleep;	/* suspend and resume */
	struct metricsfile *mf;		/* metrics-file, or NULL */
	char		 *mf_path;	/* its path and interval */
	int		  mf_interval;
};

static const struct option vpnd_options[] = {
	{ "service",	no_argument,		NULL, 'D' },
	{ "foreground",	no_argument,		NULL, 'd' },
	{ "config",	required_argument,	NULL, 'f' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "pidfile",	required_argument,	NULL, 'p' },
	{ "dump",	no_argument,		NULL, 'T' },
	{ "check",	no_argument,		NULL, 't' },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 }
};

static void	usage(FILE *, int) __attribute__((noreturn));

/* The usage line, and with -h every option; exit with status. */
static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: vpnd [-DdhTtVv] [-f file] [-p pidfile]\n");
	if (f == stdout)
		fprintf(f, "Keep the VPN links of vpn.conf up.\n"
		    "  -d, --foreground     stay in the foreground, log to "
		    "stderr\n"
		    "  -D, --service        stay in the foreground, log to "
		    "syslog (systemd)\n"
		    "  -f, --config=FILE    the configuration (%s)\n"
		    "  -p, --pidfile=FILE   the pid file (%s)\n"
		    "  -t, --check          check the configuration and exit\n"
		    "  -T, --dump           print the effective configuration "
		    "and exit\n"
		    "  -v, --verbose        log more (repeat for more)\n"
		    "  -h, --help           this help\n"
		    "  -V, --version        the version\n"
		    "See vpnd(8) and vpn.conf(5).\n", VPN_CONF, VPND_PIDFILE);
	exit(status);
}

/*
 * What systemctl status shows: the links in one line, after what the
 * admin should know of vpnd itself.
 */
static void
vpnd_status(struct vpnd *d, char *buf, size_t len)
{
	const char	*note = "";
	size_t		 n;

	if (d->exiting)
		note = "stopping; ";
	else if (d->ctl == NULL)
		note = "no control socket (see the log); ";
	n = (size_t)snprintf(buf, len, "%s", note);
	links_summary(d->links, buf + n, len - n);
}

static void
vpnd_status_update(struct vpnd *d)
{
	char	buf[SDNOTIFY_STATUS_MAX + 1];

	if (d->sn == NULL)
		return;
	vpnd_status(d, buf, sizeof(buf));
	sdnotify_status(d->sn, buf);
}

/*
 * A link changed state: the control socket, the HTTP side and the
 * service manager hear.
 */
static void
vpnd_link_changed(struct link *l, enum link_state old, void *arg)
{
	struct vpnd	*d = arg;

	ctlserver_link_changed(d->ctl, l);
	linkhttp_link_changed(d->lh, l, old);
	if (d->links != NULL)
		vpnd_status_update(d);
}

static void
vpnd_network_changed(void *arg)
{
	struct vpnd	*d = arg;

	linkhttp_network_changed(d->lh);
}

/* Every link is down after SIGTERM: leave the loop. */
static void
vpnd_all_down(void *arg)
{
	struct vpnd	*d = arg;

	loop_break(d->loop);
}

/* The machine slept: the links check at once (links.h). */
static void
vpnd_resumed(uint64_t slept_ms, void *arg)
{
	struct vpnd	*d = arg;

	log_info("the machine slept %llu s: checking every link now",
	    (unsigned long long)((slept_ms + 500) / 1000));
	if (d->links != NULL && !d->exiting)
		links_resumed(d->links, slept_ms);
}

static void
vpnd_rtnl_event(const struct rtnl_event *ev, void *arg)
{
	struct vpnd	*d = arg;

	if (d->links != NULL)
		links_rtnl_event(d->links, ev);
}

/* The metrics-file's contents: what "vpnctl metrics" prints. */
static void
vpnd_metrics(struct buf *b, void *arg)
{
	struct vpnd	*d = arg;

	if (d->ctl != NULL)
		ctlserver_metrics(d->ctl, b);
}

/* Start, restart or stop the metrics-file as c says. */
static void
vpnd_metrics_conf(struct vpnd *d, const struct conf *c)
{
	if (d->mf != NULL && c->metrics_file != NULL &&
	    strcmp(d->mf_path, c->metrics_file) == 0 &&
	    d->mf_interval == c->metrics_interval)
		return;
	metricsfile_free(d->mf);
	d->mf = NULL;
	free(d->mf_path);
	d->mf_path = NULL;
	if (c->metrics_file == NULL)
		return;
	d->mf_path = xstrdup(c->metrics_file);
	d->mf_interval = c->metrics_interval;
	d->mf = metricsfile_new(d->loop, d->mf_path, d->mf_interval,
	    vpnd_metrics, d);
}

/*
 * Re-read the config.  A broken one is refused with its errors (in
 * *cause) and the running one stays.  Otherwise the links and the HTTP
 * side take the new one (links.h says which links restart).
 */
static int
vpnd_reload(struct vpnd *d, char **cause)
{
	struct conf		*c;
	struct links_diff	 diff;

	if ((c = conf_load(d->conf_path, cause)) == NULL)
		return -1;
	links_apply(d->links, c, &diff);
	linkhttp_reload(d->lh, c);
	vpnd_metrics_conf(d, c);
	log_info("reloaded %s: %zu link%s unchanged, %zu stopped, %zu to "
	    "start", d->conf_path, diff.kept, diff.kept == 1 ? "" : "s",
	    diff.stopped, diff.started);
	vpnd_status_update(d);
	return 0;
}

static void
vpnd_on_term(int signo, void *arg)
{
	struct vpnd	*d = arg;

	char		 buf[SDNOTIFY_STATUS_MAX + 1];

	log_info("%s received, taking every link down", strsignal(signo));
	d->exiting = true;
	vpnd_status(d, buf, sizeof(buf));
	sdnotify_stopping(d->sn, buf);
	links_stop_all(d->links);
}

static void
vpnd_on_hup(int signo, void *arg)
{
	struct vpnd	*d = arg;
	char		*cause = NULL;

	(void)signo;
	if (d->exiting)
		return;
	if (vpnd_reload(d, &cause) == -1) {
		log_warnx("reload of %s refused, running config kept:\n%s",
		    d->conf_path, cause);
		free(cause);
	}
}

/* "reload" on the control socket. */
static int
vpnd_ctl_reload(void *arg, char **cause)
{
	struct vpnd	*d = arg;

	if (d->exiting) {
		*cause = xstrdup("vpnd is shutting down");
		return -1;
	}
	if (vpnd_reload(d, cause) == -1) {
		log_warnx("reload of %s refused, running config kept:\n%s",
		    d->conf_path, *cause);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct vpnd	 d;
	struct links_hooks hooks = { &d, vpnd_link_changed,
			    vpnd_network_changed, vpnd_all_down };
	struct conf	*c;
	struct pidfile	*pf = NULL;
	const char	*pidpath = VPND_PIDFILE;
	char		*cause = NULL;
	char		 status[SDNOTIFY_STATUS_MAX + 1];
	bool		 foreground = false, to_syslog = false, check = false;
	bool		 dump = false;
	int		 ch, n, verbose = 0, readyfd = -1;

	memset(&d, 0, sizeof(d));
	d.conf_path = VPN_CONF;
	while ((ch = getopt_long(argc, argv, "Ddf:hp:TtVv", vpnd_options,
	    NULL)) != -1) {
		switch (ch) {
		case 'D':
			foreground = to_syslog = true;
			break;
		case 'd':
			foreground = true;
			to_syslog = false;
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
		case 'h':
			usage(stdout, 0);
		case 'V':
			printf("vpnd (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr, 2);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "vpnd: unexpected argument %s\n", argv[optind]);
		usage(stderr, 2);
	}

	log_init("vpnd", true, verbose);
	if ((c = conf_load(d.conf_path, &cause)) == NULL) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return 2;
	}
	if (check || dump) {
		if (dump)
			conf_print(stdout, c);
		else
			fprintf(stderr, "%s: configuration OK\n", d.conf_path);
		conf_free(c);
		if (fflush(stdout) == EOF) {
			fprintf(stderr, "vpnd: stdout: %s\n", strerror(errno));
			return 1;
		}
		return 0;
	}

	/*
	 * The foreground process waits until the daemon is ready (pid file
	 * written, netlink open, links started) and exits with its status.
	 */
	if (!foreground) {
		if (detach_start(&readyfd, &cause) == -1)
			fatalx("%s", cause);
		log_to_stderr(false);
	} else if (to_syslog)
		log_to_stderr(false);
	if (rundir_make(pidpath, &cause) == -1 ||
	    (pf = pidfile_open(pidpath, &cause)) == NULL)
		fatalx("%s", cause);

	if (ssh_lib_init(&cause) == -1)
		fatalx("%s", cause);
	d.loop = loop_new();
	/* Before any child: NOTIFY_SOCKET is taken out of the environment. */
	if (sdnotify_open(d.loop, &d.sn, &cause) == -1)
		fatalx("%s", cause);
	loop_signal(d.loop, SIGTERM, vpnd_on_term, &d);
	loop_signal(d.loop, SIGINT, vpnd_on_term, &d);
	loop_signal(d.loop, SIGHUP, vpnd_on_hup, &d);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		fatal("signal SIGPIPE");
	if ((d.rtnl = rtnl_open(d.loop, vpnd_rtnl_event, &d, &cause)) == NULL)
		fatalx("%s", cause);
	(void)rtnl_set_rcvbuf(d.rtnl, 1024 * 1024);	/* best effort */
	/* Routes of ours a vpnd that died left behind (e.g. a gateway pin). */
	if ((n = rtnl_route_flush(d.rtnl, AF_UNSPEC, 0)) > 0)
		log_info("removed %d stale route%s of an earlier vpnd", n,
		    n == 1 ? "" : "s");
	else if (n < 0)
		log_warnx("flush stale routes: %s", strerror(-n));
	if ((d.lh = linkhttp_new(d.loop, c, &cause)) == NULL)
		fatalx("%s", cause);
	log_info("started with %s, %zu link%s", d.conf_path, c->nlinks,
	    c->nlinks == 1 ? "" : "s");
	/* c is the links' from here; it lives until the next reload. */
	d.links = links_new(d.loop, d.rtnl, c, &hooks);
	d.sleep = sleepwatch_new(d.loop, vpnd_resumed, &d);
	/* The links matter more: without the socket they still run. */
	if (rundir_make(c->control_socket, &cause) == -1 ||
	    (d.ctl = ctlserver_open(d.loop, c->control_socket,
	    c->control_group, d.links, d.lh, vpnd_ctl_reload, &d,
	    &cause)) == NULL) {
		log_warnx("%s; running without a control socket", cause);
		free(cause);
		cause = NULL;
	}
	vpnd_metrics_conf(&d, c);
	detach_ready(readyfd);
	vpnd_status(&d, status, sizeof(status));
	sdnotify_ready(d.sn, status);

	if (loop_run(d.loop) == -1)
		fatal("poll");

	/* The last notifications ("down") get a few seconds. */
	linkhttp_drain(d.lh, d.loop, VPND_DRAIN_MS);
	log_info("exiting");
	metricsfile_free(d.mf);
	d.mf = NULL;
	free(d.mf_path);
	sdnotify_close(d.sn);
	d.sn = NULL;
	ctlserver_close(d.ctl);
	d.ctl = NULL;
	sleepwatch_free(d.sleep);
	d.sleep = NULL;
	links_free(d.links);
	d.links = NULL;
	linkhttp_free(d.lh);
	rtnl_close(d.rtnl);
	loop_free(d.loop);
	ssh_lib_exit();
	pidfile_remove(pf);
	return 0;
}
