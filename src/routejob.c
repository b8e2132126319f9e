/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * One route job owns: the command, the channel of the try under way,
 * the stderr lines of that try, the text for its stdin, the count of
 * tries and the timer between them.  A try goes RUN (open, exec, read until the far end's
 * EOF) -> CLOSING (close, for the exit status) -> done, or WAIT until
 * the timer opens the next try's channel.
 */
#include "config.h"

#include <sys/types.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"
#include "log.h"
#include "loop.h"
#include "routejob.h"
#include "ssh.h"
#include "xmalloc.h"

enum routejob_state {
	ROUTEJOB_RUN,		/* the channel is open or opening */
	ROUTEJOB_CLOSING,	/* EOF seen, closing for the exit status */
	ROUTEJOB_WAIT,		/* failed, waiting to try again */
	ROUTEJOB_DONE,		/* done was called */
};

struct routejob {
	struct loop		*loop;
	struct ssh		*ssh;
	char			*cmd;
	char			*tag;
	int			 tries;		/* allowed */
	int			 failed;	/* tries that exited non-zero */
	int			 retry_ms;
	routejob_done_cb	 done;
	routejob_wake_cb	 wake;
	void			*arg;

	enum routejob_state	 state;
	struct ssh_chan		*chan;
	struct lines		 err;
	struct loop_timer	 retry;
	char			*input;		/* for each try's stdin */
	size_t			 input_off;	/* written in this try */
};

static void	routejob_try(struct routejob *);
static void	routejob_retry(void *);
static int	routejob_drain(struct routejob *, char **);
static int	routejob_write(struct routejob *, char **);

struct routejob *
routejob_new(struct loop *loop, struct ssh *ssh, const char *cmd,
    const char *tag, int tries, int retry_ms, routejob_done_cb done,
    routejob_wake_cb wake, void *arg)
{
	struct routejob	*rj;

	rj = xcalloc(1, sizeof(*rj));
	rj->loop = loop;
	rj->ssh = ssh;
	rj->cmd = xstrdup(cmd);
	rj->tag = xstrdup(tag);
	rj->tries = tries;
	rj->retry_ms = retry_ms;
	rj->done = done;
	rj->wake = wake;
	rj->arg = arg;
	lines_init(&rj->err, "%s: remote", tag);
	loop_timer_init(&rj->retry, routejob_retry, rj);
	routejob_try(rj);
	return rj;
}

void
routejob_free(struct routejob *rj)
{
	if (rj == NULL)
		return;
	loop_timer_cancel(rj->loop, &rj->retry);
	ssh_chan_free(rj->chan);
	free(rj->cmd);
	free(rj->tag);
	free(rj->input);
	free(rj);
}

/* A new try: a fresh channel and fresh stderr lines. */
static void
routejob_try(struct routejob *rj)
{
	log_debug("%s: remote: %s", rj->tag, rj->cmd);
	rj->chan = ssh_chan_new(rj->ssh, rj->cmd);
	rj->state = ROUTEJOB_RUN;
	rj->input_off = 0;
	lines_reset(&rj->err);
}

void
routejob_input(struct routejob *rj, const char *text)
{
	if (rj->input != NULL)
		fatalx("%s: %s: input given twice", __func__, rj->tag);
	rj->input = xstrdup(text);
}

/* Write what is left of the input to the running try's stdin. */
static int
routejob_write(struct routejob *rj, char **cause)
{
	size_t	len;
	ssize_t	n;

	if (rj->input == NULL)
		return SSH_OK;
	len = strlen(rj->input);
	while (rj->input_off < len) {
		n = ssh_chan_write(rj->chan, rj->input + rj->input_off,
		    len - rj->input_off, cause);
		if (n == SSH_AGAIN || n == SSH_ERR)
			return (int)n;
		rj->input_off += (size_t)n;
	}
	return SSH_OK;
}

static void
routejob_retry(void *arg)
{
	struct routejob	*rj = arg;

	if (rj->state != ROUTEJOB_WAIT)
		return;
	routejob_try(rj);
	rj->wake(rj->arg);
}

/* Log what the command has written on stderr; throw its stdout away. */
static int
routejob_drain(struct routejob *rj, char **cause)
{
	char	 buf[4096];
	ssize_t	 n;

	while ((n = ssh_chan_read_stderr(rj->chan, buf, sizeof(buf),
	    cause)) > 0)
		lines_feed(&rj->err, buf, (size_t)n);
	while (n != SSH_ERR &&
	    (n = ssh_chan_read(rj->chan, buf, sizeof(buf), cause)) > 0)
		continue;
	return n == SSH_ERR ? -1 : 0;
}

int
routejob_pump(struct routejob *rj, char **cause)
{
	int	r, st;

	if (rj->state == ROUTEJOB_RUN) {
		if ((r = ssh_chan_start(rj->chan, cause)) != SSH_OK)
			return r;
		if ((r = routejob_write(rj, cause)) == SSH_ERR)
			return r;
		if (routejob_drain(rj, cause) == -1)
			return SSH_ERR;
		if (!ssh_chan_eof(rj->chan))
			return r;	/* SSH_AGAIN: the input waits */
		rj->state = ROUTEJOB_CLOSING;
	}
	if (rj->state != ROUTEJOB_CLOSING)
		return SSH_OK;
	if ((r = ssh_chan_close(rj->chan, cause)) != SSH_OK)
		return r;
	st = ssh_chan_exit_status(rj->chan, NULL);
	ssh_chan_free(rj->chan);
	rj->chan = NULL;
	/* The far end's interface may not be up yet: try again shortly. */
	if (st != 0 && ++rj->failed < rj->tries) {
		log_debug("%s: remote route command: exit status %d, "
		    "retrying", rj->tag, st);
		rj->state = ROUTEJOB_WAIT;
		loop_timer_set(rj->loop, &rj->retry, (uint64_t)rj->retry_ms);
		return SSH_OK;
	}
	rj->state = ROUTEJOB_DONE;
	/* Last: the callback may free the job. */
	rj->done(st, rj->err.first, rj->arg);
	return SSH_OK;
}

bool
routejob_running(const struct routejob *rj)
{
	return rj->state == ROUTEJOB_RUN || rj->state == ROUTEJOB_CLOSING;
}

bool
routejob_pending(const struct routejob *rj)
{
	return rj->state == ROUTEJOB_RUN && ssh_chan_pending(rj->chan);
}

const char *
routejob_error(const struct routejob *rj)
{
	return rj->err.first;
}
