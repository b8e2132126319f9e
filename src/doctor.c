/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The offline half of `vpnctl setup` and `vpnctl doctor`: public keys,
 * and the NAT, route and sudo judgements made on the text of other
 * programs.  What the gateway runs, and its authorized_keys and sudoers
 * lines, come from farend.c.  See doctor.h.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "argv.h"
#include "base64.h"
#include "conf.h"
#include "doctor.h"
#include "file.h"
#include "xmalloc.h"

#define DOCTOR_KEY_MAX		(64 * 1024)	/* bytes of a key file */


const char *
doctor_status_name(enum doctor_status s)
{
	switch (s) {
	case DOCTOR_OK:
		return "OK";
	case DOCTOR_WARN:
		return "WARN";
	case DOCTOR_FAIL:
		break;
	}
	return "FAIL";
}

/* ------------------------------------------------------------ keys */

/* An SSH "string" at *p (4-byte length, bytes); advances. */
static int
ssh_string(const uint8_t **p, size_t *left, const uint8_t **s, size_t *len)
{
	uint32_t	n;

	if (*left < 4)
		return -1;
	n = (uint32_t)(*p)[0] << 24 | (uint32_t)(*p)[1] << 16 |
	    (uint32_t)(*p)[2] << 8 | (*p)[3];
	if (n > *left - 4)
		return -1;
	*s = *p + 4;
	*len = n;
	*p += 4 + n;
	*left -= 4 + n;
	return 0;
}

int
doctor_pubkey_derive(const char *text, char **type, char **b64,
    char **cause)
{
	static const char	 begin[] =
	    "-----BEGIN OPENSSH PRIVATE KEY-----";
	static const char	 end[] =
	    "-----END OPENSSH PRIVATE KEY-----";
	static const char	 magic[] = "openssh-key-v1";
	const char		*b, *e;
	const uint8_t		*p, *s, *blob;
	uint8_t			*raw = NULL;
	size_t			 rawlen, left, len, bloblen, i;
	int			 r = -1;

	*type = *b64 = NULL;
	if ((b = strstr(text, begin)) == NULL ||
	    (e = strstr(b, end)) == NULL) {
		xasprintf(cause, "not an OpenSSH format private key (no "
		    "\"%s\" block)", begin);
		return -1;
	}
	b += sizeof(begin) - 1;
	if (base64_decode(b, (size_t)(e - b), &raw, &rawlen) == -1) {
		xasprintf(cause, "bad base64 in the key");
		return -1;
	}
	p = raw;
	left = rawlen;
	if (left < sizeof(magic) || memcmp(p, magic, sizeof(magic)) != 0) {
		xasprintf(cause, "not an openssh-key-v1 key");
		goto out;
	}
	p += sizeof(magic);
	left -= sizeof(magic);
	/* ciphername, kdfname, kdfoptions, nkeys, first public key. */
	for (i = 0; i < 3; i++) {
		if (ssh_string(&p, &left, &s, &len) == -1)
			goto short_key;
	}
	if (left < 4 || (p[0] | p[1] | p[2] | p[3]) == 0)
		goto short_key;
	p += 4;
	left -= 4;
	if (ssh_string(&p, &left, &blob, &bloblen) == -1)
		goto short_key;
	p = blob;
	left = bloblen;
	if (ssh_string(&p, &left, &s, &len) == -1 || len == 0 || len > 64)
		goto short_key;
	for (i = 0; i < len; i++) {
		if (!isalnum(s[i]) && strchr("-.@_", s[i]) == NULL)
			goto short_key;
	}
	*type = xstrndup((const char *)s, len);
	*b64 = base64_encode(blob, bloblen, true);
	r = 0;
	goto out;
short_key:
	xasprintf(cause, "truncated or malformed openssh-key-v1 key");
out:
	free(raw);
	return r;
}

