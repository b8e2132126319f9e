/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * libFuzzer target for rtnetlink event messages (netlink.c): the bytes,
 * as one datagram of the event socket, walked as rtnl_dispatch() walks
 * it, each message through rtnl_event_parse().  No message may read
 * past its length or the datagram's; an event has a type, an interface
 * name that ends within IF_NAMESIZE, and for an address or a route an
 * IPv4 or IPv6 family and (a route) a prefix length that fits it.
 * Seeds: tests/fuzz/corpus/netlink (messages as the kernel sends them).
 */
#include "config.h"

#include <sys/socket.h>

#include <linux/netlink.h>
#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netlink.h"

#define FUZZ_NL_MAX	65536

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct nlmsghdr	*nlh;
	struct rtnl_event	 ev;
	char			*buf;
	int			 n;

	if (size > FUZZ_NL_MAX)
		return 0;
	/* Exactly size bytes, so that a read past them is caught. */
	if ((buf = malloc(size > 0 ? size : 1)) == NULL)
		abort();
	memcpy(buf, data, size);
	nlh = (const struct nlmsghdr *)buf;
	n = (int)size;
	for (; rtnl_msg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
		if (rtnl_event_parse(nlh, &ev) == -1)
			continue;
		if (memchr(ev.ifname, '\0', sizeof(ev.ifname)) == NULL)
			abort();
		switch (ev.type) {
		case RTNL_LINK_NEW:
		case RTNL_LINK_DEL:
			break;
		case RTNL_ADDR_NEW:
		case RTNL_ADDR_DEL:
			if (ev.family != AF_INET && ev.family != AF_INET6)
				abort();
			break;
		case RTNL_ROUTE_NEW:
		case RTNL_ROUTE_DEL:
			if (ev.family != AF_INET && ev.family != AF_INET6)
				abort();
			if (ev.plen > (ev.family == AF_INET ? 32U : 128U))
				abort();
			break;
		default:
			abort();
		}
	}
	free(buf);
	return 0;
}
