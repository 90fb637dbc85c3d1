#!/usr/bin/env python3
"""OpenWUA tests: wuactl.exe end to end in the test prefix.

Runs every command as a user would (wine wuactl.exe ...), parses its --json
output and checks it, its exit codes and its plain (non-console) output,
against the demo catalog the build makes and a catalog of command-line
updates (tests/payload/exitcode.c) written here.  Then it runs test_wuactl.exe,
which reads exit codes whole.  Everything it
changes in the prefix is put back at the end.  Prints "N passed, M failed".

Environment: OPENWUA_PREFIX, WUACTL, DEMO_CATALOG, EXITCODE, TEST_WUACTL, WORK.

Copyright 2026 the OpenWUA authors
SPDX-License-Identifier: LGPL-2.1-or-later
"""
import base64
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse

PREFIX = os.environ["OPENWUA_PREFIX"]
WUACTL = os.environ["WUACTL"]
DEMO = os.environ["DEMO_CATALOG"]
EXITCODE = os.environ["EXITCODE"]
TEST_EXE = os.environ["TEST_WUACTL"]
WORK = os.environ["WORK"]
PROGRAMDATA = os.path.join(PREFIX, "drive_c", "ProgramData")
ENV = dict(os.environ, WINEPREFIX=PREFIX, WINEDEBUG="-all", WINEDLLOVERRIDES="mscoree,mshtml=")

EDITOR = "0e1f3d52-7a44-4c0e-9a39-5f5b1d2c0004"
RUNTIME = "0e1f3d52-7a44-4c0e-9a39-5f5b1d2c0005"
TOOL = "0e1f3d52-7a44-4c0e-9a39-5f5b1d2c0001"
BASELINE = "0e1f3d52-7a44-4c0e-9a39-5f5b1d2c0002"
GATE = "7e57c7a1-0000-4000-8000-000000000001"
AFTER = "7e57c7a1-0000-4000-8000-000000000002"
REBOOT = "7e57c7a1-0000-4000-8000-000000000003"
FAIL = "7e57c7a1-0000-4000-8000-000000000004"
EXAMPLE = "7e57c7a1-0000-4000-8000-000000000005"
ALL_IDS = [EDITOR, RUNTIME, TOOL, BASELINE, GATE, AFTER, REBOOT, FAIL, EXAMPLE]
EXAMPLES = os.environ["EXAMPLES"]           # the examples folder of the sources
EXAMPLE_EXE = os.environ["EXAMPLE_EXE"]     # examples/install.c, built
REBOOT_KEY = r"HKLM\Software\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired"
WU_E_EULAS_DECLINED = "0x80240023"
WU_E_UH_INSTALLERFAILURE = "0x8024200B"


def windows(path):
    return "Z:" + os.path.abspath(path).replace("/", "\\")


def run_captured(command, env=ENV):
    """Runs to the end.  Output goes through files, not pipes: a wineserver that
    the command starts inherits them and would keep a pipe open for seconds."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        code = subprocess.run(command, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err).returncode
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(command, code, out.read().decode("utf-8"), err.read().decode("utf-8"))


def wine(*args):
    return run_captured(["wine", *args])


def wuactl(*args):
    return wine(WUACTL, *args)


def wuactl_json(*args, code=0):
    r = wuactl(*args, "--json")
    if r.returncode != code:
        raise AssertionError("wuactl %s: exit %d, expected %d\n%s%s" % (" ".join(args), r.returncode, code,
                                                                        r.stdout, r.stderr))
    return json.loads(r.stdout)


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def ids(document):
    return [u["id"] for u in document["updates"]]


def reg_exists(key):
    return wine("reg", "query", key).returncode == 0


# --- the catalog of command-line updates ---

def package(pid, title, args, reboot_code=None):
    data = open(EXITCODE, "rb").read()
    sha1 = base64.b64encode(hashlib.sha1(data).digest()).decode()
    url = "file:///Z:" + urllib.parse.quote(os.path.abspath(EXITCODE))
    state = windows(os.path.join(WORK, pid + ".state"))
    codes = '<cmd:ReturnCode Code="0" Result="Succeeded" Reboot="false"/>'
    if reboot_code:
        codes += '<cmd:ReturnCode Code="%d" Result="Succeeded" Reboot="true"/>' % reboot_code
    return f"""<smc:SoftwareDistributionPackage SchemaVersion="1.0">
 <sdp:Properties PackageID="{pid}" CreationDate="2026-01-01T00:00:00Z" VendorName="OpenWUA Tests"><sdp:ProductName>wuactl tests</sdp:ProductName></sdp:Properties>
 <sdp:LocalizedProperties><sdp:Language>en</sdp:Language><sdp:Title>{title}</sdp:Title></sdp:LocalizedProperties>
 <sdp:UpdateSpecificData UpdateClassification="Updates"/>
 <sdp:IsInstalled><bar:FileExists Path="{state}"/></sdp:IsInstalled>
 <sdp:InstallableItem ID="{pid[:8]}-2222-4000-8000-000000000001">
  <cmd:CommandLineInstallerData Program="exitcode.exe" Arguments="{args.replace('"', '&quot;')}" DefaultResult="Failed">{codes}</cmd:CommandLineInstallerData>
  <sdp:OriginFile Digest="{sha1}" FileName="exitcode.exe" Size="{len(data)}" Modified="2026-01-01T00:00:00Z" OriginUri="{url}"/>
 </sdp:InstallableItem>
