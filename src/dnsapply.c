/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * One dnsapply owns: the copy of its interface name and domains, the
 * servers it applies, the backend and program it chose for them, the
 * command running (a cmdjob) and those queued behind it, its status.
 * Commands are built by dnsapply_commands(), the one place that knows
 * what resolvectl and resolvconf are told.
 */
#include "config.h"

#include <sys/stat.h>

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "argv.h"
#include "buf.h"
#include "cmdjob.h"
#include "dnsapply.h"
#include "log.h"
#include "xmalloc.h"

/* Queued commands: an apply, then an undo behind it. */
#define DNSAPPLY_QUEUE_MAX	(2 * DNSAPPLY_CMDS_MAX)

struct dnsapply {
	struct loop		*loop;
	char			*tag;
	char			*ifname;
	struct argv		 domains;

	char			 srv[PPP_DNS_MAX][INET_ADDRSTRLEN];
	size_t			 nsrv;
	enum dnsapply_backend	 backend;	/* of what was applied */
	char			 path[DNSAPPLY_PATH_MAX];
	bool			 applied;	/* set: servers wanted in place */
	bool			 started;	/* and a command of it ran */

	struct cmdjob		*job;		/* running */
	struct dnsapply_cmd	 queue[DNSAPPLY_QUEUE_MAX];
	bool			 queue_undo[DNSAPPLY_QUEUE_MAX];
	size_t			 nqueue;
	bool			 undoing;	/* the running job is one */
	char			*status;
};

static void	dnsapply_next(struct dnsapply *);
static void	dnsapply_done(int, const char *, void *);
static void	dnsapply_set_status(struct dnsapply *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

const char	*dnsapply_root = "";

static const char *const dnsapply_resolvectl[] = {
	"/usr/bin/resolvectl", "/bin/resolvectl"
};
static const char *const dnsapply_resolvconf[] = {
	"/usr/sbin/resolvconf", "/sbin/resolvconf"
};

/* The first of paths executable under root, into path. */
static bool
dnsapply_find(const char *root, const char *const *paths, size_t n,
    char *path, size_t len)
{
	char	full[DNSAPPLY_PATH_MAX * 2];
	size_t	i;

	for (i = 0; i < n; i++) {
		(void)snprintf(full, sizeof(full), "%s%s", root, paths[i]);
		if (access(full, X_OK) == 0) {
			(void)snprintf(path, len, "%s", full);
			return true;
		}
	}
	return false;
}

enum dnsapply_backend
dnsapply_backend(const char *root, char *path, size_t len)
{
	struct stat	st;
	char		full[DNSAPPLY_PATH_MAX * 2];

	(void)snprintf(full, sizeof(full), "%s%s", root,
	    DNSAPPLY_RESOLVED_SOCKET);
	if (stat(full, &st) == 0 && dnsapply_find(root, dnsapply_resolvectl,
	    2, path, len))
		return DNSAPPLY_RESOLVED;
	if (dnsapply_find(root, dnsapply_resolvconf, 2, path, len))
		return DNSAPPLY_RESOLVCONF;
	if (len > 0)
		path[0] = '\0';
	return DNSAPPLY_NONE;
}

const char *
dnsapply_backend_name(enum dnsapply_backend b)
{
	switch (b) {
	case DNSAPPLY_RESOLVED:
		return "systemd-resolved";
	case DNSAPPLY_RESOLVCONF:
		return "resolvconf";
	case DNSAPPLY_NONE:
		break;
	}
	return "none";
}

size_t
dnsapply_commands(enum dnsapply_backend b, const char *path,
    const char *ifname, char *const *servers, size_t nservers,
    char *const *domains, bool undo, struct dnsapply_cmd out[DNSAPPLY_CMDS_MAX])
{
	struct argv	 w;
	struct buf	 in = { NULL, 0, 0 };
	size_t		 n = 0, i;

	memset(out, 0, DNSAPPLY_CMDS_MAX * sizeof(*out));
	switch (b) {
	case DNSAPPLY_NONE:
		return 0;
	case DNSAPPLY_RESOLVED:
		w = (struct argv){ NULL, 0 };
		argv_add(&w, path);
		argv_add(&w, undo ? "revert" : "dns");
		argv_add(&w, ifname);
		for (i = 0; !undo && i < nservers; i++)
			argv_add(&w, servers[i]);
		out[n++].argv = w.v;
		if (undo || domains == NULL || domains[0] == NULL)
			return n;
		w = (struct argv){ NULL, 0 };
		argv_add(&w, path);
		argv_add(&w, "domain");
		argv_add(&w, ifname);
		for (i = 0; domains[i] != NULL; i++)
			argv_addf(&w, "~%s", domains[i]);
		out[n++].argv = w.v;
		/* Only the domains: not a route for every other name. */
		w = (struct argv){ NULL, 0 };
		argv_add(&w, path);
		argv_add(&w, "default-route");
		argv_add(&w, ifname);
		argv_add(&w, "false");
		out[n++].argv = w.v;
		return n;
	case DNSAPPLY_RESOLVCONF:
		w = (struct argv){ NULL, 0 };
		argv_add(&w, path);
		argv_add(&w, undo ? "-d" : "-a");
		argv_addf(&w, "%s%s", ifname, DNSAPPLY_RECORD_SUFFIX);
		out[n].argv = w.v;
		if (!undo) {
			for (i = 0; i < nservers; i++)
				buf_printf(&in, "nameserver %s\n", servers[i]);
			if (domains != NULL && domains[0] != NULL) {
				buf_printf(&in, "search");
				for (i = 0; domains[i] != NULL; i++)
					buf_printf(&in, " %s", domains[i]);
				buf_printf(&in, "\n");
			}
			buf_add(&in, "", 0);
			out[n].input = xstrndup(in.s, in.len);
			buf_free(&in);
		}
		return n + 1;
	}
	return 0;
}

void
dnsapply_cmds_free(struct dnsapply_cmd *c, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		argv_free(c[i].argv);
		free(c[i].input);
		c[i].argv = NULL;
		c[i].input = NULL;
	}
}

