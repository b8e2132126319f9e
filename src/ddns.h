/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Dynamic DNS for one link, dyndns2 protocol: GET URL&myip=ADDRESS with
 * basic auth (the credentials file holds "user:password"), and act on
 * the answer as the protocol asks.  A struct ddns owns its request in
 * flight, its retry timer and what it learnt: the address the service
 * last acknowledged, and whether it was told to stop (badauth, nohost,
 * abuse, ...: no more updates until ddns_reloaded(), i.e. a reload).
 * The answer parser and the URL builder are pure and exported for tests.
 */
#ifndef PPPSSH_DDNS_H
#define PPPSSH_DDNS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct ddns;
struct http;
struct loop;

#define DDNS_TIMEOUT		15000		/* ms, one request */
#define DDNS_HOLD		(30 * 60 * 1000) /* ms after 911, dnserr */
#define DDNS_RETRY_MIN		30000		/* ms, after an error */
#define DDNS_RETRY_MAX		(30 * 60 * 1000)
#define DDNS_MAX_CREDENTIALS	1024		/* bytes in the file */
#define DDNS_MAX_BODY		1024		/* bytes of an answer kept */

/* The dyndns2 return codes. */
enum ddns_code {
	DDNS_GOOD,		/* updated */
	DDNS_NOCHG,		/* already so */
	DDNS_BADAUTH,		/* wrong user or password */
	DDNS_NOTDONATOR,	/* "!donator": a paid feature */
	DDNS_NOTFQDN,		/* not a fully qualified name */
	DDNS_NOHOST,		/* no such host in the account */
	DDNS_NUMHOST,		/* too many hosts */
	DDNS_ABUSE,		/* blocked for abuse */
	DDNS_BADAGENT,		/* user agent blocked */
	DDNS_DNSERR,		/* server-side DNS error */
	DDNS_911,		/* server-side problem */
	DDNS_UNKNOWN,		/* not a dyndns2 answer */
};

/* What the client must do next. */
enum ddns_action {
	DDNS_DONE,		/* acknowledged: next update on a change */
	DDNS_STOP,		/* no more updates until reload */
	DDNS_HOLD_OFF,		/* wait DDNS_HOLD, then try again */
	DDNS_RETRY,		/* try again with backoff */
};

struct ddns_answer {
	enum ddns_code		 code;
	enum ddns_action	 action;
	char			 word[16];	/* the code as sent, "" */
	char			 addr[64];	/* after good/nochg, or "" */
};

/*
 * Parse the first line of a dyndns2 answer (len bytes at body, maybe
 * not NUL ended).  Always fills *a; returns 0, or -1 if the answer is
 * not one the protocol defines (code DDNS_UNKNOWN, action DDNS_RETRY).
 */
int		 ddns_answer_parse(const char *body, size_t len,
		    struct ddns_answer *a);
/* The name of an action, for messages ("stop", ...). */
const char	*ddns_action_name(enum ddns_action);

/*
 * The update URL: base (which carries hostname=...) with "myip=ADDR"
 * appended as a query parameter; myip NULL appends nothing (the service
 * takes the address the request comes from).  Caller frees.
 */
char		*ddns_update_url(const char *base, const char *myip);

/*
 * Is the numeric address s one a DNS name should point at (not private,
 * shared, loopback, link-local, unique-local, ...)?  Behind such an
 * address is a NAT, and myip is left out.
 */
bool		 ddns_addr_public(const char *s);

/*
 * Read "user:password" from the first line of path (a file no one but
 * its owner may read, of at most DDNS_MAX_CREDENTIALS bytes).  Returns 0
 * and *userpwd (caller wipes and frees), or -1 with *cause (caller
 * frees).
 */
int		 ddns_read_credentials(const char *path, char **userpwd,
		    char **cause);

/*
 * The updater of link name: URL and credentials file are copied.  It
 * sends nothing until ddns_update().
 */
struct ddns	*ddns_new(struct loop *, struct http *, const char *name,
		    const char *url, const char *credentials);
/* Cancel the request in flight and the timer; NULL is a no-op. */
void		 ddns_free(struct ddns *);

/*
 * The link's local address is now local (numeric).  Send an update
 * unless: updates are stopped; this address was already acknowledged
 * (and force is false); or a hold-off runs (it will send the newest
 * address when it ends).  A public local is sent as myip; a private one
 * is left out for the service to see the NAT's.
 */
void		 ddns_update(struct ddns *, const char *local, bool force);
/*
 * A reload (someone may have fixed the account or the CA): updates the
 * service stopped may go again, and an update waiting to retry after an
 * error is sent at the next ddns_update(); a 911/dnserr hold-off stays.
 */
void		 ddns_reloaded(struct ddns *);
/* The last answer or error, as status shows it, and when; NULL if none. */
const char	*ddns_last(const struct ddns *, time_t *at);

#endif
