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
# vpnd:    vpnd -d -f CONF with `pppd bench-io`, `pppd-options mode=...`
#          and `remote-command bench-io mode=...`.
# OpenSSH: ptyrun bench-io mode=... -- ssh -c aes128-ctr -m hmac-sha2-256
#          GW 'bench-io mode=...': ssh sits on the pty master as vpnd does.
#
# The receiver times its first and last byte (CLOCK_MONOTONIC) and checks
# every byte against the data file; the rate is bytes / (last - first).  The
# ciphers come from sshd's log (LogLevel DEBUG1), for every connection.
#
# Knobs: BENCH_ROUNDS (5), BENCH_BYTES (268435456), BENCH_TIMEOUT (120 s per
# transfer), BENCH_DIRS ("up down"), BENCH_PEERS ("vpnd ssh"), BENCH_PERF
# (set: run vpnd under `perf record -g` in the first vpnd round of each
# direction and print its top symbols).  Prints per-round figures and, per
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
PEERS=${BENCH_PEERS:-vpnd ssh}
VPND=$top_builddir/src/vpnd
BENCH_IO=$top_builddir/bench/bench-io
PTYRUN=$top_builddir/bench/ptyrun
DATA_SIZE=67108864
CUR=
PERF=

itest_init relay-throughput

# Kill the transfer in flight too, then the library's cleanup.
bench_cleanup()
{
	bc_rc=$?
	if [ -n "$CUR" ]; then
		kill -KILL "$CUR" 2>/dev/null || :
		wait "$CUR" 2>/dev/null || :
	fi
	(exit "$bc_rc")
	itest_cleanup
}
trap bench_cleanup EXIT

for f in "$VPND" "$BENCH_IO" "$PTYRUN"; do
	[ -x "$f" ] ||
	    itest_skip "$f is not built: run \`make bench-programs\` in $top_builddir"
done
[ -z "${BENCH_PERF:-}" ] || command -v perf >/dev/null 2>&1 ||
    itest_skip "BENCH_PERF is set but perf is not installed (linux-perf)"

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

# stop_cur: SIGTERM to the transfer's process, reap it (KILL after 10 s).
stop_cur()
{
	if [ -n "$PERF" ] && [ -s "$IT_DIR/vpnd.pid" ]; then
		# perf record ends with its workload.
		kill -TERM "$(cat "$IT_DIR/vpnd.pid")" 2>/dev/null || :
	else
		kill -TERM "$CUR" 2>/dev/null || :
	fi
	sc_n=0
	while [ -r "/proc/$CUR/stat" ] &&
	    ! awk '{ sub(/^.*\) /, ""); exit $1 != "Z" }' "/proc/$CUR/stat"; do
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

# start_vpnd DIR LOG: vpnd in the client namespace, bench-io at both ends
# (under $PERF if set).
start_vpnd()
{
	conf=$IT_DIR/vpn-$1.conf
	# The words of LOCAL and REMOTE are meant to split.
	# shellcheck disable=SC2086
	(
		umask 077
		cat >"$conf" <<EOF
link bench
	host		$IT_GW_IP
	port		$IT_SSH_PORT
	user		$IT_USER
	identity	$IT_KEY
	known-hosts	$KH
	local-ip	10.9.0.1
	remote-ip	10.9.0.2
	pppd		$BENCH_IO
	pppd-options	$LOCAL
	remote-command	$BENCH_IO $REMOTE
	backoff		3600 3600
EOF
	) || itest_error "cannot write $conf"
	"$VPND" -t -f "$conf" 2>>"$2" || itest_error "vpnd -t refuses $conf"
	# PERF is a word list.
	# shellcheck disable=SC2086
	ip netns exec "$IT_CLI" $PERF "$VPND" -d -f "$conf" \
	    -p "$IT_DIR/vpnd.pid" </dev/null >>"$2" 2>&1 9<&- &
	CUR=$!
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
		if [ -r "/proc/$CUR/stat" ] &&
		    awk '{ sub(/^.*\) /, ""); exit $1 != "Z" }' "/proc/$CUR/stat"; then
			itest_fail "$1 exited before the transfer ended: $(tail -n 5 "$log")"
		fi
		waited=$((waited + 1))
		[ "$waited" -le $((TIMEOUT * 20)) ] ||
		    itest_fail "$1 $2: no result after $TIMEOUT s: $(tail -n 5 "$log")"
		sleep 0.05
	done
	# vpnd runs on until stopped: its own CPU (not pppd's) from /proc.
	# ssh may be gone already: ptyrun says what it used.
	[ "$1" != vpnd ] || local_cpu=$(cpu_ticks "$CUR")
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
	printf '  round %s %-4s %-4s %8s MB/s  client %5s CPU-s/GiB  gateway (sshd + bench-io) %5s CPU-s/GiB\n' \
	    "$3" "$2" "$1" "$4" "$5" "$6"
}

# median FILE COLUMN
median()
{
	cut -d' ' -f"$2" "$1" | sort -n | awk '{ v[NR] = $1 }
	    END { if (NR % 2) print v[(NR + 1) / 2];
	    else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# profile DIR: one vpnd transfer under `perf record -g`, not counted; print
# where vpnd's CPU goes.
profile()
{
	PERF="perf record -q -g -o $IT_DIR/perf-$1.data"
	transfer vpnd "$1" 0 >/dev/null
	PERF=
	rm -f "$IT_DIR/vpnd-$1"
	echo "perf: vpnd, $1, share of vpnd's samples by symbol:"
	perf report -q -i "$IT_DIR/perf-$1.data" --no-children \
	    --comm vpnd --sort dso,symbol --stdio -g none 2>/dev/null |
	    grep -v '^$' | head -n 25 | sed 's/^/    /'
}

# ------------------------------------------------------------------- rounds

if [ -n "${BENCH_PERF:-}" ]; then
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
		printf '  %-4s %8s MB/s  client %5s CPU-s/GiB  gateway %5s CPU-s/GiB\n' \
		    "$peer" "$(median "$IT_DIR/$peer-$dir" 1)" \
		    "$(median "$IT_DIR/$peer-$dir" 2)" \
		    "$(median "$IT_DIR/$peer-$dir" 3)"
	done
	case " $PEERS " in
	*" vpnd "*" ssh "* | *" ssh "*" vpnd "*)
		printf '  RATIO %s vpnd/OpenSSH: %s\n' "$dir" "$(awk \
		    -v a="$(median "$IT_DIR/vpnd-$dir" 1)" \
		    -v b="$(median "$IT_DIR/ssh-$dir" 1)" \
		    'BEGIN { printf "%.2fx", a / b }')"
		;;
	esac
done
itest_step "done"
