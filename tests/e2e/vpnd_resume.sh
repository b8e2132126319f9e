#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Kernel tier, issue 11: a laptop that wakes from sleep on the same
# network gets no route or address event; vpnd notices the sleep itself
# (CLOCK_BOOTTIME ahead of CLOCK_MONOTONIC), checks every link that is up
# at once and re-dials a dead one without waiting for the keepalive.  The
# scenario is tests/e2e/scenarios/vpnd_resume.sh.
set -eu

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

e2e_run vpnd_resume "$@"
