// OpenWUA tests: the offline-scan flow from JScript: AddScanPackageService with
// flags, ServerSelection 3, ServiceID, Search, Enumerator, per-update fields.
var passed = 0, failed = 0;

function check(ok, what) {
    if (ok) passed++;
    else { failed++; WScript.Echo("FAIL: " + what); }
}

var NS = "http://schemas.microsoft.com/wsus/2005/04/CorporatePublishing/";

function pkg(id, title, installable) {
    return '<smc:SoftwareDistributionPackage SchemaVersion="1.0">' +
        '<sdp:Properties PackageID="' + id + '" CreationDate="2022-06-07T08:09:10.123Z" VendorName="JS Corp">' +
        '<sdp:ProductName>Widgets</sdp:ProductName></sdp:Properties>' +
        '<sdp:LocalizedProperties><sdp:Language>en</sdp:Language><sdp:Title>' + title + '</sdp:Title>' +
        '<sdp:Description>About ' + title + '</sdp:Description></sdp:LocalizedProperties>' +
        '<sdp:UpdateSpecificData UpdateClassification="Critical Updates" MsrcSeverity="Critical" />' +
        '<sdp:IsInstallable><lar:' + installable + ' /></sdp:IsInstallable>' +
        '<sdp:IsInstalled><lar:False /></sdp:IsInstalled>' +
        '</smc:SoftwareDistributionPackage>';
}

function writeCatalog() {
    var fso = new ActiveXObject("Scripting.FileSystemObject");
    var path = fso.GetSpecialFolder(2) + "\\openwua-offline-scan-js.xml";
    var f = fso.CreateTextFile(path, true);
    f.Write('<?xml version="1.0"?><smc:SystemsManagementCatalog ' +
        'xmlns:smc="http://schemas.microsoft.com/sms/2005/04/CorporatePublishing/SystemsManagementCatalog.xsd" ' +
        'xmlns:sdp="' + NS + 'SoftwareDistributionPackage.xsd" xmlns:lar="' + NS + 'LogicalApplicabilityRules.xsd">' +
        pkg("0badf00d-0000-4000-8000-000000000001", "Applies here", "True") +
        pkg("0badf00d-0000-4000-8000-000000000002", "Not for this machine", "False") +
        '</smc:SystemsManagementCatalog>');
    f.Close();
    return path;
}

function main() {
    var manager = new ActiveXObject("Microsoft.Update.ServiceManager");
    var service = manager.AddScanPackageService("JS offline scan", writeCatalog(), 1);
    var session = new ActiveXObject("Microsoft.Update.Session");
    var searcher = session.CreateUpdateSearcher();
    searcher.ServerSelection = 3;
    searcher.ServiceID = service.ServiceID;
    var result = searcher.Search("IsInstalled=0");
    check(result.ResultCode == 2, "ResultCode");
    check(result.Updates.Count == 1, "only the applicable update is found");
    var titles = [];
    for (var e = new Enumerator(result.Updates); !e.atEnd(); e.moveNext()) {
        var u = e.item();
        titles.push(u.Title);
        check(u.Description == "About Applies here", "description");
        check(u.MsrcSeverity == "Critical", "severity");
        check(u.AutoSelectOnWebSites === true, "critical updates are auto-selected");
        check(u.Categories.Count == 2, "classification and product categories");
        check(u.Categories.Item(0).Name == "Critical Updates", "classification category first");
        check(u.Categories.Item(1).Parent.Name == "JS Corp", "the product's parent is the company");
        check(u.EulaAccepted === true, "no EULA: accepted");
    }
    check(titles.join(",") == "Applies here", "enumerated titles");
    var roots = result.RootCategories;
    check(roots.Count == 2, "root categories: the classification and the company");
    check(errorOf(function () { searcher.Search("IsInstalled=2"); }) == 0x80240032, "IsInstalled=2 is invalid");
    manager.RemoveService(service.ServiceID);
}

function errorOf(f) {
    try { f(); } catch (e) { return e.number >>> 0; }
    return 0;
}

try { main(); } catch (e) { check(false, "unexpected error " + (e.number >>> 0).toString(16) + " " + e.description); }
WScript.Echo(passed + " passed, " + failed + " failed");
if (failed > 0) WScript.Quit(1);
