# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# Scenario (runs in the guest): the health probe.  The probe server
# (tests/http/server.py, plain http) runs in hostb on site B's LAN, which
# only the tunnel reaches.  vpnd in gwa brings the link office up with
# `probe http://10.2.0.10:8080/health 1 3`:
#  1. the server answers 200: the link stays up, status shows the probe;
#  2. it answers 503: the link is failed after 3 misses (about 3 s) with
#     the reason "probe URL: HTTP 503" in status, and re-dialed; back to
#     200 it comes up and stays up;
#  3. the wrong route: gwa gets a host route to the server over the WAN
#     (a plain fetch from gwa now succeeds that way) and the tunnel's
#     return path is cut at gwb (its route to the ppp peer deleted): the
#     probe, bound to the ppp interface, times out and the link is
#     re-dialed, although the server answers over the other route;
#  4. a server that accepts connections and never answers: every probe
#     times out after 1 s, the link is re-dialed after 3, and vpnctl
#     status answers at once meanwhile.

IF=vpn-office
VPND=$top_builddir/src/vpnd
VPNCTL=$top_builddir/src/vpnctl
SOCK=$E2E_DIR/vpnd.sock
LOG=$E2E_DIR/vpnd.log
URL=http://$SITE_HOSTB_IP:8080/health
# How logs and status show it (issue 12): no path, no query.
SHOWN=http://$SITE_HOSTB_IP:8080/
[ -x "$VPND" ] || fail "$VPND is not built"
[ -x "$VPNCTL" ] || fail "$VPNCTL is not built"
. "$top_srcdir/tests/e2e/http-lib.sh"
http_init
site_topology
site_sshd_start

http_answer probe 200 healthy
http_server probe hostb "$SITE_HOSTB_IP:8080"
probe_srv=$HTTP_PID
if http_fetch gwa "$URL" >/dev/null 2>&1; then
	fail "gwa reaches $URL without the tunnel"
fi
step "probe server in hostb ($URL), out of gwa's reach"

conf=$E2E_DIR/vpn.conf
(
	umask 077
	cat >"$conf" <<CONF
control-socket	$SOCK
link office
	host		$SITE_GWB_WAN_IP
	user		root
	identity	$SITE_SSH_KEY
	known-hosts	$SITE_KNOWN_HOSTS
	local-ip	10.9.0.1
	remote-ip	10.9.0.2
	remote-net	$SITE_LAN_B
	local-net	$SITE_LAN_A
	remote-command	/usr/sbin/pppd
	remote-ip-command /sbin/ip
	keepalive	2 3
	backoff		1 2
	probe		$URL 1 3
CONF
) || fail "write $conf"
collect_log "$LOG"
ip netns exec gwa "$VPND" -d -v -f "$conf" -p "$E2E_DIR/vpnd.pid" \
    >"$LOG" 2>&1 &
vpnd=$!

# ups: how many times the link came up so far.
ups()
{
	vpnd_log_count "link office: routes -> up" "$LOG"
}
stops()
{
	vpnd_log_count "link office: up -> stopping" "$LOG"
}
alive()
{
	pid_exited "$vpnd" && fail "vpnd exited"
	return 0
}
status_has()
{
	"$VPNCTL" -s "$SOCK" status office >"$E2E_DIR/status" 2>&1 &&
	    grep -qF -- "$1" "$E2E_DIR/status"
}

# --------------------------------------------------------------- 1
wait_for "alive && [ \$(ups) -ge 1 ]" 40 "the link to come up"
n0=$(http_count probe)
sleep 5
alive
[ "$(stops)" = 0 ] || fail "the link went down while the probe passed"
n=$(($(http_count probe) - n0))
if [ "$n" -lt 3 ] || [ "$n" -gt 7 ]; then
	fail "$n probes in 5 s at an interval of 1 s"
fi
[ "$(http_field probe 1 requestline)" = "GET /health HTTP/1.1" ] ||
    fail "probe request: $(http_field probe 1 requestline)"
[ "$(http_field probe 1 client)" = 10.9.0.1 ] ||
    fail "the probe came from $(http_field probe 1 client), not the tunnel"
status_has "probe: ok: HTTP 200" ||
    fail "status lacks the probe: $(cat "$E2E_DIR/status")"
step "200: up for 5 s, $n probes through the tunnel, status shows them"
"$VPNCTL" -s "$SOCK" status office --json >"$E2E_DIR/status.json" ||
    fail "status --json"
"$HTTP_PY" -c '
import json, sys
o = json.load(open(sys.argv[1]))["links"][0]
assert o["probe"].startswith("ok: HTTP 200 in "), o
assert o["probe_at"] > 0, o' "$E2E_DIR/status.json" ||
    fail "status --json: $(cat "$E2E_DIR/status.json")"

