# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# Scenario (runs in the guest): state-change notifications.  The hook
# server (tests/http/server.py over TLS) runs in gwb on the WAN; vpnd in
# gwa notifies it of every change of its two links (global `notify`,
# `notify-queue 4`):
#  1. office comes up: the server gets one JSON document per change, in
#     order, each well formed ({link, state, previous, reason, at,
#     redials}, application/json);
#  2. the server is down for 30 s: the link second is brought up
#     meanwhile, on time; its changes wait (4 of its 6 kept, 2 dropped
#     and counted in status); when the server is back exactly those 4
#     arrive, in order;
#  3. a server that accepts connections and never answers: second is
#     restarted and comes up on time, vpnctl answers at once, office
#     keeps carrying traffic; the posts time out; vpnd still exits
#     promptly on SIGTERM.

VPND=$top_builddir/src/vpnd
VPNCTL=$top_builddir/src/vpnctl
SOCK=$E2E_DIR/vpnd.sock
LOG=$E2E_DIR/vpnd.log
HOOK=https://$SITE_GWB_WAN_IP:9443/hook
[ -x "$VPND" ] || fail "$VPND is not built"
[ -x "$VPNCTL" ] || fail "$VPNCTL is not built"
. "$top_srcdir/tests/e2e/http-lib.sh"
http_init
site_topology
site_sshd_start

http_cert hook "$SITE_GWB_WAN_IP"
http_answer hook 204
http_server hook gwb "$SITE_GWB_WAN_IP:9443" \
    --tls "$E2E_DIR/hook.crt" "$E2E_DIR/hook.key"
hook_srv=$HTTP_PID
step "hook server in gwb at $HOOK (TLS)"

conf=$E2E_DIR/vpn.conf
(
	umask 077
	cat >"$conf" <<CONF
control-socket	$SOCK
ca-file		$E2E_DIR/hook.crt
notify		$HOOK
notify-queue	4
host		$SITE_GWB_WAN_IP
user		root
identity	$SITE_SSH_KEY
known-hosts	$SITE_KNOWN_HOSTS
remote-command	/usr/sbin/pppd
remote-ip-command /sbin/ip
keepalive	2 3
backoff		1 2

link office
	local-ip	10.9.0.1
	remote-ip	10.9.0.2
	remote-net	$SITE_LAN_B
	local-net	$SITE_LAN_A

link second
	local-ip	10.9.1.1
	remote-ip	10.9.1.2
	autostart	no
CONF
) || fail "write $conf"
collect_log "$LOG"

alive()
{
	pid_exited "$vpnd" && fail "vpnd exited"
	return 0
}
ups()
{
	vpnd_log_count "link $1: routes -> up" "$LOG"
}

# check_docs FROM LINK STATE...: the requests after the first FROM that
# are about LINK are exactly one POST per STATE, in order, each a well
# formed document whose previous is the state before.
check_docs()
{
	_from=$1
	_link=$2
	shift 2
	sed -n "$((_from + 1)),\$p" "$E2E_DIR/hook.log" >"$E2E_DIR/docs" ||
	    fail "read hook.log"
	"$HTTP_PY" - "$E2E_DIR/docs" "$_link" "$@" <<'PY' ||
import json, re, sys
path, link, want = sys.argv[1], sys.argv[2], sys.argv[3:]
docs = []
for line in open(path):
    r = json.loads(line)
    assert r["method"] == "POST", r
    assert r["path"] == "/hook", r
    assert r["content_type"] == "application/json", r
    d = json.loads(r["body"])
    assert sorted(d) == ["at", "link", "previous", "reason", "redials",
                         "state"], d
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", d["at"]), d
    assert isinstance(d["redials"], int), d
    assert d["reason"] is None or isinstance(d["reason"], str), d
    if d["link"] == link:
        docs.append(d)
states = [d["state"] for d in docs]
if states != want:
    sys.exit("%s: states %s, want %s" % (link, states, want))
for a, b in zip(docs, docs[1:]):
    if b["previous"] != a["state"]:
        sys.exit("%s: %s after %s" % (link, b, a))
PY
	    fail "notifications of $_link: $(cat "$E2E_DIR/docs")"
}

# --------------------------------------------------------------- 1
t0=$(uptime_cs)
ip netns exec gwa "$VPND" -d -v -f "$conf" -p "$E2E_DIR/vpnd.pid" \
    >"$LOG" 2>&1 &
vpnd=$!
wait_for "alive && [ \$(ups office) -ge 1 ]" 40 "office to come up"
t_office=$(($(uptime_cs) - t0))
wait_for "[ \$(http_count hook) -ge 6 ]" 15 "the 6 notifications of office"
sleep 1
[ "$(http_count hook)" = 6 ] || fail "$(http_count hook) notifications, want 6"
check_docs 0 office connecting handshake auth ppp routes up
[ "$(http_field hook 1 body | "$HTTP_PY" -c \
    'import json,sys; d=json.load(sys.stdin); print(d["previous"], d["redials"], d["reason"])')" = \
    "down 0 None" ] || fail "first document: $(http_field hook 1 body)"
