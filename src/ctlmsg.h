/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The control protocol's wire format, shared by vpnd (ctlserver.c) and vpnctl:
 * splitting and checking a request line, splitting a reply line, the
 * percent-encoded key=value records that describe a link, and a link
 * as JSON.  Lines are built in a struct buf (buf.h).  No I/O here.
 *
 * The protocol, version 1 (also in vpnctl(8), PROTOCOL):
 *
 * - A client connects to the Unix socket, writes ONE request line and
 *   reads reply lines until the final one; vpnd then closes.  Lines end
 *   in '\n' and are at most CTLMSG_LINE_MAX bytes with it (a reply line
 *   may be longer: a status may describe many links).
 * - Every line, both ways, starts with the version word "pppssh/1" and a
 *   type word.  A request is "pppssh/1 COMMAND [ARG...]": words of
 *   printable ASCII separated by spaces; an ARG starting with '+' is a
 *   flag (+json, +wait), link names never start with '+'.
 * - Reply types: "link K=V..." (one link; values percent-encoded),
 *   "stage K=V..." (a state change during up +wait, failures and
 *   re-dials included), "json DOCUMENT" (one line of JSON), "text
 *   LINE" (one line of a text document, such as the metrics), "detail
 *   TEXT" (a line belonging to the final result, e.g. one config error),
 *   and exactly one final line: "ok [TEXT]" (TEXT for a person, such as
 *   "office: down") or "error KIND MESSAGE", KIND one of the
 *   ctlmsg_error names.
 */
#ifndef PPPSSH_CTLMSG_H
#define PPPSSH_CTLMSG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"

#define CTLMSG_VERSION		"pppssh/1"
#define CTLMSG_LINE_MAX		4096	/* request line, with its '\n' */
#define CTLMSG_MAX_ARGS		8	/* words after the command */

/* The KIND of an error reply; ctlmsg_error_name() gives its word. */
enum ctlmsg_error {
	CTLMSG_E_USAGE,		/* malformed request, unknown command, args */
	CTLMSG_E_VERSION,	/* another protocol version */
	CTLMSG_E_DENIED,	/* peer is not root nor in the control group */
	CTLMSG_E_CONFIG,	/* reload refused: the new config is broken */
	CTLMSG_E_FAILED,	/* the operation failed (link not up) */
	CTLMSG_E_BUSY,		/* too many connections, or shutting down */
	CTLMSG_E_TIMEOUT,	/* no complete request in time */
	CTLMSG_E_UNKNOWN,	/* a kind this client does not know */
};

enum ctlmsg_type {
	CTLMSG_LINK,
	CTLMSG_STAGE,
	CTLMSG_JSON,
	CTLMSG_DETAIL,
	CTLMSG_TEXT,
	CTLMSG_OK,
	CTLMSG_ERROR,
};

/* A split request; the pointers point into buf. */
struct ctlmsg_req {
	char		 buf[CTLMSG_LINE_MAX];
	const char	*cmd;
	const char	*argv[CTLMSG_MAX_ARGS];
	int		 argc;
};

/* A split reply line; the pointers point into the line given. */
struct ctlmsg_reply {
	enum ctlmsg_type	 type;
	enum ctlmsg_error	 error;	/* CTLMSG_ERROR only */
	const char		*kind;	/* its word, CTLMSG_ERROR only */
	char			*text;	/* the rest of the line, maybe "" */
};

/*
 * One link as the protocol describes it.  Strings may be NULL (unknown,
 * none); since and down_since are wall clock, 0 for none; next_dial,
 * port and rtt_us are -1 when unknown or none.  The lists (hosts,
 * remote_nets, local_nets) are one string, items separated by commas;
 * JSON makes them arrays.
 */
