/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * vpnd: the supervisor daemon.  This file holds main(): options, the
 * config check modes, daemonizing, the pid file, signals and the loop.
 */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
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
#include "log.h"
#include "loop.h"
#include "netlink.h"
#include "pidfile.h"
#include "ssh.h"
#include "xmalloc.h"

#define VPND_PIDFILE	VPN_RUNDIR "/vpnd.pid"
#define VPND_DRAIN_MS	3000	/* notifications still sent at exit */

struct vpnd {
	struct loop	*loop;
	struct rtnl	*rtnl;
	struct conf	*conf;
	const char	*conf_path;
	struct link	**links;	/* one per link of conf, same order */
	bool		*pending;	/* start once the retiring are down */
	size_t		 nlinks;
	struct link	**retiring;	/* removed or changed, going down */
	size_t		 nretiring;
	struct conf	**old_confs;	/* what the retiring links point into */
	size_t		 nold_confs;
	bool		 exiting;
	struct loop_timer settle;	/* vpnd_settle(), from the loop */
	struct loop_timer netchange;	/* debounces network changes */
	struct ctlserver	*ctl;		/* the control socket */
	struct linkhttp	*lh;		/* probes, ddns, notifications */
};

static void	usage(void) __attribute__((noreturn));
static void	vpnd_on_term(int, void *);
static void	vpnd_on_hup(int, void *);
static void	vpnd_link_changed(struct link *, enum link_state, void *);

static void
usage(void)
{
	fprintf(stderr,
	    "usage: vpnd [-dTtv] [-f file] [-p pidfile]\n");
	exit(2);
}

static void
vpnd_free_all(struct vpnd *d)
{
	size_t	i;

	for (i = 0; i < d->nlinks; i++)
		link_free(d->links[i]);
	for (i = 0; i < d->nretiring; i++)
		link_free(d->retiring[i]);
	for (i = 0; i < d->nold_confs; i++)
		conf_free(d->old_confs[i]);
	free(d->links);
	free(d->pending);
	free(d->retiring);
	free(d->old_confs);
	conf_free(d->conf);
}

/*
 * From the loop, after a link reached DOWN: free retiring links that are
 * down; once none is left, free the configs they used and start the
 * links that waited for them (a changed link's successor has the same
 * interface name); when exiting and everything is down, stop the loop.
 */
static void
vpnd_settle(struct vpnd *d)
{
	size_t	i = 0;
	bool	all_down = true;

	while (i < d->nretiring) {
		if (link_state(d->retiring[i]) == LINK_DOWN) {
			link_free(d->retiring[i]);
			d->retiring[i] = d->retiring[--d->nretiring];
		} else
			i++;
	}
	if (d->nretiring == 0) {
		for (i = 0; i < d->nold_confs; i++)
			conf_free(d->old_confs[i]);
		d->nold_confs = 0;
		for (i = 0; i < d->nlinks; i++) {
			if (d->pending[i] && !d->exiting)
				link_start(d->links[i]);
			d->pending[i] = false;
		}
	}
	for (i = 0; i < d->nlinks; i++)
		if (link_state(d->links[i]) != LINK_DOWN)
			all_down = false;
	if (d->exiting && all_down && d->nretiring == 0)
		loop_break(d->loop);
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

	ctlserver_link_changed(d->ctl, l);
	linkhttp_link_changed(d->lh, l, old);
	if (link_state(l) == LINK_DOWN)
		loop_timer_set(d->loop, &d->settle, 0);
}

/* The links of the first config: autostart ones dial now. */
static void
vpnd_links_start(struct vpnd *d)
{
	size_t	i;

	d->nlinks = d->conf->nlinks;
	d->links = xcalloc(d->nlinks ? d->nlinks : 1, sizeof(*d->links));
	d->pending = xcalloc(d->nlinks ? d->nlinks : 1, sizeof(*d->pending));
	for (i = 0; i < d->nlinks; i++) {
		d->links[i] = link_new(d->loop, d->rtnl, d->conf->links[i],
		    vpnd_link_changed, d);
		if (d->conf->links[i]->autostart)
			link_start(d->links[i]);
	}
}

/*
 * Re-read the config.  A broken one is refused with its errors (in
 * *cause) and the running one stays.  Links whose settings did not
 * change keep running untouched; changed and removed links go down
 * cleanly; changed and new links then start (if autostart).
 */
