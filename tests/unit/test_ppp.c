/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for the pppd command lines and the local pppd's spawn.
 * For ppp_spawn() this program plays pppd itself: exec'd with the pppd
 * options (argv[1] is "nodetach"), it reports what it was given (its
 * tty, modes, fds, signals) on stderr and echoes its stdin, and the
 * parent checks all of it through the pty master and the stderr pipe.
 * That the real pppd takes these command lines is test_pppd's job.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "argv.h"
#include "ppp.h"
#include "procfd.h"
#include "quote.h"
#include "shwords.h"
#include "xmalloc.h"

static char *const sudo_pppd[] = { "sudo", "-n", "/usr/sbin/pppd", NULL };
static char *const sudo_ip[] = { "sudo", "-n", "/sbin/ip", NULL };
static char *const printf_nul[] = { "printf", "%s\\0", NULL };

static char *const dns_two[] = { "10.2.0.53", "10.2.0.54", NULL };
static char *const dns_three[] = { "10.2.0.53", "10.2.0.54", "10.2.0.55",
    NULL };
static char *const dns_bad[] = { "ns.example", NULL };

static char	self[4096];	/* this program, to exec as "pppd" */

static struct ppp_params
base_params(void)
{
	struct ppp_params	p;

	memset(&p, 0, sizeof(p));
	p.local_pppd = "/usr/sbin/pppd";
	p.local_ifname = "vpn-office";
	p.remote_ifname = "vpn-branch";
	p.local_ip = "10.9.0.1";
	p.remote_ip = "10.9.0.2";
	p.lcp_echo_interval = 10;
	p.lcp_echo_failure = 3;
	p.mtu = 0;
	p.compression = false;
	p.linkname = "office";
	p.remote_prefix = sudo_pppd;
	p.remote_ip_prefix = sudo_ip;
	return p;
}

/* ------------------------------------------------------ command lines */

static char *const local_extra_debug[] = { "debug", "kdebug", "1", NULL };
static char *const remote_extra_mix[] = { "debug", "ipparam", "a b", NULL };
static char *const remote_extra_hostile[] = { "ipparam", "x'; rm -rf / #",
    "$(reboot)", NULL };
static char *const vpn_peer[] = { "vpn-peer", NULL };

static const struct {
	const char	*name;
	bool		 compression;
	bool		 ipv6;
	int		 mtu;
	const char	*linkname;
	char *const	*local_extra;
	char *const	*remote_prefix;
	char *const	*remote_extra;
	const char	*local;		/* sh_join() of the local argv */
	const char	*remote;
} cmd_cases[] = {
	{ "defaults", false, false, 0, "office", NULL, sudo_pppd, NULL,
	  "/usr/sbin/pppd nodetach noauth local nolock nocrtscts "
	  "nodefaultroute logfd 2 ifname vpn-office 10.9.0.1:10.9.0.2 "
	  "lcp-echo-interval 10 lcp-echo-failure 3 lcp-echo-adaptive "
	  "lcp-restart 1 lcp-max-terminate 1 noccp",
	  "sudo -n /usr/sbin/pppd nodetach notty noauth local nolock "
	  "nocrtscts nodefaultroute logfd 2 ifname vpn-branch "
	  "10.9.0.2:10.9.0.1 lcp-echo-interval 10 lcp-echo-failure 3 "
	  "lcp-echo-adaptive lcp-restart 1 lcp-max-terminate 1 noccp "
	  "linkname office" },
	{ "compression, mtu, extras", true, false, 1400, NULL, local_extra_debug,
	  vpn_peer, remote_extra_mix,
	  "/usr/sbin/pppd nodetach noauth local nolock nocrtscts "
	  "nodefaultroute logfd 2 ifname vpn-office 10.9.0.1:10.9.0.2 "
	  "lcp-echo-interval 10 lcp-echo-failure 3 lcp-echo-adaptive "
	  "lcp-restart 1 lcp-max-terminate 1 mtu 1400 mru 1400 debug kdebug 1",
	  "vpn-peer nodetach notty noauth local nolock nocrtscts "
	  "nodefaultroute logfd 2 ifname vpn-branch 10.9.0.2:10.9.0.1 "
	  "lcp-echo-interval 10 lcp-echo-failure 3 lcp-echo-adaptive "
	  "lcp-restart 1 lcp-max-terminate 1 mtu 1400 mru 1400 debug ipparam 'a b'" },
	{ "ipv6", false, true, 0, "office", NULL, sudo_pppd, NULL,
	  "/usr/sbin/pppd nodetach noauth local nolock nocrtscts "
	  "nodefaultroute logfd 2 ifname vpn-office 10.9.0.1:10.9.0.2 "
	  "lcp-echo-interval 10 lcp-echo-failure 3 lcp-echo-adaptive "
	  "lcp-restart 1 lcp-max-terminate 1 noccp +ipv6",
	  "sudo -n /usr/sbin/pppd nodetach notty noauth local nolock "
	  "nocrtscts nodefaultroute logfd 2 ifname vpn-branch "
	  "10.9.0.2:10.9.0.1 lcp-echo-interval 10 lcp-echo-failure 3 "
	  "lcp-echo-adaptive lcp-restart 1 lcp-max-terminate 1 noccp +ipv6 "
	  "linkname office" },
	{ "hostile extras", false, false, 0, "office", NULL, sudo_pppd,
	  remote_extra_hostile,
	  "/usr/sbin/pppd nodetach noauth local nolock nocrtscts "
	  "nodefaultroute logfd 2 ifname vpn-office 10.9.0.1:10.9.0.2 "
	  "lcp-echo-interval 10 lcp-echo-failure 3 lcp-echo-adaptive "
	  "lcp-restart 1 lcp-max-terminate 1 noccp",
	  "sudo -n /usr/sbin/pppd nodetach notty noauth local nolock "
	  "nocrtscts nodefaultroute logfd 2 ifname vpn-branch "
	  "10.9.0.2:10.9.0.1 lcp-echo-interval 10 lcp-echo-failure 3 "
	  "lcp-echo-adaptive lcp-restart 1 lcp-max-terminate 1 noccp "
	  "linkname office ipparam 'x'\\''; rm -rf / #' '$(reboot)'" },
};

