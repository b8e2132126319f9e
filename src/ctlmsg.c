/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The control protocol's wire format (see ctlmsg.h): request and reply
 * lines, link records, JSON strings, and the buffer they are built in.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctlmsg.h"
#include "xmalloc.h"

static const char *ctlmsg_error_names[] = {
	[CTLMSG_E_USAGE] = "usage",
	[CTLMSG_E_VERSION] = "version",
	[CTLMSG_E_DENIED] = "denied",
	[CTLMSG_E_CONFIG] = "config",
	[CTLMSG_E_FAILED] = "failed",
	[CTLMSG_E_BUSY] = "busy",
	[CTLMSG_E_TIMEOUT] = "timeout",
	[CTLMSG_E_UNKNOWN] = "unknown",
};

static const char *ctlmsg_type_names[] = {
	[CTLMSG_LINK] = "link",
	[CTLMSG_STAGE] = "stage",
	[CTLMSG_JSON] = "json",
	[CTLMSG_DETAIL] = "detail",
	[CTLMSG_TEXT] = "text",
	[CTLMSG_OK] = "ok",
	[CTLMSG_ERROR] = "error",
};

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

static void	ctlmsg_put_sanitized(struct buf *, const char *);

const char *
ctlmsg_error_name(enum ctlmsg_error e)
{
	if ((size_t)e >= NITEMS(ctlmsg_error_names))
		return "unknown";
	return ctlmsg_error_names[e];
}

int
ctlmsg_req_parse(const char *line, size_t len, struct ctlmsg_req *req,
    enum ctlmsg_error *kind, char **cause)
{
	char		*p, *words[CTLMSG_MAX_ARGS + 2];
	size_t		 i;
	int		 n = 0;
	unsigned char	 ch;

	memset(req, 0, sizeof(*req));
	*kind = CTLMSG_E_USAGE;
	if (len >= sizeof(req->buf)) {
		xasprintf(cause, "request longer than %d bytes",
		    CTLMSG_LINE_MAX - 1);
		return -1;
	}
	for (i = 0; i < len; i++) {
		ch = (unsigned char)line[i];
		if (ch == '\0') {
			xasprintf(cause, "NUL byte in request at offset %zu",
			    i);
			return -1;
		}
		if (ch == '\r' && i == len - 1)
			break;		/* tolerate CRLF */
		if (ch != ' ' && (ch < 0x21 || ch > 0x7e)) {
			xasprintf(cause, "byte 0x%02x in request at offset "
			    "%zu (only printable ASCII)", ch, i);
			return -1;
		}
	}
	memcpy(req->buf, line, i);
	req->buf[i] = '\0';

	for (p = req->buf; *p != '\0';) {
		while (*p == ' ')
			*p++ = '\0';
		if (*p == '\0')
			break;
		if (n == (int)NITEMS(words)) {
			xasprintf(cause, "too many words in request (at most "
			    "%d arguments)", CTLMSG_MAX_ARGS);
			return -1;
		}
		words[n++] = p;
		while (*p != ' ' && *p != '\0')
			p++;
	}
	if (n == 0) {
		xasprintf(cause, "empty request");
		return -1;
	}
	if (strcmp(words[0], CTLMSG_VERSION) != 0) {
		if (strncmp(words[0], "pppssh/", 7) == 0) {
			*kind = CTLMSG_E_VERSION;
			xasprintf(cause, "protocol version %.32s not "
			    "supported, this vpnd speaks %s", words[0],
			    CTLMSG_VERSION);
		} else
			xasprintf(cause, "malformed request: no protocol "
			    "version (want %s COMMAND ...)", CTLMSG_VERSION);
		return -1;
	}
	if (n < 2) {
		xasprintf(cause, "request without a command");
		return -1;
	}
	req->cmd = words[1];
	for (i = 2; i < (size_t)n; i++)
		req->argv[req->argc++] = words[i];
	return 0;
}

bool
ctlmsg_req_flag(const struct ctlmsg_req *req, const char *name)
{
	int	i;

	for (i = 0; i < req->argc; i++)
		if (req->argv[i][0] == '+' && strcmp(req->argv[i] + 1,
		    name) == 0)
			return true;
	return false;
}

