/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * ssh-exec: run one command on a server through src/ssh.c, driven by the
 * event loop exactly as vpnd drives it: non-blocking connect with a
 * timeout, then handshake, host key check, public key authentication and
 * an exec channel, all in steps.  stdin goes to the command, its stdout
 * and stderr come back to ours, through bounded buffers, both ways at
 * once.  The integration tests use it to prove the module against a real
 * sshd.
 *
 * Exit status: the command's; 3 host key refused, 4 authentication
 * failed, 5 network failure, 6 the server refused the command, 2 usage,
 * 1 other errors, 255 the command was killed by a signal.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "ssh.h"
#include "xmalloc.h"

#define SX_BUFSZ	(256 * 1024)
#define SX_ERRBUFSZ	(16 * 1024)

enum sx_state {
	SX_CONNECT,
	SX_HANDSHAKE,
	SX_AUTH,
	SX_START,
	SX_RUN,
	SX_CLOSE,
	SX_DONE
};

struct sx_buf {
	char	*data;
	size_t	 size, off, len;
};

struct sx {
	struct loop		*loop;
	enum sx_state		 state;
	int			 fd;		/* socket, -1 once ssh owns it */
	int			 sockfd;	/* registered in the loop */
	struct ssh		*ssh;
	struct ssh_chan		*chan;
	struct loop_timer	 setup_timer;
	struct loop_timer	 ka_timer;
	int			 exitcode;

	const char		*host;
	int			 port;
	const char		*user;
	const char		*identity;
	const char		*known_hosts;
	const char		*command;
	int			 timeout;	/* seconds, setup */
	int			 keepalive;	/* seconds, 0 off */

	struct sx_buf		 in, out, err;
	bool			 stdin_eof;	/* read() returned 0 */
	bool			 stdin_dead;	/* remote will not read it */
	bool			 eof_sent;
	bool			 eof_pending;	/* send_eof said SSH_AGAIN */
	bool			 out_eof, err_eof;
	bool			 stdout_dead, stderr_dead;
	int			 fdflags[3];
};

