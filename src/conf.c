/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The vpn.conf parser.  A keyword table drives it: each keyword names
 * its syntax, where its value lives (offsetof into struct conf or struct
 * link_conf, with the integers it sets and their bounds), its default
 * written as the file would write it, and whether a change on reload
 * restarts the link.  The table alone decides how a link_conf is made,
 * freed, filled with defaults, compared and printed; no field is listed
 * anywhere else except the few derived ones (vpn_peer, the default
 * ifname and host ports).  Bounds shared with pppd come from ppp.h.
 *
 * Parsing happens in three phases: the parse proper sets only what the
 * file says (the rest stays -1/NULL, and each scope remembers the line
 * of every keyword it wrote), then conf_fill_defaults() copies global
 * settings into the links that did not set them and applies the
 * defaults, then conf_validate() checks files, required keywords and
 * relations between values and links.  Every error is "FILE:LINE:
 * keyword: problem"; the whole file is read and every error reported
 * before the load fails.
 *
 * One file because the table and the switches over its types are one
 * piece: parsing, defaults, comparison and printing read the same rows.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "conf.h"
#include "farend.h"
#include "file.h"
#include "http.h"
#include "ppp.h"
#include "spell.h"
#include "xmalloc.h"

#ifndef VPN_KNOWN_HOSTS
#define VPN_KNOWN_HOSTS		"/etc/vpn/known_hosts"
#endif

#define CONF_IFNAME_PREFIX	"vpn-"

#define CONF_MAX_PATH		1024	/* bytes in a path */
#define CONF_MAX_URL		2048	/* bytes in a URL */
#define CONF_MAX_WORDS_LEN	2048	/* bytes in one option list */
#define CONF_MAX_NAME		32	/* user and group names */

#define nitems(a)		(sizeof(a) / sizeof((a)[0]))
#define SUN_LEN_MAX		sizeof(((struct sockaddr_un *)0)->sun_path)

/* Where a keyword may appear. */
#define S_GLOBAL	0x1	/* before the first link only */
#define S_LINK		0x2	/* inside a link block only */
#define S_BOTH		0x3	/* global: default for links; link: override */

/* Checks on a path, run by conf_validate(). */
#define P_EXISTS	0x1	/* must be a regular file */
#define P_SECRET	0x2	/* not group/world readable or writable */
#define P_EXEC		0x4	/* must be executable */
#define P_SOCKET	0x8	/* must fit sun_path */
#define P_DIR		0x10	/* must be a directory */

/* Checks on a URL (T_URL). */
#define U_HTTPS		0x1	/* https:// only */
#define U_DDNS		0x2	/* a dyndns2 update URL */

/* Checks of any keyword. */
#define K_REQUIRED	0x100	/* every link must have it */
#define K_ORDERED	0x200	/* T_INTS: the first is at most the second */
#define K_NOT_PEER	0x400	/* not with remote-command vpn-peer */

/* How a keyword is written. */
enum kw_type {
	T_LINK,		/* link NAME */
	T_PATH,		/* absolute path, see P_* */
	T_NAME,		/* user or group name */
	T_IFNAME,	/* interface name */
	T_INT,		/* one integer */
	T_INTS,		/* two integers, see kw->usage */
	T_BOOL,		/* yes | no */
	T_HOSTS,	/* host NAME[:PORT]..., accumulates */
	T_CMD,		/* WORD..., restricted charset */
	T_OPTS,		/* pppd options, accumulates, no command options */
	T_ADDR4,	/* one unicast IPv4 address */
	T_NETS,		/* PREFIX..., accumulates */
	T_PROBE,	/* URL [INTERVAL [FAILURES]] */
	T_URL		/* one URL, see U_* */
};

