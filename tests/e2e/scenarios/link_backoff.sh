# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# Scenario (runs in the guest): re-dial backoff (issues 4 and 9).  vpnd in
# gwa keeps the office link up (keepalive 1 s, 3 misses at the reference
# pace, backoff 1 8).  gwb's sshd is
# stopped and the link dropped (remote pppd killed): for REFUSE_S s (60)
# every dial is refused.  The dials in vpnd's log must follow the rule of
# vpn.conf(5): the drop begins an incident, whose first re-dial is announced
# within 0.25 s; the wait after failure N in a row lies in [MIN, min(CAP,
# MIN * 2^(N-1))]; each dial comes the announced wait after the one before.
# Meanwhile the path is probed: gwa's TCP ActiveOpens counter counts the
# dials and the probes, which come about once a second (more than one per
# 3 s of refusal, at most one per second plus one per wait).  Then:
#	1. sshd is back and gwa sees a network change (an address added):
#	   the link dials within 1 s (on the change, or on a probe that found
#	   sshd first) and is up within 2 s plus the bring-up time measured
#	   at the start of this run;
#	2. refused again for REFUSE2_S s (12), then sshd is back with no
#	   network change: a probe finds it, and the link is up within about
#	   a second plus a bring-up, not at the next planned dial.

. "$top_srcdir/tests/e2e/link-lib.sh"

: "${REFUSE_S:=60}"
: "${REFUSE2_S:=12}"
MIN=1
CAP=8

site_topology
site_sshd_start
step "sites up, sshd in gwb"
(
	umask 077
	lk_link office 0 "	remote-net	$SITE_LAN_B
	local-net	$SITE_LAN_A
	keepalive	1 $(lk_misses 3)
	backoff		$MIN $CAP
	connect-timeout	5" >"$LK_CONF"
) || fail "write $LK_CONF"
lk_vpnd_start
lk_wait_up 30 "the office link up"
t_c=$(lk_time 'link office: [a-z]+ -> connecting' 1)
t_u=$(lk_time 'link office: routes -> up' 1)
bringup=$(lk_sub "$t_c" "$t_u")
e2e_report bringup_s "$bringup"
step "office link up, bring-up (dial to up) $bringup s"
lk_check "bring-up"

# refuse SECONDS: stop sshd, drop the link, let it be refused SECONDS.
refuse()
{
	lk_sshd_stop
	n_dial=$(lk_count 'link office: [a-z]+ -> connecting')
	n_wait=$(lk_count 're-dial in ')
	opens=$(lk_tcp_active_opens gwa)
	p=$(lk_roots gwb pppd)
	kill -KILL "$p" || fail "kill remote pppd $p"
	t_drop=$(uptime_cs)
	step "sshd stopped, remote pppd killed: refused for $1 s"
	wait_for "[ \$(uptime_cs) -ge $((t_drop + $1 * 100)) ]" $(($1 + 2)) \
	    "the refusal period"
	lk_alive
	dials=$(($(lk_count 'link office: [a-z]+ -> connecting') - n_dial))
	opens=$(($(lk_tcp_active_opens gwa) - opens))
	probes=$((opens - dials))
	step "refused for $1 s: $dials dials in vpnd's log, $opens TCP" \
	    "connections opened by gwa: $probes probes"
	[ "$probes" -ge $(($1 / 3)) ] ||
	    fail "$probes probes in $1 s of refusal, want one a second"
	[ "$probes" -le $(($1 + dials)) ] ||
	    fail "$probes probes in $1 s of refusal and $dials waits"
}

