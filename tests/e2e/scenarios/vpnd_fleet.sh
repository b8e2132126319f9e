# SPDX-License-Identifier: ISC
# shellcheck shell=sh
# shellcheck disable=SC2016 # the waits' commands are eval'd later, on purpose
#
# Scenario (runs in the guest; issue 14): one vpnd in gwa holds N links
# (20) to gwb's one sshd, each with a net at both ends, all started at
# once.
#
#	- all N come up (interface at both ends, routes at both ends), and
#	  none failed on the way for a deadline (handshake, auth, ppp,
#	  routes): admission control keeps the load of the others from
#	  turning into timeouts;
#	- the gateway is blackholed (netem loss 100 % both ways) until every
#	  link has noticed; once the path is back all N come up again, with
#	  no deadline failure after the path's return, and gwb keeps exactly
#	  one pppd and one interface per link (the stale ones have gone);
#	- SIGTERM: vpnd exits 0, and no pppd, ppp interface or route of any
#	  link is left at either end.
#
# Nothing here is timed against a fixed budget: the waits poll once a
# second (a fork per poll; the guest has one CPU for N bring-ups) and only
# guard against a hang, stretched by the guest's pace (guest-lib.sh).

: "${N:=20}"
# shellcheck disable=SC2154 # from the guest's PID 1 (tests/e2e/lib.sh)
VPND=$top_builddir/src/vpnd
SOCK=$E2E_DIR/vpnd.sock
LOG=$E2E_DIR/vpnd.log
# Deadline failures of a link, as vpnd logs them (src/link.c).
TIMEOUTS='ssh handshake.*timed out|ssh auth with .* timed out|ppp negotiation timed out|routes not installed after'

[ -x "$VPND" ] || fail "$VPND is not built"
pace_update
step "pace: $(cs_to_s "$E2E_PACE")x the reference"
site_topology
site_sshd_start
# N handshakes at once must not be dropped by sshd's own limit (10:30:100).
printf 'MaxStartups %s\n' $((N * 2 + 10)) >>"$E2E_DIR/ssh/sshd_config" ||
    fail "MaxStartups in $E2E_DIR/ssh/sshd_config"
kill -HUP "$SITE_SSHD_PID" || fail "HUP sshd"
wait_for "site_ssh true" 10 "sshd to listen again after SIGHUP"
step "sites up, sshd in gwb (MaxStartups $((N * 2 + 10)))"

# The link's own bounds follow the guest's pace, as the waits do: on a
# guest 10x slower a gateway is 10x slower to answer, and what is tested
# is that the others' load does not make links miss them.  At the
# reference pace: connect-timeout 10 (the default), keepalive 2 3.
ct=$(((10 * E2E_PACE + 99) / 100))
[ "$ct" -le 300 ] || ct=300
ka=$(((2 * E2E_PACE + 99) / 100))
step "connect-timeout $ct, keepalive $ka 3"

# Link I: "fI", interface vpn-fI, PPP 10.64+I/250.I%250.1 (gwa) and .2,
# remote-net 10.128.I.0/24, local-net 10.129.I.0/24.
conf=$E2E_DIR/vpn.conf
(
	umask 077
	echo "control-socket $SOCK"
	i=1
	while [ "$i" -le "$N" ]; do
		a=$((64 + i / 250)).$((i % 250))
		printf 'link f%s\n' "$i"
		printf '\t%s\n' "host $SITE_GWB_WAN_IP" "user root" \
		    "identity $SITE_SSH_KEY" "known-hosts $SITE_KNOWN_HOSTS" \
		    "local-ip 10.$a.1" "remote-ip 10.$a.2" \
		    "remote-net 10.128.$i.0/24" "local-net 10.129.$i.0/24" \
		    "remote-command /usr/sbin/pppd" \
		    "remote-ip-command /sbin/ip" \
		    "connect-timeout $ct" "keepalive $ka 3" "backoff 1 10"
		i=$((i + 1))
	done
) >"$conf" || fail "write $conf"
"$VPND" -t -f "$conf" || fail "vpnd -t refuses $conf"

# fleet_wait CMD TIMEOUT_S WHAT: wait_for, polling once a second, with
# TIMEOUT_S (at the reference pace) stretched by the guest's pace.
fleet_wait()
{
	_fw_end=$(($(uptime_cs) + $(pace_bound $(($2 * 100))) * E2E_SLACK))
	while ! eval "$1"; do
		pid_exited "$vpnd" && fail "vpnd exited while waiting for $3"
		if [ "$(uptime_cs)" -gt "$_fw_end" ]; then
			fail "timed out after $(cs_to_s "$(pace_bound \
			    $(($2 * 100)))") s x slack $E2E_SLACK waiting for $3"
		fi
		sleep 1
	done
}

