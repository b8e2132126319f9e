#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Kernel tier: the init script as `make install DESTDIR=...` installs it
# starts vpnd in gwa and a real link comes up (routes at both ends, ping
# across); status 0; stop takes the link down at both ends and status
# says 3.  Then the same under the systemd unit's capability bounding set
# and no-new-privileges.  Scenario: tests/e2e/scenarios/initscript.sh.
#
# The install is made here, on the host, under the build tree: the guest
# sees the host's / read-only, but not its /tmp.
set -eu

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
: "${MAKE:=make}"

e2e_check_host || exit $?
command -v "$MAKE" >/dev/null 2>&1 || {
	echo "SKIP: $MAKE not found (install make)" >&2
	exit 77
}

dest=
sub=
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup()
{
	rc=$?
	set +e
	trap - EXIT HUP INT TERM
	if [ -n "$sub" ] && kill -0 "$sub" 2>/dev/null; then
		# e2e_run's own trap stops the guest.
		kill -TERM "$sub"
		wait "$sub"
	fi
	case $dest in
	"$top_builddir"/tests/e2e/initscript-dest.*) rm -rf "$dest" ;;
	esac
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 99' HUP INT TERM

mkdir -p "$top_builddir/tests/e2e"
dest=$(mktemp -d "$top_builddir/tests/e2e/initscript-dest.XXXXXX") || exit 99
# Not a sub-make of `make check`'s own: its jobserver is not ours.
if ! env -u MAKEFLAGS -u MFLAGS "$MAKE" -C "$top_builddir" install \
    DESTDIR="$dest" >"$dest/install.log" 2>&1; then
	cat "$dest/install.log" >&2
	echo "ERROR: make install DESTDIR=$dest failed" >&2
	exit 99
fi
echo "e2e: installed into $dest"

# In a subshell, so that its traps (which stop the guest) and ours
# (which remove $dest) both hold.
(e2e_run initscript "E2E_DESTDIR=$dest" "$@") &
sub=$!
rc=0
wait "$sub" || rc=$?
sub=
exit "$rc"
