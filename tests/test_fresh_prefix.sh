#!/usr/bin/env bash
# OpenWUA tests: install into a FRESH Wine prefix with scripts/wine-install.sh the way a
# Wine user would, run a C client and a VBScript client against it, uninstall, and check
# that Wine's own wuapi.dll is back: the file identical to the one the prefix came with,
# the DLL override gone, and the classes, ProgIDs, interfaces and type library in the
# registry exactly as they were before the install.
#
# usage: test_fresh_prefix.sh PREFIX DLL CLIENT_EXE VBSCRIPT
#   PREFIX is deleted and made again; CLIENT_EXE is test_clients.exe (its --fresh-prefix
#   mode); VBSCRIPT is a self-contained client script (tests/scripts/offline_scan.vbs).
set -uo pipefail
prefix="$1" dll="$2" client="$3" script="$4"
top="$(cd "$(dirname "$0")/.." && pwd)"
passed=0 failed=0

check() {   # check WHAT COMMAND...
  local what="$1"; shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $what"; fi
}

export WINEPREFIX="$prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
system32="$prefix/drive_c/windows/system32"
work="$(dirname "$prefix")/fresh-prefix-work"

# What the registry says about everything wuapi.dll registers: classes (with their
# ProgIDs, which live under HKCR too), interfaces and type libraries.  reg export
# writes no timestamps, so two snapshots of an unchanged registry are identical.
snapshot() {
  local out="$1" key
  : >"$out"
  for key in CLSID Interface TypeLib; do
    wine reg export "HKLM\\Software\\Classes\\$key" "Z:$work/part.reg" /y >/dev/null 2>&1
    iconv -f UTF-16LE -t UTF-8 "$work/part.reg" | tr -d '\r' >>"$out"
  done
  wine reg query 'HKLM\Software\Classes' 2>/dev/null | tr -d '\r' | grep -i 'Microsoft\.Update' >>"$out"
}

override() {
  wine reg query 'HKCU\Software\Wine\DllOverrides' /v wuapi 2>/dev/null | tr -d '\r' | grep -i wuapi
}

rm -rf "$prefix" "$work"
mkdir -p "$(dirname "$prefix")" "$work"
wineboot -i >/dev/null 2>&1
wineserver -w
[ -f "$system32/wuapi.dll" ] || { echo "FAIL: the fresh prefix has no wuapi.dll"; exit 1; }
cp "$system32/wuapi.dll" "$work/builtin-wuapi.dll"
# cscript registers the Windows Script Host's own type library the first time it
# runs: let it do so before the snapshot, so that only wuapi.dll's changes count.
echo 'WScript.Echo "wsh"' >"$work/wsh.vbs"
wine cscript //nologo "Z:$work/wsh.vbs" >/dev/null 2>&1
snapshot "$work/before.txt"
check "no wuapi override in a fresh prefix" test -z "$(override)"

"$top/scripts/wine-install.sh" install "$prefix" "$dll" >/dev/null
check "system32\\wuapi.dll is OpenWUA after install" cmp -s "$dll" "$system32/wuapi.dll"
check "override native,builtin after install" grep -qi 'native,builtin' <<<"$(override)"

out="$(wine "$client" --fresh-prefix 2>&1 | tr -d '\r')"
sed 's/^/  c client: /' <<<"$out"
check "the C client runs against OpenWUA" grep -q '^client passed$' <<<"$out"
out="$(wine cscript //nologo "Z:$script" 2>&1 | tr -d '\r')"
sed 's/^/  vbscript client: /; s/passed/ok/' <<<"$out"
check "the VBScript client runs against OpenWUA" grep -Eq '^[1-9][0-9]* passed, 0 failed$' <<<"$out"
wineserver -w

"$top/scripts/wine-install.sh" uninstall "$prefix" >/dev/null
check "system32\\wuapi.dll is Wine's builtin again" cmp -s "$work/builtin-wuapi.dll" "$system32/wuapi.dll"
check "the saved builtin is gone" test ! -e "$system32/wuapi.dll.wine-builtin"
check "the override is gone" test -z "$(override)"
snapshot "$work/after.txt"
if diff -u "$work/before.txt" "$work/after.txt" >"$work/registry.diff"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "FAIL: the registry differs from before the install:"; head -40 "$work/registry.diff"
fi
# With the builtin back, the client sees Wine's stub: OpenWUA's classes are not there.
out="$(wine "$client" --fresh-prefix 2>&1 | tr -d '\r')"
check "the C client no longer reaches OpenWUA" grep -q '^client: no OpenWUA' <<<"$out"
wineserver -k 2>/dev/null
rm -rf "$prefix" "$work"

echo "fresh prefix: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
