#!/bin/sh
# SPDX-License-Identifier: ISC
#
# lib.sh - host integration tier: network namespaces, veth and a real OpenSSH
# sshd with its own configuration, port, host key and authorized_keys.
#
# Sourced by tests/integration/*.sh after `set -eu`:
#
#	. "$top_srcdir/tests/integration/lib.sh"
#	itest_init NAME
#	itest_topology
#	itest_keys
#	itest_sshd_start
#	itest_known_hosts "$IT_DIR/known_hosts"
#	out=$(itest_ssh 'ip -o -4 addr show')
#
# Functions (details above each one):
#	itest_init NAME		root, tools, $IT_DIR, HOME, cleanup trap; else 77
#	itest_topology		$IT_CLI and $IT_GW joined by veth, lo up, ping
#	itest_keys		$IT_KEY, $IT_HOSTKEY, $IT_DIR/authorized_keys
#	itest_sshd_start [LINE...]	sshd in $IT_GW, waits until it answers
#	itest_sshd_stop		stops the listener (by PID), waits for it
#	itest_sshd_kill_sessions	kills sshd's sessions and their commands
#	itest_known_hosts FILE	known_hosts line for the current host key
#	itest_hostkey_rotate	new host key, sshd restarted with it
#	itest_in_cli CMD...	CMD in $IT_CLI
#	itest_in_gw CMD...	CMD in $IT_GW
#	itest_spawn NS LOG CMD...	CMD in NS in the background, $IT_PID, tracked
#	itest_track PID		kill PID at the end
#	itest_ssh CMD...	ssh to the gateway with $IT_KEY, $IT_KNOWN_HOSTS
#	itest_ssh_custom KEY KNOWN_HOSTS [OPT...] -- CMD...	same, other key/hosts
#	itest_step "words"	record and print the current step
#	itest_log FILE		dump FILE too on failure
#	itest_dump_logs		print the logs now
#	itest_fail "why"	FAIL: step: why, logs, exit 1
#	itest_error "why"	harness error: logs, exit 99
#	itest_skip "why"	reason on stderr, exit 77
#	itest_cleanup		the EXIT trap (never call it directly)
#
# Time budgets: a test asserts events, not the machine's speed.  Every
# wait (a poll for a file, a log line, an exit) and every bound on how
# fast something reacts is written for the reference machine and stretched
# IT_SLACK times (3, from the environment): the run passes on a machine,
# or under a load, that many times slower.  `itest_bound N` prints N
# stretched.
#
# Variables: IT_DIR IT_NAME IT_CLI IT_GW IT_CLI_IF IT_GW_IF IT_CLI_ADDR
# IT_GW_ADDR IT_CLI_IP IT_GW_IP IT_SSH_PORT IT_USER IT_KEY IT_HOSTKEY
# IT_KNOWN_HOSTS IT_SSHD_PID IT_SSHD_CONFIG IT_PID IT_SSH_TIMEOUT IT_SLACK.  The
# library's own variables are IT_* and it_*: do not use those names in a
# test.  HOME is $IT_DIR/home; the logs of $IT_DIR/*.log are dumped on
# failure.
#
# Everything a run creates carries a tag unique to the run (the shell's PID and
# the random part of its temporary directory), so tests run in parallel under
# `make -j`.  Addresses and the port repeat from run to run: every run has its
# own namespaces.
#
# Nothing of the system's SSH setup is used or changed: sshd reads only the
# sshd_config written here (its own HostKey, so none of /etc/ssh's keys), and
# the client runs with `-F /dev/null`, its own identity, its own known_hosts,
# no agent and GlobalKnownHostsFile=/dev/null.  HOME is set to a private
# directory for the whole test, so a program under test that looks in
# ~/.ssh finds an empty directory, not root's.
#
# Choices worth knowing:
#
# - sshd runs with `UsePAM no`, which makes it refuse an account whose
#   password field in /etc/shadow starts with "!" (locked), even for a key
#   login.  The system's /etc/shadow is never edited: when $IT_USER is locked,
#   sshd is started in a private mount namespace (the one `ip netns exec`
#   creates anyway, slave to the host's, so nothing propagates back) with a
#   copy of /etc/shadow bind-mounted over the original, in which only that
#   user's password field is replaced by "*" (no password can match "*", and
#   sshd does not treat it as locked).
# - sshd's privilege separation directory /run/sshd is compiled in.  It is
#   created when missing, with a marker file inside saying a test made it.
#   A test holds a shared flock(2) on it (fd 9) from its first sshd to its end; the last
#   test out removes it, and only if the marker is there, so a directory that
#   existed before is never removed and a parallel test never loses it.
#   fd 9 is therefore reserved by this library.
# - $IT_DIR lives in ${TMPDIR:-/tmp}, whose parents are world-writable, so
#   sshd runs with `StrictModes no` (AuthorizedKeysFile is $IT_DIR/...).  A
#   test can set `StrictModes yes` with an extra itest_sshd_start LINE.
# - Extra sshd_config LINEs are appended after the defaults; since sshd uses
#   the first value of a keyword, a default whose keyword appears in a LINE
#   (before any Match) is left out, so the LINE wins.
# - Cleanup (on exit, failure, INT, TERM, HUP, PIPE) kills the PIDs the test
#   started (sshd, itest_spawn, itest_track), then any process left inside the
#   run's own namespaces (they can only be the run's: sshd's session children,
#   daemons started with itest_in_gw ... &), deletes the namespaces, releases
#   /run/sshd and removes $IT_DIR.  It never fails.
#
# Exit status: 0 pass, 77 skip (reason on stderr), 99 error in the harness
# (itest_error), anything else a failure (itest_fail exits 1).

