#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Kernel tier, issue 14: 20 links in one vpnd, all started at once, all
# up with no deadline failure, all back after a gateway blackhole, nothing
# left after SIGTERM.  The scenario is tests/e2e/scenarios/vpnd_fleet.sh.
set -eu

# 20 sshd sessions and 40 pppds want more than the default 256M; about
# 2 minutes at the reference pace, the budget (a guard against a hang)
# for a guest a few times slower.
: "${E2E_MEM:=768M}"
: "${E2E_TIMEOUT:=600}"
export E2E_MEM E2E_TIMEOUT
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

e2e_run vpnd_fleet "$@"
