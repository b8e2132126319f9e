/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for src/ssh.c without an sshd: the failure classes and
 * causes a handshake gets from scripted misbehaving peers on loopback,
 * fd ownership when ssh_new() fails, steps called out of order, and the
 * line a known_hosts mismatch names when a line lists many hosts.
 * The real server paths are in tests/integration/ssh_*.sh.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ssh.h"
#include "ssh-int.h"

/* What the fake server does once the client is connected. */
enum peer_act {
	PEER_CLOSE,		/* close at once */
	PEER_RESET,		/* close with RST */
	PEER_HTTP,		/* answer like a web server, close */
	PEER_BAD_PACKET,	/* SSH banner, then a nonsense packet */
	PEER_SILENT		/* say nothing, keep the connection */
};

struct hs_case {
	const char	*name;
	enum peer_act	 act;
	int		 want;		/* SSH_ERR, or SSH_AGAIN at the end */
	enum ssh_fail	 fail;
	const char	*cause;		/* substring of the cause */
};

static const struct hs_case hs_cases[] = {
	{ "peer closes", PEER_CLOSE, SSH_ERR, SSH_FAIL_NETWORK,
	    "connection closed by the server" },
	{ "peer resets", PEER_RESET, SSH_ERR, SSH_FAIL_NETWORK,
	    "Connection reset by peer" },
	{ "peer is a web server", PEER_HTTP, SSH_ERR, SSH_FAIL_NETWORK,
	    "ssh handshake: " },
	{ "peer sends garbage after its banner", PEER_BAD_PACKET, SSH_ERR,
	    SSH_FAIL_NETWORK, "ssh handshake: " },
	{ "peer says nothing", PEER_SILENT, SSH_AGAIN, SSH_FAIL_NONE, NULL },
};

/* A connected loopback pair: *cli non-blocking, *srv the accepted end. */
static void
tcp_pair(int *cli, int *srv)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			lfd;

	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(lfd != -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sin, &len), 0);
	*cli = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	assert_true(*cli != -1);
	assert_true(connect(*cli, (struct sockaddr *)&sin, sizeof(sin)) == 0 ||
	    errno == EINPROGRESS);
	*srv = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	assert_true(*srv != -1);
	close(lfd);
}

static void
peer_act(int srv, enum peer_act act)
{
	static const char	http[] = "HTTP/1.0 400 Bad Request\r\n\r\n";
	static const char	banner[] = "SSH-2.0-fake\r\n";
	/* length 12, padding 4, type 250 (unassigned), junk */
	static const unsigned char pkt[] = { 0, 0, 0, 12, 4, 250, 1, 2, 3, 4,
	    5, 6, 7, 0, 0, 0, 0 };
	struct linger		lg = { 1, 0 };

	switch (act) {
	case PEER_CLOSE:
		close(srv);
		break;
	case PEER_RESET:
		assert_int_equal(setsockopt(srv, SOL_SOCKET, SO_LINGER, &lg,
		    sizeof(lg)), 0);
		close(srv);
		break;
	case PEER_HTTP:
		assert_int_equal(write(srv, http, sizeof(http) - 1),
		    (ssize_t)sizeof(http) - 1);
		close(srv);
		break;
	case PEER_BAD_PACKET:
		assert_int_equal(write(srv, banner, sizeof(banner) - 1),
		    (ssize_t)sizeof(banner) - 1);
		assert_int_equal(write(srv, pkt, sizeof(pkt)),
		    (ssize_t)sizeof(pkt));
		close(srv);
		break;
	case PEER_SILENT:
		break;
	}
}

/* Run the handshake step until it stops saying SSH_AGAIN or 2 s pass. */
static int
handshake(struct ssh *s, char **cause)
{
	struct pollfd	pfd;
	int		r, i;

	for (i = 0; i < 20; i++) {
		if ((r = ssh_handshake(s, cause)) != SSH_AGAIN)
			return r;
		pfd.fd = ssh_fd(s);
		pfd.events = ssh_poll_events(s);
		assert_true(pfd.events & (POLLIN | POLLOUT));
		assert_true(poll(&pfd, 1, 100) != -1);
	}
	return SSH_AGAIN;
}