# --------------------------------------------------------------- 2
http_answer probe 503 sick
t0=$(uptime_cs)
wait_for "alive && [ \$(stops) -ge 1 ]" 15 "the link to be failed by the probe"
dt=$(($(uptime_cs) - t0))
e2e_report probe_503_fail_s "$(cs_to_s "$dt")"
if [ "$dt" -lt 150 ] || ! pace_within "$dt" 600; then
	fail "failed after $(cs_to_s "$dt") s, want about 3 (3 x 1 s)"
fi
grep -qF "link office: probe $SHOWN: HTTP 503" "$LOG" ||
    fail "no reason 'probe $SHOWN: HTTP 503' in the log"
wait_for "status_has 'last failure: probe $SHOWN: HTTP 503 (remote)'" 10 \
    "the reason in vpnctl status"
step "503: link failed after $(cs_to_s "$dt") s: probe $SHOWN: HTTP 503"
wait_for "alive && grep -q 'link office: backoff -> connecting' '$LOG'" 10 \
    "the re-dial"
http_answer probe 200 healthy
up1=$(ups)
wait_for "alive && [ \$(ups) -gt $up1 ]" 40 "the link to come back up"
s1=$(stops)
sleep 4
[ "$(stops)" = "$s1" ] || fail "the link went down again on 200"
step "re-dialed; back to 200 it is up and stays up"

# --------------------------------------------------------------- 3
ip -n gwa route add "$SITE_HOSTB_IP/32" via "$SITE_GWB_WAN_IP" dev wan0 ||
    fail "host route to $SITE_HOSTB_IP over the WAN"
n=$(http_count probe)
[ "$(http_fetch gwa "$URL")" = 200 ] ||
    fail "gwa cannot fetch $URL over the WAN route"
http_clients probe "$n" | grep -qx "$SITE_GWA_WAN_IP" ||
    fail "the plain fetch did not come over the WAN"
n=$(http_count probe)
sleep 3
[ "$(stops)" = "$s1" ] || fail "the link failed with both routes working"
clients=$(http_clients probe "$n" | sort -u)
[ "$clients" = 10.9.0.1 ] ||
    fail "probes came from $clients, not only through the tunnel"
step "with a WAN route to the server too, the probe still goes through $IF"
ip -n gwb route del 10.9.0.1 dev "$IF" ||
    fail "delete gwb's route to the ppp peer"
t0=$(uptime_cs)
wait_for "alive && [ \$(stops) -gt $s1 ]" 15 \
    "the probe to fail the link with its return path cut"
dt=$(($(uptime_cs) - t0))
grep -qF "link office: probe $SHOWN: timed out after 1 s" "$LOG" ||
    fail "no 'probe $SHOWN: timed out after 1 s' in the log"
! grep -qF "$URL" "$LOG" || fail "the log shows the probe URL's path"
[ "$(http_fetch gwa "$URL")" = 200 ] ||
    fail "the server stopped answering over the WAN"
step "tunnel cut at gwb: probe timed out, link failed after $(cs_to_s "$dt") s; the WAN route still answers"
up1=$(ups)
wait_for "alive && [ \$(ups) -gt $up1 ]" 40 "the link to come back up"
s1=$(stops)
sleep 3
[ "$(stops)" = "$s1" ] || fail "the link went down again after the re-dial"
ip -n gwa route del "$SITE_HOSTB_IP/32" || fail "remove the WAN host route"
step "re-dialed (the new ppp unit restores the route): up and probing"

# --------------------------------------------------------------- 4
http_stop "$probe_srv"
http_server probe hostb "$SITE_HOSTB_IP:8080" --hang
t0=$(uptime_cs)
t_ctl=$(uptime_cs)
"$VPNCTL" -s "$SOCK" status >/dev/null || fail "vpnctl status"
t_ctl=$(($(uptime_cs) - t_ctl))
pace_within "$t_ctl" 99 ||
    fail "vpnctl status took $(cs_to_s "$t_ctl") s with a probe hanging, want under $(pace_desc 100)"
wait_for "alive && [ \$(stops) -gt $s1 ]" 15 \
    "a hanging server to fail the link"
dt=$(($(uptime_cs) - t0))
pace_within "$dt" 700 ||
    fail "a hanging server failed the link only after $(cs_to_s "$dt") s, want $(pace_desc 700)"
grep -qF "link office: probe $SHOWN: timed out after 1 s" "$LOG" ||
    fail "no timeout in the log"
step "a server that never answers: timeouts, link failed after $(cs_to_s "$dt") s; status answered in $(cs_to_s "$t_ctl") s"

kill -TERM "$vpnd"
rc=0
child_wait "$vpnd" 15 "vpnd" || rc=$?
[ "$rc" = 0 ] || fail "vpnd exited with status $rc after SIGTERM"
step "vpnd exited 0"
