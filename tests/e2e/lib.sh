# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# tests/e2e/lib.sh - the kernel tier harness, host side.
#
# The host kernel has no PPP, so a scenario runs inside a user-mode-linux
# guest whose root is the host's / over hostfs, read-only: binaries built on
# the host run unchanged in it.  A test script sources this file and calls
#
#	e2e_run SCENARIO [VAR=VALUE ...]
#
# SCENARIO is a shell file run INSIDE the guest with `sh -eu` after
# tests/e2e/guest-lib.sh; a bare name means tests/e2e/scenarios/NAME.sh.
# Each VAR=VALUE is exported to it, as are top_srcdir and top_builddir.
#
# e2e_run writes a PID-1 script into a per-run temporary directory (the
# guest sees it at the same path), boots the guest with it under timeout(1),
# reads the result back from the guest console and returns
#	0	the scenario passed
#	1	it failed (the console, with the guest's logs, is printed)
#	77	skipped: not root, a tool missing on the host, or the scenario
#		called skip (the reason is on stderr)
#	99	the guest did not boot, crashed, ran out of time, or could not
#		set itself up; or e2e_run was called wrongly
# The console is always printed, so the test log shows the steps and timings.
#
# Knobs (environment):
#	E2E_TIMEOUT	seconds the scenario takes at most at the reference
#			pace (120); it may run E2E_TIMEOUT x E2E_SLACK s in
#			the guest, past which the guest dumps its logs and
#			the run returns 99.  Only a guard against a hang:
#			what a scenario tests it asserts by events
#	E2E_SLACK	how many times slower than the reference machine a
#			run may be (3): stretches E2E_TIMEOUT and every
#			wait_for in the guest (see guest-lib.sh)
#	E2E_HOST_TIMEOUT seconds before the host kills the guest
#			(E2E_TIMEOUT x E2E_SLACK + 60)
#	E2E_MEM		guest memory (256M)
#	E2E_LINUX	the user-mode-linux kernel (linux)
#	E2E_UML_MODULES	its module tree (/usr/lib/uml/modules)
#	E2E_KEEP	if set, keep the run directory and say where it is,
#			and have the guest print its logs (its console, in
#			that directory) even when the scenario passed
#
# e2e_check_host (called by e2e_run) returns 77, saying why on stderr, when
# the tier cannot run here; a test with host-side preparation may call it
# first.  e2e_run owns the EXIT, HUP, INT and TERM traps while it runs (to kill the
# guest and remove its directory) and clears them when it returns.  After it
# returns, `e2e_report_value KEY` prints what the scenario reported with
# `e2e_report KEY VALUE`.

PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
export PATH

: "${top_srcdir:=$(dirname "$0")/../..}"
top_srcdir=$(cd "$top_srcdir" && pwd)
: "${top_builddir:=$top_srcdir}"
top_builddir=$(cd "$top_builddir" && pwd)
export top_srcdir top_builddir

: "${E2E_TIMEOUT:=120}"
: "${E2E_SLACK:=3}"
: "${E2E_HOST_TIMEOUT:=$((E2E_TIMEOUT * E2E_SLACK + 60))}"
: "${E2E_MEM:=256M}"
: "${E2E_LINUX:=linux}"
: "${E2E_UML_MODULES:=/usr/lib/uml/modules}"

E2E_REPORTS=

# Say why the kernel tier cannot run here; return 77 if it cannot.
e2e_check_host()
{
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: the e2e tier must run as root" >&2
		return 77
	fi
	for _e2e_tool in "$E2E_LINUX" pppd sshd ssh ssh-keygen ip ping \
	    modprobe timeout mount; do
		if ! command -v "$_e2e_tool" >/dev/null 2>&1; then
			echo "SKIP: $_e2e_tool not found (Debian packages:" \
			    "user-mode-linux ppp openssh-server openssh-client" \
			    "iproute2 iputils-ping kmod coreutils mount)" >&2
			return 77
		fi
	done
	if [ -z "$(ls "$E2E_UML_MODULES" 2>/dev/null)" ]; then
		echo "SKIP: no user-mode-linux modules in $E2E_UML_MODULES" >&2
		return 77
	fi
	return 0
}

# Print VALUE of the line `KEY VALUE` the last run's scenario reported.
e2e_report_value()
{
	printf '%s\n' "$E2E_REPORTS" | sed -n "s/^$1 //p" | tail -n 1
}

# Print $1 quoted for sh.
_e2e_quote()
{
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# True if process $1 exists and is not a zombie.
_e2e_running()
{
	_e2e_st=$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null) ||
	    return 1
	[ -n "$_e2e_st" ] && [ "$_e2e_st" != Z ]
}

