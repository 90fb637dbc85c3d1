#!/usr/bin/env bash
# Installs what is missing, then configures and builds OpenWUA in BUILD_DIR (default: build).
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$top/build}"
"$top/scripts/install-deps.sh"
cmake -G Ninja -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build"