static int
vpnd_reload(struct vpnd *d, char **cause)
{
	struct conf		 *c;
	struct link		**links, *l;
	const struct link_conf	 *nl;
	bool			 *pending, *kept;
	size_t			  i, j, nkept = 0, nnew = 0, ngone = 0;

	if ((c = conf_load(d->conf_path, cause)) == NULL)
		return -1;
	links = xcalloc(c->nlinks ? c->nlinks : 1, sizeof(*links));
	pending = xcalloc(c->nlinks ? c->nlinks : 1, sizeof(*pending));
	kept = xcalloc(d->nlinks ? d->nlinks : 1, sizeof(*kept));
	for (i = 0; i < d->nlinks; i++) {
		l = d->links[i];
		nl = conf_link_find(c, link_name(l));
		if (nl == NULL || !link_conf_equal(d->conf->links[i], nl))
			continue;
		for (j = 0; j < c->nlinks; j++)
			if (c->links[j] == nl)
				break;
		link_set_conf(l, nl);
		links[j] = l;
		kept[i] = true;
		nkept++;
	}
	for (j = 0; j < c->nlinks; j++) {
		if (links[j] != NULL)
			continue;
		links[j] = link_new(d->loop, d->rtnl, c->links[j],
		    vpnd_link_changed, d);
		pending[j] = c->links[j]->autostart;
		nnew++;
	}
	for (i = 0; i < d->nlinks; i++) {
		if (kept[i])
			continue;
		l = d->links[i];
		link_stop(l, conf_link_find(c, link_name(l)) == NULL ?
		    "removed from the configuration" :
		    "settings changed, restarting");
		d->retiring = xreallocarray(d->retiring, d->nretiring + 1,
		    sizeof(*d->retiring));
		d->retiring[d->nretiring++] = l;
		ngone++;
	}
	d->old_confs = xreallocarray(d->old_confs, d->nold_confs + 1,
	    sizeof(*d->old_confs));
	d->old_confs[d->nold_confs++] = d->conf;
	free(d->links);
	free(d->pending);
	free(kept);
	d->conf = c;
	d->links = links;
	d->pending = pending;
	d->nlinks = c->nlinks;
	linkhttp_reload(d->lh, c);
	log_info("reloaded %s: %zu link%s unchanged, %zu stopped, %zu to "
	    "start", d->conf_path, nkept, nkept == 1 ? "" : "s", ngone, nnew);
	loop_timer_set(d->loop, &d->settle, 0);
	return 0;
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
	linkhttp_network_changed(d->lh);
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
vpnd_on_term(int signo, void *arg)
{
	struct vpnd	*d = arg;
	size_t		 i;

	log_info("%s received, taking every link down", strsignal(signo));
	d->exiting = true;
	for (i = 0; i < d->nlinks; i++)
		link_stop(d->links[i], "vpnd is shutting down");
	for (i = 0; i < d->nlinks; i++)
		d->pending[i] = false;
	vpnd_settle(d);
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

/* What the control socket may see and do. */
static size_t
vpnd_ctl_count(void *arg)
{
	return ((struct vpnd *)arg)->nlinks;
}

static struct link *
vpnd_ctl_link(void *arg, size_t i)
{
	return ((struct vpnd *)arg)->links[i];
}

static void
vpnd_ctl_describe(void *arg, struct link *l, struct ctlmsg_link *m)
{
	linkhttp_describe(((struct vpnd *)arg)->lh, link_name(l), m);
}

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
	struct pidfile	*pf = NULL;
	struct ctlserver_env	 env = { NULL, vpnd_ctl_count, vpnd_ctl_link,
			    vpnd_ctl_reload, vpnd_ctl_describe };
	const char	*pidpath = VPND_PIDFILE;
	char		*cause = NULL;
	bool		 foreground = false, check = false, dump = false;
	int		 ch, n, verbose = 0, readyfd = -1;

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

	/*
	 * The foreground process waits until the daemon is ready (pid file
	 * written, netlink open, links started) and exits with its status.
	 */
	if (!foreground) {
		if (detach_start(&readyfd, &cause) == -1)
			fatalx("%s", cause);
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
	/* Routes of ours a vpnd that died left behind (e.g. a gateway pin). */
	if ((n = rtnl_route_flush(d.rtnl, AF_UNSPEC, 0)) > 0)
		log_info("removed %d stale route%s of an earlier vpnd", n,
		    n == 1 ? "" : "s");
	else if (n < 0)
		log_warnx("flush stale routes: %s", strerror(-n));
	if ((d.lh = linkhttp_new(d.loop, d.conf, &cause)) == NULL)
		fatalx("%s", cause);
	log_info("started with %s, %zu link%s", d.conf_path, d.conf->nlinks,
	    d.conf->nlinks == 1 ? "" : "s");
	vpnd_links_start(&d);
	/* The links matter more: without the socket they still run. */
	env.arg = &d;
	if ((d.ctl = ctlserver_open(d.loop, d.conf->control_socket,
	    d.conf->control_group, &env, &cause)) == NULL) {
		log_warnx("%s; running without a control socket", cause);
		free(cause);
		cause = NULL;
	}
	detach_ready(readyfd);

	if (loop_run(d.loop) == -1)
		fatal("poll");

	/* The last notifications ("down") get a few seconds. */
	linkhttp_drain(d.lh, d.loop, VPND_DRAIN_MS);
	log_info("exiting");
	ctlserver_close(d.ctl);
	d.ctl = NULL;
	loop_timer_cancel(d.loop, &d.settle);
	loop_timer_cancel(d.loop, &d.netchange);
	vpnd_free_all(&d);
	linkhttp_free(d.lh);
	rtnl_close(d.rtnl);
	loop_free(d.loop);
	ssh_lib_exit();
	pidfile_remove(pf);
	return 0;
}
