# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# Scenario (runs in the guest): the README's site-to-site setup, pasted
# (tests/e2e/readme.sh cut the blocks out and built pppssh with the
# README's configure line in $README_DIR/build).  The office is gwa, the
# gateway gwb; gw.example.org is gwb's address in /etc/hosts.  The
# guest's /etc, /usr, /var and /home get a writable layer (overlayfs on
# tmpfs), so that `make install`, adduser, visudo and the blocks write
# where a real machine's would.  The gateway's sshd runs with the
# system's own configuration and host keys, as installing
# openssh-server leaves it.
#
# Each block runs as `sh -e` in its machine's namespace, so its first
# failing command fails the scenario.  What a person does by hand the
# scenario does as they would: apt-get install only checks that the
# packages are there (the guest has no network to install from); the
# lines marked "# paste the authorized_keys line" read what `vpnctl
# setup` printed for them, and visudo's editor writes the sudoers lines
# setup printed; the fingerprint setup showed must be the one the
# gateway prints.  At the end the link is up: routes at both ends, a
# ping through the tunnel, `vpnctl` shows it up; the init script stops
# it.

: "${README_DIR:?}" "${E2E_DIR:?}"
IF=vpn-office
B=$README_DIR/build
[ -x "$B/src/vpnd" ] || fail "$B/src/vpnd is not built"

site_topology

# A writable layer over the host's read-only directories.
/run/.e2e/modprobe overlay 2>/dev/null || :
for d in /etc /usr /var /home; do
	l=/run/.e2e/layer$(echo "$d" | tr / _)
	mkdir -p "$l/upper" "$l/work" || fail "mkdir $l"
	mount -t overlay overlay \
	    -o "lowerdir=$d,upperdir=$l/upper,workdir=$l/work" "$d" ||
	    fail "overlay on $d"
done
# The guest's /run is empty: what the packages' boot would have made.
if ! mkdir -p /run/sshd /run/sudo || ! chmod 0711 /run/sudo; then
	fail "mkdir in /run"
fi
# Names as a Debian install has them: the machine's own (sudo looks it
# up) and the gateway's.
printf '127.0.1.1 %s\n%s gw.example.org\n' "$(hostname)" \
    "$SITE_GWB_WAN_IP" >>/etc/hosts || fail "/etc/hosts"
step "writable /etc /usr /var /home; gw.example.org is $SITE_GWB_WAN_IP"

# Installing pppssh on the office machine (step 2's prose).
collect_log "$E2E_DIR/install.log"
env -u MAKEFLAGS -u MFLAGS make -C "$B" install >"$E2E_DIR/install.log" 2>&1 ||
    fail "make install"
for p in /usr/sbin/vpnd /usr/bin/vpnctl /usr/libexec/pppssh/vpnctl-gateway \
    /usr/sbin/vpn-peer /etc/init.d/vpn; do
	[ -x "$p" ] || fail "make install did not install $p"
done
step "pppssh installed with the README's configure line"

# The gateway's sshd, as openssh-server leaves it running.
collect_log /var/log/auth.log
ip netns exec gwb /usr/sbin/sshd -E "$E2E_DIR/sshd.log" ||
    fail "sshd did not start in gwb"
collect_log "$E2E_DIR/sshd.log"
wait_for "[ -s /run/sshd.pid ]" 10 "sshd's pid file"

# apt-get install: the packages are there already.
mkdir -p "$E2E_DIR/bin" || fail "mkdir bin"
cat >"$E2E_DIR/bin/apt-get" <<'SH' || fail "write apt-get"
#!/bin/sh
[ "$1" = install ] || { echo "apt-get: only install here" >&2; exit 1; }
shift
dpkg-query -W -f='${Package} ${Status}\n' "$@" | grep -v 'install ok installed' &&
    exit 1
