# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# Scenario (runs in the guest): IPv6 end to end.  Both LANs and the WAN
# between the gateways are dual-stack; gwb's sshd listens on its IPv6
# address too, and the link's only host is [2001:db8:ff::2]: the SSH
# transport is IPv6.  The link routes both families each way
# (remote-net 10.2.0.0/24 2001:db8:2::/64, local-net 10.1.0.0/24
# 2001:db8:1::/64), so both pppds negotiate IPV6CP:
# - the interface has a link-local address and its peer's at both ends,
#   the two ends' mirrored; the v6 routes are in at both ends (ours by rtnetlink, proto 120);
# - ping and ping -6 pass both ways between hosta and hostb, through the
#   tunnel (its counters move);
# - after SIGTERM no v6 route of the link is left at either end.

IF=vpn-office
VPND=$top_builddir/src/vpnd
V6_LAN_A=2001:db8:1::/64
V6_LAN_B=2001:db8:2::/64
V6_HOSTA=2001:db8:1::10
V6_HOSTB=2001:db8:2::10
V6_GWA_WAN=2001:db8:ff::1
V6_GWB_WAN=2001:db8:ff::2
[ -x "$VPND" ] || fail "$VPND is not built"
if [ ! -d /proc/sys/net/ipv6 ]; then
	/run/.e2e/modprobe ipv6 >/dev/null 2>&1 ||
	    skip "no IPv6 in the guest kernel"
fi
site_topology

# The IPv6 half of the two sites (no DAD: the addresses work at once).
v6addr()
{
	ip -n "$1" -6 addr add "$3" dev "$2" nodad || fail "$3 on $2 in $1"
}
for ns in hosta gwa gwb hostb; do
	ip netns exec "$ns" sh -c \
	    'echo 0 >/proc/sys/net/ipv6/conf/all/disable_ipv6' ||
	    fail "IPv6 on in $ns"
done
v6addr hosta eth0 "$V6_HOSTA/64"
v6addr gwa lan0 2001:db8:1::1/64
v6addr gwa wan0 "$V6_GWA_WAN/64"
v6addr gwb wan0 "$V6_GWB_WAN/64"
v6addr gwb lan0 2001:db8:2::1/64
v6addr hostb eth0 "$V6_HOSTB/64"
ip -n hosta -6 route add default via 2001:db8:1::1 || fail "v6 default a"
ip -n hostb -6 route add default via 2001:db8:2::1 || fail "v6 default b"
for ns in gwa gwb; do
	ip netns exec "$ns" sh -c \
	    'echo 1 >/proc/sys/net/ipv6/conf/all/forwarding' ||
	    fail "IPv6 forwarding in $ns"
done
ip netns exec gwa ping -6 -q -c 1 -w 5 "$V6_GWB_WAN" >/dev/null ||
    fail "ping -6 gwa -> gwb over the WAN"
if ip netns exec hosta ping -6 -q -c 1 -w 2 "$V6_HOSTB" >/dev/null 2>&1; then
	fail "hostb answers ping -6 without a tunnel"
fi
step "dual-stack sites"

SITE_SSHD_LISTEN_MORE="[$V6_GWB_WAN]" site_sshd_start
printf '%s %s\n' "$V6_GWB_WAN" \
    "$(cut -d' ' -f1,2 "$E2E_DIR/ssh/host_ed25519.pub")" \
    >>"$SITE_KNOWN_HOSTS" || fail "known_hosts"

conf=$E2E_DIR/vpn.conf
(
	umask 077
	cat >"$conf" <<CONF
link office
	host		[$V6_GWB_WAN]
	user		root
	identity	$SITE_SSH_KEY
	known-hosts	$SITE_KNOWN_HOSTS
	local-ip	$SITE_PPP_A
	remote-ip	$SITE_PPP_B
	remote-net	$SITE_LAN_B $V6_LAN_B
	local-net	$SITE_LAN_A $V6_LAN_A
	remote-command	/usr/sbin/pppd
	remote-ip-command /sbin/ip
	keepalive	2 3
CONF
) || fail "write $conf"
"$VPND" -t -f "$conf" || fail "vpnd -t refuses $conf"
collect_log "$E2E_DIR/vpnd.log"
ip netns exec gwa "$VPND" -d -v -f "$conf" -p "$E2E_DIR/vpnd.pid" \
    >"$E2E_DIR/vpnd.log" 2>&1 &
