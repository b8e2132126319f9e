#!/bin/sh
# SPDX-License-Identifier: ISC
# Every manual page, as make wrote it from man/*.in with the configured
# paths, must be clean under mandoc -Tlint -Wwarning, and have each of
# its @word@s filled in.
set -eu
: "${top_srcdir:?run from make check}"
: "${top_builddir:?run from make check}"
if [ -z "${MANDOC:-}" ]; then
	echo "SKIP: mandoc not found (install the Debian package mandoc)" >&2
	exit 77
fi
status=0
count=0
for src in "$top_srcdir"/man/*.[1-8].in; do
	page=$top_builddir/man/$(basename "$src" .in)
	count=$((count + 1))
	if [ ! -f "$page" ]; then
		printf 'FAIL: %s not built from %s\n' "$page" "$src"
		status=1
		continue
	fi
	if grep -n '@[a-z_]*@' "$page"; then
		printf 'FAIL: %s: @word@ left unsubstituted (above)\n' "$page"
		status=1
	fi
	out=$("$MANDOC" -Tlint -Wwarning "$page" 2>&1) || true
	if [ -n "$out" ]; then
		printf 'FAIL: %s\n%s\n' "$page" "$out"
		status=1
	else
		printf 'ok: %s\n' "$page"
	fi
done
if [ "$count" -eq 0 ]; then
	echo "FAIL: no manual pages (*.in) found in $top_srcdir/man" >&2
	exit 1
fi
exit "$status"
