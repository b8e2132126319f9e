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
#include "link.h"
#include "log.h"
#include "loop.h"
#include "netlink.h"
#include "pidfile.h"
#include "ssh.h"
#include "xmalloc.h"

#define VPND_PIDFILE	VPN_RUNDIR "/vpnd.pid"

struct vpnd {
	struct loop	*loop;
	struct rtnl	*rtnl;
	struct conf	*conf;
	struct conf	*next_conf;	/* reload waits for links to stop */
	const char	*conf_path;
	struct link	**links;	/* one per link of conf, same order */
	size_t		 nlinks;
	bool		 exiting;
	struct loop_timer settle;	/* vpnd_settle(), from the loop */
	struct loop_timer netchange;	/* debounces network changes */
};

static void	usage(void) __attribute__((noreturn));
static void	vpnd_on_term(int, void *);
static void	vpnd_on_hup(int, void *);
static void	vpnd_links_start(struct vpnd *);
static void	vpnd_links_stop(struct vpnd *, const char *);

static void
usage(void)
{
	fprintf(stderr,
	    "usage: vpnd [-dTtv] [-f file] [-p pidfile]\n");
	exit(2);
}

static bool
vpnd_all_down(struct vpnd *d)
{
	size_t	i;

	for (i = 0; i < d->nlinks; i++)
		if (link_state(d->links[i]) != LINK_DOWN)
			return false;
	return true;
}

static void
vpnd_links_free(struct vpnd *d)
{
	size_t	i;

	for (i = 0; i < d->nlinks; i++)
		link_free(d->links[i]);
	free(d->links);
	d->links = NULL;
	d->nlinks = 0;
}

/* Once every link is down: exit, or finish a reload. */
static void
vpnd_settle(struct vpnd *d)
{
	if (!vpnd_all_down(d))
		return;
	if (d->exiting) {
		loop_break(d->loop);
		return;
	}
	if (d->next_conf != NULL) {
		vpnd_links_free(d);
		conf_free(d->conf);
		d->conf = d->next_conf;
		d->next_conf = NULL;
		log_info("reloaded %s", d->conf_path);
		vpnd_links_start(d);
	}
}

static void
vpnd_settle_fired(void *arg)
{
	vpnd_settle(arg);
}

/* Called from inside the link's code: act later, from the loop. */
static void
vpnd_link_changed(struct link *l, enum link_state old, void *arg)
{
	struct vpnd	*d = arg;

	(void)old;
	if (link_state(l) == LINK_DOWN)
		loop_timer_set(d->loop, &d->settle, 0);
}

/* Is ifname one of our links' ppp interfaces? */
static bool
vpnd_is_link_if(struct vpnd *d, const char *ifname)
{
	size_t	i;

	for (i = 0; i < d->conf->nlinks; i++)
		if (strcmp(d->conf->links[i]->ifname, ifname) == 0)
			return true;
	return false;
}

static void
vpnd_netchange_fired(void *arg)
{
	struct vpnd	*d = arg;
	size_t		 i;

	for (i = 0; i < d->nlinks; i++)
		link_network_changed(d->links[i]);
}

static void
vpnd_rtnl_event(const struct rtnl_event *ev, void *arg)
{
	struct vpnd	*d = arg;
	bool		 changed = false;
	size_t		 i;

	for (i = 0; i < d->nlinks; i++)
		link_rtnl_event(d->links[i], ev);

	/*
	 * The laptop moved from cable to Wi-Fi: the default route or a
	 * local address changed (not ours: our routes carry our protocol,
	 * our interfaces are the links').  A burst of such events makes
	 * one check, 200 ms after the last.
	 */
	switch (ev->type) {
	case RTNL_ROUTE_NEW:
	case RTNL_ROUTE_DEL:
		changed = ev->is_default && ev->protocol != RTPROT_PPPSSH;
		break;
	case RTNL_ADDR_NEW:
	case RTNL_ADDR_DEL:
		changed = ev->ifname[0] != '\0' &&
		    !vpnd_is_link_if(d, ev->ifname);
		break;
	case RTNL_RESYNC:
		changed = true;
		break;
	default:
		break;
	}
	if (changed && !d->exiting)
		loop_timer_set(d->loop, &d->netchange, 200);
}

static void
vpnd_links_start(struct vpnd *d)
{
	size_t	i;

	d->nlinks = d->conf->nlinks;
	d->links = xcalloc(d->nlinks ? d->nlinks : 1, sizeof(*d->links));
	for (i = 0; i < d->nlinks; i++) {
		d->links[i] = link_new(d->loop, d->rtnl, d->conf->links[i],
		    vpnd_link_changed, d);
		if (d->conf->links[i]->autostart)
			link_start(d->links[i]);
	}
}

static void
vpnd_links_stop(struct vpnd *d, const char *why)
{
	size_t	i;

	for (i = 0; i < d->nlinks; i++)
		link_stop(d->links[i], why);
}

static void
vpnd_on_term(int signo, void *arg)
{
	struct vpnd	*d = arg;

	log_info("%s received, taking every link down", strsignal(signo));
	d->exiting = true;
	vpnd_links_stop(d, "vpnd is shutting down");
	vpnd_settle(d);
}

/*
 * Re-read the config.  A broken one is refused and the running one
 * stays.  XXX(#4): every link restarts; links whose settings did not
 * change should stay up.
 */
static void
vpnd_on_hup(int signo, void *arg)
{
	struct vpnd	*d = arg;
	struct conf	*c;
	char		*cause = NULL;

	(void)signo;
	if (d->exiting)
		return;
	if ((c = conf_load(d->conf_path, &cause)) == NULL) {
		log_warnx("reload of %s refused, running config kept:\n%s",
		    d->conf_path, cause);
		free(cause);
		return;
	}
	conf_free(d->next_conf);
	d->next_conf = c;
	vpnd_links_stop(d, "configuration reloaded");
	vpnd_settle(d);
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

	if (ssh_lib_init(&cause) == -1)
		fatalx("%s", cause);
	d.loop = loop_new();
	loop_timer_init(&d.settle, vpnd_settle_fired, &d);
	loop_timer_init(&d.netchange, vpnd_netchange_fired, &d);
	loop_signal(d.loop, SIGTERM, vpnd_on_term, &d);
	loop_signal(d.loop, SIGINT, vpnd_on_term, &d);
	loop_signal(d.loop, SIGHUP, vpnd_on_hup, &d);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		fatal("signal SIGPIPE");
	if ((d.rtnl = rtnl_open(d.loop, vpnd_rtnl_event, &d, &cause)) == NULL)
		fatalx("%s", cause);
	(void)rtnl_set_rcvbuf(d.rtnl, 1024 * 1024);	/* best effort */
	log_info("started with %s, %zu link%s", d.conf_path, d.conf->nlinks,
	    d.conf->nlinks == 1 ? "" : "s");
	vpnd_links_start(&d);

	if (loop_run(d.loop) == -1)
		fatal("poll");

	log_info("exiting");
	loop_timer_cancel(d.loop, &d.settle);
	loop_timer_cancel(d.loop, &d.netchange);
	vpnd_links_free(&d);
	rtnl_close(d.rtnl);
	loop_free(d.loop);
	conf_free(d.conf);
	conf_free(d.next_conf);
	ssh_lib_exit();
	pidfile_remove(pf);
	return 0;
}
