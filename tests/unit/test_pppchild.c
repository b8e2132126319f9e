/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for the local pppd child: its exit reported once with its
 * first stderr line, SIGTERM, SIGTERM escalated to SIGKILL, SIGKILL at
 * once, freed while running, and a pppd that cannot be started.  This
 * program plays pppd itself: exec'd with the pppd options (argv[1] is
 * "nodetach"), it does what TEST_PPPCHILD says.  Not covered here: a
 * pppd that outlives SIGKILL (abandoned), which needs a process stuck
 * in the kernel; test_link covers what the link does then.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "loop.h"
#include "ppp.h"
#include "pppchild.h"
#include "xmalloc.h"

#define WAIT_MAX	10000	/* ms, for anything that should happen */

static char		 self[4096];
static char *const	 prefix[] = { "sudo", "/usr/sbin/pppd", NULL };
static char *const	 ip_prefix[] = { "sudo", "/sbin/ip", NULL };

/* What the callback was told. */
struct gone {
	int	 calls;
	int	 status;
	bool	 abandoned;
	char	 err[512];
};

static void
on_gone(int status, bool abandoned, const char *err, void *arg)
{
	struct gone	*g = arg;

	g->calls++;
	g->status = status;
	g->abandoned = abandoned;
	snprintf(g->err, sizeof(g->err), "%s", err);
}

static struct ppp_params
params(const char *pppd)
{
	struct ppp_params	p;

	memset(&p, 0, sizeof(p));
	p.local_pppd = pppd;
	p.local_ifname = "vpn-test";
	p.remote_ifname = "vpn-test";
	p.local_ip = "10.9.0.1";
	p.remote_ip = "10.9.0.2";
	p.lcp_echo_interval = 10;
	p.lcp_echo_failure = 3;
	p.remote_prefix = prefix;
	p.remote_ip_prefix = ip_prefix;
	return p;
}

/* Spawn this program as pppd, doing mode; *master gets the pty. */
static struct pppchild *
spawn(struct loop *loop, const char *mode, struct gone *g, int *master)
{
	struct ppp_params	 p = params(self);
	struct pppchild		*c;
	char			*cause = NULL;

	assert_int_equal(setenv("TEST_PPPCHILD", mode, 1), 0);
	c = pppchild_spawn(loop, &p, "link test", on_gone, g, master, &cause);
	if (c == NULL)
		fail_msg("spawn: %s", cause);
	assert_true(pppchild_running(c));
	assert_false(pppchild_ending(c));
	assert_true(pppchild_pid(c) > 0);
	return c;
}

/* Run the loop until the callback came; returns the ms it took. */
static uint64_t
wait_gone(struct loop *loop, struct gone *g)
{
	uint64_t	start = loop_clock_monotonic(), now = start;

	while (g->calls == 0 && now - start < WAIT_MAX) {
		assert_int_equal(loop_once(loop, 100), 0);
		now = loop_clock_monotonic();
	}
	assert_int_equal(g->calls, 1);
	return now - start;
}

/* The child is ready once it wrote its mark on the pty. */
static void
wait_ready(int master)
{
	struct pollfd	pfd = { master, POLLIN, 0 };
	char		c = 0;

	assert_int_equal(poll(&pfd, 1, WAIT_MAX), 1);
	assert_int_equal(read(master, &c, 1), 1);
	assert_int_equal(c, 'R');
}

static void
test_exit_status(void **state)
{
	struct loop	*loop = loop_new();
	struct pppchild	*c;
	struct gone	 g = { 0 };
	int		 master;

	(void)state;
	c = spawn(loop, "fail", &g, &master);
	(void)wait_gone(loop, &g);
	assert_false(g.abandoned);
	assert_true(WIFEXITED(g.status));
	assert_int_equal(WEXITSTATUS(g.status), 2);
	/* The first line it wrote, not the last. */
	assert_string_equal(g.err, "unrecognized option 'bogus'");
	assert_false(pppchild_running(c));
	/* Ending a pppd that is gone does nothing. */
	pppchild_term(c);
	pppchild_kill(c);
	assert_false(pppchild_ending(c));
	assert_int_equal(loop_once(loop, 50), 0);
	assert_int_equal(g.calls, 1);
	pppchild_free(c);
	close(master);
	loop_free(loop);
}

static void
test_term(void **state)
{
	struct loop	*loop = loop_new();
	struct pppchild	*c;
	struct gone	 g = { 0 };
	int		 master;

	(void)state;
	c = spawn(loop, "hold", &g, &master);
	wait_ready(master);
	pppchild_term(c);
	assert_true(pppchild_ending(c));
	pppchild_term(c);			/* once is enough */
	assert_true(wait_gone(loop, &g) < PPPCHILD_KILL_WAIT);
	assert_false(g.abandoned);
	assert_true(WIFSIGNALED(g.status));
	assert_int_equal(WTERMSIG(g.status), SIGTERM);
	assert_string_equal(g.err, "");
	pppchild_free(c);
	close(master);
	loop_free(loop);
}

