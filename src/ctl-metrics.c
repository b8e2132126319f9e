/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * vpnctl metrics: vpnd's metrics in the Prometheus text exposition
 * format, printed as vpnd builds it (metrics.h): a "text" reply line
 * for each line of the document.  For a scraper that runs commands, or
 * a look by hand; node_exporter reads the same through metrics-file.
 */
#include "config.h"

#include <stdio.h>

#include "ctlclient.h"
#include "ctlmsg.h"
#include "vpnctl.h"

static void
metrics_reply(const struct ctlmsg_reply *r, void *arg)
{
	(void)arg;
	if (r->type == CTLMSG_TEXT)
		printf("%s\n", r->text);
}

int
ctl_metrics(struct vpnctl *v, int argc, char **argv)
{
	const char	*name, *req[1] = { "metrics" };

	if (vpnctl_args(argc, argv, false, NULL, &name) == -1)
		return vpnctl_usage("metrics");
	return vpnctl_call(v, 1, req, CTLCLIENT_TIMEOUT, metrics_reply, NULL);
}
