#!/bin/sh
# SPDX-License-Identifier: ISC
# The README's test command: install what is missing, build with -Werror
# in build/, and run every tier of `make check` (unit, config, manual
# pages, host integration with a real sshd, kernel e2e in user-mode-linux).
# Exits non-zero if any test failed, or was skipped, since here, as root
# with the packages installed, every tier can run.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc 2>/dev/null || echo 2)
t0=$(date +%s)
sh tools/build.sh
cd build
status=0
make -j"$jobs" check || status=$?
printf '\n%s\n' "---- summary (build/test-suite.log) ----"
for tier in unit conf man initscripts integration e2e; do
	set -- tests/"$tier"/*.trs
	[ -f "$1" ] || continue
	printf '%-12s %s\n' "$tier" "$(sed -n 's/^:test-result: //p' "$@" |
	    sort | uniq -c | awk '{printf "%s %s  ", $2, $1}')"
done
sed -n '/^# TOTAL/,/^# ERROR/p' test-suite.log
printf 'wall time: %ss\n' "$(($(date +%s) - t0))"
if [ "$status" -ne 0 ]; then
	exit "$status"
fi
if ! grep -q '^# SKIP:  *0$' test-suite.log; then
	echo "test.sh: tests were skipped; every tier must run here:" >&2
	grep -h '^SKIP:' tests/*.log tests/*/*.log 2>/dev/null >&2 || true
	exit 1
fi
