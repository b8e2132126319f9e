#!/bin/sh
# SPDX-License-Identifier: ISC
#
# vpnctl_doctor.sh: vpnctl setup, trust and doctor against the test's real
# sshd, run from the client namespace.
#
# - setup prints exactly the authorized_keys line, the sudoers lines and the
#   host key fingerprint for a sudo link and a vpn-peer link, and creates
#   the missing known-hosts file empty;
# - doctor reports the unknown host key as a FAIL and stops before auth;
# - trust without --yes shows the fingerprint, adds nothing, exits 1; with
#   --yes it adds the exact line (mode 0644) and exits 0; again: already
#   trusted;
# - doctor: each FAIL provoked once and recognised by its line: sudo
#   refuses pppd (no rule), sudo requiretty, a world-writable key (the
#   config refuses it: still FAIL lines, not a crash), MASQUERADE without
#   an exemption (nft, in the client namespace only), ip_forward off (in
#   the namespace), a route overlapping the remote-net; each goes away
#   once fixed as the doctor says;
# - a changed host key: doctor FAILs and trust --yes refuses it.
#
# The gateway's sudo is a stand-in ($IT_DIR/bin/sudo, the link's
# remote-command prefix) that allows exactly the command lines in
# $IT_DIR/sudo.allow, as sudoers would with the lines setup prints; sshd
# logs in as root here, so the real sudo would allow everything.
# The host has no PPP, so the "ppp: no /dev/ppp" line is always a FAIL
# here and doctor exits 1 throughout.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
# shellcheck source=tests/integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"

itest_init vpnctl_doctor
VPNCTL=$top_builddir/src/vpnctl
[ -x "$VPNCTL" ] || itest_error "$VPNCTL not built"
NFT=
for p in /usr/sbin/nft /sbin/nft; do
	[ -x "$p" ] && NFT=$p && break
done
[ -n "$NFT" ] || itest_skip "nft not found (install nftables)"

itest_topology
itest_keys
itest_sshd_start

KH=$IT_DIR/vpn_known_hosts
CONF=$IT_DIR/vpn.conf
OUT=$IT_DIR/out
ERR=$IT_DIR/err
ALLOW=$IT_DIR/sudo.allow
GW="$IT_GW_IP port $IT_SSH_PORT"
HOSTKEY_FP=$(ssh-keygen -lf "$IT_HOSTKEY.pub" | awk '{ print $2 }')
HOSTKEY_LINE="[$IT_GW_IP]:$IT_SSH_PORT $(awk '{ print $1, $2 }' "$IT_HOSTKEY.pub")"
CLIENT_PUB=$(cat "$IT_KEY.pub")
PKILL_ARGS="/usr/bin/pkill -TERM -F /run/ppp-vpn-office.pid -x pppd"
PPPD_ARGS="nodetach notty noauth local nolock nocrtscts nodefaultroute logfd 2 ifname vpn-office 10.9.0.2:10.9.0.1 lcp-echo-interval 10 lcp-echo-failure 3 lcp-echo-adaptive lcp-restart 1 lcp-max-terminate 1 noccp linkname vpn-office"

mkdir -m 0755 "$IT_DIR/bin"
cat >"$IT_DIR/bin/sudo" <<'EOF'
#!/bin/sh
# Test stand-in for sudo(8): -n, -l, and the exact command lines of
# ../sudo.allow; ../sudo.requiretty makes it want a tty.
dir=$(dirname "$0")/..
list=
while [ "$#" -gt 0 ]; do
	case $1 in
	-l) list=1; shift ;;
	-*) shift ;;
	*) break ;;
	esac
done
if [ -e "$dir/sudo.requiretty" ]; then
	echo "sudo: sorry, you must have a tty to run sudo" >&2
	exit 1
fi
if [ "$#" -eq 0 ]; then
	[ -n "$list" ] || exit 1
	printf 'Matching Defaults entries for %s on gw:\n    env_reset, !requiretty\n' "$(id -un)"
	exit 0
