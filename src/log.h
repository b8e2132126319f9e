/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Logging: to stderr in the foreground (vpnd -d, the tools), to syslog
 * once daemonized.  fatal() and log_warn() append strerror(errno);
 * the -x variants do not.  log_debug() prints only at verbosity >= 1.
 */
#ifndef PPPSSH_LOG_H
#define PPPSSH_LOG_H

#include <stdarg.h>
#include <stdbool.h>

/* Start logging as ident; to_stderr picks stderr over syslog. */
void	log_init(const char *ident, bool to_stderr, int verbose);
/* Switch between stderr and syslog later (after daemon()). */
void	log_to_stderr(bool to_stderr);
void	log_set_verbose(int verbose);
int	log_verbose(void);

void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_vwrite(int pri, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
/*
 * One line to syslog at pri (a facility may be or'ed in), wherever the
 * other messages go: for records the host's admin must find even when
 * the program talks to stderr, such as vpn-peer's refusals.
 */
void	log_syslog(int pri, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
