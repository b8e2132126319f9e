#!/bin/sh
# SPDX-License-Identifier: ISC
#
# vpnctl.sh: the control socket and vpnctl against a real vpnd whose link
# "office" dials the test's real sshd (the host has no PPP, so the link gets
# through SSH and fails at pppd, then re-dials: a real reason to show) and
# whose link "lab" has autostart no.
#
# - status --json parses and holds both links, their states and every field
#   in machine units; the text status shows each link at a glance (state
#   and since when, gateway, tunnel, nets at both ends, the last failure),
#   in colour only on a terminal;
# - check exit codes; up --wait shows each stage with its time and every
#   failed attempt with its reason, keeps waiting through the re-dials and
#   gives up at --timeout with the last reason (the link keeps dialing);
#   it ends at once on a hard failure (a key the gateway refuses); Ctrl-C
#   leaves the link dialing and says so;
# - up, down and restart say what they did; down returns once the link is
#   down;
# - who may talk: the control group is "daemon" (it exists on every Debian
#   system, has no listed members, and is the primary group of user daemon
#   only).  uid daemon (primary group daemon) is accepted; uid nobody with
#   the supplementary group daemon in its process credentials passes the
#   socket's mode 0660 but is refused by vpnd, because the group database
#   (getgrouplist) does not list nobody in daemon; uid nobody without it
#   cannot even connect.  Both refusals name the group and the command
#   that joins it.  /etc/group and /etc/passwd are never changed.
# - malformed requests (garbage, wrong version, unknown command, missing
#   argument, NUL byte, a 1 MB line, a bad flag) each get an error reply
#   of the right kind and vpnd keeps serving; a connection that never
#   sends does not block others; past 64 connections vpnd says busy; a
#   member of the group gets 8 at once and root is still served while it
#   floods (issue 12); a socket in a directory others may write is
#   refused;
# - reload of a broken config prints the errors, exits 2, the old config
#   stays; a good one is taken;
# - a second vpnd on the same socket refuses to start;
# - watchdog: nothing to do (exit 0, silent), a link down too long is
#   restarted (exit 1), vpnd killed (stale socket left) is started again
#   by the init script (exit 1), then all is well (exit 0).
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
# shellcheck source=tests/integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"

itest_init vpnctl
VPND=$top_builddir/src/vpnd
VPNCTL=$top_builddir/src/vpnctl
[ -x "$VPND" ] || itest_error "$VPND not built"
[ -x "$VPNCTL" ] || itest_error "$VPNCTL not built"
for c in python3 setpriv stat script; do
	command -v "$c" >/dev/null 2>&1 ||
	    itest_skip "$c not found (install python3/util-linux/coreutils)"
done
if ! { getent passwd daemon && getent passwd nobody &&
    getent group daemon; } >/dev/null; then
	itest_skip "users daemon and nobody and group daemon are needed"
fi
case " $(id -Gn nobody) " in
*" daemon "*) itest_skip "nobody is a member of group daemon here" ;;
esac
[ "$(id -gn daemon)" = daemon ] ||
    itest_skip "the primary group of user daemon is not daemon"

itest_topology
itest_keys
itest_sshd_start
itest_known_hosts "$IT_KNOWN_HOSTS"

# The socket and a copy of vpnctl where uids daemon and nobody reach them.
RUN=$IT_DIR/run
chmod 0711 "$IT_DIR"
mkdir -m 0755 "$RUN"
cp "$VPNCTL" "$RUN/vpnctl"
chmod 0755 "$RUN/vpnctl"
SOCK=$RUN/vpnd.sock
PIDFILE=$RUN/vpnd.pid
CONF=$IT_DIR/vpn.conf
OUT=$IT_DIR/out
ERR=$IT_DIR/err

# conf [EXTRA...]: write $CONF; EXTRA lines go at the end.
conf()
{
	(
		umask 077
		cat <<EOF
control-socket $SOCK
control-group daemon
link office
	host		$IT_GW_IP
	port		$IT_SSH_PORT
	user		$IT_USER
	identity	$IT_KEY
	known-hosts	$IT_KNOWN_HOSTS
	local-ip	10.9.0.1
	remote-ip	10.9.0.2
	remote-net	10.0.0.0/24
	local-net	172.16.1.0/24 172.16.2.0/24
	remote-command	/usr/sbin/pppd
	remote-ip-command /sbin/ip
	backoff		1 2
link lab
	host		$IT_GW_IP
	port		$IT_SSH_PORT
	user		$IT_USER
	identity	$IT_KEY
	known-hosts	$IT_KNOWN_HOSTS
	local-ip	10.9.1.1
	remote-ip	10.9.1.2
	remote-command	/usr/sbin/pppd
	remote-ip-command /sbin/ip
	backoff		1 2
	autostart	no
EOF
		for l in "$@"; do
			printf '%s\n' "$l"
		done
	) >"$CONF.new" && mv "$CONF.new" "$CONF"
}