int
doctor_pubkey(const struct link_conf *lc, char **line, char **cause)
{
	char	*priv, *pubpath, *pub = NULL, *why = NULL, *type = NULL;
	char	*b64 = NULL, *s, *t, *k;
	size_t	 len;
	int	 r = -1;

	*line = NULL;
	if (file_read(lc->identity, DOCTOR_KEY_MAX, NULL, &priv, &len,
	    &why) == 0) {
		if (doctor_pubkey_derive(priv, &type, &b64, &s) == -1) {
			xasprintf(&why, "%s: %s", lc->identity, s);
			free(s);
		}
		explicit_bzero(priv, len);
		free(priv);
	}
	xasprintf(&pubpath, "%s.pub", lc->identity);
	if (access(pubpath, F_OK) == 0) {
		if (file_read(pubpath, DOCTOR_KEY_MAX, NULL, &pub, &len,
		    cause) == -1)
			goto out;
		/* The first line; at least "TYPE BASE64". */
		pub[strcspn(pub, "\r\n")] = '\0';
		for (s = pub; *s == ' ' || *s == '\t'; s++)
			/* nothing */;
		t = s + strcspn(s, " \t");
		k = t + strspn(t, " \t");
		if (t == s || *k == '\0') {
			xasprintf(cause, "%s: not a public key line", pubpath);
			goto out;
		}
		if (b64 != NULL && (strncmp(k, b64, strlen(b64)) != 0 ||
		    (k[strlen(b64)] != '\0' && k[strlen(b64)] != ' ' &&
		    k[strlen(b64)] != '\t'))) {
			xasprintf(cause, "%s is not the public half of %s "
			    "(write it again: ssh-keygen -y -f %s > %s)",
			    pubpath, lc->identity, lc->identity, pubpath);
			goto out;
		}
		*line = xstrdup(s);
		/* No trailing blanks. */
		for (t = *line + strlen(*line); t > *line &&
		    (t[-1] == ' ' || t[-1] == '\t'); t--)
			t[-1] = '\0';
		r = 0;
		goto out;
	}
	if (b64 == NULL) {
		xasprintf(cause, "%s: %s, and the public key cannot be "
		    "derived: %s (write it: ssh-keygen -y -f %s > %s)",
		    pubpath, strerror(ENOENT), why, lc->identity, pubpath);
		goto out;
	}
	xasprintf(line, "%s %s vpnd-%s", type, b64, lc->name);
	r = 0;
out:
	free(why);
	free(type);
	free(b64);
	free(pub);
	free(pubpath);
	return r;
}

/* ------------------------------------------------------------ sudo */

bool
doctor_sudo_requiretty(const char *list)
{
	const char	*s, *e;
	bool		 on = false;

	for (s = list; (s = strstr(s, "requiretty")) != NULL; s = e) {
		e = s + strlen("requiretty");
		/* A whole word: not "requiretty_x". */
		if (*e != '\0' && *e != ',' && !isspace((unsigned char)*e))
			continue;
		on = !(s > list && s[-1] == '!');
	}
	return on;
}

/* ------------------------------------------------------------- NAT */

/* An address condition: ip saddr/daddr, -s/-d. */
struct nat_addr {
	bool		 present;
	bool		 neg;
	bool		 unknown;	/* a named set, a range: not judged */
	int		 family;	/* AF_INET (ip), AF_INET6 (ip6) */
	struct prefix	*v;
	size_t		 n;
};

struct nat_oif {
	bool		 present;
	bool		 neg;
	char		**v;		/* patterns, fnmatch(3) */
	size_t		 n;
};

enum nat_verdict {
	NAT_NONE,
	NAT_SNAT,		/* masquerade, snat */
	NAT_EXEMPT		/* accept, return */
};

struct nat_rule {
	struct nat_addr	 saddr, daddr;
	struct nat_oif	 oif;
	bool		 other;		/* other conditions */
	enum nat_verdict verdict;
};

static void
nat_rule_free(struct nat_rule *r)
{
	size_t	i;

	free(r->saddr.v);
	free(r->daddr.v);
	for (i = 0; i < r->oif.n; i++)
		free(r->oif.v[i]);
	free(r->oif.v);
	memset(r, 0, sizeof(*r));
}

