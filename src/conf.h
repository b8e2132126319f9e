/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * vpn.conf: the parsed, defaulted and validated configuration.  A
 * struct conf owns everything below it; conf_free() releases it all.
 * Every field of a struct link_conf returned by conf_load() is filled:
 * defaults are applied, so readers never see "unset" except where
 * documented (mtu, probe_url, ddns_url, notify_url, ...).
 */
#ifndef PPPSSH_CONF_H
#define PPPSSH_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "addr.h"
#include "argv.h"

#define CONF_MAX_SIZE		(1024 * 1024)	/* bytes in a config file */
#define CONF_MAX_LINE		4096		/* bytes in one line */
#define CONF_MAX_ERRORS		20		/* then "too many errors" */
#define CONF_MAX_LINKS		1024
#define CONF_MAX_HOSTS		16		/* host lines per link */
#define CONF_MAX_NETS		256		/* per remote-net/local-net */
#define CONF_MAX_WORDS		64		/* per command or option list */
#define CONF_PEER_MAX_NETS	16		/* local-nets vpn-peer takes */
#define CONF_LINK_NAME_MAX	15		/* [a-z0-9_-]{1,15} */
#define CONF_IFNAME_MAX		15		/* IFNAMSIZ - 1 */

/* The default control socket and group; vpnctl uses them too. */
#define CONF_CONTROL_SOCKET	VPN_RUNDIR "/vpnd.sock"
#define CONF_CONTROL_GROUP	"vpn"

struct conf_host {
	char		 *name;		/* DNS name or address literal */
	int		  port;		/* :PORT, else the link's port */
	int		  line;		/* where it was written */
};

struct conf_hosts {
	struct conf_host *v;
	size_t		  n;
};

struct conf_net {
	struct prefix	  prefix;	/* host bits clear, not v4-mapped */
	int		  line;		/* where it was written */
};

struct conf_nets {
	struct conf_net	 *v;
	size_t		  n;
};

struct link_conf {
	char		*name;		/* [a-z0-9_-]{1,15} */
	char		*file;		/* file and line of "link NAME" */
	int		 line;

	struct conf_hosts hosts;	/* >= 1, tried in order */
	int		 port;		/* default SSH port (22) */
	char		*user;		/* SSH user ("vpn") */
	char		*identity;	/* private key, absolute, mode 0600 */
	char		*known_hosts;	/* absolute; strict host key check */
	struct argv	 remote_command;  /* remote pppd argv prefix */
	bool		 vpn_peer;	/* remote_command is just "vpn-peer" */
	struct argv	 remote_ip_command; /* remote "ip" argv prefix */
	char		*pppd;		/* local pppd, absolute */
	struct argv	 pppd_options;	/* extra local pppd words (n >= 0) */
	struct argv	 remote_pppd_options; /* extra remote ones */
	struct {
		int	 interval;	/* seconds, 1..3600 (10) */
		int	 misses;	/* 1..100 (3) */
	} keepalive;
	struct {
		int	 min;		/* first delay, seconds (1) */
		int	 cap;		/* largest delay, seconds (300) */
	} backoff;
	int		 connect_timeout; /* seconds, 1..300 (10) */
	int		 mtu;		/* 576..9000, or -1: pppd's default */
	bool		 compression;	/* false: pppd noccp etc. */
	bool		 fq_codel;	/* root qdisc of our ppp interface */
	bool		 autostart;	/* dial when vpnd starts */
	bool		 dns;		/* apply the far end's name servers */
	struct argv	 dns_domains;	/* routed to them (split DNS); n >= 0 */
	struct argv	 remote_dns;	/* the far pppd offers (ms-dns) */

	struct prefix	 local_ip;	/* IPv4, len 32 */
	struct prefix	 remote_ip;	/* IPv4, len 32 */
	struct conf_nets remote_nets;	/* routed into the link (n >= 0) */
	struct conf_nets local_nets;	/* routed back by the far end */
	char		*ifname;	/* local ppp interface */
	char		*remote_ifname;	/* far end's ppp interface */

	char		*probe_url;	/* NULL: no probe */
	int		 probe_interval; /* seconds (30) */
	int		 probe_failures; /* misses before redial (3) */

	/*
	 * Not part of link_conf_equal() (the keyword table's restart
	 * column in conf.c): vpnd applies a change of these without
	 * restarting the link.
	 */
	char		*ddns_url;	/* https://, has hostname=; NULL */
	char		*ddns_credentials; /* "user:password" file; NULL */
	char		*notify_url;	/* https://; NULL: no notifications */
	int		 notify_queue;	/* documents kept, 1..1000 (16) */
};

struct conf {
	char		 *file;		/* as given to conf_load() */
	char		 *control_socket;
	char		 *control_group;
	char		 *ca_file;	/* verifies TLS peers; NULL: system */
	char		 *ca_path;	/* directory of CA certificates; NULL */
	int		  max_dials;	/* links dialing at once, 1..1000 (4) */
	char		 *metrics_file;	/* the exposition, rewritten; NULL */
	int		  metrics_interval; /* seconds between rewrites */
	struct link_conf **links;	/* in file order */
	size_t		  nlinks;
};

/*
 * Read, parse, default and validate the file at path.  Returns the new
 * config, or NULL with *cause set (caller frees) to every error found,
 * one "FILE:LINE: keyword: problem" per line, joined by '\n', without
 * a trailing newline.  A group or world writable file is refused.
 */
struct conf		*conf_load(const char *path, char **cause);

/*
 * As conf_load(), from len bytes at buf; name is used in messages.
 * Files named inside the config (identity, ...) are still checked.
 */
struct conf		*conf_load_buffer(const char *name, const char *buf,
			     size_t len, char **cause);

/* Free c and everything it owns; NULL is a no-op. */
void			 conf_free(struct conf *c);

/*
 * Print c in canonical form: every default filled in, one keyword per
 * line, fixed order.  The output parses back to an equal config.
 */
void			 conf_print(FILE *f, const struct conf *c);

/* The link named name, or NULL.  The pointer lives as long as c. */
const struct link_conf	*conf_link_find(const struct conf *c,
			     const char *name);

/*
 * True if a and b describe the same link: every setting whose change
 * needs a restart is equal (all but ddns, ddns-credentials, notify and
 * notify-queue); where they were written does not matter.  A reload
 * keeps such links up.
 */
bool			 link_conf_equal(const struct link_conf *a,
			     const struct link_conf *b);

#endif
