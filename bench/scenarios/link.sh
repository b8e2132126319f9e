# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# Benchmark scenario (runs in the e2e guest, after tests/e2e/guest-lib.sh;
# bench/link.sh runs it): what a link carries and how long a packet waits
# in it, hosta <-> hostb across both LANs, of
#
#	vpnd	vpnd -d -f vpn.conf in gwa (the link of bench/bringup.sh:
#		keepalive 2 3, compression off).
#	vpnd2	the same configuration run by another vpnd binary, $VPND2
#		(say, one built from the parent commit): a before/after in
#		the same rounds.  Only when PEERS names it.
#	howto	the VPN HOWTO's link with Debian's defaults (what
#		/etc/ppp/options says: Deflate compression is negotiated):
#		  pppd updetach noauth pty "ssh gwb pppd nodetach notty
#		      noauth" A:B
#		then a route at each end; ifname and linkname name the
#		interfaces so the routes and the stop can find them.
#	howtonoccp  the same with noccp at both ends.
#
# ROUNDS rounds (3); in each, every peer of PEERS ("vpnd howto
# howtonoccp") in turn, the order rotated one place a round.  A peer's turn:
#	bring-up	launch to the first ping hosta -> hostb answered
#			(no polling while the link comes up: see bringup.sh)
#	idle RTT	20 pings hosta -> hostb, 0.2 s apart: the median
#	forward		iperf3 -c hostb from hosta for SECONDS s (10), the
#			first OMIT s (2) left out: the receiver's Mbit/s;
#			meanwhile, from 2 s on, pings every 0.2 s: the median
#			RTT under load
#	reverse		the same with iperf3 -R (hostb sends)
# then the link is stopped and checked gone.  iperf3's payload is random
# (nothing compresses).  Reports, per peer P and round R:
#	bu_P_R (s)  rtt_P_R  rttf_P_R  rttr_P_R (ms)  fwd_P_R  rev_P_R (Mbit/s)
#
# QDISC="fq_codel" (or any tc qdisc spec) replaces the root qdisc of the
# PPP interface at both ends, gwa and gwb, once the link of a peer named in
# QDISC_PEERS ("vpnd") is up: the same binary with and without it, say
# PEERS="vpnd vpnd2" and VPND2 the same vpnd.  Each turn prints the
# qdiscs it ran with.
#
# DEFAULT_QDISC="fq_codel" sets the guest's net.core.default_qdisc first,
# for every peer: the qdisc a new PPP interface gets at both ends.  The
# guest runs no systemd, so it is pfifo_fast (a ppp interface's queue is
# 3 packets) unless set; Debian with systemd has fq_codel (systemd's
# sysctl.d/50-default.conf), a Debian without it pfifo_fast.
#
# WAN="8mbit 10ms" makes the WAN, not the guest's CPU, the bottleneck, as
# on a real uplink: netem on wan0 in gwa and in gwb, each way that rate
# and that delay (so twice it as the round trip), with a queue of
# WAN_LIMIT (30) packets, as a modem's.  Then the queue of a transfer
# builds in front of the WAN: in the sender's TCP socket and whatever
# buffers feed it, which is where a relay's buffer sizes show.
#
# HOG=1 runs a CPU-bound process (a shell loop, no system calls) in the
# guest for the whole run: the link shares the guest's one CPU with it.
#
# TRACE=1 adds, after the rounds, one uncounted turn per vpnd peer and per
# HOWTO peer in which every process of the data path (gwa: vpnd and its
# pppd, or the HOWTO's pppd and ssh; gwb: the sshd session's processes and
# the pppds) runs under `strace -c` during a forward and a reverse iperf3;
# the counts are printed with the bytes that crossed gwa's PPP interface
# (both ways, headers included) meanwhile, and reported as calls per MB
# (10^6 bytes): tr_P_DIR_SIDE (SIDE gwa or gwb) and, per
# process, trp_P_DIR_SIDE_COMM.  strace slows what it traces: the rates
# of those turns are not comparable, the calls per MB are.

