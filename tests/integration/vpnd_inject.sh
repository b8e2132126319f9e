#!/bin/sh
# SPDX-License-Identifier: ISC
#
# vpnd_inject.sh: a config value carrying shell metacharacters never
# reaches the gateway.  Each value (;, $(...), backticks, |, & in
# remote-command; ;touch in remote-pppd-options, remote-ip-command and
# pppd-options; ; in host, remote-ifname, user and local-net; a carriage
# return) would, if it reached the remote shell unquoted, create a canary
# file; the control proves it would (OpenSSH runs such a command and the
# canary appears).  Each config is:
#
# - refused by vpnd -t: exit 2, exactly one line "FILE:LINE: problem";
# - refused by vpnd at start (exit 2, same line), before it dials;
# - refused by a running vpnd on SIGHUP: "reload of FILE refused, running
#   config kept:" with the same line, the link stays as it was (no
#   restart, no new SSH connection).
#
# The canary never appears and sshd logs no connection and no session for
# any of them.  Controls at the end: the same good config reloaded keeps
# the link as it is; a changed one restarts it, and sshd's log shows that
# new session, so the check can see one.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
# shellcheck source=tests/integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"
# shellcheck source=tests/integration/vpnd-lib.sh
. "$top_srcdir/tests/integration/vpnd-lib.sh"

itest_init vpnd_inject
vt_init
LINK=inj
CHARS='[A-Za-z0-9_./=:@,+-]'

itest_topology
itest_keys
itest_sshd_start
SSHD_LOG=$IT_DIR/sshd.log
KH=$IT_DIR/known_hosts
itest_known_hosts "$KH"
CANARY=$IT_DIR/canary
GOOD=$IT_DIR/good.conf
vt_streamer_conf "$GOOD" "$LINK" "$IT_KEY" "$KH" 4096

itest_step "control: a ';' that reaches the gateway's shell runs the rest"
itest_ssh "/bin/true;touch $CANARY.control" >/dev/null ||
    itest_error "ssh to the gateway failed"
[ -e "$CANARY.control" ] ||
    itest_error "the control canary was not created: the canary proves nothing"
CONNS=$(vt_count "Connection from" "$SSHD_LOG")
SESSIONS=$(vt_count "Starting session:" "$SSHD_LOG")
[ "$SESSIONS" -eq 1 ] || itest_error "sshd logged $SESSIONS sessions, want 1"

# The cases: KEYWORD VALUE PROBLEM, where PROBLEM is what vpnd must say
# after "FILE:LINE: ".  Each bad config is the good one with the line of
# KEYWORD (if it takes one value) replaced by "KEYWORD VALUE" at the end.
NCASES=0
add_case()
{
	NCASES=$((NCASES + 1))
	case $1 in
	host | pppd-options | remote-pppd-options | local-net)
		awk 1 "$GOOD" ;;
	*)
		awk -v k="$1" '$1 != k' "$GOOD" ;;
	esac >"$IT_DIR/case-$NCASES.lines" || itest_error "awk"
	printf '\t%s %s\n' "$1" "$2" >>"$IT_DIR/case-$NCASES.lines"
	printf '%s\n' "$3" >"$IT_DIR/case-$NCASES.problem"
}
# meta KEYWORD VALUE WORD: WORD of VALUE is refused for its characters.
meta()
{
	add_case "$1" "$2" "$1: $3 has a character outside $CHARS"
}

meta remote-command "/bin/true;touch $CANARY;exit" "/bin/true;touch"
meta remote-command "/bin/true \$(touch $CANARY)" "\$(touch"
meta remote-command "/bin/true \`touch $CANARY\`" "\`touch"
meta remote-command "/bin/true|touch $CANARY|true" "/bin/true|touch"
meta remote-command "touch $CANARY&" "$CANARY&"
meta remote-command "/bin/true>$CANARY" "/bin/true>$CANARY"
meta remote-pppd-options ";touch $CANARY;exit" ";touch"
meta remote-ip-command "/sbin/ip;touch $CANARY;exit" "/sbin/ip;touch"
meta pppd-options ";touch $CANARY" ";touch"
add_case host "$IT_GW_IP;touch" \
    "host: $IT_GW_IP;touch is not a host name or address"
