# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# Scenario (runs in the guest): issue 4's fault matrix.  vpnd in gwa keeps
# the office link to gwb up (keepalive 1 3, backoff 1 8, connect-timeout
# 5) through, one after the other:
#	pppd-local	SIGKILL to the local pppd
#	pppd-remote	SIGKILL to the remote pppd
#	session		SIGKILL to the sshd session processes of the link
#	sshd-restart	the gateway's sshd restarted (the session stays: the
#			link must not flap; the next fault re-dials to the
#			new listener)
#	netem5		packets lost both ways for 5 s (netem loss 100 %):
#			the link survives or recovers
#	down5		the WAN veth down for 5 s: survives or recovers
#	netem30		packets lost both ways for 30 s: detected, re-dialed
#			after the path is back
#	down30		the WAN veth down for 30 s: detected, re-dialed
# After each: the link is back, ping works both ways, exactly one ppp
# interface, one pppd and one set of routes at each end, one sshd session
# in gwb and no other leftover process; vpnd did not busy-loop (under 1 s
# of CPU for the whole fault) nor lose track of its pppd; the drop was an
# incident (issue 9): the first re-dial at once, or, the link flapping
# (faults come within 10 s of the last up), after the wait of the next
# failure of `backoff 1 8`.  FAULTS (a list of the names
# above, all but the 30 s ones by default) picks some.  Detection and recovery times are
# reported as FAULT_detect_s (fault to `-> stopping`) and FAULT_up_s
# (fault, or the path's return for the blackholes, to `routes -> up`).

. "$top_srcdir/tests/e2e/link-lib.sh"

: "${FAULTS:=pppd-local pppd-remote session sshd-restart netem5 down5}"

site_topology
site_sshd_start
step "sites up, sshd in gwb"
(
	umask 077
	lk_link office 0 "	remote-net	$SITE_LAN_B
	local-net	$SITE_LAN_A
	keepalive	1 3
	backoff		1 8
	connect-timeout	5" >"$LK_CONF"
) || fail "write $LK_CONF"
collect_cmd "cat $LK_CONF"
lk_vpnd_start
lk_wait_up 30 "the office link up"
step "office link up"
lk_check "bring-up"

# fault_begin: remember the log's counts and the time of the fault.
fault_begin()
{
	cpu0=$(lk_vpnd_cpu_cs)
	n_lost=$(lk_count "$LK_LOST")
	n_slow=$(lk_count "$LK_SLOW_TERM")
	n_stop=$(lk_count 'link office: [a-z]+ -> stopping')
	n_up=$(lk_count 'link office: routes -> up')
	n_wait=$(lk_count 'link office: re-dial in ')
	t_fault=$(uptime_s)
}

# fault_detected NAME TIMEOUT: the link went down within TIMEOUT s.
fault_detected()
{
	lk_wait_log 'link office: [a-z]+ -> stopping' $((n_stop + 1)) "$2" \
	    "vpnd to notice $1"
	t_det=$(lk_time 'link office: [a-z]+ -> stopping' $((n_stop + 1)))
	det=$(lk_sub "$t_fault" "$t_det")
	e2e_report "${1}_detect_s" "$det"
	step "$1: detected after $det s: $(grep -E 'link office: ' "$LK_LOG" |
	    grep -v -e ': pppd: ' -e ': remote: ' | awk -v n=$((n_stop + 1)) '
	    / -> stopping/ && ++k == n { print prev; exit }
	    { sub(/^[^ ]* /, ""); prev = substr($0, 1, 160) }')"
}

# fault_recovered NAME TIMEOUT [SINCE]: the link came back within
# TIMEOUT s; the time is counted from SINCE (the fault by default).
fault_recovered()
{
	lk_wait_log 'link office: routes -> up' $((n_up + 1)) "$2" \
	    "the link back up after $1"
	lk_wait_up 10 "ping across after $1"
	t_up=$(lk_time 'link office: routes -> up' $((n_up + 1)))
	up=$(lk_sub "${3:-$t_fault}" "$t_up")
	e2e_report "${1}_up_s" "$up"
	step "$1: link up again $up s after ${4:-the fault}; first re-dial:" \
	    "$(lk_redial_rule office "$n_wait" 1 8)"
	lk_check "$1" 40
	fault_clean "$1"
}

