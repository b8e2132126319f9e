#!/bin/sh
# SPDX-License-Identifier: ISC
# Build the Debian package as `dpkg-buildpackage -us -uc -b` does in a
# fresh clone, and check it with lintian.  The tree is copied first: the
# files git knows (tracked, and new ones it does not ignore) as they are
# in the work tree now, without build output, so a build here says what
# a clean clone of this commit gives.  The .deb, the build log and
# lintian's report go to build/deb/; an error from lintian fails, its
# warnings are printed (the one kept, with why, is in
# debian/pppssh.lintian-overrides).  tools/test.sh runs this before the
# kernel tier, whose tests/e2e/deb.sh unpacks this .deb in the guest.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh tools/deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
out=$top/build/deb
if ! git rev-parse --git-dir >/dev/null 2>&1; then
	echo "deb.sh: $top is not a git checkout (or git is missing)" >&2
	exit 2
fi

rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/pppssh-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM
mkdir "$work/pppssh"
# --ignore-failed-read: a file deleted but not yet committed is skipped.
git ls-files -z --cached --others --exclude-standard |
    tar --null -T - --ignore-failed-read -cf - 2>/dev/null |
    tar -xf - -C "$work/pppssh"

t0=$(date +%s)
if ! (cd "$work/pppssh" &&
    DEB_BUILD_OPTIONS="parallel=$jobs" dpkg-buildpackage -us -uc -b) \
    >"$out/build.log" 2>&1; then
	tail -n 60 "$out/build.log" >&2
	echo "deb.sh: dpkg-buildpackage failed (build/deb/build.log)" >&2
	exit 1
fi
cp "$work"/*.deb "$out/"
debs=$(cd "$out" && echo ./*.deb)
echo "deb.sh: built ${debs} in $(($(date +%s) - t0)) s"

status=0
lintian --fail-on error --info "$work"/*.changes >"$out/lintian.txt" 2>&1 ||
    status=$?
if [ -s "$out/lintian.txt" ]; then
	echo "deb.sh: lintian:"
	sed 's/^/	/' "$out/lintian.txt"
else
	echo "deb.sh: lintian: nothing to report"
fi
if [ "$status" -ne 0 ]; then
	echo "deb.sh: lintian failed (exit status $status)" >&2
	exit 1
fi
