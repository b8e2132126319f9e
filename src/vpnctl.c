/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * vpnctl: the control client.  main(), the global options, the command
 * table with each command's help, the argument conventions every
 * command shares (-h and --help, --option=value), one request on the
 * control socket with its reply printed (vpnctl_call()), and the short
 * commands: down, restart, reload, check.  status is in ctl-status.c,
 * up in ctl-up.c, watchdog in ctl-watchdog.c.  setup, trust and doctor,
 * which read the configuration file and talk to the gateway instead
 * (ctl-setup.c, ctl-trust.c and ctl-doctor.c), are another program's,
 * vpnctl-gateway, which vpnctl runs for them (cmd_gateway()).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "ctlclient.h"
#include "ctlmsg.h"
#include "spell.h"
#include "vpnctl.h"
#include "xmalloc.h"

struct vpnctl_cmd {
	const char	*name;
	int		(*handler)(struct vpnctl *, int, char **);
	const char	*args;		/* after the name, in the usage */
	const char	*about;		/* one line, for vpnctl -h */
	const char	*options;	/* lines of "vpnctl NAME -h", or NULL */
};

static void	usage(FILE *, int) __attribute__((noreturn));
static void	cmd_help_exit(const struct vpnctl_cmd *)
		    __attribute__((noreturn));
static int	cmd_help(struct vpnctl *, int, char **);
static int	cmd_down(struct vpnctl *, int, char **);
static int	cmd_restart(struct vpnctl *, int, char **);
static int	cmd_reload(struct vpnctl *, int, char **);
static int	cmd_check(struct vpnctl *, int, char **);
static int	cmd_gateway(struct vpnctl *, int, char **);

static const struct vpnctl_cmd vpnctl_cmds[] = {
	{ "status", ctl_status, "[name] [--json]",
	    "show the links (what vpnctl alone does)",
	    "  --json          one JSON object, every field in machine "
	    "units\n" },
	{ "up", ctl_up, "name [--wait [--timeout seconds]]",
	    "want a link up: dial it now and after every failure",
	    "  --wait          show each stage; exit 0 once the routes are "
	    "in\n"
	    "  --timeout S     with --wait: stop waiting after S seconds "
	    "(60; 0: never)\n" },
	{ "down", cmd_down, "name",
	    "want a link down: take it down at both ends", NULL },
	{ "restart", cmd_restart, "name",
	    "take a link down and dial it again", NULL },
	{ "reload", cmd_reload, "",
	    "re-read vpn.conf; links whose settings did not change stay up",
	    NULL },
	{ "check", cmd_check, "name",
	    "exit 0 if the link is up (silent), 1 if not", NULL },
	{ "metrics", ctl_metrics, "",
	    "print vpnd's metrics in the Prometheus text format", NULL },
	{ "watchdog", ctl_watchdog, "[-f file] [-p pidfile] "
	    "[--down-after seconds] [--init path] [--unit name]",
	    "for cron: restart a vpnd that died (through systemctl or the "
	    "init script), and links down too long",
	    "  -f FILE         the configuration (none: nothing to do)\n"
	    "  -p PIDFILE      vpnd's pid file\n"
	    "  --down-after S  restart a link wanted up but down this long "
	    "(300)\n"
	    "  --init PATH     the init script, where systemd does not run\n"
	    "  --unit NAME     the systemd unit (vpn.service)\n" },
	{ "setup", cmd_gateway, "[-f file] name",
	    "print what the gateway needs for a link",
	    "  -f FILE         the configuration to read\n" },
	{ "trust", cmd_gateway, "[-f file] name [--yes]",
	    "add the gateway's host key to the link's known-hosts",
	    "  -f FILE         the configuration to read\n"
	    "  --yes           the fingerprint was compared: add the key\n" },
	{ "doctor", cmd_gateway, "[-f file] [name]",
	    "check everything a first dial needs, one line each",
	    "  -f FILE         the configuration to read\n" },
	{ "help", cmd_help, "[command]",
	    "this list, or what a command takes", NULL },
};

#define NCMDS	(sizeof(vpnctl_cmds) / sizeof(vpnctl_cmds[0]))

