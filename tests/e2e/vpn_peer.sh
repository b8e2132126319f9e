#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Kernel tier: vpnd with `remote-command vpn-peer` and gwa's key restricted
# to the vpn-peer forced command on gwb, in a user-mode-linux guest (real
# sshd, real pppd at both ends): stale pppds of the key ended, the link
# up, LANs ping both ways, any other request with the key refused and
# logged, SIGTERM leaves nothing behind.  The scenario is
# tests/e2e/scenarios/vpn_peer.sh.
set -eu

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

e2e_run vpn_peer "$@"