/* SIGTERM ignored: SIGKILL follows PPPCHILD_KILL_WAIT later. */
static void
test_term_escalates(void **state)
{
	struct loop	*loop = loop_new();
	struct pppchild	*c;
	struct gone	 g = { 0 };
	uint64_t	 t;
	int		 master;

	(void)state;
	c = spawn(loop, "stubborn", &g, &master);
	wait_ready(master);
	pppchild_term(c);
	t = wait_gone(loop, &g);
	assert_true(t >= PPPCHILD_KILL_WAIT - 10);
	assert_true(t < 2 * PPPCHILD_KILL_WAIT);
	assert_true(WIFSIGNALED(g.status));
	assert_int_equal(WTERMSIG(g.status), SIGKILL);
	assert_string_equal(g.err, "ignoring SIGTERM");
	pppchild_free(c);
	close(master);
	loop_free(loop);
}

static void
test_kill(void **state)
{
	struct loop	*loop = loop_new();
	struct pppchild	*c;
	struct gone	 g = { 0 };
	int		 master;

	(void)state;
	c = spawn(loop, "stubborn", &g, &master);
	wait_ready(master);
	pppchild_kill(c);
	assert_true(pppchild_ending(c));
	assert_true(wait_gone(loop, &g) < PPPCHILD_KILL_WAIT);
	assert_true(WIFSIGNALED(g.status));
	assert_int_equal(WTERMSIG(g.status), SIGKILL);
	pppchild_free(c);
	close(master);
	loop_free(loop);
}

/* Freed while it runs: killed, reaped by the loop, never called back. */
static void
test_free_running(void **state)
{
	struct loop	*loop = loop_new();
	struct pppchild	*c;
	struct gone	 g = { 0 };
	uint64_t	 start;
	pid_t		 pid;
	int		 master;

	(void)state;
	c = spawn(loop, "stubborn", &g, &master);
	wait_ready(master);
	pid = pppchild_pid(c);
	pppchild_free(c);
	start = loop_clock_monotonic();
	while (kill(pid, 0) == 0 &&
	    loop_clock_monotonic() - start < WAIT_MAX)
		assert_int_equal(loop_once(loop, 100), 0);
	assert_int_equal(kill(pid, 0), -1);
	assert_int_equal(errno, ESRCH);		/* killed and reaped */
	assert_int_equal(g.calls, 0);
	pppchild_free(NULL);
	close(master);
	loop_free(loop);
}

static void
test_spawn_fails(void **state)
{
	struct loop		*loop = loop_new();
	struct ppp_params	 p = params("/nonexistent/pppd");
	struct gone		 g = { 0 };
	char			*cause = NULL;
	int			 master = -1;

	(void)state;
	assert_null(pppchild_spawn(loop, &p, "link test", on_gone, &g,
	    &master, &cause));
	assert_string_equal(cause,
	    "exec /nonexistent/pppd: No such file or directory");
	assert_int_equal(master, -1);
	free(cause);
	assert_int_equal(loop_once(loop, 50), 0);
	assert_int_equal(g.calls, 0);
	loop_free(loop);
}

/* As pppd: do what TEST_PPPCHILD says. */
static int
child_main(void)
{
	const char	*mode = getenv("TEST_PPPCHILD");

	if (mode != NULL && strcmp(mode, "fail") == 0) {
		fprintf(stderr, "unrecognized option 'bogus'\n"
		    "pppd version 2.4.9\n");
		return 2;
	}
	if (mode != NULL && strcmp(mode, "stubborn") == 0) {
		(void)signal(SIGTERM, SIG_IGN);
		fprintf(stderr, "ignoring SIGTERM\n");
	}
	/* Ready: the mark on the pty (stdout), then wait for a signal. */
	if (write(STDOUT_FILENO, "R", 1) != 1)
		return 99;
	for (;;)
		(void)pause();
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_status),
		cmocka_unit_test(test_term),
		cmocka_unit_test(test_term_escalates),
		cmocka_unit_test(test_kill),
		cmocka_unit_test(test_free_running),
		cmocka_unit_test(test_spawn_fails),
	};
	ssize_t	n;

	if (argc > 1 && strcmp(argv[1], "nodetach") == 0)
		return child_main();
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		fprintf(stderr, "readlink /proc/self/exe failed\n");
		return 99;
	}
	self[n] = '\0';
	return cmocka_run_group_tests(tests, NULL, NULL);
}
