/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The far end of a link: every command and request vpnd sends to the
 * gateway, and the sudoers rules for the privileged ones, from the same
 * argv builders (ppp.c for a pppd link, peer.c for vpn-peer).  Every
 * word that reaches the gateway's shell goes through sh_quote().  See
 * farend.h.
 */
#include "config.h"

#include <sys/types.h>

#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "argv.h"
#include "conf.h"
#include "farend.h"
#include "log.h"
#include "peer.h"
#include "ppp.h"
#include "quote.h"
#include "xmalloc.h"

/* Waiting for a stale pppd to go: 30 x 0.1 s. */
#define FAREND_STALE_TICKS	30

static int	farend_option(struct farend_prefix *, const char *,
		    char *const *, size_t *, char **);
static void	farend_peer_conf(const struct farend *, struct peer_conf *);
static void	farend_peer_request(const struct farend *, enum peer_verb,
		    bool, struct peer_request *);
static char	**farend_route_argv(const struct farend *, bool,
		    const struct prefix *);
static void	farend_cmd_add(struct farend_cmds *, const char *,
		    const struct farend_prefix *, char **);
static void	farend_peer_cmds(const struct farend *, struct farend_cmds *);
static char	*farend_pppd_run(const struct farend *, const char *, bool);

/* ------------------------------------------------------------ prefix */

/*
 * One option word of a sudo or doas prefix at v[*i]: a long one (sudo
 * only) or a cluster of letters, the last of which may be -u with its
 * value attached or in the next word.  Advances *i past what it took.
 */
