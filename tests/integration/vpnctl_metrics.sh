#!/bin/sh
# SPDX-License-Identifier: ISC
#
# vpnctl_metrics.sh: `vpnctl metrics` and the metrics-file, read by a real
# Prometheus parser (python3-prometheus-client), against a real vpnd.
# Its link "office" dials the test's real sshd and fails at pppd (there is
# no PPP on the host: a real failure, counted), then is taken down so
# nothing moves while status and metrics are compared; its
# link "lab" has autostart no, and an interface named as lab's (a veth in
# vpnd's namespace, since the host cannot make a ppp one) carries pings,
# so its counters are the kernel's own.
#
# - the exposition parses; build info carries configure's version; each
#   link is in exactly one state, the one status --json says; links by
#   state add up; wanted, last change, re-dials and failures by class are
#   those of status --json; a link that is not up has no up-since;
# - lab's byte and packet counters each way lie between the interface's
#   counters (sysfs) read just before and just after, and pings and
#   one-way datagrams moved them (differently each way); office, without an interface, has none;
# - the metrics-file exists at start (mode 0644), parses to the same
#   families, is rewritten every metrics-interval, leaves no temporary
#   file, and is removed when vpnd exits.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
# shellcheck source=tests/integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"
# shellcheck source=tests/integration/vpnd-lib.sh
. "$top_srcdir/tests/integration/vpnd-lib.sh"

itest_init vpnctl_metrics
vt_init
VPNCTL=$top_builddir/src/vpnctl
[ -x "$VPNCTL" ] || itest_error "$VPNCTL not built"
# The Python that has Debian's python3-prometheus-client (a python3
# earlier in PATH, such as a pyenv one, may not).
PY=
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import prometheus_client.parser' 2>/dev/null; then
		PY=$p
		break
	fi
done
[ -n "$PY" ] ||
    itest_skip "python3-prometheus-client not installed (tools/deps.sh)"
VERSION=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' \
    "$top_builddir/config.h")
[ -n "$VERSION" ] || itest_error "no PACKAGE_VERSION in config.h"

itest_topology
itest_keys
itest_sshd_start
itest_known_hosts "$IT_KNOWN_HOSTS"

SOCK=$IT_DIR/vpnd.sock
PROM=$IT_DIR/textfile/vpn.prom
mkdir -p "$IT_DIR/textfile"
LAB_IF=vpn-lab
LAB_PEER=10.98.0.2

vt_conf "$IT_DIR/vpn.conf" <<EOF
control-socket $SOCK
metrics-file $PROM
metrics-interval 1
link office
	host		$IT_GW_IP
	port		$IT_SSH_PORT
	user		$IT_USER
	identity	$IT_KEY
	known-hosts	$IT_KNOWN_HOSTS
	local-ip	10.9.0.1
	remote-ip	10.9.0.2
	remote-command	/usr/sbin/pppd
	backoff		1 2
link lab
	host		$IT_GW_IP
	port		$IT_SSH_PORT
	user		$IT_USER
	identity	$IT_KEY
	known-hosts	$IT_KNOWN_HOSTS
	local-ip	10.9.1.1
	remote-ip	10.9.1.2
	ifname		$LAB_IF
	autostart	no
EOF

# lab's interface: a veth in vpnd's namespace, its peer in the gateway's.
ip -n "$IT_CLI" link add "$LAB_IF" type veth peer name mx0 netns "$IT_GW" ||
    itest_error "cannot create $LAB_IF"
if ! { ip -n "$IT_CLI" addr add 10.98.0.1/30 dev "$LAB_IF" &&
    ip -n "$IT_GW" addr add "$LAB_PEER/30" dev mx0 &&
    ip -n "$IT_CLI" link set "$LAB_IF" up &&
    ip -n "$IT_GW" link set mx0 up; }; then
	itest_error "cannot configure $LAB_IF"
fi

vt_start "$IT_DIR/vpn.conf"
vt_wait_log "link office: ppp -> stopping" 30
vt_wait_log "link office: stopping -> backoff" 30
"$VPNCTL" -s "$SOCK" down office >/dev/null ||
    itest_fail "vpnctl down office failed"
itest_step "office failed at pppd, then was taken down"

