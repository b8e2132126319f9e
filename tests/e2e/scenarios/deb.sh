# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# Scenario (runs in the guest): the Debian package E2E_DEB (checked on
# the host by tests/e2e/deb.sh), unpacked with dpkg-deb -x into the
# guest's tmpfs, runs a real link.  The host's / is read-only here, so
# nothing is installed in place: the package's init script runs from the
# unpacked tree with a defaults file (the package's own, plus DAEMON and
# CONFIG pointing into the tree and at this test's vpn.conf); everything
# else keeps the package's compiled-in paths: the pid file
# /run/vpnd.pid, the control socket /run/vpnd.sock, the control group
# vpn, which postinst would make and which exists here.  The init script
# runs under the package unit's capability bounding set and
# no-new-privileges; the link comes up (routes at both ends, ping
# across); the socket is vpn's and nobody, a member, runs the package's
# vpnctl (no -s); the cron file's watchdog command is silent while all is
# well and after the stop; the stop takes everything down.

: "${top_builddir:?}" "${E2E_DIR:?}"
IF=vpn-office
SINK=$top_builddir/tests/integration/syslog-sink

[ -n "${E2E_DEB:-}" ] || fail "E2E_DEB not set (run tests/e2e/deb.sh)"
[ -x "$SINK" ] || fail "$SINK is not built"
root=$E2E_DIR/root
dpkg-deb -x "$E2E_DEB" "$root" || fail "dpkg-deb -x $E2E_DEB"
init=$root/etc/init.d/vpn
unit=$root/lib/systemd/system/vpn.service
vpnctl=$root/usr/bin/vpnctl
for f in "$init" "$root/usr/sbin/vpnd" "$vpnctl" \
    "$root/usr/libexec/pppssh/vpnctl-gateway"; do
	[ -x "$f" ] || fail "$f: not in the package, or not executable"
done
step "unpacked $(basename "$E2E_DEB") into $root"

"$SINK" /dev/log "$E2E_DIR/syslog.log" </dev/null >"$E2E_DIR/sink.log" 2>&1 &
collect_log "$E2E_DIR/syslog.log"
collect_log "$E2E_DIR/sink.log"
wait_for "[ -S /dev/log ]" 5 "syslog-sink on /dev/log"

site_topology
site_sshd_start
control_group vpn nobody
step "sites up, sshd in gwb, control group: $(getent group vpn)"

# The package's defaults: no control-socket, no control-group.
conf=$E2E_DIR/vpn.conf
site_vpn_conf "$conf" "keepalive 2 3"
VPN_DEFAULTS=$E2E_DIR/defaults
export VPN_DEFAULTS
{
	cat "$root/etc/default/vpn"
	printf 'DAEMON=%s\nCONFIG=%s\nDAEMON_OPTS=-v\n' "$root/usr/sbin/vpnd" \
	    "$conf"
} >"$VPN_DEFAULTS" || fail "write $VPN_DEFAULTS"
collect_log "$E2E_DIR/out"

# run CMD...: in gwa; status in $rc, output in $E2E_DIR/out (shown).
run()
{
	rc=0
	ip netns exec gwa "$@" >"$E2E_DIR/out" 2>&1 || rc=$?
	sed 's/^/	| /' "$E2E_DIR/out"
}

# The cron file's command, from the unpacked tree, on this test's config.
cron_cmd=$(sed -n 's/^[^#].*[[:space:]]root[[:space:]]*\(\/.*\)$/\1/p' \
    "$root/etc/cron.d/vpn")
[ "$cron_cmd" = "/usr/bin/vpnctl watchdog" ] ||
    fail "the cron file runs '$cron_cmd', want /usr/bin/vpnctl watchdog"
watchdog()
{
	run "$root${cron_cmd% watchdog}" watchdog -f "$conf" --init "$init"
}

bset=$(unit_bounding_set "$unit") || fail "no CapabilityBoundingSet= in $unit"
grep -q '^NoNewPrivileges=yes$' "$unit" || fail "no NoNewPrivileges=yes in $unit"
step "as the package's unit: setpriv --no-new-privs --bounding-set=$bset"

watchdog
{ [ "$rc" = 0 ] && [ ! -s "$E2E_DIR/out" ]; } ||
    fail "watchdog before any start: status $rc or output, want 0 and silence"
run setpriv --no-new-privs --bounding-set="$bset" "$init" start
[ "$rc" = 0 ] || fail "start: status $rc, want 0"
[ -s /run/vpnd.pid ] || fail "no /run/vpnd.pid after start"
pid=$(cat /run/vpnd.pid)
pid_exited "$pid" && fail "vpnd $pid from /run/vpnd.pid does not run"
grep -q '^NoNewPrivs:[[:space:]]*1$' "/proc/$pid/status" ||
    fail "vpnd runs without no-new-privileges"
step "started: vpnd $pid"

wait_for "site_routes_in $IF" 30 "routes to $SITE_LAN_B in gwa and $SITE_LAN_A in gwb"
ns_ping hosta "$SITE_HOSTB_IP" 3 || fail "ping hosta -> hostb"
ns_ping hostb "$SITE_HOSTA_IP" 3 || fail "ping hostb -> hosta"
step "link up, routes at both ends, ping across both ways"

[ "$(stat -c '%G %a' /run/vpnd.sock)" = "vpn 660" ] ||
    fail "/run/vpnd.sock is $(stat -c '%G %a' /run/vpnd.sock), want vpn 660"
run setpriv --reuid=nobody --regid=nogroup --init-groups "$vpnctl" status
[ "$rc" = 0 ] || fail "vpnctl status as nobody (group vpn): status $rc"
grep -q 'office.*up' "$E2E_DIR/out" ||
    fail "vpnctl status as nobody does not show office up"
run setpriv --reuid=nobody --regid=nogroup --clear-groups "$vpnctl" status
[ "$rc" = 1 ] || fail "vpnctl status as nobody without group vpn: $rc, want 1"
step "vpnctl on /run/vpnd.sock: group vpn may, others may not"

watchdog
{ [ "$rc" = 0 ] && [ ! -s "$E2E_DIR/out" ]; } ||
    fail "watchdog with all well: status $rc or output, want 0 and silence"

run "$init" stop
[ "$rc" = 0 ] || fail "stop: status $rc, want 0"
pid_exited "$pid" || fail "vpnd $pid still runs after stop returned"
[ ! -e /run/vpnd.pid ] || fail "/run/vpnd.pid left after stop"
[ ! -e /run/vpnd.sock ] || fail "/run/vpnd.sock left after stop"
[ -z "$(ns_pids gwa pppd)" ] || fail "pppd left in gwa"
wait_for "[ -z \"\$(ns_pids gwb pppd)\" ]" 5 "pppd in gwb to exit"
[ -z "$(ip -n gwa route show proto 120)" ] || fail "vpnd routes left in gwa"
watchdog
{ [ "$rc" = 0 ] && [ ! -s "$E2E_DIR/out" ]; } ||
    fail "watchdog after stop: status $rc or output, want 0 and silence"
[ ! -e /run/vpnd.pid ] || fail "the watchdog started vpnd after the stop"
step "stopped; the watchdog leaves it stopped"
