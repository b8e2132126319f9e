# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# tests/e2e/link-lib.sh - helpers for the link fault scenarios (issue 4),
# sourced INSIDE the guest by a scenario after guest-lib.sh:
#
#	. "$top_srcdir/tests/e2e/link-lib.sh"
#
# vpnd runs in gwa with -d; its stderr goes to $LK_LOG with the guest's
# uptime in front of every line, so detection and recovery times can be read
# from the log (same clock as step and uptime_s).  Checks fail the scenario
# through fail(), so call them from the scenario's own shell.

# A scenario must never run on the host: it kills and rewires things.
if [ -z "${E2E_TOKEN:-}" ] || [ "${E2E_DIR:-}" != /run/e2e ]; then
	echo "link-lib.sh: only for scenarios inside the e2e guest" >&2
	exit 99
fi

# LK_VPND: the vpnd under test (bench/soak.sh may name a sanitizer build).
LK_VPND=${LK_VPND:-$top_builddir/src/vpnd}
LK_LOG=$E2E_DIR/vpnd.log
LK_PIDFILE=$E2E_DIR/vpnd.pid
LK_CONF=$E2E_DIR/vpn.conf
LK_SSHD_CONF=$E2E_DIR/ssh/sshd_config
LK_SSHD_LOG=$E2E_DIR/ssh/sshd.log
VPND_PID=

# lk_link NAME N [EXTRA_LINES]: print a link block for gwb's sshd.  N (1-9)
# picks the PPP addresses 10.9.N.1 (gwa) and 10.9.N.2 (gwb) and the
# interface vpn-NAME; EXTRA_LINES (remote-net, local-net, keepalive ...)
# follow, one setting a line.
lk_link()
{
	cat <<EOF
link $1
	host		$SITE_GWB_WAN_IP
	user		root
	identity	$SITE_SSH_KEY
	known-hosts	$SITE_KNOWN_HOSTS
	local-ip	10.9.$2.1
	remote-ip	10.9.$2.2
	remote-command	/usr/sbin/pppd
	remote-ip-command /sbin/ip
${3:-}
EOF
}

# lk_vpnd_start: start vpnd in gwa on $LK_CONF, its log time-stamped into
# $LK_LOG; sets VPND_PID.
lk_vpnd_start()
{
	[ -x "$LK_VPND" ] || fail "$LK_VPND is not built"
	"$LK_VPND" -t -f "$LK_CONF" || fail "vpnd -t refuses $LK_CONF"
	collect_log "$LK_LOG"
	cat >"$E2E_DIR/procs.sh" <<'EOF' || fail "write procs.sh"
for ns in gwa gwb; do
	echo "$ns:"
	for p in $(ip netns pids "$ns"); do
		printf '  %s ppid %s %s wchan %s: %s\n' "$p" \
		    "$(sed -n 's/^PPid:[[:space:]]*//p' /proc/$p/status)" \
		    "$(sed -n 's/^State:[[:space:]]*//p' /proc/$p/status)" \
		    "$(cat /proc/$p/wchan)" \
		    "$(tr '\0' ' ' </proc/$p/cmdline | cut -c1-100)"
	done
done
EOF
	collect_cmd "sh $E2E_DIR/procs.sh"
	ip netns exec gwa "$LK_VPND" -d ${LK_VERBOSE:+-v} -f "$LK_CONF" -p "$LK_PIDFILE" \
	    </dev/null 2>&1 | while IFS= read -r _lk_l; do
		read -r _lk_u _lk_r </proc/uptime
		printf '%s %s\n' "$_lk_u" "$_lk_l"
	done >"$LK_LOG" &
	wait_for "[ -s '$LK_PIDFILE' ]" 10 "vpnd's pid file"
	VPND_PID=$(cat "$LK_PIDFILE")
	step "vpnd started in gwa (pid $VPND_PID)"
}

