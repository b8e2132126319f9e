# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# Scenario (runs in the guest): the whole link with vpn-peer as the
# forced command of gwa's key on gwb.  A stale pppd of the key (started
# through vpn-peer and left talking to nobody) is ended by "clean"; a
# second one is ended by vpnd's own "pppd" request before the new pppd
# starts.  vpnd (remote-command vpn-peer) brings the link up: real pppd at
# both ends, routes at both ends (gwb's by vpn-peer's "route replace"),
# LANs ping both ways.  Meanwhile a person with the key asking for
# anything else is refused (exit 1, the reason on stderr, a LOG_AUTH
# warning naming the client in syslog) and the link stays up.  SIGTERM:
# vpnd exits 0 and nothing is left at either end.

IF=vpn-office
PPP_A=10.9.0.1
PPP_B=10.9.0.2
# shellcheck disable=SC2154 # set by the guest (tests/e2e/guest-lib.sh)
B=$top_builddir
VPND=$B/src/vpnd
VPN_PEER=$B/src/vpn-peer
SINK=$B/tests/integration/syslog-sink
PIDFILE=/run/ppp-$IF.pid

for prog in "$VPND" "$VPN_PEER" "$SINK"; do
	[ -x "$prog" ] || fail "$prog is not built"
done
site_topology
site_sshd_start
step "sites up, sshd in gwb"

# gwa's key may run only vpn-peer on gwb.
authk=$E2E_DIR/ssh/authorized_keys
printf 'restrict,command="%s --ip %s --peer %s --net %s --ifname %s" %s\n' \
    "$VPN_PEER" "$PPP_B" "$PPP_A" "$SITE_LAN_A" "$IF" \
    "$(cat "$SITE_SSH_KEY.pub")" >"$authk" || fail "write $authk"
cat "$authk"

# Syslog: the guest's /dev/log is ours.
"$SINK" /dev/log "$E2E_DIR/syslog" &
sink=$!
wait_for "[ -S /dev/log ]" 5 "the syslog sink"
collect_log "$E2E_DIR/syslog"
step "gwb's authorized_keys: vpn-peer forced; syslog sink (pid $sink)"

# peer REQUEST: the key, by hand, from gwa; stdout in $E2E_DIR/out, stderr
# in $E2E_DIR/err, exit status in $rc.
peer()
{
	rc=0
	site_ssh "$1" </dev/null >"$E2E_DIR/out" 2>"$E2E_DIR/err" || rc=$?
}

peer version
[ "$rc" = 0 ] || fail "version: exit $rc: $(cat "$E2E_DIR/err")"
[ "$(cat "$E2E_DIR/out")" = "vpn-peer 1" ] ||
    fail "version printed '$(cat "$E2E_DIR/out")'"
step "version: vpn-peer 1"

# stale_start N: a pppd of this key through vpn-peer, its stdin held open
# by a sleep, talking to nobody (it gives up after 10 LCP requests, ~10 s).
stale_start()
{
	rm -f "$PIDFILE"
	sleep 60 | site_ssh "pppd lcp-echo-interval 1 lcp-echo-failure 30" \
	    >/dev/null 2>"$E2E_DIR/stale$1.err" &
	collect_log "$E2E_DIR/stale$1.err"
	wait_for "[ -s $PIDFILE ]" 10 "stale pppd $1's pid file"
	stale=$(head -n 1 "$PIDFILE")
	[ "$(cat "/proc/$stale/comm")" = pppd ] ||
	    fail "$PIDFILE names $stale, not a pppd"
}

stale_start 1
peer clean
[ "$rc" = 0 ] || fail "clean: exit $rc: $(cat "$E2E_DIR/err")"
[ "$(cat "$E2E_DIR/err")" = "vpn-peer: ended stale pppd $stale" ] ||
    fail "clean said '$(cat "$E2E_DIR/err")'"
pid_exited "$stale" || fail "stale pppd $stale still runs after clean"
step "clean ended stale pppd $stale"

conf=$E2E_DIR/vpn.conf
site_vpn_conf "$conf" "remote-command vpn-peer" "keepalive 2 3"
"$VPND" -t -f "$conf" || fail "vpnd -t refuses $conf"
collect_log "$E2E_DIR/vpnd.log"

stale_start 2
ip netns exec gwa "$VPND" -d -v -f "$conf" -p "$E2E_DIR/vpnd.pid" \
    >"$E2E_DIR/vpnd.log" 2>&1 &
vpnd=$!
step "stale pppd $stale up; vpnd started in gwa (pid $vpnd)"

routes_in()
{
	if pid_exited "$vpnd"; then
		fail "vpnd exited before the link came up"
	fi
	ip -n gwa route show "$SITE_LAN_B" | grep -q "dev $IF" &&
	    ip -n gwb route show "$SITE_LAN_A" | grep -q "dev $IF"
}
wait_for routes_in 30 "routes to $SITE_LAN_B in gwa and $SITE_LAN_A in gwb"
grep -q "link office: remote: vpn-peer: ended stale pppd $stale\$" \
    "$E2E_DIR/vpnd.log" || fail "vpnd's pppd request did not end $stale"
