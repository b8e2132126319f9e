#!/bin/sh
# SPDX-License-Identifier: ISC
#
# vpn_peer.sh: vpn-peer as the forced command of a key, behind a real
# sshd, driven over real ssh.  Hostile and malformed requests are refused
# (exit 1, one "vpn-peer: refused: REASON" line on stderr, the exact
# reason) and nothing runs: no shell (marker files stay absent), no route,
# no pppd.  version answers; route replace/del run the real ip on a
# veth interface in the gateway's namespace; pppd execs the real pppd
# with the options vpn-peer built (this kernel has no PPP, so pppd stops
# at /dev/ppp with its status 4, after accepting every option: an option
# it refused would be status 2).  A bad argument list in authorized_keys
# is exit 2.  The full link with a real pppd is tests/e2e/vpn_peer.sh.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
# shellcheck source=tests/integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"

itest_init vpn_peer
VPN_PEER=$top_builddir/src/vpn-peer
[ -x "$VPN_PEER" ] || itest_error "$VPN_PEER not built"
PPPD=$(command -v pppd || true)
[ -n "$PPPD" ] || itest_skip "pppd not found (install ppp)"
IPCMD=$(command -v ip)
IF=vpn-it
NET4=172.16.1.0/24
NET6=2001:db8:1::/48

itest_topology
itest_keys
KH=$IT_DIR/known_hosts
itest_known_hosts "$KH"
mkdir -m 0700 "$IT_DIR/run"

itest_step "authorized_keys: the key may run only vpn-peer"
ssh-keygen -q -t ed25519 -N '' -f "$IT_DIR/badargs_key" </dev/null \
    >/dev/null || itest_error "ssh-keygen"
peer_cmd="$VPN_PEER --ip 10.9.0.2 --peer 10.9.0.1 --net $NET4 --net $NET6"
peer_cmd="$peer_cmd --ifname $IF --pppd $PPPD --ip-command $IPCMD"
peer_cmd="$peer_cmd --run-dir $IT_DIR/run"
{
	printf 'restrict,command="%s" %s\n' "$peer_cmd" "$(cat "$IT_KEY.pub")"
	printf 'restrict,command="%s --net 10.0.0.1/8" %s\n' "$peer_cmd" \
	    "$(cat "$IT_DIR/badargs_key.pub")"
} >"$IT_DIR/authorized_keys" || itest_error "write authorized_keys"
itest_sshd_start

# The host kernel loads no modules (no dummy): a veth pair, both ends in
# the gateway namespace, stands for the ppp interface the routes name.
itest_step "$IF in the gateway namespace for the routes"
itest_in_gw ip link add "$IF" type veth peer name "$IF-p" ||
    itest_error "veth $IF"
itest_in_gw ip link set "$IF-p" up || itest_error "$IF-p up"
itest_in_gw ip link set "$IF" up || itest_error "$IF up"

# peer REQUEST: run REQUEST over ssh with the key; stdout in $IT_DIR/out,
# stderr in $IT_DIR/err, exit status in $rc.
peer()
{
	rc=0
	itest_ssh_custom "$IT_KEY" "$KH" -- "$1" </dev/null \
	    >"$IT_DIR/out" 2>"$IT_DIR/err" || rc=$?
}

routes()
{
	itest_in_gw ip -4 route show dev "$IF"
	itest_in_gw ip -6 route show dev "$IF" | grep -v '^fe80::' || :
}

itest_step "version"
peer version
[ "$rc" -eq 0 ] || itest_fail "exit $rc: $(cat "$IT_DIR/err")"
[ "$(cat "$IT_DIR/out")" = "vpn-peer 1" ] ||
    itest_fail "version printed '$(cat "$IT_DIR/out")'"
[ ! -s "$IT_DIR/err" ] || itest_fail "stderr: $(cat "$IT_DIR/err")"

