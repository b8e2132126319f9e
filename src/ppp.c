/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Both pppd command lines and the local pppd's process.  The local pppd
 * is exec'd directly (no shell) on the slave of a pty we allocate; the
 * remote one is a shell command line run over SSH, each word quoted by
 * sh_quote(), so no value from the config can become shell syntax.
 * Options are checked against pppd(8) of ppp 2.4.9 (Debian 12), and the
 * extra ones a config or vpn-peer adds against an allowlist
 * (ppp_options_check()).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "argv.h"
#include "log.h"
#include "ppp.h"
#include "quote.h"
#include "xmalloc.h"

/* Longest interface name the kernel takes (IFNAMSIZ - 1). */
#define PPP_IFNAME_MAX		15
#define PPP_LINKNAME_MAX	64

#ifndef nitems
#define nitems(a)		(sizeof(a) / sizeof((a)[0]))
#endif

/* What the child reports over the status pipe when it cannot exec. */
enum ppp_stage {
	PPP_STAGE_FDS,
	PPP_STAGE_SETSID,
	PPP_STAGE_CTTY,
	PPP_STAGE_SIGNALS,
	PPP_STAGE_EXEC
};

struct ppp_status {
	int	stage;
	int	error;
};

static void	ppp_add_link_options(struct argv *,
		    const struct ppp_params *, const char *, const char *,
		    const char *);
static int	ppp_check_name(const char *, const char *, size_t, char **);
static int	ppp_check_ip(const char *, const char *, char **);
static int	ppp_check_words(const char *, char *const *, bool, char **);
static bool	ppp_arg_ok(int, const char *);
static const char *ppp_arg_name(int);
static int	ppp_fd_flags(int, bool, char **, const char *);
static void	ppp_child(char **, int, int, int) __attribute__((noreturn));
static void	ppp_child_fail(int, int, int) __attribute__((noreturn));
static const char *ppp_stage_name(int);

/*
 * Options both ends get.  Debian's /etc/ppp/options (read before the
 * command line, which wins) says "auth crtscts lock modem"; a gateway
 * may say anything, so everything that matters is stated here:
 *
 * nodetach	stay in the foreground: vpnd (or sshd) watches the process.
 * noauth	the peer was authenticated by SSH (host key, user key);
 *		PPP authentication would add nothing.  Privileged: root
 *		runs the local pppd, sudo or vpn-peer the remote one.
 * local	a pty has no modem control lines; "modem" would wait for CD.
 * nolock	the pty is ours alone: no UUCP lock, no need for /run/lock.
 * nocrtscts	a pty has no RTS/CTS.
 * nodefaultroute  routes are vpnd's job, from its config, nothing more.
 * logfd 2	pppd's messages go to its stderr (a pipe locally, the
 *		channel's stderr remotely) to be logged by vpnd; pppd's
 *		default, stdout, is the PPP stream itself on both ends.
 * ifname	the interface is named after the link, so routes can name it
 *		and a stale session's ppp0/ppp1 shuffle cannot happen.
 * A:B		fixed addresses; pppd refuses others offered by the peer.
 * lcp-echo-interval/-failure  pppd detects a dead peer by itself; the
 *		remote pppd needs this too or it lingers after the session
 *		dies.  pppd 2.4.9 then exits with status 16.
 * lcp-echo-adaptive  no LCP echo in an interval that brought a packet in:
 *		vpnd's in-tunnel ICMP echo (rtt.c) crosses both units every
 *		keepalive interval, so an idle link costs one round trip an
 *		interval, not three; when it stops (vpnd gone, tunnel dead)
 *		the LCP echoes resume and pppd still finds a dead peer.
 * lcp-restart 1	resend an unanswered Configure- or Terminate-Request
 *		after 1 s instead of 3.
 * lcp-max-terminate 1	one Terminate-Request, then exit: a dead link is
 *		not waited on (measured: exit ~5 s after a blackhole with
 *		echo 1/3).
 * noccp	(compression off) no Deflate/BSD-Compress: measured 20-50 %
 *		throughput lost on incompressible traffic.
 * mtu/mru	both directions the same size when set.
 *
 * Left out on purpose: persist, maxfail, holdoff (vpnd re-dials with its
 * own backoff; without persist pppd exits after one attempt); asyncmap
 * (its default is 0 in pppd 2.4.9: the path is 8-bit clean, nothing
 * needs escaping); defaultroute, proxyarp (not ours to change);
 * usepeerdns unless the link takes the far end's servers, and then
 * with its variables unset for the scripts (ppp_local_argv()); noipdefault (the addresses are given); silent, passive (both
 * ends start at once; early bytes wait in the pty and the channel).
 */