static void
test_handshake_failures(void **state)
{
	const struct hs_case	*tc;
	struct ssh		*s;
	char			*cause;
	size_t			 i;
	int			 cli, srv, r;

	(void)state;
	for (i = 0; i < sizeof(hs_cases) / sizeof(hs_cases[0]); i++) {
		tc = &hs_cases[i];
		print_message("case: %s\n", tc->name);
		tcp_pair(&cli, &srv);
		cause = NULL;
		s = ssh_new(cli, &cause);
		assert_non_null(s);
		assert_null(cause);
		assert_int_equal(ssh_fd(s), cli);
		peer_act(srv, tc->act);
		r = handshake(s, &cause);
		assert_int_equal(r, tc->want);
		assert_int_equal(ssh_fail_class(s), tc->fail);
		print_message("  -> %d, %s: %s\n", r,
		    ssh_fail_name(ssh_fail_class(s)), cause ? cause : "-");
		if (tc->cause != NULL) {
			assert_non_null(cause);
			if (strstr(cause, tc->cause) == NULL)
				fail_msg("cause \"%s\" lacks \"%s\"", cause,
				    tc->cause);
		} else
			assert_null(cause);
		free(cause);
		ssh_free(s);
		/* ssh_free() closed the client's fd. */
		assert_int_equal(fcntl(cli, F_GETFD), -1);
		assert_int_equal(errno, EBADF);
		if (tc->act == PEER_SILENT)
			close(srv);
	}
}

/* ssh_new() needs TCP; on failure it still owns (closes) the fd. */
static void
test_new_not_tcp(void **state)
{
	struct ssh	*s;
	char		*cause = NULL;
	int		 sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    sv), 0);
	s = ssh_new(sv[0], &cause);
	assert_null(s);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "TCP_NODELAY"));
	free(cause);
	assert_int_equal(fcntl(sv[0], F_GETFD), -1);
	close(sv[1]);
}

/*
 * libssh2's session structure (its zeroed 16 KiB receive and 35,000-byte
 * send buffers in it) is on pages of its own, its zero pages handed back
 * at once: a session costs the few pages it wrote.
 */
static void
test_new_trimmed(void **state)
{
	struct ssh	*s;
	char		*cause = NULL;
	int		 cli, srv;

	(void)state;
	tcp_pair(&cli, &srv);
	s = ssh_new(cli, &cause);
	assert_non_null(s);
	print_message("libssh2 holds %zu bytes, %zu resident of its session "
	    "structure\n", ssh_heap(s), ssh_heap_resident(s));
	assert_true(ssh_heap(s) > 50 * 1024);
	assert_true(ssh_heap_resident(s) > 0);
	assert_true(ssh_heap_resident(s) <= 16 * 1024);
	/* Nothing more to hand back: the rest is written. */
	assert_int_equal(ssh_trim(s), 0);
	ssh_free(s);
	close(srv);
}

/* Steps that need a handshake, and channels of a dead session. */
static void
test_out_of_order(void **state)
{
	struct ssh	*s;
	struct ssh_chan	*c;
	char		*cause = NULL, *type = NULL;
	const char	*sig = "x";
	char		 buf[16];
	int		 cli, srv;

	(void)state;
	tcp_pair(&cli, &srv);
	s = ssh_new(cli, &cause);
	assert_non_null(s);

	assert_int_equal(ssh_hostkey(s, "h", 22, &type, NULL, NULL, &cause),
	    -1);
	assert_null(type);
	assert_non_null(strstr(cause, "no handshake"));
	free(cause);
	cause = NULL;

	assert_int_equal(ssh_check_hostkey(s, "/nonexistent", "h", 22,
	    &cause), SSH_ERR);
	assert_int_equal(ssh_fail_class(s), SSH_FAIL_HOSTKEY);
	free(cause);
	cause = NULL;

	c = ssh_chan_new(s, "true");
	assert_false(ssh_chan_eof(c));
	assert_false(ssh_chan_pending(c));
	assert_int_equal(ssh_chan_read(c, buf, sizeof(buf), &cause), SSH_ERR);
	free(cause);
	cause = NULL;
	assert_int_equal(ssh_chan_write(c, "x", 1, &cause), SSH_ERR);
	free(cause);
	cause = NULL;
	assert_int_equal(ssh_chan_close(c, &cause), SSH_ERR);
	free(cause);
	cause = NULL;
	assert_int_equal(ssh_chan_exit_status(c, &sig), -1);
	assert_null(sig);

	/* After ssh_free() the channel is detached but can be freed. */
	ssh_free(s);
	assert_int_equal(ssh_chan_start(c, &cause), SSH_ERR);
	assert_non_null(strstr(cause, "session is gone"));
	free(cause);
	ssh_chan_free(c);
	close(srv);
}

