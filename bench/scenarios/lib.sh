# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# bench/scenarios/lib.sh - what the benchmark scenarios share, in the guest
# (sourced by a scenario after tests/e2e/guest-lib.sh): the link both
# vpnd and the HOWTO build between the two sites, vpnd's configuration,
# launch and bring-up, the pppd options vpnd gives both ends (for the
# HOWTO's own pppds), the HOWTO's bring-up and stop, and ways to time
# things without forking (a fork costs the guest's one CPU
# more than many a step it would time).

# shellcheck disable=SC2034 # used by the scenarios that source this
PPP_A=$SITE_PPP_A
PPP_B=$SITE_PPP_B
# top_builddir comes from the guest's PID 1 (tests/e2e/lib.sh).
# shellcheck disable=SC2154
VPND=$top_builddir/src/vpnd
VPND_IF=vpn-office
HOWTO_IF_A=howto-a
HOWTO_IF_B=howto-b

# The options vpnd gives both pppds (src/ppp.c) with `keepalive 2 3`, for
# the HOWTO's.
HOWTO_OPTS="noauth local nolock nocrtscts nodefaultroute lcp-echo-interval 2"
HOWTO_OPTS="$HOWTO_OPTS lcp-echo-failure 3 lcp-restart 1 lcp-max-terminate 1"
HOWTO_OPTS="$HOWTO_OPTS noccp"

# bench_sites: the two sites and sshd in gwb (tests/e2e/guest-lib.sh).
bench_sites()
{
	[ -x "$VPND" ] || fail "$VPND is not built"
	site_topology
	site_sshd_start
	step "sites up, sshd in gwb"
}

# bench_vpnd_conf FILE BACKOFF_MIN BACKOFF_CAP [LINE ...]: vpnd's
# configuration of the link (guest-lib's site_vpn_conf with keepalive 2 3
# and the LINEs), checked with vpnd -t.
bench_vpnd_conf()
{
	_bc_f=$1
	_bc_b="backoff $2 $3"
	shift 3
	site_vpn_conf "$_bc_f" "keepalive 2 3" "$_bc_b" "$@"
	"$VPND" -t -f "$_bc_f" || fail "vpnd -t refuses $_bc_f"
}

# pinged: hostb answers one ping from hosta within 0.2 s.
pinged()
{
	ip netns exec hosta ping -q -n -c 1 -W 0.2 "$SITE_HOSTB_IP" \
	    >/dev/null 2>&1
}

# links_clean: no pppd, no interface and no route of either link is left.
links_clean()
{
	[ -z "$(ns_pids gwa pppd)" ] && [ -z "$(ns_pids gwb pppd)" ] &&
	    ! ip -n gwa link show "$VPND_IF" >/dev/null 2>&1 &&
	    ! ip -n gwb link show "$VPND_IF" >/dev/null 2>&1 &&
	    ! ip -n gwa link show "$HOWTO_IF_A" >/dev/null 2>&1 &&
	    ! ip -n gwb link show "$HOWTO_IF_B" >/dev/null 2>&1 &&
	    [ -z "$(ip -n gwa route show "$SITE_LAN_B")" ] &&
	    [ -z "$(ip -n gwb route show "$SITE_LAN_A")" ]
}

# all_clean: links_clean, and no sshd session is left either.
all_clean()
{
	links_clean && ! ns_pids gwb sshd | grep -qvx "$SITE_SSHD_PID"
}

