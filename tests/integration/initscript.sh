#!/bin/sh
# SPDX-License-Identifier: ISC
#
# initscript.sh - host tier: the init script as `make install` installs it
# drives vpnd.  This build is installed with DESTDIR into a temporary
# directory; the installed init.d/vpn runs with VPN_DEFAULTS naming a
# defaults file (the installed one, plus this test's paths), and is
# checked action by action: start returns at once with vpnd running and
# its pid file written, even with a link that cannot connect; start
# again starts no second vpnd; reload checks the configuration first and
# vpnd logs the reload (a broken configuration is not sent); stop
# returns only once vpnd is gone, and its pid file with it; status says
# 0, 1 or 3; restart, try-restart, usage and privilege errors; on a
# systemd host (as init-functions sees one) every action is handed to
# `systemctl ACTION vpn.service` instead; the installed example vpn.conf
# passes `vpnd -t`; and make uninstall leaves no file behind.
#
# No PPP here: the links either have `autostart no` or dial 127.0.0.1
# where nothing listens.  The test runs in a private mount and network
# namespace (it re-executes itself under unshare): a tmpfs on /dev holds
# /dev/log, our syslog-sink, so vpnd's system log is the test's to read,
# and the host's /dev and network are untouched.

set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${MAKE:=make}"
sink_prog=$top_builddir/tests/integration/syslog-sink
name=initscript
# Waits and bounds are stretched IT_SLACK times, as in lib.sh (which this
# test does not use: it runs in a private namespace of its own).
IT_SLACK=${IT_SLACK:-3}

# itest_bound N: N stretched IT_SLACK times.
itest_bound()
{
	echo $(($1 * IT_SLACK))
}

skip()
{
	printf 'SKIP: %s: %s\n' "$name" "$*" >&2
	exit 77
}

if [ -z "${INITSCRIPT_PRIVATE_NS:-}" ]; then
	[ "$(id -u)" -eq 0 ] ||
	    skip "needs root (the init script's start and stop, namespaces); uid is $(id -u)"
	for c in unshare mount mknod "$MAKE"; do
		command -v "$c" >/dev/null 2>&1 ||
		    skip "$c not found (install util-linux, coreutils, make)"
	done
	[ -x "$sink_prog" ] || {
		echo "ERROR: $sink_prog not built" >&2
		exit 99
	}
	unshare -m -n true 2>/dev/null ||
	    skip "cannot make a private mount and network namespace"
	INITSCRIPT_PRIVATE_NS=1
	export INITSCRIPT_PRIVATE_NS top_srcdir top_builddir MAKE
	exec unshare -m -n --propagation private sh "$0" "$@"
fi

# ------------------------------------------------------------- harness
: "${IT_SLACK:=3}"
step_now="not started"
tmp=
sink_pid=
pids=

step()
{
	step_now=$*
	printf '%s: %s\n' "$name" "$step_now" >&2
}