# top_srcdir comes from the guest's PID 1 (tests/e2e/lib.sh).
# shellcheck disable=SC2154 source=bench/scenarios/lib.sh
. "$top_srcdir/bench/scenarios/lib.sh"

: "${ROUNDS:=3}"
: "${PEERS:=vpnd howto howtonoccp}"
: "${SECONDS_IPERF:=10}"
: "${OMIT:=2}"
: "${HOG:=0}"
: "${TRACE:=0}"
: "${VPND2:=}"
: "${QDISC:=}"
: "${QDISC_PEERS:=vpnd}"
: "${WAN:=}"
: "${WAN_LIMIT:=30}"
: "${DEFAULT_QDISC:=}"
IPERF_PORT=5201
# Debian's /etc/ppp/options says "auth": the HOWTO's pppds both say noauth.
HOWTO_DEBIAN="noauth"

command -v iperf3 >/dev/null 2>&1 ||
    skip "iperf3 not found (Debian package iperf3)"
if [ "$TRACE" = 1 ] && ! command -v strace >/dev/null 2>&1; then
	skip "strace not found (Debian package strace)"
fi
[ "$SECONDS_IPERF" -gt $((OMIT + 3)) ] ||
    fail "SECONDS_IPERF must exceed OMIT + 3"
for p in $PEERS; do
	case $p in
	vpnd | howto | howtonoccp) ;;
	vpnd2)
		[ -x "$VPND2" ] || fail "PEERS has vpnd2 but VPND2 is" \
		    "\"$VPND2\", not an executable"
		;;
	*) fail "unknown peer $p" ;;
	esac
done

if [ -n "$DEFAULT_QDISC" ]; then
	sysctl -qw net.core.default_qdisc="$DEFAULT_QDISC" ||
	    fail "net.core.default_qdisc=$DEFAULT_QDISC"
fi
step "net.core.default_qdisc: $(sysctl -n net.core.default_qdisc)"

bench_sites
if [ -n "$WAN" ]; then
	for ns in gwa gwb; do
		ip netns exec "$ns" tc qdisc replace dev wan0 root netem \
		    delay "${WAN#* }" rate "${WAN%% *}" limit "$WAN_LIMIT" ||
		    fail "netem on $ns's wan0: delay ${WAN#* } rate ${WAN%% *}"
	done
	step "WAN: $(ip netns exec gwa tc qdisc show dev wan0 root)"
fi
conf=$E2E_DIR/vpn.conf
bench_vpnd_conf "$conf" 3600 3600
VPND1=$VPND

ilog=$E2E_DIR/iperf3-server.log
collect_log "$ilog"
ip netns exec hostb iperf3 -s -p "$IPERF_PORT" >"$ilog" 2>&1 &
iperf_server=$!
wait_for "ip netns exec hostb ss -Htln sport = :$IPERF_PORT | grep -q ." \
    10 "iperf3 to listen in hostb"

hog=
if [ "$HOG" = 1 ]; then
	sh -c 'while :; do :; done' &
	hog=$!
	step "a CPU-bound process (pid $hog) shares the guest's CPU"
fi

# link_up P LOG: bring peer P's link up and wait for hostb to answer; the
# centiseconds from launch to that answer in $bu.
link_up()
{
	case $1 in
	vpnd | vpnd2)
		if [ "$1" = vpnd2 ]; then
			VPND=$VPND2
		fi
		vpnd_up "$2" "$conf"
		VPND=$VPND1
		[ -n "$vpnd_upat" ] || fail "$1's link did not come up: $2"
		t0=$vpnd_t0
		;;
	howto)
		howto_up "$2" "$HOWTO_DEBIAN"
		t0=$howto_t0
		;;
	howtonoccp)
		howto_up "$2" "$HOWTO_DEBIAN noccp"
		t0=$howto_t0
		;;
	esac
	wait_for pinged 30 "hostb to answer through $1's link"
	now_cs
	bu=$((now - t0))
	case $1 in
	vpnd*)	_lu_a=$VPND_IF _lu_b=$VPND_IF ;;
	*)	_lu_a=$HOWTO_IF_A _lu_b=$HOWTO_IF_B ;;
	esac
	case " $QDISC_PEERS " in
	*" $1 "*)
		if [ -n "$QDISC" ]; then
			# shellcheck disable=SC2086 # a tc qdisc spec
			ip netns exec gwa tc qdisc replace dev "$_lu_a" root \
			    $QDISC || fail "tc qdisc $QDISC on gwa's $_lu_a"
			# shellcheck disable=SC2086 # a tc qdisc spec
			ip netns exec gwb tc qdisc replace dev "$_lu_b" root \
			    $QDISC || fail "tc qdisc $QDISC on gwb's $_lu_b"
		fi
		;;
	esac
	step "$1: qdisc gwa: $(ip netns exec gwa tc qdisc show dev "$_lu_a" |
	    head -n 1); gwb: $(ip netns exec gwb tc qdisc show dev "$_lu_b" |
	    head -n 1)"
}