# lk_vpnd_stop: SIGTERM vpnd, wait for it to exit.
lk_vpnd_stop()
{
	kill -TERM "$VPND_PID" || fail "kill vpnd $VPND_PID"
	wait_for "pid_exited $VPND_PID" 15 "vpnd to exit after SIGTERM"
	step "vpnd exited"
}

# lk_alive: fail if vpnd died.
lk_alive()
{
	if pid_exited "$VPND_PID"; then
		fail "vpnd (pid $VPND_PID) exited"
	fi
}

# lk_misses N: N keepalive misses stretched to the guest's pace (at least
# N), for a scenario whose link must not be declared dead by pppd's or
# vpnd's echo only because a loaded guest answered late.  A scenario that
# tests the keepalive itself keeps its own figures.
lk_misses()
{
	_lk_m=$(($1 * ${E2E_PACE:-100} / 100))
	[ "$_lk_m" -ge "$1" ] || _lk_m=$1
	[ "$_lk_m" -le 100 ] || _lk_m=100	# vpn.conf(5): misses 1 to 100
	echo "$_lk_m"
}

# lk_count PATTERN: how many lines of vpnd's log match PATTERN (grep -E).
lk_count()
{
	grep -cE -e "$1" "$LK_LOG" || true
}

# What vpnd logs when its own pppd did not end (src/pppchild.c):
#  - LK_LOST: not even SIGKILL ended it: vpnd lost track of it, a bug;
#  - LK_SLOW_TERM: it outlived SIGTERM by PPPCHILD_KILL_WAIT (2 s) and got
#    SIGKILL.  pppd's exit after SIGTERM takes 1 s of wall clock (one
#    Terminate-Request, lcp-restart 1) plus its ip-down scripts, which
#    run at the guest's pace (about 0.6 s at the reference: a run at 1.8x
#    saw a pppd take over 2 s), so this one is about the machine's speed:
#    lk_check_reaped tolerates it once the guest runs at least 1.5 times
#    slower than the reference (see "Time budgets" in guest-lib.sh).
LK_LOST='did not die after SIGKILL'
LK_SLOW_TERM='did not exit after SIGTERM'

# lk_check_reaped WHAT N_LOST N_SLOW: fail if vpnd's log has more LK_LOST
# lines than N_LOST, or more LK_SLOW_TERM lines than N_SLOW while the guest
# runs under 1.5 times the reference pace (measured again first).
lk_check_reaped()
{
	[ "$(lk_count "$LK_LOST")" = "$2" ] ||
	    fail "$1: vpnd lost track of its pppd: $(grep -E "$LK_LOST" \
	    "$LK_LOG" | tail -n 2 | sed 's/^[^ ]* //')"
	[ "$(lk_count "$LK_SLOW_TERM")" != "$3" ] || return 0
	pace_update
	[ "$E2E_PACE" -ge 150 ] ||
	    fail "$1: a pppd outlived SIGTERM by 2 s with the guest at" \
	    "$(cs_to_s "$E2E_PACE")x the reference pace: $(grep -E \
	    "$LK_SLOW_TERM" "$LK_LOG" | tail -n 2 | sed 's/^[^ ]* //')"
	step "$1: a pppd outlived SIGTERM by 2 s and got SIGKILL; tolerated" \
	    "with the guest at $(cs_to_s "$E2E_PACE")x the reference pace"
}

# lk_time PATTERN N: the time stamp of the Nth line matching PATTERN.
lk_time()
{
	grep -E -e "$1" "$LK_LOG" | sed -n "$2{s/ .*//;p;}"
}

# lk_wait_log PATTERN N TIMEOUT WHAT: wait until PATTERN matched N lines.
lk_wait_log()
{
	wait_for "lk_alive; [ \$(lk_count '$1') -ge $2 ]" "$3" "$4"
}

# lk_sub A B: B - A in seconds, two decimals (A and B like 12.34).
lk_sub()
{
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", b - a }'
}

# lk_routes_up IF NET_B NET_A: the remote net NET_B routes into IF in gwa
# and NET_A (if not empty) into IF in gwb.
lk_routes_up()
{
	ip -n gwa route show "$2" | grep -q "dev $1 " || return 1
	[ -z "$3" ] || ip -n gwb route show "$3" | grep -q "dev $1 "
}

