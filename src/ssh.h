/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * One SSH session over libssh2 in non-blocking mode, driven step by step
 * from the event loop: handshake, strict host key check against a
 * known_hosts file, public key authentication, exec channels, keepalive.
 *
 * Steps return SSH_OK (done), SSH_AGAIN (call the same step again once
 * the session fd is ready for ssh_poll_events()) or SSH_ERR (failed: the
 * cause is filled and ssh_fail_class() says what kind of failure it was).
 * Byte-moving calls return a count instead of SSH_OK.
 *
 * Rules the caller must follow (libssh2 1.10 needs them):
 * - A step that returned SSH_AGAIN must be called again, with the same
 *   arguments, before the step is abandoned: libssh2 may have sent part
 *   of a packet and only that same call can finish it.  Until it does,
 *   every other sending step on the session returns SSH_AGAIN and
 *   ssh_poll_events() includes POLLOUT; so on each readiness of the fd,
 *   retry every pending step of the session, not just one.
 * - libssh2 reads ahead: any step, even reading one stream, can pull
 *   data for every channel off the socket into libssh2, and then the fd
 *   shows nothing.  Before waiting for POLLIN, read each open channel
 *   (stdout and stderr) until ssh_chan_pending() is false.
 * - Bytes that ssh_chan_write() did not report written must be offered
 *   again, unchanged, at the start of the next ssh_chan_write().
 * - While channels are open, watch the fd for POLLIN always, plus
 *   ssh_poll_events() when a step returned SSH_AGAIN.
 * - One channel can be opening at a time; ssh_chan_start() of a second
 *   returns SSH_AGAIN until the first one's open completes.
 */
#ifndef PPPSSH_SSH_H
#define PPPSSH_SSH_H

#include <sys/types.h>

#include <stdbool.h>
#include <stdint.h>

#define SSH_OK		0
#define SSH_ERR		(-1)
#define SSH_AGAIN	(-2)

/* libssh2 1.10 sends at most this many bytes per channel write. */
#define SSH_WRITE_MAX	32700

enum ssh_fail {
	SSH_FAIL_NONE = 0,
	SSH_FAIL_NETWORK,	/* connection lost, reset, timed out: redial */
	SSH_FAIL_REMOTE,	/* the server refused or the command failed */
	SSH_FAIL_HOSTKEY,	/* unknown or changed host key: hard */
	SSH_FAIL_AUTH		/* key refused or unusable identity: hard */
};

struct ssh;
struct ssh_chan;

/* Once per process, before any ssh_new(); ssh_lib_exit() at the end. */
int		 ssh_lib_init(char **cause);
void		 ssh_lib_exit(void);

/*
 * Take ownership of fd, a connected TCP socket (made non-blocking and
 * TCP_NODELAY here), and start a session on it.  On failure fd is
 * closed too.  Returns NULL with *cause set.
 */
struct ssh	*ssh_new(int fd, char **cause);
/*
 * Free the session, its libssh2 channels and close the fd; never
 * blocks, sends nothing more (call ssh_disconnect() first to say
 * goodbye).  Channels still held by the caller become detached: only
 * ssh_chan_free() is valid on them afterwards.  NULL is a no-op.
 */
void		 ssh_free(struct ssh *);

int		 ssh_fd(struct ssh *);
/* POLLIN and/or POLLOUT: what the last SSH_AGAIN waits for. */
short		 ssh_poll_events(struct ssh *);
/*
 * Optional poll hint: the revents poll() gave the session fd.  Once the
 * owner calls this on every poll() result for the fd, a channel read
 * when recv() last found the socket empty and libssh2 holds nothing for
 * the channel returns SSH_AGAIN (or 0 at EOF) with no system call; the
 * next POLLIN (or error) lifts that.  A caller that never calls it sees
 * every read go to libssh2.
 */
void		 ssh_socket_ready(struct ssh *, short revents);
/* The class of the last SSH_ERR (SSH_FAIL_NONE before any). */
enum ssh_fail	 ssh_fail_class(struct ssh *);
const char	*ssh_fail_name(enum ssh_fail);
/* libssh2's text for its last error on this session. */
const char	*ssh_errmsg(struct ssh *);
/*
 * Bytes received and sent on the socket, and when the last byte came in
 * (loop_clock() ms as the loop turn that read it saw it, no earlier than
 * the time of ssh_new(); see loop_clock_recent()).  Any out pointer
 * may be NULL.
 */
void		 ssh_counters(struct ssh *, uint64_t *rx, uint64_t *tx,
		    uint64_t *last_rx);
/*
 * The bytes libssh2 holds for the session now (its own allocations,
 * counted: its session structure, channels, packets, keys), the larger
 * part of what an idle link costs in memory.
 */
size_t		 ssh_heap(const struct ssh *);
/*
 * Hand back to the kernel the pages of libssh2's largest blocks (its
 * session structure) that hold only zeros, as its unused buffers do;
 * returns the bytes handed back.  Nothing libssh2 holds changes.
 */
size_t		 ssh_trim(struct ssh *);
/* The bytes of those blocks resident now. */
size_t		 ssh_heap_resident(const struct ssh *);

/*
 * Key exchange (step).  Failures are SSH_FAIL_NETWORK, or
 * SSH_FAIL_REMOTE when no algorithms are in common.
 */
int		 ssh_handshake(struct ssh *, char **cause);

/*
 * After the handshake, no I/O: describe the server's host key.  Any
 * out pointer may be NULL; the caller frees the strings.  *type is
 * "ssh-ed25519" etc., *fp is OpenSSH's "SHA256:<base64, no padding>",
 * *line is the known_hosts line for host and port (port 22: bare host,
 * else "[host]:port"), without a newline.  Returns 0, or -1 with *cause.
 */
