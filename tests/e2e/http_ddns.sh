#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Kernel tier: vpnd's dynamic DNS updates (dyndns2) when a real link
# comes up in a user-mode-linux guest, to a Python http.server over TLS
# in the far gateway's namespace: the exact request, TLS verification,
# what each answer leads to, and an update when the local address
# changes.  The scenario is tests/e2e/scenarios/http_ddns.sh.
set -eu

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

: "${E2E_TIMEOUT:=240}"
e2e_run http_ddns "$@"