# refused REQUEST REASON: exit 1, exactly the one refusal line, no route,
# no marker file.
nrefused=0
refused()
{
	peer "$1"
	[ "$rc" -eq 1 ] ||
	    itest_fail "'$1': exit $rc, want 1: $(cat "$IT_DIR/err")"
	[ "$(cat "$IT_DIR/err")" = "vpn-peer: refused: $2" ] ||
	    itest_fail "'$1': stderr '$(cat "$IT_DIR/err")', want 'vpn-peer: refused: $2'"
	[ ! -s "$IT_DIR/out" ] ||
	    itest_fail "'$1': stdout '$(cat "$IT_DIR/out")'"
	[ -z "$(routes)" ] || itest_fail "'$1': a route appeared: $(routes)"
	for m in "$IT_DIR"/pwned*; do
		[ ! -e "$m" ] || itest_fail "'$1': a shell ran: $m exists"
	done
	nrefused=$((nrefused + 1))
}

itest_step "hostile and malformed requests: refused, nothing runs"
P=$IT_DIR/pwned
NL='
'
TAB=$(printf '\t')
refused '' 'no request (this key runs only vpn-peer requests)'
refused '   ' 'no request, only spaces'
refused "clean; touch $P-1" "character ';' at offset 5 is not allowed"
refused "version && touch $P-2" "character '&' at offset 8 is not allowed"
refused "version || touch $P-3" "character '|' at offset 8 is not allowed"
refused "route replace \$(touch $P-4)" \
    "character '\$' at offset 14 is not allowed"
refused "route replace \`touch $P-5\`" \
    "character '\`' at offset 14 is not allowed"
refused "version${NL}touch $P-6" "byte 0x0a at offset 7 is not allowed"
refused "pppd${TAB}plugin" "byte 0x09 at offset 4 is not allowed"
refused "version >$P-7" "character '>' at offset 8 is not allowed"
refused "pppd 'pty' 'sh'" "character ''' at offset 5 is not allowed"
refused 'pppd "plugin"' "character '\"' at offset 5 is not allowed"
refused "clean & touch $P-8" "character '&' at offset 6 is not allowed"
# shellcheck disable=SC2016 # the $ is the point
refused 'route replace ${IFS}' "character '\$' at offset 14 is not allowed"
refused "touch $P-9" 'unknown request "touch"'
refused "sh -c id" 'unknown request "sh"'
refused "$PPPD nodetach notty" "unknown request \"$PPPD\""
refused "$IPCMD route replace $NET4 dev eth0" "unknown request \"$IPCMD\""
refused 'version now' 'version takes no arguments'
refused 'clean 1' 'clean takes no arguments'
refused 'pppd plugin x.so' 'pppd: unknown option "plugin"'
refused 'pppd pty sh' 'pppd: unknown option "pty"'
refused 'pppd lcp-echo-interval 10 connect /bin/sh' \
    'pppd: unknown option "connect"'
refused 'pppd file /etc/shadow' 'pppd: unknown option "file"'
refused 'pppd lcp-echo-interval 0' \
    'pppd: lcp-echo-interval: "0" is not a number in 1-3600'
refused 'pppd lcp-echo-failure 5000' \
    'pppd: lcp-echo-failure: "5000" is not a number in 1-100'
refused 'pppd mtu 64' 'pppd: mtu: "64" is not a number in 576-9000'
refused 'pppd compression maybe' \
    'pppd: compression: "maybe" is not yes or no'
refused 'pppd mtu 1400 mtu 1400' 'pppd: mtu given twice'
refused 'pppd  mtu 1400' \
    'empty word at offset 5 (words are separated by single spaces)'
refused 'route add 172.16.1.0/24' \
    'route: unknown action "add" (replace or del)'
refused 'route replace 0.0.0.0/0' \
    'route replace: 0.0.0.0/0 is not a permitted net'
refused 'route replace 172.16.0.0/16' \
    'route replace: 172.16.0.0/16 is not a permitted net'
refused 'route replace 172.16.1.0/25' \
    'route replace: 172.16.1.0/25 is not a permitted net'
refused 'route replace 10.0.0.0/8' \
    'route replace: 10.0.0.0/8 is not a permitted net'
refused "route replace $NET4 dev eth0" 'route replace: dev is not a prefix'
refused "route replace $NET4 $NET4" "route replace: $NET4 given twice"
refused 'route replace 172.16.1.7/24' \
    'route replace: 172.16.1.7/24 has host bits set (172.16.1.0/24 is the prefix)'
