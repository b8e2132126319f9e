#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The generated service files are sound: the init script and the defaults
# file are clean under shellcheck (POSIX sh), the init script carries a
# complete LSB header providing its own name only and hands over to
# systemctl through /lib/lsb/init-functions, every file had all its
# @word@s filled in, and the systemd unit, named like the init script,
# passes `systemd-analyze verify` (its ExecStart pointed at this build's
# vpnd, its man pages at this build's) with the settings it documents
# (Type=notify, the watchdog, the capabilities vpnd needs), and an
# offline exposure score of 4.4 or better (`systemd-analyze security`;
# 4.6 is the score before the unit became Type=notify and got CAP_CHOWN).
set -eu
: "${top_srcdir:?run from make check}"
: "${top_builddir:?run from make check}"
: "${SHELLCHECK:=$(command -v shellcheck || :)}"
: "${SYSTEMD_ANALYZE:=$(command -v systemd-analyze || :)}"

if [ -z "$SHELLCHECK" ]; then
	echo "SKIP: shellcheck not found (install the Debian package shellcheck)" >&2
	exit 77
fi
if [ -z "$SYSTEMD_ANALYZE" ]; then
	echo "SKIP: systemd-analyze not found (install the Debian package systemd)" >&2
	exit 77
fi

init=$top_builddir/initscripts/vpn
unit=$top_builddir/initscripts/vpn.service
status=0
bad()
{
	printf 'FAIL: %s\n' "$*" >&2
	status=1
}

for f in "$init" "$unit" "$top_builddir/etc/vpn.conf" \
    "$top_builddir/etc/default/vpn" "$top_builddir/etc/cron.d/vpn"; do
	if [ ! -f "$f" ]; then
		bad "$f not built"
		continue
	fi
	if grep -n '@[a-z_]*@' "$f" >&2; then
		bad "$f: @word@ left unsubstituted (above)"
	fi
done
[ "$status" -eq 0 ] || exit "$status"

if "$SHELLCHECK" -s sh "$init" >&2; then
	echo "ok: shellcheck $init"
else
	bad "shellcheck $init"
fi
if "$SHELLCHECK" -s sh "$top_builddir/etc/default/vpn" >&2; then
	echo "ok: shellcheck etc/default/vpn"
else
	bad "shellcheck etc/default/vpn"
fi
sh -n "$init" || bad "sh -n $init"

# LSB 3.1, 20.3: the comment block insserv and update-rc.d read.
hdr=$(sed -n '/^### BEGIN INIT INFO$/,/^### END INIT INFO$/p' "$init")
[ -n "$hdr" ] || bad "$init: no LSB header"
for k in Provides Required-Start Required-Stop Default-Start Default-Stop \
    Short-Description Description; do
	printf '%s\n' "$hdr" | grep -q "^# $k:" || bad "$init: no $k: line"
done
printf '%s\n' "$hdr" | grep -q '^# Default-Start: *2 3 4 5$' ||
    bad "$init: Default-Start is not 2 3 4 5"
printf '%s\n' "$hdr" | grep -q '^# Provides: *vpn$' ||
    bad "$init: Provides: is not vpn alone (one name for script and unit)"
echo "ok: LSB header"
# The systemd hook of init-functions redirects to vpn.service: sourced
# before the script acts, with its arguments.
first=$(grep -n '^[[:space:]]*\. /lib/lsb/init-functions$' "$init" | cut -d: -f1)
act=$(grep -n '^case \$1 in$' "$init" | head -n 1 | cut -d: -f1)
if [ -z "$first" ] || [ -z "$act" ] || [ "$first" -ge "$act" ]; then
	bad "$init: does not source /lib/lsb/init-functions before acting"
else
	echo "ok: sources /lib/lsb/init-functions (line $first)"
fi

# systemd-analyze verify wants the programs and man pages it names to
# exist: point them at this build.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/initscripts-lint.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
sbindir=$(sed -n 's|^ExecStart=\(.*\)/vpnd .*|\1|p' "$unit")
[ -n "$sbindir" ] || bad "$unit: no ExecStart=.../vpnd"
sed "s|$sbindir/vpnd|$top_builddir/src/vpnd|g" "$unit" >"$tmp/vpn.service"
mkdir -p "$tmp/man/man5" "$tmp/man/man8"
cp "$top_builddir/man/vpn.conf.5" "$tmp/man/man5/"
cp "$top_builddir/man/vpnd.8" "$tmp/man/man8/"
man=--man=no
command -v man >/dev/null 2>&1 && man=--man=yes
cp "$top_builddir/man/vpnctl.8" "$tmp/man/man8/"
if MANPATH=$tmp/man "$SYSTEMD_ANALYZE" verify "$man" "$tmp/vpn.service" \
    >"$tmp/verify.out" 2>&1; then
	echo "ok: systemd-analyze verify $unit ($man)"
else
	cat "$tmp/verify.out" >&2
	bad "systemd-analyze verify $unit"
fi

# What the unit promises in its comments, checked line by line.
for want in Type=notify "ExecStart=$sbindir/vpnd -D " "ExecReload=" \
    KillMode=mixed WatchdogSec= Restart=on-failure \
    RestartPreventExitStatus=2 \
    "CapabilityBoundingSet=CAP_CHOWN CAP_NET_ADMIN CAP_NET_RAW\$" \
    NoNewPrivileges=yes \
    "RestrictAddressFamilies=AF_UNIX AF_NETLINK AF_INET AF_INET6" \
    ProtectSystem=full ProtectHome=read-only UMask=0077; do
	grep -q "^$want" "$unit" || bad "$unit: no $want"
done
for never in PrivateDevices=yes ProtectKernelModules=yes \
    ProtectKernelTunables=yes DevicePolicy=closed; do
	! grep -q "^$never" "$unit" || bad "$unit: $never breaks pppd"
done
for never in Type=forking PIDFile= NotifyAccess=all; do
	! grep -q "^$never" "$unit" || bad "$unit: $never (vpnd -D is Type=notify)"
done
# One configuration: the one ExecStart runs, ExecReload checks and the
# condition waits for.
conf=$(sed -n 's/^ExecStart=.* -f \([^ ]*\).*/\1/p' "$unit")
[ -n "$conf" ] || bad "$unit: ExecStart names no -f FILE"
grep -q "^ExecReload=$sbindir/vpnd -t -f $conf\$" "$unit" ||
    bad "$unit: ExecReload does not check $conf"
grep -q "^ConditionPathExists=$conf\$" "$unit" ||
    bad "$unit: no ConditionPathExists=$conf"
# The offline exposure score (0 safest, 10 none): 4.6 before Type=notify
# and CAP_CHOWN, 4.4 since; it may not get worse.
if "$SYSTEMD_ANALYZE" security --offline=yes --threshold=44 \
    "$tmp/vpn.service" >"$tmp/security.out" 2>&1; then
	echo "ok: $(grep 'Overall exposure' "$tmp/security.out")"
else
	cat "$tmp/security.out" >&2
	bad "systemd-analyze security: exposure above 4.4"
fi
exit "$status"