# fault_clean NAME: the teardown and re-dial did not spin vpnd nor lose
# track of pppd (vpnd's CPU time over the whole fault stays under a
# second: the re-dial itself costs a few hundredths).
fault_clean()
{
	cpu=$(($(lk_vpnd_cpu_cs) - cpu0))
	e2e_report "${1}_vpnd_cpu_s" "$(cs_to_s "$cpu")"
	step "$1: vpnd used $(cs_to_s "$cpu") s of CPU"
	lk_check_reaped "$1" "$n_lost" "$n_slow"
	pace_within "$cpu" 99 || fail "$1: vpnd used $(cs_to_s "$cpu") s" \
	    "of CPU (busy loop?), want under $(pace_desc 100)"
}

# blackhole NAME KIND SECONDS: cut the path for SECONDS.
blackhole()
{
	fault_begin
	if [ "$2" = netem ]; then
		lk_blackhole on
	else
		ip -n gwb link set wan0 down || fail "wan0 down in gwb"
	fi
	step "$1: path cut ($2) for $3 s"
	_end=$(($(uptime_cs) + $3 * 100))
	while [ "$(uptime_cs)" -lt "$_end" ]; do
		lk_alive
		sleep 0.2
	done
	if [ "$2" = netem ]; then
		lk_blackhole off
	else
		ip -n gwb link set wan0 up || fail "wan0 up in gwb"
	fi
	t_back=$(uptime_s)
	step "$1: path restored"
	# A detection may fall a little after the path came back.
	sleep 2
	if [ "$(lk_count 'link office: [a-z]+ -> stopping')" -gt "$n_stop" ]
	then
		fault_detected "$1" 1
		# The gateway's sshd session of the dead connection lingers
		# until TCP gives up on it: allow for that in lk_check.
		fault_recovered "$1" 30 "$t_back" "the path came back"
	elif [ "$3" -ge 20 ]; then
		fail "$1: a $3 s blackhole went unnoticed"
	else
		lk_check "$1 (the link survived)"
		fault_clean "$1"
		e2e_report "${1}_survived" 1
	fi
}

for f in $FAULTS; do
	case $f in
	pppd-local)
		p=$(lk_roots gwa pppd)
		fault_begin
		kill -KILL "$p" || fail "kill local pppd $p"
		step "$f: killed the local pppd $p"
		fault_detected "$f" 10
		fault_recovered "$f" 30
		;;
	pppd-remote)
		p=$(lk_roots gwb pppd)
		fault_begin
		kill -KILL "$p" || fail "kill remote pppd $p"
		step "$f: killed the remote pppd $p"
		fault_detected "$f" 10
		fault_recovered "$f" 30
		;;
	session)
		s=$(lk_sessions)
		[ "$(lk_nlines "$s")" = 1 ] || fail "not one session: $s"
		# The session's sshd processes, not the pppd it runs.
		kids=$(for p in $(ns_pids gwb sshd); do
			if [ "$(lk_ppid "$p")" = "$s" ]; then
				echo "$p"
			fi
		done)
		fault_begin
		# shellcheck disable=SC2086 # a list of PIDs
		kill -KILL "$s" $kids || fail "kill sshd session $s $kids"
		step "$f: killed the sshd session $s $kids"
		fault_detected "$f" 10
		fault_recovered "$f" 30
		;;
	sshd-restart)
		fault_begin
		old=$(lk_sshd_pid)
		lk_sshd_stop
		lk_sshd_start
		step "$f: sshd $old restarted as $(lk_sshd_pid)"
		# Give a wrongly dropped link time to show.
		sleep 6
		[ "$(lk_count 'link office: [a-z]+ -> stopping')" = "$n_stop" ] ||
		    fail "$f: the link went down when sshd restarted"
		lk_check "$f (the link stayed up)"
		fault_clean "$f"
		;;
	netem5)
		blackhole "$f" netem 5
		;;
	down5)
		blackhole "$f" down 5
		;;
	netem30)
		blackhole "$f" netem 30
		;;
	down30)
		blackhole "$f" down 30
		;;
	*)
		fail "unknown fault $f"
		;;
	esac
done

lk_vpnd_stop
wait_for "[ -z \"\$(ns_pids gwb pppd)\" ] && [ -z \"\$(lk_sessions)\" ]" 10 \
    "pppd and the sshd session in gwb to end after vpnd's exit"
step "vpnd's log, without pppd's lines:"
grep -v -e ': pppd: ' -e ': remote: ' "$LK_LOG"
