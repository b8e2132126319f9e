# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# Benchmark scenario (runs in the e2e guest, after tests/e2e/guest-lib.sh;
# bench/recovery.sh runs it): how fast a link carries traffic again after
# each of a set of faults, of
#
#	vpnd	vpnd -d -v -f vpn.conf in gwa (keepalive 2 3, backoff 1 30,
#		connect-timeout 2).
#	base	the same with VPND2 (another vpnd binary, say the one built
#		from the commit before a change), when VPND2 is set.
#	howto	the HOWTO way, kept up by pppd itself:
#		  pppd nodetach persist holdoff 1 maxfail 0 ...
#		      pty "ssh gwb pppd nodetach notty ..." A:B
#		with the pppd options vpnd gives both ends (LCP echo 2 3,
#		the same as vpnd's keepalive; ifname), and at both ends an
#		ip-up-script that puts the route to the far LAN in with
#		`ip route replace` each time the link comes up (the best the
#		HOWTO does).
#
# The faults (FAULTS, all by default), each ROUNDS times (5), every peer
# once a round, the peers' order rotated one place a round:
#	bh10	the path blackholed 10 s (netem loss 100 % on gwa's wan0:
#		both stacks think their packets left)
#	bh30	the same for 30 s
#	wan10	the far end's WAN link down 10 s (gwb's wan0: no route event
#		at the near end)
#	kill	the sshd session of the link killed at the far end (SIGKILL
#		to its sshd processes)
#	nc	bh10, and at the restore what a laptop's network manager does
#		when its network comes back: gwa's wan0 address removed and
#		added again (RTM_DELADDR, RTM_NEWADDR, the prefix route)
#	dead	bring-up with a dead first host (198.51.100.1, routed in gwa
#		into a dummy interface: SYNs vanish), the gateway second;
#		vpnd and base only (the HOWTO's ssh takes one host)
# A case brings its peer's link up from nothing (launch to the first ping
# answered: the bring-up), applies the fault, and times from the end of the
# fault (the restore; the kill itself for kill) to the first ping answered
# across: at that moment one ping process in hosta starts sending every
# 50 ms and the scenario sleeps in read(2) on its output.  The link's logs
# are stamped as their lines come (vpnd -v and pppd nodetach through FIFOs,
# by builtins only): nothing forks while the link recovers but that ping.
# Then the link is stopped and nothing of it may be left.  Each round ends
# with one `ssh gwb true`, for scale.  Reports, in seconds, per peer P,
# fault F and round R:
#	bring_P_F_R	launch to the first ping answered (dead_P_R for dead)
#	det_P_F_R	fault to the link declared down (vpnd: "up ->
#			stopping"; pppd: "No response to N echo-requests",
#			"Modem hangup" or "Connection terminated", the first)
#	rec_P_F_R	end of the fault to the first ping answered
#	upv_P_F_R	end of the fault to vpnd's "-> up" (vpnd and base)
#	ph_dial_P_F_R, ph_ssh_P_F_R, ph_ppp_P_F_R, ph_routes_P_F_R
#			the phases of vpnd's bring-up (vpnd and base), from
#			its log: "-> connecting" to "-> handshake" (the
#			dial), to "-> ppp" (SSH handshake and auth), to "->
#			routes" (channel 1, both pppds, LCP, IPCP), to "->
#			up" (the far end's routes over channel 2)
#	ssh_R		one ssh gwb true
#
# False-positive run (FP_SECONDS, 60; 0: none): for each direction of
# FP_DIRS ("up down": hosta -> hostb, then hostb -> hosta) and each of vpnd
# and the HOWTO, a link is brought up and iperf3 pushes one TCP stream
# through it for FP_SECONDS; every time the link is declared down meanwhile
# is counted.  Reports fp_P_D (drops), fprate_P_D (Mbit/s received) and
# fpok_P_D (1 if iperf3 completed).

