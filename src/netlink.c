/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * rtnetlink.  Owns two NETLINK_ROUTE sockets: the event socket, bound to
 * the link, IPv4/IPv6 address and IPv4/IPv6 route groups, registered in
 * the loop and turned into struct rtnl_event for the user's callback;
 * and the request socket, which carries no multicast traffic.
 *
 * Requests are synchronous: send, then read the reply and the ACK (or
 * the NLMSG_DONE of a dump).  This does not block the loop in practice:
 * the kernel handles a rtnetlink request inside sendmsg() and queues the
 * answer before sendmsg() returns, and produces each further part of a
 * dump inside the recvmsg() that takes the previous one.  The socket is
 * still non-blocking, and if an answer is ever missing we wait for it at
 * most RTNL_REQ_TIMEOUT_MS and fail with -ETIMEDOUT.  Each request has
 * its own sequence number, so a late answer to an old request is
 * dropped.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "log.h"
#include "loop.h"
#include "netlink.h"
#include "xmalloc.h"

#define RTNL_BUF_SIZE		32768	/* > any rtnetlink datagram */
#define RTNL_REQ_SIZE		512	/* our requests are small */
#define RTNL_REQ_TIMEOUT_MS	1000
#define RTNL_READ_MAX		64	/* datagrams per loop turn */
#define RTNL_ERRMSG_MAX		256

#define RTNL_ATTR_MAX		64	/* > any attribute type we read */

struct rtnl {
	struct loop		*loop;
	struct mnl_socket	*ev;
	struct mnl_socket	*req;
	int			 evfd;		/* -1 when closed */
	int			 reqfd;
	unsigned		 reqpid;
	uint32_t		 seq;

	rtnl_event_cb		 cb;
	void			*arg;
	bool			 dispatching;
	bool			 closed;	/* rtnl_close() in the cb */

	char			 errmsg[RTNL_ERRMSG_MAX];
	/* Aligned for struct nlmsghdr. */
	_Alignas(struct nlmsghdr) char	 evbuf[RTNL_BUF_SIZE];
	_Alignas(struct nlmsghdr) char	 rbuf[RTNL_BUF_SIZE];
};

typedef int	(*rtnl_reply_cb)(const struct nlmsghdr *, void *);

struct rtnl_attrs {
	const struct nlattr	*tb[RTNL_ATTR_MAX + 1];
};

struct rtnl_addr_query {
	int		 ifindex;
	bool		 found;
	struct in_addr	 local;
	struct in_addr	 peer;
	unsigned	 plen;
};

struct rtnl_flush {
	int			 ifindex;
	struct rtnl_event	*v;
	size_t			 n, cap;
};

static void	rtnl_free(struct rtnl *);
static void	rtnl_readable(int, short, void *);
static void	rtnl_dispatch(struct rtnl *, const char *, size_t);
static void	rtnl_emit(struct rtnl *, struct rtnl_event *);
static int	rtnl_parse_link(const struct nlmsghdr *, struct rtnl_event *);
static int	rtnl_parse_addr(const struct nlmsghdr *, struct rtnl_event *);
static int	rtnl_parse_route(const struct nlmsghdr *,
		    struct rtnl_event *);
static int	rtnl_attr_cb(const struct nlattr *, void *);
static int	rtnl_parse_attrs(const struct nlmsghdr *, size_t,
		    struct rtnl_attrs *);
static bool	rtnl_get_ip(const struct nlattr *, int, union rtnl_ip *);
static size_t	rtnl_alen(int);
static int	rtnl_request(struct rtnl *, struct nlmsghdr *, rtnl_reply_cb,
		    void *);
static int	rtnl_wait(int, uint64_t);
static uint64_t	rtnl_now_ms(void);
static int	rtnl_error(struct rtnl *, const struct nlmsghdr *);
static int	rtnl_ifname_cb(const struct nlmsghdr *, void *);
static int	rtnl_ifindex_cb(const struct nlmsghdr *, void *);
static int	rtnl_addr_cb(const struct nlmsghdr *, void *);
static int	rtnl_route_cb(const struct nlmsghdr *, void *);
static int	rtnl_route_msg(struct rtnl *, uint16_t, uint16_t, int,
		    const void *, unsigned, int, const void *, const void *);
static int	rtnl_flush_cb(const struct nlmsghdr *, void *);
static bool	rtnl_host_bits(int, const void *, unsigned);
static void	rtnl_strcpy(char *, const char *, size_t);

