#!/usr/bin/env bash
# The main job: build OpenWUA, install it into a Wine prefix as wuapi.dll and show that it answers.
# Uses $WINEPREFIX when set, otherwise a prefix of its own in the build folder.
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
export BUILD_DIR="${BUILD_DIR:-$top/build}"
"$top/scripts/build.sh"
prefix="${WINEPREFIX:-$BUILD_DIR/demo-prefix}"
"$top/scripts/wine-install.sh" install "$prefix" "$BUILD_DIR/src/wuapi.dll"
WINEPREFIX="$prefix" WINEDEBUG=-all wine cscript //nologo "Z:$top/examples/status.vbs"
