#!/bin/sh
# SPDX-License-Identifier: ISC
#
# vpnctl_watchdog.sh - host tier: `vpnctl watchdog`, the cron job,
# respects the admin and never runs vpnd itself.
#
# Without systemd (sysvinit): with no configuration, or no pid file
# (never started, or stopped with the init script), it does nothing and
# prints nothing; with vpnd running it restarts a link down too long
# (--down-after) and leaves a link that is not wanted alone; after vpnd
# died (SIGKILL, its pid file left) it runs this build's init script,
# which starts a new vpnd; after `init.d/vpn stop` it is silent again; a
# pid file locked by a process that does not answer (a vpnd starting, or
# one without its socket) gets 10 s, then is reported, not restarted.
#
# On a systemd host (/run/systemd/system exists in this test's mount
# namespace): it asks systemctl for the unit's ActiveState and acts on
# that alone: inactive, activating, deactivating: nothing; failed:
# `systemctl restart vpn.service` (and says so, also when that fails);
# active: the links check against the running vpnd, or a report when
# vpnd does not answer.  systemd is not PID 1 here, so systemctl is a
# recording stand-in that answers the state the test sets; vpnd runs for
# real.
#
# No PPP: the link dials 127.0.0.1:9 where nothing listens.  The test
# re-executes itself in a private mount and network namespace.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${IT_SLACK:=3}"
name=vpnctl_watchdog
vpnd=$top_builddir/src/vpnd
vpnctl=$top_builddir/src/vpnctl
init=$top_builddir/initscripts/vpn

skip()
{
	printf 'SKIP: %s: %s\n' "$name" "$*" >&2
	exit 77
}

if [ -z "${WATCHDOG_PRIVATE_NS:-}" ]; then
	[ "$(id -u)" -eq 0 ] ||
	    skip "needs root (namespaces, the init script); uid is $(id -u)"
	command -v unshare >/dev/null 2>&1 || skip "unshare not found (util-linux)"
	for p in "$vpnd" "$vpnctl" "$init"; do
		[ -x "$p" ] || { echo "ERROR: $p not built" >&2; exit 99; }
	done
	unshare -m -n true 2>/dev/null ||
	    skip "cannot make a private mount and network namespace"
	WATCHDOG_PRIVATE_NS=1
	export WATCHDOG_PRIVATE_NS top_srcdir top_builddir IT_SLACK
	exec unshare -m -n --propagation private sh "$0" "$@"
fi

step_now="not started"
tmp=
pids=

step()
{
	step_now=$*
	printf '%s: %s\n' "$name" "$step_now" >&2
}