# ctl ARG...: vpnctl as root; output in $OUT and $ERR, status in $rc.
ctl()
{
	rc=0
	"$VPNCTL" -s "$SOCK" "$@" >"$OUT" 2>"$ERR" || rc=$?
}

# ctl_as "SETPRIV-OPTIONS" ARG...: the copy of vpnctl under setpriv.
ctl_as()
{
	opts=$1
	shift
	rc=0
	# shellcheck disable=SC2086 # the options are meant to split
	setpriv $opts "$RUN/vpnctl" -s "$SOCK" "$@" >"$OUT" 2>"$ERR" || rc=$?
}

expect_rc()
{
	[ "$rc" -eq "$1" ] ||
	    itest_fail "exit status $rc, want $1; stdout: $(cat "$OUT"); stderr: $(cat "$ERR")"
}

# json EXPR: evaluate the Python expression EXPR on the parsed status
# (bound to d, links by name in L); prints its value.
json()
{
	"$VPNCTL" -s "$SOCK" status --json >"$IT_DIR/status.json" ||
	    itest_fail "status --json failed"
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
L = {l["name"]: l for l in d["links"]}
print(eval(sys.argv[2]))' "$IT_DIR/status.json" "$1" ||
	    itest_fail "status --json does not parse or lacks $1: $(cat "$IT_DIR/status.json")"
}

# wait_json EXPR SECONDS: until EXPR is True.
wait_json()
{
	t=0
	while [ "$(json "$1")" != True ]; do
		t=$((t + 1))
		[ "$t" -le "$(itest_bound $(($2 * 10)))" ] ||
		    itest_fail "after $(itest_bound "$2") s, still not $1:" \
		    "$(cat "$IT_DIR/status.json")"
		sleep 0.1
	done
}

# raw NAME: send one of the malformed requests below straight to the
# socket; prints the reply (every line).
raw()
{
	python3 - "$SOCK" "$1" <<'EOF'
import socket, sys
reqs = {
    "garbage": b"hello there\n",
    "version": b"pppssh/2 status\n",
    "unknown": b"pppssh/1 frobnicate office\n",
    "missing": b"pppssh/1 up\n",
    "nul": b"pppssh/1 sta\0tus\n",
    "big": b"pppssh/1 status " + b"a" * (1 << 20) + b"\n",
    "flag": b"pppssh/1 down office +json\n",
    "nolink": b"pppssh/1 check nosuchlink\n",
    "binary": bytes(range(1, 256)) + b"\n",
}
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(20)
s.connect(sys.argv[1])
try:
    s.sendall(reqs[sys.argv[2]])
except OSError:
    pass        # vpnd stopped reading after 4 KiB: its reply waits
out = b""
while True:
    try:
        d = s.recv(65536)
    except ConnectionResetError:
        break
    if not d:
        break
    out += d
sys.stdout.write(out.decode("ascii", "replace"))
EOF
}

vpnd_start()
{
	itest_spawn "$IT_CLI" "$IT_DIR/vpnd.log" "$VPND" -d -v -f "$CONF" \
	    -p "$PIDFILE"
	VPND_PID=$IT_PID
	t=0
	until "$VPNCTL" -s "$SOCK" status >/dev/null 2>&1; do
		itest__alive "$VPND_PID" || itest_fail "vpnd exited"
		t=$((t + 1))
		[ "$t" -le "$(itest_bound 100)" ] || itest_fail "vpnd does not answer on $SOCK"
		sleep 0.1
	done
}

itest_step "vpnd starts with its control socket"
conf
"$VPND" -t -f "$CONF" || itest_error "vpnd -t refuses $CONF"
vpnd_start
[ "$(stat -c '%a %U %G' "$SOCK")" = "660 root daemon" ] ||
    itest_fail "socket mode $(stat -c '%a %U %G' "$SOCK"), want 660 root daemon"

itest_step "status --json parses and holds both links"
[ "$(json '[l["name"] for l in d["links"]]')" = "['office', 'lab']" ] ||
    itest_fail "links: $(cat "$IT_DIR/status.json")"
[ "$(json 'd["version"]')" = 1 ] || itest_fail "no version 1"
[ "$(json 'sorted(L["lab"].keys())')" = "['bytes_in', 'bytes_out', \
'ddns', 'ddns_at', 'dns', 'down_since', 'fail_class', 'failures', 'host', \
'hosts', 'ifname', 'local_ip', 'local_nets', 'name', 'needs_attention', \
'next_dial', 'notify_dropped', 'notify_queued', 'port', 'probe', \
'probe_at', 'reason', 'redials', 'remote_ip', 'remote_nets', 'rtt_us', \
'since', 'state', 'wanted']" ] ||
    itest_fail "fields: $(cat "$IT_DIR/status.json")"
