#!/usr/bin/env python3
# OpenWUA tests: a loopback HTTP server with fault injection, for the transport
# and downloader tests.
#
# Copyright 2026 the OpenWUA authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Loopback HTTP server for OpenWUA's transport tests.

Usage:
  http_fixture.py serve --root DIR --port-file FILE [--tls-port-file FILE [--tls-cert-file FILE]]
                        [--lifetime S] [--log FILE]
  http_fixture.py start --root DIR --port-file FILE --pid-file FILE
                        [--tls-port-file FILE [--tls-cert-file FILE]] [--lifetime S] [--log FILE]
  http_fixture.py stop --pid-file FILE

serve runs in the foreground.  start runs the server detached from the caller
(its own session, stdio on /dev/null, so ctest does not wait for it), returns
once the port file is written and leaves the server's pid in the pid file;
stop ends that server.  ctest uses start and stop as a FIXTURES_SETUP /
FIXTURES_CLEANUP pair.

The server only ever listens on 127.0.0.1, on a port the OS picks; the port is
written (atomically, as decimal text) to the port file.  It exits by itself
after --lifetime seconds (300 by default), and on SIGTERM or SIGINT.

With --tls-port-file, the same files are also served over TLS on a second
port, with a self-signed certificate for 127.0.0.1 made by the openssl command
for this run (its key lives only in the server's memory).  Nothing trusts it,
so it shows that certificate errors fail; a test that adds the certificate
(PEM, written to --tls-cert-file) to its trust store can fetch over TLS.
Without an openssl command there is no TLS port and no TLS port file.

A request path is zero or more fault prefixes followed by the path of a file
under --root.  Prefixes apply left to right and combine, e.g.
/redirect/2/slow/500/drop-at/100/dir/file.bin.

  /status/CODE/...           answer CODE (with a short text body), always
  /status/CODE-then-ok/...   answer CODE to the first request for this exact
                             URL, then go on with the rest of the path
  /status/CODE-N-then-ok/... the same for the first N requests
  /redirect/N/...            302 to the same URL with N-1 (0: the prefix gone);
                             a loop is /redirect/1000/...
  /redirect-CODE/N/...       the same with 301, 303, 307 or 308
  /redirect-relative/N/..., /redirect-CODE-relative/N/...
                             the same with a Location of just the path
  /switch-scheme/...         302 to the rest of the path on the other port:
                             plain to TLS, TLS to plain
  /slow/MS/...               wait MS milliseconds before answering
  /trickle/BYTES/MS/...      send the body BYTES at a time, MS ms apart
  /drop-at/OFFSET/...        announce the full Content-Length, close the
                             connection after OFFSET bytes of the body
  /wrong-bytes/OFFSET/...    flip the bits of the body's byte at OFFSET
                             (same length, different content)
  /no-length/...             no Content-Length: the body ends at close
  /no-range/...              ignore Range and If-Range (always 200)
  /no-validators/...         no ETag or Last-Modified; conditionals ignored
  /range-shift/N/...         a lying server: a Range from A is answered from
                             A+N (with a Content-Range that says so)
  /range-total/T/...         a lying server: a Content-Range claiming T bytes
                             in all (the body is still the real one)
  /always-206/...            a lying server: 206 with a Content-Range of the
                             whole file to a request without Range

Files are served with ETag (from size and modification time) and
Last-Modified; If-None-Match and If-Modified-Since give 304, Range (one
range, "bytes=A-B", "bytes=A-" or "bytes=-N") gives 206 with Content-Range,
or 416 past the end; If-Range with a stale validator gives the whole file.
Missing files give 404; paths leaving --root give 403.

With --log (emptied by start), each request appends one JSON line: method, path, the request
headers the transport cares about, and the status answered.
"""

import argparse
import email.utils
import http.server
import json
import os
import re
import signal
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HOST = "127.0.0.1"
LOGGED_HEADERS = ("Range", "If-Range", "If-None-Match", "If-Modified-Since", "User-Agent")
REDIRECT_CODES = (301, 302, 303, 307, 308)


class Faults:
    """What the prefixes of one request asked for."""

    def __init__(self):
        self.slow_ms = 0
        self.trickle = None         # (bytes, ms)
        self.drop_at = None
        self.wrong_byte = None
        self.no_length = False
        self.no_range = False
        self.no_validators = False
        self.range_shift = 0
        self.range_total = None
        self.always_206 = False


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "OpenWUA-fixture"

    def log_message(self, format, *args):
        pass                        # quiet: the --log file records requests

    def do_HEAD(self):
        self.handle_request(send_body=False)

    def do_GET(self):
        self.handle_request(send_body=True)

    # --- prefixes ---

    def handle_request(self, send_body):
        self.send_body = send_body
        try:
            self.dispatch()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def dispatch(self):
        url = urllib.parse.urlsplit(self.path)
        parts = [p for p in urllib.parse.unquote(url.path).split("/") if p]
        faults = Faults()
        i = 0
        while i < len(parts):
            name, rest = parts[i], parts[i + 1:]
            if name == "status" and rest:
                if self.status_prefix(rest[0]):
                    return
                i += 2
            elif name == "redirect" or name.startswith("redirect-"):
                if self.redirect_prefix(name, parts, i, url.query):
                    return
                i += 2
            elif name == "switch-scheme":
                self.switch_scheme(parts[i + 1:], url.query)
                return
            elif name == "slow" and rest:
                faults.slow_ms = int(rest[0])
                i += 2
            elif name == "trickle" and len(rest) >= 2:
                faults.trickle = (max(1, int(rest[0])), int(rest[1]))
                i += 3
            elif name == "drop-at" and rest:
                faults.drop_at = int(rest[0])
                i += 2
            elif name == "wrong-bytes" and rest:
                faults.wrong_byte = int(rest[0])
                i += 2
            elif name == "no-length":
                faults.no_length = True
                i += 1
            elif name == "no-range":
                faults.no_range = True
                i += 1
            elif name == "no-validators":
                faults.no_validators = True
                i += 1
            elif name == "range-shift" and rest:
                faults.range_shift = int(rest[0])
                i += 2
            elif name == "range-total" and rest:
                faults.range_total = int(rest[0])
                i += 2
            elif name == "always-206":
                faults.always_206 = True
                i += 1
            else:
                break
        if faults.slow_ms:
            time.sleep(faults.slow_ms / 1000)
        self.serve_file(parts[i:], faults)

    def status_prefix(self, spec):
        """Answers the status when the spec says so now; False to go on."""
        m = re.fullmatch(r"(\d{3})(?:-(\d+))?(-then-ok)?", spec)
        if not m:
            self.send_text(400, "bad status prefix\n")
            return True
        code = int(m.group(1))
        if m.group(3):
            limit = int(m.group(2) or 1)
            if self.server.count(self.path) > limit:
                return False
        self.send_text(code, "status %d\n" % code)
        return True

    def redirect_prefix(self, name, parts, i, query):
        m = re.fullmatch(r"redirect(?:-(\d{3}))?(-relative)?", name)
        code = int(m.group(1)) if m and m.group(1) else 302
        if not m or code not in REDIRECT_CODES or i + 1 >= len(parts) or not parts[i + 1].isdigit():
            self.send_text(400, "bad redirect prefix\n")
            return True
        left = int(parts[i + 1])
        if left == 0:
            return False
        target = parts[:i] + ([name, str(left - 1)] if left > 1 else []) + parts[i + 2:]
        location = "/" + "/".join(urllib.parse.quote(p) for p in target)
        if not m.group(2):
            location = "%s://%s:%d%s" % (self.server.scheme, HOST, self.server.server_port, location)
        if query:
            location += "?" + query
        self.send_response(code)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()
        return True

    def switch_scheme(self, rest, query):
        other = self.server.other
        if not other:
            self.send_text(404, "no other scheme\n")
            return
        location = "%s://%s:%d/%s" % (other.scheme, HOST, other.server_port,
                                      "/".join(urllib.parse.quote(p) for p in rest))
        if query:
            location += "?" + query
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    # --- files ---

    def serve_file(self, parts, faults):
        root = self.server.root
        path = os.path.realpath(os.path.join(root, *parts)) if parts else root
        if path != root and not path.startswith(root + os.sep):
            self.send_text(403, "outside the root\n")
            return
        if not os.path.isfile(path):
            self.send_text(404, "not found\n")
            return
        with open(path, "rb") as f:
            data = f.read()
        st = os.stat(path)
        etag = '"%x-%x"' % (st.st_size, st.st_mtime_ns)
        modified = email.utils.formatdate(st.st_mtime, usegmt=True)
        validators = not faults.no_validators
        if validators and self.not_modified(etag, st.st_mtime):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
            self.end_headers()
            return
        status, body, content_range = 200, data, None
        if not faults.no_range and self.headers.get("Range"):
            if validators and not self.if_range_holds(etag, modified):
                pass
            else:
                status, body, content_range = self.range_of(data, faults)
        elif faults.always_206:
            status, content_range = 206, "bytes 0-%d/%d" % (len(data) - 1, len(data))
        if faults.wrong_byte is not None and faults.wrong_byte < len(body):
            body = bytearray(body)
            body[faults.wrong_byte] ^= 0xff
            body = bytes(body)
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        if validators:
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
        if not faults.no_range:
            self.send_header("Accept-Ranges", "bytes")
        if content_range:
            self.send_header("Content-Range", content_range)
        if faults.no_length:
            self.send_header("Connection", "close")
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.send_body and status != 416:
            self.send_bytes(body, faults)

    def not_modified(self, etag, mtime):
        tags = self.headers.get("If-None-Match")
        if tags is not None:
            return tags.strip() == "*" or etag in [t.strip() for t in tags.split(",")]
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return int(mtime) <= email.utils.parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    def if_range_holds(self, etag, modified):
        value = self.headers.get("If-Range")
        return value is None or value.strip() in (etag, modified)

    def range_of(self, data, faults):
        size = len(data)
        m = re.fullmatch(r"\s*bytes=(\d*)-(\d*)\s*", self.headers.get("Range"))
        if not m or (not m.group(1) and not m.group(2)):
            return 200, data, None
        if m.group(1):
            first = int(m.group(1))
            last = min(int(m.group(2)), size - 1) if m.group(2) else size - 1
        else:
            first, last = max(0, size - int(m.group(2))), size - 1
        if faults.range_shift and first < size:
            first = min(first + faults.range_shift, last)
        if first >= size or first > last:
            return 416, b"", "bytes */%d" % size
        total = size if faults.range_total is None else faults.range_total
        return 206, data[first:last + 1], "bytes %d-%d/%d" % (first, last, total)

    def send_bytes(self, body, faults):
        end = len(body) if faults.drop_at is None else min(faults.drop_at, len(body))
        step = faults.trickle[0] if faults.trickle else 65536
        for offset in range(0, end, step):
            self.wfile.write(body[offset:min(offset + step, end)])
            self.wfile.flush()
            if faults.trickle:
                time.sleep(faults.trickle[1] / 1000)
        if faults.drop_at is not None:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)

    def send_text(self, code, text):
        body = text.encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.send_body:
            self.wfile.write(body)

    def send_response(self, code, message=None):
        # logged before the client can see the answer, so a test that reads
        # the log after its request finds the request there
        self.write_log(code)
        super().send_response(code, message)

    def write_log(self, status):
        if not self.server.log_path:
            return
        entry = {"method": self.command, "path": self.path, "status": status,
                 "headers": {h: self.headers[h] for h in LOGGED_HEADERS if self.headers.get(h)}}
        with self.server.lock, open(self.server.log_path, "a") as log:
            log.write(json.dumps(entry) + "\n")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root, log_path):
        super().__init__((HOST, 0), Handler)
        self.root = os.path.realpath(root)
        self.log_path = log_path
        self.lock = threading.Lock()
        self.counts = {}
        self.scheme = "http"
        self.other = None           # the server of the other scheme

    def count(self, key):
        """How many requests for key there have been, this one included."""
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + 1
            return self.counts[key]


def write_atomically(path, text):
    tmp = "%s.%d.tmp" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def tls_context(folder, cert_file):
    """A server context with a new self-signed certificate; None without openssl."""
    openssl = shutil.which("openssl")
    if not openssl:
        return None
    key, cert = os.path.join(folder, "key.pem"), os.path.join(folder, "cert.pem")
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    if cert_file:
        with open(cert) as f:
            write_atomically(cert_file, f.read())
    return context


def start_tls(args, servers):
    with tempfile.TemporaryDirectory() as folder:
        context = tls_context(folder, args.tls_cert_file)
    if not context:
        return
    server = Server(args.root, args.log)
    # the handshake happens in the request's thread, not in the accept loop
    server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    server.scheme = "https"
    server.other, servers[0][0].other = servers[0][0], server
    servers.append((server, args.tls_port_file))


def serve(args):
    servers = [(Server(args.root, args.log), args.port_file)]
    stop = threading.Event()

    def shut_down(*_):
        stop.set()

    signal.signal(signal.SIGTERM, shut_down)
    signal.signal(signal.SIGINT, shut_down)
    if args.tls_port_file:
        start_tls(args, servers)
    # the plain port file last: start() waits for it, so the TLS one is there by then
    for server, port_file in reversed(servers):
        threading.Thread(target=server.serve_forever, daemon=True).start()
        write_atomically(port_file, "%d\n" % server.server_port)
    stop.wait(args.lifetime)
    for server, port_file in servers:
        server.shutdown()
        server.server_close()
        try:
            os.unlink(port_file)
        except FileNotFoundError:
            pass
    return 0


def is_fixture(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return b"http_fixture.py" in f.read()
    except OSError:
        return False


def read_pid(path):
    try:
        with open(path) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def stop(args):
    pid = read_pid(args.pid_file)
    if pid and is_fixture(pid):
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            if not is_fixture(pid):
                break
            time.sleep(0.05)
        else:
            os.kill(pid, signal.SIGKILL)
    for path in (args.pid_file,):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
    return 0


def start(args):
    stop(args)                      # a server left by an interrupted run
    os.makedirs(args.root, exist_ok=True)
    for path in (args.port_file, args.tls_port_file, args.tls_cert_file, args.log):    # this run's only
        try:
            if path:
                os.unlink(path)
        except FileNotFoundError:
            pass
    command = [sys.executable, os.path.abspath(__file__), "serve", "--root", args.root,
               "--port-file", args.port_file, "--lifetime", str(args.lifetime)]
    if args.log:
        command += ["--log", args.log]
    if args.tls_port_file:
        command += ["--tls-port-file", args.tls_port_file]
    if args.tls_cert_file:
        command += ["--tls-cert-file", args.tls_cert_file]
    with open(os.devnull, "r+b") as null:
        child = subprocess.Popen(command, stdin=null, stdout=null, stderr=null, start_new_session=True)
    write_atomically(args.pid_file, "%d\n" % child.pid)
    for _ in range(200):
        if os.path.exists(args.port_file):
            print("fixture server %d on port %s" % (child.pid, open(args.port_file).read().strip()))
            return 0
        if child.poll() is not None:
            break
        time.sleep(0.05)
    print("fixture server did not start", file=sys.stderr)
    stop(args)
    return 1


def main():
    parser = argparse.ArgumentParser(description="Loopback HTTP server with fault injection.")
    parser.add_argument("mode", choices=("serve", "start", "stop"))
    parser.add_argument("--root")
    parser.add_argument("--port-file")
    parser.add_argument("--pid-file")
    parser.add_argument("--tls-port-file")
    parser.add_argument("--tls-cert-file")
    parser.add_argument("--log")
    parser.add_argument("--lifetime", type=float, default=300)
    args = parser.parse_args()
    if args.mode in ("serve", "start") and not (args.root and args.port_file):
        parser.error("%s needs --root and --port-file" % args.mode)
    if args.mode in ("start", "stop") and not args.pid_file:
        parser.error("%s needs --pid-file" % args.mode)
    return {"serve": serve, "start": start, "stop": stop}[args.mode](args)


if __name__ == "__main__":
    sys.exit(main())
