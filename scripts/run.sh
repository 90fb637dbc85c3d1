#!/usr/bin/env bash
# The main job: build OpenWUA, install it into a Wine prefix as wuapi.dll, point it at a catalog
# and search it.  Uses $WINEPREFIX when set, otherwise a prefix of its own in the build folder;
# the catalog is $OPENWUA_CATALOG (a path or URL) when set, otherwise the bundled demo catalog.
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
export BUILD_DIR="${BUILD_DIR:-$top/build}"
"$top/scripts/build.sh"
prefix="${WINEPREFIX:-$BUILD_DIR/demo-prefix}"
"$top/scripts/wine-install.sh" install "$prefix" "$BUILD_DIR/src/wuapi.dll"
catalog="${OPENWUA_CATALOG:-Z:$top/examples/demo-catalog/catalog.xml}"
export WINEPREFIX="$prefix" WINEDEBUG=-all
wine reg add 'HKLM\Software\OpenWUA' /v DefaultCatalog /d "$catalog" /f >/dev/null
echo "openwua: default catalog $catalog"
wine cscript //nologo "Z:$top/examples/status.vbs"
wine cscript //nologo "Z:$top/examples/search.vbs"
