# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# Benchmark scenario (runs in the e2e guest, after tests/e2e/guest-lib.sh;
# bench/scale.sh runs it): N links in one vpnd in gwa, all to gwb's one
# sshd (MaxStartups raised above N), keepalive 5 3, backoff 1 10, no nets
# (so no routes: what is measured is vpnd's cost per link).  Link I is
# "sI", interface vpn-sI, PPP addresses 10.64+I/250.I%250.1 (gwa) and .2.
#
#	base	vpnd with no link at all: its RSS (VmRSS, KiB)
#	status	vpnd with STATUS_LINKS links (200) "autostart no", none
#		dialed: `vpnctl status --json` and `vpnctl status` wall
#		times (median of 5), and the same for VPNCTL2 (another
#		build's vpnctl, for a before/after in the same run) if set
#	serial	vpnd with the N links "autostart no", brought up one after
#		the other with `vpnctl up sI --wait`: the serial baseline;
#		its RSS with the first link up (rss1)
#	fleet	vpnd with the N links autostart: launch -> all N up, and
#		the failures ("-> backoff"/"-> hold") on the way
#	idle	with the fleet up, over IDLE_S s (30): vpnd's CPU (utime +
#		stime) and its voluntary context switches per second (each
#		one a wake-up of the one-threaded daemon; the involuntary
#		ones apart), RSS, open fds, `vpnctl status --json` and
#		`vpnctl --version` wall times (median of 3), the bytes
#		libssh2 holds for a session (vpnd logs them as a link comes
#		up; the median); then what wakes vpnd, by strace (WAKE_S s,
#		10), and where its RSS is, by mapping
#	outage	the gateway blackholed BH_S s (30: netem loss 100 % on
#		gwa's wan0), then the time from the path's return until all
#		N are up again, and how many TCP connections sshd saw in
#		that time (its "Connection from" lines: the dials the
#		gateway paid for); then where the RSS is again, and the
#		heap by glibc's malloc_stats() and malloc_trim(0) (gdb)
#
# Reports (e2e_report): n, base_rss, serial_s, fleet_s, fleet_failures,
# rss1, rss, fds, idle_cpu_pct, idle_wakeups, idle_preempted, status_s,
# vpnctl_start_s, ssh_heap, outage_s, outage_dials, outage_failures,
# status_links, status_many_json_s, status_many_s (and status2_many_json_s,
# status2_many_s with VPNCTL2), and rounds=1.  A phase that does not complete within
# LIMIT_S s (900) fails the scenario with what it reached.

# shellcheck disable=SC2154 source=bench/scenarios/lib.sh
. "$top_srcdir/bench/scenarios/lib.sh"

: "${N:=50}"
: "${IDLE_S:=30}"
: "${BH_S:=30}"
: "${LIMIT_S:=900}"
: "${STATUS_LINKS:=200}"
SOCK=$E2E_DIR/vpnd.sock
LOG=$E2E_DIR/scale-vpnd.log

bench_sites
sshd_conf=$E2E_DIR/ssh/sshd_config
# N handshakes at once must not be dropped by sshd's own limit (10:30:100).
printf 'MaxStartups %s\n' $((N * 2 + 10)) >>"$sshd_conf" ||
    fail "MaxStartups in $sshd_conf"
kill -HUP "$SITE_SSHD_PID" || fail "HUP sshd"
wait_for "site_ssh true" 10 "sshd to listen again after SIGHUP"
step "sshd in gwb: MaxStartups $((N * 2 + 10))"

# scale_conf FILE AUTOSTART [COUNT]: the N (or COUNT) links.
scale_conf()
{
	(
		umask 077
		echo "control-socket $SOCK"
		i=1
		while [ "$i" -le "${3:-$N}" ]; do
			a=$((64 + i / 250)).$((i % 250))
			printf 'link s%s\n' "$i"
			printf '\t%s\n' "host $SITE_GWB_WAN_IP" "user root" \
			    "identity $SITE_SSH_KEY" \
			    "known-hosts $SITE_KNOWN_HOSTS" \
			    "local-ip 10.$a.1" "remote-ip 10.$a.2" \
			    "remote-command /usr/sbin/pppd" \
			    "remote-ip-command /sbin/ip" \
			    "keepalive 5 3" "backoff 1 10" "autostart $2"
			i=$((i + 1))
		done
	) >"$1" || fail "write $1"
	"$VPND" -t -f "$1" || fail "vpnd -t refuses $1"
}

