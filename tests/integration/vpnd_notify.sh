#!/bin/sh
# SPDX-License-Identifier: ISC
#
# vpnd_notify.sh: state-change notifications on the host tier (so CI
# also runs them under ASan and UBSan).  The hook server is
# tests/http/server.py (Python's http.server) over TLS with a
# certificate made here, started in the gateway namespace and killed by
# PID.  The link n dials a closed port of the gateway with `backoff 1 1`,
# so it goes connecting -> stopping -> backoff -> connecting ... about
# three changes a second:
#  1. the server gets one well formed JSON document per change, in the
#     order vpnd logged them (notify-queue 100: none dropped); then
#     notify-queue 5 by reload, without restarting the link;
#  2. the server is down: the link keeps its pace, 5 documents wait and
#     the rest are dropped and counted; the link is taken down; when the
#     server is back exactly the last 5 changes arrive, in order;
#  3. a server that accepts connections and never answers: the link
#     keeps its pace, vpnctl status answers at once, the posts time out;
#     vpnd exits promptly on SIGTERM all the same.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
# shellcheck source=tests/integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"
# shellcheck source=tests/integration/vpnd-lib.sh
. "$top_srcdir/tests/integration/vpnd-lib.sh"

itest_init vpnd_notify
vt_init
VPNCTL=$top_builddir/src/vpnctl
SERVER=$top_srcdir/tests/http/server.py
PY=/usr/bin/python3
[ -x "$PY" ] || itest_skip "$PY not found (Debian package python3)"
command -v openssl >/dev/null 2>&1 ||
    itest_skip "openssl not found (Debian package openssl)"
[ -x "$VPNCTL" ] || itest_error "$VPNCTL not built"

itest_topology
itest_keys
HOOK=https://$IT_GW_IP:9443/hook
SOCK=$IT_DIR/vpnd.sock
HLOG=$IT_DIR/hook.requests

itest_step "certificate and hook server"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -days 2 -subj "/CN=$IT_GW_IP" -addext "subjectAltName=IP:$IT_GW_IP" \
    -keyout "$IT_DIR/hook.key" -out "$IT_DIR/hook.crt" >/dev/null 2>&1 ||
    itest_error "openssl: certificate"
: >"$HLOG"
itest_log "$HLOG"
SRV=
# server [--hang]: start the hook server in the gateway; PID in $SRV.
server()
{
	rm -f "$IT_DIR/hook.ready"
	itest_spawn "$IT_GW" "$IT_DIR/hook-server.log" "$PY" "$SERVER" \
	    --listen "$IT_GW_IP:9443" --log "$HLOG" \
	    --ready "$IT_DIR/hook.ready" --answer "$IT_DIR/hook.answer" \
	    --tls "$IT_DIR/hook.crt" "$IT_DIR/hook.key" "$@"
	SRV=$IT_PID
	i=0
	while [ ! -s "$IT_DIR/hook.ready" ]; do
		vt_alive "$SRV" || itest_error "the hook server exited"
		i=$((i + 1))
		[ "$i" -lt "$(itest_bound 200)" ] ||
		    itest_error "the hook server does not start"
		sleep 0.05
	done
}
server_stop()
{
	kill -TERM "$SRV" || itest_error "kill $SRV"
	wait "$SRV" || :
	itest_untrack "$SRV"
	SRV=
}
echo 204 >"$IT_DIR/hook.answer"
server

CONF=$IT_DIR/vpn.conf
: >"$IT_DIR/known_hosts"
# write_conf QUEUE: the config with notify-queue QUEUE.
write_conf()
{
	vt_conf "$CONF" <<EOF
control-socket $SOCK
ca-file $IT_DIR/hook.crt
notify $HOOK
notify-queue $1
link n
	host $IT_GW_IP:1
	identity $IT_KEY
	known-hosts $IT_DIR/known_hosts
	pppd /bin/true
	local-ip 10.9.0.1
	remote-ip 10.9.0.2
	backoff 1 1
	connect-timeout 2
EOF
}
write_conf 100

# ms: monotonic-enough wall clock in ms.
ms()
{
	echo $(($(date +%s%N) / 1000000))
}
# changes: the changes of link n vpnd logged so far, one "A B" a line.
changes()
{
	sed -n 's/^vpnd: link n: \([a-z]*\) -> \([a-z]*\)\(: .*\)\{0,1\}$/\1 \2/p' \
	    "$VT_LOG"
}
nchanges()
{
	changes | wc -l | tr -d ' '
}
# docs FROM: "previous state" of each document after the first FROM,
# checking each is well formed and about link n.
docs()
{
	sed -n "$(($1 + 1)),\$p" "$HLOG" | "$PY" -c '
import json, re, sys
for line in sys.stdin:
    r = json.loads(line)
    if r.get("hang"):
        continue
    assert r["method"] == "POST" and r["path"] == "/hook", r
    assert r["content_type"] == "application/json", r
    d = json.loads(r["body"])
    assert sorted(d) == ["at", "link", "previous", "reason", "redials",
                         "state"], d
    assert d["link"] == "n", d
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", d["at"]), d
    assert isinstance(d["redials"], int) and d["redials"] >= 0, d
    if d["state"] in ("stopping", "backoff"):
        assert d["reason"].startswith("connect "), d
    print(d["previous"], d["state"])' ||
	    itest_fail "malformed notification in $HLOG"
}
nreq()
{
	wc -l <"$HLOG" | tr -d ' '
}
# wait_until CMD SECS WHAT
wait_until()
{
	wu_end=$(($(date +%s) + $(itest_bound "$2")))
	while ! eval "$1"; do
		vt_alive "$VT_PID" || itest_fail "vpnd exited"
		[ "$(date +%s)" -le "$wu_end" ] ||
		    itest_fail "no $3 within $(itest_bound "$2") s"
		sleep 0.05
	done
}

