#!/usr/bin/env bash
# OpenWUA tests: the README's main-job command, scripts/run.sh, in a build folder and a Wine
# prefix of its own, run twice (a new prefix, then the same one again); its output is checked.
#
#   test_wuactl.sh BUILD_DIR PREFIX
#
# The build folder is configured first with BUILD_TESTING=OFF, which run.sh's own configure
# keeps (a cached setting): the main job needs the DLL, wuactl and the demo catalog, not the
# test suite, and building that again would only make this test slow.
set -uo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
build="$1"
prefix="$2"
failed=0
passed=0

check() {   # check NAME PATTERN FILE: the file has a line matching the pattern
  if grep -qE -- "$2" "$3"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $1: no line matching '$2'"
  fi
}

rm -rf "$build" "$prefix"
cmake -G Ninja -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF >/dev/null || exit 1
unset OPENWUA_CATALOG
export BUILD_DIR="$build" WINEPREFIX="$prefix"

"$top/scripts/run.sh" >"$build/first.log" 2>&1
status=$?
cat "$build/first.log"
if [ "$status" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL run.sh exit $status"; fi
log="$build/first.log"
check "prefix created" "^openwua: creating Wine prefix $prefix" "$log"
check "installed" "^openwua: installed into $prefix" "$log"
check "default catalog" '^Default catalog: Z:\\.*\\examples\\demo-catalog\\catalog.xml$' "$log"
check "search" '^3 updates found \(IsInstalled=0 and IsHidden=0\)$' "$log"
check "search lists the tool" '^  0e1f3d52-7a44-4c0e-9a39-5f5b1d2c0001  OpenWUA Demo Tool 1.0  ' "$log"
check "licence accepted" '^Accepted the licence terms of OpenWUA Demo Editor 1.0$' "$log"
check "download progress" '^download \[3/3\] OpenWUA Demo Tool 1.0: 100% \(' "$log"
check "install progress" '^install \[2/3\] OpenWUA Demo Runtime 2.0: 100%$' "$log"
check "installed all" '^install: 3 of 3 succeeded; a restart is required to finish$' "$log"
check "history" '^[0-9-]+T[0-9:]+Z  installation   succeeded  0x00000000  0e1f3d52-7a44-4c0e-9a39-5f5b1d2c0004  OpenWUA Demo Editor 1.0$' "$log"
check "status reboot" '^Reboot required:  yes$' "$log"
check "status agent" '^Agent:            wuapi.dll 10\.0\.[0-9.]+, API 8\.0$' "$log"
check "summary" '^openwua: done; everything is installed and a restart is required \(exit code 3010\)$' "$log"

# again in the same prefix: nothing left to install
"$top/scripts/run.sh" >"$build/second.log" 2>&1
status=$?
cat "$build/second.log"
if [ "$status" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL second run.sh exit $status"; fi
log="$build/second.log"
check "prefix reused" "^openwua: installed into $prefix" "$log"
check "nothing found" '^0 updates found' "$log"
check "nothing to install" '^Nothing to install\.$' "$log"
check "summary" '^openwua: done; everything the catalog offers is installed$' "$log"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