/* The command's arguments after cmd_normalize(), ours until exit. */
static char	**cmd_argv;

static const struct option vpnctl_options[] = {
	{ "help",	no_argument,		NULL, 'h' },
	{ "socket",	required_argument,	NULL, 's' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 }
};

/* The usage, and with f == stdout every command; exit with status. */
static void
usage(FILE *f, int status)
{
	size_t	i;

	fprintf(f, "usage: vpnctl [-hV] [-s socket] [command [argument "
	    "...]]\n");
	if (f != stdout)
		exit(status);
	fprintf(f, "Show and drive vpnd's links; without a command, show "
	    "them.\n\ncommands:\n");
	for (i = 0; i < NCMDS; i++)
		fprintf(f, "  %-10s %s\n", vpnctl_cmds[i].name,
		    vpnctl_cmds[i].about);
	fprintf(f, "\noptions:\n"
	    "  -s, --socket=PATH  vpnd's control socket (%s)\n"
	    "  -h, --help         this help; \"vpnctl COMMAND -h\" for a "
	    "command\n"
	    "  -V, --version      the version\n"
	    "An option's value may follow it or come after '=' "
	    "(--timeout=30).\nSee vpnctl(8).\n", CONF_CONTROL_SOCKET);
	exit(fflush(f) == EOF ? VPNCTL_FAILED : status);
}

static const struct vpnctl_cmd *
cmd_find(const char *name)
{
	size_t	i;

	for (i = 0; i < NCMDS; i++)
		if (strcmp(vpnctl_cmds[i].name, name) == 0)
			return &vpnctl_cmds[i];
	return NULL;
}

/* "vpnctl NAME -h": usage, what it does, its options; exit 0. */
static void
cmd_help_exit(const struct vpnctl_cmd *c)
{
	printf("usage: vpnctl [-s socket] %s%s%s\n%c%s.\n", c->name,
	    *c->args != '\0' ? " " : "", c->args,
	    toupper((unsigned char)c->about[0]), c->about + 1);
	if (c->options != NULL)
		printf("\n%s", c->options);
	exit(fflush(stdout) == EOF ? VPNCTL_FAILED : VPNCTL_OK);
}

int
vpnctl_usage(const char *name)
{
	const struct vpnctl_cmd	*c;

	if ((c = cmd_find(name)) != NULL)
		fprintf(stderr, "usage: vpnctl [-s socket] %s%s%s\n", c->name,
		    *c->args != '\0' ? " " : "", c->args);
	return VPNCTL_USAGE;
}

/*
 * The conventions of every command's arguments: -h or --help anywhere
 * before "--" prints the command's help and exits 0, and
 * "--option=value" is "--option" "value".  Returns the new argv, copies
 * all, held in cmd_argv; cmd_free() frees it.
 */
static char **
cmd_normalize(const struct vpnctl_cmd *c, int *argcp, char **argv)
{
	char	*eq;
	int	 i, n = 0, argc = *argcp;
	bool	 done = false;

	cmd_argv = xcalloc((size_t)argc * 2 + 1, sizeof(*cmd_argv));
	for (i = 0; i < argc; i++) {
		if (i > 0 && !done && strcmp(argv[i], "--") == 0)
			done = true;	/* kept, for the command */
		else if (i > 0 && !done && (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0))
			cmd_help_exit(c);
		else if (i > 0 && !done && strncmp(argv[i], "--", 2) == 0 &&
		    (eq = strchr(argv[i], '=')) != NULL) {
			cmd_argv[n++] = xstrndup(argv[i],
			    (size_t)(eq - argv[i]));
			cmd_argv[n++] = xstrdup(eq + 1);
			continue;
		}
		cmd_argv[n++] = xstrdup(argv[i]);
	}
	*argcp = n;
	return cmd_argv;
}

static void
cmd_free(void)
{
	size_t	i;

	if (cmd_argv == NULL)
		return;
	for (i = 0; cmd_argv[i] != NULL; i++)
		free(cmd_argv[i]);
	free(cmd_argv);
	cmd_argv = NULL;
}

