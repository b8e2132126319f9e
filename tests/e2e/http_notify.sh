#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Kernel tier: vpnd's state-change notifications from two real links in
# a user-mode-linux guest to a Python http.server over TLS in the far
# gateway's namespace: one document per change, in order; the server
# down for 30 s (links still come up on time, the queue keeps the newest
# 4, drops and counts the rest, delivers after); a server that never
# answers delays nothing.  The scenario is
# tests/e2e/scenarios/http_notify.sh.
set -eu

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

: "${E2E_TIMEOUT:=240}"
e2e_run http_notify "$@"