refused 'route replace ::/0' 'route replace: ::/0 is not a permitted net'
refused "route replace $(printf '%01100d' 0)" \
    'request longer than 1024 bytes'
[ "$nrefused" -ge 30 ] || itest_error "only $nrefused hostile requests"

itest_step "no command at all (a login attempt): refused"
rc=0
itest_ssh_custom "$IT_KEY" "$KH" -- </dev/null >"$IT_DIR/out" \
    2>"$IT_DIR/err" || rc=$?
[ "$rc" -eq 1 ] || itest_fail "exit $rc, want 1: $(cat "$IT_DIR/err")"
grep -qx 'vpn-peer: refused: no request (this key runs only vpn-peer requests)' \
    "$IT_DIR/err" || itest_fail "stderr: $(cat "$IT_DIR/err")"

itest_step "route replace: the real ip adds the permitted nets on $IF"
peer "route replace $NET4 $NET6"
[ "$rc" -eq 0 ] || itest_fail "exit $rc: $(cat "$IT_DIR/err")"
itest_in_gw ip -4 route show "$NET4" | grep -q "dev $IF" ||
    itest_fail "no route to $NET4 dev $IF: $(routes)"
itest_in_gw ip -6 route show "$NET6" | grep -q "dev $IF" ||
    itest_fail "no route to $NET6 dev $IF: $(routes)"
# Again: replace is idempotent.
peer "route replace $NET4"
[ "$rc" -eq 0 ] || itest_fail "second replace: exit $rc: $(cat "$IT_DIR/err")"

itest_step "route del: both removed"
peer "route del $NET6 $NET4"
[ "$rc" -eq 0 ] || itest_fail "exit $rc: $(cat "$IT_DIR/err")"
[ -z "$(routes)" ] || itest_fail "routes left: $(routes)"

itest_step "route replace without the interface: ip's failure, exit 1"
itest_in_gw ip link del "$IF" || itest_error "del $IF"
peer "route replace $NET4"
[ "$rc" -eq 1 ] || itest_fail "exit $rc, want 1: $(cat "$IT_DIR/err")"
grep -q "^vpn-peer: route replace $NET4: $IPCMD exited with status" \
    "$IT_DIR/err" || itest_fail "stderr: $(cat "$IT_DIR/err")"

itest_step "clean with nothing stale: exit 0, silent"
peer clean
[ "$rc" -eq 0 ] || itest_fail "exit $rc: $(cat "$IT_DIR/err")"
[ ! -s "$IT_DIR/err" ] || itest_fail "stderr: $(cat "$IT_DIR/err")"

itest_step "pppd: the real pppd takes every option vpn-peer built"
peer 'pppd lcp-echo-interval 2 lcp-echo-failure 4 mtu 1400 compression no'
# 4: no kernel support (pppd(8), EXIT STATUS); 2 would be an option error.
[ "$rc" -eq 4 ] || itest_fail "exit $rc, want pppd's 4: $(cat "$IT_DIR/err")"
grep -q '/dev/ppp' "$IT_DIR/err" ||
    itest_fail "not pppd's /dev/ppp failure: $(cat "$IT_DIR/err")"
! grep -q 'unrecognized option' "$IT_DIR/err" ||
    itest_fail "pppd refused an option: $(cat "$IT_DIR/err")"

itest_step "a bad forced command (host bits in --net): exit 2"
rc=0
itest_ssh_custom "$IT_DIR/badargs_key" "$KH" -- version </dev/null \
    >"$IT_DIR/out" 2>"$IT_DIR/err" || rc=$?
[ "$rc" -eq 2 ] || itest_fail "exit $rc, want 2: $(cat "$IT_DIR/err")"
[ "$(cat "$IT_DIR/err")" = "vpn-peer: bad arguments: --net: 10.0.0.1/8 has host bits set (10.0.0.0/8 is the prefix)" ] ||
    itest_fail "stderr: $(cat "$IT_DIR/err")"
[ ! -s "$IT_DIR/out" ] || itest_fail "it ran: $(cat "$IT_DIR/out")"

itest_step "done: $nrefused hostile requests refused"
exit 0
