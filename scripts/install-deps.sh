#!/usr/bin/env bash
# Installs every Debian 12 package the build, the tests and the main job need,
# and fetches the pinned cmocka source that the MinGW test build uses.
# Safe to run again: it only installs what is missing.
set -euo pipefail

packages=(
  cmake ninja-build make python3
  gcc-mingw-w64-x86-64 mingw-w64-tools
  libwine-dev wine64 wine
  msitools wixl gcab curl openssl
  clang libclang-rt-14-dev libxml2-dev
)
CMOCKA_VERSION=1.1.5-2.1
CMOCKA_TARBALL=cmocka_1.1.5.orig.tar.xz
CMOCKA_SHA256=f0ccd8242d55e2fd74b16ba518359151f6f8383ff8aef4976e48393f77bba8b6
cache="${OPENWUA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/openwua}"

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

enable_deb_src() {
  local f=/etc/apt/sources.list.d/debian.sources
  if [ -f "$f" ] && ! grep -q 'deb-src' "$f"; then
    $SUDO sed -i 's/^Types: deb$/Types: deb deb-src/' "$f"
  else
    echo 'deb-src http://deb.debian.org/debian bookworm main' | $SUDO tee /etc/apt/sources.list.d/openwua-src.list >/dev/null
  fi
  $SUDO apt-get update -qq
}

if ! echo "$CMOCKA_SHA256  $cache/$CMOCKA_TARBALL" | sha256sum -c --status 2>/dev/null; then
  mkdir -p "$cache"
  apt-cache showsrc cmocka 2>/dev/null | grep -q "^Version: $CMOCKA_VERSION" || enable_deb_src
  (cd "$cache" && apt-get source --download-only -qq "cmocka=$CMOCKA_VERSION" 2>/dev/null)
  echo "$CMOCKA_SHA256  $cache/$CMOCKA_TARBALL" | sha256sum -c --status
fi
echo "install-deps: ready (cmocka source in $cache)"
