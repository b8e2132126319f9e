# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# Scenario (runs in the guest), issue 12: the link logs in to gwb as the
# unprivileged user vpn and runs everything as root through the real
# sudo, with exactly the sudoers lines `vpnctl setup` prints (checked by
# visudo, installed as gwb's only rules).  vpnctl doctor's far-end
# checks pass against them.  A stale pppd of the link (root's, holding
# the interface name) is ended by channel 1's pkill through sudo before
# the new pppd starts; the link comes up with the default remote-command
# and remote-ip-command (sudo -n), the LANs ping both ways.  With the key,
# vpn running anything else through sudo (pppd with other options, kill,
# pkill of another pid file, another route) is refused by sudo.
# SIGTERM: vpnd exits 0, the routes at gwb are removed through sudo, and
# nothing is left at either end.

IF=vpn-office
PPP_A=10.9.0.1
PPP_B=10.9.0.2
# shellcheck disable=SC2154 # set by the guest (tests/e2e/guest-lib.sh)
B=$top_builddir
VPND=$B/src/vpnd
VPNCTL=$B/src/vpnctl
PIDFILE=/run/ppp-$IF.pid
VPN_UID=4242

for prog in "$VPND" "$VPNCTL"; do
	[ -x "$prog" ] || fail "$prog is not built"
done
for prog in /usr/bin/sudo /usr/sbin/visudo /usr/bin/pkill; do
	[ -x "$prog" ] || skip "$prog not found (install sudo and procps)"
done
# The account vpn, in private copies of the account files bound over
# /etc's (the host's / is read-only here), and gwb's sudoers, root's rule
# only until setup's lines are added.  Before any daemon starts: `ip netns
# exec` gives each its own copy of the mount table.
grep -q "^vpn:" /etc/passwd && fail "the host already has a user vpn"
mkdir -p "$E2E_DIR/vpnhome" || fail "mkdir vpnhome"
chown "$VPN_UID:$VPN_UID" "$E2E_DIR/vpnhome" || fail "chown vpnhome"
for f in passwd group shadow hosts; do
	cp "/etc/$f" "$E2E_DIR/etc-$f" || fail "copy /etc/$f"
done
echo "vpn:x:$VPN_UID:$VPN_UID:pppssh e2e:$E2E_DIR/vpnhome:/bin/sh" \
    >>"$E2E_DIR/etc-passwd" || fail "add vpn to passwd"
echo "vpn:x:$VPN_UID:" >>"$E2E_DIR/etc-group" || fail "add vpn to group"
echo "vpn:*:19000:0:99999:7:::" >>"$E2E_DIR/etc-shadow" ||
    fail "add vpn to shadow"
chmod 640 "$E2E_DIR/etc-shadow" || fail "chmod shadow"
# As on a Debian host, the host name resolves (sudo warns otherwise).
printf '127.0.1.1\t%s\n' "$(hostname)" >>"$E2E_DIR/etc-hosts" ||
    fail "add the host name to hosts"
for f in passwd group shadow hosts; do
	mount --bind "$E2E_DIR/etc-$f" "/etc/$f" || fail "bind /etc/$f"
done
[ "$(id -u vpn)" = "$VPN_UID" ] || fail "no user vpn after the binds"
printf 'Defaults env_reset\nroot ALL=(ALL:ALL) ALL\n' \
    >"$E2E_DIR/sudoers" || fail "write sudoers"
chmod 440 "$E2E_DIR/sudoers" || fail "chmod sudoers"
mount --bind "$E2E_DIR/sudoers" /etc/sudoers || fail "bind /etc/sudoers"
step "user vpn ($VPN_UID) in the guest; sudoers without a rule for it"

site_topology
site_sshd_start
# sshd reads authorized_keys as the user: let vpn reach it.
chmod 711 "$E2E_DIR" "$E2E_DIR/ssh" || fail "chmod $E2E_DIR/ssh"
chmod 644 "$E2E_DIR/ssh/authorized_keys" || fail "chmod authorized_keys"
step "sites up, sshd in gwb"

# vpn_ssh COMMAND: run COMMAND on gwb as vpn with the link's key, from
# gwa; stdout in $E2E_DIR/out, stderr in $E2E_DIR/err, status in $rc.
vpn_ssh()
{
	rc=0
	# shellcheck disable=SC2086 # SITE_SSH is a word list
	ip netns exec gwa ${SITE_SSH% *} "vpn@$SITE_GWB_WAN_IP" "$1" \
	    </dev/null >"$E2E_DIR/out" 2>"$E2E_DIR/err" || rc=$?
}

