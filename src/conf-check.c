/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The checks of a parsed vpn.conf, once the defaults are in
 * (conf_validate()): files and their modes, required keywords, the
 * relations between one link's values (probe, prefixes, vpn-peer) and
 * between links (names, interfaces, overlapping remote-nets).
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "conf.h"
#include "conf-kw.h"
#include "farend.h"
#include "http.h"
#include "safepath.h"
#include "xmalloc.h"

static int	net_ref_cmp(const void *, const void *);
static void	conf_check_path(struct parse *, int, const char *,
		    const struct kw *, const char *, bool);
static void	conf_check_scope_paths(struct parse *, struct scope *);
static void	conf_validate_link(struct parse *, struct scope *);
static void	conf_validate_probe(struct parse *, struct scope *);
static void	conf_validate_prefix(struct parse *, struct scope *,
		    enum kw_id, const struct argv *);
static void	conf_validate_links(struct parse *);
static void	conf_validate_remote_nets(struct parse *);

/* --------------------------------------------------------- validation */

/*
 * Check a file named by kw: it exists, is a regular file, and is not
 * group or world writable (P_SECRET: not accessible at all); it and the
 * directories above it are root's (or vpnd's uid's) and nobody else
 * may write them.  prefix
 * ("link NAME: ") and dflt say where a default value came from.
 */
static void
conf_check_path(struct parse *p, int line, const char *prefix,
    const struct kw *kw, const char *path, bool dflt)
{
	struct stat	 st;
	const char	*d = dflt ? " (default)" : "";
	char		*why = NULL, *dir;
	int		 r;

	if ((kw->flags & (P_EXISTS | P_DIR)) == 0 || path == NULL)
		return;
	if (stat(path, &st) == -1) {
		perr(p, line, "%s%s: %s%s: %s", prefix, kw->name, path, d,
		    strerror(errno));
		return;
	}
	if ((kw->flags & P_DIR) && !S_ISDIR(st.st_mode)) {
		perr(p, line, "%s%s: %s%s: not a directory", prefix,
		    kw->name, path, d);
		return;
	}
	if ((kw->flags & P_DIR) == 0 && !S_ISREG(st.st_mode)) {
		perr(p, line, "%s%s: %s%s: not a regular file", prefix,
		    kw->name, path, d);
		return;
	}
	if ((kw->flags & P_SECRET) && (st.st_mode & 066) != 0) {
		perr(p, line, "%s%s: %s%s: group or world readable or "
		    "writable (mode %04o), refusing", prefix, kw->name, path,
		    d, (unsigned)(st.st_mode & 07777));
		return;
	}
	if ((st.st_mode & 022) != 0) {
		perr(p, line, "%s%s: %s%s: group or world writable (mode "
		    "%04o), refusing", prefix, kw->name, path, d,
		    (unsigned)(st.st_mode & 07777));
		return;
	}
	if ((kw->flags & P_EXEC) && (st.st_mode & 0111) == 0) {
		perr(p, line, "%s%s: %s%s: not executable", prefix, kw->name,
		    path, d);
		return;
	}
	/*
	 * Root runs it or trusts what it says: nobody else may own it or
	 * a directory above it, nor be able to write one (safepath.h).
	 */
	if (kw->flags & P_DIR) {
		/* The directory is the last one of the files in it. */
		xasprintf(&dir, "%s/.", path);
		r = safepath_check(dir, geteuid(), SAFEPATH_PARENTS, &why);
		free(dir);
	} else
		r = safepath_check(path, geteuid(), 0, &why);
	if (r == -1) {
		perr(p, line, "%s%s: %s%s: %s", prefix, kw->name, path, d,
		    why);
		free(why);
	}
}

/*
 * Check the files this scope itself wrote (inherited ones are not);
 * global-only keywords live in the struct conf.
 */
static void
conf_check_scope_paths(struct parse *p, struct scope *s)
{
	const struct kw	*kw;
	void		*base;
	size_t		 i;

	for (i = 0; i < K__COUNT; i++) {
		kw = &kw_table[i];
		if (kw->type != T_PATH || s->lines[i] == 0)
			continue;
		if (kw->scope == S_GLOBAL && s != &p->global)
			continue;
		base = kw->scope == S_GLOBAL ? (void *)p->conf : (void *)s->lc;
		conf_check_path(p, s->lines[i], "", kw,
		    *KW_VAL(char *, base, kw->off), false);
	}
}

/*
 * A probe in plain http must go to an address inside one of the link's
 * remote-nets: inside the tunnel nobody else can answer for it, outside
 * it the answer would prove nothing and could be forged.
 */
