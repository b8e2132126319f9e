/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for the route job: one try that succeeds; failed tries
 * retried exactly retry_ms apart, each on a fresh channel with fresh
 * stderr lines, up to the number of tries; the status and first stderr
 * line of the last try; SSH steps that wait or fail; freeing the job
 * while it waits, or from its own callback.  The SSH channel is faked
 * here (the session is never touched); the loop is the real one with a
 * fake clock.
 */
#include "config.h"

#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "loop.h"
#include "routejob.h"
#include "ssh.h"
#include "xmalloc.h"

#define MAX_TRIES	4

/* One try of the command, as the far end plays it. */
struct try {
	const char	*err;		/* its stderr */
	int		 status;	/* its exit status */
};

struct ssh_chan {
	int		 n;		/* which try */
	bool		 err_read, out_read;
};

static struct {
	struct try	 tries[MAX_TRIES];
	int		 start_r, close_r, stderr_r;
	bool		 eof;		/* the command has ended */
	bool		 pending;
	int		 chan_news, chan_frees, out_reads;
	char		 cmd[256];
	char		 in[64];	/* written to the stdin of all tries */
	size_t		 in_len;
	int		 write_r;	/* SSH_OK: up to 3 bytes a write */

	/* the callbacks */
	int		 dones, wakes;
	int		 status;
	char		 err[256];
	bool		 free_in_done;
	struct routejob	*rj;
} F;

static uint64_t		 fake_now;
static struct loop	*loop;

static uint64_t
fake_clock(void)
{
	return fake_now;
}

struct ssh_chan *
ssh_chan_new(struct ssh *s, const char *command)
{
	struct ssh_chan	*c;

	assert_null(s);
	assert_true(F.chan_news < MAX_TRIES);
	snprintf(F.cmd, sizeof(F.cmd), "%s", command);
	c = xcalloc(1, sizeof(*c));
	c->n = F.chan_news++;
	F.eof = false;
	return c;
}

int
ssh_chan_start(struct ssh_chan *c, char **cause)
{
	if (F.start_r == SSH_ERR)
		*cause = xstrdup("channel open refused");
	return F.start_r;
}

ssize_t
ssh_chan_read_stderr(struct ssh_chan *c, void *buf, size_t len,
    char **cause)
{
	const char	*e = F.tries[c->n].err;

	if (F.stderr_r == SSH_ERR) {
		*cause = xstrdup("read: connection reset");
		return SSH_ERR;
	}
	if (!F.eof)
		return SSH_AGAIN;
	if (c->err_read || e == NULL)
		return 0;
	c->err_read = true;
	assert_true(strlen(e) <= len);
	memcpy(buf, e, strlen(e));
	return (ssize_t)strlen(e);
}

ssize_t
ssh_chan_read(struct ssh_chan *c, void *buf, size_t len, char **cause)
{
	if (!F.eof)
		return SSH_AGAIN;
	if (c->out_read)
		return 0;
	c->out_read = true;
	F.out_reads++;
	memset(buf, 'o', len < 10 ? len : 10);	/* thrown away */
	return len < 10 ? (ssize_t)len : 10;
}

ssize_t
ssh_chan_write(struct ssh_chan *c, const void *buf, size_t len,
    char **cause)
{
	(void)c;
	if (F.write_r == SSH_ERR)
		*cause = xstrdup("write: connection reset");
	if (F.write_r != SSH_OK)
		return F.write_r;
	len = len < 3 ? len : 3;
	assert_true(F.in_len + len < sizeof(F.in));
	memcpy(F.in + F.in_len, buf, len);
	F.in_len += len;
	return (ssize_t)len;
}

bool
ssh_chan_eof(struct ssh_chan *c)
{
	return F.eof && c->err_read == (F.tries[c->n].err != NULL) &&
	    c->out_read;
}

bool
ssh_chan_pending(struct ssh_chan *c)
{
	return F.pending;
}

int
ssh_chan_close(struct ssh_chan *c, char **cause)
{
	if (F.close_r == SSH_ERR)
		*cause = xstrdup("close: connection reset");
	return F.close_r;
}

int
ssh_chan_exit_status(struct ssh_chan *c, const char **signame)
{
	assert_null(signame);
	return F.tries[c->n].status;
}

