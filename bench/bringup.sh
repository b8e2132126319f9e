#!/bin/sh
# SPDX-License-Identifier: ISC
#
# bringup.sh: bring-up time of vpnd in a user-mode-linux guest, from launch
# until a host on the remote LAN answers a ping, as a ratio to the HOWTO way
# (pppd updetach pty "ssh gw pppd notty ..." + a route command at each end)
# in the same guest run, alternating round by round.  The scenario is
# bench/scenarios/bringup.sh.
#
# BENCH_VPND_B=PATH adds another vpnd (an older build, say) to every
# round, run the same way, and prints its median and the ratio of this
# build's vpnd to it: two builds compared in one guest run.
#
# Knobs: BENCH_ROUNDS (5), E2E_TIMEOUT (600 s), and those of
# tests/e2e/lib.sh.  Prints, after the guest's console, the per-round times
# (to the first ping answered, and to the link up with routes at both ends),
# their medians and the ratio vpnd / HOWTO (below 1: vpnd is faster).
# Exit 0, 77 when it cannot run here, else 1 or 99.
set -eu

NAME=bringup
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${E2E_TIMEOUT:=600}"
export E2E_TIMEOUT
# shellcheck source=bench/lib.sh
. "$top_srcdir/bench/lib.sh"

echo "bringup: $ROUNDS rounds in one user-mode-linux guest, alternating" \
    "vpnd and the HOWTO"
bench_run "$top_srcdir/bench/scenarios/bringup.sh" \
    ${BENCH_VPND_B:+"VPND_B=$BENCH_VPND_B"}

echo
echo "bringup: bring-up to the first ping answered across, per round:"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	printf '  round %s: vpnd %s s (up %s)  howto %s s (up %s)  ssh true %s s\n' \
	    "$r" "$(e2e_report_value "vpnd_$r")" \
	    "$(e2e_report_value "vpndup_$r")" \
	    "$(e2e_report_value "howto_$r")" \
	    "$(e2e_report_value "howtoup_$r")" "$(e2e_report_value "ssh_$r")"
	r=$((r + 1))
done
vpnd=$(bench_median vpnd)
howto=$(bench_median howto)
sshtrue=$(bench_median ssh)
echo "medians of $ROUNDS: vpnd $vpnd s, HOWTO $howto s, ssh true $sshtrue s"
echo "  (link up with routes at both ends: vpnd $(bench_median vpndup) s," \
    "HOWTO $(bench_median howtoup) s)"
printf 'RATIO bring-up vpnd/HOWTO: %s\n' "$(bench_ratio "$vpnd" "$howto" x)"
printf '(vpnd = %s x ssh true, HOWTO = %s x ssh true)\n' \
    "$(awk -v a="$vpnd" -v b="$sshtrue" 'BEGIN { printf "%.1f", a / b }')" \
    "$(awk -v a="$howto" -v b="$sshtrue" 'BEGIN { printf "%.1f", a / b }')"
if [ -n "${BENCH_VPND_B:-}" ]; then
	vpndb=$(bench_median vpndb)
	echo "vpnd B ($BENCH_VPND_B): per round" \
	    "$(r=1; while [ "$r" -le "$ROUNDS" ]; do
		printf '%s ' "$(e2e_report_value "vpndb_$r")"
		r=$((r + 1))
	    done)s; median $vpndb s (up $(bench_median vpndbup) s)"
	printf 'RATIO bring-up vpnd/vpnd B: %s\n' \
	    "$(bench_ratio "$vpnd" "$vpndb" x)"
fi
