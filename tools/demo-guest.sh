# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# The demo, run inside the user-mode-linux guest by tools/demo.sh (after
# tests/e2e/guest-lib.sh): two sites, a real sshd as site B's gateway,
# vpnd on site A's gateway bringing the VPN up, a ping across, the
# status, and a clean stop.

IF=vpn-office
VPND=$top_builddir/src/vpnd
VPNCTL=$top_builddir/src/vpnctl
SOCK=$E2E_DIR/vpnd.sock

say()	# LINE [MORE LINES]
{
	printf '\n== %s\n' "$1"
	shift
	for _l in "$@"; do
		printf '   %s\n' "$_l"
	done
}

show()
{
	printf '   $ %s\n' "$*"
	"$@" 2>&1 | sed 's/^/     /'
}

say "Building two sites in network namespaces:"
cat <<'PIC'
     hosta 10.1.0.10 -- gwa (10.1.0.1 | 192.0.2.1) --internet-- 
                        gwb (192.0.2.2 | 10.2.0.1) -- hostb 10.2.0.10
     LAN A = 10.1.0.0/24, LAN B = 10.2.0.0/24; the internet link cannot
     carry traffic between the LANs: only the VPN can.
PIC
site_topology
say "Starting a real OpenSSH sshd on gateway B (192.0.2.2:22); gateway A" \
    "gets an ed25519 key and gateway B's host key in its known_hosts."
site_sshd_start

say "Before the VPN, host A cannot reach host B:"
if ns_ping hosta "$SITE_HOSTB_IP"; then
	fail "LAN B answers before the VPN is up"
fi
printf '     ping 10.2.0.10 from hosta: no answer (as expected)\n'

conf=$E2E_DIR/vpn.conf
# shellcheck disable=SC2034 # read by site_vpn_conf
SITE_VPN_GLOBAL="control-socket $SOCK"
site_vpn_conf "$conf" "keepalive 5 3"
say "Gateway A's configuration ($conf):"
sed 's/^/     /' "$conf"
say "Checking it with vpnd -t:"
show "$VPND" -t -f "$conf"

say "Starting vpnd on gateway A; it opens an SSH session to gateway B," \
    "runs pppd at both ends through it and installs the routes:"
collect_log "$E2E_DIR/vpnd.log"
t0=$(uptime_cs)
ip netns exec gwa "$VPND" -d -f "$conf" -p "$E2E_DIR/vpnd.pid" \
    >"$E2E_DIR/vpnd.log" 2>&1 &
vpnd=$!
routes_in()
{
	pid_exited "$vpnd" && fail "vpnd exited before the link came up"
	ip -n gwa route show "$SITE_LAN_B" | grep -q "dev $IF" &&
	    ip -n gwb route show "$SITE_LAN_A" | grep -q "dev $IF"
}
wait_for routes_in 30 "the VPN to come up"
printf '     up in %s s; what vpnd said:\n' \
    "$(cs_to_s $(($(uptime_cs) - t0)))"
sed 's/^/     /' "$E2E_DIR/vpnd.log"

say "What vpnctl says about it (vpnctl status):"
show ip netns exec gwa "$VPNCTL" -s "$SOCK" status

say "The PPP interface and the routes on gateway A:"
show ip -n gwa addr show dev "$IF"
show ip -n gwa route
say "... and on gateway B:"
show ip -n gwb addr show dev "$IF"
show ip -n gwb route

say "Ping from host A (LAN A) to host B (LAN B), and back:"
show ip netns exec hosta ping -c 3 -i 0.3 "$SITE_HOSTB_IP" ||
    fail "ping hosta -> hostb"
show ip netns exec hostb ping -c 3 -i 0.3 "$SITE_HOSTA_IP" ||
    fail "ping hostb -> hosta"

say "The link's counters after the pings (vpnctl status):"
show ip netns exec gwa "$VPNCTL" -s "$SOCK" status

say "Stopping vpnd (SIGTERM): it takes the link down at both ends."
kill -TERM "$vpnd"
rc=0
child_wait "$vpnd" 10 "vpnd" || rc=$?
[ "$rc" = 0 ] || fail "vpnd exited with status $rc"
wait_for "[ -z \"\$(ns_pids gwb pppd)\" ]" 5 "pppd on gateway B to exit"
tail -n 4 "$E2E_DIR/vpnd.log" | sed 's/^/     /'
say "Nothing is left behind:"
printf '     pppd on gateway A: %s\n' "$(ns_pids gwa pppd | wc -l)"
printf '     pppd on gateway B: %s\n' "$(ns_pids gwb pppd | wc -l)"
show ip -n gwa route
show ip -n gwb route
if ip -n gwa link show "$IF" >/dev/null 2>&1 ||
    ip -n gwb link show "$IF" >/dev/null 2>&1; then
	fail "$IF is still there"
fi
printf '     no %s interface at either end\n' "$IF"
say "Demo finished."
