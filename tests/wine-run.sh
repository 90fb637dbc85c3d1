#!/usr/bin/env bash
# Runs a Windows program in the test prefix of this build folder.
# Used by ctest as CMAKE_CROSSCOMPILING_EMULATOR; OPENWUA_PREFIX names the prefix.
set -euo pipefail
export WINEPREFIX="${OPENWUA_PREFIX:?OPENWUA_PREFIX is not set}"
export WINEDEBUG="${WINEDEBUG:--all}"
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=}"
exec wine "$@"
