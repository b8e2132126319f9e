/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * One pppchild owns: the pid while it is ours, the stderr pipe until
 * its EOF (read in the loop, split into logged lines), the timer that
 * escalates SIGTERM to SIGKILL and SIGKILL to abandoning, and its tag.
 */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "lines.h"
#include "log.h"
#include "loop.h"
#include "ppp.h"
#include "pppchild.h"
#include "xmalloc.h"

struct pppchild {
	struct loop		*loop;
	char			*tag;
	pppchild_cb		 cb;
	void			*arg;

	pid_t			 pid;		/* -1: reaped or abandoned */
	int			 errfd;		/* -1 once closed */
	struct lines		 err;
	struct loop_timer	 kill_timer;
	bool			 term_sent;	/* SIGTERM sent */
	bool			 kill_sent;	/* and then SIGKILL */
};

static void	pppchild_exited(pid_t, int, void *);
static void	pppchild_escalate(void *);
static void	pppchild_stderr(int, short, void *);

struct pppchild *
pppchild_spawn(struct loop *loop, const struct ppp_params *pp,
    const char *tag, pppchild_cb cb, void *arg, int *master, char **cause)
{
	struct pppchild	*c;
	struct ppp_child child;

	if (ppp_spawn(pp, &child, cause) == -1)
		return NULL;
	c = xcalloc(1, sizeof(*c));
	c->loop = loop;
	c->tag = xstrdup(tag);
	c->cb = cb;
	c->arg = arg;
	c->pid = child.pid;
	c->errfd = child.errfd;
	lines_init(&c->err, "%s: pppd", tag);
	loop_timer_init(&c->kill_timer, pppchild_escalate, c);
	loop_child_watch(loop, c->pid, pppchild_exited, c);
	loop_fd_add(loop, c->errfd, POLLIN, pppchild_stderr, c);
	*master = child.master;
	return c;
}

void
pppchild_take_lines(struct pppchild *c, bool (*take)(const char *, void *),
    void *arg)
{
	lines_take(&c->err, take, arg);
}

bool
pppchild_running(const struct pppchild *c)
{
	return c->pid != -1;
}

bool
pppchild_ending(const struct pppchild *c)
{
	return c->term_sent;
}

pid_t
pppchild_pid(const struct pppchild *c)
{
	return c->pid;
}

static void
pppchild_exited(pid_t pid, int status, void *arg)
{
	struct pppchild	*c = arg;

	(void)pid;
	c->pid = -1;
	loop_timer_cancel(c->loop, &c->kill_timer);
	/* Last: the callback may free the child. */
	c->cb(status, false, c->err.first, c->arg);
}

void
pppchild_term(struct pppchild *c)
{
	if (c->pid == -1 || c->term_sent)
		return;
	c->term_sent = true;
	(void)kill(c->pid, SIGTERM);
	loop_timer_set(c->loop, &c->kill_timer, PPPCHILD_KILL_WAIT);
}

void
pppchild_kill(struct pppchild *c)
{
	if (c->pid == -1 || c->kill_sent)
		return;
	(void)kill(c->pid, SIGKILL);
	c->kill_sent = c->term_sent = true;
	loop_timer_set(c->loop, &c->kill_timer, PPPCHILD_KILL_WAIT);
}

static void
pppchild_escalate(void *arg)
{
	struct pppchild	*c = arg;

	if (c->pid == -1)
		return;
	if (!c->kill_sent) {
		log_warnx("%s: local pppd did not exit after SIGTERM, "
		    "sending SIGKILL", c->tag);
		(void)kill(c->pid, SIGKILL);
		c->kill_sent = true;
		loop_timer_set(c->loop, &c->kill_timer, PPPCHILD_KILL_WAIT);
		return;
	}
	/*
	 * Not even SIGKILL: the process is stuck in the kernel.  Leave it
	 * to the loop, which reaps it whenever it does die, so that the
	 * link (and vpnd's shutdown) does not wait on it for ever.
	 */
	log_warnx("%s: local pppd (pid %ld) did not die after SIGKILL, "
	    "abandoning it", c->tag, (long)c->pid);
	loop_child_forget(c->loop, c->pid);
	c->pid = -1;
	c->cb(0, true, c->err.first, c->arg);
}

static void
pppchild_stderr(int fd, short revents, void *arg)
{
	struct pppchild	*c = arg;

	(void)revents;
	if (lines_read(&c->err, fd) == 0)
		return;
	/* EOF or error: pppd is gone or going; its exit says why. */
	loop_fd_del(c->loop, fd);
	close(fd);
	c->errfd = -1;
}

void
pppchild_free(struct pppchild *c)
{
	if (c == NULL)
		return;
	loop_timer_cancel(c->loop, &c->kill_timer);
	if (c->errfd != -1) {
		loop_fd_del(c->loop, c->errfd);
		close(c->errfd);
	}
	if (c->pid != -1) {
		/* Nobody will wait for it. */
		loop_child_forget(c->loop, c->pid);
		(void)kill(c->pid, SIGKILL);
	}
	free(c->tag);
	free(c);
}
