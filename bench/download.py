#!/usr/bin/env python3
"""OpenWUA benchmark: downloading a large file, against curl.

Makes a file of BENCH_DOWNLOAD_MIB MiB (default 1024) once in DATA_DIR, serves
it over loopback from one server for both runs, and times
  - curl fetching it into a file, and
  - bench_download.exe: one forced IUpdateDownloader::Download() of it (the
    size, SHA-1 and SHA-256 checks included), timed inside the process.
Prints both throughputs and their ratio (target >= 0.8), a bare WinHTTP read
loop's throughput from the same server (what WinHTTP itself allows), BCrypt's
SHA-256 over the file on one thread (what the check allows: a SHA-256 is one
chain, it cannot be split across cores), and the Download
process's peak resident size over an idle run that does everything but the
download (target < 32 MiB, whatever the file's size).

usage: download.py BENCH_EXE DATA_DIR    (WINEPREFIX in the environment, with OpenWUA installed)
"""
import base64
import hashlib
import http.server
import os
import shutil
import subprocess
import sys
import threading
import time

exe, data = sys.argv[1], os.path.abspath(sys.argv[2])
mib = int(os.environ.get("BENCH_DOWNLOAD_MIB", "1024"))
size = mib << 20
os.makedirs(data, exist_ok=True)
payload = os.path.join(data, "payload.bin")
digests = os.path.join(data, "payload.digests")
PACKAGE = "5eb0b5eb-0000-4000-8000-00000000d0d0"


def make_payload():
    """Random-looking bytes (so nothing along the way can compress them), made once."""
    if os.path.exists(payload) and os.path.getsize(payload) == size and os.path.exists(digests):
        with open(digests) as f:
            return f.read().split()
    sha1, sha256 = hashlib.sha1(), hashlib.sha256()
    block = os.urandom(1 << 20)
    with open(payload, "wb") as f:
        for i in range(mib):
            chunk = hashlib.sha256(i.to_bytes(8, "little")).digest() + block[32:]
            f.write(chunk)
            sha1.update(chunk)
            sha256.update(chunk)
    pair = [base64.b64encode(h.digest()).decode() for h in (sha1, sha256)]
    with open(digests, "w") as f:
        f.write(" ".join(pair))
    return pair


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path != "/payload.bin":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        self.wfile.flush()
        with open(payload, "rb") as f:
            self.connection.sendfile(f)

    def log_message(self, *args):
        pass


def write_catalog(url, sha1, sha256):
    ns = "http://schemas.microsoft.com/wsus/2005/04/CorporatePublishing/"
    path = os.path.join(data, "catalog.xml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(f'<smc:SystemsManagementCatalog xmlns:smc="http://schemas.microsoft.com/sms/2005/04/'
                f'CorporatePublishing/SystemsManagementCatalog.xsd" xmlns:sdp="{ns}SoftwareDistributionPackage.xsd"'
                f' xmlns:lar="{ns}LogicalApplicabilityRules.xsd">'
                f'<smc:SoftwareDistributionPackage SchemaVersion="1.0"><sdp:Properties PackageID="{PACKAGE}"'
                f' CreationDate="2026-01-01T00:00:00Z"/><sdp:LocalizedProperties><sdp:Language>en</sdp:Language>'
                f'<sdp:Title>bench download</sdp:Title></sdp:LocalizedProperties>'
                f'<sdp:UpdateSpecificData UpdateClassification="Updates"/><sdp:IsInstalled><lar:False/></sdp:IsInstalled>'
                f'<sdp:InstallableItem ID="5eb0b5eb-0000-4000-8000-00000000d0d1">'
                f'<sdp:OriginFile Digest="{sha1}" FileName="payload.bin" Size="{size}"'
                f' Modified="2026-01-01T00:00:00Z" OriginUri="{url}">'
                f'<sdp:AdditionalDigest Algorithm="SHA256">{sha256}</sdp:AdditionalDigest></sdp:OriginFile>'
                f'</sdp:InstallableItem></smc:SoftwareDistributionPackage></smc:SystemsManagementCatalog>')
    return path


def run_openwua(mode, catalog):
    """Runs one mode in a fresh interpreter, whose RUSAGE_CHILDREN then holds only that run's peak."""
    code = ("import resource,subprocess,sys;"
            "a=sys.argv[3] if sys.argv[2]=='--winhttp' else 'Z:'+sys.argv[3];"
            "r=subprocess.run(['wine',sys.argv[1],sys.argv[2],a],capture_output=True,text=True,cwd=sys.argv[4]);"
            "sys.stderr.write(r.stderr);"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode, r.stdout.strip())")
    out = subprocess.run([sys.executable, "-c", code, exe, mode, catalog, data], capture_output=True, text=True,
                         check=True).stdout.split()
    if out[1] != "0":
        sys.exit(f"bench download: {mode} failed with {out[1]}")
    seconds = float(out[3]) if len(out) > 3 else None
    return int(out[0]), seconds


def clear_cache():
    prefix = os.environ.get("WINEPREFIX", os.path.expanduser("~/.wine"))
    for sub in ("Download", "Partial"):
        shutil.rmtree(os.path.join(prefix, "drive_c", "ProgramData", "OpenWUA", sub, PACKAGE),
                      ignore_errors=True)


def main():
    sha1, sha256 = make_payload()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/payload.bin"
    catalog = write_catalog(url, sha1, sha256)
    out = os.path.join(data, "curl.out")
    try:
        start = time.perf_counter()
        subprocess.run(["curl", "-sSf", "-o", out, url], check=True)
        curl = time.perf_counter() - start
        os.remove(out)
        clear_cache()
        idle, _ = run_openwua("--idle", catalog)
        peak, seconds = run_openwua("--download", catalog)
        _, bare = run_openwua("--winhttp", url)
        _, digest = run_openwua("--sha256", payload)
    finally:
        clear_cache()
        server.shutdown()
    curl_rate, openwua_rate, bare_rate, digest_rate = mib / curl, mib / seconds, mib / bare, mib / digest
    floor = min(bare_rate, digest_rate)
    print(f"bench download: {mib} MiB over loopback, one server")
    print(f"  curl                 {curl_rate:8.1f} MiB/s")
    print(f"  OpenWUA Download()   {openwua_rate:8.1f} MiB/s (digests checked)")
    print(f"  ratio                {openwua_rate / curl_rate:8.2f} (target >= 0.8)")
    print(f"  bare WinHTTP loop    {bare_rate:8.1f} MiB/s = {bare_rate / curl_rate:.2f} x curl: the floor under any"
          " WinHTTP client here")
    print(f"  OpenWUA / bare       {openwua_rate / bare_rate:8.2f}")
    print(f"  BCrypt SHA-256 alone {digest_rate:8.1f} MiB/s, one thread: the floor under the check")
    print(f"  OpenWUA / min(bare, SHA-256) {openwua_rate / floor:.2f}: 1.0 is all the overlap can give")
    print(f"  peak resident, idle  {idle / 1024:8.1f} MiB")
    print(f"  peak growth          {(peak - idle) / 1024:8.1f} MiB (target < 32)")


main()