dump()
{
	for f in "$tmp"/*.log "$tmp"/*.out; do
		[ -f "$f" ] || continue
		printf -- '---- %s ----\n' "$f" >&2
		tail -n 60 "$f" >&2 || :
	done
}

fail()
{
	printf 'FAIL: %s: %s\n' "$step_now" "$*" >&2
	dump
	exit 1
}

error()
{
	printf 'ERROR: %s: %s\n' "$step_now" "$*" >&2
	dump
	exit 99
}

# alive PID: PID is a process, not a zombie.
alive()
{
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	st=${st##*) }
	case $st in
	Z* | X*) return 1 ;;
	esac
	return 0
}

cleanup()
{
	rc=$?
	set +e
	trap - EXIT HUP INT TERM
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
		printf 'FAIL: %s: %s: exit status %s\n' "$name" "$step_now" \
		    "$rc" >&2
	fi
	# Every vpnd this test saw, then the log sink: by PID.
	for p in $pids; do
		if alive "$p"; then
			kill -KILL "$p" 2>/dev/null
		fi
	done
	if [ -n "$sink_pid" ]; then
		kill -TERM "$sink_pid" 2>/dev/null
		wait "$sink_pid" 2>/dev/null
	fi
	case $tmp in
	"${TMPDIR:-/tmp}"/initscript.*) rm -rf "$tmp" ;;
	esac
	exit "$rc"
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/initscript.XXXXXX") ||
    { echo "ERROR: mktemp" >&2; exit 99; }
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------- install
step "make install DESTDIR=$tmp/dest"
dest=$tmp/dest
# This is not a sub-make of `make check`'s own: its jobserver is not ours.
if ! env -u MAKEFLAGS -u MFLAGS "$MAKE" -C "$top_builddir" install \
    DESTDIR="$dest" >"$tmp/install.out" 2>&1; then
	error "make install failed"
fi
init=$(find "$dest" -type f -path '*/init.d/vpn')
[ -n "$init" ] || fail "no init.d/vpn installed under $dest"
[ -x "$init" ] || fail "$init is not executable"
# The paths the installed script was made with, under $dest.
daemon=$dest$(sed -n 's/^DAEMON=//p' "$init")
# shellcheck disable=SC2016 # a literal ${ in the script
defaults_installed=$dest$(sed -n 's/^vpn_defaults=\${VPN_DEFAULTS:-\(.*\)}$/\1/p' "$init")
[ -x "$daemon" ] || fail "the script's DAEMON is not installed ($daemon)"
[ -f "$defaults_installed" ] ||
    fail "the script's defaults file is not installed ($defaults_installed)"
example=$(find "$dest" -type f -path '*/examples/etc/vpn.conf')
[ -n "$example" ] || fail "no examples/etc/vpn.conf installed"
for f in default/vpn cron.d/vpn; do
	find "$dest" -type f -path "*/etc/$f" ! -path '*/examples/*' |
	    grep -q . || fail "no etc/$f installed"
done
grep -q 'vpnctl watchdog' "$(find "$dest" -type f -path '*/etc/cron.d/vpn' |
    head -n 1)" || fail "the cron file does not run vpnctl watchdog"

# ------------------------------------------------------- private /dev
step "private /dev with a syslog sink on /dev/log, lo up"
mount -t tmpfs -o mode=0755 tmpfs /dev || error "mount tmpfs on /dev"
for node in null:3 zero:5 random:8 urandom:9; do
	mknod -m 666 "/dev/${node%:*}" c 1 "${node#*:}" ||
	    error "mknod /dev/${node%:*} in the private /dev"
done
ip link set lo up || error "lo up"
log=$tmp/syslog.log
: >"$log"
"$sink_prog" /dev/log "$log" </dev/null 2>"$tmp/sink.out" &
sink_pid=$!
n=0
until [ -S /dev/log ]; do
	n=$((n + 1))
	[ "$n" -lt "$(itest_bound 100)" ] ||
	    error "syslog-sink did not bind /dev/log"
	alive "$sink_pid" || error "syslog-sink exited"
	sleep 0.05
done

# --------------------------------------------------------- config files
umask 077
ssh-keygen -q -t ed25519 -N '' -f "$tmp/id" </dev/null >/dev/null 2>&1 ||
    : >"$tmp/id"
: >"$tmp/known_hosts"
conf=$tmp/vpn.conf
write_conf()
{
	{
		printf 'identity %s\nknown-hosts %s\n' "$tmp/id" \
		    "$tmp/known_hosts"
		printf 'link office\n\thost 127.0.0.1:9\n'
		printf '\tlocal-ip 10.9.0.1\n\tremote-ip 10.9.0.2\n'
		printf '\tremote-net 10.2.0.0/24\n\tbackoff 1 2\n'
		printf 'link spare\n\thost 127.0.0.1:9\n'
		printf '\tlocal-ip 10.9.1.1\n\tremote-ip 10.9.1.2\n'
		printf '\tautostart no\n'
		for extra in "$@"; do
			printf '%s\n' "$extra"
		done
	} >"$conf"
}
write_conf
"$daemon" -t -f "$conf" 2>"$tmp/check.out" ||
    error "the installed vpnd refuses the test's configuration"