static void	usage(void) __attribute__((noreturn));
static void	sx_fail(struct sx *, enum ssh_fail, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static void	sx_finish(struct sx *, int);
static void	sx_connect(struct sx *);
static void	sx_drive(struct sx *);
static void	sx_relay(struct sx *);
static void	sx_events(struct sx *);
static void	sx_buf_take(struct sx_buf *, size_t);
static void	sx_on_sock(int, short, void *);
static void	sx_on_stdio(int, short, void *);
static void	sx_on_setup_timeout(void *);
static void	sx_on_keepalive(void *);

static void
usage(void)
{
	fprintf(stderr, "usage: ssh-exec [-v] [-K keepalive] [-p port] "
	    "[-t timeout] -i identity -k known_hosts -u user host command\n");
	exit(2);
}

static int
sx_exitcode(enum ssh_fail f)
{
	switch (f) {
	case SSH_FAIL_HOSTKEY:
		return 3;
	case SSH_FAIL_AUTH:
		return 4;
	case SSH_FAIL_NETWORK:
		return 5;
	case SSH_FAIL_REMOTE:
		return 6;
	case SSH_FAIL_NONE:
		break;
	}
	return 1;
}

static void
sx_finish(struct sx *sx, int code)
{
	sx->exitcode = code;
	sx->state = SX_DONE;
	loop_break(sx->loop);
}

/* Report why and stop; the exit code follows the failure class. */
static void
sx_fail(struct sx *sx, enum ssh_fail f, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	/* stderr may be non-blocking and full: say it once, plainly. */
	(void)fcntl(STDERR_FILENO, F_SETFL, sx->fdflags[2]);
	log_warnx("%s failure: %s", ssh_fail_name(f), msg);
	free(msg);
	sx_finish(sx, sx_exitcode(f));
}

static void
sx_on_setup_timeout(void *arg)
{
	struct sx	*sx = arg;

	sx_fail(sx, SSH_FAIL_NETWORK, "%s:%d: timed out after %d s (%s)",
	    sx->host, sx->port, sx->timeout,
	    sx->state == SX_CONNECT ? "connect" :
	    sx->state == SX_HANDSHAKE ? "handshake" :
	    sx->state == SX_AUTH ? "authentication" : "exec");
}

static void
sx_on_keepalive(void *arg)
{
	struct sx	*sx = arg;
	uint64_t	 last_rx, quiet;
	char		*cause = NULL;
	int		 next;

	if (sx->state != SX_RUN && sx->state != SX_CLOSE)
		return;
	ssh_counters(sx->ssh, NULL, NULL, &last_rx);
	quiet = loop_now(sx->loop) - last_rx;
	if (quiet > (uint64_t)sx->keepalive * 3 * 1000) {
		sx_fail(sx, SSH_FAIL_NETWORK, "%s:%d: nothing received for "
		    "%llu ms", sx->host, sx->port, (unsigned long long)quiet);
		return;
	}
	if (ssh_keepalive(sx->ssh, &next, &cause) == SSH_ERR) {
		sx_fail(sx, ssh_fail_class(sx->ssh), "%s", cause);
		free(cause);
		return;
	}
	loop_timer_set(sx->loop, &sx->ka_timer,
	    (uint64_t)(next > 0 ? next : 1) * 1000);
	sx_drive(sx);	/* the keepalive may have read data */
}

static void
sx_connect(struct sx *sx)
{
	struct addrinfo	 hints, *res;
	char		 port[16];
	int		 error;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	(void)snprintf(port, sizeof(port), "%d", sx->port);
	/* Numeric only: a DNS lookup would block. */
	if ((error = getaddrinfo(sx->host, port, &hints, &res)) != 0) {
		fprintf(stderr, "ssh-exec: %s: %s (an IP address is needed)\n",
		    sx->host, gai_strerror(error));
		exit(2);
	}
	sx->fd = socket(res->ai_family,
	    res->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, res->ai_protocol);
	if (sx->fd == -1)
		fatal("socket");
	if (connect(sx->fd, res->ai_addr, res->ai_addrlen) == -1 &&
	    errno != EINPROGRESS) {
		error = errno;
		freeaddrinfo(res);
		sx_fail(sx, SSH_FAIL_NETWORK, "connect %s:%d: %s", sx->host,
		    sx->port, strerror(error));
		return;
	}
	freeaddrinfo(res);
	sx->sockfd = sx->fd;
	loop_fd_add(sx->loop, sx->sockfd, POLLOUT, sx_on_sock, sx);
}

static void
sx_on_sock(int fd, short revents, void *arg)
{
	struct sx	*sx = arg;
	socklen_t	 len;
	char		*cause = NULL;
	int		 error = 0;

	if (sx->state == SX_CONNECT) {
		len = sizeof(error);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == -1)
			error = errno;
		if (error == 0 && !(revents & POLLOUT))
			return;
		if (error != 0) {
			sx_fail(sx, SSH_FAIL_NETWORK, "connect %s:%d: %s",
			    sx->host, sx->port, strerror(error));
			return;
		}
		sx->ssh = ssh_new(sx->fd, &cause);
		sx->fd = -1;	/* ssh owns it, even on failure */
		if (sx->ssh == NULL) {
			loop_fd_del(sx->loop, sx->sockfd);
			sx->sockfd = -1;
			sx_fail(sx, SSH_FAIL_NETWORK, "%s", cause);
			free(cause);
			return;
		}
		sx->state = SX_HANDSHAKE;
	}
	sx_drive(sx);
}

static void
sx_on_stdio(int fd, short revents, void *arg)
{
	sx_drive(arg);
}