static void
ppp_add_link_options(struct argv *w, const struct ppp_params *p,
    const char *ifname, const char *ours, const char *theirs)
{
	argv_add(w, "noauth");
	argv_add(w, "local");
	argv_add(w, "nolock");
	argv_add(w, "nocrtscts");
	argv_add(w, "nodefaultroute");
	argv_add(w, "logfd");
	argv_add(w, "2");
	argv_add(w, "ifname");
	argv_add(w, ifname);
	argv_addf(w, "%s:%s", ours, theirs);
	argv_add(w, "lcp-echo-interval");
	argv_addf(w, "%d", p->lcp_echo_interval);
	argv_add(w, "lcp-echo-failure");
	argv_addf(w, "%d", p->lcp_echo_failure);
	argv_add(w, "lcp-echo-adaptive");
	argv_add(w, "lcp-restart");
	argv_add(w, "1");
	argv_add(w, "lcp-max-terminate");
	argv_add(w, "1");
	if (!p->compression)
		argv_add(w, "noccp");
	if (p->ipv6)
		argv_add(w, "+ipv6");
	if (p->mtu != 0) {
		argv_add(w, "mtu");
		argv_addf(w, "%d", p->mtu);
		argv_add(w, "mru");
		argv_addf(w, "%d", p->mtu);
	}
}

/* What pppd tells its scripts of the peer's name servers. */
static const char *const ppp_dns_env[] = { "USEPEERDNS", "DNS1", "DNS2" };

char **
ppp_local_argv(const struct ppp_params *p)
{
	struct argv	w = { NULL, 0 };
	size_t		i;

	argv_add(&w, p->local_pppd);
	/* No device named: pppd uses the tty on its stdin. */
	argv_add(&w, "nodetach");
	ppp_add_link_options(&w, p, p->local_ifname, p->local_ip,
	    p->remote_ip);
	/*
	 * The servers are vpnd's to apply (dnsapply.h): pppd logs them and
	 * still writes its own /etc/ppp/resolv.conf, but its ip-up and
	 * ip-down scripts see neither USEPEERDNS, which Debian's
	 * ip-up.d/0000usepeerdns tests before it rewrites /etc/resolv.conf,
	 * nor DNS1 and DNS2, which openresolv's ip-up.d/000resolvconf
	 * hands to "resolvconf -a" under the interface's name (its
	 * ip-down.d deletes that name: vpnd's record is another,
	 * DNSAPPLY_RECORD_SUFFIX).  pppd unsets them right before it execs
	 * a script.
	 */
	if (p->peer_dns) {
		argv_add(&w, "usepeerdns");
		for (i = 0; i < nitems(ppp_dns_env); i++) {
			argv_add(&w, "unset");
			argv_add(&w, ppp_dns_env[i]);
		}
	}
	/*
	 * No linkname here: vpnd knows its child's pid, and with both ends
	 * on one host (the tests) they would share /run/ppp-NAME.pid.
	 */
	argv_addv(&w, p->local_extra);
	return w.v;
}

