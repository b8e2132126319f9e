#!/bin/sh
# SPDX-License-Identifier: ISC
#
# vpnd_relay.sh: the relay between the local pppd's pty and the SSH
# channel of the remote pppd is exact.  vpnd dials a real sshd with both
# pppds replaced by tests/integration/streamer: locally as `pppd` (on
# vpnd's raw pty, with vpnd's pppd options in its argv), remotely as the
# `remote-command` (run by sshd through the user's shell); each gets its
# own words through a wrapper script (vt_streamer_wrap).  Each writes
# 64 MiB of a deterministic pseudo-random stream and checks, byte by byte,
# the 64 MiB it receives from the other, both directions at once; both
# must report OK with the full count and the cksum(1) of the stream.
# A lost, duplicated, reordered or changed byte fails the test.
#
# Also: the remote command's stderr and the local pppd's stderr appear in
# vpnd's log, line by line; SIGTERM then takes the link down, vpnd exits
# 0, the remote command ends by itself and no byte arrives late.
#
# The times and MB/s (10^6 bytes/s) of each direction, as the receiving
# streamer measured them, are printed.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
# shellcheck source=tests/integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"
# shellcheck source=tests/integration/vpnd-lib.sh
. "$top_srcdir/tests/integration/vpnd-lib.sh"

itest_init vpnd_relay
vt_init
BYTES=67108864
LINK=relay

itest_topology
itest_keys
itest_sshd_start
KH=$IT_DIR/known_hosts
itest_known_hosts "$KH"

# gw_streamers: PIDs of streamers running in the gateway namespace.
gw_streamers()
{
	for p in $(ip netns pids "$IT_GW"); do
		if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null |
		    grep -qF "$STREAMER stream-out="; then
			echo "$p"
		fi
	done
}

itest_step "expected checksums of both streams"
# Stream 1 goes from the local streamer to the remote one, stream 2 back.
CK1=$("$STREAMER" gen=1 bytes=$BYTES | cksum) || itest_error "streamer gen=1"
CK2=$("$STREAMER" gen=2 bytes=$BYTES | cksum) || itest_error "streamer gen=2"
if [ "${CK1#* }" != "$BYTES" ] || [ "${CK2#* }" != "$BYTES" ]; then
	itest_error "streamer gen: cksum says '$CK1' and '$CK2'"
fi
[ "$CK1" != "$CK2" ] || itest_error "both streams have one checksum"
WANT_LOCAL="OK $BYTES ${CK2%% *}"
WANT_REMOTE="OK $BYTES ${CK1%% *}"

LRES=$IT_DIR/local.result
RRES=$IT_DIR/remote.result
CONF=$IT_DIR/vpn.conf
vt_conf "$CONF" <<EOF
link $LINK
	host		$IT_GW_IP
	port		$IT_SSH_PORT
	user		$IT_USER
	identity	$IT_KEY
	known-hosts	$KH
	local-ip	10.9.0.1
	remote-ip	10.9.0.2
	pppd		$IT_DIR/local.streamer
	remote-command	$IT_DIR/remote.streamer
EOF
vt_streamer_wrap "$IT_DIR/local.streamer" stream-out=1 stream-in=2 \
    "bytes=$BYTES" "result=$LRES"
vt_streamer_wrap "$IT_DIR/remote.streamer" stream-out=2 stream-in=1 \
    "bytes=$BYTES" "result=$RRES"
itest_step "vpnd -t accepts the config"
"$VPND" -t -f "$CONF" 2>"$IT_DIR/check.out" ||
    itest_fail "vpnd -t: $(cat "$IT_DIR/check.out")"

itest_step "vpnd brings the link to ppp, both streamers start"
t0=$(date +%s%N)
vt_start "$CONF"
vt_wait_log "vpnd: link $LINK: auth -> ppp" 20
vt_wait_log "vpnd: link $LINK: remote: streamer: started, sending $BYTES bytes of stream 2, expecting stream 1" 10
vt_wait_log "vpnd: link $LINK: pppd: streamer: started, sending $BYTES bytes of stream 1, expecting stream 2" 10