int
vpnctl_args(int argc, char **argv, bool want_name, struct vpnctl_opt *opts,
    const char **name)
{
	struct vpnctl_opt	*o;
	int			 i;

	*name = NULL;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			continue;
		if (strncmp(argv[i], "--", 2) == 0) {
			for (o = opts; o != NULL && o->name != NULL; o++)
				if (strcmp(argv[i] + 2, o->name) == 0)
					break;
			if (o == NULL || o->name == NULL || o->seen)
				return -1;
			o->seen = true;
			if (o->has_value) {
				if (i + 1 == argc)
					return -1;
				o->value = argv[++i];
			}
			continue;
		}
		if (!want_name || *name != NULL || argv[i][0] == '\0' ||
		    argv[i][0] == '+' || argv[i][0] == '-' ||
		    strchr(argv[i], ' ') != NULL)
			return -1;
		*name = argv[i];
	}
	return 0;
}

int
vpnctl_call(struct vpnctl *v, int argc, const char *const *argv,
    int timeout_ms, void (*fn)(const struct ctlmsg_reply *, void *),
    void *arg)
{
	struct ctlclient	*cl;
	struct ctlmsg_reply	 r;
	char			*cause = NULL, **details = NULL;
	size_t			 i, ndetails = 0;
	int			 status = VPNCTL_FAILED;

	if ((cl = ctlclient_connect(v->socket, &cause)) == NULL)
		goto out;
	if (ctlclient_send(cl, argc, argv, &cause) == -1)
		goto out;
	for (;;) {
		if (ctlclient_next(cl, timeout_ms, &r, &cause) == -1)
			goto out;
		switch (r.type) {
		case CTLMSG_OK:
			if (*r.text != '\0')
				printf("%s\n", r.text);
			status = VPNCTL_OK;
			goto out;
		case CTLMSG_ERROR:
			for (i = 0; i < ndetails; i++)
				fprintf(stderr, "%s\n", details[i]);
			fprintf(stderr, "vpnctl: %s\n", r.text);
			status = ctlclient_exit_status(r.error);
			goto out;
		case CTLMSG_DETAIL:
			details = xreallocarray(details, ndetails + 1,
			    sizeof(*details));
			details[ndetails++] = xstrdup(r.text);
			break;
		default:
			if (fn != NULL)
				fn(&r, arg);
			break;
		}
	}
out:
	if (cause != NULL) {
		fprintf(stderr, "vpnctl: %s\n", cause);
		free(cause);
	}
	for (i = 0; i < ndetails; i++) {
		if (status == VPNCTL_OK)
			printf("%s\n", details[i]);
		free(details[i]);
	}
	free(details);
	ctlclient_free(cl);
	if (fflush(stdout) == EOF && status == VPNCTL_OK) {
		fprintf(stderr, "vpnctl: stdout: %s\n", strerror(errno));
		status = VPNCTL_FAILED;
	}
	return status;
}