[ "$(json 'L["office"]["hosts"], L["office"]["local_ip"], \
L["office"]["remote_ip"], L["office"]["remote_nets"], \
L["office"]["local_nets"], L["lab"]["remote_nets"]')" = \
    "(['$IT_GW_IP:$IT_SSH_PORT'], '10.9.0.1', '10.9.0.2', \
['10.0.0.0/24'], ['172.16.1.0/24', '172.16.2.0/24'], [])" ] ||
    itest_fail "addresses and nets: $(cat "$IT_DIR/status.json")"
[ "$(json 'type(L["lab"]["bytes_in"]).__name__, type(L["lab"]["since"]).__name__')" = \
    "('int', 'int')" ] || itest_fail "machine units: $(cat "$IT_DIR/status.json")"
[ "$(json 'L["lab"]["state"], L["lab"]["wanted"], L["lab"]["rtt_us"], \
L["lab"]["failures"]')" = \
    "('down', False, None, {'network': 0, 'remote': 0, 'hard': 0})" ] ||
    itest_fail "lab: $(cat "$IT_DIR/status.json")"
[ "$(json 'L["office"]["wanted"], L["office"]["ifname"]')" = \
    "(True, 'vpn-office')" ] ||
    itest_fail "office: $(cat "$IT_DIR/status.json")"

itest_step "office gets through SSH, fails at pppd, says why, re-dials"
wait_json 'L["office"]["reason"] is not None and L["office"]["redials"] >= 1' 30
json 'L["office"]["state"], L["office"]["reason"]' >&2
ctl status office
expect_rc 0
cat "$OUT" >&2
grep -q '^office: [a-z]* for [0-9hms]*, since [0-9:]*' "$OUT" ||
    itest_fail "status text: $(cat "$OUT")"
grep -q "^  gateway: " "$OUT" || itest_fail "no gateway: $(cat "$OUT")"
grep -q '^  tunnel: 10.9.0.1 -> 10.9.0.2 on vpn-office$' "$OUT" ||
    itest_fail "no tunnel: $(cat "$OUT")"
grep -q '^  remote nets: 10.0.0.0/24$' "$OUT" ||
    itest_fail "no remote nets: $(cat "$OUT")"
grep -q '^  local nets: 172.16.1.0/24, 172.16.2.0/24 (routed back' "$OUT" ||
    itest_fail "no local nets: $(cat "$OUT")"
grep -q '^  last failure: .*pppd.* ([a-z]*)$' "$OUT" ||
    itest_fail "no failure shown: $(cat "$OUT")"
grep -q '^  re-dials: [1-9]' "$OUT" || itest_fail "no re-dials: $(cat "$OUT")"
! grep -q 'rtt' "$OUT" || itest_fail "an rtt never measured is shown"
! grep -q "$(printf '\033')" "$OUT" || itest_fail "colour without a terminal"
! grep -q '^lab:' "$OUT" || itest_fail "status office shows lab"
ctl
expect_rc 0
grep -q '^lab: down for [0-9hms]*, since [0-9:]*, not wanted up$' "$OUT" ||
    itest_fail "no-argument status: $(cat "$OUT")"
grep -q "^  gateway: $IT_GW_IP:$IT_SSH_PORT (not connected)\$" "$OUT" ||
    itest_fail "lab's configured gateway: $(cat "$OUT")"

itest_step "status on a terminal is in colour, not with NO_COLOR"
TERM=xterm script -qec "'$VPNCTL' -s '$SOCK' status lab" /dev/null \
    >"$OUT" 2>&1 || itest_fail "status under script(1): $(cat "$OUT")"
esc=$(printf '\033')
grep -q "^${esc}\\[1mlab${esc}\\[0m: .*down" "$OUT" ||
    itest_fail "no colour on a terminal: $(od -c "$OUT" | head -n 4)"
NO_COLOR=1 TERM=xterm script -qec "'$VPNCTL' -s '$SOCK' status lab" \
    /dev/null >"$OUT" 2>&1 || itest_fail "status under script(1)"
grep -q '^lab: down' "$OUT" || itest_fail "NO_COLOR: $(cat "$OUT")"
! grep -q "$esc" "$OUT" || itest_fail "colour with NO_COLOR"

itest_step "check: 1 when not up, 2 for no such link, usage 2"
ctl check lab
expect_rc 1
grep -q 'link lab is down' "$ERR" || itest_fail "check lab: $(cat "$ERR")"
ctl check office
expect_rc 1
ctl check nosuchlink
expect_rc 2
grep -q 'no such link: nosuchlink' "$ERR" || itest_fail "$(cat "$ERR")"
ctl check
expect_rc 2
ctl frobnicate
expect_rc 2
ctl status --yaml
expect_rc 2

itest_step "up lab --wait shows each stage with its time"
# lab gets through SSH and fails at pppd (no PPP here: a hard failure).
ctl up lab --wait --timeout="$(itest_bound 20)"
cat "$OUT" "$ERR" >&2
expect_rc 1
grep -q "^lab: connecting to $IT_GW_IP:$IT_SSH_PORT ([0-9.]* s)\$" "$OUT" ||
    itest_fail "no connecting stage: $(cat "$OUT")"
