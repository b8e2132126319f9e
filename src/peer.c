/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * vpn-peer's rules.  A request is untrusted input from whoever holds the
 * key: it is checked byte by byte (length, alphabet, single spaces,
 * word count) before any word is looked at, every value is parsed
 * strictly and bounded, and nothing from it reaches a command line but
 * numbers and prefixes we format ourselves.  The pppd options come from
 * ppp.c, the same list vpnd gives its own pppd.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "argv.h"
#include "log.h"
#include "peer.h"
#include "ppp.h"
#include "xmalloc.h"

/* Longest decimal number a request may hold. */
#define PEER_NUMBER_MAX		9
/* Waiting for a stale pppd: 30 x 100 ms after SIGTERM, 10 after KILL. */
#define PEER_TERM_WAIT		30
#define PEER_KILL_WAIT		10
#define PEER_WAIT_NS		100000000L

static void	peer_params(const struct peer_conf *,
		    const struct peer_request *, struct ppp_params *,
		    char **, char **, char **);
static int	peer_check_path(const char *, const char *, char **);
static int	peer_number(const char *, const char *, int, int, int *,
		    char **);
static int	peer_parse_pppd(char **, size_t, struct peer_request *,
		    char **);
static int	peer_parse_route(const struct peer_conf *, char **, size_t,
		    struct peer_request *, char **);
static bool	peer_alive(pid_t);
static bool	peer_is_our_pppd(const struct peer_conf *, pid_t);
static ssize_t	peer_read_file(const char *, char *, size_t);
static bool	peer_gone(const struct peer_conf *, pid_t);
static bool	peer_wait_gone(const struct peer_conf *, pid_t, int);

void
peer_conf_init(struct peer_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->ifname = PEER_DEF_IFNAME;
	c->pppd = PEER_DEF_PPPD;
	c->ip_command = PEER_DEF_IP;
	c->pkill_command = PEER_DEF_PKILL;
	c->sudo_command = PEER_DEF_SUDO;
	c->rundir = PEER_DEF_RUNDIR;
}

int
peer_conf_add_net(struct peer_conf *c, const char *net, char **cause)
{
	struct prefix	p;
	char		a[ADDR_STRLEN];
	size_t		i;

	if (addr_prefix_parse(net, &p, cause) == -1)
		return -1;
	for (i = 0; i < c->nnets; i++) {
		if (addr_equal(&c->nets[i], &p)) {
			xasprintf(cause, "%s is given twice",
			    addr_format(&p, a, sizeof(a)));
			return -1;
		}
	}
	if (c->nnets == PEER_NETS_MAX) {
		xasprintf(cause, "more than %d nets", PEER_NETS_MAX);
		return -1;
	}
	c->nets[c->nnets++] = p;
	return 0;
}

int
peer_conf_add_pppd_option(struct peer_conf *c, const char *word,
    char **cause)
{
	if (*word == '\0') {
		xasprintf(cause, "empty pppd option");
		return -1;
	}
	if (c->npppd_options == PEER_PPPD_OPTIONS_MAX) {
		xasprintf(cause, "more than %d pppd options",
		    PEER_PPPD_OPTIONS_MAX);
		return -1;
	}
	c->pppd_options[c->npppd_options++] = word;
	c->pppd_options[c->npppd_options] = NULL;
	return 0;
}

static int
peer_check_path(const char *what, const char *path, char **cause)
{
	if (path == NULL || path[0] != '/') {
		xasprintf(cause, "%s: \"%s\" is not an absolute path", what,
		    path == NULL ? "" : path);
		return -1;
	}
	return 0;
}

/*
 * The ppp.c parameters for c and r.  vpnd's "local" end is our peer;
 * the local_* fields that only vpnd's own pppd uses are filled with
 * ours so that ppp_params_check() checks them too.  prefix, ipprefix
 * and pkprefix are arrays of 4 that the params then point into.
 */
