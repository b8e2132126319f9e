/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * vpn-peer: the gateway's forced command for a vpnd key.  Its arguments
 * (from authorized_keys) say what the key may do; SSH_ORIGINAL_COMMAND
 * says what vpnd asks.  An allowed request runs programs by execv(),
 * never a shell; anything else is refused with one line on stderr and
 * one syslog line (LOG_AUTH) naming the client.  The rules are peer.c's.
 */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "addr.h"
#include "argv.h"
#include "log.h"
#include "peer.h"
#include "ppp.h"
#include "vis.h"
#include "xmalloc.h"

/* Longest part of a refused request that goes to syslog. */
#define VPN_PEER_LOG_MAX	200

enum {
	OPT_IP = 256,
	OPT_PEER,
	OPT_NET,
	OPT_IFNAME,
	OPT_PPPD,
	OPT_PPPD_OPTION,
	OPT_IP_COMMAND,
	OPT_PKILL_COMMAND,
	OPT_SUDO,
	OPT_SUDO_COMMAND,
	OPT_RUN_DIR,
	OPT_HELP,
	OPT_VERSION
};

static const struct option vpn_peer_options[] = {
	{ "ip",			required_argument,	NULL, OPT_IP },
	{ "peer",		required_argument,	NULL, OPT_PEER },
	{ "net",		required_argument,	NULL, OPT_NET },
	{ "ifname",		required_argument,	NULL, OPT_IFNAME },
	{ "pppd",		required_argument,	NULL, OPT_PPPD },
	{ "pppd-option",	required_argument,	NULL, OPT_PPPD_OPTION },
	{ "ip-command",		required_argument,	NULL, OPT_IP_COMMAND },
	{ "pkill-command",	required_argument, NULL, OPT_PKILL_COMMAND },
	{ "sudo",		no_argument,		NULL, OPT_SUDO },
	{ "sudo-command",	required_argument,	NULL, OPT_SUDO_COMMAND },
	{ "run-dir",		required_argument,	NULL, OPT_RUN_DIR },
	{ "help",		no_argument,		NULL, OPT_HELP },
	{ "version",		no_argument,		NULL, OPT_VERSION },
	{ NULL,			0,			NULL, 0 }
};

static char	*vpn_peer_client;	/* SSH_CONNECTION's address, port */
static char	*cause;			/* the last error, until exit */

static void	vpn_peer_help(void) __attribute__((noreturn));
static void	vpn_peer_usage_error(const char *, ...)
		    __attribute__((format(printf, 1, 2), noreturn));
static void	vpn_peer_refuse(const char *, const char *)
		    __attribute__((noreturn));
static void	vpn_peer_fail(const char *, ...)
		    __attribute__((format(printf, 1, 2), noreturn));
static char	*vpn_peer_client_name(void);
static void	vpn_peer_set(const char **, const char *, const char *);
static int	vpn_peer_route(const struct peer_conf *,
		    const struct peer_request *);

/* --help, for the gateway's admin at a terminal: exit 0. */
static void
vpn_peer_help(void)
{
	printf("usage: vpn-peer --ip address --peer address "
	    "[--net prefix ...]\n"
	    "    [--ifname name] [--pppd path] [--pppd-option word ...]\n"
	    "    [--ip-command path] [--kill-command path] [--sudo]\n"
	    "    [--sudo-command path] [--run-dir directory]\n"
	    "The forced command of a vpnd key in the gateway's "
	    "authorized_keys:\n"
	    "it runs pppd and the routes of --net for the request in\n"
	    "SSH_ORIGINAL_COMMAND, nothing else.  Options take their value\n"
	    "as the next word or after '=' (--ip=10.9.0.2).  "
	    "See vpn-peer(8).\n");
	exit(fflush(stdout) == EOF ? 1 : 0);
}

/* The admin's mistake in authorized_keys: say it both ways, exit 2. */
static void
vpn_peer_usage_error(const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	log_warnx("bad arguments: %s", msg);
	log_syslog(LOG_AUTH | LOG_ERR, "bad arguments (check the forced "
	    "command in authorized_keys): %s", msg);
	free(msg);
	exit(2);
}

