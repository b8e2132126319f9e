# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# bench/lib.sh - what the user-mode-linux benchmarks share on the host side
# (sourced by bench/bringup.sh and bench/recovery.sh): tests/e2e/lib.sh,
# the checks before a guest boots, and the arithmetic on what the scenario
# reported.  The caller sets NAME (for messages) and, before sourcing,
# top_srcdir and top_builddir; ROUNDS is BENCH_ROUNDS (5).

ROUNDS=${BENCH_ROUNDS:-5}
# shellcheck source=tests/e2e/lib.sh
. "$top_srcdir/tests/e2e/lib.sh"

case $ROUNDS in
'' | *[!0-9]* | 0)
	echo "$NAME: BENCH_ROUNDS must be a positive number" >&2
	exit 99
	;;
esac
if [ ! -x "$top_builddir/src/vpnd" ]; then
	echo "SKIP: $top_builddir/src/vpnd is not built (make)" >&2
	exit 77
fi

# bench_run SCENARIO [VAR=VALUE ...]: e2e_run it with ROUNDS, and exit with
# its status unless it passed and reported all its rounds.
bench_run()
{
	_bl_scen=$1
	shift
	_bl_rc=0
	e2e_run "$_bl_scen" ROUNDS="$ROUNDS" "$@" || _bl_rc=$?
	if [ "$_bl_rc" != 0 ]; then
		[ "$_bl_rc" = 77 ] ||
		    echo "$NAME: the guest run failed ($_bl_rc)" >&2
		exit "$_bl_rc"
	fi
	if [ "$(e2e_report_value rounds)" != "$ROUNDS" ]; then
		echo "$NAME: the scenario did not report $ROUNDS rounds" >&2
		exit 99
	fi
}

# bench_median KEY ...: the median of the reported values KEY_1 ..
# KEY_ROUNDS of every KEY given (those not reported are left out; "-" if
# none is).
bench_median()
{
	bench_values "$@" | sort -n | awk '{ v[NR] = $1 }
	    END { if (NR == 0) print "-";
	    else if (NR % 2) printf "%.2f\n", v[(NR + 1) / 2];
	    else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench_values KEY ...: the reported values KEY_1 .. KEY_ROUNDS of every KEY
# given, one a line (those not reported are left out).
bench_values()
{
	for _bl_key in "$@"; do
		_bl_r=1
		while [ "$_bl_r" -le "$ROUNDS" ]; do
			e2e_report_value "${_bl_key}_$_bl_r"
			_bl_r=$((_bl_r + 1))
		done
	done | grep . || :
}

# bench_range KEY ...: "MIN-MAX" of bench_values ("-" if none).
# shellcheck disable=SC2317 # called by the benchmarks that source this
bench_range()
{
	bench_values "$@" | sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 }
	    END { if (NR == 0) print "-"; else printf "%.2f-%.2f\n", lo, hi }'
}

# bench_within LIMIT KEY ...: "N/M": how many of bench_values are at most
# LIMIT, of how many.
bench_within()
{
	_bl_lim=$1
	shift
	bench_values "$@" | awk -v l="$_bl_lim" '$1 + 0 <= l + 0 { n++ }
	    END { printf "%d/%d\n", n, NR }'
}

# bench_range KEY: "MIN-MAX" of the reported values KEY_1 .. KEY_ROUNDS
# ("-" if none is reported).
bench_range()
{
	_bl_r=1
	while [ "$_bl_r" -le "$ROUNDS" ]; do
		e2e_report_value "${1}_$_bl_r"
		_bl_r=$((_bl_r + 1))
	done | grep '^[0-9.]*$' | grep . | sort -n | awk 'NR == 1 { lo = $1 }
	    { hi = $1 } END { if (NR == 0) print "-";
	    else printf "%s-%s\n", lo, hi }'
}

# bench_ratio A B [SUFFIX]: A / B to two decimals, then SUFFIX ("-" if either
# is not a number or B is 0).
bench_ratio()
{
	awk -v a="$1" -v b="$2" -v s="${3:-}" 'BEGIN {
	    if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b + 0 == 0) print "-";
	    else printf "%.2f%s\n", a / b, s }'
}