struct rtnl *
rtnl_open(struct loop *loop, rtnl_event_cb cb, void *arg, char **cause)
{
	struct rtnl	*r;
	unsigned	 groups;
	int		 on = 1;

	r = xcalloc(1, sizeof(*r));
	r->loop = loop;
	r->cb = cb;
	r->arg = arg;
	r->evfd = r->reqfd = -1;

	groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR |
	    RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE;
	r->ev = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (r->ev == NULL) {
		xasprintf(cause, "rtnetlink event socket: %s",
		    strerror(errno));
		goto fail;
	}
	if (mnl_socket_bind(r->ev, groups, MNL_SOCKET_AUTOPID) == -1) {
		xasprintf(cause, "rtnetlink event socket: bind: %s",
		    strerror(errno));
		goto fail;
	}
	r->evfd = mnl_socket_get_fd(r->ev);

	r->req = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (r->req == NULL) {
		xasprintf(cause, "rtnetlink request socket: %s",
		    strerror(errno));
		goto fail;
	}
	if (mnl_socket_bind(r->req, 0, MNL_SOCKET_AUTOPID) == -1) {
		xasprintf(cause, "rtnetlink request socket: bind: %s",
		    strerror(errno));
		goto fail;
	}
	r->reqfd = mnl_socket_get_fd(r->req);
	r->reqpid = mnl_socket_get_portid(r->req);
	/* Kernel error strings, without an echo of our request. */
	if (mnl_socket_setsockopt(r->req, NETLINK_EXT_ACK, &on,
	    sizeof(on)) == -1)
		log_debug("rtnetlink: NETLINK_EXT_ACK: %s", strerror(errno));
	if (mnl_socket_setsockopt(r->req, NETLINK_CAP_ACK, &on,
	    sizeof(on)) == -1)
		log_debug("rtnetlink: NETLINK_CAP_ACK: %s", strerror(errno));
	r->seq = (uint32_t)time(NULL);

	loop_fd_add(loop, r->evfd, POLLIN, rtnl_readable, r);
	return r;

fail:
	rtnl_free(r);
	return NULL;
}

void
rtnl_close(struct rtnl *r)
{
	if (r == NULL || r->closed)
		return;
	if (r->evfd != -1)
		loop_fd_del(r->loop, r->evfd);
	r->closed = true;
	if (!r->dispatching)
		rtnl_free(r);
}

static void
rtnl_free(struct rtnl *r)
{
	if (r->ev != NULL)
		(void)mnl_socket_close(r->ev);	/* nothing to flush */
	if (r->req != NULL)
		(void)mnl_socket_close(r->req);
	free(r);
}

int
rtnl_set_rcvbuf(struct rtnl *r, int bytes)
{
	if (bytes <= 0)
		return -EINVAL;
	if (setsockopt(r->evfd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes,
	    sizeof(bytes)) == 0)
		return 0;
	if (errno != EPERM)
		return -errno;
	if (setsockopt(r->evfd, SOL_SOCKET, SO_RCVBUF, &bytes,
	    sizeof(bytes)) == -1)
		return -errno;
	return 0;
}

const char *
rtnl_errmsg(struct rtnl *r)
{
	return r->errmsg[0] != '\0' ? r->errmsg : NULL;
}

/* ------------------------------------------------------------- events */

static void
rtnl_readable(int fd, short revents, void *arg)
{
	struct rtnl		*r = arg;
	struct rtnl_event	 ev;
	struct sockaddr_nl	 sa;
	struct iovec		 iov;
	struct msghdr		 msg;
	ssize_t			 n;
	int			 i;

	r->dispatching = true;
	for (i = 0; i < RTNL_READ_MAX && !r->closed; i++) {
		iov.iov_base = r->evbuf;
		iov.iov_len = sizeof(r->evbuf);
		memset(&msg, 0, sizeof(msg));
		msg.msg_name = &sa;
		msg.msg_namelen = sizeof(sa);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		n = recvmsg(fd, &msg, 0);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == ENOBUFS) {
				log_debug("rtnetlink: event socket overrun");
				memset(&ev, 0, sizeof(ev));
				ev.type = RTNL_RESYNC;
				rtnl_emit(r, &ev);
				continue;
			}
			/* Cannot happen on a bound netlink socket. */
			log_warn("rtnetlink: event socket");
			break;
		}
		if (msg.msg_flags & MSG_TRUNC) {
			log_warnx("rtnetlink: event of more than %zu bytes "
			    "truncated", sizeof(r->evbuf));
			memset(&ev, 0, sizeof(ev));
			ev.type = RTNL_RESYNC;
			rtnl_emit(r, &ev);
			continue;
		}
		if (msg.msg_namelen != sizeof(sa) || sa.nl_pid != 0)
			continue;	/* only the kernel speaks here */
		rtnl_dispatch(r, r->evbuf, (size_t)n);
	}
	r->dispatching = false;
	if (r->closed)
		rtnl_free(r);
}

