#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Kernel tier: DNS from the far end in the user-mode-linux guest: the
# gateway's pppd offers a dnsmasq of the far site (ms-dns), vpnd applies
# it through resolvconf (openresolv) as a private record, a dnsmasq at
# the near end resolves names under the far site's domain through the
# tunnel and every other name itself; taken back at re-dial and stop.
# The scenario is tests/e2e/scenarios/vpnd_dns.sh.
set -eu

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

e2e_run vpnd_dns "$@"
