#!/bin/sh
# SPDX-License-Identifier: ISC
#
# vpnd_auth.sh: why a link fails before PPP is told apart.  The right
# identity authenticates (the control).  Another ed25519 key, not in the
# gateway's authorized_keys, fails the link in state auth with the
# authentication reason of src/ssh.c (SSH_FAIL_AUTH: "public key
# authentication as USER with FILE refused by the server"), not a network
# one: it waits the backoff cap as a hard failure; sshd accepted no login.
# With no sshd listening, the link fails from state connecting with
# "connect ADDR:PORT: Connection refused", a network failure: re-dialed
# after the backoff minimum, and failing the same way again.  vpnd stays
# up after each failure and exits 0 on SIGTERM.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
# shellcheck source=tests/integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"
# shellcheck source=tests/integration/vpnd-lib.sh
. "$top_srcdir/tests/integration/vpnd-lib.sh"

itest_init vpnd_auth
vt_init
LINK=auth

itest_topology
itest_keys
itest_sshd_start
SSHD_LOG=$IT_DIR/sshd.log
KH=$IT_DIR/known_hosts
itest_known_hosts "$KH"

itest_step "the right identity authenticates"
CONF=$IT_DIR/vpn.conf
vt_streamer_conf "$CONF" "$LINK" "$IT_KEY" "$KH" 4096
vt_start "$CONF"
vt_wait_log "vpnd: link $LINK: authenticated to $IT_GW_IP:$IT_SSH_PORT as $IT_USER" 20
vt_wait_log "vpnd: link $LINK: auth -> ppp" 20
vt_wait_results "$LINK" 30
[ "$(vt_count "Accepted publickey" "$SSHD_LOG")" -eq 1 ] ||
    itest_fail "sshd logged $(vt_count "Accepted publickey" "$SSHD_LOG") logins, want 1"
vt_stop

itest_step "a key the gateway does not know: fails with an auth reason"
WRONG=$IT_DIR/id_wrong
ssh-keygen -q -t ed25519 -N '' -C "itest-wrong-$IT_TAG" -f "$WRONG" \
    </dev/null >/dev/null || itest_error "ssh-keygen $WRONG"
chmod 0600 "$WRONG"
grep -qF "$(cut -d' ' -f2 "$WRONG.pub")" "$IT_DIR/authorized_keys" &&
    itest_error "$WRONG is in authorized_keys"
CONF_WRONG=$IT_DIR/vpn-wrong.conf
vt_streamer_conf "$CONF_WRONG" "$LINK" "$WRONG" "$KH" 4096
rm -f "$IT_DIR/$LINK.local.result" "$IT_DIR/$LINK.remote.result"
vt_start "$CONF_WRONG"
vt_wait_log "vpnd: link $LINK: stopping -> backoff" 20
GOT=$(vt_fail_reason "$LINK")
WANT="auth: public key authentication as $IT_USER with $WRONG refused by the server: "
case $GOT in
"$WANT"?*) ;;
*) itest_fail "reason
  got:  $GOT
  want: ${WANT}..." ;;
esac
# Nothing a network failure would say (see ssh_error_rc, dial.c).
case $GOT in
*"connection closed"* | *"timed out"* | *connect\ * | *"Connection "*)
	itest_fail "an auth failure reads as a network one: $GOT" ;;
esac
grep -qxF "vpnd: link $LINK: handshake -> auth" "$VT_LOG" ||
    itest_fail "the host key step did not pass"
grep -qxF "vpnd: link $LINK: auth -> stopping" "$VT_LOG" ||
    itest_fail "the link did not fail in state auth"
grep -qxF "vpnd: link $LINK: re-dial in 300.0 s (failure 1 in a row, needs attention)" \
    "$VT_LOG" || itest_fail "not waiting as a hard failure: $(grep -F 're-dial' "$VT_LOG")"
[ "$(vt_count "authenticated to")" -eq 0 ] ||
    itest_fail "vpnd says it authenticated"
[ "$(vt_count "Accepted publickey" "$SSHD_LOG")" -eq 1 ] ||
    itest_fail "sshd accepted a login with the wrong key"
[ ! -e "$IT_DIR/$LINK.local.result" ] ||
    itest_fail "the local pppd was started"
sleep 1
vt_alive "$VT_PID" || itest_fail "vpnd exited after the link failure"
vt_stop

itest_step "no sshd: connect ... Connection refused, re-dialed"
itest_sshd_stop
vt_start "$CONF"
# Backoff 1 300: the first delay is exactly 1 s, the second 1 to 2 s.
vt_wait_log "vpnd: link $LINK: re-dial in 1.0 s (failure 1 in a row)" 20
GOT=$(vt_fail_reason "$LINK")
WANT="connect $IT_GW_IP:$IT_SSH_PORT: Connection refused"
[ "$GOT" = "$WANT" ] || itest_fail "reason
  got:  $GOT
  want: $WANT"
grep -qxF "vpnd: link $LINK: connecting -> stopping" "$VT_LOG" ||
    itest_fail "the link did not fail in state connecting"
vt_wait_log "(failure 2 in a row)" 10
[ "$(vt_count "vpnd: link $LINK: $WANT")" -eq 2 ] ||
    itest_fail "the re-dial did not fail the same way"
vt_alive "$VT_PID" || itest_fail "vpnd exited after the link failure"
vt_stop

itest_step "done"