void
ssh_chan_free(struct ssh_chan *c)
{
	if (c == NULL)
		return;
	F.chan_frees++;
	free(c);
}

static void
on_done(int status, const char *err, void *arg)
{
	assert_ptr_equal(arg, &F);
	F.dones++;
	F.status = status;
	snprintf(F.err, sizeof(F.err), "%s", err);
	if (F.free_in_done) {
		routejob_free(F.rj);
		F.rj = NULL;
	}
}

static void
on_wake(void *arg)
{
	assert_ptr_equal(arg, &F);
	F.wakes++;
}

static int
setup(void **state)
{
	memset(&F, 0, sizeof(F));
	F.start_r = F.close_r = SSH_OK;
	fake_now = 5000;
	loop_clock = fake_clock;
	loop = loop_new();
	return 0;
}

static int
teardown(void **state)
{
	routejob_free(F.rj);
	F.rj = NULL;
	assert_int_equal(F.chan_frees, F.chan_news);
	loop_free(loop);
	return 0;
}

static struct routejob *
job(int tries)
{
	F.rj = routejob_new(loop, NULL, "sudo ip route replace 10.1.0.0/24 "
	    "dev vpn-remote", "link test", tries, 300, on_done, on_wake, &F);
	return F.rj;
}

static int
pump(void)
{
	char	*cause = NULL;
	int	 r;

	r = routejob_pump(F.rj, &cause);
	assert_true(r == SSH_ERR || cause == NULL);
	free(cause);
	return r;
}

/* The command of the current try ends; the job is pumped. */
static void
try_ends(void)
{
	F.eof = true;
	assert_int_equal(pump(), SSH_OK);
}

static void
advance(uint64_t ms)
{
	while (ms-- > 0) {
		fake_now++;
		assert_int_equal(loop_once(loop, 0), 0);
	}
}

static void
test_success(void **state)
{
	job(10);
	assert_string_equal(F.cmd,
	    "sudo ip route replace 10.1.0.0/24 dev vpn-remote");
	assert_int_equal(F.chan_news, 1);
	assert_true(routejob_running(F.rj));
	assert_int_equal(pump(), SSH_OK);	/* running, nothing yet */
	assert_int_equal(pump(), SSH_OK);
	assert_int_equal(F.dones, 0);
	try_ends();
	assert_int_equal(F.dones, 1);
	assert_int_equal(F.status, 0);
	assert_string_equal(F.err, "");
	assert_int_equal(F.out_reads, 1);	/* stdout read and dropped */
	assert_int_equal(F.chan_frees, 1);
	assert_false(routejob_running(F.rj));
	/* Done is told once. */
	assert_int_equal(pump(), SSH_OK);
	advance(1000);
	assert_int_equal(F.dones, 1);
	assert_int_equal(F.wakes, 0);
}

static void
test_retries(void **state)
{
	F.tries[0].status = 2;
	F.tries[0].err = "RTNETLINK answers: File exists\nsecond line\n";
	F.tries[1].status = 1;
	F.tries[2].status = 1;
	F.tries[2].err = "Cannot find device \"vpn-remote\"\n";
	job(3);
	try_ends();
	assert_int_equal(F.dones, 0);
	assert_false(routejob_running(F.rj));
	assert_string_equal(routejob_error(F.rj),
	    "RTNETLINK answers: File exists");
	assert_int_equal(F.chan_frees, 1);
	/* Waiting: pumping does nothing, the retry comes 300 ms later. */
	assert_int_equal(pump(), SSH_OK);
	assert_int_equal(F.chan_news, 1);
	advance(299);
	assert_int_equal(F.wakes, 0);
	advance(1);
	assert_int_equal(F.wakes, 1);
	assert_int_equal(F.chan_news, 2);
	assert_true(routejob_running(F.rj));
	assert_string_equal(routejob_error(F.rj), "");	/* a fresh try */
	try_ends();
	advance(300);
	assert_int_equal(F.wakes, 2);
	try_ends();
	/* The last try's status and first line. */
	assert_int_equal(F.dones, 1);
	assert_int_equal(F.status, 1);
	assert_string_equal(F.err, "Cannot find device \"vpn-remote\"");
	assert_int_equal(F.chan_news, 3);
	advance(1000);
	assert_int_equal(F.wakes, 2);
	assert_int_equal(F.chan_news, 3);
}

