#!/usr/bin/env bash
# The whole test suite: build, install OpenWUA into the build's own Wine prefix, run every test.
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
export BUILD_DIR="${BUILD_DIR:-$top/build}"
"$top/scripts/build.sh"
cd "$BUILD_DIR"
ctest --output-on-failure