# scale_start CONF: vpnd -d -v on CONF in gwa, its log stamped into $LOG
# by a background reader (vpnd never blocks on it); PID in $vpnd.
scale_start()
{
	vpnd_launch "$LOG" "$1"
	scale_t0=$vpnd_t0
	vpnd_drain "$vpnd_t0" "$LOG"
	wait_for "[ -S '$SOCK' ]" 10 "vpnd's control socket"
}

# SCALE_TO: awk that sets `to` to the state a "link NAME: A -> B" line of
# $LOG enters (B without a ": reason"), else to "".
# shellcheck disable=SC2016 # awk's own \$ fields
SCALE_TO='{ to = ""; if ($3 == "link") for (i = 5; i < NF; i++)
    if ($i == "->") { to = $(i + 1); sub(/:$/, "", to); break } }'

# links_up [LINE]: how many links' last transition in $LOG is "-> up",
# counting only links with a transition after $LOG's first LINE lines (0).
links_up()
{
	awk -v from="${1:-0}" "$SCALE_TO"'
	    to != "" { s[$4] = to; if (NR > from) moved[$4] = 1 }
	    END { n = 0; for (l in s) if (s[l] == "up" && moved[l]) n++;
	    print n }' "$LOG"
}

# failures_since LINE: "-> backoff" and "-> down" transitions in $LOG
# after its first LINE lines.
failures_since()
{
	awk -v from="$1" "$SCALE_TO"'
	    NR > from && (to == "backoff" || to == "down") { n++ }
	    END { print n + 0 }' "$LOG"
}

# phase_times FROM TO: the time links spent in each state they left between
# $LOG's lines FROM and TO (TO 0: to the end), as "state mean s (n)",
# in the order of a bring-up: where a fleet's dials wait, and whether an
# admitted dial is slower among others than alone.
phase_times()
{
	awk -v from="$1" -v upto="$2" "$SCALE_TO"'
	    NR > from && (upto == 0 || NR <= upto) && to != "" {
		if ($4 in at) { d[st[$4]] += $1 - at[$4]; c[st[$4]]++ }
		at[$4] = $1; st[$4] = to
	    }
	    END {
		n = split("queued connecting handshake auth ppp routes", o)
		sep = ""
		for (i = 1; i <= n; i++)
			if (c[o[i]] > 0) {
				printf "%s%s %.2f s (%d)", sep, o[i],
				    d[o[i]] / c[o[i]] / 100, c[o[i]]
				sep = ", "
			}
		printf "\n"
	    }' "$LOG"
}

# wait_all_up WHAT [LINE]: poll (1 s) until all N links are up (with a
# transition after LINE: links_up); fail after LIMIT_S s with how many were.
wait_all_up()
{
	_wa_end=$(($(uptime_cs) + LIMIT_S * 100))
	while [ "$(links_up "${2:-0}")" -lt "$N" ]; do
		if [ "$(uptime_cs)" -gt "$_wa_end" ]; then
			fail "$1: only $(links_up "${2:-0}") of $N links up" \
			    "after $LIMIT_S s: $LOG"
		fi
		sleep 1
	done
}

# reasons_since LINE: why links failed after $LOG's first LINE lines (the
# message vpnd logged for the link just before its "-> stopping"),
# counted, most frequent first (the first 8), numbers made alike so they
# group.
reasons_since()
{
	awk -v from="$1" "$SCALE_TO"'
	    $3 != "link" { next }
	    to == "" { m = $0; sub(/^[^:]*: link [^:]*: /, "", m); last[$4] = m }
	    NR > from && to == "stopping" { r = last[$4]; gsub(/[0-9]+/, "N", r);
	    print r }' "$LOG" | sort | uniq -c | sort -rn | head -n 8
}

# proc_field PID KEY: a field of /proc/PID/status, its number only.
proc_field()
{
	sed -n "s/^$2:[[:space:]]*\([0-9]*\).*/\1/p" "/proc/$1/status"
}

