# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# Scenario (runs in the guest): the init script installed by
# `make install DESTDIR=$E2E_DESTDIR` (made on the host by
# tests/e2e/initscript.sh) starts vpnd in gwa with a real link to gwb.
# start returns while vpnd runs; the link comes up (routes at both ends,
# hosts on the two LANs ping each other); status 0; stop returns once vpnd
# is gone, and the link is gone at both ends (no pppd, no sshd session, no
# interface, no route); status 3.  Then once more with the systemd unit's
# CapabilityBoundingSet and NoNewPrivileges applied to the init script
# with setpriv(1), parsed from the unit file: pppd (setuid root on
# Debian) and vpnd's netlink must work inside them, and with the control
# group existing vpnd must give its socket to it (CAP_CHOWN), so that a
# member of the group who is not root runs vpnctl.  Last, the cron
# watchdog: vpnd killed is started again through the init script; after
# a stop it does nothing.  vpnd's system log goes to syslog-sink on the
# guest's /dev/log.

: "${top_builddir:?}" "${E2E_DIR:?}"
IF=vpn-office
PPP_A=10.9.0.1
PPP_B=10.9.0.2
SINK=$top_builddir/tests/integration/syslog-sink

[ -n "${E2E_DESTDIR:-}" ] || fail "E2E_DESTDIR not set (run tests/e2e/initscript.sh)"
[ -x "$SINK" ] || fail "$SINK is not built"
init=$(find "$E2E_DESTDIR" -type f -path '*/init.d/vpn')
if [ -z "$init" ] || [ ! -x "$init" ]; then
	fail "no executable init.d/vpn in $E2E_DESTDIR"
fi
unit=$(find "$E2E_DESTDIR" -type f -name vpn.service)
[ -n "$unit" ] || fail "no vpn.service in $E2E_DESTDIR"
daemon=$E2E_DESTDIR$(sed -n 's/^DAEMON=//p' "$init")
[ -x "$daemon" ] || fail "the init script's vpnd is not installed: $daemon"
# shellcheck disable=SC2016 # a literal ${ in the script
defaults_installed=$E2E_DESTDIR$(sed -n \
    's/^vpn_defaults=\${VPN_DEFAULTS:-\(.*\)}$/\1/p' "$init")
[ -f "$defaults_installed" ] ||
    fail "the init script's defaults file is not installed: $defaults_installed"
step "installed: $init, $daemon"

"$SINK" /dev/log "$E2E_DIR/syslog.log" </dev/null >"$E2E_DIR/sink.log" 2>&1 &
collect_log "$E2E_DIR/syslog.log"
collect_log "$E2E_DIR/sink.log"
wait_for "[ -S /dev/log ]" 5 "syslog-sink on /dev/log"

site_topology
site_sshd_start
step "sites up, sshd in gwb"

conf=$E2E_DIR/vpn.conf
sock=$E2E_DIR/vpnd.sock
# shellcheck disable=SC2034 # read by site_vpn_conf
SITE_VPN_GLOBAL="control-socket $sock"
site_vpn_conf "$conf" "keepalive 2 3"
# The vpnctl the cron file runs (in bin/, for the members of group vpn).
cron=$(find "$E2E_DESTDIR" -type f -path '*/etc/cron.d/vpn' \
    ! -path '*/examples/*')
[ -n "$cron" ] || fail "no etc/cron.d/vpn in $E2E_DESTDIR"
vpnctl=$E2E_DESTDIR$(sed -n 's|^.*[[:space:]]root[[:space:]]*\(/[^ ]*/vpnctl\) watchdog$|\1|p' \
    "$cron")
[ -x "$vpnctl" ] || fail "the cron file's vpnctl is not installed: $vpnctl"
case $vpnctl in
*/bin/vpnctl) ;;
*) fail "vpnctl is not installed in bin/: $vpnctl" ;;
esac

pidfile=$E2E_DIR/run/vpnd.pid
VPN_DEFAULTS=$E2E_DIR/defaults
export VPN_DEFAULTS
{
	cat "$defaults_installed"
	printf 'DAEMON=%s\nCONFIG=%s\nPIDFILE=%s\n' "$daemon" "$conf" \
	    "$pidfile"
	printf 'DAEMON_OPTS=-v\nSTOP_TIMEOUT=20\n'
} >"$VPN_DEFAULTS" || fail "write $VPN_DEFAULTS"
collect_log "$E2E_DIR/vpn.out"

# vpn [PREFIX...] ACTION: the installed script in gwa, under PREFIX (a
# command such as setpriv and its options); status in $rc.
vpn()
{
	rc=0
	ip netns exec gwa "$@" >"$E2E_DIR/vpn.out" 2>&1 || rc=$?
	sed 's/^/	| /' "$E2E_DIR/vpn.out"
}

