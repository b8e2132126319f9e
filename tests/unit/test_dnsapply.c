/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for dnsapply (and the command job it runs): which backend
 * a host's files choose, the exact commands each backend is given, and
 * a dnsapply run in a real loop against resolvectl and resolvconf
 * stand-ins, shell scripts in a tree of the test's own that log their
 * arguments and stdin: apply, status, failure, change of servers, undo
 * at clear and at free.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmdjob.h"
#include "dnsapply.h"
#include "loop.h"
#include "xmalloc.h"

#define WAIT_MAX	30000	/* ms, for a stand-in command to have run */

static char	 root[64];
static char	 logpath[128];

/* mkdir -p under root. */
static void
mkdirs(const char *rel)
{
	char	path[512], *p;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	for (p = path + strlen(root) + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) == -1 && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = '/';
	}
	if (mkdir(path, 0755) == -1 && errno != EEXIST)
		fail_msg("mkdir %s: %s", path, strerror(errno));
}

/* A file under root with text, mode mode (its directory made). */
static void
put(const char *rel, const char *text, mode_t mode)
{
	char	path[512], dir[256], *slash;
	FILE	*f;

	snprintf(dir, sizeof(dir), "%s", rel);
	slash = strrchr(dir, '/');
	*slash = '\0';
	if (dir[0] != '\0')
		mkdirs(dir);
	snprintf(path, sizeof(path), "%s%s", root, rel);
	assert_non_null(f = fopen(path, "w"));
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* A stand-in program: logs "NAME ARGS" and its stdin, exits status. */
static void
put_tool(const char *rel, int status, const char *err)
{
	char	*text;

	xasprintf(&text, "#!/bin/sh\n"
	    "{ echo \"%s $*\"; cat; } >>'%s'\n"
	    "%s%s%s"
	    "exit %d\n", strrchr(rel, '/') + 1, logpath,
	    err != NULL ? "echo '" : "", err != NULL ? err : "",
	    err != NULL ? "' >&2\n" : "", status);
	put(rel, text, 0755);
	free(text);
}

static char *
read_log(void)
{
	static char	buf[4096];
	ssize_t		n;
	int		fd;

	buf[0] = '\0';
	if ((fd = open(logpath, O_RDONLY)) == -1)
		return buf;
	n = read(fd, buf, sizeof(buf) - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
	return buf;
}

static int
setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/test_dnsapply.XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(logpath, sizeof(logpath), "%s/log", root);
	dnsapply_root = root;
	return 0;
}

static int
teardown(void **state)
{
	char	*cmd;

	(void)state;
	xasprintf(&cmd, "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	dnsapply_root = "";
	return 0;
}

/* ------------------------------------------------------------ backend */

static void
test_backend(void **state)
{
	char	path[DNSAPPLY_PATH_MAX], want[DNSAPPLY_PATH_MAX];

	(void)state;
	assert_int_equal(dnsapply_backend(root, path, sizeof(path)),
	    DNSAPPLY_NONE);
	assert_string_equal(path, "");
	/* Not executable: not installed. */
	put("/sbin/resolvconf", "#!/bin/sh\n", 0644);
	assert_int_equal(dnsapply_backend(root, path, sizeof(path)),
	    DNSAPPLY_NONE);
	put("/sbin/resolvconf", "#!/bin/sh\n", 0755);
	assert_int_equal(dnsapply_backend(root, path, sizeof(path)),
	    DNSAPPLY_RESOLVCONF);
	snprintf(want, sizeof(want), "%s/sbin/resolvconf", root);
	assert_string_equal(path, want);
	put("/usr/sbin/resolvconf", "#!/bin/sh\n", 0755);
	assert_int_equal(dnsapply_backend(root, path, sizeof(path)),
	    DNSAPPLY_RESOLVCONF);
	snprintf(want, sizeof(want), "%s/usr/sbin/resolvconf", root);
	assert_string_equal(path, want);
	/* resolvectl installed, systemd-resolved not running. */
	put("/usr/bin/resolvectl", "#!/bin/sh\n", 0755);
	assert_int_equal(dnsapply_backend(root, path, sizeof(path)),
	    DNSAPPLY_RESOLVCONF);
	/* Running (its socket), but no resolvectl to talk to it. */
	put("/usr/bin/resolvectl", "#!/bin/sh\n", 0644);
	put(DNSAPPLY_RESOLVED_SOCKET, "", 0644);
	assert_int_equal(dnsapply_backend(root, path, sizeof(path)),
	    DNSAPPLY_RESOLVCONF);
	put("/usr/bin/resolvectl", "#!/bin/sh\n", 0755);
	assert_int_equal(dnsapply_backend(root, path, sizeof(path)),
	    DNSAPPLY_RESOLVED);
	snprintf(want, sizeof(want), "%s/usr/bin/resolvectl", root);
	assert_string_equal(path, want);
	assert_string_equal(dnsapply_backend_name(DNSAPPLY_RESOLVED),
	    "systemd-resolved");
	assert_string_equal(dnsapply_backend_name(DNSAPPLY_RESOLVCONF),
	    "resolvconf");
	assert_string_equal(dnsapply_backend_name(DNSAPPLY_NONE), "none");
}

/* ----------------------------------------------------------- commands */

static char *const two[] = { "10.2.0.53", "10.2.0.54", NULL };
static char *const doms[] = { "corp.example", "lab.example", NULL };

static const struct {
	const char		*name;
	enum dnsapply_backend	 b;
	const char		*path;
	size_t			 nservers;
	char *const		*domains;
	bool			 undo;
	const char		*cmds[DNSAPPLY_CMDS_MAX];	/* joined */
	const char		*input;		/* of the first */
} cmd_cases[] = {
	{ "resolved, split", DNSAPPLY_RESOLVED, "/usr/bin/resolvectl", 2,
	    doms, false,
	    { "/usr/bin/resolvectl dns vpn-office 10.2.0.53 10.2.0.54",
	      "/usr/bin/resolvectl domain vpn-office ~corp.example "
	      "~lab.example",
	      "/usr/bin/resolvectl default-route vpn-office false" }, NULL },
	{ "resolved, no domains", DNSAPPLY_RESOLVED, "/usr/bin/resolvectl",
	    1, NULL, false,
	    { "/usr/bin/resolvectl dns vpn-office 10.2.0.53" }, NULL },
	{ "resolved, undo", DNSAPPLY_RESOLVED, "/bin/resolvectl", 2, doms,
	    true, { "/bin/resolvectl revert vpn-office" }, NULL },
	{ "resolvconf", DNSAPPLY_RESOLVCONF, "/sbin/resolvconf", 2, doms,
	    false, { "/sbin/resolvconf -a vpn-office.vpnd" },
	    "nameserver 10.2.0.53\nnameserver 10.2.0.54\n"
	    "search corp.example lab.example\n" },
	{ "resolvconf, no domains", DNSAPPLY_RESOLVCONF, "/sbin/resolvconf",
	    1, NULL, false, { "/sbin/resolvconf -a vpn-office.vpnd" },
	    "nameserver 10.2.0.53\n" },
	{ "resolvconf, undo", DNSAPPLY_RESOLVCONF, "/sbin/resolvconf", 2,
	    doms, true, { "/sbin/resolvconf -d vpn-office.vpnd" }, NULL },
	{ "none", DNSAPPLY_NONE, "", 2, doms, false, { NULL }, NULL },
};

static void
test_commands(void **state)
{
	struct dnsapply_cmd	 c[DNSAPPLY_CMDS_MAX];
	char			 joined[512];
	size_t			 i, k, n, want, w;

	(void)state;
	for (i = 0; i < sizeof(cmd_cases) / sizeof(cmd_cases[0]); i++) {
		print_message("%s\n", cmd_cases[i].name);
		n = dnsapply_commands(cmd_cases[i].b, cmd_cases[i].path,
		    "vpn-office", two, cmd_cases[i].nservers,
		    cmd_cases[i].domains, cmd_cases[i].undo, c);
		for (want = 0; want < DNSAPPLY_CMDS_MAX &&
		    cmd_cases[i].cmds[want] != NULL; want++)
			continue;
		assert_int_equal(n, want);
		for (k = 0; k < n; k++) {
			joined[0] = '\0';
			for (w = 0; c[k].argv[w] != NULL; w++)
				snprintf(joined + strlen(joined),
				    sizeof(joined) - strlen(joined), "%s%s",
				    w > 0 ? " " : "", c[k].argv[w]);
			assert_string_equal(joined, cmd_cases[i].cmds[k]);
			if (k > 0 || cmd_cases[i].input == NULL)
				assert_null(c[k].input);
			else
				assert_string_equal(c[k].input,
				    cmd_cases[i].input);
		}
		dnsapply_cmds_free(c, n);
	}
}

/* ----------------------------------------------------------- running */

/*
 * Whether WAIT_MAX ms have passed since start.  The waits below are
 * bounded by the clock, not by a count of turns: under ASan with the
 * rest of the suite beside it, a shell stand-in once took more than
 * the 100 turns of 50 ms the first version allowed.
 */
static bool
waited_out(uint64_t start)
{
	return loop_clock_monotonic() - start >= WAIT_MAX;
}

/* Turn the loop until the log holds want (at most WAIT_MAX ms). */
static void
run_until_logged(struct loop *loop, const char *want)
{
	uint64_t	start = loop_clock_monotonic();

	while (strstr(read_log(), want) == NULL && !waited_out(start))
		assert_int_equal(loop_once(loop, 50), 0);
	if (strstr(read_log(), want) == NULL)
		fail_msg("never logged '%s'; log:\n%s", want, read_log());
}

/* Turn the loop until the status starts with want (at most WAIT_MAX). */
static void
run_until_status(struct loop *loop, struct dnsapply *d, const char *want)
{
	uint64_t	start = loop_clock_monotonic();

	while (strncmp(dnsapply_status(d), want, strlen(want)) != 0 &&
	    !waited_out(start))
		assert_int_equal(loop_once(loop, 50), 0);
	if (strncmp(dnsapply_status(d), want, strlen(want)) != 0)
		fail_msg("status '%s', not '%s...'", dnsapply_status(d), want);
}

/*
 * Turn the loop until no command runs or waits (at most WAIT_MAX): the
 * next step's expectations start from an idle dnsapply.
 */
static void
run_until_idle(struct loop *loop, struct dnsapply *d)
{
	uint64_t	start = loop_clock_monotonic();

	while (dnsapply_busy(d) && !waited_out(start))
		assert_int_equal(loop_once(loop, 50), 0);
	if (dnsapply_busy(d))
		fail_msg("still busy after %d ms; log:\n%s", WAIT_MAX,
		    read_log());
}

static struct in_addr
ip(const char *s)
{
	struct in_addr	a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static void
test_resolvconf(void **state)
{
	struct loop	*loop = loop_new();
	struct dnsapply	*d;
	struct in_addr	 srv[2] = { ip("10.2.0.53"), ip("10.2.0.54") };
	char *const	 dom[] = { "corp.example", NULL };

	(void)state;
	put_tool("/sbin/resolvconf", 0, NULL);
	d = dnsapply_new(loop, "link office", "vpn-office", dom);
	assert_string_equal(dnsapply_status(d),
	    "not applied: the link is not up");
	dnsapply_set(d, srv, 1);
	assert_string_equal(dnsapply_status(d), "applying 10.2.0.53 through "
	    "resolvconf on vpn-office, search corp.example");
	run_until_status(loop, d, "10.2.0.53 through");
	assert_string_equal(dnsapply_status(d), "10.2.0.53 through "
	    "resolvconf on vpn-office, search corp.example");
	assert_string_equal(read_log(), "resolvconf -a vpn-office.vpnd\n"
	    "nameserver 10.2.0.53\nsearch corp.example\n");

	/* The same again, or as primary and secondary: nothing runs. */
	dnsapply_set(d, srv, 1);
	srv[1] = srv[0];
	dnsapply_set(d, srv, 2);
	srv[1] = ip("10.2.0.54");
	assert_string_equal(dnsapply_status(d), "10.2.0.53 through "
	    "resolvconf on vpn-office, search corp.example");

	/* A secondary too: the old record goes, the new one comes. */
	dnsapply_set(d, srv, 2);
	run_until_status(loop, d, "10.2.0.53, 10.2.0.54 through");
	assert_string_equal(read_log(), "resolvconf -a vpn-office.vpnd\n"
	    "nameserver 10.2.0.53\nsearch corp.example\n"
	    "resolvconf -d vpn-office.vpnd\n"
	    "resolvconf -a vpn-office.vpnd\n"
	    "nameserver 10.2.0.53\nnameserver 10.2.0.54\n"
	    "search corp.example\n");

	/* Taken back at clear; a second clear owes nothing. */
	assert_int_equal(truncate(logpath, 0), 0);
	dnsapply_clear(d);
	assert_string_equal(dnsapply_status(d),
	    "not applied: the link is not up");
	run_until_logged(loop, "resolvconf -d vpn-office.vpnd\n");
	dnsapply_clear(d);
	assert_int_equal(loop_once(loop, 100), 0);
	assert_string_equal(read_log(), "resolvconf -d vpn-office.vpnd\n");

	/* Applied and then freed: the undo still runs. */
	assert_int_equal(truncate(logpath, 0), 0);
	dnsapply_set(d, srv, 1);
	run_until_status(loop, d, "10.2.0.53 through");
	dnsapply_free(d);
	run_until_logged(loop, "resolvconf -d vpn-office.vpnd\n");
	assert_string_equal(read_log(), "resolvconf -a vpn-office.vpnd\n"
	    "nameserver 10.2.0.53\nsearch corp.example\n"
	    "resolvconf -d vpn-office.vpnd\n");
	loop_free(loop);
}

static void
test_resolved(void **state)
{
	struct loop	*loop = loop_new();
	struct dnsapply	*d;
	struct in_addr	 srv[1] = { ip("10.2.0.53") };
	char *const	 dom[] = { "corp.example", "lab.example", NULL };

	(void)state;
	put_tool("/usr/sbin/resolvconf", 0, NULL);	/* not chosen */
	put_tool("/usr/bin/resolvectl", 0, NULL);
	put(DNSAPPLY_RESOLVED_SOCKET, "", 0644);
	d = dnsapply_new(loop, "link office", "vpn-office", dom);
	dnsapply_set(d, srv, 1);
	run_until_status(loop, d, "10.2.0.53 through");
	assert_string_equal(dnsapply_status(d), "10.2.0.53 through "
	    "systemd-resolved on vpn-office, for ~corp.example "
	    "~lab.example");
	assert_string_equal(read_log(),
	    "resolvectl dns vpn-office 10.2.0.53\n"
	    "resolvectl domain vpn-office ~corp.example ~lab.example\n"
	    "resolvectl default-route vpn-office false\n");
	/*
	 * Set and cleared while the revert runs: the apply never starts,
	 * and owes no undo.
	 */
	assert_int_equal(truncate(logpath, 0), 0);
	dnsapply_clear(d);
	srv[0] = ip("10.2.0.99");
	dnsapply_set(d, srv, 1);
	dnsapply_clear(d);
	run_until_idle(loop, d);
	assert_string_equal(read_log(), "resolvectl revert vpn-office\n");
	/* Cleared while its first command runs: the rest is dropped. */
	assert_int_equal(truncate(logpath, 0), 0);
	dnsapply_set(d, srv, 1);
	dnsapply_clear(d);
	run_until_logged(loop, "revert");
	assert_string_equal(read_log(), "resolvectl dns vpn-office "
	    "10.2.0.99\nresolvectl revert vpn-office\n");
	dnsapply_free(d);
	loop_free(loop);
}

static void
test_failure(void **state)
{
	struct loop	*loop = loop_new();
	struct dnsapply	*d;
	struct in_addr	 srv[1] = { ip("10.2.0.53") };

	(void)state;
	put_tool("/usr/bin/resolvectl", 1, "Failed to set DNS configuration: "
	    "Link vpn-office not known");
	put(DNSAPPLY_RESOLVED_SOCKET, "", 0644);
	d = dnsapply_new(loop, "link office", "vpn-office", NULL);
	dnsapply_set(d, srv, 1);
	run_until_status(loop, d, "failed");
	assert_string_equal(dnsapply_status(d), "failed: resolvectl on "
	    "vpn-office: exit status 1: Failed to set DNS configuration: Link "
	    "vpn-office not known");
	/*
	 * A failed apply may have changed something: free takes it back,
	 * unwatched.  Wait for it, or it writes its log into the tree the
	 * teardown is removing.
	 */
	dnsapply_free(d);
	run_until_logged(loop, "resolvectl revert vpn-office\n");
	loop_free(loop);
}

/* Neither: /etc/resolv.conf is left alone, and the status says why. */
static void
test_none(void **state)
{
	struct loop	*loop = loop_new();
	struct dnsapply	*d;
	struct in_addr	 srv[1] = { ip("10.2.0.53") };

	(void)state;
	d = dnsapply_new(loop, "link office", "vpn-office", NULL);
	dnsapply_set(d, NULL, 0);
	assert_string_equal(dnsapply_status(d), "not applied: the far end "
	    "offered no name servers (its pppd needs ms-dns)");
	dnsapply_set(d, srv, 1);
	assert_string_equal(dnsapply_status(d), "not applied: neither "
	    "systemd-resolved (no " DNSAPPLY_RESOLVED_SOCKET ") nor "
	    "resolvconf(8) here, /etc/resolv.conf left alone; the far end "
	    "offers 10.2.0.53");
	dnsapply_clear(d);
	assert_int_equal(loop_once(loop, 50), 0);
	assert_string_equal(read_log(), "");
	dnsapply_free(d);
	loop_free(loop);
}

/* ------------------------------------------------------------ cmdjob */

static int	 job_status;
static char	 job_err[256];
static bool	 job_done;

static void
job_cb(int status, const char *err, void *arg)
{
	struct cmdjob	**jp = arg;

	job_status = status;
	snprintf(job_err, sizeof(job_err), "%s", err);
	job_done = true;
	cmdjob_free(*jp);
	*jp = NULL;
}

static void
run_job(char *const *argv, const char *input)
{
	struct loop	*loop = loop_new();
	struct cmdjob	*j;
	char		*cause = NULL;
	uint64_t	 start = loop_clock_monotonic();

	job_done = false;
	j = cmdjob_start(loop, argv, input, "test", job_cb, &j, &cause);
	if (j == NULL)
		fail_msg("%s", cause);
	while (!job_done && !waited_out(start))
		assert_int_equal(loop_once(loop, 50), 0);
	assert_true(job_done);
	loop_free(loop);
}

static void
test_cmdjob(void **state)
{
	char *const	 sh[] = { "/bin/sh", "-c", "read a; read b; "
			    "echo \"got $a $b\" >&2; echo more >&2; exit 3",
			    NULL };
	char *const	 nosuch[] = { "/nonexistent/resolvectl", "dns", NULL };
	char *const	 term[] = { "/bin/sh", "-c", "kill -TERM $$", NULL };
	char *const	 partial[] = { "/bin/sh", "-c", "printf oops >&2",
			    NULL };
	char		 big[CMDJOB_INPUT_MAX + 2];
	char		*cause = NULL;

	(void)state;
	run_job(sh, "one\ntwo\n");
	assert_int_equal(job_status, 3);
	assert_string_equal(job_err, "got one two");
	run_job(nosuch, NULL);
	assert_int_equal(job_status, 127);
	assert_string_equal(job_err, "exec /nonexistent/resolvectl: No such "
	    "file or directory");
	run_job(term, NULL);
	assert_int_equal(job_status, -1);
	run_job(partial, NULL);
	assert_int_equal(job_status, 0);
	assert_string_equal(job_err, "oops");

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_null(cmdjob_start(NULL, sh, big, "test", job_cb, NULL,
	    &cause));
	assert_string_equal(cause, "/bin/sh: input of 4097 bytes, over 4096");
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_backend, setup, teardown),
		cmocka_unit_test(test_commands),
		cmocka_unit_test_setup_teardown(test_resolvconf, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_resolved, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_none, setup, teardown),
		cmocka_unit_test(test_cmdjob),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
