/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for src/doctor.c: deriving the public key from an OpenSSH
 * private key, the requiretty test on `sudo -l` output, the masquerade
 * heuristic over fixed `nft list ruleset` and `iptables-save` samples,
 * the overlapping route check over `ip route` samples, and the fixes
 * suggested for config errors.  The authorized_keys and sudoers lines
 * are test_farend.c's.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf.h"
#include "conffiles.h"
#include "doctor.h"
#include "xmalloc.h"

/* ssh-keygen -t ed25519 -N '' -C unit@test, made for this test only. */
static const char test_key[] =
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
    "QyNTUxOQAAACC/cocFsK2B4HYU4pKEmg9fproU09hqsLANRfGJYZAHKAAAAJCndb4mp3W+\n"
    "JgAAAAtzc2gtZWQyNTUxOQAAACC/cocFsK2B4HYU4pKEmg9fproU09hqsLANRfGJYZAHKA\n"
    "AAAEAvDKcdHTXa+3qxbNuAqVxw7QyBkVob3y4Rk3bTK9Fw8b9yhwWwrYHgdhTikoSaD1+m\n"
    "uhTT2GqwsA1F8YlhkAcoAAAACXVuaXRAdGVzdAECAwQ=\n"
    "-----END OPENSSH PRIVATE KEY-----\n";
#define TEST_B64 \
	"AAAAC3NzaC1lZDI1NTE5AAAAIL9yhwWwrYHgdhTikoSaD1+muhTT2GqwsA1F8YlhkAco"
/* An encrypted one (aes256-ctr, bcrypt): its public key is in clear. */
static const char test_key_enc[] =
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABD5b4bh0p\n"
    "XGCJWDLQWq4F1oAAAAEAAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAAIGD0oMynKGehJKIQ\n"
    "y2yHP77CE0Ah+vfPn+WrRX3Ux3lZAAAAkALw6rXJzOe3bXLrakyIvl6ul8H2gjwtkGb/Qj\n"
    "Q7IzePprizTZE1RvbR4GeLRd+t8mUcmZeEmSGfadr6LJBkeX3mqR8OPPMOWdFjdz9Y/Z61\n"
    "wRwE1UYDrt4IRDGOXxhZEo7J6iH5/TF3i0oAZ/kbjAxD8HjF3BiUMNhkt95IyWRXfpSPH4\n"
    "jlAuIpCD7c8AEwEw==\n"
    "-----END OPENSSH PRIVATE KEY-----\n";
#define TEST_ENC_B64 \
	"AAAAC3NzaC1lZDI1NTE5AAAAIGD0oMynKGehJKIQy2yHP77CE0Ah+vfPn+WrRX3Ux3lZ"

static struct conffiles	cf;

/* Write a file the test needs. */
static void
write_file(const char *path, const char *text, mode_t mode)
{
	if (conffiles_write(path, text, mode) == -1)
		fail_msg("%s: %s", path, strerror(errno));
}

static int
setup_files(void **state)
{
	(void)state;
	if (conffiles_make(&cf, "test_doctor") == -1)
		return -1;
	write_file(cf.identity, test_key, 0600);
	return 0;
}

static int
teardown_files(void **state)
{
	char	p[300];

	(void)state;
	(void)snprintf(p, sizeof(p), "%s.pub", cf.identity);
	(void)unlink(p);
	conffiles_remove(&cf);
	return 0;
}

/* The link of conffiles_link() with the lines extra. */
static struct conf *
load(const char *extra)
{
	struct conf	*c;
	char		*cause = NULL;

	if ((c = conffiles_link(&cf, extra, &cause)) == NULL)
		fail_msg("config: %s", cause);
	return c;
}

/* ----------------------------------------------------------- keys */

