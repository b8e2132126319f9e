#!/bin/sh
# SPDX-License-Identifier: ISC
#
# vpnd_hostile.sh: text from a hostile gateway never reaches a terminal,
# a log or a status raw (issue 12).  The gateway's "pppd" writes a
# terminal title, a colour, a bell, a CSI byte and a carriage return on
# stderr, then exits.  vpnd's log, the failure reason, vpnctl status
# (text and JSON) all show those bytes as \xNN and hold none of them.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
# shellcheck source=tests/integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"
# shellcheck source=tests/integration/vpnd-lib.sh
. "$top_srcdir/tests/integration/vpnd-lib.sh"

itest_init vpnd_hostile
vt_init
VPNCTL=$top_builddir/src/vpnctl
[ -x "$VPNCTL" ] || itest_error "$VPNCTL not built"

itest_topology
itest_keys
itest_sshd_start
KH=$IT_DIR/known_hosts
itest_known_hosts "$KH"

# The gateway's pppd: hostile bytes on stderr, then failure.
EVIL=$IT_DIR/evil-pppd
cat >"$EVIL" <<'EOF'
#!/bin/sh
printf '\033]0;TITLE\007\033[31mevil pppd\233\r\n' >&2
exit 1
EOF
chmod 0755 "$EVIL"
# The local pppd waits, so that the far end's words end the link.
IDLE=$IT_DIR/idle-pppd
printf '#!/bin/sh\nexec sleep 30\n' >"$IDLE"
chmod 0755 "$IDLE"
SOCK=$IT_DIR/vpnd.sock
vt_conf "$IT_DIR/vpn.conf" <<EOF
control-socket $SOCK
link evil
	host		$IT_GW_IP
	port		$IT_SSH_PORT
	user		$IT_USER
	identity	$IT_KEY
	known-hosts	$KH
	local-ip	10.9.0.1
	remote-ip	10.9.0.2
	pppd		$IDLE
	remote-command	$EVIL
	backoff		30 60
EOF

# raw FILE: true if FILE holds ESC, BEL, CSI (0x9b) or CR.
raw()
{
	LC_ALL=C grep -q "$(printf '[\033\007\233\r]')" "$1"
}

itest_step "the gateway's stderr is logged escaped"
vt_start "$IT_DIR/vpn.conf"
SHOWN='\x1b]0;TITLE\x07\x1b[31mevil pppd\x9b'
vt_wait_log "link evil: remote: $SHOWN" 20
! raw "$VT_LOG" || itest_fail "vpnd's log holds raw control bytes"

itest_step "the failure reason and vpnctl status show it escaped"
end=$(($(date +%s) + $(itest_bound 20)))
until "$VPNCTL" -s "$SOCK" status evil >"$IT_DIR/status" 2>&1 &&
    grep -qF "$SHOWN" "$IT_DIR/status"; do
	[ "$(date +%s)" -le "$end" ] ||
	    itest_fail "status: $(cat "$IT_DIR/status")"
	sleep 0.2
done
! raw "$IT_DIR/status" || itest_fail "vpnctl status holds raw control bytes"
"$VPNCTL" -s "$SOCK" status --json >"$IT_DIR/status.json" ||
    itest_fail "status --json"
grep -qF 'TITLE\\x07' "$IT_DIR/status.json" ||
    itest_fail "JSON: $(cat "$IT_DIR/status.json")"
! raw "$IT_DIR/status.json" || itest_fail "JSON holds raw control bytes"
vt_stop
! raw "$VT_LOG" || itest_fail "vpnd's log holds raw control bytes"