int
ctlmsg_reply_parse(char *line, struct ctlmsg_reply *r, char **cause)
{
	char	*p, *type;
	size_t	 i, vlen = strlen(CTLMSG_VERSION);

	memset(r, 0, sizeof(*r));
	if (strncmp(line, CTLMSG_VERSION, vlen) != 0 ||
	    (line[vlen] != ' ' && line[vlen] != '\0')) {
		if (strncmp(line, "pppssh/", 7) == 0)
			xasprintf(cause, "vpnd speaks another protocol "
			    "version (%.16s), this vpnctl speaks %s", line,
			    CTLMSG_VERSION);
		else
			xasprintf(cause, "reply without a protocol version");
		return -1;
	}
	p = line + vlen;
	while (*p == ' ')
		p++;
	type = p;
	while (*p != ' ' && *p != '\0')
		p++;
	if (*p == ' ')
		*p++ = '\0';
	r->text = p;
	for (i = 0; i < NITEMS(ctlmsg_type_names); i++)
		if (strcmp(type, ctlmsg_type_names[i]) == 0)
			break;
	if (i == NITEMS(ctlmsg_type_names)) {
		xasprintf(cause, "reply of unknown type '%.32s'", type);
		return -1;
	}
	r->type = (enum ctlmsg_type)i;
	if (r->type != CTLMSG_ERROR)
		return 0;

	r->kind = r->text;
	while (*p != ' ' && *p != '\0')
		p++;
	if (*p == ' ')
		*p++ = '\0';
	r->text = p;
	r->error = CTLMSG_E_UNKNOWN;
	for (i = 0; i < NITEMS(ctlmsg_error_names); i++)
		if (strcmp(r->kind, ctlmsg_error_names[i]) == 0)
			r->error = (enum ctlmsg_error)i;
	return 0;
}

/* Control bytes (newlines too) become '?': one line stays one line. */
static void
ctlmsg_put_sanitized(struct buf *b, const char *s)
{
	size_t	i, start = 0;

	for (i = 0; s[i] != '\0'; i++) {
		if ((unsigned char)s[i] >= 0x20 && s[i] != 0x7f)
			continue;
		buf_add(b, s + start, i - start);
		buf_add(b, "?", 1);
		start = i + 1;
	}
	buf_add(b, s + start, i - start);
}

void
ctlmsg_put_error(struct buf *b, enum ctlmsg_error kind,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	(void)xvasprintf(&msg, fmt, ap);
	va_end(ap);
	buf_printf(b, "%s error %s ", CTLMSG_VERSION,
	    ctlmsg_error_name(kind));
	ctlmsg_put_sanitized(b, msg);
	buf_add(b, "\n", 1);
	free(msg);
}

void
ctlmsg_put_text(struct buf *b, enum ctlmsg_type type,
    const char *text)
{
	buf_printf(b, "%s %s", CTLMSG_VERSION,
	    ctlmsg_type_names[type]);
	if (text != NULL && *text != '\0') {
		buf_add(b, " ", 1);
		ctlmsg_put_sanitized(b, text);
	}
	buf_add(b, "\n", 1);
}

void
ctlmsg_put_encoded(struct buf *b, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p;
	char			 esc[3];

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p >= 0x21 && *p <= 0x7e && *p != '%') {
			buf_add(b, p, 1);
			continue;
		}
		esc[0] = '%';
		esc[1] = hex[*p >> 4];
		esc[2] = hex[*p & 0xf];
		buf_add(b, esc, 3);
	}
}

static int
ctlmsg_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
ctlmsg_decode(char *s)
{
	char	*out = s;
	int	 hi, lo;

	while (*s != '\0') {
		if (*s != '%') {
			*out++ = *s++;
			continue;
		}
		if ((hi = ctlmsg_hexval(s[1])) == -1 ||
		    (lo = ctlmsg_hexval(s[2])) == -1)
			return -1;
		if (hi == 0 && lo == 0)
			return -1;
		*out++ = (char)(hi << 4 | lo);
		s += 3;
	}
	*out = '\0';
	return 0;
}

