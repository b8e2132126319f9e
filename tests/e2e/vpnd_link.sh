#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Kernel tier: vpnd brings a link up for real between two sites in a
# user-mode-linux guest (real sshd, real pppd at both ends), the LANs ping
# each other, and SIGTERM leaves nothing behind.  The scenario is
# tests/e2e/scenarios/vpnd_link.sh.
set -eu

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

e2e_run vpnd_link "$@"
