# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# Scenario (runs in the guest): hard failures (issue 4).  vpnd in gwa keeps
# the office link to gwb up (keepalive 1 3, backoff 1 8).  Then, one after
# the other:
#	hostkey	gwb's host key is replaced (sshd restarted with a new key)
#		and the link is made to re-dial (remote pppd killed)
#	authkey	gwa's key is removed from authorized_keys, same re-dial
# Each must be refused as a hard failure: the reason says why, the log
# flags it ("needs attention"), re-dials come at the backoff cap (8 s),
# not as a storm (counted in sshd's log over HARD_WATCH s), and a network
# change does not re-dial it.  Once the gateway is put right the link
# comes back by itself within the cap plus a bring-up, with one interface,
# one set of routes and no leftovers.

. "$top_srcdir/tests/e2e/link-lib.sh"

: "${HARD_WATCH:=18}"
CAP=8

site_topology
site_sshd_start
step "sites up, sshd in gwb"
(
	umask 077
	lk_link office 0 "	remote-net	$SITE_LAN_B
	local-net	$SITE_LAN_A
	keepalive	1 3
	backoff		1 $CAP
	connect-timeout	5" >"$LK_CONF"
) || fail "write $LK_CONF"
lk_vpnd_start
t0=$(uptime_cs)
lk_wait_up 30 "the office link up"
bringup=$(cs_to_s $(($(uptime_cs) - t0)))
step "office link up in $bringup s"
lk_check "bring-up"

ssh_dir=$E2E_DIR/ssh
cp "$ssh_dir/host_ed25519" "$ssh_dir/host_ed25519.orig" || fail "save key"
cp "$ssh_dir/authorized_keys" "$ssh_dir/authorized_keys.orig" ||
    fail "save authorized_keys"
naddr=0

# hard NAME REASON_PATTERN: the gateway was just broken; make the link
# re-dial and check the failure is hard, flagged and not retried in a
# storm.
hard()
{
	n_fail=$(lk_count "link office: $2")
	n_dial=$(lk_count 'link office: [a-z]+ -> connecting')
	n_conn=$(grep -c '^Connection from' "$LK_SSHD_LOG" || true)
	p=$(lk_roots gwb pppd)
	kill -KILL "$p" || fail "kill remote pppd $p"
	t_kill=$(uptime_s)
	step "$1: killed the remote pppd $p: the link re-dials"
	lk_wait_log "link office: $2" $((n_fail + 1)) 15 "the $1 failure"
	t_hard=$(lk_time "link office: $2" $((n_fail + 1)))
	step "$1: refused $(lk_sub "$t_kill" "$t_hard") s after the kill:" \
	    "$(grep -E "link office: $2" "$LK_LOG" | tail -n 1 |
	    sed 's/^[^ ]* //')"
	lk_wait_log "re-dial in $CAP\\.0 s \\(failure [0-9]+ in a row, needs attention\\)" \
	    1 5 "a re-dial at the cap, flagged"
	step "$1: $(grep 'needs attention' "$LK_LOG" | tail -n 1 |
	    sed 's/^[^ ]* //')"
	# A network change must not re-dial a link that needs attention.
	naddr=$((naddr + 1))
	ip -n gwa addr add "10.1.0.$((100 + naddr))/24" dev lan0 ||
	    fail "add an address in gwa"
	step "$1: network change in gwa (address 10.1.0.$((100 + naddr)))"
	t_watch=$(uptime_cs)
	wait_for "[ \$(uptime_cs) -ge $((t_watch + HARD_WATCH * 100)) ]" \
	    $((HARD_WATCH + 2)) "the watch"
	lk_alive
	dials=$(($(lk_count 'link office: [a-z]+ -> connecting') - n_dial))
	conns=$(($(grep -c '^Connection from' "$LK_SSHD_LOG" || true) - n_conn))
	fails=$(($(lk_count "link office: $2") - n_fail))
	step "$1: in $(lk_sub "$t_kill" "$(uptime_s)") s: $dials dials," \
	    "$conns connections in sshd's log, $fails refusals"
	e2e_report "${1}_dials" "$dials"
	# The first re-dial after the kill, then one per cap at most.
	max=$((1 + (HARD_WATCH + CAP) / CAP))
	[ "$dials" -ge 2 ] || fail "$1: no re-dial after the first refusal"
	[ "$dials" -le "$max" ] ||
	    fail "$1: $dials dials in $HARD_WATCH s, want at most $max"
	[ "$conns" = "$dials" ] ||
	    fail "$1: sshd saw $conns connections for $dials dials"
	# Every refusal was followed by a wait of the cap.
	waits=$(grep -E 're-dial in [0-9.]+ s' "$LK_LOG" | tail -n "$fails" |
	    grep -cv "re-dial in $CAP\\.0 s .*needs attention" || true)
	[ "$waits" = 0 ] || fail "$1: a re-dial after a refusal was not" \
	    "at the cap: $(grep 're-dial in' "$LK_LOG" | tail -n "$fails")"
	# Back-to-back dials are a cap apart.
	grep -E 'link office: [a-z]+ -> connecting' "$LK_LOG" |
	    tail -n $((dials - 1)) | cut -d' ' -f1 >"$E2E_DIR/dials"
	gaps=$(awk 'NR > 1 { printf "%.2f ", $1 - prev } { prev = $1 }' \
	    "$E2E_DIR/dials")
	step "$1: gaps between the re-dials: $gaps s"
	for g in $gaps; do
		g_cs=$(awk -v g="$g" -v c="$CAP" 'BEGIN {
		    printf "%d\n", (g - c) * 100 }')
		if [ "$g_cs" -lt -30 ] || ! pace_within "$g_cs" 300; then
			fail "$1: re-dials $g s apart, want $CAP" \
			    "(+ $(pace_desc 300))"
		fi
	done
}