/* A refused request: one line each to stderr and syslog, exit 1. */
static void
vpn_peer_refuse(const char *request, const char *why)
{
	char	*esc;

	esc = vis_str(request, VPN_PEER_LOG_MAX, VIS_QUOTE);
	log_warnx("refused: %s", why);
	log_syslog(LOG_AUTH | LOG_WARNING, "refused request from %s: %s "
	    "(request \"%s\")", vpn_peer_client, why, esc);
	free(esc);
	exit(1);
}

/* An allowed request that could not be carried out: exit 1. */
static void
vpn_peer_fail(const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	log_warnx("%s", msg);
	log_syslog(LOG_AUTH | LOG_ERR, "from %s: %s", vpn_peer_client, msg);
	free(msg);
	exit(1);
}

/* "192.0.2.1 port 40112" from SSH_CONNECTION, escaped; or "unknown". */
static char *
vpn_peer_client_name(void)
{
	const char	*sc = getenv("SSH_CONNECTION");
	char		*copy, *addr, *port, *esc, *name, *last = NULL;

	if (sc == NULL || *sc == '\0')
		return xstrdup("unknown (no SSH_CONNECTION)");
	copy = xstrdup(sc);
	addr = strtok_r(copy, " ", &last);
	port = strtok_r(NULL, " ", &last);
	esc = vis_str(addr, 64, VIS_QUOTE);
	if (port != NULL) {
		char	*pesc = vis_str(port, 8, VIS_QUOTE);

		xasprintf(&name, "%s port %s", esc, pesc);
		free(pesc);
	} else
		name = xstrdup(esc);
	free(esc);
	free(copy);
	return name;
}

static void
vpn_peer_set(const char **slot, const char *name, const char *value)
{
	if (*slot != NULL)
		vpn_peer_usage_error("--%s given twice", name);
	*slot = value;
}

/* Each net in turn; adding stops at a failure, removing goes on. */
static int
vpn_peer_route(const struct peer_conf *c, const struct peer_request *r)
{
	char	**argv, *why = NULL, a[ADDR_STRLEN];
	size_t	  i;
	int	  st, rv = 0;

	for (i = 0; i < r->nnets; i++) {
		addr_format(&r->nets[i], a, sizeof(a));
		argv = peer_route_argv(c, r->route_del, &r->nets[i]);
		st = peer_run(argv, &why);
		if (st == -1) {
			log_warnx("route %s %s: %s", r->route_del ? "del" :
			    "replace", a, why);
			free(why);
			why = NULL;
		} else if (st != 0)
			log_warnx("route %s %s: %s exited with status %d",
			    r->route_del ? "del" : "replace", a, argv[0], st);
		argv_free(argv);
		if (st != 0) {
			rv = -1;
			if (!r->route_del)
				break;
		}
	}
	return rv;
}