routes_in()
{
	ip -n gwa route show "$SITE_LAN_B" | grep -q "dev $IF" &&
	    ip -n gwb route show "$SITE_LAN_A" | grep -q "dev $IF"
}

# one_round LABEL [PREFIX...]: start, link up, ping, status, stop, all
# gone, status 3.
one_round()
{
	label=$1
	shift

	t0=$(uptime_cs)
	vpn "$@" "$init" start
	t_start=$(($(uptime_cs) - t0))
	[ "$rc" = 0 ] || fail "$label: start: status $rc, want 0"
	[ -s "$pidfile" ] || fail "$label: no pid file after start"
	pid=$(cat "$pidfile")
	pid_exited "$pid" && fail "$label: vpnd $pid from the pid file does not run"
	step "$label: start returned 0 after $(cs_to_s "$t_start") s, vpnd pid $pid"
	e2e_report "${label}_start_s" "$(cs_to_s "$t_start")"
	# The init script must not wait for the link: start has to be
	# well under the time a link takes (about 1 s here, 30 s bound).
	pace_within "$t_start" 299 || fail "$label: start took" \
	    "$(cs_to_s "$t_start") s, want under $(pace_desc 300)"

	wait_for routes_in 30 "$label: routes to $SITE_LAN_B in gwa and $SITE_LAN_A in gwb"
	e2e_report "${label}_bringup_s" "$(cs_to_s $(($(uptime_cs) - t0)))"
	ns_has_addr gwa "$IF" "$PPP_A" || fail "$label: $IF in gwa lacks $PPP_A"
	ns_has_addr gwb "$IF" "$PPP_B" || fail "$label: $IF in gwb lacks $PPP_B"
	ns_ping hosta "$SITE_HOSTB_IP" 3 || fail "$label: ping hosta -> hostb"
	ns_ping hostb "$SITE_HOSTA_IP" 3 || fail "$label: ping hostb -> hosta"
	grep -q "vpnd\[$pid\]: link office: routes -> up" "$E2E_DIR/syslog.log" ||
	    fail "$label: vpnd did not log the link up"
	step "$label: link up, routes at both ends, ping across both ways"

	vpn "$init" status
	[ "$rc" = 0 ] || fail "$label: status: $rc, want 0"

	vpn "$init" stop
	[ "$rc" = 0 ] || fail "$label: stop: status $rc, want 0"
	# stop waited: vpnd is gone now, not later.
	pid_exited "$pid" || fail "$label: vpnd $pid still runs after stop returned"
	[ ! -e "$pidfile" ] || fail "$label: pid file left after stop"
	grep -q 'killing it' "$E2E_DIR/vpn.out" &&
	    fail "$label: stop had to kill vpnd"
	grep -q "vpnd\[$pid\]: exiting" "$E2E_DIR/syslog.log" ||
	    fail "$label: vpnd did not log a clean exit"
	[ -z "$(ns_pids gwa pppd)" ] || fail "$label: pppd left in gwa"
	wait_for "[ -z \"\$(ns_pids gwb pppd)\" ]" 5 "$label: pppd in gwb to exit"
	sessions=$(ns_pids gwb sshd | grep -vx "$SITE_SSHD_PID" || true)
	[ -z "$sessions" ] || fail "$label: sshd sessions left in gwb: $sessions"
	for ns in gwa gwb; do
		if ip -n "$ns" link show "$IF" >/dev/null 2>&1; then
			fail "$label: $IF left in $ns"
		fi
	done
	[ -z "$(ip -n gwa route show proto 120)" ] ||
	    fail "$label: vpnd routes left in gwa"
	if ip -n gwb route show "$SITE_LAN_A" | grep -q .; then
		fail "$label: route to $SITE_LAN_A left in gwb"
	fi
	step "$label: stopped; nothing left at either end"

	vpn "$init" status
	[ "$rc" = 3 ] || fail "$label: status after stop: $rc, want 3"
}

# The control group exists, with nobody in it, as the manual tells an
# admin to make it: vpnd must give its socket to that group, also under
# the unit's capabilities.
control_group vpn nobody
step "control group: $(getent group vpn)"

vpn "$init" status
[ "$rc" = 3 ] || fail "status before start: $rc, want 3"
one_round plain

# The unit's capabilities, as setpriv wants them: -all,+net_admin,...
command -v setpriv >/dev/null 2>&1 || fail "setpriv not found (util-linux)"
bset=$(unit_bounding_set "$unit") ||
    fail "no CapabilityBoundingSet= in $unit"
