/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for the control protocol: request splitting and its
 * errors, reply splitting, percent-encoding, link records both ways (and
 * as JSON), and the peer check.  JSON strings are test_buf's.
 */
#include "config.h"

#include <grp.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctlserver.h"
#include "ctlmsg.h"
#include "xmalloc.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------- requests */

static const struct {
	const char		*line;
	size_t			 len;	/* 0: strlen(line) */
	int			 ok;
	enum ctlmsg_error	 kind;
	const char		*cmd;
	int			 argc;
	const char		*arg0;
	const char		*cause;	/* substring of the error */
} req_cases[] = {
	{ "pppssh/1 status", 0, 1, 0, "status", 0, NULL, NULL },
	{ "pppssh/1 status office", 0, 1, 0, "status", 1, "office", NULL },
	{ "pppssh/1 status office +json", 0, 1, 0, "status", 2, "office",
	    NULL },
	{ "pppssh/1   up   lab  +wait ", 0, 1, 0, "up", 2, "lab", NULL },
	{ "pppssh/1 status\r", 0, 1, 0, "status", 0, NULL, NULL },
	{ "pppssh/1 a b c d e f g h i", 0, 1, 0, "a", 8, "b", NULL },
	{ "pppssh/1 a b c d e f g h i j", 0, 0, CTLMSG_E_USAGE, NULL, 0,
	    NULL, "too many words" },
	{ "", 0, 0, CTLMSG_E_USAGE, NULL, 0, NULL, "empty request" },
	{ "   ", 0, 0, CTLMSG_E_USAGE, NULL, 0, NULL, "empty request" },
	{ "pppssh/1", 0, 0, CTLMSG_E_USAGE, NULL, 0, NULL,
	    "without a command" },
	{ "garbage", 0, 0, CTLMSG_E_USAGE, NULL, 0, NULL,
	    "no protocol version" },
	{ "status office", 0, 0, CTLMSG_E_USAGE, NULL, 0, NULL,
	    "no protocol version" },
	{ "PPPSSH/1 status", 0, 0, CTLMSG_E_USAGE, NULL, 0, NULL,
	    "no protocol version" },
	{ "pppssh/2 status", 0, 0, CTLMSG_E_VERSION, NULL, 0, NULL,
	    "pppssh/2 not supported" },
	{ "pppssh/10 status", 0, 0, CTLMSG_E_VERSION, NULL, 0, NULL,
	    "not supported" },
	{ "pppssh/1x status", 0, 0, CTLMSG_E_VERSION, NULL, 0, NULL,
	    "not supported" },
	{ "pppssh/1 st\0atus", 16, 0, CTLMSG_E_USAGE, NULL, 0, NULL,
	    "NUL byte in request at offset 11" },
	{ "pppssh/1\tstatus", 0, 0, CTLMSG_E_USAGE, NULL, 0, NULL,
	    "byte 0x09" },
	{ "pppssh/1 status\n", 0, 0, CTLMSG_E_USAGE, NULL, 0, NULL,
	    "byte 0x0a" },
	{ "pppssh/1 st\ratus", 0, 0, CTLMSG_E_USAGE, NULL, 0, NULL,
	    "byte 0x0d" },
	{ "pppssh/1 status caf\xc3\xa9", 0, 0, CTLMSG_E_USAGE, NULL, 0, NULL,
	    "byte 0xc3" },
	{ "pppssh/1 status \x7f", 0, 0, CTLMSG_E_USAGE, NULL, 0, NULL,
	    "byte 0x7f" },
	{ "pppssh/1 status \x1b[2J", 0, 0, CTLMSG_E_USAGE, NULL, 0, NULL,
	    "byte 0x1b" },
};