# link_down P: stop peer P's link; nothing of it may be left.
link_down()
{
	case $1 in
	vpnd | vpnd2)	vpnd_stop all_clean ;;
	*)		howto_down ;;
	esac
}

# rtt_median FILE: the median of ping's "time=" values in FILE, in ms ("-"
# if none).
rtt_median()
{
	sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' "$1" | sort -n |
	    awk '{ v[NR] = $1 } END { if (NR == 0) print "-";
	    else if (NR % 2) print v[(NR + 1) / 2];
	    else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# pings COUNT FILE: COUNT pings hosta -> hostb, 0.2 s apart, into FILE.
pings()
{
	ip netns exec hosta ping -n -i 0.2 -W 2 -c "$1" "$SITE_HOSTB_IP" \
	    >"$2" 2>&1 || :
}

# iperf_rate FILE: the receiver's Mbit/s in iperf3's output FILE ("-").
iperf_rate()
{
	awk '/receiver/ { for (i = 1; i < NF; i++)
	    if ($(i + 1) == "Mbits/sec") r = $i } END { print r == "" ? "-" : r }' "$1"
}

# load DIR OUT PINGOUT: one iperf3 run (DIR fwd or rev) into OUT; from 2 s
# in, pings into PINGOUT until 1 s before it ends.
load()
{
	_ld_rev=
	[ "$1" = fwd ] || _ld_rev=-R
	# shellcheck disable=SC2086 # $_ld_rev is empty or one word
	ip netns exec hosta timeout $((SECONDS_IPERF + 30)) iperf3 -c \
	    "$SITE_HOSTB_IP" -p "$IPERF_PORT" -t "$SECONDS_IPERF" -O "$OMIT" \
	    -f m $_ld_rev >"$2" 2>&1 &
	_ld_pid=$!
	sleep 2
	pings $(((SECONDS_IPERF - 3) * 5)) "$3"
	_ld_rc=0
	wait "$_ld_pid" || _ld_rc=$?
	[ "$_ld_rc" = 0 ] || fail "iperf3 $1 failed ($_ld_rc): $(tail -n 3 "$2")"
}

# turn P R: one peer's turn of round R (see the top of this file).
turn()
{
	d=$E2E_DIR/$1-$2
	mkdir -p "$d"
	collect_log "$d/fwd.log"
	collect_log "$d/rev.log"
	link_up "$1" "$d/link.log"
	pings 20 "$d/idle.ping"
	load fwd "$d/fwd.log" "$d/fwd.ping"
	load rev "$d/rev.log" "$d/rev.ping"
	link_down "$1"
	rtt=$(rtt_median "$d/idle.ping")
	rttf=$(rtt_median "$d/fwd.ping")
	rttr=$(rtt_median "$d/rev.ping")
	fwd=$(iperf_rate "$d/fwd.log")
	rev=$(iperf_rate "$d/rev.log")
	e2e_report "bu_$1_$2" "$(cs_to_s "$bu")"
	e2e_report "rtt_$1_$2" "$rtt"
	e2e_report "rttf_$1_$2" "$rttf"
	e2e_report "rttr_$1_$2" "$rttr"
	e2e_report "fwd_$1_$2" "$fwd"
	e2e_report "rev_$1_$2" "$rev"
	step "round $2: $1: up $(cs_to_s "$bu") s, idle RTT $rtt ms;" \
	    "forward $fwd Mbit/s (RTT $rttf ms), reverse $rev Mbit/s" \
	    "(RTT $rttr ms)"
}

