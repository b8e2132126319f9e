/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * clockshift.so, for the kernel tier's resume test: LD_PRELOADed into
 * vpnd, it makes the machine seem to have slept.  A real suspend stops
 * CLOCK_MONOTONIC while CLOCK_BOOTTIME and the wall clock go on; the
 * tier's user-mode-linux 6.1 cannot do that (its s2idle keeps the
 * monotonic clock running, its "mem" returns at once without sleeping),
 * so this shim adds an offset to what the process reads of
 * CLOCK_BOOTTIME and of the wall clock (clock_gettime(), gettimeofday(),
 * time()), and leaves CLOCK_MONOTONIC alone.  Everything else, the
 * session, the gateway, the network, is real.
 *
 * The offset, whole seconds in decimal, is read from the file named by
 * CLOCKSHIFT_FILE, mapped once: the test rewrites it in place (same
 * size, never truncated).  Only a process named vpnd shifts: its
 * children (pppd) exec with the real clocks.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/time.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CLOCKSHIFT_SIZE	16

typedef int	(*clock_gettime_fn)(clockid_t, struct timespec *);

static const char	*shift_map;	/* the file's bytes, or NULL */
static int		 shift_state;	/* 0 unknown, 1 on, -1 off */

static clock_gettime_fn
real_clock_gettime(void)
{
	static clock_gettime_fn	fn;

	if (fn == NULL)
		fn = (clock_gettime_fn)dlsym(RTLD_NEXT, "clock_gettime");
	return fn;
}

/* The offset in seconds now; 0 when not shifting. */
static long
shift_seconds(void)
{
	const char	*path;
	void		*p;
	long		 v = 0;
	int		 fd, i, saved = errno;

	if (shift_state == 0) {
		shift_state = -1;
		path = getenv("CLOCKSHIFT_FILE");
		if (path != NULL &&
		    strcmp(program_invocation_short_name, "vpnd") == 0 &&
		    (fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
			p = mmap(NULL, CLOCKSHIFT_SIZE, PROT_READ, MAP_SHARED,
			    fd, 0);
			close(fd);
			if (p != MAP_FAILED) {
				shift_map = p;
				shift_state = 1;
			}
		}
		errno = saved;
	}
	if (shift_state != 1)
		return 0;
	for (i = 0; i < CLOCKSHIFT_SIZE && shift_map[i] >= '0' &&
	    shift_map[i] <= '9'; i++)
		v = v * 10 + (shift_map[i] - '0');
	return v;
}

int
clock_gettime(clockid_t id, struct timespec *ts)
{
	clock_gettime_fn	fn = real_clock_gettime();
	int			r;

	if (fn == NULL) {
		errno = ENOSYS;
		return -1;
	}
	r = fn(id, ts);
	if (r == 0 && (id == CLOCK_BOOTTIME || id == CLOCK_REALTIME ||
	    id == CLOCK_REALTIME_COARSE))
		ts->tv_sec += shift_seconds();
	return r;
}

int
gettimeofday(struct timeval *tv, void *tz)
{
	struct timespec	ts;

	(void)tz;
	if (clock_gettime(CLOCK_REALTIME, &ts) == -1)
		return -1;
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
	return 0;
}

time_t
time(time_t *t)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) == -1)
		return (time_t)-1;
	if (t != NULL)
		*t = ts.tv_sec;
	return ts.tv_sec;
}