static void
test_req_table(void **state)
{
	struct ctlmsg_req	 req;
	enum ctlmsg_error	 kind;
	char			*cause;
	size_t			 i, len;
	int			 r;

	(void)state;
	for (i = 0; i < NITEMS(req_cases); i++) {
		cause = NULL;
		len = req_cases[i].len ? req_cases[i].len :
		    strlen(req_cases[i].line);
		r = ctlmsg_req_parse(req_cases[i].line, len, &req, &kind,
		    &cause);
		if (req_cases[i].ok) {
			if (r != 0)
				fail_msg("case %zu '%s': %s", i,
				    req_cases[i].line, cause);
			assert_string_equal(req.cmd, req_cases[i].cmd);
			assert_int_equal(req.argc, req_cases[i].argc);
			if (req_cases[i].arg0 != NULL)
				assert_string_equal(req.argv[0],
				    req_cases[i].arg0);
			assert_null(cause);
			continue;
		}
		if (r != -1)
			fail_msg("case %zu '%s' accepted", i,
			    req_cases[i].line);
		assert_int_equal(kind, req_cases[i].kind);
		assert_non_null(cause);
		if (strstr(cause, req_cases[i].cause) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, cause,
			    req_cases[i].cause);
		free(cause);
	}
}

static void
test_req_length(void **state)
{
	struct ctlmsg_req	 req;
	enum ctlmsg_error	 kind;
	char			*line, *cause = NULL;
	size_t			 len;

	(void)state;
	/* The longest request: CTLMSG_LINE_MAX with its '\n'. */
	len = CTLMSG_LINE_MAX - 1;
	line = xmalloc(len + 2);
	memcpy(line, "pppssh/1 status ", 16);
	memset(line + 16, 'a', len - 16);
	assert_int_equal(ctlmsg_req_parse(line, len, &req, &kind, &cause), 0);
	assert_int_equal(strlen(req.argv[0]), len - 16);
	line[len] = 'a';
	assert_int_equal(ctlmsg_req_parse(line, len + 1, &req, &kind,
	    &cause), -1);
	assert_int_equal(kind, CTLMSG_E_USAGE);
	assert_non_null(strstr(cause, "longer than"));
	free(cause);
	free(line);
}

static void
test_req_flag(void **state)
{
	struct ctlmsg_req	 req;
	enum ctlmsg_error	 kind;
	char			*cause = NULL;
	const char		*line = "pppssh/1 up json +wait";

	(void)state;
	assert_int_equal(ctlmsg_req_parse(line, strlen(line), &req, &kind,
	    &cause), 0);
	assert_true(ctlmsg_req_flag(&req, "wait"));
	assert_false(ctlmsg_req_flag(&req, "json"));	/* a link name */
	assert_false(ctlmsg_req_flag(&req, "wai"));
	assert_false(ctlmsg_req_flag(&req, "+wait"));
}

/* ----------------------------------------------------------- replies */

static const struct {
	const char		*line;
	int			 ok;
	enum ctlmsg_type	 type;
	enum ctlmsg_error	 error;
	const char		*text;
} reply_cases[] = {
	{ "pppssh/1 ok", 1, CTLMSG_OK, 0, "" },
	{ "pppssh/1 ok configuration reloaded", 1, CTLMSG_OK, 0,
	    "configuration reloaded" },
	{ "pppssh/1 error usage no such link: x", 1, CTLMSG_ERROR,
	    CTLMSG_E_USAGE, "no such link: x" },
	{ "pppssh/1 error config refused", 1, CTLMSG_ERROR, CTLMSG_E_CONFIG,
	    "refused" },
	{ "pppssh/1 error denied uid 1", 1, CTLMSG_ERROR, CTLMSG_E_DENIED,
	    "uid 1" },
	{ "pppssh/1 error weird something", 1, CTLMSG_ERROR,
	    CTLMSG_E_UNKNOWN, "something" },
	{ "pppssh/1 error", 1, CTLMSG_ERROR, CTLMSG_E_UNKNOWN, "" },
	{ "pppssh/1 detail a: b", 1, CTLMSG_DETAIL, 0, "a: b" },
	{ "pppssh/1 json {\"a\":1}", 1, CTLMSG_JSON, 0, "{\"a\":1}" },
	{ "pppssh/1 link name=x state=up", 1, CTLMSG_LINK, 0,
	    "name=x state=up" },
	{ "pppssh/1 stage name=x state=up", 1, CTLMSG_STAGE, 0,
	    "name=x state=up" },
	{ "pppssh/2 ok", 0, 0, 0, NULL },
	{ "pppssh/11 ok", 0, 0, 0, NULL },
	{ "ok", 0, 0, 0, NULL },
	{ "", 0, 0, 0, NULL },
	{ "pppssh/1 hello", 0, 0, 0, NULL },
	{ "pppssh/1", 0, 0, 0, NULL },
};

