#!/bin/sh
# SPDX-License-Identifier: ISC
#
# vpnctl_cli.sh: the command lines of vpnd, vpnctl and vpn-peer as a new
# user meets them.
#
# - -h and --help print the usage on stdout and exit 0: vpnd and vpn-peer
#   with every option, vpnctl with one line per command, and every vpnctl
#   command (also as "vpnctl help NAME") with its own arguments;
# - --version prints the version configure set, exit 0;
# - an option's value may follow after '=' (vpnd --config=FILE, vpnctl
#   --socket=PATH, watchdog --down-after=N, up --timeout=N);
# - a wrong option or argument exits 2 with the usage on stderr; a
#   misspelt command gets "did you mean";
# - setup, trust and doctor run vpnctl-gateway (vpnctl links neither
#   libssh2 nor libcrypto), found beside vpnctl or in pkglibexecdir;
# - no vpnd: the error says whether it runs; a vpnd whose configuration
#   has no link: vpnctl says so and names the file; --json stays one
#   JSON document.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
# shellcheck source=tests/integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"

itest_init vpnctl_cli
VPND=$top_builddir/src/vpnd
VPNCTL=$top_builddir/src/vpnctl
PEER=$top_builddir/src/vpn-peer
for p in "$VPND" "$VPNCTL" "$PEER"; do
	[ -x "$p" ] || itest_error "$p not built"
done
command -v python3 >/dev/null 2>&1 || itest_skip "python3 not found"
VERSION=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' \
    "$top_builddir/config.h")
[ -n "$VERSION" ] || itest_error "no PACKAGE_VERSION in config.h"
OUT=$IT_DIR/out
ERR=$IT_DIR/err

# run CMD...: output in $OUT and $ERR, exit status in $rc.
run()
{
	rc=0
	"$@" >"$OUT" 2>"$ERR" || rc=$?
}

# expect RC: the last run exited RC.
expect()
{
	[ "$rc" -eq "$1" ] || itest_fail "exit status $rc, want $1;" \
	    "stdout: $(cat "$OUT"); stderr: $(cat "$ERR")"
}

# help_ok WHAT: the last run printed help on stdout only and exited 0.
help_ok()
{
	expect 0
	[ -s "$OUT" ] || itest_fail "$1: no help on stdout"
	[ ! -s "$ERR" ] || itest_fail "$1: stderr: $(cat "$ERR")"
}

itest_step "vpnd -h, --help: every option, exit 0"
for h in -h --help; do
	run "$VPND" "$h"
	help_ok "vpnd $h"
	head -n 1 "$OUT" | grep -q '^usage: vpnd ' ||
	    itest_fail "vpnd $h: $(cat "$OUT")"
	for o in -d,--foreground -f,--config=FILE -p,--pidfile=FILE \
	    -t,--check -T,--dump -v,--verbose -h,--help -V,--version; do
		grep -q "^  ${o%%,*}, ${o#*,} " "$OUT" ||
		    itest_fail "vpnd $h does not list $o: $(cat "$OUT")"
	done
done

itest_step "vpnd -V, --version"
for v in -V --version; do
	run "$VPND" "$v"
	expect 0
	[ "$(cat "$OUT")" = "vpnd (pppssh) $VERSION" ] ||
	    itest_fail "vpnd $v: $(cat "$OUT")"
done

itest_step "vpnd: a wrong option exits 2 with the usage on stderr"
run "$VPND" --frobnicate
expect 2
[ ! -s "$OUT" ] || itest_fail "usage on stdout"
grep -q '^usage: vpnd ' "$ERR" || itest_fail "no usage: $(cat "$ERR")"
run "$VPND" -t extra
expect 2
grep -q 'unexpected argument extra' "$ERR" || itest_fail "$(cat "$ERR")"

itest_step "vpnd --config=FILE --check"
SOCK=$IT_DIR/vpnd.sock
CONF=$IT_DIR/vpn.conf
(
	umask 077
	printf '# no links yet\ncontrol-socket %s\n' "$SOCK" >"$CONF"
)
run "$VPND" --config="$CONF" --check
expect 0
grep -q "configuration OK" "$ERR" || itest_fail "$(cat "$ERR")"
run "$VPND" --config "$CONF" --dump
expect 0
grep -q "^control-socket $SOCK\$" "$OUT" || itest_fail "$(cat "$OUT")"

