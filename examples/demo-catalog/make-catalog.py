#!/usr/bin/env python3
"""OpenWUA demo catalog: fills catalog.xml.in with the digests, sizes and
file:// URLs of the packages built next to it.

    make-catalog.py TEMPLATE OUTPUT FOLDER

Placeholders: @SHA1:name@ and @SHA256:name@ (base64, as SDP writes them),
@SIZE:name@ (bytes) and @URL:name@ (a file:// URL through Wine's drive Z:),
for the file FOLDER/name.

Copyright 2026 the OpenWUA authors
SPDX-License-Identifier: LGPL-2.1-or-later
"""
import base64
import hashlib
import os
import re
import sys
import urllib.parse


def value(kind, path):
    data = open(path, "rb").read()
    if kind == "SHA1":
        return base64.b64encode(hashlib.sha1(data).digest()).decode()
    if kind == "SHA256":
        return base64.b64encode(hashlib.sha256(data).digest()).decode()
    if kind == "SIZE":
        return str(len(data))
    # Wine maps drive Z: to the Unix root
    return "file:///Z:" + urllib.parse.quote(os.path.abspath(path))


def main():
    template, output, folder = sys.argv[1:4]
    text = open(template, encoding="utf-8").read()
    text = re.sub(r"@(SHA1|SHA256|SIZE|URL):([A-Za-z0-9._-]+)@",
                  lambda m: value(m.group(1), os.path.join(folder, m.group(2))), text)
    leftover = re.findall(r"@[A-Z0-9]+:[^@\s]*@", text)
    if leftover:
        sys.exit("make-catalog: unknown placeholders %s" % leftover)
    with open(output + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(output + ".tmp", output)


if __name__ == "__main__":
    main()