static void
peer_params(const struct peer_conf *c, const struct peer_request *r,
    struct ppp_params *pp, char **prefix, char **ipprefix, char **pkprefix)
{
	size_t	i = 0;

	if (c->sudo) {
		prefix[i] = ipprefix[i] = pkprefix[i] = (char *)c->sudo_command;
		i++;
		prefix[i] = ipprefix[i] = pkprefix[i] = (char *)"-n";
		i++;
	}
	prefix[i] = (char *)c->pppd;
	ipprefix[i] = (char *)c->ip_command;
	pkprefix[i] = (char *)c->pkill_command;
	i++;
	prefix[i] = ipprefix[i] = pkprefix[i] = NULL;

	memset(pp, 0, sizeof(*pp));
	pp->local_pppd = c->pppd;
	pp->local_ifname = c->ifname;
	pp->remote_ifname = c->ifname;
	pp->local_ip = c->peer;
	pp->remote_ip = c->ip;
	pp->linkname = c->ifname;
	pp->remote_rundir = c->rundir;
	pp->remote_prefix = prefix;
	pp->remote_ip_prefix = ipprefix;
	pp->remote_pkill_prefix = pkprefix;
	pp->remote_extra = c->npppd_options == 0 ? NULL :
	    (char *const *)c->pppd_options;
	if (r != NULL) {
		pp->lcp_echo_interval = r->lcp_echo_interval;
		pp->lcp_echo_failure = r->lcp_echo_failure;
		pp->mtu = r->mtu;
		pp->compression = r->compression;
		pp->ipv6 = r->ipv6;
	} else {
		pp->lcp_echo_interval = PEER_DEF_ECHO_INTERVAL;
		pp->lcp_echo_failure = PEER_DEF_ECHO_FAILURE;
	}
}

int
peer_conf_check(const struct peer_conf *c, char **cause)
{
	struct ppp_params	 pp;
	char			*prefix[4], *ipprefix[4], *pkprefix[4];
	char			*why = NULL;

	if (c->ip == NULL) {
		xasprintf(cause, "--ip is missing");
		return -1;
	}
	if (c->peer == NULL) {
		xasprintf(cause, "--peer is missing");
		return -1;
	}
	if (peer_check_path("--pppd", c->pppd, cause) == -1 ||
	    peer_check_path("--ip-command", c->ip_command, cause) == -1 ||
	    peer_check_path("--pkill-command", c->pkill_command, cause) == -1 ||
	    peer_check_path("--sudo-command", c->sudo_command, cause) == -1 ||
	    peer_check_path("--run-dir", c->rundir, cause) == -1)
		return -1;
	if (ppp_options_check((char *const *)c->pppd_options,
	    c->npppd_options, &why) == -1) {
		xasprintf(cause, "--pppd-option: %s", why);
		free(why);
		return -1;
	}
	peer_params(c, NULL, &pp, prefix, ipprefix, pkprefix);
	if (ppp_params_check(&pp, &why) == -1) {
		/* Say it with our option names. */
		if (strncmp(why, "remote ip", 9) == 0)
			xasprintf(cause, "--ip%s", why + 9);
		else if (strncmp(why, "local ip and remote ip", 22) == 0)
			xasprintf(cause, "--ip and --peer%s", why + 22);
		else if (strncmp(why, "local ip", 8) == 0)
			xasprintf(cause, "--peer%s", why + 8);
		else if (strncmp(why, "local interface", 15) == 0)
			xasprintf(cause, "--ifname%s", why + 15);

		else
			*cause = xstrdup(why);
		free(why);
		return -1;
	}
	return 0;
}

/* A decimal number, no sign, no leading zero, in min..max. */
static int
peer_number(const char *what, const char *s, int min, int max, int *out,
    char **cause)
{
	size_t	i, len = strlen(s);
	int	n = 0;

	if (len == 0 || len > PEER_NUMBER_MAX || (s[0] == '0' && len > 1))
		goto bad;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			goto bad;
		n = n * 10 + (s[i] - '0');
	}
	if (n < min || n > max)
		goto bad;
	*out = n;
	return 0;
