#!/bin/sh
# SPDX-License-Identifier: ISC
#
# relay-throughput.sh: bytes per second through vpnd's pty <-> channel relay,
# as a ratio to the OpenSSH client moving the same bytes over the same cipher
# to the same sshd, both on a pty, both directions, alternating round by
# round.  Host tier: two namespaces and a real sshd (tests/integration/lib.sh);
# no PPP is needed, bench-io stands in for pppd at both ends.
#
#	up	pty -> remote: bench-io mode=send on the pty (vpnd's "pppd",
#		or ptyrun's slave for ssh), bench-io mode=recv as the remote
#		command.
#	down	remote -> pty: the other way round.
#
# vpnd:    vpnd -d -f CONF with `pppd IO`, IO a script running
#          `bench-io "$@" mode=...` (pppd-options takes only pppd options),
#          and `remote-command bench-io mode=...`.
# OpenSSH: ptyrun bench-io mode=... -- ssh -c aes128-ctr -m hmac-sha2-256
#          GW 'bench-io mode=...': ssh sits on the pty master as vpnd does.
#
# The receiver times its first and last byte (CLOCK_MONOTONIC) and checks
# every byte against the data file; the rate is bytes / (last - first).  The
# ciphers come from sshd's log (LogLevel DEBUG1), for every connection.
#
# Knobs: BENCH_ROUNDS (5), BENCH_BYTES (268435456), BENCH_TIMEOUT (120 s per
# transfer), BENCH_DIRS ("up down"), BENCH_VPND2 (another vpnd binary, say
# one built from the previous commit: it runs as peer "vpnd2" in the same
# rounds, for a before/after on equal terms), BENCH_PEERS ("vpnd ssh", or
# "vpnd vpnd2 ssh" with BENCH_VPND2),
# BENCH_PROFILE (perf: before the rounds, one more vpnd transfer each way
# under `perf record -g`, not counted, and vpnd's top symbols; strace: the
# same under strace, and vpnd's system calls per MB moved with their mean
# size).  Prints per-round figures and, per
# direction, the medians and the ratio vpnd / OpenSSH.  Exit 0 when every
# transfer completed intact, 77 when it cannot run here, else 1 or 99.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
# shellcheck source=tests/integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"

ROUNDS=${BENCH_ROUNDS:-5}
BYTES=${BENCH_BYTES:-268435456}
TIMEOUT=${BENCH_TIMEOUT:-120}
DIRS=${BENCH_DIRS:-up down}
VPND2=${BENCH_VPND2:-}
if [ -n "$VPND2" ]; then
	PEERS=${BENCH_PEERS:-vpnd vpnd2 ssh}
else
	PEERS=${BENCH_PEERS:-vpnd ssh}
fi
VPND=$top_builddir/src/vpnd
BENCH_IO=$top_builddir/bench/bench-io
PTYRUN=$top_builddir/bench/ptyrun
DATA_SIZE=67108864
CUR=
WRAP=

itest_init relay-throughput

# Kill the transfer in flight too, then the library's cleanup.
bench_cleanup()
{
	bc_rc=$?
	# set -e holds in a trap too: (exit N) below must not end the shell.
	set +e
	if [ -n "$CUR" ]; then
		kill -KILL "$CUR" 2>/dev/null || :
		wait "$CUR" 2>/dev/null || :
	fi
	(exit "$bc_rc")
	itest_cleanup	# reads $? first, exits with it
}
trap bench_cleanup EXIT

for f in "$VPND" "$BENCH_IO" "$PTYRUN" ${VPND2:+"$VPND2"}; do
	[ -x "$f" ] ||
	    itest_skip "$f is not built: run \`make bench-programs\` in $top_builddir"
done
case ${BENCH_PROFILE:-} in
'') ;;
perf | strace)
	command -v "$BENCH_PROFILE" >/dev/null 2>&1 ||
	    itest_skip "BENCH_PROFILE=$BENCH_PROFILE: not installed"
	;;
*)	itest_error "BENCH_PROFILE must be perf or strace" ;;
esac

itest_step "make $DATA_SIZE bytes of random data"
DATA=$IT_DIR/data
head -c "$DATA_SIZE" /dev/urandom >"$DATA" || itest_error "cannot make $DATA"
chmod 0644 "$DATA"

itest_topology
itest_keys
itest_sshd_start "LogLevel DEBUG1"
KH=$IT_DIR/known_hosts
itest_known_hosts "$KH"
SSHD_LOG=$IT_DIR/sshd.log

