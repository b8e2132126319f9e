/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * rtnetlink: link, address and route events from the kernel, delivered
 * through the event loop, and the few requests vpnd makes (interface
 * index, an interface's IPv4 addresses, add/replace/delete/look up a
 * route).  Requests are kernel-local and answered at once, so they run
 * synchronously (send, then read the ACK or reply).
 */
#ifndef PPPSSH_NETLINK_H
#define PPPSSH_NETLINK_H

#include <sys/types.h>

#include <linux/netlink.h>
#include <net/if.h>
#include <netinet/in.h>

#include <stdbool.h>

struct loop;
struct rtnl;

/*
 * rtm_protocol of every route we install, so `ip route show proto 120`
 * lists them and cleanup never touches a route someone else made.  Not
 * used by iproute2's rt_protos or <linux/rtnetlink.h>; an admin may name
 * it with "120 pppssh" in /etc/iproute2/rt_protos.d/pppssh.conf.
 */
#define RTPROT_PPPSSH	120

union rtnl_ip {
	struct in_addr	 v4;
	struct in6_addr	 v6;
};

enum rtnl_event_type {
	RTNL_LINK_NEW,		/* link appeared or its flags changed */
	RTNL_LINK_DEL,
	RTNL_ADDR_NEW,
	RTNL_ADDR_DEL,
	RTNL_ROUTE_NEW,
	RTNL_ROUTE_DEL,
	RTNL_RESYNC,		/* events were lost (ENOBUFS): re-query */
};

/*
 * One kernel event.  Which fields mean something depends on type:
 *
 * LINK_*:  ifindex, ifname, up (IFF_UP), running (IFF_RUNNING),
 *	    pointopoint (IFF_POINTOPOINT); family is AF_UNSPEC.
 * ADDR_*:  ifindex, ifname (looked up; "" if the interface is already
 *	    gone), family, plen, local (IFA_LOCAL, or IFA_ADDRESS if
 *	    there is no IFA_LOCAL) and, on a point-to-point address
 *	    (`ip addr add 10.9.0.1 peer 10.9.0.2/32`, what pppd sets),
 *	    has_peer and peer (IFA_ADDRESS).  pppd sets the address with
 *	    ioctls, one part at a time, and the kernel may re-add it for
 *	    each (ADDR_DEL, ADDR_NEW), so a link is UP at the ADDR_NEW
 *	    that has_peer, and an ADDR_DEL on its own is not a DOWN.
 * ROUTE_*: family, dst/plen, ifindex/ifname of the first next hop (0/""
 *	    if none), has_gateway/gateway, table, protocol, and
 *	    is_default: a unicast route with plen 0 in table main.  Routes
 *	    cloned into the cache (RTM_F_CLONED) are not reported.
 * RESYNC:  nothing else is set; the event socket overran and some
 *	    events are lost, so whoever keeps state must re-query it.
 */
struct rtnl_event {
	enum rtnl_event_type	 type;
	int			 ifindex;
	char			 ifname[IF_NAMESIZE];
	int			 family;
	bool			 up;
	bool			 running;
	bool			 pointopoint;
	unsigned		 plen;
	union rtnl_ip		 local;
	bool			 has_peer;
	union rtnl_ip		 peer;
	union rtnl_ip		 dst;
	bool			 has_gateway;
	union rtnl_ip		 gateway;
	unsigned		 table;
	unsigned		 protocol;
	bool			 is_default;
};

/* The kernel's answer for one destination (rtnl_route_get()). */
struct rtnl_route {
	int			 family;
	int			 ifindex;
	bool			 has_gateway;	/* false: on link */
	union rtnl_ip		 gateway;
	bool			 has_prefsrc;
	union rtnl_ip		 prefsrc;
};

/*
 * Called from the loop for each event.  ev is valid only during the
 * call.  cb may make requests on r and may rtnl_close() it.
 */
typedef void	(*rtnl_event_cb)(const struct rtnl_event *ev, void *arg);

/*
 * One rtnetlink message, whole (rtnl_msg_ok()), as an event: 0, or -1 for a
 * message that is none (another type, malformed, a cloned route).  An
 * address or route event's ifname is left empty (the event socket's
 * dispatch looks it up by ifindex).
 */
int		 rtnl_event_parse(const struct nlmsghdr *nlh,
		    struct rtnl_event *ev);

/*
 * Is there a whole message at nlh, within len bytes?  What walks a
 * datagram's messages with mnl_nlmsg_next() asks this, not libmnl's
 * mnl_nlmsg_ok(), which lets a length of 2^31 or more through.
 */
bool		 rtnl_msg_ok(const struct nlmsghdr *nlh, int len);

/*
 * Open the event socket (subscribed to link, IPv4/IPv6 address and
 * IPv4/IPv6 route groups) and register it in the loop, and open the
 * request socket.  Returns NULL and fills *cause on failure.
 */
struct rtnl	*rtnl_open(struct loop *, rtnl_event_cb cb, void *arg,
		    char **cause);