/* How a value is kept at kw->off; the integers are kw->ints. */
enum kw_store {
	V_NONE,		/* nothing: integers only */
	V_STR,		/* char *; NULL: unset */
	V_WORDS,	/* struct argv */
	V_BOOL,		/* bool */
	V_ADDR,		/* struct prefix; AF_UNSPEC: unset */
	V_NETS,		/* struct conf_nets */
	V_HOSTS		/* struct conf_hosts */
};

/* What each type keeps, and what a line of it may look like. */
static const struct {
	enum kw_store	 store;
	int		 nints;		/* integers in kw->ints; -1: unset */
	bool		 one;		/* exactly one argument */
	bool		 list;		/* may be repeated: accumulates */
} kw_types[] = {
	[T_LINK] =	{ V_STR,	0, false, false },
	[T_PATH] =	{ V_STR,	0, true,  false },
	[T_NAME] =	{ V_STR,	0, true,  false },
	[T_IFNAME] =	{ V_STR,	0, true,  false },
	[T_INT] =	{ V_NONE,	1, true,  false },
	[T_INTS] =	{ V_NONE,	2, false, false },
	[T_BOOL] =	{ V_BOOL,	0, true,  false },
	[T_HOSTS] =	{ V_HOSTS,	0, false, true },
	[T_CMD] =	{ V_WORDS,	0, false, false },
	[T_OPTS] =	{ V_WORDS,	0, false, true },
	[T_ADDR4] =	{ V_ADDR,	0, true,  false },
	[T_NETS] =	{ V_NETS,	0, false, true },
	[T_PROBE] =	{ V_STR,	2, false, false },
	[T_URL] =	{ V_STR,	0, true,  false },
};

/* Keyword ids, in canonical print order. */
enum kw_id {
	K_CONTROL_SOCKET,
	K_CONTROL_GROUP,
	K_CA_FILE,
	K_CA_PATH,
	K_METRICS_FILE,
	K_METRICS_INTERVAL,
	K_LINK,
	K_HOST,
	K_PORT,
	K_USER,
	K_IDENTITY,
	K_KNOWN_HOSTS,
	K_LOCAL_IP,
	K_REMOTE_IP,
	K_REMOTE_NET,
	K_LOCAL_NET,
	K_IFNAME,
	K_REMOTE_IFNAME,
	K_REMOTE_COMMAND,
	K_REMOTE_IP_COMMAND,
	K_PPPD,
	K_PPPD_OPTIONS,
	K_REMOTE_PPPD_OPTIONS,
	K_KEEPALIVE,
	K_BACKOFF,
	K_CONNECT_TIMEOUT,
	K_MTU,
	K_COMPRESSION,
	K_AUTOSTART,
	K_PROBE,
	K_DDNS,
	K_DDNS_CREDENTIALS,
	K_NOTIFY,
	K_NOTIFY_QUEUE,
	K__COUNT
};

/* One integer a keyword sets. */
struct kw_int {
	const char	*what;		/* "interval"; NULL: the only value */
	size_t		 off;
	int		 min, max;
	int		 omitted;	/* T_PROBE: the value when left out */
};

struct kw {
	const char	*name;
	int		 scope;		/* S_* */
	enum kw_type	 type;
	size_t		 off;		/* in conf (S_GLOBAL), else link_conf */
	struct kw_int	 ints[2];	/* kw_types[type].nints of them */
	const char	*usage;		/* T_INTS, T_PROBE: its arguments */
	/*
	 * The value when the file does not set the keyword (for a link:
	 * neither in the link nor globally), as a line of the file would
	 * write it, and parsed like one.  NULL: none, the value stays unset,
	 * or one conf_fill_link() derives from other values.
	 */
	const char	*def;
	/*
	 * A change on reload restarts the link (link_conf_equal() compares
	 * it).  false: vpnd applies the new value to the running link
	 * (linkhttp_reload()); for S_GLOBAL keywords, not a link's setting.
	 */
	bool		 restart;
	int		 flags;		/* K_*; T_PATH: P_*, T_URL: U_* */
};

