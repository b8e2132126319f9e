/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for detach: the starting process exits 0 only once the
 * daemon said it is ready (and the daemon is still running then), and
 * otherwise with the daemon's own status; the daemon runs in its own
 * session, in /, with stdio on /dev/null; detach_ready() sends its one
 * byte and closes, quietly if the parent is gone.
 *
 * Each case forks a "launcher" that calls detach_start().  The launcher
 * becomes the waiting parent; the daemon it forks reports what it sees
 * over a pipe, then does what the case says.  This process is a child
 * subreaper, so a daemon left by its exited launcher is ours to reap.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "detach.h"

enum action {
	ACT_READY,	/* detach_ready(), then run until told to stop */
	ACT_EXIT0,	/* exit 0 without saying ready */
	ACT_EXIT3,	/* exit 3 without saying ready */
	ACT_KILLED,	/* killed by SIGKILL before ready */
	ACT_READY_LATE,	/* ready after 300 ms */
};

/* What the daemon saw, sent to the test over a pipe. */
struct report {
	pid_t	pid;
	pid_t	sid;
	pid_t	ppid;
	bool	cwd_root;
	bool	stdio_null;
	bool	ready_cloexec;
};

static bool
is_devnull(int fd, const struct stat *null)
{
	struct stat	sb;

	return fstat(fd, &sb) == 0 && S_ISCHR(sb.st_mode) &&
	    sb.st_rdev == null->st_rdev;
}

/* The daemon side of a case: report, act, never return. */
static void
daemon_side(enum action act, int readyfd, int repfd, int holdfd)
{
	struct report	r;
	struct stat	null;
	char		buf[64], c;

	memset(&r, 0, sizeof(r));
	r.pid = getpid();
	r.sid = getsid(0);
	r.ppid = getppid();
	r.cwd_root = getcwd(buf, sizeof(buf)) != NULL &&
	    strcmp(buf, "/") == 0;
	r.stdio_null = stat("/dev/null", &null) == 0 &&
	    is_devnull(STDIN_FILENO, &null) &&
	    is_devnull(STDOUT_FILENO, &null) &&
	    is_devnull(STDERR_FILENO, &null);
	r.ready_cloexec = readyfd > STDERR_FILENO &&
	    (fcntl(readyfd, F_GETFD) & FD_CLOEXEC) != 0;
	if (write(repfd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(98);
	close(repfd);

	switch (act) {
	case ACT_READY_LATE:
		usleep(300 * 1000);
		/* FALLTHROUGH */
	case ACT_READY:
		detach_ready(readyfd);
		/* Run until the test closes the other end. */
		while (read(holdfd, &c, 1) == -1 && errno == EINTR)
			;
		_exit(0);
	case ACT_EXIT0:
		_exit(0);
	case ACT_EXIT3:
		_exit(3);
	case ACT_KILLED:
		(void)raise(SIGKILL);
		break;
	}
	_exit(97);
}

static void
read_report(int fd, struct report *r)
{
	size_t	got = 0;
	ssize_t	n;

	while (got < sizeof(*r)) {
		n = read(fd, (char *)r + got, sizeof(*r) - got);
		if (n == -1 && errno == EINTR)
			continue;
		assert_true(n > 0);
		got += (size_t)n;
	}
}

static bool
exited_yet(pid_t pid)
{
	int	st;

	return waitpid(pid, &st, WNOHANG) != 0;
}

static void
test_detach_cases(void **state)
{
	static const struct {
		const char	*name;
		enum action	 act;
		int		 want_exit;	/* the launcher's status */
	} t[] = {
		{ "ready", ACT_READY, 0 },
		{ "ready after 300 ms", ACT_READY_LATE, 0 },
		{ "exit 0 before ready", ACT_EXIT0, 1 },
		{ "exit 3 before ready", ACT_EXIT3, 3 },
		{ "killed before ready", ACT_KILLED, 128 + SIGKILL },
	};
	struct report	r;
	size_t		i;
	pid_t		launcher;
	int		rep[2], hold[2], st, readyfd;
	char		*cause;

	(void)state;
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		print_message("case: %s\n", t[i].name);
		assert_int_equal(pipe2(rep, O_CLOEXEC), 0);
		assert_int_equal(pipe(hold), 0);
		launcher = fork();
		assert_true(launcher != -1);
		if (launcher == 0) {
			close(rep[0]);
			close(hold[1]);
			cause = NULL;
			if (detach_start(&readyfd, &cause) == -1)
				_exit(96);
			daemon_side(t[i].act, readyfd, rep[1], hold[0]);
		}
		close(rep[1]);
		close(hold[0]);
		read_report(rep[0], &r);
		close(rep[0]);

		assert_int_equal(r.sid, r.pid);		/* own session */
		assert_int_equal(r.ppid, launcher);
		assert_true(r.cwd_root);
		assert_true(r.stdio_null);
		assert_true(r.ready_cloexec);

		assert_int_equal(waitpid(launcher, &st, 0), launcher);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), t[i].want_exit);

		if (t[i].act == ACT_READY || t[i].act == ACT_READY_LATE) {
			/* The launcher returned; the daemon still runs. */
			assert_false(exited_yet(r.pid));
			close(hold[1]);
			assert_int_equal(waitpid(r.pid, &st, 0), r.pid);
			assert_true(WIFEXITED(st));
			assert_int_equal(WEXITSTATUS(st), 0);
		} else {
			/* The launcher reaped it. */
			close(hold[1]);
			assert_int_equal(kill(r.pid, 0), -1);
			assert_int_equal(errno, ESRCH);
		}
	}
}

/* An fd this process does not have open. */
static bool
is_closed(int fd)
{
	return fcntl(fd, F_GETFD) == -1 && errno == EBADF;
}

/*
 * detach_ready() on the daemon's end of the socket: one byte to the
 * waiting parent, then the fd is closed; a parent already gone raises
 * no SIGPIPE (that would kill this test).
 */
static void
test_ready(void **state)
{
	int	sp[2];
	char	c[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    sp), 0);
	detach_ready(sp[1]);
	assert_true(is_closed(sp[1]));
	assert_int_equal(read(sp[0], c, sizeof(c)), 1);
	assert_int_equal(c[0], 1);
	assert_int_equal(read(sp[0], c, sizeof(c)), 0);
	assert_int_equal(close(sp[0]), 0);

	/* The parent is gone. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    sp), 0);
	assert_int_equal(close(sp[0]), 0);
	detach_ready(sp[1]);
	assert_true(is_closed(sp[1]));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detach_cases),
		cmocka_unit_test(test_ready),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