int
main(int argc, char **argv)
{
	struct peer_conf	 c;
	struct peer_request	 r;
	const char		*ip = NULL, *peer = NULL, *ifname = NULL;
	const char		*pppd = NULL, *ipc = NULL, *pkillc = NULL;
	const char		*sudoc = NULL, *rundir = NULL, *request;
	char			**pargv;
	pid_t			 stale;
	int			 ch;

	log_init("vpn-peer", true, 0);
	peer_conf_init(&c);
	vpn_peer_client = vpn_peer_client_name();

	/* "+": no reordering; the first word that is not an option ends. */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:", vpn_peer_options,
	    NULL)) != -1) {
		switch (ch) {
		case OPT_IP:
			vpn_peer_set(&ip, "ip", optarg);
			break;
		case OPT_PEER:
			vpn_peer_set(&peer, "peer", optarg);
			break;
		case OPT_NET:
			if (peer_conf_add_net(&c, optarg, &cause) == -1)
				vpn_peer_usage_error("--net: %s", cause);
			break;
		case OPT_IFNAME:
			vpn_peer_set(&ifname, "ifname", optarg);
			break;
		case OPT_PPPD:
			vpn_peer_set(&pppd, "pppd", optarg);
			break;
		case OPT_PPPD_OPTION:
			if (peer_conf_add_pppd_option(&c, optarg,
			    &cause) == -1)
				vpn_peer_usage_error("--pppd-option: %s",
				    cause);
			break;
		case OPT_IP_COMMAND:
			vpn_peer_set(&ipc, "ip-command", optarg);
			break;
		case OPT_PKILL_COMMAND:
			vpn_peer_set(&pkillc, "pkill-command", optarg);
			break;
		case OPT_SUDO:
			if (c.sudo)
				vpn_peer_usage_error("--sudo given twice");
			c.sudo = true;
			break;
		case OPT_SUDO_COMMAND:
			vpn_peer_set(&sudoc, "sudo-command", optarg);
			break;
		case OPT_RUN_DIR:
			vpn_peer_set(&rundir, "run-dir", optarg);
			break;
		case OPT_HELP:
			vpn_peer_help();
		case OPT_VERSION:
			printf("vpn-peer (%s) %s, request protocol %d\n",
			    PACKAGE_NAME, PACKAGE_VERSION, PEER_PROTOCOL);
			return fflush(stdout) == EOF ? 1 : 0;
		case ':':
			vpn_peer_usage_error("%s needs a value",
			    argv[optind - 1]);
		default:
			if (optopt != 0)
				vpn_peer_usage_error("%s takes no value",
				    argv[optind - 1]);
			vpn_peer_usage_error("unknown option %s",
			    argv[optind - 1]);
		}
	}
	if (optind != argc)
		vpn_peer_usage_error("unexpected argument \"%s\" (the "
		    "request comes in SSH_ORIGINAL_COMMAND)", argv[optind]);
	c.ip = ip;
	c.peer = peer;
	if (ifname != NULL)
		c.ifname = ifname;
	if (pppd != NULL)
		c.pppd = pppd;
	if (ipc != NULL)
		c.ip_command = ipc;
	if (pkillc != NULL)
		c.pkill_command = pkillc;
	if (sudoc != NULL)
		c.sudo_command = sudoc;
	if (rundir != NULL)
		c.rundir = rundir;
	if (peer_conf_check(&c, &cause) == -1)
		vpn_peer_usage_error("%s", cause);

	request = getenv("SSH_ORIGINAL_COMMAND");
	if (peer_request_parse(&c, request, &r, &cause) == -1)
		vpn_peer_refuse(request, cause);
	/* A parsed request holds only [A-Za-z0-9_./:- ]: safe to log. */
	log_syslog(LOG_AUTH | LOG_INFO, "request from %s: %s",
	    vpn_peer_client, request);

	switch (r.verb) {
	case PEER_VERSION:
		if (printf("vpn-peer %d\n", PEER_PROTOCOL) < 0 ||
		    fflush(stdout) == EOF)
			vpn_peer_fail("version: write: %s", strerror(errno));
		return 0;
	case PEER_CLEAN:
		if (peer_end_stale(&c, &stale, &cause) == -1)
			vpn_peer_fail("clean: %s", cause);
		if (stale != 0)
			log_info("ended stale pppd %ld", (long)stale);
		return 0;
	case PEER_ROUTE:
		return vpn_peer_route(&c, &r) == 0 ? 0 : 1;
	case PEER_PPPD:
		/* A stale pppd holds the interface name: end it first. */
		if (peer_end_stale(&c, &stale, &cause) == -1) {
			log_warnx("%s", cause);
			log_syslog(LOG_AUTH | LOG_WARNING, "from %s: %s",
			    vpn_peer_client, cause);
			free(cause);
			cause = NULL;
		} else if (stale != 0)
			log_info("ended stale pppd %ld", (long)stale);
		pargv = peer_pppd_argv(&c, &r);
		closelog();
		closefrom(3);
		execv(pargv[0], pargv);
		xasprintf(&cause, "exec %s: %s", pargv[0], strerror(errno));
		argv_free(pargv);
		vpn_peer_fail("%s", cause);
	}
	vpn_peer_fail("request: unknown verb %d", (int)r.verb);
}
