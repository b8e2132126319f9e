/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for conf.c: every keyword, the defaults, global values
 * inherited by links, link_conf_equal() and which changes restart a
 * link, conf_print() round trips, and a table of errors.  The files a
 * config names (identity, known_hosts, pppd) are made in a temporary
 * directory with the right modes; a config names them as @ID@, @KH@ and
 * @PPPD@.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>

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
#include "xmalloc.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

static struct conffiles	 files;
static char		*tmpdir, *id_path, *kh_path, *pppd_path;

/* An empty file at path with mode, beside the conffiles. */
static void
make_file(const char *path, mode_t mode)
{
	int	fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	assert_true(fd != -1);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

static int
setup(void **state)
{
	(void)state;
	if (conffiles_make(&files, "test_conf") == -1)
		return -1;
	tmpdir = files.dir;
	id_path = files.identity;
	kh_path = files.known_hosts;
	pppd_path = files.pppd;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	conffiles_remove(&files);
	return 0;
}

/* text with @ID@, @KH@, @PPPD@, @DIR@ replaced; caller frees. */
static char *
subst(const char *text)
{
	static const char	*keys[] = { "@ID@", "@KH@", "@PPPD@", "@DIR@" };
	const char		*vals[] = {
		id_path, kh_path, pppd_path, tmpdir
	};
	char			*out = xstrdup(""), *tmp;
	const char		*s = text;
	size_t			 k;

	while (*s != '\0') {
		for (k = 0; k < nitems(keys); k++) {
			if (strncmp(s, keys[k], strlen(keys[k])) == 0)
				break;
		}
		if (k < nitems(keys)) {
			xasprintf(&tmp, "%s%s", out, vals[k]);
			s += strlen(keys[k]);
		} else {
			xasprintf(&tmp, "%s%c", out, *s);
			s++;
		}
		free(out);
		out = tmp;
	}
	return out;
}

static struct conf *
load(const char *text, char **cause)
{
	struct conf	*c;
	char		*buf = subst(text);

	*cause = NULL;
	c = conf_load_buffer("t.conf", buf, strlen(buf), cause);
	free(buf);
	return c;
}

static struct conf *
load_ok(const char *text)
{
	struct conf	*c;
	char		*cause;

	if ((c = load(text, &cause)) == NULL)
		fail_msg("unexpected errors:\n%s", cause);
	assert_null(cause);
	return c;
}

static const char *
fmt_prefix(const struct prefix *p)
{
	static char	buf[ADDR_STRLEN];

	return addr_format(p, buf, sizeof(buf));
}

static const char *
fmt_addr(const struct prefix *p)
{
	static char	buf[ADDR_STRLEN];

	return addr_ntop(p, buf, sizeof(buf));
}

static const char every_keyword[] =
    "# global scope\n"
    "control-socket /run/test.sock\n"
    "control-group vpnusers\n"
    "\n"
    "link office\t# the head office\n"
    "\thost gw1.example.org\n"
    "\thost [2001:db8::7]:2200 192.0.2.9:23\n"
    "\tport 2222\n"
    "\tuser tunnel\n"
    "\tidentity @ID@\n"
    "\tknown-hosts @KH@\n"
    "\tlocal-ip 10.9.0.1\n"
    "\tremote-ip 10.9.0.2\n"
    "\tremote-net 10.0.0.0/24 2001:db8:1::/48\n"
    "\tremote-net 10.0.1.0/24\n"
    "\tlocal-net 172.16.1.0/24\n"
    "\tifname ppp-office\n"
    "\tremote-ifname ppp-branch\n"
    "\tremote-command sudo -n /usr/local/sbin/pppd\n"
    "\tremote-ip-command sudo -n /usr/sbin/ip\n"
    "\tpppd @PPPD@\n"
    "\tpppd-options mru 1400\n"
    "\tpppd-options debug\n"
    "\tremote-pppd-options lcp-max-configure 20\n"
    "\tkeepalive 15 4\n"
    "\tbackoff 2 600\n"
    "\tconnect-timeout 20\n"
    "\tmtu 1400\n"
    "\tcompression yes\n"
    "\tautostart no\n"
    "\tprobe https://10.0.0.1/health 60 5\n";

static void
test_every_keyword(void **state)
{
	struct conf			*c = load_ok(every_keyword);
	const struct link_conf		*lc;

	assert_string_equal(c->control_socket, "/run/test.sock");
	assert_string_equal(c->control_group, "vpnusers");
	assert_int_equal(c->nlinks, 1);
	lc = c->links[0];
	assert_string_equal(lc->name, "office");
	assert_string_equal(lc->file, "t.conf");
	assert_int_equal(lc->line, 5);
	assert_int_equal(lc->hosts.n, 3);
	assert_string_equal(lc->hosts.v[0].name, "gw1.example.org");
	assert_int_equal(lc->hosts.v[0].port, 2222);
	assert_string_equal(lc->hosts.v[1].name, "2001:db8::7");
	assert_int_equal(lc->hosts.v[1].port, 2200);
	assert_string_equal(lc->hosts.v[2].name, "192.0.2.9");
	assert_int_equal(lc->hosts.v[2].port, 23);
	assert_int_equal(lc->port, 2222);
	assert_string_equal(lc->user, "tunnel");
	assert_string_equal(lc->identity, id_path);
	assert_string_equal(lc->known_hosts, kh_path);
	assert_string_equal(fmt_addr(&lc->local_ip), "10.9.0.1");
	assert_string_equal(fmt_addr(&lc->remote_ip), "10.9.0.2");
	assert_int_equal(lc->remote_nets.n, 3);
	assert_string_equal(fmt_prefix(&lc->remote_nets.v[0].prefix),
	    "10.0.0.0/24");
	assert_string_equal(fmt_prefix(&lc->remote_nets.v[1].prefix),
	    "2001:db8:1::/48");
	assert_string_equal(fmt_prefix(&lc->remote_nets.v[2].prefix),
	    "10.0.1.0/24");
	assert_int_equal(lc->remote_nets.v[2].line, 15);
	assert_int_equal(lc->local_nets.n, 1);
	assert_string_equal(fmt_prefix(&lc->local_nets.v[0].prefix),
	    "172.16.1.0/24");
	assert_string_equal(lc->ifname, "ppp-office");
	assert_string_equal(lc->remote_ifname, "ppp-branch");
	assert_int_equal(lc->remote_command.n, 3);
	assert_string_equal(lc->remote_command.v[2], "/usr/local/sbin/pppd");
	assert_null(lc->remote_command.v[3]);
	assert_false(lc->vpn_peer);
	assert_int_equal(lc->remote_ip_command.n, 3);
	assert_string_equal(lc->remote_ip_command.v[2], "/usr/sbin/ip");
	assert_string_equal(lc->pppd, pppd_path);
	assert_int_equal(lc->pppd_options.n, 3);
	assert_string_equal(lc->pppd_options.v[0], "mru");
	assert_string_equal(lc->pppd_options.v[2], "debug");
	assert_int_equal(lc->remote_pppd_options.n, 2);
	assert_int_equal(lc->keepalive.interval, 15);
	assert_int_equal(lc->keepalive.misses, 4);
	assert_int_equal(lc->backoff.min, 2);
	assert_int_equal(lc->backoff.cap, 600);
	assert_int_equal(lc->connect_timeout, 20);
	assert_int_equal(lc->mtu, 1400);
	assert_true(lc->compression);
	assert_false(lc->autostart);
	assert_string_equal(lc->probe_url, "https://10.0.0.1/health");
	assert_int_equal(lc->probe_interval, 60);
	assert_int_equal(lc->probe_failures, 5);
	conf_free(c);
}

static void
test_defaults(void **state)
{
	struct conf		*c;
	const struct link_conf	*lc;

	c = load_ok("link a\n"
	    "host gw\n"
	    "identity @ID@\n"
	    "known-hosts @KH@\n"
	    "pppd @PPPD@\n"
	    "local-ip 10.9.0.1\n"
	    "remote-ip 10.9.0.2\n"
	    "remote-net 10.0.0.0/24\n"
	    "probe http://10.0.0.1/\n");
	assert_string_equal(c->control_socket, CONF_CONTROL_SOCKET);
	assert_string_equal(c->control_group, "vpn");
	lc = c->links[0];
	assert_int_equal(lc->port, 22);
	assert_int_equal(lc->hosts.v[0].port, 22);
	assert_string_equal(lc->user, "vpn");
	assert_int_equal(lc->remote_command.n, 3);
	assert_string_equal(lc->remote_command.v[0], "sudo");
	assert_string_equal(lc->remote_command.v[1], "-n");
	assert_string_equal(lc->remote_command.v[2], "/usr/sbin/pppd");
	assert_int_equal(lc->remote_ip_command.n, 3);
	assert_string_equal(lc->remote_ip_command.v[2], "/sbin/ip");
	assert_int_equal(lc->pppd_options.n, 0);
	assert_int_equal(lc->remote_pppd_options.n, 0);
	assert_int_equal(lc->keepalive.interval, 10);
	assert_int_equal(lc->keepalive.misses, 3);
	assert_int_equal(lc->backoff.min, 1);
	assert_int_equal(lc->backoff.cap, 300);
	assert_int_equal(lc->connect_timeout, 10);
	assert_int_equal(lc->mtu, -1);
	assert_false(lc->compression);
	assert_true(lc->autostart);
	assert_int_equal(lc->remote_nets.n, 1);
	assert_int_equal(lc->local_nets.n, 0);
	assert_string_equal(lc->ifname, "vpn-a");
	assert_string_equal(lc->remote_ifname, "vpn-a");
	assert_int_equal(lc->probe_interval, 30);
	assert_int_equal(lc->probe_failures, 3);
	assert_null(lc->ddns_url);
	assert_null(lc->ddns_credentials);
	assert_null(lc->notify_url);
	assert_int_equal(lc->notify_queue, 16);
	assert_null(c->ca_file);
	assert_null(c->ca_path);
	conf_free(c);

	/* The built-in paths, when they exist on this machine. */
	if (access("/usr/sbin/pppd", X_OK) == 0) {
		c = load_ok("link a\nhost gw\nidentity @ID@\n"
		    "known-hosts @KH@\nlocal-ip 10.9.0.1\n"
		    "remote-ip 10.9.0.2\n");
		assert_string_equal(c->links[0]->pppd, "/usr/sbin/pppd");
		conf_free(c);
	}
	if (access(VPN_KNOWN_HOSTS, F_OK) != 0) {
		char	*cause, *want;

		assert_null(load("link a\nhost gw\nidentity @ID@\n"
		    "pppd @PPPD@\nlocal-ip 10.9.0.1\nremote-ip 10.9.0.2\n",
		    &cause));
		xasprintf(&want, "t.conf:1: link a: known-hosts: %s (default): "
		    "No such file or directory", VPN_KNOWN_HOSTS);
		assert_string_equal(cause, want);
		free(want);
		free(cause);
	}
}

static void
test_global_inherited(void **state)
{
	struct conf		*c;
	const struct link_conf	*a, *b;

	c = load_ok("host gw.example.org other.example.org:2022\n"
	    "port 2200\n"
	    "user tun\n"
	    "identity @ID@\n"
	    "known-hosts @KH@\n"
	    "pppd @PPPD@\n"
	    "pppd-options debug\n"
	    "remote-command vpn-peer\n"
	    "keepalive 30 5\n"
	    "backoff 5 60\n"
	    "mtu 1300\n"
	    "autostart no\n"
	    "link a\n"
	    "  local-ip 10.9.0.1\n"
	    "  remote-ip 10.9.0.2\n"
	    "link b\n"
	    "  host b.example.org\n"
	    "  user other\n"
	    "  keepalive 1 1\n"
	    "  pppd-options novj\n"
	    "  remote-command sudo /usr/sbin/pppd\n"
	    "  local-ip 10.9.1.1\n"
	    "  remote-ip 10.9.1.2\n");
	assert_int_equal(c->nlinks, 2);
	a = conf_link_find(c, "a");
	b = conf_link_find(c, "b");
	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_equal(a, c->links[0]);
	assert_null(conf_link_find(c, "c"));

	/* a takes every global value */
	assert_int_equal(a->hosts.n, 2);
	assert_string_equal(a->hosts.v[0].name, "gw.example.org");
	assert_int_equal(a->hosts.v[0].port, 2200);
	assert_int_equal(a->hosts.v[1].port, 2022);
	assert_string_equal(a->user, "tun");
	assert_string_equal(a->identity, id_path);
	assert_int_equal(a->pppd_options.n, 1);
	assert_string_equal(a->pppd_options.v[0], "debug");
	assert_true(a->vpn_peer);
	assert_int_equal(a->keepalive.interval, 30);
	assert_int_equal(a->backoff.cap, 60);
	assert_int_equal(a->mtu, 1300);
	assert_false(a->autostart);

	/* b overrides some: a link's list replaces the global one */
	assert_int_equal(b->hosts.n, 1);
	assert_string_equal(b->hosts.v[0].name, "b.example.org");
	assert_int_equal(b->hosts.v[0].port, 2200);
	assert_string_equal(b->user, "other");
	assert_int_equal(b->keepalive.interval, 1);
	assert_int_equal(b->keepalive.misses, 1);
	assert_int_equal(b->pppd_options.n, 1);
	assert_string_equal(b->pppd_options.v[0], "novj");
	assert_false(b->vpn_peer);
	assert_int_equal(b->backoff.min, 5);
	assert_string_equal(b->ifname, "vpn-b");
	conf_free(c);
}

/* ca-file, ca-path, notify (global and per link), ddns. */
static void
test_http_keywords(void **state)
{
	struct conf		*c, *c2;
	const struct link_conf	*a, *b;

	(void)state;
	c = load_ok("identity @ID@\nknown-hosts @KH@\npppd @PPPD@\n"
	    "ca-file @KH@\nca-path /\n"
	    "notify https://hooks.example.org/all\nnotify-queue 7\n"
	    "ddns-credentials @ID@\n"
	    "link a\nhost gw\nlocal-ip 10.9.0.1\nremote-ip 10.9.0.2\n"
	    "ddns https://dyn.example.org/nic/update?hostname=a.example.org\n"
	    "link b\nhost gw2\nlocal-ip 10.9.1.1\nremote-ip 10.9.1.2\n"
	    "notify https://hooks.example.org/b\n");
	assert_string_equal(c->ca_file, kh_path);
	assert_string_equal(c->ca_path, "/");
	a = c->links[0];
	b = c->links[1];
	assert_string_equal(a->notify_url, "https://hooks.example.org/all");
	assert_int_equal(a->notify_queue, 7);
	assert_string_equal(a->ddns_url,
	    "https://dyn.example.org/nic/update?hostname=a.example.org");
	assert_string_equal(a->ddns_credentials, id_path);
	assert_string_equal(b->notify_url, "https://hooks.example.org/b");
	assert_int_equal(b->notify_queue, 7);
	assert_null(b->ddns_url);

	/* A change of these keeps the link (vpnd applies it live). */
	c2 = load_ok("identity @ID@\nknown-hosts @KH@\npppd @PPPD@\n"
	    "link a\nhost gw\nlocal-ip 10.9.0.1\nremote-ip 10.9.0.2\n"
	    "link b\nhost gw2\nlocal-ip 10.9.1.1\nremote-ip 10.9.1.2\n");
	assert_true(link_conf_equal(a, c2->links[0]));
	assert_true(link_conf_equal(b, c2->links[1]));
	assert_null(c2->links[0]->notify_url);
	assert_int_equal(c2->links[0]->notify_queue, 16);
	conf_free(c2);
	conf_free(c);
}

static void
test_link_conf_equal(void **state)
{
	static const char	*base =
	    "identity @ID@\nknown-hosts @KH@\npppd @PPPD@\n"
	    "link a\nhost gw\nlocal-ip 10.9.0.1\nremote-ip 10.9.0.2\n"
	    "remote-net 10.0.0.0/24\n"
	    "link b\nhost gw2\nlocal-ip 10.9.1.1\nremote-ip 10.9.1.2\n";
	static const struct {
		const char	*text;
		bool		 a_equal, b_equal;
	} cases[] = {
		/* moved around, comments, defaults written out */
		{ "# comment\n\nidentity @ID@\nknown-hosts @KH@\n"
		  "pppd @PPPD@\nport 22\n"
		  "link b\n  host gw2:22\n  local-ip 10.9.1.1\n"
		  "  remote-ip 10.9.1.2\n"
		  "link a\n  remote-net 10.0.0.0/24\n  host gw\n"
		  "  keepalive 10 3\n  local-ip 10.9.0.1\n"
		  "  remote-ip 10.9.0.2\n", true, true },
		/* a changes keepalive only */
		{ "identity @ID@\nknown-hosts @KH@\npppd @PPPD@\n"
		  "link a\nhost gw\nlocal-ip 10.9.0.1\nremote-ip 10.9.0.2\n"
		  "remote-net 10.0.0.0/24\nkeepalive 11 3\n"
		  "link b\nhost gw2\nlocal-ip 10.9.1.1\nremote-ip 10.9.1.2\n",
		  false, true },
		/* a gains a remote-net, b a second host */
		{ "identity @ID@\nknown-hosts @KH@\npppd @PPPD@\n"
		  "link a\nhost gw\nlocal-ip 10.9.0.1\nremote-ip 10.9.0.2\n"
		  "remote-net 10.0.0.0/24 10.0.9.0/24\n"
		  "link b\nhost gw2 gw3\nlocal-ip 10.9.1.1\n"
		  "remote-ip 10.9.1.2\n", false, false },
		/* a global change reaches both */
		{ "identity @ID@\nknown-hosts @KH@\npppd @PPPD@\nuser x\n"
		  "link a\nhost gw\nlocal-ip 10.9.0.1\nremote-ip 10.9.0.2\n"
		  "remote-net 10.0.0.0/24\n"
		  "link b\nhost gw2\nlocal-ip 10.9.1.1\nremote-ip 10.9.1.2\n",
		  false, false },
		/* probe added to b, ifname of a written but same */
		{ "identity @ID@\nknown-hosts @KH@\npppd @PPPD@\n"
		  "link a\nhost gw\nlocal-ip 10.9.0.1\nremote-ip 10.9.0.2\n"
		  "remote-net 10.0.0.0/24\nifname vpn-a\n"
		  "link b\nhost gw2\nlocal-ip 10.9.1.1\nremote-ip 10.9.1.2\n"
		  "probe https://x/\n", true, false },
	};
	struct conf	*c0, *c1;
	size_t		 i;

	c0 = load_ok(base);
	assert_true(link_conf_equal(c0->links[0], c0->links[0]));
	assert_false(link_conf_equal(c0->links[0], c0->links[1]));
	for (i = 0; i < nitems(cases); i++) {
		c1 = load_ok(cases[i].text);
		if (link_conf_equal(conf_link_find(c0, "a"),
		    conf_link_find(c1, "a")) != cases[i].a_equal ||
		    link_conf_equal(conf_link_find(c0, "b"),
		    conf_link_find(c1, "b")) != cases[i].b_equal)
			fail_msg("case %zu", i);
		conf_free(c1);
	}
	conf_free(c0);
}

static char *
print_to_string(const struct conf *c)
{
	char	*out = NULL;
	size_t	 len = 0;
	FILE	*f;

	f = open_memstream(&out, &len);
	assert_non_null(f);
	conf_print(f, c);
	assert_int_equal(fclose(f), 0);
	return out;
}

static void
test_print_roundtrip(void **state)
{
	struct conf	*c0, *c1;
	char		*out0, *out1, *cause;
	size_t		 i;

	c0 = load_ok(every_keyword);
	out0 = print_to_string(c0);
	assert_non_null(strstr(out0, "\thost [2001:db8::7]:2200\n"));
	assert_non_null(strstr(out0, "\tpppd-options mru 1400 debug\n"));
	assert_non_null(strstr(out0, "\tprobe https://10.0.0.1/health 60 5\n"));
	c1 = conf_load_buffer("t.conf", out0, strlen(out0), &cause);
	if (c1 == NULL)
		fail_msg("%s", cause);
	out1 = print_to_string(c1);
	assert_string_equal(out0, out1);
	assert_int_equal(c0->nlinks, c1->nlinks);
	for (i = 0; i < c0->nlinks; i++)
		assert_true(link_conf_equal(c0->links[i], c1->links[i]));
	free(out0);
	free(out1);
	conf_free(c0);
	conf_free(c1);
}

/*
 * Which settings restart a link on reload: a config and a copy that
 * differs in one keyword of link a.  Only ddns, ddns-credentials, notify
 * and notify-queue are applied to a running link; every other change
 * makes link_conf_equal() false.  Each pair must also print differently,
 * so a case cannot pass by changing nothing.
 */
static void
test_link_conf_restart(void **state)
{
	static const char	*body[] = {
		"host gw:22\n", "local-ip 10.9.0.1\n", "remote-ip 10.9.0.2\n",
		"remote-net 10.0.0.0/24\n"
	};
	static const struct {
		const char	*a, *b;		/* link a's lines */
		bool		 restart;
	} cases[] = {
		{ "host gw:22\n", "host gw2:22\n", true },
		{ "host gw:22\n", "host gw:2222\n", true },
		{ "", "port 2222\n", true },
		{ "", "user other\n", true },
		{ "", "identity @DIR@/id2\n", true },
		{ "", "known-hosts @DIR@/kh2\n", true },
		{ "local-ip 10.9.0.1\n", "local-ip 10.9.0.3\n", true },
		{ "remote-ip 10.9.0.2\n", "remote-ip 10.9.0.3\n", true },
		{ "remote-net 10.0.0.0/24\n", "remote-net 10.0.1.0/24\n",
		  true },
		{ "", "local-net 172.16.1.0/24\n", true },
		{ "remote-ifname vpn-a\n",
		  "ifname ppp-x\nremote-ifname vpn-a\n", true },
		{ "", "remote-ifname ppp-y\n", true },
		{ "", "remote-command /usr/bin/sudo -n /usr/sbin/pppd\n",
		  true },
		{ "", "remote-ip-command sudo -n /usr/sbin/ip\n", true },
		{ "", "pppd @DIR@/pppd2\n", true },
		{ "", "pppd-options debug\n", true },
		{ "", "remote-pppd-options debug\n", true },
		{ "", "keepalive 11 3\n", true },
		{ "", "keepalive 10 4\n", true },
		{ "", "backoff 2 300\n", true },
		{ "", "backoff 1 301\n", true },
		{ "", "connect-timeout 11\n", true },
		{ "", "mtu 1400\n", true },
		{ "", "compression yes\n", true },
		{ "", "autostart no\n", true },
		{ "", "probe https://10.0.0.1/\n", true },
		{ "probe https://10.0.0.1/\n", "probe https://10.0.0.1/ 31\n",
		  true },
		{ "probe https://10.0.0.1/\n", "probe https://10.0.0.1/ 30 4\n",
		  true },
		{ "", "ddns https://members.dyndns.org/nic/update?"
		  "hostname=a.example.org\n", false },
		{ "", "ddns-credentials @DIR@/id2\n", false },
		{ "", "notify https://hooks.example.org/b\n", false },
		{ "", "notify-queue 17\n", false },
	};
	struct conf	*ca, *cb;
	char		*path[3], *text[2], *out[2], *tmp;
	const char	*lines[2];
	size_t		 i, j, k;

	xasprintf(&path[0], "%s/id2", tmpdir);
	xasprintf(&path[1], "%s/kh2", tmpdir);
	xasprintf(&path[2], "%s/pppd2", tmpdir);
	make_file(path[0], 0600);
	make_file(path[1], 0644);
	make_file(path[2], 0755);

	for (i = 0; i < nitems(cases); i++) {
		lines[0] = cases[i].a;
		lines[1] = cases[i].b;
		for (k = 0; k < 2; k++) {
			text[k] = xstrdup("identity @ID@\nknown-hosts @KH@\n"
			    "pppd @PPPD@\nddns-credentials @ID@\n"
			    "notify https://hooks.example.org/a\nlink a\n");
			/* The usual lines, but not the keyword under test. */
			for (j = 0; j < nitems(body); j++) {
				if (strncmp(body[j], cases[i].b,
				    strcspn(body[j], " ") + 1) == 0)
					continue;
				xasprintf(&tmp, "%s%s", text[k], body[j]);
				free(text[k]);
				text[k] = tmp;
			}
			xasprintf(&tmp, "%s%s", text[k], lines[k]);
			free(text[k]);
			text[k] = tmp;
		}
		ca = load_ok(text[0]);
		cb = load_ok(text[1]);
		out[0] = print_to_string(ca);
		out[1] = print_to_string(cb);
		if (strcmp(out[0], out[1]) == 0)
			fail_msg("case %zu (%s): prints the same", i,
			    cases[i].b);
		if (link_conf_equal(ca->links[0], cb->links[0]) ==
		    cases[i].restart)
			fail_msg("case %zu (%s): restart should be %s", i,
			    cases[i].b, cases[i].restart ? "yes" : "no");
		for (k = 0; k < 2; k++) {
			free(text[k]);
			free(out[k]);
		}
		conf_free(ca);
		conf_free(cb);
	}

	/* The same settings under another name: another link. */
	ca = load_ok("identity @ID@\nknown-hosts @KH@\npppd @PPPD@\n"
	    "link a\nhost gw\nlocal-ip 10.9.0.1\nremote-ip 10.9.0.2\n"
	    "ifname ppp0\n");
	cb = load_ok("identity @ID@\nknown-hosts @KH@\npppd @PPPD@\n"
	    "link b\nhost gw\nlocal-ip 10.9.0.1\nremote-ip 10.9.0.2\n"
	    "ifname ppp0\n");
	assert_false(link_conf_equal(ca->links[0], cb->links[0]));
	conf_free(ca);
	conf_free(cb);

	for (k = 0; k < nitems(path); k++) {
		assert_int_equal(unlink(path[k]), 0);
		free(path[k]);
	}
}

static void
test_no_links(void **state)
{
	struct conf	*c;
	char		*cause;

	c = conf_load_buffer("e.conf", "", 0, &cause);
	assert_non_null(c);
	assert_int_equal(c->nlinks, 0);
	conf_free(c);
	c = load_ok("# only globals\ncontrol-group wheel\nport 2022\n");
	assert_int_equal(c->nlinks, 0);
	assert_string_equal(c->control_group, "wheel");
	conf_free(c);
	conf_free(NULL);
}

static const struct {
	const char	*text;
	const char	*cause;
} error_cases[] = {
	{ "bogus 1\n", "t.conf:1: bogus: unknown keyword" },
	{ "port 1\nport 2\n", "t.conf:2: port: already set at line 1" },
	{ "local-ip 10.0.0.1\n",
	  "t.conf:1: local-ip: only allowed inside a link block" },
	{ "identity @ID@\nknown-hosts @KH@\npppd @PPPD@\n"
	  "link a\nhost gw\nlocal-ip 10.9.0.1\nremote-ip 10.9.0.2\n"
	  "remote-net 10.0.0.0/33\n",
	  "t.conf:8: remote-net: 10.0.0.0/33 is not a prefix" },
	{ "identity @ID@\nknown-hosts @KH@\npppd @PPPD@\nlink a\n",
	  "t.conf:4: link a: host is required\n"
	  "t.conf:4: link a: local-ip is required\n"
	  "t.conf:4: link a: remote-ip is required" },
	{ "identity @ID@\nknown-hosts @KH@\npppd @PPPD@\n"
	  "link abcdefghijkl\nhost gw\nlocal-ip 10.9.0.1\n"
	  "remote-ip 10.9.0.2\n",
	  "t.conf:4: link abcdefghijkl: a link name over 11 characters "
	  "needs an explicit ifname" },
	{ "identity @KH@\n",
	  "t.conf:1: identity: @KH@: group or world readable or writable "
	  "(mode 0644), refusing" },
	{ "pppd @ID@\n", "t.conf:1: pppd: @ID@: not executable" },
	{ "known-hosts @DIR@\n",
	  "t.conf:1: known-hosts: @DIR@: not a regular file" },
	{ "identity @ID@\nknown-hosts @KH@\npppd @PPPD@\n"
	  "link a\nhost gw\nlocal-ip 10.9.0.1\nremote-ip 10.9.0.1\n",
	  "t.conf:7: remote-ip: 10.9.0.1 is also the local-ip" },
	{ "remote-pppd-options plugin rp-pppoe.so\n",
	  "t.conf:1: remote-pppd-options: plugin is refused: not one of "
	  "the pppd options pppssh allows (see vpn.conf(5))" },
	{ "remote-command sudo;reboot\n",
	  "t.conf:1: remote-command: sudo;reboot has a character outside "
	  "[A-Za-z0-9_./=:@,+-]" },
};

static void
test_errors(void **state)
{
	char	*cause, *want;
	size_t	 i;

	for (i = 0; i < nitems(error_cases); i++) {
		assert_null(load(error_cases[i].text, &cause));
		assert_non_null(cause);
		want = subst(error_cases[i].cause);
		if (strcmp(cause, want) != 0)
			fail_msg("case %zu:\nwant: %s\ngot:  %s", i, want,
			    cause);
		free(want);
		free(cause);
	}
}

static void
test_error_limits(void **state)
{
	struct conf	*c;
	char		*buf, *cause, *last;
	size_t		 i, n;

	/* 30 bad lines: 20 errors, then one line saying there were more */
	buf = xstrdup("");
	for (i = 0; i < 30; i++) {
		char	*tmp;

		xasprintf(&tmp, "%sbogus%zu\n", buf, i);
		free(buf);
		buf = tmp;
	}
	assert_null(conf_load_buffer("t.conf", buf, strlen(buf), &cause));
	for (n = 0, last = cause; (last = strchr(last, '\n')) != NULL; last++)
		n++;
	assert_int_equal(n, CONF_MAX_ERRORS);
	assert_non_null(strstr(cause, "t.conf:20: bogus19: unknown keyword\n"
	    "t.conf: too many errors, only the first 20 shown"));
	free(buf);
	free(cause);

	/* over the size limit: one error, nothing parsed */
	buf = xcalloc(1, CONF_MAX_SIZE + 1);
	memset(buf, '#', CONF_MAX_SIZE + 1);
	for (i = 99; i < CONF_MAX_SIZE + 1; i += 100)
		buf[i] = '\n';
	assert_null(conf_load_buffer("t.conf", buf, CONF_MAX_SIZE + 1,
	    &cause));
	assert_string_equal(cause,
	    "t.conf: larger than the 1048576 byte limit, refusing");
	free(cause);
	/* exactly at the limit is fine */
	c = conf_load_buffer("t.conf", buf, CONF_MAX_SIZE, &cause);
	assert_non_null(c);
	conf_free(c);
	free(buf);

	/* NUL byte and a line of 4097 bytes */
	assert_null(conf_load_buffer("t.conf", "port 22\0\n", 9, &cause));
	assert_string_equal(cause, "t.conf:1: NUL byte in line");
	free(cause);
	buf = xmalloc(CONF_MAX_LINE + 2);
	memset(buf, '#', CONF_MAX_LINE + 1);
	buf[CONF_MAX_LINE + 1] = '\n';
	assert_null(conf_load_buffer("t.conf", buf, CONF_MAX_LINE + 2,
	    &cause));
	assert_string_equal(cause, "t.conf:1: line longer than 4096 bytes");
	free(cause);
	c = conf_load_buffer("t.conf", buf + 1, CONF_MAX_LINE + 1, &cause);
	assert_non_null(c);
	conf_free(c);
	free(buf);
}

static void
test_load_file_mode(void **state)
{
	struct conf	*c;
	char		*path, *cause, *want;
	FILE		*f;

	xasprintf(&path, "%s/vpn.conf", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("port 22\n", f);
	assert_int_equal(fclose(f), 0);

	assert_int_equal(chmod(path, 0600), 0);
	c = conf_load(path, &cause);
	assert_non_null(c);
	assert_string_equal(c->file, path);
	conf_free(c);

	assert_int_equal(chmod(path, 0620), 0);
	assert_null(conf_load(path, &cause));
	xasprintf(&want, "%s: group or world writable (mode 0620), refusing",
	    path);
	assert_string_equal(cause, want);
	free(want);
	free(cause);

	assert_int_equal(unlink(path), 0);
	assert_null(conf_load(path, &cause));
	xasprintf(&want, "%s: No such file or directory", path);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_every_keyword),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_global_inherited),
		cmocka_unit_test(test_link_conf_equal),
		cmocka_unit_test(test_http_keywords),
		cmocka_unit_test(test_print_roundtrip),
		cmocka_unit_test(test_link_conf_restart),
		cmocka_unit_test(test_no_links),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_error_limits),
		cmocka_unit_test(test_load_file_mode),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