# lk_up IF NET_B NET_A PING_NS PING_ADDR: routes in and one ping answered.
lk_up()
{
	lk_alive
	lk_routes_up "$1" "$2" "$3" &&
	    ip netns exec "$4" ping -q -n -c 1 -W 1 "$5" >/dev/null 2>&1
}

# lk_wait_up TIMEOUT WHAT: wait for the office link (the default one of the
# scenarios: vpn-office, LAN B in gwa, LAN A in gwb, hosta pings hostb).
lk_wait_up()
{
	wait_for "lk_up vpn-office $SITE_LAN_B $SITE_LAN_A hosta \
	    $SITE_HOSTB_IP" "$1" "$2"
}

# lk_sshd_pid: the listening sshd's PID.
lk_sshd_pid()
{
	cat "$E2E_DIR/ssh/sshd.pid"
}

# lk_ppid PID
lk_ppid()
{
	sed -n 's/^PPid:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null
}

# lk_roots NS COMM [EXCEPT]: the PIDs of the processes named COMM in NS
# whose parent is not one of them (the first process of each tree: pppd's
# charshunt child, an sshd session's privilege-separated child, are not
# counted), leaving out PID EXCEPT.
lk_roots()
{
	_lk_all=$(ns_pids "$1" "$2" | grep -vx "${3:-0}" || true)
	for _lk_p in $_lk_all; do
		_lk_pp=$(lk_ppid "$_lk_p")
		if ! printf '%s\n' "$_lk_all" | grep -qx "$_lk_pp"; then
			printf '%s\n' "$_lk_p"
		fi
	done
}

# lk_sessions: the PIDs of the sshd sessions in gwb: the sshd processes
# other than the listener that start a tree (sessions of a listener that
# was restarted are orphans, but still sessions).
lk_sessions()
{
	lk_roots gwb sshd "$(lk_sshd_pid)"
}

# lk_nlines TEXT: how many non-empty lines TEXT has.
lk_nlines()
{
	printf '%s\n' "$1" | grep -c . || true
}

# lk_procs NS: "comm(pid) ..." of every process in NS, for messages.
lk_procs()
{
	for _lk_p in $(ip netns pids "$1"); do
		printf '%s(%s) ' "$(cat "/proc/$_lk_p/comm" 2>/dev/null)" \
		    "$_lk_p"
	done
}

# lk_clean_state NPPP: true if each end has exactly NPPP ppp interfaces and
# pppds (a pppd and its children count as one), gwa holds nothing but vpnd
# and its pppds, and gwb nothing but the listening sshd, NPPP sessions,
# their pppds and (NPPP > 0) their shells (channel 1's shell reads pppd's
# messages to put the routes in: it and its pipeline stay with pppd).  On
# false, LK_WHY says what is wrong.
lk_clean_state()
{
	LK_WHY=
	for _lk_ns in gwa gwb; do
		_lk_n=$(ip -n "$_lk_ns" -o link show type ppp | grep -c . ||
		    true)
		if [ "$_lk_n" != "$1" ]; then
			LK_WHY="$_lk_n ppp interfaces in $_lk_ns, want $1"
			return 1
		fi
		_lk_n=$(lk_nlines "$(lk_roots "$_lk_ns" pppd)")
		if [ "$_lk_n" != "$1" ]; then
			LK_WHY="$_lk_n pppd in $_lk_ns, want $1: $(lk_procs \
			    "$_lk_ns")"
			return 1
		fi
	done
	for _lk_p in $(ip netns pids gwa); do
		case $(cat "/proc/$_lk_p/comm" 2>/dev/null) in
		vpnd|pppd|'') ;;
		*)	LK_WHY="stray process in gwa: $(lk_procs gwa)"
			return 1
			;;
		esac
	done
	_lk_n=$(lk_nlines "$(lk_sessions)")
	if [ "$_lk_n" != "$1" ]; then
		LK_WHY="$_lk_n sshd sessions in gwb, want $1: $(lk_procs gwb)"
		return 1
	fi
	for _lk_p in $(ip netns pids gwb); do
		case $(cat "/proc/$_lk_p/comm" 2>/dev/null) in
		sshd|pppd|'') ;;
		sh|bash|dash) [ "$1" = 0 ] || continue
			LK_WHY="stray shell in gwb: $(lk_procs gwb)"
			return 1
			;;
		*)	LK_WHY="stray process in gwb: $(lk_procs gwb)"
			return 1
			;;
		esac
	done
	return 0
}

