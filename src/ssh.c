/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The libssh2 session wrapper.  Owns struct ssh (the LIBSSH2_SESSION,
 * its socket, byte counters and the "send path" lock) and struct
 * ssh_chan (one exec channel): handshake, public key auth, keepalives,
 * channels and their teardown.  The server's host key and its check
 * against known_hosts are ssh-hostkey.c's.  Everything is non-blocking:
 * each step makes what progress the socket allows and reports SSH_AGAIN.
 *
 * The send path lock: libssh2 encrypts a packet once and, when the
 * socket takes only part of it, keeps the rest and insists that the
 * same call, with the same packet, finishes it; any other packet is
 * refused with LIBSSH2_ERROR_BAD_USE.  So the step that got EAGAIN with
 * libssh2 blocked on sending becomes the owner of the send path and any
 * other sending step answers SSH_AGAIN until the owner completes.
 *
 * libssh2 allocates through ssh_alloc() and its kin, which count what a
 * session holds (ssh_heap()) in a header before each block, and give its
 * largest blocks pages of their own whose zero pages ssh_trim() hands
 * back.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libssh2.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base64.h"
#include "log.h"
#include "loop.h"
#include "pageblock.h"
#include "ssh.h"
#include "ssh-int.h"
#include "vis.h"
#include "xmalloc.h"

#define SSH_LABEL_MAX	48	/* bytes of a command named in a message */

/* Host key algorithms in OpenSSH's order of preference. */
static const char *ssh_hostkey_prefs[] = {
	"ssh-ed25519",
	"ecdsa-sha2-nistp256",
	"ecdsa-sha2-nistp384",
	"ecdsa-sha2-nistp521",
	"rsa-sha2-512",
	"rsa-sha2-256",
	"ssh-rsa",
};

/*
 * RFC 4254 8 terminal modes for a pty that passes bytes unchanged: no
 * echo, no line editing, no signals, no flow control, no CR/NL
 * translation either way, 8 bits.  Opcode, then a uint32 value.
 */
#define SSH_MODE(op, v)	(op), 0, 0, 0, (v)
static const unsigned char ssh_raw_modes[] = {
	SSH_MODE(33, 0),	/* ISTRIP */
	SSH_MODE(34, 0),	/* INLCR */
	SSH_MODE(35, 0),	/* IGNCR */
	SSH_MODE(36, 0),	/* ICRNL */
	SSH_MODE(38, 0),	/* IXON */
	SSH_MODE(39, 0),	/* IXANY */
	SSH_MODE(40, 0),	/* IXOFF */
	SSH_MODE(41, 0),	/* IMAXBEL */
	SSH_MODE(50, 0),	/* ISIG */
	SSH_MODE(51, 0),	/* ICANON */
	SSH_MODE(53, 0),	/* ECHO */
	SSH_MODE(54, 0),	/* ECHOE */
	SSH_MODE(55, 0),	/* ECHOK */
	SSH_MODE(56, 0),	/* ECHONL */
	SSH_MODE(59, 0),	/* IEXTEN */
	SSH_MODE(70, 0),	/* OPOST */
	SSH_MODE(72, 0),	/* ONLCR */
	SSH_MODE(91, 1),	/* CS8 */
	SSH_MODE(92, 0),	/* PARENB */
	0			/* TTY_OP_END */
};

static LIBSSH2_RECV_FUNC(ssh_recv_cb);
static LIBSSH2_SEND_FUNC(ssh_send_cb);
static int	ssh_error_rc(struct ssh *, int, enum ssh_fail, char **,
		    const char *, ...) __attribute__((format(printf, 5, 6)));
static bool	ssh_network_rc(int);
static bool	ssh_tx_busy(struct ssh *, const void *, enum ssh_op);
static void	ssh_tx_done(struct ssh *, const void *, enum ssh_op, int);
static int	ssh_usable(struct ssh *, char **);
static int	ssh_set_hostkey_prefs(struct ssh *, char **);
static bool	ssh_chan_queued(struct ssh_chan *);
static ssize_t	ssh_chan_read_stream(struct ssh_chan *, int, void *, size_t,
		    char **);
static int	ssh_chan_usable(struct ssh_chan *, char **);

int
ssh_lib_init(char **cause)
{
	int	rc;

	if ((rc = libssh2_init(0)) != 0) {
		xasprintf(cause, "libssh2_init failed (%d)", rc);
		return -1;
	}
	return 0;
}

void
ssh_lib_exit(void)
{
	libssh2_exit();
}

static
LIBSSH2_RECV_FUNC(ssh_recv_cb)
{
	struct ssh	*s = *abstract;
	ssize_t		 n;
	uint64_t	 now;

	n = recv(socket, buffer, length, flags);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			s->rx_empty = true;
		else if (errno != EINTR)
			s->sock_errno = errno;
		return -errno;
	}
	if (n == 0)
		s->peer_closed = true;
	else {
		s->rx += (uint64_t)n;
		/* The loop turn's time: no clock read per packet. */
		now = loop_clock_recent();
		if (now > s->last_rx)
			s->last_rx = now;
	}
	return n;
}

