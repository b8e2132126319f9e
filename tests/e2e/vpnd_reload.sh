#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Kernel tier: vpnd's reload (SIGHUP) keeps unchanged links up without
# losing a packet, refuses a broken config, restarts a changed link and
# takes a removed one down.  Scenario: tests/e2e/scenarios/vpnd_reload.sh.
set -eu

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

e2e_run vpnd_reload "$@"
