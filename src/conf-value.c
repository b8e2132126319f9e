/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The values of vpn.conf keywords, one switch over the table's types
 * each: the lexical checks of a word (names, hosts, URLs, UTF-8), the
 * parse of one keyword line into its value (kw_parse()), and a value's
 * init, free, copy, comparison and printing; from those, how a
 * link_conf is made, freed and compared (link_conf_equal()).
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "conf.h"
#include "conf-kw.h"
#include "http.h"
#include "ppp.h"
#include "xmalloc.h"

static int	parse_int(struct parse *, const struct kw *, const char *,
		    const char *, int, int, int *);
static bool	word_ok(const char *);
static bool	name_ok(const char *);
static bool	ifname_ok(const char *);
static bool	host_name_ok(const char *);
static bool	url_ok(const char *);
static size_t	words_len(const struct argv *);
static void	nets_add(struct conf_nets *, const struct prefix *, int);
static void	hosts_add(struct conf_hosts *, char *, int, int);
static void	kw_value_init(const struct kw *, void *);
static bool	kw_value_equal(const struct kw *, const void *, const void *);
static void	kw_parse_hosts(struct parse *, const struct kw *,
		    struct conf_hosts *, int, char **);
static int	kw_parse_ints(struct parse *, const struct kw *, void *,
		    int, char **);
static bool	url_userinfo(struct parse *, const struct kw *, const char *,
		    const char *);
static void	kw_parse_url(struct parse *, const struct kw *, void *,
		    const char *);


/* ---------------------------------------------------- lexical checks */

/* Strict UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF. */
bool
utf8_valid(const unsigned char *s, size_t n)
{
	size_t		i = 0, k, need;
	uint32_t	cp, min;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			need = 1;
			cp = s[i] & 0x1f;
			min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			need = 2;
			cp = s[i] & 0x0f;
			min = 0x800;
		} else if ((s[i] & 0xf8) == 0xf0) {
			need = 3;
			cp = s[i] & 0x07;
			min = 0x10000;
		} else
			return false;
		if (n - i <= need)
			return false;
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += need + 1;
	}
	return true;
}

/*
 * Parse a decimal int in [min, max] into *out.  what names the value in
 * messages ("interval"), or NULL for a keyword's only value.
 */
static int
parse_int(struct parse *p, const struct kw *kw, const char *what,
    const char *s, int min, int max, int *out)
{
	const char	*c;
	long long	 v = 0;

	if (*s == '\0')
		goto bad;
	for (c = s; *c != '\0'; c++) {
		if (*c < '0' || *c > '9')
			goto bad;
		if (v <= INT32_MAX)
			v = v * 10 + (*c - '0');
	}
	if (v < min || v > max) {
		perr(p, p->line, "%s: %s%s%s is out of range (%d-%d)",
		    kw->name, what != NULL ? what : "", what != NULL ? " " : "",
		    s, min, max);
		return -1;
	}
	*out = (int)v;
	return 0;

bad:
	perr(p, p->line, "%s: %s%s%s is not a number", kw->name,
	    what != NULL ? what : "", what != NULL ? " " : "", s);
	return -1;
}

/* A word that can reach a remote shell: [A-Za-z0-9_./=:@,+-]+. */
static bool
word_ok(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9'))
			continue;
		if (strchr("_./=:@,+-", *s) == NULL)
			return false;
	}
	return true;
}

/* Every byte of s is one of [A-Za-z0-9_.-]. */
static bool
name_chars_ok(const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || strchr("_.-", s[i]) != NULL)
			continue;
		return false;
	}
	return true;
}

/* A user or group name: [A-Za-z0-9_.-], not starting with '-'. */
static bool
name_ok(const char *s)
{
	size_t	n = strlen(s);

	if (n == 0 || n > CONF_MAX_NAME || s[0] == '-')
		return false;
	return name_chars_ok(s);
}