/* Run the setup steps as far as they go; then relay. */
static void
sx_drive(struct sx *sx)
{
	const char	*sig;
	char		*cause = NULL;
	ssize_t		 n;
	int		 r, status;

	switch (sx->state) {
	case SX_CONNECT:
	case SX_DONE:
		return;
	case SX_HANDSHAKE:
		if ((r = ssh_handshake(sx->ssh, &cause)) == SSH_AGAIN)
			break;
		if (r == SSH_ERR)
			goto fail;
		if (ssh_check_hostkey(sx->ssh, sx->known_hosts, sx->host,
		    sx->port, &cause) != SSH_OK)
			goto fail;
		sx->state = SX_AUTH;
		/* FALLTHROUGH */
	case SX_AUTH:
		if ((r = ssh_auth_pubkey(sx->ssh, sx->user, sx->identity,
		    &cause)) == SSH_AGAIN)
			break;
		if (r == SSH_ERR)
			goto fail;
		sx->chan = ssh_chan_new(sx->ssh, sx->command);
		sx->state = SX_START;
		/* FALLTHROUGH */
	case SX_START:
		if ((r = ssh_chan_start(sx->chan, &cause)) == SSH_AGAIN)
			break;
		if (r == SSH_ERR)
			goto fail;
		loop_timer_cancel(sx->loop, &sx->setup_timer);
		if (sx->keepalive > 0) {
			ssh_keepalive_config(sx->ssh,
			    (unsigned int)sx->keepalive);
			loop_timer_set(sx->loop, &sx->ka_timer, 0);
		}
		sx->state = SX_RUN;
		/* FALLTHROUGH */
	case SX_RUN:
		sx_relay(sx);
		if (sx->state != SX_CLOSE)
			break;
		/* FALLTHROUGH */
	case SX_CLOSE:
		/*
		 * The command ended before reading all of stdin.  A write
		 * that came back short may have left part of a packet in
		 * libssh2, which holds the send path (the close too) until
		 * that write is called again (ssh.h; the session then wants
		 * POLLOUT): finish it, then drop the rest of stdin and close.
		 * A write refused for a closed window holds nothing.
		 */
		while (sx->in.len > 0 && !sx->stdin_dead) {
			n = ssh_chan_write(sx->chan, sx->in.data + sx->in.off,
			    sx->in.len, &cause);
			if (n > 0) {
				sx_buf_take(&sx->in, (size_t)n);
				continue;
			}
			if (n == SSH_AGAIN &&
			    (ssh_poll_events(sx->ssh) & POLLOUT))
				break;
			free(cause);
			cause = NULL;
			sx->stdin_dead = true;
			sx->in.len = sx->in.off = 0;
		}
		if (sx->in.len > 0 && !sx->stdin_dead)
			break;
		if ((r = ssh_chan_close(sx->chan, &cause)) == SSH_AGAIN)
			break;
		if (r == SSH_ERR)
			goto fail;
		status = ssh_chan_exit_status(sx->chan, &sig);
		if (status == -1) {
			log_warnx("remote command %s", sig != NULL ?
			    "killed by a signal" : "sent no exit status");
			if (sig != NULL)
				log_warnx("signal: SIG%s", sig);
			sx_finish(sx, 255);
		} else
			sx_finish(sx, status);
		return;
	}
	if (sx->state != SX_DONE)
		sx_events(sx);
	return;

fail:
	sx_fail(sx, ssh_fail_class(sx->ssh), "%s", cause);
	free(cause);
}

static void
sx_buf_take(struct sx_buf *b, size_t n)
{
	b->off += n;
	b->len -= n;
	if (b->len == 0)
		b->off = 0;
}

/* Free room at the end of b, compacting when the head is consumed. */
static size_t
sx_buf_room(struct sx_buf *b)
{
	if (b->off > 0 && b->off + b->len == b->size) {
		memmove(b->data, b->data + b->off, b->len);
		b->off = 0;
	}
	return b->size - b->off - b->len;
}

/* Write b to fd as far as it goes; false on a hard error. */
static bool
sx_flush(struct sx_buf *b, int fd, bool *progress)
{
	ssize_t	n;

	while (b->len > 0) {
		n = write(fd, b->data + b->off, b->len);
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return true;
			return false;
		}
		sx_buf_take(b, (size_t)n);
		*progress = true;
	}
	return true;
}

/*
 * Move bytes every way they can go until nothing moves: stdin to the
 * channel, the channel's stdout and stderr to ours.  libssh2 buffers
 * input, so the channel is read until it says SSH_AGAIN every time.
 */
