/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The real pppd takes both command lines ppp.c builds: the local one
 * exec'd by ppp_spawn() on a pty, the remote one through a shell on a
 * pipe as over SSH.  With "dryrun" pppd parses the command line, checks
 * every option, prints the options in effect and exits 0 before it
 * uses a device; each option we give must be in effect "from command
 * line", none overridden by /etc/ppp/options.
 *
 * pppd opens /dev/ppp (the kernel's PPP driver) after parsing and
 * before checking; without it pppd exits 4 and checks nothing more.
 * Where the host has no driver, this program runs in a mount namespace
 * of its own in which /dev is a tmpfs holding the host's devices the
 * test uses, and /dev/null as /dev/ppp: pppd's checks and dryrun never
 * touch the device, so they run as they would on a gateway.
 *
 * Needs root (pppd's noauth and nolock are privileged, and the mount
 * namespace) and pppd; otherwise it exits 77 with the reason.
 */
#include "config.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
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

#include "argv.h"
#include "ppp.h"
#include "xmalloc.h"

#define REAL_PPPD	"/usr/sbin/pppd"
#define OUT_MAX		16384

static char *const dryrun[] = { "dryrun", NULL };
static char *const real_pppd[] = { REAL_PPPD, NULL };
static char *const ip[] = { "/sbin/ip", NULL };	/* checked, not run */

/* The options both ends get, then what differs per case. */
static const char *const common[] = {
	"noauth", "local", "nolock", "nocrtscts", "nodefaultroute",
	"logfd 2", "lcp-echo-adaptive", "lcp-restart 1", "lcp-max-terminate 1",
	"nodetach", "dryrun", NULL
};

static const struct {
	const char	*name;
	int		 mtu;
	bool		 compression;
	const char	*linkname;
	bool		 dns;		/* peer_dns, remote_dns */
	const char	*local[8];	/* also in effect locally */
	const char	*remote[8];	/* also in effect remotely */
} cases[] = {
	{ "defaults", 0, false, "vpn-branch", false,
	    { "ifname vpn-office", "10.9.0.1:10.9.0.2",
	      "lcp-echo-interval 10", "lcp-echo-failure 3", "noccp", NULL },
	    { "ifname vpn-branch", "10.9.0.2:10.9.0.1", "notty",
	      "linkname vpn-branch", "lcp-echo-interval 10",
	      "lcp-echo-failure 3", "noccp", NULL } },
	{ "mtu 1400, compression, no linkname", 1400, true, NULL, false,
	    { "ifname vpn-office", "mtu 1400", "mru 1400", NULL },
	    { "ifname vpn-branch", "notty", "mtu 1400", "mru 1400", NULL } },
	{ "dns: usepeerdns here, ms-dns there", 0, false, "vpn-branch", true,
	    { "usepeerdns", "unset USEPEERDNS", "unset DNS1", "unset DNS2",
	      NULL },
	    { "ms-dns 10.2.0.53", "ms-dns 10.2.0.54", NULL } },
};

static char *const dns[] = { "10.2.0.53", "10.2.0.54", NULL };

static struct ppp_params
params(size_t i)
{
	struct ppp_params	p = {
		.local_pppd = REAL_PPPD,
		.local_ifname = "vpn-office",
		.remote_ifname = "vpn-branch",
		.local_ip = "10.9.0.1",
		.remote_ip = "10.9.0.2",
		.lcp_echo_interval = 10,
		.lcp_echo_failure = 3,
		.local_extra = dryrun,
		.remote_prefix = real_pppd,
		.remote_extra = dryrun,
		.remote_ip_prefix = ip,
	};
	char			*cause = NULL;

	p.mtu = cases[i].mtu;
	p.compression = cases[i].compression;
	p.linkname = cases[i].linkname;
	p.peer_dns = cases[i].dns;
	p.remote_dns = cases[i].dns ? dns : NULL;
	if (ppp_params_check(&p, &cause) != 0)
		fail_msg("case %zu: %s", i, cause);
	return p;
}

/*
 * pppd exited 0 after printing the options in effect, every option in
 * the lists among them as given on the command line.
 */
static void
assert_in_effect(int status, const char *out, const char *const *a,
    const char *const *b)
{
	const char *const	*lists[2] = { a, b };
	char			*line;
	size_t			 i, j;

	print_message("pppd said:\n%s", out);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) != 0)
		fail_msg("pppd exited %d (2: an option error, 4: no "
		    "/dev/ppp)", WEXITSTATUS(status));
	assert_non_null(strstr(out, "pppd options in effect:\n"));
	for (i = 0; i < 2; i++) {
		for (j = 0; lists[i][j] != NULL; j++) {
			xasprintf(&line, "\n%s\t\t# (from command line)\n",
			    lists[i][j]);
			if (strstr(out, line) == NULL)
				fail_msg("'%s' is not in effect from the "
				    "command line", lists[i][j]);
			free(line);
		}
	}
}

/* Read fd until EOF into out (NUL-terminated). */
static void
read_all(int fd, char *out, size_t size)
{
	struct pollfd	pfd;
	size_t		len = 0;
	ssize_t		n;

	for (;;) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		assert_int_equal(poll(&pfd, 1, 20000), 1);
		n = read(fd, out + len, size - 1 - len);
		if (n == -1 && errno == EAGAIN)
			continue;
		assert_true(n >= 0);
		if (n == 0)
			break;
		len += (size_t)n;
		assert_true(len < size - 1);
	}
	out[len] = '\0';
}

