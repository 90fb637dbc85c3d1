' OpenWUA tests: the asynchronous mode of the WuF agent (VBScript).  One dummy
' class whose Public Default Function is DISPID 0 is kept in a Dictionary and
' passed as both callbacks, with the state vbNull (the VarType constant 1).  The
' script polls GetProgress: PercentComplete, CurrentUpdateIndex,
' CurrentUpdatePercentComplete and every GetUpdateResult(i).ResultCode, and also
' decides the job is over from the per-update codes; then EndDownload, then
' CleanUp.  It prints updates by concatenating them (DISPID_VALUE = Title) and
' compares AgentInfo's ProductVersionString as a string.  Wine's WScript.Sleep
' is a stub: the polls are a bounded busy loop.  The updates have no files.
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

Class DummyClass
    Public Calls
    Private Sub Class_Initialize()
        Calls = 0
    End Sub
    Public Default Function DummyFunction(job, args)
        Calls = Calls + 1
    End Function
End Class

Function Package(id, title)
    Package = "<smc:SoftwareDistributionPackage SchemaVersion=""1.0"">" & _
        "<sdp:Properties PackageID=""" & id & """ CreationDate=""2023-01-02T03:04:05Z"" VendorName=""WuF Tests"" />" & _
        "<sdp:LocalizedProperties><sdp:Language>en</sdp:Language><sdp:Title>" & title & "</sdp:Title></sdp:LocalizedProperties>" & _
        "<sdp:UpdateSpecificData UpdateClassification=""Updates"" />" & _
        "<sdp:IsInstalled><lar:False /></sdp:IsInstalled></smc:SoftwareDistributionPackage>"
End Function

Function WriteCatalog()
    Dim fso, path, f
    Set fso = CreateObject("Scripting.FileSystemObject")
    path = fso.GetSpecialFolder(2) & "\openwua-client-wuf.xml"
    Set f = fso.CreateTextFile(path, True)
    f.Write "<?xml version=""1.0""?><smc:SystemsManagementCatalog " & _
        "xmlns:smc=""http://schemas.microsoft.com/sms/2005/04/CorporatePublishing/SystemsManagementCatalog.xsd"" " & _
        "xmlns:sdp=""" & NS & "SoftwareDistributionPackage.xsd"" xmlns:lar=""" & NS & "LogicalApplicabilityRules.xsd"">" & _
        Package("3f0a0001-0000-4000-8000-00000000f001", "WuF first") & _
        Package("3f0a0002-0000-4000-8000-00000000f002", "WuF second") & _
        "</smc:SystemsManagementCatalog>"
    f.Close
    WriteCatalog = path
End Function

' WuF's own end test: every per-update code says finished (2 or more).
Function AllFinished(progress, count)
    Dim i
    AllFinished = True
    For i = 0 To count - 1
        If progress.GetUpdateResult(i).ResultCode < 2 Then AllFinished = False
    Next
End Function

Sub Main()
    Dim manager, service, session, searcher, updates, u, names, downloader, dummies, job, progress
    Dim polls, lastPercent, wentBack, finished, result, info, version, i

    Set info = CreateObject("Microsoft.Update.AgentInfo")
    version = info.GetInfo("ProductVersionString")
    Check VarType(version) = vbString, "ProductVersionString is a string"
    Check version <> "" And version > "0", "ProductVersionString compares as a string (" & version & ")"

    Set manager = CreateObject("Microsoft.Update.ServiceManager")
    Set service = manager.AddScanPackageService("WuF client", WriteCatalog())
    Set session = CreateObject("Microsoft.Update.Session")
    Set searcher = session.CreateUpdateSearcher()
    searcher.ServerSelection = 3
    searcher.ServiceID = service.ServiceID
    Check searcher.ServerSelection = 3, "ServerSelection reads back"
    Set updates = searcher.Search("IsInstalled=0").Updates
    Check updates.Count = 2, "two updates found"
    names = ""
    For i = 0 To updates.Count - 1
        Set u = updates.Item(i)
        names = names & u & ";"
    Next
    Check names = "WuF first;WuF second;", "concatenated updates give their titles (" & names & ")"

    Set downloader = session.CreateUpdateDownloader()
    Set downloader.Updates = CreateObject("Microsoft.Update.UpdateColl")
    For Each u In updates
        downloader.Updates.Add u
    Next
    Check downloader.Updates.Count = 2, "Add through the Updates getter lands in the collection put"

    Set dummies = CreateObject("Scripting.Dictionary")
    dummies.Add "progress", New DummyClass
    dummies.Add "completed", New DummyClass
    Set job = downloader.BeginDownload(dummies("progress"), dummies("completed"), vbNull)
    Check VarType(job.AsyncState) = vbInteger And job.AsyncState = 1, "AsyncState is vbNull as given"

    polls = 0 : lastPercent = -1 : wentBack = False : finished = False
    Do While Not finished And polls < 2000000
        Set progress = job.GetProgress()
        If progress.PercentComplete < lastPercent Then wentBack = True
        lastPercent = progress.PercentComplete
        Check progress.CurrentUpdateIndex >= 0 And progress.CurrentUpdateIndex < 2, "CurrentUpdateIndex in range"
        Check progress.CurrentUpdatePercentComplete >= 0 And progress.CurrentUpdatePercentComplete <= 100, _
            "CurrentUpdatePercentComplete in range"
        If job.IsCompleted Or AllFinished(progress, 2) Then finished = job.IsCompleted And AllFinished(progress, 2)
        polls = polls + 1
    Loop
    Check finished, "the job completed and every update finished"
    Check Not wentBack, "PercentComplete never went back"
    Check lastPercent = 100, "PercentComplete reached 100"

    Set result = downloader.EndDownload(job)
    Check result.ResultCode = 2, "EndDownload: orcSucceeded"
    Check result.HResult = 0, "EndDownload: HResult 0"
    For i = 0 To 1
        Check result.GetUpdateResult(i).ResultCode = 2, "update " & i & " downloaded"
        Check updates.Item(i).IsDownloaded, "the search's update " & i & " sees the download"
    Next
    job.CleanUp
    job.CleanUp
    ' the completed callback ran exactly once (the polls let it in)
    For i = 0 To 200000
        If dummies("completed").Calls > 0 Then Exit For
        job.IsCompleted
    Next
    Check dummies("completed").Calls = 1, "the completed dummy ran once (got " & dummies("completed").Calls & ")"
    manager.RemoveService service.ServiceID
End Sub

On Error Resume Next
Main
If Err.Number <> 0 Then Check False, "unexpected error &H" & Hex(Err.Number) & " " & Err.Description
On Error GoTo 0
WScript.Echo passed & " passed, " & failed & " failed"
If failed > 0 Then WScript.Quit 1