grep -q '^NoNewPrivileges=yes$' "$unit" || fail "no NoNewPrivileges=yes in $unit"
step "as the unit: setpriv --no-new-privs --bounding-set=$bset"
# Check that the limits reach vpnd, while it runs.
vpn setpriv --no-new-privs --bounding-set="$bset" "$init" start
[ "$rc" = 0 ] || fail "hardened: start: status $rc, want 0"
pid=$(cat "$pidfile")
grep -q '^NoNewPrivs:[[:space:]]*1$' "/proc/$pid/status" ||
    fail "hardened: vpnd runs without no-new-privileges"
capbnd=$(sed -n 's/^CapBnd:[[:space:]]*//p' "/proc/$pid/status")
want=$(setpriv --no-new-privs --bounding-set="$bset" \
    sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)
[ "$capbnd" = "$want" ] ||
    fail "hardened: vpnd's bounding set is $capbnd, want $want"
# The control socket is the group's, and a member who is not root uses it.
[ "$(stat -c '%G %a' "$sock")" = "vpn 660" ] ||
    fail "hardened: control socket is $(stat -c '%G %a' "$sock"), want vpn 660"
if grep -q "vpnd\[$pid\]: .*running without a control socket" \
    "$E2E_DIR/syslog.log"; then
	fail "hardened: vpnd runs without a control socket"
fi
vpn setpriv --reuid=nobody --regid=nogroup --init-groups "$vpnctl" \
    -s "$sock" status
[ "$rc" = 0 ] || fail "hardened: vpnctl status as nobody (group vpn): $rc"
grep -q office "$E2E_DIR/vpn.out" ||
    fail "hardened: vpnctl status as nobody does not show office"
step "hardened: the socket is vpn's (0660); nobody, in group vpn, uses it"
vpn "$init" stop
[ "$rc" = 0 ] || fail "hardened: stop: status $rc"
wait_for "[ -z \"\$(ns_pids gwb pppd)\" ]" 5 "pppd in gwb to exit"
step "hardened: vpnd runs with CapBnd $capbnd and NoNewPrivs 1"
one_round hardened setpriv --no-new-privs --bounding-set="$bset"

# The cron watchdog: vpnd killed outright is started again by the
# installed `vpnctl watchdog`, and the link comes back.
vpn "$init" start
[ "$rc" = 0 ] || fail "watchdog: start: status $rc, want 0"
wait_for routes_in 30 "watchdog: the link up"
pid=$(cat "$pidfile")
kill -KILL "$pid"
wait_for "pid_exited $pid" 5 "vpnd $pid to die"
step "watchdog: vpnd $pid killed with SIGKILL"
vpn "$vpnctl" -s "$sock" watchdog -f "$conf" -p "$pidfile" --init "$init"
[ "$rc" = 1 ] || fail "watchdog: it had to act: status $rc, want 1"
grep -q "vpnd died ($pidfile names no running vpnd): $init start" \
    "$E2E_DIR/vpn.out" || fail "watchdog: it did not say it ran $init start"
newpid=$(cat "$pidfile")
if [ "$newpid" = "$pid" ] || pid_exited "$newpid"; then
	fail "watchdog: no new vpnd runs (pid file: $newpid)"
fi
wait_for routes_in 30 "watchdog: the link back up"
ns_ping hosta "$SITE_HOSTB_IP" 3 || fail "watchdog: ping hosta -> hostb"
[ "$(ip -n gwa -o link show type ppp | wc -l)" = 1 ] ||
    fail "watchdog: not exactly one ppp interface in gwa"
[ "$(ip -n gwb -o link show type ppp | wc -l)" = 1 ] ||
    fail "watchdog: not exactly one ppp interface in gwb"
step "watchdog: started vpnd $newpid, link back up, one interface each end"
vpn "$vpnctl" -s "$sock" watchdog -f "$conf" -p "$pidfile" --init "$init"
[ "$rc" = 0 ] || fail "watchdog: all well, status $rc, want 0"
[ ! -s "$E2E_DIR/vpn.out" ] || fail "watchdog: all well but it printed"
vpn "$init" stop
[ "$rc" = 0 ] || fail "watchdog: stop: status $rc"
wait_for "[ -z \"\$(ns_pids gwb pppd)\" ]" 5 "pppd in gwb to exit"
step "watchdog: silent when all is well; stopped cleanly"
# The admin's stop stands: the next cron run starts nothing.
vpn "$vpnctl" -s "$sock" watchdog -f "$conf" -p "$pidfile" --init "$init"
[ "$rc" = 0 ] || fail "watchdog after stop: status $rc, want 0"
[ ! -s "$E2E_DIR/vpn.out" ] || fail "watchdog after stop: it printed"
[ ! -e "$pidfile" ] || fail "watchdog after stop: vpnd started again"
[ -z "$(ns_pids gwa pppd)" ] || fail "watchdog after stop: a link came up"
step "watchdog: after the stop, silent and nothing started"