char **
ppp_remote_argv(const struct ppp_params *p)
{
	struct argv	 w = { NULL, 0 };
	size_t		 i;

	argv_addv(&w, p->remote_prefix);
	argv_add(&w, "nodetach");
	/*
	 * On pipes, pppd needs notty: it makes a pty of its own and forks a
	 * process that copies every byte between the two.  On sshd's pty it
	 * runs on it as on a serial line (its log then goes to syslog only:
	 * pppd never logs to its own tty).
	 */
	if (!p->remote_tty)
		argv_add(&w, "notty");
	ppp_add_link_options(&w, p, p->remote_ifname, p->remote_ip,
	    p->local_ip);
	for (i = 0; p->remote_dns != NULL && p->remote_dns[i] != NULL; i++) {
		argv_add(&w, "ms-dns");
		argv_add(&w, p->remote_dns[i]);
	}
	/* /run/ppp-NAME.pid on the gateway: how a stale pppd is found. */
	if (p->linkname != NULL) {
		argv_add(&w, "linkname");
		argv_add(&w, p->linkname);
	}
	argv_addv(&w, p->remote_extra);
	return w.v;
}

char *
ppp_remote_command(const struct ppp_params *p)
{
	char	**argv, *cmd;

	argv = ppp_remote_argv(p);
	cmd = sh_join(argv);
	argv_free(argv);
	return cmd;
}

char **
ppp_remote_route_argv(const struct ppp_params *p, const char *verb,
    const char *net, const char *ifname)
{
	struct argv	 w = { NULL, 0 };

	if (strcmp(verb, "replace") != 0 && strcmp(verb, "del") != 0)
		fatalx("%s: bad verb %s", __func__, verb);
	if (p->remote_ip_prefix == NULL || p->remote_ip_prefix[0] == NULL)
		fatalx("%s: no remote ip command", __func__);
	argv_addv(&w, p->remote_ip_prefix);
	if (strchr(net, ':') != NULL)
		argv_add(&w, "-6");
	argv_add(&w, "route");
	argv_add(&w, verb);
	argv_add(&w, net);
	argv_add(&w, "dev");
	argv_add(&w, ifname);
	return w.v;
}

char *
ppp_remote_route_command(const struct ppp_params *p, const char *verb,
    const char *net, const char *ifname)
{
	char	**argv, *cmd;

	argv = ppp_remote_route_argv(p, verb, net, ifname);
	cmd = sh_join(argv);
	argv_free(argv);
	return cmd;
}

char *
ppp_remote_pidfile(const struct ppp_params *p)
{
	char	*path;

	if (p->linkname == NULL)
		fatalx("%s: no linkname", __func__);
	xasprintf(&path, "%s/ppp-%s.pid", p->remote_rundir != NULL ?
	    p->remote_rundir : PPP_RUNDIR, p->linkname);
	return path;
}

char **
ppp_remote_end_argv(const struct ppp_params *p, const char *sig)
{
	struct argv	 w = { NULL, 0 };
	char		*path;

	if (p->remote_pkill_prefix == NULL ||
	    p->remote_pkill_prefix[0] == NULL)
		fatalx("%s: no remote pkill command", __func__);
	path = ppp_remote_pidfile(p);
	argv_addv(&w, p->remote_pkill_prefix);
	argv_addf(&w, "-%s", sig);
	argv_add(&w, "-F");
	argv_add(&w, path);
	free(path);
	argv_add(&w, "-x");
	argv_add(&w, "pppd");
	return w.v;
}

/*
 * Interface and link names: letters, digits, '.', '-', '_', starting
 * with a letter or digit (no option look-alike, no path).
 */
static int
ppp_check_name(const char *what, const char *name, size_t max, char **cause)
{
	const char	*s;
	size_t		 len;

	if (name == NULL) {
		xasprintf(cause, "%s: missing", what);
		return -1;
	}
	len = strlen(name);
	if (len == 0 || len > max)
		goto bad;
	for (s = name; *s != '\0'; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9'))
			continue;
		if (s == name || strchr(".-_", *s) == NULL)
			goto bad;
	}
	return 0;
bad:
	xasprintf(cause, "%s: \"%s\" is not 1-%zu letters, digits, '.', '-' "
	    "or '_' starting with a letter or digit", what, name, max);
	return -1;
}