# FLEET_TO: awk that sets `to` to the state a "link NAME: A -> B" line of
# $LOG enters, else to "".
# shellcheck disable=SC2016 # awk's own $
FLEET_TO='{ to = ""; for (i = 1; i < NF; i++) if ($i == "link") break;
    name = $(i + 1); for (; i < NF; i++) if ($i == "->") { to = $(i + 1);
    sub(/:$/, "", to); break } }'

# links_up [LINE]: how many links' last transition in $LOG is "-> up",
# counting only links with a transition after $LOG's first LINE lines.
links_up()
{
	awk -v from="${1:-0}" "$FLEET_TO"'
	    to != "" { s[name] = to; if (NR > from) moved[name] = 1 }
	    END { n = 0; for (l in s) if (s[l] == "up" && moved[l]) n++;
	    print n }' "$LOG"
}

# links_left LINE: how many links have left "up" after $LOG's first LINE
# lines.
links_left()
{
	awk -v from="$1" "$FLEET_TO"'
	    NR > from && to != "" && to != "up" { m[name] = 1 }
	    END { n = 0; for (l in m) n++; print n }' "$LOG"
}

# no_timeouts LINE WHEN: no deadline failure in $LOG after its first LINE
# lines.
no_timeouts()
{
	_nt=$(awk -v from="$1" 'NR > from' "$LOG" | grep -E "$TIMEOUTS") || :
	[ -z "$_nt" ] || fail "$2, links failed for a deadline: $_nt"
}

# count_ppp NS: pppds and ppp interfaces in NS, as "P I".
count_ppp()
{
	echo "$(ns_pids "$1" pppd | wc -l) $(ip -n "$1" -o link show type ppp |
	    wc -l)"
}

# all_in_place: every link's interface at both ends and both routes.
all_in_place()
{
	_ai_a=$(ip -n gwa route show proto 120 | grep -c '^10\.128\.') || :
	_ai_b=$(ip -n gwb route show | grep -c '^10\.129\..* dev vpn-f') || :
	[ "$(count_ppp gwa)" = "$N $N" ] && [ "$(count_ppp gwb)" = "$N $N" ] &&
	    [ "$_ai_a" = "$N" ] && [ "$_ai_b" = "$N" ]
}

collect_log "$LOG"
t0=$(uptime_cs)
ip netns exec gwa "$VPND" -d -v -f "$conf" -p "$E2E_DIR/vpnd.pid" \
    >"$LOG" 2>&1 &
vpnd=$!
step "vpnd started in gwa (pid $vpnd) with $N links"
fleet_wait '[ "$(links_up)" -ge "$N" ]' 120 "all $N links up"
step "all $N up $(cs_to_s $(($(uptime_cs) - t0))) s after the launch"
fleet_wait all_in_place 30 \
    "$N interfaces, pppds and routes at both ends"
no_timeouts 0 "bring-up"
fails=$(grep -cE -- '-> (backoff|down)' "$LOG") || :
step "interfaces, pppds and routes at both ends; $fails failures on the" \
    "way, none for a deadline"

# The gateway blackholed until every link has noticed.
# shellcheck disable=SC2034 # in the waits' commands
bh=$(wc -l <"$LOG")
for ns in gwa gwb; do
	ip netns exec "$ns" tc qdisc add dev wan0 root netem loss 100% ||
	    fail "netem on wan0 in $ns"
done
step "gateway blackholed"
fleet_wait '[ "$(links_left "$bh")" -ge "$N" ]' 60 \
    "all $N links to notice the blackhole"
back=$(wc -l <"$LOG")
for ns in gwa gwb; do
	ip netns exec "$ns" tc qdisc del dev wan0 root ||
	    fail "remove netem from wan0 in $ns"
done
t1=$(uptime_cs)
step "every link noticed; path back"
fleet_wait '[ "$(links_up "$bh")" -ge "$N" ]' 120 \
    "all $N links up again after the blackhole"
step "all $N up again $(cs_to_s $(($(uptime_cs) - t1))) s after the" \
    "path returned"
fleet_wait all_in_place 60 \
    "exactly $N interfaces, pppds and routes at both ends (stale ones gone)"
no_timeouts "$back" "after the blackhole"
step "no deadline failure after the path returned; one pppd and one" \
    "interface per link at each end"

kill -TERM "$vpnd" || fail "kill vpnd"
rc=0
child_wait "$vpnd" 60 vpnd || rc=$?
[ "$rc" = 0 ] || fail "vpnd exited with status $rc after SIGTERM"
wait_for '[ "$(count_ppp gwa)" = "0 0" ] && [ "$(count_ppp gwb)" = "0 0" ]' \
    30 "no pppd and no ppp interface left at either end"
left=$(ip -n gwa route | grep -E '^10\.(128|64|65)\.') || :
[ -z "$left" ] || fail "routes left in gwa: $left"
left=$(ip -n gwb route | grep -E '^10\.(129|64|65)\.') || :
[ -z "$left" ] || fail "routes left in gwb: $left"
step "SIGTERM: vpnd exited 0; no pppd, interface or route left at either end"