static void
test_pubkey_derive(void **state)
{
	static const struct {
		const char	*text;
		const char	*b64;		/* NULL: refused */
		const char	*cause;
	} t[] = {
		{ test_key, TEST_B64, NULL },
		{ test_key_enc, TEST_ENC_B64, NULL },
		{ "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n"
		    "-----END RSA PRIVATE KEY-----\n", NULL,
		    "not an OpenSSH format private key" },
		{ "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA"
		    "\n-----END OPENSSH PRIVATE KEY-----\n", NULL,
		    "truncated or malformed" },
		{ "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA!!!!\n"
		    "-----END OPENSSH PRIVATE KEY-----\n", NULL,
		    "bad base64" },
		{ "-----BEGIN OPENSSH PRIVATE KEY-----\naGVsbG8gd29ybGQ=\n"
		    "-----END OPENSSH PRIVATE KEY-----\n", NULL,
		    "not an openssh-key-v1 key" },
		{ "", NULL, "not an OpenSSH format private key" },
	};
	char	*type, *b64, *cause;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cause = NULL;
		if (t[i].b64 != NULL) {
			assert_int_equal(doctor_pubkey_derive(t[i].text, &type,
			    &b64, &cause), 0);
			assert_string_equal(type, "ssh-ed25519");
			assert_string_equal(b64, t[i].b64);
			free(type);
			free(b64);
			continue;
		}
		assert_int_equal(doctor_pubkey_derive(t[i].text, &type, &b64,
		    &cause), -1);
		assert_null(type);
		assert_null(b64);
		assert_non_null(strstr(cause, t[i].cause));
		free(cause);
	}
}

static void
test_pubkey(void **state)
{
	struct conf	*c;
	char		*line, *cause = NULL, pub[300];

	(void)state;
	(void)snprintf(pub, sizeof(pub), "%s.pub", cf.identity);
	c = load("");

	/* No .pub: derived, with a comment naming the link. */
	(void)unlink(pub);
	assert_int_equal(doctor_pubkey(c->links[0], &line, &cause), 0);
	assert_string_equal(line, "ssh-ed25519 " TEST_B64 " vpnd-office");
	free(line);

	/* A matching .pub is used as it is, comment and all. */
	write_file(pub, "ssh-ed25519 " TEST_B64 " unit@test  \n", 0644);
	assert_int_equal(doctor_pubkey(c->links[0], &line, &cause), 0);
	assert_string_equal(line, "ssh-ed25519 " TEST_B64 " unit@test");
	free(line);

	/* Another key's .pub is refused. */
	write_file(pub, "ssh-ed25519 " TEST_ENC_B64 " enc\n", 0644);
	assert_int_equal(doctor_pubkey(c->links[0], &line, &cause), -1);
	assert_non_null(strstr(cause, "is not the public half of"));
	free(cause);
	cause = NULL;

	/* Nor is a line that is no key. */
	write_file(pub, "garbage\n", 0644);
	assert_int_equal(doctor_pubkey(c->links[0], &line, &cause), -1);
	assert_non_null(strstr(cause, "not a public key line"));
	free(cause);
	(void)unlink(pub);
	conf_free(c);
}

/* ------------------------------------------------------------ sudo */

