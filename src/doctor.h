/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * What `vpnctl setup` and `vpnctl doctor` work out from a link's
 * configuration without touching the network: the link's public key,
 * and the judgements made on text other programs print (a NAT ruleset,
 * a route table, `sudo -l`).  The commands the far end runs, with the
 * authorized_keys and sudoers lines that allow them, are farend.h's.
 * Nothing here talks to a gateway; ctl-setup.c and ctl-doctor.c do.
 */
#ifndef PPPSSH_DOCTOR_H
#define PPPSSH_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"

struct link_conf;

enum doctor_status {
	DOCTOR_OK,
	DOCTOR_WARN,
	DOCTOR_FAIL
};

/* "OK", "WARN", "FAIL". */
const char	*doctor_status_name(enum doctor_status);

/*
 * The public half of the private key in text (an unencrypted or
 * encrypted OpenSSH "openssh-key-v1" key: its public key is stored in
 * the clear) as *type ("ssh-ed25519") and *b64 (the key blob in
 * base64), caller frees both.  PEM keys hold no public key this way:
 * -1 with *cause, as for anything malformed.
 */
int		 doctor_pubkey_derive(const char *text, char **type,
		    char **b64, char **cause);

/*
 * The link's public key as an authorized_keys key: "TYPE BASE64
 * [COMMENT]", from IDENTITY.pub when it exists (which must then be the
 * public half of the identity when that can be derived), else derived
 * from the identity with the comment "vpnd-NAME".  Returns 0 and sets
 * *line (caller frees), or -1 with *cause.
 */
int		 doctor_pubkey(const struct link_conf *, char **line,
		    char **cause);

/*
 * Whether the output of `sudo -l` says requiretty is in force: the last
 * "requiretty" word in its Defaults list is not "!requiretty".
 */
bool		 doctor_sudo_requiretty(const char *list);

enum doctor_nat_format {
	DOCTOR_NAT_NFT,		/* `nft list ruleset` */
	DOCTOR_NAT_IPTABLES	/* `iptables-save` (its *nat table) */
};

/*
 * The NAT-exclusion pitfall: look in ruleset for a source NAT rule
 * (masquerade, snat) in a nat postrouting chain that would rewrite
 * traffic from the link's local-nets (any source when it has none) to
 * one of its remote-nets leaving by its ifname, with no accept or
 * return rule before it in that chain exempting all of that traffic.
 * Rules are judged by their addresses (ip/ip6 saddr/daddr, -s/-d, with
 * "!=" and "!"), output interface (oifname/oif/-o, wildcards "*"/"+")
 * and verdict; jumps to other chains are not followed.
 *
 * DOCTOR_OK: nothing catches it.  DOCTOR_FAIL: a rule made only of
 * conditions understood here catches it; DOCTOR_WARN: one with other
 * conditions (ports, marks) may.  Then *rule is that rule's text (with
 * "table FAMILY NAME chain NAME: " before it) and *net the remote-net;
 * caller frees *rule.
 */
enum doctor_status doctor_nat_check(const char *ruleset,
		    enum doctor_nat_format, const struct link_conf *,
		    char **rule, struct prefix *net);

/*
 * Overlapping routes: in the output of `ip -4 route show table main`
 * and `ip -6 ...` (text), a route out of another interface than the
 * link's, not installed by vpnd (proto 120 or pppssh) and not a
 * default route, whose prefix overlaps one of lc's remote-nets.
 * DOCTOR_FAIL when it is the remote-net or inside it (it takes that
 * traffic away from the link, or vpnd's "replace" takes it over),
 * DOCTOR_WARN when it is wider (the link's route is more specific and
 * wins, but check that this is meant).  *route (caller frees) is the
 * route line, *net the remote-net.  DOCTOR_OK and no *route otherwise;
 * the worst one found is returned.
 */
enum doctor_status doctor_route_check(const char *routes,
		    const struct link_conf *, char **route,
		    struct prefix *net);

/*
 * Turn a config error ("FILE:LINE: ...: PATH: group or world ...") into
 * a fix ("chmod 600 PATH"); NULL when there is nothing specific to say.
 * Caller frees.
 */
char		*doctor_config_fix(const char *error);

#endif