static void
rtnl_dispatch(struct rtnl *r, const char *buf, size_t len)
{
	const struct nlmsghdr	*nlh = (const struct nlmsghdr *)buf;
	struct rtnl_event	 ev;
	int			 n = (int)len;

	for (; rtnl_msg_ok(nlh, n) && !r->closed;
	    nlh = mnl_nlmsg_next(nlh, &n)) {
		if (rtnl_event_parse(nlh, &ev) == -1)
			continue;
		/* Address and route events name the interface too. */
		if ((ev.type == RTNL_ADDR_NEW || ev.type == RTNL_ADDR_DEL ||
		    ((ev.type == RTNL_ROUTE_NEW || ev.type == RTNL_ROUTE_DEL) &&
		    ev.ifindex > 0)) &&
		    rtnl_ifname(r, ev.ifindex, ev.ifname) != 0)
			ev.ifname[0] = '\0';
		rtnl_emit(r, &ev);
	}
}

bool
rtnl_msg_ok(const struct nlmsghdr *nlh, int len)
{
	/*
	 * As mnl_nlmsg_ok(), but that one compares (int)nlmsg_len: a
	 * length of 2^31 or more is negative there and passes.
	 */
	return len >= (int)sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) &&
	    nlh->nlmsg_len <= (unsigned)len;
}

int
rtnl_event_parse(const struct nlmsghdr *nlh, struct rtnl_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		return rtnl_parse_link(nlh, ev);
	case RTM_NEWADDR:
	case RTM_DELADDR:
		return rtnl_parse_addr(nlh, ev);
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		return rtnl_parse_route(nlh, ev);
	}
	return -1;
}

static void
rtnl_emit(struct rtnl *r, struct rtnl_event *ev)
{
	if (r->cb != NULL && !r->closed)
		r->cb(ev, r->arg);
}

static int
rtnl_attr_cb(const struct nlattr *a, void *arg)
{
	struct rtnl_attrs	*at = arg;
	uint16_t		 type = mnl_attr_get_type(a);

	if (type <= RTNL_ATTR_MAX && at->tb[type] == NULL)
		at->tb[type] = a;
	return MNL_CB_OK;
}

static int
rtnl_parse_attrs(const struct nlmsghdr *nlh, size_t hdrlen,
    struct rtnl_attrs *at)
{
	size_t	off = MNL_ALIGN(hdrlen);

	memset(at, 0, sizeof(*at));
	if (nlh->nlmsg_len < mnl_nlmsg_size(off))
		return -1;
	/*
	 * The attributes end where nlmsg_len says, not (as mnl_attr_parse()
	 * has it) at nlmsg_len rounded up to 4: an attribute may not reach
	 * into the padding, past what the datagram holds.
	 */
	if (mnl_attr_parse_payload((const char *)mnl_nlmsg_get_payload(nlh) +
	    off, nlh->nlmsg_len - mnl_nlmsg_size(off), rtnl_attr_cb, at) ==
	    MNL_CB_ERROR)
		return -1;
	return 0;
}

/* Copy a kernel string, cut to fit (names fit; messages may not). */
static void
rtnl_strcpy(char *dst, const char *src, size_t size)
{
	size_t	len = strnlen(src, size - 1);

	memcpy(dst, src, len);
	dst[len] = '\0';
}

static size_t
rtnl_alen(int family)
{
	switch (family) {
	case AF_INET:
		return sizeof(struct in_addr);
	case AF_INET6:
		return sizeof(struct in6_addr);
	}
	return 0;
}

static bool
rtnl_get_ip(const struct nlattr *a, int family, union rtnl_ip *ip)
{
	size_t	alen = rtnl_alen(family);

	if (a == NULL || alen == 0 || mnl_attr_get_payload_len(a) != alen)
		return false;
	memset(ip, 0, sizeof(*ip));
	memcpy(ip, mnl_attr_get_payload(a), alen);
	return true;
}

