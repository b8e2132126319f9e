#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Kernel tier, issue 11: the README's "Site-to-site setup from zero",
# pasted.  Here, on the host: pppssh is configured with the README's own
# configure line (its section "Running it as a service") and built in a
# scratch build tree, and every ```sh block of the site-to-site section
# is cut out, in order, as a file named after the machine its step names
# ("On the gateway" or "the office machine"); a command that waits for
# a paste must end its block, or a pasted block would feed it the lines
# after it.  In the guest
# (tests/e2e/scenarios/readme.sh) the office is gwa and the gateway gwb,
# the scratch tree is installed with `make install` over a writable
# layer of the guest's /etc, /usr, /var and /home, and each block runs
# there as a root shell would run it pasted.
#
# The scratch tree lives under the build tree: the guest sees the
# host's / read-only, but not its /tmp.
set -eu

# The guest installs pppssh and runs two dozen real commands.
: "${E2E_TIMEOUT:=150}"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
: "${MAKE:=make}"

e2e_check_host || exit $?
for t in "$MAKE" awk sudo visudo adduser; do
	command -v "$t" >/dev/null 2>&1 || {
		echo "SKIP: $t not found (Debian packages: make gawk sudo" \
		    "adduser)" >&2
		exit 77
	}
done

readme=$top_srcdir/README.md
dir=
sub=
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup()
{
	rc=$?
	set +e
	trap - EXIT HUP INT TERM
	if [ -n "$sub" ] && kill -0 "$sub" 2>/dev/null; then
		kill -TERM "$sub"
		wait "$sub"
	fi
	case $dir in
	"$top_builddir"/tests/e2e/readme.*) rm -rf "$dir" ;;
	esac
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 99' HUP INT TERM

mkdir -p "$top_builddir/tests/e2e"
dir=$(mktemp -d "$top_builddir/tests/e2e/readme.XXXXXX") || exit 99
mkdir "$dir/build" "$dir/steps"

# The README's configure line, with its continuation lines.
configure=$(awk '
	/^## / { sect = $0 }
	sect ~ /Running it as a service/ && /^ *\.\/configure / { on = 1 }
	on { line = line $0; if ($0 !~ /\\$/) { print line; exit }
	     sub(/\\$/, "", line) }' "$readme")
case $configure in
*./configure\ *) ;;
*)	echo "ERROR: no ./configure line in README.md's service section" >&2
	exit 99 ;;
esac
echo "e2e: README's configure: $configure"
(
	cd "$dir/build" &&
	    eval "$top_srcdir/configure ${configure#*./configure }" \
	    >"$dir/configure.log" 2>&1 &&
	    env -u MAKEFLAGS -u MFLAGS "$MAKE" >"$dir/make.log" 2>&1
) || {
	cat "$dir/configure.log" "$dir/make.log" >&2 2>/dev/null
	echo "ERROR: the README's configure and make failed" >&2
	exit 99
}

# The site-to-site section's ```sh blocks, as NN-gateway.sh or
# NN-office.sh, their fence's indentation taken off.
awk -v out="$dir/steps" '
	/^## / { sect = ($0 ~ /^## Site-to-site setup from zero/) }
	!sect { next }
	fence != "" {
		if ($0 ~ "^" fence "```$") { fence = ""; close(file); next }
		line = $0
		if (substr(line, 1, length(fence)) == fence)
			line = substr(line, length(fence) + 1)
		print line >file
		next
	}
	/^ *```sh$/ {
		if (role == "") { print "no machine named before a block" \
		    >"/dev/stderr"; exit 1 }
		n++
		fence = $0; sub(/```sh$/, "", fence)
		file = sprintf("%s/%02d-%s.sh", out, n, role)
		printf "" >file
		next
	}
	/[Oo]n the gateway/ { role = "gateway" }
	/office machine/ { role = "office" }
' "$readme" || exit 99
# Pasted into a terminal, the lines after a command that reads what the
# user pastes would be read by that command: it must end its block.
for f in "$dir/steps"/*.sh; do
	if grep -q '# paste the' "$f" &&
	    ! tail -n 1 "$f" | grep -q '# paste the'; then
		echo "FAIL: README.md: a block goes on after a line that waits" \
		    "for a paste:" >&2
		cat "$f" >&2
		exit 1
	fi
done
nsteps=$(find "$dir/steps" -name '*.sh' | wc -l)
[ "$nsteps" -ge 7 ] || {
	echo "ERROR: only $nsteps blocks in README.md's site-to-site section" >&2
	exit 99
}
for f in "$dir/steps"/*.sh; do
	echo "----- $(basename "$f") -----"
	cat "$f"
done

(e2e_run readme "README_DIR=$dir" "$@") &
sub=$!
rc=0
wait "$sub" || rc=$?
sub=
exit "$rc"
