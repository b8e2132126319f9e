#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Kernel tier smoke test: in a user-mode-linux guest, two sites in network
# namespaces, real sshd on site B's gateway, real pppd over ssh between the
# gateways, a ping from LAN A to LAN B and back.  The scenario is
# tests/e2e/scenarios/smoke_pppd.sh.
set -eu

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

e2e_run smoke_pppd "$@"