static void
test_command_lines(void **state)
{
	struct ppp_params	  p;
	char			**argv, *s, *cause = NULL;
	size_t			  i;

	for (i = 0; i < sizeof(cmd_cases) / sizeof(cmd_cases[0]); i++) {
		p = base_params();
		p.compression = cmd_cases[i].compression;
		p.ipv6 = cmd_cases[i].ipv6;
		p.mtu = cmd_cases[i].mtu;
		p.linkname = cmd_cases[i].linkname;
		p.local_extra = cmd_cases[i].local_extra;
		p.remote_prefix = cmd_cases[i].remote_prefix;
		p.remote_extra = cmd_cases[i].remote_extra;
		print_message("case: %s\n", cmd_cases[i].name);
		assert_int_equal(ppp_params_check(&p, &cause), 0);

		argv = ppp_local_argv(&p);
		assert_string_equal(argv[0], "/usr/sbin/pppd");
		s = sh_join(argv);
		assert_string_equal(s, cmd_cases[i].local);
		free(s);
		argv_free(argv);

		s = ppp_remote_command(&p);
		assert_string_equal(s, cmd_cases[i].remote);
		free(s);
	}
	argv_free(NULL);
}

/* A local argv is exec'd without a shell: a value stays one word. */
static void
test_local_argv_words(void **state)
{
	struct ppp_params	  p = base_params();
	char *const		  extra[] = { "ipparam", "a b; c", "", NULL };
	char			**argv;
	size_t			  n;

	p.local_extra = extra;
	argv = ppp_local_argv(&p);
	for (n = 0; argv[n] != NULL; n++)
		continue;
	assert_int_equal(n, 25);
	assert_string_equal(argv[9], "ifname");
	assert_string_equal(argv[10], "vpn-office");
	assert_string_equal(argv[11], "10.9.0.1:10.9.0.2");
	assert_string_equal(argv[21], "noccp");
	assert_string_equal(argv[22], "ipparam");
	assert_string_equal(argv[23], "a b; c");
	assert_string_equal(argv[24], "");
	argv_free(argv);
}

/*
 * dns yes: the local pppd asks (usepeerdns) and keeps its scripts out of
 * it (unset USEPEERDNS DNS1 DNS2); remote-dns: the remote one offers, in order.
 */
static void
test_dns_argv(void **state)
{
	struct ppp_params	  p = base_params();
	char			**argv, *cmd;
	size_t			  n;

	(void)state;
	argv = ppp_local_argv(&p);
	for (n = 0; argv[n] != NULL; n++)
		assert_string_not_equal(argv[n], "usepeerdns");
	argv_free(argv);
	cmd = ppp_remote_command(&p);
	assert_null(strstr(cmd, "ms-dns"));
	free(cmd);

	p.peer_dns = true;
	p.remote_dns = dns_two;
	argv = ppp_local_argv(&p);
	for (n = 0; argv[n] != NULL; n++)
		if (strcmp(argv[n], "usepeerdns") == 0)
			break;
	assert_non_null(argv[n]);
	assert_string_equal(argv[n + 1], "unset");
	assert_string_equal(argv[n + 2], "USEPEERDNS");
	assert_string_equal(argv[n + 3], "unset");
	assert_string_equal(argv[n + 4], "DNS1");
	assert_string_equal(argv[n + 5], "unset");
	assert_string_equal(argv[n + 6], "DNS2");
	for (n = 0; argv[n] != NULL; n++)
		assert_string_not_equal(argv[n], "ms-dns");
	argv_free(argv);
	cmd = ppp_remote_command(&p);
	assert_non_null(strstr(cmd, " ms-dns 10.2.0.53 ms-dns 10.2.0.54 "));
	assert_null(strstr(cmd, "usepeerdns"));
	free(cmd);
}

/* What pppd's ipcp_up() logs of the peer's servers, and look-alikes. */
static const struct {
	const char	*line;
	int		 which;
	const char	*addr;
} dns_lines[] = {
	{ "primary   DNS address 10.2.0.53", 1, "10.2.0.53" },
	{ "secondary DNS address 10.2.0.54", 2, "10.2.0.54" },
	{ "primary DNS address 192.0.2.1", 1, "192.0.2.1" },
	{ "secondary DNS address 10.2.0.54  ", 2, "10.2.0.54" },
	{ "local  IP address 10.9.0.1", 0, NULL },
	{ "remote IP address 10.9.0.2", 0, NULL },
	{ "primary   DNS address", 0, NULL },
	{ "primary   DNS address ", 0, NULL },
	{ "primary   DNS address 10.2.0.256", 0, NULL },
	{ "primary   DNS address 10.2.0.53 extra", 0, NULL },
	{ "primary   DNS address fd00::53", 0, NULL },
	{ "primaryDNS address 10.2.0.53", 0, NULL },
	{ "tertiary DNS address 10.2.0.53", 0, NULL },
	{ " primary   DNS address 10.2.0.53", 0, NULL },
	{ "primary   NBNS address 10.2.0.53", 0, NULL },
	{ "", 0, NULL },
};