/* An interface name: 1..15 of [A-Za-z0-9_.-], not "." or "..". */
static bool
ifname_ok(const char *s)
{
	size_t	n = strlen(s);

	if (n == 0 || n > CONF_IFNAME_MAX || strcmp(s, ".") == 0 ||
	    strcmp(s, "..") == 0)
		return false;
	return name_chars_ok(s);
}

/* A link name: [a-z0-9_-]{1,15}. */
bool
link_name_ok(const char *s)
{
	size_t	n = strlen(s), i;

	if (n == 0 || n > CONF_LINK_NAME_MAX)
		return false;
	for (i = 0; i < n; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-')
			continue;
		return false;
	}
	return true;
}

/*
 * A DNS host name (labels of [A-Za-z0-9-], 1..63 bytes, no hyphen at
 * either end, 253 bytes in all, one trailing dot allowed) or an IPv4
 * literal; an all-numeric name must be a valid IPv4 address.
 */
static bool
host_name_ok(const char *s)
{
	struct prefix	 q;
	size_t		 n = strlen(s), label = 0, i;
	bool		 numeric = true;

	if (n == 0 || n > 254 || (n == 254 && s[n - 1] != '.'))
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (s[i] == '-') {
			if (label == 0)
				return false;
		} else if (s[i] >= '0' && s[i] <= '9') {
			/* digits are fine anywhere */
		} else if ((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z'))
			numeric = false;
		else
			return false;
		if (s[i] == '-')
			numeric = false;
		if (++label > 63)
			return false;
	}
	if (label == 0 && s[n - 1] != '.')
		return false;
	if (s[n - 1] == '-')
		return false;
	if (numeric)
		return addr_parse(s, AF_INET, &q) == 0;
	return true;
}

/* http:// or https://, then a non-empty authority, printable ASCII. */
static bool
url_ok(const char *s)
{
	const char	*rest, *c;

	if (strlen(s) > CONF_MAX_URL)
		return false;
	if (strncmp(s, "http://", 7) == 0)
		rest = s + 7;
	else if (strncmp(s, "https://", 8) == 0)
		rest = s + 8;
	else
		return false;
	if (*rest == '\0' || *rest == '/' || *rest == '?' || *rest == '#')
		return false;
	for (c = s; *c != '\0'; c++) {
		if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f)
			return false;
	}
	return true;
}

/* -------------------------------------------------------------- lists */

/* Bytes the list takes on one line: the words and a blank each. */
static size_t
words_len(const struct argv *w)
{
	size_t	i, len = 0;

	for (i = 0; i < w->n; i++)
		len += strlen(w->v[i]) + 1;
	return len;
}

static void
nets_add(struct conf_nets *nets, const struct prefix *pfx, int line)
{
	nets->v = xreallocarray(nets->v, nets->n + 1, sizeof(*nets->v));
	nets->v[nets->n].prefix = *pfx;
	nets->v[nets->n].line = line;
	nets->n++;
}

/* Add a host; the list takes name. */
static void
hosts_add(struct conf_hosts *hosts, char *name, int port, int line)
{
	struct conf_host	*h;

	hosts->v = xreallocarray(hosts->v, hosts->n + 1, sizeof(*hosts->v));
	h = &hosts->v[hosts->n++];
	h->name = name;
	h->port = port;
	h->line = line;
}

/* ------------------------------------------------------------ values */

/*
 * What the keyword table does to one value: kw's value in base (a
 * struct conf for S_GLOBAL keywords, else a struct link_conf), as
 * kw_types[kw->type] says it is kept.
 */

/* Unset: -1, AF_UNSPEC, NULL, empty; base comes zeroed. */
static void
kw_value_init(const struct kw *kw, void *base)
{
	int	k;

	if (kw_types[kw->type].store == V_ADDR)
		KW_VAL(struct prefix, base, kw->off)->family = AF_UNSPEC;
	for (k = 0; k < kw_types[kw->type].nints; k++)
		*KW_VAL(int, base, kw->ints[k].off) = -1;
}

