# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# tests/e2e/guest-lib.sh - functions for scenarios running INSIDE the e2e
# guest.  The guest's PID 1 (written by tests/e2e/lib.sh) sources this file
# and then the scenario, in one `sh -eu` whose output is the console.
#
# The guest provides: E2E_DIR (/run/e2e, an empty tmpfs directory for the
# scenario's files), E2E_BOOT (guest uptime in seconds when its PID 1
# started), E2E_T0 (guest uptime when the scenario started),
# E2E_TOKEN (for markers), top_srcdir and top_builddir (the host's trees,
# read-only), and the VAR=VALUEs given to e2e_run.  /tmp, /root and /run are
# tmpfs; everything else is the host's / read-only.  Modules load on demand.
#
# `fail` and `skip` exit the scenario shell: call them from the scenario's
# own shell, not from inside $(...) or a pipeline.
#
# A scenario is a plain list of steps (see scenarios/smoke_pppd.sh): build the
# sites, start daemons in the namespaces (`ip netns exec gwa PROGRAM &`),
# register their logs with collect_log, wait with wait_for (never a bare
# sleep), check with `... || fail "why"`.  Programs from the build tree run
# as $top_builddir/src/PROGRAM; they cannot write next to themselves (the
# host's / is read-only), so point their files into $E2E_DIR.  AddressSanitizer
# binaries do not run in the guest (no room for ASan's shadow memory under
# UML); UBSan ones do.  The guest powers off after the scenario: nothing needs
# cleaning up, but a scenario that tests a clean stop must check it.

# The two sites (see site_topology), for scenarios to use.
# shellcheck disable=SC2034
SITE_NAMESPACES="hosta gwa gwb hostb"
SITE_LAN_A=10.1.0.0/24
SITE_LAN_B=10.2.0.0/24
SITE_HOSTA_IP=10.1.0.10
SITE_GWA_LAN_IP=10.1.0.1
SITE_GWA_WAN_IP=192.0.2.1
SITE_GWB_WAN_IP=192.0.2.2
SITE_GWB_LAN_IP=10.2.0.1
SITE_HOSTB_IP=10.2.0.10
SITE_PPP_A=10.9.0.1
SITE_PPP_B=10.9.0.2

# Print the guest's uptime in seconds (e.g. 3.41).
uptime_s()
{
	read -r _gl_up _gl_rest </proc/uptime
	printf '%s\n' "$_gl_up"
}