# The dials of a refusal period: time stamps, the wait announced before
# each of them and what it was for (0: a new incident; N: failure N in a
# row).
dial_table()
{
	grep -E -e 'link office: [a-z]+ -> connecting' -e 're-dial in ' \
	    "$LK_LOG" | awk -v skip_d="$n_dial" -v skip_w="$n_wait" '
	    /re-dial in/ { if (++w > skip_w) { for (i = NF - 1; i > 0; i--)
		if ($i == "re-dial") wait = $(i + 2)
		k = -1
		if ($0 ~ /\(new incident/) k = 0
		else if (match($0, /\(failure [0-9]+ in a row/))
			k = substr($0, RSTART + 9, RLENGTH - 18) + 0 } ; next }
	    { if (++d > skip_d) print $1, wait, k }'
}

refuse "$REFUSE_S"
dial_table >"$E2E_DIR/dials"
n=$(grep -c . "$E2E_DIR/dials" || true)
e2e_report refused_dials "$n"
# The wait before the first dial is the new incident's (the kill); the wait
# after failure k in a row lies in [MIN, min(CAP, MIN * 2^(k-1))] (to the
# 0.1 s it is logged with).
step "dial times and the wait announced before each:"
# spaced PACE: the dials against the waits announced, the time a refused
# dial takes allowed PACE (percent of the reference's time) times 1 s.
spaced()
{
	awk -v min="$MIN" -v cap="$CAP" -v t0="$t_drop" \
	    -v slow="$(cs_to_s "$1")" '
    BEGIN { t0 /= 100; bad = 0 }
    {
	k = $3
	if (k == 0) {
		lo = 0; ceil = 0.25
	} else {
		lo = min
		ceil = min; for (i = 1; i < k && ceil < cap; i++) ceil *= 2
		if (ceil > cap) ceil = cap
	}
	gap = NR == 1 ? "" : sprintf("%.2f", $1 - prev)
	printf "  dial %2d at +%6.2f s: waited %s s (%s, allowed %g..%g), " \
	    "since the last dial %s s\n", NR, $1 - t0, $2, k == 0 ? \
	    "new incident" : "failure " k, lo, ceil, gap
	if (NR == 1 && k != 0) { print "  ^ not a new incident"; bad = 1 }
	if (NR > 1 && k != NR - 1) { print "  ^ not the next failure"; bad = 1 }
	if ($2 < lo - 0.05 || $2 > ceil + 0.05) {
		print "  ^ wait out of range"; bad = 1
	}
	# A refused dial takes a moment: the next one is the wait later.  The
	# wait is logged to 0.1 s (so it may be 0.05 s longer than the real
	# one), and each line is stamped as the test reads it, so a stamp may
	# be late by a scheduling delay: 0.1 s at the reference pace.
	if (NR > 1 && ($1 - prev < $2 - 0.05 - slow / 10 ||
	    $1 - prev > $2 + slow)) {
		print "  ^ not the announced wait after the last dial"; bad = 1
	}
	prev = $1
    }
    END { exit bad }' "$E2E_DIR/dials"
}
spaced "$E2E_PACE" || { pace_update && spaced "$E2E_PACE"; } ||
    fail "dials not spaced as configured"
# At most one dial per MIN (and the incident's), at least one per CAP.
[ "$n" -le $((REFUSE_S / MIN + 2)) ] || fail "$n dials in $REFUSE_S s"
[ "$n" -ge $((REFUSE_S / (CAP + 1))) ] || fail "only $n dials in $REFUSE_S s"
grep -q 'link office: .*Connection refused' "$LK_LOG" ||
    fail "no dial reported the refusal"
grep -q 'link office: re-dial in .*failure 1 in a row), probing the path' \
    "$LK_LOG" || fail "the refused dials did not start probing the path"
step "$n dials in $REFUSE_S s, spaced as configured"

# back_check WHAT N_UP N_DIAL T_BACK DIAL_BOUND_CS: after the gateway came
# back at T_BACK (when the log had N_UP ups and N_DIAL dials), the link
# dials within DIAL_BOUND_CS (at the reference pace) and that dial brings
# it up: no failed dial in between.  The bring-up itself (dial to up) is
# the machine's speed and is only reported.
back_check()
{
	lk_wait_log 'link office: routes -> up' $(($2 + 1)) 15 \
	    "the link up after $1"
	_dials=$(($(lk_count 'link office: [a-z]+ -> connecting') - $3))
	t_u=$(lk_time 'link office: routes -> up' $(($2 + 1)))
	up_s=$(lk_sub "$4" "$t_u")
	if [ "$_dials" -eq 0 ]; then
		# A dial on its way when the gateway came back got through.
		dial_s=0
	else
		t_d=$(lk_time 'link office: [a-z]+ -> connecting' $(($3 + 1)))
		dial_s=$(lk_sub "$4" "$t_d")
	fi
	step "$1: dialed $dial_s s after, up $up_s s after" \
	    "($_dials dials; bring-up at the start: $bringup s)"
	[ "$_dials" -le 1 ] || fail "$_dials dials after $1 before the" \
	    "link was up: the first one failed"
	_cs=$(awk -v d="$dial_s" 'BEGIN { printf "%d\n", d < 0 ? 0 : d * 100 }')
	pace_within "$_cs" "$5" || fail "dialed $dial_s s after $1," \
	    "want at most $(pace_desc "$5")"
}

# 1. The gateway is back and the network changes: at once.
lk_sshd_start
n_up=$(lk_count 'link office: routes -> up')
n_dial=$(lk_count 'link office: [a-z]+ -> connecting')
ip -n gwa addr add 10.1.0.2/24 dev lan0 || fail "add an address in gwa"
t_ev=$(uptime_s)
step "sshd back, network change in gwa (address 10.1.0.2 on lan0)"
# The dial is the event's, or a probe's that found sshd first, or the
# backoff's own if it came within vpnd's 200 ms debounce of the event.
back_check "the network change" "$n_up" "$n_dial" "$t_ev" 100
if ! grep -qE 'network changed, dialing now|answers, dialing now' \
    "$LK_LOG"; then
	_cs=$(awk -v d="$dial_s" 'BEGIN { printf "%d\n", d * 100 }')
	pace_within "$_cs" 30 || fail "vpnd did not dial on the network" \
	    "change (dial $dial_s s after)"
fi
e2e_report netchange_dial_s "$dial_s"
e2e_report netchange_up_s "$up_s"
lk_check "the network change"

# 2. Refused again, then back with no network change: a probe finds it.
refuse "$REFUSE2_S"
n_found=$(lk_count 'link office: .* answers, dialing now')
lk_sshd_start
t_back=$(uptime_s)
n_up=$(lk_count 'link office: routes -> up')
n_dial=$(lk_count 'link office: [a-z]+ -> connecting')
# The dial the backoff then in force has planned.
last=$(grep -E 're-dial in ' "$LK_LOG" | tail -n 1)
t_plan=$(printf '%s\n' "$last" | awk '{ for (i = 1; i < NF; i++)
    if ($i == "re-dial") print $1 + $(i + 2) }')
step "sshd back without a network change; last wait: $(printf '%s\n' \
    "$last" | sed 's/^[^ ]* //'), dial planned at $t_plan"
back_check "sshd came back" "$n_up" "$n_dial" "$t_back" 150
e2e_report probe_up_s "$up_s"
step "up $(lk_sub "$t_plan" "$t_u") s after the planned dial"
# Unless the planned dial came within the probes' second, a probe it was.
if awk -v p="$t_plan" -v b="$t_back" 'BEGIN { exit !(p > b + 1) }'; then
	[ "$(lk_count 'link office: .* answers, dialing now')" -gt "$n_found" ] ||
	    fail "no probe found sshd back before the planned dial"
fi
lk_check "the probe"

lk_vpnd_stop