</smc:SoftwareDistributionPackage>"""


def state_arg(pid):
    return '"%s"' % windows(os.path.join(WORK, pid + ".state"))


def write_test_catalog():
    return write_catalog("wuactl-tests.xml", "".join([
        package(GATE, "wuactl test: waits for a gate", "0 %s %s" % (state_arg(GATE), '"%s.gate"' % windows(os.path.join(WORK, GATE + ".state")))),
        package(AFTER, "wuactl test: after the gate", "0 " + state_arg(AFTER)),
        package(REBOOT, "wuactl test: needs a restart", "3010 " + state_arg(REBOOT), reboot_code=3010),
        package(FAIL, "wuactl test: fails", "1 " + state_arg(FAIL)),
    ]))


def write_catalog(name, body):
    ns = "http://schemas.microsoft.com/wsus/2005/04/CorporatePublishing/"
    path = os.path.join(WORK, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"""<?xml version="1.0" encoding="utf-8"?>
<smc:SystemsManagementCatalog xmlns:smc="http://schemas.microsoft.com/sms/2005/04/CorporatePublishing/SystemsManagementCatalog.xsd"
 xmlns:sdp="{ns}SoftwareDistributionPackage.xsd" xmlns:bar="{ns}BaseApplicabilityRules.xsd"
 xmlns:cmd="{ns}Installers/CommandLineInstallation.xsd">{body}</smc:SystemsManagementCatalog>""")
    return path


# --- the cases ---

def test_help_and_usage_errors():
    r = wuactl("--help")
    expect(r.returncode == 0 and "wuactl install" in r.stdout, "--help: %r" % r.stdout)
    for command in ["search", "download", "install", "uninstall", "history", "status", "hide", "unhide",
                    "catalog add", "catalog list", "catalog remove", "catalog default"]:
        r = wuactl(*command.split(), "--help")
        expect(r.returncode == 0 and r.stdout.startswith("usage: wuactl " + command), "%s --help: %r" % (command, r.stdout))
    for bad in [["bogus"], [], ["install"], ["install", "--all", EDITOR], ["history", "--count", "0"],
                ["history", "--count", "x"], ["search", "--bogus"], ["catalog"], ["catalog", "frob"],
                ["catalog", "remove"], ["status", "extra"], ["uninstall"], ["hide"]]:
        r = wuactl(*bad)
        expect(r.returncode == 2, "%s: exit %d" % (bad, r.returncode))
        expect(r.stdout == "", "%s: wrote %r to stdout" % (bad, r.stdout))
        expect(r.stderr.startswith("wuactl: ") and r.stderr.count("\n") == 1, "%s: stderr %r" % (bad, r.stderr))
    error = wuactl_json("install", code=2)
    expect("error" in error, "a --json usage error is a JSON object with 'error': %r" % error)


def test_status():
    status = wuactl_json("status")
    expect(status["command"] == "status", status)
    expect(status["api_version"] == "8.0", status)
    expect(status["agent_version"].startswith("10.0."), status)
    expect(status["installer_busy"] is False, status)
    expect(isinstance(status["reboot_required"], bool), status)
    text = wuactl("status").stdout
    expect("Reboot required:" in text and "Installer busy:   no" in text, text)


def test_catalog_default():
    result = wuactl_json("catalog", "default", DEMO)
    expect(result["location"] == windows(DEMO), result)
    expect(wuactl_json("catalog", "default")["location"] == windows(DEMO), "catalog default does not read back")
    # a catalog that does not load is refused and changes nothing
    error = wuactl_json("catalog", "default", os.path.join(WORK, "missing.xml"), code=2)
    expect(error["hresult"] == "0x80070002", error)
    expect(wuactl_json("catalog", "default")["location"] == windows(DEMO), "a refused default replaced the old one")
    catalogs = wuactl_json("catalog", "list")["catalogs"]
    default = [c for c in catalogs if c["default"]]
    expect(len(default) == 1 and default[0]["location"] == windows(DEMO), catalogs)


def test_search():
    found = wuactl_json("search")
    expect(found["criteria"] == "IsInstalled=0 and IsHidden=0", found)
    expect(ids(found) == [EDITOR, RUNTIME, TOOL], ids(found))
    editor = found["updates"][0]
    expect(editor["eula_accepted"] is False and "licence" in editor["eula"], editor)
    expect(editor["uninstallable"] is True and editor["size"] > 0 and editor["kb"] == ["OW-0004"], editor)
    expect(found["updates"][2]["uninstallable"] is False, found["updates"][2])
    installed = wuactl_json("search", "IsInstalled=1")
    expect(ids(installed) == [BASELINE], ids(installed))
    # the criteria may come as several arguments
    expect(ids(wuactl_json("search", "IsInstalled=1", "and", "Type='Software'")) == [BASELINE], "joined criteria")
    error = wuactl_json("search", "IsInstalled=", code=2)
    expect(error["hresult"] == "0x80240032", error)      # WU_E_INVALID_CRITERIA
    text = wuactl("search").stdout
    expect(text.startswith("3 updates found") and "OpenWUA Demo Tool 1.0" in text, text)


def test_catalog_add_remove(test_catalog):
    added = wuactl_json("catalog", "add", test_catalog, "--name", "wuactl tests")
    expect(added["name"] == "wuactl tests" and added["location"] == windows(test_catalog), added)
    listed = [c for c in wuactl_json("catalog", "list")["catalogs"] if c["id"] == added["id"]]
    expect(len(listed) == 1 and listed[0]["scan_package"] is True, listed)
    found = ids(wuactl_json("search"))
    expect(found == [EDITOR, RUNTIME, TOOL, GATE, AFTER, REBOOT, FAIL], found)
    # the same catalog twice: its updates are still listed once
    again = wuactl_json("catalog", "add", test_catalog)
    expect(ids(wuactl_json("search")) == found, "an update in two catalogs is listed twice")
    wuactl_json("catalog", "remove", again["id"])
    expect(all(c["id"] != again["id"] for c in wuactl_json("catalog", "list")["catalogs"]), "not removed")
    error = wuactl_json("catalog", "remove", again["id"], code=2)
    expect(error["hresult"] == "0x80248014", error)      # WU_E_DS_UNKNOWNSERVICE
    error = wuactl_json("catalog", "add", os.path.join(WORK, "missing.xml"), code=2)
    expect(error["hresult"] == "0x80070002", error)
    return added["id"]


def test_hide_unhide():
    hidden = wuactl_json("hide", "KB" + "OW-0001")       # by KB article, with the KB prefix
    expect(ids(hidden) == [TOOL] and hidden["updates"][0]["hidden"] is True, hidden)
    expect(TOOL not in ids(wuactl_json("search")), "a hidden update is still offered")
    expect(ids(wuactl_json("search", "IsHidden=1")) == [TOOL], "IsHidden=1")
    shown = wuactl_json("unhide", "{%s}" % TOOL.upper())  # by ID, braces and case as users type them
    expect(shown["updates"][0]["hidden"] is False, shown)
    expect(TOOL in ids(wuactl_json("search")), "unhidden update not offered")
    error = wuactl_json("hide", "00000000-0000-0000-0000-000000000000", code=2)
    expect("no update" in error["error"], error)


def test_eula_required():
    error = wuactl_json("install", EDITOR, code=2)
    expect(error["hresult"] == WU_E_EULAS_DECLINED, error)
    expect(EDITOR in ids(wuactl_json("search")), "refused install changed something")


def test_download_plain_output():
    r = wuactl("download", RUNTIME)
    expect(r.returncode == 0, "download: exit %d %s" % (r.returncode, r.stderr))
    lines = r.stdout.splitlines()
    expect("\r" not in r.stdout, "progress bar drawn on a pipe")
    expect("download [1/1] OpenWUA Demo Runtime 2.0: 100% (10240 of 10240 bytes)" in lines, lines)
    expect("download [1/1] OpenWUA Demo Runtime 2.0: succeeded" in lines, lines)
    expect(lines[-1] == "download: 1 of 1 succeeded", lines)
    again = wuactl_json("download", RUNTIME)
    expect(again["updates"][0]["result"] == "succeeded" and again["updates"][0]["downloaded"] is True, again)


def test_install_failure():
    result = wuactl_json("install", FAIL, code=1)
    expect(result["updates"][0]["result"] == "failed", result)
    expect(result["updates"][0]["hresult"] == WU_E_UH_INSTALLERFAILURE, result)
    expect(result["exit_code"] == 1, result)


def test_install_all_demo():
    result = wuactl_json("install", *[EDITOR, RUNTIME, TOOL], "--accept-eula", code=3010 % 256)
    expect(ids(result) == [EDITOR, RUNTIME, TOOL], ids(result))
    expect(all(u["result"] == "succeeded" and u["hresult"] == "0x00000000" for u in result["updates"]), result)
    expect(result["reboot_required"] is True and result["exit_code"] == 3010, result)
    expect(result["updates"][2]["reboot_required"] is True, result["updates"][2])
    expect(all(u["installed"] for u in result["updates"]), result)
    expect(set(ids(wuactl_json("search", "IsInstalled=1"))) >= {EDITOR, RUNTIME, TOOL, BASELINE}, "not installed")
    expect(wuactl_json("status")["reboot_required"] is True, "status does not report the restart")
    # nothing left to install from the demo catalog
    expect(not {EDITOR, RUNTIME, TOOL} & set(ids(wuactl_json("search"))), "installed updates still offered")


def test_history():
    history = wuactl_json("history", "--count", "3")
    entries = history["entries"]
    expect(len(entries) == 3 and history["total"] >= 3, history)
    expect([e["id"] for e in entries] == [TOOL, RUNTIME, EDITOR], entries)
    expect(all(e["operation"] == "installation" and e["result"] == "succeeded" and e["client"] == "wuactl"
               for e in entries), entries)
    expect(entries[0]["date"].endswith("Z"), entries[0])
    text = wuactl("history", "--count", "1").stdout.splitlines()
    expect(len(text) == 1 and TOOL in text[0] and "succeeded" in text[0], text)


def test_uninstall():
    error = wuactl_json("uninstall", TOOL, code=2)       # a command line cannot be uninstalled
    expect(error["hresult"] == "0x80240028", error)      # WU_E_UNINSTALL_NOT_ALLOWED
    result = wuactl_json("uninstall", EDITOR, RUNTIME)
    expect(all(u["result"] == "succeeded" and not u["installed"] for u in result["updates"]), result)
    expect(not {EDITOR, RUNTIME} & set(ids(wuactl_json("search", "IsInstalled=1"))), "still installed")
    expect(wuactl_json("history", "--count", "1")["entries"][0]["operation"] == "uninstallation", "history")
    wuactl_json("uninstall", EDITOR, code=2)             # no longer installed: not found


def wait_for(condition, what):
    """Bounded wait (a minute) for something another process does; not a timing test."""
    for _ in range(1200):
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("gave up waiting for " + what)


def test_ctrl_c_aborts_install():
    """Ctrl+C while the first of two updates installs: wuactl asks the job to stop, the
    installer under way finishes, the second update never starts, exit code 1.  wuactl runs
    in a process group of its own and gets SIGINT, which Wine turns into CTRL_C_EVENT as a
    terminal's Ctrl+C would (Wine 8 does not deliver GenerateConsoleCtrlEvent between processes)."""
    state = os.path.join(WORK, GATE + ".state")
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile() as err:
        child = subprocess.Popen(["wine", WUACTL, "install", GATE, AFTER, "--json"], env=ENV, stdin=subprocess.DEVNULL,
                                 stdout=out, stderr=err, start_new_session=True)
        try:
            wait_for(lambda: os.path.exists(state + ".started"), "the first installer to start")
            os.kill(child.pid, signal.SIGINT)
            # the gate opens only once wuactl has asked the job to stop
            wait_for(lambda: b"aborting" in open(err.name, "rb").read(), "wuactl to abort")
            open(state + ".gate", "w").close()
            code = child.wait(timeout=120)
        finally:
            if child.poll() is None:
                child.kill()
        out.seek(0)
        result = json.loads(out.read().decode("utf-8"))
    expect(code == 1, "exit code %d" % code)
    expect(result["aborted"] is True and result["exit_code"] == 1, result)
    expect([(u["id"], u["result"]) for u in result["updates"]] == [(GATE, "succeeded"), (AFTER, "aborted")], result)
    expect(result["updates"][1]["hresult"] == "0x80004004", result)   # E_ABORT
    expect(not os.path.exists(os.path.join(WORK, AFTER + ".state")), "the aborted update ran")


