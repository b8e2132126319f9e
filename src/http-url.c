/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * URLs as the configuration checks them and the logs show them (see
 * http.h): the pure http_url_* functions.  They live apart from the
 * transfers (http.c) so that a program that parses the configuration
 * but makes no transfer (vpnctl) does not link libcurl: its two dozen
 * libraries cost more than all else a `vpnctl status` does (issue 14).
 * http_url_split() must read a URL as libcurl will, so it uses
 * libcurl's own URL API, loaded by dlopen() on first use (in vpnd,
 * which links libcurl, that finds the library already there).
 */
#include "config.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "http.h"
#include "log.h"
#include "vis.h"
#include "xmalloc.h"

/* libcurl's ABI name since 7.16 (2006). */
#define HTTP_CURL_SONAME	"libcurl.so.4"

/* The part of libcurl's URL API http_url_split() calls. */
struct http_curlu {
	__typeof__(curl_url)		*url;
	__typeof__(curl_url_cleanup)	*cleanup;
	__typeof__(curl_url_set)	*set;
	__typeof__(curl_url_get)	*get;
	__typeof__(curl_url_strerror)	*strerror;
	__typeof__(curl_free)		*free;
};

/* The API, loaded once; NULL with *cause when libcurl cannot be had. */
static const struct http_curlu *
http_curlu(char **cause)
{
	static struct http_curlu	 cu;
	static bool			 loaded;
	void				*lib;

	if (loaded)
		return &cu;
	if ((lib = dlopen(HTTP_CURL_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		xasprintf(cause, "cannot load %s to read the URL: %s",
		    HTTP_CURL_SONAME, dlerror());
		return NULL;
	}
	/* POSIX: a function pointer may be had from dlsym()'s void *. */
	*(void **)&cu.url = dlsym(lib, "curl_url");
	*(void **)&cu.cleanup = dlsym(lib, "curl_url_cleanup");
	*(void **)&cu.set = dlsym(lib, "curl_url_set");
	*(void **)&cu.get = dlsym(lib, "curl_url_get");
	*(void **)&cu.strerror = dlsym(lib, "curl_url_strerror");
	*(void **)&cu.free = dlsym(lib, "curl_free");
	if (cu.url == NULL || cu.cleanup == NULL || cu.set == NULL ||
	    cu.get == NULL || cu.strerror == NULL || cu.free == NULL) {
		xasprintf(cause, "%s lacks the URL API (libcurl 7.80 or "
		    "later is needed)", HTTP_CURL_SONAME);
		(void)dlclose(lib);
		return NULL;
	}
	loaded = true;
	return &cu;
}

/* The authority of url (after "://", up to "/", "?" or "#"), or NULL. */
static const char *
http_url_authority(const char *url, size_t *len)
{
	const char	*a;

	if ((a = strstr(url, "://")) == NULL)
		return NULL;
	a += 3;
	*len = strcspn(a, "/?#");
	return a;
}

char *
http_url_shown(const char *url)
{
	const char	*a, *at;
	char		*raw, *shown;
	size_t		 len;

	if ((a = http_url_authority(url, &len)) == NULL)
		return xstrdup("(not a URL)");
	/* The host is after the last '@' of the authority. */
	for (at = a + len; at > a && at[-1] != '@'; at--)
		;
	len -= (size_t)(at - a);
	xasprintf(&raw, "%.*s%.*s/", (int)(a - url), url, (int)len, at);
	shown = vis_str(raw, strlen(raw), 0);
	free(raw);
	return shown;
}

bool
http_url_userinfo(const char *url)
{
	const char	*a;
	size_t		 len;

	return (a = http_url_authority(url, &len)) != NULL &&
	    memchr(a, '@', len) != NULL;
}

int
http_url_split(const char *url, bool *https, char **host, char **query,
    char **cause)
{
	const struct http_curlu	*cu;
	CURLU			*u;
	CURLUcode		 uc;
	char			*scheme = NULL, *h = NULL, *q = NULL;
	size_t			 n;
	int			 r = -1;

	*host = *query = NULL;
	if ((cu = http_curlu(cause)) == NULL)
		return -1;
	if ((u = cu->url()) == NULL)
		fatalx("http_url_split: out of memory");
	if ((uc = cu->set(u, CURLUPART_URL, url, 0)) != CURLUE_OK) {
		xasprintf(cause, "%s", cu->strerror(uc));
		goto out;
	}
	if (cu->get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)) {
		xasprintf(cause, "not an http:// or https:// URL");
		goto out;
	}
	if (cu->get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK || *h == '\0') {
		xasprintf(cause, "no host in the URL");
		goto out;
	}
	uc = cu->get(u, CURLUPART_QUERY, &q, 0);
	if (uc != CURLUE_OK && uc != CURLUE_NO_QUERY) {
		xasprintf(cause, "%s", cu->strerror(uc));
		goto out;
	}
	*https = strcmp(scheme, "https") == 0;
	n = strlen(h);
	if (n >= 2 && h[0] == '[' && h[n - 1] == ']')
		*host = xstrndup(h + 1, n - 2);
	else
		*host = xstrdup(h);
	if (q != NULL)
		*query = xstrdup(q);
	r = 0;
out:
	cu->free(scheme);
	cu->free(h);
	cu->free(q);
	cu->cleanup(u);
	return r;
}
