# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# Scenario (runs in the guest): dynamic DNS, dyndns2.  The ddns server
# (tests/http/server.py over TLS, its certificate made here) runs in gwb
# on the WAN.  vpnd in gwa has the link office with `ddns URL` and its
# credentials in a file of mode 0600.
#  1. without the CA, TLS verification fails and nothing is sent;
#     with ca-file (reload) the update goes;
#  2. the request is exactly: GET /nic/update?hostname=H&myip=192.0.2.1,
#     "Authorization: Basic base64(user:password)", our User-Agent;
#  3. each answer does what vpn.conf(5) says: good and nochg are shown;
#     badauth, nohost and abuse stop updates (a re-dial sends nothing)
#     until a reload; 911 holds off (nothing more is sent); an answer
#     that is not dyndns2 is retried later;
#  4. the local address changes (192.0.2.1 -> 192.0.2.3 on gwa's WAN):
#     the link re-dials from the new address and the update carries it.

VPND=$top_builddir/src/vpnd
VPNCTL=$top_builddir/src/vpnctl
SOCK=$E2E_DIR/vpnd.sock
LOG=$E2E_DIR/vpnd.log
DDNS=https://$SITE_GWB_WAN_IP:8443/nic/update
CRED=$E2E_DIR/ddns.credentials
USERPW='vpnuser:s3cr:et'
[ -x "$VPND" ] || fail "$VPND is not built"
[ -x "$VPNCTL" ] || fail "$VPNCTL is not built"
. "$top_srcdir/tests/e2e/http-lib.sh"
http_init
site_topology
site_sshd_start

http_cert ddns "$SITE_GWB_WAN_IP"
http_answer ddns 200 "good $SITE_GWA_WAN_IP"
http_server ddns gwb "$SITE_GWB_WAN_IP:8443" \
    --tls "$E2E_DIR/ddns.crt" "$E2E_DIR/ddns.key"
(umask 077 && printf '%s\n' "$USERPW" >"$CRED") || fail "write $CRED"
AUTH="Basic $(printf '%s' "$USERPW" | base64)"
step "ddns server in gwb at $DDNS (TLS), credentials in $CRED"

conf=$E2E_DIR/vpn.conf
# write_conf HOSTNAME [CA]: the config, with ca-file if CA is given.
write_conf()
{
	(
		umask 077
		echo "control-socket $SOCK"
		[ -z "${2:-}" ] || echo "ca-file $2"
		cat <<CONF
link office
	host		$SITE_GWB_WAN_IP
	user		root
	identity	$SITE_SSH_KEY
	known-hosts	$SITE_KNOWN_HOSTS
	local-ip	10.9.0.1
	remote-ip	10.9.0.2
	remote-net	$SITE_LAN_B
	local-net	$SITE_LAN_A
	remote-command	/usr/sbin/pppd
	remote-ip-command /sbin/ip
	keepalive	2 3
	backoff		1 2
	ddns		$DDNS?hostname=$1
	ddns-credentials $CRED
CONF
	) >"$conf.tmp" || fail "write $conf"
	mv "$conf.tmp" "$conf" || fail "write $conf"
}
write_conf office.example.org
collect_log "$LOG"
ip netns exec gwa "$VPND" -d -v -f "$conf" -p "$E2E_DIR/vpnd.pid" \
    >"$LOG" 2>&1 &
vpnd=$!