static int
farend_option(struct farend_prefix *fp, const char *name,
    char *const *v, size_t *i, char **cause)
{
	const char	*w = v[*i], *p, *user = NULL;
	const char	*flags = fp->via == FAREND_SUDO ? "nHP" : "n";
	const char	*allowed = fp->via == FAREND_SUDO ?
	    "-n, -H, -P and -u USER" : "-n and -u USER";

	if (fp->via == FAREND_SUDO && w[1] == '-') {
		if (strcmp(w, "--non-interactive") == 0 ||
		    strcmp(w, "--set-home") == 0 ||
		    strcmp(w, "--preserve-groups") == 0)
			return 0;
		if (strncmp(w, "--user=", 7) == 0)
			user = w + 7;
		else if (strcmp(w, "--user") == 0)
			user = v[++*i];
		else
			goto bad;
	} else {
		if (w[1] == '\0')
			goto bad;
		for (p = w + 1; *p != '\0'; p++) {
			if (strchr(flags, *p) != NULL)
				continue;
			if (*p != 'u')
				goto bad;
			user = p[1] != '\0' ? p + 1 : v[++*i];
			break;
		}
		if (*p != 'u')
			return 0;
	}
	if (user == NULL || *user == '\0' ||
	    strspn(user, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-") != strlen(user) || *user == '-') {
		xasprintf(cause, "%s -u: \"%s\" is not a user name", name,
		    user == NULL ? "" : user);
		return -1;
	}
	fp->runas = user;	/* the last -u wins, as in sudo and doas */
	return 0;
bad:
	xasprintf(cause, "%s option %s is not supported (%s are)", name, w,
	    allowed);
	return -1;
}

int
farend_prefix(char *const *v, struct farend_prefix *fp, char **cause)
{
	const char	*name;
	size_t		 i;

	memset(fp, 0, sizeof(*fp));
	fp->via = FAREND_DIRECT;
	if (v == NULL || v[0] == NULL)
		return 0;
	name = strrchr(v[0], '/');
	name = name != NULL ? name + 1 : v[0];
	if (strcmp(name, "sudo") == 0)
		fp->via = FAREND_SUDO;
	else if (strcmp(name, "doas") == 0)
		fp->via = FAREND_DOAS;
	else
		return 0;
	fp->runas = "root";
	for (i = 1; v[i] != NULL && v[i][0] == '-'; i++) {
		if (strcmp(v[i], "--") == 0) {
			i++;
			break;
		}
		if (farend_option(fp, name, v, &i, cause) == -1)
			goto fail;
	}
	if (v[i] == NULL) {
		xasprintf(cause, "%s: no command after it", name);
		goto fail;
	}
	if (v[i][0] != '/') {
		xasprintf(cause, "%s runs \"%s\": not an absolute path "
		    "(sudoers and doas.conf name commands by path)", name,
		    v[i]);
		goto fail;
	}
	fp->n = i;
	return 0;
fail:
	memset(fp, 0, sizeof(*fp));
	return -1;
}

/* ------------------------------------------------------------ params */

/* IPV6CP at both ends when a net routed either way is IPv6. */
static bool
farend_ipv6(const struct link_conf *lc)
{
	size_t	i;

	for (i = 0; i < lc->remote_nets.n; i++)
		if (lc->remote_nets.v[i].prefix.family == AF_INET6)
			return true;
	for (i = 0; i < lc->local_nets.n; i++)
		if (lc->local_nets.v[i].prefix.family == AF_INET6)
			return true;
	return false;
}

void
farend_init(struct farend *fe, const struct link_conf *lc)
{
	struct ppp_params	*pp = &fe->pp;
	char			*cause = NULL;
	size_t			 i;

	memset(fe, 0, sizeof(*fe));
	fe->lc = lc;
	fe->sysnet = "/sys/class/net";
	fe->if_wait_ticks = FAREND_IF_WAIT_TICKS;
	if (!lc->vpn_peer &&
	    (farend_prefix(lc->remote_command.v, &fe->ppp_via, &cause) == -1 ||
	    farend_prefix(lc->remote_ip_command.v, &fe->ip_via,
	    &cause) == -1))
		fatalx("link %s: %s (conf_load() let it through)", lc->name,
		    cause);
	(void)addr_ntop(&lc->local_ip, fe->local_ip, sizeof(fe->local_ip));
	(void)addr_ntop(&lc->remote_ip, fe->remote_ip, sizeof(fe->remote_ip));
	for (i = 0; i < fe->ppp_via.n; i++)
		fe->pkill[i] = lc->remote_command.v[i];
	fe->pkill[i] = (char *)FAREND_PKILL;

	pp->local_pppd = lc->pppd;
	pp->local_ifname = lc->ifname;
	pp->remote_ifname = lc->remote_ifname;
	pp->local_ip = fe->local_ip;
	pp->remote_ip = fe->remote_ip;
	pp->lcp_echo_interval = lc->keepalive.interval;
	pp->lcp_echo_failure = lc->keepalive.misses;
	pp->mtu = lc->mtu > 0 ? lc->mtu : 0;
	pp->compression = lc->compression;
	pp->ipv6 = farend_ipv6(lc);
	pp->peer_dns = lc->dns;
	/* Through vpn-peer, its own pppd options decide (K_NOT_PEER). */
	pp->remote_dns = lc->remote_dns.n == 0 ? NULL : lc->remote_dns.v;
	pp->linkname = lc->remote_ifname;
	pp->local_extra = lc->pppd_options.v;
	pp->remote_prefix = lc->remote_command.v;
	pp->remote_extra = lc->remote_pppd_options.v;
	pp->remote_ip_prefix = lc->remote_ip_command.v;
	pp->remote_pkill_prefix = fe->pkill;
}

/* What vpn-peer is told in authorized_keys (farend_authorized_keys()). */
static void
farend_peer_conf(const struct farend *fe, struct peer_conf *pc)
{
	const struct link_conf	*lc = fe->lc;
	size_t			 i;

	peer_conf_init(pc);
	pc->ip = fe->remote_ip;
	pc->peer = fe->local_ip;
	pc->ifname = lc->remote_ifname;
	pc->sudo = strcmp(lc->user, "root") != 0;
	/* conf_load() refused more nets, and repeats. */
	for (i = 0; i < lc->local_nets.n && i < PEER_NETS_MAX; i++)
		pc->nets[pc->nnets++] = lc->local_nets.v[i].prefix;
}

/* The request vpnd sends vpn-peer: pppd, or route for every local-net. */
static void
farend_peer_request(const struct farend *fe, enum peer_verb verb, bool del,
    struct peer_request *r)
{
	const struct link_conf	*lc = fe->lc;
	size_t			 i;

	memset(r, 0, sizeof(*r));
	r->verb = verb;
	r->lcp_echo_interval = fe->pp.lcp_echo_interval;
	r->lcp_echo_failure = fe->pp.lcp_echo_failure;
	r->mtu = fe->pp.mtu;
	r->compression = fe->pp.compression;
	r->ipv6 = fe->pp.ipv6;
	r->route_del = del;
	for (i = 0; i < lc->local_nets.n && i < PEER_NETS_MAX; i++)
		r->nets[r->nnets++] = lc->local_nets.v[i].prefix;
}

/* ---------------------------------------------------------- commands */

static char **
farend_route_argv(const struct farend *fe, bool del, const struct prefix *net)
{
	char	a[ADDR_STRLEN];

	addr_format(net, a, sizeof(a));
	return ppp_remote_route_argv(&fe->pp, del ? "del" : "replace", a,
	    fe->lc->remote_ifname);
}

/* Channel 1's shell command for a pppd link: on a pty or on pipes. */
static char *
farend_pppd_command(const struct farend *fe, bool tty)
{
	struct ppp_params	 pp = fe->pp;
	char			**argv, *end, *ppp, *path, *pidf, *ifp;
	char			*text, *note, *cmd, *run;

	argv = ppp_remote_end_argv(&fe->pp, "TERM");
	end = sh_join(argv);
	argv_free(argv);
	pp.remote_tty = tty;
	ppp = ppp_remote_command(&pp);
	path = ppp_remote_pidfile(&fe->pp);
	pidf = sh_quote(path);
	xasprintf(&text, "ended a stale pppd (%s)", path);
	note = sh_quote(text);
	free(text);
	free(path);
	xasprintf(&path, "/sys/class/net/%s", fe->pp.remote_ifname);
	ifp = sh_quote(path);
	free(path);
	run = farend_pppd_run(fe, ppp, tty);
	/*
	 * pkill exits 1 when the file names no pppd (one killed by SIGKILL
	 * leaves it behind); pppd removes it when it exits.
	 */
	xasprintf(&cmd,
	    "if [ -e %s ] && %s; then echo %s >&2; n=0; "
	    "while { [ -e %s ] || [ -e %s ]; } && [ $n -lt %d ]; do "
	    "sleep 0.1; n=$((n+1)); done; fi; %s",
	    pidf, end, note, pidf, ifp, FAREND_STALE_TICKS, run);
	free(run);
	free(pidf);
	free(ifp);
	free(note);
	free(end);
	free(ppp);
	return cmd;
}

/*
 * How channel 1's shell runs pppd (the command line ppp): exec it when
 * the link has no local-net; else pppd's stderr goes through a read
 * loop that passes every line on to the channel's stderr and, at
 * pppd's "remote IP address" (ipcp_up() logs it once the interface has
 * its addresses and is up), puts the routes in with
 * farend_route_command() and says how that went on a line of its own
 * (farend_routes_line()), after what the commands said on stderr: the
 * far end's routes need no second channel and no round trip after the
 * link is up, and no fork but the commands'.  pppd's stdout stays the
 * channel's (fd 3 carries it past the pipe), and its exit status is
 * the shell's, handed over on the pipe.  Every line is the shell's
 * text but the two commands, which are sh_join()ed argvs.
 *
 * Not on a pty (tty): there sshd sends stderr with stdout, and the
 * report would land in the PPP stream, past the text vpnd reads as
 * stderr (ssh_chan_pty()); such a link puts its far routes in over
 * channel 2, opened while PPP negotiates, whose command waits for a
 * word from vpnd and the far interface (farend_route_command_wait();
 * link.c, routejob.c).
 */
static char *
farend_pppd_run(const struct farend *fe, const char *ppp, bool tty)
{
	char	*routes, *run;

	if (tty || (routes = farend_route_command(fe, false)) == NULL) {
		xasprintf(&run, "exec %s", ppp);
		return run;
	}
	xasprintf(&run,
	    "{ { %s 2>&1 >&3 3>&-; echo \"" FAREND_EXIT_TAG "$?\"; } | "
	    "{ while IFS= read -r l; do case $l in "
	    "'" FAREND_EXIT_TAG "'*) exit \"${l#" FAREND_EXIT_TAG "}\";; "
	    "esac; printf '%%s\\n' \"$l\"; case $l in "
	    "'remote IP address '*) if { %s; } </dev/null; "
	    "then echo '" FAREND_ROUTES_TAG "ok'; "
	    "else echo \"" FAREND_ROUTES_TAG "exit $?\"; "
	    "fi;; esac; done; exit 1; } >&2 3>&-; } 3>&1",
	    ppp, routes);
	free(routes);
	return run;
}

int
farend_routes_line(const char *line, int *status, const char **err)
{
	const char	*p;
	char		*end;
	long		 v;

	if (strncmp(line, FAREND_ROUTES_TAG, strlen(FAREND_ROUTES_TAG)) != 0)
		return 0;
	p = line + strlen(FAREND_ROUTES_TAG);
	*err = "";
	if (strcmp(p, "ok") == 0) {
		*status = 0;
		return 1;
	}
	if (strncmp(p, "exit ", 5) != 0)
		return 0;
	v = strtol(p + 5, &end, 10);
	if (end == p + 5 || v < 1 || v > 255 || *end != '\0')
		return 0;
	*status = (int)v;
	return 1;
}

bool
farend_routes_inline(const struct farend *fe)
{
	return !fe->lc->vpn_peer && fe->lc->local_nets.n > 0;
}

char *
farend_ppp_command(const struct farend *fe)
{
	struct peer_request	 r;

	if (fe->lc->vpn_peer) {
		farend_peer_request(fe, PEER_PPPD, false, &r);
		return peer_request_format(&r);
	}
	return farend_pppd_command(fe, false);
}

char *
farend_ppp_command_tty(const struct farend *fe)
{
	const char	*prog, *slash;

	/*
	 * Only pppd itself, run directly: sudo's rules name the notty
	 * command line, and its use_pty (Debian's default) would put a pty
	 * and a copying process of its own in between again; vpn-peer
	 * execs the notty one; another program may not speak PPP (whose
	 * first byte ends the text that comes before it, see
	 * ssh_chan_pty()).
	 */
	if (fe->lc->vpn_peer || fe->ppp_via.via != FAREND_DIRECT ||
	    fe->pp.remote_prefix == NULL || fe->pp.remote_prefix[0] == NULL ||
	    fe->pp.remote_prefix[1] != NULL)
		return NULL;
	prog = fe->pp.remote_prefix[0];
	slash = strrchr(prog, '/');
	if (strcmp(slash != NULL ? slash + 1 : prog, "pppd") != 0)
		return NULL;
	return farend_pppd_command(fe, true);
}

char *
farend_route_command(const struct farend *fe, bool del)
{
	const struct conf_nets	*nets = &fe->lc->local_nets;
	struct peer_request	 r;
	char			 a[ADDR_STRLEN], *all = NULL, *one, *tmp;
	size_t			 i;

	if (nets->n == 0)
		return NULL;
	if (fe->lc->vpn_peer) {
		farend_peer_request(fe, PEER_ROUTE, del, &r);
		return peer_request_format(&r);
	}
	for (i = 0; i < nets->n; i++) {
		addr_format(&nets->v[i].prefix, a, sizeof(a));
		one = ppp_remote_route_command(&fe->pp, del ? "del" : "replace",
		    a, fe->lc->remote_ifname);
		if (all == NULL) {
			all = one;
			continue;
		}
		/* Removal goes on past a failure; adding stops at one. */
		xasprintf(&tmp, "%s %s %s", all, del ? ";" : "&&", one);
		free(all);
		free(one);
		all = tmp;
	}
	return all;
}

char *
farend_route_command_wait(const struct farend *fe)
{
	char	*routes, *path, *flags, *text, *note, *cmd;

	if (!farend_routes_inline(fe) ||
	    (routes = farend_route_command(fe, false)) == NULL)
		return NULL;
	xasprintf(&path, "%s/%s/flags", fe->sysnet, fe->pp.remote_ifname);
	flags = sh_quote(path);
	free(path);
	xasprintf(&text, "interface %s not up %d s after vpnd's",
	    fe->pp.remote_ifname, (fe->if_wait_ticks + 19) / 20);
	note = sh_quote(text);
	free(text);
	/*
	 * IFF_UP is bit 0 of the hex flags: an odd last digit.  read and
	 * case are builtins: nothing forks while it waits for the word,
	 * and sleep only if the interface is not up by then.
	 */
	xasprintf(&cmd,
	    "read -r w && [ \"$w\" = " FAREND_GO " ] || exit 1; "
	    "n=0; until { read -r f <%s; } 2>/dev/null && "
	    "case $f in *[13579bdfBDF]) true;; *) false;; esac; do "
	    "if [ $n -ge %d ]; then echo %s >&2; exit 1; fi; "
	    "sleep 0.05; n=$((n+1)); done; %s",
	    flags, fe->if_wait_ticks, note, routes);
	free(flags);
	free(note);
	free(routes);
	return cmd;
}

char *
farend_authorized_keys(const struct farend *fe, const char *pubkey)
{
	struct peer_conf	 pc;
	char			 n[ADDR_STRLEN], *cmd, *tmp, *line;
	size_t			 i;

	if (!fe->lc->vpn_peer) {
		/* pppd run directly goes on a pty (farend_ppp_command_tty()). */
		if ((cmd = farend_ppp_command_tty(fe)) != NULL) {
			free(cmd);
			xasprintf(&line, "restrict,pty %s", pubkey);
		} else
			xasprintf(&line, "restrict %s", pubkey);
		return line;
	}
	farend_peer_conf(fe, &pc);
	xasprintf(&cmd, "%s/vpn-peer --ip %s --peer %s", VPN_SBINDIR, pc.ip,
	    pc.peer);
	for (i = 0; i < pc.nnets; i++) {
		xasprintf(&tmp, "%s --net %s", cmd,
		    addr_format(&pc.nets[i], n, sizeof(n)));
		free(cmd);
		cmd = tmp;
	}
	xasprintf(&line, "restrict,command=\"%s --ifname %s%s\" %s", cmd,
	    pc.ifname, pc.sudo ? " --sudo" : "", pubkey);
	free(cmd);
	return line;
}

/* ------------------------------------------------------------- sudo */

/* A word for a sudoers Cmnd: the characters sudoers treats specially. */
static char *
farend_sudoers_word(const char *s)
{
	char	*out, *o;

	o = out = xmalloc(strlen(s) * 2 + 1);
	for (; *s != '\0'; s++) {
		if (strchr("\\,:=*?[]!", *s) != NULL)
			*o++ = '\\';
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

/* Add argv (taken), its first fp->n words being the sudo prefix. */
static void
farend_cmd_add(struct farend_cmds *cs, const char *what,
    const struct farend_prefix *fp, char **argv)
{
	struct farend_cmd	*c;
	struct argv		 s = { NULL, 0 }, a = { NULL, 0 };
	char			*rule = NULL, *w, *tmp;
	size_t			 i;

	for (i = 0; i < fp->n; i++)
		argv_add(&s, argv[i]);
	for (; argv[i] != NULL; i++) {
		argv_add(&a, argv[i]);
		w = farend_sudoers_word(argv[i]);
		if (rule == NULL)
			rule = w;
		else {
			xasprintf(&tmp, "%s %s", rule, w);
			free(rule);
			free(w);
			rule = tmp;
		}
	}
	argv_free(argv);
	cs->v = xreallocarray(cs->v, cs->n + 1, sizeof(*cs->v));
	c = &cs->v[cs->n++];
	c->what = what;
	c->runas = fp->runas;
	c->sudo = s.v;
	c->argv = a.v;
	c->rule = rule;
}

/*
 * What vpn-peer --sudo runs (a key that logs in as root runs it all
 * itself): the pppd of vpnd's request, the routes, and pkill -TERM,
 * then -KILL, of a stale pppd.
 */
static void
farend_peer_cmds(const struct farend *fe, struct farend_cmds *cs)
{
	static const struct farend_prefix sudo = { FAREND_SUDO, 2, "root" };
	struct peer_conf	 pc;
	struct peer_request	 r;
	size_t			 i;

	farend_peer_conf(fe, &pc);
	if (!pc.sudo)
		return;
	farend_peer_request(fe, PEER_PPPD, false, &r);
	farend_cmd_add(cs, "pppd", &sudo, peer_pppd_argv(&pc, &r));
	for (i = 0; i < pc.nnets; i++) {
		farend_cmd_add(cs, "route", &sudo,
		    peer_route_argv(&pc, false, &pc.nets[i]));
		farend_cmd_add(cs, "route", &sudo,
		    peer_route_argv(&pc, true, &pc.nets[i]));
	}
	farend_cmd_add(cs, "clean", &sudo, peer_end_argv(&pc, "TERM"));
	farend_cmd_add(cs, "clean", &sudo, peer_end_argv(&pc, "KILL"));
}

void
farend_sudo_cmds(const struct farend *fe, struct farend_cmds *cs)
{
	const struct conf_nets	*nets = &fe->lc->local_nets;
	size_t			 i;

	memset(cs, 0, sizeof(*cs));
	if (fe->lc->vpn_peer) {
		farend_peer_cmds(fe, cs);
		return;
	}
	cs->other = fe->ppp_via.via == FAREND_DOAS ||
	    fe->ip_via.via == FAREND_DOAS;
	if (fe->ppp_via.via == FAREND_SUDO)
		farend_cmd_add(cs, "pppd", &fe->ppp_via,
		    ppp_remote_argv(&fe->pp));
	if (fe->ip_via.via == FAREND_SUDO) {
		for (i = 0; i < nets->n; i++) {
			farend_cmd_add(cs, "route", &fe->ip_via,
			    farend_route_argv(fe, false, &nets->v[i].prefix));
			farend_cmd_add(cs, "route", &fe->ip_via,
			    farend_route_argv(fe, true, &nets->v[i].prefix));
		}
	}
	if (fe->ppp_via.via == FAREND_SUDO)
		farend_cmd_add(cs, "clean", &fe->ppp_via,
		    ppp_remote_end_argv(&fe->pp, "TERM"));
}

void
farend_cmds_free(struct farend_cmds *cs)
{
	size_t	i;

	for (i = 0; i < cs->n; i++) {
		argv_free(cs->v[i].sudo);
		argv_free(cs->v[i].argv);
		free(cs->v[i].rule);
	}
	free(cs->v);
	memset(cs, 0, sizeof(*cs));
}

char *
farend_sudoers(const struct farend *fe, const struct farend_cmds *cs)
{
	const char	*user = fe->lc->user, *runas = NULL;
	char		*out, *tmp;
	size_t		 i;

	if (cs->n == 0)
		return NULL;
	xasprintf(&out, "Defaults:%s !requiretty\n%s ALL=", user, user);
	for (i = 0; i < cs->n; i++) {
		/* A Runas_Spec holds for the commands after it. */
		if (runas == NULL || strcmp(runas, cs->v[i].runas) != 0) {
			xasprintf(&tmp, "%s%s(%s) %s%s", out,
			    i == 0 ? "" : ", \\\n    ", cs->v[i].runas,
			    i == 0 ? "NOPASSWD: " : "", cs->v[i].rule);
			runas = cs->v[i].runas;
		} else
			xasprintf(&tmp, "%s, \\\n    %s", out, cs->v[i].rule);
		free(out);
		out = tmp;
	}
	xasprintf(&tmp, "%s\n", out);
	free(out);
	return tmp;
}