bad:
	xasprintf(cause, "pppd: %s: \"%.*s\" is not a number in %d-%d",
	    what, PEER_NUMBER_MAX + 1, s, min, max);
	return -1;
}

/* "pppd" NAME VALUE ...: each known option at most once. */
static int
peer_parse_pppd(char **w, size_t n, struct peer_request *r, char **cause)
{
	bool	seen[5] = { false, false, false, false, false };
	size_t	i;
	int	k;

	r->lcp_echo_interval = PEER_DEF_ECHO_INTERVAL;
	r->lcp_echo_failure = PEER_DEF_ECHO_FAILURE;
	r->mtu = 0;
	r->compression = false;
	r->ipv6 = false;
	for (i = 1; i < n; i += 2) {
		if (strcmp(w[i], "lcp-echo-interval") == 0)
			k = 0;
		else if (strcmp(w[i], "lcp-echo-failure") == 0)
			k = 1;
		else if (strcmp(w[i], "mtu") == 0)
			k = 2;
		else if (strcmp(w[i], "compression") == 0)
			k = 3;
		else if (strcmp(w[i], "ipv6") == 0)
			k = 4;
		else {
			xasprintf(cause, "pppd: unknown option \"%.32s\"",
			    w[i]);
			return -1;
		}
		if (seen[k]) {
			xasprintf(cause, "pppd: %s given twice", w[i]);
			return -1;
		}
		seen[k] = true;
		if (i + 1 == n) {
			xasprintf(cause, "pppd: %s needs a value", w[i]);
			return -1;
		}
		switch (k) {
		case 0:
			if (peer_number(w[i], w[i + 1], 1,
			    PPP_ECHO_INTERVAL_MAX, &r->lcp_echo_interval,
			    cause) == -1)
				return -1;
			break;
		case 1:
			if (peer_number(w[i], w[i + 1], 1,
			    PPP_ECHO_FAILURE_MAX, &r->lcp_echo_failure,
			    cause) == -1)
				return -1;
			break;
		case 2:
			if (peer_number(w[i], w[i + 1], PPP_MTU_MIN,
			    PPP_MTU_MAX, &r->mtu, cause) == -1)
				return -1;
			break;
		default:
			if (strcmp(w[i + 1], "yes") != 0 &&
			    strcmp(w[i + 1], "no") != 0) {
				xasprintf(cause, "pppd: %s: \"%.32s\""
				    " is not yes or no", w[i], w[i + 1]);
				return -1;
			}
			*(k == 3 ? &r->compression : &r->ipv6) =
			    strcmp(w[i + 1], "yes") == 0;
			break;
		}
	}
	return 0;
}

/* "route" replace|del NET ...: each a permitted net, once. */
static int
peer_parse_route(const struct peer_conf *c, char **w, size_t n,
    struct peer_request *r, char **cause)
{
	struct prefix	 p;
	char		 a[ADDR_STRLEN], *why = NULL;
	size_t		 i, j;

	if (n < 2) {
		xasprintf(cause, "route: replace or del is missing");
		return -1;
	}
	if (strcmp(w[1], "replace") == 0)
		r->route_del = false;
	else if (strcmp(w[1], "del") == 0)
		r->route_del = true;
	else {
		xasprintf(cause, "route: unknown action \"%.32s\" (replace or "
		    "del)", w[1]);
		return -1;
	}
	if (n < 3) {
		xasprintf(cause, "route %s: no net", w[1]);
		return -1;
	}
	r->nnets = 0;
	for (i = 2; i < n; i++) {
		if (addr_prefix_parse(w[i], &p, &why) == -1) {
			xasprintf(cause, "route %s: %s", w[1], why);
			free(why);
			return -1;
		}
		addr_format(&p, a, sizeof(a));
		for (j = 0; j < c->nnets; j++) {
			if (addr_equal(&c->nets[j], &p))
				break;
		}
		if (j == c->nnets) {
			xasprintf(cause, "route %s: %s is not a permitted net",
			    w[1], a);
			return -1;
		}
		for (j = 0; j < r->nnets; j++) {
			if (addr_equal(&r->nets[j], &p)) {
				xasprintf(cause, "route %s: %s given twice",
				    w[1], a);
				return -1;
			}
		}
		r->nets[r->nnets++] = p;
	}
	return 0;
}

