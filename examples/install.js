// OpenWUA example: search, download and install from JScript.
// Installs every update the default catalog offers whose licence terms are accepted.
// Run: wine cscript //nologo install.js
var names = ["not started", "in progress", "succeeded", "succeeded with errors", "failed", "aborted"];
var session = new ActiveXObject("Microsoft.Update.Session");
session.ClientApplicationID = "OpenWUA JScript example";
var result = session.CreateUpdateSearcher().Search("IsInstalled=0 and IsHidden=0");
WScript.Echo("Found " + result.Updates.Count + " update(s)");

var toInstall = new ActiveXObject("Microsoft.Update.UpdateColl");
for (var i = 0; i < result.Updates.Count; i++) {
    var update = result.Updates.Item(i);
    if (update.EulaAccepted) {
        toInstall.Add(update);
        WScript.Echo("  " + update.Title);
    } else {
        WScript.Echo("  " + update.Title + " (skipped: accept its licence terms first)");
    }
}
if (toInstall.Count == 0) {
    WScript.Echo("Nothing to install");
    WScript.Quit(0);
}

var downloader = session.CreateUpdateDownloader();
downloader.Updates = toInstall;
WScript.Echo("Download: " + names[downloader.Download().ResultCode]);

var installer = session.CreateUpdateInstaller();
installer.Updates = toInstall;
var outcome = installer.Install();
for (var i = 0; i < toInstall.Count; i++) {
    var one = outcome.GetUpdateResult(i);
    WScript.Echo("  " + toInstall.Item(i).Title + ": " + names[one.ResultCode] +
                 " (0x" + (one.HResult >>> 0).toString(16).toUpperCase() + ")");
}
WScript.Echo("Install: " + names[outcome.ResultCode] + ", reboot required: " + (outcome.RebootRequired ? "True" : "False"));
WScript.Quit(outcome.ResultCode == 2 ? 0 : 1);
