/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The vpn.conf keyword table: every keyword, where it may appear, its
 * syntax, where its value lives, its integers and their bounds, its
 * default and whether a change restarts the link (conf-kw.h says what
 * each column means); and what each syntax keeps.  Data only: conf.c
 * and conf-value.c read it.
 */
#include "config.h"

#include "conf.h"
#include "conf-kw.h"
#include "ppp.h"

const struct kw_type_info kw_types[] = {
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
	[T_DOMAINS] =	{ V_WORDS,	0, false, true },
	[T_DNS] =	{ V_WORDS,	0, false, true },
};


const struct kw kw_table[K__COUNT] = {
	[K_CONTROL_SOCKET] = { "control-socket", S_GLOBAL, T_PATH,
	    GC(control_socket), .def = CONF_CONTROL_SOCKET,
	    .flags = P_SOCKET },
	[K_CONTROL_GROUP] = { "control-group", S_GLOBAL, T_NAME,
	    GC(control_group), .def = CONF_CONTROL_GROUP },
	[K_CA_FILE] = { "ca-file", S_GLOBAL, T_PATH, GC(ca_file),
	    .flags = P_EXISTS },
	[K_CA_PATH] = { "ca-path", S_GLOBAL, T_PATH, GC(ca_path),
	    .flags = P_DIR },
	[K_MAX_DIALS] = { "max-dials", S_GLOBAL, T_INT, 0,
	    { { NULL, GC(max_dials), 1, 1000, -1 } }, .def = "4" },
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
	[K_FQ_CODEL] = { "fq-codel", S_BOTH, T_BOOL, LC(fq_codel),
	    .def = "no", .restart = true },
	[K_AUTOSTART] = { "autostart", S_BOTH, T_BOOL, LC(autostart),
	    .def = "yes", .restart = true },
	[K_DNS] = { "dns", S_BOTH, T_BOOL, LC(dns), .def = "no",
	    .restart = true },
	[K_DNS_DOMAINS] = { "dns-domains", S_LINK, T_DOMAINS,
	    LC(dns_domains), .restart = true },
	[K_REMOTE_DNS] = { "remote-dns", S_LINK, T_DNS, LC(remote_dns),
	    .restart = true, .flags = K_NOT_PEER },
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
