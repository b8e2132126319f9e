# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# Benchmark scenario (runs in the e2e guest, after tests/e2e/guest-lib.sh;
# bench/bringup.sh runs it): bring-up time, from launch until hostb answers
# hosta's ping, of
#
#	vpnd	vpnd -d -f vpn.conf in gwa (the link of tests/e2e/scenarios/
#		vpnd_link.sh): SSH, both pppds, routes at both ends.
#	howto	the HOWTO way, as a script in gwa would do it:
#		  pppd updetach ... pty "ssh gwb pppd notty ..." A:B
#		  ip route add LAN_B dev IF
#		  ssh gwb ip route add LAN_A dev IF
#		with the same pppd options vpnd gives both ends (noccp, LCP
#		echo, ifname, ...), so only the way of doing it differs.
#	ssh	`ssh gwb true` from gwa, for scale.
#	vpndb	with VPND_B set (the path of another vpnd, an older build):
#		that vpnd, run the same way, in the same rounds, so that
#		two builds are compared in one guest run.
#
# ROUNDS rounds (5), alternating, the order flipped every other round.
# Nothing polls while a link comes up (in the guest, every fork of a poll
# would take CPU from the link): the HOWTO's commands run one after the
# other, and vpnd's log is read as it comes, until vpnd says "-> up"; then
# hostb is pinged (every 50 ms until it answers).  After each bring-up the
# link is stopped and everything checked gone (pppds, sshd sessions,
# interfaces, routes) before the next one starts.  Reports, per round R,
# in seconds:
#	vpnd_R howto_R ssh_R	launch to the first ping answered (and
#				vpndb_R with VPND_B)
#	vpndup_R howtoup_R	launch to the link up with routes at both
#				ends (vpnd's "-> up", the HOWTO's last command)
# and fails if a bring-up does not complete in 30 s or leaves anything.

# top_srcdir comes from the guest's PID 1 (tests/e2e/lib.sh).
# shellcheck disable=SC2154 source=bench/scenarios/lib.sh
. "$top_srcdir/bench/scenarios/lib.sh"

: "${ROUNDS:=5}"

bench_sites
conf=$E2E_DIR/vpn.conf
bench_vpnd_conf "$conf" 3600 3600
opts=$HOWTO_OPTS

# run_vpnd R [TAG BINARY]: launch vpnd (BINARY, reported as TAG), wait
# for the ping, stop it.  vpnd's log comes through a FIFO: the scenario
# sleeps in read(2) until vpnd says the link is up, stamping each line
# with the time it came (no polling while vpnd works), then pings.
run_vpnd()
{
	tag=${2:-vpnd}
	log=$E2E_DIR/$tag-$1.log
	VPND=${3:-$VPND_A}
	vpnd_up "$log" "$conf"
	t0=$vpnd_t0
	up=$vpnd_upat
	[ -n "$up" ] || fail "vpnd's link did not come up: $log"
	wait_for pinged 30 "hostb to answer through vpnd's link"
	now_cs
	t=$((now - t0))
	vpnd_stop all_clean
	e2e_report "${tag}_$1" "$(cs_to_s "$t")"
	e2e_report "${tag}up_$1" "$(cs_to_s "$up")"
	step "round $1: $tag $(cs_to_s "$t") s (up at $(cs_to_s "$up") s):"
	# Lines stamped in centiseconds since launch, up to "-> up".
	awk '$1 ~ /^[0-9]+$/ && $2 == "vpnd:" && (/ -> / || /retrying/) {
	    t = $1; $1 = $2 = ""; sub(/^ +/, "")
	    printf "\t+%d.%02d s %s\n", t / 100, t % 100, $0 }
	    / -> up/ { exit }' "$log"
}

# run_howto R: the HOWTO's three commands, wait for the ping, stop pppd.
run_howto()
{
	log=$E2E_DIR/howto-$1.log
	howto_up "$log" "$opts"
	wait_for pinged 30 "hostb to answer through the HOWTO's link"
	now_cs
	t=$((now - howto_t0))
	howto_down
	e2e_report "howto_$1" "$(cs_to_s "$t")"
	e2e_report "howtoup_$1" "$(cs_to_s "$howto_routes")"
	step "round $1: howto $(cs_to_s "$t") s (pppd up at" \
	    "$(cs_to_s "$howto_ppp") s, routes at $(cs_to_s "$howto_routes") s)"
}

VPND_A=$VPND
if [ -n "${VPND_B:-}" ]; then
	[ -x "$VPND_B" ] || fail "VPND_B: $VPND_B is not an executable"
	"$VPND_B" -t -f "$conf" || fail "$VPND_B -t refuses $conf"
fi
pinged && fail "hostb answers hosta before there is a link"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	if [ $((r % 2)) = 1 ]; then
		run_vpnd "$r"
		[ -z "${VPND_B:-}" ] || run_vpnd "$r" vpndb "$VPND_B"
		run_howto "$r"
	else
		run_howto "$r"
		[ -z "${VPND_B:-}" ] || run_vpnd "$r" vpndb "$VPND_B"
		run_vpnd "$r"
	fi
	bench_ssh_true "$r"
	r=$((r + 1))
done
e2e_report rounds "$ROUNDS"
