#!/bin/sh
# SPDX-License-Identifier: ISC
# Install the Debian 12 packages pppssh needs to build, test and run its
# demo.  Idempotent: only missing packages are installed.  Services that
# packages would start on this machine (sshd) are kept from starting.
set -eu

PKGS="build-essential autoconf automake pkg-config
libssh2-1-dev libcurl4-openssl-dev libmnl-dev libcmocka-dev
mandoc shellcheck clang libclang-rt-14-dev
openssh-server openssh-client ppp sudo user-mode-linux kmod
iproute2 iputils-ping procps python3 openssl util-linux systemd nftables
iperf3 sudo debhelper lintian python3-prometheus-client
dnsmasq-base openresolv"

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: run as root (apt-get install)" >&2
	exit 2
fi

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -n "$missing" ] || exit 0

echo "deps.sh: installing:$missing"
policy=/usr/sbin/policy-rc.d
made_policy=
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	made_policy=1
fi
cleanup() {
	if [ -n "$made_policy" ]; then
		rm -f "$policy"
	fi
}
trap cleanup EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086 # the list is meant to split
apt-get install -y -q --no-install-recommends $missing