static void
test_requiretty(void **state)
{
	static const struct {
		const char	*text;
		bool		 on;
	} t[] = {
		{ "", false },
		{ "Matching Defaults entries for vpn on gw:\n    env_reset, "
		    "mail_badpass, secure_path=/usr/sbin\\:/usr/bin\n", false },
		{ "Matching Defaults entries for vpn on gw:\n    requiretty, "
		    "env_reset\n", true },
		{ "Matching Defaults entries for vpn on gw:\n    requiretty, "
		    "env_reset, !requiretty\n", false },
		{ "Matching Defaults entries for vpn on gw:\n    !requiretty,"
		    " requiretty\n", true },
		{ "    requiretty_x\n", false },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(doctor_sudo_requiretty(t[i].text), t[i].on);
}

/* ------------------------------------------------------------ NAT */

#define NFT_HEAD \
	"table ip nat {\n" \
	"\tchain postrouting {\n" \
	"\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
#define NFT_TAIL	"\t}\n}\n"

static void
test_nat(void **state)
{
	static const struct {
		enum doctor_nat_format	 fmt;
		const char		*ruleset;
		enum doctor_status	 want;
		const char		*rule;	/* the text it names */
	} t[] = {
		{ DOCTOR_NAT_NFT, "", DOCTOR_OK, NULL },
		/* The pitfall: masquerade everything leaving. */
		{ DOCTOR_NAT_NFT, NFT_HEAD "\t\tmasquerade\n" NFT_TAIL,
		    DOCTOR_FAIL,
		    "nft table ip nat chain postrouting: masquerade" },
		/* Exempted first: fine. */
		{ DOCTOR_NAT_NFT, NFT_HEAD
		    "\t\tip daddr 172.16.0.0/12 accept\n"
		    "\t\tmasquerade\n" NFT_TAIL, DOCTOR_OK, NULL },
		{ DOCTOR_NAT_NFT, NFT_HEAD
		    "\t\tip daddr { 10.0.0.0/8, 172.16.1.0/24 } counter "
		    "packets 0 bytes 0 return\n"
		    "\t\tmasquerade\n" NFT_TAIL, DOCTOR_OK, NULL },
		/* An exemption of only part of the remote-net does not do. */
		{ DOCTOR_NAT_NFT, NFT_HEAD
		    "\t\tip daddr 172.16.1.0/25 accept\n"
		    "\t\tmasquerade\n" NFT_TAIL, DOCTOR_FAIL, NULL },
		/* Exemption after the NAT rule is too late. */
		{ DOCTOR_NAT_NFT, NFT_HEAD
		    "\t\tip saddr 192.168.1.0/24 masquerade\n"
		    "\t\tip daddr 172.16.1.0/24 accept\n" NFT_TAIL,
		    DOCTOR_FAIL, "nft table ip nat chain postrouting: ip saddr "
		    "192.168.1.0/24 masquerade" },
		/* Excluded inside the rule itself. */
		{ DOCTOR_NAT_NFT, NFT_HEAD
		    "\t\tip daddr != 172.16.0.0/12 masquerade\n" NFT_TAIL,
		    DOCTOR_OK, NULL },
		{ DOCTOR_NAT_NFT, NFT_HEAD
		    "\t\tip daddr != { 10.0.0.0/8, 192.168.0.0/16 } "
		    "masquerade\n" NFT_TAIL, DOCTOR_FAIL, NULL },
		/* Only out of another interface: not the link's traffic. */
		{ DOCTOR_NAT_NFT, NFT_HEAD
		    "\t\toifname \"eth0\" masquerade\n" NFT_TAIL, DOCTOR_OK,
		    NULL },
		{ DOCTOR_NAT_NFT, NFT_HEAD
		    "\t\toifname \"vpn-*\" masquerade\n" NFT_TAIL, DOCTOR_FAIL,
		    NULL },
		{ DOCTOR_NAT_NFT, NFT_HEAD
		    "\t\toifname != \"eth0\" snat to 10.9.0.1\n" NFT_TAIL,
		    DOCTOR_FAIL, NULL },
		/* Another source network: not the local-net's traffic. */
		{ DOCTOR_NAT_NFT, NFT_HEAD
		    "\t\tip saddr 10.50.0.0/16 masquerade\n" NFT_TAIL,
		    DOCTOR_OK, NULL },
		/* To another destination only. */
		{ DOCTOR_NAT_NFT, NFT_HEAD
		    "\t\tip daddr 198.51.100.0/24 masquerade\n" NFT_TAIL,
		    DOCTOR_OK, NULL },
		/* Conditions we cannot judge: a warning. */
		{ DOCTOR_NAT_NFT, NFT_HEAD
		    "\t\ttcp dport 80 masquerade\n" NFT_TAIL, DOCTOR_WARN,
		    NULL },
		{ DOCTOR_NAT_NFT, NFT_HEAD
		    "\t\tip daddr @nets masquerade\n" NFT_TAIL, DOCTOR_WARN,
		    NULL },
		/* Not a postrouting chain, or an ip6 table for IPv4 nets. */
		{ DOCTOR_NAT_NFT, "table ip nat {\n\tchain prerouting {\n"
		    "\t\ttype nat hook prerouting priority dstnat;\n"
		    "\t\tmasquerade\n" NFT_TAIL, DOCTOR_OK, NULL },
		{ DOCTOR_NAT_NFT, "table ip6 nat {\n\tchain post {\n"
		    "\t\ttype nat hook postrouting priority srcnat;\n"
		    "\t\tmasquerade\n" NFT_TAIL, DOCTOR_OK, NULL },
		/* inet table, a set block to skip, a second chain. */
		{ DOCTOR_NAT_NFT, "table inet fw {\n"
		    "\tset lan {\n\t\ttype ipv4_addr\n"
		    "\t\telements = { 1.2.3.4 }\n\t}\n"
		    "\tchain filter {\n"
		    "\t\ttype filter hook forward priority 0;\n"
		    "\t\tmasquerade\n\t}\n"
		    "\tchain nat_out {\n"
		    "\t\ttype nat hook postrouting priority 100; policy "
		    "accept;\n"
		    "\t\tmeta nfproto ipv4 oifname \"vpn-office\" masquerade\n"
		    "\t}\n}\n", DOCTOR_WARN,
		    "nft table inet fw chain nat_out: meta nfproto ipv4 "
		    "oifname \"vpn-office\" masquerade" },
		/* iptables-nft leaves xt targets in the nft view. */
		{ DOCTOR_NAT_NFT, NFT_HEAD "\t\tcounter packets 0 bytes 0 xt "
		    "target \"MASQUERADE\"\n" NFT_TAIL, DOCTOR_FAIL, NULL },
		/* iptables-save. */
		{ DOCTOR_NAT_IPTABLES, "*filter\n-A FORWARD -j ACCEPT\n"
		    "COMMIT\n*nat\n:POSTROUTING ACCEPT [0:0]\n"
		    "-A POSTROUTING -s 192.168.1.0/24 -j MASQUERADE\nCOMMIT\n",
		    DOCTOR_FAIL, "iptables -t nat chain POSTROUTING: -A "
		    "POSTROUTING -s 192.168.1.0/24 -j MASQUERADE" },
		{ DOCTOR_NAT_IPTABLES, "*nat\n"
		    "-A POSTROUTING -d 172.16.1.0/24 -j RETURN\n"
		    "-A POSTROUTING -s 192.168.1.0/24 -j MASQUERADE\nCOMMIT\n",
		    DOCTOR_OK, NULL },
		{ DOCTOR_NAT_IPTABLES, "*nat\n"
		    "-A POSTROUTING ! -d 172.16.0.0/12 -j MASQUERADE\n"
		    "-A POSTROUTING -o eth0 -j MASQUERADE\n"
		    "-A POSTROUTING ! -o vpn+ -j MASQUERADE\nCOMMIT\n",
		    DOCTOR_OK, NULL },
		{ DOCTOR_NAT_IPTABLES, "*nat\n"
		    "-A POSTROUTING -o vpn+ -m comment --comment \"x y\" "
		    "-j MASQUERADE\nCOMMIT\n", DOCTOR_FAIL, NULL },
		{ DOCTOR_NAT_IPTABLES, "*nat\n"
		    "-A POSTROUTING -p tcp -j MASQUERADE\nCOMMIT\n",
		    DOCTOR_WARN, NULL },
	};
	struct prefix		 net;
	struct conf		*c;
	char			*rule, a[ADDR_STRLEN];
	size_t			 i;

	(void)state;
	c = load("    local-net 192.168.1.0/24\n"
	    "    remote-net 172.16.1.0/24\n");
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (doctor_nat_check(t[i].ruleset, t[i].fmt, c->links[0],
		    &rule, &net) != t[i].want)
			fail_msg("case %zu: not %s", i,
			    doctor_status_name(t[i].want));
		if (t[i].want == DOCTOR_OK) {
			assert_null(rule);
			continue;
		}
		assert_non_null(rule);
		assert_string_equal(addr_format(&net, a, sizeof(a)),
		    "172.16.1.0/24");
		if (t[i].rule != NULL)
			assert_string_equal(rule, t[i].rule);
		free(rule);
	}
	conf_free(c);
}

