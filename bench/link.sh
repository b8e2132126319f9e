#!/bin/sh
# SPDX-License-Identifier: ISC
#
# link.sh: what vpnd's link carries and how long a packet waits in it, in a
# user-mode-linux guest, against the VPN HOWTO's link (pppd pty "ssh gw
# pppd nodetach notty noauth", Debian's defaults) and the same with noccp,
# alternating round by round in one guest run: bring-up, idle RTT, iperf3
# forward (hosta sends) and reverse (-R), and the RTT under each load.  The
# scenario is bench/scenarios/link.sh.
#
# Knobs: BENCH_ROUNDS (3), BENCH_PEERS ("vpnd howto howtonoccp"; add vpnd2
# with BENCH_VPND2=/path/to/another/vpnd), BENCH_SECONDS (10 per iperf3
# run), BENCH_HOG=1 (a CPU-bound process shares the guest's CPU),
# BENCH_TRACE=1 (then one turn per peer under strace -c: system calls per
# MB at each end), BENCH_QDISC=fq_codel (that root qdisc on the PPP
# interface at both ends once the link of a peer of BENCH_QDISC_PEERS,
# "vpnd", is up), BENCH_DEFAULT_QDISC=fq_codel (the guest's
# net.core.default_qdisc, for every peer: as systemd sets it on Debian),
# BENCH_WAN="8mbit 10ms" (netem on both gateways' WAN link, each way:
# the WAN is the bottleneck, as on a real uplink), E2E_TIMEOUT (enough
# for those), and those of tests/e2e/lib.sh.  Prints, after the guest's console, the per-round
# figures, a table of medians and spreads, the ratios vpnd / HOWTO and the
# issue's goals.  Exit 0, 77 when it cannot run here, else 1 or 99.
set -eu

NAME="link"
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${BENCH_ROUNDS:=3}"
PEERS=${BENCH_PEERS:-vpnd howto howtonoccp}
SECS=${BENCH_SECONDS:-10}
HOG=${BENCH_HOG:-0}
QDISC=${BENCH_QDISC:-}
QDISC_PEERS=${BENCH_QDISC_PEERS:-vpnd}
WAN=${BENCH_WAN:-}
DEFAULT_QDISC=${BENCH_DEFAULT_QDISC:-}
TRACE=${BENCH_TRACE:-0}
VPND2=${BENCH_VPND2:-}
case $SECS in
'' | *[!0-9]*)
	echo "link: BENCH_SECONDS must be a number" >&2
	exit 99
	;;
esac
npeers=$(echo "$PEERS" | wc -w)
ntrace=0
[ "$TRACE" != 1 ] || ntrace=$npeers
: "${E2E_TIMEOUT:=$(((BENCH_ROUNDS * npeers + ntrace) * (2 * SECS + 60) + 120))}"
export E2E_TIMEOUT
# shellcheck source=bench/lib.sh
. "$top_srcdir/bench/lib.sh"

if ! command -v iperf3 >/dev/null 2>&1; then
	echo "SKIP: iperf3 not found (Debian package iperf3)" >&2
	exit 77
fi
case " $PEERS " in
*" vpnd "*) ;;
*)
	echo "link: BENCH_PEERS must include vpnd" >&2
	exit 99
	;;
