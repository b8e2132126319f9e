#!/bin/sh
# SPDX-License-Identifier: ISC
#
# vpnd_sdnotify.sh: vpnd as systemd's Type=notify service, against a
# NOTIFY_SOCKET this test reads (syslog-sink -t, one line per datagram,
# with the time it arrived).  systemd is not PID 1 here, so the test is
# the manager's side of sd_notify(3):
#  1. vpnd -D stays in the foreground (the PID started is the one in the
#     pid file), logs nothing to stderr, and sends READY=1 with a STATUS=
#     summary of its links once its control socket answers: vpnctl
#     status works as soon as READY=1 has arrived;
#  2. STATUS= follows the links: the link that dials a closed port shows
#     as backoff with its reason, and nothing is sent twice running;
#  3. WATCHDOG=1 comes from the loop every half WATCHDOG_USEC: never
#     faster, and never later than WATCHDOG_USEC (stretched IT_SLACK
#     times);
#  4. SIGTERM: STOPPING=1 with "stopping" in STATUS=, then exit 0;
#  5. an abstract NOTIFY_SOCKET (@name) works; a WATCHDOG_PID that is not
#     vpnd's leaves the watchdog unfed;
#  6. a NOTIFY_SOCKET or WATCHDOG_USEC vpnd cannot use stops it at start
#     with the reason, exit status 1.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
# shellcheck source=tests/integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"
# shellcheck source=tests/integration/vpnd-lib.sh
. "$top_srcdir/tests/integration/vpnd-lib.sh"

itest_init vpnd_sdnotify
vt_init
SINK=$top_builddir/tests/integration/syslog-sink
VPNCTL=$top_builddir/src/vpnctl
[ -x "$SINK" ] || itest_error "$SINK not built (make check builds it)"
[ -x "$VPNCTL" ] || itest_error "$VPNCTL not built"
itest_topology
itest_keys

conf=$IT_DIR/vpn.conf
sock=$IT_DIR/vpnd.sock
notify=$IT_DIR/notify.sock
nlog=$IT_DIR/notify.out
: >"$IT_DIR/known_hosts"
# The link dials a port of the gateway where nothing listens.
vt_conf "$conf" <<VT_EOF
control-socket	$sock
identity	$IT_KEY
known-hosts	$IT_DIR/known_hosts
link office
	host		$IT_GW_IP:9
	local-ip	10.9.0.1
	remote-ip	10.9.0.2
	backoff		1 2
link spare
	host		$IT_GW_IP:9
	local-ip	10.9.1.1
	remote-ip	10.9.1.2
	autostart	no
VT_EOF

# sink_start SOCKET: the manager's socket, its lines in $nlog (emptied).
sink_pid=
sink_start()
{
	: >"$nlog"
	itest_spawn "$IT_CLI" "$IT_DIR/sink.log" "$SINK" -t "$1" "$nlog"
	sink_pid=$IT_PID
	case $1 in
	@*)
		# Nothing to see in the file system: wait for the bind.
		n=0
		until itest_in_cli grep -qF "${1#@}" /proc/net/unix; do
			n=$((n + 1))
			[ "$n" -lt "$(itest_bound 100)" ] ||
			    itest_error "syslog-sink did not bind $1"
			sleep 0.05
		done
		;;
	*)
		n=0
		until [ -S "$1" ]; do
			n=$((n + 1))
			[ "$n" -lt "$(itest_bound 100)" ] ||
			    itest_error "syslog-sink did not bind $1"
			sleep 0.05
		done
		;;
	esac
}

sink_stop()
{
	kill -TERM "$sink_pid" 2>/dev/null || :
	wait "$sink_pid" 2>/dev/null || :
	itest_untrack "$sink_pid"
}

# wait_notify TEXT SECS: until a datagram holding TEXT arrived.
wait_notify()
{
	end=$(($(date +%s) + $(itest_bound "$2")))
	until grep -qF -- "$1" "$nlog"; do
		[ "$(date +%s)" -le "$end" ] ||
		    itest_fail "no '$1' on the notify socket within" \
		    "$(itest_bound "$2") s"
		vt_alive "$VT_PID" || itest_fail "vpnd exited"
		sleep 0.02
	done
}

# ------------------------------------------------------------------ 1
itest_step "vpnd -D with NOTIFY_SOCKET: READY=1 once the socket answers"
sink_start "$notify"
VT_RUNS=$((VT_RUNS + 1))
VT_LOG=$IT_DIR/vpnd-$VT_RUNS.log
# (env execs vpnd: $IT_PID is vpnd's.)
itest_spawn "$IT_CLI" "$VT_LOG" env NOTIFY_SOCKET="$notify" \
    WATCHDOG_USEC=1000000 "$VPND" -D -v -f "$conf" -p "$IT_DIR/vpnd.pid"
VT_PID=$IT_PID
wait_notify READY=1 5
# At once: READY=1 promises that the control socket listens.
itest_in_cli "$VPNCTL" -s "$sock" status >"$IT_DIR/status.out" 2>&1 ||
    itest_fail "vpnctl status right after READY=1: $(cat "$IT_DIR/status.out")"
