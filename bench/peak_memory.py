#!/usr/bin/env python3
"""Peak memory of OpenWUA loading and searching a catalog, measured from Linux.

Runs bench_search.exe under Wine once per mode, each in a fresh process, and
reads the child's peak resident size (getrusage).  The idle run loads wuapi.dll
and its imports and searches an empty catalog; what loading and searching the
real catalog adds is the growth over it.  The plain XmlLite read is shown for
scale: it runs after the same idle work, so its growth is XmlLite's own.  Target: growth <= 2x the catalog file's size.

usage: peak_memory.py BENCH_EXE CATALOG_XML   (WINEPREFIX in the environment)
"""
import filecmp
import os
import resource
import subprocess
import sys

exe, catalog = sys.argv[1], sys.argv[2]
size = os.path.getsize(catalog)

# The runs load the prefix's copy of wuapi.dll, not the build's: ninja does not
# refresh it.  A stale copy once made a 2.5x result out of a 1.3x build.
built = os.path.join(os.path.dirname(os.path.abspath(exe)), os.pardir, "src", "wuapi.dll")
prefix = os.environ.get("WINEPREFIX", os.path.expanduser("~/.wine"))
installed = os.path.join(prefix, "drive_c", "windows", "system32", "wuapi.dll")
if os.path.exists(built) and not (os.path.exists(installed) and filecmp.cmp(built, installed, shallow=False)):
    sys.exit(f"bench search memory: {installed} is not {os.path.normpath(built)}; install it first "
             "(ctest -R prefix_setup, or scripts/wine-install.sh install)")


def peak_kib(mode):
    # A fresh interpreter per mode: RUSAGE_CHILDREN keeps the largest child seen.
    code = ("import resource,subprocess,sys;"
            "r=subprocess.run(['wine',sys.argv[1],sys.argv[2],'Z:'+sys.argv[3]]);"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)")
    out = subprocess.run([sys.executable, "-c", code, exe, mode, catalog], capture_output=True, text=True,
                         check=True).stdout.split()
    if out[1] != "0":
        sys.exit(f"bench search {mode} failed with {out[1]}")
    return int(out[0])


# A wineserver that a run starts daemonizes: it is never one of the waited-for children.
idle = peak_kib("--idle")
load = peak_kib("--load")
openwua = peak_kib("--openwua")
plain = peak_kib("--plain")
growth = (openwua - idle) * 1024
print(f"bench search memory: {size / 1048576:.1f} MB catalog")
print(f"  peak resident, idle (DLLs loaded)  {idle / 1024:7.1f} MB")
print(f"  peak resident growth, plain read   {(plain - idle) / 1024:7.1f} MB")
print(f"  peak resident growth, load only    {(load - idle) / 1024:7.1f} MB = {(load - idle) * 1024 / size:.2f} x the file")
print(f"  peak resident growth, OpenWUA      {growth / 1048576:7.1f} MB = {growth / size:.2f} x the file (target <= 2.00)")