static
LIBSSH2_SEND_FUNC(ssh_send_cb)
{
	struct ssh	*s = *abstract;
	ssize_t		 n;

	n = send(socket, buffer, length, flags | MSG_NOSIGNAL);
	if (n == -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			s->sock_errno = errno;
		return -errno;
	}
	s->tx += (uint64_t)n;
	return n;
}

/*
 * Before each block libssh2 gets: its size, and whether it is a
 * pageblock (1) or malloc()'s (0); 16 bytes keep malloc's alignment.
 */
#define SSH_HEAP_HDR	16

/*
 * Blocks this large get pages of their own (pageblock.h): libssh2's
 * session structure (about 54 KB, its receive and send buffers zeroed
 * at creation), not its packets (35,000 bytes at most), which come and
 * go with the data and stay malloc()'s.
 */
#define SSH_BIG_BLOCK	(40 * 1024)

static LIBSSH2_ALLOC_FUNC(ssh_alloc)
{
	struct ssh	*s = *abstract;
	size_t		*p, i;

	if (count > SIZE_MAX - SSH_HEAP_HDR)
		return NULL;
	for (i = 0; count >= SSH_BIG_BLOCK && i < SSH_BIG_MAX; i++)
		if (s->big[i] == NULL)
			break;
	if (count >= SSH_BIG_BLOCK && i < SSH_BIG_MAX) {
		if ((p = pageblock_new(count + SSH_HEAP_HDR)) == NULL)
			return NULL;
		s->big[i] = p;
		p[1] = 1;
	} else {
		if ((p = malloc(count + SSH_HEAP_HDR)) == NULL)
			return NULL;
		p[1] = 0;
	}
	p[0] = count;
	s->heap += count;
	return (char *)p + SSH_HEAP_HDR;
}

static LIBSSH2_FREE_FUNC(ssh_dealloc)
{
	struct ssh	*s = *abstract;
	size_t		*p, i;

	if (ptr == NULL)
		return;
	p = (size_t *)(void *)((char *)ptr - SSH_HEAP_HDR);
	s->heap -= p[0];
	if (p[1] == 0) {
		free(p);
		return;
	}
	for (i = 0; i < SSH_BIG_MAX; i++)
		if (s->big[i] == p)
			s->big[i] = NULL;
	pageblock_free(p, p[0] + SSH_HEAP_HDR);
}

static LIBSSH2_REALLOC_FUNC(ssh_realloc)
{
	struct ssh	*s = *abstract;
	size_t		*p, old;
	void		*q;

	if (ptr == NULL)
		return ssh_alloc(count, abstract);
	p = (size_t *)(void *)((char *)ptr - SSH_HEAP_HDR);
	old = p[0];
	if (count > SIZE_MAX - SSH_HEAP_HDR)
		return NULL;
	if (p[1] != 0 || count >= SSH_BIG_BLOCK) {
		/* Into or out of pages of its own: a new block. */
		if ((q = ssh_alloc(count, abstract)) == NULL)
			return NULL;
		memcpy(q, ptr, old < count ? old : count);
		ssh_dealloc(ptr, abstract);
		return q;
	}
	if ((p = realloc(p, count + SSH_HEAP_HDR)) == NULL)
		return NULL;
	p[0] = count;
	s->heap = s->heap - old + count;
	return (char *)p + SSH_HEAP_HDR;
}

size_t
ssh_trim(struct ssh *s)
{
	size_t	i, n = 0, *p;

	for (i = 0; i < SSH_BIG_MAX; i++)
		if ((p = s->big[i]) != NULL)
			n += pageblock_trim(p, p[0] + SSH_HEAP_HDR);
	return n;
}

size_t
ssh_heap_resident(const struct ssh *s)
{
	size_t	i, n = 0, *p;

	for (i = 0; i < SSH_BIG_MAX; i++)
		if ((p = s->big[i]) != NULL)
			n += pageblock_resident(p, p[0] + SSH_HEAP_HDR);
	return n;
}

size_t
ssh_heap(const struct ssh *s)
{
	return s->heap;
}

struct ssh *
ssh_new(int fd, char **cause)
{
	struct ssh	*s;
	int		 flags, one = 1;

	s = xcalloc(1, sizeof(*s));
	s->fd = fd;
	LIST_INIT(&s->chans);
	s->last_rx = loop_clock();

	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1) {
		xasprintf(cause, "ssh socket: %s", strerror(errno));
		goto fail;
	}
	if ((flags = fcntl(fd, F_GETFD)) == -1 ||
	    fcntl(fd, F_SETFD, flags | FD_CLOEXEC) == -1) {
		xasprintf(cause, "ssh socket: %s", strerror(errno));
		goto fail;
	}
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
	    sizeof(one)) == -1) {
		xasprintf(cause, "ssh socket: TCP_NODELAY: %s",
		    strerror(errno));
		goto fail;
	}
	if ((s->session = libssh2_session_init_ex(ssh_alloc, ssh_dealloc,
	    ssh_realloc, s)) == NULL) {
		xasprintf(cause, "ssh: cannot create a libssh2 session");
		goto fail;
	}
	/* Its buffers are zeros until used: not memory until then. */
	(void)ssh_trim(s);
	libssh2_session_set_blocking(s->session, 0);
	(void)libssh2_session_callback_set(s->session, LIBSSH2_CALLBACK_RECV,
	    (void *)ssh_recv_cb);
	(void)libssh2_session_callback_set(s->session, LIBSSH2_CALLBACK_SEND,
	    (void *)ssh_send_cb);
	if (ssh_set_hostkey_prefs(s, cause) == -1)
		goto fail;
	return s;

