#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Kernel tier, issue 4: vpnd keeps a link up through the fault matrix
# (local pppd, remote pppd and sshd session killed, gateway sshd
# restarted, 5 s blackholes by netem and by link down); after
# each the link is back with one interface, one pppd, one set of routes
# and nothing left over at each end.  The scenario is
# tests/e2e/scenarios/link_faults.sh; FAULTS=... picks some of it.
set -eu

: "${E2E_TIMEOUT:=200}"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

e2e_run link_faults ${FAULTS:+"FAULTS=$FAULTS"} "$@"