IT_NAME=
IT_STEP="not started"
IT_DIR=
IT_TAG=
IT_CLI=
IT_GW=
IT_CLI_IF=veth-gw
IT_GW_IF=veth-cli
IT_CLI_ADDR=10.200.0.1/24
IT_GW_ADDR=10.200.0.2/24
IT_CLI_IP=10.200.0.1
IT_GW_IP=10.200.0.2
IT_SSH_PORT=2222
IT_USER=${IT_USER:-root}
IT_KEY=
IT_HOSTKEY=
IT_KNOWN_HOSTS=
IT_SSHD_PID=
IT_SSHD_CONFIG=
IT_SSH_TIMEOUT=${IT_SSH_TIMEOUT:-30}
IT_SLACK=${IT_SLACK:-3}
IT_PID=
IT_PIDS=
IT_NETNS=
IT_LOGS=
IT_DUMPED=
IT_CLEANED=
IT_PRIVSEP_HELD=
IT_SSHD=/usr/sbin/sshd
IT_PRIVSEP=/run/sshd
IT_PRIVSEP_MARK=/run/sshd/.pppssh-itest-created

# --------------------------------------------------------------- reporting

# itest_step "words": record and print the current step.
# itest_bound N: N (a time bound or a poll count at the reference pace)
# stretched IT_SLACK times.
itest_bound()
{
	echo $(($1 * IT_SLACK))
}

itest_step()
{
	IT_STEP=$*
	printf '%s: %s\n' "${IT_NAME:-itest}" "$IT_STEP" >&2
}

# itest_log FILE: dump FILE too if the test fails (*.log in $IT_DIR always are).
itest_log()
{
	IT_LOGS="$IT_LOGS $1"
}

itest__dump_one()
{
	[ -f "$1" ] || return 0
	printf '%s\n' "---- $1 (last 150 lines) ----" >&2
	tail -n 150 "$1" >&2 || :
}