static void
ctlmsg_put_kv(struct buf *b, const char *key, const char *value)
{
	if (value == NULL)
		return;		/* absent means unknown */
	buf_printf(b, " %s=", key);
	ctlmsg_put_encoded(b, value);
}

void
ctlmsg_put_link(struct buf *b, enum ctlmsg_type type,
    const struct ctlmsg_link *l)
{
	buf_printf(b, "%s %s", CTLMSG_VERSION,
	    ctlmsg_type_names[type]);
	ctlmsg_put_kv(b, "name", l->name);
	ctlmsg_put_kv(b, "state", l->state);
	ctlmsg_put_kv(b, "ifname", l->ifname);
	buf_printf(b, " since=%lld wanted=%d", (long long)l->since,
	    l->wanted ? 1 : 0);
	if (l->down_since != 0)
		buf_printf(b, " down-since=%lld",
		    (long long)l->down_since);
	ctlmsg_put_kv(b, "reason", l->reason);
	ctlmsg_put_kv(b, "fail-class", l->fail_class);
	buf_printf(b, " attention=%d redials=%u",
	    l->needs_attention ? 1 : 0, l->redials);
	if (l->next_dial >= 0)
		buf_printf(b, " next-dial=%d", l->next_dial);
	ctlmsg_put_kv(b, "host", l->host);
	if (l->port >= 0)
		buf_printf(b, " port=%d", l->port);
	ctlmsg_put_kv(b, "hosts", l->hosts);
	ctlmsg_put_kv(b, "local-ip", l->local_ip);
	ctlmsg_put_kv(b, "remote-ip", l->remote_ip);
	ctlmsg_put_kv(b, "remote-nets", l->remote_nets);
	ctlmsg_put_kv(b, "local-nets", l->local_nets);
	buf_printf(b, " bytes-in=%" PRIu64 " bytes-out=%" PRIu64,
	    l->bytes_in, l->bytes_out);
	if (l->rtt_us >= 0)
		buf_printf(b, " rtt-us=%d", l->rtt_us);
	ctlmsg_put_kv(b, "dns", l->dns);
	if (l->fails_network > 0 || l->fails_remote > 0 || l->fails_hard > 0)
		buf_printf(b, " fails-network=%u fails-remote=%u "
		    "fails-hard=%u", l->fails_network, l->fails_remote,
		    l->fails_hard);
	ctlmsg_put_kv(b, "probe", l->probe);
	if (l->probe != NULL)
		buf_printf(b, " probe-at=%lld", (long long)l->probe_at);
	ctlmsg_put_kv(b, "ddns", l->ddns);
	if (l->ddns != NULL)
		buf_printf(b, " ddns-at=%lld", (long long)l->ddns_at);
	if (l->notify_queued > 0 || l->notify_dropped > 0)
		buf_printf(b, " notify-queued=%zu notify-dropped=%lu",
		    l->notify_queued, l->notify_dropped);
	buf_add(b, "\n", 1);
}

/* ,"key":[...] from the comma-separated list, or null. */
static void
ctlmsg_json_list(struct buf *b, const char *key, const char *list)
{
	const char	*p, *comma;
	char		*item;

	buf_printf(b, ",\"%s\":", key);
	if (list == NULL) {
		buf_add(b, "[]", 2);
		return;
	}
	buf_add(b, "[", 1);
	for (p = list;; p = comma + 1) {
		comma = strchr(p, ',');
		item = comma != NULL ? xstrndup(p, (size_t)(comma - p)) :
		    xstrdup(p);
		if (p != list)
			buf_add(b, ",", 1);
		buf_add_json_string(b, item);
		free(item);
		if (comma == NULL)
			break;
	}
	buf_add(b, "]", 1);
}

static void
ctlmsg_json_int(struct buf *b, const char *key, long long v,
    bool present)
{
	if (present)
		buf_printf(b, ",\"%s\":%lld", key, v);
	else
		buf_printf(b, ",\"%s\":null", key);
}

