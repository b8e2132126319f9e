/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The vpn.conf parser's driver: reading the file (size, UTF-8, CR LF),
 * splitting it into lines and words, the scopes (the global one and
 * one per link block), the errors, the defaults, loading and printing.
 * The keyword table (conf-kw.c) drives it: each keyword names its
 * syntax, where its value lives (offsetof into struct conf or struct
 * link_conf, with the integers it sets and their bounds), its default
 * written as the file would write it, and whether a change on reload
 * restarts the link.  The table alone decides how a link_conf is made,
 * freed, filled with defaults, compared and printed; no field is listed
 * anywhere else except the few derived ones (vpn_peer, the default
 * ifname and host ports).  Bounds shared with pppd come from ppp.h.
 *
 * Parsing happens in three phases: the parse proper sets only what the
 * file says (kw_parse(), conf-value.c; the rest stays -1/NULL, and each
 * scope remembers the line of every keyword it wrote), then
 * conf_fill_defaults() copies global settings into the links that did
 * not set them and applies the defaults, then conf_validate()
 * (conf-check.c) checks files, required keywords and relations between
 * values and links.  Every error is "FILE:LINE: keyword: problem"; the
 * whole file is read and every error reported before the load fails.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "conf-kw.h"
#include "file.h"
#include "spell.h"
#include "xmalloc.h"

static int	conf_err_cmp(const void *, const void *);
static void	scope_free(struct scope *);
static int	conf_file_check(const char *, const struct stat *, char **);
static void	conf_parse_buffer(struct parse *, const char *, size_t);
static void	conf_parse_line(struct parse *, int, char **);
static void	conf_unknown_keyword(struct parse *, const char *);
static void	conf_equals_fix(struct parse *, int *, char **);
static void	kw_parse_link(struct parse *, int, char **);
static void	kw_set_default(struct parse *, const struct kw *, void *);
static void	conf_fill_defaults(struct parse *);
static void	conf_fill_link(struct parse *, struct scope *);
static char	*conf_join_errors(struct parse *);
static void	conf_print_link(FILE *, const struct link_conf *);
static struct conf *conf_new(void);

/* ------------------------------------------------------------ errors */

/* Record "FILE:LINE: message" (or "FILE: message" for line 0). */
void
perr(struct parse *p, int line, const char *fmt, ...)
{
	struct conf_err	*e;
	va_list		 ap;
	char		*msg;

	if (p->nerrs >= CONF_MAX_ERRORS) {
		p->too_many = true;
		return;
	}
	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	p->errs = xreallocarray(p->errs, p->nerrs + 1, sizeof(*p->errs));
	e = &p->errs[p->nerrs];
	e->line = line;
	e->seq = p->nerrs;
	if (line > 0)
		xasprintf(&e->msg, "%s:%d: %s", p->file, line, msg);
	else
		xasprintf(&e->msg, "%s: %s", p->file, msg);
	free(msg);
	p->nerrs++;
}

static int
conf_err_cmp(const void *va, const void *vb)
{
	const struct conf_err	*a = va, *b = vb;

	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a->seq < b->seq ? -1 : (a->seq > b->seq);
}

/* Every error, in line order, joined by newlines; NULL if none. */
static char *
conf_join_errors(struct parse *p)
{
	char	*out, *tmp;
	size_t	 i;

	if (p->nerrs == 0 && !p->too_many)
		return NULL;
	qsort(p->errs, p->nerrs, sizeof(*p->errs), conf_err_cmp);
	out = xstrdup("");
	for (i = 0; i < p->nerrs; i++) {
		xasprintf(&tmp, "%s%s%s", out, i == 0 ? "" : "\n",
		    p->errs[i].msg);
		free(out);
		out = tmp;
	}
	if (p->too_many) {
		xasprintf(&tmp, "%s\n%s: too many errors, only the first %d "
		    "shown", out, p->file, CONF_MAX_ERRORS);
		free(out);
		out = tmp;
	}
	return out;
}

/* ------------------------------------------------------------ parsing */

