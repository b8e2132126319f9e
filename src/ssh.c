/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The libssh2 session wrapper.  Owns struct ssh (the LIBSSH2_SESSION,
 * its socket, byte counters and the "send path" lock) and struct
 * ssh_chan (one exec channel).  Everything is non-blocking: each step
 * makes what progress the socket allows and reports SSH_AGAIN.
 *
 * The send path lock: libssh2 encrypts a packet once and, when the
 * socket takes only part of it, keeps the rest and insists that the
 * same call, with the same packet, finishes it; any other packet is
 * refused with LIBSSH2_ERROR_BAD_USE.  So the step that got EAGAIN with
 * libssh2 blocked on sending becomes the owner of the send path and any
 * other sending step answers SSH_AGAIN until the owner completes.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base64.h"
#include "log.h"
#include "loop.h"
#include "ssh.h"
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

/* Unsent bytes the socket may hold (TCP_NOTSENT_LOWAT). */
#define SSH_NOTSENT_LOWAT	(32 * 1024)

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

struct ssh {
	LIBSSH2_SESSION		*session;
	int			 fd;
	enum ssh_fail		 fail;
	bool			 handshaken;
	bool			 auth_started;
	char			*broken;	/* why the session is unusable */

	const void		*tx_who;	/* send path owner, or NULL */
	enum ssh_op		 tx_op;
	struct ssh_chan		*opening;	/* channel being opened */

