#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Table test of malformed configurations: every case must make
# `vpnd -t -f CASE` exit 2, print nothing on stdout, and print exactly
# the expected FILE:LINE messages on stderr.
#
# Stored cases are tests/conf/cases/NAME.conf with NAME.err beside it;
# @DIR@ in either stands for a temporary directory holding the files
# the cases name (made here, because git does not keep file modes).
# Inputs git cannot hold well (NUL bytes, invalid UTF-8, 10 MB, bad
# modes, FIFOs) are generated below.
set -eu

: "${top_srcdir:?run from make check}"
: "${top_builddir:?run from make check}"
vpnd="$top_builddir/src/vpnd"
cases="$top_srcdir/tests/conf/cases"

if [ ! -x "$vpnd" ]; then
	echo "FAIL: $vpnd not built" >&2
	exit 99
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/conf-errors.XXXXXX") || exit 99
cleanup() {
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# The files the cases refer to, with the modes they need.
umask 077
: >"$tmp/id"
: >"$tmp/known_hosts"
printf '#!/bin/sh\nexit 0\n' >"$tmp/pppd"
chmod 0700 "$tmp/pppd"
: >"$tmp/id-open"
chmod 0644 "$tmp/id-open"
: >"$tmp/kh-open"
chmod 0666 "$tmp/kh-open"
mkdir "$tmp/run" "$tmp/want"

# ---------------------------------------------------------- stored cases
count=0
for conf in "$cases"/*.conf; do
	name=$(basename "$conf" .conf)
	if [ ! -f "$cases/$name.err" ]; then
		echo "FAIL: $name: $cases/$name.err is missing" >&2
		exit 99
	fi
	sed "s|@DIR@|$tmp|g" "$conf" >"$tmp/run/$name.conf"
	sed "s|@DIR@|$tmp|g" "$cases/$name.err" >"$tmp/want/$name"
	count=$((count + 1))
done
if [ "$count" -lt 40 ]; then
	echo "FAIL: only $count stored cases in $cases" >&2
	exit 99
fi

# ------------------------------------------------------- generated cases
# want NAME LINE...: the expected stderr of NAME.conf.
want() {
	w="$tmp/want/$1"
	shift
	: >"$w"
	for l in "$@"; do
		printf '%s\n' "$l" >>"$w"
	done
}

printf 'port 22\nuser v\000pn\n' >"$tmp/run/nul-byte.conf"
want nul-byte "nul-byte.conf:2: NUL byte in line"

printf '# caf\351\nport 22\nuser \300\257\n' >"$tmp/run/non-utf8.conf"
want non-utf8 "non-utf8.conf:1: not valid UTF-8" \
    "non-utf8.conf:3: not valid UTF-8"

printf '# \355\240\200 is a surrogate\n' >"$tmp/run/utf8-surrogate.conf"
want utf8-surrogate "utf8-surrogate.conf:1: not valid UTF-8"

# DOS line endings on 30 lines: said once, with the fix; the lines are
# still read, so the one real error shows too.
{
	printf 'port 22\r\nuser vpn\r\nkeepalive 10 3 x\r\n'
	i=0
	while [ "$i" -lt 27 ]; do
		printf '# comment %d\r\n' "$i"
		i=$((i + 1))
	done
} >"$tmp/run/crlf.conf"
crlf="crlf.conf:1: DOS line endings (CR LF; said once for the whole file)"
want crlf "$crlf: convert it with sed -i 's/\\r\$//' crlf.conf" \
    "crlf.conf:3: keepalive: expects INTERVAL MISSES"

printf 'port 22\nuser v\rpn\n' >"$tmp/run/cr-inside.conf"
want cr-inside "cr-inside.conf:2: carriage return inside the line"

printf 'port 22\nuser\033[2Jvpn\n' >"$tmp/run/control-char.conf"
want control-char "control-char.conf:2: control character 0x1b in line"

# A comment of 5000 bytes on line 2; line 3 is still read.
{
	printf 'port 22\n#'
	i=0
	while [ "$i" -lt 50 ]; do
		printf '%0100d' 0
		i=$((i + 1))
	done
	printf '\nbogus\n'
} >"$tmp/run/long-line.conf"
want long-line "long-line.conf:2: line longer than 4096 bytes" \
    "long-line.conf:3: bogus: unknown keyword"

# 10 MB of comments.
dd if=/dev/zero bs=1048576 count=10 2>/dev/null | tr '\000' '#' \
    >"$tmp/run/ten-mb.conf"
want ten-mb "ten-mb.conf: larger than the 1048576 byte limit, refusing"

printf 'port 22\n' >"$tmp/run/group-writable.conf"
chmod 0620 "$tmp/run/group-writable.conf"
want group-writable \
    "group-writable.conf: group or world writable (mode 0620), refusing"

printf 'port 22\n' >"$tmp/run/world-writable.conf"
chmod 0666 "$tmp/run/world-writable.conf"
want world-writable \
    "world-writable.conf: group or world writable (mode 0666), refusing"

mkdir "$tmp/run/directory.conf"
want directory "directory.conf: not a regular file"

mkfifo "$tmp/run/fifo.conf"
want fifo "fifo.conf: not a regular file"

want missing "missing.conf: No such file or directory"

# Issue 12: a pppd in a directory others may write, an identity there,
# and (as root) a pppd and a key owned by another user are refused.
mkdir "$tmp/open"
chmod 0777 "$tmp/open"
printf '#!/bin/sh\nexit 0\n' >"$tmp/open/pppd"
chmod 0755 "$tmp/open/pppd"
: >"$tmp/open/id"
link="link office\n\thost gw.example.org\n\tlocal-ip 10.9.0.1\n"
link="$link\tremote-ip 10.9.0.2\n"
# shellcheck disable=SC2059 # $link holds the escapes on purpose
printf "identity $tmp/id\nknown-hosts $tmp/known_hosts\npppd $tmp/open/pppd\n$link" \
    >"$tmp/run/pppd-open-dir.conf"
want pppd-open-dir "pppd-open-dir.conf:3: pppd: $tmp/open/pppd: directory $tmp/open is writable by others (mode 0777; chmod go-w $tmp/open)"
# shellcheck disable=SC2059
printf "identity $tmp/open/id\nknown-hosts $tmp/known_hosts\npppd $tmp/pppd\n$link" \
    >"$tmp/run/identity-open-dir.conf"
want identity-open-dir "identity-open-dir.conf:1: identity: $tmp/open/id: directory $tmp/open is writable by others (mode 0777; chmod go-w $tmp/open)"
if [ "$(id -u)" -eq 0 ]; then
	cp "$tmp/pppd" "$tmp/theirs-pppd"
	: >"$tmp/theirs-id"
	chown 65534 "$tmp/theirs-pppd" "$tmp/theirs-id"
	# shellcheck disable=SC2059
	printf "identity $tmp/theirs-id\nknown-hosts $tmp/known_hosts\npppd $tmp/theirs-pppd\n$link" \
	    >"$tmp/run/theirs.conf"
	want theirs "theirs.conf:1: identity: $tmp/theirs-id: file $tmp/theirs-id is owned by uid 65534, not root (chown root $tmp/theirs-id)" \
	    "theirs.conf:3: pppd: $tmp/theirs-pppd: file $tmp/theirs-pppd is owned by uid 65534, not root (chown root $tmp/theirs-pppd)"
fi

# ------------------------------------------------------------------ run
cd "$tmp/run"
failed=0
total=0
for w in "$tmp/want"/*; do
	name=$(basename "$w")
	total=$((total + 1))
	rc=0
	"$vpnd" -t -f "$name.conf" >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
	ok=true
	if [ "$rc" -ne 2 ]; then
		printf 'FAIL: %s: exit status %s, want 2\n' "$name" "$rc"
		ok=false
	fi
	if [ -s "$tmp/stdout" ]; then
		printf 'FAIL: %s: unexpected output on stdout:\n' "$name"
		cat "$tmp/stdout"
		ok=false
	fi
	if ! cmp -s "$w" "$tmp/stderr"; then
		printf 'FAIL: %s: stderr differs (- want, + got):\n' "$name"
		diff -u "$w" "$tmp/stderr" | sed '1,2d' || true
		ok=false
	fi
	if $ok; then
		printf 'ok: %s\n' "$name"
	else
		failed=$((failed + 1))
	fi
done

printf '%d cases, %d failed\n' "$total" "$failed"
[ "$failed" -eq 0 ]
