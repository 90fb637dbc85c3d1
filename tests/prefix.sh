#!/usr/bin/env bash
# Prepares the Wine prefix the tests run in: OpenWUA installed the way a Wine user
# replaces a DLL (scripts/wine-install.sh).  usage: prefix.sh PREFIX DLL
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
exec "$top/scripts/wine-install.sh" install "$1" "$2"
