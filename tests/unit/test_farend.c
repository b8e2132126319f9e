/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for src/farend.c: the privilege prefix of remote-command
 * (sudo and doas options with their arguments), the exact
 * authorized_keys and sudoers lines, the vpn-peer requests (parsed back
 * by peer.c into what vpn-peer --sudo runs, which is what sudoers
 * allows), and every command built for a pppd link run through a real
 * /bin/sh: stub sudo, pppd and ip record the argv they get, a real
 * pkill ends a stand-in stale pppd (a script named pppd) by its pid
 * file and leaves a pid file naming another process alone.  For a sudo
 * link, the commands sudo was asked to run are exactly the ones the
 * sudoers lines list.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "argv.h"
#include "conf.h"
#include "conffiles.h"
#include "farend.h"
#include "file.h"
#include "peer.h"
#include "ppp.h"
#include "quote.h"
#include "xmalloc.h"

#define PPPD_OPTS \
	"nodetach notty noauth local nolock nocrtscts nodefaultroute logfd 2"
#define NET1	"192.168.1.0/24"
#define NET2	"2001:db8:5::/48"

static struct conffiles	cf;
static char		stubdir[] = "/tmp/test_farend.XXXXXX";
static char		*stub_log, *stub_err, *stub_out, *stale_pidfile;
static const char	*stub_in;	/* run_sh()'s stdin; NULL: /dev/null */

/* -------------------------------------------------------------- setup */

/* Write a file the test needs. */
static void
write_file(const char *path, const char *text, mode_t mode)
{
	if (conffiles_write(path, text, mode) == -1)
		fail_msg("%s: %s", path, strerror(errno));
}

static char *
stub_path(const char *name)
{
	char	*p;

	xasprintf(&p, "%s/%s", stubdir, name);
	return p;
}

/*
 * The stand-ins, in the stub directory: bin/pppd and bin/ip record
 * their argv ($0 first, each word NUL-terminated, then a newline) in
 * $STUB_LOG and fail when a word is $STUB_FAIL; bin/pppd also says on
 * stderr what pppd says once its interface is up, writes PPP-DATA on
 * stdout and exits $STUB_EXIT (0); bin/sudo records its
 * own, drops its options and execs the rest; stale/pppd is a pppd left
 * running, which writes its pid file ($1) as pppd does and, on SIGTERM
 * only, removes it and exits 15.
 */
static int
setup(void **state)
{
	static const char record[] =
	    "#!/bin/sh\n"
	    "{ printf '%s\\0' \"$0\" \"$@\"; printf '\\n'; } >>\"$STUB_LOG\"\n";
	char	*p, *text;

	(void)state;
	if (conffiles_make(&cf, "test_farend") == -1 ||
	    mkdtemp(stubdir) == NULL)
		return -1;
	p = stub_path("bin");
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	p = stub_path("stale");
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	xasprintf(&text, "%s"
	    "for w; do [ \"$w\" != \"${STUB_FAIL:-}\" ] || exit 1; done\n",
	    record);
	p = stub_path("bin/ip");
	write_file(p, text, 0755);
	free(p);
	free(text);
	xasprintf(&text, "%s"
	    "while [ $# -gt 0 ]; do\n"
	    "\tcase $1 in\n"
	    "\t-u) shift 2 ;;\n"
	    "\t--) shift; break ;;\n"
	    "\t-*) shift ;;\n"
	    "\t*) break ;;\n"
	    "\tesac\n"
	    "done\n"
	    "exec \"$@\"\n", record);
	p = stub_path("bin/sudo");
	write_file(p, text, 0755);
	free(p);
	free(text);
	xasprintf(&text, "%s"
	    "printf 'Using interface ppp0\\nremote IP address 10.9.0.1\\n' >&2\n"
	    "echo PPP-DATA\n"
	    "for w; do [ \"$w\" != \"${STUB_FAIL:-}\" ] || exit 1; done\n"
	    "exit \"${STUB_EXIT:-0}\"\n", record);
	p = stub_path("bin/pppd");
	write_file(p, text, 0755);
	free(p);
	free(text);
	p = stub_path("stale/pppd");
	write_file(p,
	    "#!/bin/sh\n"
	    "trap 'rm -f \"$1\"; exit 15' TERM\n"
	    "printf '%s\\nvpn-office\\n' $$ >\"$1.new\"\n"
	    "mv \"$1.new\" \"$1\"\n"
	    "while :; do sleep 0.05; done\n", 0755);
	free(p);
	stub_log = stub_path("log");
	stub_err = stub_path("err");
	stub_out = stub_path("out");
	stale_pidfile = stub_path("ppp-vpn-office.pid");
	return 0;
}

static int
teardown(void **state)
{
	static const char *const names[] = {
		"bin/pppd", "bin/ip", "bin/sudo", "stale/pppd", "log", "err",
		"out",
		"ppp-vpn-office.pid", "bin", "stale",
		"net/vpn-office/flags", "net/vpn-office", "net", "in",
	};
	char	*p;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		p = stub_path(names[i]);
		(void)remove(p);
		free(p);
	}
	free(stub_log);
	free(stub_err);
	free(stub_out);
	free(stale_pidfile);
	conffiles_remove(&cf);
	return rmdir(stubdir);
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

/* The config error for extra, which must be refused. */
static char *
load_error(const char *extra)
{
	char	*cause = NULL;

	assert_null(conffiles_link(&cf, extra, &cause));
	return cause;
}

/* ------------------------------------------------------------- prefix */

