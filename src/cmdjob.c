/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * One cmdjob owns: the pid until it is reaped (or let go), the read end
 * of its stderr pipe until EOF, the lines read from it, its tag.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdjob.h"
#include "lines.h"
#include "log.h"
#include "loop.h"
#include "xmalloc.h"

struct cmdjob {
	struct loop	*loop;
	cmdjob_cb	 cb;
	void		*arg;
	pid_t		 pid;		/* -1 once reaped or let go */
	int		 errfd;		/* -1 once closed */
	struct lines	 err;
};

static void	cmdjob_child(char *const *, int, int)
		    __attribute__((noreturn));
static void	cmdjob_exited(pid_t, int, void *);
static void	cmdjob_stderr(int, short, void *);

/* Between fork() and exec(): async-signal-safe calls only. */
static void
cmdjob_child(char *const *argv, int in, int err)
{
	sigset_t	 none;
	const char	*why;
	int		 devnull, sig;

	if (dup2(in, STDIN_FILENO) == -1 || dup2(err, STDERR_FILENO) == -1)
		_exit(127);
	if ((devnull = open("/dev/null", O_WRONLY)) == -1 ||
	    dup2(devnull, STDOUT_FILENO) == -1)
		_exit(127);
	closefrom(3);
	for (sig = 1; sig < NSIG; sig++)
		(void)signal(sig, SIG_DFL);	/* some cannot: no matter */
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	execv(argv[0], argv);
	why = strerror(errno);
	(void)!write(STDERR_FILENO, "exec ", 5);
	(void)!write(STDERR_FILENO, argv[0], strlen(argv[0]));
	(void)!write(STDERR_FILENO, ": ", 2);
	(void)!write(STDERR_FILENO, why, strlen(why));
	(void)!write(STDERR_FILENO, "\n", 1);
	_exit(127);
}

struct cmdjob *
cmdjob_start(struct loop *loop, char *const *argv, const char *input,
    const char *tag, cmdjob_cb cb, void *arg, char **cause)
{
	struct cmdjob	*j;
	int		 in[2] = { -1, -1 }, err[2] = { -1, -1 }, fl;
	size_t		 len = input != NULL ? strlen(input) : 0;
	ssize_t		 n;
	pid_t		 pid;

	if (len > CMDJOB_INPUT_MAX) {
		xasprintf(cause, "%s: input of %zu bytes, over %d", argv[0],
		    len, CMDJOB_INPUT_MAX);
		return NULL;
	}
	if (pipe2(in, O_CLOEXEC) == -1 || pipe2(err, O_CLOEXEC) == -1) {
		xasprintf(cause, "%s: pipe: %s", argv[0], strerror(errno));
		goto fail;
	}
	/* A pipe holds at least 4096 bytes: this cannot block. */
	if (len > 0) {
		do
			n = write(in[1], input, len);
		while (n == -1 && errno == EINTR);
		if (n != (ssize_t)len) {
			xasprintf(cause, "%s: writing its input: %s", argv[0],
			    n == -1 ? strerror(errno) : "short write");
			goto fail;
		}
	}
	close(in[1]);
	in[1] = -1;
	if ((fl = fcntl(err[0], F_GETFL)) == -1 ||
	    fcntl(err[0], F_SETFL, fl | O_NONBLOCK) == -1) {
		xasprintf(cause, "%s: fcntl: %s", argv[0], strerror(errno));
		goto fail;
	}
	if ((pid = fork()) == -1) {
		xasprintf(cause, "%s: fork: %s", argv[0], strerror(errno));
		goto fail;
	}
	if (pid == 0)
		cmdjob_child(argv, in[0], err[1]);
	close(in[0]);
	close(err[1]);
	j = xcalloc(1, sizeof(*j));
	j->loop = loop;
	j->cb = cb;
	j->arg = arg;
	j->pid = pid;
	j->errfd = err[0];
	lines_init(&j->err, "%s", tag);
	loop_child_watch(loop, pid, cmdjob_exited, j);
	loop_fd_add(loop, j->errfd, POLLIN, cmdjob_stderr, j);
	return j;
fail:
	if (in[0] != -1)
		close(in[0]);
	if (in[1] != -1)
		close(in[1]);
	if (err[0] != -1)
		close(err[0]);
	if (err[1] != -1)
		close(err[1]);
	return NULL;
}

static void
cmdjob_stderr(int fd, short revents, void *arg)
{
	struct cmdjob	*j = arg;

	(void)revents;
	if (lines_read(&j->err, fd) == 0)
		return;
	loop_fd_del(j->loop, fd);
	close(fd);
	j->errfd = -1;
}

static void
cmdjob_exited(pid_t pid, int status, void *arg)
{
	struct cmdjob	*j = arg;

	(void)pid;
	j->pid = -1;
	/* What it wrote last is in the pipe: read it before telling. */
	if (j->errfd != -1)
		cmdjob_stderr(j->errfd, POLLIN, j);
	/* A partial last line still says why. */
	if (j->err.first[0] == '\0' && j->err.len > 0)
		lines_feed(&j->err, "\n", 1);
	j->cb(WIFEXITED(status) ? WEXITSTATUS(status) : -1, j->err.first,
	    j->arg);
}

void
cmdjob_free(struct cmdjob *j)
{
	if (j == NULL)
		return;
	if (j->errfd != -1) {
		loop_fd_del(j->loop, j->errfd);
		close(j->errfd);
	}
	/* Let it finish (an undo must run to its end); the loop reaps it. */
	if (j->pid != -1)
		loop_child_forget(j->loop, j->pid);
	free(j);
}