# repaired NAME: the gateway was put right: the link comes back within the
# cap and a bring-up.
repaired()
{
	n_up=$(lk_count 'link office: routes -> up')
	t_fix=$(uptime_s)
	lk_wait_log 'link office: routes -> up' $((n_up + 1)) \
	    $((CAP + 20)) "the link back after the $1 repair"
	up=$(lk_sub "$t_fix" "$(lk_time 'link office: routes -> up' \
	    $((n_up + 1)))")
	e2e_report "${1}_repair_up_s" "$up"
	step "$1: link up again $up s after the repair"
	awk -v u="$up" -v c="$CAP" -v b="$bringup" 'BEGIN {
	    exit !(u <= c + 2 * b + 1) }' ||
	    fail "$1: up $up s after the repair, want at most the cap" \
	    "$CAP s and a bring-up ($bringup s)"
	lk_check "$1 repaired" 30
}

# The host key: a new one, sshd restarted with it (the session stays).
rm -f "$ssh_dir/host_ed25519" "$ssh_dir/host_ed25519.pub"
ssh-keygen -q -t ed25519 -N '' -C e2e-gwb-newkey -f "$ssh_dir/host_ed25519" ||
    fail "ssh-keygen new host key"
lk_sshd_stop
lk_sshd_start
step "hostkey: gwb's sshd restarted with a new host key"
hard hostkey '(host key: |host key .*does not match)'
grep -qi 'host key' "$LK_LOG" || fail "hostkey: the reason does not say host key"
cp "$ssh_dir/host_ed25519.orig" "$ssh_dir/host_ed25519" || fail "restore key"
lk_sshd_stop
lk_sshd_start
step "hostkey: the old host key is back"
repaired hostkey

# The client key: gone from authorized_keys (sshd reads it at each login).
: >"$ssh_dir/authorized_keys" || fail "empty authorized_keys"
step "authkey: authorized_keys emptied"
hard authkey '(auth: |authentication .*refused)'
cp "$ssh_dir/authorized_keys.orig" "$ssh_dir/authorized_keys" ||
    fail "restore authorized_keys"
step "authkey: authorized_keys restored"
repaired authkey

lk_vpnd_stop
step "vpnd's log, without pppd's lines:"
grep -v -e ': pppd: ' -e ': remote: ' "$LK_LOG"