# lk_routes_once IF NET_B NET_A: exactly one route to NET_B in gwa (ours,
# proto 120, into IF) and nothing else of ours; in gwb exactly one route to
# NET_A, into IF, and the peer route of IF.  On false, LK_WHY says why.
lk_routes_once()
{
	LK_WHY=
	_lk_r=$(ip -n gwa route show proto 120)
	if [ "$(lk_nlines "$_lk_r")" != 1 ] ||
	    ! printf '%s\n' "$_lk_r" | grep -q "^$2 dev $1 "; then
		LK_WHY="gwa's proto 120 routes are not one to $2 dev $1: $_lk_r"
		return 1
	fi
	_lk_r=$(ip -n gwa route show "$2")
	if [ "$(lk_nlines "$_lk_r")" != 1 ]; then
		LK_WHY="gwa has not one route to $2: $_lk_r"
		return 1
	fi
	[ -n "$3" ] || return 0
	_lk_r=$(ip -n gwb route show "$3")
	if [ "$(lk_nlines "$_lk_r")" != 1 ] ||
	    ! printf '%s\n' "$_lk_r" | grep -q "dev $1 "; then
		LK_WHY="gwb has not one route to $3 dev $1: $_lk_r"
		return 1
	fi
	_lk_r=$(ip -n gwb route show dev "$1")
	if [ "$(lk_nlines "$_lk_r")" != 2 ]; then
		LK_WHY="gwb's routes on $1 are not the peer and $3: $_lk_r"
		return 1
	fi
	return 0
}

# lk_check WHAT [TIMEOUT]: after a fault, the office link is back: ping
# works, exactly one ppp interface and one set of routes at each end, and
# no leftover process (waiting at most TIMEOUT s, 20 by default, for what
# the fault left behind to go; each reason to wait is printed once).
lk_check()
{
	_lk_t0=$(uptime_cs)
	_lk_end=$((_lk_t0 + ${2:-20} * 100))
	_lk_seen=
	while ! { lk_alive; lk_clean_state 1; }; do
		if [ "$LK_WHY" != "$_lk_seen" ]; then
			step "after $1: waiting: $LK_WHY"
			_lk_seen=$LK_WHY
		fi
		[ "$(uptime_cs)" -lt "$_lk_end" ] ||
		    fail "after $1: still after ${2:-20} s: $LK_WHY"
		sleep 0.1
	done
	_lk_t1=$(uptime_cs)
	lk_routes_once vpn-office "$SITE_LAN_B" "$SITE_LAN_A" ||
	    fail "after $1: $LK_WHY"
	ns_ping hosta "$SITE_HOSTB_IP" 3 ||
	    fail "after $1: ping hosta -> hostb"
	ns_ping hostb "$SITE_HOSTA_IP" 1 ||
	    fail "after $1: ping hostb -> hosta"
	step "after $1: link up, ping both ways, one ppp and one set of" \
	    "routes at each end, no leftovers (clean after" \
	    "$(cs_to_s $((_lk_t1 - _lk_t0))) s)"
}