/* One scope: the global defaults or one link, and where it set what. */
struct scope {
	struct link_conf	*lc;
	int			 lines[K__COUNT];	/* 0: not written */
	bool			 bad;	/* broken header: parse, skip checks */
};

struct conf_err {
	int		 line;
	size_t		 seq;
	char		*msg;
};

struct parse {
	const char	 *file;
	struct conf	 *conf;
	struct scope	  global;	/* S_BOTH values set at global scope */
	struct scope	**links;
	size_t		  nlinks;
	struct scope	 *cur;		/* NULL: global scope */
	int		  line;
	struct conf_err	 *errs;
	size_t		  nerrs;
	bool		  too_many;
	bool		  crlf;		/* a CR LF line was reported */
	bool		  checked_default[K__COUNT];
};

#define GC(f)	offsetof(struct conf, f)
#define LC(f)	offsetof(struct link_conf, f)
/* An integer of a link_conf, its bounds, its value when left out. */
#define LI(what, f, min, max, omitted) \
	{ what, LC(f), min, max, omitted }

/* The value of a keyword in a struct conf or link_conf. */
#define KW_VAL(type, base, off) \
	((type *)(void *)((char *)(base) + (off)))
#define KW_CVAL(type, base, off) \
	((const type *)(const void *)((const char *)(base) + (off)))