grep -q "^lab: ssh handshake with $IT_GW_IP:$IT_SSH_PORT, checking its host key ([0-9.]* s)\$" \
    "$OUT" || itest_fail "no handshake stage: $(cat "$OUT")"
grep -q '^lab: authenticating ([0-9.]* s)$' "$OUT" ||
    itest_fail "no auth stage: $(cat "$OUT")"
grep -q '^lab: starting pppd at both ends ([0-9.]* s)$' "$OUT" ||
    itest_fail "no ppp stage: $(cat "$OUT")"
grep -q '^lab: attempt failed: .*pppd.* ([0-9.]* s)$' "$OUT" ||
    itest_fail "no failed attempt: $(cat "$OUT")"
[ "$(json 'L["lab"]["wanted"]')" = True ] || itest_fail "up did not make lab wanted"

itest_step "down lab: says so once lab is down and not wanted any more"
ctl down lab
expect_rc 0
[ "$(cat "$OUT")" = "lab: down" ] || itest_fail "down said: $(cat "$OUT")"
[ "$(json 'L["lab"]["state"], L["lab"]["wanted"]')" = "('down', False)" ] ||
    itest_fail "down returned before lab was down: $(cat "$IT_DIR/status.json")"
json 'L["lab"]["reason"]' >&2
ctl down lab
expect_rc 0
[ "$(cat "$OUT")" = "lab: already down" ] || itest_fail "down twice: $(cat "$OUT")"

itest_step "up lab (no --wait) wants it up again and says so, down again"
ctl up lab
expect_rc 0
[ "$(cat "$OUT")" = "lab: dialing" ] || itest_fail "up said: $(cat "$OUT")"
[ "$(json 'L["lab"]["wanted"]')" = True ] || itest_fail "up did not want lab"
ctl down lab
expect_rc 0
[ "$(json 'L["lab"]["state"]')" = down ] || itest_fail "lab not down"

# Three more links, not started: "refused" dials a port nobody listens on
# (a network failure, re-dialed), "mute" a listener that accepts and never
# speaks SSH, "bad" the real sshd with a key it refuses (a hard failure).
itest_step "links refused, mute and bad"
MUTE_PORT=$((IT_SSH_PORT + 1))
itest_spawn "$IT_GW" "$IT_DIR/mute.log" python3 -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(8)
held = []
while True:
    held.append(s.accept()[0])' "$IT_GW_IP" "$MUTE_PORT"
ssh-keygen -q -t ed25519 -N '' -f "$IT_DIR/stranger" </dev/null >/dev/null ||
    itest_error "ssh-keygen"
cp "$CONF" "$IT_DIR/before-extra.conf"
# extra NAME PORT KEY N [TIMEOUT]: the lines of one more link
# (connect-timeout TIMEOUT, 2 s by default: it bounds the handshake too).
extra()
{
	printf 'link %s\n\thost %s\n\tport %s\n\tuser %s\n\tidentity %s\n' \
	    "$1" "$IT_GW_IP" "$2" "$IT_USER" "$3"
	printf '\tknown-hosts %s\n\tlocal-ip 10.9.%d.1\n\tremote-ip 10.9.%d.2\n' \
	    "$IT_KNOWN_HOSTS" "$4" "$4"
	printf '\tremote-command /usr/sbin/pppd\n\tbackoff 1 2\n'
	printf '\tconnect-timeout %s\n\tautostart no\n' "${5:-2}"
}
{
	extra refused 1 "$IT_KEY" 3
	# Its handshake may take 30 s: --wait shows the silence meanwhile.
	extra mute "$MUTE_PORT" "$IT_KEY" 4 30
	extra bad "$IT_SSH_PORT" "$IT_DIR/stranger" 5
} >>"$CONF"
ctl reload
expect_rc 0

itest_step "up --wait goes on through re-dials, gives up at --timeout with the last reason"
ctl up refused --wait --timeout="$(itest_bound 5)"
cat "$OUT" "$ERR" >&2
expect_rc 1
grep -q '^refused: attempt failed: connect .*: Connection refused ([0-9.]* s)$' \
    "$OUT" || itest_fail "no failed attempt: $(cat "$OUT")"
grep -q '^refused: re-dialing in [0-9]* s ([0-9.]* s)$' "$OUT" ||
    itest_fail "no re-dial said: $(cat "$OUT")"
[ "$(grep -c '^refused: attempt failed: ' "$OUT")" -ge 2 ] ||
    itest_fail "did not wait through a re-dial: $(cat "$OUT")"
grep -q '^vpnctl: refused: not up after [0-9.]* s; last failure: connect .*: Connection refused$' \
    "$ERR" || itest_fail "no deadline with the last reason: $(cat "$ERR")"
grep -q '^vpnctl: refused: vpnd keeps dialing it (vpnctl down refused stops that)$' \
    "$ERR" || itest_fail "not said that it keeps dialing: $(cat "$ERR")"
[ "$(json 'L["refused"]["wanted"]')" = True ] ||
    itest_fail "the deadline took refused down"