static int
rtnl_parse_link(const struct nlmsghdr *nlh, struct rtnl_event *ev)
{
	const struct ifinfomsg	*ifi = mnl_nlmsg_get_payload(nlh);
	struct rtnl_attrs	 at;
	const struct nlattr	*a;

	if (rtnl_parse_attrs(nlh, sizeof(*ifi), &at) == -1)
		return -1;
	ev->type = nlh->nlmsg_type == RTM_NEWLINK ? RTNL_LINK_NEW :
	    RTNL_LINK_DEL;
	ev->family = AF_UNSPEC;
	ev->ifindex = ifi->ifi_index;
	ev->up = (ifi->ifi_flags & IFF_UP) != 0;
	ev->running = (ifi->ifi_flags & IFF_RUNNING) != 0;
	ev->pointopoint = (ifi->ifi_flags & IFF_POINTOPOINT) != 0;
	if ((a = at.tb[IFLA_IFNAME]) != NULL &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		rtnl_strcpy(ev->ifname, mnl_attr_get_str(a),
		    sizeof(ev->ifname));
	return 0;
}

static int
rtnl_parse_addr(const struct nlmsghdr *nlh, struct rtnl_event *ev)
{
	const struct ifaddrmsg	*ifa = mnl_nlmsg_get_payload(nlh);
	struct rtnl_attrs	 at;
	union rtnl_ip		 local, address;
	bool			 has_local, has_address;

	if (rtnl_parse_attrs(nlh, sizeof(*ifa), &at) == -1)
		return -1;
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return -1;
	ev->type = nlh->nlmsg_type == RTM_NEWADDR ? RTNL_ADDR_NEW :
	    RTNL_ADDR_DEL;
	ev->family = ifa->ifa_family;
	ev->ifindex = (int)ifa->ifa_index;
	ev->plen = ifa->ifa_prefixlen;
	has_local = rtnl_get_ip(at.tb[IFA_LOCAL], ev->family, &local);
	has_address = rtnl_get_ip(at.tb[IFA_ADDRESS], ev->family, &address);
	if (has_local) {
		ev->local = local;
		if (has_address && memcmp(&local, &address,
		    rtnl_alen(ev->family)) != 0) {
			ev->has_peer = true;
			ev->peer = address;
		}
	} else if (has_address)
		ev->local = address;
	else
		return -1;
	return 0;
}

static int
rtnl_parse_route(const struct nlmsghdr *nlh, struct rtnl_event *ev)
{
	const struct rtmsg	*rtm = mnl_nlmsg_get_payload(nlh);
	const struct rtnexthop	*nh;
	struct rtnl_attrs	 at;
	const struct nlattr	*a;

	if (rtnl_parse_attrs(nlh, sizeof(*rtm), &at) == -1)
		return -1;
	if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)
		return -1;
	if (rtm->rtm_flags & RTM_F_CLONED)
		return -1;
	ev->type = nlh->nlmsg_type == RTM_NEWROUTE ? RTNL_ROUTE_NEW :
	    RTNL_ROUTE_DEL;
	ev->family = rtm->rtm_family;
	ev->plen = rtm->rtm_dst_len;
	ev->protocol = rtm->rtm_protocol;
	ev->table = rtm->rtm_table;
	if ((a = at.tb[RTA_TABLE]) != NULL &&
	    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
		ev->table = mnl_attr_get_u32(a);
	if (ev->plen > rtnl_alen(ev->family) * 8)
		return -1;
	if (ev->plen > 0 && !rtnl_get_ip(at.tb[RTA_DST], ev->family, &ev->dst))
		return -1;
	if ((a = at.tb[RTA_OIF]) != NULL &&
	    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
		ev->ifindex = (int)mnl_attr_get_u32(a);
	ev->has_gateway = rtnl_get_ip(at.tb[RTA_GATEWAY], ev->family,
	    &ev->gateway);

	/* A multipath route: report its first next hop. */
	if ((a = at.tb[RTA_MULTIPATH]) != NULL && ev->ifindex == 0 &&
	    mnl_attr_get_payload_len(a) >= sizeof(*nh)) {
		nh = mnl_attr_get_payload(a);
		if (nh->rtnh_len >= sizeof(*nh) &&
		    nh->rtnh_len <= mnl_attr_get_payload_len(a)) {
			struct rtnl_attrs	nat;

			ev->ifindex = nh->rtnh_ifindex;
			memset(&nat, 0, sizeof(nat));
			if (mnl_attr_parse_payload(RTNH_DATA(nh),
			    nh->rtnh_len - sizeof(*nh), rtnl_attr_cb,
			    &nat) != MNL_CB_ERROR)
				ev->has_gateway = rtnl_get_ip(
				    nat.tb[RTA_GATEWAY], ev->family,
				    &ev->gateway);
		}
	}

	ev->is_default = ev->plen == 0 && ev->table == RT_TABLE_MAIN &&
	    rtm->rtm_type == RTN_UNICAST;
	return 0;
}

/* ----------------------------------------------------------- requests */

static uint64_t
rtnl_now_ms(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("clock_gettime");
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Wait for fd to become readable until the deadline (see the top). */
static int
rtnl_wait(int fd, uint64_t deadline)
{
	struct pollfd	pfd;
	uint64_t	now;
	int		n;

	for (;;) {
		now = rtnl_now_ms();
		if (now >= deadline)
			return -ETIMEDOUT;
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		n = poll(&pfd, 1, (int)(deadline - now));
		if (n == -1 && errno != EINTR)
			return -errno;
		if (n == 1)
			return 0;
	}
}

/* The error of an NLMSG_ERROR; keeps the kernel's message if any. */
static int
rtnl_error(struct rtnl *r, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr	*err = mnl_nlmsg_get_payload(nlh);
	struct rtnl_attrs	 at;
	const struct nlattr	*a;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err)))
		return -EBADMSG;
	if (err->error >= 0)
		return 0;
	/* With NETLINK_CAP_ACK the attributes follow struct nlmsgerr. */
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
	    (nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    rtnl_parse_attrs(nlh, sizeof(*err), &at) == 0 &&
	    (a = at.tb[NLMSGERR_ATTR_MSG]) != NULL &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		rtnl_strcpy(r->errmsg, mnl_attr_get_str(a), sizeof(r->errmsg));
	return err->error;
}

/*
 * Send nlh with a fresh sequence number and read until its ACK or
 * NLMSG_DONE, passing each other answer to cb.  Returns 0 or -errno
 * (the kernel's, or the first one cb returned).
 */
static int
rtnl_request(struct rtnl *r, struct nlmsghdr *nlh, rtnl_reply_cb cb,
    void *arg)
{
	const struct nlmsghdr	*m;
	struct sockaddr_nl	 sa;
	struct iovec		 iov;
	struct msghdr		 msg;
	uint64_t		 deadline;
	ssize_t			 n;
	int			 len, cberr = 0, error;
	bool			 dump;

	r->errmsg[0] = '\0';
	nlh->nlmsg_seq = ++r->seq;
	/*
	 * A dump ends with NLMSG_DONE, anything else with an ACK.  Test
	 * both dump bits on a GET: NLM_F_REPLACE is NLM_F_ROOT's bit.
	 */
	dump = (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP &&
	    (nlh->nlmsg_type & 3) == (RTM_GETLINK & 3);
	if (!dump)
		nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(r->req, nlh, nlh->nlmsg_len) == -1)
		return -errno;

	deadline = rtnl_now_ms() + RTNL_REQ_TIMEOUT_MS;
	for (;;) {
		iov.iov_base = r->rbuf;
		iov.iov_len = sizeof(r->rbuf);
		memset(&msg, 0, sizeof(msg));
		msg.msg_name = &sa;
		msg.msg_namelen = sizeof(sa);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		n = recvmsg(r->reqfd, &msg, 0);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				if ((error = rtnl_wait(r->reqfd,
				    deadline)) != 0)
					return error;
				continue;
			}
			return -errno;
		}
		if (msg.msg_flags & MSG_TRUNC)
			return -EMSGSIZE;
		if (sa.nl_pid != 0)
			continue;

		m = (const struct nlmsghdr *)r->rbuf;
		len = (int)n;
		for (; rtnl_msg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
			if (m->nlmsg_seq != nlh->nlmsg_seq ||
			    m->nlmsg_pid != r->reqpid)
				continue;	/* an earlier request's */
			switch (m->nlmsg_type) {
			case NLMSG_ERROR:
				error = rtnl_error(r, m);
				return error != 0 ? error : cberr;
			case NLMSG_DONE:
				/* A dump may end with its error. */
				if (m->nlmsg_len >= mnl_nlmsg_size(sizeof(int))
				    && *(const int *)mnl_nlmsg_get_payload(m) <
				    0)
					return *(const int *)
					    mnl_nlmsg_get_payload(m);
				return cberr;
			case NLMSG_NOOP:
				continue;
			}
			if (cb != NULL && cberr == 0)
				cberr = cb(m, arg);
		}
	}
}

