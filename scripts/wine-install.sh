#!/usr/bin/env bash
# Installs OpenWUA into a Wine prefix as its wuapi.dll, or takes it out again.
#
#   wine-install.sh install PREFIX DLL   copy DLL over system32\wuapi.dll, prefer it, register it
#   wine-install.sh uninstall PREFIX     unregister, put Wine's own wuapi.dll back, register that
#
# The prefix is created when it does not exist yet.  Uninstalling leaves the
# prefix as it was before the install.
set -euo pipefail
action="${1:-}"
prefix="${2:-}"
if [ -z "$action" ] || [ -z "$prefix" ]; then
  echo "usage: $0 install PREFIX DLL | uninstall PREFIX" >&2
  exit 2
fi
export WINEPREFIX="$prefix" WINEDEBUG="${WINEDEBUG:--all}"
# No Mono or Gecko install prompts in a new prefix.
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=}"
system32="$prefix/drive_c/windows/system32"
saved="$system32/wuapi.dll.wine-builtin"
override_key='HKCU\Software\Wine\DllOverrides'

ensure_prefix() {
  if [ ! -f "$prefix/system.reg" ]; then
    echo "openwua: creating Wine prefix $prefix"
    wineboot -i >/dev/null 2>&1
    wineserver -w
  fi
}

case "$action" in
  install)
    dll="${3:?install needs the path of wuapi.dll}"
    ensure_prefix
    [ -f "$saved" ] || cp "$system32/wuapi.dll" "$saved"
    cp "$dll" "$system32/wuapi.dll"
    wine reg add "$override_key" /v wuapi /d native,builtin /f >/dev/null
    wine regsvr32 /s wuapi.dll
    wineserver -w
    echo "openwua: installed into $prefix"
    ;;
  uninstall)
    [ -f "$saved" ] || { echo "openwua: not installed in $prefix" >&2; exit 1; }
    wine regsvr32 /u /s wuapi.dll
    mv "$saved" "$system32/wuapi.dll"
    wine reg delete "$override_key" /v wuapi /f >/dev/null 2>&1 || true
    wine regsvr32 /s wuapi.dll      # Wine's builtin registers its own classes again
    wineserver -w
    echo "openwua: removed from $prefix; Wine's wuapi.dll is back"
    ;;
  *)
    echo "usage: $0 install PREFIX DLL | uninstall PREFIX" >&2
    exit 2
    ;;
esac