itest_step "vpn-peer --help, --version, --opt=value"
run "$PEER" --help
help_ok "vpn-peer --help"
for o in --ip --peer --net --ifname --pppd --pppd-option --ip-command \
    --kill-command --sudo --sudo-command --run-dir; do
	grep -q -- "\\[*${o}[] ]" "$OUT" ||
	    itest_fail "vpn-peer --help does not list $o: $(cat "$OUT")"
done
run "$PEER" --version
expect 0
[ "$(cat "$OUT")" = "vpn-peer (pppssh) $VERSION, request protocol 1" ] ||
    itest_fail "vpn-peer --version: $(cat "$OUT")"
# The request's version, with the options given as --opt=value.
rc=0
SSH_ORIGINAL_COMMAND=version "$PEER" --ip=10.9.0.2 --peer=10.9.0.1 \
    --net=172.16.1.0/24 >"$OUT" 2>"$ERR" || rc=$?
expect 0
[ "$(cat "$OUT")" = "vpn-peer 1" ] || itest_fail "$(cat "$OUT")"

itest_step "vpnctl -h, --help: one line per command, exit 0"
COMMANDS="status up down restart reload check watchdog setup trust doctor help"
for h in -h --help; do
	run "$VPNCTL" "$h"
	help_ok "vpnctl $h"
	head -n 1 "$OUT" | grep -q '^usage: vpnctl ' ||
	    itest_fail "vpnctl $h: $(cat "$OUT")"
	for c in $COMMANDS; do
		[ "$(grep -c "^  $c  *[a-z]" "$OUT")" -eq 1 ] ||
		    itest_fail "vpnctl $h: not one line for $c: $(cat "$OUT")"
	done
	grep -q -- '--socket=PATH' "$OUT" || itest_fail "no --socket"
done
run "$VPNCTL" help
help_ok "vpnctl help"

itest_step "vpnctl COMMAND -h, --help, help COMMAND: its usage, exit 0"
for c in $COMMANDS; do
	for h in -h --help; do
		run "$VPNCTL" "$c" "$h"
		help_ok "vpnctl $c $h"
		head -n 1 "$OUT" | grep -q "^usage: vpnctl \\[-s socket\\] $c" ||
		    itest_fail "vpnctl $c $h: $(cat "$OUT")"
		[ "$(wc -l <"$OUT")" -ge 2 ] ||
		    itest_fail "vpnctl $c $h: no line on what it does"
	done
	run "$VPNCTL" help "$c"
	help_ok "vpnctl help $c"
	head -n 1 "$OUT" | grep -q "^usage: vpnctl \\[-s socket\\] $c" ||
	    itest_fail "vpnctl help $c: $(cat "$OUT")"
done
# After a name too, and for the commands that read vpn.conf.
run "$VPNCTL" up office --wait --help
help_ok "up office --wait --help"
grep -q -- '--timeout S' "$OUT" || itest_fail "up --help: $(cat "$OUT")"
run "$VPNCTL" watchdog -h
grep -q -- '--down-after S' "$OUT" || itest_fail "watchdog -h: $(cat "$OUT")"
run "$VPNCTL" trust --help
grep -q -- '--yes' "$OUT" || itest_fail "trust --help: $(cat "$OUT")"

itest_step "vpnctl -V, --version"
for v in -V --version; do
	run "$VPNCTL" "$v"
	expect 0
	[ "$(cat "$OUT")" = "vpnctl (pppssh) $VERSION" ] ||
	    itest_fail "vpnctl $v: $(cat "$OUT")"
done

itest_step "vpnctl: wrong options and arguments exit 2; did you mean"
run "$VPNCTL" --frobnicate
expect 2
grep -q '^usage: vpnctl ' "$ERR" || itest_fail "$(cat "$ERR")"
run "$VPNCTL" stauts
expect 2
[ "$(cat "$ERR")" = "vpnctl: unknown command stauts (did you mean status?)" ] ||
    itest_fail "$(cat "$ERR")"
run "$VPNCTL" frobnicate
expect 2
grep -q 'unknown command frobnicate; vpnctl -h lists them' "$ERR" ||
    itest_fail "$(cat "$ERR")"