vpn_ssh "id -un"
[ "$rc" = 0 ] || fail "ssh as vpn: exit $rc: $(cat "$E2E_DIR/err")"
[ "$(cat "$E2E_DIR/out")" = vpn ] || fail "ssh as vpn: $(cat "$E2E_DIR/out")"
vpn_ssh "sudo -n /usr/bin/id -u"
[ "$rc" = 1 ] || fail "sudo without a rule: exit $rc, want 1"
step "vpn logs in to gwb by key; sudo refuses it everything"

# The link, with the default sudo -n prefixes at the far end.
conf=$E2E_DIR/vpn.conf
(
	umask 077
	cat >"$conf" <<EOF
link office
	host		$SITE_GWB_WAN_IP
	user		vpn
	identity	$SITE_SSH_KEY
	known-hosts	$SITE_KNOWN_HOSTS
	local-ip	$PPP_A
	remote-ip	$PPP_B
	remote-net	$SITE_LAN_B
	local-net	$SITE_LAN_A
	keepalive	2 3
EOF
) || fail "write $conf"
"$VPND" -t -f "$conf" || fail "vpnd -t refuses $conf"

ip netns exec gwa "$VPNCTL" setup -f "$conf" office >"$E2E_DIR/setup" \
    2>&1 || fail "vpnctl setup: $(cat "$E2E_DIR/setup")"
collect_log "$E2E_DIR/setup"
sed -n '/^Defaults:vpn /,/^(these lines/p' "$E2E_DIR/setup" | sed '$d' \
    >"$E2E_DIR/rules" || fail "cut the sudoers lines"
grep -q '^vpn ALL=(root) NOPASSWD: /usr/sbin/pppd ' "$E2E_DIR/rules" ||
    fail "no pppd rule in setup's output: $(cat "$E2E_DIR/setup")"
if grep -q '[*?[]' "$E2E_DIR/rules"; then
	fail "a wildcard in setup's sudoers lines: $(cat "$E2E_DIR/rules")"
fi
cat "$E2E_DIR/rules"
chmod 640 "$E2E_DIR/sudoers" || fail "chmod sudoers"
cat "$E2E_DIR/rules" >>"$E2E_DIR/sudoers" || fail "add the rules"
chmod 440 "$E2E_DIR/sudoers" || fail "chmod sudoers"
visudo -c -f "$E2E_DIR/sudoers" || fail "visudo refuses setup's lines"
step "setup's sudoers lines installed on gwb (visudo: parsed OK)"

ip netns exec gwa "$VPNCTL" doctor -f "$conf" office >"$E2E_DIR/doctor" \
    2>&1 || true
collect_log "$E2E_DIR/doctor"
grep "far end" "$E2E_DIR/doctor"
if grep "far end" "$E2E_DIR/doctor" | grep -v '^OK '; then
	fail "doctor's far-end checks do not all pass"
fi
for what in "run pppd with this link's options" \
    "add and remove the routes of the 1 local-net(s)" \
    "end a stale pppd with \"/usr/bin/pkill -TERM -F $PIDFILE -x pppd\""; do
	grep -qF "OK    link office: far end: sudo lets vpn $what" \
	    "$E2E_DIR/doctor" || fail "doctor: no OK for: $what"
done
step "vpnctl doctor: sudo at the far end lets vpn run exactly vpnd's commands"

# A stale pppd of the link, as a session that died would leave it: root's,
# with vpnd's options, named by the pid file, holding the interface name;
# it keeps asking for LCP (lcp-max-configure) until vpnd's channel 1 comes,
# however slow the guest (its default gives up after 10 s).
rm -f "$PIDFILE"
sleep 60 | ip netns exec gwb /usr/sbin/pppd nodetach notty noauth local \
    nolock nocrtscts nodefaultroute logfd 2 ifname "$IF" "$PPP_B:$PPP_A" \
    lcp-echo-interval 1 lcp-echo-failure 30 lcp-restart 1 \
    lcp-max-configure 60 lcp-max-terminate 1 noccp linkname "$IF" \
    >/dev/null 2>"$E2E_DIR/stale.err" &
collect_log "$E2E_DIR/stale.err"
wait_for "[ -s $PIDFILE ]" 10 "the stale pppd's pid file"
stale=$(head -n 1 "$PIDFILE")
[ "$(cat "/proc/$stale/comm")" = pppd ] ||
    fail "$PIDFILE names $stale, not a pppd"