static void
test_dns_line(void **state)
{
	struct in_addr	a;
	char		buf[INET_ADDRSTRLEN];
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(dns_lines) / sizeof(dns_lines[0]); i++) {
		memset(&a, 0, sizeof(a));
		print_message("%s\n", dns_lines[i].line);
		assert_int_equal(ppp_dns_line(dns_lines[i].line, &a),
		    dns_lines[i].which);
		if (dns_lines[i].addr == NULL)
			continue;
		assert_non_null(inet_ntop(AF_INET, &a, buf, sizeof(buf)));
		assert_string_equal(buf, dns_lines[i].addr);
	}
}

static const struct {
	const char	*verb;
	const char	*net;
	const char	*ifname;
	const char	*cmd;
} route_cases[] = {
	{ "replace", "172.16.1.0/24", "vpn-branch",
	  "sudo -n /sbin/ip route replace 172.16.1.0/24 dev vpn-branch" },
	{ "del", "172.16.1.0/24", "vpn-branch",
	  "sudo -n /sbin/ip route del 172.16.1.0/24 dev vpn-branch" },
	{ "replace", "fd00:1::/64", "vpn-branch",
	  "sudo -n /sbin/ip -6 route replace fd00:1::/64 dev vpn-branch" },
	{ "del", "2001:db8::/32", "ppp0",
	  "sudo -n /sbin/ip -6 route del 2001:db8::/32 dev ppp0" },
	{ "replace", "1.2.3.0/24; reboot", "x$(id)",
	  "sudo -n /sbin/ip route replace '1.2.3.0/24; reboot' dev 'x$(id)'" },
};

static void
test_route_commands(void **state)
{
	struct ppp_params	 p = base_params();
	char			*s;
	size_t			 i;

	for (i = 0; i < sizeof(route_cases) / sizeof(route_cases[0]); i++) {
		s = ppp_remote_route_command(&p, route_cases[i].verb,
		    route_cases[i].net, route_cases[i].ifname);
		assert_string_equal(s, route_cases[i].cmd);
		free(s);
	}
}

/*
 * The remote shell sees exactly the words we meant: with printf as the
 * "remote pppd", the shell prints the options back one by one.
 */
static void
test_remote_through_shell(void **state)
{
	struct ppp_params	  p = base_params();
	char			 *extra[8], *cmd, **seen, *route;
	const char		 *want_tail[] = { "nodetach", "notty", "noauth",
	    "local", "nolock", "nocrtscts", "nodefaultroute", "logfd", "2",
	    "ifname", "vpn-branch", "10.9.0.2:10.9.0.1",
	    "lcp-echo-interval", "10", "lcp-echo-failure", "3",
	    "lcp-echo-adaptive", "lcp-restart", "1", "lcp-max-terminate", "1", "noccp",
	    "linkname", "office" };
	size_t			  nwant = sizeof(want_tail) /
				      sizeof(want_tail[0]);
	size_t			  i, n, nextra = 0;
	struct stat		  sb;

	xasprintf(&extra[nextra++], "$(touch %s)", shwords_canary);
	xasprintf(&extra[nextra++], "`touch %s`", shwords_canary);
	xasprintf(&extra[nextra++], "x'; touch %s; '", shwords_canary);
	xasprintf(&extra[nextra++], "\ntouch %s\n", shwords_canary);
	extra[nextra++] = xstrdup("");
	extra[nextra++] = xstrdup("caf\xc3\xa9 * ?");
	extra[nextra] = NULL;
	p.remote_prefix = printf_nul;
	p.remote_extra = extra;

	cmd = ppp_remote_command(&p);
	n = shwords(&seen, "%s", cmd);
	assert_int_equal(n, nwant + nextra);
	for (i = 0; i < nwant; i++)
		assert_string_equal(seen[i], want_tail[i]);
	for (i = 0; i < nextra; i++)
		assert_string_equal(seen[nwant + i], extra[i]);
	argv_free(seen);
	free(cmd);

	p.remote_ip_prefix = printf_nul;
	route = ppp_remote_route_command(&p, "replace", extra[0], extra[2]);
	n = shwords(&seen, "%s", route);
	assert_int_equal(n, 5);
	assert_string_equal(seen[0], "route");
	assert_string_equal(seen[1], "replace");
	assert_string_equal(seen[2], extra[0]);
	assert_string_equal(seen[3], "dev");
	assert_string_equal(seen[4], extra[2]);
	argv_free(seen);
	free(route);

	assert_int_equal(stat(shwords_canary, &sb), -1);
	assert_int_equal(errno, ENOENT);
	for (i = 0; i < nextra; i++)
		free(extra[i]);
}

/* ------------------------------------------------------ params check */

enum mutation {
	M_NONE, M_PPPD_RELATIVE, M_PPPD_NULL, M_LIF_EMPTY, M_LIF_LONG,
	M_LIF_MAX, M_LIF_SLASH, M_LIF_DASH, M_RIF_SPACE, M_RIF_NULL,
	M_LIP_BAD, M_RIP_V6, M_RIP_SAME, M_RIP_NULL, M_INTERVAL_0,
	M_INTERVAL_BIG, M_FAILURE_0, M_FAILURE_BIG, M_FAILURE_MAX, M_MTU_LOW,
	M_MTU_HIGH, M_MTU_MIN, M_MTU_MAX, M_LINK_DOTDOT, M_LINK_NULL,
	M_PREFIX_NULL, M_PREFIX_EMPTY, M_PREFIX_EMPTYWORD, M_IPPREFIX_NULL,
	M_DNS_TWO, M_DNS_THREE, M_DNS_BAD
};

