# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# Scenario (runs in the guest): vpnd in gwa brings the link to gwb up for
# real (libssh2 session to gwb's sshd, pppd at both ends over channel 1,
# routes at both ends), hosts on the two LANs ping each other both ways,
# then SIGTERM: vpnd exits 0 and nothing is left at either end (no pppd,
# no sshd session, no interface, no route).

IF=vpn-office
PPP_A=10.9.0.1
PPP_B=10.9.0.2
VPND=$top_builddir/src/vpnd

[ -x "$VPND" ] || fail "$VPND is not built"
site_topology
site_sshd_start
step "sites up, sshd in gwb"

conf=$E2E_DIR/vpn.conf
site_vpn_conf "$conf" "keepalive 2 3" "fq-codel yes"
"$VPND" -t -f "$conf" || fail "vpnd -t refuses $conf"
collect_log "$E2E_DIR/vpnd.log"

t_launch=$(uptime_cs)
ip netns exec gwa "$VPND" -d -v -f "$conf" -p "$E2E_DIR/vpnd.pid" \
    >"$E2E_DIR/vpnd.log" 2>&1 &
vpnd=$!
step "vpnd started in gwa (pid $vpnd)"

routes_in()
{
	if pid_exited "$vpnd"; then
		fail "vpnd exited before the link came up"
	fi
	ip -n gwa route show "$SITE_LAN_B" | grep -q "dev $IF" &&
	    ip -n gwb route show "$SITE_LAN_A" | grep -q "dev $IF"
}
wait_for routes_in 30 "routes to $SITE_LAN_B in gwa and $SITE_LAN_A in gwb"
e2e_report bringup_s "$(cs_to_s $(($(uptime_cs) - t_launch)))"
ns_has_addr gwa "$IF" "$PPP_A" || fail "$IF in gwa lacks $PPP_A"
ns_has_addr gwb "$IF" "$PPP_B" || fail "$IF in gwb lacks $PPP_B"
grep -q "link office: routes -> up" "$E2E_DIR/vpnd.log" ||
    fail "vpnd did not log the link up"
ip -n gwa route show proto 120 | grep -q "^$SITE_LAN_B dev $IF" ||
    fail "the route in gwa is not vpnd's (proto 120)"
# fq-codel yes: vpnd made fq_codel the root qdisc here.
qd=$(ip netns exec gwa tc qdisc show dev "$IF" root)
case $qd in
"qdisc fq_codel "*) ;;
*) fail "$IF in gwa has not fq_codel as its root qdisc: $qd" ;;
esac
step "link up: $IF at both ends, routes at both ends, $IF in gwa: ${qd%% limit*}"
ip -n gwa route
ip -n gwb route

tx=$(ns_stat gwa "$IF" tx_packets)
ns_ping hosta "$SITE_HOSTB_IP" 3 || fail "ping hosta -> hostb"
ns_ping hostb "$SITE_HOSTA_IP" 3 || fail "ping hostb -> hosta"
tx=$(($(ns_stat gwa "$IF" tx_packets) - tx))
[ "$tx" -ge 6 ] || fail "the pings did not cross $IF ($tx packets out)"
step "ping across the tunnel both ways ($tx packets out of $IF)"

kill -TERM "$vpnd"
rc=0
child_wait "$vpnd" 10 "vpnd" || rc=$?
[ "$rc" = 0 ] || fail "vpnd exited with status $rc after SIGTERM, want 0"
step "vpnd exited 0"
wait_for "[ -z \"\$(ns_pids gwb pppd)\" ]" 5 "pppd in gwb to exit"
[ -z "$(ns_pids gwa pppd)" ] || fail "pppd left in gwa"
sessions=$(ns_pids gwb sshd | grep -vx "$SITE_SSHD_PID" || true)
[ -z "$sessions" ] || fail "sshd session processes left in gwb: $sessions"
for ns in gwa gwb; do
	if ip -n "$ns" link show "$IF" >/dev/null 2>&1; then
		fail "$IF left in $ns"
	fi
done
[ -z "$(ip -n gwa route show proto 120)" ] || fail "vpnd routes left in gwa"
if ip -n gwb route show "$SITE_LAN_A" | grep -q .; then
	fail "route to $SITE_LAN_A left in gwb"
fi
[ ! -e "$E2E_DIR/vpnd.pid" ] || fail "pid file left behind"
step "nothing left: no pppd, no sshd session, no $IF, no route"