add_case host "gw;touch:$IT_SSH_PORT" \
    "host: gw;touch:$IT_SSH_PORT is not a host name or address"
add_case remote-ifname "vpn-x;touch" \
    "remote-ifname: vpn-x;touch is not a valid interface name (1 to 15 of A-Z a-z 0-9 _ . -)"
add_case user "$IT_USER;touch" \
    "user: $IT_USER;touch is not a valid name (1 to 32 of A-Z a-z 0-9 _ . -, not starting with -)"
add_case local-net "10.1.0.0/24;touch" \
    "local-net: 10.1.0.0/24;touch is not a prefix"
add_case remote-command "$(printf '/bin/true\rtouch %s' "$CANARY")" \
    "carriage return inside the line"

# bad_conf N FILE: write case N's config to FILE; $LINE is the bad line's
# number and $PROBLEM what vpnd must say about it.
bad_conf()
{
	vt_conf "$2" <"$IT_DIR/case-$1.lines"
	LINE=$(wc -l <"$2")
	PROBLEM=$(cat "$IT_DIR/case-$1.problem")
}

itest_step "vpnd -t and vpnd refuse each config with FILE:LINE, exit 2"
i=1
while [ "$i" -le "$NCASES" ]; do
	BAD=$IT_DIR/bad-$i.conf
	bad_conf "$i" "$BAD"
	WANT="$BAD:$LINE: $PROBLEM"
	for mode in -t -d; do
		rc=0
		itest_in_cli timeout 10 "$VPND" "$mode" -f "$BAD" \
		    -p "$IT_DIR/bad.pid" >"$IT_DIR/out" 2>"$IT_DIR/err" ||
		    rc=$?
		[ "$rc" -eq 2 ] ||
		    itest_fail "case $i: vpnd $mode exit $rc, want 2: $(cat "$IT_DIR/err")"
		[ "$(cat "$IT_DIR/err")" = "$WANT" ] || itest_fail "case $i: vpnd $mode said
  got:  $(cat "$IT_DIR/err")
  want: $WANT"
		[ ! -s "$IT_DIR/out" ] ||
		    itest_fail "case $i: vpnd $mode wrote: $(cat "$IT_DIR/out")"
	done
	i=$((i + 1))
done
[ ! -e "$IT_DIR/bad.pid" ] || itest_fail "vpnd wrote a pid file"
[ "$(vt_count "Connection from" "$SSHD_LOG")" -eq "$CONNS" ] ||
    itest_fail "sshd saw a connection: $(tail -n 5 "$SSHD_LOG")"

itest_step "vpnd with the good config: the link runs channel 1"
CONF=$IT_DIR/vpn.conf
vt_conf "$CONF" <"$GOOD"
vt_start "$CONF"
vt_wait_log "vpnd: link $LINK: auth -> ppp" 20
vt_wait_results "$LINK" 20
OK4096=$(cat "$IT_DIR/$LINK.local.result")
CONNS=$((CONNS + 1))
SESSIONS=$((SESSIONS + 1))
[ "$(vt_count "Connection from" "$SSHD_LOG")" -eq "$CONNS" ] ||
    itest_fail "sshd saw $(vt_count "Connection from" "$SSHD_LOG") connections, want $CONNS"
[ "$(vt_count "Starting session:" "$SSHD_LOG")" -eq "$SESSIONS" ] ||
    itest_fail "sshd saw $(vt_count "Starting session:" "$SSHD_LOG") sessions, want $SESSIONS"
NLINES=$(vt_count "vpnd: link $LINK: ")