fail:
	s->fail = SSH_FAIL_NETWORK;
	ssh_free(s);
	return NULL;
}

/*
 * Prefer host key algorithms as OpenSSH does (ed25519 first), so the key
 * libssh2 gets is the one an OpenSSH client put in known_hosts.  Only
 * names libssh2 supports are passed: 1.10 strips the others with an
 * overlapping memcpy().
 */
static int
ssh_set_hostkey_prefs(struct ssh *s, char **cause)
{
	const char	**algs = NULL;
	char		 *prefs = NULL, *tmp;
	size_t		  i;
	int		  n, j, r = -1;

	n = libssh2_session_supported_algs(s->session, LIBSSH2_METHOD_HOSTKEY,
	    &algs);
	if (n <= 0) {
		xasprintf(cause, "ssh: host key algorithms: %s", ssh_errmsg(s));
		return -1;
	}
	for (i = 0; i < sizeof(ssh_hostkey_prefs) /
	    sizeof(ssh_hostkey_prefs[0]); i++) {
		for (j = 0; j < n; j++) {
			if (strcmp(algs[j], ssh_hostkey_prefs[i]) != 0)
				continue;
			if (prefs == NULL)
				prefs = xstrdup(algs[j]);
			else {
				xasprintf(&tmp, "%s,%s", prefs, algs[j]);
				free(prefs);
				prefs = tmp;
			}
		}
	}
	libssh2_free(s->session, algs);
	if (prefs == NULL) {
		xasprintf(cause, "ssh: libssh2 supports none of OpenSSH's "
		    "host key algorithms");
		return -1;
	}
	if (libssh2_session_method_pref(s->session, LIBSSH2_METHOD_HOSTKEY,
	    prefs) != 0)
		xasprintf(cause, "ssh: host key algorithms %s: %s", prefs,
		    ssh_errmsg(s));
	else
		r = 0;
	free(prefs);
	return r;
}

void
ssh_free(struct ssh *s)
{
	struct ssh_chan	*c;
	int		 i, rc = 0;

	if (s == NULL)
		return;
	while ((c = LIST_FIRST(&s->chans)) != NULL) {
		LIST_REMOVE(c, entry);
		c->s = NULL;
		c->chan = NULL;		/* libssh2_session_free() frees it */
	}
	if (s->session != NULL) {
		/*
		 * libssh2_session_free() tries to close open channels and
		 * says EAGAIN if it cannot send.  With the socket shut
		 * down every send fails at once and it gives up cleanly.
		 */
		(void)shutdown(s->fd, SHUT_RDWR);	/* may not be connected */
		for (i = 0; i < 16; i++) {
			if ((rc = libssh2_session_free(s->session)) !=
			    LIBSSH2_ERROR_EAGAIN)
				break;
		}
		if (rc != 0)
			log_warnx("ssh: libssh2_session_free failed (%d)", rc);
	}
	if (s->fd != -1)
		(void)close(s->fd);
	free(s->broken);
	free(s);
}

int
ssh_fd(struct ssh *s)
{
	return s->fd;
}

void
ssh_socket_ready(struct ssh *s, short revents)
{
	s->hinted = true;
	if (revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL))
		s->rx_empty = false;
}

short
ssh_poll_events(struct ssh *s)
{
	short	ev = 0;
	int	dir;

	dir = libssh2_session_block_directions(s->session);
	if (dir & LIBSSH2_SESSION_BLOCK_INBOUND)
		ev |= POLLIN;
	if ((dir & LIBSSH2_SESSION_BLOCK_OUTBOUND) || s->tx_who != NULL)
		ev |= POLLOUT;
	if (ev == 0)
		ev = POLLIN;
	return ev;
}

enum ssh_fail
ssh_fail_class(struct ssh *s)
{
	return s->fail;
}

const char *
ssh_fail_name(enum ssh_fail f)
{
	switch (f) {
	case SSH_FAIL_NONE:
		return "none";
	case SSH_FAIL_NETWORK:
		return "network";
	case SSH_FAIL_REMOTE:
		return "remote";
	case SSH_FAIL_HOSTKEY:
		return "host key";
	case SSH_FAIL_AUTH:
		return "auth";
	}
	return "unknown";
}