static void
test_reply_table(void **state)
{
	struct ctlmsg_reply	 r;
	char			*line, *cause;
	size_t			 i;

	(void)state;
	for (i = 0; i < NITEMS(reply_cases); i++) {
		cause = NULL;
		line = xstrdup(reply_cases[i].line);
		if (!reply_cases[i].ok) {
			if (ctlmsg_reply_parse(line, &r, &cause) != -1)
				fail_msg("case %zu '%s' accepted", i,
				    reply_cases[i].line);
			assert_non_null(cause);
			free(cause);
			free(line);
			continue;
		}
		if (ctlmsg_reply_parse(line, &r, &cause) != 0)
			fail_msg("case %zu '%s': %s", i, reply_cases[i].line,
			    cause);
		assert_int_equal(r.type, reply_cases[i].type);
		if (r.type == CTLMSG_ERROR)
			assert_int_equal(r.error, reply_cases[i].error);
		assert_string_equal(r.text, reply_cases[i].text);
		free(line);
	}
}

static void
test_put_error_text(void **state)
{
	struct buf	b = { NULL, 0, 0 };

	(void)state;
	ctlmsg_put_error(&b, CTLMSG_E_FAILED, "link %s: %s", "x",
	    "line1\nline2\r\x1b[0m");
	assert_string_equal(b.s,
	    "pppssh/1 error failed link x: line1?line2??[0m\n");
	buf_free(&b);
	ctlmsg_put_text(&b, CTLMSG_OK, NULL);
	ctlmsg_put_text(&b, CTLMSG_DETAIL, "f:1: k: bad\tthing");
	assert_string_equal(b.s,
	    "pppssh/1 ok\npppssh/1 detail f:1: k: bad?thing\n");
	buf_free(&b);
}

/* ---------------------------------------------------------- encoding */

static const struct {
	const char	*raw;
	const char	*enc;
} enc_cases[] = {
	{ "", "" },
	{ "office", "office" },
	{ "a b", "a%20b" },
	{ "100%", "100%25" },
	{ "k=v", "k=v" },
	{ "tab\there", "tab%09here" },
	{ "nl\n", "nl%0A" },
	{ "caf\xc3\xa9", "caf%C3%A9" },
	{ "\x7f\x01", "%7F%01" },
	{ "connect 192.0.2.7:22: Connection refused",
	    "connect%20192.0.2.7:22:%20Connection%20refused" },
};

static void
test_encode(void **state)
{
	struct buf		 b = { NULL, 0, 0 };
	char			*s;
	size_t			 i;

	(void)state;
	for (i = 0; i < NITEMS(enc_cases); i++) {
		buf_free(&b);
		buf_add(&b, "", 0);
		ctlmsg_put_encoded(&b, enc_cases[i].raw);
		assert_string_equal(b.s, enc_cases[i].enc);
		s = xstrdup(b.s);
		assert_int_equal(ctlmsg_decode(s), 0);
		assert_string_equal(s, enc_cases[i].raw);
		free(s);
	}
	buf_free(&b);
}

static void
test_decode_errors(void **state)
{
	static const char *const bad[] = {
	    "%", "%4", "a%G1", "%0g", "%00", "abc%", "%%41",
	};
	char	*s;
	size_t	 i;

	(void)state;
	for (i = 0; i < NITEMS(bad); i++) {
		s = xstrdup(bad[i]);
		if (ctlmsg_decode(s) != -1)
			fail_msg("'%s' decoded", bad[i]);
		free(s);
	}
	s = xstrdup("%41%62c");
	assert_int_equal(ctlmsg_decode(s), 0);
	assert_string_equal(s, "Abc");
	free(s);
}

/* -------------------------------------------------------------- links */