static void
test_prefix(void **state)
{
	static const struct {
		const char	*words;
		enum farend_via	 via;
		size_t		 n;
		const char	*runas;
		const char	*cause;		/* refused: part of it */
	} t[] = {
		{ "/usr/sbin/pppd", FAREND_DIRECT, 0, NULL, NULL },
		{ "/opt/pppd-wrapper -x", FAREND_DIRECT, 0, NULL, NULL },
		{ "sudo -n /usr/sbin/pppd", FAREND_SUDO, 2, "root", NULL },
		{ "/usr/bin/sudo /usr/sbin/pppd", FAREND_SUDO, 1, "root",
		    NULL },
		/* Issue 12: -u takes the next word, which is not pppd. */
		{ "sudo -u root /usr/sbin/pppd", FAREND_SUDO, 3, "root", NULL },
		{ "sudo -n -u ppp /usr/sbin/pppd", FAREND_SUDO, 4, "ppp",
		    NULL },
		{ "sudo -nu ppp /usr/sbin/pppd", FAREND_SUDO, 3, "ppp", NULL },
		{ "sudo -uppp -n /usr/sbin/pppd", FAREND_SUDO, 3, "ppp", NULL },
		{ "sudo --user=ppp /usr/sbin/pppd", FAREND_SUDO, 2, "ppp",
		    NULL },
		{ "sudo --user ppp --non-interactive /usr/sbin/pppd",
		    FAREND_SUDO, 4, "ppp", NULL },
		{ "sudo -H -P --set-home --preserve-groups /sbin/ip",
		    FAREND_SUDO, 5, "root", NULL },
		{ "sudo -n -- /usr/sbin/pppd", FAREND_SUDO, 3, "root", NULL },
		{ "doas -n /usr/sbin/pppd", FAREND_DOAS, 2, "root", NULL },
		{ "doas -nu root /usr/sbin/pppd", FAREND_DOAS, 3, "root",
		    NULL },
		/* Refused: what we cannot write an exact rule for. */
		{ "sudo -E /usr/sbin/pppd", 0, 0, NULL,
		    "sudo option -E is not supported (-n, -H, -P and -u USER "
		    "are)" },
		{ "sudo -S /usr/sbin/pppd", 0, 0, NULL, "option -S" },
		{ "sudo -nS /usr/sbin/pppd", 0, 0, NULL, "option -nS" },
		{ "sudo --preserve-env /usr/sbin/pppd", 0, 0, NULL,
		    "option --preserve-env" },
		{ "sudo - /usr/sbin/pppd", 0, 0, NULL, "option -" },
		{ "doas -s /usr/sbin/pppd", 0, 0, NULL,
		    "doas option -s is not supported (-n and -u USER are)" },
		{ "doas --user=root /usr/sbin/pppd", 0, 0, NULL,
		    "option --user=root" },
		{ "sudo -n", 0, 0, NULL, "sudo: no command after it" },
		{ "sudo -u", 0, 0, NULL, "sudo -u: \"\" is not a user name" },
		{ "sudo -u -n /usr/sbin/pppd", 0, 0, NULL,
		    "sudo -u: \"-n\" is not a user name" },
		{ "sudo -u a:b /usr/sbin/pppd", 0, 0, NULL,
		    "\"a:b\" is not a user name" },
		{ "sudo -n pppd", 0, 0, NULL,
		    "sudo runs \"pppd\": not an absolute path" },
	};
	struct farend_prefix	 fp;
	struct argv		 w;
	char			*cause;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&w, 0, sizeof(w));
		argv_split(&w, t[i].words);
		cause = NULL;
		if (t[i].cause != NULL) {
			assert_int_equal(farend_prefix(w.v, &fp, &cause), -1);
			if (strstr(cause, t[i].cause) == NULL)
				fail_msg("%s: %s", t[i].words, cause);
			assert_int_equal(fp.n, 0);
			free(cause);
		} else {
			assert_int_equal(farend_prefix(w.v, &fp, &cause), 0);
			assert_int_equal(fp.via, t[i].via);
			assert_int_equal(fp.n, t[i].n);
			if (t[i].runas == NULL)
				assert_null(fp.runas);
			else
				assert_string_equal(fp.runas, t[i].runas);
		}
		argv_clear(&w);
	}
	assert_int_equal(farend_prefix(NULL, &fp, &cause), 0);
	assert_int_equal(fp.via, FAREND_DIRECT);
}

/* vpnd -t refuses such prefixes, saying where. */
static void
test_prefix_conf(void **state)
{
	char	*cause;

	(void)state;
	cause = load_error("    remote-command sudo -E /usr/sbin/pppd\n");
	assert_string_equal(cause, "test.conf:8: remote-command: sudo option "
	    "-E is not supported (-n, -H, -P and -u USER are) (link office)");
	free(cause);
	cause = load_error("    remote-ip-command sudo ip\n");
	assert_string_equal(cause, "test.conf:8: remote-ip-command: sudo "
	    "runs \"ip\": not an absolute path (sudoers and doas.conf name "
	    "commands by path) (link office)");
	free(cause);
}

/* -------------------------------------------- authorized_keys, sudoers */

static void
test_authorized_keys(void **state)
{
	static const struct {
		const char	*extra;
		const char	*want;
	} t[] = {
		{ "", "restrict KEY" },
		{ "    user vpn\n", "restrict KEY" },
		{ "    user root\n    remote-command /usr/sbin/pppd\n",
		    "restrict,pty KEY" },
		{ "    user vpn\n    remote-command vpn-peer\n"
		    "    local-net " NET1 "\n"
		    "    local-net " NET2 "\n",
		    "restrict,command=\"" VPN_SBINDIR "/vpn-peer --ip 10.9.0.2 "
		    "--peer 10.9.0.1 --net " NET1 " --net " NET2 " "
		    "--ifname vpn-office --sudo\" KEY" },
		{ "    user root\n    remote-command vpn-peer\n"
		    "    remote-ifname gw0\n",
		    "restrict,command=\"" VPN_SBINDIR "/vpn-peer --ip 10.9.0.2 "
		    "--peer 10.9.0.1 --ifname gw0\" KEY" },
	};
	struct farend	 fe;
	struct conf	*c;
	char		*line;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		c = load(t[i].extra);
		farend_init(&fe, c->links[0]);
		line = farend_authorized_keys(&fe, "KEY");
		assert_string_equal(line, t[i].want);
		free(line);
		conf_free(c);
	}
}

