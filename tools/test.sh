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
sh tools/deps.sh

jobs=$(nproc 2>/dev/null || echo 2)
t0=$(date +%s)
autoreconf -fi
mkdir -p build
cd build
../configure --enable-debug CFLAGS="-O2 -g -Werror" >configure.out ||
    { cat configure.out; exit 1; }
make -j"$jobs"
status=0
make -j"$jobs" check || status=$?
printf '\n%s\n' "---- summary (build/test-suite.log) ----"
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
