#!/bin/sh
# SPDX-License-Identifier: ISC
# Every manual page must be clean under mandoc -Tlint -Wwarning.
set -eu
: "${top_srcdir:?run from make check}"
if [ -z "${MANDOC:-}" ]; then
	echo "SKIP: mandoc not found (install the Debian package mandoc)" >&2
	exit 77
fi
status=0
count=0
for page in "$top_srcdir"/man/*.[1-8]; do
	[ -f "$page" ] || continue
	count=$((count + 1))
	out=$("$MANDOC" -Tlint -Wwarning "$page" 2>&1) || true
	if [ -n "$out" ]; then
		printf 'FAIL: %s\n%s\n' "$page" "$out"
		status=1
	else
		printf 'ok: %s\n' "$page"
	fi
done
if [ "$count" -eq 0 ]; then
	echo "FAIL: no manual pages found in $top_srcdir/man" >&2
	exit 1
fi
exit "$status"