/*
 * A known_hosts line of 40 host names (40 entries, the entry-to-line
 * array grown past its first sizes), then the gateway's line: a
 * mismatch names the line of the entry that libssh2 found, for an
 * entry of either line.
 */
static void
test_known_hosts_many_names(void **state)
{
	/* The key the check is offered, and another one. */
	static const char key_blob[] =
	    "\0\0\0\x0bssh-ed25519\0\0\0\x20"
	    "\x5a\x1c\x33\x8e\x02\x9f\x41\x6b\xd0\x17\x8c\x25\x90\xee"
	    "\x3b\x74\x11\xa8\x6d\x52\xc9\x0f\x84\x3e\x27\xb6\x99\x40"
	    "\x1d\xf3\x68\x05";
	static const char other[] = "AAAAC3NzaC1lZDI1NTE5AAAAIFocM44Cn0Fr0"
	    "BeMJZDuO3QRqG1SyQ+EPie2mUAd82gG";
	static const unsigned char sha256[32] = { 1 };
	struct ssh	*s;
	char		 path[] = "/tmp/test_ssh.XXXXXX", want[64];
	char		*cause = NULL;
	FILE		*f;
	int		 fd, cli, srv, i;

	(void)state;
	tcp_pair(&cli, &srv);
	assert_non_null(s = ssh_new(cli, &cause));
	assert_int_not_equal(fd = mkstemp(path), -1);
	assert_non_null(f = fdopen(fd, "w"));
	fprintf(f, "# many names\n");
	for (i = 0; i < 40; i++)
		fprintf(f, "%sh%d", i == 0 ? "" : ",", i);
	fprintf(f, " ssh-ed25519 %s\ngw.example.org ssh-ed25519 %s\n",
	    other, other);
	assert_int_equal(fclose(f), 0);

	assert_int_equal(ssh_check_hostkey_blob(s, path, "h39", 22, key_blob,
	    sizeof(key_blob) - 1, LIBSSH2_HOSTKEY_TYPE_ED25519, sha256,
	    &cause), SSH_ERR);
	(void)snprintf(want, sizeof(want), "does not match %s:2 ", path);
	assert_non_null(strstr(cause, want));
	free(cause);
	cause = NULL;
	assert_int_equal(ssh_check_hostkey_blob(s, path, "gw.example.org", 22,
	    key_blob, sizeof(key_blob) - 1, LIBSSH2_HOSTKEY_TYPE_ED25519,
	    sha256, &cause), SSH_ERR);
	(void)snprintf(want, sizeof(want), "does not match %s:3 ", path);
	assert_non_null(strstr(cause, want));
	free(cause);
	assert_int_equal(unlink(path), 0);
	ssh_free(s);
	close(srv);
}

static void
test_free_null_and_names(void **state)
{
	(void)state;
	ssh_free(NULL);
	ssh_chan_free(NULL);
	assert_string_equal(ssh_fail_name(SSH_FAIL_NETWORK), "network");
	assert_string_equal(ssh_fail_name(SSH_FAIL_REMOTE), "remote");
	assert_string_equal(ssh_fail_name(SSH_FAIL_HOSTKEY), "host key");
	assert_string_equal(ssh_fail_name(SSH_FAIL_AUTH), "auth");
	assert_string_equal(ssh_fail_name(SSH_FAIL_NONE), "none");
}

static int
setup(void **state)
{
	char	*cause = NULL;

	(void)state;
	if (ssh_lib_init(&cause) == -1) {
		free(cause);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ssh_lib_exit();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshake_failures),
		cmocka_unit_test(test_new_not_tcp),
		cmocka_unit_test(test_new_trimmed),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_known_hosts_many_names),
		cmocka_unit_test(test_free_null_and_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
