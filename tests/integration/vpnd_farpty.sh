#!/bin/sh
# SPDX-License-Identifier: ISC
#
# vpnd_farpty.sh: a link whose remote-command is pppd itself, run
# directly, gets its far pppd on sshd's pty, without notty; a key that
# forbids a pty (restrict) gets it on pipes with notty.  Either way, what
# the far command says before its first PPP frame reaches vpnd's log and
# the link's failure reason.  The far "pppd" here is a script named pppd
# that says whether its stdin is a tty and whether it got notty, then
# exits 2; the local pppd is a script that waits.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
# shellcheck source=tests/integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"
# shellcheck source=tests/integration/vpnd-lib.sh
. "$top_srcdir/tests/integration/vpnd-lib.sh"

itest_init vpnd_farpty
vt_init
LINK=farpty

itest_topology
itest_keys
itest_sshd_start
KH=$IT_DIR/known_hosts
itest_known_hosts "$KH"

mkdir -p "$IT_DIR/bin" || itest_error "mkdir $IT_DIR/bin"
cat >"$IT_DIR/bin/pppd" <<'EOF' || itest_error "write the far pppd"
#!/bin/sh
if [ -t 0 ]; then on=tty; else on=pipes; fi
case " $* " in *" notty "*) on="$on, notty" ;; esac
echo "fakepppd: on $on" >&2
exit 2
EOF
cat >"$IT_DIR/bin/localpppd" <<'EOF' || itest_error "write the local pppd"
#!/bin/sh
exec sleep 60
EOF
chmod 0755 "$IT_DIR/bin/pppd" "$IT_DIR/bin/localpppd" ||
    itest_error "chmod the pppd scripts"

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
	pppd		$IT_DIR/bin/localpppd
	remote-command	$IT_DIR/bin/pppd
EOF
"$VPND" -t -f "$CONF" 2>"$IT_DIR/check.out" ||
    itest_fail "vpnd -t: $(cat "$IT_DIR/check.out")"

# run WANT: start vpnd, wait for the link's first failure, which must
# give the far pppd's words WANT as its reason's end, then stop vpnd.
run()
{
	vt_start "$CONF"
	vt_wait_log "vpnd: link $LINK: remote: fakepppd: on $1" 20
	vt_wait_log " -> stopping" 10
	reason=$(vt_fail_reason "$LINK")
	case $reason in
	*": fakepppd: on $1") ;;
	*) itest_fail "the link failed for '$reason', not the far pppd's" \
	    "'fakepppd: on $1'" ;;
	esac
	vt_stop
}

itest_step "a key that allows a pty: the far pppd on sshd's pty, no notty"
run tty

itest_step "restrict (no-pty): the far pppd on pipes, with notty"
{ printf 'restrict ' && cat "$IT_KEY.pub"; } >"$IT_DIR/authorized_keys" ||
    itest_error "rewrite authorized_keys"
run "pipes, notty"

itest_step "done"