static int
rtnl_ifindex_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct ifinfomsg	*ifi = mnl_nlmsg_get_payload(nlh);
	int			*ifindex = arg;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifi)))
		return -EBADMSG;
	*ifindex = ifi->ifi_index;
	return 0;
}

int
rtnl_ifindex(struct rtnl *r, const char *ifname)
{
	_Alignas(struct nlmsghdr) char buf[RTNL_REQ_SIZE];
	struct nlmsghdr		*nlh;
	struct ifinfomsg	*ifi;
	size_t			 len = strlen(ifname);
	int			 ifindex = 0, error;

	r->errmsg[0] = '\0';
	if (len == 0 || len >= IF_NAMESIZE)
		return -EINVAL;
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	if ((error = rtnl_request(r, nlh, rtnl_ifindex_cb, &ifindex)) != 0)
		return error;
	if (ifindex <= 0)
		return -ENODEV;
	return ifindex;
}

static int
rtnl_ifname_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct rtnl_event	ev;

	memset(&ev, 0, sizeof(ev));
	if (nlh->nlmsg_type != RTM_NEWLINK || rtnl_parse_link(nlh, &ev) != 0)
		return -EBADMSG;
	memcpy(arg, ev.ifname, sizeof(ev.ifname));
	return 0;
}