const char *
ssh_errmsg(struct ssh *s)
{
	char	*msg = NULL;

	if (s->session == NULL)
		return "no session";
	if (libssh2_session_last_error(s->session, &msg, NULL, 0) == 0 ||
	    msg == NULL)
		return "no error";
	(void)vis_buf(s->errmsg, sizeof(s->errmsg), msg, strlen(msg), 0);
	return s->errmsg;
}

void
ssh_counters(struct ssh *s, uint64_t *rx, uint64_t *tx, uint64_t *last_rx)
{
	if (rx != NULL)
		*rx = s->rx;
	if (tx != NULL)
		*tx = s->tx;
	if (last_rx != NULL)
		*last_rx = s->last_rx;
}

/* Record a failure of class f; returns SSH_ERR. */
int
ssh_error(struct ssh *s, enum ssh_fail f, char **cause, const char *fmt, ...)
{
	va_list	ap;

	s->fail = f;
	va_start(ap, fmt);
	xvasprintf(cause, fmt, ap);
	va_end(ap);
	return SSH_ERR;
}

/*
 * Record the failure of a libssh2 call that returned rc: a network
 * failure if rc says the transport broke, else class f.  The cause is
 * the formatted prefix, libssh2's message and what the socket saw.
 */
static int
ssh_error_rc(struct ssh *s, int rc, enum ssh_fail f, char **cause,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*what;

	va_start(ap, fmt);
	xvasprintf(&what, fmt, ap);
	va_end(ap);
	if (ssh_network_rc(rc) || s->sock_errno != 0 || s->peer_closed)
		f = SSH_FAIL_NETWORK;
	s->fail = f;
	if (s->sock_errno != 0)
		xasprintf(cause, "%s: %s (%s)", what, ssh_errmsg(s),
		    strerror(s->sock_errno));
	else if (s->peer_closed)
		xasprintf(cause, "%s: %s (connection closed by the server)",
		    what, ssh_errmsg(s));
	else
		xasprintf(cause, "%s: %s", what, ssh_errmsg(s));
	free(what);
	return SSH_ERR;
}

/* Whether a libssh2 error means the connection itself failed. */
static bool
ssh_network_rc(int rc)
{
	switch (rc) {
	case LIBSSH2_ERROR_SOCKET_NONE:
	case LIBSSH2_ERROR_BANNER_RECV:
	case LIBSSH2_ERROR_BANNER_SEND:
	case LIBSSH2_ERROR_INVALID_MAC:
	case LIBSSH2_ERROR_SOCKET_SEND:
	case LIBSSH2_ERROR_TIMEOUT:
	case LIBSSH2_ERROR_DECRYPT:
	case LIBSSH2_ERROR_SOCKET_DISCONNECT:
	case LIBSSH2_ERROR_PROTO:
	case LIBSSH2_ERROR_SOCKET_TIMEOUT:
	case LIBSSH2_ERROR_SOCKET_RECV:
	case LIBSSH2_ERROR_BAD_SOCKET:
		return true;
	}
	return false;
}

/* Whether the send path belongs to another step than (who, op). */
static bool
ssh_tx_busy(struct ssh *s, const void *who, enum ssh_op op)
{
	return s->tx_who != NULL && (s->tx_who != who || s->tx_op != op);
}

/*
 * After a libssh2 call by (who, op) returned rc: take the send path if
 * libssh2 is holding part of a packet for it, release it otherwise.
 */
static void
ssh_tx_done(struct ssh *s, const void *who, enum ssh_op op, int rc)
{
	int	dir;

	dir = libssh2_session_block_directions(s->session);
	if (rc == LIBSSH2_ERROR_EAGAIN &&
	    (dir & LIBSSH2_SESSION_BLOCK_OUTBOUND)) {
		s->tx_who = who;
		s->tx_op = op;
	} else if (s->tx_who == who && s->tx_op == op)
		s->tx_who = NULL;
}

static int
ssh_usable(struct ssh *s, char **cause)
{
	if (s->broken != NULL)
		return ssh_error(s, SSH_FAIL_NETWORK, cause, "%s", s->broken);
	return SSH_OK;
}

int
ssh_handshake(struct ssh *s, char **cause)
{
	int	rc;

	if (ssh_usable(s, cause) != SSH_OK)
		return SSH_ERR;
	rc = libssh2_session_handshake(s->session, s->fd);
	if (rc == LIBSSH2_ERROR_EAGAIN)
		return SSH_AGAIN;
	if (rc != 0) {
		return ssh_error_rc(s, rc,
		    rc == LIBSSH2_ERROR_KEX_FAILURE ? SSH_FAIL_REMOTE :
		    SSH_FAIL_NETWORK, cause, "ssh handshake");
	}
	s->handshaken = true;
	return SSH_OK;
}