# Print the guest's uptime in centiseconds (e.g. 341), for arithmetic.
uptime_cs()
{
	read -r _gl_up _gl_rest </proc/uptime
	echo $((${_gl_up%.*} * 100 + 1${_gl_up#*.} - 100))
}

# Print centiseconds $1 as seconds (341 -> 3.41).
cs_to_s()
{
	printf '%d.%02d\n' $(($1 / 100)) $(($1 % 100))
}

# step WORDS: log a step on the console, with the guest's uptime.
step()
{
	printf '[%8s] %s\n' "$(uptime_s)" "$*"
}

# fail WHY: the scenario failed; the host prints WHY and the guest's logs.
fail()
{
	[ -s "$E2E_DIR/.fail" ] || printf '%s\n' "$*" >"$E2E_DIR/.fail"
	printf '[%8s] FAIL: %s\n' "$(uptime_s)" "$*" >&2
	exit 1
}

# skip WHY: the scenario cannot run here; the test is reported as skipped.
skip()
{
	printf '%s\n' "$*" >"$E2E_DIR/.skip"
	printf '[%8s] SKIP: %s\n' "$(uptime_s)" "$*" >&2
	exit 77
}

# e2e_report KEY VALUE: hand a value (a timing, a rate) to the host, where
# e2e_report_value KEY prints it.  KEY has no spaces.
e2e_report()
{
	[ $# -eq 2 ] || fail "e2e_report: usage: e2e_report KEY VALUE"
	printf '@@e2e:%s:report %s %s\n' "$E2E_TOKEN" "$1" "$2"
}

# collect_log FILE: print FILE among the guest's logs if the scenario fails
# (or always, with E2E_KEEP).
collect_log()
{
	printf 'log %s\n' "$1" >>"$E2E_DIR/.collect"
}

# collect_cmd COMMAND: run COMMAND (sh -c, at most 5 s) and print its
# output among the guest's logs if the scenario fails.
collect_cmd()
{
	printf 'cmd %s\n' "$*" >>"$E2E_DIR/.collect"
}

# Time budgets.  A test asserts events (the link came back, the fds are
# the same), not how fast the machine is: this guest may run several times
# slower than the reference machine (a loaded host, the CPU shared with
# other builds, user-mode-linux drifting within the hour).  So
#  - every wait_for timeout is a bound at the reference pace and is
#    stretched E2E_SLACK times (3): it only ends a scenario whose event
#    never comes;
#  - a check of how fast vpnd itself reacts (a reply within 1 s, a re-dial
#    within 0.3 s) scales its bound with the guest's pace, measured
#    (pace_within), so it stays as strict as the machine allows.
# The scenario's own budget (E2E_TIMEOUT) is stretched the same way by the
# guest's PID 1, and is only a guard against a hang.
: "${E2E_SLACK:=3}"
# The reference pace: 50 fork+execs of /bin/true take this many
# centiseconds in an idle guest on the reference machine.
: "${E2E_PACE_REF_CS:=70}"

# pace_measure: print how many centiseconds 50 fork+execs of /bin/true
# take now (UML pays a ptrace round trip per syscall and context switch:
# this is what slows every step of a scenario).
pace_measure()
{
	_gl_t0=$(uptime_cs)
	_gl_i=0
	while [ "$_gl_i" -lt 50 ]; do
		/bin/true
		_gl_i=$((_gl_i + 1))
	done
	echo $(($(uptime_cs) - _gl_t0))
}

# pace_update: measure the pace now (E2E_PACE_CS, the centiseconds
# pace_measure took); E2E_PACE (percent of the reference's time, at least
# 100) becomes the slowest seen.
pace_update()
{
	_gl_m=$(pace_measure)
	E2E_PACE_CS=$_gl_m
	_gl_p=$((_gl_m * 100 / E2E_PACE_REF_CS))
	[ "$_gl_p" -ge 100 ] || _gl_p=100
	if [ "$_gl_p" -gt "${E2E_PACE:-100}" ]; then
		E2E_PACE=$_gl_p
	fi
	: "${E2E_PACE:=100}"
}

# pace_bound CS: print the bound CS (centiseconds at the reference pace)
# scaled to the guest's pace.
pace_bound()
{
	echo $(($1 * ${E2E_PACE:-100} / 100))
}

# pace_within ACTUAL_CS BOUND_CS: true if ACTUAL_CS is within BOUND_CS
# (centiseconds at the reference pace) scaled to the guest's pace.  When
# it is not, the pace is measured again first (the machine may have slowed
# since the start): only a reaction slow at the pace of the moment fails.
pace_within()
{
	[ "$1" -le "$(pace_bound "$2")" ] && return 0
	pace_update
	step "pace: the guest runs at $(cs_to_s "$E2E_PACE")x the reference" \
	    "(50 fork+execs in $(cs_to_s "$E2E_PACE_CS") s)"
	[ "$1" -le "$(pace_bound "$2")" ]
}

# pace_desc BOUND_CS: "3.00 s (1.00 s at the reference pace x 3.00)", for
# messages.
pace_desc()
{
	echo "$(cs_to_s "$(pace_bound "$1")") s ($(cs_to_s "$1") s at the" \
	    "reference pace x $(cs_to_s "${E2E_PACE:-100}"))"
}

# wait_for CMD TIMEOUT_S WHAT: evaluate CMD every 50 ms until it succeeds;
# fail after TIMEOUT_S x E2E_SLACK (whole) seconds of guest time (see
# "Time budgets" above).  CMD must not call wait_for itself.
wait_for()
{
	[ $# -eq 3 ] || fail "wait_for: usage: wait_for CMD TIMEOUT_S WHAT"
	_gl_wait=$(($2 * E2E_SLACK))
	_gl_end=$(($(uptime_cs) + _gl_wait * 100))
	while ! eval "$1"; do
		[ "$(uptime_cs)" -lt "$_gl_end" ] ||
		    fail "timed out after $_gl_wait s ($2 s x slack" \
		    "$E2E_SLACK) waiting for $3"
		sleep 0.05
	done
}

# pid_exited PID: true if process PID is gone or a zombie.
pid_exited()
{
	_gl_st=$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null) ||
	    return 0
	[ -z "$_gl_st" ] || [ "$_gl_st" = Z ]
}

# child_wait PID TIMEOUT_S WHAT: wait (bounded) for PID, a child of the
# scenario shell, to exit, and return its exit status.
child_wait()
{
	wait_for "pid_exited $1" "$2" "$3 to exit"
	_gl_rc=0
	wait "$1" || _gl_rc=$?
	return "$_gl_rc"
}

# ns_pids NS COMM: print the PIDs of the processes named COMM in NS.
ns_pids()
{
	for _gl_p in $(ip netns pids "$1"); do
		if [ "$(cat "/proc/$_gl_p/comm" 2>/dev/null)" = "$2" ]; then
			printf '%s\n' "$_gl_p"
		fi
	done
}

# ns_has_addr NS DEV ADDR: true if DEV in NS has IPv4 address ADDR.
ns_has_addr()
{
	ip -n "$1" -4 -o addr show dev "$2" 2>/dev/null |
	    grep -qF -e "inet $3/" -e "inet $3 "
}

# ns_stat NS DEV COUNTER: print a counter of DEV in NS (rx_packets, ...).
ns_stat()
{
	ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"
}

# ns_ping NS ADDR [COUNT]: COUNT (1) pings from NS to ADDR, all answered
# within 5 s.
ns_ping()
{
	ip netns exec "$1" ping -q -n -c "${3:-1}" -i 0.2 -w 5 "$2" >/dev/null
}

# _site_veth NS1 DEV1 NS2 DEV2: a veth pair between two namespaces.
_site_veth()
{
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" ||
	    fail "veth $1:$2 - $3:$4"
	ip -n "$1" link set "$2" up || fail "link $2 up in $1"
	ip -n "$3" link set "$4" up || fail "link $4 up in $3"
}

# _site_addr NS DEV ADDR/LEN
_site_addr()
{
	ip -n "$1" addr add "$3" dev "$2" || fail "address $3 on $2 in $1"
}

# site_topology: build the two sites.
#
#   hosta eth0 10.1.0.10/24 --- lan0 10.1.0.1/24  gwa  wan0 192.0.2.1/24
#                                                       |  "internet"
#   hostb eth0 10.2.0.10/24 --- lan0 10.2.0.1/24  gwb  wan0 192.0.2.2/24
#
# The hosts route by default via their gateway; the gateways forward but
# have no route to the other LAN: only a tunnel joins the LANs.
site_topology()
{
	for _gl_ns in $SITE_NAMESPACES; do
		ip netns add "$_gl_ns" || fail "ip netns add $_gl_ns"
		ip -n "$_gl_ns" link set lo up || fail "lo up in $_gl_ns"
		collect_cmd "ip -n $_gl_ns -s link; ip -n $_gl_ns addr;" \
		    "ip -n $_gl_ns route"
	done
	_site_veth hosta eth0 gwa lan0
	_site_veth gwa wan0 gwb wan0
	_site_veth gwb lan0 hostb eth0
	_site_addr hosta eth0 "$SITE_HOSTA_IP/24"
	_site_addr gwa lan0 "$SITE_GWA_LAN_IP/24"
	_site_addr gwa wan0 "$SITE_GWA_WAN_IP/24"
	_site_addr gwb wan0 "$SITE_GWB_WAN_IP/24"
	_site_addr gwb lan0 "$SITE_GWB_LAN_IP/24"
	_site_addr hostb eth0 "$SITE_HOSTB_IP/24"
	ip -n hosta route add default via "$SITE_GWA_LAN_IP" ||
	    fail "default route in hosta"
	ip -n hostb route add default via "$SITE_GWB_LAN_IP" ||
	    fail "default route in hostb"
	for _gl_ns in gwa gwb; do
		ip netns exec "$_gl_ns" sh -c \
		    'echo 1 >/proc/sys/net/ipv4/ip_forward' ||
		    fail "ip_forward in $_gl_ns"
	done
	ns_ping hosta "$SITE_GWA_LAN_IP" || fail "ping hosta -> gwa"
	ns_ping gwa "$SITE_GWB_WAN_IP" || fail "ping gwa -> gwb"
	ns_ping hostb "$SITE_GWB_LAN_IP" || fail "ping hostb -> gwb"
}

# If root's password is locked (`!...`), sshd without PAM refuses even a key
# login: bind an unlocked private copy of /etc/shadow over it, in the guest.
_site_root_unlock()
{
	_gl_pw=$(sed -n 's/^root:\([^:]*\):.*/\1/p' /etc/shadow) ||
	    fail "cannot read /etc/shadow"
	case $_gl_pw in
	'!'*)
		sed 's/^root:[^:]*:/root:*:/' /etc/shadow \
		    >"$E2E_DIR/shadow" || fail "copy /etc/shadow"
		chmod 640 "$E2E_DIR/shadow" || fail "chmod $E2E_DIR/shadow"
		mount --bind "$E2E_DIR/shadow" /etc/shadow ||
		    fail "bind $E2E_DIR/shadow over /etc/shadow"
		step "root is locked in /etc/shadow: using an unlocked copy"
		;;
	esac
}

# site_sshd_start: real sshd in gwb on 192.0.2.2:22 (and on
# $SITE_SSHD_LISTEN_MORE, an address in brackets, if set), root login by key
# only, everything in $E2E_DIR/ssh.  Sets
#	SITE_SSH_KEY		gwa's client key (ed25519, OpenSSH format)
#	SITE_KNOWN_HOSTS	a known_hosts holding gwb's host key
#	SITE_SSH		an ssh command line (no spaces in its words)
#				that logs in from gwa to root@gwb, for pppd's
#				pty option or `ip netns exec gwa $SITE_SSH`
#	SITE_SSHD_PID		the sshd's PID
site_sshd_start()
{
	_gl_d=$E2E_DIR/ssh
	mkdir -m 700 "$_gl_d" || fail "mkdir $_gl_d"
	ssh-keygen -q -t ed25519 -N '' -C e2e-gwb-host \
	    -f "$_gl_d/host_ed25519" || fail "ssh-keygen host key"
	ssh-keygen -q -t ed25519 -N '' -C e2e-gwa-client \
	    -f "$_gl_d/id_ed25519" || fail "ssh-keygen client key"
	cp "$_gl_d/id_ed25519.pub" "$_gl_d/authorized_keys" ||
	    fail "authorized_keys"
	printf '%s %s\n' "$SITE_GWB_WAN_IP" \
	    "$(cut -d' ' -f1,2 "$_gl_d/host_ed25519.pub")" \
	    >"$_gl_d/known_hosts" || fail "known_hosts"
	_site_root_unlock
	cat >"$_gl_d/sshd_config" <<EOF || fail "sshd_config"
ListenAddress $SITE_GWB_WAN_IP
${SITE_SSHD_LISTEN_MORE:+ListenAddress $SITE_SSHD_LISTEN_MORE}
HostKey $_gl_d/host_ed25519
PidFile $_gl_d/sshd.pid
AuthorizedKeysFile $_gl_d/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
StrictModes no
PrintMotd no
PrintLastLog no
LogLevel VERBOSE
EOF
	collect_log "$_gl_d/sshd.log"
	ip netns exec gwb /usr/sbin/sshd -f "$_gl_d/sshd_config" \
	    -E "$_gl_d/sshd.log" || fail "sshd did not start"
	# sshd writes its PID file once it listens.
	wait_for "[ -s '$_gl_d/sshd.pid' ]" 10 "sshd's PID file"
	SITE_SSHD_PID=$(cat "$_gl_d/sshd.pid")
	SITE_SSH_KEY=$_gl_d/id_ed25519
	SITE_KNOWN_HOSTS=$_gl_d/known_hosts
	SITE_SSH="ssh -F none -e none -T -o BatchMode=yes"
	SITE_SSH="$SITE_SSH -o IdentitiesOnly=yes -i $SITE_SSH_KEY"
	SITE_SSH="$SITE_SSH -o StrictHostKeyChecking=yes"
	SITE_SSH="$SITE_SSH -o UserKnownHostsFile=$SITE_KNOWN_HOSTS"
	SITE_SSH="$SITE_SSH -o ConnectTimeout=5 root@$SITE_GWB_WAN_IP"
}

# site_ssh [COMMAND ...]: run COMMAND on gwb over ssh from gwa.
site_ssh()
{
	# shellcheck disable=SC2086 # SITE_SSH is a word list
	ip netns exec gwa $SITE_SSH "$@"
}

# site_sshd_stop: stop the sshd started by site_sshd_start (its sessions
# stay).
site_sshd_stop()
{
	kill -TERM "$SITE_SSHD_PID" || fail "kill sshd $SITE_SSHD_PID"
	wait_for "pid_exited $SITE_SSHD_PID" 10 "sshd to exit"
}

# site_vpn_conf FILE [LINE...]: write gwa's vpn.conf (mode 0600) with the
# link "office" to gwb: root login with $SITE_SSH_KEY, gwb's host key in
# $SITE_KNOWN_HOSTS, $SITE_PPP_A <-> $SITE_PPP_B, remote-net LAN B,
# local-net LAN A.  Each LINE goes inside the link ("keepalive 2 3");
# without a remote-command LINE the far end runs /usr/sbin/pppd and
# /sbin/ip as root.  $SITE_VPN_GLOBAL, if set, holds lines written before
# the link (global settings such as control-socket).
site_vpn_conf()
{
	_gl_f=$1
	shift
	_gl_own=
	for _gl_l in "$@"; do
		case $_gl_l in
		remote-command*)
			_gl_own=1
			;;
		esac
	done
	(
		umask 077
		{
			echo "# gwa's side of the office link"
			if [ -n "${SITE_VPN_GLOBAL:-}" ]; then
				printf '%s\n' "$SITE_VPN_GLOBAL"
			fi
			echo "link office"
			printf '\t%s\n' "host $SITE_GWB_WAN_IP" "user root" \
			    "identity $SITE_SSH_KEY" \
			    "known-hosts $SITE_KNOWN_HOSTS" \
			    "local-ip $SITE_PPP_A" "remote-ip $SITE_PPP_B" \
			    "remote-net $SITE_LAN_B" "local-net $SITE_LAN_A"
			if [ -z "$_gl_own" ]; then
				printf '\t%s\n' "remote-command /usr/sbin/pppd" \
				    "remote-ip-command /sbin/ip"
			fi
			for _gl_l in "$@"; do
				printf '\t%s\n' "$_gl_l"
			done
		} >"$_gl_f"
	) || fail "write $_gl_f"
}

# site_routes_in IF: true when the LAN routes go through IF at both ends.
site_routes_in()
{
	ip -n gwa route show "$SITE_LAN_B" | grep -q "dev $1" &&
	    ip -n gwb route show "$SITE_LAN_A" | grep -q "dev $1"
}

# control_group NAME MEMBER: make sure group NAME exists with MEMBER in
# it, as an admin makes vpnd's control group.  The host's /etc is
# read-only: a private copy of /etc/group, with the group added, is bound
# over it in the guest.
control_group()
{
	if getent group "$1" | grep -q "[:,]$2\$"; then
		return 0
	fi
	getent group "$1" >/dev/null && fail "group $1 exists without $2"
	_gl_gid=4242
	while getent group "$_gl_gid" >/dev/null; do
		_gl_gid=$((_gl_gid + 1))
	done
	{ cat /etc/group && echo "$1:x:$_gl_gid:$2"; } >"$E2E_DIR/group" ||
	    fail "write $E2E_DIR/group"
	chmod 644 "$E2E_DIR/group" || fail "chmod $E2E_DIR/group"
	mount --bind "$E2E_DIR/group" /etc/group ||
	    fail "bind $E2E_DIR/group over /etc/group"
	getent group "$1" | grep -q "[:,]$2\$" || fail "$2 is not in group $1"
}

# unit_bounding_set UNIT: the CapabilityBoundingSet= of the systemd unit
# file UNIT as setpriv(1)'s --bounding-set wants it (-all,+net_admin,...).
unit_bounding_set()
{
	_gl_caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$1")
	[ -n "$_gl_caps" ] || return 1
	_gl_bset=-all
	for _gl_c in $_gl_caps; do
		_gl_c=${_gl_c#CAP_}
		_gl_bset="$_gl_bset,+$(printf '%s' "$_gl_c" |
		    tr '[:upper:]' '[:lower:]')"
	done
	printf '%s\n' "$_gl_bset"
}