# top_srcdir comes from the guest's PID 1 (tests/e2e/lib.sh).
# shellcheck disable=SC2154 source=bench/scenarios/lib.sh
. "$top_srcdir/bench/scenarios/lib.sh"

: "${ROUNDS:=5}"
: "${FAULTS:=bh10 bh30 wan10 kill nc dead}"
: "${FP_SECONDS:=60}"
: "${FP_DIRS:=up down}"
: "${VPND2:=}"
PEERS="vpnd howto"
[ -z "$VPND2" ] || PEERS="vpnd base howto"
DEAD_HOST=198.51.100.1
IPERF_PORT=5201

command -v tc >/dev/null 2>&1 || skip "tc not found (Debian package iproute2)"
if [ "$FP_SECONDS" != 0 ] && ! command -v iperf3 >/dev/null 2>&1; then
	skip "iperf3 not found (Debian package iperf3)"
fi
[ -z "$VPND2" ] || [ -x "$VPND2" ] || fail "VPND2 $VPND2 is not executable"

bench_sites
conf=$E2E_DIR/vpn.conf
bench_vpnd_conf "$conf" 1 30 "connect-timeout 2"
# The same link with a dead host before the gateway.
conf_dead=$E2E_DIR/vpn-dead.conf
sed "s/^\\(	host \\)\\(.*\\)/\\1$DEAD_HOST \\2/" "$conf" >"$conf_dead" ||
    fail "write $conf_dead"
grep -q "host $DEAD_HOST $SITE_GWB_WAN_IP" "$conf_dead" ||
    fail "no dead host in $conf_dead"
"$VPND" -t -f "$conf_dead" || fail "vpnd -t refuses $conf_dead"
ip -n gwa link add dead0 type dummy || fail "dummy dead0 in gwa"
ip -n gwa link set dead0 up || fail "dead0 up in gwa"
ip -n gwa route add "${DEAD_HOST%.*}.0/24" dev dead0 ||
    fail "route to the dead host in gwa"

# The HOWTO's ip-up script, at both ends: route the LAN given as ipparam.
ipup=$E2E_DIR/howto-ip-up
cat >"$ipup" <<'EOF' || fail "write $ipup"
#!/bin/sh
# pppd's ip-up: IFNAME TTY SPEED LOCAL-IP REMOTE-IP IPPARAM
exec /sbin/ip route replace "$6" dev "$1"
EOF
chmod 755 "$ipup" || fail "chmod $ipup"

# The marks of a link declared down, in each one's log.
VPND_DOWN='/ up -> stopping/'
HOWTO_DOWN='/No response to [0-9]+ echo-requests|Modem hangup'
HOWTO_DOWN="$HOWTO_DOWN|Connection terminated/"

# howto_launch LOG: pppd persist in gwa, its PID in $howto; a background
# job stamps its output (guest uptime, centiseconds) into LOG.
howto_launch()
{
	collect_log "$1"
	: >"$1"
	_hl_fifo=$E2E_DIR/howto.fifo
	rm -f "$_hl_fifo"
	mkfifo "$_hl_fifo" || fail "mkfifo $_hl_fifo"
	_hl_remote="/usr/sbin/pppd nodetach notty $HOWTO_OPTS"
	_hl_remote="$_hl_remote ifname $HOWTO_IF_B linkname $HOWTO_IF_B"
	_hl_remote="$_hl_remote ipparam $SITE_LAN_A ip-up-script $ipup"
	_hl_remote="$_hl_remote $PPP_B:$PPP_A"
	# shellcheck disable=SC2086 # $HOWTO_OPTS is a word list
	ip netns exec gwa /usr/sbin/pppd nodetach persist holdoff 1 maxfail 0 \
	    $HOWTO_OPTS ifname "$HOWTO_IF_A" linkname "$HOWTO_IF_A" \
	    ipparam "$SITE_LAN_B" ip-up-script "$ipup" \
	    pty "$SITE_SSH $_hl_remote" "$PPP_A:$PPP_B" >"$_hl_fifo" 2>&1 &
	howto=$!
	stamp_lines 0 <"$_hl_fifo" >>"$1" &
	howto_stamper=$!
}