int
rtnl_ifname(struct rtnl *r, int ifindex, char *name)
{
	_Alignas(struct nlmsghdr) char buf[RTNL_REQ_SIZE];
	char			 found[IF_NAMESIZE];
	struct nlmsghdr		*nlh;
	struct ifinfomsg	*ifi;
	int			 error;

	r->errmsg[0] = '\0';
	if (ifindex <= 0)
		return -EINVAL;
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	memset(found, 0, sizeof(found));
	if ((error = rtnl_request(r, nlh, rtnl_ifname_cb, found)) != 0)
		return error;
	if (found[0] == '\0')
		return -ENODEV;
	memcpy(name, found, sizeof(found));
	return 0;
}

static int
rtnl_addr_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct rtnl_addr_query	*q = arg;
	struct rtnl_event	 ev;

	memset(&ev, 0, sizeof(ev));
	if (q->found || nlh->nlmsg_type != RTM_NEWADDR ||
	    rtnl_parse_addr(nlh, &ev) != 0)
		return 0;
	if (ev.family != AF_INET || ev.ifindex != q->ifindex)
		return 0;
	q->found = true;
	q->local = ev.local.v4;
	q->peer.s_addr = ev.has_peer ? ev.peer.v4.s_addr : INADDR_ANY;
	q->plen = ev.plen;
	return 0;
}

int
rtnl_addr_get(struct rtnl *r, const char *ifname, struct in_addr *local,
    struct in_addr *peer, unsigned *plenp)
{
	_Alignas(struct nlmsghdr) char buf[RTNL_REQ_SIZE];
	struct nlmsghdr		*nlh;
	struct ifaddrmsg	*ifa;
	struct rtnl_addr_query	 q;
	int			 ifindex, error;

	if ((ifindex = rtnl_ifindex(r, ifname)) < 0)
		return ifindex;
	memset(&q, 0, sizeof(q));
	q.ifindex = ifindex;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_index = (unsigned)ifindex;	/* filtered by us anyway */
	if ((error = rtnl_request(r, nlh, rtnl_addr_cb, &q)) != 0)
		return error;
	if (!q.found)
		return -EADDRNOTAVAIL;
	*local = q.local;
	*peer = q.peer;
	if (plenp != NULL)
		*plenp = q.plen;
	return 0;
}

/* Does dst have bits set past plen? */
static bool
rtnl_host_bits(int family, const void *dst, unsigned plen)
{
	const uint8_t	*p = dst;
	size_t		 alen = rtnl_alen(family), i;
	uint8_t		 mask;

	for (i = plen / 8; i < alen; i++) {
		mask = i == plen / 8 ? (uint8_t)(0xff >> (plen % 8)) : 0xff;
		if (p[i] & mask)
			return true;
	}
	return false;
}