collect_log "$E2E_DIR/vpnd.log"
ip netns exec gwa "$VPND" -d -v -f "$conf" -p "$E2E_DIR/vpnd.pid" \
    >"$E2E_DIR/vpnd.log" 2>&1 &
vpnd=$!
step "stale pppd $stale in gwb; vpnd started in gwa (pid $vpnd)"

routes_in()
{
	if pid_exited "$vpnd"; then
		fail "vpnd exited before the link came up"
	fi
	site_routes_in "$IF"
}
wait_for routes_in 30 "routes to $SITE_LAN_B in gwa and $SITE_LAN_A in gwb"
grep -qF "link office: remote: ended a stale pppd ($PIDFILE)" \
    "$E2E_DIR/vpnd.log" || fail "channel 1 did not end the stale pppd"
pid_exited "$stale" || fail "stale pppd $stale still runs"
grep -q "link office: routes -> up" "$E2E_DIR/vpnd.log" ||
    fail "vpnd did not log the link up"
if grep -q "sudo:" "$E2E_DIR/vpnd.log"; then
	fail "sudo complained: $(grep "sudo:" "$E2E_DIR/vpnd.log")"
fi
ns_has_addr gwb "$IF" "$PPP_B" || fail "$IF in gwb lacks $PPP_B"
# gwb's pppd (and its notty child) runs as root, under vpn's session,
# through sudo.
ppp=$(ns_pids gwb pppd)
[ -n "$ppp" ] || fail "no pppd in gwb"
for p in $ppp; do
	[ "$(stat -c %u "/proc/$p")" = 0 ] || fail "gwb's pppd $p is not root's"
done
sessions=$(ns_pids gwb sshd | grep -vx "$SITE_SSHD_PID" || true)
owners=$(for p in $sessions; do stat -c %U "/proc/$p"; done | sort -u)
echo "$owners" | grep -qx vpn || fail "no sshd session of vpn: $owners"
step "link up as vpn through sudo (stale $stale ended first)"
grep -e "link office: remote: ended" -e " -> " "$E2E_DIR/vpnd.log"

ns_ping hosta "$SITE_HOSTB_IP" 3 || fail "ping hosta -> hostb"
ns_ping hostb "$SITE_HOSTA_IP" 3 || fail "ping hostb -> hosta"
step "ping across the tunnel both ways"

# refused COMMAND: vpn with the key may not run COMMAND through sudo.
refused()
{
	vpn_ssh "sudo -n $1"
	[ "$rc" = 1 ] || fail "sudo -n $1: exit $rc, want 1"
	grep -q "sudo: a password is required" "$E2E_DIR/err" ||
	    fail "sudo -n $1: $(cat "$E2E_DIR/err")"
}
refused "/usr/sbin/pppd plugin /tmp/x.so"
refused "/usr/sbin/pppd nodetach notty noauth"
refused "/bin/kill -TERM 1"
refused "/usr/bin/pkill -TERM -F /run/ppp-other.pid -x pppd"
refused "/usr/bin/pkill -TERM -F $PIDFILE -x sshd"
refused "/usr/bin/pkill -KILL -F $PIDFILE -x pppd"
refused "/usr/bin/pkill -TERM sshd"
refused "/sbin/ip route replace 0.0.0.0/0 dev $IF"
refused "/sbin/ip link del $IF"
refused "/bin/sh -c id"
vpn_ssh "sudo -n -l /usr/bin/pkill -TERM -F $PIDFILE -x pppd"
[ "$rc" = 0 ] || fail "sudo -l: the pkill rule is missing: $(cat "$E2E_DIR/err")"
ip -n gwb link show "$IF" >/dev/null 2>&1 || fail "$IF in gwb is gone"
ns_ping hosta "$SITE_HOSTB_IP" 1 || fail "ping after the refusals"
step "sudo refuses vpn anything outside the rules; link still up"

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
if ip -n gwb route show "$SITE_LAN_A" | grep -q .; then
	fail "route to $SITE_LAN_A left in gwb"
fi
if grep -q "removing remote routes" "$E2E_DIR/vpnd.log"; then
	fail "removing the routes at gwb failed: $(grep "removing remote" \
	    "$E2E_DIR/vpnd.log")"
fi
step "nothing left: no pppd, no session, no $IF, no route"
