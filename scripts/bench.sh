#!/usr/bin/env bash
# Builds OpenWUA and runs every benchmark in the build's Wine prefix.
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
export BUILD_DIR="${BUILD_DIR:-$top/build}"
"$top/scripts/build.sh"
prefix="$BUILD_DIR/wineprefix"
"$top/scripts/wine-install.sh" install "$prefix" "$BUILD_DIR/src/wuapi.dll" >/dev/null
for bench in "$BUILD_DIR"/bench/bench_*.exe; do
  WINEPREFIX="$prefix" WINEDEBUG=-all wine "$bench"
done
