#!/bin/sh
# SPDX-License-Identifier: ISC
#
# vpnd-lib.sh - running the real vpnd in the client namespace of the host
# integration tier.  Sourced after lib.sh and itest_init:
#
#	. "$top_srcdir/tests/integration/lib.sh"
#	. "$top_srcdir/tests/integration/vpnd-lib.sh"
#	itest_init NAME
#	vt_init
#	itest_topology; itest_keys; itest_sshd_start
#	vt_conf "$IT_DIR/vpn.conf" <<EOF ... EOF
#	vt_start "$IT_DIR/vpn.conf"
#	vt_wait_log 'link x: auth -> ppp' 20
#	vt_stop
#
# vpnd runs in the foreground (-d -v) as root in $IT_CLI with its own pid
# file; its stderr is $VT_LOG ($IT_DIR/vpnd-N.log, N counting the runs,
# so every run's log is dumped if the test fails).  It is killed by PID
# (itest_track) if the test ends while it runs.  There is no PPP on the
# host: tests point `pppd` and `remote-command` at small test programs.
# Their own words cannot go in pppd-options or remote-pppd-options (only
# pppd options pppssh allows pass there), so vt_streamer_wrap writes a
# script that adds them after the pppd options vpnd gives, and the
# script is the pppd and the remote-command: a lone path, as vpnd
# expects of a pppd.

VPND=
STREAMER=
VT_PID=
VT_LOG=
VT_RUNS=0
VT_STATUS=

# vt_init: find the programs under test.
vt_init()
{
	: "${top_builddir:?set by make check}"
	VPND=$top_builddir/src/vpnd
	STREAMER=$top_builddir/tests/integration/streamer
	[ -x "$VPND" ] || itest_error "$VPND not built (run make first)"
	[ -x "$STREAMER" ] ||
	    itest_error "$STREAMER not built (make check builds it)"
}

# vt_conf FILE: write stdin to FILE, mode 0600 (vpnd refuses a config
# that is group or world writable).
vt_conf()
{
	(umask 077 && cat >"$1") || itest_error "cannot write $1"
	chmod 0600 "$1" || itest_error "chmod $1"
}

# vt_alive PID: true if PID runs (a zombie does not count).
vt_alive()
{
	vt_st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	case ${vt_st##*) } in
	Z* | X*) return 1 ;;
	esac
	return 0
}

# vt_start CONF: start vpnd -d -v -f CONF in $IT_CLI; PID in $VT_PID,
# stderr in $VT_LOG.
vt_start()
{
	[ -z "$VT_PID" ] || itest_error "vpnd already running ($VT_PID)"
	VT_RUNS=$((VT_RUNS + 1))
	VT_LOG=$IT_DIR/vpnd-$VT_RUNS.log
	itest_spawn "$IT_CLI" "$VT_LOG" "$VPND" -d -v -f "$1" \
	    -p "$IT_DIR/vpnd.pid"
	# shellcheck disable=SC2153 # set by itest_spawn
	VT_PID=$IT_PID
}

# vt_reap: vpnd has exited; its status goes to $VT_STATUS.
vt_reap()
{
	VT_STATUS=0
	wait "$VT_PID" || VT_STATUS=$?
	itest_untrack "$VT_PID"
	VT_PID=
}

# vt_wait_exit SECS: wait up to SECS for vpnd to exit; status in
# $VT_STATUS.  Fails the test if it is still running.
vt_wait_exit()
{
	vt_end=$(($(date +%s) + $(itest_bound "$1")))
	while vt_alive "$VT_PID"; do
		[ "$(date +%s)" -le "$vt_end" ] || itest_fail "vpnd (pid" \
		    "$VT_PID) still runs after $(itest_bound "$1") s"
		sleep 0.05
	done
	vt_reap
}

# vt_stop: SIGTERM to vpnd, which must exit 0 within 10 s.
vt_stop()
{
	[ -n "$VT_PID" ] || itest_error "vt_stop: vpnd not running"
	kill -TERM "$VT_PID" || itest_error "kill $VT_PID"
	vt_wait_exit 10
	[ "$VT_STATUS" -eq 0 ] ||
	    itest_fail "vpnd exited with status $VT_STATUS after SIGTERM, want 0"
	[ ! -e "$IT_DIR/vpnd.pid" ] || itest_fail "vpnd left its pid file"
}