fi
if [ -f "$dir/sudo.allow" ] && grep -qxF -- "$*" "$dir/sudo.allow"; then
	[ -z "$list" ] || { printf '%s\n' "$*"; exit 0; }
	exec "$@"
fi
echo "sudo: a password is required" >&2
exit 1
EOF
chmod 0755 "$IT_DIR/bin/sudo"
: >"$ALLOW"

(
	umask 077
	cat >"$CONF" <<EOF
known-hosts $KH
identity $IT_KEY
host $IT_GW_IP:$IT_SSH_PORT
connect-timeout 5

link office
    user root
    remote-command $IT_DIR/bin/sudo -n /usr/sbin/pppd
    remote-ip-command $IT_DIR/bin/sudo -n /sbin/ip
    local-ip 10.9.0.1
    remote-ip 10.9.0.2
    local-net 192.168.50.0/24
    remote-net 172.16.50.0/24

link branch
    user vpn
    local-ip 10.9.1.1
    remote-ip 10.9.1.2
    local-net 192.168.51.0/24
    remote-net 172.16.51.0/24

link peer
    user vpn
    remote-command vpn-peer
    local-ip 10.9.2.1
    remote-ip 10.9.2.2
    local-net 192.168.52.0/24
    local-net 192.168.53.0/24
    remote-net 172.16.52.0/24
EOF
)

# vpnctl ARGS...: run in the client namespace; $OUT, $ERR, $RC.
vpnctl()
{
	RC=0
	itest_in_cli "$VPNCTL" "$@" >"$OUT" 2>"$ERR" || RC=$?
}

# expect_line STATUS TEXT: $OUT has a line "STATUS  link office: TEXT...".
expect_line()
{
	grep -F -- "$(printf '%-4s  link office: %s' "$1" "$2")" "$OUT" \
	    >/dev/null || {
		cat "$OUT" >&2
		itest_fail "no line: $1  link office: $2"
	}
}

# no_line TEXT: no line of $OUT holds TEXT.
no_line()
{
	if grep -F -- "$1" "$OUT" >&2; then
		itest_fail "unexpected line with: $1"
	fi
}

# only_fail_ppp: the only FAIL lines left are /dev/ppp's (no PPP here).
only_fail_ppp()
{
	if grep '^FAIL' "$OUT" | grep -v '^FAIL  link office: ppp: ' >&2; then
		cat "$OUT" >&2
		itest_fail "FAIL lines left"
	fi
}

# ------------------------------------------------------------------ setup
itest_step "setup of a sudo link: exact output"
vpnctl setup -f "$CONF" branch
[ "$RC" -eq 0 ] || itest_fail "setup exit status $RC: $(cat "$ERR")"
grep -qxF "vpnctl: created an empty $KH" "$ERR" ||
    itest_fail "no note about creating $KH: $(cat "$ERR")"
if [ ! -f "$KH" ] || [ -s "$KH" ]; then
	itest_fail "$KH not created empty"
fi
cat >"$IT_DIR/want" <<EOF
link branch: what the gateway needs, for user vpn

authorized_keys line for user vpn (~vpn/.ssh/authorized_keys on the gateway), one line:
restrict $CLIENT_PUB

sudoers lines for user vpn (on the gateway: visudo -f /etc/sudoers.d/pppssh-branch):
Defaults:vpn !requiretty
vpn ALL=(root) NOPASSWD: /usr/sbin/pppd nodetach notty noauth local nolock nocrtscts nodefaultroute logfd 2 ifname vpn-branch 10.9.1.2\\:10.9.1.1 lcp-echo-interval 10 lcp-echo-failure 3 lcp-echo-adaptive lcp-restart 1 lcp-max-terminate 1 noccp linkname vpn-branch, \\
    /sbin/ip route replace 192.168.51.0/24 dev vpn-branch, \\
    /sbin/ip route del 192.168.51.0/24 dev vpn-branch, \\
    /usr/bin/pkill -TERM -F /run/ppp-vpn-branch.pid -x pppd
