#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Every configuration example of the manual pages and of README.md passes
# `vpnd -t`.  An example is a literal block (.Bd -literal in a page, an
# indented block or a heredoc body in README.md) in which every line that
# is not empty or a comment starts with a vpn.conf keyword (the .It Cm
# items of vpn.conf(5)), or a one-line .Dl example that starts with one.
# One with a link line is checked as it is, a whole file; one without
# (the lines that illustrate a keyword) inside the smallest file around
# it: its global-only keywords first, then a link to gw.example.org with
# its addresses and remote-net 10.0.0.0/24 (the pages' running example)
# and the example's lines, which replace that link's own for the same
# keywords; and a key.
# The files an example names (identity, known_hosts, a CA, credentials,
# pppd) are made in a scratch directory, and each absolute path of a path
# keyword is moved into it: /etc/vpn/id_ed25519 becomes
# SCRATCH/root/etc/vpn/id_ed25519, with the mode vpnd wants.  A file
# without known-hosts or pppd gets them as the defaults of an installed
# vpnd would be: /etc/vpn/known_hosts and /usr/sbin/pppd, moved likewise.
set -eu

: "${top_srcdir:?run from make check}"
: "${top_builddir:?run from make check}"
vpnd=$top_builddir/src/vpnd
[ -x "$vpnd" ] || { echo "ERROR: $vpnd not built" >&2; exit 99; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/man-examples.XXXXXX") || exit 99
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup()
{
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM
mkdir "$tmp/ex" "$tmp/root"
umask 077

KEYWORDS=$(sed -n 's/^\.It Cm \([a-z-]*\).*/\1/p' \
    "$top_builddir/man/vpn.conf.5" | sort -u | tr '\n' ' ')
case " $KEYWORDS " in
*" link "*" remote-net "*) ;;
*) echo "ERROR: no keywords read from vpn.conf.5: $KEYWORDS" >&2; exit 99 ;;
esac
PATHS="identity known-hosts ca-file ca-path pppd ddns-credentials control-socket"

