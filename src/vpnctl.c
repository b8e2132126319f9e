/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * vpnctl: the control client.  main(), the global options and the
 * command table; each command sends one request on the control socket
 * and prints the reply.  watchdog lives in ctl-watchdog.c; setup,
 * trust and doctor, which read the configuration file and talk to the
 * gateway instead, in ctl-setup.c, ctl-trust.c and ctl-doctor.c.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
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
#include "vpnctl.h"
#include "xmalloc.h"

struct vpnctl_cmd {
	const char	*name;
	int		(*handler)(struct vpnctl *, int, char **);
	const char	*usage;
};

static void	usage(void) __attribute__((noreturn));
static int	cmd_status(struct vpnctl *, int, char **);
static int	cmd_up(struct vpnctl *, int, char **);
static int	cmd_down(struct vpnctl *, int, char **);
static int	cmd_restart(struct vpnctl *, int, char **);
static int	cmd_reload(struct vpnctl *, int, char **);
static int	cmd_check(struct vpnctl *, int, char **);

static const struct vpnctl_cmd vpnctl_cmds[] = {
	{ "status", cmd_status, "status [name] [--json]" },
	{ "up", cmd_up, "up name [--wait]" },
	{ "down", cmd_down, "down name" },
	{ "restart", cmd_restart, "restart name" },
	{ "reload", cmd_reload, "reload" },
	{ "check", cmd_check, "check name" },
	{ "watchdog", ctl_watchdog, "watchdog [-f file] [-p pidfile] "
	    "[--down-after seconds] [--init path] [--unit name]" },
	{ "setup", ctl_setup, "setup [-f file] name" },
	{ "trust", ctl_trust, "trust [-f file] name [--yes]" },
	{ "doctor", ctl_doctor, "doctor [-f file] [name]" },
};

#define NCMDS	(sizeof(vpnctl_cmds) / sizeof(vpnctl_cmds[0]))

static void
usage(void)
{
	size_t	i;

	fprintf(stderr, "usage: vpnctl [-s socket] [command [argument ...]]"
	    "\ncommands:\n");
	for (i = 0; i < NCMDS; i++)
		fprintf(stderr, "\t%s\n", vpnctl_cmds[i].usage);
	exit(VPNCTL_USAGE);
}

static int
cmd_usage(const char *name)
{
	size_t	i;

	for (i = 0; i < NCMDS; i++)
		if (strcmp(vpnctl_cmds[i].name, name) == 0)
			fprintf(stderr, "usage: vpnctl [-s socket] %s\n",
			    vpnctl_cmds[i].usage);
	return VPNCTL_USAGE;
}

/*
 * Split argv into at most one link name and the flags in allowed (each
 * "--flag"); the flags seen are returned as bits, in allowed's order.
 * -1 on anything else.
 */
static int
cmd_args(int argc, char **argv, bool want_name, const char *const *allowed,
    const char **name, unsigned *flags)
{
	int	i, j;

	*name = NULL;
	*flags = 0;
	for (i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) == 0) {
			for (j = 0; allowed != NULL && allowed[j] != NULL; j++)
				if (strcmp(argv[i] + 2, allowed[j]) == 0)
					break;
			if (allowed == NULL || allowed[j] == NULL)
				return -1;
			*flags |= 1U << j;
			continue;
		}
		if (!want_name || *name != NULL || argv[i][0] == '\0' ||
		    argv[i][0] == '+' || strchr(argv[i], ' ') != NULL)
			return -1;
		*name = argv[i];
	}
	return 0;
}

/*
 * Send argv as one request; hand each reply line but the final one to
 * fn (if not NULL); print detail lines and an error on stderr.  Returns
 * the exit status.
 */
static int
call(struct vpnctl *v, int argc, const char *const *argv, int timeout_ms,
    void (*fn)(const struct ctlmsg_reply *, void *), void *arg)
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

/* --------------------------------------------------------- status */