static void
test_sudoers(void **state)
{
	static const struct {
		const char	*extra;
		const char	*want;		/* NULL: none */
		int		 other;
	} t[] = {
		/* The default: user vpn, sudo -n /usr/sbin/pppd. */
		{ "    user vpn\n    local-net " NET1 "\n"
		    "    local-net " NET2 "\n",
		    "Defaults:vpn !requiretty\n"
		    "vpn ALL=(root) NOPASSWD: /usr/sbin/pppd " PPPD_OPTS
		    " ifname vpn-office 10.9.0.2\\:10.9.0.1"
		    " lcp-echo-interval 10 lcp-echo-failure 3 lcp-echo-adaptive lcp-restart 1"
		    " lcp-max-terminate 1 noccp +ipv6"
		    " linkname vpn-office, \\\n"
		    "    /sbin/ip route replace " NET1 " dev vpn-office, \\\n"
		    "    /sbin/ip route del " NET1 " dev vpn-office, \\\n"
		    "    /sbin/ip -6 route replace 2001\\:db8\\:5\\:\\:/48 dev "
		    "vpn-office, \\\n"
		    "    /sbin/ip -6 route del 2001\\:db8\\:5\\:\\:/48 dev "
		    "vpn-office, \\\n"
		    "    /usr/bin/pkill -TERM -F /run/ppp-vpn-office.pid "
		    "-x pppd\n", 0 },
		/* Link options reach the pppd rule exactly. */
		{ "    user vpn\n    keepalive 5 4\n    mtu 1400\n"
		    "    compression yes\n    remote-ifname gw0\n"
		    "    remote-pppd-options debug\n",
		    "Defaults:vpn !requiretty\n"
		    "vpn ALL=(root) NOPASSWD: /usr/sbin/pppd " PPPD_OPTS
		    " ifname gw0 10.9.0.2\\:10.9.0.1 lcp-echo-interval 5"
		    " lcp-echo-failure 4 lcp-echo-adaptive lcp-restart 1 lcp-max-terminate 1 "
		    "mtu 1400 mru 1400 linkname gw0 debug, \\\n"
		    "    /usr/bin/pkill -TERM -F /run/ppp-gw0.pid -x pppd\n",
		    0 },
		/* Issue 12: sudo -u root is three words of prefix. */
		{ "    user vpn\n    remote-command sudo -u root "
		    "/usr/sbin/pppd\n",
		    "Defaults:vpn !requiretty\n"
		    "vpn ALL=(root) NOPASSWD: /usr/sbin/pppd " PPPD_OPTS
		    " ifname vpn-office 10.9.0.2\\:10.9.0.1"
		    " lcp-echo-interval 10 lcp-echo-failure 3 lcp-echo-adaptive lcp-restart 1"
		    " lcp-max-terminate 1 noccp linkname vpn-office, \\\n"
		    "    /usr/bin/pkill -TERM -F /run/ppp-vpn-office.pid "
		    "-x pppd\n", 0 },
		/* Another user for ip: its own Runas_Spec. */
		{ "    user vpn\n    remote-ip-command sudo -n -u netadm "
		    "/sbin/ip\n    local-net " NET1 "\n",
		    "Defaults:vpn !requiretty\n"
		    "vpn ALL=(root) NOPASSWD: /usr/sbin/pppd " PPPD_OPTS
		    " ifname vpn-office 10.9.0.2\\:10.9.0.1"
		    " lcp-echo-interval 10 lcp-echo-failure 3 lcp-echo-adaptive lcp-restart 1"
		    " lcp-max-terminate 1 noccp linkname vpn-office, \\\n"
		    "    (netadm) /sbin/ip route replace " NET1 " dev "
		    "vpn-office, \\\n"
		    "    /sbin/ip route del " NET1 " dev vpn-office, \\\n"
		    "    (root) /usr/bin/pkill -TERM -F "
		    "/run/ppp-vpn-office.pid -x pppd\n", 0 },
		/* Root without sudo for pppd: only the route commands. */
		{ "    user root\n    remote-command /usr/sbin/pppd\n"
		    "    local-net " NET1 "\n",
		    "Defaults:root !requiretty\n"
		    "root ALL=(root) NOPASSWD: /sbin/ip route replace "
		    NET1 " dev vpn-office, \\\n"
		    "    /sbin/ip route del " NET1 " dev vpn-office\n", 0 },
		{ "    user root\n    remote-command /usr/sbin/pppd\n", NULL,
		    0 },
		{ "    user vpn\n    remote-command doas /usr/sbin/pppd\n"
		    "    remote-ip-command doas /sbin/ip\n", NULL, 1 },
		/* vpn-peer --sudo: what it runs, from its own defaults. */
		{ "    user vpn\n    remote-command vpn-peer\n"
		    "    local-net " NET1 "\n",
		    "Defaults:vpn !requiretty\n"
		    "vpn ALL=(root) NOPASSWD: /usr/sbin/pppd " PPPD_OPTS
		    " ifname vpn-office 10.9.0.2\\:10.9.0.1"
		    " lcp-echo-interval 10 lcp-echo-failure 3 lcp-echo-adaptive lcp-restart 1"
		    " lcp-max-terminate 1 noccp linkname vpn-office, \\\n"
		    "    /sbin/ip route replace " NET1 " dev vpn-office, \\\n"
		    "    /sbin/ip route del " NET1 " dev vpn-office, \\\n"
		    "    /usr/bin/pkill -TERM -F /run/ppp-vpn-office.pid "
		    "-x pppd, \\\n"
		    "    /usr/bin/pkill -KILL -F /run/ppp-vpn-office.pid "
		    "-x pppd\n", 0 },
		{ "    user root\n    remote-command vpn-peer\n", NULL, 0 },
	};
	struct farend		 fe;
	struct farend_cmds	 cmds;
	struct conf		*c;
	char			*s;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		c = load(t[i].extra);
		farend_init(&fe, c->links[0]);
		farend_sudo_cmds(&fe, &cmds);
		s = farend_sudoers(&fe, &cmds);
		if (t[i].want == NULL)
			assert_null(s);
		else
			assert_string_equal(s, t[i].want);
		assert_int_equal(cmds.other, t[i].other);
		/* No glob or other pattern is left for sudoers to expand. */
		if (s != NULL)
			assert_null(strpbrk(s, "*?["));
		free(s);
		farend_cmds_free(&cmds);
		conf_free(c);
	}
}