[ -f "$PROM" ] || itest_fail "no metrics-file $PROM after start"
mode=$(stat -c %a "$PROM")
[ "$mode" = 644 ] || itest_fail "$PROM has mode $mode, want 644"

itest_in_cli ping -q -c 5 -i 0.2 -W 2 "$LAB_PEER" >/dev/null ||
    itest_fail "ping $LAB_PEER over $LAB_IF"
# And one way only, so that the directions differ (a mix-up shows).
itest_in_cli python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(20):
    s.sendto(b"x" * 1200, (sys.argv[1], 9))' "$LAB_PEER" ||
    itest_error "cannot send UDP to $LAB_PEER"

# counters FILE: lab's interface counters, as the kernel has them.
counters()
{
	for c in rx_bytes rx_packets tx_bytes tx_packets; do
		printf '%s=%s\n' "$c" "$(itest_in_cli cat \
		    "/sys/class/net/$LAB_IF/statistics/$c")"
	done >"$1" || itest_error "cannot read the counters of $LAB_IF"
}

counters "$IT_DIR/before"
"$VPNCTL" -s "$SOCK" metrics >"$IT_DIR/metrics" 2>"$IT_DIR/err" ||
    itest_fail "vpnctl metrics failed: $(cat "$IT_DIR/err")"
counters "$IT_DIR/after"
"$VPNCTL" -s "$SOCK" status --json >"$IT_DIR/status.json" ||
    itest_fail "vpnctl status --json failed"
[ ! -s "$IT_DIR/err" ] || itest_fail "vpnctl metrics: $(cat "$IT_DIR/err")"

CHECK=$top_srcdir/tests/integration/metrics_check.py
"$PY" "$CHECK" "$IT_DIR/metrics" "$IT_DIR/status.json" "$VERSION" \
    "lab:$LAB_IF:$IT_DIR/before:$IT_DIR/after" >"$IT_DIR/check.out" 2>&1 ||
    itest_fail "vpnctl metrics: $(cat "$IT_DIR/check.out")"
# The test's own situation: office failed and is down, lab's interface
# carried traffic, more one way than the other (a mix-up shows).
"$PY" - "$IT_DIR/status.json" "$IT_DIR/before" <<'EOF' >"$IT_DIR/check.out" 2>&1 ||
import json, sys
o = {l["name"]: l for l in json.load(open(sys.argv[1]))["links"]}["office"]
c = dict(l.strip().split("=") for l in open(sys.argv[2]))
if sum(o["failures"].values()) < 1 or o["state"] != "down":
    sys.exit("office: %s, failures %s" % (o["state"], o["failures"]))
if int(c["tx_packets"]) < 25 or int(c["rx_packets"]) < 5 or \
        int(c["tx_bytes"]) < int(c["rx_bytes"]) + 20000:
    sys.exit("the traffic did not cross the interface: %s" % c)
EOF
    itest_fail "$(cat "$IT_DIR/check.out")"
itest_step "vpnctl metrics parses and agrees with status and $LAB_IF"

# The file: the same families, rewritten every second.
"$PY" - "$PROM" "$IT_DIR/metrics" <<'EOF' >"$IT_DIR/check.out" 2>&1 ||
import sys
from prometheus_client.parser import text_string_to_metric_families
a = sorted(f.name for f in text_string_to_metric_families(open(sys.argv[1]).read()))
b = sorted(f.name for f in text_string_to_metric_families(open(sys.argv[2]).read()))
if a != b:
    print("families of the file %s, of vpnctl metrics %s" % (a, b))
    sys.exit(1)
EOF
    itest_fail "metrics-file: $(cat "$IT_DIR/check.out")"
ino=$(stat -c %i "$PROM")
t=0
while [ "$(stat -c %i "$PROM")" = "$ino" ]; do
	t=$((t + 1))
	[ "$t" -le "$(itest_bound 50)" ] ||
	    itest_fail "metrics-file not rewritten within 5 s (interval 1)"
	sleep 0.1
done
leftover=$(find "$IT_DIR/textfile" -name '.vpn.prom.*')
[ -z "$leftover" ] || itest_fail "temporary files left: $leftover"
itest_step "metrics-file: same families, rewritten by rename, mode 644"

vt_stop
[ ! -e "$PROM" ] || itest_fail "metrics-file left after vpnd exited"
itest_step "metrics-file removed at exit"