echo "apt-get: $* already installed"
SH
chmod 755 "$E2E_DIR/bin/apt-get"
# visudo's editor: writes the sudoers lines setup printed.
PASTE_AK=$E2E_DIR/paste.authorized_keys
PASTE_SUDOERS=$E2E_DIR/paste.sudoers
# visudo calls it as "EDITOR -- FILE".
cat >"$E2E_DIR/bin/paste-editor" <<SH || fail "write paste-editor"
#!/bin/sh
eval "f=\\\${\$#}"
cat "$PASTE_SUDOERS" >"\$f"
SH
chmod 755 "$E2E_DIR/bin/paste-editor"

# The blocks, in order.
setup_out=
for f in "$README_DIR"/steps/*.sh; do
	n=$(basename "$f" .sh)
	case $n in
	*-gateway) ns=gwb ;;
	*-office) ns=gwa ;;
	*) fail "block $n: no machine" ;;
	esac
	# What a person pastes by hand comes from setup's output.
	sed "s|\\(# paste the authorized_keys line\\)|<\"$PASTE_AK\" \\1|" \
	    "$f" >"$E2E_DIR/$n.sh" || fail "block $n"
	if grep -q '# paste the' "$f" && [ -z "$setup_out" ]; then
		fail "block $n pastes before setup printed anything"
	fi
	step "block $n, in $ns:"
	sed 's/^/    /' "$f"
	collect_log "$E2E_DIR/$n.out"
	rc=0
	(cd /root && ip netns exec "$ns" env -u VISUAL -u SUDO_EDITOR \
	    PATH="$E2E_DIR/bin:$PATH" EDITOR="$E2E_DIR/bin/paste-editor" \
	    HOME=/root sh -e "$E2E_DIR/$n.sh") </dev/null \
	    >"$E2E_DIR/$n.out" 2>&1 || rc=$?
	sed 's/^/    | /' "$E2E_DIR/$n.out"
	[ "$rc" = 0 ] || fail "block $n failed (exit $rc)"
	if grep -q '^authorized_keys line for user' "$E2E_DIR/$n.out"; then
		setup_out=$E2E_DIR/$n.out
		sed -n '/^authorized_keys line for user/{n;p;}' "$setup_out" \
		    >"$PASTE_AK"
		sed -n '/^sudoers lines for user/,/^(these lines/{
		    /^sudoers lines for user/d; /^(these lines/d; p; }' \
		    "$setup_out" >"$PASTE_SUDOERS"
		[ -s "$PASTE_AK" ] || fail "setup printed no authorized_keys line"
		[ -s "$PASTE_SUDOERS" ] || fail "setup printed no sudoers lines"
	fi
	fp=$(sed -n 's/^[0-9]* \(SHA256:[^ ]*\) .*/\1/p' "$E2E_DIR/$n.out")
	if [ -n "$fp" ]; then
		grep -q "$fp" "$setup_out" ||
		    fail "the gateway's fingerprint $fp is not the one setup showed"
		step "the fingerprints match: $fp"
	fi
done

ip -n gwa route show 10.0.0.0/24 | grep -q "dev $IF" ||
    fail "no route to the gateway's LAN through $IF"
ip -n gwb route show 172.16.1.0/24 | grep -q "dev $IF" ||
    fail "no route back to the office's LAN at the gateway"
ns_ping gwa 10.9.0.2 3 || fail "ping through the tunnel"
ip netns exec gwa vpnctl >"$E2E_DIR/status" 2>&1 || fail "vpnctl"
sed 's/^/    | /' "$E2E_DIR/status"
grep -q '^office: up for ' "$E2E_DIR/status" || fail "vpnctl: $(cat "$E2E_DIR/status")"
step "the link is up: routes at both ends, ping through it, vpnctl says so"

ip netns exec gwa /etc/init.d/vpn stop || fail "/etc/init.d/vpn stop"
wait_for "! ip -n gwa link show $IF >/dev/null 2>&1" 10 "$IF to go"
step "stopped"