# trace_pids P: the PIDs of P's data path, "SIDE:PID" a word.
trace_pids()
{
	case $1 in
	vpnd*)	echo "gwa:$vpnd" ;;
	*)	for _tp in $(ns_pids gwa ssh); do echo "gwa:$_tp"; done ;;
	esac
	for _tp in $(ns_pids gwa pppd); do echo "gwa:$_tp"; done
	for _tp in $(ns_pids gwb sshd) $(ns_pids gwb pppd); do
		[ "$_tp" = "$SITE_SSHD_PID" ] || echo "gwb:$_tp"
	done
}

# if_bytes P: the bytes P's interface in gwa has sent and received.
if_bytes()
{
	case $1 in
	vpnd*)	_ib=$VPND_IF ;;
	*)	_ib=$HOWTO_IF_A ;;
	esac
	echo $(($(ns_stat gwa "$_ib" tx_bytes) + $(ns_stat gwa "$_ib" rx_bytes)))
}

# trace_turn P: one uncounted turn of P with its data path under strace.
trace_turn()
{
	d=$E2E_DIR/trace-$1
	mkdir -p "$d"
	link_up "$1" "$d/link.log"
	for dir in fwd rev; do
		tracers=
		: >"$d/$dir.procs"
		for sp in $(trace_pids "$1"); do
			side=${sp%%:*}
			pid=${sp#*:}
			comm=$(cat "/proc/$pid/comm") || continue
			printf '%s %s %s\n' "$side" "$pid" "$comm" \
			    >>"$d/$dir.procs"
			strace -c -f -o "$d/$dir.$pid" -p "$pid" 2>/dev/null &
			tracers="$tracers $!"
		done
		sleep 1
		b0=$(if_bytes "$1")
		load "$dir" "$d/$dir.log" "$d/$dir.ping"
		# shellcheck disable=SC2086 # a list of PIDs
		kill -INT $tracers 2>/dev/null || :
		for t in $tracers; do
			wait "$t" || :
		done
		mb=$(awk -v a="$b0" -v b="$(if_bytes "$1")" \
		    'BEGIN { printf "%.3f", (b - a) / 1e6 }')
		step "trace: $1 $dir: $mb MB through gwa's interface at" \
		    "$(iperf_rate "$d/$dir.log") Mbit/s; system calls per MB," \
		    "by process:"
		for side in gwa gwb; do
			sum=0
			while read -r s pid comm; do
				[ "$s" = "$side" ] || continue
				f=$d/$dir.$pid
				n=$(awk '$NF == "total" { print $4 }' "$f")
				[ -n "$n" ] || n=0
				per=$(awk -v n="$n" -v mb="$mb" 'BEGIN {
				    printf "%.0f", (mb > 0 ? n / mb : 0) }')
				sum=$((sum + per))
				e2e_report "trp_$1_${dir}_${side}_${comm}_$pid" "$per"
				echo "  $side $comm ($pid): $n calls, $per per MB; top:"
				# calls in column 4, errors (if any) in 5.
				awk -v mb="$mb" 'NR > 2 && $1 !~ /^-/ &&
				    $NF != "total" { e = NF == 6 ? $5 : 0
				    printf "    %-16s %8d %7.0f/MB  (%d errors)\n",
				    $NF, $4, (mb > 0 ? $4 / mb : 0), e }' "$f" |
				    head -n 10
			done <"$d/$dir.procs"
			e2e_report "tr_$1_${dir}_$side" "$sum"
		done
	done
	link_down "$1"
}

pinged && fail "hostb answers hosta before there is a link"
r=1
while [ "$r" -le "$ROUNDS" ]; do
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
		turn "$p" "$r"
	done
	r=$((r + 1))
done
e2e_report rounds "$ROUNDS"

if [ "$TRACE" = 1 ]; then
	for p in $PEERS; do
		trace_turn "$p"
	done
fi
[ -z "$hog" ] || kill "$hog" || :
kill "$iperf_server" || :
