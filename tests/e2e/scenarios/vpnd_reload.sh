# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# Scenario (runs in the guest): reload semantics of vpnd (SIGHUP).
# - unchanged settings (only comments and layout differ): the link stays
#   up, no state change, and a ping running across the reload loses
#   nothing;
# - a broken config: refused with its FILE:LINE errors, the link stays;
# - a changed link restarts (down and up again, one interface);
# - a removed link goes down, with its routes gone at both ends.

IF=vpn-office
VPND=$top_builddir/src/vpnd
[ -x "$VPND" ] || fail "$VPND is not built"
site_topology
site_sshd_start
conf=$E2E_DIR/vpn.conf
log=$E2E_DIR/vpnd.log

write_conf()	# KEEPALIVE [EXTRA LINE]
{
	(
		umask 077
		cat >"$conf.new" <<CONF
# written at $(uptime_s)
link office
	host		$SITE_GWB_WAN_IP
	user		root
	identity	$SITE_SSH_KEY
	known-hosts	$SITE_KNOWN_HOSTS
	local-ip	10.9.0.1
	remote-ip	10.9.0.2
	remote-net	$SITE_LAN_B
	local-net	$SITE_LAN_A
	remote-command	/usr/sbin/pppd
	remote-ip-command /sbin/ip
	keepalive	$1
	backoff		1 4
${2:-}
CONF
		mv "$conf.new" "$conf"
	) || fail "write $conf"
}

up()
{
	ip -n gwa route show "$SITE_LAN_B" | grep -q "dev $IF" &&
	    ip -n gwb route show "$SITE_LAN_A" | grep -q "dev $IF"
}

transitions()
{
	grep -c "link office: .* -> " "$log" || true
}

write_conf "2 3"
collect_log "$log"
ip netns exec gwa "$VPND" -d -f "$conf" -p "$E2E_DIR/vpnd.pid" \
    >"$log" 2>&1 &
vpnd=$!
wait_for up 30 "the link up"
step "link up"

# 1. Same settings: nothing moves, no packet lost.
n0=$(transitions)
ip netns exec hosta ping -n -q -i 0.1 -c 40 "$SITE_HOSTB_IP" \
    >"$E2E_DIR/ping.out" 2>&1 &
ping=$!
sleep 1
write_conf "2 3" "# the same settings, another comment"
kill -HUP "$vpnd"
wait_for "grep -q '1 link unchanged' '$log'" 5 "the reload to be logged"
rc=0
child_wait "$ping" 20 "ping across the reload" || rc=$?
cat "$E2E_DIR/ping.out"
[ "$rc" = 0 ] || fail "ping across the reload: exit status $rc"
grep -q " 0% packet loss" "$E2E_DIR/ping.out" ||
    fail "packets lost across a reload that changed nothing"
[ "$(transitions)" = "$n0" ] || fail "the unchanged link changed state"
step "unchanged reload: link untouched, 40 pings, 0% loss"

# 2. A broken config is refused; the running one stays.
write_conf "2 3" "	remote-net 10.2.0.0/33"
kill -HUP "$vpnd"
wait_for "grep -q 'reload of $conf refused' '$log'" 5 "the refusal"
grep -q "$conf:15: remote-net: 10.2.0.0/33 is not a prefix" "$log" ||
    fail "the refusal does not name the line and the problem"
ns_ping hosta "$SITE_HOSTB_IP" || fail "ping after a refused reload"
[ "$(transitions)" = "$n0" ] || fail "a refused reload moved the link"
step "broken config refused with FILE:LINE, link untouched"

# 3. Changed settings: the link restarts.
write_conf "3 3"
kill -HUP "$vpnd"
wait_for "grep -q 'settings changed, restarting' '$log'" 5 "the restart"
wait_for "grep -q 'link office: routes -> up' '$log' &&
    [ \$(grep -c 'link office: routes -> up' '$log') -ge 2 ]" 30 \
    "the changed link to come up again"
wait_for up 10 "routes after the restart"
ns_ping hosta "$SITE_HOSTB_IP" || fail "ping after the restart"
[ "$(ip -n gwa -o link show type ppp | wc -l)" = 1 ] ||
    fail "not exactly one ppp interface in gwa"
[ "$(ip -n gwb -o link show type ppp | wc -l)" = 1 ] ||
    fail "not exactly one ppp interface in gwb"
step "changed link restarted, one interface at each end"

# 4. Removed: down at both ends.
(
	umask 077
	echo "# no links any more" >"$conf"
) || fail "write $conf"
kill -HUP "$vpnd"
wait_for "grep -q 'removed from the configuration' '$log'" 5 "the removal"
wait_for "! ip -n gwa link show $IF >/dev/null 2>&1 &&
    ! ip -n gwb link show $IF >/dev/null 2>&1" 10 "$IF to go at both ends"
[ -z "$(ip -n gwa route show proto 120)" ] || fail "routes left in gwa"
if ip -n gwb route show "$SITE_LAN_A" | grep -q .; then
	fail "route to $SITE_LAN_A left in gwb"
fi
pid_exited "$vpnd" && fail "vpnd exited"
step "removed link down at both ends, vpnd still running"

kill -TERM "$vpnd"
rc=0
child_wait "$vpnd" 10 "vpnd" || rc=$?
[ "$rc" = 0 ] || fail "vpnd exited with status $rc"