static void
print_link(const struct ctlmsg_link *l)
{
	char		 when[64], dur[32];
	struct tm	 tm;
	time_t		 now = time(NULL);

	if (localtime_r(&l->since, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(when, sizeof(when), "%lld", (long long)l->since);
	printf("%s: %s since %s (%s)", l->name, l->state, when,
	    vpnctl_duration(now - l->since, dur, sizeof(dur)));
	if (l->host != NULL && l->port >= 0)
		printf(", via %s:%d", l->host, l->port);
	if (!l->wanted)
		printf(", not wanted up");
	printf("\n");
	if (l->reason != NULL)
		printf("    last failure%s%s%s: %s\n",
		    l->fail_class != NULL && strcmp(l->fail_class, "none") ?
		    " (" : "",
		    l->fail_class != NULL && strcmp(l->fail_class, "none") ?
		    l->fail_class : "",
		    l->fail_class != NULL && strcmp(l->fail_class, "none") ?
		    ")" : "", l->reason);
	if (l->needs_attention)
		printf("    needs attention: this failure will not go away "
		    "by itself\n");
	if (l->next_dial >= 0)
		printf("    next re-dial in %d s\n", l->next_dial);
	printf("    re-dials %u, bytes in %" PRIu64 " out %" PRIu64
	    ", lcp rtt ", l->redials, l->bytes_in, l->bytes_out);
	if (l->lcp_rtt_ms >= 0)
		printf("%d ms\n", l->lcp_rtt_ms);
	else
		printf("unknown\n");
	if (l->probe != NULL)
		printf("    probe %s (%s ago)\n", l->probe,
		    vpnctl_duration(now - l->probe_at, dur, sizeof(dur)));
	if (l->ddns != NULL)
		printf("    ddns %s (%s ago)\n", l->ddns,
		    vpnctl_duration(now - l->ddns_at, dur, sizeof(dur)));
	if (l->notify_queued > 0 || l->notify_dropped > 0)
		printf("    notifications waiting %zu, dropped %lu\n",
		    l->notify_queued, l->notify_dropped);
}

static void
status_line(const struct ctlmsg_reply *r, void *arg)
{
	struct ctlmsg_link	 l;
	char			*text, *cause = NULL;
	int			*bad = arg;

	if (r->type == CTLMSG_JSON) {
		printf("%s\n", r->text);
		return;
	}
	if (r->type != CTLMSG_LINK)
		return;
	text = xstrdup(r->text);
	if (ctlmsg_link_parse(text, &l, &cause) == -1) {
		fprintf(stderr, "vpnctl: bad reply from vpnd: %s\n", cause);
		free(cause);
		*bad = 1;
	} else
		print_link(&l);
	free(text);
}

static int
cmd_status(struct vpnctl *v, int argc, char **argv)
{
	static const char *const flags[] = { "json", NULL };
	const char		*name, *req[3];
	unsigned		 f;
	int			 n = 0, status, bad = 0;

	if (cmd_args(argc, argv, true, flags, &name, &f) == -1)
		return cmd_usage("status");
	req[n++] = "status";
	if (name != NULL)
		req[n++] = name;
	if (f & 1)
		req[n++] = "+json";
	status = call(v, n, req, CTLCLIENT_TIMEOUT, status_line, &bad);
	return status == VPNCTL_OK && bad ? VPNCTL_FAILED : status;
}

/* ------------------------------------------------------------- up */

static void
up_stage(const struct ctlmsg_reply *r, void *arg)
{
	struct ctlmsg_link	 l;
	char			*text, *cause = NULL;

	(void)arg;
	if (r->type != CTLMSG_STAGE)
		return;
	text = xstrdup(r->text);
	if (ctlmsg_link_parse(text, &l, &cause) == -1) {
		fprintf(stderr, "vpnctl: bad reply from vpnd: %s\n", cause);
		free(cause);
		free(text);
		return;
	}
	if (strcmp(l.state, "connecting") == 0 && l.host != NULL)
		printf("%s: connecting to %s:%d\n", l.name, l.host, l.port);
	else if (strcmp(l.state, "handshake") == 0)
		printf("%s: ssh handshake, checking the host key\n", l.name);
	else if (strcmp(l.state, "auth") == 0)
		printf("%s: authenticating\n", l.name);
	else if (strcmp(l.state, "ppp") == 0)
		printf("%s: starting pppd at both ends\n", l.name);
	else if (strcmp(l.state, "routes") == 0)
		printf("%s: installing routes\n", l.name);
	else
		printf("%s: %s\n", l.name, l.state);
	(void)fflush(stdout);
	free(text);
}

static int
cmd_up(struct vpnctl *v, int argc, char **argv)
{
	static const char *const flags[] = { "wait", NULL };
	const char		*name, *req[3];
	unsigned		 f;

	if (cmd_args(argc, argv, true, flags, &name, &f) == -1 ||
	    name == NULL)
		return cmd_usage("up");
	req[0] = "up";
	req[1] = name;
	if (!(f & 1))
		return call(v, 2, req, CTLCLIENT_TIMEOUT, NULL, NULL);
	req[2] = "+wait";
	return call(v, 3, req, -1, up_stage, NULL);
}

/* ------------------------------------------- down, restart, check */

static int
simple(struct vpnctl *v, int argc, char **argv, bool want_name)
{
	const char	*name, *req[2];
	unsigned	 f;

	if (cmd_args(argc, argv, want_name, NULL, &name, &f) == -1 ||
	    (want_name && name == NULL))
		return cmd_usage(argv[0]);
	req[0] = argv[0];
	req[1] = name;
	return call(v, want_name ? 2 : 1, req, CTLCLIENT_TIMEOUT, NULL, NULL);
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

int
main(int argc, char **argv)
{
	struct vpnctl	 v;
	char		*def[] = { "status", NULL };
	size_t		 i;
	int		 ch;

	memset(&v, 0, sizeof(v));
	v.socket = CONF_CONTROL_SOCKET;
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
		fprintf(stderr, "vpnctl: signal: %s\n", strerror(errno));
		return VPNCTL_FAILED;
	}
	while ((ch = getopt(argc, argv, "+s:")) != -1) {
		switch (ch) {
		case 's':
			v.socket = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		argc = 1;
		argv = def;
	}
	for (i = 0; i < NCMDS; i++)
		if (strcmp(argv[0], vpnctl_cmds[i].name) == 0)
			return vpnctl_cmds[i].handler(&v, argc, argv);
	fprintf(stderr, "vpnctl: unknown command %s\n", argv[0]);
	usage();
}