static const struct ctlmsg_link link_full = {
	.name = "office",
	.ifname = "vpn-office",
	.state = "backoff",
	.since = 1700000000,
	.down_since = 1699990000,
	.wanted = true,
	.reason = "auth as vpn: key refused; 100% \"sure\"\nreally",
	.fail_class = "hard",
	.needs_attention = true,
	.redials = 7,
	.next_dial = 42,
	.host = "gw.example.org",
	.port = 2222,
	.hosts = "gw.example.org:2222,gw2.example.org:22",
	.local_ip = "10.9.0.1",
	.remote_ip = "10.9.0.2",
	.remote_nets = "10.0.0.0/24,2001:db8::/64",
	.local_nets = "172.16.1.0/24",
	.bytes_in = UINT64_MAX,
	.bytes_out = 12345,
	.rtt_us = 1500,
	.dns = "10.2.0.53 through resolvconf on vpn-office, search corp.example",
	.fails_network = 3,
	.fails_remote = 2,
	.fails_hard = 1,
};

static void
test_link_roundtrip(void **state)
{
	struct buf		 b = { NULL, 0, 0 };
	struct ctlmsg_reply	 r;
	struct ctlmsg_link	 l, empty;
	char			*cause = NULL;

	(void)state;
	ctlmsg_put_link(&b, CTLMSG_STAGE, &link_full);
	assert_int_equal(b.s[b.len - 1], '\n');
	assert_null(memchr(b.s, '\n', b.len - 1));	/* one line */
	b.s[--b.len] = '\0';
	assert_int_equal(ctlmsg_reply_parse(b.s, &r, &cause), 0);
	assert_int_equal(r.type, CTLMSG_STAGE);
	assert_int_equal(ctlmsg_link_parse(r.text, &l, &cause), 0);
	assert_string_equal(l.name, link_full.name);
	assert_string_equal(l.ifname, link_full.ifname);
	assert_string_equal(l.state, link_full.state);
	assert_string_equal(l.reason, link_full.reason);
	assert_string_equal(l.fail_class, link_full.fail_class);
	assert_string_equal(l.host, link_full.host);
	assert_int_equal(l.since, link_full.since);
	assert_int_equal(l.down_since, link_full.down_since);
	assert_true(l.wanted);
	assert_true(l.needs_attention);
	assert_int_equal(l.redials, 7);
	assert_int_equal(l.next_dial, 42);
	assert_int_equal(l.port, 2222);
	assert_string_equal(l.hosts, link_full.hosts);
	assert_string_equal(l.local_ip, "10.9.0.1");
	assert_string_equal(l.remote_ip, "10.9.0.2");
	assert_string_equal(l.remote_nets, link_full.remote_nets);
	assert_string_equal(l.local_nets, "172.16.1.0/24");
	assert_true(l.bytes_in == UINT64_MAX);
	assert_true(l.bytes_out == 12345);
	assert_int_equal(l.rtt_us, 1500);
	assert_string_equal(l.dns, link_full.dns);
	assert_int_equal(l.fails_network, 3);
	assert_int_equal(l.fails_remote, 2);
	assert_int_equal(l.fails_hard, 1);
	buf_free(&b);

	/* Unknown things stay unknown. */
	memset(&empty, 0, sizeof(empty));
	empty.name = "lab";
	empty.state = "down";
	empty.next_dial = empty.port = empty.rtt_us = -1;
	ctlmsg_put_link(&b, CTLMSG_LINK, &empty);
	b.s[--b.len] = '\0';
	assert_int_equal(ctlmsg_reply_parse(b.s, &r, &cause), 0);
	assert_int_equal(ctlmsg_link_parse(r.text, &l, &cause), 0);
	assert_null(l.reason);
	assert_null(l.host);
	assert_int_equal(l.next_dial, -1);
	assert_int_equal(l.port, -1);
	assert_int_equal(l.rtt_us, -1);
	assert_null(l.dns);
	assert_int_equal(l.fails_network + l.fails_remote + l.fails_hard, 0);
	assert_int_equal(l.down_since, 0);
	assert_null(l.hosts);
	assert_null(l.local_ip);
	assert_null(l.remote_nets);
	assert_null(l.local_nets);
	buf_free(&b);
}