int
ssh_auth_pubkey(struct ssh *s, const char *user, const char *identity,
    char **cause)
{
	int	fd, rc;

	if (ssh_usable(s, cause) != SSH_OK)
		return SSH_ERR;
	if (!s->auth_started) {
		/* libssh2 only says "unable to open": say why. */
		if ((fd = open(identity, O_RDONLY | O_CLOEXEC)) == -1) {
			return ssh_error(s, SSH_FAIL_AUTH, cause,
			    "identity %s: %s", identity, strerror(errno));
		}
		(void)close(fd);
		s->auth_started = true;
	}
	rc = libssh2_userauth_publickey_fromfile_ex(s->session, user,
	    (unsigned int)strlen(user), NULL, identity, NULL);
	if (rc == LIBSSH2_ERROR_EAGAIN)
		return SSH_AGAIN;
	s->auth_started = false;
	switch (rc) {
	case 0:
		return SSH_OK;
	case LIBSSH2_ERROR_AUTHENTICATION_FAILED:
	case LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED:
		return ssh_error_rc(s, rc, SSH_FAIL_AUTH, cause,
		    "public key authentication as %s with %s refused by the "
		    "server", user, identity);
	case LIBSSH2_ERROR_FILE:
	case LIBSSH2_ERROR_KEYFILE_AUTH_FAILED:
		return ssh_error_rc(s, rc, SSH_FAIL_AUTH, cause,
		    "identity %s cannot be used (a passphrase or an "
		    "unsupported format?)", identity);
	}
	return ssh_error_rc(s, rc, SSH_FAIL_AUTH, cause,
	    "public key authentication as %s with %s", user, identity);
}

void
ssh_keepalive_config(struct ssh *s, unsigned int interval)
{
	libssh2_keepalive_config(s->session, 1, interval);
}

int
ssh_keepalive(struct ssh *s, int *next, char **cause)
{
	struct pollfd	pfd;
	int		rc;

	*next = 1;
	if (ssh_usable(s, cause) != SSH_OK)
		return SSH_ERR;
	/*
	 * libssh2_keepalive_send() ignores EAGAIN and leaves a partly sent
	 * keepalive behind, which breaks the next send.  Only call it with
	 * nothing pending and room in the socket buffer (POLLOUT means a
	 * third of it is free, far more than a keepalive).
	 */
	if (s->tx_who != NULL || (libssh2_session_block_directions(s->session) &
	    LIBSSH2_SESSION_BLOCK_OUTBOUND))
		return SSH_OK;
	pfd.fd = s->fd;
	pfd.events = POLLOUT;
	pfd.revents = 0;
	if (poll(&pfd, 1, 0) != 1 || !(pfd.revents & POLLOUT))
		return SSH_OK;
	if ((rc = libssh2_keepalive_send(s->session, next)) != 0) {
		return ssh_error_rc(s, rc, SSH_FAIL_NETWORK, cause,
		    "ssh keepalive");
	}
	if (libssh2_session_block_directions(s->session) &
	    LIBSSH2_SESSION_BLOCK_OUTBOUND) {
		xasprintf(&s->broken, "ssh keepalive: socket full, "
		    "session abandoned");
		return ssh_error(s, SSH_FAIL_NETWORK, cause, "%s", s->broken);
	}
	return SSH_OK;
}

void
ssh_disconnect(struct ssh *s, const char *why)
{
	if (s->handshaken && s->broken == NULL && s->tx_who == NULL) {
		/* One try; whatever happens, the session ends here. */
		(void)libssh2_session_disconnect_ex(s->session,
		    SSH_DISCONNECT_BY_APPLICATION, why, "");
	}
	if (s->broken == NULL)
		s->broken = xstrdup("ssh session disconnected");
}

struct ssh_chan *
ssh_chan_new(struct ssh *s, const char *command)
{
	struct ssh_chan	*c;

	c = xcalloc(1, sizeof(*c));
	c->s = s;
	c->command = xstrdup(command);
	/* Messages name the command; a long one by its start. */
	if (strlen(command) > SSH_LABEL_MAX)
		xasprintf(&c->label, "%.*s...", SSH_LABEL_MAX - 3, command);
	else
		c->label = xstrdup(command);
	c->state = SSH_CHAN_NEW;
	c->exit_status = -1;
	LIST_INSERT_HEAD(&s->chans, c, entry);
	return c;
}

void
ssh_chan_pty(struct ssh_chan *c, const char *command, int text_end)
{
	if (c->state != SSH_CHAN_NEW)
		fatalx("%s: channel for \"%s\" already started", __func__,
		    c->label);
	free(c->pty_command);
	c->pty_command = xstrdup(command);
	c->text_end = text_end;
}

bool
ssh_chan_tty(struct ssh_chan *c)
{
	return c->tty;
}

static int
ssh_chan_usable(struct ssh_chan *c, char **cause)
{
	if (c->s == NULL) {
		xasprintf(cause, "ssh channel: session is gone");
		return SSH_ERR;
	}
	return ssh_usable(c->s, cause);
}

