/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * vpnctl-gateway: the vpnctl commands that read the configuration and
 * talk to the gateway, setup, trust and doctor (ctl-setup.c,
 * ctl-trust.c, ctl-doctor.c), in a program of their own so that vpnctl
 * starts without libssh2 and OpenSSL.  vpnctl runs it as
 * "vpnctl-gateway COMMAND [argument ...]" after its own handling of -h
 * and --option=value; it is not meant to be run by hand.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "vpnctl.h"

static const struct {
	const char	*name;
	int		(*handler)(struct vpnctl *, int, char **);
} gateway_cmds[] = {
	{ "setup",	ctl_setup },
	{ "trust",	ctl_trust },
	{ "doctor",	ctl_doctor },
};

int
main(int argc, char **argv)
{
	struct vpnctl	v;
	size_t		i;

	memset(&v, 0, sizeof(v));
	v.socket = CONF_CONTROL_SOCKET;
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
		fprintf(stderr, "vpnctl: signal: %s\n", strerror(errno));
		return VPNCTL_FAILED;
	}
	for (i = 0; argc > 1 && i < sizeof(gateway_cmds) /
	    sizeof(gateway_cmds[0]); i++)
		if (strcmp(argv[1], gateway_cmds[i].name) == 0)
			return gateway_cmds[i].handler(&v, argc - 1, argv + 1);
	fprintf(stderr, "usage: %s setup|trust|doctor [argument ...]\n"
	    "(vpnctl runs it for these commands; see vpnctl(8))\n",
	    VPNCTL_GATEWAY);
	return VPNCTL_USAGE;
}
