/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * libcurl's multi socket interface on our loop (see http.h).  The fds
 * curl asks us to watch are kept in a small table, so that a REMOVE for
 * an fd we never registered, or a second add, is harmless; curl itself
 * is only ever called from our loop callbacks (fd ready, timer) and from
 * http_start()/http_cancel()/http_free(), never from its own callbacks.
 * Finished transfers are first taken off the multi handle and queued,
 * then their callbacks run one by one, so a callback may cancel a
 * request that finished in the same turn.
 */
#include "config.h"

#include <sys/queue.h>

#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "http.h"
#include "log.h"
#include "loop.h"
#include "vis.h"
#include "xmalloc.h"

#define HTTP_USER_AGENT		PACKAGE_NAME "/" PACKAGE_VERSION

enum http_req_state {
	HTTP_ACTIVE,		/* on the multi handle */
	HTTP_DONE,		/* finished, waiting for its callback */
	HTTP_CALLING,		/* its callback runs */
};

struct http_req {
	struct http		*h;
	CURL			*easy;
	struct curl_slist	*headers;
	char			*userpwd;	/* wiped when freed */
	enum http_req_state	 state;
	http_done_cb		 cb;
	void			*arg;
	int			 timeout_ms;
	uint64_t		 started;	/* loop ms */
	CURLcode		 code;
	char			 errbuf[CURL_ERROR_SIZE];
	char			*body;		/* the response, NUL ended */
	size_t			 len;
	size_t			 max;
	TAILQ_ENTRY(http_req)	 entry;
};
TAILQ_HEAD(http_reqs, http_req);

struct http {
	struct loop		*loop;
	CURLM			*multi;
	char			*ca_file;
	char			*ca_path;
	struct loop_timer	 timer;
	int			*fds;		/* registered in the loop */
	size_t			 nfds;
	struct http_reqs	 active;
	struct http_reqs	 done;
	size_t			 npending;
};

static int	http_socket_cb(CURL *, curl_socket_t, int, void *, void *);
static int	http_timer_cb(CURLM *, long, void *);
static void	http_fd_ready(int, short, void *);
static void	http_timer_fired(void *);
static void	http_collect(struct http *);
static void	http_dispatch(struct http *);
static void	http_fd_forget(struct http *, int);
static void	http_req_free(struct http_req *);
static size_t	http_write_cb(char *, size_t, size_t, void *);

struct http *
http_new(struct loop *loop, const char *ca_file, const char *ca_path,
    char **cause)
{
	struct http		*h;
	curl_version_info_data	*v;
	CURLcode		 rc;

	if ((rc = curl_global_init(CURL_GLOBAL_DEFAULT)) != CURLE_OK) {
		xasprintf(cause, "libcurl: %s", curl_easy_strerror(rc));
		return NULL;
	}
	v = curl_version_info(CURLVERSION_NOW);
	if ((v->features & CURL_VERSION_SSL) == 0) {
		xasprintf(cause, "libcurl %s has no TLS support", v->version);
		curl_global_cleanup();
		return NULL;
	}
	if ((v->features & CURL_VERSION_ASYNCHDNS) == 0)
		log_warnx("libcurl %s resolves names synchronously: use "
		    "addresses, not names, in URLs", v->version);

	h = xcalloc(1, sizeof(*h));
	h->loop = loop;
	TAILQ_INIT(&h->active);
	TAILQ_INIT(&h->done);
	loop_timer_init(&h->timer, http_timer_fired, h);
	http_set_ca(h, ca_file, ca_path);
	if ((h->multi = curl_multi_init()) == NULL) {
		xasprintf(cause, "libcurl: curl_multi_init failed");
		http_free(h);
		return NULL;
	}
	if (curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION,
	    http_socket_cb) != CURLM_OK ||
	    curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h) != CURLM_OK ||
	    curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION,
	    http_timer_cb) != CURLM_OK ||
	    curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h) != CURLM_OK) {
		xasprintf(cause, "libcurl: cannot set the multi callbacks");
		http_free(h);
		return NULL;
	}
	return h;
}