/* What vpnd adds for the HTTP side: probe, ddns, notifications. */
static void
test_link_http_fields(void **state)
{
	struct buf		 b = { NULL, 0, 0 };
	struct ctlmsg_reply	 r;
	struct ctlmsg_link	 m, l;
	char			*cause = NULL;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.name = "office";
	m.state = "up";
	m.next_dial = m.port = m.rtt_us = -1;
	m.probe = "failed: HTTP 503";
	m.probe_at = 1700000100;
	m.ddns = "badauth (updates stopped until reload)";
	m.ddns_at = 1700000200;
	m.notify_queued = 4;
	m.notify_dropped = 2;
	ctlmsg_put_link(&b, CTLMSG_LINK, &m);
	assert_non_null(strstr(b.s, " probe=failed:%20HTTP%20503 "
	    "probe-at=1700000100 "));
	b.s[--b.len] = '\0';
	assert_int_equal(ctlmsg_reply_parse(b.s, &r, &cause), 0);
	assert_int_equal(ctlmsg_link_parse(r.text, &l, &cause), 0);
	assert_string_equal(l.probe, m.probe);
	assert_int_equal(l.probe_at, m.probe_at);
	assert_string_equal(l.ddns, m.ddns);
	assert_int_equal(l.ddns_at, m.ddns_at);
	assert_int_equal(l.notify_queued, 4);
	assert_int_equal(l.notify_dropped, 2);
	buf_free(&b);

	ctlmsg_put_link_json(&b, &m);
	assert_non_null(strstr(b.s, ",\"probe\":\"failed: HTTP 503\","
	    "\"probe_at\":1700000100,\"ddns\":\"badauth (updates stopped "
	    "until reload)\",\"ddns_at\":1700000200,\"notify_queued\":4,"
	    "\"notify_dropped\":2}"));
	buf_free(&b);

	/* A bad time is an error, like every other number. */
	b.s = xstrdup("name=a state=up probe=x probe-at=soon");
	assert_int_equal(ctlmsg_link_parse(b.s, &l, &cause), -1);
	assert_non_null(strstr(cause, "probe-at"));
	free(cause);
	free(b.s);
}

static const struct {
	const char	*text;
	const char	*cause;
} link_bad[] = {
	{ "state=up", "without a name" },
	{ "name=x", "without a state" },
	{ "name=x state=up junk", "not KEY=VALUE" },
	{ "name=x state=up since=abc", "bad value" },
	{ "name=x state=up since=-1", "bad value" },
	{ "name=x state=up wanted=2", "bad value" },
	{ "name=x state=up port=65536", "bad value" },
	{ "name=x state=up redials=", "bad value" },
	{ "name=x state=up bytes-in=-1", "bad value" },
	{ "name=x state=up bytes-in=99999999999999999999", "bad value" },
	{ "name=%zz state=up", "bad encoding" },
	{ "name=a%00b state=up", "bad encoding" },
};

static void
test_link_parse_errors(void **state)
{
	struct ctlmsg_link	 l;
	char			*text, *cause;
	size_t			 i;

	(void)state;
	for (i = 0; i < NITEMS(link_bad); i++) {
		cause = NULL;
		text = xstrdup(link_bad[i].text);
		if (ctlmsg_link_parse(text, &l, &cause) != -1)
			fail_msg("'%s' accepted", link_bad[i].text);
		if (strstr(cause, link_bad[i].cause) == NULL)
			fail_msg("'%s': '%s' lacks '%s'", link_bad[i].text,
			    cause, link_bad[i].cause);
		free(cause);
		free(text);
	}
	/* Fields a newer vpnd adds are ignored. */
	text = xstrdup("name=x state=up colour=blue since=5");
	assert_int_equal(ctlmsg_link_parse(text, &l, &cause), 0);
	assert_int_equal(l.since, 5);
	free(text);
}

