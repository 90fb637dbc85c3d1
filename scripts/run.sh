#!/usr/bin/env bash
# The main job: build OpenWUA, install it into a Wine prefix as wuapi.dll, make a catalog the
# default, then search it, install everything it offers with progress, and show the history and
# the agent's status, all with wuactl.
#
#   WINEPREFIX       the prefix to use (created when missing); default: a prefix of its own in
#                    the build folder ($BUILD_DIR/demo-prefix)
#   OPENWUA_CATALOG  the catalog to use (a path, file://, http:// or https:// URL); default: the
#                    demo catalog the build makes.  Licence terms are accepted for the demo
#                    catalog only: with a catalog of yours, wuactl asks you to accept them.
#   BUILD_DIR        the build folder (default: build)
#
# Exit status: 0 when everything installed (with or without a restart pending: wuactl's 3010,
# which a Unix shell sees as 194), else wuactl install's (1 some failed, 2 nothing could start).
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
export BUILD_DIR="${BUILD_DIR:-$top/build}"
"$top/scripts/build.sh"
prefix="${WINEPREFIX:-$BUILD_DIR/demo-prefix}"
"$top/scripts/wine-install.sh" install "$prefix" "$BUILD_DIR/src/wuapi.dll"
export WINEPREFIX="$prefix" WINEDEBUG="${WINEDEBUG:--all}" WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=}"

wuactl() {
  wine "$BUILD_DIR/tools/wuactl/wuactl.exe" "$@"
}
step() {
  printf '\n== wuactl %s\n' "$*"
}

if [ -n "${OPENWUA_CATALOG:-}" ]; then
  catalog="$OPENWUA_CATALOG"
  accept=()
else
  catalog="$BUILD_DIR/examples/demo-catalog/catalog.xml"
  accept=(--accept-eula)
fi

step catalog default "$catalog"
wuactl catalog default "$catalog"
step search
wuactl search
step install --all "${accept[@]}"
status=0
wuactl install --all "${accept[@]}" || status=$?
step history --count 10
wuactl history --count 10
step status
wuactl status
wineserver -w

echo
case "$status" in
  0) echo "openwua: done; everything the catalog offers is installed" ;;
  194) echo "openwua: done; everything is installed and a restart is required (exit code 3010)" ;;
  1) echo "openwua: some updates failed (exit code 1); see above and wuactl history" ;;
  *) echo "openwua: install failed before it started (exit code $status)" ;;
esac
[ "$status" -eq 0 ] || [ "$status" -eq 194 ]
