#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Kernel tier: vpnctl drives a real link between two sites in the
# user-mode-linux guest: `up --wait` shows every stage and exits 0 once
# the routes are in, `check` exits 0, `status --json` shows the link up
# with its gateway and byte counts, `down` takes it down.  The scenario is
# tests/e2e/scenarios/vpnctl_up.sh.
set -eu

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

e2e_run vpnctl_up "$@"