void
ctlmsg_put_link_json(struct buf *b, const struct ctlmsg_link *l)
{
	buf_add(b, "{\"name\":", 8);
	buf_add_json_string(b, l->name);
	buf_add(b, ",\"ifname\":", 10);
	buf_add_json_string(b, l->ifname);
	buf_add(b, ",\"state\":", 9);
	buf_add_json_string(b, l->state);
	ctlmsg_json_int(b, "since", (long long)l->since, l->since != 0);
	ctlmsg_json_int(b, "down_since", (long long)l->down_since,
	    l->down_since != 0);
	buf_printf(b, ",\"wanted\":%s", l->wanted ? "true" : "false");
	buf_add(b, ",\"reason\":", 10);
	buf_add_json_string(b, l->reason);
	buf_add(b, ",\"fail_class\":", 14);
	buf_add_json_string(b, l->fail_class);
	buf_printf(b, ",\"needs_attention\":%s",
	    l->needs_attention ? "true" : "false");
	buf_printf(b, ",\"redials\":%u", l->redials);
	ctlmsg_json_int(b, "next_dial", l->next_dial, l->next_dial >= 0);
	buf_add(b, ",\"host\":", 8);
	buf_add_json_string(b, l->host);
	ctlmsg_json_int(b, "port", l->port, l->port >= 0);
	ctlmsg_json_list(b, "hosts", l->hosts);
	buf_add(b, ",\"local_ip\":", 12);
	buf_add_json_string(b, l->local_ip);
	buf_add(b, ",\"remote_ip\":", 13);
	buf_add_json_string(b, l->remote_ip);
	ctlmsg_json_list(b, "remote_nets", l->remote_nets);
	ctlmsg_json_list(b, "local_nets", l->local_nets);
	buf_printf(b, ",\"bytes_in\":%" PRIu64 ",\"bytes_out\":%"
	    PRIu64, l->bytes_in, l->bytes_out);
	ctlmsg_json_int(b, "rtt_us", l->rtt_us, l->rtt_us >= 0);
	buf_add(b, ",\"dns\":", 7);
	buf_add_json_string(b, l->dns);
	buf_printf(b, ",\"failures\":{\"network\":%u,\"remote\":%u,"
	    "\"hard\":%u}", l->fails_network, l->fails_remote, l->fails_hard);
	buf_add(b, ",\"probe\":", 9);
	buf_add_json_string(b, l->probe);
	ctlmsg_json_int(b, "probe_at", (long long)l->probe_at,
	    l->probe != NULL);
	buf_add(b, ",\"ddns\":", 8);
	buf_add_json_string(b, l->ddns);
	ctlmsg_json_int(b, "ddns_at", (long long)l->ddns_at, l->ddns != NULL);
	buf_printf(b, ",\"notify_queued\":%zu,\"notify_dropped\":%lu",
	    l->notify_queued, l->notify_dropped);
	buf_add(b, "}", 1);
}

static int
ctlmsg_num(const char *s, long long min, long long max, long long *v)
{
	char	*end;

	if (*s == '\0')
		return -1;
	errno = 0;
	*v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || *v < min || *v > max)
		return -1;
	return 0;
}

static int
ctlmsg_u64(const char *s, uint64_t *v)
{
	char			*end;
	unsigned long long	 u;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	u = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*v = u;
	return 0;
}

