/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * One SSH session to a gateway for vpnctl's setup, trust and doctor
 * commands, which may wait (they are a command line tool, not vpnd):
 * each call runs its own event loop over the dial and ssh modules
 * until the step is done or its time is up.
 */
#ifndef PPPSSH_GW_H
#define PPPSSH_GW_H

struct gw;
struct ssh;

/*
 * Resolve and connect to host:port and do the SSH handshake, within
 * timeout seconds.  Returns NULL with *cause set; *stage then says how
 * far it got: "connect" (nothing answered) or "handshake".
 */
struct gw	*gw_open(const char *host, int port, int timeout,
		    const char **stage, char **cause);
/* The session, for ssh_hostkey() and ssh_check_hostkey() (no I/O). */
struct ssh	*gw_ssh(struct gw *);
/* "192.0.2.7:22": the address that answered. */
const char	*gw_addr(struct gw *);

/* Public key authentication; 0 or -1 with *cause. */
int		 gw_auth(struct gw *, const char *user, const char *identity,
		    char **cause);

/*
 * Run command on the gateway with stdin closed; *out and *err get up
 * to 64 KiB each of its stdout and stderr (NUL-terminated, caller
 * frees), *status its exit status (-1: killed or unknown).  Returns 0,
 * or -1 with *cause (the session is then unusable).
 */
int		 gw_run(struct gw *, const char *command, char **out,
		    char **err, int *status, char **cause);

/* Say goodbye, close and free; NULL is a no-op. */
void		 gw_close(struct gw *);

#endif