void
kw_value_free(const struct kw *kw, void *base)
{
	struct conf_hosts	*hosts;
	size_t			 i;

	switch (kw_types[kw->type].store) {
	case V_STR:
		free(*KW_VAL(char *, base, kw->off));
		break;
	case V_WORDS:
		argv_clear(KW_VAL(struct argv, base, kw->off));
		break;
	case V_NETS:
		free(KW_VAL(struct conf_nets, base, kw->off)->v);
		break;
	case V_HOSTS:
		hosts = KW_VAL(struct conf_hosts, base, kw->off);
		for (i = 0; i < hosts->n; i++)
			free(hosts->v[i].name);
		free(hosts->v);
		break;
	case V_NONE:
	case V_BOOL:
	case V_ADDR:
		break;
	}
}

/* Give dst the value src has (lists: add src's entries to dst's). */
void
kw_value_copy(const struct kw *kw, void *dst, const void *src)
{
	const struct conf_hosts	*hosts;
	const struct conf_nets	*nets;
	const char		*s;
	size_t			 i;
	int			 k;

	switch (kw_types[kw->type].store) {
	case V_STR:
		s = *KW_CVAL(char *, src, kw->off);
		free(*KW_VAL(char *, dst, kw->off));
		*KW_VAL(char *, dst, kw->off) = s != NULL ? xstrdup(s) : NULL;
		break;
	case V_WORDS:
		argv_copy(KW_VAL(struct argv, dst, kw->off),
		    KW_CVAL(struct argv, src, kw->off));
		break;
	case V_BOOL:
		*KW_VAL(bool, dst, kw->off) = *KW_CVAL(bool, src, kw->off);
		break;
	case V_ADDR:
		*KW_VAL(struct prefix, dst, kw->off) =
		    *KW_CVAL(struct prefix, src, kw->off);
		break;
	case V_NETS:
		nets = KW_CVAL(struct conf_nets, src, kw->off);
		for (i = 0; i < nets->n; i++)
			nets_add(KW_VAL(struct conf_nets, dst, kw->off),
			    &nets->v[i].prefix, nets->v[i].line);
		break;
	case V_HOSTS:
		hosts = KW_CVAL(struct conf_hosts, src, kw->off);
		for (i = 0; i < hosts->n; i++)
			hosts_add(KW_VAL(struct conf_hosts, dst, kw->off),
			    xstrdup(hosts->v[i].name), hosts->v[i].port,
			    hosts->v[i].line);
		break;
	case V_NONE:
		break;
	}
	for (k = 0; k < kw_types[kw->type].nints; k++)
		*KW_VAL(int, dst, kw->ints[k].off) =
		    *KW_CVAL(int, src, kw->ints[k].off);
}

