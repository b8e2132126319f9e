#!/usr/bin/python3
# SPDX-License-Identifier: ISC
#
# The HTTP(S) server the HTTP tests start: Python's http.server
# (ThreadingHTTPServer) with a small handler, started by each test in its
# own namespace and killed by PID.  It logs every request as one JSON
# line (request line, path, query, the headers the tests check, the body)
# and answers what the answer file says, read again for every request,
# so a test switches answers by rewriting the file:
#
#	STATUS [BODY...]	e.g. "200 good 192.0.2.1", "503", "200"
#
# (no file: "200 ok").  With --hang it accepts TCP connections and never
# answers anything: a dead server that still completes the handshake.
#
# usage: server.py --listen ADDR:PORT --log FILE --ready FILE
#		[--answer FILE] [--tls CERT KEY] [--hang]
import argparse
import json
import os
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

ARGS = None
LOCK = threading.Lock()


def log(entry):
    line = json.dumps(entry, sort_keys=True)
    with LOCK:
        with open(ARGS.log, "a", encoding="utf-8") as f:
            f.write(line + "\n")
            f.flush()


def answer():
    try:
        with open(ARGS.answer, encoding="utf-8") as f:
            text = f.read().strip()
    except (OSError, TypeError):
        text = ""
    if not text:
        return 200, "ok"
    status, _, body = text.partition(" ")
    return int(status), body


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 20

    def log_message(self, fmt, *args):
        sys.stderr.write("server: %s %s\n" % (self.address_string(),
                                               fmt % args))

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") \
            if length else ""
        url = urlsplit(self.path)
        log({
            "t": time.time(),
            "client": self.client_address[0],
            "requestline": self.requestline,
            "method": self.command,
            "path": url.path,
            "query": url.query,
            "params": parse_qsl(url.query, keep_blank_values=True),
            "authorization": self.headers.get("Authorization"),
            "content_type": self.headers.get("Content-Type"),
            "user_agent": self.headers.get("User-Agent"),
            "body": body,
        })
        status, text = answer()
        data = (text + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = handle_any
    do_POST = handle_any


class Server(ThreadingHTTPServer):
    daemon_threads = True
    ctx = None

    def get_request(self):
        sock, addr = self.socket.accept()
        if self.ctx is not None:
            # The handshake runs in the handler's thread, on first read.
            sock = self.ctx.wrap_socket(sock, server_side=True,
                                        do_handshake_on_connect=False)
        return sock, addr


def hang(host, port):
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind((host, port))
    lsock.listen(64)
    ready()
    held = []
    while True:
        conn, addr = lsock.accept()
        log({"t": time.time(), "client": addr[0], "hang": True})
        held.append(conn)


def ready():
    with open(ARGS.ready, "w", encoding="utf-8") as f:
        f.write("%d\n" % os.getpid())


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--listen", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--ready", required=True)
    p.add_argument("--answer")
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--hang", action="store_true")
    ARGS = p.parse_args()
    host, _, port = ARGS.listen.rpartition(":")
    if ARGS.hang:
        hang(host, int(port))
        return
    srv = Server((host, int(port)), Handler)
    if ARGS.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.tls[0], ARGS.tls[1])
        srv.ctx = ctx
    ready()
    srv.serve_forever()


if __name__ == "__main__":
    main()
