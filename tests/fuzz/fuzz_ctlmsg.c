/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * libFuzzer target for the control protocol (ctlmsg.c): what vpnd reads
 * from a member of the control group (a request line) and what vpnctl
 * reads from the socket (reply lines, link descriptions, %XX text).  The
 * first byte picks the parser; the rest is the line.  Any bytes must
 * parse or fail with a reason, never crash or leak; a request that
 * parses has a command and at most CTLMSG_MAX_ARGS words.  Seeds:
 * tests/fuzz/corpus/ctlmsg.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ctlmsg.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_request(const char *data, size_t size)
{
	struct ctlmsg_req	 req;
	enum ctlmsg_error	 kind;
	char			*cause = NULL;

	if (ctlmsg_req_parse(data, size, &req, &kind, &cause) == -1) {
		if (cause == NULL || *cause == '\0')
			abort();
		free(cause);
		return;
	}
	if (cause != NULL || req.cmd == NULL || req.argc < 0 ||
	    req.argc > CTLMSG_MAX_ARGS)
		abort();
	(void)ctlmsg_req_flag(&req, "wait");
}

static void
fuzz_reply(char *line)
{
	struct ctlmsg_reply	 rep;
	struct ctlmsg_link	 l;
	struct buf		 b = { NULL, 0, 0 };
	char			*cause = NULL;

	if (ctlmsg_reply_parse(line, &rep, &cause) == -1) {
		if (cause == NULL || *cause == '\0')
			abort();
		free(cause);
		return;
	}
	if (rep.type != CTLMSG_LINK && rep.type != CTLMSG_STAGE)
		return;
	if (ctlmsg_link_parse(rep.text, &l, &cause) == -1) {
		if (cause == NULL || *cause == '\0')
			abort();
		free(cause);
		return;
	}
	/* What was read prints again, both ways. */
	ctlmsg_put_link(&b, CTLMSG_LINK, &l);
	ctlmsg_put_link_json(&b, &l);
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*line;

	if (size == 0)
		return 0;
	line = xmalloc(size);
	memcpy(line, data + 1, size - 1);
	line[size - 1] = '\0';
	switch (data[0] % 3) {
	case 0:
		fuzz_request(line, size - 1);
		break;
	case 1:
		fuzz_reply(line);
		break;
	default:
		(void)ctlmsg_decode(line);
		break;
	}
	free(line);
	return 0;
}