static int
ppp_check_ip(const char *what, const char *ip, char **cause)
{
	struct in_addr	in;

	if (ip == NULL) {
		xasprintf(cause, "%s: missing", what);
		return -1;
	}
	if (inet_pton(AF_INET, ip, &in) != 1) {
		xasprintf(cause, "%s: \"%s\" is not an IPv4 address", what, ip);
		return -1;
	}
	return 0;
}

static int
ppp_check_words(const char *what, char *const *words, bool required,
    char **cause)
{
	if (words == NULL || words[0] == NULL) {
		if (!required)
			return 0;
		xasprintf(cause, "%s: missing", what);
		return -1;
	}
	if (words[0][0] == '\0') {
		xasprintf(cause, "%s: empty command name", what);
		return -1;
	}
	return 0;
}


/* ------------------------------------------------- extra pppd options */

/* What an allowed option takes after it. */
enum ppp_arg {
	PPP_ARG_NONE,
	PPP_ARG_INT,		/* decimal, 0-999999999 */
	PPP_ARG_HEX,		/* asyncmap: [0x]1-8 hex digits */
	PPP_ARG_IP4,		/* an IPv4 address */
	PPP_ARG_COMP,		/* bsdcomp, deflate: N or N,N */
	PPP_ARG_IFID		/* ipv6: [LOCAL],[REMOTE] identifiers */
};

/*
 * The pppd options a pppd-options line, remote-pppd-options or
 * vpn-peer's --pppd-option may carry (vpn.conf(5) and vpn-peer(8) list
 * them): what tunes LCP, IPCP, IPV6CP, compression, sizes and logging
 * of a link over a pty.  Nothing else reaches pppd, and so nothing that
 * runs a program, loads code, writes a file, names a device or a
 * socket, or undoes what ppp_add_link_options() states: those are
 * refused by not being here.
 */
static const struct {
	const char	*name;
	enum ppp_arg	 arg;
} ppp_allowed[] = {
	{ "+ipv6", PPP_ARG_NONE },
	{ "asyncmap", PPP_ARG_HEX },
	{ "bsdcomp", PPP_ARG_COMP },
	{ "debug", PPP_ARG_NONE },
	{ "default-asyncmap", PPP_ARG_NONE },
	{ "default-mru", PPP_ARG_NONE },
	{ "deflate", PPP_ARG_COMP },
	{ "ipcp-accept-local", PPP_ARG_NONE },
	{ "ipcp-accept-remote", PPP_ARG_NONE },
	{ "ipcp-max-configure", PPP_ARG_INT },
	{ "ipcp-max-failure", PPP_ARG_INT },
	{ "ipcp-max-terminate", PPP_ARG_INT },
	{ "ipcp-restart", PPP_ARG_INT },
	{ "ipv6", PPP_ARG_IFID },
	{ "ipv6cp-accept-local", PPP_ARG_NONE },
	{ "ipv6cp-accept-remote", PPP_ARG_NONE },
	{ "ipv6cp-max-configure", PPP_ARG_INT },
	{ "ipv6cp-max-failure", PPP_ARG_INT },
	{ "ipv6cp-max-terminate", PPP_ARG_INT },
	{ "ipv6cp-restart", PPP_ARG_INT },
	{ "kdebug", PPP_ARG_INT },
	{ "lcp-echo-adaptive", PPP_ARG_NONE },
	{ "lcp-echo-failure", PPP_ARG_INT },
	{ "lcp-echo-interval", PPP_ARG_INT },
	{ "lcp-max-configure", PPP_ARG_INT },
	{ "lcp-max-failure", PPP_ARG_INT },
	{ "lcp-max-terminate", PPP_ARG_INT },
	{ "lcp-restart", PPP_ARG_INT },
	{ "ms-dns", PPP_ARG_IP4 },
	{ "ms-wins", PPP_ARG_IP4 },
	{ "mru", PPP_ARG_INT },
	{ "mtu", PPP_ARG_INT },
	{ "noaccomp", PPP_ARG_NONE },
	{ "nobsdcomp", PPP_ARG_NONE },
	{ "noccp", PPP_ARG_NONE },
	{ "nodeflate", PPP_ARG_NONE },
	{ "nopcomp", PPP_ARG_NONE },
	{ "nopredictor1", PPP_ARG_NONE },
	{ "novj", PPP_ARG_NONE },
	{ "novjccomp", PPP_ARG_NONE },
	{ "vj-max-slots", PPP_ARG_INT },
};