struct ctlmsg_link {
	const char	*name;
	const char	*ifname;
	const char	*state;		/* link_state_name() */
	time_t		 since;		/* entered that state */
	time_t		 down_since;	/* last left UP (or first seen); 0 up */
	bool		 wanted;
	const char	*reason;	/* last failure or stop */
	const char	*fail_class;	/* none network remote hard */
	bool		 needs_attention;
	unsigned	 redials;
	int		 next_dial;	/* seconds */
	const char	*host;		/* the gateway in use */
	int		 port;
	const char	*hosts;		/* the configured ones, "HOST:PORT" */
	const char	*local_ip;	/* the tunnel's addresses */
	const char	*remote_ip;
	const char	*remote_nets;	/* routed into the link here */
	const char	*local_nets;	/* routed back by the far end */
	uint64_t	 bytes_in;
	uint64_t	 bytes_out;
	int		 rtt_us;	/* in-tunnel round trip, last one */
	const char	*dns;		/* dns yes: servers applied, or why not */
	unsigned	 fails_network;	/* failures by class, since start */
	unsigned	 fails_remote;
	unsigned	 fails_hard;
	const char	*probe;		/* last probe result, or NULL */
	time_t		 probe_at;	/* when; 0 for none */
	const char	*ddns;		/* last ddns answer, or NULL */
	time_t		 ddns_at;
	size_t		 notify_queued;	/* notifications waiting */
	unsigned long	 notify_dropped; /* dropped, queue full */
};

const char	*ctlmsg_error_name(enum ctlmsg_error);

/*
 * Split and check one request line of len bytes (without its '\n') into
 * *req.  Returns 0, or -1 with *kind (CTLMSG_E_USAGE or _VERSION) and
 * *cause (caller frees) saying what is wrong; nothing in the line is
 * trusted: NUL and other control bytes, non-ASCII, a missing or foreign
 * version, too many or too long words are all errors.
 */
int		 ctlmsg_req_parse(const char *line, size_t len,
		    struct ctlmsg_req *req, enum ctlmsg_error *kind,
		    char **cause);
/* True if req has the flag word "+NAME" (name without the '+'). */
bool		 ctlmsg_req_flag(const struct ctlmsg_req *, const char *);

/*
 * Split one reply line (NUL ended, without '\n'; modified in place).
 * Returns 0, or -1 with *cause (caller frees) for a line that is not
 * ours: another version, an unknown type.
 */
int		 ctlmsg_reply_parse(char *line, struct ctlmsg_reply *,
		    char **cause);

/*
 * Append a final error line "pppssh/1 error KIND MESSAGE\n"; the message
 * is printf-formatted and its control bytes become '?'.
 */
void		 ctlmsg_put_error(struct buf *, enum ctlmsg_error,
		    const char *, ...) __attribute__((format(printf, 3, 4)));
/* Append "pppssh/1 TYPE TEXT\n" (ok, detail), text sanitized as above. */
void		 ctlmsg_put_text(struct buf *, enum ctlmsg_type,
		    const char *text);

/* Append s percent-encoded: bytes outside '!'..'~', and '%', as %XX. */
void		 ctlmsg_put_encoded(struct buf *, const char *s);
/* Decode %XX in place; -1 if malformed or it would yield a NUL. */
int		 ctlmsg_decode(char *s);

/* Append "pppssh/1 link K=V...\n" (type CTLMSG_LINK or CTLMSG_STAGE). */
void		 ctlmsg_put_link(struct buf *, enum ctlmsg_type,
		    const struct ctlmsg_link *);
/* Append l as a JSON object (no newline). */
void		 ctlmsg_put_link_json(struct buf *,
		    const struct ctlmsg_link *);
/*
 * Fill *l from the K=V words of a link or stage reply's text (modified
 * in place; l's strings point into it).  Unknown keys are ignored, so
 * vpnd may add fields; a missing name or state, or a malformed value,
 * is an error: -1 and *cause (caller frees).
 */
int		 ctlmsg_link_parse(char *text, struct ctlmsg_link *l,
		    char **cause);

#endif
