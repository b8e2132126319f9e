#!/bin/sh
# SPDX-License-Identifier: ISC
# The sudoers examples of vpnctl(8) and vpn-peer(8), and vpn-peer(8)'s
# authorized_keys line, are what `vpnctl setup` prints for the links the
# pages show (issue 12): each page's lines, unfolded, against the output
# of the built vpnctl for that link.  The gateway is 127.0.0.1 port 1,
# which refuses at once: the host key part is not compared.
set -eu
: "${top_srcdir:?run from make check}"
: "${top_builddir:?run from make check}"
VPNCTL=$top_builddir/src/vpnctl
if [ ! -x "$VPNCTL" ]; then
	echo "ERROR: $VPNCTL is not built" >&2
	exit 99
fi
if ! command -v ssh-keygen >/dev/null; then
	echo "SKIP: ssh-keygen not found (install openssh-client)" >&2
	exit 77
fi
dir=$(mktemp -d /tmp/man_sudoers.XXXXXX)
trap 'rm -rf "$dir"' EXIT
ssh-keygen -q -t ed25519 -N '' -C vpnd@office -f "$dir/id" </dev/null ||
    { echo "ERROR: ssh-keygen" >&2; exit 99; }
: >"$dir/known_hosts"

# setup_out LINE...: what setup prints for the link office of the pages
# (vpn.conf(5)'s addresses and local-net), with LINE... added to it.
setup_out()
{
	(
		umask 077
		{
			echo "link office"
			printf '    %s\n' "host 127.0.0.1:1" "connect-timeout 1" \
			    "user vpn" "identity $dir/id" \
			    "known-hosts $dir/known_hosts" "pppd /bin/true" \
			    "local-ip 10.9.0.1" "remote-ip 10.9.0.2" \
			    "local-net 172.16.1.0/24" "$@"
		} >"$dir/vpn.conf"
	)
	"$VPNCTL" setup -f "$dir/vpn.conf" office >"$dir/out" 2>"$dir/err" || {
		echo "FAIL: vpnctl setup: $(cat "$dir/err")" >&2
		exit 1
	}
}

# setup_sudoers: the sudoers lines of the output.
setup_sudoers()
{
	sed -n '/^Defaults:vpn /,/^(these lines/p' "$dir/out" | sed '$d'
}

# page_sudoers PAGE: its sudoers example, each rule's folded lines joined
# (a line that does not end in "\e" goes on in the next), "\e" as "\".
page_sudoers()
{
	awk '
	/^Defaults:vpn !requiretty$/ { on = 1 }
	on && !/^(Defaults:|vpn ALL=|    )/ { exit }
	on {
		if (buf == "")
			buf = $0
		else if (buf ~ /\\e$/ || $0 ~ /^vpn ALL=/ ||
		    buf ~ /^Defaults:/) {
			print buf
			buf = $0
		} else {
			sub(/^ +/, "", $0)
			buf = buf " " $0
		}
	}
	END { if (buf != "") print buf }' "$1" | sed 's/\\e/\\/g'
}

# same WHAT WANT GOT
same()
{
	if [ "$2" != "$3" ]; then
		printf 'FAIL: %s differs from what vpnctl setup prints\n' "$1"
		printf '%s\n' "$2" >"$dir/want"
		printf '%s\n' "$3" >"$dir/got"
		diff -u "$dir/want" "$dir/got" || true
		exit 1
	fi
	printf 'ok: %s\n' "$1"
}

setup_out
page=$(page_sudoers "$top_builddir/man/vpnctl.8")
[ -n "$page" ] || { echo "FAIL: no sudoers example in vpnctl.8"; exit 1; }
same "vpnctl.8's sudoers example" "$(setup_sudoers)" "$page"

setup_out "remote-command vpn-peer"
page=$(page_sudoers "$top_builddir/man/vpn-peer.8")
[ -n "$page" ] || { echo "FAIL: no sudoers example in vpn-peer.8"; exit 1; }
same "vpn-peer.8's sudoers example" "$(setup_sudoers)" "$page"
# The forced command, up to its closing quote; sbindir as installed.
page=$(awk '
	/^restrict,command=/ { buf = $0; on = 1; next }
	on && /^    / { sub(/^ +/, "", $0); buf = buf " " $0; next }
	on { exit }
	END { print buf }' "$top_builddir/man/vpn-peer.8" |
    sed 's/^\(restrict,command="[^"]*"\).*/\1/')
got=$(sed -n 's/^\(restrict,command="[^"]*"\).*/\1/p' "$dir/out" |
    sed 's|="[^ ]*/vpn-peer |="/usr/sbin/vpn-peer |')
same "vpn-peer.8's authorized_keys example" "$got" "$page"
