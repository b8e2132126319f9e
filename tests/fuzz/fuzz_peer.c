/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * libFuzzer target for vpn-peer's request parser (peer.c), the text a
 * key's holder sends as SSH_ORIGINAL_COMMAND: any bytes must be refused
 * with a reason or parse, and a parsed request must format into a line
 * that parses back to the same request (the format and the parser are
 * one grammar).  Seeds: tests/fuzz/corpus/peer.
 */
#include "config.h"

#include <netinet/in.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "peer.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct peer_conf	 c;
	static bool		 ready;
	struct peer_request	 r, again;
	char			*line, *fmt, *cause = NULL;

	if (!ready) {
		peer_conf_init(&c);
		c.ip = "10.9.0.2";
		c.peer = "10.9.0.1";
		c.ifname = "vpn-office";
		if (peer_conf_add_net(&c, "172.16.1.0/24", &cause) == -1 ||
		    peer_conf_add_net(&c, "172.16.2.0/24", &cause) == -1 ||
		    peer_conf_check(&c, &cause) == -1)
			abort();
		ready = true;
	}
	line = xmalloc(size + 1);
	memcpy(line, data, size);
	line[size] = '\0';
	if (peer_request_parse(&c, line, &r, &cause) == -1) {
		/* A refusal always says why. */
		if (cause == NULL || *cause == '\0')
			abort();
		free(cause);
		free(line);
		return 0;
	}
	fmt = peer_request_format(&r);
	if (peer_request_parse(&c, fmt, &again, &cause) == -1)
		abort();
	if (again.verb != r.verb || again.nnets != r.nnets ||
	    again.route_del != r.route_del ||
	    (r.verb == PEER_PPPD &&
	    (again.lcp_echo_interval != r.lcp_echo_interval ||
	    again.lcp_echo_failure != r.lcp_echo_failure ||
	    again.mtu != r.mtu || again.compression != r.compression)))
		abort();
	free(fmt);
	free(line);
	return 0;
}