(these lines allow exactly this link's commands: run vpnctl setup -f $CONF branch again after changing its addresses, nets, keepalive, mtu, compression or pppd options)

host key of $GW: ssh-ed25519 $HOSTKEY_FP (not yet in $KH)
compare it with what this prints on the gateway:
    ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub
then trust it here: vpnctl trust -f $CONF branch --yes
EOF
diff -u "$IT_DIR/want" "$OUT" >&2 || itest_fail "setup branch output differs"

itest_step "setup of a vpn-peer link: exact output"
vpnctl setup -f "$CONF" peer
[ "$RC" -eq 0 ] || itest_fail "setup exit status $RC: $(cat "$ERR")"
# The installed vpn-peer path is configure's sbindir, not the build tree.
PEER_PATH=$(sed -n 's/^restrict,command="\([^ ]*\) .*/\1/p' "$OUT")
case $PEER_PATH in
/*/vpn-peer) ;;
*) itest_fail "no absolute vpn-peer path in: $(cat "$OUT")" ;;
esac
cat >"$IT_DIR/want" <<EOF
link peer: what the gateway needs, for user vpn

authorized_keys line for user vpn (~vpn/.ssh/authorized_keys on the gateway), one line:
restrict,command="$PEER_PATH --ip 10.9.2.2 --peer 10.9.2.1 --net 192.168.52.0/24 --net 192.168.53.0/24 --ifname vpn-peer --sudo" $CLIENT_PUB

sudoers lines for user vpn (on the gateway: visudo -f /etc/sudoers.d/pppssh-peer):
Defaults:vpn !requiretty
vpn ALL=(root) NOPASSWD: /usr/sbin/pppd nodetach notty noauth local nolock nocrtscts nodefaultroute logfd 2 ifname vpn-peer 10.9.2.2\\:10.9.2.1 lcp-echo-interval 10 lcp-echo-failure 3 lcp-echo-adaptive lcp-restart 1 lcp-max-terminate 1 noccp linkname vpn-peer, \\
    /sbin/ip route replace 192.168.52.0/24 dev vpn-peer, \\
    /sbin/ip route del 192.168.52.0/24 dev vpn-peer, \\
    /sbin/ip route replace 192.168.53.0/24 dev vpn-peer, \\
    /sbin/ip route del 192.168.53.0/24 dev vpn-peer, \\
    /usr/bin/pkill -TERM -F /run/ppp-vpn-peer.pid -x pppd, \\
    /usr/bin/pkill -KILL -F /run/ppp-vpn-peer.pid -x pppd
(these lines allow exactly this link's commands: run vpnctl setup -f $CONF peer again after changing its addresses, nets, keepalive, mtu, compression or pppd options)

host key of $GW: ssh-ed25519 $HOSTKEY_FP (not yet in $KH)
compare it with what this prints on the gateway:
    ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub
then trust it here: vpnctl trust -f $CONF peer --yes
EOF
diff -u "$IT_DIR/want" "$OUT" >&2 || itest_fail "setup peer output differs"

itest_step "usage errors exit 2"
vpnctl setup -f "$CONF"
[ "$RC" -eq 2 ] || itest_fail "setup without a name: exit $RC"
vpnctl doctor -f "$CONF" nosuch
[ "$RC" -eq 2 ] || itest_fail "doctor of an unknown link: exit $RC"
vpnctl trust -f "$CONF" office --bogus
[ "$RC" -eq 2 ] || itest_fail "trust --bogus: exit $RC"

# --------------------------------------------------------- unknown host key
itest_step "doctor: unknown host key"
vpnctl doctor -f "$CONF" office
[ "$RC" -eq 1 ] || itest_fail "doctor exit status $RC, want 1"
expect_line OK "gateway $GW: reachable"
expect_line FAIL "host key of $GW: ssh-ed25519 $HOSTKEY_FP is unknown: not in $KH (compare it with the gateway's ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub, then run: vpnctl trust -f $CONF office --yes)"
no_line "auth as"

# ------------------------------------------------------------------ trust
itest_step "trust without --yes"
vpnctl trust -f "$CONF" office
[ "$RC" -eq 1 ] || itest_fail "trust without --yes: exit $RC, want 1"
grep -qxF "link office: $GW offers ssh-ed25519 $HOSTKEY_FP" "$OUT" ||
    itest_fail "no fingerprint shown: $(cat "$OUT")"
grep -qF "run again with --yes: vpnctl trust -f $CONF office --yes" "$OUT" ||
    itest_fail "no --yes hint: $(cat "$OUT")"
[ ! -s "$KH" ] || itest_fail "trust without --yes wrote $KH"

itest_step "trust --yes"
vpnctl trust -f "$CONF" office --yes
[ "$RC" -eq 0 ] || itest_fail "trust --yes: exit $RC: $(cat "$ERR")"
grep -qxF "link office: added to $KH: $HOSTKEY_LINE" "$OUT" ||
    itest_fail "no 'added' line: $(cat "$OUT")"
[ "$(cat "$KH")" = "$HOSTKEY_LINE" ] ||
    itest_fail "$KH holds: $(cat "$KH")"
[ "$(stat -c %a "$KH")" = 644 ] || itest_fail "$KH mode $(stat -c %a "$KH")"

itest_step "trust again: already trusted"
vpnctl trust -f "$CONF" office
[ "$RC" -eq 0 ] || itest_fail "trust again: exit $RC"
grep -qxF "link office: already trusted in $KH" "$OUT" ||
    itest_fail "no 'already trusted': $(cat "$OUT")"
[ "$(wc -l <"$KH")" -eq 1 ] || itest_fail "$KH grew"

# -------------------------------------------------------- missing sudo rule
itest_step "doctor: sudo has no rule for pppd; ip_forward off"
itest_in_cli sysctl -qw net.ipv4.ip_forward=0
vpnctl doctor -f "$CONF" office
[ "$RC" -eq 1 ] || itest_fail "doctor exit status $RC, want 1"
expect_line OK "host key of $GW: ssh-ed25519 $HOSTKEY_FP, known in $KH"
expect_line OK "auth as root with $IT_KEY: accepted"
expect_line OK "far end: /usr/sbin/pppd is installed"
expect_line OK "far end: /usr/bin/pkill is installed"
expect_line FAIL "far end: sudo does not let root run \"/usr/sbin/pppd $PPPD_ARGS\" without a password: sudo: a password is required (add the sudoers lines that vpnctl setup -f $CONF office prints)"
expect_line FAIL "far end: sudo does not let root run \"/sbin/ip route replace 192.168.50.0/24 dev vpn-office\" without a password"
expect_line WARN "far end: sudo does not let root run \"$PKILL_ARGS\""
expect_line FAIL "forwarding: net.ipv4.ip_forward is off: this site-to-site link will not route between local-net and remote-net (sysctl -w net.ipv4.ip_forward=1"
expect_line OK "identity $IT_KEY: mode 0600, ssh-ed25519 key"
expect_line OK "masquerade: no source NAT rule catches"
expect_line OK "routes: no other route overlaps the remote-nets"

itest_step "doctor: sudo requiretty"
: >"$IT_DIR/sudo.requiretty"
vpnctl doctor -f "$CONF" office
[ "$RC" -eq 1 ] || itest_fail "doctor exit status $RC, want 1"
expect_line FAIL "far end: sudo wants a tty (requiretty) for root, and vpnd runs without one (add to sudoers on the gateway: Defaults:root !requiretty)"
rm -f "$IT_DIR/sudo.requiretty"

itest_step "doctor: the sudo rules in place, ip_forward on"
cat >"$ALLOW" <<EOF
/usr/sbin/pppd $PPPD_ARGS
/sbin/ip route replace 192.168.50.0/24 dev vpn-office
/sbin/ip route del 192.168.50.0/24 dev vpn-office
$PKILL_ARGS
EOF
itest_in_cli sysctl -qw net.ipv4.ip_forward=1
vpnctl doctor -f "$CONF" office
expect_line OK "far end: sudo lets root run pppd with this link's options, no password, no tty"
expect_line OK "far end: sudo lets root add and remove the routes of the 1 local-net(s)"
expect_line OK "far end: sudo lets root end a stale pppd with \"$PKILL_ARGS\""
expect_line OK "forwarding: net.ipv4.ip_forward is on"
only_fail_ppp

# -------------------------------------------------------------- masquerade
itest_step "doctor: MASQUERADE without an exemption (nft in $IT_CLI)"
itest_in_cli "$NFT" add table ip nat
itest_in_cli "$NFT" add chain ip nat postrouting \
    '{ type nat hook postrouting priority srcnat; policy accept; }'
itest_in_cli "$NFT" add rule ip nat postrouting ip saddr 192.168.50.0/24 \
    masquerade
vpnctl doctor -f "$CONF" office
[ "$RC" -eq 1 ] || itest_fail "doctor exit status $RC, want 1"
expect_line FAIL "masquerade: source NAT rewrites traffic from the local-nets to remote-net 172.16.50.0/24, no exemption before it: nft table ip nat chain postrouting: ip saddr 192.168.50.0/24 masquerade (exempt it before that rule: nft insert rule ip nat postrouting ip daddr 172.16.50.0/24 accept)"

itest_step "doctor: the exemption it suggests fixes it"
itest_in_cli "$NFT" insert rule ip nat postrouting ip daddr 172.16.50.0/24 \
    accept
vpnctl doctor -f "$CONF" office
expect_line OK "masquerade: no source NAT rule catches"
only_fail_ppp

# ------------------------------------------------------ overlapping route
itest_step "doctor: a route overlapping the remote-net"
itest_in_cli ip route add 172.16.50.0/25 dev "$IT_CLI_IF"
vpnctl doctor -f "$CONF" office
[ "$RC" -eq 1 ] || itest_fail "doctor exit status $RC, want 1"
expect_line FAIL "routes: \"172.16.50.0/25 dev $IT_CLI_IF scope link\" already routes (part of) remote-net 172.16.50.0/24 elsewhere"
itest_in_cli ip route del 172.16.50.0/25 dev "$IT_CLI_IF"

# ------------------------------------------------------ world-writable key
itest_step "doctor: a world-writable identity"
chmod 0666 "$IT_KEY"
vpnctl doctor -f "$CONF" office
[ "$RC" -eq 1 ] || itest_fail "doctor exit status $RC, want 1"
grep -qE "^FAIL  config $CONF: $CONF:[0-9]+: identity: $IT_KEY: group or world readable or writable \\(mode 0666\\), refusing \\(chmod 600 $IT_KEY\\)\$" "$OUT" ||
    itest_fail "no FAIL line for the key: $(cat "$OUT") $(cat "$ERR")"
[ ! -s "$ERR" ] || itest_fail "doctor wrote to stderr: $(cat "$ERR")"
chmod 0600 "$IT_KEY"

# ------------------------------------------------------------- changed key
itest_hostkey_rotate
itest_step "doctor and trust: a changed host key"
NEW_FP=$(ssh-keygen -lf "$IT_HOSTKEY.pub" | awk '{ print $2 }')
vpnctl doctor -f "$CONF" office
[ "$RC" -eq 1 ] || itest_fail "doctor exit status $RC, want 1"
expect_line FAIL "host key of $GW: host key for [$IT_GW_IP]:$IT_SSH_PORT does not match $KH:1 (POSSIBLE MITM)"
no_line "auth as"
vpnctl trust -f "$CONF" office --yes
[ "$RC" -eq 1 ] || itest_fail "trust of a changed key: exit $RC, want 1"
grep -qxF "link office: $GW offers ssh-ed25519 $NEW_FP" "$OUT" ||
    itest_fail "no new fingerprint shown: $(cat "$OUT")"
grep -qF "vpnctl: link office: refusing: host key for [$IT_GW_IP]:$IT_SSH_PORT does not match $KH:1" "$ERR" ||
    itest_fail "no refusal: $(cat "$ERR")"
[ "$(cat "$KH")" = "$HOSTKEY_LINE" ] || itest_fail "$KH changed"

itest_step "done"
exit 0