defaults=$tmp/defaults
cp "$defaults_installed" "$defaults"
cat >>"$defaults" <<EOF
DAEMON=$daemon
CONFIG=$conf
PIDFILE=$tmp/run/vpnd.pid
DAEMON_OPTS=-v
STOP_TIMEOUT=10
EOF
pidfile=$tmp/run/vpnd.pid
VPN_DEFAULTS=$defaults
export VPN_DEFAULTS

# vpn ACTION: run the installed script; its status in $rc, output in
# $tmp/vpn.out (appended to $tmp/actions.log).
vpn()
{
	rc=0
	"$init" "$@" >"$tmp/vpn.out" 2>&1 || rc=$?
	{
		printf '$ vpn %s -> %s\n' "$*" "$rc"
		cat "$tmp/vpn.out"
	} >>"$tmp/actions.log"
}

# pidfile_pid: the PID in the pid file, or nothing.
pidfile_pid()
{
	p=
	if [ -f "$pidfile" ]; then
		IFS= read -r p <"$pidfile" || :
	fi
	printf '%s' "$p"
}

# vpnd_count: how many live processes run this test's vpnd.
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

# wait_log TEXT: until the system log holds TEXT (5 s).
wait_log()
{
	n=0
	until grep -qF -- "$1" "$log"; do
		n=$((n + 1))
		[ "$n" -lt "$(itest_bound 100)" ] ||
		    fail "no '$1' in vpnd's system log"
		sleep 0.05
	done
}

# ---------------------------------------------------------------- tests
step "status before start: 3"
vpn status
[ "$rc" -eq 3 ] || fail "status of a stopped vpnd: $rc, want 3"
grep -q 'not running' "$tmp/vpn.out" || fail "status does not say so"

step "start returns at once; vpnd runs, pid file written"
t0=$(date +%s)
vpn start
t1=$(date +%s)
[ "$rc" -eq 0 ] || fail "start: status $rc, want 0"
# The office link dials and fails (nothing on 127.0.0.1:9) and backs
# off; start must not wait for it.
[ $((t1 - t0)) -le "$(itest_bound 3)" ] ||
    fail "start took $((t1 - t0)) s, want at most $(itest_bound 3) s"
pid=$(pidfile_pid)
[ -n "$pid" ] || fail "no pid file $pidfile after start"
pids="$pids $pid"
alive "$pid" || fail "pid $pid from the pid file does not run"
[ "$(cat "/proc/$pid/comm")" = vpnd ] || fail "pid $pid is not vpnd"
[ "$(vpnd_count)" -eq 1 ] || fail "$(vpnd_count) vpnd running, want 1"
grep -q "started (pid $pid)" "$tmp/vpn.out" || fail "start does not name pid $pid"
# vpnd made the pid file's directory, reachable under the test's umask 077.
[ "$(stat -c %a "$tmp/run")" = 755 ] ||
    fail "vpnd made $tmp/run with mode $(stat -c %a "$tmp/run"), want 755"
wait_log "vpnd[$pid]: started with $conf, 2 links"
wait_log "link office:"

step "status: 0"
vpn status
[ "$rc" -eq 0 ] || fail "status of a running vpnd: $rc, want 0"
grep -q "running (pid $pid)" "$tmp/vpn.out" || fail "status does not name pid $pid"

step "start again: 0, no second vpnd"
vpn start
[ "$rc" -eq 0 ] || fail "start while running: status $rc, want 0"
grep -q 'already running' "$tmp/vpn.out" || fail "start does not say so"
[ "$(pidfile_pid)" = "$pid" ] || fail "the pid file changed"
[ "$(vpnd_count)" -eq 1 ] || fail "$(vpnd_count) vpnd running, want 1"

step "a second vpnd on the same pid file: its foreground process exits 1"
rc=0
"$daemon" -f "$conf" -p "$pidfile" >"$tmp/second.out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "second vpnd: status $rc, want 1"
grep -q 'before it was ready' "$tmp/second.out" ||
    fail "the second vpnd's foreground process does not say why"