pid_exited "$stale" || fail "stale pppd $stale still runs"
ns_has_addr gwa "$IF" "$PPP_A" || fail "$IF in gwa lacks $PPP_A"
ns_has_addr gwb "$IF" "$PPP_B" || fail "$IF in gwb lacks $PPP_B"
grep -q "link office: routes -> up" "$E2E_DIR/vpnd.log" ||
    fail "vpnd did not log the link up"
grep -q "vpn-peer\[[0-9]*\]: request from $SITE_GWA_WAN_IP port [0-9]*: pppd lcp-echo-interval 2 lcp-echo-failure 3\$" \
    "$E2E_DIR/syslog" || fail "no syslog line for vpnd's pppd request"
grep -q "vpn-peer\[[0-9]*\]: request from $SITE_GWA_WAN_IP port [0-9]*: route replace $SITE_LAN_A\$" \
    "$E2E_DIR/syslog" || fail "no syslog line for vpnd's route request"
step "link up through vpn-peer (stale $stale ended first): $IF and routes at both ends"
ip -n gwa route
ip -n gwb route

tx=$(ns_stat gwa "$IF" tx_packets)
ns_ping hosta "$SITE_HOSTB_IP" 3 || fail "ping hosta -> hostb"
ns_ping hostb "$SITE_HOSTA_IP" 3 || fail "ping hostb -> hosta"
tx=$(($(ns_stat gwa "$IF" tx_packets) - tx))
[ "$tx" -ge 6 ] || fail "the pings did not cross $IF ($tx packets out)"
step "ping across the tunnel both ways ($tx packets out of $IF)"

# refused REQUEST REASON: by hand with the key, while the link is up.
refused()
{
	peer "$1"
	[ "$rc" = 1 ] || fail "'$1': exit $rc, want 1: $(cat "$E2E_DIR/err")"
	[ "$(cat "$E2E_DIR/err")" = "vpn-peer: refused: $2" ] ||
	    fail "'$1': stderr '$(cat "$E2E_DIR/err")'"
	# <36>: LOG_AUTH | LOG_WARNING.
	grep -qF "]: refused request from $SITE_GWA_WAN_IP port " \
	    "$E2E_DIR/syslog" || fail "'$1': no refusal in syslog"
	grep "]: refused request from " "$E2E_DIR/syslog" | tail -n 1 |
	    grep -q "^<36>.*vpn-peer\[[0-9]*\]: refused request from $SITE_GWA_WAN_IP port [0-9]*: $2 (request " ||
	    fail "'$1': syslog line: $(tail -n 1 "$E2E_DIR/syslog")"
}
refused "route replace 0.0.0.0/0" \
    "route replace: 0.0.0.0/0 is not a permitted net"
refused "route del $SITE_LAN_A dev lan0" "route del: dev is not a prefix"
refused "pppd plugin x.so" 'pppd: unknown option "plugin"'
refused "pppd pty sh" 'pppd: unknown option "pty"'
refused "clean; ip link del $IF" "character ';' at offset 5 is not allowed"
refused "/bin/sh" 'unknown request "/bin/sh"'
refused "route replace $SITE_LAN_B" \
    "route replace: $SITE_LAN_B is not a permitted net"
ip -n gwb link show "$IF" >/dev/null 2>&1 || fail "$IF in gwb is gone"
ip -n gwb route show "$SITE_LAN_A" | grep -q "dev $IF" ||
    fail "the route to $SITE_LAN_A in gwb is gone"
if [ -n "$(ip -n gwb route show default)" ] ||
    [ -n "$(ip -n gwb route show "$SITE_LAN_B" dev "$IF")" ]; then
	fail "a refused route is in gwb: $(ip -n gwb route)"
fi
ns_ping hosta "$SITE_HOSTB_IP" 1 || fail "ping after the refusals"
grep "]: refused request from " "$E2E_DIR/syslog" | tail -n 2
step "other requests with the key refused (exit 1, syslog LOG_AUTH warning); link still up"

kill -TERM "$vpnd"
rc=0
child_wait "$vpnd" 10 "vpnd" || rc=$?
[ "$rc" = 0 ] || fail "vpnd exited with status $rc after SIGTERM, want 0"
step "vpnd exited 0"
wait_for "[ -z \"\$(ns_pids gwb pppd)\" ]" 5 "pppd in gwb to exit"
[ -z "$(ns_pids gwa pppd)" ] || fail "pppd left in gwa"
wait_for "[ -z \"\$(ns_pids gwb sshd | grep -vx $SITE_SSHD_PID)\" ]" 5 \
    "sshd sessions in gwb to end"
for ns in gwa gwb; do
	if ip -n "$ns" link show "$IF" >/dev/null 2>&1; then
		fail "$IF left in $ns"
	fi
done
[ -z "$(ip -n gwa route show proto 120)" ] || fail "vpnd routes left in gwa"
if ip -n gwb route show "$SITE_LAN_A" | grep -q .; then
	fail "route to $SITE_LAN_A left in gwb"
fi
grep -q "vpn-peer\[[0-9]*\]: request from $SITE_GWA_WAN_IP port [0-9]*: route del $SITE_LAN_A\$" \
    "$E2E_DIR/syslog" || fail "no syslog line for vpnd's route del"
[ ! -e "$E2E_DIR/vpnd.pid" ] || fail "pid file left behind"
step "nothing left: no pppd, no sshd session, no $IF, no route"
kill -TERM "$sink" || fail "kill the syslog sink"
