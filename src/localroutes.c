/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * A link's routes on this host.  Routes are installed with protocol
 * RTPROT_PPPSSH (netlink.c) and removed by the same keys; the prefixes
 * installed are copied here, so a reloaded config cannot change what
 * is removed.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "conf.h"
#include "localroutes.h"
#include "log.h"
#include "netlink.h"
#include "xmalloc.h"

void
localroutes_init(struct localroutes *lr, struct rtnl *rtnl, const char *fmt,
    ...)
{
	va_list	ap;

	memset(lr, 0, sizeof(*lr));
	lr->rtnl = rtnl;
	va_start(ap, fmt);
	/* A long tag is cut short: it only labels log lines. */
	(void)vsnprintf(lr->tag, sizeof(lr->tag), fmt, ap);
	va_end(ap);
}

void
localroutes_pin_gateway(struct localroutes *lr,
    const struct sockaddr_storage *gw_addr, const struct conf_nets *nets)
{
	struct rtnl_route	 rt;
	struct prefix		 gw;
	char			 a[ADDR_STRLEN];
	size_t			 i;
	int			 r;
	bool			 covered = false;

	memset(&gw, 0, sizeof(gw));
	gw.family = gw_addr->ss_family;
	if (gw.family == AF_INET) {
		memcpy(gw.addr, &((const struct sockaddr_in *)(const void *)
		    gw_addr)->sin_addr, 4);
		gw.len = 32;
	} else {
		memcpy(gw.addr, &((const struct sockaddr_in6 *)(const void *)
		    gw_addr)->sin6_addr, 16);
		gw.len = 128;
	}
	for (i = 0; i < nets->n; i++)
		if (addr_contains(&nets->v[i].prefix, &gw))
			covered = true;
	if (!covered)
		return;
	addr_ntop(&gw, a, sizeof(a));
	if ((r = rtnl_route_get(lr->rtnl, gw.family, gw.addr, &rt)) < 0) {
		log_warnx("%s: route to gateway %s: %s", lr->tag, a,
		    strerror(-r));
		return;
	}
	r = rtnl_route_add(lr->rtnl, gw.family, gw.addr, gw.len, rt.ifindex,
	    rt.has_gateway ? &rt.gateway : NULL, NULL);
	if (r < 0) {
		log_warnx("%s: pin host route to gateway %s: %s", lr->tag, a,
		    strerror(-r));
		return;
	}
	lr->pin = gw;
	lr->pinned = true;
	log_info("%s: pinned host route to gateway %s outside the tunnel",
	    lr->tag, a);
}

void
localroutes_unpin(struct localroutes *lr)
{
	char	a[ADDR_STRLEN];
	int	r;

	if (!lr->pinned)
		return;
	lr->pinned = false;
	r = rtnl_route_del(lr->rtnl, lr->pin.family, lr->pin.addr,
	    lr->pin.len, 0, NULL, NULL);
	if (r < 0 && r != -ESRCH)
		log_warnx("%s: remove host route to gateway %s: %s", lr->tag,
		    addr_ntop(&lr->pin, a, sizeof(a)), strerror(-r));
}

int
localroutes_add(struct localroutes *lr, const struct conf_nets *nets,
    int ifindex, const char *ifname, char **cause)
{
	char	a[ADDR_STRLEN];
	size_t	i;
	int	r;

	localroutes_del(lr);
	if (nets->n == 0)
		return 0;
	lr->nets = xcalloc(nets->n, sizeof(*lr->nets));
	lr->ifindex = ifindex;
	for (i = 0; i < nets->n; i++) {
		const struct prefix *p = &nets->v[i].prefix;

		r = rtnl_route_add(lr->rtnl, p->family, p->addr, p->len,
		    ifindex, NULL, NULL);
		if (r < 0) {
			xasprintf(cause, "route %s dev %s: %s",
			    addr_format(p, a, sizeof(a)), ifname,
			    strerror(-r));
			return -1;
		}
		lr->nets[lr->n++] = *p;
	}
	return 0;
}

void
localroutes_del(struct localroutes *lr)
{
	char	a[ADDR_STRLEN];
	int	r;

	while (lr->n > 0) {
		const struct prefix *p = &lr->nets[--lr->n];

		r = rtnl_route_del(lr->rtnl, p->family, p->addr, p->len,
		    lr->ifindex, NULL, NULL);
		/* Gone with the interface is fine. */
		if (r < 0 && r != -ESRCH && r != -ENODEV)
			log_warnx("%s: remove route %s: %s", lr->tag,
			    addr_format(p, a, sizeof(a)), strerror(-r));
	}
	free(lr->nets);
	lr->nets = NULL;
}
