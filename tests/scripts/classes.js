// OpenWUA tests: every registered class from JScript, as scripts use them.
var passed = 0, failed = 0;

function check(ok, what) {
    if (ok) passed++;
    else { failed++; WScript.Echo("FAIL: " + what); }
}

// The HRESULT a call throws, as an unsigned number; 0 when it does not throw.
function errorOf(f) {
    try { f(); } catch (e) { return e.number >>> 0; }
    return 0;
}

function main() {
    var progids = ["Session", "UpdateColl", "StringColl", "WebProxy", "SystemInfo", "AgentInfo", "AutoUpdate", "Searcher", "ServiceManager", "Downloader", "Installer"];
    for (var i = 0; i < progids.length; i++) {
        var name = "Microsoft.Update." + progids[i];
        check(typeof new ActiveXObject(name) == "object", "new ActiveXObject " + name);
        check(typeof new ActiveXObject(name + ".1") == "object", "new ActiveXObject " + name + ".1");
    }

    var info = new ActiveXObject("Microsoft.Update.AgentInfo");
    check(info.GetInfo("ApiMajorVersion") === 8, "ApiMajorVersion is 8");
    check(/^\d+\.\d+\.\d+\.\d+$/.test(info.GetInfo("ProductVersionString")), "ProductVersionString is a.b.c.d");
    check(errorOf(function () { info.GetInfo("Nonsense"); }) == 0x80070057, "unknown GetInfo name is E_INVALIDARG");

    var sysinfo = new ActiveXObject("Microsoft.Update.SystemInfo");
    check(sysinfo.RebootRequired === false, "RebootRequired is false");

    var session = new ActiveXObject("Microsoft.Update.Session");
    check(session.ClientApplicationID == "Unknown", "ClientApplicationID defaults to Unknown");
    session.ClientApplicationID = "classes.js";
    check(session.ClientApplicationID == "classes.js", "ClientApplicationID is kept");
    var proxy = new ActiveXObject("Microsoft.Update.WebProxy");
    proxy.Address = "10.1.2.3:3128";
    session.WebProxy = proxy;
    check(session.WebProxy.Address == "10.1.2.3:3128", "session keeps the proxy");
    check(errorOf(function () { proxy.Address = "bad address"; }) == 0x80070057, "bad address is E_INVALIDARG");
    check(errorOf(function () { session.CreateUpdateInstaller().Install(); }) == 0x80240024, "Install without Updates is WU_E_NO_UPDATE");
    check(session.CreateUpdateDownloader().Priority == 2, "a new downloader's Priority is dpNormal");

    var au = new ActiveXObject("Microsoft.Update.AutoUpdate");
    var settings = au.Settings;
    check(errorOf(function () { settings.ScheduledInstallationDay = 8; }) == 0x80070057, "day 8 is E_INVALIDARG");
    settings.ScheduledInstallationDay = 2;
    check(settings.ScheduledInstallationDay == 2, "ScheduledInstallationDay is kept");
    check(au.ServiceEnabled === true, "service enabled");
}

try { main(); } catch (e) { check(false, "unexpected error " + (e.number >>> 0).toString(16) + " " + e.description); }
WScript.Echo(passed + " passed, " + failed + " failed");
if (failed > 0) WScript.Quit(1);