int
ssh_chan_start(struct ssh_chan *c, char **cause)
{
	struct ssh	*s = c->s;
	int		 rc;

	if (ssh_chan_usable(c, cause) != SSH_OK)
		return SSH_ERR;
	switch (c->state) {
	case SSH_CHAN_NEW:
		if ((s->opening != NULL && s->opening != c) ||
		    ssh_tx_busy(s, s, SSH_OP_OPEN))
			return SSH_AGAIN;
		c->chan = libssh2_channel_open_session(s->session);
		rc = c->chan == NULL ? libssh2_session_last_errno(s->session) :
		    0;
		ssh_tx_done(s, s, SSH_OP_OPEN, rc);
		if (rc == LIBSSH2_ERROR_EAGAIN) {
			s->opening = c;
			return SSH_AGAIN;
		}
		s->opening = NULL;
		if (c->chan == NULL) {
			return ssh_error_rc(s, rc, SSH_FAIL_REMOTE, cause,
			    "open ssh channel");
		}
		c->state = c->pty_command != NULL ? SSH_CHAN_PTY :
		    SSH_CHAN_EXEC;
		if (c->state == SSH_CHAN_EXEC)
			goto exec;
		/* FALLTHROUGH */
	case SSH_CHAN_PTY:
		if (ssh_tx_busy(s, c, SSH_OP_PTY))
			return SSH_AGAIN;
		rc = libssh2_channel_request_pty_ex(c->chan, "dumb", 4,
		    (const char *)ssh_raw_modes, sizeof(ssh_raw_modes), 80, 24,
		    0, 0);
		ssh_tx_done(s, c, SSH_OP_PTY, rc);
		if (rc == LIBSSH2_ERROR_EAGAIN)
			return SSH_AGAIN;
		if (rc == 0) {
			c->tty = true;
			free(c->command);
			c->command = c->pty_command;
			c->pty_command = NULL;
		} else if (rc == LIBSSH2_ERROR_CHANNEL_REQUEST_DENIED) {
			/* no-pty (restrict) or PermitTTY no: pipes it is. */
			log_debug("ssh: no pty for \"%s\": the server "
			    "refused it", c->label);
		} else {
			return ssh_error_rc(s, rc, SSH_FAIL_REMOTE, cause,
			    "pty for \"%s\"", c->label);
		}
		c->state = SSH_CHAN_EXEC;
		/* FALLTHROUGH */
	case SSH_CHAN_EXEC:
	exec:
		if (ssh_tx_busy(s, c, SSH_OP_EXEC))
			return SSH_AGAIN;
		rc = libssh2_channel_exec(c->chan, c->command);
		ssh_tx_done(s, c, SSH_OP_EXEC, rc);
		if (rc == LIBSSH2_ERROR_EAGAIN)
			return SSH_AGAIN;
		if (rc != 0) {
			return ssh_error_rc(s, rc, SSH_FAIL_REMOTE, cause,
			    "exec \"%s\"", c->label);
		}
		c->state = SSH_CHAN_RUNNING;
		return SSH_OK;
	case SSH_CHAN_RUNNING:
		return SSH_OK;
	default:
		break;
	}
	return ssh_error(s, SSH_FAIL_REMOTE, cause,
	    "ssh channel for \"%s\" is closed", c->label);
}

