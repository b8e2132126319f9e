#!/bin/sh
# SPDX-License-Identifier: ISC
#
# recovery.sh: how fast vpnd carries traffic again after each of a set of
# faults (the path blackholed 10 s and 30 s, the far end's WAN link down
# 10 s, the sshd session killed at the far end, a blackhole with a local
# route event at the restore, bring-up with a dead first host), as ratios
# to the HOWTO way kept up by `pppd persist holdoff 1 maxfail 0 pty "ssh
# gw pppd notty ..."` with ip-up `route replace` at both ends, in the same
# user-mode-linux guest run, the peers rotated round by round; optionally
# against a second vpnd (BENCH_VPND2, e.g. built from the commit before a
# change) in the same run; then how often each declares a saturated link
# down for nothing (a 60 s iperf3 stream each way).  The scenario is
# bench/scenarios/recovery.sh.
#
# Knobs: BENCH_ROUNDS (5), BENCH_FAULTS ("bh10 bh30 wan10 kill nc dead"),
# BENCH_VPND2 (a vpnd binary under a path the guest sees: not /tmp),
# BENCH_FP_SECONDS (60; 0 skips the false-positive run), BENCH_FP_DIRS
# ("up down"), E2E_TIMEOUT (enough for those), and those of
# tests/e2e/lib.sh.  Needs iperf3 (Debian package iperf3) unless
# BENCH_FP_SECONDS is 0.  Exit 0, 77 when it cannot run here, else 1 or 99.
set -eu

NAME=recovery
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
FAULTS=${BENCH_FAULTS:-bh10 bh30 wan10 kill nc dead}
VPND2=${BENCH_VPND2:-}
FP_SECONDS=${BENCH_FP_SECONDS:-60}
FP_DIRS=${BENCH_FP_DIRS:-up down}
for v in "${BENCH_ROUNDS:-5}" "$FP_SECONDS"; do
	case $v in
	'' | *[!0-9]*)
		echo "recovery: BENCH_ROUNDS and BENCH_FP_SECONDS must be" \
		    "numbers" >&2
		exit 99
		;;
	esac
done
fsecs=0
for f in $FAULTS; do
	case $f in
	bh10 | wan10 | nc) fsecs=$((fsecs + 10)) ;;
	bh30) fsecs=$((fsecs + 30)) ;;
	kill | dead) ;;
	*)
		echo "recovery: BENCH_FAULTS: bh10 bh30 wan10 kill nc dead," \
		    "not $f" >&2
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
if [ -n "$VPND2" ] && [ ! -x "$VPND2" ]; then
	echo "recovery: BENCH_VPND2: $VPND2 is not executable" >&2
	exit 99
fi
PEERS="vpnd howto"
[ -z "$VPND2" ] || PEERS="vpnd base howto"
npeers=$(echo "$PEERS" | wc -w)
nfaults=$(echo "$FAULTS" | wc -w)
ndirs=$(echo "$FP_DIRS" | wc -w)
# Each case: a bring-up, the fault, at most 60 s to recover and a stop;
# two links per direction of the false-positive run.
: "${E2E_TIMEOUT:=$((${BENCH_ROUNDS:-5} * npeers * (fsecs + nfaults * 60) + \
    ndirs * 2 * (FP_SECONDS + 90) + 120))}"
export E2E_TIMEOUT
# shellcheck source=bench/lib.sh
. "$top_srcdir/bench/lib.sh"

if [ "$FP_SECONDS" != 0 ] && ! command -v iperf3 >/dev/null 2>&1; then
	echo "SKIP: iperf3 not found (Debian package iperf3)" >&2
	exit 77
fi

echo "recovery: $ROUNDS rounds of $FAULTS in one user-mode-linux guest," \
    "peers $PEERS, rotated"
echo "recovery: host load before: $(cat /proc/loadavg)"
bench_run "$top_srcdir/bench/scenarios/recovery.sh" FAULTS="$FAULTS" \
    VPND2="$VPND2" FP_SECONDS="$FP_SECONDS" FP_DIRS="$FP_DIRS"