/* The same setting in a and b; where it was written does not count. */
static bool
kw_value_equal(const struct kw *kw, const void *a, const void *b)
{
	const struct conf_hosts	*ha, *hb;
	const struct conf_nets	*na, *nb;
	const char		*sa, *sb;
	size_t			 i;
	int			 k;

	for (k = 0; k < kw_types[kw->type].nints; k++) {
		if (*KW_CVAL(int, a, kw->ints[k].off) !=
		    *KW_CVAL(int, b, kw->ints[k].off))
			return false;
	}
	switch (kw_types[kw->type].store) {
	case V_STR:
		sa = *KW_CVAL(char *, a, kw->off);
		sb = *KW_CVAL(char *, b, kw->off);
		if (sa == NULL || sb == NULL)
			return sa == sb;
		return strcmp(sa, sb) == 0;
	case V_WORDS:
		return argv_equal(KW_CVAL(struct argv, a, kw->off),
		    KW_CVAL(struct argv, b, kw->off));
	case V_BOOL:
		return *KW_CVAL(bool, a, kw->off) == *KW_CVAL(bool, b, kw->off);
	case V_ADDR:
		return addr_equal(KW_CVAL(struct prefix, a, kw->off),
		    KW_CVAL(struct prefix, b, kw->off));
	case V_NETS:
		na = KW_CVAL(struct conf_nets, a, kw->off);
		nb = KW_CVAL(struct conf_nets, b, kw->off);
		if (na->n != nb->n)
			return false;
		for (i = 0; i < na->n; i++) {
			if (!addr_equal(&na->v[i].prefix, &nb->v[i].prefix))
				return false;
		}
		return true;
	case V_HOSTS:
		ha = KW_CVAL(struct conf_hosts, a, kw->off);
		hb = KW_CVAL(struct conf_hosts, b, kw->off);
		if (ha->n != hb->n)
			return false;
		for (i = 0; i < ha->n; i++) {
			if (strcmp(ha->v[i].name, hb->v[i].name) != 0 ||
			    ha->v[i].port != hb->v[i].port)
				return false;
		}
		return true;
	case V_NONE:
		break;
	}
	return true;
}

/*
 * Print the value as lines of the file, each starting with indent; an
 * unset value prints nothing, a list a line per entry.
 */
void
kw_value_print(FILE *f, const char *indent, const struct kw *kw,
    const void *base)
{
	const struct argv	*w;
	const struct conf_nets	*nets;
	const struct conf_hosts	*hosts;
	const struct prefix	*pfx;
	const char		*s;
	char			 buf[ADDR_STRLEN];
	size_t			 i;
	int			 k;

	switch (kw_types[kw->type].store) {
	case V_NONE:
		if (*KW_CVAL(int, base, kw->ints[0].off) == -1)
			return;
		fprintf(f, "%s%s", indent, kw->name);
		break;
	case V_STR:
		if ((s = *KW_CVAL(char *, base, kw->off)) == NULL)
			return;
		fprintf(f, "%s%s %s", indent, kw->name, s);
		break;
	case V_WORDS:
		w = KW_CVAL(struct argv, base, kw->off);
		if (w->n == 0)
			return;
		fprintf(f, "%s%s", indent, kw->name);
		for (i = 0; i < w->n; i++)
			fprintf(f, " %s", w->v[i]);
		break;
	case V_BOOL:
		fprintf(f, "%s%s %s", indent, kw->name,
		    *KW_CVAL(bool, base, kw->off) ? "yes" : "no");
		break;
	case V_ADDR:
		pfx = KW_CVAL(struct prefix, base, kw->off);
		if (pfx->family == AF_UNSPEC)
			return;
		fprintf(f, "%s%s %s", indent, kw->name,
		    addr_ntop(pfx, buf, sizeof(buf)));
		break;
	case V_NETS:
		nets = KW_CVAL(struct conf_nets, base, kw->off);
		for (i = 0; i < nets->n; i++)
			fprintf(f, "%s%s %s\n", indent, kw->name,
			    addr_format(&nets->v[i].prefix, buf, sizeof(buf)));
		return;
	case V_HOSTS:
		hosts = KW_CVAL(struct conf_hosts, base, kw->off);
		for (i = 0; i < hosts->n; i++) {
			s = hosts->v[i].name;
			if (strchr(s, ':') != NULL)
				fprintf(f, "%s%s [%s]:%d\n", indent, kw->name,
				    s, hosts->v[i].port);
			else
				fprintf(f, "%s%s %s:%d\n", indent, kw->name,
				    s, hosts->v[i].port);
		}
		return;
	}
	for (k = 0; k < kw_types[kw->type].nints; k++)
		fprintf(f, " %d", *KW_CVAL(int, base, kw->ints[k].off));
	fputc('\n', f);
}

/* ------------------------------------------------------ link_conf */