static void
test_routes(void **state)
{
	static const struct {
		const char		*routes;
		enum doctor_status	 want;
		const char		*route;
	} t[] = {
		{ "", DOCTOR_OK, NULL },
		{ "default via 10.0.0.1 dev eth0\n"
		    "10.0.0.0/24 dev eth0 proto kernel scope link src "
		    "10.0.0.5\n", DOCTOR_OK, NULL },
		{ "172.16.1.0/24 dev eth1 proto kernel scope link src "
		    "172.16.1.7 \n", DOCTOR_FAIL,
		    "172.16.1.0/24 dev eth1 proto kernel scope link src "
		    "172.16.1.7" },
		{ "172.16.1.128/25 via 10.0.0.9 dev eth0\n", DOCTOR_FAIL,
		    NULL },
		{ "172.16.1.9 via 10.0.0.9 dev eth0 proto static\n",
		    DOCTOR_FAIL, NULL },
		{ "blackhole 172.16.1.0/24\n", DOCTOR_FAIL, NULL },
		{ "172.16.0.0/12 via 10.0.0.9 dev eth0\n", DOCTOR_WARN,
		    NULL },
		/* Ours: vpnd's protocol, or already on the link. */
		{ "172.16.1.0/24 dev eth0 proto 120\n"
		    "172.16.1.0/24 dev vpn-office scope link\n", DOCTOR_OK,
		    NULL },
		/* The worst wins. */
		{ "172.16.0.0/12 via 10.0.0.9 dev eth0\n"
		    "172.16.1.0/24 dev eth1 scope link\n", DOCTOR_FAIL,
		    "172.16.1.0/24 dev eth1 scope link" },
		{ "fd00::/8 dev eth0 proto kernel\n", DOCTOR_OK, NULL },
	};
	struct prefix	 net;
	struct conf	*c;
	char		*route;
	size_t		 i;

	(void)state;
	c = load("    remote-net 172.16.1.0/24\n");
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (doctor_route_check(t[i].routes, c->links[0], &route,
		    &net) != t[i].want)
			fail_msg("case %zu: not %s", i,
			    doctor_status_name(t[i].want));
		if (t[i].want == DOCTOR_OK) {
			assert_null(route);
			continue;
		}
		if (t[i].route != NULL)
			assert_string_equal(route, t[i].route);
		free(route);
	}
	conf_free(c);
}

static void
test_config_fix(void **state)
{
	static const struct {
		const char	*error;
		const char	*fix;
	} t[] = {
		{ "vpn.conf:4: identity: /etc/vpn/id: group or world readable "
		    "or writable (mode 0644), refusing",
		    "chmod 600 /etc/vpn/id" },
		{ "vpn.conf:1: link a: known-hosts: /etc/vpn/known_hosts "
		    "(default): group or world writable (mode 0666), refusing",
		    "chmod go-w /etc/vpn/known_hosts" },
		{ "/etc/vpn/vpn.conf: group or world writable (mode 0664), "
		    "refusing", "chmod go-w /etc/vpn/vpn.conf" },
		{ "vpn.conf:3: port: 0 is out of range", NULL },
		{ "", NULL },
	};
	char	*fix;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		fix = doctor_config_fix(t[i].error);
		if (t[i].fix == NULL)
			assert_null(fix);
		else
			assert_string_equal(fix, t[i].fix);
		free(fix);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pubkey_derive),
		cmocka_unit_test(test_pubkey),
		cmocka_unit_test(test_requiretty),
		cmocka_unit_test(test_nat),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_config_fix),
	};

	return cmocka_run_group_tests(tests, setup_files, teardown_files);
}
