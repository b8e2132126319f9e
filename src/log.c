/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Logging to stderr or syslog.  Owns the ident, the destination and the
 * verbosity; nothing else in the tree calls syslog() or writes
 * diagnostics to stderr directly.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

static const char	*log_ident = "pppssh";
static bool		 log_stderr = true;
static int		 log_level;
static bool		 log_opened;

static void	log_errno(int, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));

void
log_init(const char *ident, bool to_stderr, int verbose)
{
	log_ident = ident;
	log_level = verbose;
	log_to_stderr(to_stderr);
}

void
log_to_stderr(bool to_stderr)
{
	log_stderr = to_stderr;
	if (!to_stderr && !log_opened) {
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
		log_opened = true;
	}
}

void
log_syslog(int pri, const char *fmt, ...)
{
	va_list	ap;
	int	saved_errno = errno;

	if (!log_opened) {
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
		log_opened = true;
	}
	va_start(ap, fmt);
	vsyslog(pri, fmt, ap);
	va_end(ap);
	errno = saved_errno;
}

void
log_set_verbose(int verbose)
{
	log_level = verbose;
}

int
log_verbose(void)
{
	return log_level;
}

void
log_vwrite(int pri, const char *fmt, va_list ap)
{
	int	saved_errno = errno;

	if (log_stderr) {
		fprintf(stderr, "%s: ", log_ident);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		fflush(stderr);
	} else
		vsyslog(pri, fmt, ap);
	errno = saved_errno;
}

static void
log_errno(int pri, const char *fmt, va_list ap)
{
	char	 buf[1024];
	int	 saved_errno = errno;

	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	if (log_stderr)
		fprintf(stderr, "%s: %s: %s\n", log_ident, buf,
		    strerror(saved_errno));
	else
		syslog(pri, "%s: %s", buf, strerror(saved_errno));
	errno = saved_errno;
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_errno(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	if (log_level < 1)
		return;
	va_start(ap, fmt);
	log_vwrite(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_errno(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}