static void
conf_validate_probe(struct parse *p, struct scope *s)
{
	struct link_conf	*lc = s->lc;
	struct prefix		 a;
	char			*host = NULL, *query = NULL, *cause = NULL;
	char			*shown;
	size_t			 i;
	bool			 https, inside = false;

	shown = http_url_shown(lc->probe_url);
	if (http_url_split(lc->probe_url, &https, &host, &query,
	    &cause) == -1) {
		perr(p, s->lines[K_PROBE], "probe: %s: %s", shown, cause);
		free(cause);
		free(shown);
		return;
	}
	if (!https) {
		if (addr_parse(host, AF_UNSPEC, &a) == 0) {
			for (i = 0; i < lc->remote_nets.n; i++)
				if (addr_contains(&lc->remote_nets.v[i].prefix,
				    &a))
					inside = true;
		}
		if (!inside)
			perr(p, s->lines[K_PROBE], "probe: %s is plain http "
			    "to %s, not an address inside a remote-net of "
			    "link %s (use https://)", shown, host,
			    lc->name);
	}
	free(shown);
	free(host);
	free(query);
}

/*
 * A sudo or doas prefix of remote-command or remote-ip-command: only the
 * options farend.c understands, then an absolute command.
 */
static void
conf_validate_prefix(struct parse *p, struct scope *s, enum kw_id id,
    const struct argv *words)
{
	struct farend_prefix	 fp;
	char			*why = NULL;
	int			 line;

	if (farend_prefix(words->v, &fp, &why) == 0)
		return;
	line = s->lines[id] != 0 ? s->lines[id] : p->global.lines[id];
	perr(p, line != 0 ? line : s->lc->line, "%s: %s (link %s)",
	    kw_table[id].name, why, s->lc->name);
	free(why);
}

static void
conf_validate_link(struct parse *p, struct scope *s)
{
	struct link_conf	*lc = s->lc;
	const struct kw		*kw;
	const struct conf_net	*r, *l;
	char			 a[ADDR_STRLEN], b[ADDR_STRLEN];
	char			*prefix;
	size_t			 i, j;

	conf_check_scope_paths(p, s);

	/* Defaults nobody wrote: check once, at the first link using them. */
	xasprintf(&prefix, "link %s: ", lc->name);
	for (i = 0; i < K__COUNT; i++) {
		kw = &kw_table[i];
		if (kw->type != T_PATH || (kw->scope & S_LINK) == 0 ||
		    kw->def == NULL || kw_written(p, s, i) ||
		    p->checked_default[i])
			continue;
		p->checked_default[i] = true;
		conf_check_path(p, lc->line, prefix, kw,
		    *KW_VAL(char *, lc, kw->off), true);
	}
	free(prefix);

	for (i = 0; i < K__COUNT; i++) {
		if ((kw_table[i].flags & K_REQUIRED) && !kw_written(p, s, i))
			perr(p, lc->line, "link %s: %s is required", lc->name,
			    kw_table[i].name);
	}
	if (lc->ddns_url != NULL && lc->ddns_credentials == NULL &&
	    !kw_written(p, s, K_DDNS_CREDENTIALS))
		perr(p, s->lines[K_DDNS], "ddns: needs ddns-credentials "
		    "(a file holding USER:PASSWORD)");
	if (lc->probe_url != NULL)
		conf_validate_probe(p, s);
	if (lc->dns_domains.n > 0 && !lc->dns)
		perr(p, s->lines[K_DNS_DOMAINS], "dns-domains: not used "
		    "without dns yes (link %s)", lc->name);

	/* vpn-peer builds the far end's commands from its own arguments. */
	if (lc->vpn_peer) {
		/* Written in the link itself; a global value is for others. */
		for (i = 0; i < K__COUNT; i++) {
			if ((kw_table[i].flags & K_NOT_PEER) == 0 ||
			    s->lines[i] == 0)
				continue;
			perr(p, s->lines[i], "%s: not used with "
			    "remote-command vpn-peer (link %s): vpn-peer's own "
			    "arguments decide that", kw_table[i].name,
			    lc->name);
		}
		if (lc->local_nets.n > CONF_PEER_MAX_NETS)
			perr(p, lc->line, "link %s: vpn-peer takes at most %d "
			    "local-net prefixes", lc->name,
			    CONF_PEER_MAX_NETS);
	} else {
		/* The far end's commands are built around the prefix. */
		conf_validate_prefix(p, s, K_REMOTE_COMMAND,
		    &lc->remote_command);
		conf_validate_prefix(p, s, K_REMOTE_IP_COMMAND,
		    &lc->remote_ip_command);
	}

	if (lc->local_ip.family != AF_UNSPEC &&
	    addr_equal(&lc->local_ip, &lc->remote_ip))
		perr(p, s->lines[K_REMOTE_IP], "remote-ip: %s is also the "
		    "local-ip", addr_ntop(&lc->remote_ip, a, sizeof(a)));

	for (i = 0; i < lc->remote_nets.n; i++) {
		r = &lc->remote_nets.v[i];
		for (j = 0; j < lc->local_nets.n; j++) {
			l = &lc->local_nets.v[j];
			if (!addr_overlap(&r->prefix, &l->prefix))
				continue;
			addr_format(&r->prefix, a, sizeof(a));
			addr_format(&l->prefix, b, sizeof(b));
			if (r->line >= l->line)
				perr(p, r->line, "remote-net: %s overlaps "
				    "local-net %s (line %d)", a, b, l->line);
			else
				perr(p, l->line, "local-net: %s overlaps "
				    "remote-net %s (line %d)", b, a, r->line);
		}
	}
}