itest_step "SIGHUP with each bad config: refused, running config kept"
i=1
while [ "$i" -le "$NCASES" ]; do
	bad_conf "$i" "$CONF"
	kill -HUP "$VT_PID" || itest_error "kill -HUP $VT_PID"
	end=$(($(date +%s) + $(itest_bound 10)))
	while [ "$(vt_count "vpnd: reload of $CONF refused, running config kept:")" -lt "$i" ]; do
		vt_alive "$VT_PID" || itest_fail "case $i: vpnd exited"
		[ "$(date +%s)" -le "$end" ] ||
		    itest_fail "case $i: no refusal logged" \
		    "$(itest_bound 10) s after SIGHUP"
		sleep 0.02
	done
	grep -qxF "$CONF:$LINE: $PROBLEM" "$VT_LOG" ||
	    itest_fail "case $i: '$CONF:$LINE: $PROBLEM' not logged"
	i=$((i + 1))
done
vt_alive "$VT_PID" || itest_fail "vpnd exited"
[ "$(vt_count "vpnd: reload of $CONF refused")" -eq "$NCASES" ] ||
    itest_fail "$(vt_count "vpnd: reload of $CONF refused") refusals, want $NCASES"
[ "$(vt_count "configuration reloaded")" -eq 0 ] ||
    itest_fail "a bad config stopped the link"
[ "$(vt_count "vpnd: link $LINK: ")" -eq "$NLINES" ] ||
    itest_fail "the link logged something: $(grep -F "vpnd: link $LINK: " "$VT_LOG" | tail -n 3)"
[ "$(vt_count "Connection from" "$SSHD_LOG")" -eq "$CONNS" ] ||
    itest_fail "sshd saw a new connection: $(tail -n 5 "$SSHD_LOG")"
[ "$(vt_count "Starting session:" "$SSHD_LOG")" -eq "$SESSIONS" ] ||
    itest_fail "sshd saw a new session: $(tail -n 5 "$SSHD_LOG")"
[ ! -e "$CANARY" ] || itest_fail "the canary $CANARY was created"

itest_step "control: the same good config, reloaded, keeps the link"
vt_conf "$CONF" <"$GOOD"
kill -HUP "$VT_PID" || itest_error "kill -HUP $VT_PID"
vt_wait_log "vpnd: reloaded $CONF: 1 link unchanged, 0 stopped, 0 to start" 10
[ "$(vt_count "vpnd: link $LINK: ")" -eq "$NLINES" ] ||
    itest_fail "the link logged something: $(grep -F "vpnd: link $LINK: " "$VT_LOG" | tail -n 3)"

itest_step "control: a changed good config, reloaded, reconnects"
rm -f "$IT_DIR/$LINK.local.result" "$IT_DIR/$LINK.remote.result"
vt_streamer_conf "$CONF" "$LINK" "$IT_KEY" "$KH" 8192
kill -HUP "$VT_PID" || itest_error "kill -HUP $VT_PID"
vt_wait_log "vpnd: link $LINK: stopping: settings changed, restarting" 10
vt_wait_log "vpnd: reloaded $CONF: 0 links unchanged, 1 stopped, 1 to start" 10
vt_wait_results "$LINK" 20
[ "$(cat "$IT_DIR/$LINK.local.result")" != "${OK4096:?}" ] ||
    itest_fail "the restarted link ran the old streamers"
[ "$(vt_count "vpnd: link $LINK: auth -> ppp")" -eq 2 ] ||
    itest_fail "the link did not come back once"
[ "$(vt_count "Starting session:" "$SSHD_LOG")" -eq $((SESSIONS + 1)) ] ||
    itest_fail "sshd saw $(vt_count "Starting session:" "$SSHD_LOG") sessions, want $((SESSIONS + 1))"
vt_stop
[ ! -e "$CANARY" ] || itest_fail "the canary $CANARY was created"

itest_step "done"
