#!/bin/sh
# SPDX-License-Identifier: ISC
# The README's demo command: install what is missing, build, boot a
# user-mode-linux guest (the host kernel has no PPP) and, inside it, run
# two sites with a real sshd as the remote gateway and vpnd bringing the
# VPN up, a ping across, the status and a clean stop (tools/demo-guest.sh).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
echo "demo: installing what is missing and building (build/) ..."
sh tools/build.sh
top_srcdir=$top
top_builddir=$top/build
export top_srcdir top_builddir
. "$top/tests/e2e/lib.sh"
echo "demo: booting a user-mode-linux guest; the demo runs inside it ..."
status=0
E2E_TIMEOUT=90 e2e_run "$top/tools/demo-guest.sh" || status=$?
if [ "$status" -eq 0 ]; then
	echo "demo: done."
else
	echo "demo: FAILED (exit status $status); the guest's logs are above." >&2
fi
exit "$status"