struct dnsapply *
dnsapply_new(struct loop *loop, const char *tag, const char *ifname,
    char *const *domains)
{
	struct dnsapply	*d;

	d = xcalloc(1, sizeof(*d));
	d->loop = loop;
	d->tag = xstrdup(tag);
	d->ifname = xstrdup(ifname);
	argv_addv(&d->domains, domains);
	dnsapply_set_status(d, "not applied: the link is not up");
	return d;
}

static void
dnsapply_set_status(struct dnsapply *d, const char *fmt, ...)
{
	va_list	ap;

	free(d->status);
	va_start(ap, fmt);
	if (vasprintf(&d->status, fmt, ap) == -1)
		fatalx("%s: out of memory", __func__);
	va_end(ap);
}

/* "10.0.0.53, 10.0.0.54" */
static char *
dnsapply_servers(const struct dnsapply *d)
{
	struct buf	b = { NULL, 0, 0 };
	size_t		i;
	char		*s;

	buf_add(&b, "", 0);
	for (i = 0; i < d->nsrv; i++)
		buf_printf(&b, "%s%s", i > 0 ? ", " : "", d->srv[i]);
	s = xstrndup(b.s, b.len);
	buf_free(&b);
	return s;
}

/* The status of servers in place through the backend. */
static void
dnsapply_status_applied(struct dnsapply *d, bool done)
{
	char		*srv = dnsapply_servers(d), *dom = NULL;
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i;

	for (i = 0; i < d->domains.n; i++)
		buf_printf(&b, "%s%s%s", i > 0 ? " " : "",
		    d->backend == DNSAPPLY_RESOLVED ? "~" : "",
		    d->domains.v[i]);
	if (b.len > 0)
		dom = xstrndup(b.s, b.len);
	buf_free(&b);
	dnsapply_set_status(d, "%s%s through %s on %s%s%s%s",
	    done ? "" : "applying ", srv, dnsapply_backend_name(d->backend),
	    d->ifname, dom != NULL ? (d->backend == DNSAPPLY_RESOLVED ?
	    ", for " : ", search ") : "", dom != NULL ? dom : "",
	    dom == NULL && d->backend == DNSAPPLY_RESOLVED ?
	    ", for names no other link routes" : "");
	free(dom);
	free(srv);
}