itest_step "up --wait, Ctrl-C: exit 1, the link keeps dialing, and it says so"
rc=0
python3 - "$VPNCTL" "$SOCK" >"$OUT" 2>"$ERR" <<'EOF' || rc=$?
import signal, subprocess, sys
p = subprocess.Popen([sys.argv[1], "-s", sys.argv[2], "up", "refused",
                      "--wait"], stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE)
line = p.stdout.readline()          # vpnctl follows the link: interrupt it
p.send_signal(signal.SIGINT)
out, err = p.communicate(timeout=10)
sys.stdout.write(line.decode() + out.decode())
sys.stderr.write(err.decode())
sys.exit(p.returncode)
EOF
cat "$OUT" "$ERR" >&2
expect_rc 1
grep -q '^vpnctl: refused: interrupted after [0-9.]* s' "$ERR" ||
    itest_fail "interrupt not said: $(cat "$ERR")"
grep -q '^vpnctl: refused: vpnd keeps dialing it' "$ERR" ||
    itest_fail "not said that it keeps dialing: $(cat "$ERR")"
[ "$(json 'L["refused"]["wanted"]')" = True ] ||
    itest_fail "Ctrl-C took refused down: $(cat "$IT_DIR/status.json")"
ctl down refused
expect_rc 0

itest_step "up --wait on a gateway that never speaks SSH says what it waits for"
ctl up mute --wait --timeout=15
cat "$OUT" "$ERR" >&2
expect_rc 1
grep -q "^mute: ssh handshake with $IT_GW_IP:$MUTE_PORT" "$OUT" ||
    itest_fail "no handshake stage: $(cat "$OUT")"
grep -q '^mute: still in the ssh handshake (1[0-9].[0-9] s)$' "$OUT" ||
    itest_fail "10 s of silence: $(cat "$OUT")"
grep -q '^vpnctl: mute: not up after 1[0-9].[0-9] s$' "$ERR" ||
    itest_fail "no deadline: $(cat "$ERR")"
ctl down mute
expect_rc 0

itest_step "up --wait ends at once on a hard failure (a key the gateway refuses)"
ctl up bad --wait --timeout="$(itest_bound 30)"
cat "$OUT" "$ERR" >&2
expect_rc 1
grep -q '^vpnctl: link bad failed: .*re-dialing will not help)$' "$ERR" ||
    itest_fail "hard failure not said: $(cat "$ERR")"
[ "$(grep -c '^bad: attempt failed' "$OUT")" -eq 1 ] ||
    itest_fail "not one attempt: $(cat "$OUT")"
! grep -q 'not up after' "$ERR" || itest_fail "waited for the deadline"
ctl down bad
expect_rc 0
cp "$IT_DIR/before-extra.conf" "$CONF"
ctl reload
expect_rc 0
wait_json '[l["name"] for l in d["links"]] == ["office", "lab"]' 10

itest_step "restart office says so"
ctl restart office
expect_rc 0
[ "$(cat "$OUT")" = "office: restarting" ] || itest_fail "restart said: $(cat "$OUT")"
grep -q 'link office: restarting\|link office: .* -> connecting' \
    "$IT_DIR/vpnd.log" || itest_fail "no restart in the log"

itest_step "uid daemon (primary group daemon) is accepted"
ctl_as "--reuid=daemon --regid=daemon --clear-groups" status --json
expect_rc 0
python3 -c 'import json, sys; json.load(sys.stdin)' <"$OUT" ||
    itest_fail "status --json as daemon: $(cat "$OUT")"
ctl_as "--reuid=daemon --regid=daemon --clear-groups" check lab
expect_rc 1

itest_step "uid nobody with group daemon in its process is refused by vpnd"
ctl_as "--reuid=nobody --regid=nogroup --groups=daemon" status
expect_rc 1
grep -q 'uid [0-9]* (nobody) is not root and not in group daemon' "$ERR" ||
    itest_fail "not refused by vpnd: $(cat "$ERR")"
grep -q "join it with 'sudo adduser nobody daemon' and log in again" "$ERR" ||
    itest_fail "refusal without the way in: $(cat "$ERR")"
ctl_as "--reuid=nobody --regid=nogroup --groups=daemon" down office
expect_rc 1
[ "$(json 'L["office"]["wanted"]')" = True ] ||
    itest_fail "a refused peer took office down"
grep -q 'control socket: refused pid' "$IT_DIR/vpnd.log" ||
    itest_fail "refusal not logged"

itest_step "uid nobody without group daemon cannot connect at all"
ctl_as "--reuid=nobody --regid=nogroup --clear-groups" status
expect_rc 1
cat "$ERR" >&2
grep -q 'Permission denied: only root and the members of group daemon may use vpnd' \
    "$ERR" || itest_fail "$(cat "$ERR")"
grep -q "join it with 'sudo adduser nobody daemon' and log in again" "$ERR" ||
    itest_fail "no way in said: $(cat "$ERR")"