echo "recovery: host load after: $(cat /proc/loadavg)"

v()
{
	e2e_report_value "$1"
}

# cell KEY ...: "MEDIAN (MIN-MAX)".
cell()
{
	printf '%s (%s)' "$(bench_median "$@")" "$(bench_range "$@")"
}

# beyond PEER FAULT: the median over the rounds of PEER's recovery from
# FAULT less its bring-up in the same case: what the recovery costs on
# top of a bring-up from nothing.
beyond()
{
	_r=1
	while [ "$_r" -le "$ROUNDS" ]; do
		_a=$(v "rec_$1_$2_$_r")
		_b=$(v "bring_$1_$2_$_r")
		[ -z "$_a" ] || [ -z "$_b" ] ||
		    awk -v a="$_a" -v b="$_b" 'BEGIN { printf "%.2f\n", a - b }'
		_r=$((_r + 1))
	done | sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-";
	    else if (NR % 2) printf "%+.2f\n", v[(NR + 1) / 2];
	    else printf "%+.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo
echo "recovery: per round, in seconds: fault -> declared down (det), end of" \
    "the fault -> first ping answered across (rec; vpnd's own \"-> up\" in" \
    "brackets), launch -> first ping answered (bring)"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	printf '  round %s: ssh true %s s\n' "$r" "$(v "ssh_$r")"
	for f in $FAULTS; do
		for p in $PEERS; do
			if [ "$f" = dead ]; then
				[ "$p" = howto ] ||
				    printf '    %-5s %-5s bring %5s\n' "$f" "$p" \
				    "$(v "dead_${p}_$r")"
				continue
			fi
			up=
			[ -z "$(v "upv_${p}_${f}_$r")" ] ||
			    up=" [$(v "upv_${p}_${f}_$r")]"
			printf '    %-5s %-5s det %5s  rec %5s%-7s  bring %5s\n' \
			    "$f" "$p" "$(v "det_${p}_${f}_$r")" \
			    "$(v "rec_${p}_${f}_$r")" "$up" \
			    "$(v "bring_${p}_${f}_$r")"
		done
	done
	r=$((r + 1))
done

echo
echo "recovery: medians (min-max) of $ROUNDS rounds, seconds from the end of" \
    "the fault to the first ping answered across; goal: vpnd within 2 s in"
echo "every round (1 s with the local route event)"
echo "(beyond bring-up: the median of rec less the bring-up of the same case)"
printf '| fault | vpnd | HOWTO | vpnd/HOWTO |'
[ -z "$VPND2" ] || printf ' base | vpnd/base |'
printf ' vpnd within the goal | beyond bring-up: vpnd |'
[ -z "$VPND2" ] || printf ' base |'
printf ' HOWTO |\n'
printf '| --- | --- | --- | --- |'
[ -z "$VPND2" ] || printf ' --- | --- |'
printf ' --- | --- |'
[ -z "$VPND2" ] || printf ' --- |'
printf ' --- |\n'
for f in $FAULTS; do
	[ "$f" != dead ] || continue
	goal=2
	[ "$f" != nc ] || goal=1
	printf '| %s | %s | %s | %s |' "$f" "$(cell "rec_vpnd_$f")" \
	    "$(cell "rec_howto_$f")" "$(bench_ratio "$(bench_median \
	    "rec_vpnd_$f")" "$(bench_median "rec_howto_$f")" x)"
	[ -z "$VPND2" ] || printf ' %s | %s |' "$(cell "rec_base_$f")" \
	    "$(bench_ratio "$(bench_median "rec_vpnd_$f")" \
	    "$(bench_median "rec_base_$f")" x)"
	printf ' %s (<= %s s) | %s |' "$(bench_within "$goal" \
	    "rec_vpnd_$f")" "$goal" "$(beyond vpnd "$f")"
	[ -z "$VPND2" ] || printf ' %s |' "$(beyond base "$f")"
	printf ' %s |\n' "$(beyond howto "$f")"
done

bring_keys()
{
	for _f in $FAULTS; do
		[ "$_f" = dead ] || printf 'bring_%s_%s ' "$1" "$_f"
	done
}
# shellcheck disable=SC2046 # a word list of keys
b_vpnd=$(bench_median $(bring_keys vpnd))
# shellcheck disable=SC2046
b_howto=$(bench_median $(bring_keys howto))
ssh_m=$(bench_median ssh)
echo
echo "bring-up, launch -> first ping answered (every case's), medians" \
    "(min-max):"
# shellcheck disable=SC2046
echo "  vpnd $b_vpnd s ($(bench_range $(bring_keys vpnd))), HOWTO $b_howto s" \
    "($(bench_range $(bring_keys howto))), ssh true $ssh_m s" \
    "($(bench_range ssh))"
if [ -n "$VPND2" ]; then
	# shellcheck disable=SC2046
	echo "  base $(bench_median $(bring_keys base)) s" \
	    "($(bench_range $(bring_keys base)))"
fi
# phase_keys NAME PEER: the keys of that phase of PEER's live bring-ups.
phase_keys()
{
	for _f in $FAULTS; do
		[ "$_f" = dead ] || printf 'ph_%s_%s_%s ' "$1" "$2" "$_f"
	done
}
for p in $PEERS; do
	[ "$p" != howto ] || continue
	# shellcheck disable=SC2046 # word lists of keys
	echo "  $p's phases, medians (min-max): dial $(cell $(phase_keys \
	    dial "$p")), ssh handshake and auth $(cell $(phase_keys ssh \
	    "$p")), ppp $(cell $(phase_keys ppp "$p")), far routes" \
	    "$(cell $(phase_keys routes "$p"))"
done
printf 'RATIO bring-up vpnd/HOWTO: %s\n' "$(bench_ratio "$b_vpnd" "$b_howto" x)"
printf 'RATIO bring-up vpnd/ssh true: %s (goal <= 1.5x)\n' \
    "$(bench_ratio "$b_vpnd" "$ssh_m" x)"
case " $FAULTS " in
*" dead "*)
	d_vpnd=$(bench_median dead_vpnd)
	echo "bring-up with a dead first host: vpnd $(cell dead_vpnd) s," \
	    "$(awk -v d="$d_vpnd" -v b="$b_vpnd" 'BEGIN {
	    printf "%+.2f", d - b }') s on the live host's bring-up" \
	    "(goal <= +0.25 s, one ssh true is $ssh_m s)"
	[ -z "$VPND2" ] || echo "  base $(cell dead_base) s"
	# shellcheck disable=SC2046 # a word list of keys
	echo "  its dial (-> connecting to -> handshake): vpnd" \
	    "$(cell ph_dial_vpnd_dead) s, live host first" \
	    "$(cell $(phase_keys dial vpnd)) s (goal +0.25 s)"
	[ -z "$VPND2" ] || echo "  base $(cell ph_dial_base_dead) s"
	;;
esac
for f in $FAULTS; do
	[ "$f" != dead ] || continue
	printf 'RATIO recovery %s vpnd/HOWTO: %s\n' "$f" "$(bench_ratio \
	    "$(bench_median "rec_vpnd_$f")" "$(bench_median "rec_howto_$f")" x)"
done
det_keys()
{
	for _f in $FAULTS; do
		[ "$_f" = dead ] || [ "$_f" = kill ] ||
		    printf 'det_%s_%s ' "$1" "$_f"
	done
}
# shellcheck disable=SC2046 # a word list of keys
echo "detection of the path faults (fault -> declared down), medians:" \
    "vpnd $(bench_median $(det_keys vpnd)) s," \
    "HOWTO $(bench_median $(det_keys howto)) s"

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