step "office up in $(cs_to_s "$t_office") s: 6 documents, in order, well formed"

# --------------------------------------------------------------- 2
http_stop "$hook_srv"
t_stop=$(uptime_cs)
n0=$(http_count hook)
t1=$(uptime_cs)
"$VPNCTL" -s "$SOCK" up second --wait >"$E2E_DIR/up.out" 2>&1 ||
    fail "up second: $(cat "$E2E_DIR/up.out")"
t_second=$(($(uptime_cs) - t1))
e2e_report second_up_server_down_s "$(cs_to_s "$t_second")"
pace_within "$t_second" $((t_office * 2 + 300)) ||
    fail "second took $(cs_to_s "$t_second") s to come up (office: $(cs_to_s "$t_office") s)"
step "hook server down: second came up in $(cs_to_s "$t_second") s (office took $(cs_to_s "$t_office") s)"
"$VPNCTL" -s "$SOCK" status second >"$E2E_DIR/status" ||
    fail "status second"
grep -qF "notifications: 4 waiting, 2 dropped" "$E2E_DIR/status" ||
    fail "status: $(cat "$E2E_DIR/status")"
grep -qF "link second: notify: 4 waiting, dropped the oldest (2 dropped in all)" \
    "$LOG" || fail "the drops are not logged"
wait_for "[ \$(uptime_cs) -ge $((t_stop + 3000)) ]" 40 "30 s of the server down"
[ "$(http_count hook)" = "$n0" ] || fail "requests while the server was down"
http_server hook gwb "$SITE_GWB_WAN_IP:9443" \
    --tls "$E2E_DIR/hook.crt" "$E2E_DIR/hook.key"
hook_srv=$HTTP_PID
t_back=$(uptime_cs)
wait_for "[ \$(http_count hook) -ge $((n0 + 4)) ]" 30 \
    "the queued notifications after the server came back"
e2e_report queue_delivered_after_s "$(cs_to_s $(($(uptime_cs) - t_back)))"
sleep 3
[ "$(http_count hook)" = $((n0 + 4)) ] ||
    fail "$(($(http_count hook) - n0)) notifications arrived, want the 4 kept"
check_docs "$n0" second auth ppp routes up
check_docs "$n0" office
"$VPNCTL" -s "$SOCK" status second >"$E2E_DIR/status" ||
    fail "status second"
grep -qF "notifications: 0 waiting, 2 dropped" "$E2E_DIR/status" ||
    fail "status after delivery: $(cat "$E2E_DIR/status")"
step "server back after 30 s: the 4 kept arrived in order, 2 dropped, none beyond"

# --------------------------------------------------------------- 3
http_stop "$hook_srv"
http_server hook gwb "$SITE_GWB_WAN_IP:9443" --hang
n0=$(http_count hook)
up0=$(ups second)
t1=$(uptime_cs)
"$VPNCTL" -s "$SOCK" restart second || fail "restart second"
t_ctl=$(uptime_cs)
"$VPNCTL" -s "$SOCK" status >/dev/null || fail "status"
t_ctl=$(($(uptime_cs) - t_ctl))
pace_within "$t_ctl" 99 ||
    fail "vpnctl status took $(cs_to_s "$t_ctl") s with posts hanging, want under $(pace_desc 100)"
wait_for "alive && [ \$(ups second) -gt $up0 ]" 40 "second to come back up"
t_second=$(($(uptime_cs) - t1))
e2e_report second_restart_server_hung_s "$(cs_to_s "$t_second")"
pace_within "$t_second" $((t_office * 2 + 300)) ||
    fail "second took $(cs_to_s "$t_second") s to restart with the server hung"
ns_ping hosta "$SITE_HOSTB_IP" 3 || fail "office carries nothing"
[ "$(http_count hook)" -gt "$n0" ] || fail "no connection to the hung server"
wait_for "grep -qF 'notify ${HOOK%/hook}/: timed out after 10 s' '$LOG'" 20 \
    "a post to time out"
step "server hung: second restarted in $(cs_to_s "$t_second") s, status in $(cs_to_s "$t_ctl") s, office pings, posts time out"

t1=$(uptime_cs)
kill -TERM "$vpnd"
rc=0
child_wait "$vpnd" 15 "vpnd" || rc=$?
[ "$rc" = 0 ] || fail "vpnd exited with status $rc after SIGTERM"
t1=$(($(uptime_cs) - t1))
pace_within "$t1" 1000 ||
    fail "vpnd took $(cs_to_s "$t1") s to exit, want $(pace_desc 1000)"
step "vpnd exited 0 in $(cs_to_s "$t1") s (queued posts get 3 s at most)"