itest_step "malformed requests get errors, vpnd keeps serving"
for r in garbage:usage version:version unknown:usage missing:usage \
    nul:usage big:usage flag:usage nolink:usage binary:usage; do
	name=${r%%:*}
	kind=${r#*:}
	reply=$(raw "$name") || itest_fail "raw $name: python failed"
	printf '%s -> %s\n' "$name" "$reply" >&2
	[ "$(printf '%s\n' "$reply" | wc -l)" -eq 1 ] ||
	    itest_fail "$name: want one line, got: $reply"
	case $reply in
	"pppssh/1 error $kind "*) ;;
	*) itest_fail "$name: want 'pppssh/1 error $kind ...', got: $reply" ;;
	esac
	ctl status
	expect_rc 0
done
raw big | grep -q 'request longer than 4095 bytes' ||
    itest_fail "1 MB request: wrong message"
raw version | grep -q 'pppssh/2 not supported' ||
    itest_fail "version: wrong message"

itest_step "idle and surplus connections: others are served, 65th is busy"
python3 - "$SOCK" "$VPNCTL" <<'EOF' || itest_fail "connection limits"
import socket, subprocess, sys, time
path, vpnctl = sys.argv[1], sys.argv[2]

# A Unix socket refuses (EAGAIN) while its accept queue is full: on a
# loaded machine vpnd may not have accepted the earlier ones yet.
def connect(timeout):
    end = time.monotonic() + 10
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        try:
            s.connect(path)
            return s
        except BlockingIOError:
            s.close()
            if time.monotonic() > end:
                raise
            time.sleep(0.05)

held = []
for i in range(64):
    held.append(connect(None))
held[0].sendall(b"pppssh/1 sta")          # half a request, no newline
# vpnd accepts them as they come: one more is told it is busy.
extra = connect(10)
reply = extra.makefile("rb").readline()
print("65th:", reply, file=sys.stderr)
if not reply.startswith(b"pppssh/1 error busy "):
    sys.exit("65th connection: %r" % reply)
for s in held:
    s.close()
r = subprocess.run([vpnctl, "-s", path, "status"], capture_output=True)
if r.returncode != 0:
    sys.exit("status after the limit: %r" % r.stderr)
EOF

itest_step "a member flooding the socket holds 8, root is still served"
# Issue 12: one member of the control group could hold all 64 slots.
python3 - "$SOCK" "$VPNCTL" "$(id -u daemon)" "$(id -g daemon)" <<'EOF' ||
import os, socket, subprocess, sys, time
path, vpnctl = sys.argv[1], sys.argv[2]
uid, gid = int(sys.argv[3]), int(sys.argv[4])

def connect():
    end = time.monotonic() + 10
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        try:
            s.connect(path)
            return s
        except BlockingIOError:
            s.close()
            if time.monotonic() > end:
                raise
            time.sleep(0.05)

ready_r, ready_w = os.pipe()
done_r, done_w = os.pipe()
pid = os.fork()
if pid == 0:
    # The member: uid daemon with its group, as the group database says.
    os.close(ready_r)
    os.close(done_w)
    os.setgroups([gid])
    os.setgid(gid)
    os.setuid(uid)
    want = (b"pppssh/1 error busy too many control connections of uid "
            b"%d (8 at once)" % uid)
    held, busy = [], 0
    for i in range(64):
        s = connect()
        s.settimeout(0.5)
        try:
            reply = s.makefile("rb").readline()
        except socket.timeout:
            held.append(s)          # a slot: vpnd waits for a request
            continue
        if not reply.startswith(want):
            os.write(ready_w, b"connection %d: %r\n" % (i + 1, reply))
            os._exit(1)
        busy += 1
        s.close()
    os.write(ready_w, b"held %d busy %d\n" % (len(held), busy))
    os.read(done_r, 1)              # hold them until root is done
    os._exit(0)
os.close(ready_w)
os.close(done_r)
said = os.read(ready_r, 200).decode().strip()
print("member:", said, file=sys.stderr)
rc = 1
if said != "held 8 busy 56":
    print("want 8 held, 56 busy", file=sys.stderr)
else:
    r = subprocess.run([vpnctl, "-s", path, "status"], capture_output=True)
    if r.returncode != 0:
        print("root's status while the member holds its slots: %r" %
              r.stderr, file=sys.stderr)
    else:
        rc = 0
os.close(done_w)
os.waitpid(pid, 0)
sys.exit(rc)
EOF
    itest_fail "a member took root's slots"

itest_step "reload of a broken config: errors, exit 2, running config stays"
cp "$CONF" "$IT_DIR/good.conf"
sed -i '/^link lab$/,$d' "$CONF"	# lab removed, the rest broken
printf 'link extra\n\tno-such-keyword 1\n' >>"$CONF"
ctl reload
expect_rc 2
cat "$ERR" >&2
grep -q "^$CONF:[0-9]*: .*no-such-keyword" "$ERR" ||
    itest_fail "errors not shown: $(cat "$ERR")"