int
ctlmsg_link_parse(char *text, struct ctlmsg_link *l, char **cause)
{
	char		*p = text, *word, *val;
	long long	 v;
	int		 bad;

	memset(l, 0, sizeof(*l));
	l->next_dial = l->port = l->rtt_us = -1;
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		word = p;
		while (*p != ' ' && *p != '\0')
			p++;
		if (*p == ' ')
			*p++ = '\0';
		if ((val = strchr(word, '=')) == NULL) {
			xasprintf(cause, "link record: '%.32s' is not "
			    "KEY=VALUE", word);
			return -1;
		}
		*val++ = '\0';
		if (ctlmsg_decode(val) == -1) {
			xasprintf(cause, "link record: %.32s: bad encoding",
			    word);
			return -1;
		}
		bad = 0;
		if (strcmp(word, "name") == 0)
			l->name = val;
		else if (strcmp(word, "state") == 0)
			l->state = val;
		else if (strcmp(word, "ifname") == 0)
			l->ifname = val;
		else if (strcmp(word, "reason") == 0)
			l->reason = val;
		else if (strcmp(word, "fail-class") == 0)
			l->fail_class = val;
		else if (strcmp(word, "host") == 0)
			l->host = val;
		else if (strcmp(word, "hosts") == 0)
			l->hosts = val;
		else if (strcmp(word, "local-ip") == 0)
			l->local_ip = val;
		else if (strcmp(word, "remote-ip") == 0)
			l->remote_ip = val;
		else if (strcmp(word, "remote-nets") == 0)
			l->remote_nets = val;
		else if (strcmp(word, "local-nets") == 0)
			l->local_nets = val;
		else if (strcmp(word, "dns") == 0)
			l->dns = val;
		else if (strcmp(word, "since") == 0) {
			bad = ctlmsg_num(val, 0, LLONG_MAX, &v);
			l->since = (time_t)v;
		} else if (strcmp(word, "down-since") == 0) {
			bad = ctlmsg_num(val, 0, LLONG_MAX, &v);
			l->down_since = (time_t)v;
		} else if (strcmp(word, "wanted") == 0) {
			bad = ctlmsg_num(val, 0, 1, &v);
			l->wanted = v == 1;
		} else if (strcmp(word, "attention") == 0) {
			bad = ctlmsg_num(val, 0, 1, &v);
			l->needs_attention = v == 1;
		} else if (strcmp(word, "redials") == 0) {
			bad = ctlmsg_num(val, 0, UINT_MAX, &v);
			l->redials = (unsigned)v;
		} else if (strcmp(word, "next-dial") == 0) {
			bad = ctlmsg_num(val, 0, INT_MAX, &v);
			l->next_dial = (int)v;
		} else if (strcmp(word, "port") == 0) {
			bad = ctlmsg_num(val, 0, 65535, &v);
			l->port = (int)v;
		} else if (strcmp(word, "rtt-us") == 0) {
			bad = ctlmsg_num(val, 0, INT_MAX, &v);
			l->rtt_us = (int)v;
		} else if (strcmp(word, "fails-network") == 0) {
			bad = ctlmsg_num(val, 0, UINT_MAX, &v);
			l->fails_network = (unsigned)v;
		} else if (strcmp(word, "fails-remote") == 0) {
			bad = ctlmsg_num(val, 0, UINT_MAX, &v);
			l->fails_remote = (unsigned)v;
		} else if (strcmp(word, "fails-hard") == 0) {
			bad = ctlmsg_num(val, 0, UINT_MAX, &v);
			l->fails_hard = (unsigned)v;
		} else if (strcmp(word, "probe") == 0)
			l->probe = val;
		else if (strcmp(word, "probe-at") == 0) {
			bad = ctlmsg_num(val, 0, LLONG_MAX, &v);
			l->probe_at = (time_t)v;
		} else if (strcmp(word, "ddns") == 0)
			l->ddns = val;
		else if (strcmp(word, "ddns-at") == 0) {
			bad = ctlmsg_num(val, 0, LLONG_MAX, &v);
			l->ddns_at = (time_t)v;
		} else if (strcmp(word, "notify-queued") == 0) {
			bad = ctlmsg_num(val, 0, LLONG_MAX, &v);
			l->notify_queued = (size_t)v;
		} else if (strcmp(word, "notify-dropped") == 0) {
			bad = ctlmsg_num(val, 0, LLONG_MAX, &v);
			l->notify_dropped = (unsigned long)v;
		} else if (strcmp(word, "bytes-in") == 0)
			bad = ctlmsg_u64(val, &l->bytes_in);
		else if (strcmp(word, "bytes-out") == 0)
			bad = ctlmsg_u64(val, &l->bytes_out);
		if (bad) {
			xasprintf(cause, "link record: %.32s: bad value "
			    "'%.32s'", word, val);
			return -1;
		}
	}
	if (l->name == NULL || l->state == NULL) {
		xasprintf(cause, "link record without %s",
		    l->name == NULL ? "a name" : "a state");
		return -1;
	}
	return 0;
}