/* Is v a value of type arg, as pppd would read it? */
static bool
ppp_arg_ok(int arg, const char *v)
{
	struct in_addr	 in;
	const char	*c;
	size_t		 n, commas = 0;

	n = strlen(v);
	switch (arg) {
	case PPP_ARG_NONE:
		break;
	case PPP_ARG_INT:
		return n >= 1 && n <= 9 && strspn(v, "0123456789") == n;
	case PPP_ARG_HEX:
		if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X'))
			v += 2;
		n = strlen(v);
		return n >= 1 && n <= 8 &&
		    strspn(v, "0123456789abcdefABCDEF") == n;
	case PPP_ARG_IP4:
		return inet_pton(AF_INET, v, &in) == 1;
	case PPP_ARG_COMP:
		c = v + strspn(v, "0123456789");
		if (c == v || c - v > 2)
			return false;
		if (*c == '\0')
			return true;
		if (*c++ != ',')
			return false;
		n = strspn(c, "0123456789");
		return n >= 1 && n <= 2 && c[n] == '\0';
	case PPP_ARG_IFID:
		/* Two identifiers of up to 39 characters, one comma. */
		for (c = v; *c != '\0'; c++)
			if (*c == ',')
				commas++;
		return commas == 1 && n >= 2 && n <= 79 &&
		    strspn(v, "0123456789abcdefABCDEF:,") == n;
	}
	return false;
}

static const char *
ppp_arg_name(int arg)
{
	switch (arg) {
	case PPP_ARG_NONE:
		break;
	case PPP_ARG_INT:
		return "a number";
	case PPP_ARG_HEX:
		return "a hexadecimal map of up to 8 digits";
	case PPP_ARG_IP4:
		return "an IPv4 address";
	case PPP_ARG_COMP:
		return "a code size, or two as N,N";
	case PPP_ARG_IFID:
		return "LOCAL,REMOTE interface identifiers";
	}
	return "nothing";
}

const char *
ppp_option_allowed(size_t i)
{
	return i < nitems(ppp_allowed) ? ppp_allowed[i].name : NULL;
}

int
ppp_options_check(char *const *words, size_t n, char **cause)
{
	size_t	i, k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < nitems(ppp_allowed); k++)
			if (strcmp(words[i], ppp_allowed[k].name) == 0)
				break;
		if (k == nitems(ppp_allowed)) {
			xasprintf(cause, "%s is refused: not one of the pppd "
			    "options pppssh allows (see vpn.conf(5))", words[i]);
			return -1;
		}
		if (ppp_allowed[k].arg == PPP_ARG_NONE)
			continue;
		if (++i == n) {
			xasprintf(cause, "%s: its value is missing (%s)",
			    words[i - 1], ppp_arg_name(ppp_allowed[k].arg));
			return -1;
		}
		if (!ppp_arg_ok(ppp_allowed[k].arg, words[i])) {
			xasprintf(cause, "%s %s: the value is not %s",
			    words[i - 1], words[i],
			    ppp_arg_name(ppp_allowed[k].arg));
			return -1;
		}
	}
	return 0;
}