void
http_free(struct http *h)
{
	struct http_req	*r;

	if (h == NULL)
		return;
	while ((r = TAILQ_FIRST(&h->active)) != NULL)
		http_cancel(h, r);
	while ((r = TAILQ_FIRST(&h->done)) != NULL)
		http_cancel(h, r);
	if (h->multi != NULL)
		(void)curl_multi_cleanup(h->multi);
	/* Whatever curl did not take back itself. */
	while (h->nfds > 0)
		http_fd_forget(h, h->fds[0]);
	loop_timer_cancel(h->loop, &h->timer);
	free(h->fds);
	free(h->ca_file);
	free(h->ca_path);
	free(h);
	curl_global_cleanup();
}

void
http_set_ca(struct http *h, const char *ca_file, const char *ca_path)
{
	free(h->ca_file);
	free(h->ca_path);
	h->ca_file = ca_file != NULL ? xstrdup(ca_file) : NULL;
	h->ca_path = ca_path != NULL ? xstrdup(ca_path) : NULL;
}

size_t
http_pending(const struct http *h)
{
	return h->npending;
}

/* ------------------------------------------------- curl's callbacks */

static void
http_fd_forget(struct http *h, int fd)
{
	size_t	i;

	for (i = 0; i < h->nfds; i++) {
		if (h->fds[i] == fd) {
			h->fds[i] = h->fds[--h->nfds];
			loop_fd_del(h->loop, fd);
			return;
		}
	}
}

/* Record what curl wants of fd s; nothing else. */
static int
http_socket_cb(CURL *easy, curl_socket_t s, int what, void *arg, void *sockp)
{
	struct http	*h = arg;
	short		 events = 0;
	size_t		 i;

	(void)easy;
	(void)sockp;
	if (what == CURL_POLL_REMOVE) {
		http_fd_forget(h, s);
		return 0;
	}
	if (what & CURL_POLL_IN)
		events |= POLLIN;
	if (what & CURL_POLL_OUT)
		events |= POLLOUT;
	for (i = 0; i < h->nfds; i++) {
		if (h->fds[i] == s) {
			loop_fd_events(h->loop, s, events);
			return 0;
		}
	}
	h->fds = xreallocarray(h->fds, h->nfds + 1, sizeof(*h->fds));
	h->fds[h->nfds++] = s;
	loop_fd_add(h->loop, s, events, http_fd_ready, h);
	return 0;
}

/* Record curl's next deadline; nothing else. */
static int
http_timer_cb(CURLM *multi, long timeout_ms, void *arg)
{
	struct http	*h = arg;

	(void)multi;
	if (timeout_ms < 0)
		loop_timer_cancel(h->loop, &h->timer);
	else
		loop_timer_set(h->loop, &h->timer, (uint64_t)timeout_ms);
	return 0;
}

static size_t
http_write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_req	*r = arg;
	size_t		 n = size * nmemb, take;

	/* Keep what fits; the rest is read and dropped. */
	take = r->max - r->len < n ? r->max - r->len : n;
	if (take > 0) {
		memcpy(r->body + r->len, data, take);
		r->len += take;
		r->body[r->len] = '\0';
	}
	return n;
}

/* ----------------------------------------------------- loop callbacks */

static void
http_fd_ready(int fd, short revents, void *arg)
{
	struct http	*h = arg;
	int		 flags = 0, running;

	if (revents & POLLNVAL) {
		/* Closed behind our back: stop watching it. */
		log_debug("http: fd %d is not open, forgetting it", fd);
		http_fd_forget(h, fd);
		return;
	}
	if (revents & (POLLIN | POLLHUP))
		flags |= CURL_CSELECT_IN;
	if (revents & POLLOUT)
		flags |= CURL_CSELECT_OUT;
	if (revents & POLLERR)
		flags |= CURL_CSELECT_ERR;
	(void)curl_multi_socket_action(h->multi, fd, flags, &running);
	http_collect(h);
	http_dispatch(h);
}

static void
http_timer_fired(void *arg)
{
	struct http	*h = arg;
	int		 running;

	(void)curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0,
	    &running);
	http_collect(h);
	http_dispatch(h);
}