/* The local pppd, exec'd by ppp_spawn() on its pty: its status. */
static int
run_local(const struct ppp_params *p, char *out)
{
	struct ppp_child	 c;
	char			*cause = NULL;
	int			 status;

	if (ppp_spawn(p, &c, &cause) != 0)
		fail_msg("%s", cause);
	read_all(c.errfd, out, OUT_MAX);
	assert_int_equal(waitpid(c.pid, &status, 0), c.pid);
	assert_int_equal(close(c.master), 0);
	assert_int_equal(close(c.errfd), 0);
	return status;
}

/* The remote command, through a shell, on a pipe as over SSH. */
static int
run_remote(const struct ppp_params *p, char *out)
{
	char	*cmd, *sh;
	size_t	 len;
	FILE	*f;
	int	 status;

	cmd = ppp_remote_command(p);
	xasprintf(&sh, "%s 2>&1 </dev/null", cmd);
	assert_non_null(f = popen(sh, "r"));
	len = fread(out, 1, OUT_MAX - 1, f);
	out[len] = '\0';
	assert_false(ferror(f));
	status = pclose(f);
	free(sh);
	free(cmd);
	return status;
}

static void
test_pppd_accepts(void **state)
{
	struct ppp_params	 p;
	char			*out;
	size_t			 i;
	int			 status;

	(void)state;
	out = xmalloc(OUT_MAX);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p = params(i);
		print_message("case: %s, local\n", cases[i].name);
		status = run_local(&p, out);
		assert_in_effect(status, out, common, cases[i].local);
		print_message("case: %s, remote\n", cases[i].name);
		status = run_remote(&p, out);
		assert_in_effect(status, out, common, cases[i].remote);
	}
	free(out);
}

/* An empty file dir/name with the device from bound on it. */
static int
bind_dev(const char *from, const char *dir, const char *name, char **why)
{
	char	*path;
	int	 fd, r = -1;

	xasprintf(&path, "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) == -1)
		xasprintf(why, "create %s: %s", path, strerror(errno));
	else if (close(fd) == -1)
		xasprintf(why, "close %s: %s", path, strerror(errno));
	else if (mount(from, path, NULL, MS_BIND, NULL) == -1)
		xasprintf(why, "bind %s on %s: %s", from, path,
		    strerror(errno));
	else
		r = 0;
	free(path);
	return r;
}

/*
 * In a mount namespace of this process: a tmpfs on /dev with the
 * devices this test uses bound in, and /dev/null as /dev/ppp.  Returns
 * 0, or -1 with *why.
 */
static int
fake_dev_ppp(char **why)
{
	static const struct {
		const char	*from;
		const char	*name;
	} devs[] = {
		{ "/dev/null", "null" },
		{ "/dev/zero", "zero" },
		{ "/dev/urandom", "urandom" },
		{ "/dev/tty", "tty" },
		{ "/dev/null", "ppp" },
	};
	char	 dir[] = "/tmp/test_pppd.XXXXXX", *pts;
	size_t	 i;
	int	 r = -1;

	if (unshare(CLONE_NEWNS) == -1) {
		xasprintf(why, "unshare(CLONE_NEWNS): %s", strerror(errno));
		return -1;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1) {
		xasprintf(why, "make / private: %s", strerror(errno));
		return -1;
	}
	if (mkdtemp(dir) == NULL) {
		xasprintf(why, "mkdtemp: %s", strerror(errno));
		return -1;
	}
	if (mount("tmpfs", dir, "tmpfs", MS_NOSUID, "mode=755") == -1) {
		xasprintf(why, "tmpfs on %s: %s", dir, strerror(errno));
		goto out;
	}
	for (i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		if (bind_dev(devs[i].from, dir, devs[i].name, why) == -1)
			goto unmount;
	}
	xasprintf(&pts, "%s/pts", dir);
	if (mkdir(pts, 0755) == -1 ||
	    mount("/dev/pts", pts, NULL, MS_BIND | MS_REC, NULL) == -1) {
		xasprintf(why, "bind /dev/pts on %s: %s", pts,
		    strerror(errno));
		free(pts);
		goto unmount;
	}
	free(pts);
	/*
	 * openpty() opens /dev/ptmx; a bound one would look for its pts
	 * next to the host's /dev/ptmx, so it leads to ours instead.
	 */
	xasprintf(&pts, "%s/ptmx", dir);
	if (symlink("pts/ptmx", pts) == -1) {
		xasprintf(why, "symlink %s: %s", pts, strerror(errno));
		free(pts);
		goto unmount;
	}
	free(pts);
	if (mount(dir, "/dev", NULL, MS_MOVE, NULL) == -1) {
		xasprintf(why, "move %s to /dev: %s", dir, strerror(errno));
		goto unmount;
	}
	r = 0;
	goto out;
unmount:
	(void)umount2(dir, MNT_DETACH);
out:
	/* Moved or unmounted, the tmpfs left an empty directory here. */
	(void)rmdir(dir);
	return r;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pppd_accepts),
	};
	char	*why = NULL;
	int	 fd;

	if (geteuid() != 0) {
		fprintf(stderr, "test_pppd: SKIP: needs root (pppd's noauth "
		    "and nolock are privileged options)\n");
		return 77;
	}
	if (access(REAL_PPPD, X_OK) != 0) {
		fprintf(stderr, "test_pppd: SKIP: %s: %s (Debian package "
		    "ppp)\n", REAL_PPPD, strerror(errno));
		return 77;
	}
	if ((fd = open("/dev/ppp", O_RDWR | O_CLOEXEC)) != -1)
		(void)close(fd);
	else if (fake_dev_ppp(&why) == -1) {
		fprintf(stderr, "test_pppd: SKIP: no /dev/ppp, and none can "
		    "be given to pppd: %s\n", why);
		free(why);
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