static void
test_cmds_argv(void **state)
{
	struct farend		 fe;
	struct farend_cmds	 cmds;
	struct conf		*c;

	(void)state;
	c = load("    user vpn\n    remote-command /opt/sudo -n -H "
	    "/usr/sbin/pppd\n    remote-ip-command /opt/sudo -n /sbin/ip\n"
	    "    local-net " NET1 "\n");
	farend_init(&fe, c->links[0]);
	farend_sudo_cmds(&fe, &cmds);
	assert_int_equal(cmds.n, 4);
	assert_string_equal(cmds.v[0].what, "pppd");
	assert_string_equal(cmds.v[0].sudo[0], "/opt/sudo");
	assert_string_equal(cmds.v[0].sudo[1], "-n");
	assert_string_equal(cmds.v[0].sudo[2], "-H");
	assert_null(cmds.v[0].sudo[3]);
	assert_string_equal(cmds.v[0].argv[0], "/usr/sbin/pppd");
	assert_string_equal(cmds.v[1].what, "route");
	assert_null(cmds.v[1].sudo[2]);
	assert_string_equal(cmds.v[1].argv[0], "/sbin/ip");
	assert_string_equal(cmds.v[1].argv[2], "replace");
	assert_string_equal(cmds.v[2].argv[2], "del");
	/* The stale pppd's end, behind remote-command's sudo words. */
	assert_string_equal(cmds.v[3].what, "clean");
	assert_null(cmds.v[3].sudo[3]);
	assert_string_equal(cmds.v[3].argv[0], FAREND_PKILL);
	assert_string_equal(cmds.v[3].rule, FAREND_PKILL " -TERM -F "
	    "/run/ppp-vpn-office.pid -x pppd");
	farend_cmds_free(&cmds);
	conf_free(c);
}

/*
 * Issue 12: a privilege prefix with options before pppd.  The stale
 * pppd's cleanup runs behind the same prefix words (not "sudo -u kill"),
 * and the far command line says so.
 */
static void
test_cmds_prefix_options(void **state)
{
	static const struct {
		const char	*cmd;
		const char	*sudo[5];
		const char	*clean;
	} t[] = {
		{ "sudo -u root /usr/sbin/pppd", { "sudo", "-u", "root" },
		  "sudo -u root " FAREND_PKILL " -TERM -F " },
		{ "sudo -n -u root /usr/sbin/pppd",
		  { "sudo", "-n", "-u", "root" },
		  "sudo -n -u root " FAREND_PKILL " -TERM -F " },
		/* No sudoers rules for doas: the command line only. */
		{ "doas -u root /usr/sbin/pppd", { NULL },
		  "doas -u root " FAREND_PKILL " -TERM -F " },
		{ "/usr/bin/sudo -nuroot /usr/sbin/pppd",
		  { "/usr/bin/sudo", "-nuroot" },
		  "/usr/bin/sudo -nuroot " FAREND_PKILL " -TERM -F " },
	};
	struct farend		 fe;
	struct farend_cmds	 cmds;
	struct conf		*c;
	char			*extra, *cmd;
	size_t			 i, k, clean;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		xasprintf(&extra, "    user vpn\n    remote-command %s\n",
		    t[i].cmd);
		c = load(extra);
		free(extra);
		farend_init(&fe, c->links[0]);
		farend_sudo_cmds(&fe, &cmds);
		clean = cmds.n;
		for (k = 0; k < cmds.n; k++) {
			assert_string_equal(cmds.v[k].argv[0],
			    strcmp(cmds.v[k].what, "clean") == 0 ?
			    FAREND_PKILL : "/usr/sbin/pppd");
			if (strcmp(cmds.v[k].what, "clean") == 0)
				clean = k;
		}
		assert_true(t[i].sudo[0] == NULL ? cmds.n == 0 :
		    clean < cmds.n);
		for (k = 0; t[i].sudo[k] != NULL; k++)
			assert_string_equal(cmds.v[clean].sudo[k],
			    t[i].sudo[k]);
		if (t[i].sudo[0] != NULL)
			assert_null(cmds.v[clean].sudo[k]);
		cmd = farend_ppp_command(&fe);
		if (strstr(cmd, t[i].clean) == NULL)
			fail_msg("case %zu: no \"%s\" in %s", i, t[i].clean,
			    cmd);
		free(cmd);
		farend_cmds_free(&cmds);
		conf_free(c);
	}
}

/* ---------------------------------------------------- vpn-peer requests */

/* sudo + argv of cmd as one vector, for comparing. */
static void
cmd_words(const struct farend_cmd *cmd, struct argv *w)
{
	memset(w, 0, sizeof(*w));
	argv_addv(w, cmd->sudo);
	argv_addv(w, cmd->argv);
}

static void
assert_argv_equal(char *const *a, char *const *b)
{
	char	*sa = sh_join(a), *sb = sh_join(b);

	assert_string_equal(sa, sb);
	free(sa);
	free(sb);
}