# ------------------------------------------------------------------ helpers

# cpu_ticks PID: utime + stime of PID (a live process or a zombie).
cpu_ticks()
{
	awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

# sshd_child_ticks: the CPU of every finished session of our sshd (and of
# what the sessions ran), from the listener's cutime + cstime.
sshd_child_ticks()
{
	awk '{ sub(/^.*\) /, ""); print $14 + $15 }' "/proc/$IT_SSHD_PID/stat"
}

# sessions_gone: no sshd session process left in the gateway namespace.
sessions_gone()
{
	for sg_p in $(ip netns pids "$IT_GW"); do
		[ "$sg_p" != "$IT_SSHD_PID" ] || continue
		[ "$(cat "/proc/$sg_p/comm" 2>/dev/null)" != sshd ] || return 1
	done
	return 0
}

# gone PID: PID has exited (a zombie, or reaped already).
gone()
{
	[ -r "/proc/$1/stat" ] || return 0
	awk '{ sub(/^.*\) /, ""); exit $1 != "Z" }' "/proc/$1/stat" 2>/dev/null ||
	    [ ! -r "/proc/$1/stat" ]
}

# stop_cur: SIGTERM to the transfer's process, reap it (KILL after 10 s).
stop_cur()
{
	if [ -n "$WRAP" ] && [ -s "$IT_DIR/vpnd.pid" ]; then
		# perf and strace end with their workload.
		kill -TERM "$(cat "$IT_DIR/vpnd.pid")" 2>/dev/null || :
	else
		kill -TERM "$CUR" 2>/dev/null || :
	fi
	sc_n=0
	until gone "$CUR"; do
		sc_n=$((sc_n + 1))
		if [ "$sc_n" -gt 200 ]; then
			echo "bench: pid $CUR ignored SIGTERM, killing it" >&2
			kill -KILL "$CUR" 2>/dev/null || :
			break
		fi
		sleep 0.05
	done
	wait "$CUR" 2>/dev/null || :
	CUR=
	# Let the session end at the gateway, so its CPU is counted.
	sc_n=0
	until sessions_gone; do
		sc_n=$((sc_n + 1))
		[ "$sc_n" -lt 200 ] ||
		    itest_fail "sshd sessions still running 10 s after the transfer"
		sleep 0.05
	done
}

# ends DIR: set SEND and RECV, the bench-io words of each end.
ends()
{
	SEND="mode=send bytes=$BYTES data=$DATA"
	RECV="mode=recv bytes=$BYTES data=$DATA out=$RES"
	if [ "$1" = up ]; then
		LOCAL=$SEND
		REMOTE=$RECV
	else
		LOCAL=$RECV
		REMOTE=$SEND
	fi
}

# start_vpnd DIR LOG [VPND]: vpnd (or VPND) in the client namespace,
# bench-io at both ends (under the $WRAP command if set).
start_vpnd()
{
	vpnd=${3:-$VPND}
	conf=$IT_DIR/vpn-$1.conf
	# The words of LOCAL and REMOTE are meant to split.
	# shellcheck disable=SC2086
	(
		umask 077
		printf '#!/bin/sh\nexec %s "$@" %s\n' "$BENCH_IO" "$LOCAL" \
		    >"$IT_DIR/io-$1" && chmod 0700 "$IT_DIR/io-$1"
		cat >"$conf" <<EOF
link bench
	host		$IT_GW_IP
	port		$IT_SSH_PORT
	user		$IT_USER
	identity	$IT_KEY
	known-hosts	$KH
	local-ip	10.9.0.1
	remote-ip	10.9.0.2
	pppd		$IT_DIR/io-$1
	remote-command	$BENCH_IO $REMOTE
	backoff		3600 3600
EOF
	) || itest_error "cannot write $conf"
	"$vpnd" -t -f "$conf" 2>>"$2" || itest_error "vpnd -t refuses $conf"
	# WRAP is a word list.
	# shellcheck disable=SC2086
	ip netns exec "$IT_CLI" $WRAP "$vpnd" -d -f "$conf" \
	    -p "$IT_DIR/vpnd.pid" </dev/null >>"$2" 2>&1 9<&- &
	CUR=$!
}

# start_vpnd2 DIR LOG: the same with $VPND2.
start_vpnd2()
{
	start_vpnd "$1" "$2" "$VPND2"
}

# start_ssh DIR LOG: ptyrun bench-io -- ssh ... bench-io, in the client
# namespace.
start_ssh()
{
	# shellcheck disable=SC2086
	ip netns exec "$IT_CLI" "$PTYRUN" -r "$RES.cpu" "$BENCH_IO" $LOCAL -- \
	    ssh -F /dev/null -i "$IT_KEY" \
	    -c aes128-ctr -m hmac-sha2-256 -o Compression=no \
	    -o IdentitiesOnly=yes -o IdentityAgent=none \
	    -o UserKnownHostsFile="$KH" -o GlobalKnownHostsFile=/dev/null \
	    -o StrictHostKeyChecking=yes -o UpdateHostKeys=no \
	    -o CheckHostIP=no -o BatchMode=yes -o ControlMaster=no \
	    -o ControlPath=none -o LogLevel=ERROR \
	    -T -e none -p "$IT_SSH_PORT" -l "$IT_USER" "$IT_GW_IP" \
	    "$BENCH_IO $REMOTE" 2>>"$2" 9<&- &
	CUR=$!
}

# transfer PEER DIR ROUND: one transfer; appends "rate cpu remote_cpu" to
# $IT_DIR/PEER-DIR and the negotiated ciphers to $IT_DIR/cipher-PEER.
transfer()
{
	RES=$IT_DIR/res-$1-$2-$3
	log=$IT_DIR/$1-$2-$3.log
	ends "$2"
	rm -f "$RES"
	itest_step "round $3: $1 $2"
	before_log=$(wc -l <"$SSHD_LOG")
	before_remote=$(sshd_child_ticks)
	"start_$1" "$2" "$log"
	waited=0
	while [ ! -e "$RES" ]; do
		if gone "$CUR" && [ ! -e "$RES" ]; then
			itest_fail "$1 exited before the transfer ended: $(tail -n 5 "$log")"
		fi
		waited=$((waited + 1))
		[ "$waited" -le $((TIMEOUT * 20)) ] ||
		    itest_fail "$1 $2: no result after $TIMEOUT s: $(tail -n 5 "$log")"
		sleep 0.05
	done
	# vpnd runs on until stopped: its own CPU (not pppd's) from /proc.
	# ssh may be gone already: ptyrun says what it used.
	[ "$1" = ssh ] || local_cpu=$(cpu_ticks "$CUR")
	stop_cur
	if [ "$1" = ssh ]; then
		read -r w1 local_ns <"$RES.cpu" ||
		    itest_fail "ptyrun wrote no CPU time"
		local_cpu=$((local_ns * $(getconf CLK_TCK) / 1000000000))
	fi
	remote_cpu=$(($(sshd_child_ticks) - before_remote))
	read -r w1 bytes w2 first w3 last <"$RES" || :
	if [ "$w1" != bytes ] || [ "$w2" != first_ns ] || [ "$w3" != last_ns ]; then
		itest_fail "$1 $2: $(cat "$RES")"
	fi
	[ "$bytes" = "$BYTES" ] || itest_fail "$1 $2: $bytes bytes, want $BYTES"
	# MB/s (10^6), and CPU seconds per GiB moved at each end.
	line=$(awk -v b="$bytes" -v f="$first" -v l="$last" -v c="$local_cpu" \
	    -v r="$remote_cpu" -v hz="$(getconf CLK_TCK)" 'BEGIN {
		gib = b / 1073741824
		printf "%.1f %.2f %.2f", b / ((l - f) / 1e9) / 1e6,
		    c / hz / gib, r / hz / gib }')
	echo "$line" >>"$IT_DIR/$1-$2"
	tail -n +"$((before_log + 1))" "$SSHD_LOG" | sed -n \
	    's/.*kex: \([a-z]*->[a-z]*\) cipher: \([^ ]*\) MAC: \([^ ]*\) .*/\1 \2 \3/p' |
	    sort -u >"$IT_DIR/cipher-$1-$2-$3"
	[ -s "$IT_DIR/cipher-$1-$2-$3" ] ||
	    itest_fail "no kex line for the $1 connection in $SSHD_LOG"
	# shellcheck disable=SC2086 # three figures
	set -- "$1" "$2" "$3" $line
	printf '  round %s %-4s %-5s %8s MB/s  client %5s CPU-s/GiB  gateway (sshd + bench-io) %5s CPU-s/GiB\n' \
	    "$3" "$2" "$1" "$4" "$5" "$6"
}

# median FILE COLUMN
median()
{
	cut -d' ' -f"$2" "$1" | sort -n | awk '{ v[NR] = $1 }
	    END { if (NR % 2) print v[(NR + 1) / 2];
	    else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# profile DIR: one vpnd transfer under perf or strace, not counted; print
# where vpnd's CPU goes, or its system calls.
profile()
{
	pf=$IT_DIR/$BENCH_PROFILE-$1
	if [ "$BENCH_PROFILE" = perf ]; then
		WRAP="perf record -q -g -o $pf"
	else
		WRAP="strace -qq -e trace=read,write,recvfrom,sendto,ppoll,poll -o $pf"
	fi
	transfer vpnd "$1" 0 >/dev/null
	WRAP=
	rm -f "$IT_DIR/vpnd-$1"
	if [ "$BENCH_PROFILE" = perf ]; then
		echo "perf: vpnd, $1, share of vpnd's samples by symbol:"
		perf report -q -i "$pf" --no-children --comm vpnd \
		    --sort dso,symbol --stdio -g none 2>/dev/null |
		    grep -v '^$' | head -n 25 | sed 's/^/    /'
		return
	fi
	echo "strace: vpnd, $1, $BYTES bytes: calls per MB, mean bytes per call:"
	# name(fd, ...) = result: count the calls and sum positive results.
	awk -v mb="$BYTES" '
	    match($0, /^[a-z0-9_]+\(/) {
		name = substr($0, 1, RLENGTH - 1)
		n = split($0, w, " = ")
		res = w[n] + 0
		key = name
		if (name == "read" || name == "write") {
			fd = substr($0, RLENGTH + 1) + 0
			key = name ":fd" fd
		}
		calls[key]++
		if (res > 0 && name != "ppoll" && name != "poll")
			bytes[key] += res
		if (res < 0 || $0 ~ /EAGAIN/)
			again[key]++
	    }
	    END {
		for (k in calls)
			printf "    %-16s %8.1f calls/MB  %8.0f B/call  %5.1f%% EAGAIN\n",
			    k, calls[k] / (mb / 1e6),
			    bytes[k] / (calls[k] - again[k] + (calls[k] == again[k])),
			    100 * again[k] / calls[k]
	    }' "$pf" | sort -k2 -rn
}

# ------------------------------------------------------------------- rounds

if [ -n "${BENCH_PROFILE:-}" ]; then
	for dir in $DIRS; do
		profile "$dir"
	done
fi

echo "relay-throughput: $ROUNDS rounds of $BYTES bytes each way," \
    "alternating $(echo "$PEERS" | sed 's/ / and /g')"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	# Odd rounds in the given order, even rounds reversed.
	order=$PEERS
	[ $((r % 2)) = 1 ] || order=$(echo "$PEERS" | awk '{ for (i = NF; i > 0; i--) printf "%s ", $i }')
	for dir in $DIRS; do
		for peer in $order; do
			transfer "$peer" "$dir" "$r"
		done
	done
	r=$((r + 1))
done

# ------------------------------------------------------------------ results

echo
for peer in $PEERS; do
	ciphers=$(cat "$IT_DIR"/cipher-"$peer"-* | sort -u |
	    awk '{ printf "%s%s %s/%s", sep, $1, $2, $3; sep = ", " }')
	echo "cipher negotiated by $peer (sshd's log, every round): $ciphers"
done
echo
for dir in $DIRS; do
	case $dir in
	up)	what="uplink (pty -> remote)" ;;
	*)	what="downlink (remote -> pty)" ;;
	esac
	echo "$what, medians of $ROUNDS:"
	for peer in $PEERS; do
		printf '  %-5s %8s MB/s  client %5s CPU-s/GiB  gateway %5s CPU-s/GiB\n' \
		    "$peer" "$(median "$IT_DIR/$peer-$dir" 1)" \
		    "$(median "$IT_DIR/$peer-$dir" 2)" \
		    "$(median "$IT_DIR/$peer-$dir" 3)"
	done
	case " $PEERS " in
	*" ssh "*)
		for peer in $PEERS; do
			[ "$peer" != ssh ] || continue
			printf '  RATIO %s %s/OpenSSH: %s\n' "$dir" "$peer" "$(awk \
			    -v a="$(median "$IT_DIR/$peer-$dir" 1)" \
			    -v b="$(median "$IT_DIR/ssh-$dir" 1)" \
			    'BEGIN { printf "%.2fx", a / b }')"
		done
		;;
	esac
done
itest_step "done"
