/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Daemonizing with a readiness handshake.  daemon(3) returns in the
 * child at once and the parent exits 0 before the daemon has done
 * anything, so a caller could not tell a running daemon from one that
 * failed a moment later, and the pid file might not exist yet when it
 * looked.  Here the
 * parent holds one end of a socket pair until the child sends one byte
 * (ready) or exits (its end closes with it).  A socket rather than a
 * pipe so that the child's send cannot raise SIGPIPE (MSG_NOSIGNAL) if
 * the parent was killed meanwhile.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "detach.h"
#include "log.h"
#include "xmalloc.h"

static void	detach_wait(int, pid_t) __attribute__((noreturn));

/* The parent: wait for the byte or for the child's exit; exit with it. */
static void
detach_wait(int rfd, pid_t pid)
{
	char	c;
	ssize_t	n;
	int	st;

	do
		n = read(rfd, &c, 1);
	while (n == -1 && errno == EINTR);
	if (n == 1)
		_exit(0);
	/* EOF: the child exited (or exec'd) without saying it is ready. */
	while (waitpid(pid, &st, 0) == -1) {
		if (errno != EINTR) {
			log_warn("daemon (pid %ld) stopped before it was "
			    "ready: waitpid", (long)pid);
			_exit(1);
		}
	}
	if (WIFEXITED(st)) {
		log_warnx("daemon (pid %ld) exited with status %d before it "
		    "was ready; its reason is in the system log", (long)pid,
		    WEXITSTATUS(st));
		_exit(WEXITSTATUS(st) != 0 ? WEXITSTATUS(st) : 1);
	}
	if (WIFSIGNALED(st)) {
		log_warnx("daemon (pid %ld) killed by signal %d before it was "
		    "ready", (long)pid, WTERMSIG(st));
		_exit(128 + WTERMSIG(st));
	}
	_exit(1);
}

int
detach_start(int *readyfd, char **cause)
{
	int	p[2], fd;
	pid_t	pid;

	*readyfd = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p) == -1) {
		xasprintf(cause, "detach: socketpair: %s", strerror(errno));
		return -1;
	}
	switch (pid = fork()) {
	case -1:
		xasprintf(cause, "detach: fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	case 0:
		break;
	default:
		close(p[1]);
		detach_wait(p[0], pid);
	}

	close(p[0]);
	if (setsid() == -1) {
		xasprintf(cause, "detach: setsid: %s", strerror(errno));
		goto fail;
	}
	if (chdir("/") == -1) {
		xasprintf(cause, "detach: chdir /: %s", strerror(errno));
		goto fail;
	}
	if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1) {
		xasprintf(cause, "detach: /dev/null: %s", strerror(errno));
		goto fail;
	}
	/* dup2() clears close-on-exec on 0, 1 and 2, as it should. */
	if (dup2(fd, STDIN_FILENO) == -1 || dup2(fd, STDOUT_FILENO) == -1 ||
	    dup2(fd, STDERR_FILENO) == -1) {
		xasprintf(cause, "detach: dup2 /dev/null: %s",
		    strerror(errno));
		close(fd);
		goto fail;
	}
	if (fd > STDERR_FILENO)
		close(fd);
	*readyfd = p[1];
	return 0;

fail:
	/* The caller exits; the parent then exits with its status. */
	close(p[1]);
	return -1;
}

void
detach_ready(int readyfd)
{
	char	c = 1;
	ssize_t	n;

	if (readyfd == -1)
		return;
	do
		n = send(readyfd, &c, 1, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	/*
	 * Nothing to do if this failed: the parent is gone (killed), and
	 * nobody is waiting for the answer.
	 */
	(void)n;
	close(readyfd);
}