itest_step "64 MiB each way cross the relay, byte-exact"
end=$(($(date +%s) + 120))
while [ ! -e "$LRES" ] || [ ! -e "$RRES" ]; do
	reason=$(vt_fail_reason "$LINK")
	if [ -n "$reason" ]; then
		sleep 1		# a streamer that failed may still be writing
		itest_fail "the link failed before both results ($reason); local result '$(cat "$LRES" 2>/dev/null)', remote result '$(cat "$RRES" 2>/dev/null)'"
	fi
	vt_alive "$VT_PID" || itest_fail "vpnd exited during the transfer"
	[ "$(date +%s)" -le "$end" ] ||
	    itest_fail "no result after 120 s: local '$(cat "$LRES" 2>/dev/null)', remote '$(cat "$RRES" 2>/dev/null)'"
	sleep 0.05
done
t1=$(date +%s%N)
[ "$(cat "$LRES")" = "$WANT_LOCAL" ] ||
    itest_fail "local streamer (remote -> local): '$(cat "$LRES")', want '$WANT_LOCAL'"
[ "$(cat "$RRES")" = "$WANT_REMOTE" ] ||
    itest_fail "remote streamer (local -> remote): '$(cat "$RRES")', want '$WANT_REMOTE'"
[ -z "$(vt_fail_reason "$LINK")" ] ||
    itest_fail "the link failed: $(vt_fail_reason "$LINK")"

itest_step "speed, as each receiving end measured it"
# "streamer: done: received N bytes in T ms, sent N in T ms"
vt_wait_log "vpnd: link $LINK: remote: streamer: done: received $BYTES bytes in " 5
vt_wait_log "vpnd: link $LINK: pppd: streamer: done: received $BYTES bytes in " 5
ms_up=$(sed -n "s/^vpnd: link $LINK: remote: streamer: done: received $BYTES bytes in \([0-9]*\) ms.*/\1/p" "$VT_LOG")
ms_down=$(sed -n "s/^vpnd: link $LINK: pppd: streamer: done: received $BYTES bytes in \([0-9]*\) ms.*/\1/p" "$VT_LOG")
if [ -z "$ms_up" ] || [ -z "$ms_down" ]; then
	itest_fail "no timing in the streamers' done lines"
fi
echo "	local -> remote: $BYTES bytes in $ms_up ms, $((BYTES / 1000 / (ms_up + 1))) MB/s" >&2
echo "	remote -> local: $BYTES bytes in $ms_down ms, $((BYTES / 1000 / (ms_down + 1))) MB/s" >&2
echo "	vpnd start to both results: $(((t1 - t0) / 1000000)) ms" >&2

itest_step "SIGTERM: link down, vpnd exits 0"
vt_stop
grep -qF "vpnd: link $LINK: ppp -> stopping" "$VT_LOG" ||
    itest_fail "the link did not go from ppp to stopping"
grep -qF "vpnd: link $LINK: stopping -> down: vpnd is shutting down" "$VT_LOG" ||
    itest_fail "no 'stopping -> down: vpnd is shutting down'"
[ "$(vt_count '-> stopping')" -eq 1 ] ||
    itest_fail "the link stopped $(vt_count '-> stopping') times"
[ "$(vt_fail_reason "$LINK")" = "stopping: vpnd is shutting down" ] ||
    itest_fail "the link stopped for: $(vt_fail_reason "$LINK")"

itest_step "the remote streamer ends by itself, no byte arrived late"
end=$(($(date +%s) + 10))
while [ -n "$(gw_streamers)" ]; do
	[ "$(date +%s)" -le "$end" ] ||
	    itest_fail "the remote streamer still runs 10 s after vpnd exited"
	sleep 0.05
done
grep -qxF "vpnd: link $LINK: remote pppd exited with status 0 (ok)" "$VT_LOG" ||
    itest_fail "no 'remote pppd exited with status 0 (ok)' in the log"
[ "$(cat "$LRES")" = "$WANT_LOCAL" ] ||
    itest_fail "local result changed to '$(cat "$LRES")'"
[ "$(cat "$RRES")" = "$WANT_REMOTE" ] ||
    itest_fail "remote result changed to '$(cat "$RRES")'"

itest_step "done"