static int
rtnl_route_msg(struct rtnl *r, uint16_t type, uint16_t flags, int family,
    const void *dst, unsigned plen, int ifindex, const void *gateway,
    const void *prefsrc)
{
	_Alignas(struct nlmsghdr) char buf[RTNL_REQ_SIZE];
	struct nlmsghdr	*nlh;
	struct rtmsg	*rtm;
	size_t		 alen = rtnl_alen(family);
	static const union rtnl_ip any;

	r->errmsg[0] = '\0';
	if (alen == 0)
		return -EAFNOSUPPORT;
	if (dst == NULL) {
		if (plen != 0)
			return -EINVAL;
		dst = &any;
	}
	if (plen > alen * 8 || ifindex < 0 || rtnl_host_bits(family, dst, plen))
		return -EINVAL;
	if (type == RTM_NEWROUTE && ifindex == 0 && gateway == NULL)
		return -EINVAL;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_dst_len = (unsigned char)plen;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_PPPSSH;
	rtm->rtm_type = RTN_UNICAST;
	if (type == RTM_NEWROUTE)
		rtm->rtm_scope = gateway != NULL ? RT_SCOPE_UNIVERSE :
		    RT_SCOPE_LINK;
	else
		rtm->rtm_scope = RT_SCOPE_NOWHERE;	/* any scope */
	mnl_attr_put(nlh, RTA_DST, alen, dst);
	mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_MAIN);
	if (ifindex > 0)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	if (gateway != NULL)
		mnl_attr_put(nlh, RTA_GATEWAY, alen, gateway);
	if (prefsrc != NULL)
		mnl_attr_put(nlh, RTA_PREFSRC, alen, prefsrc);
	return rtnl_request(r, nlh, NULL, NULL);
}

int
rtnl_route_add(struct rtnl *r, int family, const void *dst, unsigned plen,
    int ifindex, const void *gateway, const void *prefsrc)
{
	return rtnl_route_msg(r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE,
	    family, dst, plen, ifindex, gateway, prefsrc);
}

int
rtnl_route_del(struct rtnl *r, int family, const void *dst, unsigned plen,
    int ifindex, const void *gateway, const void *prefsrc)
{
	return rtnl_route_msg(r, RTM_DELROUTE, 0, family, dst, plen, ifindex,
	    gateway, prefsrc);
}

static int
rtnl_flush_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct rtnl_flush	*fl = arg;
	struct rtnl_event	 ev;

	memset(&ev, 0, sizeof(ev));
	if (nlh->nlmsg_type != RTM_NEWROUTE || rtnl_parse_route(nlh, &ev) != 0)
		return 0;
	if (ev.table != RT_TABLE_MAIN || ev.protocol != RTPROT_PPPSSH ||
	    (fl->ifindex != 0 && ev.ifindex != fl->ifindex))
		return 0;
	if (fl->n == fl->cap) {
		fl->cap = fl->cap == 0 ? 16 : fl->cap * 2;
		fl->v = xreallocarray(fl->v, fl->cap, sizeof(*fl->v));
	}
	fl->v[fl->n++] = ev;
	return 0;
}

int
rtnl_route_flush(struct rtnl *r, int family, int ifindex)
{
	_Alignas(struct nlmsghdr) char buf[RTNL_REQ_SIZE];
	struct nlmsghdr		*nlh;
	struct rtmsg		*rtm;
	struct rtnl_flush	 fl;
	struct rtnl_event	*ev;
	size_t			 i;
	int			 error, n = 0;

	r->errmsg[0] = '\0';
	if (family != AF_UNSPEC && rtnl_alen(family) == 0)
		return -EAFNOSUPPORT;
	if (ifindex < 0)
		return -EINVAL;

	/* Collect first: no request fits inside a running dump. */
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)family;
	memset(&fl, 0, sizeof(fl));
	fl.ifindex = ifindex;
	if ((error = rtnl_request(r, nlh, rtnl_flush_cb, &fl)) != 0)
		goto out;

	for (i = 0; i < fl.n; i++) {
		ev = &fl.v[i];
		error = rtnl_route_del(r, ev->family, &ev->dst, ev->plen,
		    ev->ifindex, ev->has_gateway ? &ev->gateway : NULL, NULL);
		if (error == -ESRCH)
			continue;	/* gone meanwhile */
		if (error != 0)
			goto out;
		n++;
	}
	error = n;