/* "a.b.c.d", "a.b.c.d/len", v6 too; host bits cleared. */
static int
nat_prefix(const char *s, struct prefix *p)
{
	char		 buf[ADDR_STRLEN], *slash, *end;
	unsigned long	 len;

	if (strlen(s) >= sizeof(buf))
		return -1;
	(void)snprintf(buf, sizeof(buf), "%s", s);
	if ((slash = strchr(buf, '/')) != NULL)
		*slash = '\0';
	if (addr_parse(buf, AF_UNSPEC, p) == -1)
		return -1;
	if (slash != NULL) {
		errno = 0;
		len = strtoul(slash + 1, &end, 10);
		if (slash[1] == '\0' || *end != '\0' || errno != 0 ||
		    len > addr_bits(p->family))
			return -1;
		p->len = (unsigned)len;
		addr_mask(p);
	}
	return 0;
}

static void
nat_addr_add(struct nat_addr *a, const char *s)
{
	struct prefix	p;

	if (nat_prefix(s, &p) == -1) {
		a->unknown = true;
		return;
	}
	a->v = xreallocarray(a->v, a->n + 1, sizeof(*a->v));
	a->v[a->n++] = p;
}

/* An nft interface name: "eth*" is a wildcard, "eth\*" a star. */
static void
nat_oif_add(struct nat_oif *o, const char *s, bool iptables)
{
	char	*pat, *q;
	size_t	 len = strlen(s);

	if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
		s++;
		len -= 2;
	}
	pat = xmalloc(len + 2);
	memcpy(pat, s, len);
	pat[len] = '\0';
	/* iptables: a trailing '+' matches any suffix. */
	if (iptables && len > 0 && pat[len - 1] == '+')
		pat[len - 1] = '*';
	for (q = pat; *q != '\0'; q++) {
		if (*q == '?' || *q == '[')
			*q = '_';	/* literal in interface names */
	}
	o->v = xreallocarray(o->v, o->n + 1, sizeof(*o->v));
	o->v[o->n++] = pat;
}

/* Split an nft rule line into words; "{ a, b }" and "..." stay whole. */
static char **
nft_words(const char *line)
{
	struct argv	 w = { NULL, 0 };
	const char	*s = line, *b;
	char		*word;
	int		 depth;
	bool		 quote;

	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0')
			break;
		b = s;
		depth = 0;
		quote = false;
		for (; *s != '\0'; s++) {
			if (*s == '"')
				quote = !quote;
			else if (!quote && *s == '{')
				depth++;
			else if (!quote && *s == '}' && depth > 0)
				depth--;
			else if (!quote && depth == 0 &&
			    isspace((unsigned char)*s))
				break;
		}
		word = xstrndup(b, (size_t)(s - b));
		argv_add(&w, word);
		free(word);
	}
	if (w.v == NULL)
		argv_add(&w, "");
	return w.v;
}