itest_step "one document per change, in order"
vt_start "$CONF"
wait_until "[ \"\$(nreq)\" -ge 9 ]" 20 "9 notifications"
docs 0 >"$IT_DIR/docs"
changes | head -n "$(wc -l <"$IT_DIR/docs")" >"$IT_DIR/changes"
cmp -s "$IT_DIR/docs" "$IT_DIR/changes" ||
    itest_fail "documents differ from vpnd's changes: $(diff "$IT_DIR/changes" "$IT_DIR/docs")"
head -n 3 "$IT_DIR/docs" | tr '\n' ' ' | grep -qx \
    'down connecting connecting stopping stopping backoff ' ||
    itest_fail "first documents: $(head -n 3 "$IT_DIR/docs")"

itest_step "notify-queue 5 by reload: the link is not restarted"
write_conf 5
kill -HUP "$VT_PID" || itest_error "SIGHUP"
vt_wait_log "vpnd: reloaded $CONF: 1 link unchanged, 0 stopped, 0 to start" 10

itest_step "server down: the link keeps its pace, 5 wait, the rest dropped"
server_stop
c0=$(nchanges)
t0=$(ms)
sleep 4
rate=$(( ($(nchanges) - c0) * 10000 / ($(ms) - t0) ))
[ "$rate" -ge $((66 / IT_SLACK)) ] || itest_fail "$rate changes in 10 s" \
    "with the server down, want about 30 (at least $((66 / IT_SLACK)))"
"$VPNCTL" -s "$SOCK" status n >"$IT_DIR/status" || itest_fail "vpnctl status"
grep -q "notifications: 5 waiting, [1-9][0-9]* dropped" "$IT_DIR/status" ||
    itest_fail "status: $(cat "$IT_DIR/status")"
grep -q "link n: notify: 5 waiting, dropped the oldest" "$VT_LOG" ||
    itest_fail "the drops are not logged"
"$VPNCTL" -s "$SOCK" down n || itest_fail "vpnctl down"
wait_until 'changes | tail -n 1 | grep -q " down$"' 10 "link n down"
n0=$(nreq)
server
wait_until "[ \"\$(nreq)\" -ge $((n0 + 5)) ]" 30 \
    "the 5 queued notifications"
sleep 2
[ "$(nreq)" -eq $((n0 + 5)) ] ||
    itest_fail "$(($(nreq) - n0)) notifications after the server came back, want 5"
docs "$n0" >"$IT_DIR/docs"
changes | tail -n 5 >"$IT_DIR/changes"
cmp -s "$IT_DIR/docs" "$IT_DIR/changes" ||
    itest_fail "delivered are not the last 5 changes: $(diff "$IT_DIR/changes" "$IT_DIR/docs")"
"$VPNCTL" -s "$SOCK" status n >"$IT_DIR/status" || itest_fail "vpnctl status"
grep -q "notifications: 0 waiting, [1-9][0-9]* dropped" "$IT_DIR/status" ||
    itest_fail "status after delivery: $(cat "$IT_DIR/status")"

itest_step "a server that never answers delays nothing"
server_stop
server --hang
"$VPNCTL" -s "$SOCK" up n || itest_fail "vpnctl up"
sleep 1
c0=$(nchanges)
t0=$(ms)
worst=0
i=0
while [ "$i" -lt 10 ]; do
	t1=$(ms)
	"$VPNCTL" -s "$SOCK" status >/dev/null || itest_fail "vpnctl status"
	t1=$(($(ms) - t1))
	[ "$t1" -le "$worst" ] || worst=$t1
	sleep 0.4
	i=$((i + 1))
done
rate=$(( ($(nchanges) - c0) * 10000 / ($(ms) - t0) ))
[ "$rate" -ge $((66 / IT_SLACK)) ] || itest_fail "$rate changes in 10 s" \
    "with the server hung, want about 30 (at least $((66 / IT_SLACK)))"
[ "$worst" -lt "$(itest_bound 500)" ] || itest_fail "vpnctl status took" \
    "$worst ms, want under $(itest_bound 500) ms"
[ "$(vt_count '"hang": true' "$HLOG")" -ge 1 ] ||
    itest_fail "vpnd never connected to the hung server"
# Issue 12: the URL is shown as scheme://host/, never its path (tokens).
vt_wait_log "link n: notify ${HOOK%/hook}/: timed out after 10 s" 15
[ "$(vt_count "$HOOK")" -eq 0 ] || itest_fail "the log shows the URL's path"
echo "vpnd_notify: hung server: $rate changes in 10 s, vpnctl status" \
    "at most $worst ms" >&2

itest_step "vpnd exits promptly with posts hanging"
t0=$(ms)
vt_stop
t0=$(($(ms) - t0))
[ "$t0" -lt "$(itest_bound 8000)" ] || itest_fail "vpnd took $t0 ms" \
    "to exit, want under $(itest_bound 8000) ms"
itest_step "done"
