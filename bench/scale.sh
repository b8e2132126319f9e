#!/bin/sh
# SPDX-License-Identifier: ISC
#
# scale.sh: N links in one vpnd (issue 14), in a user-mode-linux guest: all
# to one sshd, keepalive 5 3, backoff 1 10, no nets.  The scenario is
# bench/scenarios/scale.sh; one run measures
#
#	- vpnd's RSS with no link, and with the N links up (per link above
#	  the base);
#	- `vpnctl status --json` and `vpnctl status` against a vpnd with
#	  BENCH_STATUS_LINKS (200) links configured, none dialed (the
#	  goal's 200 links without 200 bring-ups), and the same for
#	  BENCH_VPNCTL2, another build's vpnctl under a path the guest sees
#	  (not /tmp), if set: a before/after of the client in one run;
#	- the serial baseline: the N links brought up one after the other
#	  (`vpnctl up --wait` each), then the fleet: launch -> all N up at
#	  once, as a ratio to the serial baseline, with the failures on the
#	  way;
#	- idle with all N up: CPU %, wake-ups per second (vpnd's voluntary
#	  context switches; the involuntary ones apart, as preempted/s)
#	  against the goal links / keepalive + 1, open fds, `vpnctl status
#	  --json` wall time and `vpnctl --version`'s (the client's start);
#	  RSS also with one link up (what the first link costs once is not
#	  a link's) and the bytes libssh2 holds for a session;
#	- a 30 s blackhole of the gateway: the time from the path's return
#	  until all N are up again (ratio to the serial baseline) and the
#	  TCP connections the gateway saw meanwhile.
#
# Usage: bench/scale.sh [N]  (N: BENCH_LINKS, 50).  Knobs: E2E_MEM (the
# guest's memory, 3G), E2E_TIMEOUT (3600), BENCH_STATUS_LINKS,
# BENCH_VPNCTL2, and those of tests/e2e/lib.sh.
# Exit 0, 77 when it cannot run here, else 1 or 99.
set -eu

NAME=scale
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
N=${1:-${BENCH_LINKS:-50}}
case $N in
'' | *[!0-9]* | 0)
	echo "scale: N must be a number from 1 to 1000" >&2
	exit 99
	;;
esac
[ "$N" -le 1000 ] || { echo "scale: N must be at most 1000" >&2; exit 99; }
: "${E2E_TIMEOUT:=3600}"
: "${E2E_MEM:=3G}"
export E2E_TIMEOUT E2E_MEM
BENCH_ROUNDS=1
# shellcheck source=bench/lib.sh
. "$top_srcdir/bench/lib.sh"
if [ ! -x "$top_builddir/src/vpnctl" ]; then
	echo "SKIP: $top_builddir/src/vpnctl is not built (make)" >&2
	exit 77
fi

echo "scale: $N links in one vpnd, one user-mode-linux guest ($E2E_MEM)"
bench_run "$top_srcdir/bench/scenarios/scale.sh" "N=$N" \
    ${BENCH_STATUS_LINKS:+"STATUS_LINKS=$BENCH_STATUS_LINKS"} \
    ${BENCH_VPNCTL2:+"VPNCTL2=$BENCH_VPNCTL2"}
v()
{
	e2e_report_value "$1"
}
base=$(v base_rss)
rss=$(v rss)
rss1=$(v rss1)
serial=$(v serial_s)
echo
echo "scale: $N links (keepalive 5 3, backoff 1 10, one sshd)"
printf '  %-44s %s\n' \
    "vpnd RSS, no link" "$base KiB" \
    "vpnd RSS, $N up" "$rss KiB: $(((rss - base) / N)) KiB a link (goal 64)" \
    "vpnd RSS, 1 up (serial)" "$(v rss1) KiB: $(((rss - $(v rss1)) / \
	(N > 1 ? N - 1 : 1))) KiB a link more" \
    "vpnd RSS a link at 200, extrapolated" "$((((rss1 - base) + 199 * \
	((rss - rss1) / (N > 1 ? N - 1 : 1))) / 200)) KiB (the first link's" \
    "" "cost, one-time libcrypto pages in it, and 199 more; goal 64)" \
    "serial baseline: $N up one after the other" "$serial s" \
    "fleet: launch -> all $N up" \
    "$(v fleet_s) s, $(v fleet_failures) failures on the way" \
    "idle CPU, all up" "$(v idle_cpu_pct) %" \
    "idle wake-ups/s (voluntary switches)" "$(v idle_wakeups) (goal <= $(awk \
	-v n="$N" 'BEGIN { printf "%.1f", n / 5 + 1 }'); $(v idle_preempted) preempted/s)" \
    "libssh2's heap for one session (median)" "$(v ssh_heap) bytes" \
    "fds" "$(v fds)" \
    "vpnctl status --json" "$(v status_s) s (goal 0.10 for 200)" \
    "vpnctl --version (its start alone)" "$(v vpnctl_start_s) s" \
    "status --json / status, $(v status_links) links" \
    "$(v status_many_json_s) s / $(v status_many_s) s (goal 0.10; none dialed)" \
    "30 s blackhole: path back -> all $N up" \
    "$(v outage_s) s, $(v outage_dials) connections at the gateway," \
    "" "$(v outage_failures) failures"
if [ -n "${BENCH_VPNCTL2:-}" ]; then
	printf '  %-44s %s\n' "BENCH_VPNCTL2: status --json / status" \
	    "$(v status2_many_json_s) s / $(v status2_many_s) s"
	printf 'RATIO status --json, vpnctl / BENCH_VPNCTL2: %s\n' \
	    "$(bench_ratio "$(v status_many_json_s)" "$(v status2_many_json_s)" x)"
fi
printf 'RATIO fleet bring-up / serial baseline: %s\n' \
    "$(bench_ratio "$(v fleet_s)" "$serial" x)"
printf 'RATIO after blackhole / serial baseline: %s\n' \
    "$(bench_ratio "$(v outage_s)" "$serial" x)"
