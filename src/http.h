/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * HTTP(S) requests inside the one event loop.  A struct http owns one
 * libcurl multi handle driven through the multi socket interface: curl's
 * socket callback only records which fds to watch (loop_fd_add/events/
 * del) and its timer callback only arms a loop timer; when an fd is ready
 * or the timer fires, the loop calls curl_multi_socket_action() and then
 * reads the finished transfers, whose completion callbacks run from
 * there, never from inside a curl callback.  Nothing waits: a slow or
 * dead server only holds its own request, and every request has a
 * timeout.  TLS peers are always verified.  Every request has a
 * connection of its own, closed after it: requests are rare, and a kept
 * connection can outlive its path (the local address changed) and turn
 * the next request into a timeout.
 */
#ifndef PPPSSH_HTTP_H
#define PPPSSH_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct http;
struct http_req;
struct loop;

/* What to send; http_start() copies all of it. */
struct http_request {
	const char	*url;		/* http:// or https:// */
	const char	*body;		/* non-NULL: POST this; else GET */
	size_t		 body_len;
	const char	*content_type;	/* of the body */
	const char	*userpwd;	/* basic auth "user:password"; NULL */
	const char	*interface;	/* bind: "if!NAME" or an address */
	int		 timeout_ms;	/* the whole transfer, > 0 */
	size_t		 max_body;	/* response bytes kept, rest dropped */
};

/* How a request ended; valid during the completion callback only. */
struct http_result {
	int		 status;	/* HTTP status, 0 if no response */
	const char	*error;		/* NULL if a response came, else why */
	bool		 timed_out;	/* error is "timed out after ..." */
	const char	*body;		/* NUL ended, at most max_body bytes */
	size_t		 body_len;
	uint64_t	 elapsed_ms;
};

/*
 * Called once per request that was not cancelled, from the loop.  The
 * request is freed when the callback returns: forget the pointer first
 * thing.  The callback may start and cancel other requests.
 */
typedef void	(*http_done_cb)(const struct http_result *, void *arg);

/*
 * One multi handle in loop.  ca_file and ca_path (either may be NULL:
 * libcurl's default) verify TLS peers.  Initialises libcurl, so call it
 * before the loop runs.  Returns NULL with *cause (caller frees).
 */
struct http	*http_new(struct loop *, const char *ca_file,
		    const char *ca_path, char **cause);
/*
 * Cancel every request (no callbacks), release the handle and libcurl;
 * NULL is a no-op.  Not from inside a completion callback.
 */
void		 http_free(struct http *);

/* Verify TLS peers of requests started from now on with these. */
void		 http_set_ca(struct http *, const char *ca_file,
		    const char *ca_path);

/*
 * Start a request; cb(arg) is told how it ended.  Returns the request,
 * owned by h, or NULL with *cause (caller frees) if it could not even
 * be started.
 */
struct http_req	*http_start(struct http *, const struct http_request *,
		    http_done_cb cb, void *arg, char **cause);
/* Abandon a request that has not completed: no callback; NULL no-op. */
void		 http_cancel(struct http *, struct http_req *);
/* Requests started and not yet completed or cancelled. */
size_t		 http_pending(const struct http *);

/*
 * Split url as libcurl reads it (so the checks see what will be
 * connected to): *https tells the scheme, *host is the host without
 * IPv6 brackets (caller frees), *query the query without its '?', or
 * NULL (caller frees).  Only http:// and https:// with a host are
 * accepted.  Returns 0, or -1 with *cause (caller frees).  Pure: no
 * struct http is needed.
 */
int		 http_url_split(const char *url, bool *https, char **host,
		    char **query, char **cause);

/*
 * url as logs, status, reasons and notifications may show it:
 * "SCHEME://HOST[:PORT]/", without the user:password@, path, query and
 * fragment, where tokens live; made safe by vis (caller frees).  Text
 * without "://" gives "(not a URL)".  Pure.
 */
char		*http_url_shown(const char *url);

/* Does url name a user (and password) before its host?  Pure. */
bool		 http_url_userinfo(const char *url);

#endif
