/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * vpnctl doctor: every check that tells in advance why a first dial
 * would fail, one line each, "OK", "WARN" or "FAIL", with how to fix
 * it: the config, the identity, local pppd and PPP support, forwarding
 * and NAT for site-to-site links, routes that overlap the remote-nets,
 * then, over an SSH session with the link's own identity, the gateway:
 * reachable, host key known, key accepted, pppd there and sudo letting
 * the user run vpnd's exact commands without a password or a tty.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "doctor.h"
#include "farend.h"
#include "gw.h"
#include "quote.h"
#include "ssh.h"
#include "vis.h"
#include "vpnctl.h"
#include "xmalloc.h"

#define DR_OUT_MAX	(1024 * 1024)	/* bytes kept of a local command */

struct dr {
	const struct ctl_target	*t;
	const struct link_conf	*lc;	/* NULL: the config line */
	const char		*file;
	int			 nfail;
};

static void	dr_line(struct dr *, enum doctor_status, const char *fix,
		    const char *, ...) __attribute__((format(printf, 4, 5)));

/* One line: "STATUS  link NAME: what (fix)". */
static void
dr_line(struct dr *d, enum doctor_status st, const char *fix,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	if (st == DOCTOR_FAIL)
		d->nfail++;
	if (d->lc != NULL)
		printf("%-4s  link %s: %s", doctor_status_name(st),
		    d->lc->name, msg);
	else
		printf("%-4s  config %s: %s", doctor_status_name(st), d->file,
		    msg);
	if (fix != NULL)
		printf(" (%s)", fix);
	printf("\n");
	(void)fflush(stdout);
	free(msg);
}

/*
 * The first line of s, for a message, made safe to show (it may come
 * from the gateway); "" if none.
 */
static char *
first_line(const char *s)
{
	char	*line, *shown;

	while (*s == '\n' || *s == ' ')
		s++;
	line = xstrndup(s, strcspn(s, "\n"));
	shown = vis_str(line, strlen(line), 0);
	free(line);
	return shown;
}

/* ------------------------------------------------ local commands */

static const char *
dr_find(const char *name, char *buf, size_t len)
{
	static const char *const dirs[] = {
		"/usr/sbin", "/sbin", "/usr/bin", "/bin", NULL
	};
	size_t	i;

	for (i = 0; dirs[i] != NULL; i++) {
		(void)snprintf(buf, len, "%s/%s", dirs[i], name);
		if (access(buf, X_OK) == 0)
			return buf;
	}
	return NULL;
}

/*
 * Run argv (argv[0] absolute) with stdin from /dev/null; *out and *err
 * get its output (caller frees), the return value its exit status, or
 * -1 with *err set if it could not be run.
 */
