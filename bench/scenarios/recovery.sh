# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# Benchmark scenario (runs in the e2e guest, after tests/e2e/guest-lib.sh;
# bench/recovery.sh runs it): how fast a link notices a dead path and how
# fast it carries traffic again once the path is back, of
#
#	vpnd	vpnd -d -f vpn.conf in gwa (keepalive 2 3, backoff 1 300:
#		the default backoff, connect-timeout 10 by default).
#	howto	the HOWTO way, kept up by pppd itself:
#		  pppd nodetach persist holdoff 1 maxfail 0 ...
#		      pty "ssh gwb pppd nodetach notty ..." A:B
#		with the pppd options vpnd gives both ends (LCP echo 2 3,
#		the same as vpnd's keepalive; ifname), and at both ends an
#		ip-up-script that adds the route to the far LAN each time
#		the link comes up.
#
# Recovery rounds: ROUNDS rounds (5), each of four cases, rotated one place
# a round: vpndnc, howtonc (with a network change at restore), vpnd, howto
# (without).  A case: bring the link up from nothing and ping across;
# blackhole the path (netem loss 100% on gwa's wan0) for BLACKHOLE s (20);
# restore it (remove the qdisc) and, in the *nc cases, at once do to gwa
# what a laptop's network manager does when its network comes back: wan0's
# address is removed and added again (RTM_DELADDR, RTM_NEWADDR and the
# prefix route with them); then one ping process in hosta sends every
# 50 ms and the scenario sleeps in read(2) on its output until the first
# answer.  The link's logs are stamped as their lines come (vpnd -v and
# pppd nodetach through FIFOs, by builtins only): nothing forks while the
# link recovers but that ping.  Reports, in seconds, per round R and case C:
#	det_C_R	blackhole to the link declared down (vpnd: "up ->
#		stopping"; pppd: "No response to N echo-requests",
#		"Modem hangup" or "Connection terminated", the first)
#	rec_C_R	restore to the first ping answered across
#	up_C_R	restore to vpnd's "-> up" (vpnd cases)
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
: "${BLACKHOLE:=20}"
: "${FP_SECONDS:=60}"
: "${FP_DIRS:=up down}"
CASES="vpndnc howtonc vpnd howto"
IPERF_PORT=5201

command -v tc >/dev/null 2>&1 || skip "tc not found (Debian package iproute2)"
if [ "$FP_SECONDS" != 0 ] && ! command -v iperf3 >/dev/null 2>&1; then
	skip "iperf3 not found (Debian package iperf3)"
fi

bench_sites
conf=$E2E_DIR/vpn.conf
bench_vpnd_conf "$conf" 1 300

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

# link_up PEER LOG: bring PEER's link up, logging into LOG, until hostb
# answers hosta.
link_up()
{
	case $1 in
	vpnd)
		vpnd_launch "$2" "$conf"
		vpnd_drain 0 "$2"
		;;
	howto)
		howto_launch "$2"
		;;
	esac
	wait_for pinged 30 "hostb to answer through $1's link"
}

# link_down PEER: stop PEER's link.
link_down()
{
	case $1 in
	vpnd)	vpnd_stop links_clean ;;
	howto)	howto_stop ;;
	esac
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

# run_case CASE R: one recovery case (see the top of this file).
run_case()
{
	peer=${1%nc}
	log=$E2E_DIR/$1-$2.log
	link_up "$peer" "$log"
	tc -n gwa qdisc add dev wan0 root netem loss 100% ||
	    fail "netem on gwa's wan0"
	now_cs
	tb=$now
	sleep "$BLACKHOLE"
	tc -n gwa qdisc del dev wan0 root || fail "remove netem from gwa's wan0"
	now_cs
	tr=$now
	if [ "$peer" != "$1" ]; then
		ip -n gwa addr flush dev wan0 ||
		    fail "flush wan0's address in gwa"
		ip -n gwa addr add "$SITE_GWA_WAN_IP/24" dev wan0 ||
		    fail "add wan0's address again in gwa"
	fi
	pfifo=$E2E_DIR/ping.fifo
	plog=$E2E_DIR/ping-$1-$2.log
	collect_log "$plog"
	rm -f "$pfifo"
	mkfifo "$pfifo" || fail "mkfifo $pfifo"
	# 1200 at 50 ms: 60 s (with -w, ping would stop at the first "net
	# unreachable" from gwa while the link is down).
	ip netns exec hosta ping -n -i 0.05 -c 1200 "$SITE_HOSTB_IP" \
	    >"$pfifo" 2>&1 &
	pinger=$!
	rec=
	if stamp_lines "$tr" '*bytes from*' <"$pfifo" >"$plog"; then
		rec=$stamp_at
	fi
	kill -TERM "$pinger" 2>/dev/null || :
	# (quietly: sh would say "Terminated")
	{ wait "$pinger"; } 2>/dev/null || :
	[ -n "$rec" ] || fail "$1: no answer across within 60 s of the restore"

	if [ "$peer" = vpnd ]; then
		down=$VPND_DOWN
	else
		down=$HOWTO_DOWN
	fi
	det=$(first_after "$log" "$tb" "$down")
	if [ -z "$det" ] || [ "$det" -gt "$tr" ]; then
		fail "$1: the link was not declared down during the" \
		    "blackhole: $log"
	fi
	det=$((det - tb))
	e2e_report "det_$1_$2" "$(cs_to_s "$det")"
	e2e_report "rec_$1_$2" "$(cs_to_s "$rec")"
	msg="detected $(cs_to_s "$det") s, answered $(cs_to_s "$rec") s after"
	msg="$msg the restore"
	if [ "$peer" = vpnd ]; then
		up=$(first_after "$log" "$tr" '/ -> up/')
		if [ -n "$up" ]; then
			up=$((up - tr))
			e2e_report "up_$1_$2" "$(cs_to_s "$up")"
			msg="$msg (vpnd up at $(cs_to_s "$up") s)"
		fi
	fi
	link_down "$peer"
	step "round $2: $1: $msg; from the blackhole (restore at" \
	    "+$(cs_to_s $((tr - tb))) s):"
	if [ "$peer" = vpnd ]; then
		tl='/ -> |re-dial|network changed|nothing from|timed out'
		timeline "$log" "$tb" "$tl|pppd exited|No response/"
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
	link_up "$1" "$log"
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
	if [ "$1" = vpnd ]; then
		down=$VPND_DOWN
	else
		down=$HOWTO_DOWN
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
	# Rotate the cases one place a round.
	# shellcheck disable=SC2086 # a word list
	set -- $CASES
	k=$(((r - 1) % $#))
	while [ "$k" -gt 0 ]; do
		first=$1
		shift
		set -- "$@" "$first"
		k=$((k - 1))
	done
	for c in "$@"; do
		run_case "$c" "$r"
	done
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