static void
test_link_json(void **state)
{
	struct buf	b = { NULL, 0, 0 };

	(void)state;
	ctlmsg_put_link_json(&b, &link_full);
	assert_string_equal(b.s, "{\"name\":\"office\","
	    "\"ifname\":\"vpn-office\",\"state\":\"backoff\","
	    "\"since\":1700000000,\"down_since\":1699990000,"
	    "\"wanted\":true,"
	    "\"reason\":\"auth as vpn: key refused; 100% \\\"sure\\\"\\n"
	    "really\",\"fail_class\":\"hard\",\"needs_attention\":true,"
	    "\"redials\":7,\"next_dial\":42,\"host\":\"gw.example.org\","
	    "\"port\":2222,"
	    "\"hosts\":[\"gw.example.org:2222\",\"gw2.example.org:22\"],"
	    "\"local_ip\":\"10.9.0.1\",\"remote_ip\":\"10.9.0.2\","
	    "\"remote_nets\":[\"10.0.0.0/24\",\"2001:db8::/64\"],"
	    "\"local_nets\":[\"172.16.1.0/24\"],"
	    "\"bytes_in\":18446744073709551615,"
	    "\"bytes_out\":12345,\"rtt_us\":1500,"
	    "\"dns\":\"10.2.0.53 through resolvconf on vpn-office, search "
	    "corp.example\","
	    "\"failures\":{\"network\":3,\"remote\":2,\"hard\":1},"
	    "\"probe\":null,"
	    "\"probe_at\":null,\"ddns\":null,\"ddns_at\":null,"
	    "\"notify_queued\":0,\"notify_dropped\":0}");
	buf_free(&b);
}

/* -------------------------------------------------------------- peers */

static void
test_peer_allowed(void **state)
{
	char	*cause = NULL;
	uid_t	 uid;

	(void)state;
	assert_int_equal(ctlserver_peer_allowed(0, 12345, true, "vpn",
	    &cause), 0);
	assert_int_equal(ctlserver_peer_allowed(0, 0, false, "vpn", &cause), 0);

	/* A uid no user has: no groups, refused. */
	for (uid = 54321; getpwuid(uid) != NULL; uid++)
		;
	assert_int_equal(ctlserver_peer_allowed(uid, 0, true, "root",
	    &cause), -1);
	assert_non_null(strstr(cause, "no user name"));
	free(cause);
}

/* A real user, "nobody" (main() checks it and group 0 exist). */
static void
test_peer_allowed_user(void **state)
{
	struct passwd	*pw;
	struct group	*gr;
	char		*cause = NULL;
	uid_t		 uid;
	gid_t		 gid;

	(void)state;
	assert_non_null(pw = getpwnam("nobody"));
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	/* Its primary group admits it, no group refuses. */
	assert_int_equal(ctlserver_peer_allowed(uid, gid, true, "g", &cause), 0);
	assert_int_equal(ctlserver_peer_allowed(uid, gid, false, "vpn", &cause),
	    -1);
	assert_non_null(strstr(cause, "group vpn does not exist"));
	free(cause);
	cause = NULL;
	/* root's group: nobody is not in it. */
	assert_non_null(gr = getgrgid(0));
	assert_int_equal(ctlserver_peer_allowed(uid, 0, true, gr->gr_name, &cause),
	    -1);
	assert_non_null(strstr(cause, "is not root and not in group"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_req_table),
		cmocka_unit_test(test_req_length),
		cmocka_unit_test(test_req_flag),
		cmocka_unit_test(test_reply_table),
		cmocka_unit_test(test_put_error_text),
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_decode_errors),
		cmocka_unit_test(test_link_roundtrip),
		cmocka_unit_test(test_link_parse_errors),
		cmocka_unit_test(test_link_json),
		cmocka_unit_test(test_link_http_fields),
		cmocka_unit_test(test_peer_allowed),
	};
	const struct CMUnitTest user_tests[] = {
		cmocka_unit_test(test_peer_allowed_user),
	};
	int	r;

	if ((r = cmocka_run_group_tests(tests, NULL, NULL)) != 0)
		return r;
	/* Not a pass when part of it cannot run here. */
	if (getpwnam("nobody") == NULL || getgrgid(0) == NULL) {
		fprintf(stderr, "test_ctl: SKIP: test_peer_allowed_user needs "
		    "a user \"nobody\" and a group 0\n");
		return 77;
	}
	return cmocka_run_group_tests(user_tests, NULL, NULL);
}