int
ppp_params_check(const struct ppp_params *p, char **cause)
{
	size_t	i;

	if (p->local_pppd == NULL || p->local_pppd[0] != '/') {
		xasprintf(cause, "local pppd: \"%s\" is not an absolute path",
		    p->local_pppd == NULL ? "" : p->local_pppd);
		return -1;
	}
	if (ppp_check_name("local interface", p->local_ifname,
	    PPP_IFNAME_MAX, cause) == -1)
		return -1;
	if (ppp_check_name("remote interface", p->remote_ifname,
	    PPP_IFNAME_MAX, cause) == -1)
		return -1;
	if (ppp_check_ip("local ip", p->local_ip, cause) == -1)
		return -1;
	if (ppp_check_ip("remote ip", p->remote_ip, cause) == -1)
		return -1;
	if (strcmp(p->local_ip, p->remote_ip) == 0) {
		xasprintf(cause, "local ip and remote ip are both %s",
		    p->local_ip);
		return -1;
	}
	if (p->lcp_echo_interval < 1 ||
	    p->lcp_echo_interval > PPP_ECHO_INTERVAL_MAX) {
		xasprintf(cause, "lcp echo interval: %d is not in 1-%d",
		    p->lcp_echo_interval, PPP_ECHO_INTERVAL_MAX);
		return -1;
	}
	if (p->lcp_echo_failure < 1 ||
	    p->lcp_echo_failure > PPP_ECHO_FAILURE_MAX) {
		xasprintf(cause, "lcp echo failure: %d is not in 1-%d",
		    p->lcp_echo_failure, PPP_ECHO_FAILURE_MAX);
		return -1;
	}
	if (p->mtu != 0 && (p->mtu < PPP_MTU_MIN || p->mtu > PPP_MTU_MAX)) {
		xasprintf(cause, "mtu: %d is not in %d-%d", p->mtu,
		    PPP_MTU_MIN, PPP_MTU_MAX);
		return -1;
	}
	if (p->linkname != NULL && ppp_check_name("link name", p->linkname,
	    PPP_LINKNAME_MAX, cause) == -1)
		return -1;
	if (ppp_check_words("remote pppd command", p->remote_prefix, true,
	    cause) == -1)
		return -1;
	if (ppp_check_words("remote ip command", p->remote_ip_prefix, true,
	    cause) == -1)
		return -1;
	for (i = 0; p->remote_dns != NULL && p->remote_dns[i] != NULL; i++) {
		if (i == PPP_DNS_MAX) {
			xasprintf(cause, "remote dns: more than %d servers "
			    "(IPCP carries a primary and a secondary)",
			    PPP_DNS_MAX);
			return -1;
		}
		if (ppp_check_ip("remote dns", p->remote_dns[i], cause) == -1)
			return -1;
	}
	return 0;
}

int
ppp_dns_line(const char *line, struct in_addr *out)
{
	static const char *const which[] = { "primary", "secondary" };
	const char	*s;
	char		 addr[INET_ADDRSTRLEN];
	size_t		 i, len;

	for (i = 0; i < PPP_DNS_MAX; i++) {
		len = strlen(which[i]);
		if (strncmp(line, which[i], len) == 0)
			break;
	}
	if (i == PPP_DNS_MAX || line[len] != ' ')
		return 0;
	for (s = line + len; *s == ' '; s++)
		;
	if (strncmp(s, "DNS address ", 12) != 0)
		return 0;
	for (s += 12; *s == ' '; s++)
		;
	len = strcspn(s, " ");
	if (len == 0 || len >= sizeof(addr) || s[len + strspn(s + len, " ")]
	    != '\0')
		return 0;
	memcpy(addr, s, len);
	addr[len] = '\0';
	if (inet_pton(AF_INET, addr, out) != 1)
		return 0;
	return (int)i + 1;
}

