#!/bin/sh
# SPDX-License-Identifier: ISC
#
# vpnd_hostkey.sh: vpnd checks the gateway's host key strictly, before it
# authenticates.  With an empty known_hosts the link fails with a
# reason that names the key type, the SHA256 fingerprint ssh-keygen -lf
# shows for the gateway's key and the exact known_hosts line to add, and
# waits as a hard failure (backoff cap, "needs attention"); vpnd itself
# stays up, and sshd saw no login.  With that line added, a new
# vpnd gets past the host key: authenticated, channel 1 runs (the stand-in
# pppds exchange data).  After the gateway's key changes, the link is
# refused again with the mismatch message naming the file and line, the
# new fingerprint and the replacement line.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
# shellcheck source=tests/integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"
# shellcheck source=tests/integration/vpnd-lib.sh
. "$top_srcdir/tests/integration/vpnd-lib.sh"

itest_init vpnd_hostkey
vt_init
LINK=hk
NAME="[$IT_GW_IP]:$IT_SSH_PORT"

itest_topology
itest_keys
itest_sshd_start
SSHD_LOG=$IT_DIR/sshd.log

itest_step "the gateway's key as OpenSSH shows it"
FP=$(ssh-keygen -lf "$IT_HOSTKEY.pub" | awk '{ print $2 }')
case $FP in
SHA256:?*) ;;
*) itest_error "ssh-keygen -lf gave no fingerprint: '$FP'" ;;
esac
itest_known_hosts "$IT_DIR/known_hosts.ref"
LINE=$(cat "$IT_DIR/known_hosts.ref")

KH=$IT_DIR/known_hosts
: >"$KH"
CONF=$IT_DIR/vpn.conf
vt_streamer_conf "$CONF" "$LINK" "$IT_KEY" "$KH" 65536

# hard_failure: the link failed once, in state handshake, and waits the
# backoff cap (300 s by default) as a hard failure.
hard_failure()
{
	vt_wait_log "vpnd: link $LINK: stopping -> backoff" 20
	grep -qxF "vpnd: link $LINK: handshake -> stopping" "$VT_LOG" ||
	    itest_fail "the link did not fail in state handshake"
	grep -qxF "vpnd: link $LINK: re-dial in 300.0 s (failure 1 in a row, needs attention)" \
	    "$VT_LOG" || itest_fail "not waiting as a hard failure: $(grep -F 're-dial' "$VT_LOG")"
}

itest_step "empty known_hosts: the link fails, unknown key named"
vt_start "$CONF"
hard_failure
WANT="host key for $NAME is unknown: ssh-ed25519 $FP; after verifying it, add to $KH: $LINE"
GOT=$(vt_fail_reason "$LINK")
[ "$GOT" = "$WANT" ] || itest_fail "reason
  got:  $GOT
  want: $WANT"
[ "$(vt_count "vpnd: link $LINK: handshake -> auth")" -eq 0 ] ||
    itest_fail "vpnd went on to authenticate"

itest_step "vpnd stays up after the link failure; sshd saw no login"
sleep 1
vt_alive "$VT_PID" || itest_fail "vpnd exited after the link failure"
[ "$(vt_count "Accepted publickey" "$SSHD_LOG")" -eq 0 ] ||
    itest_fail "sshd accepted a login: $(grep -F 'Accepted publickey' "$SSHD_LOG")"
vt_stop

itest_step "the suggested line, added, lets a new vpnd past the host key"
SUGGESTED=${GOT##*"add to $KH: "}
[ "$SUGGESTED" = "$LINE" ] || itest_fail "suggested '$SUGGESTED', want '$LINE'"
printf '%s\n' "$SUGGESTED" >>"$KH"
vt_start "$CONF"
vt_wait_log "vpnd: link $LINK: handshake -> auth" 20
vt_wait_log "vpnd: link $LINK: authenticated to $IT_GW_IP:$IT_SSH_PORT as $IT_USER" 20
vt_wait_log "vpnd: link $LINK: auth -> ppp" 20
vt_wait_results "$LINK" 30
[ -z "$(vt_fail_reason "$LINK")" ] ||
    itest_fail "the link failed: $(vt_fail_reason "$LINK")"
[ "$(vt_count "Accepted publickey" "$SSHD_LOG")" -eq 1 ] ||
    itest_fail "sshd logged $(vt_count "Accepted publickey" "$SSHD_LOG") logins, want 1"
vt_stop

itest_step "changed host key: refused, naming file, line and new key"
# A comment first: the line number must be that of the entry.
{
	echo "# the gateway, checked by hand"
	printf '%s\n' "$LINE"
} >"$KH"
itest_hostkey_rotate
itest_step "the changed key is refused"
NEWFP=$(ssh-keygen -lf "$IT_HOSTKEY.pub" | awk '{ print $2 }')
[ "$NEWFP" != "$FP" ] || itest_error "rotation kept the fingerprint"
itest_known_hosts "$IT_DIR/known_hosts.new"
NEWLINE=$(cat "$IT_DIR/known_hosts.new")
rm -f "$IT_DIR/$LINK.local.result" "$IT_DIR/$LINK.remote.result"
vt_start "$CONF"
hard_failure
WANT="host key for $NAME does not match $KH:2 (POSSIBLE MITM): server offers ssh-ed25519 $NEWFP; if the key was changed on purpose, after verifying it, replace that line with: $NEWLINE"
GOT=$(vt_fail_reason "$LINK")
[ "$GOT" = "$WANT" ] || itest_fail "reason
  got:  $GOT
  want: $WANT"
[ "$(vt_count "vpnd: link $LINK: handshake -> auth")" -eq 0 ] ||
    itest_fail "vpnd went on to authenticate"
sleep 1
vt_alive "$VT_PID" || itest_fail "vpnd exited after the link failure"
[ "$(vt_count "Accepted publickey" "$SSHD_LOG")" -eq 1 ] ||
    itest_fail "sshd accepted a login with the changed key"
[ ! -e "$IT_DIR/$LINK.local.result" ] ||
    itest_fail "the local pppd was started"
vt_stop

itest_step "done"
