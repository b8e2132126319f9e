#!/bin/sh
# SPDX-License-Identifier: ISC
#
# ssh_auth.sh: public key authentication through src/ssh.c.  The right
# ed25519 key (OpenSSH format) logs in; a key the server does not know,
# or an unknown user, is an authentication failure (exit 4), never a
# network one; a missing identity file says so; connection refused and a
# connect timeout are network failures (exit 5).
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
# shellcheck source=tests/integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"

itest_init ssh_auth
SSH_EXEC=$top_builddir/tests/integration/ssh-exec
[ -x "$SSH_EXEC" ] || itest_error "$SSH_EXEC not built (make check builds it)"
GW=${IT_GW_ADDR%/*}

itest_topology
itest_keys
itest_sshd_start
KH=$IT_DIR/known_hosts
itest_known_hosts "$KH"

# sx IDENTITY USER HOST TIMEOUT COMMAND: ssh-exec from the client namespace;
# stdout in $IT_DIR/out, stderr in $IT_DIR/err, exit status in $rc.
sx()
{
	rc=0
	itest_in_cli "$SSH_EXEC" -t "$4" -k "$KH" -i "$1" -u "$2" \
	    -p "$IT_SSH_PORT" "$3" "$5" \
	    </dev/null >"$IT_DIR/out" 2>"$IT_DIR/err" || rc=$?
	cp "$IT_DIR/err" "$IT_DIR/ssh-exec.log"
}

itest_step "the right key logs in"
sx "$IT_KEY" "$IT_USER" "$GW" 20 'id -un'
[ "$rc" -eq 0 ] || itest_fail "exit $rc: $(cat "$IT_DIR/err")"
[ "$(cat "$IT_DIR/out")" = "$IT_USER" ] ||
    itest_fail "remote user '$(cat "$IT_DIR/out")', want $IT_USER"

itest_step "a key the server does not know: auth failure, exit 4"
ssh-keygen -q -t ed25519 -N '' -f "$IT_DIR/other_key" </dev/null >/dev/null ||
    itest_error "ssh-keygen"
sx "$IT_DIR/other_key" "$IT_USER" "$GW" 20 'echo ran'
[ "$rc" -eq 4 ] || itest_fail "exit $rc, want 4: $(cat "$IT_DIR/err")"
grep -q '^ssh-exec: auth failure: public key authentication as ' \
    "$IT_DIR/err" || itest_fail "not an auth failure: $(cat "$IT_DIR/err")"
grep -qF "$IT_DIR/other_key refused by the server" "$IT_DIR/err" ||
    itest_fail "message does not say refused: $(cat "$IT_DIR/err")"
! grep -qi 'network' "$IT_DIR/err" ||
    itest_fail "reported as network: $(cat "$IT_DIR/err")"
[ ! -s "$IT_DIR/out" ] || itest_fail "the command ran"

itest_step "an unknown user: auth failure, exit 4"
sx "$IT_KEY" "no-such-user-$$" "$GW" 20 'echo ran'
[ "$rc" -eq 4 ] || itest_fail "exit $rc, want 4: $(cat "$IT_DIR/err")"

itest_step "an identity file that does not exist: clear error, exit 4"
sx "$IT_DIR/no-such-key" "$IT_USER" "$GW" 20 'echo ran'
[ "$rc" -eq 4 ] || itest_fail "exit $rc, want 4: $(cat "$IT_DIR/err")"
grep -qF "identity $IT_DIR/no-such-key: No such file or directory" \
    "$IT_DIR/err" || itest_fail "unclear message: $(cat "$IT_DIR/err")"

itest_step "an unreadable identity (not a key): auth failure, exit 4"
echo "not a key" >"$IT_DIR/garbage_key"
chmod 0600 "$IT_DIR/garbage_key"
sx "$IT_DIR/garbage_key" "$IT_USER" "$GW" 20 'echo ran'
[ "$rc" -eq 4 ] || itest_fail "exit $rc, want 4: $(cat "$IT_DIR/err")"
grep -qF "identity $IT_DIR/garbage_key cannot be used" "$IT_DIR/err" ||
    itest_fail "unclear message: $(cat "$IT_DIR/err")"

itest_step "no answer from the address: connect times out, exit 5"
# 10.200.0.3 is on the client's link but nobody has it.
sx "$IT_KEY" "$IT_USER" 10.200.0.3 2 'echo ran'
[ "$rc" -eq 5 ] || itest_fail "exit $rc, want 5: $(cat "$IT_DIR/err")"
grep -q '^ssh-exec: network failure: ' "$IT_DIR/err" ||
    itest_fail "not a network failure: $(cat "$IT_DIR/err")"

itest_step "connection refused (sshd stopped): network failure, exit 5"
itest_sshd_stop
sx "$IT_KEY" "$IT_USER" "$GW" 20 'echo ran'
[ "$rc" -eq 5 ] || itest_fail "exit $rc, want 5: $(cat "$IT_DIR/err")"
grep -qF "network failure: connect $GW:$IT_SSH_PORT: Connection refused" \
    "$IT_DIR/err" || itest_fail "unclear message: $(cat "$IT_DIR/err")"

itest_step "done"