static void
test_peer_requests(void **state)
{
	static const struct {
		const char	*extra;
		const char	*pppd, *add, *del;
	} t[] = {
		{ "    local-net " NET1 "\n    local-net " NET2 "\n",
		    "pppd lcp-echo-interval 10 lcp-echo-failure 3 ipv6 yes",
		    "route replace " NET1 " " NET2,
		    "route del " NET1 " " NET2 },
		{ "    keepalive 2 7\n    mtu 1400\n    compression yes\n",
		    "pppd lcp-echo-interval 2 lcp-echo-failure 7 mtu 1400 "
		    "compression yes", NULL, NULL },
	};
	struct farend		 fe;
	struct farend_cmds	 cmds;
	struct peer_conf	 pc;
	struct peer_request	 r;
	struct argv		 w;
	struct conf		*c;
	char			*s, *cause = NULL, **argv, *text;
	size_t			 i, j;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		xasprintf(&text, "    user vpn\n    remote-command vpn-peer\n"
		    "%s", t[i].extra);
		c = load(text);
		free(text);
		farend_init(&fe, c->links[0]);
		farend_sudo_cmds(&fe, &cmds);

		/* vpn-peer as authorized_keys configures it. */
		peer_conf_init(&pc);
		pc.ip = "10.9.0.2";
		pc.peer = "10.9.0.1";
		pc.ifname = "vpn-office";
		pc.sudo = true;
		for (j = 0; j < c->links[0]->local_nets.n; j++) {
			assert_int_equal(peer_conf_add_net(&pc, j == 0 ? NET1 :
			    NET2, &cause), 0);
		}
		assert_int_equal(peer_conf_check(&pc, &cause), 0);

		/* The pppd request parses into the pppd sudoers allows. */
		s = farend_ppp_command(&fe);
		assert_string_equal(s, t[i].pppd);
		assert_int_equal(peer_request_parse(&pc, s, &r, &cause), 0);
		free(s);
		assert_int_equal(r.verb, PEER_PPPD);
		argv = peer_pppd_argv(&pc, &r);
		assert_string_equal(cmds.v[0].what, "pppd");
		cmd_words(&cmds.v[0], &w);
		assert_argv_equal(argv, w.v);
		argv_clear(&w);
		argv_free(argv);

		s = farend_route_command(&fe, false);
		if (t[i].add == NULL) {
			assert_null(s);
			assert_null(farend_route_command(&fe, true));
		} else {
			assert_string_equal(s, t[i].add);
			assert_int_equal(peer_request_parse(&pc, s, &r,
			    &cause), 0);
			assert_false(r.route_del);
			assert_int_equal(r.nnets, 2);
			free(s);
			/* Each net's command is one sudoers allows. */
			for (j = 0; j < r.nnets; j++) {
				argv = peer_route_argv(&pc, false, &r.nets[j]);
				cmd_words(&cmds.v[1 + 2 * j], &w);
				assert_argv_equal(argv, w.v);
				argv_clear(&w);
				argv_free(argv);
			}
			s = farend_route_command(&fe, true);
			assert_string_equal(s, t[i].del);
			assert_int_equal(peer_request_parse(&pc, s, &r,
			    &cause), 0);
			assert_true(r.route_del);
			for (j = 0; j < r.nnets; j++) {
				argv = peer_route_argv(&pc, true, &r.nets[j]);
				cmd_words(&cmds.v[2 + 2 * j], &w);
				assert_argv_equal(argv, w.v);
				argv_clear(&w);
				argv_free(argv);
			}
		}
		free(s);
		/* And the two ends of a stale pppd. */
		j = cmds.n - 2;
		argv = peer_end_argv(&pc, "TERM");
		cmd_words(&cmds.v[j], &w);
		assert_argv_equal(argv, w.v);
		argv_clear(&w);
		argv_free(argv);
		argv = peer_end_argv(&pc, "KILL");
		cmd_words(&cmds.v[j + 1], &w);
		assert_argv_equal(argv, w.v);
		argv_clear(&w);
		argv_free(argv);

		farend_cmds_free(&cmds);
		conf_free(c);
	}
}

/* -------------------------------------------------- through /bin/sh */

/*
 * Run cmd with /bin/sh -c, the stubs' log and fail word in its
 * environment, stdout to stub_out, stderr to stub_err; its exit status.
 */
static int
run_sh(const char *cmd, const char *fail)
{
	pid_t	pid;
	int	st, fd;

	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		if (setenv("STUB_LOG", stub_log, 1) == -1 ||
		    (fail != NULL && setenv("STUB_FAIL", fail, 1) == -1))
			_exit(98);
		if ((fd = open(stub_err, O_WRONLY | O_CREAT | O_APPEND,
		    0644)) == -1 || dup2(fd, 2) == -1)
			_exit(98);
		if ((fd = open(stub_out, O_WRONLY | O_CREAT | O_APPEND,
		    0644)) == -1 || dup2(fd, 1) == -1)
			_exit(98);
		if ((fd = open(stub_in != NULL ? stub_in : "/dev/null",
		    O_RDONLY)) == -1 || dup2(fd, 0) == -1)
			_exit(98);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(99);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* The argv each stub recorded, in order; NULL-terminated. */
static struct argv *
stub_records(size_t *np)
{
	struct argv	*v = NULL;
	char		*buf, *p, *cause = NULL;
	size_t		 len, n = 0;

	*np = 0;
	if (access(stub_log, F_OK) == -1 && errno == ENOENT)
		return NULL;	/* no stub ran */
	if (file_read(stub_log, 1024 * 1024, NULL, &buf, &len,
	    &cause) == -1)
		fail_msg("%s", cause);
	for (p = buf; p < buf + len; p++) {
		v = xreallocarray(v, n + 1, sizeof(*v));
		memset(&v[n], 0, sizeof(v[n]));
		while (*p != '\n') {
			assert_true(p < buf + len);
			argv_add(&v[n], p);
			p += strlen(p) + 1;
		}
		n++;
	}
	free(buf);
	*np = n;
	return v;
}

static void
stub_records_free(struct argv *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		argv_clear(&v[i]);
	free(v);
}

static void
stub_reset(void)
{
	(void)unlink(stub_log);
	(void)unlink(stub_err);
	(void)unlink(stub_out);
	(void)unlink(stale_pidfile);
}

/* A stale pppd of the link, its pid file written: its pid. */
static pid_t
stale_start(void)
{
	struct timespec	 ts = { 0, 10000000 };
	char		*path;
	pid_t		 pid;
	int		 i, fd;

	path = stub_path("stale/pppd");
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			(void)dup2(fd, 0);
			(void)dup2(fd, 1);
		}
		execl(path, "pppd", stale_pidfile, (char *)NULL);
		_exit(99);
	}
	free(path);
	for (i = 0; i < 500 && access(stale_pidfile, F_OK) == -1; i++)
		(void)nanosleep(&ts, NULL);
	assert_int_equal(access(stale_pidfile, F_OK), 0);
	return pid;
}