static int
ppp_fd_flags(int fd, bool nonblock, char **cause, const char *what)
{
	int	fl;

	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		goto fail;
	if (!nonblock)
		return 0;
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		goto fail;
	return 0;
fail:
	xasprintf(cause, "%s: fcntl: %s", what, strerror(errno));
	return -1;
}

static const char *
ppp_stage_name(int stage)
{
	switch (stage) {
	case PPP_STAGE_FDS:
		return "moving fds";
	case PPP_STAGE_SETSID:
		return "setsid";
	case PPP_STAGE_CTTY:
		return "TIOCSCTTY";
	case PPP_STAGE_SIGNALS:
		return "sigprocmask";
	}
	return "exec";
}

/* In the child: tell the parent why, and go. */
static void
ppp_child_fail(int statusfd, int stage, int error)
{
	struct ppp_status	st;
	ssize_t			n;

	memset(&st, 0, sizeof(st));
	st.stage = stage;
	st.error = error;
	do
		n = write(statusfd, &st, sizeof(st));
	while (n == -1 && errno == EINTR);
	_exit(127);
}

/*
 * In the child, between fork() and exec(): only async-signal-safe
 * calls.  Every fd but 0, 1, 2 and the status pipe (close-on-exec) is
 * closed; the status pipe stays silent unless something fails.
 */
