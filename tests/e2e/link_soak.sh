#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Kernel tier, issue 4: soak.  The link is forced down SOAK_FLAPS times in
# a row (12 here; SOAK_FLAPS=200 for the issue's full run) and comes back
# each time; vpnd's fd count and RSS are printed at the start and the end
# and must be stable, and no orphan process is left at either end.  The
# scenario is tests/e2e/scenarios/link_soak.sh.
set -eu

: "${SOAK_FLAPS:=12}"
: "${E2E_TIMEOUT:=$((60 + SOAK_FLAPS * 8))}"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

e2e_run link_soak "SOAK_FLAPS=$SOAK_FLAPS" ${SOAK_KINDS:+"SOAK_KINDS=$SOAK_KINDS"} "$@"