# ---------------------------------------------------------- extraction
# Literal blocks of the pages, one file each; .Dl lines one file each.
for page in "$top_builddir"/man/*.[58]; do
	awk -v out="$tmp/ex" -v tag="$(basename "$page")" '
		/^\.Bd -literal/ { n++; on = 1
			file = sprintf("%s/%s.%d", out, tag, n)
			printf "" >file; next }
		/^\.Ed/ { on = 0; close(file); next }
		on { gsub(/\\e/, "\\"); gsub(/\\&/, ""); print >file }
		/^\.Dl / { sub(/^\.Dl /, ""); n++
			file = sprintf("%s/%s.%d", out, tag, n)
			print >file; close(file) }
	' "$page"
done
# README.md: indented blocks outside fences, heredoc bodies inside them.
awk -v out="$tmp/ex" '
	function flush() { if (file != "") close(file); file = "" }
	/^ *```/ { flush(); fence = !fence; next }
	fence && /<<.EOF.?$/ { n++; file = sprintf("%s/README.md.%d", out, n)
		printf "" >file; heredoc = 1; next }
	fence && heredoc && /^ *EOF$/ { heredoc = 0; flush(); next }
	fence && heredoc { print >file; next }
	fence { next }
	/^    / && (prev == "" || file != "") {
		if (file == "") { n++
			file = sprintf("%s/README.md.i%d", out, n) }
		print >file; prev = $0; next }
	{ flush(); prev = $0 }
' "$top_srcdir/README.md"

# ------------------------------------------------------------ checking
# is_config FILE: every line that says something starts with a keyword.
is_config()
{
	_any=
	while read -r _w _rest; do
		case $_w in
		''|'#'*) continue ;;
		esac
		case " $KEYWORDS " in
		*" $_w "*) _any=1 ;;
		*) return 1 ;;
		esac
	done <"$1"
	[ -n "$_any" ]
}

# place KEYWORD PATH: the scratch copy of PATH, made as vpnd wants it.
place()
{
	_p=$tmp/root$2
	mkdir -p "$(dirname "$_p")"
	case $1 in
	ca-path) mkdir -p "$_p" ;;
	control-socket) ;;
	pppd) [ -e "$_p" ] || printf '#!/bin/sh\n' >"$_p"; chmod 0755 "$_p" ;;
	*) [ -e "$_p" ] || : >"$_p" ;;
	esac
	printf '%s\n' "$_p"
}

# scratch FILE OUT: FILE with the paths of path keywords moved, the
# files made; the defaults of an install added when FILE lacks them.
# shellcheck disable=SC2094 # place() makes other files than $1 and $2
scratch()
{
	{
		grep -q '^[[:space:]]*known-hosts[[:space:]]' "$1" ||
		    echo "known-hosts $(place known-hosts /etc/vpn/known_hosts)"
		grep -q '^[[:space:]]*pppd[[:space:]]' "$1" ||
		    echo "pppd $(place pppd /usr/sbin/pppd)"
		while IFS= read -r _l; do
			set -f
			# shellcheck disable=SC2086 # split the line into words
			set -- $_l
			set +f
			if [ $# -ge 2 ] && case " $PATHS " in
			    *" $1 "*) true ;; *) false ;; esac &&
			    case $2 in /*) true ;; *) false ;; esac; then
				_k=$1
				_v=$(place "$1" "$2")
				shift 2
				printf '\t%s %s %s\n' "$_k" "$_v" "$*"
			else
				printf '%s\n' "$_l"
			fi
		done <"$1"
	} >"$2"
}

failed=0
total=0
fragments=0
# check NAME FILE: vpnd -t passes on the scratch copy of FILE.
check()
{
	total=$((total + 1))
	scratch "$2" "$tmp/run.conf"
	if "$vpnd" -t -f "$tmp/run.conf" >"$tmp/out" 2>&1; then
		printf 'ok: %s\n' "$1"
		return 0
	fi
	failed=$((failed + 1))
	printf 'FAIL: %s: vpnd -t refuses it:\n' "$1"
	sed 's/^/    /' "$2"
	sed "s|$tmp/run.conf|$1|g; s/^/  > /" "$tmp/out"
}

GLOBAL_ONLY="control-socket control-group ca-file ca-path"
GLOBAL_ONLY="$GLOBAL_ONLY metrics-file metrics-interval"
GLOBAL_ONLY="$GLOBAL_ONLY max-dials"
# around FRAGMENT OUT: the smallest file around the lines of FRAGMENT.
around()
{
	grep -v '^[[:space:]]*\(#.*\)\{0,1\}$' "$1" >"$tmp/lines"
	{
		while read -r _w _rest; do
			case " $GLOBAL_ONLY " in
			*" $_w "*) printf '%s %s\n' "$_w" "$_rest" ;;
			esac
		done <"$tmp/lines"
		echo "identity /etc/vpn/id_ed25519"
		grep '^[[:space:]]*link[[:space:]]' "$tmp/lines" ||
		    echo "link example"
		for _d in "host gw.example.org" "local-ip 10.9.0.1" \
		    "remote-ip 10.9.0.2" "remote-net 10.0.0.0/24"; do
			grep -q "^[[:space:]]*${_d%% *}[[:space:]]" \
			    "$tmp/lines" || printf '\t%s\n' "$_d"
		done
		while read -r _w _rest; do
			case " $GLOBAL_ONLY link " in
			*" $_w "*) ;;
			*) printf '\t%s %s\n' "$_w" "$_rest" ;;
			esac
		done <"$tmp/lines"
	} >"$2"
}

for f in "$tmp/ex"/*; do
	is_config "$f" || continue
	if grep -q '^[[:space:]]*link[[:space:]]' "$f" &&
	    [ "$(grep -c '^[[:space:]]*[a-z]' "$f")" -gt 1 ]; then
		check "$(basename "$f")" "$f"
	else
		fragments=$((fragments + 1))
		around "$f" "$tmp/around.conf"
		check "$(basename "$f"): $(head -n 1 "$f")" "$tmp/around.conf"
	fi
done

printf '%d examples (%d whole files, %d around their lines), %d refused\n' \
    "$total" "$((total - fragments))" "$fragments" "$failed"
if [ "$((total - fragments))" -lt 5 ] || [ "$fragments" -lt 20 ]; then
	echo "ERROR: too few examples found: the extraction is broken" >&2
	exit 99
fi
[ "$failed" -eq 0 ]
