/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * What ssh.c and ssh-hostkey.c share, and nothing else includes (but
 * tests/fuzz/fuzz_knownhosts.c and tests/unit/test_ssh.c): the session
 * and channel structs, what owns the send path, the error recorder, and
 * the known_hosts check of a given key.
 */
#ifndef PPPSSH_SSH_INT_H
#define PPPSSH_SSH_INT_H

#include <sys/queue.h>

#include <stdbool.h>
#include <stdint.h>

#include <libssh2.h>

#include "ssh.h"

/* What owns the send path (with the struct it acts on). */
enum ssh_op {
	SSH_OP_NONE = 0,
	SSH_OP_OPEN,
	SSH_OP_EXEC,
	SSH_OP_PTY,
	SSH_OP_READ,
	SSH_OP_WRITE,
	SSH_OP_EOF,
	SSH_OP_CLOSE
};

/* Text kept from a pty channel's stdout before its first frame. */
#define SSH_PRETEXT_MAX	1024

enum ssh_chan_state {
	SSH_CHAN_NEW,
	SSH_CHAN_PTY,
	SSH_CHAN_EXEC,
	SSH_CHAN_RUNNING,
	SSH_CHAN_CLOSING,
	SSH_CHAN_WAIT_CLOSED,
	SSH_CHAN_CLOSED
};

struct ssh_chan {
	struct ssh		*s;		/* NULL once detached */
	LIST_ENTRY(ssh_chan)	 entry;
	LIBSSH2_CHANNEL		*chan;
	char			*command;
	char			*label;		/* command, shortened for messages */
	enum ssh_chan_state	 state;
	bool			 eof_seen[2];	/* read gave 0: stdout, stderr */
	/*
	 * ssh_chan_pty(): the command to run on a pty if sshd grants one;
	 * tty once it did.  Until stdout shows text_end, what it carries
	 * is text (sshd puts stderr on the pty too), and is handed out on
	 * stderr from pretext.
	 */
	char			*pty_command;
	bool			 tty;
	bool			 text_done;
	int			 text_end;
	char			 pretext[SSH_PRETEXT_MAX];
	size_t			 pretext_len;
	int			 exit_status;
	char			*exit_signal;
};

/* Blocks libssh2 asks for that get pages of their own (ssh.c). */
#define SSH_BIG_MAX	4

struct ssh {
	LIBSSH2_SESSION		*session;
	int			 fd;
	enum ssh_fail		 fail;
	bool			 handshaken;
	bool			 auth_started;
	char			*broken;	/* why the session is unusable */
	char			 errmsg[256];	/* ssh_errmsg()'s, made safe */

	const void		*tx_who;	/* send path owner, or NULL */
	enum ssh_op		 tx_op;
	struct ssh_chan		*opening;	/* channel being opened */

	int			 sock_errno;	/* last recv/send errno */
	bool			 peer_closed;	/* recv() returned 0 */
	uint64_t		 rx, tx, last_rx;
	size_t			 heap;		/* bytes libssh2 holds */
	/* libssh2's blocks on pages of their own (ssh_trim()), or NULL. */
	void			*big[SSH_BIG_MAX];
	/*
	 * Poll hints (ssh_socket_ready()): once the owner passes them on,
	 * rx_empty says recv() found the socket empty since poll() last
	 * said it was readable, so a channel read with nothing queued in
	 * libssh2 can answer SSH_AGAIN without calling it (each libssh2
	 * call costs a time() and a recv() that would fail with EAGAIN).
	 */
	bool			 hinted;
	bool			 rx_empty;

	LIST_HEAD(, ssh_chan)	 chans;
};

/*
 * Record why the session failed (class f) in *cause, from fmt; returns
 * SSH_ERR.
 */
int	ssh_error(struct ssh *, enum ssh_fail, char **, const char *, ...)
	    __attribute__((format(printf, 4, 5)));

/*
 * ssh_check_hostkey() for a key given as its blob, LIBSSH2_HOSTKEY_TYPE_*
 * and SHA256 hash (32 bytes) instead of the session's: the known_hosts
 * check alone (ssh-hostkey.c; for fuzz_knownhosts).
 */
int	ssh_check_hostkey_blob(struct ssh *, const char *known_hosts,
	    const char *host, int port, const char *blob, size_t len,
	    int type, const unsigned char *sha256, char **cause);

#endif
