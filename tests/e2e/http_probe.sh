#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Kernel tier: vpnd's health probe through a real tunnel (real sshd,
# real pppd at both ends in a user-mode-linux guest) against a Python
# http.server in the far LAN: a passing probe keeps the link, a 503, a
# cut return path or a server that never answers re-dials it, and the
# probe cannot pass over another route.  The scenario is
# tests/e2e/scenarios/http_probe.sh.
set -eu

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

: "${E2E_TIMEOUT:=240}"
e2e_run http_probe "$@"