int
peer_request_parse(const struct peer_conf *c, const char *request,
    struct peer_request *r, char **cause)
{
	char	*copy = NULL, *w[PEER_WORDS_MAX], *s;
	size_t	 len, i, n = 0;
	int	 rv = -1;
	unsigned char	 ch;

	memset(r, 0, sizeof(*r));
	if (request == NULL || *request == '\0') {
		xasprintf(cause, "no request (this key runs only vpn-peer "
		    "requests)");
		return -1;
	}
	len = strnlen(request, PEER_REQUEST_MAX + 1);
	if (len > PEER_REQUEST_MAX) {
		xasprintf(cause, "request longer than %d bytes",
		    PEER_REQUEST_MAX);
		return -1;
	}
	for (i = 0; i < len; i++) {
		ch = (unsigned char)request[i];
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("_./:- ", ch) != NULL)
			continue;
		if (ch > ' ' && ch < 0x7f)
			xasprintf(cause, "character '%c' at offset %zu is not "
			    "allowed", ch, i);
		else
			xasprintf(cause, "byte 0x%02x at offset %zu is not "
			    "allowed", ch, i);
		return -1;
	}
	if (strspn(request, " ") == len) {
		xasprintf(cause, "no request, only spaces");
		return -1;
	}

	/* Words: separated by exactly one space, none empty. */
	copy = xstrdup(request);
	s = copy;
	for (;;) {
		if (*s == ' ' || *s == '\0') {
			xasprintf(cause, "empty word at offset %zu (words are "
			    "separated by single spaces)", (size_t)(s - copy));
			goto out;
		}
		if (n == PEER_WORDS_MAX) {
			xasprintf(cause, "more than %d words", PEER_WORDS_MAX);
			goto out;
		}
		w[n++] = s;
		if ((s = strchr(s, ' ')) == NULL)
			break;
		*s++ = '\0';
	}

	if (strcmp(w[0], "version") == 0 || strcmp(w[0], "clean") == 0) {
		if (n != 1) {
			xasprintf(cause, "%s takes no arguments", w[0]);
			goto out;
		}
		r->verb = w[0][0] == 'v' ? PEER_VERSION : PEER_CLEAN;
	} else if (strcmp(w[0], "pppd") == 0) {
		r->verb = PEER_PPPD;
		if (peer_parse_pppd(w, n, r, cause) == -1)
			goto out;
	} else if (strcmp(w[0], "route") == 0) {
		r->verb = PEER_ROUTE;
		if (peer_parse_route(c, w, n, r, cause) == -1)
			goto out;
	} else {
		xasprintf(cause, "unknown request \"%.32s\"", w[0]);
		goto out;
	}
	rv = 0;
out:
	free(copy);
	if (rv == -1)
		memset(r, 0, sizeof(*r));
	return rv;
}