# itest_dump_logs: print every log of the run on stderr (once).
itest_dump_logs()
{
	[ -z "$IT_DUMPED" ] || return 0
	IT_DUMPED=1
	if [ -n "$IT_DIR" ] && [ -d "$IT_DIR" ]; then
		for it_f in "$IT_DIR"/*.log; do
			itest__dump_one "$it_f"
		done
	fi
	for it_f in $IT_LOGS; do
		itest__dump_one "$it_f"
	done
	printf '%s\n' "---- end of logs ----" >&2
}

# itest_fail "why": the test failed.
itest_fail()
{
	printf 'FAIL: %s: %s\n' "$IT_STEP" "$*" >&2
	itest_dump_logs
	exit 1
}

# itest_error "why": the harness could not do its part (exit 99).
itest_error()
{
	printf 'ERROR: %s: %s\n' "$IT_STEP" "$*" >&2
	itest_dump_logs
	exit 99
}

# itest_skip "why": the test cannot run here (exit 77).
itest_skip()
{
	printf 'SKIP: %s: %s\n' "${IT_NAME:-itest}" "$*" >&2
	exit 77
}

# ------------------------------------------------------------ init/cleanup

# itest_init NAME: check we can run, make $IT_DIR, install the cleanup trap.
itest_init()
{
	[ -z "$IT_NAME" ] || itest_error "itest_init called twice"
	case ${1:-} in
	"" | *[!A-Za-z0-9_-]*)
		echo "itest_init: bad test name '${1:-}'" >&2
		exit 99
		;;
	esac
	IT_NAME=$1
	IT_STEP=init

	[ "$(id -u)" -eq 0 ] ||
	    itest_skip "needs root (network namespaces, sshd); uid is $(id -u)"
	for it_c in ip ssh ssh-keygen ssh-keyscan flock timeout ping; do
		command -v "$it_c" >/dev/null 2>&1 ||
		    itest_skip "$it_c not found (install iproute2 openssh-client util-linux coreutils iputils-ping)"
	done
	[ -x "$IT_SSHD" ] ||
	    itest_skip "$IT_SSHD not found (install openssh-server)"
	getent passwd sshd >/dev/null 2>&1 ||
	    itest_skip "no privilege separation user sshd (install openssh-server)"
	getent passwd "$IT_USER" >/dev/null 2>&1 ||
	    itest_skip "login user $IT_USER does not exist"
	# A throw-away namespace proves netns and veth work here; it
	# disappears with the unshare process.
	unshare -n ip link add itprobe0 type veth peer name itprobe1 \
	    >/dev/null 2>&1 ||
	    itest_skip "cannot create a network namespace with a veth pair"

	IT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/itest-$IT_NAME-$$.XXXXXX") ||
	    itest_error "cannot make a temporary directory"
	trap itest_cleanup EXIT
	trap 'itest__signal INT 130' INT
	trap 'itest__signal TERM 143' TERM
	trap 'itest__signal HUP 129' HUP
	trap 'itest__signal PIPE 141' PIPE
	chmod 0700 "$IT_DIR"
	# Unique per run: PID plus mktemp's random suffix.
	IT_TAG=$$${IT_DIR##*.}
	IT_CLI=it-$IT_NAME-$IT_TAG-cli
	IT_GW=it-$IT_NAME-$IT_TAG-gw
	IT_KNOWN_HOSTS=$IT_DIR/known_hosts
	mkdir -m 0700 "$IT_DIR/home"
	HOME=$IT_DIR/home
	unset SSH_AUTH_SOCK SSH_AGENT_PID
	export HOME IT_DIR IT_CLI IT_GW IT_CLI_ADDR IT_GW_ADDR IT_CLI_IP \
	    IT_GW_IP IT_SSH_PORT IT_USER
	printf '%s: dir %s, namespaces %s %s\n' "$IT_NAME" "$IT_DIR" \
	    "$IT_CLI" "$IT_GW" >&2
}

itest__signal()
{
	trap '' PIPE
	printf '%s: caught SIG%s\n' "${IT_NAME:-itest}" "$1" >&2
	exit "$2"
}

# itest__alive PID: true if PID runs (a zombie does not count).
itest__alive()
{
	[ -r "/proc/$1/stat" ] || return 1
	it_st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	it_st=${it_st##*) }
	case $it_st in
	Z* | X*) return 1 ;;
	esac
	return 0
}

# itest__kill PID...: TERM, up to 3 s of grace, then KILL; reap our children.
itest__kill()
{
	it_live=
	for it_p in "$@"; do
		if itest__alive "$it_p"; then
			kill -TERM "$it_p" 2>/dev/null && it_live="$it_live $it_p"
		fi
	done
	it_n=0
	while [ -n "$it_live" ] && [ "$it_n" -lt 60 ]; do
		it_still=
		for it_p in $it_live; do
			! itest__alive "$it_p" || it_still="$it_still $it_p"
		done
		it_live=$it_still
		[ -z "$it_live" ] || sleep 0.05
		it_n=$((it_n + 1))
	done
	for it_p in $it_live; do
		echo "itest: pid $it_p ignored SIGTERM, sending SIGKILL" >&2
		kill -KILL "$it_p" 2>/dev/null || :
	done
	for it_p in "$@"; do
		# Reaps our own children; returns at once for others.
		wait "$it_p" 2>/dev/null || :
	done
}

# itest_cleanup: the EXIT trap.  Kills what the run started, deletes its
# namespaces and $IT_DIR; on a failure prints the step and the logs first.
itest_cleanup()
{
	it_rc=$?
	set +e
	trap - EXIT INT TERM HUP
	# Our stderr may be a closed pipe: fail the writes, do not die.
	trap '' PIPE
	[ -z "$IT_CLEANED" ] || return 0
	IT_CLEANED=1
	if [ "$it_rc" -ne 0 ] && [ "$it_rc" -ne 77 ]; then
		printf 'FAIL: %s: %s: exit status %s\n' "$IT_NAME" "$IT_STEP" \
		    "$it_rc" >&2
		itest_dump_logs
	fi
	# shellcheck disable=SC2086 # lists of PIDs
	itest__kill $IT_SSHD_PID $IT_PIDS
	IT_SSHD_PID=
	IT_PIDS=
	for it_ns in $IT_NETNS; do
		# Only this run's processes can be in this run's namespaces.
		it_left=$(ip netns pids "$it_ns" 2>/dev/null)
		if [ -n "$it_left" ]; then
			# shellcheck disable=SC2086
			itest__kill $it_left
		fi
		ip netns delete "$it_ns" 2>/dev/null ||
		    echo "itest: cannot delete namespace $it_ns" >&2
	done
	IT_NETNS=
	itest__privsep_release
	case $IT_DIR in
	"${TMPDIR:-/tmp}"/itest-*) rm -rf "$IT_DIR" ;;
	esac
	exit "$it_rc"
}

# itest_track PID: kill PID when the test ends.
itest_track()
{
	IT_PIDS="$IT_PIDS $1"
}

# itest_untrack PID: PID was reaped by the test (its number may be reused):
# do not kill it at the end.
itest_untrack()
{
	it_keep=
	for it_p in $IT_PIDS; do
		[ "$it_p" = "$1" ] || it_keep="$it_keep $it_p"
	done
	IT_PIDS=$it_keep
}

# itest_spawn NS LOG CMD...: start CMD in namespace NS (a name, e.g. "$IT_GW")
# in the background with stdout and stderr in LOG; its PID (that of CMD
# itself, `ip netns exec` execs it) is in $IT_PID and is killed at the end.
itest_spawn()
{
	it_ns=$1
	it_log=$2
	shift 2
	ip netns exec "$it_ns" "$@" </dev/null >"$it_log" 2>&1 9<&- &
	IT_PID=$!
	itest_track "$IT_PID"
	case $it_log in
	"$IT_DIR"/*.log) ;;
	*) itest_log "$it_log" ;;
	esac
}

# ---------------------------------------------------------------- topology

itest__netns_add()
{
	ip netns add "$1" || itest_error "cannot create namespace $1"
	IT_NETNS="$IT_NETNS $1"
	ip -n "$1" link set lo up || itest_error "lo up in $1"
}

# itest_topology: $IT_CLI and $IT_GW joined by a veth pair.
itest_topology()
{
	[ -n "$IT_DIR" ] || itest_error "itest_topology before itest_init"
	itest_step "topology $IT_CLI <-> $IT_GW"
	itest__netns_add "$IT_CLI"
	itest__netns_add "$IT_GW"
	ip -n "$IT_CLI" link add "$IT_CLI_IF" type veth peer name "$IT_GW_IF" \
	    netns "$IT_GW" || itest_error "cannot create veth pair"
	if ! { ip -n "$IT_CLI" addr add "$IT_CLI_ADDR" dev "$IT_CLI_IF" &&
	    ip -n "$IT_GW" addr add "$IT_GW_ADDR" dev "$IT_GW_IF" &&
	    ip -n "$IT_CLI" link set "$IT_CLI_IF" up &&
	    ip -n "$IT_GW" link set "$IT_GW_IF" up; }; then
		itest_error "cannot configure the veth pair"
	fi
	itest_in_cli ping -q -c 1 -W 2 "$IT_GW_IP" >/dev/null 2>&1 ||
	    itest_error "$IT_GW_IP does not answer ping from $IT_CLI"
}

# itest_in_cli CMD...: run CMD in $IT_CLI.
itest_in_cli()
{
	ip netns exec "$IT_CLI" "$@"
}

# itest_in_gw CMD...: run CMD in $IT_GW.
itest_in_gw()
{
	ip netns exec "$IT_GW" "$@"
}

# -------------------------------------------------------------------- keys

# itest_keys: client key $IT_KEY, host key $IT_HOSTKEY, authorized_keys.
itest_keys()
{
	[ -n "$IT_DIR" ] || itest_error "itest_keys before itest_init"
	itest_step "keys"
	IT_KEY=$IT_DIR/id_ed25519
	IT_HOSTKEY=$IT_DIR/hostkey
	ssh-keygen -q -t ed25519 -N '' -C "itest-client-$IT_TAG" \
	    -f "$IT_KEY" </dev/null >/dev/null ||
	    itest_error "ssh-keygen client key"
	ssh-keygen -q -t ed25519 -N '' -C "itest-host-$IT_TAG" \
	    -f "$IT_HOSTKEY" </dev/null >/dev/null ||
	    itest_error "ssh-keygen host key"
	chmod 0600 "$IT_KEY" "$IT_HOSTKEY"
	if ! { cp "$IT_KEY.pub" "$IT_DIR/authorized_keys" &&
	    chmod 0600 "$IT_DIR/authorized_keys"; }; then
		itest_error "cannot write authorized_keys"
	fi
	export IT_KEY IT_HOSTKEY
}

# itest_known_hosts FILE: a known_hosts line for the current host key.
itest_known_hosts()
{
	[ -n "$IT_HOSTKEY" ] || itest_error "itest_known_hosts before itest_keys"
	IT_KNOWN_HOSTS=$1
	awk -v h="[$IT_GW_IP]:$IT_SSH_PORT" '{ print h, $1, $2 }' \
	    "$IT_HOSTKEY.pub" >"$1" || itest_error "cannot write $1"
}

# ---------------------------------------------------------------- privsep

itest__privsep_hold()
{
	[ -z "$IT_PRIVSEP_HELD" ] || return 0
	it_n=0
	while :; do
		if mkdir -m 0755 "$IT_PRIVSEP" 2>/dev/null; then
			: >"$IT_PRIVSEP_MARK"
		fi
		if command exec 9<"$IT_PRIVSEP"; then
			flock -s 9 || itest_error "flock $IT_PRIVSEP"
			# Still the directory we locked (not removed
			# by the last test out meanwhile)?
			if [ "$(stat -L -c %d:%i /dev/fd/9)" = \
			    "$(stat -c %d:%i "$IT_PRIVSEP" 2>/dev/null)" ]; then
				break
			fi
			exec 9<&-
		fi
		it_n=$((it_n + 1))
		[ "$it_n" -lt 50 ] ||
		    itest_error "cannot create or hold $IT_PRIVSEP"
		sleep 0.02
	done
	IT_PRIVSEP_HELD=1
}

itest__privsep_release()
{
	[ -n "$IT_PRIVSEP_HELD" ] || return 0
	IT_PRIVSEP_HELD=
	# Made by a test, and no other test holds it: remove it.
	if [ -e "$IT_PRIVSEP_MARK" ] && flock -n -x 9; then
		rm -f "$IT_PRIVSEP_MARK"
		rmdir "$IT_PRIVSEP" 2>/dev/null
	fi
	exec 9<&-
}

# ------------------------------------------------------------------- sshd

# itest__shadow: print the path of a shadow copy to bind-mount for sshd if
# $IT_USER is locked ("!"), nothing otherwise.
itest__shadow()
{
	it_pw=$(awk -F: -v u="$IT_USER" '$1 == u { print $2 }' /etc/shadow)
	case $it_pw in
	!*) ;;
	*) return 0 ;;
	esac
	awk -F: -v OFS=: -v u="$IT_USER" '$1 == u { $2 = "*" } { print }' \
	    /etc/shadow >"$IT_DIR/shadow" || return 1
	chown root:shadow "$IT_DIR/shadow" 2>/dev/null || :
	chmod 0640 "$IT_DIR/shadow" || return 1
	echo "$IT_DIR/shadow"
}

itest__sshd_config()
{
	it_extra=$IT_DIR/sshd_config.extra
	# Keywords set by the extra lines before any Match block.
	it_keys=$(awk 'tolower($1) == "match" { exit }
	    NF && $1 !~ /^#/ { print tolower($1) }' "$it_extra")
	while read -r it_k it_v; do
		case " $(echo "$it_keys" | tr '\n' ' ') " in
		*" $(echo "$it_k" | tr '[:upper:]' '[:lower:]') "*) continue ;;
		esac
		printf '%s %s\n' "$it_k" "$it_v"
	done <<EOF
ListenAddress $IT_GW_IP:$IT_SSH_PORT
HostKey $IT_HOSTKEY
PidFile $IT_DIR/sshd.pid
AuthorizedKeysFile $IT_DIR/authorized_keys
AuthorizedPrincipalsFile none
UsePAM no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
HostbasedAuthentication no
StrictModes no
PermitUserRC no
PermitUserEnvironment no
PrintMotd no
PrintLastLog no
UseDNS no
X11Forwarding no
MaxStartups 100
MaxSessions 100
LogLevel VERBOSE
Subsystem sftp internal-sftp
EOF
	cat "$it_extra"
}

# itest_sshd_start [LINE...]: sshd in $IT_GW; returns once it answers.
# shellcheck disable=SC2120 # the LINEs are optional
itest_sshd_start()
{
	[ -n "$IT_HOSTKEY" ] || itest_error "itest_sshd_start before itest_keys"
	[ -n "$IT_NETNS" ] || itest_error "itest_sshd_start before itest_topology"
	[ -z "$IT_SSHD_PID" ] || itest_error "sshd already running ($IT_SSHD_PID)"
	itest_step "start sshd in $IT_GW on $IT_GW_IP:$IT_SSH_PORT"
	: >"$IT_DIR/sshd_config.extra"
	for it_l in "$@"; do
		printf '%s\n' "$it_l" >>"$IT_DIR/sshd_config.extra"
	done
	itest__sshd_run
}

# Starts sshd with the current $IT_DIR/sshd_config.extra.
itest__sshd_run()
{
	itest__privsep_hold
	IT_SSHD_CONFIG=$IT_DIR/sshd_config
	itest__sshd_config >"$IT_SSHD_CONFIG" ||
	    itest_error "cannot write $IT_SSHD_CONFIG"
	"$IT_SSHD" -t -f "$IT_SSHD_CONFIG" >>"$IT_DIR/sshd.out.log" 2>&1 ||
	    itest_error "sshd -t refuses $IT_SSHD_CONFIG: $(cat "$IT_DIR/sshd.out.log")"
	it_shadow=$(itest__shadow) || itest_error "cannot copy /etc/shadow"
	# The login user's home is an empty tmpfs for sshd and its sessions
	# (only in the mount namespace `ip netns exec` makes): the host's
	# dotfiles (a .bashrc that bash reads for sshd) never run in a test.
	it_home=$(getent passwd "$IT_USER" | cut -d: -f6)
	# `ip netns exec` execs, and so does sh -c: $! is sshd's PID.
	# shellcheck disable=SC2016 # expanded by that sh
	ip netns exec "$IT_GW" /bin/sh -c '
		if [ -n "$1" ]; then
			mount --bind "$1" /etc/shadow || exit 1
		fi
		if [ -n "$2" ] && [ "$2" != / ]; then
			mount -t tmpfs -o mode=0700 itest-home "$2" || exit 1
		fi
		shift 2
		exec "$@"' itest-sshd "$it_shadow" "$it_home" \
	    "$IT_SSHD" -D -f "$IT_SSHD_CONFIG" -E "$IT_DIR/sshd.log" \
	    </dev/null >>"$IT_DIR/sshd.out.log" 2>&1 9<&- &
	IT_SSHD_PID=$!
	it_want=$(awk '{ print $2 }' "$IT_HOSTKEY.pub")
	it_end=$(($(date +%s) + $(itest_bound 10)))
	while :; do
		itest__alive "$IT_SSHD_PID" || {
			it_st=0
			wait "$IT_SSHD_PID" 2>/dev/null || it_st=$?
			IT_SSHD_PID=
			itest_error "sshd exited (status $it_st) before it accepted connections"
		}
		# An SSH-level connect from the client side, and the key
		# must be this run's host key.
		it_got=$(itest_in_cli ssh-keyscan -T 1 -t ed25519 \
		    -p "$IT_SSH_PORT" "$IT_GW_IP" 2>/dev/null |
		    awk '{ print $3 }')
		[ "$it_got" != "$it_want" ] || break
		[ -z "$it_got" ] ||
		    itest_error "$IT_GW_IP:$IT_SSH_PORT answers with another host key"
		[ "$(date +%s)" -le "$it_end" ] ||
		    itest_error "sshd does not accept connections after" \
		    "$(itest_bound 10) s"
		sleep 0.05
	done
	export IT_SSHD_PID
}

# itest_sshd_stop: stop the listening sshd (by PID) and wait for it.
# Sessions already open keep running (as with a real sshd restart); see
# itest_sshd_kill_sessions.
itest_sshd_stop()
{
	[ -n "$IT_SSHD_PID" ] || itest_error "itest_sshd_stop: sshd not running"
	itest__kill "$IT_SSHD_PID"
	IT_SSHD_PID=
}

# itest_sshd_kill_sessions: kill every descendant of the running sshd (the
# per-connection sshd processes and the commands they run), which drops every
# open SSH connection; the listener keeps accepting new ones.
itest_sshd_kill_sessions()
{
	[ -n "$IT_SSHD_PID" ] ||
	    itest_error "itest_sshd_kill_sessions: sshd not running"
	# Descendants by PPID, from /proc (no procps needed).
	it_kids=$(cat /proc/[0-9]*/stat 2>/dev/null | awk -v root="$IT_SSHD_PID" '
	    { pid = $1; sub(/.*\) /, ""); ppid[pid] = $2 }
	    END {
		for (p in ppid) {
			for (q = ppid[p]; q != "" && q > 1; q = ppid[q])
				if (q == root) { print p; break }
		}
	    }')
	[ -n "$it_kids" ] || return 0
	# shellcheck disable=SC2086
	itest__kill $it_kids
}