/* link NAME: a new scope, kept even when broken so its lines still parse. */
static void
kw_parse_link(struct parse *p, int argc, char **argv)
{
	struct scope	*s;
	size_t		 i;

	s = xcalloc(1, sizeof(*s));
	s->lc = link_conf_new();
	s->lc->name = xstrdup(argc > 1 ? argv[1] : "");
	s->lc->file = xstrdup(p->file);
	s->lc->line = p->line;
	p->cur = s;
	p->links = xreallocarray(p->links, p->nlinks + 1, sizeof(*p->links));
	p->links[p->nlinks++] = s;

	/* A bad scope still takes its lines but is never checked or kept. */
	if (p->nlinks > CONF_MAX_LINKS) {
		perr(p, p->line, "link: more than %d links", CONF_MAX_LINKS);
		s->bad = true;
		return;
	}
	if (argc != 2) {
		perr(p, p->line, "link: expects one NAME");
		s->bad = true;
		return;
	}
	if (!link_name_ok(argv[1])) {
		perr(p, p->line, "link: %s is not a valid link name (1 to %d "
		    "of a-z 0-9 _ -)", argv[1], CONF_LINK_NAME_MAX);
		s->bad = true;
		return;
	}
	for (i = 0; i + 1 < p->nlinks; i++) {
		if (strcmp(p->links[i]->lc->name, argv[1]) == 0) {
			perr(p, p->line, "link: %s is already defined at "
			    "line %d", argv[1], p->links[i]->lc->line);
			s->bad = true;
			return;
		}
	}
}

/* host NAME[:PORT] | [IPV6]:PORT | IPV6 ...; a PORT as the port keyword's. */

static void
scope_free(struct scope *s)
{
	if (s == NULL)
		return;
	link_conf_free(s->lc);
	free(s);
}

static void
conf_unknown_keyword(struct parse *p, const char *word)
{
	const char	*names[K__COUNT], *near;
	size_t		 i;

	/* Past the error limit the message is dropped: no alignments. */
	if (p->nerrs >= CONF_MAX_ERRORS) {
		perr(p, p->line, "%s: unknown keyword", word);
		return;
	}
	for (i = 0; i < K__COUNT; i++)
		names[i] = kw_table[i].name;
	if ((near = spell_suggest(word, names, K__COUNT)) != NULL)
		perr(p, p->line, "%s: unknown keyword (did you mean %s?)",
		    word, near);
	else
		perr(p, p->line, "%s: unknown keyword", word);
}

/*
 * "local-ip = 10.9.0.1" or "local-ip=10.9.0.1", as other formats write
 * it: say how ours is written, and take the line as if it had been
 * (the file stays refused, but no error follows from this one).
 * argv has room for one more word than *argc.
 */
static void
conf_equals_fix(struct parse *p, int *argc, char **argv)
{
	char	*eq, *line, *tmp;
	int	 i;

	if ((eq = strchr(argv[0], '=')) != NULL && eq != argv[0]) {
		*eq++ = '\0';
		if (*eq != '\0') {
			for (i = *argc; i >= 1; i--)
				argv[i + 1] = argv[i];
			argv[1] = eq;
			(*argc)++;
		}
	} else if (*argc >= 2 && argv[1][0] == '=') {
		if (argv[1][1] != '\0')
			argv[1]++;
		else {
			for (i = 1; i < *argc; i++)
				argv[i] = argv[i + 1];
			(*argc)--;
		}
	} else
		return;
	line = xstrdup(argv[0]);
	for (i = 1; i < *argc; i++) {
		xasprintf(&tmp, "%s %s", line, argv[i]);
		free(line);
		line = tmp;
	}
	perr(p, p->line, "%s: no '=' between a keyword and its value: "
	    "write '%s'", argv[0], line);
	free(line);
}

