#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Kernel tier, issue 4: hard failures.  The gateway's host key is replaced,
# then gwa's key is removed from authorized_keys: each is refused as a
# hard failure, flagged, re-dialed only at the backoff cap (no retry
# storm, counted in sshd's log), not re-dialed on a network change, and
# the link comes back by itself once the gateway is put right.
# The scenario is tests/e2e/scenarios/link_hardfail.sh.
set -eu

: "${E2E_TIMEOUT:=200}"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

e2e_run link_hardfail "$@"
