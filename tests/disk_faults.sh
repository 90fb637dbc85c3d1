#!/bin/sh
# OpenWUA tests: two cache folders test_faults cannot write to, made from the
# Linux side around it (as root: Unix permissions would not stop root).
#   disk_faults.sh setup|cleanup PREFIX READ_ONLY_ID FULL_ID
# setup: Download/READ_ONLY_ID immutable (chattr +i); Download/FULL_ID a 16 KiB
# tmpfs.  Either may be impossible here (no chattr, no mount rights): the test
# then finds the folder writable and says it skipped that case.
#
# Copyright 2026 the OpenWUA authors
# SPDX-License-Identifier: LGPL-2.1-or-later
cache="$2/drive_c/ProgramData/OpenWUA/Download"
ro="$cache/$3"
full="$cache/$4"
case "$1" in
setup)
    "$0" cleanup "$2" "$3" "$4"
    mkdir -p "$ro" "$full"
    chattr +i "$ro" 2>/dev/null || echo "cannot make $ro immutable"
    mount -t tmpfs -o size=16k tmpfs "$full" 2>/dev/null || echo "cannot mount a small tmpfs on $full"
    ;;
cleanup)
    if mountpoint -q "$full" 2>/dev/null; then umount "$full"; fi
    if [ -d "$ro" ]; then chattr -i "$ro" 2>/dev/null; fi
    rmdir "$ro" "$full" 2>/dev/null
    ;;
esac
exit 0