static ssize_t
ssh_chan_read_stream(struct ssh_chan *c, int stream, void *buf, size_t len,
    char **cause)
{
	struct ssh	*s = c->s;
	char		*p = buf;
	size_t		 got = 0;
	ssize_t		 n = 0;

	if (ssh_chan_usable(c, cause) != SSH_OK)
		return SSH_ERR;
	if (c->state != SSH_CHAN_RUNNING) {
		return ssh_error(s, SSH_FAIL_REMOTE, cause,
		    "read from ssh channel for \"%s\": not running",
		    c->label);
	}
	if (len == 0)
		return SSH_AGAIN;
	if (ssh_tx_busy(s, c, SSH_OP_READ))
		return SSH_AGAIN;
	/* The socket is empty and libssh2 holds nothing for the channel. */
	if (s->hinted && s->rx_empty && !ssh_chan_queued(c)) {
		if (libssh2_channel_eof(c->chan) != 1)
			return SSH_AGAIN;
		c->eof_seen[stream != 0] = true;
		return 0;
	}
	/*
	 * libssh2 reads the socket until EAGAIN before it hands out what
	 * it holds: a read shorter than asked has taken everything there
	 * is, and another would only cost a time() and a failing recv().
	 */
	while (got < len) {
		s->rx_empty = false;
		n = libssh2_channel_read_ex(c->chan, stream, p + got,
		    len - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		if (s->rx_empty && !ssh_chan_queued(c))
			break;
	}
	ssh_tx_done(s, c, SSH_OP_READ, n < 0 ? (int)n : 0);
	if (got > 0)
		return (ssize_t)got;	/* an error shows up next time */
	if (n == 0) {
		if (libssh2_channel_eof(c->chan) != 1)
			return SSH_AGAIN;
		c->eof_seen[stream != 0] = true;
		return 0;
	}
	if (n == LIBSSH2_ERROR_EAGAIN)
		return SSH_AGAIN;
	return ssh_error_rc(s, (int)n, SSH_FAIL_REMOTE, cause,
	    "read from ssh channel for \"%s\"", c->label);
}

/* Keep text from a pty channel's stdout; the newest if it overflows. */
static void
ssh_chan_pretext_add(struct ssh_chan *c, const char *p, size_t n)
{
	size_t	drop;

	if (n > sizeof(c->pretext)) {
		p += n - sizeof(c->pretext);
		n = sizeof(c->pretext);
	}
	if (c->pretext_len + n > sizeof(c->pretext)) {
		drop = c->pretext_len + n - sizeof(c->pretext);
		memmove(c->pretext, c->pretext + drop, c->pretext_len - drop);
		c->pretext_len -= drop;
	}
	memcpy(c->pretext + c->pretext_len, p, n);
	c->pretext_len += n;
}

ssize_t
ssh_chan_read(struct ssh_chan *c, void *buf, size_t len, char **cause)
{
	char	*p = buf, *q;
	size_t	 k;
	ssize_t	 n;

	if (!c->tty || c->text_done)
		return ssh_chan_read_stream(c, 0, buf, len, cause);
	/* A pty: what comes before the first text_end byte is stderr. */
	for (;;) {
		n = ssh_chan_read_stream(c, 0, buf, len, cause);
		if (n <= 0)
			return n;
		q = memchr(p, c->text_end, (size_t)n);
		k = q != NULL ? (size_t)(q - p) : (size_t)n;
		ssh_chan_pretext_add(c, p, k);
		if (q != NULL) {
			c->text_done = true;
			memmove(p, q, (size_t)n - k);
			return n - (ssize_t)k;
		}
	}
}

ssize_t
ssh_chan_read_stderr(struct ssh_chan *c, void *buf, size_t len, char **cause)
{
	size_t	k;

	if (c->pretext_len > 0 && len > 0) {
		k = c->pretext_len < len ? c->pretext_len : len;
		memcpy(buf, c->pretext, k);
		memmove(c->pretext, c->pretext + k, c->pretext_len - k);
		c->pretext_len -= k;
		return (ssize_t)k;
	}
	return ssh_chan_read_stream(c, SSH_EXTENDED_DATA_STDERR, buf, len,
	    cause);
}

ssize_t
ssh_chan_write(struct ssh_chan *c, const void *buf, size_t len, char **cause)
{
	struct ssh	*s = c->s;
	const char	*p = buf;
	size_t		 done = 0, chunk;
	ssize_t		 n = 0;

	if (ssh_chan_usable(c, cause) != SSH_OK)
		return SSH_ERR;
	if (c->state != SSH_CHAN_RUNNING) {
		return ssh_error(s, SSH_FAIL_REMOTE, cause,
		    "write to ssh channel for \"%s\": not running",
		    c->label);
	}
	if (len == 0)
		return 0;
	if (ssh_tx_busy(s, c, SSH_OP_WRITE))
		return SSH_AGAIN;
	while (done < len) {
		chunk = len - done;
		if (chunk > SSH_WRITE_MAX)
			chunk = SSH_WRITE_MAX;
		/* 0: the peer's window is closed. */
		if ((n = libssh2_channel_write(c->chan, p + done, chunk)) <= 0)
			break;
		done += (size_t)n;
	}
	ssh_tx_done(s, c, SSH_OP_WRITE, n < 0 ? (int)n : 0);
	if (done > 0)
		return (ssize_t)done;
	if (n == 0 || n == LIBSSH2_ERROR_EAGAIN)
		return SSH_AGAIN;
	if (n == LIBSSH2_ERROR_CHANNEL_EOF_SENT ||
	    n == LIBSSH2_ERROR_CHANNEL_CLOSED) {
		return ssh_error(s, SSH_FAIL_REMOTE, cause,
		    "write to ssh channel for \"%s\": the remote end has "
		    "closed it", c->label);
	}
	return ssh_error_rc(s, (int)n, SSH_FAIL_REMOTE, cause,
	    "write to ssh channel for \"%s\"", c->label);
}

int
ssh_chan_send_eof(struct ssh_chan *c, char **cause)
{
	struct ssh	*s = c->s;
	int		 rc;

	if (ssh_chan_usable(c, cause) != SSH_OK)
		return SSH_ERR;
	if (c->state != SSH_CHAN_RUNNING) {
		return ssh_error(s, SSH_FAIL_REMOTE, cause,
		    "eof to ssh channel for \"%s\": not running", c->label);
	}
	if (ssh_tx_busy(s, c, SSH_OP_EOF))
		return SSH_AGAIN;
	rc = libssh2_channel_send_eof(c->chan);
	ssh_tx_done(s, c, SSH_OP_EOF, rc);
	if (rc == LIBSSH2_ERROR_EAGAIN)
		return SSH_AGAIN;
	if (rc != 0) {
		return ssh_error_rc(s, rc, SSH_FAIL_REMOTE, cause,
		    "eof to ssh channel for \"%s\"", c->label);
	}
	return SSH_OK;
}

/* Whether libssh2 holds data (either stream) for c: no system call. */
static bool
ssh_chan_queued(struct ssh_chan *c)
{
	unsigned long	avail = 0;

	(void)libssh2_channel_window_read_ex(c->chan, &avail, NULL);
	return avail > 0;
}

bool
ssh_chan_pending(struct ssh_chan *c)
{
	unsigned long	avail = 0;

	if (c->s == NULL || c->chan == NULL || c->state != SSH_CHAN_RUNNING)
		return false;
	if (c->pretext_len > 0)
		return true;
	/* A read now would wait for the send path (POLLOUT) anyway. */
	if (c->s->tx_who != NULL)
		return false;
	(void)libssh2_channel_window_read_ex(c->chan, &avail, NULL);
	if (avail > 0)
		return true;
	return libssh2_channel_eof(c->chan) == 1 &&
	    (!c->eof_seen[0] || !c->eof_seen[1]);
}

bool
ssh_chan_eof(struct ssh_chan *c)
{
	if (c->chan == NULL || c->state < SSH_CHAN_RUNNING)
		return false;
	return libssh2_channel_eof(c->chan) == 1;
}

int
ssh_chan_close(struct ssh_chan *c, char **cause)
{
	struct ssh	*s = c->s;
	char		*sig = NULL;
	size_t		 siglen = 0;
	int		 rc;

	if (c->state == SSH_CHAN_CLOSED)
		return SSH_OK;
	if (ssh_chan_usable(c, cause) != SSH_OK)
		return SSH_ERR;
	switch (c->state) {
	case SSH_CHAN_NEW:
	case SSH_CHAN_EXEC:
		return ssh_error(s, SSH_FAIL_REMOTE, cause,
		    "close ssh channel for \"%s\": not started", c->label);
	case SSH_CHAN_RUNNING:
		c->state = SSH_CHAN_CLOSING;
		/* FALLTHROUGH */
	case SSH_CHAN_CLOSING:
		if (ssh_tx_busy(s, c, SSH_OP_CLOSE))
			return SSH_AGAIN;
		rc = libssh2_channel_close(c->chan);
		ssh_tx_done(s, c, SSH_OP_CLOSE, rc);
		if (rc == LIBSSH2_ERROR_EAGAIN)
			return SSH_AGAIN;
		if (rc != 0) {
			return ssh_error_rc(s, rc, SSH_FAIL_REMOTE, cause,
			    "close ssh channel for \"%s\"", c->label);
		}
		c->state = SSH_CHAN_WAIT_CLOSED;
		/* FALLTHROUGH */
	case SSH_CHAN_WAIT_CLOSED:
		if (ssh_tx_busy(s, c, SSH_OP_CLOSE))
			return SSH_AGAIN;
		rc = libssh2_channel_wait_closed(c->chan);
		ssh_tx_done(s, c, SSH_OP_CLOSE, rc);
		if (rc == LIBSSH2_ERROR_EAGAIN)
			return SSH_AGAIN;
		/* INVAL: the remote sent no EOF, so no CLOSE to wait for. */
		if (rc != 0 && rc != LIBSSH2_ERROR_INVAL) {
			return ssh_error_rc(s, rc, SSH_FAIL_REMOTE, cause,
			    "close ssh channel for \"%s\"", c->label);
		}
		break;
	default:
		break;
	}
	c->state = SSH_CHAN_CLOSED;
	if (libssh2_channel_get_exit_signal(c->chan, &sig, &siglen, NULL,
	    NULL, NULL, NULL) == 0 && sig != NULL) {
		/* The far end names it: safe to show first. */
		c->exit_signal = xmalloc(VIS_MAX(siglen));
		(void)vis_buf(c->exit_signal, VIS_MAX(siglen), sig, siglen, 0);
		libssh2_free(s->session, sig);
		c->exit_status = -1;
	} else
		c->exit_status = libssh2_channel_get_exit_status(c->chan);
	return SSH_OK;
}

int
ssh_chan_exit_status(struct ssh_chan *c, const char **signame)
{
	if (signame != NULL)
		*signame = c->exit_signal;
	if (c->state != SSH_CHAN_CLOSED)
		return -1;
	return c->exit_status;
}

void
ssh_chan_free(struct ssh_chan *c)
{
	struct ssh	*s;

	if (c == NULL)
		return;
	if ((s = c->s) != NULL) {
		LIST_REMOVE(c, entry);
		if (s->opening == c || s->tx_who == c) {
			/* libssh2 is mid-packet for it: nothing else can go. */
			if (s->broken == NULL) {
				xasprintf(&s->broken, "ssh channel for \"%s\" "
				    "freed in the middle of a send",
				    c->label);
			}
			if (s->opening == c)
				s->opening = NULL;
			s->tx_who = NULL;
		} else if (c->chan != NULL && c->state == SSH_CHAN_CLOSED) {
			/* Closed: freeing sends nothing. */
			if (libssh2_channel_free(c->chan) != 0)
				log_debug("ssh: channel free deferred");
		}
		/* Else libssh2_session_free() frees it. */
	}
	free(c->command);
	free(c->pty_command);
	free(c->label);
	free(c->exit_signal);
	free(c);
}