wait_log "already running as pid $pid"
[ "$(pidfile_pid)" = "$pid" ] || fail "the pid file changed"
[ "$(vpnd_count)" -eq 1 ] || fail "$(vpnd_count) vpnd running, want 1"

step "reload: vpnd re-reads its configuration"
write_conf 'link third' '	host 127.0.0.1:9' '	local-ip 10.9.2.1' \
    '	remote-ip 10.9.2.2' '	autostart no'
vpn reload
[ "$rc" -eq 0 ] || fail "reload: status $rc, want 0"
wait_log "vpnd[$pid]: reloaded $conf: 2 links unchanged, 0 stopped, 1 to start"
[ "$(pidfile_pid)" = "$pid" ] || fail "the pid file changed on reload"

step "force-reload: the same"
vpn force-reload
[ "$rc" -eq 0 ] || fail "force-reload: status $rc, want 0"
wait_log "vpnd[$pid]: reloaded $conf: 3 links unchanged, 0 stopped, 0 to start"

step "reload of a broken configuration: refused, not sent"
cp "$conf" "$tmp/vpn.conf.good"
echo 'remote-net 10.0.0.0/33' >>"$conf"
hups=$(grep -c 'reloaded\|reload of' "$log" || :)
vpn reload
[ "$rc" -eq 6 ] || fail "reload of a broken configuration: status $rc, want 6"
grep -q 'not reloaded' "$tmp/vpn.out" || fail "reload does not say why"
grep -q '10.0.0.0/33' "$tmp/vpn.out" || fail "reload does not show vpnd -t's error"
sleep 0.3
[ "$(grep -c 'reloaded\|reload of' "$log" || :)" = "$hups" ] ||
    fail "vpnd got SIGHUP for a broken configuration"
alive "$pid" || fail "vpnd died"
cp "$tmp/vpn.conf.good" "$conf"

step "stop: returns once vpnd is gone, pid file removed"
vpn stop
[ "$rc" -eq 0 ] || fail "stop: status $rc, want 0"
# No waiting here: stop itself must have waited.
! alive "$pid" || fail "vpnd $pid still runs after stop returned"
[ ! -e "$pidfile" ] || fail "pid file $pidfile left after stop"
grep -q 'stopped' "$tmp/vpn.out" || fail "stop does not say so"
grep -qF "vpnd[$pid]: exiting" "$log" || fail "vpnd did not log a clean exit"

step "status after stop: 3; stop again: 0"
vpn status
[ "$rc" -eq 3 ] || fail "status after stop: $rc, want 3"
vpn stop
[ "$rc" -eq 0 ] || fail "stop while stopped: status $rc, want 0"
grep -q 'not running' "$tmp/vpn.out" || fail "stop does not say so"

step "reload and force-reload while stopped: 7; try-restart: 0, nothing started"
vpn reload
[ "$rc" -eq 7 ] || fail "reload while stopped: status $rc, want 7"
vpn force-reload
[ "$rc" -eq 7 ] || fail "force-reload while stopped: status $rc, want 7"
vpn try-restart
[ "$rc" -eq 0 ] || fail "try-restart while stopped: status $rc, want 0"
[ "$(vpnd_count)" -eq 0 ] || fail "try-restart started vpnd"

step "restart while stopped: starts"
vpn restart
[ "$rc" -eq 0 ] || fail "restart while stopped: status $rc, want 0"
pid1=$(pidfile_pid)
if [ -z "$pid1" ] || ! alive "$pid1"; then
	fail "no vpnd after restart"
fi
pids="$pids $pid1"

step "restart while running: a new vpnd, the old one gone"
vpn restart
[ "$rc" -eq 0 ] || fail "restart: status $rc, want 0"
pid2=$(pidfile_pid)
pids="$pids $pid2"
if [ -z "$pid2" ] || ! alive "$pid2"; then
	fail "no vpnd after restart"
fi
[ "$pid2" != "$pid1" ] || fail "restart kept pid $pid1"
! alive "$pid1" || fail "the old vpnd $pid1 still runs"
[ "$(vpnd_count)" -eq 1 ] || fail "$(vpnd_count) vpnd running, want 1"

