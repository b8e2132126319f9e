#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Kernel tier, issue 4: three links from one vpnd, one of them broken (its
# remote command fails at once): the two others come up and stay up, with
# the same interfaces and traffic across both, while the broken one keeps
# failing.  The scenario is tests/e2e/scenarios/link_three.sh.
set -eu

: "${E2E_TIMEOUT:=150}"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

e2e_run link_three "$@"
