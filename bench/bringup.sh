#!/bin/sh
# SPDX-License-Identifier: ISC
#
# bringup.sh: bring-up time of vpnd in a user-mode-linux guest, from launch
# until a host on the remote LAN answers a ping, as a ratio to the HOWTO way
# (pppd updetach pty "ssh gw pppd notty ..." + a route command at each end)
# in the same guest run, alternating round by round.  The scenario is
# bench/scenarios/bringup.sh.
#
# Knobs: BENCH_ROUNDS (5), E2E_TIMEOUT (600 s), and those of
# tests/e2e/lib.sh.  Prints, after the guest's console, the per-round times
# (to the first ping answered, and to the link up with routes at both ends),
# their medians and the ratio vpnd / HOWTO (below 1: vpnd is faster).
# Exit 0, 77 when it cannot run here, else 1 or 99.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
ROUNDS=${BENCH_ROUNDS:-5}
: "${E2E_TIMEOUT:=600}"
export E2E_TIMEOUT
# shellcheck source=tests/e2e/lib.sh
. "$top_srcdir/tests/e2e/lib.sh"

case $ROUNDS in
'' | *[!0-9]* | 0)
	echo "bringup: BENCH_ROUNDS must be a positive number" >&2
	exit 99
	;;
esac
if [ ! -x "$top_builddir/src/vpnd" ]; then
	echo "SKIP: $top_builddir/src/vpnd is not built (make)" >&2
	exit 77
fi

echo "bringup: $ROUNDS rounds in one user-mode-linux guest, alternating" \
    "vpnd and the HOWTO"
rc=0
e2e_run "$top_srcdir/bench/scenarios/bringup.sh" ROUNDS="$ROUNDS" || rc=$?
if [ "$rc" != 0 ]; then
	[ "$rc" = 77 ] || echo "bringup: the guest run failed ($rc)" >&2
	exit "$rc"
fi
if [ "$(e2e_report_value rounds)" != "$ROUNDS" ]; then
	echo "bringup: the scenario did not report $ROUNDS rounds" >&2
	exit 99
fi

# median WHAT: the median of WHAT_1 .. WHAT_ROUNDS.
median()
{
	m_r=1
	while [ "$m_r" -le "$ROUNDS" ]; do
		e2e_report_value "$1_$m_r"
		m_r=$((m_r + 1))
	done | sort -n | awk '{ v[NR] = $1 }
	    END { if (NR % 2) printf "%.2f\n", v[(NR + 1) / 2];
	    else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

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
vpnd=$(median vpnd)
howto=$(median howto)
sshtrue=$(median ssh)
echo "medians of $ROUNDS: vpnd $vpnd s, HOWTO $howto s, ssh true $sshtrue s"
echo "  (link up with routes at both ends: vpnd $(median vpndup) s," \
    "HOWTO $(median howtoup) s)"
printf 'RATIO bring-up vpnd/HOWTO: %s\n' \
    "$(awk -v a="$vpnd" -v b="$howto" 'BEGIN { printf "%.2fx", a / b }')"
printf '(vpnd = %s x ssh true, HOWTO = %s x ssh true)\n' \
    "$(awk -v a="$vpnd" -v b="$sshtrue" 'BEGIN { printf "%.1f", a / b }')" \
    "$(awk -v a="$howto" -v b="$sshtrue" 'BEGIN { printf "%.1f", a / b }')"