# cpu_ticks PID: utime + stime of PID, in clock ticks.
cpu_ticks()
{
	# Fields 14 and 15 after the ")" that ends the command name.
	sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

# ctxsw PID: voluntary context switches of PID: each is a sleep, so a
# wake-up of the one-threaded daemon.  (An involuntary one is the CPU
# taken from it while it ran: preempted/s.)
ctxsw()
{
	proc_field "$1" voluntary_ctxt_switches
}
preempt()
{
	proc_field "$1" nonvoluntary_ctxt_switches
}

# median3_cs CMD...: the median wall time of 3 runs of CMD (output
# discarded), in centiseconds; CMD failing fails the scenario.
median3_cs()
{
	median_cs 3 "$@"
}

# median_cs RUNS CMD...: the median wall time of RUNS (odd) runs of CMD,
# as median3_cs.
median_cs()
{
	_m3=
	_m3n=$1
	shift
	while [ "$_m3n" -gt 0 ]; do
		now_cs
		_m3s=$now
		"$@" >/dev/null || fail "$* failed"
		now_cs
		_m3="$_m3 $((now - _m3s))"
		_m3n=$((_m3n - 1))
	done
	# shellcheck disable=SC2086 # a word list
	printf '%s\n' $_m3 | sort -n | awk '{ v[NR] = $1 }
	    END { print v[int((NR + 1) / 2)] }'
}

# stop_clean: SIGTERM vpnd, no pppd and no vpn- interface left at
# either end.
stop_clean()
{
	kill -TERM "$vpnd" || fail "kill vpnd"
	_sc_rc=0
	child_wait "$vpnd" 60 vpnd || _sc_rc=$?
	[ "$_sc_rc" = 0 ] || fail "vpnd exited with status $_sc_rc after SIGTERM"
	wait "$vpnd_drainer" || :
	wait_for "[ -z \"\$(ns_pids gwa pppd)\" ] &&
	    [ -z \"\$(ns_pids gwb pppd)\" ] &&
	    ! ip -n gwa -o link show type ppp | grep -q . &&
	    ! ip -n gwb -o link show type ppp | grep -q ." 60 \
	    "every pppd and ppp interface to be gone at both ends"
}

# What wakes the idle daemon: strace(1) on vpnd for WAKE_S s (10, after
# the figures above, which it would disturb), each return from ppoll()
# counted by what was ready: a timer (timeout) or the kinds of the ready
# fds (the SSH sockets, the ptys, the ICMP sockets, ...).
wake_sources()
{
	command -v strace >/dev/null 2>&1 || {
		step "wake-up sources: no strace here"
		return 0
	}
	_ws=$E2E_DIR/idle.strace
	strace -qq -e trace=ppoll -p "$vpnd" -o "$_ws" 2>/dev/null &
	_ws_pid=$!
	sleep "${WAKE_S:-10}"
	kill "$_ws_pid" 2>/dev/null || :
	wait "$_ws_pid" 2>/dev/null || :
	# fd -> kind, from /proc: a socket's protocol by its inode.
	_ws_kinds=$E2E_DIR/idle.kinds
	for _fd in "/proc/$vpnd/fd/"*; do
		_t=$(readlink "$_fd") || continue
		case $_t in
		socket:*)
			_ino=${_t#socket:[}
			_ino=${_ino%]}
			_k=socket
			for _p in tcp tcp6 icmp raw unix netlink udp; do
				if grep -q " $_ino " "/proc/$vpnd/net/$_p" \
				    2>/dev/null; then
					_k=$_p
					break
				fi
			done
			;;
		/dev/ptmx | /dev/pts/*) _k=pty ;;
		*) _k=$(basename "$_t") ;;
		esac
		echo "${_fd##*/} $_k"
	done >"$_ws_kinds"
	awk -v s="${WAKE_S:-10}" 'NR == FNR { k[$1] = $2; next }
	    / = 0 \(Timeout\)/ { n["timer"]++; w++; next }
	    / = [0-9]+ \(\[/ { w++; m = $0; sub(/.* = [0-9]+ \(\[/, "", m);
		split("", seen); key = "";
		while (match(m, /fd=[0-9]+/)) {
			f = substr(m, RSTART + 3, RLENGTH - 3);
			kk = (f in k) ? k[f] : "fd";
			if (!(kk in seen)) { seen[kk] = 1;
			    key = key (key == "" ? "" : "+") kk }
			m = substr(m, RSTART + RLENGTH) }
		n[key]++ }
	    END { printf "wake-ups/s by source over %d s (%.2f/s in all):\n",
		s, w / s;
		for (x in n) printf "  %-24s %.2f/s\n", x, n[x] / s }' \
	    "$_ws_kinds" "$_ws"
}

# mem_where LABEL: where vpnd's resident memory is, by mapping (the
# heap, other anonymous memory, each library), from /proc/PID/smaps.
mem_where()
{
	awk -v l="$1" '/^[0-9a-f]+-[0-9a-f]+ / { m = $6; if (m == "") m = "anon";
		sub(/.*\//, "", m); sub(/\.so.*/, "", m); next }
	    /^Rss:/ { r[m] += $2; t += $2 }
	    END { printf "%s: RSS %d KiB:", l, t;
		for (k in r) if (r[k] >= 64) printf " %s %d", k, r[k];
		printf " (KiB; < 64 left out)\n" }' "/proc/$vpnd/smaps"
}

# malloc_where: glibc's own account of vpnd's heap (malloc_stats() into
# vpnd's log, through gdb), then what malloc_trim(0) gives back: how
# much of the RSS is freed memory the heap keeps.  gdb stops vpnd for a
# while: run it last.
malloc_where()
{
	command -v gdb >/dev/null 2>&1 || {
		step "malloc: no gdb here"
		return 0
	}
	_mw0=$(proc_field "$vpnd" VmRSS)
	_mwl=$(wc -l <"$LOG")
	gdb -p "$vpnd" -batch -nx -ex 'call (void)malloc_stats()' \
	    -ex 'call (int)malloc_trim(0)' >/dev/null 2>&1 ||
	    step "gdb on vpnd failed"
	sleep 1
	_mw1=$(proc_field "$vpnd" VmRSS)
	step "malloc_stats (all arenas): $(awk -v from="$_mwl" 'NR > from &&
	    /system bytes|in use bytes/' "$LOG" | tail -n 2 | tr -s ' ' |
	    tr '\n' ';') RSS $_mw0 KiB, $_mw1 KiB after malloc_trim(0)"
}

e2e_report n "$N"

# base: no link.
conf0=$E2E_DIR/vpn0.conf
(umask 077 && echo "control-socket $SOCK" >"$conf0") || fail "write $conf0"
scale_start "$conf0"
sleep 2
base_rss=$(proc_field "$vpnd" VmRSS)
e2e_report base_rss "$base_rss"
step "base: vpnd with no link, RSS $base_rss KiB"
mem_where base
stop_clean

# status: many links configured, none dialed.
confst=$E2E_DIR/vpn-status.conf
scale_conf "$confst" no "$STATUS_LINKS"
scale_start "$confst"
e2e_report status_links "$STATUS_LINKS"
for _sv in "$top_builddir/src/vpnctl" ${VPNCTL2:+"$VPNCTL2"}; do
	_k=status
	[ "$_sv" = "$top_builddir/src/vpnctl" ] || _k=status2
	_j=$(median_cs 5 "$_sv" -s "$SOCK" status --json)
	_t=$(median_cs 5 "$_sv" -s "$SOCK" status)
	e2e_report "${_k}_many_json_s" "$(cs_to_s "$_j")"
	e2e_report "${_k}_many_s" "$(cs_to_s "$_t")"
	step "status of $STATUS_LINKS links (down) by $_sv:" \
	    "--json $(cs_to_s "$_j") s, plain $(cs_to_s "$_t") s;" \
	    "$_sv --version $(cs_to_s "$(median_cs 5 "$_sv" --version)") s"
done
stop_clean

# serial: one link after the other.
confs=$E2E_DIR/vpn-serial.conf
scale_conf "$confs" no
scale_start "$confs"
now_cs
t0=$now
i=1
while [ "$i" -le "$N" ]; do
	"$top_builddir/src/vpnctl" -s "$SOCK" up "s$i" --wait --timeout 120 \
	    >/dev/null || fail "vpnctl up s$i --wait failed: $LOG"
	# One link up: what the first link costs once (the code of
	# libcrypto and libssh2 it faults in) is not a link's.
	if [ "$i" = 1 ]; then
		rss1=$(proc_field "$vpnd" VmRSS)
		e2e_report rss1 "$rss1"
	fi
	i=$((i + 1))
done
now_cs
serial=$((now - t0))
e2e_report serial_s "$(cs_to_s "$serial")"
step "serial: $N links up one after the other in $(cs_to_s "$serial") s"
step "serial: mean time in each state: $(phase_times 0 0)"
stop_clean

# fleet: all at once.
conff=$E2E_DIR/vpn-fleet.conf
scale_conf "$conff" yes
scale_start "$conff"
wait_all_up "fleet bring-up"
now_cs
fleet=$((now - scale_t0))
fleet_fail=$(failures_since 0)
e2e_report fleet_s "$(cs_to_s "$fleet")"
e2e_report fleet_failures "$fleet_fail"
step "fleet: all $N up $(cs_to_s "$fleet") s after launch," \
    "$fleet_fail failures on the way; their reasons:"
reasons_since 0
step "fleet: mean time in each state: $(phase_times 0 0)"

# idle.
sleep 5
c0=$(cpu_ticks "$vpnd")
w0=$(ctxsw "$vpnd")
p0=$(preempt "$vpnd")
now_cs
i0=$now
sleep "$IDLE_S"
c1=$(cpu_ticks "$vpnd")
w1=$(ctxsw "$vpnd")
p1=$(preempt "$vpnd")
now_cs
i1=$now
[ "$(links_up)" = "$N" ] || fail "a link went down while idle: $LOG"
idle_cpu=$(awk -v c=$((c1 - c0)) -v t=$((i1 - i0)) \
    'BEGIN { printf "%.2f", 100 * c / t }')
idle_wk=$(awk -v w=$((w1 - w0)) -v t=$((i1 - i0)) \
    'BEGIN { printf "%.2f", 100 * w / t }')
idle_pre=$(awk -v w=$((p1 - p0)) -v t=$((i1 - i0)) \
    'BEGIN { printf "%.2f", 100 * w / t }')
e2e_report idle_preempted "$idle_pre"
ssh_heap=$(sed -n 's/.*libssh2 holds \([0-9]*\) bytes.*/\1/p' "$LOG" |
    sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : -1 }')
e2e_report ssh_heap "$ssh_heap"
rss=$(proc_field "$vpnd" VmRSS)
fds=$(find "/proc/$vpnd/fd" -mindepth 1 | wc -l)
e2e_report idle_cpu_pct "$idle_cpu"
e2e_report idle_wakeups "$idle_wk"
e2e_report rss "$rss"
e2e_report fds "$fds"
status_cs=$(median3_cs "$top_builddir/src/vpnctl" -s "$SOCK" status --json)
e2e_report status_s "$(cs_to_s "$status_cs")"
# What of it is vpnctl's own start (its shared libraries), no request.
start_cs=$(median3_cs "$top_builddir/src/vpnctl" --version)
e2e_report vpnctl_start_s "$(cs_to_s "$start_cs")"
step "idle $N up: CPU $idle_cpu %, $idle_wk wake-ups/s ($idle_pre" \
    "preempted/s), RSS $rss KiB" \
    "($(((rss - base_rss) / N)) KiB a link above the base;" \
    "$(((rss - rss1) / (N > 1 ? N - 1 : 1))) above one link's), $fds fds," \
    "status --json $(cs_to_s "$status_cs") s (vpnctl --version alone" \
    "$(cs_to_s "$start_cs") s)"
wake_sources
mem_where "idle, $N up"

# outage: the gateway blackholed.
bh_lines=$(wc -l <"$LOG")
tc -n gwa qdisc add dev wan0 root netem loss 100% ||
    fail "netem on gwa's wan0"
step "gateway blackholed for $BH_S s"
sleep "$BH_S"
lines=$(wc -l <"$LOG")
dials0=$(grep -c 'Connection from' "$E2E_DIR/ssh/sshd.log" || :)
tc -n gwa qdisc del dev wan0 root || fail "remove netem from gwa's wan0"
now_cs
t0=$now
down=$(awk -v from="$bh_lines" "$SCALE_TO"'
    NR > from && to != "" { m[$4] = 1 } END { n = 0; for (l in m) n++;
    print n }' "$LOG")
step "path back; $down of $N links noticed the outage"
# Every link must come up again after a transition of its own since the
# blackhole began (a link that never noticed it would not count).
wait_all_up "after the outage" "$bh_lines"
now_cs
outage=$((now - t0))
dials1=$(grep -c 'Connection from' "$E2E_DIR/ssh/sshd.log" || :)
e2e_report outage_s "$(cs_to_s "$outage")"
e2e_report outage_dials $((dials1 - dials0))
e2e_report outage_failures "$(failures_since "$lines")"
step "outage: all $N up again $(cs_to_s "$outage") s after the path" \
    "returned; the gateway saw $((dials1 - dials0)) connections;" \
    "the failures' reasons:"
reasons_since "$bh_lines"
step "outage: mean time in each state after the path returned:" \
    "$(phase_times "$lines" 0)"
mem_where "after the outage, $N up"
malloc_where
stop_clean
e2e_report rounds 1
