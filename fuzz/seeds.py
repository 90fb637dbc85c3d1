#!/usr/bin/env python3
"""OpenWUA fuzzing: writes the starting inputs of each target into OUT/<target>/.

usage: seeds.py OUT [CATALOG ...]
Criteria seeds are the shapes the language has; catalog seeds are the given
SDP documents (each behind the option byte fuzz_catalog.c reads); the rules
target starts from a few hand-made encodings.
"""
import os
import sys

CRITERIA = [
    "", " ", "IsInstalled=0", "IsInstalled=0 and IsHidden=0", "IsInstalled=0 and Type='Software' and IsHidden=0",
    "Type='Software' or Type='Driver'", "( IsInstalled = 0 and IsHidden = 0 )", "IsInstalled=0 or IsInstalled=1",
    "(IsInstalled=1 and IsHidden=1) or (IsPresent=1)", "IsAssigned=1 and BrowseOnly=0 and AutoSelectOnWebSites=1",
    "RebootRequired=1", "UpdateID='12345678-9abc-def0-1234-56789abcdef0' and RevisionNumber=100",
    "UpdateID!='{12345678-9abc-def0-1234-56789abcdef0}'",
    "CategoryIds contains '0FA1201D-4330-4FA8-8AE9-B877473B6441'", "DeploymentAction='Uninstallation'",
    "DeploymentAction='OptionalInstallation' and IsInstalled=0", "Type='a[']b[[]c[]]d'", "IsInstalled=-2147483648",
    "((IsInstalled=0))", "IsInstalled=0 and (IsHidden=0 or IsHidden=1)",
]

RULES = [bytes([0, 2, 0, 3, 0, 0, 0, 0]), bytes([7, 5, 3, 28, 3, 7, 3, 13, 2, 8, 0]),
         bytes([1, 10, 4, 24, 2, 17, 18, 27, 1, 7, 3, 9, 1, 0, 0]), bytes([9, 16, 2, 16, 2, 19, 20, 28, 1, 7, 0]),
         bytes([3, 17, 2, 15, 1, 25, 31, 2, 26, 24, 0]), bytes([5, 18, 1, 17, 1, 23, 0])]


def write(folder, name, data):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def main():
    out = sys.argv[1]
    for i, text in enumerate(CRITERIA):
        write(os.path.join(out, "criteria"), "seed-%02d" % i, text.encode("utf-16-le"))
    for i, data in enumerate(RULES):
        write(os.path.join(out, "rules"), "seed-%02d" % i, data)
    for i, path in enumerate(sys.argv[2:]):
        with open(path, "rb") as f:
            document = f.read()
        write(os.path.join(out, "catalog"), "seed-%02d" % i, b"\x00" + document)
        write(os.path.join(out, "catalog"), "seed-%02d-utf16" % i,
              b"\x03" + document.decode("utf-8", "replace").encode("utf-16"))


if __name__ == "__main__":
    main()
