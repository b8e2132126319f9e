#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Kernel tier, issue 4: no false positive.  A link saturated both ways by
# bulk transfers for BULK_S s (20 here; BULK_S=60 for the issue's full run)
# must not be declared dead.  The scenario is
# tests/e2e/scenarios/link_bulk.sh.
set -eu

: "${BULK_S:=20}"
: "${E2E_TIMEOUT:=$((90 + BULK_S))}"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

e2e_run link_bulk "BULK_S=$BULK_S" "$@"