/* Dispatch one line's words to its keyword. */
static void
conf_parse_line(struct parse *p, int argc, char **argv)
{
	const struct kw	*kw = NULL;
	struct scope	*s;
	void		*base;
	size_t		 i;

	for (i = 0; i < K__COUNT; i++) {
		if (strcmp(argv[0], kw_table[i].name) == 0) {
			kw = &kw_table[i];
			break;
		}
	}
	if (kw == NULL) {
		conf_unknown_keyword(p, argv[0]);
		return;
	}
	if (kw->type == T_LINK) {
		kw_parse_link(p, argc, argv);
		return;
	}
	if (p->cur == NULL && (kw->scope & S_GLOBAL) == 0) {
		perr(p, p->line, "%s: only allowed inside a link block",
		    kw->name);
		return;
	}
	if (p->cur != NULL && (kw->scope & S_LINK) == 0) {
		perr(p, p->line, "%s: global keyword inside link %s (move it "
		    "before the first link)", kw->name, p->cur->lc->name);
		return;
	}
	if (argc < 2) {
		perr(p, p->line, "%s: missing argument", kw->name);
		return;
	}
	s = p->cur != NULL ? p->cur : &p->global;
	if (s->lines[i] != 0) {
		if (!kw_types[kw->type].list) {
			perr(p, p->line, "%s: already set at line %d",
			    kw->name, s->lines[i]);
			return;
		}
	} else
		s->lines[i] = p->line;

	base = kw->scope == S_GLOBAL ? (void *)p->conf : (void *)s->lc;
	kw_parse(p, kw, base, argc, argv);
}

/*
 * Split buf into lines, refuse the ones no keyword could want (too
 * long, NUL, invalid UTF-8, control characters), split the rest into
 * words on blanks, drop comments and hand each line to its keyword.
 */
static void
conf_parse_buffer(struct parse *p, const char *buf, size_t len)
{
	char		 line[CONF_MAX_LINE + 1];
	/* Words, a NULL, and room for conf_equals_fix() to split one. */
	char		*argv[CONF_MAX_WORDS + 3], *c;
	const char	*s, *nl;
	size_t		 off = 0, n, i;
	int		 argc;
	bool		 bad, toomany;

	while (off < len && !p->too_many) {
		s = buf + off;
		nl = memchr(s, '\n', len - off);
		n = nl != NULL ? (size_t)(nl - s) : len - off;
		off += n + (nl != NULL);
		p->line++;

		if (n > CONF_MAX_LINE) {
			perr(p, p->line, "line longer than %d bytes",
			    CONF_MAX_LINE);
			continue;
		}
		if (memchr(s, '\0', n) != NULL) {
			perr(p, p->line, "NUL byte in line");
			continue;
		}
		if (!utf8_valid((const unsigned char *)s, n)) {
			perr(p, p->line, "not valid UTF-8");
			continue;
		}
		/* DOS line endings: said once, and the lines still read. */
		if (n > 0 && s[n - 1] == '\r') {
			n--;
			if (!p->crlf) {
				p->crlf = true;
				perr(p, p->line, "DOS line endings (CR LF; "
				    "said once for the whole file): convert "
				    "it with sed -i 's/\\r$//' %s", p->file);
			}
		}
		bad = false;
		for (i = 0; i < n && !bad; i++) {
			if (s[i] == '\r') {
				perr(p, p->line, "carriage return inside the "
				    "line");
				bad = true;
			} else if (((unsigned char)s[i] < 0x20 &&
			    s[i] != '\t') || s[i] == 0x7f) {
				perr(p, p->line, "control character 0x%02x in "
				    "line", (unsigned char)s[i]);
				bad = true;
			}
		}
		if (bad)
			continue;

		memcpy(line, s, n);
		line[n] = '\0';
		argc = 0;
		toomany = false;
		for (c = line; *c != '\0';) {
			while (*c == ' ' || *c == '\t')
				*c++ = '\0';
			if (*c == '\0' || *c == '#')
				break;
			if (argc == (int)nitems(argv) - 2) {
				toomany = true;
				break;
			}
			argv[argc++] = c;
			while (*c != '\0' && *c != ' ' && *c != '\t')
				c++;
		}
		argv[argc] = NULL;
		if (toomany) {
			perr(p, p->line, "%s: too many words on one line (at "
			    "most %d)", argv[0], CONF_MAX_WORDS);
			continue;
		}
		if (argc == 0)
			continue;
		conf_equals_fix(p, &argc, argv);
		if (argc > 0)
			conf_parse_line(p, argc, argv);
	}
}