# now_cs: the guest's uptime in centiseconds into $now, without a fork.
now_cs()
{
	read -r now _ </proc/uptime
	now=$((${now%.*} * 100 + 1${now#*.} - 100))
}

# stamp_lines T0 [PATTERN ...]: copy standard input to standard output, each
# line prefixed with the centiseconds since T0 (guest uptime; 0 gives the
# uptime itself) at which it was read, until end of file or a line that
# matches one of the case PATTERNs.  Then stamp_line and stamp_at hold that
# line and its stamp, and it returns 0; at end of file, 1.  Only builtins:
# nothing forks while lines come.
stamp_lines()
{
	_sl_t0=$1
	shift
	stamp_line=
	stamp_at=
	while IFS= read -r _sl_line; do
		now_cs
		printf '%s %s\n' $((now - _sl_t0)) "$_sl_line"
		for _sl_pat in "$@"; do
			# shellcheck disable=SC2254 # a pattern, on purpose
			case $_sl_line in
			$_sl_pat)
				# shellcheck disable=SC2034 # for the caller
				stamp_line=$_sl_line
				# shellcheck disable=SC2034 # for the caller
				stamp_at=$((now - _sl_t0))
				return 0
				;;
			esac
		done
	done
	return 1
}

# vpnd_launch LOG CONF [BIN]: start `vpnd -d -v -f CONF` in gwa (BIN, or
# $VPND), its PID in $vpnd and the guest's uptime (centiseconds) just before
# in $vpnd_t0, its output on a FIFO that is open as fd 3 of the scenario
# shell (read it with stamp_lines, then vpnd_drain); LOG is registered for
# the guest's logs and emptied.
vpnd_launch()
{
	collect_log "$1"
	_vl_fifo=$E2E_DIR/vpnd.fifo
	rm -f "$_vl_fifo"
	mkfifo "$_vl_fifo" || fail "mkfifo $_vl_fifo"
	now_cs
	# shellcheck disable=SC2034 # for the caller
	vpnd_t0=$now
	ip netns exec gwa "${3:-$VPND}" -d -v -f "$2" -p "$E2E_DIR/vpnd.pid" \
	    >"$_vl_fifo" 2>&1 &
	vpnd=$!
	exec 3<"$_vl_fifo"
	: >"$1"
}

# vpnd_drain T0 LOG: from now on a background job stamps vpnd's output
# (relative to T0) into LOG, so that vpnd never blocks on it; its PID in
# $vpnd_drainer.  Closes fd 3 in the scenario shell.
vpnd_drain()
{
	stamp_lines "$1" <&3 >>"$2" &
	vpnd_drainer=$!
	exec 3<&-
}

# vpnd_up LOG CONF: vpnd_launch, then read vpnd's log as it comes until it
# says the link is up (or down), then vpnd_drain.  Sets vpnd_t0 (guest
# uptime, centiseconds, at launch) and vpnd_upat (centiseconds from launch
# to "-> up"; empty if it went down instead: the caller fails).
vpnd_up()
{
	vpnd_launch "$1" "$2"
	vpnd_upat=
	if stamp_lines "$vpnd_t0" '* -> up*' '* -> down*' <&3 >>"$1"; then
		case $stamp_line in
		*" -> up"*) vpnd_upat=$stamp_at ;;
		esac
	fi
	# Keep stamping vpnd's log so that it never blocks on it.
	vpnd_drain "$vpnd_t0" "$1"
}

# howto_up LOG OPTS: the HOWTO's three commands in gwa, one after the
# other: pppd updetach with OPTS (a word list) at both ends over `ssh gwb
# pppd nodetach notty OPTS ...`, the route in gwa, the route in gwb over
# ssh.  Both pppds are named after $HOWTO_IF_A/$HOWTO_IF_B (ifname,
# linkname).  Sets howto_t0 (guest uptime, centiseconds, at launch),
# howto_ppp and howto_routes (centiseconds from launch to pppd detached,
# to both routes in).
howto_up()
{
	collect_log "$1"
	_hu_remote="/usr/sbin/pppd nodetach notty $2 ifname $HOWTO_IF_B"
	_hu_remote="$_hu_remote linkname $HOWTO_IF_B $PPP_B:$PPP_A"
	now_cs
	howto_t0=$now
	# shellcheck disable=SC2086 # $2 is a word list
	ip netns exec gwa /usr/sbin/pppd updetach $2 ifname "$HOWTO_IF_A" \
	    linkname "$HOWTO_IF_A" pty "$SITE_SSH $_hu_remote" "$PPP_A:$PPP_B" \
	    >"$1" 2>&1 || fail "pppd updetach in gwa failed: $1"
	now_cs
	# shellcheck disable=SC2034 # for the caller
	howto_ppp=$((now - howto_t0))
	ip -n gwa route add "$SITE_LAN_B" dev "$HOWTO_IF_A" ||
	    fail "route in gwa"
	site_ssh ip route add "$SITE_LAN_A" dev "$HOWTO_IF_B" ||
	    fail "route in gwb over ssh"
	now_cs
	# shellcheck disable=SC2034 # for the caller
	howto_routes=$((now - howto_t0))
}

# howto_down: SIGTERM to the pppd howto_up started (its linkname pid file
# holds the PID, then the interface's name); nothing of its link, and no
# sshd session, may be left.
howto_down()
{
	_hd_pid=$(sed -n 1p "/run/ppp-$HOWTO_IF_A.pid") ||
	    fail "no pid file of pppd in gwa"
	kill -TERM "$_hd_pid" || fail "kill pppd $_hd_pid in gwa"
	wait_for all_clean 10 "the HOWTO's link to be gone at both ends"
}

# vpnd_stop WHAT: SIGTERM to vpnd; it must exit 0 and leave nothing of the
# link (not even the sshd session when WHAT is all_clean; links_clean
# allows sessions of TCP connections a blackhole left behind).
vpnd_stop()
{
	kill -TERM "$vpnd" || fail "kill vpnd"
	_vs_rc=0
	child_wait "$vpnd" 10 vpnd || _vs_rc=$?
	[ "$_vs_rc" = 0 ] || fail "vpnd exited with status $_vs_rc after SIGTERM"
	wait "$vpnd_drainer" || :
	wait_for "$1" 10 "vpnd's link to be gone at both ends"
}

# bench_ssh_true R: one `ssh gwb true` from gwa, for scale, reported as
# ssh_R (seconds); then its session must be gone.
bench_ssh_true()
{
	now_cs
	_bs_t0=$now
	site_ssh true || fail "ssh gwb true"
	now_cs
	_bs_t=$((now - _bs_t0))
	wait_for all_clean 10 "the ssh session to end"
	e2e_report "ssh_$1" "$(cs_to_s "$_bs_t")"
	step "round $1: ssh true $(cs_to_s "$_bs_t") s"
}