/* A link_conf with nothing set: -1 and NULL everywhere. */
struct link_conf *
link_conf_new(void)
{
	struct link_conf	*lc;
	size_t			 i;

	lc = xcalloc(1, sizeof(*lc));
	lc->line = -1;
	for (i = 0; i < K__COUNT; i++) {
		if (kw_table[i].scope & S_LINK)
			kw_value_init(&kw_table[i], lc);
	}
	return lc;
}

void
conf_globals_init(struct conf *c)
{
	size_t	i;

	for (i = 0; i < K__COUNT; i++) {
		if (kw_table[i].scope == S_GLOBAL)
			kw_value_init(&kw_table[i], c);
	}
}

void
link_conf_free(struct link_conf *lc)
{
	size_t	i;

	if (lc == NULL)
		return;
	for (i = 0; i < K__COUNT; i++) {
		if (kw_table[i].scope & S_LINK)
			kw_value_free(&kw_table[i], lc);
	}
	free(lc->file);
	free(lc);
}

bool
link_conf_equal(const struct link_conf *a, const struct link_conf *b)
{
	size_t	i;

	for (i = 0; i < K__COUNT; i++) {
		if ((kw_table[i].scope & S_LINK) && kw_table[i].restart &&
		    !kw_value_equal(&kw_table[i], a, b))
			return false;
	}
	return true;
}

static void
kw_parse_hosts(struct parse *p, const struct kw *kw, struct conf_hosts *hosts,
    int argc, char **argv)
{
	const struct kw_int	*pb = &kw_table[K_PORT].ints[0];
	struct prefix		 q;
	char			*name, *colon;
	char			 buf[INET6_ADDRSTRLEN];
	const char		*port, *rb;
	int			 i, portnum;

	for (i = 1; i < argc; i++) {
		if (hosts->n >= CONF_MAX_HOSTS) {
			perr(p, p->line, "host: more than %d hosts",
			    CONF_MAX_HOSTS);
			return;
		}
		port = NULL;
		name = NULL;
		q.family = AF_UNSPEC;
		if (argv[i][0] == '[') {
			/* [IPV6] or [IPV6]:PORT */
			if ((rb = strchr(argv[i], ']')) == NULL)
				goto bad;
			name = xstrndup(argv[i] + 1,
			    (size_t)(rb - argv[i] - 1));
			if (addr_parse(name, AF_INET6, &q) == -1)
				goto bad;
			if (rb[1] == ':' && rb[2] != '\0')
				port = rb + 2;
			else if (rb[1] != '\0')
				goto bad;
		} else {
			name = xstrdup(argv[i]);
			colon = strchr(name, ':');
			if (colon != NULL && colon != strrchr(name, ':')) {
				/* Two or more colons: a bare IPv6 literal. */
				if (addr_parse(name, AF_INET6, &q) == -1)
					goto bad;
			} else {
				if (colon != NULL) {
					*colon = '\0';
					port = colon + 1;
				}
				if (port != NULL && *port == '\0')
					goto bad;
				if (!host_name_ok(name))
					goto bad;
				q.family = AF_UNSPEC;
			}
		}
		if (q.family == AF_INET6) {
			/* Keep IPv6 literals in canonical form. */
			free(name);
			name = xstrdup(addr_ntop(&q, buf, sizeof(buf)));
		}
		portnum = -1;
		if (port != NULL && parse_int(p, kw, "port", port, pb->min,
		    pb->max, &portnum) == -1) {
			free(name);
			continue;
		}
		hosts_add(hosts, name, portnum, p->line);
		continue;
bad:
		perr(p, p->line, "host: %s is not a host name or address",
		    argv[i]);
		free(name);
	}
}

/*
 * The integers of kw from the n words at argv, each in its bounds, one
 * left out taking its omitted value; all stored in base, or none.
 */
