/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * What the vpn.conf parser's files share (conf.c, conf-kw.c,
 * conf-value.c, conf-check.c; nothing else includes this): the keyword
 * table's types (where a keyword may appear, how it is written, how its
 * value is kept, its integers and bounds, its default, whether a change
 * restarts the link), the parse state with its scopes and errors, and
 * the few functions one of those files calls in another.
 */
#ifndef PPPSSH_CONF_KW_H
#define PPPSSH_CONF_KW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "addr.h"
#include "argv.h"
#include "conf.h"

#ifndef VPN_KNOWN_HOSTS
#define VPN_KNOWN_HOSTS		"/etc/vpn/known_hosts"
#endif

#define CONF_IFNAME_PREFIX	"vpn-"

#define CONF_MAX_PATH		1024	/* bytes in a path */
#define CONF_MAX_URL		2048	/* bytes in a URL */
#define CONF_MAX_WORDS_LEN	2048	/* bytes in one option list */
#define CONF_MAX_NAME		32	/* user and group names */
#define CONF_MAX_DOMAINS	16	/* dns-domains per link */

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
	T_URL,		/* one URL, see U_* */
	T_DOMAINS,	/* DOMAIN..., accumulates */
	T_DNS		/* IPv4 ADDR..., accumulates, PPP_DNS_MAX in all */
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
struct kw_type_info {
	enum kw_store	 store;
	int		 nints;		/* integers in kw->ints; -1: unset */
	bool		 one;		/* exactly one argument */
	bool		 list;		/* may be repeated: accumulates */
};
extern const struct kw_type_info kw_types[];

/* Keyword ids, in canonical print order. */
enum kw_id {
	K_CONTROL_SOCKET,
	K_CONTROL_GROUP,
	K_CA_FILE,
	K_CA_PATH,
	K_MAX_DIALS,
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
	K_FQ_CODEL,
	K_AUTOSTART,
	K_DNS,
	K_DNS_DOMAINS,
	K_REMOTE_DNS,
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

/* The keyword table (conf-kw.c), indexed by enum kw_id. */
extern const struct kw kw_table[K__COUNT];

void	perr(struct parse *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
bool	utf8_valid(const unsigned char *, size_t);
bool	link_name_ok(const char *);
void	kw_value_free(const struct kw *, void *);
void	kw_value_copy(const struct kw *, void *, const void *);
void	kw_value_print(FILE *, const char *, const struct kw *,
		    const void *);
struct link_conf *link_conf_new(void);
/* Unset every global keyword's value in c (zeroed): -1 and NULL. */
void	conf_globals_init(struct conf *);
void	link_conf_free(struct link_conf *);
void	kw_parse(struct parse *, const struct kw *, void *, int,
		    char **);
bool	kw_written(struct parse *, struct scope *, enum kw_id);
void	conf_validate(struct parse *);

#endif
