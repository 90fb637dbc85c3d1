#!/usr/bin/env bash
# Builds OpenWUA and runs every benchmark in the build's Wine prefix.
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
export BUILD_DIR="${BUILD_DIR:-$top/build}"
"$top/scripts/build.sh"
prefix="$BUILD_DIR/wineprefix"
"$top/scripts/wine-install.sh" install "$prefix" "$BUILD_DIR/src/wuapi.dll" >/dev/null
run() { WINEPREFIX="$prefix" WINEDEBUG=-all wine "$@"; }
run "$BUILD_DIR/bench/bench_dispatch.exe"
run "$BUILD_DIR/bench/bench_jobs.exe"
run "$BUILD_DIR/bench/bench_install.exe" "Z:$BUILD_DIR/bench/msi"
WINEPREFIX="$prefix" WINEDEBUG=-all python3 "$top/bench/download.py" "$BUILD_DIR/bench/bench_download.exe" \
  "$BUILD_DIR/bench/download-data"
hp="$BUILD_DIR/tests/catalog-samples/HpCatalogForSms.xml"
if [ -f "$hp" ]; then
  run "$BUILD_DIR/bench/bench_search.exe" "Z:$hp"
  WINEPREFIX="$prefix" WINEDEBUG=-all python3 "$top/bench/peak_memory.py" "$BUILD_DIR/bench/bench_search.exe" "$hp"
else
  echo "bench search: skipped, no HP sample catalog (../shared/catalog-samples)"
fi
WINEPREFIX="$prefix" WINEDEBUG=-all python3 "$top/bench/hostile.py" "$BUILD_DIR/bench/bench_hostile.exe"
