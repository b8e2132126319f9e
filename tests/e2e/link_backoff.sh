#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Kernel tier, issue 4: re-dial backoff.  The gateway refuses connections
# for 60 s (REFUSE_S): the dials are counted (vpnd's log and gwa's TCP
# counter) and must be spaced as `backoff 1 8` says; then the link is up
# at once after a network change, or within the backoff step without one.
# The scenario is tests/e2e/scenarios/link_backoff.sh.
set -eu

: "${E2E_TIMEOUT:=240}"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

e2e_run link_backoff ${REFUSE_S:+"REFUSE_S=$REFUSE_S"} "$@"