grep -q office "$IT_DIR/status.out" || itest_fail "vpnctl status lacks office"
ready=$(grep -F READY=1 "$nlog")
[ "$(printf '%s\n' "$ready" | wc -l)" -eq 1 ] ||
    itest_fail "READY=1 sent more than once: $ready"
case $ready in
*" READY=1 STATUS=0 of 2 links up; office: "*"; spare: down") ;;
*) itest_fail "READY=1 without the links' summary: $ready" ;;
esac
[ "$(cat "$IT_DIR/vpnd.pid")" = "$VT_PID" ] ||
    itest_fail "-D forked: pid file $(cat "$IT_DIR/vpnd.pid"), started $VT_PID"
if grep -q '^vpnd: ' "$VT_LOG"; then
	itest_fail "-D logged to stderr: $(head -n 3 "$VT_LOG")"
fi

# ------------------------------------------------------------------ 2
itest_step "STATUS= follows the links"
wait_notify "STATUS=0 of 2 links up; office: backoff, connect $IT_GW_IP:9: Connection refused; spare: down" 10
# Each STATUS= differs from the one before it.
sed -n 's/^[0-9]* \(READY=1 \|STOPPING=1 \)\{0,1\}STATUS=//p' "$nlog" |
    uniq -d >"$IT_DIR/dups.out"
[ ! -s "$IT_DIR/dups.out" ] ||
    itest_fail "the same STATUS= twice running: $(head -n 1 "$IT_DIR/dups.out")"

# ------------------------------------------------------------------ 3
itest_step "WATCHDOG=1 every 500 ms (WATCHDOG_USEC=1000000)"
n=0
until [ "$(grep -c ' WATCHDOG=1$' "$nlog" || :)" -ge 6 ]; do
	n=$((n + 1))
	[ "$n" -lt "$(itest_bound 100)" ] ||
	    itest_fail "$(grep -c ' WATCHDOG=1$' "$nlog" || :) WATCHDOG=1" \
	    "after $(itest_bound 5) s, want 6"
	sleep 0.05
done
# Intervals between feeds: at least 450 ms (half the interval, less the
# loop's rounding), at most the manager's deadline.
gaps=$(awk '/ WATCHDOG=1$/ { if (last) print $1 - last; last = $1 }' "$nlog")
max=$(itest_bound 1000)
for g in $gaps; do
	[ "$g" -ge 450 ] ||
	    itest_fail "WATCHDOG=1 $g ms after the last: too soon ($gaps)"
	[ "$g" -le "$max" ] ||
	    itest_fail "WATCHDOG=1 $g ms after the last: past $max ms ($gaps)"
done

# ------------------------------------------------------------------ 4
itest_step "SIGTERM: STOPPING=1, then exit 0"
vt_stop
grep -q ' STOPPING=1 STATUS=stopping; ' "$nlog" ||
    itest_fail "no STOPPING=1 with a stopping STATUS=: $(tail -n 3 "$nlog")"
sink_stop

# ------------------------------------------------------------------ 5
itest_step "abstract NOTIFY_SOCKET; a WATCHDOG_PID of another process"
abstract=@pppssh-itest-$IT_TAG
sink_start "$abstract"
VT_RUNS=$((VT_RUNS + 1))
VT_LOG=$IT_DIR/vpnd-$VT_RUNS.log
itest_spawn "$IT_CLI" "$VT_LOG" env NOTIFY_SOCKET="$abstract" \
    WATCHDOG_USEC=200000 WATCHDOG_PID=1 "$VPND" -d -v -f "$conf" \
    -p "$IT_DIR/vpnd.pid"
VT_PID=$IT_PID
wait_notify READY=1 5
sleep 0.5
if grep -q WATCHDOG=1 "$nlog"; then
	itest_fail "fed a watchdog that WATCHDOG_PID=1 says is not vpnd's"
fi
vt_stop
sink_stop

# ------------------------------------------------------------------ 6
itest_step "unusable NOTIFY_SOCKET or WATCHDOG_USEC: exit 1 with why"
for bad in relative soon; do
	rc=0
	case $bad in
	relative)
		want="NOTIFY_SOCKET=relative/path: neither an absolute path nor an @abstract name"
		itest_in_cli env NOTIFY_SOCKET=relative/path "$VPND" -d \
		    -f "$conf" -p "$IT_DIR/vpnd.pid" >"$IT_DIR/bad.out" 2>&1 ||
		    rc=$?
		;;
	soon)
		want="WATCHDOG_USEC=soon: not a number of microseconds"
		itest_in_cli env NOTIFY_SOCKET="$notify" WATCHDOG_USEC=soon \
		    "$VPND" -d -f "$conf" -p "$IT_DIR/vpnd.pid" \
		    >"$IT_DIR/bad.out" 2>&1 || rc=$?
		;;
	esac
	[ "$rc" -eq 1 ] || itest_fail "vpnd with a bad $bad: status $rc, want 1"
	grep -qF "$want" "$IT_DIR/bad.out" ||
	    itest_fail "vpnd does not say '$want': $(cat "$IT_DIR/bad.out")"
done
itest_step "done"
