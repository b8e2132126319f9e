# SPDX-License-Identifier: ISC
# shellcheck shell=sh
#
# tests/e2e/http-lib.sh - the HTTP test servers of the http_* scenarios,
# sourced in the guest after guest-lib.sh.  Each server is
# tests/http/server.py (Python's http.server with a small handler, see
# there) started in a namespace of the sites by http_server, answering
# what $E2E_DIR/NAME.answer says and logging each request as a JSON line
# in $E2E_DIR/NAME.log.  Servers are stopped by PID (http_stop); the
# guest powers off after the scenario, which ends whatever is left.

HTTP_SERVER=$top_srcdir/tests/http/server.py
HTTP_PY=/usr/bin/python3

# http_init: check python3 is there.
http_init()
{
	[ -x "$HTTP_PY" ] ||
	    skip "$HTTP_PY not found (Debian package python3)"
	command -v openssl >/dev/null 2>&1 ||
	    skip "openssl not found (Debian package openssl)"
}

# http_cert NAME IP: a self-signed certificate for IP (its own CA):
# $E2E_DIR/NAME.crt and NAME.key.
http_cert()
{
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -days 2 -subj "/CN=$2" -addext "subjectAltName=IP:$2" \
	    -keyout "$E2E_DIR/$1.key" -out "$E2E_DIR/$1.crt" \
	    >/dev/null 2>&1 || fail "openssl: certificate for $2"
}

# http_server NAME NS ADDR:PORT [server.py options]: start a server in
# NS; its PID in $HTTP_PID.  Waits until it listens.
http_server()
{
	_hl_name=$1
	_hl_ns=$2
	_hl_listen=$3
	shift 3
	rm -f "$E2E_DIR/$_hl_name.ready"
	: >>"$E2E_DIR/$_hl_name.log"
	collect_log "$E2E_DIR/$_hl_name.err"
	ip netns exec "$_hl_ns" "$HTTP_PY" "$HTTP_SERVER" \
	    --listen "$_hl_listen" --log "$E2E_DIR/$_hl_name.log" \
	    --ready "$E2E_DIR/$_hl_name.ready" \
	    --answer "$E2E_DIR/$_hl_name.answer" "$@" \
	    >>"$E2E_DIR/$_hl_name.err" 2>&1 &
	HTTP_PID=$!
	wait_for "[ -s '$E2E_DIR/$_hl_name.ready' ] || pid_exited $HTTP_PID" \
	    15 "the $_hl_name server to listen"
	if pid_exited "$HTTP_PID"; then
		fail "the $_hl_name server exited: $(cat "$E2E_DIR/$_hl_name.err")"
	fi
}

# http_stop PID: stop a server started by http_server.
http_stop()
{
	kill -TERM "$1" 2>/dev/null || :
	wait_for "pid_exited $1" 10 "HTTP server $1 to exit"
	wait "$1" 2>/dev/null || :
}

# http_answer NAME STATUS [BODY]: what server NAME answers from now on.
http_answer()
{
	printf '%s\n' "$2${3:+ $3}" >"$E2E_DIR/$1.answer.tmp" ||
	    fail "write $E2E_DIR/$1.answer.tmp"
	mv "$E2E_DIR/$1.answer.tmp" "$E2E_DIR/$1.answer" ||
	    fail "write $E2E_DIR/$1.answer"
}

# http_count NAME: the number of requests server NAME has logged.
http_count()
{
	wc -l <"$E2E_DIR/$1.log" | tr -d ' '
}

# http_field NAME N FIELD: FIELD (a top-level key) of request N (1 is
# the first) of server NAME, as JSON text if not a string.
http_field()
{
	sed -n "${2}p" "$E2E_DIR/$1.log" | "$HTTP_PY" -c '
import json, sys
v = json.loads(sys.stdin.read()).get(sys.argv[1])
print(v if isinstance(v, str) else json.dumps(v))' "$3"
}

# http_clients NAME FROM: the client address of every request of server
# NAME after the first FROM, one a line.
http_clients()
{
	sed -n "$(($2 + 1)),\$p" "$E2E_DIR/$1.log" | "$HTTP_PY" -c '
import json, sys
for line in sys.stdin:
    print(json.loads(line).get("client"))'
}

# http_fetch NS URL: GET URL from NS (not bound to any interface), at
# most 3 s; prints the status, fails (status 1) without an answer.
http_fetch()
{
	ip netns exec "$1" "$HTTP_PY" -c '
import sys, urllib.request, urllib.error
try:
    r = urllib.request.urlopen(sys.argv[1], timeout=3)
    print(r.status)
except urllib.error.HTTPError as e:
    print(e.code)
except Exception as e:
    sys.stderr.write("fetch %s: %s\n" % (sys.argv[1], e))
    sys.exit(1)' "$2"
}

# vpnd_log_count STRING LOG: lines of LOG holding the fixed STRING.
vpnd_log_count()
{
	grep -cF -- "$1" "$2" || :
}
