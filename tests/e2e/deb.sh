#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Kernel tier: the Debian package.  tools/deb.sh builds it (as
# `dpkg-buildpackage -us -uc -b` in a clean clone, checked by lintian)
# into build/deb/; tools/test.sh and CI run that first.  Here, on the
# host: the package holds what an admin expects where Debian puts it
# (vpnd and vpn-peer in /usr/sbin, vpnctl in /usr/bin, the unit
# vpn.service and the init script vpn, the defaults and cron files as
# conffiles, the example vpn.conf under the doc examples and no
# /etc/vpn/vpn.conf, manual pages naming /etc and /run), its postinst
# makes the system group vpn and enables and starts the unit and the init
# script.  Then in the guest (scenarios/deb.sh) the package is unpacked
# with dpkg-deb -x into the guest's tmpfs and its init script and vpnctl
# run a real link, under the unit's capability set.
#
# No .deb built: SKIP (77), saying how to build one.  Not built here:
# the build takes longer than a kernel test and needs debhelper and
# lintian, which tools/deps.sh installs for tools/deb.sh.
set -eu

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

e2e_check_host || exit $?
deb=
for f in "$top_builddir"/deb/pppssh_*.deb; do
	[ -f "$f" ] && deb=$f
done
if [ -z "$deb" ]; then
	echo "SKIP: no $top_builddir/deb/pppssh_*.deb: build it with" \
	    "sh tools/deb.sh (tools/test.sh does)" >&2
	exit 77
fi
command -v dpkg-deb >/dev/null 2>&1 ||
    { echo "SKIP: dpkg-deb not found (install dpkg)" >&2; exit 77; }

tmp=
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup()
{
	rc=$?
	trap - EXIT
	case $tmp in
	"$top_builddir"/tests/e2e/deb-check.*) rm -rf "$tmp" ;;
	esac
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 99' HUP INT TERM
mkdir -p "$top_builddir/tests/e2e"
tmp=$(mktemp -d "$top_builddir/tests/e2e/deb-check.XXXXXX") || exit 99

bad()
{
	echo "FAIL: $deb: $*" >&2
	exit 1
}

echo "deb: $deb"
dpkg-deb -c "$deb" | awk '{ print $NF }' | sed 's|^\./|/|' >"$tmp/files"
for f in /usr/sbin/vpnd /usr/sbin/vpn-peer /usr/bin/vpnctl \
    /etc/init.d/vpn /lib/systemd/system/vpn.service /etc/default/vpn \
    /etc/cron.d/vpn /usr/share/doc/pppssh/examples/etc/vpn.conf \
    /usr/share/man/man8/vpnd.8.gz /usr/share/man/man8/vpnctl.8.gz \
    /usr/share/man/man5/vpn.conf.5.gz /etc/vpn/; do
	grep -qx "$f" "$tmp/files" || bad "no $f in the package"
done
for f in /etc/vpn/vpn.conf /lib/systemd/system/vpnd.service \
    /usr/sbin/vpnctl; do
	if grep -qx "$f" "$tmp/files"; then
		bad "$f is in the package"
	fi
done
echo "ok: files where Debian puts them, no /etc/vpn/vpn.conf"

dpkg-deb -e "$deb" "$tmp/control"
for f in /etc/default/vpn /etc/cron.d/vpn /etc/init.d/vpn; do
	grep -qx "$f" "$tmp/control/conffiles" || bad "$f is not a conffile"
done
depends=$(dpkg-deb -f "$deb" Depends)
for d in adduser ppp; do
	printf '%s\n' "$depends" | grep -q "\\b$d\\b" ||
	    bad "Depends: $depends lacks $d"
done
post=$tmp/control/postinst
grep -q 'addgroup --system --quiet vpn' "$post" ||
    bad "postinst does not make the group vpn"
# The group before the unit starts (vpnd gives its socket to it).
g=$(grep -n 'addgroup --system' "$post" | cut -d: -f1)
u=$(grep -n 'deb-systemd-invoke .*vpn.service' "$post" | head -n 1 | cut -d: -f1)
[ -n "$u" ] || bad "postinst does not start vpn.service"
[ "$g" -lt "$u" ] || bad "postinst starts vpn.service before it makes the group"
grep -q "deb-systemd-helper .*enable 'vpn.service'" "$post" ||
    bad "postinst does not enable vpn.service"
grep -q 'update-rc.d vpn defaults' "$post" ||
    bad "postinst does not enable the init script"
grep -q 'invoke-rc.d --skip-systemd-native vpn .* || vpn_start_failed' \
    "$post" || bad "postinst does not start the init script (sysvinit)"
echo "ok: conffiles, Depends, postinst: group vpn, then the unit and script"

# The manual pages print the paths this package uses.
dpkg-deb -x "$deb" "$tmp/root"
for want in /etc/vpn/vpn.conf /run/vpnd.pid /run/vpnd.sock \
    /lib/systemd/system/vpn.service /usr/share/doc/pppssh/examples/etc/; do
	zcat "$tmp/root/usr/share/man/man8/vpnd.8.gz" | grep -qF "$want" ||
	    bad "vpnd(8) does not name $want"
done
echo "ok: vpnd(8) names /etc/vpn/vpn.conf, /run/vpnd.pid, ..."

# In a subshell, so that e2e_run's traps (which stop the guest) and ours
# (which remove $tmp) both hold.
rc=0
(e2e_run deb "E2E_DEB=$deb" "$@") || rc=$?
exit "$rc"