# Kill what is left of the guest and remove the run directory.
_e2e_cleanup()
{
	if [ -n "${_e2e_pid:-}" ] && _e2e_running "$_e2e_pid"; then
		# timeout(1) passes the signal on to the guest; give it 3 s.
		kill -TERM "$_e2e_pid" 2>/dev/null || :
		_e2e_n=0
		while _e2e_running "$_e2e_pid" && [ "$_e2e_n" -lt 30 ]; do
			sleep 0.1
			_e2e_n=$((_e2e_n + 1))
		done
	fi
	_e2e_pid=
	# UML runs its processes in a process group of its own: kill any
	# process left that carries this run's unique umid.
	if [ -n "${_e2e_umid:-}" ]; then
		for _e2e_p in /proc/[0-9]*; do
			[ "${_e2e_p#/proc/}" != "$$" ] || continue
			if { tr '\0' '\n' <"$_e2e_p/cmdline"; } 2>/dev/null |
			    grep -qxF "umid=$_e2e_umid"; then
				kill -KILL "${_e2e_p#/proc/}" 2>/dev/null || :
			fi
		done
	fi
	if [ -n "${_e2e_rundir:-}" ]; then
		if [ -n "${E2E_KEEP:-}" ]; then
			echo "e2e: kept $_e2e_rundir" >&2
		else
			rm -rf "$_e2e_rundir"
		fi
	fi
	_e2e_rundir=
}

