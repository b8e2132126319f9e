#!/bin/sh
# SPDX-License-Identifier: ISC
#
# ssh_hostkey.sh: src/ssh.c checks the gateway's host key against a
# known_hosts file, as vpnd does before authenticating.  A known key lets
# the command run; an unknown key is refused (exit 3) with the key type,
# the SHA256 fingerprint ssh-keygen shows and a known_hosts line that,
# once added, makes the next run pass; a changed key is refused naming
# the file and line; a revoked key is refused; hashed entries match.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
# shellcheck source=tests/integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"

itest_init ssh_hostkey
SSH_EXEC=$top_builddir/tests/integration/ssh-exec
[ -x "$SSH_EXEC" ] || itest_error "$SSH_EXEC not built (make check builds it)"
GW=${IT_GW_ADDR%/*}

itest_topology
itest_keys
itest_sshd_start

# sx KNOWN_HOSTS COMMAND: ssh-exec from the client namespace; stdout in
# $IT_DIR/out, stderr in $IT_DIR/err, exit status in $rc.
sx()
{
	rc=0
	itest_in_cli "$SSH_EXEC" -t 20 -k "$1" -i "$IT_KEY" -u "$IT_USER" \
	    -p "$IT_SSH_PORT" "$GW" "$2" \
	    </dev/null >"$IT_DIR/out" 2>"$IT_DIR/err" || rc=$?
	cp "$IT_DIR/err" "$IT_DIR/ssh-exec.log"
}

CMD='printf "hello %s\n" "pppssh"; printf "second line\n"'
printf 'hello pppssh\nsecond line\n' >"$IT_DIR/expected"

itest_step "known host key: the command runs, output exact"
KH=$IT_DIR/known_hosts
itest_known_hosts "$KH"
sx "$KH" "$CMD"
[ "$rc" -eq 0 ] || itest_fail "ssh-exec exited $rc: $(cat "$IT_DIR/err")"
cmp -s "$IT_DIR/expected" "$IT_DIR/out" ||
    itest_fail "output differs: $(od -c "$IT_DIR/out" | head -5)"
[ ! -s "$IT_DIR/err" ] || itest_fail "unexpected stderr: $(cat "$IT_DIR/err")"

itest_step "unknown host key (empty known_hosts): refused, exit 3"
FP=$(ssh-keygen -lf "$KH" | awk '{ print $2 }')
case $FP in
SHA256:*) ;;
*) itest_error "ssh-keygen -lf gave no fingerprint: $FP" ;;
esac
EMPTY=$IT_DIR/known_hosts.empty
: >"$EMPTY"
sx "$EMPTY" "$CMD"
[ "$rc" -eq 3 ] || itest_fail "exit $rc, want 3: $(cat "$IT_DIR/err")"
grep -q 'is unknown' "$IT_DIR/err" || itest_fail "no 'is unknown': $(cat "$IT_DIR/err")"
grep -q 'ssh-ed25519' "$IT_DIR/err" || itest_fail "no key type: $(cat "$IT_DIR/err")"
grep -qF "$FP" "$IT_DIR/err" ||
    itest_fail "fingerprint $FP (ssh-keygen -lf) not in: $(cat "$IT_DIR/err")"
[ ! -s "$IT_DIR/out" ] || itest_fail "the command ran: $(cat "$IT_DIR/out")"

itest_step "the suggested known_hosts line is OpenSSH's and is accepted"
LINE=$(awk -v m="add to $EMPTY: " '{ i = index($0, m);
    if (i) print substr($0, i + length(m)) }' "$IT_DIR/err")
[ -n "$LINE" ] || itest_fail "no known_hosts line in: $(cat "$IT_DIR/err")"
[ "$LINE" = "$(cat "$KH")" ] ||
    itest_fail "line '$LINE' differs from the host key's '$(cat "$KH")'"
printf '%s\n' "$LINE" >>"$EMPTY"
sx "$EMPTY" "$CMD"
[ "$rc" -eq 0 ] || itest_fail "with the line added: exit $rc: $(cat "$IT_DIR/err")"
cmp -s "$IT_DIR/expected" "$IT_DIR/out" || itest_fail "output differs"

itest_step "a missing known_hosts file counts as empty: exit 3"
sx "$IT_DIR/no-such-file" "$CMD"
[ "$rc" -eq 3 ] || itest_fail "exit $rc, want 3: $(cat "$IT_DIR/err")"
grep -qF "$FP" "$IT_DIR/err" || itest_fail "no fingerprint: $(cat "$IT_DIR/err")"

itest_step "hashed known_hosts entries match"
HASHED=$IT_DIR/known_hosts.hashed
cp "$KH" "$HASHED"
ssh-keygen -q -H -f "$HASHED" >/dev/null 2>&1 || itest_error "ssh-keygen -H"
grep -q '^|1|' "$HASHED" || itest_error "ssh-keygen -H did not hash"
sx "$HASHED" "$CMD"
[ "$rc" -eq 0 ] || itest_fail "hashed entry: exit $rc: $(cat "$IT_DIR/err")"

itest_step "a revoked key is refused even when listed"
REV=$IT_DIR/known_hosts.revoked
{
	printf '@revoked * %s\n' "$(cut -d' ' -f2- "$KH")"
	cat "$KH"
} >"$REV"
sx "$REV" "$CMD"
[ "$rc" -eq 3 ] || itest_fail "exit $rc, want 3: $(cat "$IT_DIR/err")"
grep -qF "is revoked in $REV:1" "$IT_DIR/err" ||
    itest_fail "no revoked message: $(cat "$IT_DIR/err")"

itest_step "changed host key: refused, exit 3, names file and line"
OLD=$IT_DIR/known_hosts.old
{
	echo "# the gateway, checked by hand"
	cat "$KH"
} >"$OLD"
itest_hostkey_rotate
NEWKH=$IT_DIR/known_hosts.new
itest_known_hosts "$NEWKH"
NEWFP=$(ssh-keygen -lf "$NEWKH" | awk '{ print $2 }')
[ "$NEWFP" != "$FP" ] || itest_error "rotation kept the fingerprint"
sx "$OLD" "$CMD"
[ "$rc" -eq 3 ] || itest_fail "exit $rc, want 3: $(cat "$IT_DIR/err")"
grep -qF "does not match $OLD:2 (POSSIBLE MITM)" "$IT_DIR/err" ||
    itest_fail "no mismatch message naming $OLD:2: $(cat "$IT_DIR/err")"
grep -qF "$NEWFP" "$IT_DIR/err" ||
    itest_fail "new fingerprint $NEWFP not shown: $(cat "$IT_DIR/err")"
[ ! -s "$IT_DIR/out" ] || itest_fail "the command ran: $(cat "$IT_DIR/out")"

itest_step "the new key, once known, works"
sx "$NEWKH" "$CMD"
[ "$rc" -eq 0 ] || itest_fail "exit $rc: $(cat "$IT_DIR/err")"
cmp -s "$IT_DIR/expected" "$IT_DIR/out" || itest_fail "output differs"

itest_step "done"
