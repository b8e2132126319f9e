/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Fakes of what link.c drives, for test_link: the SSH session and its
 * channels, the dial, the local pppd child, the remote route job,
 * the in-tunnel echo, the name servers applied, rtnetlink's routes and queries, arc4random() and the loop's clock.
 * They answer what struct fakes F says and count what they were asked;
 * the objects they hand out are the structs below, which the test may
 * reach into to play the other side (a dial answering, pppd exiting).
 * Every fake keeps the contract of the real one's header.
 */
#ifndef PPPSSH_LINKFAKES_H
#define PPPSSH_LINKFAKES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dial.h"
#include "dnsapply.h"
#include "link.h"
#include "pppchild.h"
#include "routejob.h"
#include "rtt.h"
#include "ssh.h"

#define FAKE_MAX_TRACE	64
#define FAKE_IFINDEX	7	/* of vpn-test, the link's interface */

struct ssh {
	int		 fd;
};

struct ssh_chan {
	char		*cmd;
	bool		 closing;	/* ssh_chan_close() began */
};

struct dial {
	dial_cb		 cb;
	void		*arg;
	const char	*host;
	int		 port;
};

struct pppchild {
	pppchild_cb	 cb;
	void		*arg;
	bool		(*take)(const char *, void *);	/* its stderr */
	void		*take_arg;
	bool		 running;
	bool		 ending;
};

struct routejob {
	routejob_done_cb done;
	void		*arg;
	bool		 running;
	bool		 finish;	/* call done at the next pump */
	int		 status;
	char		 err[128];
};

struct rtt {
	rtt_lost_cb	 lost;
	void		*arg;
	int		 interval, misses;
	uint8_t		 local[4], peer[4];
	char		 ifname[32];
	int		 last_us;	/* what rtt_last_us() says */
};

/* What the fakes answer, and what they were asked. */
struct fakes {
	/* ssh */
	int		 handshake, hostkey, auth, chan_start, chan_close;
	enum ssh_fail	 fclass;
	int		 ch1_read;	/* channel 1 stdout: AGAIN, 0 (EOF) */
	char		 ch1_data[128];	/* or these bytes first, once */
	size_t		 ch1_written;	/* bytes written to channel 1 */
	bool		 ch1_broken;	/* reads fail: the session is gone */
	bool		 ch1_tty;	/* the far pppd runs on sshd's pty */
	char		 ch1_stderr[128]; /* given once, then AGAIN */
	int		 ch1_status;
	bool		 silent;	/* nothing received since last_rx */
	uint64_t	 rx;		/* bytes received by the session */
	int		 keepalives;	/* ssh_keepalive() calls */
	uint64_t	 last_rx;
	struct ssh	*ssh;
	int		 sshfd, peer;	/* the session socket, its far end */
	int		 ssh_news, ssh_frees, disconnects;
	int		 chan_news, chan_frees;
	int		 reads_closing;	/* reads of a channel being closed */
	char		 ch1_cmd[4096];
	int		 keepalive_configs;

	/* dial */
	struct dial	*dial;
	int		 dial_starts, dial_frees, dial_timeout;
	size_t		 dial_ntargets;
	int		 resume_r;	/* dial_resume(): 0 goes on, -1 */
	bool		 peer_acked;	/* dial_peer_acked() */
	int		 resumes;
	char		 resume_cause[256];

	/* pppd */
	struct pppchild	*pppd;
	bool		 spawn_fail;
	int		 spawns, spawn_fails, pppd_frees;
	int		 terms, kills, killed_on_free;
	int		 pty_peer;

	/* route job */
	struct routejob	*rj;
	int		 rj_pump_r;
	int		 rj_news, rj_frees, rj_tries, rj_retry_ms;
	char		 rj_cmd[4096];
	char		 rj_input[64];	/* routejob_input()'s text */

	/* netlink */
	int		 route_adds, route_dels, route_add_r;
	int		 qdisc_roots, qdisc_r;	/* rtnl_qdisc_root() */
	char		 qdisc_kind[16];		/* its last kind */
	int		 route_get_r;	/* 0 or -errno */
	bool		 prefsrc_other;	/* the path leaves from elsewhere */

	/* in-tunnel echo */
	struct rtt	*rtt;
	bool		 rtt_fail;	/* rtt_start() has no socket */
	int		 rtt_starts, rtt_frees;

	/* name servers applied (dnsapply.h) */
	int		 dns_news, dns_sets, dns_clears, dns_frees;
	size_t		 dns_n;		/* servers of the last set */
	char		 dns_srv[2][16];
	bool		 dns_applied;	/* set with servers, not cleared */

	/* arc4random */
	uint32_t	 rnd;

	/* the state callback */
	enum link_state	 trace[FAKE_MAX_TRACE];
	size_t		 ntrace;
};

extern struct fakes	 F;

/* The loop's clock (loop_clock): ms, moved by the test only. */
extern uint64_t	 fake_now;
uint64_t	 fake_clock(void);
/* Every answer to its default (all steps succeed), every count to 0. */
void		 fake_reset(void);

#endif