/* Relations between links: interface names and remote addresses. */
static void
conf_validate_links(struct parse *p)
{
	struct scope		*si, *sj;
	struct link_conf	*li, *lj;
	char			 a[ADDR_STRLEN];
	size_t			 i, j;

	for (j = 0; j < p->nlinks; j++) {
		sj = p->links[j];
		lj = sj->lc;
		if (sj->bad)
			continue;
		for (i = 0; i < j; i++) {
			si = p->links[i];
			li = si->lc;
			if (si->bad)
				continue;
			if (li->ifname != NULL && lj->ifname != NULL &&
			    strcmp(li->ifname, lj->ifname) == 0) {
				if (sj->lines[K_IFNAME] != 0)
					perr(p, sj->lines[K_IFNAME], "ifname: "
					    "%s is already used by link %s",
					    lj->ifname, li->name);
				else
					perr(p, lj->line, "link %s: ifname %s "
					    "(default) is already used by link "
					    "%s", lj->name, lj->ifname,
					    li->name);
			}
			if (li->remote_ip.family != AF_UNSPEC &&
			    addr_equal(&li->remote_ip, &lj->remote_ip))
				perr(p, sj->lines[K_REMOTE_IP], "remote-ip: %s "
				    "is already the remote-ip of link %s",
				    addr_ntop(&lj->remote_ip, a, sizeof(a)),
				    li->name);
		}
	}
}

struct net_ref {
	const struct conf_net	*net;
	const struct link_conf	*lc;
};

static int
net_ref_cmp(const void *va, const void *vb)
{
	const struct net_ref	*a = va, *b = vb;
	int			 r;

	if ((r = addr_cmp(&a->net->prefix, &b->net->prefix)) != 0)
		return r;
	return a->net->line < b->net->line ? -1 : (a->net->line >
	    b->net->line);
}

/*
 * No two remote-net prefixes, in one link or in two, may overlap.
 * Prefixes nest or are disjoint, so after sorting by address (shorter
 * first on a tie) a prefix overlaps an earlier one exactly when it lies
 * inside the widest one seen since the last gap: O(n log n).
 */
static void
conf_validate_remote_nets(struct parse *p)
{
	struct net_ref		*refs = NULL, *cur, *e, *later, *other;
	struct link_conf	*lc;
	char			 a[ADDR_STRLEN], b[ADDR_STRLEN];
	size_t			 n = 0, i, j;

	for (i = 0; i < p->nlinks; i++) {
		if (p->links[i]->bad)
			continue;
		lc = p->links[i]->lc;
		for (j = 0; j < lc->remote_nets.n; j++) {
			refs = xreallocarray(refs, n + 1, sizeof(*refs));
			refs[n].net = &lc->remote_nets.v[j];
			refs[n].lc = lc;
			n++;
		}
	}
	if (n == 0)
		return;
	qsort(refs, n, sizeof(*refs), net_ref_cmp);
	cur = &refs[0];
	for (i = 1; i < n; i++) {
		e = &refs[i];
		if (!addr_contains(&cur->net->prefix, &e->net->prefix)) {
			cur = e;
			continue;
		}
		if (e->net->line >= cur->net->line) {
			later = e;
			other = cur;
		} else {
			later = cur;
			other = e;
		}
		addr_format(&later->net->prefix, a, sizeof(a));
		addr_format(&other->net->prefix, b, sizeof(b));
		if (later->lc == other->lc)
			perr(p, later->net->line, "remote-net: %s overlaps "
			    "remote-net %s (line %d)", a, b, other->net->line);
		else
			perr(p, later->net->line, "remote-net: %s overlaps "
			    "remote-net %s of link %s (line %d)", a, b,
			    other->lc->name, other->net->line);
	}
	free(refs);
}

void
conf_validate(struct parse *p)
{
	size_t	i;

	conf_check_scope_paths(p, &p->global);
	for (i = 0; i < p->nlinks; i++) {
		if (!p->links[i]->bad)
			conf_validate_link(p, p->links[i]);
	}
	conf_validate_links(p);
	conf_validate_remote_nets(p);
}
