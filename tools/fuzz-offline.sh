#!/bin/sh
# SPDX-License-Identifier: ISC
#
# fuzz-offline.sh: the long fuzz run that .ci/run's 20 s per target
# stands in for.  Builds the libFuzzer targets (clang, ASan+UBSan) in
# build-fuzz/ and runs each for RUNS executions, one at a time and at
# nice 19, from its committed seeds, then prints one line per target:
# the executions libFuzzer reports and whether it found anything.
# Not part of make check.
#
#	sh tools/fuzz-offline.sh [-r RUNS] [-t SECONDS] [TARGET...]
#
# TARGET is a name as in `make print-fuzz` without tests/fuzz/fuzz_
# (peer, ctlmsg, ...); the default is every target.  RUNS defaults to
# 10000000; SECONDS, if given, bounds each target's time as well
# (libFuzzer's -max_total_time: a slow target stops short of RUNS, and
# its line says how many it ran).  Inputs are at most the target's
# length in tests/fuzz/max_len, as in .ci/run: a little past what its
# parser takes for real (the file says why each).  Builds with make
# -j1: one core.  A crash leaves its input as build-fuzz/crash-NAME-*,
# and the script exits 1 after the remaining targets ran.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
runs=10000000
secs=0
while getopts r:t: opt; do
	case $opt in
	r) runs=$OPTARG ;;
	t) secs=$OPTARG ;;
	*) echo "usage: $0 [-r RUNS] [-t SECONDS] [TARGET...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))

cd "$top"
if [ ! -x configure ] || [ -n "$(find configure.ac -newer configure)" ]; then
	autoreconf -fi
fi
mkdir -p build-fuzz
cd build-fuzz
# A configure newer than the last run's (new flags, as for
# tests/fuzz/coverage-ignore): configure again and rebuild everything,
# as make alone keeps the objects built with the old flags.
if [ -f Makefile ] && [ -n "$(find ../configure -newer config.status)" ]; then
	make -s distclean >/dev/null 2>&1 || rm -f Makefile
fi
if [ ! -f Makefile ]; then
	../configure --enable-fuzz --enable-sanitizers CC=clang \
	    CFLAGS="-O1 -g -Werror" >configure.out ||
	    { cat configure.out; exit 1; }
fi
all=$(make -s print-fuzz)
if [ $# -eq 0 ]; then
	targets=$all
else
	targets=
	for n in "$@"; do
		targets="$targets tests/fuzz/fuzz_$n"
	done
fi
# shellcheck disable=SC2086 # one word per target
nice -n 19 make -j1 $targets >make.out 2>&1 || { cat make.out; exit 1; }

rc=0
summary=
for t in $targets; do
	name=${t##*/fuzz_}
	corpus=offline-corpus-$name
	rm -rf "$corpus"
	mkdir -p "$corpus"
	if [ "$name" = conf ]; then
		cp "$top"/tests/conf/cases/*.conf "$corpus/"
	else
		cp "$top/tests/fuzz/corpus/$name"/* "$corpus/"
	fi
	# Per target, from tests/fuzz/max_len (why each length, there).
	maxlen=$(awk -v n="$name" '$1 == n { print $2 }' \
	    "$top/tests/fuzz/max_len")
	[ -n "$maxlen" ] || { echo "$0: $name: not in tests/fuzz/max_len" >&2; exit 1; }
	echo "fuzz: $name, $runs runs, inputs up to $maxlen bytes" >&2
	start=$(date +%s)
	if nice -n 19 "./$t" -runs="$runs" -max_total_time="$secs" \
	    -detect_leaks=1 -max_len="$maxlen" \
	    -print_final_stats=1 -artifact_prefix="crash-$name-" \
	    "$corpus" >"offline-$name.log" 2>&1; then
		result=clean
	else
		result="FOUND (see build-fuzz/offline-$name.log)"
		rc=1
	fi
	took=$(($(date +%s) - start))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
	    "offline-$name.log" | tail -n 1)
	line="$name: ${execs:-?} executions in ${took} s, $result"
	echo "$line" >&2
	summary="$summary$line
"
done
printf '%s' "$summary"
exit "$rc"