/* The elements of "{ a, b }" or the word itself, each to fn. */
static void
nft_values(const char *word, void (*fn)(void *, const char *), void *arg)
{
	char	*copy, *s, *e, *t;

	if (word[0] != '{') {
		fn(arg, word);
		return;
	}
	copy = xstrdup(word + 1);
	if ((e = strrchr(copy, '}')) != NULL)
		*e = '\0';
	for (s = copy; (t = strsep(&s, ",")) != NULL;) {
		while (isspace((unsigned char)*t))
			t++;
		e = t + strlen(t);
		while (e > t && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (*t != '\0')
			fn(arg, t);
	}
	free(copy);
}

static void
nft_addr_cb(void *arg, const char *s)
{
	struct nat_addr	*a = arg;

	if (s[0] == '@' || strchr(s, '-') != NULL)
		a->unknown = true;
	else
		nat_addr_add(a, s);
}

static void
nft_oif_cb(void *arg, const char *s)
{
	nat_oif_add(arg, s, false);
}

static void
nft_parse_rule(const char *line, struct nat_rule *r)
{
	struct nat_addr	*a;
	char		**w;
	size_t		  i;

	memset(r, 0, sizeof(*r));
	w = nft_words(line);
	for (i = 0; w[i] != NULL && r->verdict == NAT_NONE; i++) {
		if ((strcmp(w[i], "ip") == 0 || strcmp(w[i], "ip6") == 0) &&
		    w[i + 1] != NULL && (strcmp(w[i + 1], "saddr") == 0 ||
		    strcmp(w[i + 1], "daddr") == 0)) {
			a = strcmp(w[i + 1], "saddr") == 0 ? &r->saddr :
			    &r->daddr;
			if (a->present)
				r->other = true;
			a->present = true;
			a->family = strcmp(w[i], "ip") == 0 ? AF_INET :
			    AF_INET6;
			i += 2;
			if (w[i] != NULL && (strcmp(w[i], "!=") == 0 ||
			    strcmp(w[i], "==") == 0)) {
				a->neg = w[i][0] == '!';
				i++;
			}
			if (w[i] == NULL)
				break;
			nft_values(w[i], nft_addr_cb, a);
			continue;
		}
		if (strcmp(w[i], "oifname") == 0 || strcmp(w[i], "oif") == 0) {
			if (r->oif.present)
				r->other = true;
			r->oif.present = true;
			i++;
			if (w[i] != NULL && (strcmp(w[i], "!=") == 0 ||
			    strcmp(w[i], "==") == 0)) {
				r->oif.neg = w[i][0] == '!';
				i++;
			}
			if (w[i] == NULL)
				break;
			nft_values(w[i], nft_oif_cb, &r->oif);
			continue;
		}
		if (strcmp(w[i], "counter") == 0) {
			if (w[i + 1] != NULL &&
			    strcmp(w[i + 1], "packets") == 0)
				i += 4;
			continue;
		}
		if (strcmp(w[i], "comment") == 0) {
			i++;
			continue;
		}
		if (strcmp(w[i], "masquerade") == 0 ||
		    strcmp(w[i], "snat") == 0)
			r->verdict = NAT_SNAT;
		else if (strcmp(w[i], "xt") == 0 && w[i + 1] != NULL &&
		    strcmp(w[i + 1], "target") == 0 && w[i + 2] != NULL &&
		    (strstr(w[i + 2], "MASQUERADE") != NULL ||
		    strstr(w[i + 2], "SNAT") != NULL))
			r->verdict = NAT_SNAT;
		else if (strcmp(w[i], "accept") == 0 ||
		    strcmp(w[i], "return") == 0)
			r->verdict = NAT_EXEMPT;
		else if (strcmp(w[i], "jump") == 0 ||
		    strcmp(w[i], "goto") == 0 || strcmp(w[i], "drop") == 0)
			break;
		else
			r->other = true;
	}
	argv_free(w);
}

static void
ipt_parse_rule(const char *line, struct nat_rule *r)
{
	struct nat_addr	*a;
	char		**w, *s;
	bool		  neg = false;
	size_t		  i;

	memset(r, 0, sizeof(*r));
	w = nft_words(line);
	/* w[0] "-A", w[1] the chain. */
	for (i = 2; w[0] != NULL && w[1] != NULL && w[i] != NULL; i++) {
		if (strcmp(w[i], "!") == 0) {
			neg = true;
			continue;
		}
		if ((strcmp(w[i], "-s") == 0 || strcmp(w[i], "-d") == 0) &&
		    w[i + 1] != NULL) {
			a = w[i][1] == 's' ? &r->saddr : &r->daddr;
			a->present = true;
			a->neg = neg;
			a->family = AF_INET;
			for (s = w[++i]; *s != '\0';) {
				char	*one = xstrndup(s, strcspn(s, ","));

				nat_addr_add(a, one);
				s += strlen(one);
				if (*s == ',')
					s++;
				free(one);
			}
		} else if (strcmp(w[i], "-o") == 0 && w[i + 1] != NULL) {
			r->oif.present = true;
			r->oif.neg = neg;
			nat_oif_add(&r->oif, w[++i], true);
		} else if (strcmp(w[i], "-j") == 0 && w[i + 1] != NULL) {
			i++;
			if (strcmp(w[i], "MASQUERADE") == 0 ||
			    strcmp(w[i], "SNAT") == 0)
				r->verdict = NAT_SNAT;
			else if (strcmp(w[i], "ACCEPT") == 0 ||
			    strcmp(w[i], "RETURN") == 0)
				r->verdict = NAT_EXEMPT;
			break;
		} else if (strcmp(w[i], "-m") == 0 && w[i + 1] != NULL &&
		    strcmp(w[i + 1], "comment") == 0) {
			i += 3;	/* -m comment --comment TEXT */
			if (w[i - 1] == NULL || w[i] == NULL)
				break;
		} else if (w[i][0] == '-') {
			r->other = true;
		}
		neg = false;
	}
	argv_free(w);
}

/*
 * Does a's condition hold for traffic to (or from) net?  all: for every
 * packet of it (an exemption), else for some (a NAT rule).
 */
static bool
nat_addr_holds(const struct nat_addr *a, const struct prefix *net, bool all)
{
	size_t	i;
	bool	cover = false, overlap = false;

	if (!a->present)
		return true;
	if (a->family != net->family)
		return false;	/* "ip daddr" never matches IPv6 */
	for (i = 0; i < a->n; i++) {
		if (addr_contains(&a->v[i], net))
			cover = true;
		if (addr_overlap(&a->v[i], net))
			overlap = true;
	}
	if (a->unknown)
		return !all;	/* maybe: NAT may catch, exemption unsure */
	if (all)
		return a->neg ? !overlap : cover;
	return a->neg ? !cover : overlap;
}

static bool
nat_oif_holds(const struct nat_oif *o, const char *ifname)
{
	size_t	i;
	bool	match = false;

	if (!o->present)
		return true;
	for (i = 0; i < o->n; i++) {
		if (fnmatch(o->v[i], ifname, 0) == 0)
			match = true;
	}
	return o->neg ? !match : match;
}

/* Does r apply to traffic from the local-nets to net out of ifname? */
static bool
nat_applies(const struct nat_rule *r, const struct link_conf *lc,
    const struct prefix *net, bool all)
{
	size_t	i, nsrc = 0, held = 0;

	if (!nat_addr_holds(&r->daddr, net, all) ||
	    !nat_oif_holds(&r->oif, lc->ifname))
		return false;
	if (!r->saddr.present)
		return true;
	for (i = 0; i < lc->local_nets.n; i++) {
		if (lc->local_nets.v[i].prefix.family != net->family)
			continue;
		nsrc++;
		if (nat_addr_holds(&r->saddr, &lc->local_nets.v[i].prefix,
		    all))
			held++;
	}
	if (nsrc == 0)
		return !all;	/* any source: the rule may catch some */
	return all ? held == nsrc : held > 0;
}

struct nat_chain {
	char		*name;		/* "table ip nat chain postrouting" */
	int		 families;	/* 1: IPv4, 2: IPv6 */
	bool		 post;		/* type nat hook postrouting */
	struct nat_rule	*rules;
	char		**text;
	size_t		 n;
};

static void
nat_chain_add(struct nat_chain *c, const struct nat_rule *r,
    const char *text)
{
	const char	*s = text;
	char		*t;

	c->rules = xreallocarray(c->rules, c->n + 1, sizeof(*c->rules));
	c->text = xreallocarray(c->text, c->n + 1, sizeof(*c->text));
	c->rules[c->n] = *r;
	while (isspace((unsigned char)*s))
		s++;
	t = xstrdup(s);
	t[strcspn(t, "\r\n")] = '\0';
	c->text[c->n++] = t;
}

static void
nat_chain_clear(struct nat_chain *c)
{
	size_t	i;

	for (i = 0; i < c->n; i++) {
		nat_rule_free(&c->rules[i]);
		free(c->text[i]);
	}
	free(c->rules);
	free(c->text);
	free(c->name);
	memset(c, 0, sizeof(*c));
}

/* Judge one chain; keeps the worst finding in *best. */
static void
nat_judge(const struct nat_chain *c, const struct link_conf *lc,
    enum doctor_status *best, char **rule, struct prefix *net)
{
	const struct prefix	*rn;
	enum doctor_status	 s;
	size_t			 i, j;
	int			 fam;

	if (!c->post)
		return;
	for (j = 0; j < lc->remote_nets.n; j++) {
		rn = &lc->remote_nets.v[j].prefix;
		fam = rn->family == AF_INET ? 1 : 2;
		if ((c->families & fam) == 0)
			continue;
		for (i = 0; i < c->n; i++) {
			const struct nat_rule	*r = &c->rules[i];

			if (r->verdict == NAT_EXEMPT && !r->other &&
			    nat_applies(r, lc, rn, true))
				break;	/* exempt before any NAT */
			if (r->verdict != NAT_SNAT ||
			    !nat_applies(r, lc, rn, false))
				continue;
			s = r->other || r->daddr.unknown || r->saddr.unknown ?
			    DOCTOR_WARN : DOCTOR_FAIL;
			if (s > *best) {
				*best = s;
				free(*rule);
				xasprintf(rule, "%s: %s", c->name, c->text[i]);
				*net = *rn;
			}
			break;
		}
	}
}

/* Count braces outside quotes. */
static int
brace_delta(const char *s)
{
	int	d = 0;
	bool	q = false;

	for (; *s != '\0'; s++) {
		if (*s == '"')
			q = !q;
		else if (!q && *s == '{')
			d++;
		else if (!q && *s == '}')
			d--;
	}
	return d;
}

enum doctor_status
doctor_nat_check(const char *ruleset, enum doctor_nat_format fmt,
    const struct link_conf *lc, char **rule, struct prefix *net)
{
	struct nat_chain	 c;
	struct nat_rule		 r;
	enum doctor_status	 best = DOCTOR_OK;
	char			*copy, *s, *line, *family = NULL, *table = NULL;
	char			 w1[64], w2[64], w3[64];
	int			 depth = 0, inchain = 0, skip = 0;
	bool			 innat = false;

	*rule = NULL;
	memset(net, 0, sizeof(*net));
	memset(&c, 0, sizeof(c));
	copy = xstrdup(ruleset);
	for (s = copy; (line = strsep(&s, "\n")) != NULL;) {
		if (fmt == DOCTOR_NAT_IPTABLES) {
			if (line[0] == '*') {
				innat = strcmp(line, "*nat") == 0;
				if (innat) {
					nat_chain_clear(&c);
					c.name = xstrdup("iptables -t nat "
					    "chain POSTROUTING");
					c.families = 1;
					c.post = true;
				}
			} else if (innat &&
			    strncmp(line, "-A POSTROUTING ", 15) == 0) {
				ipt_parse_rule(line, &r);
				nat_chain_add(&c, &r, line);
			} else if (innat && strcmp(line, "COMMIT") == 0) {
				nat_judge(&c, lc, &best, rule, net);
				nat_chain_clear(&c);
				innat = false;
			}
			continue;
		}
		if (skip > 0) {
			/* Inside a set, map or flowtable block. */
			skip += brace_delta(line);
			depth += brace_delta(line);
			continue;
		}
		w1[0] = w2[0] = w3[0] = '\0';
		(void)sscanf(line, " %63s %63s %63s", w1, w2, w3);
		if (depth == 0 && strcmp(w1, "table") == 0) {
			free(family);
			free(table);
			family = xstrdup(w2);
			table = xstrdup(w3);
		} else if (depth == 1 && strcmp(w1, "chain") == 0) {
			nat_chain_clear(&c);
			xasprintf(&c.name, "nft table %s %s chain %s",
			    family != NULL ? family : "?",
			    table != NULL ? table : "?", w2);
			c.families = family == NULL ? 0 :
			    strcmp(family, "ip") == 0 ? 1 :
			    strcmp(family, "ip6") == 0 ? 2 :
			    strcmp(family, "inet") == 0 ? 3 : 0;
			inchain = 1;
		} else if (depth == 1 && w1[0] != '\0' && w1[0] != '}' &&
		    strchr(line, '{') != NULL) {
			skip = brace_delta(line);
		} else if (depth == 2 && inchain) {
			if (strcmp(w1, "type") == 0) {
				c.post = strstr(line, " nat ") != NULL &&
				    strstr(line, "hook postrouting") != NULL;
			} else if (w1[0] != '\0' && w1[0] != '}' &&
			    strcmp(w1, "policy") != 0 &&
			    strcmp(w1, "comment") != 0) {
				nft_parse_rule(line, &r);
				nat_chain_add(&c, &r, line);
			}
		}
		depth += brace_delta(line);
		if (inchain && depth <= 1) {
			nat_judge(&c, lc, &best, rule, net);
			nat_chain_clear(&c);
			inchain = 0;
		}
		if (depth < 0)
			depth = 0;
	}
	if (c.name != NULL)
		nat_judge(&c, lc, &best, rule, net);
	nat_chain_clear(&c);
	free(family);
	free(table);
	free(copy);
	return best;
}

/* ---------------------------------------------------------- routes */

enum doctor_status
doctor_route_check(const char *routes, const struct link_conf *lc,
    char **route, struct prefix *net)
{
	enum doctor_status	 best = DOCTOR_OK, st;
	struct prefix		 p;
	char			*copy, *s, *line, **w;
	const char		*dev;
	size_t			 i, j;
	bool			 ours;

	*route = NULL;
	memset(net, 0, sizeof(*net));
	copy = xstrdup(routes);
	for (s = copy; (line = strsep(&s, "\n")) != NULL;) {
		w = nft_words(line);
		/* "[unicast] PREFIX [dev IF] [proto P] ...". */
		i = 0;
		if (w[0] != NULL && (strcmp(w[0], "unicast") == 0 ||
		    strcmp(w[0], "blackhole") == 0 ||
		    strcmp(w[0], "unreachable") == 0 ||
		    strcmp(w[0], "prohibit") == 0 ||
		    strcmp(w[0], "throw") == 0))
			i = 1;
		if (w[i] == NULL || w[i][0] == '\0' ||
		    strcmp(w[i], "default") == 0 ||
		    nat_prefix(w[i], &p) == -1 || p.len == 0) {
			argv_free(w);
			continue;
		}
		dev = NULL;
		ours = false;
		for (j = i + 1; w[j] != NULL; j++) {
			if (strcmp(w[j], "dev") == 0 && w[j + 1] != NULL)
				dev = w[j + 1];
			if (strcmp(w[j], "proto") == 0 && w[j + 1] != NULL &&
			    (strcmp(w[j + 1], "120") == 0 ||
			    strcmp(w[j + 1], "pppssh") == 0))
				ours = true;
		}
		if (ours || (dev != NULL && strcmp(dev, lc->ifname) == 0)) {
			argv_free(w);
			continue;
		}
		for (j = 0; j < lc->remote_nets.n; j++) {
			const struct prefix *rn = &lc->remote_nets.v[j].prefix;

			if (!addr_overlap(&p, rn))
				continue;
			st = addr_contains(rn, &p) ? DOCTOR_FAIL : DOCTOR_WARN;
			if (st > best) {
				best = st;
				free(*route);
				*route = xstrdup(line);
				/* ip prints a blank at the end. */
				i = strlen(*route);
				while (i > 0 &&
				    isspace((unsigned char)(*route)[i - 1]))
					(*route)[--i] = '\0';
				*net = *rn;
			}
		}
		argv_free(w);
	}
	free(copy);
	return best;
}

/* ---------------------------------------------------------- config */

char *
doctor_config_fix(const char *error)
{
	const char	*s, *p, *e;
	char		*path, *fix;
	bool		 secret;

	if ((s = strstr(error, ": group or world")) == NULL)
		return NULL;
	secret = strstr(s, " readable") != NULL;
	/* "...: PATH: group" or "...: PATH (default): group". */
	e = s;
	for (p = e; p > error && p[-1] != ' '; p--)
		/* nothing */;
	if (strncmp(p, "(default)", 9) == 0 && p > error + 1) {
		e = p - 1;
		for (p = e; p > error && p[-1] != ' '; p--)
			/* nothing */;
	}
	if (e <= p || *p != '/')
		return NULL;
	path = xstrndup(p, (size_t)(e - p));
	xasprintf(&fix, "chmod %s %s", secret ? "600" : "go-w", path);
	free(path);
	return fix;
}