# vt_wait_log STRING SECS: wait up to SECS for a line of $VT_LOG holding
# the fixed STRING.  Fails the test if vpnd exits first or time runs out.
vt_wait_log()
{
	vt_end=$(($(date +%s) + $(itest_bound "$2")))
	while ! grep -qF -- "$1" "$VT_LOG"; do
		if ! vt_alive "$VT_PID"; then
			# One last look: the line may have come with the exit.
			grep -qF -- "$1" "$VT_LOG" && return 0
			vt_reap
			itest_fail "vpnd exited (status $VT_STATUS) before logging '$1'"
		fi
		[ "$(date +%s)" -le "$vt_end" ] ||
		    itest_fail "vpnd did not log '$1' within" \
		    "$(itest_bound "$2") s"
		sleep 0.05
	done
}

# vt_fail_reason LINK: why LINK first went to stopping: the line vpnd
# logs just before "LINK: STATE -> stopping" (link_fail()'s reason, or
# link_stop()'s "stopping: WHY"), without its "vpnd: link LINK: " (empty
# if the link never stopped).
vt_fail_reason()
{
	awk -v p="vpnd: link $1: " '
	    index($0, p) == 1 && / -> stopping$/ {
		print substr(prev, length(p) + 1)
		exit
	    }
	    { prev = $0 }' "$VT_LOG"
}

# vt_count STRING [FILE]: number of lines of FILE ($VT_LOG) holding the
# fixed STRING.
vt_count()
{
	grep -cF -- "$1" "${2:-$VT_LOG}" || :
}

# vt_streamer_conf FILE LINK IDENTITY KNOWN_HOSTS BYTES: write a config
# with one link LINK to the gateway whose local pppd and remote command
# are both the streamer, exchanging BYTES each way; their results go to
# $IT_DIR/LINK.local.result and $IT_DIR/LINK.remote.result.
vt_streamer_conf()
{
	vt_conf "$1" <<VT_EOF
link $2
	host		$IT_GW_IP
	port		$IT_SSH_PORT
	user		$IT_USER
	identity	$3
	known-hosts	$4
	local-ip	10.9.0.1
	remote-ip	10.9.0.2
	pppd		$IT_DIR/$2.local.streamer-$5
	remote-command	$IT_DIR/$2.remote.streamer-$5
VT_EOF
	# BYTES is in the scripts' names: a new count is a changed config.
	vt_streamer_wrap "$IT_DIR/$2.local.streamer-$5" stream-out=1 \
	    stream-in=2 "bytes=$5" "result=$IT_DIR/$2.local.result"
	vt_streamer_wrap "$IT_DIR/$2.remote.streamer-$5" stream-out=2 \
	    stream-in=1 "bytes=$5" "result=$IT_DIR/$2.remote.result"
}

# vt_streamer_wrap PATH WORD...: write PATH, a script that runs the
# streamer with the arguments it is given (the pppd options vpnd adds)
# and then WORD... (the streamer's own KEY=VALUE words, no spaces).
vt_streamer_wrap()
{
	vt_wrap=$1
	shift
	{
		printf '#!/bin/sh\nexec %s "$@"' "$STREAMER"
		printf ' %s' "$@"
		printf '\n'
	} >"$vt_wrap" || itest_error "cannot write $vt_wrap"
	chmod 0700 "$vt_wrap" || itest_error "cannot chmod $vt_wrap"
}

# vt_wait_results LINK SECS: wait up to SECS for both streamers of LINK
# to write their results, and fail unless both say OK.
vt_wait_results()
{
	vt_end=$(($(date +%s) + $(itest_bound "$2")))
	vt_l=$IT_DIR/$1.local.result
	vt_r=$IT_DIR/$1.remote.result
	while [ ! -e "$vt_l" ] || [ ! -e "$vt_r" ]; do
		[ "$(date +%s)" -le "$vt_end" ] ||
		    itest_fail "streamer results of link $1 missing after" \
		    "$(itest_bound "$2") s"
		sleep 0.05
	done
	case $(cat "$vt_l") in
	"OK "*) ;;
	*) itest_fail "link $1: local streamer: $(cat "$vt_l")" ;;
	esac
	case $(cat "$vt_r") in
	"OK "*) ;;
	*) itest_fail "link $1: remote streamer: $(cat "$vt_r")" ;;
	esac
}