const char *
vpnctl_duration(time_t secs, char *buf, size_t size)
{
	long long	s = secs < 0 ? 0 : (long long)secs;

	if (s >= 86400)
		snprintf(buf, size, "%lldd%02lldh", s / 86400,
		    s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, size, "%lldh%02lldm", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		snprintf(buf, size, "%lldm%02llds", s / 60, s % 60);
	else
		snprintf(buf, size, "%llds", s);
	return buf;
}

/* ------------------------------- help, down, restart, reload, check */

static int
cmd_help(struct vpnctl *v, int argc, char **argv)
{
	const struct vpnctl_cmd	*c;

	(void)v;
	if (argc == 1)
		usage(stdout, VPNCTL_OK);
	if (argc > 2 || (c = cmd_find(argv[1])) == NULL)
		return vpnctl_usage("help");
	cmd_help_exit(c);
}

/* A command of one link name (or none) and no options. */
static int
simple(struct vpnctl *v, int argc, char **argv, bool want_name)
{
	const char	*name, *req[2];

	if (vpnctl_args(argc, argv, want_name, NULL, &name) == -1 ||
	    (want_name && name == NULL))
		return vpnctl_usage(argv[0]);
	req[0] = argv[0];
	req[1] = name;
	return vpnctl_call(v, want_name ? 2 : 1, req, CTLCLIENT_TIMEOUT,
	    NULL, NULL);
}

static int
cmd_down(struct vpnctl *v, int argc, char **argv)
{
	return simple(v, argc, argv, true);
}

static int
cmd_restart(struct vpnctl *v, int argc, char **argv)
{
	return simple(v, argc, argv, true);
}

static int
cmd_reload(struct vpnctl *v, int argc, char **argv)
{
	return simple(v, argc, argv, false);
}

static int
cmd_check(struct vpnctl *v, int argc, char **argv)
{
	return simple(v, argc, argv, true);
}

/* ------------------------------------------------ setup, trust, doctor */

/*
 * setup, trust and doctor read the configuration and talk to the
 * gateway through libssh2 and OpenSSL, which vpnctl itself, run for
 * every status by admins, cron and scripts, does not load (in the
 * guest, 0.08 s of a 0.20 s status of 200 links was loading them): their
 * program is vpnctl-gateway, in PKGLIBEXECDIR, or beside vpnctl (a
 * build tree, where the installed one may be another version).  Run with
 * the command's arguments as cmd_normalize() left them; returns only
 * if the program could not be run.
 */
static int
cmd_gateway(struct vpnctl *v, int argc, char **argv)
{
	const char	*path = VPN_PKGLIBEXECDIR "/" VPNCTL_GATEWAY;
	char		 self[PATH_MAX], beside[PATH_MAX], **args;
	char		*slash;
	ssize_t		 n;
	int		 i;

	(void)v;
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL &&
		    snprintf(beside, sizeof(beside), "%.*s/%s",
		    (int)(slash - self), self, VPNCTL_GATEWAY) <
		    (int)sizeof(beside) && access(beside, X_OK) == 0)
			path = beside;
	}
	args = xcalloc((size_t)argc + 2, sizeof(*args));
	args[0] = xstrdup(VPNCTL_GATEWAY);
	for (i = 0; i < argc; i++)
		args[i + 1] = argv[i];
	execv(path, args);
	fprintf(stderr, "vpnctl: %s: %s (vpnctl %s needs it; is pppssh "
	    "installed whole?)\n", path, strerror(errno), argv[0]);
	free(args[0]);
	free(args);
	return VPNCTL_FAILED;
}

int
main(int argc, char **argv)
{
	struct vpnctl			 v;
	const struct vpnctl_cmd		*c;
	const char			*names[NCMDS], *near;
	char				*def[] = { "status", NULL };
	size_t				 i;
	int				 ch, status;

	memset(&v, 0, sizeof(v));
	v.socket = CONF_CONTROL_SOCKET;
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
		fprintf(stderr, "vpnctl: signal: %s\n", strerror(errno));
		return VPNCTL_FAILED;
	}
	while ((ch = getopt_long(argc, argv, "+hs:V", vpnctl_options,
	    NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout, VPNCTL_OK);
		case 's':
			v.socket = optarg;
			break;
		case 'V':
			printf("vpnctl (%s) %s\n", PACKAGE_NAME,
			    PACKAGE_VERSION);
			return fflush(stdout) == EOF ? VPNCTL_FAILED :
			    VPNCTL_OK;
		default:
			usage(stderr, VPNCTL_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		argc = 1;
		argv = def;
	}
	if ((c = cmd_find(argv[0])) != NULL) {
		argv = cmd_normalize(c, &argc, argv);
		status = c->handler(&v, argc, argv);
		cmd_free();
		return status;
	}
	for (i = 0; i < NCMDS; i++)
		names[i] = vpnctl_cmds[i].name;
	if ((near = spell_suggest(argv[0], names, NCMDS)) != NULL)
		fprintf(stderr, "vpnctl: unknown command %s (did you mean "
		    "%s?)\n", argv[0], near);
	else
		fprintf(stderr, "vpnctl: unknown command %s; vpnctl -h lists "
		    "them\n", argv[0]);
	return VPNCTL_USAGE;
}