char *
peer_request_format(const struct peer_request *r)
{
	struct argv	 w = { NULL, 0 };
	char		 a[ADDR_STRLEN], *s, *t;
	size_t		 i;

	switch (r->verb) {
	case PEER_PPPD:
		argv_add(&w, "pppd");
		argv_add(&w, "lcp-echo-interval");
		argv_addf(&w, "%d", r->lcp_echo_interval);
		argv_add(&w, "lcp-echo-failure");
		argv_addf(&w, "%d", r->lcp_echo_failure);
		if (r->mtu != 0) {
			argv_add(&w, "mtu");
			argv_addf(&w, "%d", r->mtu);
		}
		if (r->compression) {
			argv_add(&w, "compression");
			argv_add(&w, "yes");
		}
		if (r->ipv6) {
			argv_add(&w, "ipv6");
			argv_add(&w, "yes");
		}
		break;
	case PEER_ROUTE:
		argv_add(&w, "route");
		argv_add(&w, r->route_del ? "del" : "replace");
		for (i = 0; i < r->nnets; i++)
			argv_add(&w, addr_format(&r->nets[i], a, sizeof(a)));
		break;
	case PEER_CLEAN:
		argv_add(&w, "clean");
		break;
	case PEER_VERSION:
		argv_add(&w, "version");
		break;
	}
	if (w.n == 0)
		fatalx("%s: unknown verb %d", __func__, (int)r->verb);
	/* Single spaces between words: the grammar's only separator. */
	s = xstrdup(w.v[0]);
	for (i = 1; i < w.n; i++) {
		xasprintf(&t, "%s %s", s, w.v[i]);
		free(s);
		s = t;
	}
	argv_clear(&w);
	return s;
}

char **
peer_pppd_argv(const struct peer_conf *c, const struct peer_request *r)
{
	struct ppp_params	 pp;
	char			*prefix[4], *ipprefix[4], *pkprefix[4];

	peer_params(c, r, &pp, prefix, ipprefix, pkprefix);
	return ppp_remote_argv(&pp);
}

char **
peer_route_argv(const struct peer_conf *c, bool del,
    const struct prefix *net)
{
	struct ppp_params	 pp;
	char			*prefix[4], *ipprefix[4], *pkprefix[4];
	char			 a[ADDR_STRLEN];

	peer_params(c, NULL, &pp, prefix, ipprefix, pkprefix);
	addr_format(net, a, sizeof(a));
	return ppp_remote_route_argv(&pp, del ? "del" : "replace", a,
	    c->ifname);
}

char **
peer_end_argv(const struct peer_conf *c, const char *sig)
{
	struct ppp_params	 pp;
	char			*prefix[4], *ipprefix[4], *pkprefix[4];

	peer_params(c, NULL, &pp, prefix, ipprefix, pkprefix);
	return ppp_remote_end_argv(&pp, sig);
}