grep -q 'configuration refused' "$ERR" || itest_fail "$(cat "$ERR")"
[ "$(json '[l["name"] for l in d["links"]]')" = "['office', 'lab']" ] ||
    itest_fail "the running config changed: $(cat "$IT_DIR/status.json")"
grep -q 'reload of .* refused' "$IT_DIR/vpnd.log" || itest_fail "not logged"

itest_step "reload of a good config with a new link"
conf "link spare" "	host $IT_GW_IP" "	port $IT_SSH_PORT" "	user $IT_USER" \
    "	identity $IT_KEY" "	known-hosts $IT_KNOWN_HOSTS" \
    "	local-ip 10.9.2.1" "	remote-ip 10.9.2.2" "	autostart no"
ctl reload
expect_rc 0
wait_json '[l["name"] for l in d["links"]] == ["office", "lab", "spare"]' 10

itest_step "1000 links: a client that does not read stalls nobody, is dropped"
i=0
while [ "$i" -lt 1000 ]; do
	printf 'link x%d\n\thost %s\n\tuser %s\n\tidentity %s\n' \
	    "$i" "$IT_GW_IP" "$IT_USER" "$IT_KEY"
	printf '\tknown-hosts %s\n\tautostart no\n' "$IT_KNOWN_HOSTS"
	printf '\tlocal-ip 10.10.%d.%d\n\tremote-ip 10.11.%d.%d\n' \
	    "$((i / 200))" "$((i % 200 + 1))" "$((i / 200))" \
	    "$((i % 200 + 1))"
	i=$((i + 1))
done >"$IT_DIR/many"
cp "$CONF" "$IT_DIR/spare.conf"
cat "$IT_DIR/many" >>"$CONF"
ctl reload
expect_rc 0
wait_json 'len(d["links"]) == 1003' 10
printf 'status --json of 1003 links: %s bytes\n' \
    "$(wc -c <"$IT_DIR/status.json")" >&2
python3 - "$SOCK" "$VPNCTL" <<'EOF' || itest_fail "slow and idle clients"
import socket, subprocess, sys, time
path, vpnctl = sys.argv[1], sys.argv[2]
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s
slow = conn()
slow.sendall(b"pppssh/1 status +json\n")    # and do not read it
idle = conn()                               # sends nothing at all
t0 = time.monotonic()
for i in range(5):
    r = subprocess.run([vpnctl, "-s", path, "check", "lab"],
                       capture_output=True, timeout=5)
    if r.returncode != 1 or b"link lab is down" not in r.stderr:
        sys.exit("check while a client does not read: %r" % (r,))
print("5 checks while one client does not read: %.2f s" %
      (time.monotonic() - t0), file=sys.stderr)
time.sleep(11.5)
idle.settimeout(5)
reply = idle.makefile("rb").readline()
print("idle:", reply, file=sys.stderr)
if not reply.startswith(b"pppssh/1 error timeout "):
    sys.exit("idle connection: %r" % reply)
slow.settimeout(5)
got = b""
while True:
    d = slow.recv(65536)
    if not d:
        break
    got += d
print("the slow reader got %d bytes, then EOF" % len(got), file=sys.stderr)
if got.endswith(b"pppssh/1 ok\n"):
    sys.exit("the slow reader was not dropped (%d bytes)" % len(got))
EOF
grep -q 'control socket: dropped pid [0-9]*: .* not read' \
    "$IT_DIR/vpnd.log" || itest_fail "the drop is not logged"
[ "$(json 'len(d["links"])')" = 1003 ] || itest_fail "status after"
cp "$IT_DIR/spare.conf" "$CONF"
ctl reload
expect_rc 0
wait_json 'len(d["links"]) == 3' 10

itest_step "a second vpnd leaves a socket somebody answers on alone"
# Only lab (autostart no): the second vpnd dials nothing.
sed '/^link office$/,/^link lab$/{/^link lab$/!d}' "$CONF" \
    >"$IT_DIR/other.conf"
chmod 0600 "$IT_DIR/other.conf"
"$VPND" -t -f "$IT_DIR/other.conf" 2>/dev/null ||
    itest_error "other.conf: $("$VPND" -t -f "$IT_DIR/other.conf" 2>&1)"
itest_spawn "$IT_CLI" "$IT_DIR/other.log" "$VPND" -d -f "$IT_DIR/other.conf" \
    -p "$RUN/other.pid"
OTHER_PID=$IT_PID
t=0
why="control socket $SOCK: another vpnd answers on it; running without"
until grep -q "$why" "$IT_DIR/other.log"; do
	itest__alive "$OTHER_PID" || itest_fail "the second vpnd exited"
	t=$((t + 1))
	[ "$t" -le "$(itest_bound 100)" ] || itest_fail "the second vpnd does not say why"
	sleep 0.1
done
[ "$(json 'len(d["links"])')" = 3 ] ||
    itest_fail "the socket is not the first vpnd's any more"