esac
case " $PEERS " in
*" vpnd2 "*)
	if [ ! -x "$VPND2" ]; then
		echo "link: BENCH_PEERS has vpnd2: set BENCH_VPND2 to a vpnd" >&2
		exit 99
	fi
	VPND2=$(cd "$(dirname "$VPND2")" && pwd)/${VPND2##*/}
	case $VPND2 in
	/tmp/*)
		# The guest has a /tmp of its own.
		echo "link: BENCH_VPND2 must not be under /tmp" >&2
		exit 99
		;;
	esac
	;;
esac

hogmsg=
[ "$HOG" != 1 ] || hogmsg=", a CPU-bound process in the guest"
[ -z "$QDISC" ] || hogmsg="$hogmsg, qdisc $QDISC for $QDISC_PEERS"
[ -z "$WAN" ] || hogmsg="$hogmsg, WAN $WAN each way"
[ -z "$DEFAULT_QDISC" ] || hogmsg="$hogmsg, default qdisc $DEFAULT_QDISC"
echo "link: $ROUNDS rounds in one user-mode-linux guest of $PEERS," \
    "rotated; iperf3 $SECS s each way$hogmsg"
bench_run "$top_srcdir/bench/scenarios/link.sh" PEERS="$PEERS" \
    SECONDS_IPERF="$SECS" HOG="$HOG" TRACE="$TRACE" VPND2="$VPND2" \
    QDISC="$QDISC" QDISC_PEERS="$QDISC_PEERS" WAN="$WAN" DEFAULT_QDISC="$DEFAULT_QDISC"

v()
{
	e2e_report_value "$1"
}

echo
echo "link: per round: bring-up s, idle RTT ms, forward Mbit/s (RTT under" \
    "it, ms), reverse Mbit/s (RTT under it, ms)"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	for p in $PEERS; do
		printf '  round %s %-10s up %5s  rtt %6s  fwd %6s (%6s)' \
		    "$r" "$p" "$(v "bu_${p}_$r")" "$(v "rtt_${p}_$r")" \
		    "$(v "fwd_${p}_$r")" "$(v "rttf_${p}_$r")"
		printf '  rev %6s (%6s)\n' "$(v "rev_${p}_$r")" \
		    "$(v "rttr_${p}_$r")"
	done
	r=$((r + 1))
done

# The table: a row per measure, a column per peer (median, min-max), then
# vpnd's ratio to each HOWTO peer.
hdr="| medians of $ROUNDS (min-max) |"
sep="|---|"
for p in $PEERS; do
	hdr="$hdr $p |"
	sep="$sep---|"
done
for h in howto howtonoccp; do
	case " $PEERS " in
	*" $h "*)
		hdr="$hdr vpnd/$h |"
		sep="$sep---|"
		;;
	esac
done
echo
echo "$hdr"
echo "$sep"
for m in fwd:forward_Mbit/s rev:reverse_Mbit/s rtt:idle_RTT_ms \
    rttf:RTT_under_forward_load_ms rttr:RTT_under_reverse_load_ms \
    bu:bring-up_s; do
	k=${m%%:*}
	row="| $(echo "${m#*:}" | tr _ ' ') |"
	for p in $PEERS; do
		row="$row $(bench_median "${k}_$p") ($(bench_range "${k}_$p")) |"
	done
	for h in howto howtonoccp; do
		case " $PEERS " in
		*" $h "*)
			row="$row $(bench_ratio "$(bench_median "${k}_vpnd")" \
			    "$(bench_median "${k}_$h")" x) |"
			;;
		esac
	done
	echo "$row"
done
echo

for h in howto howtonoccp vpnd2; do
	case " $PEERS " in
	*" $h "*) ;;
	*) continue ;;
	esac
	for k in fwd:forward rev:reverse rtt:"idle RTT" \
	    rttf:"RTT under forward load" rttr:"RTT under reverse load" \
	    bu:bring-up; do
		printf 'RATIO %s vpnd/%s: %s\n' "${k#*:}" "$h" \
		    "$(bench_ratio "$(bench_median "${k%%:*}_vpnd")" \
		    "$(bench_median "${k%%:*}_$h")" x)"
	done
done

# goal KEY OP LIMIT WHAT: whether vpnd / howto on KEY meets OP LIMIT, with
# the ratio of every round too (the goals hold "in every run").
goal()
{
	_g_ratio=$(bench_ratio "$(bench_median "${1}_vpnd")" \
	    "$(bench_median "${1}_howto")")
	_g_rounds=
	_g_r=1
	while [ "$_g_r" -le "$ROUNDS" ]; do
		_g_rounds="$_g_rounds $(bench_ratio "$(v "${1}_vpnd_$_g_r")" \
		    "$(v "${1}_howto_$_g_r")")"
		_g_r=$((_g_r + 1))
	done
	printf 'goal %s vpnd/HOWTO %s %s: %s (%sx; rounds:%s)\n' "$4" "$2" "$3" \
	    "$(awk -v a="$_g_ratio" -v op="$2" -v l="$3" 'BEGIN {
	    if (a == "-") print "no figure";
	    else if (op == ">=") print (a + 0 >= l + 0) ? "met" : "not met";
	    else print (a + 0 <= l + 0) ? "met" : "not met" }')" \
	    "$_g_ratio" "$_g_rounds"
}
case " $PEERS " in
*" howto "*)
	echo
	[ "$HOG" != 1 ] || echo "(with a CPU-bound process in the guest)"
	goal fwd ">=" 1.2 forward
	goal rev ">=" 1.2 reverse
	goal rttf "<=" 0.5 "RTT under forward load"
	goal rttr "<=" 0.5 "RTT under reverse load"
	goal rtt "<=" 1.0 "idle RTT"
	;;
esac

if [ "$TRACE" = 1 ]; then
	echo
	echo "system calls per MB moved (strace -c, one traced turn each):"
	echo "| peer | direction | gwa | gwb |"
	echo "|---|---|---|---|"
	for p in $PEERS; do
		for d in fwd rev; do
			echo "| $p | $d | $(v "tr_${p}_${d}_gwa") |" \
			    "$(v "tr_${p}_${d}_gwb") |"
		done
	done
fi