/* The stale pppd got SIGTERM: its trap exited 15. */
static void
stale_ended(pid_t pid)
{
	int	st;

	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 15);
}

/* stub_err holds s, or does not. */
static bool
err_has(const char *s)
{
	char	*buf = NULL, *cause = NULL;
	size_t	 len;
	bool	 r;

	if (file_read(stub_err, 65536, NULL, &buf, &len, &cause) == -1) {
		free(cause);
		return false;
	}
	r = strstr(buf, s) != NULL;
	free(buf);
	return r;
}

/* What channel 1's shell runs to add net's route. */
static char **
farend_route_argv_test(const struct farend *fe, const char *net)
{
	return ppp_remote_route_argv(&fe->pp, "replace", net, "vpn-office");
}

/* What stub_out holds ("" if nothing). */
static char *
out_text(void)
{
	char	*buf = NULL, *cause = NULL;
	size_t	 len;

	if (file_read(stub_out, 65536, NULL, &buf, &len, &cause) == -1) {
		free(cause);
		return xstrdup("");
	}
	return buf;
}

/*
 * The routes' report among stub_err's lines, read as vpnd reads it:
 * its status (-1: none), the first word of what it says in err.
 */
static int
err_report(char *err, size_t errlen)
{
	char		*buf = NULL, *cause = NULL, *line, *save = NULL;
	const char	*e;
	size_t		 len;
	int		 st = -1, n = 0;

	if (file_read(stub_err, 65536, NULL, &buf, &len, &cause) == -1) {
		free(cause);
		return -1;
	}
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (farend_routes_line(line, &st, &e) == 1) {
			snprintf(err, errlen, "%s", e);
			n++;
		}
	}
	free(buf);
	assert_true(n <= 1);
	return st;
}

/*
 * Run the route command (del: removing) with ip failing for the word
 * fail: its exit status must be status, and ip must have run for the
 * nets in order.
 */
static void
routes_run(const struct farend *fe, bool del, const char *fail, int status,
    const char *const *nets)
{
	struct argv	*rec;
	char		*cmd, **argv;
	size_t		 n, i;

	stub_reset();
	cmd = farend_route_command(fe, del);
	assert_int_equal(run_sh(cmd, fail), status);
	free(cmd);
	rec = stub_records(&n);
	for (i = 0; nets[i] != NULL; i++) {
		assert_true(i < n);
		argv = ppp_remote_route_argv(&fe->pp, del ? "del" : "replace",
		    nets[i], "vpn-office");
		assert_argv_equal(rec[i].v, argv);
		/* An IPv6 prefix: ip -6. */
		assert_int_equal(strcmp(argv[1], "-6") == 0,
		    strchr(nets[i], ':') != NULL);
		argv_free(argv);
	}
	assert_int_equal(n, i);
	stub_records_free(rec, n);
}