alive()
{
	pid_exited "$vpnd" && fail "vpnd exited"
	return 0
}
ups()
{
	vpnd_log_count "link office: routes -> up" "$LOG"
}
status_has()
{
	"$VPNCTL" -s "$SOCK" status office >"$E2E_DIR/status" 2>&1 &&
	    grep -qF -- "$1" "$E2E_DIR/status"
}
# reload HOSTNAME: a new config (with the CA), SIGHUP, wait for the log.
reloads=0
reload()
{
	write_conf "$1" "$E2E_DIR/ddns.crt"
	kill -HUP "$vpnd" || fail "SIGHUP"
	reloads=$((reloads + 1))
	wait_for "alive && [ \$(vpnd_log_count 'vpnd: reloaded' '$LOG') -ge $reloads ]" \
	    10 "the reload"
}
# expect_request N HOSTNAME MYIP: request N is the exact update.
expect_request()
{
	wait_for "[ \$(http_count ddns) -ge $1 ]" 15 "ddns request $1"
	want="GET /nic/update?hostname=$2&myip=$3 HTTP/1.1"
	[ "$(http_field ddns "$1" requestline)" = "$want" ] ||
	    fail "request $1: '$(http_field ddns "$1" requestline)', want '$want'"
	[ "$(http_field ddns "$1" params)" = \
	    "[[\"hostname\", \"$2\"], [\"myip\", \"$3\"]]" ] ||
	    fail "request $1 parameters: $(http_field ddns "$1" params)"
	[ "$(http_field ddns "$1" authorization)" = "$AUTH" ] ||
	    fail "request $1 auth: '$(http_field ddns "$1" authorization)', want '$AUTH'"
	case $(http_field ddns "$1" user_agent) in
	pppssh/*) ;;
	*) fail "request $1 user agent: $(http_field ddns "$1" user_agent)" ;;
	esac
}

# --------------------------------------------------------------- 1
wait_for "alive && [ \$(ups) -ge 1 ]" 40 "the link to come up"
wait_for "grep -q 'link office: ddns: .*SSL certificate problem' '$LOG'" 15 \
    "the TLS verification failure"
[ "$(http_count ddns)" = 0 ] || fail "a request got through unverified"
status_has "ddns: SSL certificate problem" ||
    fail "status: $(cat "$E2E_DIR/status")"
step "no CA: TLS verification failed, nothing sent, status says why"
reload office.example.org

# --------------------------------------------------------------- 2
expect_request 1 office.example.org "$SITE_GWA_WAN_IP"
wait_for "status_has 'ddns: good $SITE_GWA_WAN_IP'" 10 "good in status"
grep -qF "link office: ddns: good $SITE_GWA_WAN_IP" "$LOG" ||
    fail "good not logged"
step "update exact: $(http_field ddns 1 requestline), $AUTH; good"

# --------------------------------------------------------------- 3
# answer N WORDS...: reload with host hN, expect request N, which gets
# the answer WORDS.
answer()
{
	_n=$1
	shift
	http_answer ddns 200 "$*"
	reload "h$_n.example.org"
	expect_request "$_n" "h$_n.example.org" "$SITE_GWA_WAN_IP"
}

answer 2 nochg "$SITE_GWA_WAN_IP"
wait_for "status_has 'ddns: nochg $SITE_GWA_WAN_IP'" 10 "nochg in status"
step "nochg: shown, nothing more"

for word in badauth nohost abuse; do
	n=$(($(http_count ddns) + 1))
	answer "$n" "$word"
	wait_for "status_has 'ddns: $word (updates stopped until reload)'" 10 \
	    "$word in status"
	grep -qF "link office: ddns: $word: no more updates until reload" \
	    "$LOG" || fail "$word not logged"
	if [ "$word" = badauth ]; then
		# A re-dial would update; stopped, it must not.
		up0=$(ups)
		"$VPNCTL" -s "$SOCK" restart office || fail "vpnctl restart"
		wait_for "alive && [ \$(ups) -gt $up0 ]" 40 "the re-dial"
		sleep 3
		[ "$(http_count ddns)" = "$n" ] ||
		    fail "an update was sent after badauth"
		grep -qF "link office: ddns: not updating to $SITE_GWA_WAN_IP: updates are stopped until reload" \
		    "$LOG" || fail "the skipped update is not logged"
		# The same config again: a reload lifts the stop.
		http_answer ddns 200 "good $SITE_GWA_WAN_IP"
		write_conf "h$n.example.org" "$E2E_DIR/ddns.crt"
		kill -HUP "$vpnd"
		reloads=$((reloads + 1))
		expect_request $((n + 1)) "h$n.example.org" "$SITE_GWA_WAN_IP"
		wait_for "status_has 'ddns: good $SITE_GWA_WAN_IP'" 10 \
		    "good after the reload"
		step "badauth: stopped (a re-dial sent nothing) until reload"
	else
		step "$word: updates stopped until reload"
	fi
done

n=$(($(http_count ddns) + 1))
answer "$n" 911
wait_for "status_has 'ddns: 911 (next try in 30 min)'" 10 "911 in status"
sleep 3
[ "$(http_count ddns)" = "$n" ] || fail "sent again right after 911"
step "911: holds off for 30 min, nothing more sent"

n=$(($(http_count ddns) + 1))
answer "$n" "<html>hello</html>"
wait_for "status_has 'not a dyndns2 answer'" 10 "the bad answer in status"
grep -q "link office: ddns: HTTP 200, not a dyndns2 answer: .*; retrying in [0-9]* s" \
    "$LOG" || fail "the bad answer is not logged with its retry"
step "an answer that is not dyndns2: retried later"

# --------------------------------------------------------------- 4
n=$(($(http_count ddns) + 1))
answer "$n" good "$SITE_GWA_WAN_IP"
wait_for "status_has 'ddns: good $SITE_GWA_WAN_IP'" 10 "good"
http_answer ddns 200 "good 192.0.2.3"
up0=$(ups)
ip netns exec gwa sh -c \
    'echo 1 >/proc/sys/net/ipv4/conf/wan0/promote_secondaries' ||
    fail "promote_secondaries"
ip -n gwa addr add 192.0.2.3/24 dev wan0 || fail "add 192.0.2.3"
ip -n gwa addr del "$SITE_GWA_WAN_IP/24" dev wan0 ||
    fail "delete $SITE_GWA_WAN_IP"
wait_for "alive && [ \$(ups) -gt $up0 ]" 60 "the link to re-dial from 192.0.2.3"
expect_request $((n + 1)) "h$n.example.org" 192.0.2.3
wait_for "status_has 'ddns: good 192.0.2.3'" 10 "the new address in status"
step "new local address: re-dialed, update with myip=192.0.2.3"

kill -TERM "$vpnd"
rc=0
child_wait "$vpnd" 15 "vpnd" || rc=$?
[ "$rc" = 0 ] || fail "vpnd exited with status $rc after SIGTERM"
step "vpnd exited 0"
