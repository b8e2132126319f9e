#!/bin/sh
# SPDX-License-Identifier: ISC
# The README's test command: install what is missing, build with -Werror
# in build/, build the Debian package (tools/deb.sh: dpkg-buildpackage
# and lintian), and run every tier of `make check` (unit, config, manual
# pages and service files, host integration with a real sshd, kernel e2e
# in user-mode-linux, which also runs the package), one tier after the
# other so that each tier's wall time is printed.  Exits non-zero if any test failed, or was skipped,
# since here, as root with the packages installed, every tier can run.
#
# No test depends on the machine's speed: waits and bounds are written
# for the reference machine and stretched (IT_SLACK and E2E_SLACK, 3 by
# default; see tests/integration/lib.sh and tests/e2e/guest-lib.sh), so
# the command passes on a loaded machine, or pinned to one CPU:
#	taskset -c 0 sh tools/test.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc 2>/dev/null || echo 2)
t0=$(date +%s)
sh tools/build.sh
status=0
times=
# The Debian package, which the kernel tier's tests/e2e/deb.sh unpacks
# and runs; lintian errors fail here.
printf '\n==== Debian package: tools/deb.sh\n'
t1=$(date +%s)
sh tools/deb.sh || status=$?
times="$(printf '%-12s %5ss' deb "$(($(date +%s) - t1))")
"
cd build
rm -f test-suite-*.log
for tier in unit conf doc integration e2e; do
	tests=$(make -s print-tier TIER="$tier")
	[ -n "$tests" ] || continue
	printf '\n==== %s tier: %s tests\n' "$tier" "$(echo "$tests" | wc -w)"
	t1=$(date +%s)
	make -j"$jobs" check TESTS="$tests" || status=$?
	cp test-suite.log "test-suite-$tier.log"
	times="$times$(printf '%-12s %5ss' "$tier" "$(($(date +%s) - t1))")
"
done
printf '\n%s\n' "---- summary (build/test-suite-TIER.log) ----"
for tier in unit conf man initscripts integration e2e; do
	set -- tests/"$tier"/*.trs
	[ -f "$1" ] || continue
	printf '%-12s %s\n' "$tier" "$(sed -n 's/^:test-result: //p' "$@" |
	    sort | uniq -c | awk '{printf "%s %s  ", $2, $1}')"
done
printf '%s' "$times"
printf 'wall time: %ss (nproc %s)\n' "$(($(date +%s) - t0))" "$jobs"
if [ "$status" -ne 0 ]; then
	# Last, so that a CI report that keeps only the tail of the output
	# still says why: each failed test's steps and failure, in short.
	for trs in tests/*/*.trs; do
		grep -q '^:test-result: \(FAIL\|ERROR\)' "$trs" || continue
		log=${trs%.trs}.log
		printf '\n---- %s (last steps; whole log in build/%s)\n' \
		    "${trs%.trs}" "$log"
		grep -E '^\[ *[0-9.]+\]|FAIL|^ +\^|error|Error' "$log" |
		    tail -n 25 || true
	done
	exit "$status"
fi
skipped=
for f in test-suite-*.log; do
	grep -q '^# SKIP:  *0$' "$f" || skipped=1
done
if [ -n "$skipped" ]; then
	echo "test.sh: tests were skipped; every tier must run here:" >&2
	grep -h '^SKIP:' tests/*.log tests/*/*.log 2>/dev/null >&2 || true
	exit 1
fi
