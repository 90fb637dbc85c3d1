// OpenWUA tests: BeginSearch/EndSearch from JScript.  A JScript function is an
// object whose DISPID 0 calls it: that is the callback.  IsCompleted is polled in
// a bounded loop; CleanUp waits for the callback, which arrives on this thread.
var passed = 0, failed = 0;

function check(ok, what) {
    if (ok) passed++;
    else { failed++; WScript.Echo("FAIL: " + what); }
}

var NS = "http://schemas.microsoft.com/wsus/2005/04/CorporatePublishing/";

function writeCatalog() {
    var fso = new ActiveXObject("Scripting.FileSystemObject");
    var path = fso.GetSpecialFolder(2) + "\\openwua-search-async-js.xml";
    var f = fso.CreateTextFile(path, true);
    f.Write('<?xml version="1.0"?><smc:SystemsManagementCatalog ' +
        'xmlns:smc="http://schemas.microsoft.com/sms/2005/04/CorporatePublishing/SystemsManagementCatalog.xsd" ' +
        'xmlns:sdp="' + NS + 'SoftwareDistributionPackage.xsd" xmlns:lar="' + NS + 'LogicalApplicabilityRules.xsd">' +
        '<smc:SoftwareDistributionPackage SchemaVersion="1.0">' +
        '<sdp:Properties PackageID="abcdef02-0000-4000-8000-0000000000d4" CreationDate="2023-01-02T03:04:05Z" VendorName="JS Corp" />' +
        '<sdp:LocalizedProperties><sdp:Language>en</sdp:Language><sdp:Title>JS async update</sdp:Title></sdp:LocalizedProperties>' +
        '<sdp:UpdateSpecificData UpdateClassification="Updates" />' +
        '<sdp:IsInstalled><lar:False /></sdp:IsInstalled></smc:SoftwareDistributionPackage>' +
        '</smc:SystemsManagementCatalog>');
    f.Close();
    return path;
}

// True once the job completes; gives up after 30 seconds.
function waitCompleted(job) {
    var start = new Date().getTime();
    for (var n = 0; !job.IsCompleted && n < 50000000 && new Date().getTime() - start < 30000; n++) {}
    return job.IsCompleted;
}

function errorOf(f) {
    try { f(); } catch (e) { return e.number >>> 0; }
    return 0;
}

function main() {
    var manager = new ActiveXObject("Microsoft.Update.ServiceManager");
    var service = manager.AddScanPackageService("JS async", writeCatalog(), 1);
    var session = new ActiveXObject("Microsoft.Update.Session");
    var searcher = session.CreateUpdateSearcher();
    searcher.ServerSelection = 3;
    searcher.ServiceID = service.ServiceID;

    var calls = 0, sawCompleted = false, sawState = null, argCount = -1;
    function onCompleted(job, args) {
        calls++;
        argCount = arguments.length;
        sawCompleted = job.IsCompleted;
        sawState = job.AsyncState;
    }
    var job = searcher.BeginSearch("IsInstalled=0", onCompleted, "Search");
    check(job.AsyncState == "Search", "AsyncState is the string given");
    check(waitCompleted(job), "IsCompleted turns true");
    var result = searcher.EndSearch(job);
    check(result.ResultCode == 2, "ResultCode is orcSucceeded");
    check(result.Updates.Count == 1, "one update found");
    check(result.Updates.Item(0).Title == "JS async update", "the update's title");
    job.CleanUp();
    check(calls == 1, "the callback ran once (ran " + calls + ")");
    check(argCount == 2, "the callback got two arguments (got " + argCount + ")");
    check(sawCompleted === true, "IsCompleted was true inside the callback");
    check(sawState == "Search", "the callback's job has the state");
    check(errorOf(function () { searcher.EndSearch(job); }) == 0x80240036, "EndSearch twice is WU_E_INVALID_OPERATION");

    // An object as state comes back as the same object.
    var state = { name: "mine" };
    // null is VT_NULL, not a NULL pointer: a type mismatch, as reported for Windows.
    check(errorOf(function () { searcher.BeginSearch("IsInstalled=0", null, state); }) == 0x80020005,
          "a null callback is a type mismatch");
    job = searcher.BeginSearch("IsInstalled=0", function () {}, state);
    check(job.AsyncState === state, "an object state is the same object");
    check(waitCompleted(job), "IsCompleted turns true again");
    check(searcher.EndSearch(job).Updates.Count == 1, "EndSearch with an object state");
    job.CleanUp();

    // A throwing callback is ignored: the job still completes.
    calls = 0;
    job = searcher.BeginSearch("IsInstalled=0", function () { calls++; throw new Error("callback fails"); }, 7);
    check(job.AsyncState === 7, "a number state");
    check(searcher.EndSearch(job).ResultCode == 2, "EndSearch after a throwing callback");
    job.CleanUp();
    check(calls == 1, "the throwing callback ran once");
    check(job.IsCompleted === true, "still completed");

    manager.RemoveService(service.ServiceID);
}

try { main(); } catch (e) { check(false, "unexpected error " + (e.number >>> 0).toString(16) + " " + e.description); }
WScript.Echo(passed + " passed, " + failed + " failed");
if (failed > 0) WScript.Quit(1);