def test_examples():
    """examples/install.vbs, install.js and install.c install what the default catalog offers."""
    wuactl_json("catalog", "default", write_catalog("example.xml", package(EXAMPLE, "wuactl example", "0 " + state_arg(EXAMPLE))))
    for command in (["cscript", "//nologo", windows(os.path.join(EXAMPLES, "install.vbs"))],
                    ["cscript", "//nologo", windows(os.path.join(EXAMPLES, "install.js"))],
                    [EXAMPLE_EXE]):
        state = os.path.join(WORK, EXAMPLE + ".state")
        if os.path.exists(state):
            os.remove(state)                            # not installed again
        r = wine(*command)
        lines = r.stdout.splitlines()
        expect(r.returncode == 0, "%s: exit %d\n%s%s" % (command, r.returncode, r.stdout, r.stderr))
        expect(lines[:2] == ["Found 1 update(s)", "  wuactl example"], (command, lines))
        expect("  wuactl example: succeeded (0x0)" in lines, (command, lines))
        expect(lines[-1] == "Install: succeeded, reboot required: False", (command, lines))
        expect(os.path.exists(state), "%s: the installer did not run" % command)
        r = wine(*command)                              # installed now: nothing offered
        expect(r.returncode == 0 and r.stdout.splitlines() == ["Found 0 update(s)", "Nothing to install"],
               (command, r.stdout))