static char *const empty_words[] = { NULL };
static char *const empty_word[] = { "", "x", NULL };

static const struct {
	enum mutation	 m;
	const char	*cause;		/* NULL: valid */
} check_cases[] = {
	{ M_NONE, NULL },
	{ M_PPPD_RELATIVE, "local pppd: \"pppd\" is not an absolute path" },
	{ M_PPPD_NULL, "local pppd: \"\" is not an absolute path" },
	{ M_LIF_EMPTY, "local interface: \"\" is not 1-15 letters, digits, "
	  "'.', '-' or '_' starting with a letter or digit" },
	{ M_LIF_LONG, "local interface: \"abcdefghijklmnop\" is not 1-15 "
	  "letters, digits, '.', '-' or '_' starting with a letter or digit" },
	{ M_LIF_MAX, NULL },
	{ M_LIF_SLASH, "local interface: \"vpn/x\" is not 1-15 letters, "
	  "digits, '.', '-' or '_' starting with a letter or digit" },
	{ M_LIF_DASH, "local interface: \"-vpn\" is not 1-15 letters, "
	  "digits, '.', '-' or '_' starting with a letter or digit" },
	{ M_RIF_SPACE, "remote interface: \"vpn x\" is not 1-15 letters, "
	  "digits, '.', '-' or '_' starting with a letter or digit" },
	{ M_RIF_NULL, "remote interface: missing" },
	{ M_LIP_BAD, "local ip: \"10.9.0.256\" is not an IPv4 address" },
	{ M_RIP_V6, "remote ip: \"fd00::1\" is not an IPv4 address" },
	{ M_RIP_SAME, "local ip and remote ip are both 10.9.0.1" },
	{ M_RIP_NULL, "remote ip: missing" },
	{ M_INTERVAL_0, "lcp echo interval: 0 is not in 1-3600" },
	{ M_INTERVAL_BIG, "lcp echo interval: 3601 is not in 1-3600" },
	{ M_FAILURE_0, "lcp echo failure: 0 is not in 1-100" },
	{ M_FAILURE_BIG, "lcp echo failure: 101 is not in 1-100" },
	{ M_FAILURE_MAX, NULL },
	{ M_MTU_LOW, "mtu: 575 is not in 576-9000" },
	{ M_MTU_HIGH, "mtu: 9001 is not in 576-9000" },
	{ M_MTU_MIN, NULL },
	{ M_MTU_MAX, NULL },
	{ M_LINK_DOTDOT, "link name: \"../x\" is not 1-64 letters, digits, "
	  "'.', '-' or '_' starting with a letter or digit" },
	{ M_LINK_NULL, NULL },
	{ M_PREFIX_NULL, "remote pppd command: missing" },
	{ M_PREFIX_EMPTY, "remote pppd command: missing" },
	{ M_PREFIX_EMPTYWORD, "remote pppd command: empty command name" },
	{ M_IPPREFIX_NULL, "remote ip command: missing" },
	{ M_DNS_TWO, NULL },
	{ M_DNS_THREE, "remote dns: more than 2 servers (IPCP carries a "
	  "primary and a secondary)" },
	{ M_DNS_BAD, "remote dns: \"ns.example\" is not an IPv4 address" },
};

static void
mutate(struct ppp_params *p, enum mutation m)
{
	switch (m) {
	case M_NONE:
		break;
	case M_PPPD_RELATIVE:
		p->local_pppd = "pppd";
		break;
	case M_PPPD_NULL:
		p->local_pppd = NULL;
		break;
	case M_LIF_EMPTY:
		p->local_ifname = "";
		break;
	case M_LIF_LONG:
		p->local_ifname = "abcdefghijklmnop";
		break;
	case M_LIF_MAX:
		p->local_ifname = "abcdefghijklmno";
		break;
	case M_LIF_SLASH:
		p->local_ifname = "vpn/x";
		break;
	case M_LIF_DASH:
		p->local_ifname = "-vpn";
		break;
	case M_RIF_SPACE:
		p->remote_ifname = "vpn x";
		break;
	case M_RIF_NULL:
		p->remote_ifname = NULL;
		break;
	case M_LIP_BAD:
		p->local_ip = "10.9.0.256";
		break;
	case M_RIP_V6:
		p->remote_ip = "fd00::1";
		break;
	case M_RIP_SAME:
		p->remote_ip = "10.9.0.1";
		break;
	case M_RIP_NULL:
		p->remote_ip = NULL;
		break;
	case M_INTERVAL_0:
		p->lcp_echo_interval = 0;
		break;
	case M_INTERVAL_BIG:
		p->lcp_echo_interval = 3601;
		break;
	case M_FAILURE_0:
		p->lcp_echo_failure = 0;
		break;
	case M_FAILURE_BIG:
		p->lcp_echo_failure = 101;
		break;
	case M_FAILURE_MAX:
		p->lcp_echo_failure = 100;
		break;
	case M_MTU_LOW:
		p->mtu = 575;
		break;
	case M_MTU_HIGH:
		p->mtu = 9001;
		break;
	case M_MTU_MIN:
		p->mtu = 576;
		break;
	case M_MTU_MAX:
		p->mtu = 9000;
		break;
	case M_LINK_DOTDOT:
		p->linkname = "../x";
		break;
	case M_LINK_NULL:
		p->linkname = NULL;
		break;
	case M_PREFIX_NULL:
		p->remote_prefix = NULL;
		break;
	case M_PREFIX_EMPTY:
		p->remote_prefix = empty_words;
		break;
	case M_PREFIX_EMPTYWORD:
		p->remote_prefix = empty_word;
		break;
	case M_IPPREFIX_NULL:
		p->remote_ip_prefix = NULL;
		break;
	case M_DNS_TWO:
		p->remote_dns = dns_two;
		break;
	case M_DNS_THREE:
		p->remote_dns = dns_three;
		break;
	case M_DNS_BAD:
		p->remote_dns = dns_bad;
		break;
	}
}

