#!/bin/sh
# SPDX-License-Identifier: ISC
#
# soak.sh [FLAPS]: the kernel tier's soak (tests/e2e/scenarios/link_soak.sh)
# at length: the office link forced down FLAPS times (1000), by turns its
# local pppd, its remote pppd and its sshd session killed, and back each
# time.  Prints vpnd's open fds, RSS and heap in use (its own account,
# vpnctl metrics), and the processes in each site's gateway, at the
# start, after the warm-up (SOAK_WARM, 50 flaps) and at the end; the
# scenario fails on any growth of fds or processes, on RSS growth over
# SOAK_RSS_KB (512) or heap growth over SOAK_HEAP_KB (64) after the
# warm-up, on a lost pppd, and
# on a second interface or route set at either end (checked every 10
# flaps).  A benchmark, not a test: about 5 s a flap at the reference pace.
#
# Knobs: BENCH_VPND, a vpnd binary to soak instead of the build's (for
# example build-ubsan/src/vpnd; ASan cannot run in the guest, see
# .ci/run), under a path the guest sees (not /tmp); SOAK_WARM,
# SOAK_RSS_KB, SOAK_KINDS and those of tests/e2e/lib.sh.  Exit 0, 77 when
# it cannot run here, else 1 or 99.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
FLAPS=${1:-1000}
case $FLAPS in
'' | *[!0-9]* | 0)
	echo "soak: FLAPS must be a positive number" >&2
	exit 99
	;;
esac
# About 5 s a flap at the reference pace, and the bring-up.
: "${E2E_TIMEOUT:=$((FLAPS * 5 + 120))}"
export E2E_TIMEOUT
# shellcheck source=tests/e2e/lib.sh
. "$top_srcdir/tests/e2e/lib.sh"
vpnd=${BENCH_VPND:-$top_builddir/src/vpnd}
if [ ! -x "$vpnd" ]; then
	echo "SKIP: $vpnd is not built (make)" >&2
	exit 77
fi
case $vpnd in
/*) ;;
*) vpnd=$(pwd)/$vpnd ;;
esac
# The scenario finds vpnd's processes by name (pgrep -x vpnd), so a copy
# under another name would fail at once on "stray process".
if [ "${vpnd##*/}" != vpnd ]; then
	echo "soak: BENCH_VPND must be a file named vpnd, not ${vpnd##*/}" \
	    "(copy it to a directory of its own)" >&2
	exit 99
fi

rc=0
e2e_run "$top_srcdir/tests/e2e/scenarios/link_soak.sh" \
    SOAK_FLAPS="$FLAPS" SOAK_WARM="${SOAK_WARM:-50}" \
    SOAK_RSS_KB="${SOAK_RSS_KB:-512}" SOAK_HEAP_KB="${SOAK_HEAP_KB:-64}" \
    LK_VPND="$vpnd" \
    ${SOAK_KINDS:+"SOAK_KINDS=$SOAK_KINDS"} || rc=$?
v()
{
	e2e_report_value "$1"
}
printf '\nsoak: %s flaps of %s in %s s (vpnd CPU %s s)\n' \
    "$(v soak_flaps)" "$vpnd" "$(v soak_s)" "$(v soak_vpnd_cpu_s)"
printf '%-24s %10s %10s %10s\n' "" start "after warm" end
printf '%-24s %10s %10s %10s\n' "vpnd fds" "$(v soak_fds_start)" - \
    "$(v soak_fds_end)"
printf '%-24s %10s %10s %10s\n' "vpnd RSS (kB)" "$(v soak_rss_kb_start)" \
    "$(v soak_rss_kb_warm)" "$(v soak_rss_kb_end)"
printf '%-24s %10s %10s %10s\n' "vpnd heap in use (KiB)" \
    "$(v soak_heap_kb_start)" "$(v soak_heap_kb_warm)" "$(v soak_heap_kb_end)"
printf '%-24s %10s %10s %10s\n' "processes in gwa" \
    "$(v soak_procs_gwa_start)" - "$(v soak_procs_gwa_end)"
printf '%-24s %10s %10s %10s\n' "processes in gwb" \
    "$(v soak_procs_gwb_start)" - "$(v soak_procs_gwb_end)"
[ "$rc" = 0 ] || echo "soak: the scenario failed ($rc); see above" >&2
exit "$rc"