static void
test_success_after_failure(void **state)
{
	F.tries[0].status = 2;
	F.tries[0].err = "not yet\n";
	job(10);
	try_ends();
	advance(300);
	try_ends();
	assert_int_equal(F.dones, 1);
	assert_int_equal(F.status, 0);
	assert_string_equal(F.err, "");
}

/* One try only (removal): its failure is final at once. */
static void
test_one_try(void **state)
{
	F.tries[0].status = -1;		/* killed, or no status */
	job(1);
	try_ends();
	assert_int_equal(F.dones, 1);
	assert_int_equal(F.status, -1);
	assert_int_equal(F.wakes, 0);
}

static void
test_steps(void **state)
{
	job(10);
	F.start_r = SSH_AGAIN;
	assert_int_equal(pump(), SSH_AGAIN);
	F.start_r = SSH_OK;
	F.pending = true;
	assert_true(routejob_pending(F.rj));
	F.pending = false;
	F.close_r = SSH_AGAIN;
	F.eof = true;
	assert_int_equal(pump(), SSH_AGAIN);	/* closing */
	assert_false(routejob_pending(F.rj));
	assert_true(routejob_running(F.rj));
	F.close_r = SSH_ERR;
	assert_int_equal(pump(), SSH_ERR);
	assert_int_equal(F.dones, 0);
	F.close_r = SSH_OK;
	assert_int_equal(pump(), SSH_OK);
	assert_int_equal(F.dones, 1);

	routejob_free(F.rj);
	job(10);
	F.start_r = SSH_ERR;
	assert_int_equal(pump(), SSH_ERR);
	F.start_r = SSH_OK;
	F.stderr_r = SSH_ERR;
	assert_int_equal(pump(), SSH_ERR);
	assert_int_equal(F.dones, 1);
}

/* Freed while waiting for a retry: nothing more happens. */
static void
test_free_waiting(void **state)
{
	F.tries[0].status = 2;
	job(10);
	try_ends();
	routejob_free(F.rj);
	F.rj = NULL;
	advance(1000);
	assert_int_equal(F.wakes, 0);
	assert_int_equal(F.dones, 0);
	assert_int_equal(F.chan_news, 1);
}

/* The callback may free the job (run under ASan to mean much). */
/*
 * The input goes to the running try's stdin once, in as many writes as
 * the channel takes, waiting when it has no room; each retry gets it
 * again; a write that fails is the job's failure.
 */
static void
test_input(void **state)
{
	F.tries[0].status = 1;
	job(2);
	assert_int_equal(pump(), SSH_OK);
	assert_int_equal(F.in_len, 0);		/* nothing unless given */
	F.write_r = SSH_AGAIN;
	routejob_input(F.rj, "up\nmore\n");
	assert_int_equal(pump(), SSH_AGAIN);
	assert_int_equal(F.in_len, 0);
	F.write_r = SSH_OK;
	assert_int_equal(pump(), SSH_OK);
	assert_int_equal(F.in_len, 8);
	assert_memory_equal(F.in, "up\nmore\n", 8);
	assert_int_equal(pump(), SSH_OK);
	assert_int_equal(F.in_len, 8);		/* once a try */
	try_ends();
	advance(300);
	assert_int_equal(F.chan_news, 2);
	F.eof = false;
	assert_int_equal(pump(), SSH_OK);
	assert_int_equal(F.in_len, 16);		/* and again for the retry */
	try_ends();
	assert_int_equal(F.dones, 1);
	routejob_free(F.rj);
	F.rj = NULL;

	F.write_r = SSH_ERR;
	F.in_len = 0;
	F.eof = false;
	job(1);
	routejob_input(F.rj, "up\n");
	assert_int_equal(pump(), SSH_ERR);
	routejob_free(F.rj);
	F.rj = NULL;
}

static void
test_free_in_done(void **state)
{
	F.tries[0].err = "fine\n";
	F.free_in_done = true;
	job(10);
	try_ends();
	assert_int_equal(F.dones, 1);
	assert_string_equal(F.err, "fine");
	assert_null(F.rj);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_success, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_success_after_failure,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_try, setup, teardown),
		cmocka_unit_test_setup_teardown(test_steps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_waiting, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_in_done, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