/*
 * Issue 12: extra pppd options by allowlist.  The words of each case
 * split at spaces; want is NULL when they pass, else the cause.
 */
static void
test_options_check(void **state)
{
	static const struct {
		const char	*words;
		const char	*want;
	} t[] = {
		{ "", NULL },
		{ "debug kdebug 1 mtu 1400 mru 1400 novj noccp nobsdcomp "
		  "nodeflate", NULL },
		{ "lcp-echo-interval 5 lcp-echo-failure 4 lcp-echo-adaptive "
		  "lcp-max-configure 20 lcp-restart 1", NULL },
		{ "asyncmap 0 asyncmap 0xa0000 asyncmap FFFFFFFF", NULL },
		{ "ipcp-accept-local ipcp-accept-remote ms-dns 10.0.0.53 "
		  "ms-wins 10.0.0.54", NULL },
		{ "+ipv6 ipv6 ::1,::2 ipv6 ,::2 ipv6cp-accept-local "
		  "ipv6cp-max-configure 10", NULL },
		{ "bsdcomp 15 deflate 15,12 vj-max-slots 16", NULL },
		/* What the old blocklist missed, and what it named. */
		{ "ktune", "ktune is refused: not one of the pppd options "
		  "pppssh allows (see vpn.conf(5))" },
		{ "debug updetach", "updetach is refused: not one of the pppd "
		  "options pppssh allows (see vpn.conf(5))" },
		{ "defaultroute", "defaultroute is refused: not one of the "
		  "pppd options pppssh allows (see vpn.conf(5))" },
		{ "record /tmp/x", "record is refused: not one of the pppd "
		  "options pppssh allows (see vpn.conf(5))" },
		{ "plugin rp-pppoe.so", "plugin is refused: not one of the "
		  "pppd options pppssh allows (see vpn.conf(5))" },
		{ "/dev/ttyS0", "/dev/ttyS0 is refused: not one of the pppd "
		  "options pppssh allows (see vpn.conf(5))" },
		{ "+ipv6 noipv6", "noipv6 is refused: not one of the pppd "
		  "options pppssh allows (see vpn.conf(5))" },
		/* A value is checked as what pppd reads it as. */
		{ "mtu", "mtu: its value is missing (a number)" },
		{ "mtu 1400 mru", "mru: its value is missing (a number)" },
		{ "mtu logfile", "mtu logfile: the value is not a number" },
		{ "mtu 1234567890", "mtu 1234567890: the value is not a "
		  "number" },
		{ "mtu -1", "mtu -1: the value is not a number" },
		{ "asyncmap 0x", "asyncmap 0x: the value is not a hexadecimal "
		  "map of up to 8 digits" },
		{ "asyncmap 123456789", "asyncmap 123456789: the value is not a "
		  "hexadecimal map of up to 8 digits" },
		{ "ms-dns 10.0.0", "ms-dns 10.0.0: the value is not an IPv4 "
		  "address" },
		{ "ms-dns dns.example.org", "ms-dns dns.example.org: the value "
		  "is not an IPv4 address" },
		{ "deflate 15,", "deflate 15,: the value is not a code size, "
		  "or two as N,N" },
		{ "bsdcomp 100", "bsdcomp 100: the value is not a code size, "
		  "or two as N,N" },
		{ "ipv6 ::1", "ipv6 ::1: the value is not LOCAL,REMOTE "
		  "interface identifiers" },
		{ "ipv6 ::1,::2,::3", "ipv6 ::1,::2,::3: the value is not "
		  "LOCAL,REMOTE interface identifiers" },
	};
	char	*copy, *words[32], *cause, *s;
	size_t	 i, n;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		copy = xstrdup(t[i].words);
		n = 0;
		for (s = strtok(copy, " "); s != NULL; s = strtok(NULL, " "))
			words[n++] = s;
		cause = NULL;
		if (t[i].want == NULL) {
			if (ppp_options_check(words, n, &cause) != 0)
				fail_msg("case %zu refused: %s", i, cause);
		} else {
			if (ppp_options_check(words, n, &cause) != -1)
				fail_msg("case %zu passed: %s", i, t[i].words);
			assert_non_null(cause);
			if (strcmp(cause, t[i].want) != 0)
				fail_msg("case %zu:\nwant: %s\ngot:  %s", i,
				    t[i].want, cause);
		}
		free(cause);
		free(copy);
	}
}

/*
 * vpn.conf(5) lists exactly the options ppp_options_check() allows: the
 * ".Cm NAME" words of the list under pppd-options, each passing with a
 * value of the kind its ".Ar" names, and every allowed one listed.
 */