/* Queue the commands of an apply or an undo behind those queued. */
static void
dnsapply_queue(struct dnsapply *d, bool undo)
{
	struct dnsapply_cmd	 cmds[DNSAPPLY_CMDS_MAX];
	char			*srv[PPP_DNS_MAX];
	size_t			 i, n;

	for (i = 0; i < d->nsrv; i++)
		srv[i] = d->srv[i];
	n = dnsapply_commands(d->backend, d->path, d->ifname, srv, d->nsrv,
	    d->domains.v, undo, cmds);
	for (i = 0; i < n; i++) {
		if (d->nqueue == DNSAPPLY_QUEUE_MAX)
			fatalx("%s: queue full", __func__);
		d->queue_undo[d->nqueue] = undo;
		d->queue[d->nqueue++] = cmds[i];
	}
}

/* Drop the queued commands that apply (an undo comes). */
static void
dnsapply_drop_applies(struct dnsapply *d)
{
	size_t	i, k = 0;

	for (i = 0; i < d->nqueue; i++) {
		if (d->queue_undo[i]) {
			d->queue_undo[k] = true;
			d->queue[k++] = d->queue[i];
		} else
			dnsapply_cmds_free(&d->queue[i], 1);
	}
	d->nqueue = k;
}

void
dnsapply_set(struct dnsapply *d, const struct in_addr *srv, size_t n)
{
	char	 want[PPP_DNS_MAX][INET_ADDRSTRLEN];
	size_t	 i, k = 0;
	bool	 same;

	/* A peer with one server gives it as the secondary too. */
	for (i = 0; i < n && k < PPP_DNS_MAX; i++)
		if (k == 0 || srv[i].s_addr != srv[0].s_addr)
			(void)inet_ntop(AF_INET, &srv[i], want[k++],
			    sizeof(want[0]));
	n = k;
	same = d->applied && n == d->nsrv;
	for (i = 0; same && i < n; i++)
		same = strcmp(want[i], d->srv[i]) == 0;
	if (same)
		return;
	if (n == 0) {
		dnsapply_set_status(d, "not applied: the far end offered no "
		    "name servers (its pppd needs ms-dns)");
		return;
	}
	/* A change of servers: what is in place goes first. */
	if (d->applied)
		dnsapply_clear(d);
	memcpy(d->srv, want, sizeof(want));
	d->nsrv = n;
	d->backend = dnsapply_backend(dnsapply_root, d->path,
	    sizeof(d->path));
	if (d->backend == DNSAPPLY_NONE) {
		char *s = dnsapply_servers(d);

		dnsapply_set_status(d, "not applied: neither systemd-resolved "
		    "(no %s) nor resolvconf(8) here, /etc/resolv.conf left "
		    "alone; the far end offers %s", DNSAPPLY_RESOLVED_SOCKET, s);
		log_warnx("%s: dns: %s", d->tag, d->status);
		free(s);
		return;
	}
	dnsapply_queue(d, false);
	d->applied = true;
	d->started = false;
	dnsapply_status_applied(d, false);
	dnsapply_next(d);
}

void
dnsapply_clear(struct dnsapply *d)
{
	dnsapply_drop_applies(d);
	/* An apply none of whose commands ran leaves nothing to undo. */
	if (d->applied && d->started)
		dnsapply_queue(d, true);
	d->applied = d->started = false;
	d->nsrv = 0;
	dnsapply_set_status(d, "not applied: the link is not up");
	dnsapply_next(d);
}