/* Unregister and close both sockets; NULL is a no-op. */
void		 rtnl_close(struct rtnl *);

/*
 * Set the event socket's receive buffer (SO_RCVBUFFORCE when allowed,
 * else SO_RCVBUF, so the limit is rmem_max); a larger buffer makes
 * overruns rarer.  Returns 0 or -errno.
 */
int		 rtnl_set_rcvbuf(struct rtnl *, int bytes);

/*
 * The kernel's message (extended ACK) about the last failed request,
 * e.g. "Nexthop device is not up", or NULL; valid until the next request.
 */
const char	*rtnl_errmsg(struct rtnl *);

/* The index of ifname (> 0), or -ENODEV, -EINVAL (bad name), -errno. */
int		 rtnl_ifindex(struct rtnl *, const char *ifname);

/*
 * Copy the name of interface ifindex into name (IF_NAMESIZE bytes).
 * Returns 0, -ENODEV or -errno.
 */
int		 rtnl_ifname(struct rtnl *, int ifindex, char *name);

/*
 * The first IPv4 address on ifname: *local is IFA_LOCAL, *peer is the
 * point-to-point peer (IFA_ADDRESS), or INADDR_ANY when the address has
 * no peer; plenp (may be NULL) gets the prefix length.  Returns 0,
 * -ENODEV (no such interface), -EADDRNOTAVAIL (no IPv4 address yet) or
 * -errno.
 */
int		 rtnl_addr_get(struct rtnl *, const char *ifname,
		    struct in_addr *local, struct in_addr *peer,
		    unsigned *plenp);

/*
 * Install dst/plen (family AF_INET or AF_INET6; dst is a struct in_addr
 * or struct in6_addr with no host bits set; NULL with plen 0 is the
 * default route) in table main with protocol RTPROT_PPPSSH and the
 * kernel's default metric (0 for IPv4, 1024 for IPv6), out of ifindex
 * (0: wherever gateway is reachable), via gateway if not NULL (scope
 * universe; else scope link), with preferred source prefsrc if not NULL.
 * NLM_F_CREATE|NLM_F_REPLACE: the route is created, or, if table main
 * already has a route to dst/plen with that metric, that route is
 * replaced in place, whoever installed it.  So adding the same route
 * twice is not an error and never makes two routes, and re-adding with a
 * new gateway or ifindex moves the route.  Returns 0 or -errno: -EINVAL
 * (plen too long, host bits set, neither ifindex nor gateway),
 * -EAFNOSUPPORT (family), -ENODEV (no such ifindex), -ENETDOWN
 * (ifindex is down), -ENETUNREACH/-EHOSTUNREACH (gateway not on link),
 * ...; rtnl_errmsg() may say more.
 */
int		 rtnl_route_add(struct rtnl *, int family, const void *dst,
		    unsigned plen, int ifindex, const void *gateway,
		    const void *prefsrc);

/*
 * Delete the route rtnl_route_add() installed with the same keys; only
 * routes with protocol RTPROT_PPPSSH match, so a route of the same
 * prefix someone else installed is left alone.  ifindex 0 and a NULL
 * gateway or prefsrc match any.  Returns 0, -ESRCH if there is no such
 * route (already gone: callers treat that as done) or -errno.
 */
int		 rtnl_route_del(struct rtnl *, int family, const void *dst,
		    unsigned plen, int ifindex, const void *gateway,
		    const void *prefsrc);

/*
 * Delete every route with protocol RTPROT_PPPSSH in table main of
 * family (AF_INET, AF_INET6 or AF_UNSPEC for both) out of ifindex (0:
 * any interface): what a vpnd that died left behind, or a link's routes
 * at teardown.  Returns how many were deleted, or -errno.
 */
int		 rtnl_route_flush(struct rtnl *, int family, int ifindex);

/*
 * Make a qdisc of kind (e.g. "fq_codel", with the kernel's defaults for
 * its parameters) the root qdisc of ifindex, replacing whatever was
 * there (`tc qdisc replace dev IF root KIND`).  Returns 0 or -errno:
 * -EINVAL (ifindex, kind), -ENODEV, -ENOENT (the kernel has no such
 * qdisc: rtnl_errmsg() says "Specified qdisc kind is unknown"), ...
 */
int		 rtnl_qdisc_root(struct rtnl *, int ifindex, const char *kind);

/*
 * The kind of ifindex's root qdisc (at most IFNAMSIZ bytes with its
 * NUL) into kind.  Returns 0, -ENOENT when the interface has none, or
 * -errno.
 */
int		 rtnl_qdisc_root_get(struct rtnl *, int ifindex, char *kind,
		    size_t size);

/*
 * Ask the kernel how it routes to the host dst now (`ip route get`):
 * out gets the outgoing ifindex, the gateway (if not directly
 * connected) and the preferred source.  Returns 0 or -errno, such as
 * -ENETUNREACH when there is no route.
 */
int		 rtnl_route_get(struct rtnl *, int family, const void *dst,
		    struct rtnl_route *out);

#endif