	int			 sock_errno;	/* last recv/send errno */
	bool			 peer_closed;	/* recv() returned 0 */
	uint64_t		 rx, tx, last_rx;
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

struct ssh_keytype {
	int		 hostkey;	/* LIBSSH2_HOSTKEY_TYPE_* */
	int		 known;		/* LIBSSH2_KNOWNHOST_KEY_* */
	const char	*name;
};

static const struct ssh_keytype ssh_keytypes[] = {
	{ LIBSSH2_HOSTKEY_TYPE_ED25519, LIBSSH2_KNOWNHOST_KEY_ED25519,
	    "ssh-ed25519" },
	{ LIBSSH2_HOSTKEY_TYPE_ECDSA_256, LIBSSH2_KNOWNHOST_KEY_ECDSA_256,
	    "ecdsa-sha2-nistp256" },
	{ LIBSSH2_HOSTKEY_TYPE_ECDSA_384, LIBSSH2_KNOWNHOST_KEY_ECDSA_384,
	    "ecdsa-sha2-nistp384" },
	{ LIBSSH2_HOSTKEY_TYPE_ECDSA_521, LIBSSH2_KNOWNHOST_KEY_ECDSA_521,
	    "ecdsa-sha2-nistp521" },
	{ LIBSSH2_HOSTKEY_TYPE_RSA, LIBSSH2_KNOWNHOST_KEY_SSHRSA, "ssh-rsa" },
	{ LIBSSH2_HOSTKEY_TYPE_DSS, LIBSSH2_KNOWNHOST_KEY_SSHDSS, "ssh-dss" },
};

/* The server's host key, as ssh_hostkey_get() found it. */
struct ssh_key {
	const char			*blob;	/* owned by libssh2 */
	size_t				 len;
	const struct ssh_keytype	*type;
	char				*fp;	/* SHA256:... */
	char				*b64;	/* the blob in base64 */
};

/* A known_hosts entry libssh2 parsed, and the line it came from. */
struct ssh_kh_line {
	struct libssh2_knownhost	*entry;
	unsigned long			 line;
};

static LIBSSH2_RECV_FUNC(ssh_recv_cb);
static LIBSSH2_SEND_FUNC(ssh_send_cb);
static int	ssh_error(struct ssh *, enum ssh_fail, char **, const char *,
		    ...) __attribute__((format(printf, 4, 5)));
static int	ssh_error_rc(struct ssh *, int, enum ssh_fail, char **,
		    const char *, ...) __attribute__((format(printf, 5, 6)));
static bool	ssh_network_rc(int);
static bool	ssh_tx_busy(struct ssh *, const void *, enum ssh_op);
static void	ssh_tx_done(struct ssh *, const void *, enum ssh_op, int);
static int	ssh_usable(struct ssh *, char **);
static int	ssh_set_hostkey_prefs(struct ssh *, char **);
static char	*ssh_known_name(const char *, int);
static int	ssh_hostkey_get(struct ssh *, struct ssh_key *, char **);
static void	ssh_key_clear(struct ssh_key *);
static const char *ssh_kh_type_name(int);
static int	ssh_kh_load(struct ssh *, LIBSSH2_KNOWNHOSTS *, const char *,
		    const struct ssh_key *, struct ssh_kh_line **, size_t *,
		    unsigned long *, char **);
static unsigned long ssh_kh_lineno(const struct ssh_kh_line *, size_t,
		    const struct libssh2_knownhost *);
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

struct ssh *
ssh_new(int fd, char **cause)
{
	struct ssh	*s;
	int		 flags, one = 1, lowat = SSH_NOTSENT_LOWAT;

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
	/*
	 * Keep what is not sent yet in the socket to about one SSH packet:
	 * a deeper queue there only delays the packets behind it (a ping
	 * behind a bulk transfer) and moves the backlog out of reach of the
	 * qdisc of the PPP interface.  Best effort: an old kernel lacks it.
	 */
	if (setsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &lowat,
	    sizeof(lowat)) == -1)
		log_debug("ssh socket: TCP_NOTSENT_LOWAT: %s", strerror(errno));
	if ((s->session = libssh2_session_init_ex(NULL, NULL, NULL,
	    s)) == NULL) {
		xasprintf(cause, "ssh: cannot create a libssh2 session");
		goto fail;
	}
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
	return msg;
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
static int
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

/*
 * The host name as OpenSSH spells it in known_hosts: lower case, bare for
 * port 22, else "[host]:port".
 */
static char *
ssh_known_name(const char *host, int port)
{
	char	*name, *p;

	if (port == 22)
		name = xstrdup(host);
	else
		xasprintf(&name, "[%s]:%d", host, port);
	for (p = name; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return name;
}

static int
ssh_hostkey_get(struct ssh *s, struct ssh_key *k, char **cause)
{
	const unsigned char	*hash;
	char			*b64;
	size_t			 i;
	int			 type;

	memset(k, 0, sizeof(*k));
	if (!s->handshaken) {
		xasprintf(cause, "host key: no handshake yet");
		return -1;
	}
	if ((k->blob = libssh2_session_hostkey(s->session, &k->len,
	    &type)) == NULL) {
		xasprintf(cause, "host key: %s", ssh_errmsg(s));
		return -1;
	}
	for (i = 0; i < sizeof(ssh_keytypes) / sizeof(ssh_keytypes[0]); i++) {
		if (ssh_keytypes[i].hostkey == type)
			k->type = &ssh_keytypes[i];
	}
	if (k->type == NULL) {
		xasprintf(cause, "host key: unsupported key type %d", type);
		return -1;
	}
	if ((hash = (const unsigned char *)libssh2_hostkey_hash(s->session,
	    LIBSSH2_HOSTKEY_HASH_SHA256)) == NULL) {
		xasprintf(cause, "host key: no SHA256 hash: %s", ssh_errmsg(s));
		return -1;
	}
	b64 = base64_encode(hash, 32, false);
	xasprintf(&k->fp, "SHA256:%s", b64);
	free(b64);
	k->b64 = base64_encode(k->blob, k->len, true);
	return 0;
}

static void
ssh_key_clear(struct ssh_key *k)
{
	free(k->fp);
	free(k->b64);
	memset(k, 0, sizeof(*k));
}

int
ssh_hostkey(struct ssh *s, const char *host, int port, char **type,
    char **fp, char **line, char **cause)
{
	struct ssh_key	 k;
	char		*name;

	if (ssh_hostkey_get(s, &k, cause) == -1) {
		ssh_key_clear(&k);
		return -1;
	}
	if (type != NULL)
		*type = xstrdup(k.type->name);
	if (fp != NULL)
		*fp = xstrdup(k.fp);
	if (line != NULL) {
		name = ssh_known_name(host, port);
		xasprintf(line, "%s %s %s", name, k.type->name, k.b64);
		free(name);
	}
	ssh_key_clear(&k);
	return 0;
}

static const char *
ssh_kh_type_name(int typemask)
{
	size_t	i;

	for (i = 0; i < sizeof(ssh_keytypes) / sizeof(ssh_keytypes[0]); i++) {
		if (ssh_keytypes[i].known ==
		    (typemask & LIBSSH2_KNOWNHOST_KEY_MASK))
			return ssh_keytypes[i].name;
	}
	return "unknown";
}

/*
 * Read the known_hosts file path into kh, remembering the line of each
 * entry in *lines.  Lines libssh2 cannot parse and @cert-authority lines
 * are skipped (as OpenSSH does); a @revoked line for key k sets *revoked
 * to its line number.  A missing file is empty.  Returns 0, or -1 with
 * *cause when the file cannot be read.
 */
static int
ssh_kh_load(struct ssh *s, LIBSSH2_KNOWNHOSTS *kh, const char *path,
    const struct ssh_key *k, struct ssh_kh_line **lines, size_t *nlines,
    unsigned long *revoked, char **cause)
{
	FILE				*f;
	struct libssh2_knownhost	*prev = NULL, *e;
	char				*buf = NULL, *p, *tok, *field[4];
	size_t				 bufsz = 0, len, nf;
	ssize_t				 n;
	unsigned long			 lineno = 0;
	int				 r = -1;

	*lines = NULL;
	*nlines = 0;
	*revoked = 0;
	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = getline(&buf, &bufsz, f)) != -1) {
		lineno++;
		len = (size_t)n;
		while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			buf[--len] = '\0';
		p = buf + strspn(buf, " \t");
		if (*p == '\0' || *p == '#')
			continue;
		if (*p == '@') {
			/* @revoked HOSTS KEYTYPE KEY: refuse that key. */
			nf = 0;
			while (nf < 4 && (tok = strsep(&p, " \t")) != NULL) {
				if (*tok != '\0')
					field[nf++] = tok;
			}
			if (nf == 4 && strcmp(field[0], "@revoked") == 0 &&
			    strcmp(field[2], k->type->name) == 0 &&
			    strcmp(field[3], k->b64) == 0 && *revoked == 0)
				*revoked = lineno;
			continue;
		}
		if (libssh2_knownhost_readline(kh, p, strlen(p),
		    LIBSSH2_KNOWNHOST_FILE_OPENSSH) != 0) {
			log_debug("%s:%lu: ignored: %s", path, lineno,
			    ssh_errmsg(s));
		}
		/* A line adds one entry per host name it lists (maybe some). */
		while (libssh2_knownhost_get(kh, &e, prev) == 0) {
			*lines = xreallocarray(*lines, *nlines + 1,
			    sizeof(**lines));
			(*lines)[*nlines].entry = e;
			(*lines)[*nlines].line = lineno;
			(*nlines)++;
			prev = e;
		}
	}
	if (ferror(f)) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		goto out;
	}
	r = 0;
