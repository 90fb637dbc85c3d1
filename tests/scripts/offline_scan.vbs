' OpenWUA tests: the offline-scan flow of WSUS Offline Update's ListMissingUpdateIds.vbs
' and Microsoft's offline sample: AddScanPackageService with two arguments,
' ServerSelection 3, ServiceID, Search, For Each, IsHidden that persists.
Option Explicit
Dim passed, failed
passed = 0 : failed = 0

Sub Check(ok, what)
    If ok Then
        passed = passed + 1
    Else
        failed = failed + 1
        WScript.Echo "FAIL: " & what
    End If
End Sub

Const NS = "http://schemas.microsoft.com/wsus/2005/04/CorporatePublishing/"

Function Package(id, title, installed)
    Package = "<smc:SoftwareDistributionPackage SchemaVersion=""1.0"">" & _
        "<sdp:Properties PackageID=""" & id & """ CreationDate=""2023-01-02T03:04:05+00:00"" VendorName=""Scripts Inc"" />" & _
        "<sdp:LocalizedProperties><sdp:Language>en</sdp:Language><sdp:Title>" & title & "</sdp:Title></sdp:LocalizedProperties>" & _
        "<sdp:UpdateSpecificData UpdateClassification=""Updates""><sdp:KBArticleID>" & Left(id, 4) & "</sdp:KBArticleID></sdp:UpdateSpecificData>" & _
        "<sdp:IsInstalled><lar:" & installed & " /></sdp:IsInstalled>" & _
        "<sdp:InstallableItem ID=""" & Left(id, 8) & "-0000-4000-8000-000000000000"">" & _
        "<sdp:OriginFile Digest=""2jmj7l5rSw0yVb/vlWAYkK/YBwk="" FileName=""f.exe"" Size=""2048"" Modified=""2023-01-02T03:04:05"" />" & _
        "</sdp:InstallableItem></smc:SoftwareDistributionPackage>"
End Function

Function WriteCatalog()
    Dim fso, path, f
    Set fso = CreateObject("Scripting.FileSystemObject")
    path = fso.GetSpecialFolder(2) & "\openwua-offline-scan.xml"
    Set f = fso.CreateTextFile(path, True)
    f.Write "<?xml version=""1.0""?><smc:SystemsManagementCatalog " & _
        "xmlns:smc=""http://schemas.microsoft.com/sms/2005/04/CorporatePublishing/SystemsManagementCatalog.xsd"" " & _
        "xmlns:sdp=""" & NS & "SoftwareDistributionPackage.xsd"" xmlns:lar=""" & NS & "LogicalApplicabilityRules.xsd"">" & _
        Package("1234abcd-0000-4000-8000-0000000000a1", "Missing update", "False") & _
        Package("5678abcd-0000-4000-8000-0000000000b2", "Installed update", "True") & _
        "</smc:SystemsManagementCatalog>"
    f.Close
    WriteCatalog = path
End Function

Function Search(criteria)
    Dim session, searcher
    Set session = CreateObject("Microsoft.Update.Session")
    Set searcher = session.CreateUpdateSearcher()
    searcher.ServerSelection = 3
    searcher.ServiceID = serviceId
    Set Search = searcher.Search(criteria)
End Function

Dim manager, service, serviceId, result, update, titles, n, path
Sub Main()
    path = WriteCatalog()
    Set manager = CreateObject("Microsoft.Update.ServiceManager")
    Set service = manager.AddScanPackageService("Offline Sync Service", path)
    serviceId = service.ServiceID
    Check Len(serviceId) = 36, "ServiceID is a GUID string"
    Check service.IsScanPackageService, "IsScanPackageService"
    Check service.Name = "Offline Sync Service", "service name"

    Set result = Search("Type='Software' and IsInstalled=0 and IsHidden=0")
    Check result.ResultCode = 2, "ResultCode is orcSucceeded"
    Check result.Updates.Count = 1, "one missing update"
    n = 0
    For Each update In result.Updates
        n = n + 1
        Check update.Title = "Missing update", "title"
        Check "" & update = "Missing update", "the default property is Title"
        Check update.KBArticleIDs.Count = 1, "KBArticleIDs.Count"
        Check update.KBArticleIDs.Item(0) = "1234", "KBArticleIDs.Item(0)"
        Check update.IsMandatory = False, "IsMandatory"
        Check VarType(update.MaxDownloadSize) = 14, "MaxDownloadSize is a Decimal"
        Check update.MaxDownloadSize / 1024 = 2, "MaxDownloadSize is numeric"
        Check VarType(update.LastDeploymentChangeTime) = vbDate, "LastDeploymentChangeTime is a Date"
        Check Year(update.LastDeploymentChangeTime) = 2023, "LastDeploymentChangeTime's year"
        Check update.Identity.UpdateID = "1234abcd-0000-4000-8000-0000000000a1", "UpdateID"
        update.IsHidden = True
    Next
    Check n = 1, "For Each visits one update"

    Set result = Search("IsHidden=1")
    Check result.Updates.Count = 1, "hidden persists into a later search"
    result.Updates.Item(0).IsHidden = False
    Set result = Search("Type='Software'")
    Check result.Updates.Count = 2, "Type='Software' finds both"

    On Error Resume Next
    Set result = Search("IsInstalled=0 and (IsHidden=0 or Type='Driver')")
    Check Err.Number = &H80240032, "invalid criteria is WU_E_INVALID_CRITERIA (got &H" & Hex(Err.Number) & ")"
    Err.Clear
    On Error GoTo 0

    manager.RemoveService serviceId
    On Error Resume Next
    Set result = Search("IsInstalled=0")
    Check Err.Number = &H80248014, "a removed service is unknown (got &H" & Hex(Err.Number) & ")"
    Err.Clear
    On Error GoTo 0
End Sub

On Error Resume Next
Main
If Err.Number <> 0 Then Check False, "unexpected error &H" & Hex(Err.Number) & " " & Err.Description
On Error GoTo 0
WScript.Echo passed & " passed, " & failed & " failed"
If failed > 0 Then WScript.Quit 1