out:
	free(fl.v);
	return error;
}

static int
rtnl_route_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct rtnl_route	*out = arg;
	const struct rtmsg	*rtm = mnl_nlmsg_get_payload(nlh);
	struct rtnl_attrs	 at;
	const struct nlattr	*a;

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    rtnl_parse_attrs(nlh, sizeof(*rtm), &at) == -1 ||
	    rtm->rtm_family != out->family)
		return -EBADMSG;
	if ((a = at.tb[RTA_OIF]) != NULL &&
	    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
		out->ifindex = (int)mnl_attr_get_u32(a);
	out->has_gateway = rtnl_get_ip(at.tb[RTA_GATEWAY], out->family,
	    &out->gateway);
	out->has_prefsrc = rtnl_get_ip(at.tb[RTA_PREFSRC], out->family,
	    &out->prefsrc);
	return 0;
}

int
rtnl_route_get(struct rtnl *r, int family, const void *dst,
    struct rtnl_route *out)
{
	_Alignas(struct nlmsghdr) char buf[RTNL_REQ_SIZE];
	struct nlmsghdr	*nlh;
	struct rtmsg	*rtm;
	struct rtnl_route route;
	size_t		 alen = rtnl_alen(family);
	int		 error;

	r->errmsg[0] = '\0';
	if (alen == 0)
		return -EAFNOSUPPORT;
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_dst_len = (unsigned char)(alen * 8);
	mnl_attr_put(nlh, RTA_DST, alen, dst);

	memset(&route, 0, sizeof(route));
	route.family = family;
	if ((error = rtnl_request(r, nlh, rtnl_route_cb, &route)) != 0)
		return error;
	if (route.ifindex <= 0)
		return -ENETUNREACH;
	*out = route;
	return 0;
}

/* ------------------------------------------------------------ qdiscs */

int
rtnl_qdisc_root(struct rtnl *r, int ifindex, const char *kind)
{
	_Alignas(struct nlmsghdr) char buf[RTNL_REQ_SIZE];
	struct nlmsghdr	*nlh;
	struct tcmsg	*tcm;

	r->errmsg[0] = '\0';
	if (ifindex <= 0 || kind == NULL || *kind == '\0' ||
	    strlen(kind) >= IFNAMSIZ)
		return -EINVAL;
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWQDISC;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE;
	tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_parent = TC_H_ROOT;
	mnl_attr_put_strz(nlh, TCA_KIND, kind);
	return rtnl_request(r, nlh, NULL, NULL);
}

struct rtnl_qdisc_find {
	int	 ifindex;
	char	*kind;
	size_t	 size;
	bool	 found;
};

static int
rtnl_qdisc_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct rtnl_qdisc_find	*f = arg;
	const struct tcmsg	*tcm = mnl_nlmsg_get_payload(nlh);
	struct rtnl_attrs	 at;
	const struct nlattr	*a;

	if (nlh->nlmsg_type != RTM_NEWQDISC ||
	    rtnl_parse_attrs(nlh, sizeof(*tcm), &at) == -1)
		return -EBADMSG;
	/* Older kernels dump every interface's. */
	if (f->found || tcm->tcm_ifindex != f->ifindex ||
	    tcm->tcm_parent != TC_H_ROOT)
		return 0;
	if ((a = at.tb[TCA_KIND]) == NULL ||
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) != 0)
		return -EBADMSG;
	rtnl_strcpy(f->kind, mnl_attr_get_str(a), f->size);
	f->found = true;
	return 0;
}

int
rtnl_qdisc_root_get(struct rtnl *r, int ifindex, char *kind, size_t size)
{
	_Alignas(struct nlmsghdr) char buf[RTNL_REQ_SIZE];
	struct nlmsghdr		*nlh;
	struct tcmsg		*tcm;
	struct rtnl_qdisc_find	 f;
	int			 error;

	r->errmsg[0] = '\0';
	if (ifindex <= 0 || size == 0)
		return -EINVAL;
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETQDISC;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	memset(&f, 0, sizeof(f));
	f.ifindex = ifindex;
	f.kind = kind;
	f.size = size;
	if ((error = rtnl_request(r, nlh, rtnl_qdisc_cb, &f)) != 0)
		return error;
	return f.found ? 0 : -ENOENT;
}
