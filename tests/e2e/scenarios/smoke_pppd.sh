# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# Scenario (runs in the guest, after guest-lib.sh): the two sites, real sshd
# on gwb, real pppd on gwa dialling gwb's real pppd over ssh, pings between
# the LAN hosts both ways through the tunnel, then a clean stop.
#
# SMOKE_BREAK injects a fault, to show the test can fail:
#	route	gwb blackholes LAN A: the pings fail
#	asym	gwa sends LAN B's traffic over the internet instead of the
#		tunnel: pings may pass, the tunnel's counters catch it

IF=vpn-smoke
PPP_A=10.9.0.1
PPP_B=10.9.0.2
PINGS=3

e2e_report boot_s "$E2E_BOOT"
e2e_report start_s "$E2E_T0"
site_topology
site_sshd_start
step "sites up, sshd in gwb"

if ns_ping hosta "$SITE_HOSTB_IP"; then
	fail "LAN B answers LAN A before there is a tunnel"
fi

t=$(uptime_cs)
site_ssh true || fail "ssh from gwa to root@gwb"
e2e_report ssh_login_s "$(cs_to_s $(($(uptime_cs) - t)))"
step "ssh gwa -> gwb works"

# Both ends: Debian's /etc/ppp/options says `auth crtscts lock modem`.
common="nodetach noauth ifname $IF lcp-echo-interval 1 lcp-echo-failure 3"
common="$common debug"
remote="/usr/sbin/pppd $common notty logfile $E2E_DIR/pppd-gwb.log"
remote="$remote $PPP_B:$PPP_A"
collect_log "$E2E_DIR/pppd-gwa.log"
collect_log "$E2E_DIR/pppd-gwa.out"
collect_log "$E2E_DIR/pppd-gwb.log"

# lcp-restart 1: pppd's ten Configure-Requests last 10 s at the reference
# pace, and the far pppd answers only once ssh has logged in and started
# it (7 s at 10x the pace in a CI run that failed on it): as many more
# as the guest is slower.
lcp_max=$((10 * ${E2E_PACE:-100} / 100))
[ "$lcp_max" -ge 10 ] || lcp_max=10
t_launch=$(uptime_cs)
# shellcheck disable=SC2086 # $common is a word list
ip netns exec gwa /usr/sbin/pppd $common local nodefaultroute \
    lcp-restart 1 lcp-max-configure "$lcp_max" lcp-max-terminate 1 \
    maxfail 1 \
    logfile "$E2E_DIR/pppd-gwa.log" \
    pty "$SITE_SSH $remote" "$PPP_A:$PPP_B" \
    >"$E2E_DIR/pppd-gwa.out" 2>&1 &
pppd_a=$!
step "pppd started in gwa (pid $pppd_a)"

link_up()
{
	if pid_exited "$pppd_a"; then
		fail "pppd in gwa exited before the link came up"
	fi
	ns_has_addr gwa "$IF" "$PPP_A" && ns_has_addr gwb "$IF" "$PPP_B"
}
wait_for link_up 20 "$IF with $PPP_A in gwa and $PPP_B in gwb"
t_up=$(uptime_cs)
e2e_report link_up_s "$(uptime_s)"
e2e_report bringup_s "$(cs_to_s $((t_up - t_launch)))"
# The remote pppd and, for notty, its forked pty shunt.
pppd_b=$(ns_pids gwb pppd | tr '\n' ' ')
[ -n "$pppd_b" ] || fail "no pppd in gwb"
step "$IF up at both ends (pppd in gwb: $pppd_b)"

ip -n gwa route add "$SITE_LAN_B" dev "$IF" || fail "route in gwa"
ip -n gwb route add "$SITE_LAN_A" dev "$IF" || fail "route in gwb"
case ${SMOKE_BREAK:-} in
'')
	;;
route)
	ip -n gwb route replace blackhole "$SITE_LAN_A"
	step "SMOKE_BREAK=route: gwb blackholes $SITE_LAN_A"
	;;
asym)
	ip -n gwa route replace "$SITE_LAN_B" via "$SITE_GWB_WAN_IP"
	ip -n gwb route add "$SITE_LAN_A" via "$SITE_GWA_WAN_IP" metric 10
	step "SMOKE_BREAK=asym: gwa sends $SITE_LAN_B over the internet"
	;;
*)
	fail "unknown SMOKE_BREAK=$SMOKE_BREAK"
	;;
esac

tx_a=$(ns_stat gwa "$IF" tx_packets)
rx_a=$(ns_stat gwa "$IF" rx_packets)
ns_ping hosta "$SITE_HOSTB_IP" "$PINGS" ||
    fail "ping $SITE_HOSTA_IP (hosta) -> $SITE_HOSTB_IP (hostb)"
ns_ping hostb "$SITE_HOSTA_IP" "$PINGS" ||
    fail "ping $SITE_HOSTB_IP (hostb) -> $SITE_HOSTA_IP (hosta)"
# Both ways, each echo and each reply crossed the tunnel once.
tx_a=$(($(ns_stat gwa "$IF" tx_packets) - tx_a))
rx_a=$(($(ns_stat gwa "$IF" rx_packets) - rx_a))
step "$IF in gwa: $tx_a packets out, $rx_a in during the pings"
if [ "$tx_a" -lt $((2 * PINGS)) ] || [ "$rx_a" -lt $((2 * PINGS)) ]; then
	fail "the pings did not cross $IF (out $tx_a, in $rx_a," \
	    "want at least $((2 * PINGS)) each)"
fi
e2e_report ping_ok_s "$(uptime_s)"
step "ping across the tunnel both ways"

kill -TERM "$pppd_a"
rc=0
child_wait "$pppd_a" 10 "pppd in gwa" || rc=$?
# pppd exits 5 when it is terminated by a signal.
[ "$rc" = 5 ] || fail "pppd in gwa exited with status $rc, want 5"
wait_for "[ -z \"\$(ns_pids gwb pppd)\" ]" 10 "pppd in gwb to exit"
if ip -n gwa link show "$IF" >/dev/null 2>&1 ||
    ip -n gwb link show "$IF" >/dev/null 2>&1; then
	fail "$IF is still there after both pppds exited"
fi
step "both pppds exited, $IF gone at both ends"