static const struct kw kw_table[K__COUNT] = {
	[K_CONTROL_SOCKET] = { "control-socket", S_GLOBAL, T_PATH,
	    GC(control_socket), .def = CONF_CONTROL_SOCKET,
	    .flags = P_SOCKET },
	[K_CONTROL_GROUP] = { "control-group", S_GLOBAL, T_NAME,
	    GC(control_group), .def = CONF_CONTROL_GROUP },
	[K_CA_FILE] = { "ca-file", S_GLOBAL, T_PATH, GC(ca_file),
	    .flags = P_EXISTS },
	[K_CA_PATH] = { "ca-path", S_GLOBAL, T_PATH, GC(ca_path),
	    .flags = P_DIR },
	[K_METRICS_FILE] = { "metrics-file", S_GLOBAL, T_PATH,
	    GC(metrics_file) },
	[K_METRICS_INTERVAL] = { "metrics-interval", S_GLOBAL, T_INT, 0,
	    { { NULL, GC(metrics_interval), 1, 3600, -1 } }, .def = "15" },
	[K_LINK] = { "link", S_BOTH, T_LINK, LC(name), .restart = true },
	[K_HOST] = { "host", S_BOTH, T_HOSTS, LC(hosts), .restart = true,
	    .flags = K_REQUIRED },
	[K_PORT] = { "port", S_BOTH, T_INT, 0,
	    { LI(NULL, port, 1, 65535, -1) }, .def = "22", .restart = true },
	[K_USER] = { "user", S_BOTH, T_NAME, LC(user), .def = "vpn",
	    .restart = true },
	[K_IDENTITY] = { "identity", S_BOTH, T_PATH, LC(identity),
	    .restart = true, .flags = K_REQUIRED | P_EXISTS | P_SECRET },
	[K_KNOWN_HOSTS] = { "known-hosts", S_BOTH, T_PATH, LC(known_hosts),
	    .def = VPN_KNOWN_HOSTS, .restart = true, .flags = P_EXISTS },
	[K_LOCAL_IP] = { "local-ip", S_LINK, T_ADDR4, LC(local_ip),
	    .restart = true, .flags = K_REQUIRED },
	[K_REMOTE_IP] = { "remote-ip", S_LINK, T_ADDR4, LC(remote_ip),
	    .restart = true, .flags = K_REQUIRED },
	[K_REMOTE_NET] = { "remote-net", S_LINK, T_NETS, LC(remote_nets),
	    .restart = true },
	[K_LOCAL_NET] = { "local-net", S_LINK, T_NETS, LC(local_nets),
	    .restart = true },
	[K_IFNAME] = { "ifname", S_LINK, T_IFNAME, LC(ifname),
	    .restart = true },
	[K_REMOTE_IFNAME] = { "remote-ifname", S_LINK, T_IFNAME,
	    LC(remote_ifname), .restart = true },
	[K_REMOTE_COMMAND] = { "remote-command", S_BOTH, T_CMD,
	    LC(remote_command), .def = "sudo -n /usr/sbin/pppd",
	    .restart = true },
	[K_REMOTE_IP_COMMAND] = { "remote-ip-command", S_BOTH, T_CMD,
	    LC(remote_ip_command), .def = "sudo -n /sbin/ip",
	    .restart = true, .flags = K_NOT_PEER },
	[K_PPPD] = { "pppd", S_BOTH, T_PATH, LC(pppd),
	    .def = "/usr/sbin/pppd", .restart = true,
	    .flags = P_EXISTS | P_EXEC },
	[K_PPPD_OPTIONS] = { "pppd-options", S_BOTH, T_OPTS,
	    LC(pppd_options), .restart = true },
	[K_REMOTE_PPPD_OPTIONS] = { "remote-pppd-options", S_BOTH, T_OPTS,
	    LC(remote_pppd_options), .restart = true, .flags = K_NOT_PEER },
	[K_KEEPALIVE] = { "keepalive", S_BOTH, T_INTS, 0, {
		LI("interval", keepalive.interval, 1, PPP_ECHO_INTERVAL_MAX,
		    -1),
		LI("misses", keepalive.misses, 1, PPP_ECHO_FAILURE_MAX, -1) },
	    .usage = "INTERVAL MISSES", .def = "10 3", .restart = true },
	[K_BACKOFF] = { "backoff", S_BOTH, T_INTS, 0, {
		LI("min", backoff.min, 1, 86400, -1),
		LI("cap", backoff.cap, 1, 86400, -1) },
	    .usage = "MIN CAP", .def = "1 300", .restart = true,
	    .flags = K_ORDERED },
	[K_CONNECT_TIMEOUT] = { "connect-timeout", S_BOTH, T_INT, 0,
	    { LI(NULL, connect_timeout, 1, 300, -1) }, .def = "10",
	    .restart = true },
	/* No default: pppd's own. */
	[K_MTU] = { "mtu", S_BOTH, T_INT, 0,
	    { LI(NULL, mtu, PPP_MTU_MIN, PPP_MTU_MAX, -1) },
	    .restart = true },
	[K_COMPRESSION] = { "compression", S_BOTH, T_BOOL, LC(compression),
	    .def = "no", .restart = true },
	[K_AUTOSTART] = { "autostart", S_BOTH, T_BOOL, LC(autostart),
	    .def = "yes", .restart = true },
	[K_PROBE] = { "probe", S_LINK, T_PROBE, LC(probe_url), {
		LI("interval", probe_interval, 1, 3600, 30),
		LI("failures", probe_failures, 1, 100, 3) },
	    .usage = "URL [INTERVAL [FAILURES]]", .restart = true },
	[K_DDNS] = { "ddns", S_LINK, T_URL, LC(ddns_url),
	    .flags = U_HTTPS | U_DDNS },
	[K_DDNS_CREDENTIALS] = { "ddns-credentials", S_BOTH, T_PATH,
	    LC(ddns_credentials), .flags = P_EXISTS | P_SECRET },
	[K_NOTIFY] = { "notify", S_BOTH, T_URL, LC(notify_url),
	    .flags = U_HTTPS },
	[K_NOTIFY_QUEUE] = { "notify-queue", S_BOTH, T_INT, 0,
	    { LI(NULL, notify_queue, 1, 1000, -1) }, .def = "16" },
};

/*
 * pppd options that run a program or load code; refused in both option
 * lists so a config can never turn into a command line.
 */