# lk_redial_rule NAME N MIN CAP: the first re-dial link NAME announced
# after its Nth ("re-dial in X s (WHY)"), the first after the drop of a
# link that was up, follows vpn.conf(5) for `backoff MIN CAP`: a new
# incident at once (0.25 s at most), at once on a network change, or, when
# the link is flapping, the wait of failure K in a row (MIN to min(CAP,
# MIN * 2^(K-1)), to the 0.1 s it is logged with).  Prints the line; fails
# otherwise.
lk_redial_rule()
{
	_lk_l=$(grep -E "link $1: re-dial in " "$LK_LOG" | sed -n "$(($2 + 1))p")
	[ -n "$_lk_l" ] || fail "link $1: no re-dial announced after the drop"
	# shellcheck disable=SC2016 # awk's own $
	printf '%s\n' "$_lk_l" | awk -v min="$3" -v cap="$4" '{
	    for (i = 1; i < NF; i++)
		if ($i == "re-dial") w = $(i + 2) + 0
	    if ($0 ~ /\((new incident|network changed)/)
		ok = w <= 0.3
	    else if ($0 ~ /flapping/ && match($0, /failure [0-9]+ in a row/)) {
		k = substr($0, RSTART + 8, RLENGTH - 17) + 0
		c = min
		for (i = 1; i < k && c < cap; i++)
			c *= 2
		if (c > cap)
			c = cap
		ok = w >= min - 0.05 && w <= c + 0.05
	    } else
		ok = 0
	    exit !ok }' || fail "link $1: the re-dial after the drop is not" \
	    "the backoff rule: $(printf '%s\n' "$_lk_l" | sed 's/^[^ ]* //')"
	printf '%s\n' "$_lk_l" | sed 's/^[^ ]* //'
}

# lk_sshd_start: start a new listening sshd in gwb with the config of
# site_sshd_start.
lk_sshd_start()
{
	rm -f "$E2E_DIR/ssh/sshd.pid"
	ip netns exec gwb /usr/sbin/sshd -f "$LK_SSHD_CONF" \
	    -E "$LK_SSHD_LOG" || fail "sshd did not start"
	wait_for "[ -s '$E2E_DIR/ssh/sshd.pid' ]" 10 "sshd's PID file"
	SITE_SSHD_PID=$(lk_sshd_pid)
	export SITE_SSHD_PID
}

# lk_sshd_stop: stop the listening sshd (its sessions stay).
lk_sshd_stop()
{
	_lk_p=$(lk_sshd_pid)
	kill -TERM "$_lk_p" || fail "kill sshd $_lk_p"
	wait_for "pid_exited $_lk_p" 10 "sshd to exit"
}

# lk_blackhole on|off: drop every packet both ways between the gateways
# (netem loss 100 % on both ends of the WAN veth).
lk_blackhole()
{
	for _lk_ns in gwa gwb; do
		if [ "$1" = on ]; then
			ip netns exec "$_lk_ns" tc qdisc add dev wan0 root \
			    netem loss 100% || fail "netem on wan0 in $_lk_ns"
		else
			ip netns exec "$_lk_ns" tc qdisc del dev wan0 root ||
			    fail "remove netem from wan0 in $_lk_ns"
		fi
	done
}

# lk_tcp_active_opens NS: TCP connections NS has tried to open, so far.
lk_tcp_active_opens()
{
	# shellcheck disable=SC2016 # awk's own $
	ip netns exec "$1" awk '/^Tcp:/ { n++; if (n == 1) for (i = 1;
	    i <= NF; i++) col[$i] = i; else print $col["ActiveOpens"] }' \
	    /proc/net/snmp
}

# lk_vpnd_cpu_cs: vpnd's CPU time so far (user + system), in clock ticks
# (centiseconds on Linux).
lk_vpnd_cpu_cs()
{
	sed 's/.*) //' "/proc/$VPND_PID/stat" | awk '{ print $12 + $13 }'
}

# lk_vpnd_usage: "FDS RSS_KB" of vpnd.
lk_vpnd_usage()
{
	printf '%s %s\n' "$(find "/proc/$VPND_PID/fd" -mindepth 1 \
	    -maxdepth 1 | grep -c .)" \
	    "$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' \
	    "/proc/$VPND_PID/status")"
}