/* Take finished transfers off the multi handle, in the order they end. */
static void
http_collect(struct http *h)
{
	struct http_req	*r;
	CURLMsg		*msg;
	char		*priv;
	int		 left;

	while ((msg = curl_multi_info_read(h->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		priv = NULL;
		if (curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
		    &priv) != CURLE_OK || priv == NULL)
			fatalx("http: a finished transfer is not ours");
		r = (struct http_req *)(void *)priv;
		r->code = msg->data.result;
		(void)curl_multi_remove_handle(h->multi, r->easy);
		TAILQ_REMOVE(&h->active, r, entry);
		r->state = HTTP_DONE;
		TAILQ_INSERT_TAIL(&h->done, r, entry);
	}
}

/* Run the callbacks of the finished requests, outside any curl call. */
static void
http_dispatch(struct http *h)
{
	struct http_req		*r;
	struct http_result	 res;
	char			 msg[CURL_ERROR_SIZE + 64];
	const char		*errs;
	long			 status = 0;

	while ((r = TAILQ_FIRST(&h->done)) != NULL) {
		TAILQ_REMOVE(&h->done, r, entry);
		r->state = HTTP_CALLING;
		h->npending--;
		memset(&res, 0, sizeof(res));
		res.body = r->body;
		res.body_len = r->len;
		res.elapsed_ms = loop_now(h->loop) - r->started;
		if (r->code == CURLE_OK) {
			if (curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE,
			    &status) != CURLE_OK)
				status = 0;
			res.status = (int)status;
		} else if (r->code == CURLE_OPERATION_TIMEDOUT) {
			res.timed_out = true;
			if (r->timeout_ms % 1000 == 0)
				(void)snprintf(msg, sizeof(msg), "timed out "
				    "after %d s", r->timeout_ms / 1000);
			else
				(void)snprintf(msg, sizeof(msg), "timed out "
				    "after %d ms", r->timeout_ms);
			res.error = msg;
		} else {
			/* libcurl may quote the server: safe to show. */
			errs = r->errbuf[0] != '\0' ? r->errbuf :
			    curl_easy_strerror(r->code);
			(void)vis_buf(msg, sizeof(msg), errs, strlen(errs), 0);
			res.error = msg;
		}
		if (res.error == NULL && res.status == 0)
			res.error = "no HTTP status in the response";
		r->cb(&res, r->arg);
		http_req_free(r);
	}
}

/* ---------------------------------------------------------- requests */

static void
http_req_free(struct http_req *r)
{
	if (r == NULL)
		return;
	if (r->easy != NULL)
		curl_easy_cleanup(r->easy);
	curl_slist_free_all(r->headers);
	if (r->userpwd != NULL) {
		explicit_bzero(r->userpwd, strlen(r->userpwd));
		free(r->userpwd);
	}
	free(r->body);
	free(r);
}

#define HTTP_SETOPT(r, opt, val) do {					\
	if (curl_easy_setopt((r)->easy, (opt), (val)) != CURLE_OK) {	\
		optname = #opt;						\
		goto fail;						\
	}								\
} while (0)