# howto_stop: SIGTERM to that pppd; nothing of its link may be left.
howto_stop()
{
	kill -TERM "$howto" || fail "kill pppd $howto"
	child_wait "$howto" 10 "pppd in gwa" || :
	wait "$howto_stamper" || :
	wait_for links_clean 15 "the HOWTO's link to be gone at both ends"
}

# ping_first T0 LOG: one ping process in hosta sends to hostb every 50 ms
# (for at most 60 s at the reference pace, stretched with the guest's);
# sleep in read(2) on its output (stamped into LOG) until the first
# answer.  Its time since T0 (guest uptime, centiseconds) into $pf_at;
# fails if none came.
ping_first()
{
	_pf_fifo=$E2E_DIR/ping.fifo
	collect_log "$2"
	rm -f "$_pf_fifo"
	mkfifo "$_pf_fifo" || fail "mkfifo $_pf_fifo"
	# 1200 at 50 ms: 60 s (with -w, ping would stop at the first "net
	# unreachable" from gwa while the link is down).
	_pf_n=$(($(pace_bound 6000) / 5))
	[ "$_pf_n" -ge 1200 ] || _pf_n=1200
	ip netns exec hosta ping -n -i 0.05 -c "$_pf_n" "$SITE_HOSTB_IP" \
	    >"$_pf_fifo" 2>&1 &
	_pf_pid=$!
	pf_at=
	if stamp_lines "$1" '*bytes from*' <"$_pf_fifo" >"$2"; then
		pf_at=$stamp_at
	fi
	kill -TERM "$_pf_pid" 2>/dev/null || :
	# (quietly: sh would say "Terminated")
	{ wait "$_pf_pid"; } 2>/dev/null || :
	[ -n "$pf_at" ] || fail "no answer across within $((_pf_n / 20)) s: $2"
}

# link_up PEER LOG CONF: launch PEER's link (vpnd and base with CONF),
# logging into LOG (stamped with the guest's uptime), and time it until
# hostb answers hosta: $bring, centiseconds.
link_up()
{
	now_cs
	_lu_t0=$now
	case $1 in
	vpnd | base)
		_lu_bin=$VPND
		[ "$1" = vpnd ] || _lu_bin=$VPND2
		vpnd_launch "$2" "$3" "$_lu_bin"
		vpnd_drain 0 "$2"
		;;
	howto)
		howto_launch "$2"
		;;
	esac
	ping_first "$_lu_t0" "${2%.log}-ping0.log"
	bring=$pf_at
}

# phases PEER FAULT R LOG: report the phases of the bring-up in LOG (vpnd
# and base; see the top of this file).
phases()
{
	[ "$1" != howto ] || return 0
	wait_for "grep -q ' -> up' '$4'" 10 "vpnd's \"-> up\" in $4"
	_ph_c=$(first_after "$4" 0 '/ -> connecting/')
	_ph_h=$(first_after "$4" 0 '/ -> handshake/')
	_ph_p=$(first_after "$4" 0 '/ -> ppp/')
	_ph_r=$(first_after "$4" 0 '/ -> routes/')
	_ph_u=$(first_after "$4" 0 '/ -> up/')
	e2e_report "ph_dial_$1_$2_$3" "$(cs_to_s $((_ph_h - _ph_c)))"
	e2e_report "ph_ssh_$1_$2_$3" "$(cs_to_s $((_ph_p - _ph_h)))"
	e2e_report "ph_ppp_$1_$2_$3" "$(cs_to_s $((_ph_r - _ph_p)))"
	e2e_report "ph_routes_$1_$2_$3" "$(cs_to_s $((_ph_u - _ph_r)))"
}

# link_down PEER: stop PEER's link.
link_down()
{
	case $1 in
	vpnd | base)	vpnd_stop links_clean ;;
	howto)		howto_stop ;;
	esac
}