run "$VPNCTL" up office --timeout 5
expect 2
grep -q -- '--timeout goes with --wait' "$ERR" || itest_fail "$(cat "$ERR")"
run "$VPNCTL" up office --wait --timeout=soon
expect 2
grep -q -- '--timeout soon: not a number of seconds' "$ERR" ||
    itest_fail "$(cat "$ERR")"
run "$VPNCTL" down
expect 2
grep -q '^usage: vpnctl \[-s socket\] down name$' "$ERR" ||
    itest_fail "$(cat "$ERR")"
# watchdog reads its own options: --down-after=x reaches it split.
run "$VPNCTL" -s "$SOCK" watchdog --down-after=x
expect 2
grep -q -- '--down-after x: not a number of seconds' "$ERR" ||
    itest_fail "$(cat "$ERR")"

itest_step "setup, trust, doctor: vpnctl runs vpnctl-gateway for them"
# The arguments reach it as vpnctl normalised them, its usage and exit
# statuses are vpnctl's.
run "$VPNCTL" doctor -f "$IT_DIR/none.conf"
expect 1
grep -q "^FAIL  config $IT_DIR/none.conf: .*No such file" "$OUT" ||
    itest_fail "doctor: $(cat "$OUT") $(cat "$ERR")"
run "$VPNCTL" doctor --frobnicate=1
expect 2
grep -q '^usage: vpnctl doctor ' "$ERR" || itest_fail "$(cat "$ERR")"
run "$VPNCTL" trust
expect 2
grep -q '^usage: vpnctl .*trust ' "$ERR" || itest_fail "$(cat "$ERR")"
# So that vpnctl, run for every status, loads neither libssh2 nor
# OpenSSL's libcrypto (nor libcurl).
command -v readelf >/dev/null 2>&1 || itest_error "readelf not found (binutils)"
needed=$(readelf -d "$VPNCTL" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p')
[ -n "$needed" ] || itest_fail "readelf -d $VPNCTL: no NEEDED entries"
case $needed in
*libssh2* | *libcrypto* | *libcurl*)
	itest_fail "vpnctl links $(echo "$needed" | tr '\n' ' ')" ;;
esac
# A vpnctl without its helper beside it looks in pkglibexecdir; where
# that has none either, the error names the path.
if ! mkdir -p "$IT_DIR/alone" || ! cp "$VPNCTL" "$IT_DIR/alone/vpnctl"; then
	itest_error "copy vpnctl"
fi
run "$IT_DIR/alone/vpnctl" doctor -f "$IT_DIR/none.conf"
if [ "$rc" -eq 1 ] && [ ! -s "$OUT" ]; then
	grep -q '^vpnctl: /.*/vpnctl-gateway: No such file or directory (vpnctl doctor needs it' \
	    "$ERR" || itest_fail "vpnctl alone: $(cat "$ERR")"
else
	# An installed pppssh answered: its helper ran.
	expect 1
	grep -q "^FAIL  config" "$OUT" || itest_fail "vpnctl alone: $(cat "$OUT")"
fi

itest_step "no vpnd: the error says so"
run "$VPNCTL" --socket="$SOCK"
expect 1
grep -q "connect $SOCK: No such file or directory (is vpnd running?)" "$ERR" ||
    itest_fail "$(cat "$ERR")"

itest_step "a vpnd without links: vpnctl says so and names the file"
itest_topology
itest_spawn "$IT_CLI" "$IT_DIR/vpnd.log" "$VPND" --foreground \
    --config="$CONF" --pidfile="$IT_DIR/vpnd.pid"
VPND_PID=$IT_PID
t=0
until "$VPNCTL" -s "$SOCK" status >/dev/null 2>&1; do
	itest__alive "$VPND_PID" || itest_fail "vpnd exited"
	t=$((t + 1))
	[ "$t" -le "$(itest_bound 100)" ] || itest_fail "vpnd does not answer"
	sleep 0.1
done
run "$VPNCTL" --socket="$SOCK"
expect 0
[ "$(cat "$OUT")" = "no links in $CONF" ] || itest_fail "$(cat "$OUT")"
run "$VPNCTL" -s "$SOCK" status --json
expect 0
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if d["links"] == [] else "links: %r" % d["links"])' "$OUT" ||
    itest_fail "status --json: $(cat "$OUT")"

itest_step "done"