fail()
{
	printf 'FAIL: %s: %s\n' "$step_now" "$*" >&2
	for f in "$tmp"/*.out "$tmp"/calls; do
		[ -f "$f" ] || continue
		printf -- '---- %s ----\n' "$f" >&2
		tail -n 30 "$f" >&2 || :
	done
	exit 1
}

error()
{
	printf 'ERROR: %s: %s\n' "$step_now" "$*" >&2
	exit 99
}

alive()
{
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	case ${st##*) } in
	Z* | X*) return 1 ;;
	esac
	return 0
}

cleanup()
{
	rc=$?
	set +e
	trap - EXIT HUP INT TERM
	for p in $pids $(cat "$tmp/run/vpnd.pid" 2>/dev/null); do
		alive "$p" && kill -KILL "$p" 2>/dev/null
	done
	case $tmp in
	"${TMPDIR:-/tmp}"/vpnctl_watchdog.*) rm -rf "$tmp" ;;
	esac
	exit "$rc"
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vpnctl_watchdog.XXXXXX") ||
    { echo "ERROR: mktemp" >&2; exit 99; }
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

ip link set lo up || error "lo up"
# Our own /run: whether /run/systemd/system exists is the test's to say.
mount -t tmpfs -o mode=0755 tmpfs /run || error "mount tmpfs on /run"

umask 077
: >"$tmp/id"
: >"$tmp/known_hosts"
conf=$tmp/vpn.conf
sock=$tmp/vpnd.sock
pidfile=$tmp/run/vpnd.pid
cat >"$conf" <<CONF_EOF
control-socket $sock
identity $tmp/id
known-hosts $tmp/known_hosts
link office
	host 127.0.0.1:9
	local-ip 10.9.0.1
	remote-ip 10.9.0.2
	backoff 1 2
link spare
	host 127.0.0.1:9
	local-ip 10.9.1.1
	remote-ip 10.9.1.2
	autostart no
CONF_EOF
VPN_DEFAULTS=$tmp/defaults
printf 'DAEMON=%s\nCONFIG=%s\nPIDFILE=%s\nSTOP_TIMEOUT=10\n' "$vpnd" \
    "$conf" "$pidfile" >"$VPN_DEFAULTS"
export VPN_DEFAULTS

# watchdog [OPTION...]: the cron job with this test's paths; status in
# $rc, stdout and stderr in $tmp/wd.out.
watchdog()
{
	rc=0
	"$vpnctl" -s "$sock" watchdog -f "$conf" -p "$pidfile" --init "$init" \
	    "$@" >"$tmp/wd.out" 2>&1 || rc=$?
}

# silent: the watchdog did nothing: 0 and no output.
silent()
{
	[ "$rc" -eq 0 ] || fail "watchdog: status $rc, want 0"
	[ ! -s "$tmp/wd.out" ] || fail "watchdog printed: $(cat "$tmp/wd.out")"
}

vpnd_pid()
{
	p=
	[ -f "$pidfile" ] && IFS= read -r p <"$pidfile"
	printf '%s' "$p"
}

# vpnd_count: live vpnds on this test's configuration.
vpnd_count()
{
	c=0
	for d in /proc/[0-9]*; do
		[ "$(cat "$d/comm" 2>/dev/null)" = vpnd ] || continue
		tr '\0' ' ' <"$d/cmdline" 2>/dev/null | grep -qF "$conf" ||
		    continue
		alive "${d#/proc/}" && c=$((c + 1))
	done
	echo "$c"
}

# ------------------------------------------------------------- sysvinit
step "sysvinit, no configuration: nothing"
rc=0
"$vpnctl" -s "$sock" watchdog -f "$tmp/none.conf" -p "$pidfile" \
    --init "$init" >"$tmp/wd.out" 2>&1 || rc=$?
silent

step "sysvinit, never started (no pid file): nothing"
watchdog
silent
[ "$(vpnd_count)" -eq 0 ] || fail "the watchdog started vpnd"

step "sysvinit, vpnd runs: silent; a link down too long is restarted"
"$init" start >"$tmp/init.out" 2>&1 || fail "init.d/vpn start failed"
pid=$(vpnd_pid)
pids="$pids $pid"
watchdog
silent
watchdog --down-after 0
[ "$rc" -eq 1 ] || fail "a link down too long: status $rc, want 1"
grep -q '^link office: .*, down for .*; restarted it$' "$tmp/wd.out" ||
    fail "office not restarted"
if grep -q spare "$tmp/wd.out"; then
	fail "spare is not wanted up, but the watchdog touched it"
fi

step "sysvinit, vpnd killed: the init script starts it again"
kill -KILL "$pid"
n=0
while alive "$pid"; do
	n=$((n + 1))
	[ "$n" -lt $((100 * IT_SLACK)) ] || error "vpnd survives SIGKILL"
	sleep 0.05
done
watchdog
[ "$rc" -eq 1 ] || fail "vpnd died: status $rc, want 1"
grep -qF "vpnd died ($pidfile names no running vpnd): $init start" \
    "$tmp/wd.out" || fail "the watchdog does not say what it did"
grep -q '^vpnd started (pid [0-9]*)$' "$tmp/wd.out" ||
    fail "the init script's own words are not passed on"
newpid=$(vpnd_pid)
pids="$pids $newpid"
if [ -z "$newpid" ] || [ "$newpid" = "$pid" ] || ! alive "$newpid"; then
	fail "no new vpnd (pid file: $newpid)"
fi
# The init script started it: its command line is the script's.
tr '\0' ' ' <"/proc/$newpid/cmdline" | grep -qF -- "-f $conf -p $pidfile" ||
    fail "the new vpnd was not started by the init script"
watchdog
silent

step "sysvinit, stopped with the init script: nothing, silently"
"$init" stop >"$tmp/init.out" 2>&1 || fail "init.d/vpn stop failed"
watchdog
silent
[ "$(vpnd_count)" -eq 0 ] || fail "the watchdog started vpnd after a stop"

step "sysvinit, a locked pid file but no answer: reported after 10 s"
# What a vpnd in its first moments looks like (pid file written and
# locked, socket not yet listening), or a vpnd without a control socket.
command -v flock >/dev/null 2>&1 || error "flock not found (util-linux)"
mkdir -p "$tmp/run"
echo "$$" >"$pidfile"
flock -x "$pidfile" sleep 60 &
holder=$!
pids="$pids $holder"
n=0
until ! flock -n -s "$pidfile" true; do
	n=$((n + 1))
	[ "$n" -lt $((100 * IT_SLACK)) ] || error "flock did not take $pidfile"
	sleep 0.05
done
t0=$(date +%s)
watchdog
t1=$(date +%s)
kill "$holder" 2>/dev/null || :
wait "$holder" 2>/dev/null || :
rm -f "$pidfile"
[ "$rc" -eq 1 ] || fail "no answer: status $rc, want 1"
grep -qF "vpnd runs (pid $$), but vpnd does not answer on $sock" \
    "$tmp/wd.out" || fail "not reported"
[ $((t1 - t0)) -ge 9 ] || fail "reported after $((t1 - t0)) s, before 10 s"
[ "$(vpnd_count)" -eq 0 ] || fail "the watchdog started vpnd"

# -------------------------------------------------------------- systemd
mkdir -p /run/systemd/system || error "mkdir /run/systemd/system"
mkdir "$tmp/bin" || error "mkdir $tmp/bin"
{
	echo '#!/bin/sh'
	printf 'printf "%%s\\n" "$*" >>%s/calls\n' "$tmp"
	echo 'case "$*" in'
	printf '"show --property ActiveState --value vpn.service") cat %s/state ;;\n' "$tmp"
	# shellcheck disable=SC2016 # $(...) is for the stand-in to run
	printf '"restart vpn.service") exit "$(cat %s/restart-status)" ;;\n' "$tmp"
	echo '*) exit 1 ;;'
	echo 'esac'
} >"$tmp/bin/systemctl" || error "write systemctl"
chmod 0755 "$tmp/bin/systemctl"
PATH=$tmp/bin:$PATH
export PATH
echo 0 >"$tmp/restart-status"

for state in inactive activating deactivating; do
	step "systemd, the unit is $state: nothing"
	echo "$state" >"$tmp/state"
	: >"$tmp/calls"
	watchdog
	silent
	[ "$(cat "$tmp/calls")" = "show --property ActiveState --value vpn.service" ] ||
	    fail "systemctl asked more than the state: $(cat "$tmp/calls")"
done

step "systemd, no configuration: not even systemctl"
: >"$tmp/calls"
rc=0
"$vpnctl" -s "$sock" watchdog -f "$tmp/none.conf" >"$tmp/wd.out" 2>&1 ||
    rc=$?
silent
[ ! -s "$tmp/calls" ] || fail "systemctl was run: $(cat "$tmp/calls")"

step "systemd, the unit failed: systemctl restart, never vpnd"
echo failed >"$tmp/state"
: >"$tmp/calls"
watchdog
[ "$rc" -eq 1 ] || fail "failed unit: status $rc, want 1"
grep -qx 'restart vpn.service' "$tmp/calls" ||
    fail "no systemctl restart vpn.service: $(cat "$tmp/calls")"
grep -q '^vpn.service had failed (see journalctl -u vpn.service): restarted it$' \
    "$tmp/wd.out" || fail "the watchdog does not say what it did"
[ "$(vpnd_count)" -eq 0 ] || fail "the watchdog ran vpnd itself"
echo 1 >"$tmp/restart-status"
watchdog --unit vpn.service
[ "$rc" -eq 1 ] || fail "failed restart: status $rc, want 1"
grep -q 'systemctl restart vpn.service: exit status 1$' "$tmp/wd.out" ||
    fail "a failed restart is not reported"

step "systemd, the unit is active: the links are checked"
echo active >"$tmp/state"
"$vpnd" -f "$conf" -p "$pidfile" >"$tmp/vpnd.out" 2>&1 ||
    fail "vpnd did not start"
pids="$pids $(vpnd_pid)"
watchdog
silent
watchdog --down-after 0
[ "$rc" -eq 1 ] || fail "a link down too long: status $rc, want 1"
grep -q '^link office: .*; restarted it$' "$tmp/wd.out" ||
    fail "office not restarted"
kill -TERM "$(vpnd_pid)"
n=0
while [ -e "$pidfile" ]; do
	n=$((n + 1))
	[ "$n" -lt $((200 * IT_SLACK)) ] || error "vpnd did not exit on SIGTERM"
	sleep 0.05
done

step "systemd, active but vpnd does not answer: reported"
watchdog
[ "$rc" -eq 1 ] || fail "no answer: status $rc, want 1"
grep -qF "vpn.service is active, but vpnd does not answer on $sock" \
    "$tmp/wd.out" || fail "not reported"
step "done"