out:
	free(buf);
	(void)fclose(f);
	return r;
}

static unsigned long
ssh_kh_lineno(const struct ssh_kh_line *lines, size_t n,
    const struct libssh2_knownhost *e)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (lines[i].entry == e)
			return lines[i].line;
	}
	return 0;
}

int
ssh_check_hostkey(struct ssh *s, const char *path, const char *host,
    int port, char **cause)
{
	LIBSSH2_KNOWNHOSTS		*kh = NULL;
	struct libssh2_knownhost	*found = NULL;
	struct ssh_kh_line		*lines = NULL;
	struct ssh_key			 k;
	size_t				 nlines = 0;
	unsigned long			 revoked = 0, lineno;
	char				*name, *why = NULL;
	int				 rc, r = SSH_ERR, mask;

	name = ssh_known_name(host, port);
	if (ssh_hostkey_get(s, &k, &why) == -1) {
		ssh_error(s, SSH_FAIL_HOSTKEY, cause, "%s: %s", name, why);
		goto out;
	}
	if ((kh = libssh2_knownhost_init(s->session)) == NULL) {
		ssh_error(s, SSH_FAIL_HOSTKEY, cause, "%s: known hosts: %s",
		    name, ssh_errmsg(s));
		goto out;
	}
	if (ssh_kh_load(s, kh, path, &k, &lines, &nlines, &revoked,
	    &why) == -1) {
		ssh_error(s, SSH_FAIL_HOSTKEY, cause,
		    "host key for %s cannot be checked: %s", name, why);
		goto out;
	}
	if (revoked != 0) {
		ssh_error(s, SSH_FAIL_HOSTKEY, cause,
		    "host key for %s is revoked in %s:%lu: %s %s", name, path,
		    revoked, k.type->name, k.fp);
		goto out;
	}

	/*
	 * Check the exact name OpenSSH would: "[host]:port" alone, never
	 * the bare host, for a port other than 22 (port -1 below).
	 */
	mask = LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW;
	rc = libssh2_knownhost_checkp(kh, name, -1, k.blob, k.len,
	    mask | k.type->known, &found);
	switch (rc) {
	case LIBSSH2_KNOWNHOST_CHECK_MATCH:
		r = SSH_OK;
		break;
	case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
		lineno = ssh_kh_lineno(lines, nlines, found);
		ssh_error(s, SSH_FAIL_HOSTKEY, cause,
		    "host key for %s does not match %s:%lu (POSSIBLE MITM): "
		    "server offers %s %s; if the key was changed on purpose, "
		    "after verifying it, replace that line with: %s %s %s",
		    name, path, lineno, k.type->name, k.fp, name,
		    k.type->name, k.b64);
		break;
	case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
		/* Known with a key of another type?  Say so. */
		found = NULL;
		lineno = 0;
		if (libssh2_knownhost_checkp(kh, name, -1, k.blob, k.len,
		    mask, &found) == LIBSSH2_KNOWNHOST_CHECK_MISMATCH &&
		    found != NULL)
			lineno = ssh_kh_lineno(lines, nlines, found);
		if (lineno != 0) {
			ssh_error(s, SSH_FAIL_HOSTKEY, cause,
			    "host key for %s is unknown: %s %s (%s:%lu has a "
			    "key of type %s for it); after verifying it, add "
			    "to %s: %s %s %s", name, k.type->name, k.fp, path, lineno,
			    ssh_kh_type_name(found->typemask), path, name,
			    k.type->name, k.b64);
		} else {
			ssh_error(s, SSH_FAIL_HOSTKEY, cause,
			    "host key for %s is unknown: %s %s; after "
			    "verifying it, add to %s: %s %s %s", name,
			    k.type->name, k.fp, path, name, k.type->name,
			    k.b64);
		}
		break;
	default:
		ssh_error(s, SSH_FAIL_HOSTKEY, cause,
		    "host key for %s cannot be checked against %s: %s", name,
		    path, ssh_errmsg(s));
		break;
	}

out:
	if (kh != NULL)
		libssh2_knownhost_free(kh);
	free(lines);
	free(why);
	free(name);
	ssh_key_clear(&k);
	return r;
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
		c->exit_signal = xstrndup(sig, siglen);
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
