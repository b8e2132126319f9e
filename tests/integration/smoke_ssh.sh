#!/bin/sh
# SPDX-License-Identifier: ISC
#
# smoke_ssh.sh - the host integration bed works: a key login from the client
# namespace runs a command in the gateway namespace, a wrong key is refused,
# an unknown or changed host key is refused by the OpenSSH client.

set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
# shellcheck source=tests/integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"

itest_init smoke_ssh
itest_topology
itest_keys
itest_sshd_start
itest_known_hosts "$IT_DIR/known_hosts"

itest_step "namespaces are distinct"
gw_ns=$(itest_in_gw readlink /proc/self/ns/net)
cli_ns=$(itest_in_cli readlink /proc/self/ns/net)
host_ns=$(readlink /proc/self/ns/net)
if [ "$gw_ns" = "$cli_ns" ] || [ "$gw_ns" = "$host_ns" ] ||
    [ "$cli_ns" = "$host_ns" ]; then
	itest_fail "namespaces not distinct: gw $gw_ns cli $cli_ns host $host_ns"
fi

itest_step "key login runs a command on the gateway"
token=smoke-$$-$(date +%s)
out=$(itest_ssh "readlink /proc/self/ns/net; ip -o -4 addr show dev $IT_GW_IF; id -un; echo \$SSH_CONNECTION; echo $token >$IT_DIR/ran-on-gw") ||
    itest_fail "ssh with the right key failed (status $?)"
printf '%s\n' "$out" | sed 's/^/	gw: /' >&2
ran_ns=$(printf '%s\n' "$out" | head -n 1)
[ "$ran_ns" = "$gw_ns" ] ||
    itest_fail "command ran in namespace $ran_ns, not the gateway's $gw_ns"
printf '%s\n' "$out" | grep -q "inet $IT_GW_ADDR " ||
    itest_fail "gateway address $IT_GW_ADDR not in the remote output"
printf '%s\n' "$out" | grep -qx "$IT_USER" ||
    itest_fail "remote user is not $IT_USER"
# SSH_CONNECTION: client address and port, server address and port.
printf '%s\n' "$out" |
    grep -q "^$IT_CLI_IP [0-9]* $IT_GW_IP $IT_SSH_PORT\$" ||
    itest_fail "SSH_CONNECTION does not show $IT_CLI_IP -> $IT_GW_IP:$IT_SSH_PORT"
[ "$(cat "$IT_DIR/ran-on-gw")" = "$token" ] ||
    itest_fail "the remote command did not write its token"
grep -q "Accepted publickey for $IT_USER from $IT_CLI_IP" "$IT_DIR/sshd.log" ||
    itest_fail "sshd.log does not show the key login from $IT_CLI_IP"

itest_step "stdin reaches the remote command"
out=$(echo "through-stdin-$token" | itest_ssh cat)
[ "$out" = "through-stdin-$token" ] ||
    itest_fail "remote cat returned '$out'"

itest_step "wrong key is refused"
ssh-keygen -q -t ed25519 -N '' -f "$IT_DIR/wrong_key" </dev/null >/dev/null
rm -f "$IT_DIR/ran-wrong"
st=0
itest_ssh_custom "$IT_DIR/wrong_key" "$IT_KNOWN_HOSTS" -- \
    "touch $IT_DIR/ran-wrong" 2>"$IT_DIR/wrong-key.log" || st=$?
[ "$st" -eq 255 ] || itest_fail "ssh with a wrong key: status $st, want 255"
grep -q 'Permission denied (publickey)' "$IT_DIR/wrong-key.log" ||
    itest_fail "no 'Permission denied (publickey)' from ssh"
[ ! -e "$IT_DIR/ran-wrong" ] || itest_fail "command ran with a wrong key"

itest_step "unknown host key is refused"
: >"$IT_DIR/empty_known_hosts"
st=0
itest_ssh_custom "$IT_KEY" "$IT_DIR/empty_known_hosts" -- \
    "touch $IT_DIR/ran-unknown" 2>"$IT_DIR/unknown-host.log" || st=$?
[ "$st" -eq 255 ] ||
    itest_fail "ssh to an unknown host key: status $st, want 255"
grep -q 'Host key verification failed' "$IT_DIR/unknown-host.log" ||
    itest_fail "no 'Host key verification failed' from ssh"
[ ! -e "$IT_DIR/ran-unknown" ] || itest_fail "command ran on an unknown host key"
[ ! -s "$IT_DIR/empty_known_hosts" ] || itest_fail "ssh wrote known_hosts"

itest_step "changed host key is refused, the new one accepted"
cp "$IT_DIR/known_hosts" "$IT_DIR/old_known_hosts"
old_pid=$IT_SSHD_PID
itest_hostkey_rotate
[ "$IT_SSHD_PID" != "$old_pid" ] || itest_fail "sshd PID did not change"
! kill -0 "$old_pid" 2>/dev/null || itest_fail "old sshd $old_pid still runs"
st=0
itest_ssh_custom "$IT_KEY" "$IT_DIR/old_known_hosts" -- \
    "touch $IT_DIR/ran-changed" 2>"$IT_DIR/changed-host.log" || st=$?
[ "$st" -eq 255 ] || itest_fail "ssh to a changed host key: status $st"
grep -q 'REMOTE HOST IDENTIFICATION HAS CHANGED' "$IT_DIR/changed-host.log" ||
    itest_fail "no host key change warning from ssh"
[ ! -e "$IT_DIR/ran-changed" ] || itest_fail "command ran on a changed host key"
itest_known_hosts "$IT_DIR/known_hosts"
[ "$(itest_ssh echo rotated)" = rotated ] ||
    itest_fail "login with the new host key failed"

itest_step "open sessions are killed, the listener stays"
# PIDs in the gateway namespace running "sleep 101" (our remote command).
gw_sleep()
{
	for p in $(ip netns pids "$IT_GW"); do
		if [ "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" = \
		    "sleep 101 " ]; then
			echo "$p"
		fi
	done
}
itest_ssh 'sleep 101' 2>"$IT_DIR/killed-session.log" &
ssh_pid=$!
n=0
until [ -n "$(gw_sleep)" ]; do
	n=$((n + 1))
	[ "$n" -lt "$(itest_bound 100)" ] ||
	    itest_fail "remote sleep did not start"
	sleep 0.05
done
itest_sshd_kill_sessions
st=0
wait "$ssh_pid" || st=$?
[ "$st" -eq 255 ] || itest_fail "ssh of a killed session: status $st, want 255"
[ -z "$(gw_sleep)" ] || itest_fail "remote command survived: $(gw_sleep)"
kill -0 "$IT_SSHD_PID" || itest_fail "the listener died too"
[ "$(itest_ssh echo again)" = again ] ||
    itest_fail "no new login after the sessions were killed"

itest_step "sshd stops"
pid=$IT_SSHD_PID
itest_sshd_stop
! kill -0 "$pid" 2>/dev/null || itest_fail "sshd $pid still runs"
st=0
itest_ssh true 2>"$IT_DIR/stopped.log" || st=$?
[ "$st" -eq 255 ] || itest_fail "ssh to a stopped sshd: status $st"

itest_step "done"
