/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * IPv4/IPv6 addresses and prefixes.  Parsing is strict: inet_pton()
 * for the address (dotted quad only for IPv4, no zone for IPv6), a
 * plain decimal length, and no host bits beyond the length.
 */
#include "config.h"

#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "xmalloc.h"

static int	addr_parse_len(const char *, unsigned, unsigned *);

unsigned
addr_bits(int family)
{
	switch (family) {
	case AF_INET:
		return 32;
	case AF_INET6:
		return 128;
	default:
		return 0;
	}
}

int
addr_parse(const char *s, int family, struct prefix *p)
{
	char	buf[INET6_ADDRSTRLEN];
	int	af;
	size_t	n;

	if ((n = strlen(s)) >= sizeof(buf) || n == 0)
		return -1;
	memcpy(buf, s, n + 1);
	af = strchr(buf, ':') != NULL ? AF_INET6 : AF_INET;
	if (family != AF_UNSPEC && family != af)
		return -1;
	memset(p, 0, sizeof(*p));
	if (inet_pton(af, buf, p->addr) != 1) {
		memset(p, 0, sizeof(*p));
		return -1;
	}
	p->family = af;
	p->len = addr_bits(af);
	return 0;
}

/* Parse a prefix length: decimal digits, no sign, no leading zero. */
static int
addr_parse_len(const char *s, unsigned max, unsigned *len)
{
	unsigned	v = 0;

	if (*s == '\0' || (s[0] == '0' && s[1] != '\0'))
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned)(*s - '0');
		if (v > max)
			return -1;
	}
	*len = v;
	return 0;
}

int
addr_prefix_parse(const char *s, struct prefix *p, char **cause)
{
	char		 buf[INET6_ADDRSTRLEN];
	char		 fixed[ADDR_STRLEN];
	const char	*slash;
	struct prefix	 q;
	size_t		 n;

	memset(p, 0, sizeof(*p));
	if ((slash = strchr(s, '/')) == NULL)
		goto bad;
	n = (size_t)(slash - s);
	if (n == 0 || n >= sizeof(buf))
		goto bad;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (addr_parse(buf, AF_UNSPEC, &q) == -1)
		goto bad;
	if (addr_parse_len(slash + 1, addr_bits(q.family), &q.len) == -1)
		goto bad;
	if (addr_host_bits_set(&q)) {
		addr_mask(&q);
		xasprintf(cause, "%s has host bits set (%s is the prefix)", s,
		    addr_format(&q, fixed, sizeof(fixed)));
		return -1;
	}
	if (addr_is_v4mapped(&q)) {
		xasprintf(cause, "%s is an IPv4-mapped prefix (write it as "
		    "IPv4)", s);
		return -1;
	}
	*p = q;
	return 0;

bad:
	xasprintf(cause, "%s is not a prefix", s);
	return -1;
}

bool
addr_host_bits_set(const struct prefix *p)
{
	struct prefix	q = *p;

	addr_mask(&q);
	return memcmp(q.addr, p->addr, sizeof(q.addr)) != 0;
}

void
addr_mask(struct prefix *p)
{
	unsigned	bits = addr_bits(p->family), i;

	if (p->len >= bits) {
		/* Nothing beyond the address width is meaningful. */
		if (bits / 8 < sizeof(p->addr))
			memset(p->addr + bits / 8, 0,
			    sizeof(p->addr) - bits / 8);
		return;
	}
	i = p->len / 8;
	if (p->len % 8 != 0) {
		p->addr[i] &= (uint8_t)(0xff << (8 - p->len % 8));
		i++;
	}
	memset(p->addr + i, 0, sizeof(p->addr) - i);
}

bool
addr_is_v4mapped(const struct prefix *p)
{
	static const uint8_t	mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};

	return p->family == AF_INET6 && p->len >= 96 &&
	    memcmp(p->addr, mapped, sizeof(mapped)) == 0;
}

bool
addr_equal(const struct prefix *a, const struct prefix *b)
{
	return addr_cmp(a, b) == 0;
}

bool
addr_contains(const struct prefix *outer, const struct prefix *inner)
{
	struct prefix	o, q;

	if (outer->family != inner->family || outer->len > inner->len)
		return false;
	o = *outer;
	addr_mask(&o);
	q = *inner;
	q.len = outer->len;
	addr_mask(&q);
	return memcmp(q.addr, o.addr, sizeof(q.addr)) == 0;
}

bool
addr_overlap(const struct prefix *a, const struct prefix *b)
{
	/* Prefixes nest or are disjoint: overlap means containment. */
	return addr_contains(a, b) || addr_contains(b, a);
}

int
addr_cmp(const struct prefix *a, const struct prefix *b)
{
	int	r;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if ((r = memcmp(a->addr, b->addr, sizeof(a->addr))) != 0)
		return r;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return 0;
}

const char *
addr_ntop(const struct prefix *p, char *buf, size_t len)
{
	if (p->family != AF_INET && p->family != AF_INET6) {
		snprintf(buf, len, "(none)");
		return buf;
	}
	if (inet_ntop(p->family, p->addr, buf, len) == NULL)
		snprintf(buf, len, "(?)");
	return buf;
}

const char *
addr_format(const struct prefix *p, char *buf, size_t len)
{
	char	a[INET6_ADDRSTRLEN];

	snprintf(buf, len, "%s/%u", addr_ntop(p, a, sizeof(a)), p->len);
	return buf;
}
