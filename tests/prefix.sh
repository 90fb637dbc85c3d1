#!/usr/bin/env bash
# Prepares the Wine prefix the tests run in, the way a Wine user replaces a DLL:
# wuapi.dll copied over system32\wuapi.dll, then registered with regsvr32.
# usage: prefix.sh PREFIX DLL
set -euo pipefail
prefix="$1"
dll="$2"
export WINEPREFIX="$prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="

if [ ! -f "$prefix/system.reg" ]; then
  echo "prefix: creating $prefix"
  wineboot -i >/dev/null 2>&1
  wineserver -w
fi
cp "$dll" "$prefix/drive_c/windows/system32/wuapi.dll"
wine regsvr32 /s wuapi.dll
wineserver -w
echo "prefix: OpenWUA installed and registered in $prefix"