static void
sx_relay(struct sx *sx)
{
	char	*cause = NULL;
	ssize_t	 n;
	size_t	 room;
	bool	 progress;
	int	 r;

	do {
		progress = false;

		/* stdin -> buffer */
		if (!sx->stdin_eof && !sx->stdin_dead &&
		    (room = sx_buf_room(&sx->in)) > 0) {
			n = read(STDIN_FILENO, sx->in.data + sx->in.off +
			    sx->in.len, room);
			if (n > 0) {
				sx->in.len += (size_t)n;
				progress = true;
			} else if (n == 0) {
				sx->stdin_eof = true;
				progress = true;
			} else if (errno != EAGAIN && errno != EINTR) {
				log_warn("stdin");
				sx->stdin_eof = true;
			}
		}

		/* buffer -> channel */
		if (sx->in.len > 0 && !sx->stdin_dead) {
			n = ssh_chan_write(sx->chan, sx->in.data + sx->in.off,
			    sx->in.len, &cause);
			if (n > 0) {
				sx_buf_take(&sx->in, (size_t)n);
				progress = true;
			} else if (n == SSH_ERR) {
				if (!ssh_chan_eof(sx->chan) &&
				    ssh_fail_class(sx->ssh) != SSH_FAIL_REMOTE)
					goto fail;
				/* The command stopped reading: drop stdin. */
				free(cause);
				cause = NULL;
				sx->stdin_dead = true;
				sx->in.len = sx->in.off = 0;
				progress = true;
			}
		}
		/*
		 * Once begun, the EOF is sent to the end even if the remote's
		 * own EOF came meanwhile: a step that said SSH_AGAIN holds
		 * the session's send path until it is called again (ssh.h).
		 */
		if ((sx->stdin_eof || sx->stdin_dead) && sx->in.len == 0 &&
		    !sx->eof_sent && (sx->eof_pending ||
		    !ssh_chan_eof(sx->chan))) {
			r = ssh_chan_send_eof(sx->chan, &cause);
			sx->eof_pending = r == SSH_AGAIN;
			if (r == SSH_OK) {
				sx->eof_sent = true;
				progress = true;
			} else if (r == SSH_ERR)
				goto fail;
		}

		/* channel -> buffers */
		if (!sx->out_eof && (room = sx_buf_room(&sx->out)) > 0) {
			n = ssh_chan_read(sx->chan, sx->out.data + sx->out.off +
			    sx->out.len, room, &cause);
			if (n > 0) {
				sx->out.len += (size_t)n;
				progress = true;
			} else if (n == 0) {
				sx->out_eof = true;
				progress = true;
			} else if (n == SSH_ERR)
				goto fail;
		}
		if (!sx->err_eof && (room = sx_buf_room(&sx->err)) > 0) {
			n = ssh_chan_read_stderr(sx->chan, sx->err.data +
			    sx->err.off + sx->err.len, room, &cause);
			if (n > 0) {
				sx->err.len += (size_t)n;
				progress = true;
			} else if (n == 0) {
				sx->err_eof = true;
				progress = true;
			} else if (n == SSH_ERR)
				goto fail;
		}

		/* buffers -> stdout, stderr */
		if (sx->stdout_dead)
			sx->out.len = sx->out.off = 0;
		else if (!sx_flush(&sx->out, STDOUT_FILENO, &progress))
			sx->stdout_dead = true;
		if (sx->stderr_dead)
			sx->err.len = sx->err.off = 0;
		else if (!sx_flush(&sx->err, STDERR_FILENO, &progress))
			sx->stderr_dead = true;
		/*
		 * Reading one stream can pull the other's data into libssh2,
		 * where poll() cannot see it: go on while it holds some and
		 * both buffers have room (a full one waits for its fd).
		 */
		if (!progress && ssh_chan_pending(sx->chan) &&
		    sx_buf_room(&sx->out) > 0 && sx_buf_room(&sx->err) > 0)
			progress = true;
	} while (progress);

	if (sx->out_eof && sx->err_eof && sx->out.len == 0 &&
	    sx->err.len == 0)
		sx->state = SX_CLOSE;
	return;

fail:
	sx_fail(sx, ssh_fail_class(sx->ssh), "%s", cause);
	free(cause);
}