# itest_hostkey_rotate: new host key (old one kept as $IT_HOSTKEY.prev),
# sshd restarted with it and with the same extra lines.
itest_hostkey_rotate()
{
	[ -n "$IT_HOSTKEY" ] || itest_error "itest_hostkey_rotate before itest_keys"
	itest_step "rotate host key"
	[ -z "$IT_SSHD_PID" ] || itest_sshd_stop
	if ! { mv -f "$IT_HOSTKEY" "$IT_HOSTKEY.prev" &&
	    mv -f "$IT_HOSTKEY.pub" "$IT_HOSTKEY.prev.pub"; }; then
		itest_error "cannot move the old host key"
	fi
	ssh-keygen -q -t ed25519 -N '' -C "itest-host-$IT_TAG" \
	    -f "$IT_HOSTKEY" </dev/null >/dev/null ||
	    itest_error "ssh-keygen host key"
	itest__sshd_run
}

# ------------------------------------------------------------------ client

# itest_ssh_custom KEY KNOWN_HOSTS [SSH-OPTION...] -- CMD...: the OpenSSH
# client from $IT_CLI to the gateway, identity KEY (none if empty), host keys
# from KNOWN_HOSTS only, StrictHostKeyChecking=yes.  The SSH-OPTIONs come
# before the defaults, so `-o Name=value` overrides.  stdin, stdout and
# stderr are the caller's; the status is ssh's (255: ssh failed, 124: still
# running after $IT_SSH_TIMEOUT s; 0 disables the timeout).
itest_ssh_custom()
{
	[ "$#" -ge 3 ] || itest_error "usage: itest_ssh_custom KEY KNOWN_HOSTS [OPT...] -- CMD..."
	it_key=$1
	it_kh=$2
	shift 2
	# Rebuild "$@" in one rotation: the prefix is appended first, then
	# each original word, with the fixed options and the destination
	# in place of the "--".
	it_n=$#
	it_dest=
	set -- "$@" -F /dev/null
	[ -z "$it_key" ] || set -- "$@" -i "$it_key"
	while [ "$it_n" -gt 0 ]; do
		it_a=$1
		shift
		it_n=$((it_n - 1))
		if [ -n "$it_dest" ] || [ "$it_a" != -- ]; then
			set -- "$@" "$it_a"
			continue
		fi
		it_dest=1
		set -- "$@" \
		    -o IdentitiesOnly=yes \
		    -o IdentityAgent=none \
		    -o UserKnownHostsFile="$it_kh" \
		    -o GlobalKnownHostsFile=/dev/null \
		    -o StrictHostKeyChecking=yes \
		    -o UpdateHostKeys=no \
		    -o CheckHostIP=no \
		    -o VerifyHostKeyDNS=no \
		    -o BatchMode=yes \
		    -o PasswordAuthentication=no \
		    -o KbdInteractiveAuthentication=no \
		    -o ControlMaster=no \
		    -o ControlPath=none \
		    -o ForwardAgent=no \
		    -o ConnectTimeout=5 \
		    -o LogLevel=ERROR \
		    -T -e none -p "$IT_SSH_PORT" -l "$IT_USER" "$IT_GW_IP"
	done
	[ -n "$it_dest" ] ||
	    itest_error "usage: itest_ssh_custom KEY KNOWN_HOSTS [OPT...] -- CMD..."
	if [ "$IT_SSH_TIMEOUT" -gt 0 ]; then
		ip netns exec "$IT_CLI" timeout --foreground "$IT_SSH_TIMEOUT" \
		    ssh "$@"
	else
		ip netns exec "$IT_CLI" ssh "$@"
	fi
}

# itest_ssh CMD...: ssh from $IT_CLI to the gateway with $IT_KEY and the
# known_hosts of the last itest_known_hosts ($IT_DIR/known_hosts, written
# for the current host key if it does not exist yet); prints CMD's output.
itest_ssh()
{
	[ -n "$IT_KEY" ] || itest_error "itest_ssh before itest_keys"
	[ -e "$IT_KNOWN_HOSTS" ] || itest_known_hosts "$IT_KNOWN_HOSTS"
	itest_ssh_custom "$IT_KEY" "$IT_KNOWN_HOSTS" -- "$@"
}