# kill_sessions: SIGKILL to every sshd in gwb but the listener: the
# processes of the link's session, and of any session a blackhole left.
kill_sessions()
{
	_ks=
	for _ks_p in $(ns_pids gwb sshd); do
		[ "$_ks_p" = "$SITE_SSHD_PID" ] || _ks="$_ks $_ks_p"
	done
	[ -n "$_ks" ] || fail "no sshd session in gwb to kill"
	# shellcheck disable=SC2086 # a list of PIDs
	kill -KILL $_ks || fail "kill sshd sessions$_ks"
}

# first_after LOG T ERE: the stamp of LOG's first line at or after T (guest
# uptime, centiseconds) that matches ERE; empty if none.
first_after()
{
	awk -v t="$2" "\$1 >= t && $3 { print \$1; exit }" "$1"
}

# count_between LOG T0 T1 ERE: how many lines of LOG stamped in [T0, T1]
# match ERE.
count_between()
{
	awk -v a="$2" -v b="$3" "\$1 >= a && \$1 <= b && $4 { n++ }
	    END { print n + 0 }" "$1"
}

# timeline LOG T ERE: LOG's lines from T on that match ERE, stamped
# relative to T.
timeline()
{
	awk -v t="$2" "\$1 >= t && $3 { s = \$1 - t; \$1 = \"\";
	    printf \"\\t%+.2f s%s\\n\", s / 100, \$0 }" "$1"
}

# run_case PEER FAULT R: one case (see the top of this file).
run_case()
{
	log=$E2E_DIR/$1-$2-$3.log
	cf=$conf
	[ "$2" != dead ] || cf=$conf_dead
	link_up "$1" "$log" "$cf"
	phases "$1" "$2" "$3" "$log"
	if [ "$2" = dead ]; then
		e2e_report "dead_$1_$3" "$(cs_to_s "$bring")"
		link_down "$1"
		step "round $3: $1 $2: up and answering $(cs_to_s "$bring") s" \
		    "after the launch:"
		timeline "$log" 0 '/ -> |dial|answers/'
		return
	fi
	e2e_report "bring_$1_$2_$3" "$(cs_to_s "$bring")"
	now_cs
	tb=$now
	case $2 in
	bh10 | bh30 | nc)
		tc -n gwa qdisc add dev wan0 root netem loss 100% ||
		    fail "netem on gwa's wan0"
		s=10
		[ "$2" != bh30 ] || s=30
		sleep "$s"
		tc -n gwa qdisc del dev wan0 root ||
		    fail "remove netem from gwa's wan0"
		;;
	wan10)
		ip -n gwb link set wan0 down || fail "gwb's wan0 down"
		sleep 10
		ip -n gwb link set wan0 up || fail "gwb's wan0 up"
		;;
	kill)
		kill_sessions
		;;
	esac
	now_cs
	tr=$now
	if [ "$2" = nc ]; then
		ip -n gwa addr flush dev wan0 ||
		    fail "flush wan0's address in gwa"
		ip -n gwa addr add "$SITE_GWA_WAN_IP/24" dev wan0 ||
		    fail "add wan0's address again in gwa"
	fi
	ping_first "$tr" "$E2E_DIR/ping-$1-$2-$3.log"
	rec=$pf_at

	if [ "$1" = howto ]; then
		down=$HOWTO_DOWN
	else
		down=$VPND_DOWN
	fi
	det=$(first_after "$log" "$tb" "$down")
	[ -n "$det" ] || fail "$1 $2: the link was not declared down: $log"
	if [ "$2" != kill ] && [ "$det" -gt "$tr" ]; then
		fail "$1 $2: the link was not declared down during the fault:" \
		    "$log"
	fi
	det=$((det - tb))
	e2e_report "det_$1_$2_$3" "$(cs_to_s "$det")"
	e2e_report "rec_$1_$2_$3" "$(cs_to_s "$rec")"
	msg="detected $(cs_to_s "$det") s, answered $(cs_to_s "$rec") s after"
	msg="$msg the end of the fault"
	if [ "$1" != howto ]; then
		up=$(first_after "$log" "$tr" '/ -> up/')
		if [ -n "$up" ]; then
			up=$((up - tr))
			e2e_report "upv_$1_$2_$3" "$(cs_to_s "$up")"
			msg="$msg (up at $(cs_to_s "$up") s)"
		fi
	fi
	link_down "$1"
	step "round $3: $1 $2: $msg; from the fault (end at" \
	    "+$(cs_to_s $((tr - tb))) s):"
	if [ "$1" != howto ]; then
		tl='/ -> |re-dial|network changed|nothing from|timed out|answers'
		tl="$tl|pppd exited|No response|waiting on|remote pppd|refused"
		timeline "$log" "$tb" "$tl/"
	else
		timeline "$log" "$tb" '/./'
	fi
}