/* Read up to len - 1 bytes of path, NUL-terminated; -1 on error. */
static ssize_t
peer_read_file(const char *path, char *buf, size_t len)
{
	ssize_t	n;
	size_t	got = 0;
	int	fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return -1;
	while (got < len - 1) {
		n = read(fd, buf + got, len - 1 - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			(void)close(fd);
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	(void)close(fd);
	buf[got] = '\0';
	return (ssize_t)got;
}

/* /proc says pid runs and is not a zombie. */
static bool
peer_alive(pid_t pid)
{
	char	 path[64], buf[512], *p;

	(void)snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if (peer_read_file(path, buf, sizeof(buf)) <= 0)
		return false;
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ')
		return false;
	return p[2] != 'Z' && p[2] != 'X';
}

/* pid is a pppd whose command line holds "linkname IFNAME". */
static bool
peer_is_our_pppd(const struct peer_conf *c, pid_t pid)
{
	char	 path[64], buf[4096], *p, *end;
	ssize_t	 n;

	(void)snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
	if (peer_read_file(path, buf, sizeof(buf)) <= 0 ||
	    strcmp(buf, "pppd\n") != 0)
		return false;
	(void)snprintf(path, sizeof(path), "/proc/%ld/cmdline", (long)pid);
	if ((n = peer_read_file(path, buf, sizeof(buf))) <= 0)
		return false;
	end = buf + n;
	for (p = buf; p < end; p += strlen(p) + 1) {
		if (strcmp(p, "linkname") == 0 && p + 9 < end &&
		    strcmp(p + 9, c->ifname) == 0)
			return true;
	}
	return false;
}

pid_t
peer_stale_pid(const struct peer_conf *c)
{
	char	*path, buf[32], *end;
	long	 pid;

	xasprintf(&path, "%s/ppp-%s.pid", c->rundir, c->ifname);
	if (peer_read_file(path, buf, sizeof(buf)) <= 0) {
		free(path);
		return 0;
	}
	free(path);
	errno = 0;
	pid = strtol(buf, &end, 10);
	if (errno != 0 || end == buf || (*end != '\n' && *end != '\0') ||
	    pid <= 1 || pid > 0x7fffffffL)
		return 0;
	if (!peer_alive((pid_t)pid) || !peer_is_our_pppd(c, (pid_t)pid))
		return 0;
	return (pid_t)pid;
}

/* The process and its interface are both gone. */
static bool
peer_gone(const struct peer_conf *c, pid_t pid)
{
	struct stat	 sb;
	char		 path[64];

	if (peer_alive(pid))
		return false;
	(void)snprintf(path, sizeof(path), "/sys/class/net/%s", c->ifname);
	return stat(path, &sb) == -1;
}

static bool
peer_wait_gone(const struct peer_conf *c, pid_t pid, int ticks)
{
	struct timespec	ts = { 0, PEER_WAIT_NS };
	int		i;

	for (i = 0; i < ticks; i++) {
		if (peer_gone(c, pid))
			return true;
		(void)nanosleep(&ts, NULL);
	}
	return peer_gone(c, pid);
}

int
peer_end_stale(const struct peer_conf *c, pid_t *pidp, char **cause)
{
	char	**argv, *why = NULL;
	pid_t	  pid;
	int	  st;

	*pidp = 0;
	if ((pid = peer_stale_pid(c)) == 0)
		return 0;
	*pidp = pid;
	if (c->sudo) {
		/*
		 * pkill finds it again by the same pid file, and only if it
		 * is a pppd; 1: it was gone by then.
		 */
		argv = peer_end_argv(c, "TERM");
		st = peer_run(argv, &why);
		argv_free(argv);
		if (st != 0 && st != 1) {
			if (st == -1) {
				xasprintf(cause, "stale pppd %ld: %s",
				    (long)pid, why);
				free(why);
			} else
				xasprintf(cause, "stale pppd %ld: pkill: exit "
				    "status %d", (long)pid, st);
			return -1;
		}
	} else if (kill(pid, SIGTERM) == -1 && errno != ESRCH) {
		xasprintf(cause, "stale pppd %ld: kill: %s", (long)pid,
		    strerror(errno));
		return -1;
	}
	if (peer_wait_gone(c, pid, PEER_TERM_WAIT))
		return 0;
	/* Still there: it had its chance to say goodbye. */
	if (c->sudo) {
		argv = peer_end_argv(c, "KILL");
		(void)peer_run(argv, &why);
		free(why);
		argv_free(argv);
	} else
		(void)kill(pid, SIGKILL);
	if (peer_wait_gone(c, pid, PEER_KILL_WAIT))
		return 0;
	xasprintf(cause, "stale pppd %ld: still running", (long)pid);
	return -1;
}

int
peer_run(char *const *argv, char **cause)
{
	pid_t	pid;
	int	st, fd;

	(void)fflush(NULL);
	if ((pid = fork()) == -1) {
		xasprintf(cause, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if ((fd = open("/dev/null", O_RDONLY)) != -1 && fd != 0) {
			(void)dup2(fd, 0);
			(void)close(fd);
		}
		execv(argv[0], argv);
		dprintf(2, "vpn-peer: exec %s: %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, 0) == -1) {
		if (errno != EINTR) {
			xasprintf(cause, "wait %s: %s", argv[0],
			    strerror(errno));
			return -1;
		}
	}
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}