static const char *const pppd_refused[] = {
	"pty", "connect", "disconnect", "init", "welcome", "plugin", "file",
	"call", "ip-up-script", "ip-down-script", "ipv6-up-script",
	"ipv6-down-script"
};

static void	perr(struct parse *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static int	conf_err_cmp(const void *, const void *);
static int	net_ref_cmp(const void *, const void *);
static bool	utf8_valid(const unsigned char *, size_t);
static int	parse_int(struct parse *, const struct kw *, const char *,
		    const char *, int, int, int *);
static bool	word_ok(const char *);
static bool	name_ok(const char *);
static bool	ifname_ok(const char *);
static bool	link_name_ok(const char *);
static bool	host_name_ok(const char *);
static bool	url_ok(const char *);
static size_t	words_len(const struct argv *);
static void	nets_add(struct conf_nets *, const struct prefix *, int);
static void	hosts_add(struct conf_hosts *, char *, int, int);
static void	kw_value_init(const struct kw *, void *);
static void	kw_value_free(const struct kw *, void *);
static void	kw_value_copy(const struct kw *, void *, const void *);
static bool	kw_value_equal(const struct kw *, const void *, const void *);
static void	kw_value_print(FILE *, const char *, const struct kw *,
		    const void *);
static struct link_conf *link_conf_new(void);
static void	link_conf_free(struct link_conf *);
static void	scope_free(struct scope *);
static int	conf_file_check(const char *, const struct stat *, char **);
static void	conf_parse_buffer(struct parse *, const char *, size_t);
static void	conf_parse_line(struct parse *, int, char **);
static void	conf_unknown_keyword(struct parse *, const char *);
static void	conf_equals_fix(struct parse *, int *, char **);
static void	kw_parse_link(struct parse *, int, char **);
static void	kw_parse_hosts(struct parse *, const struct kw *,
		    struct conf_hosts *, int, char **);
static int	kw_parse_ints(struct parse *, const struct kw *, void *,
		    int, char **);
static void	kw_parse_url(struct parse *, const struct kw *, void *,
		    const char *);
static void	kw_parse(struct parse *, const struct kw *, void *, int,
		    char **);
static void	kw_set_default(struct parse *, const struct kw *, void *);
static void	conf_fill_defaults(struct parse *);
static void	conf_fill_link(struct parse *, struct scope *);
static bool	kw_written(struct parse *, struct scope *, enum kw_id);
static void	conf_validate(struct parse *);
static void	conf_check_path(struct parse *, int, const char *,
		    const struct kw *, const char *, bool);
static void	conf_check_scope_paths(struct parse *, struct scope *);
static void	conf_validate_link(struct parse *, struct scope *);
static void	conf_validate_probe(struct parse *, struct scope *);
static void	conf_validate_prefix(struct parse *, struct scope *,
		    enum kw_id, const struct argv *);
static void	conf_validate_links(struct parse *);
static void	conf_validate_remote_nets(struct parse *);
static char	*conf_join_errors(struct parse *);
static void	conf_print_link(FILE *, const struct link_conf *);
static struct conf *conf_new(void);

/* ------------------------------------------------------------ errors */

/* Record "FILE:LINE: message" (or "FILE: message" for line 0). */
static void
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

/* ---------------------------------------------------- lexical checks */

/* Strict UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF. */
static bool
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
static bool
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

static void
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
static void
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
static void
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
static struct link_conf *
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

static void
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

static void
scope_free(struct scope *s)
{
	if (s == NULL)
		return;
	link_conf_free(s->lc);
	free(s);
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
static void
kw_parse_url(struct parse *p, const struct kw *kw, void *field,
    const char *url)
{
	char	*host = NULL, *query = NULL, *cause = NULL, *q, *last;
	bool	 https, named = false;

	if (!url_ok(url)) {
		perr(p, p->line, "%s: %s is not an http:// or https:// URL",
		    kw->name, url);
		return;
	}
	if (strchr(url, '#') != NULL) {
		perr(p, p->line, "%s: %s has a #fragment", kw->name, url);
		return;
	}
	if (http_url_split(url, &https, &host, &query, &cause) == -1) {
		perr(p, p->line, "%s: %s: %s", kw->name, url, cause);
		free(cause);
		return;
	}
	if ((kw->flags & U_HTTPS) && !https) {
		perr(p, p->line, "%s: %s is not an https:// URL (only the "
		    "probe may use plain http)", kw->name, url);
		goto out;
	}
	if (kw->flags & U_DDNS) {
		for (q = query != NULL ? strtok_r(query, "&", &last) : NULL;
		    q != NULL;
		    q = strtok_r(NULL, "&", &last)) {
			if (strncmp(q, "hostname=", 9) == 0 && q[9] != '\0')
				named = true;
			if (strncmp(q, "myip=", 5) == 0) {
				perr(p, p->line, "%s: %s sets myip= (vpnd adds "
				    "it)", kw->name, url);
				goto out;
			}
		}
		if (!named) {
			perr(p, p->line, "%s: %s has no hostname= parameter",
			    kw->name, url);
			goto out;
		}
	}
	*(char **)field = xstrdup(url);
out:
	free(host);
	free(query);
}

/*
 * Parse the argc words of one line of kw (argv[0] is its name) into its
 * value in base: a struct conf for S_GLOBAL keywords, else a link_conf.
 */
static void
kw_parse(struct parse *p, const struct kw *kw, void *base, int argc,
    char **argv)
{
	void			*field = KW_VAL(char, base, kw->off);
	struct argv	*w = field;
	struct conf_nets	*nets = field;
	struct prefix		 pfx;
	char			*why;
	size_t			 k;
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
			if (kw->type == T_CMD)
				continue;
			for (k = 0; k < nitems(pppd_refused); k++) {
				if (strcmp(argv[i], pppd_refused[k]) == 0) {
					perr(p, p->line, "%s: %s is refused "
					    "(it runs a program or loads code)",
					    kw->name, argv[i]);
					return;
				}
			}
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
		if (!url_ok(argv[1])) {
			perr(p, p->line, "%s: %s is not an http:// or https:// "
			    "URL", kw->name, argv[1]);
			return;
		}
		if (kw_parse_ints(p, kw, base, argc - 2, argv + 2) == 0)
			*(char **)field = xstrdup(argv[1]);
		break;
	case T_URL:
		kw_parse_url(p, kw, field, argv[1]);
		break;
	}
}

/* "bogus: unknown keyword", with the keyword probably meant. */
static void
conf_unknown_keyword(struct parse *p, const char *word)
{
	const char	*names[K__COUNT], *near;
	size_t		 i;

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
static bool
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

/* --------------------------------------------------------- validation */

/*
 * Check a file named by kw: it exists, is a regular file, and is not
 * group or world writable (P_SECRET: not accessible at all).  prefix
 * ("link NAME: ") and dflt say where a default value came from.
 */
static void
conf_check_path(struct parse *p, int line, const char *prefix,
    const struct kw *kw, const char *path, bool dflt)
{
	struct stat	 st;
	const char	*d = dflt ? " (default)" : "";

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
	size_t			 i;
	bool			 https, inside = false;

	if (http_url_split(lc->probe_url, &https, &host, &query,
	    &cause) == -1) {
		perr(p, s->lines[K_PROBE], "probe: %s: %s", lc->probe_url,
		    cause);
		free(cause);
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
			    "link %s (use https://)", lc->probe_url, host,
			    lc->name);
	}
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

static void
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

/* ------------------------------------------------------------ loading */

static struct conf *
conf_new(void)
{
	struct conf	*c = xcalloc(1, sizeof(struct conf));
	size_t		 i;

	for (i = 0; i < K__COUNT; i++)
		if (kw_table[i].scope == S_GLOBAL)
			kw_value_init(&kw_table[i], c);
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
