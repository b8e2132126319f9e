#!/bin/sh
# SPDX-License-Identifier: ISC
#
# vpnd -T prints the effective configuration in canonical form; that
# output must itself be a valid configuration whose canonical form is
# the same text.  Runs over the good configurations in
# tests/conf/cases/good (one uses every keyword and has its expected
# output beside it as NAME.want) and a generated one with many links.
set -eu

: "${top_srcdir:?run from make check}"
: "${top_builddir:?run from make check}"
vpnd="$top_builddir/src/vpnd"
good="$top_srcdir/tests/conf/cases/good"

if [ ! -x "$vpnd" ]; then
	echo "FAIL: $vpnd not built" >&2
	exit 99
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/conf-roundtrip.XXXXXX") || exit 99
cleanup() {
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

umask 077
: >"$tmp/id"
: >"$tmp/known_hosts"
printf '#!/bin/sh\nexit 0\n' >"$tmp/pppd"
chmod 0700 "$tmp/pppd"
mkdir "$tmp/in"

for conf in "$good"/*.conf; do
	sed "s|@DIR@|$tmp|g" "$conf" >"$tmp/in/$(basename "$conf")"
done

# 200 links, each with its own /24 and interface.
{
	printf 'identity %s/id\nknown-hosts %s/known_hosts\npppd %s/pppd\n' \
	    "$tmp" "$tmp" "$tmp"
	i=0
	while [ "$i" -lt 200 ]; do
		printf 'link l%d\n\thost gw%d.example.org\n' "$i" "$i"
		printf '\tlocal-ip 10.%d.%d.1\n\tremote-ip 10.%d.%d.2\n' \
		    $((i / 100 + 1)) $((i % 100)) $((i / 100 + 1)) $((i % 100))
		printf '\tremote-net 172.%d.%d.0/24\n' \
		    $((i / 100 + 16)) $((i % 100))
		i=$((i + 1))
	done
} >"$tmp/in/many-links.conf"

failed=0
total=0
cd "$tmp"
for conf in in/*.conf; do
	name=$(basename "$conf" .conf)
	total=$((total + 1))

	rc=0
	"$vpnd" -t -f "$conf" >"$tmp/out" 2>"$tmp/err" || rc=$?
	if [ "$rc" -ne 0 ] || [ "$(cat "$tmp/err")" != "$conf: configuration OK" ]
	then
		printf 'FAIL: %s: vpnd -t exit %s:\n' "$name" "$rc"
		cat "$tmp/err"
		failed=$((failed + 1))
		continue
	fi

	rc=0
	"$vpnd" -T -f "$conf" >"$tmp/$name.1" 2>"$tmp/err" || rc=$?
	if [ "$rc" -ne 0 ] || [ -s "$tmp/err" ] || [ ! -s "$tmp/$name.1" ]; then
		printf 'FAIL: %s: vpnd -T exit %s:\n' "$name" "$rc"
		cat "$tmp/err"
		failed=$((failed + 1))
		continue
	fi

	rc=0
	"$vpnd" -T -f "$tmp/$name.1" >"$tmp/$name.2" 2>"$tmp/err" || rc=$?
	if [ "$rc" -ne 0 ] || [ -s "$tmp/err" ]; then
		printf 'FAIL: %s: vpnd -T of its own output, exit %s:\n' \
		    "$name" "$rc"
		cat "$tmp/err"
		failed=$((failed + 1))
		continue
	fi
	if ! cmp -s "$tmp/$name.1" "$tmp/$name.2"; then
		printf 'FAIL: %s: output changes when fed back:\n' "$name"
		diff -u "$tmp/$name.1" "$tmp/$name.2" || true
		failed=$((failed + 1))
		continue
	fi

	if [ -f "$good/$name.want" ]; then
		sed "s|@DIR@|$tmp|g" "$good/$name.want" >"$tmp/$name.want"
		if ! cmp -s "$tmp/$name.want" "$tmp/$name.1"; then
			printf 'FAIL: %s: canonical output differs (- want):\n' \
			    "$name"
			diff -u "$tmp/$name.want" "$tmp/$name.1" || true
			failed=$((failed + 1))
			continue
		fi
	fi
	printf 'ok: %s\n' "$name"
done

# The every-keyword config must really use every keyword vpnd prints.
for kw in control-socket control-group max-dials link host port user identity \
    known-hosts local-ip remote-ip remote-net local-net ifname \
    remote-ifname remote-command remote-ip-command pppd pppd-options \
    remote-pppd-options keepalive backoff connect-timeout mtu \
    compression autostart dns dns-domains remote-dns probe; do
	if ! grep -Eq "^[[:space:]]*${kw}[[:space:]]" "$good/every-keyword.conf"
	then
		printf 'FAIL: every-keyword.conf does not use %s\n' "$kw"
		failed=$((failed + 1))
	fi
done

printf '%d configs, %d failed\n' "$total" "$failed"
[ "$failed" -eq 0 ]
