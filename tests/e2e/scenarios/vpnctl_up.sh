# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# Scenario (runs in the guest): vpnd in gwa with the link office set to
# autostart no; vpnctl brings it up and waits (each stage shown with its
# time, "office: up in N s" and exit 0 once the routes are in at both
# ends), check exits 0 while it is up, status shows it at a glance (the
# gateway, the tunnel, the nets, the transfer of a ping in human units)
# and status --json in machine units, up --wait of a link already up
# returns at once, down says "office: down" once it is and check exits 1
# again; SIGTERM removes the control socket.

IF=vpn-office
VPND=$top_builddir/src/vpnd
VPNCTL=$top_builddir/src/vpnctl
SOCK=$E2E_DIR/vpnd.sock
[ -x "$VPND" ] || fail "$VPND is not built"
[ -x "$VPNCTL" ] || fail "$VPNCTL is not built"
command -v python3 >/dev/null 2>&1 || skip "python3 not found"
site_topology
site_sshd_start

conf=$E2E_DIR/vpn.conf
SITE_VPN_GLOBAL="control-socket $SOCK" site_vpn_conf "$conf" \
    "keepalive 2 3" "autostart no"
collect_log "$E2E_DIR/vpnd.log"
ip netns exec gwa "$VPND" -d -v -f "$conf" -p "$E2E_DIR/vpnd.pid" \
    >"$E2E_DIR/vpnd.log" 2>&1 &
vpnd=$!
wait_for "\"\$VPNCTL\" -s \"\$SOCK\" status >/dev/null 2>&1" 10 \
    "vpnd's control socket"
step "vpnd answers on its control socket"

routes_in()
{
	ip -n gwa route show "$SITE_LAN_B" | grep -q "dev $IF" &&
	    ip -n gwb route show "$SITE_LAN_A" | grep -q "dev $IF"
}

# ctl ARG...: vpnctl; output in $out and $err, exit status in $rc.
out=$E2E_DIR/out
err=$E2E_DIR/err
ctl()
{
	rc=0
	"$VPNCTL" -s "$SOCK" "$@" >"$out" 2>"$err" || rc=$?
}

# js EXPR: EXPR on the link office of status --json (as o).
js()
{
	"$VPNCTL" -s "$SOCK" status office --json >"$E2E_DIR/status.json" ||
	    return 1
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
o = d["links"][0]
print(eval(sys.argv[2]))' "$E2E_DIR/status.json" "$1"
}

ctl check office
[ "$rc" = 1 ] || fail "check of a link not up: exit $rc, want 1"
routes_in && fail "routes before up"

ctl up office --wait
cat "$out"
[ "$rc" = 0 ] || fail "up --wait: exit $rc: $(cat "$err")"
for stage in "office: connecting to $SITE_GWB_WAN_IP:22" \
    "office: ssh handshake with $SITE_GWB_WAN_IP:22" \
    "office: authenticating" "office: starting pppd at both ends" \
    "office: installing routes"; do
	grep -q "^$stage.* ([0-9]*\.[0-9] s)\$" "$out" ||
	    fail "up --wait did not show '$stage' with its time"
done
tail -n 1 "$out" | grep -q '^office: up in [0-9]*\.[0-9] s$' ||
    fail "'office: up in N s' is not the last line"
routes_in || fail "up --wait returned before the routes were in"
step "up --wait: every stage shown, exit 0 with the routes in"

ctl check office
[ "$rc" = 0 ] || fail "check of a link that is up: exit $rc"
if [ -s "$out" ] || [ -s "$err" ]; then
	fail "check printed something"
fi
step "check: exit 0, silent"

ns_ping hosta "$SITE_HOSTB_IP" 3 || fail "ping hosta -> hostb"
[ "$(js 'o["state"], o["host"], o["port"], o["wanted"], o["down_since"]')" = \
    "('up', '$SITE_GWB_WAN_IP', 22, True, None)" ] ||
    fail "status --json: $(cat "$E2E_DIR/status.json")"
[ "$(js 'o["bytes_in"] > 0 and o["bytes_out"] > 0')" = True ] ||
    fail "no bytes counted: $(cat "$E2E_DIR/status.json")"
[ "$(js 'o["local_ip"], o["remote_ip"], o["remote_nets"], o["local_nets"]')" = \
    "('$SITE_PPP_A', '$SITE_PPP_B', ['$SITE_LAN_B'], ['$SITE_LAN_A'])" ] ||
    fail "status --json addresses: $(cat "$E2E_DIR/status.json")"
ctl status
cat "$out"
for l in "office: up for [0-9hms]*, since [0-9:]*" \
    "  gateway: $SITE_GWB_WAN_IP:22" \
    "  tunnel: $SITE_PPP_A -> $SITE_PPP_B on $IF" \
    "  remote nets: $SITE_LAN_B" \
    "  local nets: $SITE_LAN_A (routed back by the gateway)" \
    "  transfer: [0-9.]* [KM]*i*B received, [0-9.]* [KM]*i*B sent"; do
	grep -q "^$l\$" "$out" || fail "status text lacks '$l': $(cat "$out")"
done
step "status: up, gateway, tunnel, nets, transfer"

ctl up office --wait
[ "$rc" = 0 ] || fail "up --wait of a link already up: exit $rc"
[ "$(cat "$out")" = "office: already up" ] ||
    fail "up --wait when up: $(cat "$out")"

ctl down office
[ "$rc" = 0 ] || fail "down: exit $rc"
[ "$(cat "$out")" = "office: down" ] || fail "down said: $(cat "$out")"
wait_for "! routes_in" 10 "the routes to go"
wait_for "[ \"\$(js 'o[\"state\"], o[\"wanted\"]')\" = \"('down', False)\" ]" \
    10 "office down and not wanted"
ctl check office
[ "$rc" = 1 ] || fail "check after down: exit $rc, want 1"
step "down: routes gone, link down, check exits 1"

kill -TERM "$vpnd"
rc=0
child_wait "$vpnd" 10 "vpnd" || rc=$?
[ "$rc" = 0 ] || fail "vpnd exited $rc after SIGTERM"
[ ! -e "$SOCK" ] || fail "control socket left behind"
step "SIGTERM: vpnd exits 0, socket removed"