static int
dr_run(char *const *argv, char **out, char **err)
{
	struct pollfd	 pfd[2];
	char		*buf[2];
	size_t		 len[2] = { 0, 0 };
	ssize_t		 n;
	pid_t		 pid;
	int		 po[2], pe[2], st, i, nopen = 2, fd;

	*out = *err = NULL;
	if (pipe2(po, O_CLOEXEC) == -1) {
		xasprintf(err, "pipe: %s", strerror(errno));
		return -1;
	}
	if (pipe2(pe, O_CLOEXEC) == -1) {
		xasprintf(err, "pipe: %s", strerror(errno));
		(void)close(po[0]);
		(void)close(po[1]);
		return -1;
	}
	if ((pid = fork()) == -1) {
		xasprintf(err, "fork: %s", strerror(errno));
		(void)close(po[0]);
		(void)close(po[1]);
		(void)close(pe[0]);
		(void)close(pe[1]);
		return -1;
	}
	if (pid == 0) {
		if ((fd = open("/dev/null", O_RDONLY)) == -1 ||
		    dup2(fd, 0) == -1 || dup2(po[1], 1) == -1 ||
		    dup2(pe[1], 2) == -1)
			_exit(127);
		closefrom(3);
		execv(argv[0], argv);
		_exit(127);
	}
	(void)close(po[1]);
	(void)close(pe[1]);
	pfd[0].fd = po[0];
	pfd[1].fd = pe[0];
	for (i = 0; i < 2; i++) {
		pfd[i].events = POLLIN;
		buf[i] = xmalloc(DR_OUT_MAX + 1);
	}
	while (nopen > 0) {
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < 2; i++) {
			char	 scratch[4096], *to;
			size_t	 room;

			if (pfd[i].fd == -1 || pfd[i].revents == 0)
				continue;
			/* Past the limit, read on and drop it. */
			room = DR_OUT_MAX - len[i];
			to = room > 0 ? buf[i] + len[i] : scratch;
			n = read(pfd[i].fd, to, room > 0 ? room :
			    sizeof(scratch));
			if (n == -1 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				(void)close(pfd[i].fd);
				pfd[i].fd = -1;
				nopen--;
			} else if (room > 0)
				len[i] += (size_t)n;
		}
	}
	for (i = 0; i < 2; i++) {
		if (pfd[i].fd != -1)
			(void)close(pfd[i].fd);
		buf[i][len[i]] = '\0';
	}
	*out = buf[0];
	*err = buf[1];
	while (waitpid(pid, &st, 0) == -1) {
		if (errno != EINTR) {
			free(*err);
			xasprintf(err, "waitpid: %s", strerror(errno));
			return -1;
		}
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ------------------------------------------------------ local checks */

static void
dr_identity(struct dr *d)
{
	const struct link_conf	*lc = d->lc;
	struct stat		 st;
	char			*pub = NULL, *cause = NULL, *fix, *type;

	if (stat(lc->identity, &st) == -1) {
		xasprintf(&fix, "ssh-keygen -t ed25519 -N '' -f %s",
		    lc->identity);
		dr_line(d, DOCTOR_FAIL, fix, "identity %s: %s", lc->identity,
		    strerror(errno));
		free(fix);
		return;
	}
	if ((st.st_mode & 077) != 0) {
		xasprintf(&fix, "chmod 600 %s", lc->identity);
		dr_line(d, DOCTOR_FAIL, fix, "identity %s: mode %04o: others "
		    "may read or change the private key", lc->identity,
		    (unsigned)(st.st_mode & 07777));
		free(fix);
		return;
	}
	if (doctor_pubkey(lc, &pub, &cause) == -1) {
		dr_line(d, DOCTOR_FAIL, NULL, "identity %s: %s", lc->identity,
		    cause);
		free(cause);
		return;
	}
	type = xstrndup(pub, strcspn(pub, " "));
	if (st.st_uid != geteuid())
		dr_line(d, DOCTOR_WARN, "chown it to the user vpnd runs as",
		    "identity %s: owned by uid %u, not %u", lc->identity,
		    (unsigned)st.st_uid, (unsigned)geteuid());
	else if (strcmp(type, "ssh-rsa") == 0)
		dr_line(d, DOCTOR_WARN, "use an ed25519 key: ssh-keygen -t "
		    "ed25519", "identity %s: an RSA key: libssh2 1.10 signs "
		    "only with ssh-rsa (SHA-1), which OpenSSH 8.8 and later "
		    "refuse by default", lc->identity);
	else
		dr_line(d, DOCTOR_OK, NULL, "identity %s: mode %04o, %s key",
		    lc->identity, (unsigned)(st.st_mode & 07777), type);
	free(type);
	free(pub);
}

/* Whether modules.dep or modules.builtin of release lists name.ko. */
static bool
dr_have_module(const char *release, const char *name)
{
	static const char *const files[] = {
		"modules.dep", "modules.builtin", NULL
	};
	FILE		*f;
	char		 path[512], want[128], *line = NULL, *colon;
	size_t		 size = 0, i;
	bool		 found = false;

	(void)snprintf(want, sizeof(want), "/%s.ko", name);
	for (i = 0; files[i] != NULL && !found; i++) {
		(void)snprintf(path, sizeof(path), "/lib/modules/%s/%s",
		    release, files[i]);
		if ((f = fopen(path, "re")) == NULL)
			continue;
		while (!found && getline(&line, &size, f) != -1) {
			/* "kernel/drivers/net/ppp/ppp_generic.ko[.xz]:" */
			if ((colon = strchr(line, ':')) != NULL)
				*colon = '\0';
			line[strcspn(line, "\n")] = '\0';
			if (strstr(line, want) != NULL)
				found = true;
		}
		(void)fclose(f);
	}
	free(line);
	return found;
}

static void
dr_local_ppp(struct dr *d)
{
	const struct link_conf	*lc = d->lc;
	struct utsname		 u;
	struct stat		 st;
	bool			 module = false;

	if (access(lc->pppd, X_OK) == 0)
		dr_line(d, DOCTOR_OK, NULL, "local pppd %s: installed",
		    lc->pppd);
	else
		dr_line(d, DOCTOR_FAIL, "install ppp: apt-get install ppp",
		    "local pppd %s: %s", lc->pppd, strerror(errno));

	if (stat("/dev/ppp", &st) == 0 && S_ISCHR(st.st_mode)) {
		dr_line(d, DOCTOR_OK, NULL, "ppp: /dev/ppp present");
		return;
	}
	if (access("/sys/module/ppp_generic", F_OK) == 0) {
		dr_line(d, DOCTOR_FAIL, "mknod -m 600 /dev/ppp c 108 0",
		    "ppp: ppp_generic is loaded but there is no /dev/ppp");
		return;
	}
	if (uname(&u) == 0)
		module = dr_have_module(u.release, "ppp_generic");
	if (module)
		dr_line(d, DOCTOR_WARN, "modprobe ppp_generic to be sure",
		    "ppp: no /dev/ppp yet; the ppp_generic module is there "
		    "and pppd creates the device");
	else
		dr_line(d, DOCTOR_FAIL, "use a kernel with CONFIG_PPP and "
		    "CONFIG_PPP_ASYNC", "ppp: no /dev/ppp and no ppp_generic "
		    "module for kernel %s", uname(&u) == 0 ? u.release : "?");
}

static void
dr_forwarding(struct dr *d)
{
	const struct link_conf	*lc = d->lc;
	const char		*files[2] = {
		"/proc/sys/net/ipv4/ip_forward",
		"/proc/sys/net/ipv6/conf/all/forwarding"
	};
	const char		*keys[2] = {
		"net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding"
	};
	char			 buf[16], *fix;
	size_t			 i, k;
	bool			 want[2] = { false, false };
	ssize_t			 n;
	int			 fd;

	for (i = 0; i < lc->local_nets.n; i++)
		want[lc->local_nets.v[i].prefix.family == AF_INET ? 0 : 1] =
		    true;
	for (i = 0; i < lc->remote_nets.n; i++)
		want[lc->remote_nets.v[i].prefix.family == AF_INET ? 0 : 1] =
		    true;
	for (k = 0; k < 2; k++) {
		if (!want[k])
			continue;
		n = -1;
		if ((fd = open(files[k], O_RDONLY | O_CLOEXEC)) != -1) {
			n = read(fd, buf, sizeof(buf) - 1);
			(void)close(fd);
		}
		if (n <= 0) {
			dr_line(d, DOCTOR_WARN, NULL, "forwarding: cannot read "
			    "%s", files[k]);
			continue;
		}
		buf[n] = '\0';
		if (buf[0] != '0') {
			dr_line(d, DOCTOR_OK, NULL, "forwarding: %s is on",
			    keys[k]);
			continue;
		}
		xasprintf(&fix, "sysctl -w %s=1, and set it in "
		    "/etc/sysctl.d/ to keep it", keys[k]);
		dr_line(d, DOCTOR_FAIL, fix, "forwarding: %s is off: this "
		    "site-to-site link will not route between local-net and "
		    "remote-net", keys[k]);
		free(fix);
	}
}

/* The fix for a NAT rule found in rule ("nft table F T chain C: ..."). */
static char *
dr_nat_fix(const char *rule, const struct prefix *net)
{
	char	 fam[32], table[64], chain[64], a[ADDR_STRLEN], *fix;
	bool	 v6 = net->family == AF_INET6;

	addr_format(net, a, sizeof(a));
	if (sscanf(rule, "nft table %31s %63s chain %63[^:]:", fam, table,
	    chain) == 3)
		xasprintf(&fix, "exempt it before that rule: nft insert rule "
		    "%s %s %s %s daddr %s accept", fam, table, chain,
		    v6 ? "ip6" : "ip", a);
	else
		xasprintf(&fix, "exempt it before that rule: iptables -t nat "
		    "-I POSTROUTING -d %s -j ACCEPT", a);
	return fix;
}

static void
dr_nat(struct dr *d)
{
	static const char *const tools[2][4] = {
		{ "nft", "list", "ruleset", NULL },
		{ "iptables-save", "-t", "nat", NULL }
	};
	enum doctor_status	 st, worst = DOCTOR_OK;
	struct prefix		 net;
	char			 path[256], *argv[4], *out, *err, *rule;
	char			*fix, *e, a[ADDR_STRLEN];
	int			 k, i, rc, ntools = 0;

	for (k = 0; k < 2; k++) {
		if (dr_find(tools[k][0], path, sizeof(path)) == NULL)
			continue;
		ntools++;
		argv[0] = path;
		for (i = 1; i < 4; i++)
			argv[i] = (char *)tools[k][i];
		if ((rc = dr_run(argv, &out, &err)) != 0) {
			e = first_line(err != NULL ? err : "");
			dr_line(d, DOCTOR_WARN, NULL, "masquerade: %s failed "
			    "(exit status %d): %s", path, rc, e);
			free(e);
			free(out);
			free(err);
			worst = DOCTOR_WARN;
			continue;
		}
		st = doctor_nat_check(out, k == 0 ? DOCTOR_NAT_NFT :
		    DOCTOR_NAT_IPTABLES, d->lc, &rule, &net);
		if (st != DOCTOR_OK) {
			fix = dr_nat_fix(rule, &net);
			dr_line(d, st, fix, "masquerade: %s traffic from the "
			    "local-nets to remote-net %s, no exemption before "
			    "it: %s", st == DOCTOR_FAIL ?
			    "source NAT rewrites" :
			    "a source NAT rule may rewrite",
			    addr_format(&net, a, sizeof(a)), rule);
			free(fix);
			free(rule);
			if (st > worst)
				worst = st;
		}
		free(out);
		free(err);
	}
	if (worst != DOCTOR_OK)
		return;
	if (ntools == 0)
		dr_line(d, DOCTOR_OK, NULL, "masquerade: neither nft nor "
		    "iptables-save is installed, no NAT rules to check");
	else
		dr_line(d, DOCTOR_OK, NULL, "masquerade: no source NAT rule "
		    "catches traffic from the local-nets to the remote-nets");
}

static void
dr_routes(struct dr *d)
{
	enum doctor_status	 st;
	struct prefix		 net;
	char			 path[256], *all, *out, *err, *route, *fix;
	char			*tmp, a[ADDR_STRLEN];
	const char		*fam[2] = { "-4", "-6" };
	int			 k;

	if (d->lc->remote_nets.n == 0)
		return;
	if (dr_find("ip", path, sizeof(path)) == NULL) {
		dr_line(d, DOCTOR_WARN, "install iproute2", "routes: no ip "
		    "command, routes not checked");
		return;
	}
	all = xstrdup("");
	for (k = 0; k < 2; k++) {
		char	*argv[] = { path, (char *)fam[k], (char *)"route",
		    (char *)"show", (char *)"table", (char *)"main", NULL };

		if (dr_run(argv, &out, &err) == 0) {
			xasprintf(&tmp, "%s%s\n", all, out);
			free(all);
			all = tmp;
		}
		free(out);
		free(err);
	}
	st = doctor_route_check(all, d->lc, &route, &net);
	free(all);
	addr_format(&net, a, sizeof(a));
	if (st == DOCTOR_FAIL) {
		xasprintf(&fix, "remove that route or change remote-net %s",
		    a);
		dr_line(d, st, fix, "routes: \"%s\" already routes (part of) "
		    "remote-net %s elsewhere", route, a);
		free(fix);
	} else if (st == DOCTOR_WARN) {
		dr_line(d, st, "the link's more specific route wins; make "
		    "sure that is meant", "routes: \"%s\" covers remote-net "
		    "%s", route, a);
	} else
		dr_line(d, DOCTOR_OK, NULL, "routes: no other route overlaps "
		    "the remote-nets");
	free(route);
}

/* ----------------------------------------------------- remote checks */

/* Run argv (joined, quoted) on the gateway; -1 if the session broke. */
static int
dr_remote(struct dr *d, struct gw *g, char *const *argv, char **out,
    char **err, int *status)
{
	char	*cmd, *cause = NULL;
	int	 r;

	cmd = sh_join(argv);
	r = gw_run(g, cmd, out, err, status, &cause);
	free(cmd);
	if (r == -1) {
		dr_line(d, DOCTOR_FAIL, NULL, "far end: %s", cause);
		free(cause);
	}
	return r;
}

/* "sudo -n" + "-l" + argv: may the user run argv? */
static char **
dr_sudo_list(const struct farend_cmd *p, bool with_argv)
{
	char	**v;
	size_t	  n = 0, i, ns, na = 0;

	for (ns = 0; p->sudo[ns] != NULL; ns++)
		/* nothing */;
	if (with_argv)
		for (na = 0; p->argv[na] != NULL; na++)
			/* nothing */;
	v = xcalloc(ns + na + 2, sizeof(*v));
	for (i = 0; i < ns; i++)
		v[n++] = p->sudo[i];
	v[n++] = (char *)"-l";
	for (i = 0; i < na; i++)
		v[n++] = p->argv[i];
	return v;
}

/* Check one privileged command; false if the session broke. */
static bool
dr_sudo_one(struct dr *d, struct gw *g, const struct farend_cmd *p,
    enum doctor_status bad, bool *failed)
{
	char	**v, *out, *err, *cmd, *e, *fix, *self;
	int	  status;

	v = dr_sudo_list(p, true);
	if (dr_remote(d, g, v, &out, &err, &status) == -1) {
		free(v);
		return false;
	}
	free(v);
	if (status != 0) {
		*failed = true;
		cmd = sh_join(p->argv);
		e = first_line(err);
		self = ctl_target_vpnctl(d->t, "setup");
		xasprintf(&fix, "add the sudoers lines that %s %s "
		    "prints", self, d->lc->name);
		dr_line(d, bad, fix, "far end: sudo does not let %s run \"%s\" "
		    "without a password: %s", d->lc->user, cmd,
		    *e != '\0' ? e : "not allowed");
		free(self);
		free(fix);
		free(e);
		free(cmd);
	}
	free(out);
	free(err);
	return true;
}

static void
dr_far_sudo(struct dr *d, struct gw *g, const struct farend_cmds *ps)
{
	const struct farend_cmd	*p;
	char			**v, *out, *err, *fix, *e;
	int			  status;
	size_t			  i, nroute = 0;
	bool			  failed, route_failed = false;

	if (ps->n == 0)
		return;
	/* sudo there at all, and requiretty? */
	v = dr_sudo_list(&ps->v[0], false);
	if (dr_remote(d, g, v, &out, &err, &status) == -1) {
		free(v);
		return;
	}
	free(v);
	if (status == 127) {
		e = first_line(err);
		dr_line(d, DOCTOR_FAIL, "install sudo on the gateway",
		    "far end: %s not found: %s", ps->v[0].sudo[0], e);
		free(e);
		free(out);
		free(err);
		return;
	}
	if (strstr(err, "must have a tty") != NULL ||
	    doctor_sudo_requiretty(out)) {
		xasprintf(&fix, "add to sudoers on the gateway: Defaults:%s "
		    "!requiretty", d->lc->user);
		dr_line(d, DOCTOR_FAIL, fix, "far end: sudo wants a tty "
		    "(requiretty) for %s, and vpnd runs without one",
		    d->lc->user);
		free(fix);
		free(out);
		free(err);
		return;
	}
	free(out);
	free(err);

	for (i = 0; i < ps->n; i++) {
		p = &ps->v[i];
		failed = false;
		if (strcmp(p->what, "route") == 0) {
			if (route_failed)
				continue;
			nroute++;
			if (!dr_sudo_one(d, g, p, DOCTOR_FAIL, &route_failed))
				return;
			continue;
		}
		if (!dr_sudo_one(d, g, p, strcmp(p->what, "clean") == 0 ?
		    DOCTOR_WARN : DOCTOR_FAIL, &failed))
			return;
		if (failed)
			continue;
		if (strcmp(p->what, "pppd") == 0)
			dr_line(d, DOCTOR_OK, NULL, "far end: sudo lets %s run "
			    "pppd with this link's options, no password, no "
			    "tty", d->lc->user);
		else
			dr_line(d, DOCTOR_OK, NULL, "far end: sudo lets %s end "
			    "a stale pppd with \"%s\"", d->lc->user,
			    p->rule);
	}
	if (nroute > 0 && !route_failed)
		dr_line(d, DOCTOR_OK, NULL, "far end: sudo lets %s add and "
		    "remove the routes of the %zu local-net(s)", d->lc->user,
		    d->lc->local_nets.n);
}

/*
 * Is path installed at the far end: executable by the login user, or,
 * when a privilege prefix runs it (root), a file (Debian's pppd is
 * 4754 root:dip)?  -1 if the session broke.
 */
static int
dr_far_installed(struct dr *d, struct gw *g, const char *path, bool as_root,
    enum doctor_status bad, const char *fix)
{
	char	*argv[4], *test, *q, *out, *err;
	int	 status;

	q = sh_quote(path);
	xasprintf(&test, "%s %s", path[0] != '/' ? "command -v" :
	    as_root ? "test -f" : "test -x", q);
	free(q);
	argv[0] = (char *)"sh";
	argv[1] = (char *)"-c";
	argv[2] = test;
	argv[3] = NULL;
	if (dr_remote(d, g, argv, &out, &err, &status) == -1) {
		free(test);
		return -1;
	}
	free(test);
	if (status == 0)
		dr_line(d, DOCTOR_OK, NULL, "far end: %s is installed", path);
	else
		dr_line(d, bad, fix, "far end: no executable %s", path);
	free(out);
	free(err);
	return 0;
}

static void
dr_far_end(struct dr *d, struct gw *g)
{
	const struct link_conf	*lc = d->lc;
	struct farend		 fe;
	struct farend_cmds	 cmds;
	char			*out, *err, *e, *fix, *self;
	char			*argv[2];
	bool			 root;
	int			 status;

	self = ctl_target_vpnctl(d->t, "setup");
	if (lc->vpn_peer) {
		argv[0] = (char *)"version";
		argv[1] = NULL;
		if (dr_remote(d, g, argv, &out, &err, &status) == -1)
			goto out;
		e = first_line(*out != '\0' ? out : err);
		xasprintf(&fix, "use the authorized_keys line that %s %s "
		    "prints", self, lc->name);
		if (status == 0 && strncmp(out, "vpn-peer ", 9) == 0 &&
		    atoi(out + 9) == 1)
			dr_line(d, DOCTOR_OK, NULL, "far end: the key runs "
			    "vpn-peer (protocol 1)");
		else if (strncmp(out, "vpn-peer ", 9) == 0)
			dr_line(d, DOCTOR_FAIL, "install the same pppssh "
			    "version on both ends", "far end: vpn-peer speaks "
			    "another protocol: %s", e);
		else
			dr_line(d, DOCTOR_FAIL, fix, "far end: the key is not "
			    "forced to run vpn-peer (\"version\" gave: %s)",
			    *e != '\0' ? e : "nothing");
		free(fix);
		free(e);
		free(out);
		free(err);
		goto out;
	}

	/* What channel 1 runs there: pppd, and pkill for a stale one. */
	farend_init(&fe, lc);
	root = fe.ppp_via.via != FAREND_DIRECT;
	if (dr_far_installed(d, g, fe.pp.remote_prefix[fe.ppp_via.n], root,
	    DOCTOR_FAIL, "install ppp on the gateway: apt-get install ppp") ==
	    -1 || dr_far_installed(d, g, FAREND_PKILL, root, DOCTOR_WARN,
	    "install procps on the gateway, or a stale pppd there is not "
	    "ended: apt-get install procps") == -1)
		goto out;

	farend_sudo_cmds(&fe, &cmds);
	if (fe.ppp_via.via == FAREND_DIRECT && strcmp(lc->user, "root") != 0)
		dr_line(d, DOCTOR_WARN, "put sudo -n before pppd in "
		    "remote-command, or log in as root", "far end: %s is not "
		    "root and remote-command does not use sudo", lc->user);
	if (cmds.other)
		dr_line(d, DOCTOR_WARN, NULL, "far end: a privilege command "
		    "other than sudo is not checked");
	dr_far_sudo(d, g, &cmds);
	farend_cmds_free(&cmds);
out:
	free(self);
}

static void
dr_gateway(struct dr *d)
{
	const struct link_conf	*lc = d->lc;
	const struct conf_host	*h;
	struct gw		*g;
	const char		*stage;
	char			*cause = NULL, *type, *fp, *fix, *self;
	char			*setup;
	size_t			 i, nreach = 0;
	bool			 done = false;

	self = ctl_target_vpnctl(d->t, "trust");
	setup = ctl_target_vpnctl(d->t, "setup");
	for (i = 0; i < lc->hosts.n; i++) {
		h = &lc->hosts.v[i];
		if ((g = gw_open(h->name, h->port, lc->connect_timeout, &stage,
		    &cause)) == NULL) {
			if (strcmp(stage, "connect") == 0)
				dr_line(d, lc->hosts.n > 1 ? DOCTOR_WARN :
				    DOCTOR_FAIL, "check the address, the port, "
				    "a firewall, and that sshd runs there",
				    "gateway %s port %d: unreachable: %s",
				    h->name, h->port, cause);
			else {
				nreach++;
				dr_line(d, DOCTOR_FAIL, NULL, "gateway %s port "
				    "%d: %s", h->name, h->port, cause);
			}
			free(cause);
			continue;
		}
		nreach++;
		dr_line(d, DOCTOR_OK, NULL, "gateway %s port %d: reachable, "
		    "ssh at %s", h->name, h->port, gw_addr(g));

		type = fp = NULL;
		if (ssh_hostkey(gw_ssh(g), h->name, h->port, &type, &fp,
		    NULL, &cause) == -1) {
			type = xstrdup("?");
			fp = xstrdup("?");
		}
		free(cause);
		cause = NULL;
		if (ssh_check_hostkey(gw_ssh(g), lc->known_hosts, h->name,
		    h->port, &cause) == SSH_OK) {
			dr_line(d, DOCTOR_OK, NULL, "host key of %s port %d: "
			    "%s %s, known in %s", h->name, h->port, type, fp,
			    lc->known_hosts);
		} else if (strstr(cause, "is unknown") != NULL) {
			xasprintf(&fix, "compare it with the gateway's "
			    "ssh-keygen -lf %s, then run: %s %s --yes",
			    ctl_hostkey_file(type), self,
			    lc->name);
			dr_line(d, DOCTOR_FAIL, fix, "host key of %s port %d: "
			    "%s %s is unknown: not in %s", h->name, h->port,
			    type, fp, lc->known_hosts);
			free(fix);
		} else {
			dr_line(d, DOCTOR_FAIL, NULL, "host key of %s port %d: "
			    "%s", h->name, h->port, cause);
		}
		free(type);
		free(fp);
		if (cause != NULL || done) {
			free(cause);
			cause = NULL;
			gw_close(g);
			continue;
		}
		if (gw_auth(g, lc->user, lc->identity, &cause) == -1) {
			xasprintf(&fix, "put the authorized_keys line that %s "
			    "%s prints in ~%s/.ssh/authorized_keys on the "
			    "gateway", setup, lc->name, lc->user);
			dr_line(d, DOCTOR_FAIL, fix, "auth as %s: %s", lc->user,
			    cause);
			free(fix);
			free(cause);
			cause = NULL;
			gw_close(g);
			continue;
		}
		dr_line(d, DOCTOR_OK, NULL, "auth as %s with %s: accepted",
		    lc->user, lc->identity);
		dr_far_end(d, g);
		done = true;
		gw_close(g);
	}
	if (nreach == 0 && lc->hosts.n > 1)
		dr_line(d, DOCTOR_FAIL, NULL, "gateway: none of the %zu hosts "
		    "answered", lc->hosts.n);
	free(setup);
	free(self);
}

/* ---------------------------------------------------------- command */

static void
dr_config_errors(struct dr *d, const char *errors)
{
	char	*copy, *s, *line, *fix;

	copy = xstrdup(errors);
	for (s = copy; (line = strsep(&s, "\n")) != NULL;) {
		if (*line == '\0')
			continue;
		if ((fix = doctor_config_fix(line)) == NULL)
			fix = xstrdup("see vpn.conf(5); vpnd -t checks the "
			    "file");
		dr_line(d, DOCTOR_FAIL, fix, "%s", line);
		free(fix);
	}
	free(copy);
}

int
ctl_doctor(struct vpnctl *v, int argc, char **argv)
{
	struct ctl_target	 t;
	struct dr		 d;
	struct conf		*c;
	char			*cause = NULL;
	size_t			 i;

	(void)v;
	if (ctl_target_args(argc, argv, false, &t) == -1) {
		fprintf(stderr, "usage: vpnctl doctor [-f file] [name]\n");
		return VPNCTL_USAGE;
	}
	memset(&d, 0, sizeof(d));
	d.t = &t;
	d.file = ctl_target_file(&t);
	if ((c = conf_load(d.file, &cause)) == NULL) {
		dr_config_errors(&d, cause);
		free(cause);
		return VPNCTL_FAILED;
	}
	if (t.name != NULL && conf_link_find(c, t.name) == NULL) {
		fprintf(stderr, "vpnctl: %s: no link %s\n", d.file, t.name);
		conf_free(c);
		return VPNCTL_USAGE;
	}
	dr_line(&d, DOCTOR_OK, NULL, "valid, %zu link%s", c->nlinks,
	    c->nlinks == 1 ? "" : "s");
	if (ssh_lib_init(&cause) == -1) {
		fprintf(stderr, "vpnctl: %s\n", cause);
		free(cause);
		conf_free(c);
		return VPNCTL_FAILED;
	}
	for (i = 0; i < c->nlinks; i++) {
		d.lc = c->links[i];
		if (t.name != NULL && strcmp(d.lc->name, t.name) != 0)
			continue;
		dr_identity(&d);
		dr_local_ppp(&d);
		if (d.lc->local_nets.n > 0) {
			dr_forwarding(&d);
			dr_nat(&d);
		}
		dr_routes(&d);
		dr_gateway(&d);
	}
	conf_free(c);
	ssh_lib_exit();
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "vpnctl: stdout: %s\n", strerror(errno));
		return VPNCTL_FAILED;
	}
	return d.nfail > 0 ? VPNCTL_FAILED : VPNCTL_OK;
}