# fp_run PEER DIR: one false-positive run (see the top of this file).
fp_run()
{
	log=$E2E_DIR/fp-$1-$2.log
	ilog=$E2E_DIR/iperf3-$1-$2.log
	slog=$E2E_DIR/iperf3-server-$1-$2.log
	collect_log "$ilog"
	collect_log "$slog"
	link_up "$1" "$log" "$conf"
	ip netns exec hostb iperf3 -s -1 -p "$IPERF_PORT" >"$slog" 2>&1 &
	server=$!
	wait_for "ip netns exec hostb ss -Htln sport = :$IPERF_PORT | grep -q ." \
	    10 "iperf3 to listen in hostb"
	rev=
	[ "$2" = up ] || rev=-R
	now_cs
	t0=$now
	ok=1
	# shellcheck disable=SC2086 # $rev is empty or one word
	ip netns exec hosta timeout $((FP_SECONDS + 60)) iperf3 -c \
	    "$SITE_HOSTB_IP" -p "$IPERF_PORT" -t "$FP_SECONDS" -i 10 -f m \
	    $rev >"$ilog" 2>&1 || ok=0
	now_cs
	t1=$now
	kill -TERM "$server" 2>/dev/null || :
	{ wait "$server"; } 2>/dev/null || :
	if [ "$1" = howto ]; then
		down=$HOWTO_DOWN
	else
		down=$VPND_DOWN
	fi
	drops=$(count_between "$log" "$t0" "$t1" "$down")
	rate=$(awk '/receiver/ { for (i = 1; i < NF; i++)
	    if ($(i + 1) == "Mbits/sec") r = $i } END { print r + 0 }' "$ilog")
	e2e_report "fp_$1_$2" "$drops"
	e2e_report "fprate_$1_$2" "$rate"
	e2e_report "fpok_$1_$2" "$ok"
	sed 's/^/\t/' "$ilog"
	link_down "$1"
	step "false positives, $1, $2: $drops drops in $(cs_to_s $((t1 - t0)))" \
	    "s of iperf3 at $rate Mbit/s (iperf3 completed: $ok)"
	if [ "$drops" != 0 ]; then
		timeline "$log" "$t0" '/./'
	fi
}

pinged && fail "hostb answers hosta before there is a link"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	for f in $FAULTS; do
		# Rotate the peers one place a round.
		# shellcheck disable=SC2086 # a word list
		set -- $PEERS
		k=$(((r - 1) % $#))
		while [ "$k" -gt 0 ]; do
			first=$1
			shift
			set -- "$@" "$first"
			k=$((k - 1))
		done
		for p in "$@"; do
			[ "$f" != dead ] || [ "$p" != howto ] || continue
			run_case "$p" "$f" "$r"
		done
	done
	bench_ssh_true "$r"
	r=$((r + 1))
done
e2e_report rounds "$ROUNDS"

if [ "$FP_SECONDS" != 0 ]; then
	n=0
	for d in $FP_DIRS; do
		if [ $((n % 2)) = 0 ]; then
			fp_run vpnd "$d"
			fp_run howto "$d"
		else
			fp_run howto "$d"
			fp_run vpnd "$d"
		fi
		n=$((n + 1))
	done
fi
