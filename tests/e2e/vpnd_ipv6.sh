#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Kernel tier: IPv6 end to end in the user-mode-linux guest: a link to a
# gateway reached over IPv6, dual-stack LANs routed both ways, IPV6CP at
# both pppds, ping and ping -6 both ways, no v6 route left after stop.
# The scenario is tests/e2e/scenarios/vpnd_ipv6.sh.
set -eu

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

e2e_run vpnd_ipv6 "$@"
