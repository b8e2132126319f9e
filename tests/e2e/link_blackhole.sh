#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Kernel tier, issue 4: 30 s blackholes, by netem (loss 100 % both ways)
# and by the WAN link down: vpnd detects them, re-dials once the path is
# back, and the link ends with one interface, one set of routes and no
# leftovers at each end.  The scenario is the fault matrix's,
# tests/e2e/scenarios/link_faults.sh, with FAULTS="netem30 down30".
set -eu

: "${E2E_TIMEOUT:=200}"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

e2e_run link_faults "FAULTS=netem30 down30" "$@"