def test_exit_codes_from_windows():
    env = dict(ENV, OPENWUA_WUACTL=windows(WUACTL), OPENWUA_REBOOT_ID=REBOOT)
    r = run_captured(["wine", TEST_EXE], env=env)
    expect(r.returncode == 0, "test_wuactl.exe failed:\n" + r.stdout + r.stderr)
    sys.stdout.write(r.stdout)


# --- set-up and clean-up ---

class Saved:
    def __init__(self):
        r = wine("reg", "query", r"HKLM\Software\OpenWUA", "/v", "DefaultCatalog")
        self.default = None
        for line in r.stdout.splitlines():
            if "DefaultCatalog" in line and "REG_SZ" in line:
                self.default = line.split("REG_SZ", 1)[1].strip()
        self.reboot_key = reg_exists(REBOOT_KEY)
        self.history = set(os.listdir(os.path.join(PROGRAMDATA, "OpenWUA", "History"))) \
            if os.path.isdir(os.path.join(PROGRAMDATA, "OpenWUA", "History")) else set()

    def restore(self, services):
        for pid in [EDITOR, RUNTIME]:
            wuactl("uninstall", pid)
        for service in services:
            wuactl("catalog", "remove", service)
        if self.default:
            wine("reg", "add", r"HKLM\Software\OpenWUA", "/v", "DefaultCatalog", "/d", self.default, "/f")
        else:
            wine("reg", "delete", r"HKLM\Software\OpenWUA", "/v", "DefaultCatalog", "/f")
        if not self.reboot_key:
            wine("reg", "delete", REBOOT_KEY, "/f")
        wine("reg", "delete", r"HKLM\Software\OpenWUA-Demo", "/f")
        for pid in ALL_IDS:
            wine("reg", "delete", r"HKLM\Software\OpenWUA\Updates\%s" % pid, "/f")
            wine("reg", "delete", r"HKLM\Software\OpenWUA\Updates\{%s}" % pid, "/f")
            shutil.rmtree(os.path.join(PROGRAMDATA, "OpenWUA", "Download", pid), ignore_errors=True)
        folder = os.path.join(PROGRAMDATA, "OpenWUA", "History")
        if os.path.isdir(folder):
            for name in set(os.listdir(folder)) - self.history:
                os.remove(os.path.join(folder, name))
        shutil.rmtree(os.path.join(PROGRAMDATA, "OpenWUA-Demo"), ignore_errors=True)


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    saved = Saved()
    services = []
    passed = failed = 0

    def run(case, *args):
        nonlocal passed, failed
        try:
            value = case(*args)
            passed += 1
            print("ok   " + case.__name__)
            return value
        except Exception:
            failed += 1
            print("FAIL " + case.__name__)
            traceback.print_exc(file=sys.stdout)
            return None

    try:
        test_catalog = write_test_catalog()
        run(test_help_and_usage_errors)
        run(test_status)
        run(test_catalog_default)
        run(test_search)
        service = run(test_catalog_add_remove, test_catalog)
        if service:
            services.append(service)
        run(test_hide_unhide)
        run(test_eula_required)
        run(test_download_plain_output)
        run(test_install_failure)
        run(test_install_all_demo)
        run(test_history)
        run(test_uninstall)
        run(test_ctrl_c_aborts_install)
        run(test_exit_codes_from_windows)
        run(test_examples)
    finally:
        saved.restore(services)
        subprocess.run(["wineserver", "-w"], env=ENV)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