/* A link logging in as root runs pppd, pkill and ip itself. */
static void
test_shell_direct(void **state)
{
	static const char *const both[] = { NET1, NET2, NULL };
	static const char *const first[] = { NET1, NULL };
	struct farend	 fe;
	struct conf	*c;
	struct argv	*rec;
	char		*text, *cmd, **argv, *note, *out, *tty, buf[256];
	size_t		 n, i;
	pid_t		 stale;

	(void)state;
	xasprintf(&text, "    user root\n    remote-command %s/bin/pppd\n"
	    "    remote-ip-command %s/bin/ip\n"
	    "    local-net " NET1 "\n    local-net " NET2 "\n"
	    "    remote-pppd-options debug\n", stubdir, stubdir);
	c = load(text);
	free(text);
	farend_init(&fe, c->links[0]);
	fe.pp.remote_rundir = stubdir;	/* not the host's /run */
	xasprintf(&note, "ended a stale pppd (%s)", stale_pidfile);

	/*
	 * Nothing stale: pppd runs with exactly the argv built, its stdout
	 * the shell's and nothing else there; once it says its interface
	 * is up the routes go in, each net, and the shell says so.
	 */
	stub_reset();
	cmd = farend_ppp_command(&fe);
	assert_int_equal(run_sh(cmd, NULL), 0);
	rec = stub_records(&n);
	assert_int_equal(n, 3);
	argv = ppp_remote_argv(&fe.pp);
	assert_argv_equal(rec[0].v, argv);
	argv_free(argv);
	argv = farend_route_argv_test(&fe, NET1);
	assert_argv_equal(rec[1].v, argv);
	argv_free(argv);
	argv = farend_route_argv_test(&fe, NET2);
	assert_argv_equal(rec[2].v, argv);
	argv_free(argv);
	stub_records_free(rec, n);
	assert_false(err_has("stale"));
	assert_true(err_has("Using interface ppp0\nremote IP address "
	    "10.9.0.1\n"));
	assert_int_equal(err_report(buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	out = out_text();
	assert_string_equal(out, "PPP-DATA\n");
	free(out);

	/* pppd's exit status is the shell's. */
	stub_reset();
	assert_int_equal(setenv("STUB_EXIT", "16", 1), 0);
	assert_int_equal(run_sh(cmd, NULL), 16);
	assert_int_equal(unsetenv("STUB_EXIT"), 0);
	assert_int_equal(err_report(buf, sizeof(buf)), 0);

	/* A route that fails: the report says how; pppd goes on. */
	stub_reset();
	assert_int_equal(run_sh(cmd, NET2), 0);
	rec = stub_records(&n);
	assert_int_equal(n, 3);
	stub_records_free(rec, n);
	assert_int_equal(err_report(buf, sizeof(buf)), 1);

	/* On sshd's pty: the same pppd, without notty. */
	stub_reset();
	tty = farend_ppp_command_tty(&fe);
	assert_non_null(tty);
	assert_int_equal(run_sh(tty, NULL), 0);
	free(tty);
	rec = stub_records(&n);
	assert_int_equal(n, 1);
	fe.pp.remote_tty = true;
	argv = ppp_remote_argv(&fe.pp);
	fe.pp.remote_tty = false;
	assert_argv_equal(rec[0].v, argv);
	for (i = 0; argv[i] != NULL; i++)
		assert_string_not_equal(argv[i], "notty");
	argv_free(argv);
	stub_records_free(rec, n);

	/* A stale pppd: ended by its pid file, then pppd runs. */
	stub_reset();
	stale = stale_start();
	assert_int_equal(run_sh(cmd, NULL), 0);
	stale_ended(stale);
	assert_true(err_has(note));
	assert_int_equal(access(stale_pidfile, F_OK), -1);
	rec = stub_records(&n);
	assert_int_equal(n, 3);
	assert_string_equal(rec[0].v[0], fe.pp.remote_prefix[0]);
	stub_records_free(rec, n);

	/*
	 * A pid file naming a process that is no pppd (this test: pkill
	 * would end it with the test) is left alone.
	 */
	stub_reset();
	xasprintf(&text, "%ld\nvpn-office\n", (long)getpid());
	write_file(stale_pidfile, text, 0644);
	free(text);
	assert_int_equal(run_sh(cmd, NULL), 0);
	assert_false(err_has("stale"));
	rec = stub_records(&n);
	assert_int_equal(n, 3);
	stub_records_free(rec, n);
	free(cmd);

	/* Routes: each net, "-6" for IPv6; adding stops at a failure. */
	routes_run(&fe, false, NULL, 0, both);
	routes_run(&fe, false, NET1, 1, first);
	/* Removing goes on past one. */
	routes_run(&fe, true, NET1, 0, both);

	free(note);
	conf_free(c);

	/* No local-net: the shell execs pppd, nothing else. */
	xasprintf(&text, "    user root\n    remote-command %s/bin/pppd\n",
	    stubdir);
	c = load(text);
	free(text);
	farend_init(&fe, c->links[0]);
	fe.pp.remote_rundir = stubdir;
	cmd = farend_ppp_command(&fe);
	assert_non_null(strstr(cmd, "; exec "));
	assert_null(strstr(cmd, "remote IP address"));
	stub_reset();
	assert_int_equal(setenv("STUB_EXIT", "16", 1), 0);
	assert_int_equal(run_sh(cmd, NULL), 16);
	assert_int_equal(unsetenv("STUB_EXIT"), 0);
	rec = stub_records(&n);
	assert_int_equal(n, 1);
	stub_records_free(rec, n);
	assert_int_equal(err_report(buf, sizeof(buf)), -1);
	free(cmd);
	conf_free(c);
}

/* The far interface's flags, as /sys/class/net shows them; NULL: none. */
static void
flags_set(const char *flags)
{
	char	*p, *tmp;

	p = stub_path("net/vpn-office/flags");
	if (flags == NULL) {
		(void)unlink(p);
		free(p);
		return;
	}
	xasprintf(&tmp, "%s.new", p);
	write_file(tmp, flags, 0644);
	assert_int_equal(rename(tmp, p), 0);
	free(tmp);
	free(p);
}

/*
 * A pty link's channel 2: it waits for the far interface to be up, then
 * runs the very route commands channel 1's shell runs on pipes.
 */
static void
test_shell_wait(void **state)
{
	static const char *const both[] = { NET1, NET2, NULL };
	struct timespec	 ts = { 0, 200000000 };
	struct farend	 fe;
	struct conf	*c;
	struct argv	*rec;
	char		*text, *cmd, *add, *p, *in, **argv;
	size_t		 n, i;
	pid_t		 pid;
	int		 st;

	(void)state;
	in = stub_path("in");
	xasprintf(&text, "    user root\n    remote-command %s/bin/pppd\n"
	    "    remote-ip-command %s/bin/ip\n"
	    "    local-net " NET1 "\n    local-net " NET2 "\n", stubdir,
	    stubdir);
	c = load(text);
	free(text);
	farend_init(&fe, c->links[0]);
	/* On the gateway: the real /sys/class/net, 10 s. */
	assert_string_equal(fe.sysnet, "/sys/class/net");
	assert_int_equal(fe.if_wait_ticks, 200);
	p = stub_path("net");
	(void)mkdir(p, 0755);
	fe.sysnet = p;
	text = stub_path("net/vpn-office");
	(void)mkdir(text, 0755);
	free(text);
	fe.if_wait_ticks = 2;
	cmd = farend_route_command_wait(&fe);
	assert_non_null(cmd);
	add = farend_route_command(&fe, false);
	assert_non_null(strstr(cmd, add));	/* the same commands */
	free(add);

	/* No word from vpnd (the channel closed), or another: nothing. */
	flags_set("0x1091\n");
	for (i = 0; i < 2; i++) {
		stub_reset();
		if (i == 1) {
			stub_in = in;
			write_file(in, "down\n", 0644);
		}
		assert_int_equal(run_sh(cmd, NULL), 1);
		assert_false(err_has("not up"));
		rec = stub_records(&n);
		assert_int_equal(n, 0);
	}
	write_file(in, FAREND_GO "\n", 0644);

	/* No interface, or one that is down: a clear reason, no route. */
	for (i = 0; i < 2; i++) {
		flags_set(i == 0 ? NULL : "0x1090\n");
		stub_reset();
		assert_int_equal(run_sh(cmd, NULL), 1);
		assert_true(err_has("interface vpn-office not up 1 s after "
		    "vpnd's\n"));
		rec = stub_records(&n);
		assert_int_equal(n, 0);
	}

	/* Up: every net's route, in order; a failure is the status. */
	flags_set("0x1091\n");
	stub_reset();
	assert_int_equal(run_sh(cmd, NULL), 0);
	assert_false(err_has("not up"));
	rec = stub_records(&n);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++) {
		argv = farend_route_argv_test(&fe, both[i]);
		assert_argv_equal(rec[i].v, argv);
		argv_free(argv);
	}
	stub_records_free(rec, n);
	stub_reset();
	assert_int_equal(run_sh(cmd, NET2), 1);
	rec = stub_records(&n);
	assert_int_equal(n, 2);
	stub_records_free(rec, n);
	free(cmd);

	/* It comes up while the command waits. */
	fe.if_wait_ticks = 100;
	cmd = farend_route_command_wait(&fe);
	flags_set("0x1090\n");
	stub_reset();
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		(void)nanosleep(&ts, NULL);
		flags_set("0x10d1\n");
		_exit(0);
	}
	assert_int_equal(run_sh(cmd, NULL), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	rec = stub_records(&n);
	assert_int_equal(n, 2);
	stub_records_free(rec, n);
	free(cmd);
	flags_set(NULL);
	stub_in = NULL;
	free(in);
	free(p);
	conf_free(c);

	/* No local-net: nothing to wait for. */
	xasprintf(&text, "    user root\n    remote-command %s/bin/pppd\n",
	    stubdir);
	c = load(text);
	free(text);
	farend_init(&fe, c->links[0]);
	assert_null(farend_route_command_wait(&fe));
	conf_free(c);
}

/*
 * A sudo link: what sudo is asked to run, by channel 1 (a stale pppd
 * there) and the route commands, is exactly the list its sudoers lines
 * are made of, each once.
 */
static void
test_shell_sudo(void **state)
{
	struct farend		 fe;
	struct farend_cmds	 cmds;
	struct conf		*c;
	struct argv		*rec, w;
	char			*text, *cmd, *sudo, *s, *t;
	size_t			 n, i, j, nsudo = 0;
	bool			*seen;
	pid_t			 stale;

	(void)state;
	sudo = stub_path("bin/sudo");
	xasprintf(&text, "    user vpn\n"
	    "    remote-command %s -n -u root %s/bin/pppd\n"
	    "    remote-ip-command %s -n %s/bin/ip\n"
	    "    local-net " NET1 "\n    local-net " NET2 "\n",
	    sudo, stubdir, sudo, stubdir);
	c = load(text);
	free(text);
	farend_init(&fe, c->links[0]);
	fe.pp.remote_rundir = stubdir;
	/* sudo's rules name the notty command: no pty. */
	assert_null(farend_ppp_command_tty(&fe));
	farend_sudo_cmds(&fe, &cmds);
	assert_int_equal(cmds.n, 6);	/* pppd, 2 x 2 routes, pkill */
	seen = xcalloc(cmds.n, sizeof(*seen));

	stub_reset();
	stale = stale_start();
	/* Channel 1 ends the stale pppd, runs pppd and adds the routes. */
	cmd = farend_ppp_command(&fe);
	assert_int_equal(run_sh(cmd, NULL), 0);
	free(cmd);
	stale_ended(stale);
	cmd = farend_route_command(&fe, true);
	assert_int_equal(run_sh(cmd, NULL), 0);
	free(cmd);

	rec = stub_records(&n);
	for (i = 0; i < n; i++) {
		if (strcmp(rec[i].v[0], sudo) != 0)
			continue;	/* the program sudo ran */
		nsudo++;
		s = sh_join(rec[i].v);
		for (j = 0; j < cmds.n; j++) {
			cmd_words(&cmds.v[j], &w);
			t = sh_join(w.v);
			argv_clear(&w);
			if (strcmp(s, t) == 0) {
				free(t);
				break;
			}
			free(t);
		}
		if (j == cmds.n)
			fail_msg("sudo ran what sudoers does not list: %s", s);
		assert_false(seen[j]);
		seen[j] = true;
		free(s);
	}
	assert_int_equal(nsudo, cmds.n);
	for (j = 0; j < cmds.n; j++)
		assert_true(seen[j]);
	stub_records_free(rec, n);
	free(seen);
	farend_cmds_free(&cmds);
	free(sudo);
	conf_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_prefix_conf),
		cmocka_unit_test(test_authorized_keys),
		cmocka_unit_test(test_sudoers),
		cmocka_unit_test(test_cmds_argv),
		cmocka_unit_test(test_cmds_prefix_options),
		cmocka_unit_test(test_peer_requests),
		cmocka_unit_test(test_shell_direct),
		cmocka_unit_test(test_shell_wait),
		cmocka_unit_test(test_shell_sudo),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