static int
kw_parse_ints(struct parse *p, const struct kw *kw, void *base, int n,
    char **argv)
{
	const struct kw_int	*ki = kw->ints;
	int			 v[nitems(kw->ints)], k;

	for (k = 0; k < kw_types[kw->type].nints; k++) {
		if (k >= n)
			v[k] = ki[k].omitted;
		else if (parse_int(p, kw, ki[k].what, argv[k], ki[k].min,
		    ki[k].max, &v[k]) == -1)
			return -1;
	}
	if ((kw->flags & K_ORDERED) && v[0] > v[1]) {
		perr(p, p->line, "%s: %s %d is larger than %s %d", kw->name,
		    ki[0].what, v[0], ki[1].what, v[1]);
		return -1;
	}
	for (k = 0; k < kw_types[kw->type].nints; k++)
		*KW_VAL(int, base, ki[k].off) = v[k];
	return 0;
}

/*
 * notify URL, ddns URL: https:// only (U_HTTPS); a dyndns2 update URL
 * (U_DDNS) names its hostname= and leaves myip= to vpnd.
 */
/*
 * A user:password@ in a URL: refused, since the URL goes to logs and
 * status; the ddns password has a keyword of its own.  True if refused.
 */
static bool
url_userinfo(struct parse *p, const struct kw *kw, const char *url,
    const char *shown)
{
	if (!http_url_userinfo(url))
		return false;
	if (kw->flags & U_DDNS)
		perr(p, p->line, "%s: %s has a user:password@ in it (put "
		    "them in the file ddns-credentials names)", kw->name,
		    shown);
	else
		perr(p, p->line, "%s: %s has a user:password@ in it (URLs "
		    "are logged and shown: a %s URL takes no credentials)",
		    kw->name, shown, kw->name);
	return true;
}

static void
kw_parse_url(struct parse *p, const struct kw *kw, void *field,
    const char *url)
{
	char	*host = NULL, *query = NULL, *cause = NULL, *q, *last;
	char	*shown;
	bool	 https, named = false;

	/* Errors go to syslog on a reload: no token in them. */
	shown = http_url_shown(url);
	if (!url_ok(url)) {
		perr(p, p->line, "%s: %s is not an http:// or https:// URL",
		    kw->name, shown);
		goto out;
	}
	if (url_userinfo(p, kw, url, shown))
		goto out;
	if (strchr(url, '#') != NULL) {
		perr(p, p->line, "%s: %s has a #fragment", kw->name, shown);
		goto out;
	}
	if (http_url_split(url, &https, &host, &query, &cause) == -1) {
		perr(p, p->line, "%s: %s: %s", kw->name, shown, cause);
		free(cause);
		goto out;
	}
	if ((kw->flags & U_HTTPS) && !https) {
		perr(p, p->line, "%s: %s is not an https:// URL (only the "
		    "probe may use plain http)", kw->name, shown);
		goto out;
	}
	if (kw->flags & U_DDNS) {
		for (q = query != NULL ? strtok_r(query, "&", &last) : NULL;
		    q != NULL;
		    q = strtok_r(NULL, "&", &last)) {
			if (strncmp(q, "hostname=", 9) == 0 && q[9] != '\0')
				named = true;
			if (strncmp(q, "myip=", 5) == 0) {
				perr(p, p->line, "%s: %s sets myip= (vpnd "
				    "adds it)", kw->name, shown);
				goto out;
			}
		}
		if (!named) {
			perr(p, p->line, "%s: %s has no hostname= "
			    "parameter", kw->name, shown);
			goto out;
		}
	}
	*(char **)field = xstrdup(url);
out:
	free(shown);
	free(host);
	free(query);
}

/*
 * A domain name as resolvectl and resolv.conf take it: dot-separated
 * labels of letters, digits and '-' (not first or last), 1 to 63 bytes
 * each, 253 in all, an optional final dot; no "~" (every domain of
 * dns-domains is routed to the link's servers anyway).
 */