/* Start the next queued command unless one runs. */
static void
dnsapply_next(struct dnsapply *d)
{
	struct dnsapply_cmd	 c;
	char			*cause = NULL, *tag;
	const char		*prog;

	while (d->job == NULL && d->nqueue > 0) {
		c = d->queue[0];
		d->undoing = d->queue_undo[0];
		if (!d->undoing)
			d->started = true;
		memmove(&d->queue[0], &d->queue[1],
		    --d->nqueue * sizeof(d->queue[0]));
		memmove(&d->queue_undo[0], &d->queue_undo[1],
		    d->nqueue * sizeof(d->queue_undo[0]));
		prog = strrchr(c.argv[0], '/') + 1;
		xasprintf(&tag, "%s: %s", d->tag, prog);
		d->job = cmdjob_start(d->loop, c.argv, c.input, tag,
		    dnsapply_done, d, &cause);
		free(tag);
		if (d->job == NULL) {
			log_warnx("%s: dns: %s", d->tag, cause);
			if (!d->undoing)
				dnsapply_set_status(d, "failed: %s", cause);
			free(cause);
		}
		dnsapply_cmds_free(&c, 1);
	}
}

static void
dnsapply_done(int status, const char *err, void *arg)
{
	struct dnsapply	*d = arg;
	struct cmdjob	*j = d->job;	/* err lives in it: freed last */
	const char	*what;
	char		 how[32];

	what = d->backend == DNSAPPLY_RESOLVED ? "resolvectl" : "resolvconf";
	d->job = NULL;
	if (status != 0) {
		if (status == -1)
			(void)snprintf(how, sizeof(how), "killed by a signal");
		else
			(void)snprintf(how, sizeof(how), "exit status %d",
			    status);
		log_warnx("%s: dns: %s %s %s failed (%s)%s%s", d->tag, what,
		    d->undoing ? "taking back" : "applying", d->ifname, how,
		    *err != '\0' ? ": " : "", err);
		if (!d->undoing) {
			dnsapply_set_status(d, "failed: %s on %s: %s%s%s",
			    what, d->ifname, how, *err != '\0' ? ": " : "",
			    err);
			/* The rest of this apply would fail the same way. */
			dnsapply_drop_applies(d);
		}
	} else if (!d->undoing && d->applied && d->nqueue == 0) {
		dnsapply_status_applied(d, true);
		log_info("%s: dns: %s", d->tag, d->status);
	} else if (d->undoing)
		log_info("%s: dns: taken back from %s on %s", d->tag,
		    dnsapply_backend_name(d->backend), d->ifname);
	cmdjob_free(j);
	dnsapply_next(d);
}

const char *
dnsapply_status(const struct dnsapply *d)
{
	return d->status;
}

bool
dnsapply_busy(const struct dnsapply *d)
{
	return d->job != NULL || d->nqueue > 0;
}

/* Never called: an undo started by dnsapply_free() is let go at once. */
static void
dnsapply_unwatched(int status, const char *err, void *arg)
{
	(void)status;
	(void)err;
	(void)arg;
}

void
dnsapply_free(struct dnsapply *d)
{
	struct cmdjob	*j;
	char		*cause = NULL;
	size_t		 i;

	if (d == NULL)
		return;
	if (d->applied)
		dnsapply_clear(d);
	/*
	 * The running command goes on unwatched; a queued undo starts now,
	 * unwatched too (vpnd may be exiting: nobody would hear of it).
	 */
	cmdjob_free(d->job);
	for (i = 0; i < d->nqueue; i++) {
		if (!d->queue_undo[i])
			continue;
		j = cmdjob_start(d->loop, d->queue[i].argv, d->queue[i].input,
		    d->tag, dnsapply_unwatched, NULL, &cause);
		if (j == NULL) {
			log_warnx("%s: dns: %s", d->tag, cause);
			free(cause);
			cause = NULL;
		}
		cmdjob_free(j);
	}
	dnsapply_cmds_free(d->queue, d->nqueue);
	argv_clear(&d->domains);
	free(d->status);
	free(d->ifname);
	free(d->tag);
	free(d);
}
