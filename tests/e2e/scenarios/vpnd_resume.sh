# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# Scenario (runs in the guest): the laptop wakes from sleep.  vpnd in gwa
# keeps the office link to gwb up with keepalive 20 3, so the keepalive
# alone takes 80 s to call a silent gateway dead and pppd's LCP echo 60 s.
# vpnd runs with clockshift.so preloaded, which moves its CLOCK_BOOTTIME
# and wall clock ahead as a suspend does and leaves CLOCK_MONOTONIC alone
# (tests/e2e/clockshift.c says why the guest cannot really suspend);
# everything else is real.
# - Slept 30 s, the gateway still there: vpnd notices the sleep, asks the
#   gateway at once, gets its answer, and the link stays up (no re-dial).
# - Slept 30 s more with the path cut meanwhile (netem loss 100 % both
#   ways: no packet, no reset, no route or address event): vpnd notices
#   the sleep, gets no answer within 5 s and re-dials at once, long before
#   the keepalive or pppd would have; once the path is back, the link
#   comes up again with one set of routes and nothing left over.
# The detection time is reported as resume_detect_s (the clocks moved to
# `-> stopping`).

. "$top_srcdir/tests/e2e/link-lib.sh"

SHIM=$top_builddir/tests/e2e/clockshift.so
SHIFT=$E2E_DIR/clockshift
[ -f "$SHIM" ] || fail "$SHIM is not built (make check builds it)"

site_topology
site_sshd_start
step "sites up, sshd in gwb"
(
	umask 077
	lk_link office 0 "	remote-net	$SITE_LAN_B
	local-net	$SITE_LAN_A
	keepalive	20 3
	backoff		1 8
	connect-timeout	5" >"$LK_CONF"
) || fail "write $LK_CONF"
collect_cmd "cat $LK_CONF"

# The offset, rewritten in place: the shim has the file mapped.
slept=0
printf '%-15s\n' "$slept" >"$SHIFT" || fail "write $SHIFT"
# sleep_for SECONDS: to vpnd, the machine just slept SECONDS more.
sleep_for()
{
	slept=$((slept + $1))
	printf '%-15s\n' "$slept" 1<>"$SHIFT" || fail "rewrite $SHIFT"
	t_sleep=$(uptime_s)
	step "vpnd's boot and wall clocks moved $1 s ahead (a sleep)"
}

LD_PRELOAD=$SHIM
CLOCKSHIFT_FILE=$SHIFT
LK_VERBOSE=1
export LD_PRELOAD CLOCKSHIFT_FILE
lk_vpnd_start
unset LD_PRELOAD CLOCKSHIFT_FILE
lk_wait_up 30 "the office link up"
lk_check "bring-up"

STOP='link office: [a-z]+ -> stopping'
UP='link office: routes -> up'

# What vpnd says of a 30 s sleep: its two clocks are read at two moments
# of a guest that may lag (a CI run saw "slept 29 s" for this shift).
SLEPT30='the machine slept (29|30|31) s: checking every link'

# --- slept, the gateway still there: asked, answered, still up.
n_stop=$(lk_count "$STOP")
sleep_for 30
lk_wait_log "$SLEPT30" 1 10 \
    "vpnd to notice the sleep"
lk_wait_log 'link office: woke from sleep: does .* still answer' 1 5 \
    "vpnd to ask the gateway"
lk_wait_log "link office: $SITE_GWB_WAN_IP:22 answered after the sleep" 1 10 \
    "the gateway's answer"
[ "$(lk_count "$STOP")" = "$n_stop" ] ||
    fail "the link went down after a sleep with the gateway there"
lk_up vpn-office "$SITE_LAN_B" "$SITE_LAN_A" hosta "$SITE_HOSTB_IP" ||
    fail "the link is not up after the sleep"
step "slept with the gateway there: asked, answered, still up"

# --- slept while the path was cut: no answer, re-dialed at once.
n_stop=$(lk_count "$STOP")
n_up=$(lk_count "$UP")
lk_blackhole on
step "path cut (netem loss 100 % both ways)"
sleep_for 30
lk_wait_log "$SLEPT30" 2 10 \
    "vpnd to notice the second sleep"
lk_wait_log 'link office: no answer from .* within 5 s of waking from sleep' \
    1 20 "vpnd to find the session dead"
lk_wait_log "$STOP" $((n_stop + 1)) 5 "the link to go down"
t_det=$(lk_time "$STOP" $((n_stop + 1)))
det=$(lk_sub "$t_sleep" "$t_det")
e2e_report resume_detect_s "$det"
det_cs=$(echo "$det" | awk '{ printf "%d", $1 * 100 }')
# The sleep is seen within 3 s and the answer awaited 5 s: 8 s, far
# from the keepalive's 80 s and pppd's 60 s.
pace_within "$det_cs" 1500 ||
    fail "down $det s after waking, want within $(pace_desc 1500)"
step "slept with the path cut: down $det s after waking"
lk_blackhole off
step "path back"
lk_wait_log "$UP" $((n_up + 1)) 40 "the link back up"
lk_wait_up 10 "ping across after the re-dial"
lk_check "the re-dial after the sleep"

lk_vpnd_stop