/* ----------------------------------------------------------- defaults */

/*
 * Set kw's value in base to its default, parsed as the line "NAME DEF"
 * on the current line (the link's): a default the parser refused would
 * show as an error on every link.
 */
static void
kw_set_default(struct parse *p, const struct kw *kw, void *base)
{
	char	*copy, *argv[CONF_MAX_WORDS + 2], *word, *last;
	int	 argc = 0;

	copy = xstrdup(kw->def);
	argv[argc++] = (char *)kw->name;
	for (word = strtok_r(copy, " ", &last);
	    word != NULL && argc < (int)nitems(argv) - 1;
	    word = strtok_r(NULL, " ", &last))
		argv[argc++] = word;
	argv[argc] = NULL;
	kw_parse(p, kw, base, argc, argv);
	free(copy);
}

/* Was id written in this link, or at global scope for every link? */
bool
kw_written(struct parse *p, struct scope *s, enum kw_id id)
{
	if (s->lines[id] != 0)
		return true;
	return kw_table[id].scope == S_BOTH && p->global.lines[id] != 0;
}

/*
 * Give a link everything it did not write: the global value if there is
 * one, else the default.  A keyword that was written but did not parse
 * stays unset, so its error is not followed by a second one about a
 * default it never asked for.
 */
static void
conf_fill_link(struct parse *p, struct scope *s)
{
	struct link_conf	*lc = s->lc;
	const struct kw		*kw;
	size_t			 i;

	p->line = lc->line;
	for (i = 0; i < K__COUNT; i++) {
		kw = &kw_table[i];
		if ((kw->scope & S_LINK) == 0 || kw->type == T_LINK)
			continue;
		if (kw->scope == S_BOTH && s->lines[i] == 0 &&
		    p->global.lines[i] != 0)
			kw_value_copy(kw, lc, p->global.lc);
		else if (kw->def != NULL && !kw_written(p, s, i))
			kw_set_default(p, kw, lc);
	}

	/* The defaults that follow from other values. */
	for (i = 0; i < lc->hosts.n; i++) {
		if (lc->hosts.v[i].port == -1)
			lc->hosts.v[i].port = lc->port;
	}
	lc->vpn_peer = lc->remote_command.n == 1 &&
	    strcmp(lc->remote_command.v[0], "vpn-peer") == 0;
	if (!kw_written(p, s, K_IFNAME)) {
		if (strlen(CONF_IFNAME_PREFIX) + strlen(lc->name) >
		    CONF_IFNAME_MAX)
			perr(p, lc->line, "link %s: a link name over %zu "
			    "characters needs an explicit ifname", lc->name,
			    CONF_IFNAME_MAX - strlen(CONF_IFNAME_PREFIX));
		else
			xasprintf(&lc->ifname, "%s%s", CONF_IFNAME_PREFIX,
			    lc->name);
	}
	if (!kw_written(p, s, K_REMOTE_IFNAME) && lc->ifname != NULL)
		lc->remote_ifname = xstrdup(lc->ifname);
}

static void
conf_fill_defaults(struct parse *p)
{
	const struct kw	*kw;
	size_t		 i;

	p->line = 0;
	for (i = 0; i < K__COUNT; i++) {
		kw = &kw_table[i];
		if (kw->scope == S_GLOBAL && kw->def != NULL &&
		    p->global.lines[i] == 0)
			kw_set_default(p, kw, p->conf);
	}
	for (i = 0; i < p->nlinks; i++) {
		if (!p->links[i]->bad)
			conf_fill_link(p, p->links[i]);
	}
}

/* ------------------------------------------------------------ loading */

static struct conf *
conf_new(void)
{
	struct conf	*c = xcalloc(1, sizeof(struct conf));

	conf_globals_init(c);
	return c;
}