struct http_req *
http_start(struct http *h, const struct http_request *q, http_done_cb cb,
    void *arg, char **cause)
{
	struct http_req		*r;
	struct curl_slist	*tmp;
	const char		*optname = NULL;
	char			*hdr, *shown;
	CURLMcode		 mc;

	if (q->timeout_ms <= 0)
		fatalx("http_start: a request without a timeout");
	r = xcalloc(1, sizeof(*r));
	r->h = h;
	r->cb = cb;
	r->arg = arg;
	r->timeout_ms = q->timeout_ms;
	r->max = q->max_body;
	r->body = xmalloc(r->max + 1);
	r->body[0] = '\0';
	if ((r->easy = curl_easy_init()) == NULL) {
		shown = http_url_shown(q->url);
		xasprintf(cause, "%s: libcurl: curl_easy_init failed", shown);
		free(shown);
		free(r->body);
		free(r);
		return NULL;
	}
	HTTP_SETOPT(r, CURLOPT_PRIVATE, (char *)r);
	HTTP_SETOPT(r, CURLOPT_ERRORBUFFER, r->errbuf);
	HTTP_SETOPT(r, CURLOPT_URL, q->url);
	HTTP_SETOPT(r, CURLOPT_PROTOCOLS_STR, "http,https");
	HTTP_SETOPT(r, CURLOPT_FOLLOWLOCATION, 0L);
	HTTP_SETOPT(r, CURLOPT_NOSIGNAL, 1L);
	HTTP_SETOPT(r, CURLOPT_NOPROGRESS, 1L);
	HTTP_SETOPT(r, CURLOPT_TIMEOUT_MS, (long)q->timeout_ms);
	HTTP_SETOPT(r, CURLOPT_CONNECTTIMEOUT_MS, (long)q->timeout_ms);
	HTTP_SETOPT(r, CURLOPT_USERAGENT, HTTP_USER_AGENT);
	HTTP_SETOPT(r, CURLOPT_FRESH_CONNECT, 1L);
	HTTP_SETOPT(r, CURLOPT_FORBID_REUSE, 1L);
	HTTP_SETOPT(r, CURLOPT_SSL_VERIFYPEER, 1L);
	HTTP_SETOPT(r, CURLOPT_SSL_VERIFYHOST, 2L);
	HTTP_SETOPT(r, CURLOPT_WRITEFUNCTION, http_write_cb);
	HTTP_SETOPT(r, CURLOPT_WRITEDATA, r);
	if (h->ca_file != NULL)
		HTTP_SETOPT(r, CURLOPT_CAINFO, h->ca_file);
	if (h->ca_path != NULL)
		HTTP_SETOPT(r, CURLOPT_CAPATH, h->ca_path);
	if (q->interface != NULL)
		HTTP_SETOPT(r, CURLOPT_INTERFACE, q->interface);
	if (q->userpwd != NULL) {
		r->userpwd = xstrdup(q->userpwd);
		HTTP_SETOPT(r, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		HTTP_SETOPT(r, CURLOPT_USERPWD, r->userpwd);
	}
	if (q->body != NULL) {
		HTTP_SETOPT(r, CURLOPT_POST, 1L);
		HTTP_SETOPT(r, CURLOPT_POSTFIELDSIZE, (long)q->body_len);
		HTTP_SETOPT(r, CURLOPT_COPYPOSTFIELDS, q->body);
		xasprintf(&hdr, "Content-Type: %s", q->content_type != NULL ?
		    q->content_type : "application/octet-stream");
		tmp = curl_slist_append(r->headers, hdr);
		free(hdr);
		if (tmp == NULL)
			goto nomem;
		r->headers = tmp;
		/* Small bodies: no "Expect: 100-continue" round trip. */
		if ((tmp = curl_slist_append(r->headers, "Expect:")) == NULL)
			goto nomem;
		r->headers = tmp;
		HTTP_SETOPT(r, CURLOPT_HTTPHEADER, r->headers);
	}

	r->started = loop_now(h->loop);
	r->state = HTTP_ACTIVE;
	TAILQ_INSERT_TAIL(&h->active, r, entry);
	if ((mc = curl_multi_add_handle(h->multi, r->easy)) != CURLM_OK) {
		TAILQ_REMOVE(&h->active, r, entry);
		shown = http_url_shown(q->url);
		xasprintf(cause, "%s: libcurl: %s", shown,
		    curl_multi_strerror(mc));
		free(shown);
		http_req_free(r);
		return NULL;
	}
	h->npending++;
	return r;

nomem:
	fatalx("http_start: out of memory");
fail:
	shown = http_url_shown(q->url);
	xasprintf(cause, "%s: libcurl refuses %s", shown, optname);
	free(shown);
	http_req_free(r);
	return NULL;
}

void
http_cancel(struct http *h, struct http_req *r)
{
	if (r == NULL)
		return;
	switch (r->state) {
	case HTTP_ACTIVE:
		TAILQ_REMOVE(&h->active, r, entry);
		(void)curl_multi_remove_handle(h->multi, r->easy);
		break;
	case HTTP_DONE:
		TAILQ_REMOVE(&h->done, r, entry);
		break;
	case HTTP_CALLING:
		/* Freed when its callback returns. */
		return;
	}
	h->npending--;
	http_req_free(r);
}
