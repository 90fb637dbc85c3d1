// OpenWUA tests: BeginDownload/EndDownload from JScript.  A JScript function is
// an object whose DISPID 0 calls it: that is the callback.  Wine's WScript.Sleep
// is a stub, so the script polls IsCompleted in a bounded busy loop; the
// callbacks are marshalled to this (single-threaded) thread and arrive during
// those polls.  The update has no files: downloading it only marks it downloaded.
var passed = 0, failed = 0;

function check(ok, what) {
    if (ok) passed++;
    else { failed++; WScript.Echo("FAIL: " + what); }
}

var NS = "http://schemas.microsoft.com/wsus/2005/04/CorporatePublishing/";

function writeCatalog() {
    var fso = new ActiveXObject("Scripting.FileSystemObject");
    var path = fso.GetSpecialFolder(2) + "\\openwua-download-async-js.xml";
    var f = fso.CreateTextFile(path, true);
    f.Write('<?xml version="1.0"?><smc:SystemsManagementCatalog ' +
        'xmlns:smc="http://schemas.microsoft.com/sms/2005/04/CorporatePublishing/SystemsManagementCatalog.xsd" ' +
        'xmlns:sdp="' + NS + 'SoftwareDistributionPackage.xsd" xmlns:lar="' + NS + 'LogicalApplicabilityRules.xsd">' +
        '<smc:SoftwareDistributionPackage SchemaVersion="1.0">' +
        '<sdp:Properties PackageID="abcdef03-0000-4000-8000-0000000000d4" CreationDate="2023-01-02T03:04:05Z" VendorName="JS Corp" />' +
        '<sdp:LocalizedProperties><sdp:Language>en</sdp:Language><sdp:Title>JS async download</sdp:Title></sdp:LocalizedProperties>' +
        '<sdp:UpdateSpecificData UpdateClassification="Updates" />' +
        '<sdp:IsInstalled><lar:False /></sdp:IsInstalled></smc:SoftwareDistributionPackage>' +
        '</smc:SystemsManagementCatalog>');
    f.Close();
    return path;
}

// True once the job completed and done() says its callback ran; gives up after 30 seconds.
function pollUntil(job, done) {
    var start = new Date().getTime();
    for (var n = 0; (!job.IsCompleted || !done()) && n < 50000000 && new Date().getTime() - start < 30000; n++) {}
    return job.IsCompleted && done();
}

function errorOf(f) {
    try { f(); } catch (e) { return e.number >>> 0; }
    return 0;
}

function main() {
    var manager = new ActiveXObject("Microsoft.Update.ServiceManager");
    var service = manager.AddScanPackageService("JS async download", writeCatalog(), 1);
    var session = new ActiveXObject("Microsoft.Update.Session");
    var searcher = session.CreateUpdateSearcher();
    searcher.ServerSelection = 3;
    searcher.ServiceID = service.ServiceID;
    var updates = searcher.Search("IsInstalled=0").Updates;
    check(updates.Count == 1, "one update found");
    var downloader = session.CreateUpdateDownloader();
    downloader.Updates = updates;

    // Both callbacks, received while the script only polls.
    var progressCalls = 0, lastPercent = -1, completedCalls = 0, sawCompleted = false, sawState = null, argCount = -1;
    var job = downloader.BeginDownload(
        function (job, args) { progressCalls++; lastPercent = args.Progress.PercentComplete; },
        function (job, args) {
            completedCalls++;
            argCount = arguments.length;
            sawCompleted = job.IsCompleted;
            sawState = job.AsyncState;
        },
        "Download");
    check(job.AsyncState == "Download", "AsyncState is the string given");
    check(pollUntil(job, function () { return completedCalls > 0; }), "the callbacks arrive while IsCompleted is polled");
    check(progressCalls >= 1, "progress arrived while polling (" + progressCalls + " times)");
    check(lastPercent == 100, "the last progress is 100 (got " + lastPercent + ")");
    check(argCount == 2, "the callback got two arguments (got " + argCount + ")");
    check(sawCompleted === true, "IsCompleted was true inside the callback");
    check(sawState == "Download", "the callback's job has the state");
    var result = downloader.EndDownload(job);
    check(result.ResultCode == 2, "ResultCode is orcSucceeded");
    check(result.GetUpdateResult(0).ResultCode == 2, "the update succeeded");
    job.CleanUp();
    check(completedCalls == 1, "the completed callback ran once (ran " + completedCalls + ")");
    check(updates.Item(0).IsDownloaded, "IsDownloaded afterwards");
    check(errorOf(function () { downloader.EndDownload(job); }) == 0x80240036, "EndDownload twice is WU_E_INVALID_OPERATION");

    // Throwing callbacks are ignored: the job completes and stays pollable.
    var thrown = 0;
    job = downloader.BeginDownload(function () { thrown++; throw new Error("progress fails"); },
                                   function () { thrown += 100; throw new Error("completed fails"); }, 7);
    check(pollUntil(job, function () { return thrown >= 100; }), "a throwing completed callback ran and the job completed");
    check(thrown >= 101 && thrown < 200, "each throwing callback ran, the completed one once (" + thrown + ")");
    check(job.GetProgress().PercentComplete == 100, "progress after throwing callbacks");
    check(downloader.EndDownload(job).ResultCode == 2, "EndDownload after throwing callbacks");
    job.CleanUp();

    // CleanUp before EndDownload, twice: the result is still there, no callback after it.
    completedCalls = 0;
    job = downloader.BeginDownload(function () {}, function () { completedCalls++; }, null);
    job.CleanUp();
    check(completedCalls == 1, "CleanUp waited for the completed callback");
    job.CleanUp();
    check(downloader.EndDownload(job).ResultCode == 2, "EndDownload after CleanUp");
    check(completedCalls == 1, "no callback after CleanUp");

    // CleanUp and EndDownload inside the completed callback: the first is refused, the second works.
    var cleanUpError = -1, endCode = -1;
    job = downloader.BeginDownload(function () {}, function (job) {
        cleanUpError = errorOf(function () { job.CleanUp(); });
        endCode = downloader.EndDownload(job).ResultCode;
    }, null);
    check(pollUntil(job, function () { return endCode != -1; }), "the completed callback ran");
    check(cleanUpError == 0x80240036, "CleanUp inside the callback: WU_E_INVALID_OPERATION (got " + cleanUpError.toString(16) + ")");
    check(endCode == 2, "EndDownload inside the callback");
    job.CleanUp();

    // RequestAbort after the end changes nothing.
    job = downloader.BeginDownload(function () {}, function () {}, null);
    check(pollUntil(job, function () { return true; }), "completed");
    job.RequestAbort();
    check(downloader.EndDownload(job).ResultCode == 2, "RequestAbort after the end changes nothing");
    job.CleanUp();

    manager.RemoveService(service.ServiceID);
}

try { main(); } catch (e) { check(false, "unexpected error " + (e.number >>> 0).toString(16) + " " + e.description); }
WScript.Echo(passed + " passed, " + failed + " failed");
if (failed > 0) WScript.Quit(1);
