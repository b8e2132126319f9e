/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The metrics-file: vpnd's Prometheus exposition written to a file
 * every few seconds for node_exporter's textfile collector (Debian:
 * /var/lib/prometheus/node-exporter/NAME.prom).  A struct metricsfile
 * owns the path, its timer and the last error.  Each write goes to a
 * fresh temporary file in the same directory (".NAME.XXXXXX", which the
 * collector ignores), mode 0644, renamed over the file: a reader sees
 * the old exposition or the new, never half of one.  The file is small
 * and local; the write runs in the loop like the pid file's.  A failure
 * is logged when it first happens and when it is over, not at every
 * write.
 */
#ifndef PPPSSH_METRICSFILE_H
#define PPPSSH_METRICSFILE_H

struct buf;
struct loop;
struct metricsfile;

/* Append the exposition to b. */
typedef void	(*metricsfile_fill_cb)(struct buf *b, void *arg);

/*
 * Write path now, and every interval seconds from now on, with what
 * fill appends.  path must be absolute.
 */
struct metricsfile	*metricsfile_new(struct loop *, const char *path,
			    int interval, metricsfile_fill_cb fill, void *arg);
/*
 * Write the file once now; 0, or -1 with *cause (caller frees).  The
 * timer is not touched.
 */
int			 metricsfile_write(struct metricsfile *, char **cause);
/*
 * Stop, and remove the file (a stopped vpnd has no metrics: its series
 * go stale instead of lying); NULL is a no-op.
 */
void			 metricsfile_free(struct metricsfile *);

#endif