static bool
domain_ok(const char *d)
{
	const char	*s;
	size_t		 label = 0;

	if (*d == '\0' || strlen(d) > 253 || *d == '.')
		return false;
	for (s = d; *s != '\0'; s++) {
		if (*s == '.') {
			if (label == 0 || s[-1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || (*s == '-' && label > 0)))
			return false;
		if (++label > 63)
			return false;
	}
	return s[-1] != '-';
}

/* dns-domains DOMAIN..., remote-dns ADDR...: accumulate, bounded. */
static void
kw_parse_dns(struct parse *p, const struct kw *kw, struct argv *w,
    int argc, char **argv)
{
	struct prefix	pfx;
	size_t		max = kw->type == T_DNS ? PPP_DNS_MAX :
			    CONF_MAX_DOMAINS;
	int		i;

	for (i = 1; i < argc; i++) {
		if (kw->type == T_DOMAINS && !domain_ok(argv[i])) {
			perr(p, p->line, "%s: %s is not a domain name",
			    kw->name, argv[i]);
			return;
		}
		if (kw->type == T_DNS && (addr_parse(argv[i], AF_INET,
		    &pfx) == -1 || pfx.addr[0] == 0 || pfx.addr[0] == 127 ||
		    pfx.addr[0] >= 224)) {
			perr(p, p->line, "%s: %s is not a unicast IPv4 "
			    "address", kw->name, argv[i]);
			return;
		}
	}
	if (w->n + (size_t)argc - 1 > max) {
		perr(p, p->line, "%s: more than %zu %s", kw->name, max,
		    kw->type == T_DNS ? "servers (IPCP carries a primary and "
		    "a secondary)" : "domains");
		return;
	}
	for (i = 1; i < argc; i++)
		argv_add(w, argv[i]);
}

/*
 * Parse the argc words of one line of kw (argv[0] is its name) into its
 * value in base: a struct conf for S_GLOBAL keywords, else a link_conf.
 */
void
kw_parse(struct parse *p, const struct kw *kw, void *base, int argc,
    char **argv)
{
	void			*field = KW_VAL(char, base, kw->off);
	struct argv	*w = field;
	struct conf_nets	*nets = field;
	struct prefix		 pfx;
	char			*why;
	int			 i;

	if (kw_types[kw->type].one && argc > 2) {
		perr(p, p->line, "%s: too many arguments", kw->name);
		return;
	}

	switch (kw->type) {
	case T_LINK:
		/* conf_parse_line() opens the scope. */
		break;
	case T_PATH:
		if (argv[1][0] != '/') {
			perr(p, p->line, "%s: %s is not an absolute path",
			    kw->name, argv[1]);
			return;
		}
		if (strlen(argv[1]) > CONF_MAX_PATH) {
			perr(p, p->line, "%s: path longer than %d bytes",
			    kw->name, CONF_MAX_PATH);
			return;
		}
		if ((kw->flags & P_SOCKET) && strlen(argv[1]) >= SUN_LEN_MAX) {
			perr(p, p->line, "%s: %s is too long for a socket "
			    "path (over %zu bytes)", kw->name, argv[1],
			    SUN_LEN_MAX - 1);
			return;
		}
		*(char **)field = xstrdup(argv[1]);
		break;
	case T_NAME:
		if (!name_ok(argv[1])) {
			perr(p, p->line, "%s: %s is not a valid name (1 to %d "
			    "of A-Z a-z 0-9 _ . -, not starting with -)",
			    kw->name, argv[1], CONF_MAX_NAME);
			return;
		}
		*(char **)field = xstrdup(argv[1]);
		break;
	case T_IFNAME:
		if (!ifname_ok(argv[1])) {
			perr(p, p->line, "%s: %s is not a valid interface "
			    "name (1 to %d of A-Z a-z 0-9 _ . -)", kw->name,
			    argv[1], CONF_IFNAME_MAX);
			return;
		}
		*(char **)field = xstrdup(argv[1]);
		break;
	case T_INT:
	case T_INTS:
		/* T_INT's one argument is checked above. */
		if (argc != 1 + kw_types[kw->type].nints) {
			perr(p, p->line, "%s: expects %s", kw->name, kw->usage);
			return;
		}
		/* A bad number is recorded; the values stay unset. */
		(void)kw_parse_ints(p, kw, base, argc - 1, argv + 1);
		break;
	case T_HOSTS:
		kw_parse_hosts(p, kw, field, argc, argv);
		break;
	case T_BOOL:
		if (strcmp(argv[1], "yes") == 0)
			*(bool *)field = true;
		else if (strcmp(argv[1], "no") == 0)
			*(bool *)field = false;
		else
			perr(p, p->line, "%s: %s is not yes or no", kw->name,
			    argv[1]);
		break;
	case T_CMD:
	case T_OPTS:
		for (i = 1; i < argc; i++) {
			if (!word_ok(argv[i])) {
				perr(p, p->line, "%s: %s has a character "
				    "outside [A-Za-z0-9_./=:@,+-]", kw->name,
				    argv[i]);
				return;
			}
		}
		/* An option and its value on one line: checked line by line. */
		if (kw->type == T_OPTS &&
		    ppp_options_check(argv + 1, (size_t)argc - 1, &why) == -1) {
			perr(p, p->line, "%s: %s", kw->name, why);
			free(why);
			return;
		}
		if (w->n + (size_t)argc - 1 > CONF_MAX_WORDS) {
			perr(p, p->line, "%s: more than %d words", kw->name,
			    CONF_MAX_WORDS);
			return;
		}
		for (i = 1; i < argc; i++)
			argv_add(w, argv[i]);
		if (words_len(w) > CONF_MAX_WORDS_LEN) {
			perr(p, p->line, "%s: longer than %d bytes in all",
			    kw->name, CONF_MAX_WORDS_LEN);
			return;
		}
		break;
	case T_ADDR4:
		if (addr_parse(argv[1], AF_INET, &pfx) == -1) {
			perr(p, p->line, "%s: %s is not an IPv4 address",
			    kw->name, argv[1]);
			return;
		}
		/* 0/8, 127/8, 224/3 (multicast, reserved, broadcast) */
		if (pfx.addr[0] == 0 || pfx.addr[0] == 127 ||
		    pfx.addr[0] >= 224) {
			perr(p, p->line, "%s: %s is not a unicast address",
			    kw->name, argv[1]);
			return;
		}
		*(struct prefix *)field = pfx;
		break;
	case T_NETS:
		for (i = 1; i < argc; i++) {
			if (nets->n >= CONF_MAX_NETS) {
				perr(p, p->line, "%s: more than %d prefixes",
				    kw->name, CONF_MAX_NETS);
				return;
			}
			if (addr_prefix_parse(argv[i], &pfx, &why) == -1) {
				perr(p, p->line, "%s: %s", kw->name, why);
				free(why);
				continue;
			}
			nets_add(nets, &pfx, p->line);
		}
		break;
	case T_PROBE:
		if (argc > 2 + kw_types[kw->type].nints) {
			perr(p, p->line, "%s: expects %s", kw->name, kw->usage);
			return;
		}
		why = http_url_shown(argv[1]);
		if (!url_ok(argv[1]))
			perr(p, p->line, "%s: %s is not an http:// or https:// "
			    "URL", kw->name, why);
		else if (!url_userinfo(p, kw, argv[1], why) &&
		    kw_parse_ints(p, kw, base, argc - 2, argv + 2) == 0)
			*(char **)field = xstrdup(argv[1]);
		free(why);
		break;
	case T_URL:
		kw_parse_url(p, kw, field, argv[1]);
		break;
	case T_DOMAINS:
	case T_DNS:
		kw_parse_dns(p, kw, w, argc, argv);
		break;
	}
}

/* "bogus: unknown keyword", with the keyword probably meant. */