# _e2e_write_init FILE [VAR=VALUE ...]: write the guest's PID 1 to FILE.
# The run-specific part comes first; the body below is the same for every
# run.
_e2e_write_init()
{
	_e2e_init=$1
	shift
	{
		echo '#!/bin/sh'
		echo '# PID 1 of an e2e guest, generated by tests/e2e/lib.sh.'
		echo 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
		echo 'export PATH'
		for _e2e_kv in "top_srcdir=$top_srcdir" \
		    "top_builddir=$top_builddir" \
		    "E2E_TOKEN=$_e2e_token" \
		    "E2E_SCENARIO=$_e2e_scenario" \
		    "E2E_TIMEOUT=$E2E_TIMEOUT" \
		    "E2E_SLACK=$E2E_SLACK" \
		    ${E2E_PACE_REF_CS:+"E2E_PACE_REF_CS=$E2E_PACE_REF_CS"} \
		    "E2E_RUNDIR=$_e2e_rundir" \
		    "E2E_UML_MODULES=$E2E_UML_MODULES" \
		    ${E2E_KEEP:+"E2E_KEEP=1"} \
		    "$@"; do
			printf '%s=%s\nexport %s\n' "${_e2e_kv%%=*}" \
			    "$(_e2e_quote "${_e2e_kv#*=}")" "${_e2e_kv%%=*}"
		done
		cat <<'EOF'
E2E_DIR=/run/e2e
export E2E_DIR

_mark()
{
	printf '@@e2e:%s:%s\n' "$E2E_TOKEN" "$*"
}

_uptime()
{
	read -r _up _rest </proc/uptime
	printf '%s\n' "$_up"
}

_halt()
{
	sync
	echo o >/proc/sysrq-trigger
	sleep 60
}

_die()
{
	echo "e2e-init: $*"
	_mark "result ERROR guest setup: $*"
	_halt
}

mount -t proc proc /proc || _die "mount /proc"
E2E_BOOT=$(_uptime)
export E2E_BOOT
_mark "boot $E2E_BOOT"
mount -t sysfs sysfs /sys || _die "mount /sys"
if ! grep -q '^[^ ]* /dev devtmpfs ' /proc/mounts; then
	mount -t devtmpfs devtmpfs /dev || _die "mount /dev"
fi
mkdir -p /dev/pts /dev/shm
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts /dev/pts ||
    _die "mount /dev/pts"
[ -c /dev/ptmx ] || mknod -m 666 /dev/ptmx c 5 2 || _die "mknod /dev/ptmx"
mount -t tmpfs -o mode=1777 tmpfs /dev/shm || _die "mount /dev/shm"
mount -t tmpfs -o mode=0755 tmpfs /run || _die "mount /run"
mkdir -p "$E2E_DIR" /run/lock /run/sshd /run/netns /run/.e2e/hosttmp ||
    _die "mkdir in /run"
chmod 1777 /run/lock

# A tmpfs on /tmp would hide whatever of ours lives in the host's /tmp (this
# run's directory, maybe the trees or the scenario): bind those back.
mount --bind /tmp /run/.e2e/hosttmp || _die "bind /tmp"
mount -t tmpfs -o mode=1777 tmpfs /tmp || _die "mount /tmp"
for _p in "$E2E_RUNDIR" "$top_srcdir" "$top_builddir" "$E2E_SCENARIO"; do
	case $_p in
	/tmp/?*)
		_c=${_p#/tmp/}
		_c=${_c%%/*}
		[ -e "/tmp/$_c" ] && continue
		mkdir "/tmp/$_c" &&
		    mount --bind "/run/.e2e/hosttmp/$_c" "/tmp/$_c" ||
		    _die "bind /tmp/$_c"
		;;
	esac
done
mount -t tmpfs -o mode=0700 tmpfs /root || _die "mount /root"

# UML ships its modules outside /lib/modules: point modprobe at them, for
# us and for the kernel's own requests (ppp_deflate, sch_netem, ...).
# Load up front only what every scenario needs (and /dev/ppp with it).
_kver=$(uname -r)
mkdir -p /run/.e2e/modroot/lib/modules
ln -s "$E2E_UML_MODULES/$_kver" "/run/.e2e/modroot/lib/modules/$_kver" ||
    _die "link modules"
printf '#!/bin/sh\nexec %s -d /run/.e2e/modroot "$@"\n' \
    "$(command -v modprobe)" >/run/.e2e/modprobe
chmod 755 /run/.e2e/modprobe
echo /run/.e2e/modprobe >/proc/sys/kernel/modprobe
for _m in ppp_async veth; do
	/run/.e2e/modprobe "$_m" ||
	    echo "e2e-init: note: modprobe $_m failed (fine if built in)"
done
[ -c /dev/ppp ] || mknod -m 600 /dev/ppp c 108 0 || _die "mknod /dev/ppp"
ip link set lo up || _die "lo up"
hostname e2e-guest
E2E_T0=$(_uptime)
export E2E_T0
: >"$E2E_DIR/.collect"

_mark "start $E2E_T0"
cd / || _die "cd /"
_budget=$((E2E_TIMEOUT * E2E_SLACK))
# The scenario's shell measures the guest's pace first (guest-lib.sh).
timeout -k 5 "$_budget" /bin/sh -eu -c '
	. "$1"
	pace_update
	step "pace: $(cs_to_s "$E2E_PACE")x the reference (50 fork+execs" \
	    "in $(cs_to_s "$E2E_PACE_CS") s); budgets: wait_for x" \
	    "$E2E_SLACK, scenario $3 s"
	. "$2"' e2e-scenario "$top_srcdir/tests/e2e/guest-lib.sh" \
    "$E2E_SCENARIO" "$_budget" </dev/null 2>&1
_rc=$?
case $_rc in
0)	_res=PASS ;;
77)	_res="SKIP $(cat "$E2E_DIR/.skip" 2>/dev/null)" ;;
124|137) _res="TIMEOUT the scenario ran out of its $_budget s ($E2E_TIMEOUT s x slack $E2E_SLACK); a hang, or a guest over $E2E_SLACK times slower than the reference" ;;
*)	if [ -s "$E2E_DIR/.fail" ]; then
		_res="FAIL $(cat "$E2E_DIR/.fail")"
	else
		_res="FAIL the scenario exited with status $_rc"
	fi
	;;
esac
echo "e2e-init: scenario exit status $_rc at $(_uptime) s"

# The guest's logs after a failure, or after any run with E2E_KEEP (in
# the kept console: how long each step of a passing run took).
case ${E2E_KEEP:+kept }$_res in
PASS|SKIP*)
	;;
*)
	echo "===== guest logs ====="
	while IFS= read -r _l; do
		case $_l in
		log\ *)
			echo "----- ${_l#log } -----"
			cat "${_l#log }" 2>&1
			;;
		cmd\ *)
			echo "----- \$ ${_l#cmd } -----"
			timeout 5 /bin/sh -c "${_l#cmd }" 2>&1
			;;
		esac
	done <"$E2E_DIR/.collect"
	echo "----- dmesg | tail -n 30 -----"
	dmesg | tail -n 30
	echo "===== end of guest logs ====="
	;;
esac
_mark "result $_res"
_halt
EOF
	} >"$_e2e_init"
	chmod 755 "$_e2e_init"
}

# e2e_run SCENARIO [VAR=VALUE ...]: see the top of this file.
e2e_run()
{
	if [ $# -lt 1 ]; then
		echo "e2e_run: usage: e2e_run SCENARIO [VAR=VALUE ...]" >&2
		return 99
	fi
	_e2e_name=$1
	shift
	case $_e2e_name in
	*/*)	_e2e_scenario=$_e2e_name ;;
	*)	_e2e_scenario=$top_srcdir/tests/e2e/scenarios/$_e2e_name.sh ;;
	esac
	if [ ! -r "$_e2e_scenario" ]; then
		echo "e2e_run: cannot read scenario $_e2e_scenario" >&2
		return 99
	fi
	_e2e_scenario=$(cd "$(dirname "$_e2e_scenario")" && pwd)/${_e2e_scenario##*/}
	if [ ! -r "$top_srcdir/tests/e2e/guest-lib.sh" ]; then
		echo "e2e_run: no tests/e2e/guest-lib.sh in top_srcdir" \
		    "$top_srcdir" >&2
		return 99
	fi
	for _e2e_kv in "$@"; do
		case ${_e2e_kv%%=*} in
		''|[0-9]*|*[!A-Za-z0-9_]*)
			echo "e2e_run: not VAR=VALUE: $_e2e_kv" >&2
			return 99
			;;
		esac
		case $_e2e_kv in
		*=*)	;;
		*)	echo "e2e_run: not VAR=VALUE: $_e2e_kv" >&2
			return 99
			;;
		esac
	done
	E2E_REPORTS=
	e2e_check_host || return $?

	_e2e_rundir=$(mktemp -d "${TMPDIR:-/tmp}/pppssh-e2e.XXXXXX") || return 99
	_e2e_rundir=$(cd "$_e2e_rundir" && pwd)
	trap '_e2e_cleanup' EXIT
	trap '_e2e_cleanup; exit 99' HUP INT TERM
	_e2e_umid=pppssh-$$-${_e2e_rundir##*.}
	_e2e_token=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
	_e2e_write_init "$_e2e_rundir/init" "$@"

	echo "e2e: $_e2e_name: booting $E2E_LINUX (umid $_e2e_umid," \
	    "scenario timeout $E2E_TIMEOUT s x slack $E2E_SLACK," \
	    "host timeout $E2E_HOST_TIMEOUT s)"
	_e2e_t0=$(date +%s.%N)
	timeout -k 5 "$E2E_HOST_TIMEOUT" "$E2E_LINUX" mem="$E2E_MEM" \
	    root=/dev/root rootfstype=hostfs rootflags=/ ro \
	    init="$_e2e_rundir/init" con=null con0=null,fd:1 \
	    umid="$_e2e_umid" uml_dir="$_e2e_rundir" quiet \
	    </dev/null >"$_e2e_rundir/console.raw" 2>&1 &
	_e2e_pid=$!
	_e2e_vmrc=0
	wait "$_e2e_pid" || _e2e_vmrc=$?
	_e2e_pid=
	_e2e_wall=$(echo "$_e2e_t0 $(date +%s.%N)" |
	    awk '{ printf "%.1f", $2 - $1 }')

	tr -d '\r' <"$_e2e_rundir/console.raw" >"$_e2e_rundir/console"
	echo "----- guest console -----"
	cat "$_e2e_rundir/console"
	echo "----- end of guest console -----"
	E2E_REPORTS=$(sed -n "s/.*@@e2e:$_e2e_token:report //p" \
	    "$_e2e_rundir/console")
	_e2e_res=$(sed -n "s/.*@@e2e:$_e2e_token:result //p" \
	    "$_e2e_rundir/console" | tail -n 1)
	if [ -n "$E2E_REPORTS" ]; then
		printf '%s\n' "$E2E_REPORTS" | sed 's/^/e2e: report: /'
	fi
	case $_e2e_res in
	PASS)
		_e2e_rc=0
		echo "e2e: $_e2e_name: PASS (wall $_e2e_wall s)"
		;;
	SKIP*)
		_e2e_rc=77
		echo "SKIP: $_e2e_name: ${_e2e_res#SKIP }" >&2
		;;
	FAIL*)
		_e2e_rc=1
		echo "e2e: $_e2e_name: FAIL: ${_e2e_res#FAIL }" \
		    "(wall $_e2e_wall s)" >&2
		;;
	TIMEOUT*|ERROR*)
		_e2e_rc=99
		echo "e2e: $_e2e_name: ${_e2e_res#* } (wall $_e2e_wall s)" >&2
		;;
	*)
		_e2e_rc=99
		if [ "$_e2e_vmrc" = 124 ] || [ "$_e2e_vmrc" = 137 ]; then
			echo "e2e: $_e2e_name: the guest was killed after" \
			    "$E2E_HOST_TIMEOUT s (wall $_e2e_wall s)" >&2
		elif ! grep -q "@@e2e:$_e2e_token:boot " \
		    "$_e2e_rundir/console"; then
			echo "e2e: $_e2e_name: the guest did not boot" \
			    "($E2E_LINUX exit status $_e2e_vmrc)" >&2
		else
			echo "e2e: $_e2e_name: the guest stopped without a" \
			    "result ($E2E_LINUX exit status $_e2e_vmrc)" >&2
		fi
		;;
	esac
	_e2e_cleanup
	trap - EXIT HUP INT TERM
	return "$_e2e_rc"
}