vpnd=$!

routes6_in()
{
	if pid_exited "$vpnd"; then
		fail "vpnd exited before the link came up"
	fi
	site_routes_in "$IF" &&
	    ip -n gwa -6 route show "$V6_LAN_B" | grep -q "dev $IF" &&
	    ip -n gwb -6 route show "$V6_LAN_A" | grep -q "dev $IF"
}
wait_for routes6_in 40 "v4 and v6 routes at both ends"
grep -q "link office: authenticated to $V6_GWB_WAN:22" "$E2E_DIR/vpnd.log" ||
    fail "the session did not go to [$V6_GWB_WAN]:22"
ip -n gwa -6 route show proto 120 | grep -q "^$V6_LAN_B dev $IF" ||
    fail "the v6 route in gwa is not vpnd's (proto 120)"
step "link up over IPv6 transport; v6 routes at both ends"
ip -n gwa -6 route
ip -n gwb -6 route

# IPV6CP: "inet6 OURS peer THEIRS/128 scope link", mirrored at gwb.
ll()
{
	ip -n "$1" -6 -o addr show dev "$IF" scope link 2>/dev/null |
	    sed -n 's|.* inet6 \(fe80:[0-9a-f:]*\) peer \(fe80:[0-9a-f:]*\)/128 .*|\1 \2|p'
}
wait_for "[ -n \"\$(ll gwa)\" ] && [ -n \"\$(ll gwb)\" ]" 10 \
    "IPV6CP link-local addresses at both ends"
lla=$(ll gwa)
[ "$(ll gwb)" = "${lla#* } ${lla% *}" ] ||
    fail "link-local addresses do not mirror: gwa $lla, gwb $(ll gwb)"
step "IPV6CP up at both ends: ${lla% *} <-> ${lla#* }"

tx=$(ns_stat gwa "$IF" tx_packets)
ns_ping hosta "$SITE_HOSTB_IP" 3 || fail "ping hosta -> hostb"
ns_ping hostb "$SITE_HOSTA_IP" 3 || fail "ping hostb -> hosta"
ip netns exec hosta ping -6 -q -n -c 3 -i 0.2 -w 5 "$V6_HOSTB" >/dev/null ||
    fail "ping -6 hosta -> hostb"
ip netns exec hostb ping -6 -q -n -c 3 -i 0.2 -w 5 "$V6_HOSTA" >/dev/null ||
    fail "ping -6 hostb -> hosta"
tx=$(($(ns_stat gwa "$IF" tx_packets) - tx))
[ "$tx" -ge 12 ] || fail "the pings did not cross $IF ($tx packets out)"
step "ping and ping -6 both ways through the tunnel ($tx packets out)"

kill -TERM "$vpnd"
rc=0
child_wait "$vpnd" 10 "vpnd" || rc=$?
[ "$rc" = 0 ] || fail "vpnd exited with status $rc after SIGTERM, want 0"
wait_for "[ -z \"\$(ns_pids gwb pppd)\" ]" 5 "pppd in gwb to exit"
[ -z "$(ip -n gwa -6 route show proto 120)" ] ||
    fail "vpnd's v6 routes left in gwa: $(ip -n gwa -6 route show proto 120)"
for r in "$V6_LAN_B" "$V6_GWB_WAN"; do
	if ip -n gwa -6 route show "$r" | grep -q "dev $IF\|proto 120"; then
		fail "route to $r left in gwa"
	fi
done
if ip -n gwb -6 route show "$V6_LAN_A" | grep -q .; then
	fail "route to $V6_LAN_A left in gwb"
fi
if ip -n gwb -6 route | grep -q "$IF"; then
	fail "v6 routes on $IF left in gwb: $(ip -n gwb -6 route)"
fi
[ -z "$(ip -n gwa route show proto 120)" ] || fail "v4 routes left in gwa"
step "SIGTERM: no v6 (nor v4) route of the link left at either end"