static void
test_options_documented(void **state)
{
	static const struct {
		const char	*ar, *value;
	} vals[] = {
		{ "Ar n", "1" }, { "Ar map", "0" }, { "Ar address", "10.0.0.1" },
		{ "Ar nr", "15,12" }, { "Ar local", "::1,::2" },
	};
	const char	*top = getenv("top_srcdir"), *name;
	char		*path, line[256], *words[2], *cause, *p, *end;
	char		 listed[64][32];
	size_t		 nlisted = 0, i, k, n;
	bool		 in = false, found;
	FILE		*f;

	(void)state;
	if (top == NULL)
		fail_msg("top_srcdir is not set (run from make check)");
	xasprintf(&path, "%s/man/vpn.conf.5.in", top);
	if ((f = fopen(path, "r")) == NULL)
		fail_msg("%s: cannot open", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, ".It Cm pppd-options ", 20) == 0)
			in = true;
		else if (in && strncmp(line, ".El", 3) == 0)
			break;
		if (!in || strncmp(line, ".Cm ", 4) != 0)
			continue;
		p = line + 4;
		end = p + strcspn(p, " \n");
		*end = '\0';
		assert_true(nlisted < 64 && strlen(p) < 32);
		memcpy(listed[nlisted++], p, strlen(p) + 1);
		words[0] = p;
		n = 1;
		for (k = 0; k < sizeof(vals) / sizeof(vals[0]); k++)
			if (strstr(end + 1, vals[k].ar) != NULL) {
				words[1] = (char *)vals[k].value;
				n = 2;
			}
		cause = NULL;
		if (ppp_options_check(words, n, &cause) != 0)
			fail_msg("vpn.conf(5) lists %s: %s", p, cause);
	}
	(void)fclose(f);
	free(path);
	assert_true(nlisted > 0);
	for (i = 0; (name = ppp_option_allowed(i)) != NULL; i++) {
		found = false;
		for (k = 0; k < nlisted; k++)
			found = found || strcmp(listed[k], name) == 0;
		if (!found)
			fail_msg("%s is allowed but not in vpn.conf(5)", name);
	}
	assert_int_equal(i, nlisted);
}

static void
test_params_check(void **state)
{
	struct ppp_params	 p;
	struct ppp_child	 child;
	char			*cause;
	size_t			 i;

	for (i = 0; i < sizeof(check_cases) / sizeof(check_cases[0]); i++) {
		p = base_params();
		mutate(&p, check_cases[i].m);
		cause = NULL;
		if (check_cases[i].cause == NULL) {
			assert_int_equal(ppp_params_check(&p, &cause), 0);
			assert_null(cause);
			continue;
		}
		assert_int_equal(ppp_params_check(&p, &cause), -1);
		assert_non_null(cause);
		assert_string_equal(cause, check_cases[i].cause);
		free(cause);

		/* ppp_spawn() refuses the same params, spawning nothing. */
		cause = NULL;
		assert_int_equal(ppp_spawn(&p, &child, &cause), -1);
		assert_string_equal(cause, check_cases[i].cause);
		free(cause);
	}
}

/* ---------------------------------------------------------- spawning */

#define ECHO_LEN	(100 * 1024)

/* Every byte value, the ones a tty would eat or translate, then noise. */
static void
echo_pattern(unsigned char *buf, size_t len)
{
	static const unsigned char special[] = "\r\n\r\r\n\n\x7e\x7d\x7e"
	    "\x11\x13\x11\x00\x03\x04\x1a\x1c\x7f\x08\x15\x17\x12\x16\x0f";
	uint32_t	x = 2463534242u;
	size_t		i;

	for (i = 0; i < len; i++) {
		if (i < 256)
			buf[i] = (unsigned char)i;
		else if (i < 256 + sizeof(special))
			buf[i] = special[i - 256];
		else {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			buf[i] = (unsigned char)x;
		}
	}
}

static void
assert_fd_flags(int fd)
{
	int	fl;

	fl = fcntl(fd, F_GETFD);
	assert_int_not_equal(fl, -1);
	assert_true(fl & FD_CLOEXEC);
	fl = fcntl(fd, F_GETFL);
	assert_int_not_equal(fl, -1);
	assert_true(fl & O_NONBLOCK);
}

static uint64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static char *const mode_check[] = { "test-mode", "check", NULL };
static char *const mode_hold[] = { "test-mode", "hold", NULL };

/*
 * Spawn this program as pppd with a hostile environment: signals
 * blocked, ignored and caught, stray fds without close-on-exec.  It
 * must come up clean, with the pty as a raw controlling tty.
 */
