# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# Scenario (runs in the guest): a real link (pppd at both ends, keepalive
# 1 3) with a control socket and a metrics-file.  Once it is up:
# - vpnd measures the in-tunnel RTT (ICMP echo to the far end's PPP
#   address through the interface): status shows "rtt: N ms (in the
#   tunnel)", status --json rtt_us;
# - `vpnctl metrics` and the metrics-file parse with prometheus_client,
#   agree with status --json, and the link's byte and packet counters
#   each way lie between the real ppp interface's counters read just
#   before and just after (pings across moved them);
# - liveness: gwb's kernel stops answering echo (only that: SSH and
#   pppd's LCP echo still answer), and vpnd fails the link within about
#   keepalive x (misses + 1) with "no echo reply", class network,
#   counted in the metrics; echo back, the link comes up again;
# - SIGTERM removes the metrics-file.

IF=vpn-office
VPND=$top_builddir/src/vpnd
VPNCTL=$top_builddir/src/vpnctl
SOCK=$E2E_DIR/vpnd.sock
PROM=$E2E_DIR/vpn.prom
CHECK=$top_srcdir/tests/integration/metrics_check.py
[ -x "$VPND" ] || fail "$VPND is not built"
[ -x "$VPNCTL" ] || fail "$VPNCTL is not built"
PY=
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import prometheus_client.parser' 2>/dev/null; then
		PY=$p
		break
	fi
done
[ -n "$PY" ] ||
    skip "python3-prometheus-client not installed (tools/deps.sh)"
VERSION=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' \
    "$top_builddir/config.h")
[ -n "$VERSION" ] || fail "no PACKAGE_VERSION in config.h"
site_topology
site_sshd_start

conf=$E2E_DIR/vpn.conf
SITE_VPN_GLOBAL="control-socket $SOCK
metrics-file $PROM
metrics-interval 1" site_vpn_conf "$conf" "keepalive 1 3"
collect_log "$E2E_DIR/vpnd.log"
ip netns exec gwa "$VPND" -d -v -f "$conf" -p "$E2E_DIR/vpnd.pid" \
    >"$E2E_DIR/vpnd.log" 2>&1 &
vpnd=$!
wait_for "site_routes_in $IF" 30 "the link up, routes at both ends"
step "link up"

out=$E2E_DIR/out
js()
{
	"$VPNCTL" -s "$SOCK" status office --json >"$E2E_DIR/status.json" ||
	    return 1
	"$PY" -c '
import json, sys
o = json.load(open(sys.argv[1]))["links"][0]
print(eval(sys.argv[2]))' "$E2E_DIR/status.json" "$1"
}
wait_for "[ \"\$(js 'o[\"rtt_us\"] is not None')\" = True ]" 10 \
    "an rtt in status --json"
rtt=$(js 'o["rtt_us"]')
if [ "$rtt" -le 0 ] || [ "$rtt" -ge 2000000 ]; then
	fail "rtt_us $rtt is not a round trip"
fi
"$VPNCTL" -s "$SOCK" status office >"$out" || fail "vpnctl status"
cat "$out"
grep -q '^  rtt: [0-9]*\.[0-9][0-9][0-9] ms (in the tunnel)$' "$out" ||
    fail "status shows no rtt: $(cat "$out")"
grep -q "link office: rtt [0-9.]* ms through $IF" "$E2E_DIR/vpnd.log" ||
    fail "vpnd did not log the first rtt"
step "rtt measured: $rtt us"

# counters FILE: the interface's counters in gwa.
counters()
{
	for c in rx_bytes rx_packets tx_bytes tx_packets; do
		printf '%s=%s\n' "$c" "$(ns_stat gwa "$IF" "$c")"
	done >"$1" || fail "cannot read the counters of $IF"
}
ns_ping hosta "$SITE_HOSTB_IP" 5 || fail "ping hosta -> hostb"
counters "$E2E_DIR/before"
"$VPNCTL" -s "$SOCK" metrics >"$E2E_DIR/metrics" ||
    fail "vpnctl metrics failed"
counters "$E2E_DIR/after"
"$VPNCTL" -s "$SOCK" status --json >"$E2E_DIR/status.json" ||
    fail "vpnctl status --json"
cat "$E2E_DIR/metrics"
"$PY" "$CHECK" "$E2E_DIR/metrics" "$E2E_DIR/status.json" "$VERSION" \
    "office:$IF:$E2E_DIR/before:$E2E_DIR/after" >"$out" 2>&1 ||
    fail "vpnctl metrics: $(cat "$out")"
grep -q '^pppssh_link_rtt_seconds{link="office"} 0\.[0-9]*$' \
    "$E2E_DIR/metrics" || fail "no rtt in the metrics"
[ "$(sed -n 's/^tx_packets=//p' "$E2E_DIR/before")" -ge 5 ] ||
    fail "the pings did not cross $IF"
"$PY" -c '
import sys
from prometheus_client.parser import text_string_to_metric_families
n = len(list(text_string_to_metric_families(open(sys.argv[1]).read())))
sys.exit(0 if n >= 13 else 1)' "$PROM" || fail "metrics-file $PROM"
step "metrics parse, agree with status and $IF's counters; file too"

# Liveness: gwb stops answering echo; SSH and LCP still answer.
t0=$(uptime_cs)
ip netns exec gwb sh -c 'echo 1 >/proc/sys/net/ipv4/icmp_echo_ignore_all' ||
    fail "cannot make gwb ignore echo"
wait_for "grep -q 'link office: no echo reply from $SITE_PPP_B through $IF' \
    \"\$E2E_DIR/vpnd.log\"" 15 "vpnd to give up on the echo"
e2e_report echo_lost_s "$(cs_to_s $(($(uptime_cs) - t0)))"
grep -q "link office: up -> stopping" "$E2E_DIR/vpnd.log" ||
    fail "the link did not go down on the lost echo"
"$VPNCTL" -s "$SOCK" metrics >"$E2E_DIR/metrics" ||
    fail "vpnctl metrics failed"
grep -q '^pppssh_link_failures_total{link="office",class="network"} [1-9]' \
    "$E2E_DIR/metrics" || fail "the lost echo is not a network failure"
[ "$(js 'o["reason"].startswith("no echo reply")')" = True ] ||
    fail "status reason: $(cat "$E2E_DIR/status.json")"
step "echo ignored at gwb: link failed (network) as the keepalive allows"

ip netns exec gwb sh -c 'echo 0 >/proc/sys/net/ipv4/icmp_echo_ignore_all' ||
    fail "cannot make gwb answer echo"
wait_for "[ \"\$(js 'o[\"state\"]')\" = up ]" 30 "the link up again"
step "echo back: link up again"

kill -TERM "$vpnd"
rc=0
child_wait "$vpnd" 10 "vpnd" || rc=$?
[ "$rc" = 0 ] || fail "vpnd exited $rc after SIGTERM"
[ ! -e "$PROM" ] || fail "metrics-file left behind"
step "SIGTERM: vpnd exits 0, metrics-file removed"
