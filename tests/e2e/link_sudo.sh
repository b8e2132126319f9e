#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Kernel tier, issue 12: the link logs in to the gateway as an unprivileged
# user and runs pppd, ip and the stale pppd's pkill through the real sudo
# with exactly the sudoers lines `vpnctl setup` prints, in a
# user-mode-linux guest (real sshd, real pppd at both ends); anything else
# through sudo is refused.  The scenario is tests/e2e/scenarios/link_sudo.sh.
set -eu

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

e2e_run link_sudo "$@"
