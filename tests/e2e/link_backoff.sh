#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Kernel tier, issues 4 and 9: re-dial backoff.  The gateway refuses
# connections for 60 s (REFUSE_S): the dials in vpnd's log must follow
# the incident rule of `backoff 1 8`, and the path is probed about once a
# second meanwhile (gwa's TCP counter); then the link is up at once after
# a network change, and without one as soon as a probe finds sshd back.
# The scenario is tests/e2e/scenarios/link_backoff.sh.
set -eu

: "${E2E_TIMEOUT:=240}"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

e2e_run link_backoff ${REFUSE_S:+"REFUSE_S=$REFUSE_S"} "$@"