/* Watch what the current state waits for. */
static void
sx_events(struct sx *sx)
{
	short	ev;

	ev = POLLIN | ssh_poll_events(sx->ssh);
	loop_fd_events(sx->loop, sx->sockfd, ev);
	if (sx->state != SX_RUN) {
		loop_fd_events(sx->loop, STDIN_FILENO, 0);
		loop_fd_events(sx->loop, STDOUT_FILENO, 0);
		loop_fd_events(sx->loop, STDERR_FILENO, 0);
		return;
	}
	loop_fd_events(sx->loop, STDIN_FILENO,
	    !sx->stdin_eof && !sx->stdin_dead &&
	    sx->in.off + sx->in.len < sx->in.size ? POLLIN : 0);
	loop_fd_events(sx->loop, STDOUT_FILENO, sx->out.len > 0 ? POLLOUT : 0);
	loop_fd_events(sx->loop, STDERR_FILENO, sx->err.len > 0 ? POLLOUT : 0);
}

static void
sx_buf_init(struct sx_buf *b, size_t size)
{
	b->data = xmalloc(size);
	b->size = size;
	b->off = b->len = 0;
}

static int
sx_number(const char *s, int min, int max)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
		usage();
	return (int)v;
}

int
main(int argc, char **argv)
{
	struct sx	 sx;
	char		*cause = NULL;
	int		 ch, verbose = 0, fd;

	memset(&sx, 0, sizeof(sx));
	sx.port = 22;
	sx.timeout = 30;
	sx.fd = sx.sockfd = -1;
	while ((ch = getopt(argc, argv, "i:K:k:p:t:u:v")) != -1) {
		switch (ch) {
		case 'i':
			sx.identity = optarg;
			break;
		case 'K':
			sx.keepalive = sx_number(optarg, 0, 3600);
			break;
		case 'k':
			sx.known_hosts = optarg;
			break;
		case 'p':
			sx.port = sx_number(optarg, 1, 65535);
			break;
		case 't':
			sx.timeout = sx_number(optarg, 1, 3600);
			break;
		case 'u':
			sx.user = optarg;
			break;
		case 'v':
			verbose++;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2 || sx.identity == NULL || sx.known_hosts == NULL ||
	    sx.user == NULL)
		usage();
	sx.host = argv[0];
	sx.command = argv[1];

	log_init("ssh-exec", true, verbose);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		fatal("signal SIGPIPE");
	if (ssh_lib_init(&cause) == -1)
		fatalx("%s", cause);

	for (fd = 0; fd < 3; fd++) {
		if ((sx.fdflags[fd] = fcntl(fd, F_GETFL)) == -1)
			fatal("fd %d", fd);
	}
	sx_buf_init(&sx.in, SX_BUFSZ);
	sx_buf_init(&sx.out, SX_BUFSZ);
	sx_buf_init(&sx.err, SX_ERRBUFSZ);

	sx.loop = loop_new();
	loop_timer_init(&sx.setup_timer, sx_on_setup_timeout, &sx);
	loop_timer_init(&sx.ka_timer, sx_on_keepalive, &sx);
	loop_timer_set(sx.loop, &sx.setup_timer, (uint64_t)sx.timeout * 1000);
	for (fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_SETFL, sx.fdflags[fd] | O_NONBLOCK) == -1)
			fatal("fd %d", fd);
		loop_fd_add(sx.loop, fd, 0, sx_on_stdio, &sx);
	}

	sx.state = SX_CONNECT;
	sx_connect(&sx);
	if (sx.state != SX_DONE && loop_run(sx.loop) == -1)
		fatal("poll");

	loop_timer_cancel(sx.loop, &sx.setup_timer);
	loop_timer_cancel(sx.loop, &sx.ka_timer);
	if (sx.sockfd != -1)
		loop_fd_del(sx.loop, sx.sockfd);
	for (fd = 0; fd < 3; fd++) {
		loop_fd_del(sx.loop, fd);
		(void)fcntl(fd, F_SETFL, sx.fdflags[fd]);
	}
	if (sx.ssh != NULL && sx.exitcode != 5)
		ssh_disconnect(sx.ssh, "ssh-exec done");
	ssh_chan_free(sx.chan);
	ssh_free(sx.ssh);
	if (sx.fd != -1)
		(void)close(sx.fd);
	loop_free(sx.loop);
	free(sx.in.data);
	free(sx.out.data);
	free(sx.err.data);
	ssh_lib_exit();
	return sx.exitcode;
}