static void
ppp_child(char **argv, int slave, int errw, int statusw)
{
	struct sigaction	sa;
	sigset_t		none;
	int			s, e, st, signo;

	/* Lift all three above 3 so that no dup2() below clobbers one. */
	if ((st = fcntl(statusw, F_DUPFD_CLOEXEC, 4)) == -1)
		ppp_child_fail(statusw, PPP_STAGE_FDS, errno);
	if ((s = fcntl(slave, F_DUPFD_CLOEXEC, 4)) == -1 ||
	    (e = fcntl(errw, F_DUPFD_CLOEXEC, 4)) == -1)
		ppp_child_fail(st, PPP_STAGE_FDS, errno);

	if (setsid() == -1)
		ppp_child_fail(st, PPP_STAGE_SETSID, errno);
	if (ioctl(s, TIOCSCTTY, 0) == -1)
		ppp_child_fail(st, PPP_STAGE_CTTY, errno);
	if (dup2(s, 0) == -1 || dup2(s, 1) == -1 || dup2(e, 2) == -1)
		ppp_child_fail(st, PPP_STAGE_FDS, errno);
	if (st != 3) {
		if (dup3(st, 3, O_CLOEXEC) == -1)
			ppp_child_fail(st, PPP_STAGE_FDS, errno);
		st = 3;
	}
	closefrom(4);

	/*
	 * vpnd keeps its signals blocked outside ppoll() and has handlers
	 * (reset by exec) and maybe ignored signals (not reset by exec).
	 * Dispositions first, so a signal already pending for us acts
	 * normally once unblocked.  sigaction() fails for SIGKILL, SIGSTOP
	 * and the signals libc reserves: nothing to reset there.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (signo = 1; signo < NSIG; signo++)
		(void)sigaction(signo, &sa, NULL);
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) == -1)
		ppp_child_fail(st, PPP_STAGE_SIGNALS, errno);

	execv(argv[0], argv);
	ppp_child_fail(st, PPP_STAGE_EXEC, errno);
}

int
ppp_spawn(const struct ppp_params *p, struct ppp_child *out, char **cause)
{
	struct ppp_status	  st;
	struct termios		  tio;
	char			**argv = NULL;
	int			  master = -1, slave = -1;
	int			  errp[2] = { -1, -1 };
	int			  statp[2] = { -1, -1 };
	int			  r = -1, status;
	pid_t			  pid;
	ssize_t			  n;

	if (ppp_params_check(p, cause) == -1)
		return -1;
	argv = ppp_local_argv(p);

	if (openpty(&master, &slave, NULL, NULL, NULL) == -1) {
		xasprintf(cause, "openpty: %s", strerror(errno));
		goto out;
	}
	if (ppp_fd_flags(master, true, cause, "pty master") == -1 ||
	    ppp_fd_flags(slave, false, cause, "pty slave") == -1)
		goto out;
	/* pppd sets its own modes; raw until then, and for anything else. */
	if (tcgetattr(slave, &tio) == -1) {
		xasprintf(cause, "pty slave: tcgetattr: %s", strerror(errno));
		goto out;
	}
	cfmakeraw(&tio);
	/* cfmakeraw() leaves these: no XON/XOFF from the tty either. */
	tio.c_iflag &= ~(IXOFF | IXANY);
	if (tcsetattr(slave, TCSANOW, &tio) == -1) {
		xasprintf(cause, "pty slave: tcsetattr: %s", strerror(errno));
		goto out;
	}
	if (pipe2(errp, O_CLOEXEC) == -1 || pipe2(statp, O_CLOEXEC) == -1) {
		xasprintf(cause, "pipe: %s", strerror(errno));
		goto out;
	}
	if (ppp_fd_flags(errp[0], true, cause, "pppd stderr pipe") == -1)
		goto out;

	if ((pid = fork()) == -1) {
		xasprintf(cause, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0)
		ppp_child(argv, slave, errp[1], statp[1]);

	(void)close(slave);
	slave = -1;
	(void)close(errp[1]);
	errp[1] = -1;
	(void)close(statp[1]);
	statp[1] = -1;

	/* EOF: exec succeeded and closed the pipe.  Data: it failed. */
	do
		n = read(statp[0], &st, sizeof(st));
	while (n == -1 && errno == EINTR);
	if (n != 0) {
		if (n == -1)
			xasprintf(cause, "exec %s: reading status: %s",
			    argv[0], strerror(errno));
		else if (n != sizeof(st))
			xasprintf(cause, "exec %s: short status", argv[0]);
		else if (st.stage == PPP_STAGE_EXEC)
			xasprintf(cause, "exec %s: %s", argv[0],
			    strerror(st.error));
		else
			xasprintf(cause, "exec %s: %s: %s", argv[0],
			    ppp_stage_name(st.stage), strerror(st.error));
		/* The child has _exit()ed or is about to: reap it now. */
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			continue;
		goto out;
	}

	out->pid = pid;
	out->master = master;
	out->errfd = errp[0];
	master = errp[0] = -1;
	r = 0;
out:
	if (master != -1)
		(void)close(master);
	if (slave != -1)
		(void)close(slave);
	if (errp[0] != -1)
		(void)close(errp[0]);
	if (errp[1] != -1)
		(void)close(errp[1]);
	if (statp[0] != -1)
		(void)close(statp[0]);
	if (statp[1] != -1)
		(void)close(statp[1]);
	argv_free(argv);
	return r;
}

/* pppd(8), EXIT STATUS. */
const char *
ppp_exit_reason(int code)
{
	static const char *const why[] = {
		[1] = "fatal error",
		[2] = "error in the options",
		[3] = "not setuid root",
		[4] = "the kernel has no PPP support",
		[5] = "terminated by a signal",
		[6] = "could not lock the serial port",
		[7] = "could not open the serial port",
		[8] = "connect script failed",
		[9] = "pty command failed",
		[10] = "PPP negotiation failed",
		[11] = "peer failed to authenticate",
		[12] = "link idle",
		[13] = "connect time limit",
		[14] = "callback",
		[15] = "peer not responding to LCP echo",
		[16] = "hangup",
		[17] = "loopback detected",
		[18] = "init script failed",
		[19] = "failed to authenticate to the peer",
	};

	if (code > 0 && (size_t)code < sizeof(why) / sizeof(why[0]))
		return why[code];
	return "unknown status";
}