int		 ssh_hostkey(struct ssh *, const char *host, int port,
		    char **type, char **fp, char **line, char **cause);
/*
 * After the handshake, no network I/O: check the host key against the
 * known_hosts file path for host:port.  SSH_OK only on a match of the
 * same key type; unknown, changed, revoked keys and an unreadable file
 * are SSH_ERR with SSH_FAIL_HOSTKEY and a cause naming the key type,
 * its fingerprint and the line to add (or the file:line that differs).
 * A missing file counts as empty.
 */
int		 ssh_check_hostkey(struct ssh *, const char *known_hosts,
		    const char *host, int port, char **cause);

/*
 * Public key authentication as user with the private key file
 * identity (OpenSSH or PEM format, no passphrase; the public half is
 * derived from it; ed25519 is what works with OpenSSH 9.2, libssh2 1.10
 * has no rsa-sha2).  Refusal, a missing or unusable key file are
 * SSH_FAIL_AUTH.  Arguments must not change across SSH_AGAIN.
 */
int		 ssh_auth_pubkey(struct ssh *, const char *user,
		    const char *identity, char **cause);

/*
 * Send a keepalive (asking for a reply) every interval seconds; 0: off.
 * libssh2 turns an interval of 1 into 2.
 */
void		 ssh_keepalive_config(struct ssh *, unsigned int interval);
/*
 * Send a keepalive if one is due; *next is set to the seconds until the
 * next call is useful (0: keepalive is off).  Never returns SSH_AGAIN:
 * when the send path is busy the keepalive is put off for a second.
 * The server answers each keepalive, so a quiet ssh_counters() last_rx
 * (say, 3 intervals) means the peer is gone.  SSH_ERR is
 * SSH_FAIL_NETWORK.
 */
int		 ssh_keepalive(struct ssh *, int *next, char **cause);

/*
 * Best effort, one try: tell the server we are leaving.  The session is
 * unusable afterwards; ssh_free() it.
 */
void		 ssh_disconnect(struct ssh *, const char *why);

/* A channel that will exec command; ssh_chan_start() opens it. */
struct ssh_chan	*ssh_chan_new(struct ssh *, const char *command);
/*
 * Before ssh_chan_start(): ask sshd for a pty in raw mode (no echo, no
 * line editing, no signal characters, no CR/NL translation, 8 bits) and,
 * if it grants one, exec command instead (a server that refuses, as a
 * key with restrict or no-pty does, gets the first command on pipes).
 * On a pty, sshd sends the command's stderr as stdout: what stdout
 * carries before the first byte text_end is handed out as stderr
 * (ssh_chan_read_stderr(), ssh_chan_pending()), so that a shell's or
 * sudo's complaint still reads as one; from text_end on, stdout is
 * passed unchanged.
 */
void		 ssh_chan_pty(struct ssh_chan *, const char *command,
		    int text_end);
/* Whether the command runs on a pty (ssh_chan_pty() was granted). */
bool		 ssh_chan_tty(struct ssh_chan *);
/* Open a session channel, ask for a pty if wanted, exec (step). */
int		 ssh_chan_start(struct ssh_chan *, char **cause);
/*
 * Read the command's stdout (stderr) into buf, as much as libssh2 has,
 * up to len.  Returns the count, 0 at end of file, SSH_AGAIN or SSH_ERR.
 */
ssize_t		 ssh_chan_read(struct ssh_chan *, void *buf, size_t len,
		    char **cause);
ssize_t		 ssh_chan_read_stderr(struct ssh_chan *, void *buf,
		    size_t len, char **cause);
/*
 * Write up to len bytes to the command's stdin, in packets of at most
 * SSH_WRITE_MAX.  Returns the count written (maybe short), SSH_AGAIN
 * (nothing written: socket full or the peer's window closed), SSH_ERR.
 * Writing after the remote end sent EOF is SSH_ERR, SSH_FAIL_REMOTE.
 */
ssize_t		 ssh_chan_write(struct ssh_chan *, const void *buf,
		    size_t len, char **cause);
/*
 * Whether libssh2 holds something for this channel that a read would
 * return now: data on stdout or stderr, or an end of file one of the two
 * streams has not reported yet.  False while the send path is busy (the
 * read would say SSH_AGAIN; wait for ssh_poll_events()).  No I/O.
 */
bool		 ssh_chan_pending(struct ssh_chan *);
/* Send EOF on the command's stdin (step). */
int		 ssh_chan_send_eof(struct ssh_chan *, char **cause);
/* Whether the remote sent EOF and everything before it was read. */
bool		 ssh_chan_eof(struct ssh_chan *);
/*
 * Close the channel (step): sends EOF and CLOSE, then, if the remote
 * has sent EOF, waits for its CLOSE so that the exit status is known.
 */
int		 ssh_chan_close(struct ssh_chan *, char **cause);
/*
 * After ssh_chan_close() returned SSH_OK: the command's exit status
 * (0-255), or -1 if it was killed by a signal (*signame, owned by the
 * channel, is then its name without "SIG", e.g. "TERM") or if the
 * status never came.  signame may be NULL.
 */
int		 ssh_chan_exit_status(struct ssh_chan *, const char **signame);
/*
 * Free the channel.  On a live session, close it first: freeing an
 * open channel leaves it to the session's end, and freeing one in the
 * middle of a send makes the session fail (SSH_FAIL_NETWORK).  NULL is
 * a no-op.
 */
void		 ssh_chan_free(struct ssh_chan *);

#endif
