# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# Scenario (runs in the guest): no false positive (issue 4).  The office
# link (keepalive 1 3: the SSH keepalive gives up after 4 s of silence,
# both pppds after 3 unanswered LCP echoes 1 s apart) is saturated by bulk
# TCP transfers both ways at once (hosta -> hostb and hostb -> hosta,
# incompressible data) for BULK_S s (20; the issue's figure is 60) while
# hosta pings hostb once a second.  The link must not be declared dead: no
# transition, the same interface at each end, and pings still answered.
# The throughput each way and the ping times under load are reported.
# Quiet again, the relay hands its buffers' pages back (issue 14).

. "$top_srcdir/tests/e2e/link-lib.sh"

: "${BULK_S:=20}"

site_topology
site_sshd_start
step "sites up, sshd in gwb"
(
	umask 077
	lk_link office 0 "	remote-net	$SITE_LAN_B
	local-net	$SITE_LAN_A
	keepalive	1 3
	backoff		1 8
	connect-timeout	5" >"$LK_CONF"
) || fail "write $LK_CONF"
# Verbose: the relay says when its buffers' pages go back (debug).
LK_VERBOSE=1
lk_vpnd_start
lk_wait_up 30 "the office link up"
lk_check "bring-up"
idx="$(ip -n gwa -o link show vpn-office | cut -d: -f1)"
idx="$idx $(ip -n gwb -o link show vpn-office | cut -d: -f1)"
n_stop=$(lk_count 'link office: [a-z]+ -> stopping')

# sink ADDR PORT: accept one connection, read it to the end, print bytes.
cat >"$E2E_DIR/sink.pl" <<'EOF' || fail "write sink.pl"
use strict;
use IO::Socket::INET;
my $s = IO::Socket::INET->new(LocalAddr => $ARGV[0], LocalPort => $ARGV[1],
    Listen => 1, ReuseAddr => 1) or die "listen: $!\n";
open(my $r, '>', $ARGV[2]) or die "$ARGV[2]: $!\n";
close($r);
my $c = $s->accept() or die "accept: $!\n";
my ($n, $buf, $got) = (0);
$n += $got while ($got = sysread($c, $buf, 65536));
print "$n\n";
EOF
# source ADDR PORT SECONDS: send random bytes for SECONDS, print bytes.
cat >"$E2E_DIR/source.pl" <<'EOF' || fail "write source.pl"
use strict;
use IO::Socket::INET;
my $c = IO::Socket::INET->new(PeerAddr => $ARGV[0], PeerPort => $ARGV[1])
    or die "connect: $!\n";
my $buf = join('', map { chr(int(rand(256))) } 1 .. 65536);
my ($n, $end) = (0, time() + $ARGV[2]);
while (time() < $end) {
	my $w = syswrite($c, $buf) or die "write: $!\n";
	$n += $w;
}
close($c);
print "$n\n";
EOF
ip netns exec hostb perl "$E2E_DIR/sink.pl" "$SITE_HOSTB_IP" 5001 \
    "$E2E_DIR/sink-b.ready" >"$E2E_DIR/sink-b.out" 2>&1 &
sink_b=$!
ip netns exec hosta perl "$E2E_DIR/sink.pl" "$SITE_HOSTA_IP" 5002 \
    "$E2E_DIR/sink-a.ready" >"$E2E_DIR/sink-a.out" 2>&1 &
sink_a=$!
wait_for "[ -e '$E2E_DIR/sink-a.ready' ] && [ -e '$E2E_DIR/sink-b.ready' ]" \
    10 "the sinks to listen"
collect_log "$E2E_DIR/ping.out"
ip netns exec hosta ping -n -i 1 -c "$BULK_S" -W 5 "$SITE_HOSTB_IP" \
    >"$E2E_DIR/ping.out" 2>&1 &
pinger=$!
t0=$(uptime_cs)
ip netns exec hosta perl "$E2E_DIR/source.pl" "$SITE_HOSTB_IP" 5001 \
    "$BULK_S" >"$E2E_DIR/source-a.out" 2>&1 &
src_a=$!
ip netns exec hostb perl "$E2E_DIR/source.pl" "$SITE_HOSTA_IP" 5002 \
    "$BULK_S" >"$E2E_DIR/source-b.out" 2>&1 &
