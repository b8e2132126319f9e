#!/bin/sh
# SPDX-License-Identifier: ISC
#
# recovery.sh: how fast vpnd declares a blackholed link down and how fast it
# carries traffic again once the path is back (with and without a network
# change event at the restore), as ratios to the HOWTO way kept up by
# `pppd persist holdoff 1 maxfail 0 pty "ssh gw pppd notty ..."` with the
# same LCP echo settings, in the same user-mode-linux guest run, the cases
# rotated round by round; then how often each declares a saturated link
# down for nothing (a 60 s iperf3 stream each way).  The scenario is
# bench/scenarios/recovery.sh.
#
# Knobs: BENCH_ROUNDS (5), BENCH_BLACKHOLE (20 s), BENCH_FP_SECONDS (60; 0
# skips the false-positive run), BENCH_FP_DIRS ("up down"), E2E_TIMEOUT
# (enough for those), and those of tests/e2e/lib.sh.  Needs iperf3 (Debian
# package iperf3) unless BENCH_FP_SECONDS is 0.  Exit 0, 77 when it cannot
# run here, else 1 or 99.
set -eu

NAME=recovery
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
BLACKHOLE=${BENCH_BLACKHOLE:-20}
FP_SECONDS=${BENCH_FP_SECONDS:-60}
FP_DIRS=${BENCH_FP_DIRS:-up down}
for v in "${BENCH_ROUNDS:-5}" "$BLACKHOLE" "$FP_SECONDS"; do
	case $v in
	'' | *[!0-9]*)
		echo "recovery: BENCH_ROUNDS, BENCH_BLACKHOLE and BENCH_FP_SECONDS" \
		    "must be numbers" >&2
		exit 99
		;;
	esac
done
for d in $FP_DIRS; do
	case $d in
	up | down) ;;
	*)
		echo "recovery: BENCH_FP_DIRS: up and/or down, not $d" >&2
		exit 99
		;;
	esac
done
ndirs=$(echo "$FP_DIRS" | wc -w)
# Four cases a round, each a bring-up, the blackhole, at most 60 s to
# recover and a stop; two links per direction of the false-positive run.
: "${E2E_TIMEOUT:=$((${BENCH_ROUNDS:-5} * 4 * (BLACKHOLE + 90) + \
    ndirs * 2 * (FP_SECONDS + 90) + 120))}"
export E2E_TIMEOUT
# shellcheck source=bench/lib.sh
. "$top_srcdir/bench/lib.sh"

if [ "$FP_SECONDS" != 0 ] && ! command -v iperf3 >/dev/null 2>&1; then
	echo "SKIP: iperf3 not found (Debian package iperf3)" >&2
	exit 77
fi

echo "recovery: $ROUNDS rounds of a $BLACKHOLE s blackhole in one" \
    "user-mode-linux guest, vpnd and the HOWTO (pppd persist), with and" \
    "without a network change at the restore, rotated"
bench_run "$top_srcdir/bench/scenarios/recovery.sh" BLACKHOLE="$BLACKHOLE" \
    FP_SECONDS="$FP_SECONDS" FP_DIRS="$FP_DIRS"

v()
{
	e2e_report_value "$1"
}

echo
echo "recovery: per round, in seconds: blackhole -> declared down (det)," \
    "restore -> first ping answered across (rec; vpnd's own \"-> up\" in" \
    "brackets); nc: with a network change at the restore"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	printf '  round %s:\n' "$r"
	for c in vpndnc vpnd howtonc howto; do
		up=
		[ -z "$(v "up_${c}_$r")" ] || up=" [$(v "up_${c}_$r")]"
		printf '    %-8s det %5s  rec %5s%s\n' "$c" "$(v "det_${c}_$r")" \
		    "$(v "rec_${c}_$r")" "$up"
	done
	r=$((r + 1))
done

det_vpnd=$(bench_median det_vpndnc det_vpnd)
det_howto=$(bench_median det_howtonc det_howto)
rec_vpndnc=$(bench_median rec_vpndnc)
rec_vpnd=$(bench_median rec_vpnd)
rec_howtonc=$(bench_median rec_howtonc)
rec_howto=$(bench_median rec_howto)
echo "medians of $ROUNDS ($((ROUNDS * 2)) for detection):"
echo "  detection: vpnd $det_vpnd s, HOWTO $det_howto s"
echo "  recovery with a network change: vpnd $rec_vpndnc s" \
    "(up $(bench_median up_vpndnc) s), HOWTO $rec_howtonc s"
echo "  recovery without: vpnd $rec_vpnd s (up $(bench_median up_vpnd) s)," \
    "HOWTO $rec_howto s"
printf 'RATIO recovery with a network change vpnd/HOWTO: %s\n' \
    "$(bench_ratio "$rec_vpndnc" "$rec_howtonc" x)"
printf 'RATIO recovery without vpnd/HOWTO: %s\n' \
    "$(bench_ratio "$rec_vpnd" "$rec_howto" x)"
printf 'RATIO detection vpnd/HOWTO: %s\n' \
    "$(bench_ratio "$det_vpnd" "$det_howto" x)"
printf 'vpnd recovery with/without a network change: %s\n' \
    "$(bench_ratio "$rec_vpndnc" "$rec_vpnd" x)"
printf 'target: vpnd recovery <= 2 s after the restore with a network'
printf ' change: %s (median %s s)\n' "$(awk -v a="$rec_vpndnc" 'BEGIN {
    print (a != "-" && a + 0 <= 2) ? "met" : "not met" }')" "$rec_vpndnc"

if [ "$FP_SECONDS" != 0 ]; then
	echo "false positives: link declared down during $FP_SECONDS s of" \
	    "one saturating TCP stream (iperf3) through it (target 0):"
	for d in $FP_DIRS; do
		for p in vpnd howto; do
			done_=
			[ "$(v "fpok_${p}_$d")" = 1 ] ||
			    done_=" (iperf3 did not complete)"
			printf '  %-5s %-4s %s drops at %s Mbit/s%s\n' "$p" "$d" \
			    "$(v "fp_${p}_$d")" "$(v "fprate_${p}_$d")" "$done_"
		done
	done
fi