struct conf *
conf_load_buffer(const char *name, const char *buf, size_t len,
    char **cause)
{
	struct parse	 p;
	struct conf	*c;
	size_t		 i;

	memset(&p, 0, sizeof(p));
	p.file = name;
	p.conf = conf_new();
	p.conf->file = xstrdup(name);
	p.global.lc = link_conf_new();
	*cause = NULL;

	if (len > CONF_MAX_SIZE)
		perr(&p, 0, "larger than the %d byte limit, refusing",
		    CONF_MAX_SIZE);
	else {
		conf_parse_buffer(&p, buf, len);
		if (!p.too_many) {
			conf_fill_defaults(&p);
			conf_validate(&p);
		}
	}

	c = p.conf;
	if ((*cause = conf_join_errors(&p)) == NULL && p.nlinks > 0) {
		c->links = xreallocarray(NULL, p.nlinks, sizeof(*c->links));
		for (i = 0; i < p.nlinks; i++) {
			c->links[i] = p.links[i]->lc;
			p.links[i]->lc = NULL;
		}
		c->nlinks = p.nlinks;
	}
	if (*cause != NULL) {
		conf_free(c);
		c = NULL;
	}

	for (i = 0; i < p.nerrs; i++)
		free(p.errs[i].msg);
	free(p.errs);
	for (i = 0; i < p.nlinks; i++)
		scope_free(p.links[i]);
	free(p.links);
	link_conf_free(p.global.lc);
	return c;
}

/* A config file root (or we) alone may write. */
static int
conf_file_check(const char *path, const struct stat *st, char **cause)
{
	if ((st->st_mode & 022) != 0) {
		xasprintf(cause, "%s: group or world writable (mode %04o), "
		    "refusing", path, (unsigned)(st->st_mode & 07777));
		return -1;
	}
	if (st->st_uid != 0 && st->st_uid != geteuid()) {
		xasprintf(cause, "%s: owned by uid %u, not root, refusing",
		    path, (unsigned)st->st_uid);
		return -1;
	}
	return 0;
}

struct conf *
conf_load(const char *path, char **cause)
{
	struct conf	*c;
	char		*buf;
	size_t		 len;

	*cause = NULL;
	if (file_read(path, CONF_MAX_SIZE, conf_file_check, &buf, &len,
	    cause) == -1)
		return NULL;
	c = conf_load_buffer(path, buf, len, cause);
	free(buf);
	return c;
}

void
conf_free(struct conf *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nlinks; i++)
		link_conf_free(c->links[i]);
	free(c->links);
	for (i = 0; i < K__COUNT; i++) {
		if (kw_table[i].scope == S_GLOBAL)
			kw_value_free(&kw_table[i], c);
	}
	free(c->file);
	free(c);
}

const struct link_conf *
conf_link_find(const struct conf *c, const char *name)
{
	size_t	i;

	for (i = 0; i < c->nlinks; i++) {
		if (strcmp(c->links[i]->name, name) == 0)
			return c->links[i];
	}
	return NULL;
}

/* ----------------------------------------------------------- printing */

static void
conf_print_link(FILE *f, const struct link_conf *lc)
{
	const struct kw	*kw;
	size_t		 i;

	fprintf(f, "\nlink %s\n", lc->name);
	for (i = 0; i < K__COUNT; i++) {
		kw = &kw_table[i];
		if ((kw->scope & S_LINK) == 0 || kw->type == T_LINK)
			continue;
		/* vpn-peer decides these itself (conf_validate_link()). */
		if (lc->vpn_peer && (kw->flags & K_NOT_PEER))
			continue;
		/* The queue of a link that notifies nobody: noise. */
		if (i == K_NOTIFY_QUEUE && lc->notify_url == NULL)
			continue;
		kw_value_print(f, "\t", kw, lc);
	}
}

void
conf_print(FILE *f, const struct conf *c)
{
	size_t	i;

	for (i = 0; i < K__COUNT; i++) {
		if (kw_table[i].scope == S_GLOBAL)
			kw_value_print(f, "", &kw_table[i], c);
	}
	for (i = 0; i < c->nlinks; i++)
		conf_print_link(f, c->links[i]);
}
