// OpenWUA tests: the Chef wsus-client cookbook's asynchronous download, from
// JScript (Chef is Ruby's WIN32OLE, which calls the same IDispatch members):
// worker.Updates = a new UpdateColl, then worker.Updates.Add for each update;
// BeginDownload(worker, worker, null state) with the downloader itself as both
// callbacks (it has no DISPID 0, so those calls fail and must be ignored);
// polling GetProgress().PercentComplete and every GetUpdateResult(i).ResultCode,
// stopping on IsCompleted or on a code of 3, 4 or 5; then CleanUp BEFORE
// EndDownload; success only as HResult 0 and ResultCode 2.  Then the same with
// JScript functions as callbacks, which must run once each job.  Wine's
// WScript.Sleep is a stub: the polls are a bounded busy loop.  No files.
var passed = 0, failed = 0;

function check(ok, what) {
    if (ok) passed++;
    else { failed++; WScript.Echo("FAIL: " + what); }
}

var NS = "http://schemas.microsoft.com/wsus/2005/04/CorporatePublishing/";

function pkg(id, title) {
    return '<smc:SoftwareDistributionPackage SchemaVersion="1.0">' +
        '<sdp:Properties PackageID="' + id + '" CreationDate="2023-01-02T03:04:05Z" VendorName="Chef Tests" />' +
        '<sdp:LocalizedProperties><sdp:Language>en</sdp:Language><sdp:Title>' + title + '</sdp:Title></sdp:LocalizedProperties>' +
        '<sdp:UpdateSpecificData UpdateClassification="Updates" />' +
        '<sdp:IsInstalled><lar:False /></sdp:IsInstalled></smc:SoftwareDistributionPackage>';
}

function writeCatalog() {
    var fso = new ActiveXObject("Scripting.FileSystemObject");
    var path = fso.GetSpecialFolder(2) + "\\openwua-client-chef-js.xml";
    var f = fso.CreateTextFile(path, true);
    f.Write('<?xml version="1.0"?><smc:SystemsManagementCatalog ' +
        'xmlns:smc="http://schemas.microsoft.com/sms/2005/04/CorporatePublishing/SystemsManagementCatalog.xsd" ' +
        'xmlns:sdp="' + NS + 'SoftwareDistributionPackage.xsd" xmlns:lar="' + NS + 'LogicalApplicabilityRules.xsd">' +
        pkg("c4ef0001-0000-4000-8000-00000000c001", "Chef first") +
        pkg("c4ef0002-0000-4000-8000-00000000c002", "Chef second") +
        pkg("c4ef0003-0000-4000-8000-00000000c003", "Chef third") +
        '</smc:SystemsManagementCatalog>');
    f.Close();
    return path;
}

// Chef's loop: true when the job is over by IsCompleted or by a per-update code.
function pollLikeChef(job, count, state) {
    var start = new Date().getTime();
    state.last = -1;
    state.back = false;
    for (var n = 0; n < 2000000 && new Date().getTime() - start < 30000; n++) {
        var progress = job.GetProgress();
        var percent = progress.PercentComplete;
        if (percent < state.last) state.back = true;
        state.last = percent;
        var stop = false;
        for (var i = 0; i < count; i++) {
            var code = progress.GetUpdateResult(i).ResultCode;
            if (code == 3 || code == 4 || code == 5) stop = true;
        }
        if (job.IsCompleted || stop) {
            // the job may have ended after the progress above was read: once more
            percent = job.GetProgress().PercentComplete;
            if (percent < state.last) state.back = true;
            state.last = percent;
            return true;
        }
    }
    return false;
}

function main() {
    var manager = new ActiveXObject("Microsoft.Update.ServiceManager");
    var service = manager.AddScanPackageService("Chef client", writeCatalog());
    var session = new ActiveXObject("Microsoft.Update.Session");
    var searcher = session.CreateUpdateSearcher();
    searcher.ServerSelection = 3;
    searcher.ServiceID = service.ServiceID;
    var found = searcher.Search("IsInstalled=0").Updates;
    check(found.Count == 3, "three updates found");

    var worker = session.CreateUpdateDownloader();
    worker.Updates = new ActiveXObject("Microsoft.Update.UpdateColl");
    for (var e = new Enumerator(found); !e.atEnd(); e.moveNext()) worker.Updates.Add(e.item());
    check(worker.Updates.Count == 3, "Add through the Updates getter lands in the collection put");

    var job = worker.BeginDownload(worker, worker, null);
    var state = {};
    check(pollLikeChef(job, 3, state), "the job finished while polled");
    check(!state.back, "PercentComplete never went back");
    check(state.last == 100, "PercentComplete reached 100 (got " + state.last + ")");
    job.CleanUp();
    var result = worker.EndDownload(job);
    check(result.HResult == 0 && result.ResultCode == 2, "verify!: HResult 0 and ResultCode 2");
    for (var i = 0; i < 3; i++) check(found.Item(i).IsDownloaded, "the searched update " + i + " sees the download");

    // JScript functions as callbacks: each runs, the completed one exactly once.
    var progressCalls = 0, completedCalls = 0, completedSawDone = false;
    job = worker.BeginDownload(
        function (j, args) { progressCalls++; },
        function (j, args) { completedCalls++; completedSawDone = j.IsCompleted; },
        "chef");
    check(job.AsyncState == "chef", "AsyncState is the string given");
    check(pollLikeChef(job, 3, state), "the second job finished while polled");
    var start = new Date().getTime();
    while (completedCalls == 0 && new Date().getTime() - start < 30000) job.IsCompleted;
    result = worker.EndDownload(job);
    job.CleanUp();
    check(result.ResultCode == 2, "second download ResultCode 2");
    check(completedCalls == 1, "the completed function ran once (got " + completedCalls + ")");
    check(completedSawDone, "IsCompleted was true inside the completed function");
    check(progressCalls >= 1, "the progress function ran");
    manager.RemoveService(service.ServiceID);
}

try {
    main();
} catch (e) {
    check(false, "unexpected error " + (e.number >>> 0).toString(16) + " " + e.description);
}
WScript.Echo(passed + " passed, " + failed + " failed");
if (failed > 0) WScript.Quit(1);
