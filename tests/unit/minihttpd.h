/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * A tiny HTTP/1.1 server on 127.0.0.1 for the unit tests of the HTTP
 * modules, served by the same loop as the code under test: it records
 * every request (head and body) and answers with a fixed status and
 * body, or never answers at all ("hang").  Bound at once to a free
 * port; until mh_listen() a connection to it is refused.
 */
#ifndef PPPSSH_MINIHTTPD_H
#define PPPSSH_MINIHTTPD_H

#include <stdbool.h>
#include <stddef.h>

struct loop;
struct mh;

struct mh	*mh_new(struct loop *, bool listen_now);
void		 mh_free(struct mh *);
int		 mh_port(const struct mh *);
/* Start accepting connections. */
void		 mh_listen(struct mh *);
/* Answer status with body from now on; status 0: never answer. */
void		 mh_answer(struct mh *, int status, const char *body);
size_t		 mh_count(const struct mh *);
/* Request i: its head (request line and headers) and its body. */
const char	*mh_head(const struct mh *, size_t i);
const char	*mh_body(const struct mh *, size_t i);
/* Connections accepted so far (answered or not). */
size_t		 mh_accepted(const struct mh *);

#endif