step "try-restart while running: a new vpnd"
vpn try-restart
[ "$rc" -eq 0 ] || fail "try-restart: status $rc, want 0"
pid3=$(pidfile_pid)
pids="$pids $pid3"
if [ -z "$pid3" ] || [ "$pid3" = "$pid2" ] || ! alive "$pid3"; then
	fail "try-restart did not restart vpnd"
fi

step "vpnd dies: status 1, stop removes the stale pid file"
kill -KILL "$pid3"
n=0
while alive "$pid3"; do
	n=$((n + 1))
	[ "$n" -lt "$(itest_bound 100)" ] ||
	    error "vpnd $pid3 survives SIGKILL"
	sleep 0.05
done
[ -f "$pidfile" ] || error "a killed vpnd removed its pid file"
vpn status
[ "$rc" -eq 1 ] || fail "status with a stale pid file: $rc, want 1"
vpn stop
[ "$rc" -eq 0 ] || fail "stop with a stale pid file: status $rc, want 0"
[ ! -e "$pidfile" ] || fail "stop left the stale pid file"
vpn status
[ "$rc" -eq 3 ] || fail "status after that: $rc, want 3"

step "start with a broken configuration: 6, nothing runs"
echo 'bogus-keyword yes' >>"$conf"
vpn start
[ "$rc" -eq 6 ] || fail "start with a broken configuration: status $rc, want 6"
grep -q 'bogus-keyword' "$tmp/vpn.out" || fail "start does not show vpnd's error"
[ "$(vpnd_count)" -eq 0 ] || fail "a vpnd runs"
[ ! -e "$pidfile" ] || fail "a pid file was written"
cp "$tmp/vpn.conf.good" "$conf"

step "start without vpnd: 5; without a configuration: 6"
cp "$defaults" "$tmp/defaults.nodaemon"
echo "DAEMON=$tmp/no-such-vpnd" >>"$tmp/defaults.nodaemon"
rc=0
VPN_DEFAULTS=$tmp/defaults.nodaemon "$init" start >"$tmp/vpn.out" 2>&1 ||
    rc=$?
[ "$rc" -eq 5 ] || fail "start without vpnd: status $rc, want 5"
cp "$defaults" "$tmp/defaults.noconf"
echo "CONFIG=$tmp/no-such.conf" >>"$tmp/defaults.noconf"
rc=0
VPN_DEFAULTS=$tmp/defaults.noconf "$init" start >"$tmp/vpn.out" 2>&1 || rc=$?
[ "$rc" -eq 6 ] || fail "start without a configuration: status $rc, want 6"
rc=0
VPN_DEFAULTS=$tmp/no-such-defaults "$init" start >"$tmp/vpn.out" 2>&1 ||
    rc=$?
[ "$rc" -eq 6 ] || fail "start with a missing VPN_DEFAULTS: status $rc, want 6"

step "usage: 2"
vpn
[ "$rc" -eq 2 ] || fail "no action: status $rc, want 2"
vpn frobnicate
[ "$rc" -eq 2 ] || fail "unknown action: status $rc, want 2"
vpn start extra
[ "$rc" -eq 2 ] || fail "extra argument: status $rc, want 2"

if command -v setpriv >/dev/null 2>&1; then
	step "not root: start 4, status still answers"
	chmod 0755 "$tmp"
	chmod 0644 "$defaults"
	rc=0
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$init" start >"$tmp/vpn.out" 2>&1 || rc=$?
	[ "$rc" -eq 4 ] || fail "start as uid 65534: status $rc, want 4"
	rc=0
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$init" status >"$tmp/vpn.out" 2>&1 || rc=$?
	[ "$rc" -eq 3 ] || fail "status as uid 65534: $rc, want 3"
	chmod 0700 "$tmp"
fi

step "on a systemd host: every action goes to systemctl, vpnd is not run"
# systemd is not PID 1 here, so this is what init-functions' systemd hook
# sees on such a host, in this test's mount namespace: /run/systemd/system
# exists, the script is /etc/init.d/vpn, and systemctl (first in the
# script's PATH) records what it is asked and answers as systemd would
# for a loaded unit.
mount -t tmpfs -o mode=0755 tmpfs /run || error "mount tmpfs on /run"
mkdir -p /run/systemd/system || error "mkdir /run/systemd/system"
mount -t tmpfs -o mode=0755 tmpfs /etc/init.d ||
    error "mount tmpfs on /etc/init.d"
