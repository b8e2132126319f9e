#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Kernel tier: the in-tunnel RTT and the metrics on a real link between
# two sites in the user-mode-linux guest: RTT in status and JSON, `vpnctl
# metrics` and the metrics-file parsed by prometheus_client and checked
# against the ppp interface's counters, the link failed when the far end
# stops answering echo.  The scenario is tests/e2e/scenarios/vpnd_rtt.sh.
set -eu

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

e2e_run vpnd_rtt "$@"