static void
test_spawn_child_environment(void **state)
{
	struct ppp_params	  p = base_params();
	struct ppp_child	  c;
	struct sigaction	  sa, old_usr2, old_pipe, old_hup;
	sigset_t		  block, oldmask;
	unsigned char		 *want, *got;
	char			  errbuf[8192], *cause = NULL, **argv, *joined;
	char			 *expect;
	size_t			  wrote = 0, nread = 0, errlen = 0;
	int			  stray[3], status, fds_before;
	bool			  err_eof = false;
	struct pollfd		  pfd[2];
	ssize_t			  n;
	uint64_t		  deadline;

	p.local_pppd = self;
	p.local_extra = mode_check;

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGCHLD);
	assert_int_equal(sigprocmask(SIG_BLOCK, &block, &oldmask), 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	assert_int_equal(sigaction(SIGUSR2, &sa, &old_usr2), 0);
	assert_int_equal(sigaction(SIGPIPE, &sa, &old_pipe), 0);
	assert_int_equal(sigaction(SIGHUP, &sa, &old_hup), 0);
	stray[0] = open("/dev/null", O_RDONLY);
	assert_int_not_equal(stray[0], -1);
	assert_int_equal(pipe(stray + 1), 0);
	fds_before = procfd_count();

	assert_int_equal(ppp_spawn(&p, &c, &cause), 0);
	assert_null(cause);
	assert_true(c.pid > 0);
	assert_fd_flags(c.master);
	assert_fd_flags(c.errfd);
	/* The parent kept the master and the stderr read end, nothing else. */
	assert_int_equal(procfd_count(), fds_before + 2);

	assert_int_equal(sigprocmask(SIG_SETMASK, &oldmask, NULL), 0);
	assert_int_equal(sigaction(SIGUSR2, &old_usr2, NULL), 0);
	assert_int_equal(sigaction(SIGPIPE, &old_pipe, NULL), 0);
	assert_int_equal(sigaction(SIGHUP, &old_hup, NULL), 0);
	close(stray[0]);
	close(stray[1]);
	close(stray[2]);

	want = xmalloc(ECHO_LEN);
	got = xmalloc(ECHO_LEN);
	echo_pattern(want, ECHO_LEN);
	deadline = now_ms() + 20000;
	while (nread < ECHO_LEN || !err_eof) {
		assert_true(now_ms() < deadline);
		pfd[0].fd = c.master;
		pfd[0].events = (wrote < ECHO_LEN ? POLLOUT : 0) |
		    (nread < ECHO_LEN ? POLLIN : 0);
		pfd[1].fd = err_eof ? -1 : c.errfd;
		pfd[1].events = POLLIN;
		if (pfd[0].events == 0)
			pfd[0].fd = -1;
		assert_true(poll(pfd, 2, 1000) >= 0);
		if (pfd[0].revents & POLLOUT) {
			n = write(c.master, want + wrote, ECHO_LEN - wrote);
			if (n == -1)
				assert_int_equal(errno, EAGAIN);
			else
				wrote += n;
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(c.master, got + nread, ECHO_LEN - nread);
			if (n == -1)
				assert_int_equal(errno, EAGAIN);
			else {
				assert_true(n > 0);
				nread += n;
			}
		}
		if (pfd[1].revents & (POLLIN | POLLHUP)) {
			n = read(c.errfd, errbuf + errlen,
			    sizeof(errbuf) - 1 - errlen);
			if (n == 0)
				err_eof = true;
			else if (n == -1)
				assert_int_equal(errno, EAGAIN);
			else
				errlen += n;
			assert_true(errlen < sizeof(errbuf) - 1);
		}
	}
	errbuf[errlen] = '\0';
	assert_int_equal(waitpid(c.pid, &status, 0), c.pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	argv = ppp_local_argv(&p);
	joined = sh_join(argv);
	xasprintf(&expect, "argv=%s\ntty=1 same=1 sid=1 ctty=1 fg=1 raw=1 "
	    "fds=0,1,2 blocked=- ignored=-\n", joined);
	assert_string_equal(errbuf, expect);
	assert_int_equal(nread, ECHO_LEN);
	assert_memory_equal(got, want, ECHO_LEN);

	free(expect);
	free(joined);
	argv_free(argv);
	free(want);
	free(got);
	close(c.master);
	close(c.errfd);
}

/*
 * pppd's tty is its controlling tty: closing the master hangs it up
 * (SIGHUP), even though vpnd had SIGHUP ignored.
 */
static void
test_spawn_hangup(void **state)
{
	struct ppp_params	 p = base_params();
	struct ppp_child	 c;
	struct sigaction	 sa, old_hup;
	char			 buf[64], *cause = NULL;
	size_t			 len = 0;
	int			 status;
	struct pollfd		 pfd;
	ssize_t			 n;

	p.local_pppd = self;
	p.local_extra = mode_hold;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	assert_int_equal(sigaction(SIGHUP, &sa, &old_hup), 0);
	assert_int_equal(ppp_spawn(&p, &c, &cause), 0);
	assert_int_equal(sigaction(SIGHUP, &old_hup, NULL), 0);

	while (len < 6) {
		pfd.fd = c.errfd;
		pfd.events = POLLIN;
		assert_int_equal(poll(&pfd, 1, 20000), 1);
		n = read(c.errfd, buf + len, sizeof(buf) - 1 - len);
		assert_true(n > 0);
		len += n;
	}
	buf[len] = '\0';
	assert_string_equal(buf, "ready\n");

	close(c.master);
	assert_int_equal(waitpid(c.pid, &status, 0), c.pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGHUP);
	close(c.errfd);
}

static void
test_spawn_exec_failure(void **state)
{
	struct ppp_params	 p = base_params();
	struct ppp_child	 c;
	char			 path[] = "/tmp/test_ppp_noexec.XXXXXX";
	char			*cause = NULL, *want;
	int			 fd, fds_before, status;

	fds_before = procfd_count();
	p.local_pppd = "/nonexistent/pppd";
	assert_int_equal(ppp_spawn(&p, &c, &cause), -1);
	assert_string_equal(cause,
	    "exec /nonexistent/pppd: No such file or directory");
	free(cause);
	cause = NULL;

	/* A file without execute permission (refused even to root). */
	fd = mkstemp(path);
	assert_int_not_equal(fd, -1);
	close(fd);
	p.local_pppd = path;
	assert_int_equal(ppp_spawn(&p, &c, &cause), -1);
	unlink(path);
	xasprintf(&want, "exec %s: Permission denied", path);
	assert_string_equal(cause, want);
	free(want);
	free(cause);

	/* Nothing left open, no child left to reap. */
	assert_int_equal(procfd_count(), fds_before);
	assert_int_equal(waitpid(-1, &status, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}


/* ------------------------------------------- this program as "pppd" */

/* Append ",word" (or "word" to an empty list) to a fixed buffer. */
static void
list_add(char *list, size_t size, const char *word)
{
	size_t	len = strlen(list);
	int	n;

	n = snprintf(list + len, size - len, "%s%s", len == 0 ? "" : ",",
	    word);
	if (n < 0 || (size_t)n >= size - len)
		list[len] = '\0';	/* no room: leave the list as it was */
}

static int
child_report(char **argv)
{
	struct termios	 t;
	struct stat	 s0, s1;
	struct sigaction sa;
	sigset_t	 mask;
	DIR		*d;
	struct dirent	*de;
	char		 fds[256] = "", blocked[256] = "", ignored[256] = "";
	char		*joined;
	pid_t		 sid = -1;
	int		 fd, tty, same, sidok, ctty, fg, raw, signo;

	/* Open fds, before this process opens any of its own. */
	d = opendir("/proc/self/fd");
	if (d == NULL)
		return 2;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || atoi(de->d_name) == dirfd(d))
			continue;
		list_add(fds, sizeof(fds), de->d_name);
	}
	closedir(d);
	/* /proc lists a process's fds in numeric order. */

	sigprocmask(SIG_SETMASK, NULL, &mask);
	for (signo = 1; signo < NSIG; signo++) {
		char	num[16];

		snprintf(num, sizeof(num), "%d", signo);
		if (sigismember(&mask, signo) == 1)
			list_add(blocked, sizeof(blocked), num);
		if (sigaction(signo, NULL, &sa) == 0 &&
		    sa.sa_handler == SIG_IGN)
			list_add(ignored, sizeof(ignored), num);
	}

	tty = isatty(0) && isatty(1);
	same = fstat(0, &s0) == 0 && fstat(1, &s1) == 0 &&
	    s0.st_rdev == s1.st_rdev;
	sidok = getsid(0) == getpid();
	ctty = ioctl(0, TIOCGSID, &sid) == 0 && sid == getpid();
	if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1)
		ctty = 0;
	else
		close(fd);
	fg = tcgetpgrp(0) == getpgrp();
	raw = tcgetattr(0, &t) == 0 &&
	    (t.c_iflag & (IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
	    ICRNL | IXON | IXOFF | IXANY)) == 0 &&
	    (t.c_oflag & OPOST) == 0 &&
	    (t.c_lflag & (ECHO | ECHONL | ICANON | ISIG | IEXTEN)) == 0 &&
	    (t.c_cflag & (CSIZE | PARENB)) == CS8 &&
	    t.c_cc[VMIN] == 1 && t.c_cc[VTIME] == 0;

	joined = sh_join(argv);
	dprintf(2, "argv=%s\ntty=%d same=%d sid=%d ctty=%d fg=%d raw=%d "
	    "fds=%s blocked=%s ignored=%s\n", joined, tty, same, sidok, ctty,
	    fg, raw, fds, blocked[0] == '\0' ? "-" : blocked,
	    ignored[0] == '\0' ? "-" : ignored);
	free(joined);
	return 0;
}