src_b=$!
step "bulk transfers both ways for $BULK_S s, hosta pings hostb"
collect_log "$E2E_DIR/source-a.out"
collect_log "$E2E_DIR/source-b.out"
# declared_dead: fail at once if vpnd took the link down.
declared_dead()
{
	[ "$(lk_count 'link office: [a-z]+ -> stopping')" = "$n_stop" ] ||
	    fail "the saturated link was declared dead: $(grep \
	    'link office: ' "$LK_LOG" | grep -v -e ': pppd: ' \
	    -e ': remote: ' | awk -v n=$((n_stop + 1)) '
	    / -> stopping/ && ++k == n { print prev; exit }
	    { sub(/^[^ ]* /, ""); prev = substr($0, 1, 160) }')"
}
wait_for "declared_dead; pid_exited $src_a && pid_exited $src_b" \
    $((BULK_S + 30)) "the transfers to end"
rc=0
child_wait "$src_a" $((BULK_S + 30)) "the transfer hosta -> hostb" || rc=$?
[ "$rc" = 0 ] || fail "the transfer hosta -> hostb failed: $(cat \
    "$E2E_DIR/source-a.out")"
child_wait "$src_b" 30 "the transfer hostb -> hosta" || rc=$?
[ "$rc" = 0 ] || fail "the transfer hostb -> hosta failed: $(cat \
    "$E2E_DIR/source-b.out")"
secs=$(cs_to_s $(($(uptime_cs) - t0)))
child_wait "$sink_b" 30 "the sink in hostb" || fail "the sink in hostb failed"
child_wait "$sink_a" 30 "the sink in hosta" || fail "the sink in hosta failed"
child_wait "$pinger" 30 "ping" || :
ab=$(cat "$E2E_DIR/sink-b.out")
ba=$(cat "$E2E_DIR/sink-a.out")
[ "$ab" = "$(cat "$E2E_DIR/source-a.out")" ] ||
    fail "hostb got $ab bytes of $(cat "$E2E_DIR/source-a.out")"
[ "$ba" = "$(cat "$E2E_DIR/source-b.out")" ] ||
    fail "hosta got $ba bytes of $(cat "$E2E_DIR/source-b.out")"
rate_ab=$(awk -v n="$ab" -v s="$secs" 'BEGIN { printf "%.0f", n / s / 1024 }')
rate_ba=$(awk -v n="$ba" -v s="$secs" 'BEGIN { printf "%.0f", n / s / 1024 }')
e2e_report bulk_ab_kib_s "$rate_ab"
e2e_report bulk_ba_kib_s "$rate_ba"
pings=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$E2E_DIR/ping.out")
rtt=$(sed -n 's|^rtt min/avg/max/mdev = \([^ ]*\) ms|\1|p' "$E2E_DIR/ping.out")
e2e_report bulk_ping_rtt_min_avg_max_mdev_ms "$rtt"
step "in $secs s: hosta -> hostb $ab bytes ($rate_ab KiB/s)," \
    "hostb -> hosta $ba bytes ($rate_ba KiB/s); pings: $pings of $BULK_S" \
    "answered, rtt min/avg/max/mdev $rtt ms"

# Quiet again: the pages the transfers filled in the relay's buffers
# go back at a keepalive tick (1 s) that finds them empty.
wait_for "[ \"\$(lk_count 'link office: relay: [0-9]+ KiB of its quiet')\" \
    -ge 1 ]" 10 "the relay's buffers handed back"
step "quiet: $(grep -E 'relay: [0-9]+ KiB of its quiet' "$LK_LOG" |
    tail -n 1 | sed 's/.*relay: //')"

lk_alive
declared_dead
now="$(ip -n gwa -o link show vpn-office | cut -d: -f1)"
now="$now $(ip -n gwb -o link show vpn-office | cut -d: -f1)"
[ "$now" = "$idx" ] || fail "the interfaces changed: $idx then $now"
[ "${pings:-0}" -ge $((BULK_S / 2)) ] ||
    fail "only ${pings:-0} of $BULK_S pings answered under load"
lk_check "$BULK_S s of bulk transfers"
lk_vpnd_stop