kill -TERM "$OTHER_PID"
t=0
while itest__alive "$OTHER_PID"; do
	t=$((t + 1))
	[ "$t" -le "$(itest_bound 100)" ] || itest_fail "the second vpnd did not exit"
	sleep 0.1
done
[ -S "$SOCK" ] || itest_fail "the second vpnd removed the first one's socket"
[ "$(json 'len(d["links"])')" = 3 ] || itest_fail "the first vpnd is gone"

itest_step "a socket in a directory others may write is refused"
mkdir -m 0777 "$IT_DIR/open"
chmod 0777 "$IT_DIR/open"
sed "s|^control-socket .*|control-socket $IT_DIR/open/vpnd.sock|" \
    "$IT_DIR/other.conf" >"$IT_DIR/open.conf"
chmod 0600 "$IT_DIR/open.conf"
itest_spawn "$IT_CLI" "$IT_DIR/open.log" "$VPND" -d -f "$IT_DIR/open.conf" \
    -p "$RUN/open.pid"
OPEN_PID=$IT_PID
t=0
why="control socket $IT_DIR/open/vpnd.sock: directory $IT_DIR/open is"
why="$why writable by others (mode 0777; chmod go-w $IT_DIR/open); running"
until grep -qF "$why" "$IT_DIR/open.log" 2>/dev/null; do
	itest__alive "$OPEN_PID" || itest_fail "the vpnd of open.conf exited"
	t=$((t + 1))
	[ "$t" -le "$(itest_bound 100)" ] ||
	    itest_fail "no refusal: $(cat "$IT_DIR/open.log")"
	sleep 0.1
done
[ ! -e "$IT_DIR/open/vpnd.sock" ] || itest_fail "the socket was made"
kill -TERM "$OPEN_PID"
t=0
while itest__alive "$OPEN_PID"; do
	t=$((t + 1))
	[ "$t" -le "$(itest_bound 100)" ] || itest_fail "that vpnd did not exit"
	sleep 0.1
done

itest_step "watchdog: all well is silent, exit 0"
ctl watchdog -f "$CONF" -p "$PIDFILE" --down-after 3600
expect_rc 0
[ ! -s "$OUT" ] || itest_fail "watchdog printed: $(cat "$OUT")"

itest_step "watchdog: office down longer than 0 s is restarted, exit 1"
ctl watchdog -f "$CONF" -p "$PIDFILE" --down-after=0
cat "$OUT" >&2
expect_rc 1
grep -q '^link office: .*restarted it' "$OUT" ||
    itest_fail "no restart said: $(cat "$OUT")"
! grep -q 'link lab' "$OUT" || itest_fail "lab (not wanted) was restarted"

itest_step "vpnd killed, its socket left stale"
ctl down office
expect_rc 0
wait_json 'L["office"]["state"] == "down"' 15
kill -KILL "$VPND_PID"
wait "$VPND_PID" 2>/dev/null || :
[ -S "$SOCK" ] || itest_error "no stale socket left"
ctl status
expect_rc 1
grep -q 'Connection refused' "$ERR" || itest_fail "$(cat "$ERR")"

itest_step "watchdog starts vpnd with the init script, replacing the stale socket, exit 1"
printf 'DAEMON=%s\nCONFIG=%s\nPIDFILE=%s\n' "$VPND" "$CONF" "$PIDFILE" \
    >"$IT_DIR/defaults"
rc=0
itest_in_cli env VPN_DEFAULTS="$IT_DIR/defaults" "$VPNCTL" -s "$SOCK" \
    watchdog -f "$CONF" -p "$PIDFILE" \
    --init "$top_builddir/initscripts/vpn" >"$OUT" 2>"$ERR" || rc=$?
cat "$OUT" "$ERR" >&2
expect_rc 1
grep -q "^vpnd died ($PIDFILE names no running vpnd): .*/initscripts/vpn start\$" \
    "$OUT" || itest_fail "$(cat "$OUT")"
grep -q '^vpnd started (pid [0-9]*)$' "$OUT" || itest_fail "$(cat "$OUT")"
NEW_PID=$(cat "$PIDFILE") || itest_fail "no pid file"
itest_track "$NEW_PID"
ctl status
expect_rc 0

itest_step "watchdog: vpnd runs again, all well, exit 0"
ctl watchdog -f "$CONF" -p "$PIDFILE" --down-after 3600
expect_rc 0
[ ! -s "$OUT" ] || itest_fail "watchdog printed: $(cat "$OUT")"

itest_step "SIGTERM: vpnd exits, the socket and pid file go"
kill -TERM "$NEW_PID"
t=0
while itest__alive "$NEW_PID"; do
	t=$((t + 1))
	[ "$t" -le "$(itest_bound 100)" ] || itest_fail "vpnd did not exit"
	sleep 0.1
done
[ ! -e "$SOCK" ] || itest_fail "socket left behind"
[ ! -e "$PIDFILE" ] || itest_fail "pid file left behind"

itest_step "done"