static int
child_echo(void)
{
	char	buf[8192];
	size_t	total = 0, off;
	ssize_t	n, w;

	while (total < ECHO_LEN) {
		n = read(0, buf, sizeof(buf));
		if (n <= 0)
			return 3;
		for (off = 0; off < (size_t)n; off += w) {
			w = write(1, buf + off, n - off);
			if (w <= 0)
				return 4;
		}
		total += n;
	}
	return 0;
}

static int
child_main(int argc, char **argv)
{
	char	buf[256];
	int	i;

	for (i = 1; i + 1 < argc; i++) {
		if (strcmp(argv[i], "test-mode") != 0)
			continue;
		if (strcmp(argv[i + 1], "check") == 0) {
			if (child_report(argv) != 0)
				return 2;
			return child_echo();
		}
		if (strcmp(argv[i + 1], "hold") == 0) {
			dprintf(2, "ready\n");
			while (read(0, buf, sizeof(buf)) > 0)
				continue;
			return 5;
		}
	}
	return 6;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_command_lines),
		cmocka_unit_test(test_local_argv_words),
		cmocka_unit_test(test_route_commands),
		cmocka_unit_test(test_dns_argv),
		cmocka_unit_test(test_dns_line),
		cmocka_unit_test_setup_teardown(test_remote_through_shell,
		    shwords_setup, shwords_teardown),
		cmocka_unit_test(test_params_check),
		cmocka_unit_test(test_options_check),
		cmocka_unit_test(test_options_documented),
		cmocka_unit_test(test_spawn_child_environment),
		cmocka_unit_test(test_spawn_hangup),
		cmocka_unit_test(test_spawn_exec_failure),
	};
	ssize_t	n;

	if (argc > 1 && strcmp(argv[1], "nodetach") == 0)
		return child_main(argc, argv);

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0 || (size_t)n >= sizeof(self) - 1)
		return 99;
	self[n] = '\0';
	return cmocka_run_group_tests(tests, NULL, NULL);
}
