/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * ptyrun: put a program on a pty the way vpnd puts pppd on one, and
 * another program on its master the way vpnd's relay sits there.
 *
 *	ptyrun [-r file] SLAVE-COMMAND [ARG ...] -- MASTER-COMMAND [ARG ...]
 *
 * A fresh pty, its slave in raw mode (cfmakeraw, as for pppd); the
 * slave command runs in a new session with the slave as its
 * controlling tty, stdin and stdout; the master command runs with the
 * master as its stdin and stdout.  The benchmark runs `ssh gw ...` as
 * the master command, so the OpenSSH client pays the same pty cost as
 * vpnd.
 *
 * Without -r, ptyrun execs the master command (its PID is ptyrun's).
 * With -r, ptyrun forks it, passes SIGTERM, SIGINT and SIGHUP on to it,
 * and once it exits writes "cpu_ns N" to file: the user + system CPU
 * time of the master command (and of any child it waited for), then
 * exits with its status.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/types.h>

#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static volatile pid_t	ptyrun_child = -1;

static void __attribute__((noreturn))
ptyrun_usage(void)
{
	fprintf(stderr, "usage: ptyrun [-r file] SLAVE-COMMAND [ARG ...] -- "
	    "MASTER-COMMAND [ARG ...]\n");
	exit(2);
}

static void
ptyrun_pass(int signo)
{
	if (ptyrun_child > 0)
		(void)kill(ptyrun_child, signo);
}

/* Run argv as a child, wait for it, write its CPU time to path. */
static int
ptyrun_measure(char **argv, const char *path)
{
	struct sigaction	 sa;
	struct rusage		 ru;
	sigset_t		 set, old;
	FILE			*f;
	pid_t			 pid;
	int			 st;
	unsigned long long	 ns;

	/* Held until the child's PID is known, so none is lost. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, &old) == -1) {
		fprintf(stderr, "ptyrun: sigprocmask: %s\n", strerror(errno));
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ptyrun_pass;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGHUP, &sa, NULL) == -1) {
		fprintf(stderr, "ptyrun: sigaction: %s\n", strerror(errno));
		return 1;
	}
	switch (pid = fork()) {
	case -1:
		fprintf(stderr, "ptyrun: fork: %s\n", strerror(errno));
		return 1;
	case 0:
		sa.sa_handler = SIG_DFL;
		(void)sigaction(SIGTERM, &sa, NULL);
		(void)sigaction(SIGINT, &sa, NULL);
		(void)sigaction(SIGHUP, &sa, NULL);
		(void)sigprocmask(SIG_SETMASK, &old, NULL);
		execvp(argv[0], argv);
		fprintf(stderr, "ptyrun: exec %s: %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	default:
		ptyrun_child = pid;
		break;
	}
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	/* Only the child holds the master now: its exit hangs up the pty. */
	(void)close(STDIN_FILENO);
	(void)close(STDOUT_FILENO);
	while (wait4(pid, &st, 0, &ru) == -1) {
		if (errno != EINTR) {
			fprintf(stderr, "ptyrun: wait: %s\n", strerror(errno));
			return 1;
		}
	}
	ns = (unsigned long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) *
	    1000000000ULL + (unsigned long long)(ru.ru_utime.tv_usec +
	    ru.ru_stime.tv_usec) * 1000ULL;
	if ((f = fopen(path, "we")) == NULL ||
	    fprintf(f, "cpu_ns %llu\n", ns) < 0 || fclose(f) == EOF) {
		fprintf(stderr, "ptyrun: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

int
main(int argc, char **argv)
{
	struct termios	  t;
	char		**slave_argv, **master_argv = NULL;
	const char	 *rusage_path = NULL;
	int		  ch, i, master, slave;
	pid_t		  pid;

	while ((ch = getopt(argc, argv, "+r:")) != -1) {
		switch (ch) {
		case 'r':
			rusage_path = optarg;
			break;
		default:
			ptyrun_usage();
		}
	}
	for (i = optind; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			argv[i] = NULL;
			master_argv = argv + i + 1;
			break;
		}
	}
	slave_argv = argv + optind;
	if (master_argv == NULL || master_argv[0] == NULL ||
	    slave_argv[0] == NULL)
		ptyrun_usage();

	if (openpty(&master, &slave, NULL, NULL, NULL) == -1) {
		fprintf(stderr, "ptyrun: openpty: %s\n", strerror(errno));
		return 1;
	}
	if (tcgetattr(slave, &t) == -1) {
		fprintf(stderr, "ptyrun: tcgetattr: %s\n", strerror(errno));
		return 1;
	}
	cfmakeraw(&t);
	if (tcsetattr(slave, TCSANOW, &t) == -1) {
		fprintf(stderr, "ptyrun: tcsetattr: %s\n", strerror(errno));
		return 1;
	}

	switch (pid = fork()) {
	case -1:
		fprintf(stderr, "ptyrun: fork: %s\n", strerror(errno));
		return 1;
	case 0:
		(void)close(master);
		if (setsid() == -1 || ioctl(slave, TIOCSCTTY, 0) == -1 ||
		    dup2(slave, STDIN_FILENO) == -1 ||
		    dup2(slave, STDOUT_FILENO) == -1) {
			fprintf(stderr, "ptyrun: slave setup: %s\n",
			    strerror(errno));
			_exit(1);
		}
		if (slave > STDERR_FILENO)
			(void)close(slave);
		execvp(slave_argv[0], slave_argv);
		fprintf(stderr, "ptyrun: exec %s: %s\n", slave_argv[0],
		    strerror(errno));
		_exit(127);
	default:
		break;
	}
	(void)close(slave);
	if (dup2(master, STDIN_FILENO) == -1 ||
	    dup2(master, STDOUT_FILENO) == -1) {
		fprintf(stderr, "ptyrun: dup2: %s\n", strerror(errno));
		return 1;
	}
	if (master > STDERR_FILENO)
		(void)close(master);
	if (rusage_path != NULL)
		return ptyrun_measure(master_argv, rusage_path);
	execvp(master_argv[0], master_argv);
	fprintf(stderr, "ptyrun: exec %s: %s\n", master_argv[0],
	    strerror(errno));
	return 127;
}
