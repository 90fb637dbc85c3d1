#!/usr/bin/env python3
"""Hostile catalogs (issue 8): HRESULT, wall time and peak memory of each.

Runs bench_hostile.exe under Wine once per case, each in a fresh process, and
reads the child's peak resident size (getrusage, as peak_memory.py does).
Growth is over the "empty" case (the process, XmlLite and an empty catalog);
"eula-8m" and "packages-200k" are the benign baselines: the largest text and
package count a real catalog may have.

usage: hostile.py BENCH_HOSTILE_EXE   (WINEPREFIX in the environment)
"""
import subprocess
import sys

exe = sys.argv[1]


def run(case):
    code = ("import resource,subprocess,sys;"
            "r=subprocess.run(['wine',sys.argv[1],sys.argv[2]],capture_output=True,text=True);"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode, r.stdout.strip())")
    out = subprocess.run([sys.executable, "-c", code, exe, case], capture_output=True, text=True,
                         check=True).stdout.split()
    if out[1] != "0" or len(out) < 7:
        return int(out[0]), None
    return int(out[0]), out[3:]


cases = subprocess.run(["wine", exe, "--list"], capture_output=True, text=True, check=True).stdout.split()
idle, _ = run("empty")
print(f"bench hostile: peak resident of the empty catalog {idle / 1024:.1f} MB; growth over it")
print(f"  {'case':<16} {'HRESULT':<10} {'time s':>7} {'read MiB':>9} {'growth MB':>10}")
for case in cases:
    peak, fields = run(case)
    if fields is None:
        print(f"  {case:<16} crashed or failed, peak {peak / 1024:.1f} MB")
        continue
    hr, seconds, given, _ = fields
    print(f"  {case:<16} {hr:<10} {float(seconds):7.3f} {float(given):9.1f} {(peak - idle) / 1024:10.1f}")