cp "$init" /etc/init.d/vpn || error "copy the script to /etc/init.d"
mount -t tmpfs -o mode=0755 tmpfs /usr/local/sbin ||
    error "mount tmpfs on /usr/local/sbin"
{
	echo '#!/bin/sh'
	printf 'printf "%%s\\n" "$*" >>%s/systemctl.calls\n' "$tmp"
	echo 'case "$*" in'
	echo '*"LoadState --value show vpn.service") echo loaded ;;'
	echo '*"CanReload --value show vpn.service") echo yes ;;'
	echo '"--no-pager status vpn.service") echo inactive; exit 3 ;;'
	echo 'esac'
	echo 'exit 0'
} >/usr/local/sbin/systemctl || error "write systemctl"
chmod 0755 /usr/local/sbin/systemctl || error "chmod systemctl"
for action in start stop restart try-restart reload force-reload status; do
	: >"$tmp/systemctl.calls"
	rc=0
	/etc/init.d/vpn "$action" >"$tmp/vpn.out" 2>&1 || rc=$?
	want=0
	[ "$action" != status ] || want=3
	[ "$rc" -eq "$want" ] ||
	    fail "$action: status $rc, want $want (systemctl's)"
	grep -qx -- "--no-pager $action vpn.service" "$tmp/systemctl.calls" ||
	    fail "$action did not run systemctl $action vpn.service:" \
	    "$(cat "$tmp/systemctl.calls")"
done
[ "$(vpnd_count)" -eq 0 ] || fail "a vpnd runs: the script did not hand over"
[ ! -e "$pidfile" ] || fail "a pid file was written"

step "SYSTEMCTL_SKIP_REDIRECT: the script acts itself"
: >"$tmp/systemctl.calls"
rc=0
SYSTEMCTL_SKIP_REDIRECT=1 /etc/init.d/vpn status >"$tmp/vpn.out" 2>&1 ||
    rc=$?
[ "$rc" -eq 3 ] || fail "status: $rc, want 3"
grep -q 'vpnd is not running' "$tmp/vpn.out" ||
    fail "the script did not answer itself: $(cat "$tmp/vpn.out")"
if grep -q -- '--no-pager' "$tmp/systemctl.calls"; then
	fail "systemctl was run: $(cat "$tmp/systemctl.calls")"
fi
umount /usr/local/sbin /etc/init.d /run || error "umount"

step "the installed example vpn.conf is valid"
# Its key files, under the installed sysconfdir, do not exist here: point
# them at this test's.
sed -e "s|^\(identity[[:space:]]*\).*/id_ed25519\$|\1$tmp/id|" \
    -e "s|^\(known-hosts[[:space:]]*\).*\$|\1$tmp/known_hosts|" \
    -e "s|^\([[:space:]]*identity[[:space:]]*\).*/id_home\$|\1$tmp/id|" \
    "$example" >"$tmp/example.conf"
"$daemon" -t -f "$tmp/example.conf" >"$tmp/example.out" 2>&1 ||
    fail "vpnd -t refuses the example: $(cat "$tmp/example.out")"
"$daemon" -T -f "$tmp/example.conf" >"$tmp/example.out" 2>&1 ||
    fail "vpnd -T fails on the example"
for l in branch home; do
	grep -q "^link $l\$" "$tmp/example.out" ||
	    fail "the example lacks the $l link"
done

step "make uninstall leaves no file"
if ! env -u MAKEFLAGS -u MFLAGS "$MAKE" -C "$top_builddir" uninstall \
    DESTDIR="$dest" >"$tmp/uninstall.out" 2>&1; then
	fail "make uninstall failed"
fi
left=$(find "$dest" ! -type d)
[ -z "$left" ] || fail "left after make uninstall: $left"

step "done"
