"""OpenWUA example: search, download and install from Python with pywin32.

Not runnable in this project's test environment (no Windows Python with pywin32 under
Wine here); it runs the same way against Windows' own agent.

    python install.py
"""
import sys

import win32com.client

NAMES = ["not started", "in progress", "succeeded", "succeeded with errors", "failed", "aborted"]


def main():
    session = win32com.client.Dispatch("Microsoft.Update.Session")
    session.ClientApplicationID = "OpenWUA Python example"
    result = session.CreateUpdateSearcher().Search("IsInstalled=0 and IsHidden=0")
    print("Found %d update(s)" % result.Updates.Count)

    to_install = win32com.client.Dispatch("Microsoft.Update.UpdateColl")
    for update in result.Updates:
        if update.EulaAccepted:
            to_install.Add(update)
            print("  " + update.Title)
        else:
            print("  %s (skipped: accept its licence terms first)" % update.Title)
    if to_install.Count == 0:
        print("Nothing to install")
        return 0

    downloader = session.CreateUpdateDownloader()
    downloader.Updates = to_install
    print("Download: " + NAMES[downloader.Download().ResultCode])

    installer = session.CreateUpdateInstaller()
    installer.Updates = to_install
    outcome = installer.Install()
    for i in range(to_install.Count):
        one = outcome.GetUpdateResult(i)
        print("  %s: %s (0x%08X)" % (to_install.Item(i).Title, NAMES[one.ResultCode], one.HResult & 0xFFFFFFFF))
    print("Install: %s, reboot required: %s" % (NAMES[outcome.ResultCode], outcome.RebootRequired))
    return 0 if outcome.ResultCode == 2 else 1


if __name__ == "__main__":
    sys.exit(main())
