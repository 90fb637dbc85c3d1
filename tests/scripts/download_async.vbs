' OpenWUA tests: BeginDownload/EndDownload from VBScript: classes whose Public
' Default Function (DISPID 0) is the callback.  Wine's WScript.Sleep is a stub,
' so the script polls IsCompleted in a bounded busy loop; the callbacks are
' marshalled to this (single-threaded) thread and arrive during those polls,
' as they do on Windows during the call into the update service.  The update
' has no files: downloading it only marks it downloaded.
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

Class ProgressSeen
    Public Calls
    Public LastPercent
    Public LastIndex
    Private Sub Class_Initialize()
        Calls = 0
        LastPercent = -1
    End Sub
    Public Default Function OnProgress(job, args)
        Calls = Calls + 1
        LastPercent = args.Progress.PercentComplete
        LastIndex = args.Progress.CurrentUpdateIndex
    End Function
End Class

Class DownloadDone
    Public Calls
    Public SawCompleted
    Public SawState
    Private Sub Class_Initialize()
        Calls = 0
        SawCompleted = False
    End Sub
    Public Default Function OnCompleted(job, args)
        Calls = Calls + 1
        SawCompleted = job.IsCompleted
        SawState = job.AsyncState
    End Function
End Class

' Raises an error in every call.
Class Thrower
    Public Calls
    Private Sub Class_Initialize()
        Calls = 0
    End Sub
    Public Default Function OnCall(job, args)
        Calls = Calls + 1
        Err.Raise 5, "Thrower", "the callback fails"
    End Function
End Class

' Calls CleanUp on its own job, which must be refused.
Class CleanUpInside
    Public Calls
    Public CleanUpError
    Private Sub Class_Initialize()
        Calls = 0
    End Sub
    Public Default Function OnCompleted(job, args)
        Calls = Calls + 1
        On Error Resume Next
        job.CleanUp
        CleanUpError = Err.Number
        Err.Clear
    End Function
End Class

Function WriteCatalog()
    Dim fso, path, f
    Set fso = CreateObject("Scripting.FileSystemObject")
    path = fso.GetSpecialFolder(2) & "\openwua-download-async.xml"
    Set f = fso.CreateTextFile(path, True)
    f.Write "<?xml version=""1.0""?><smc:SystemsManagementCatalog " & _
        "xmlns:smc=""http://schemas.microsoft.com/sms/2005/04/CorporatePublishing/SystemsManagementCatalog.xsd"" " & _
        "xmlns:sdp=""" & NS & "SoftwareDistributionPackage.xsd"" xmlns:lar=""" & NS & "LogicalApplicabilityRules.xsd"">" & _
        "<smc:SoftwareDistributionPackage SchemaVersion=""1.0"">" & _
        "<sdp:Properties PackageID=""abcdef01-0000-4000-8000-0000000000d4"" CreationDate=""2023-01-02T03:04:05+00:00"" VendorName=""Scripts Inc"" />" & _
        "<sdp:LocalizedProperties><sdp:Language>en</sdp:Language><sdp:Title>Async download</sdp:Title></sdp:LocalizedProperties>" & _
        "<sdp:UpdateSpecificData UpdateClassification=""Updates"" />" & _
        "<sdp:IsInstalled><lar:False /></sdp:IsInstalled></smc:SoftwareDistributionPackage>" & _
        "</smc:SystemsManagementCatalog>"
    f.Close
    WriteCatalog = path
End Function

' True once the job completes; gives up after 10 seconds.
Function WaitCompleted(job)
    Dim start, n
    start = Timer
    n = 0
    Do While Not job.IsCompleted And Abs(Timer - start) < 10 And n < 20000000
        n = n + 1
    Loop
    WaitCompleted = job.IsCompleted
End Function

' True once the job completed and the completed callback (an object with a
' Calls count) ran; gives up after 30 seconds.
Function PollUntilCalled(job, done)
    Dim start, n
    start = Timer
    n = 0
    Do While (Not job.IsCompleted Or done.Calls = 0) And Abs(Timer - start) < 30 And n < 50000000
        n = n + 1
    Loop
    PollUntilCalled = job.IsCompleted And done.Calls = 1
End Function

Dim manager, service, session, searcher, updates, downloader, progress, done, job, result
Sub Main()
    Set manager = CreateObject("Microsoft.Update.ServiceManager")
    Set service = manager.AddScanPackageService("Async download scripts", WriteCatalog())
    Set session = CreateObject("Microsoft.Update.Session")
    Set searcher = session.CreateUpdateSearcher()
    searcher.ServerSelection = 3
    searcher.ServiceID = service.ServiceID
    Set updates = searcher.Search("IsInstalled=0").Updates
    Check updates.Count = 1, "one update found"
    Set downloader = session.CreateUpdateDownloader()

    On Error Resume Next
    Set job = downloader.BeginDownload(Nothing, Nothing, Empty)
    Check Err.Number = &H80240024, "no Updates: WU_E_NO_UPDATE (got &H" & Hex(Err.Number) & ")"
    Err.Clear
    On Error GoTo 0

    downloader.Updates = updates
    ' Both callbacks, received while EndDownload waits.
    Set progress = New ProgressSeen
    Set done = New DownloadDone
    Set job = downloader.BeginDownload(progress, done, "Download")
    Check job.AsyncState = "Download", "AsyncState is the string given"
    Check job.Updates.Count = 1, "the job's Updates"
    Set result = downloader.EndDownload(job)
    Check result.ResultCode = 2, "ResultCode is orcSucceeded"
    Check result.GetUpdateResult(0).ResultCode = 2, "the update succeeded"
    job.CleanUp
    Check progress.Calls >= 1, "progress reported (" & progress.Calls & " times)"
    Check progress.LastPercent = 100, "last report is 100% (got " & progress.LastPercent & ")"
    Check progress.LastIndex = 0, "last report is about update 0"
    Check done.Calls = 1, "the completed callback ran once (ran " & done.Calls & ")"
    Check done.SawCompleted, "IsCompleted was True inside the callback"
    Check done.SawState = "Download", "the callback's job has the state"
    Check updates.Item(0).IsDownloaded, "IsDownloaded afterwards"
    Check job.GetProgress().PercentComplete = 100, "GetProgress after the end"

    On Error Resume Next
    Set result = downloader.EndDownload(job)
    Check Err.Number = &H80240036, "EndDownload twice is WU_E_INVALID_OPERATION (got &H" & Hex(Err.Number) & ")"
    Err.Clear
    On Error GoTo 0

    ' Only a completed callback: polling sees the end.
    Set done = New DownloadDone
    Set job = downloader.BeginDownload(Nothing, done, vbNull)
    Check VarType(job.AsyncState) = vbInteger, "vbNull state keeps its type"
    Check WaitCompleted(job), "IsCompleted turns True"
    Check job.GetProgress().PercentComplete = 100, "polled progress reaches 100"
    Check downloader.EndDownload(job).ResultCode = 2, "second download succeeds"
    job.CleanUp
    Check done.Calls = 1, "the completed callback ran once"

    ' Both callbacks, received while the script only polls.
    Set progress = New ProgressSeen
    Set done = New DownloadDone
    Set job = downloader.BeginDownload(progress, done, "Poll")
    Check PollUntilCalled(job, done), "the callbacks arrive while IsCompleted is polled"
    Check progress.Calls >= 1, "progress arrived while polling (" & progress.Calls & " times)"
    Check progress.LastPercent = 100, "polled progress reached 100"
    Check done.SawState = "Poll", "the polled job's state"
    Check downloader.EndDownload(job).ResultCode = 2, "EndDownload after polling"
    job.CleanUp
    Check done.Calls = 1, "still one completed call"

    ' Callbacks that raise errors are ignored; the job completes and is pollable.
    Dim thrower1, thrower2
    Set thrower1 = New Thrower
    Set thrower2 = New Thrower
    Set job = downloader.BeginDownload(thrower1, thrower2, Empty)
    Check PollUntilCalled(job, thrower2), "a raising completed callback ran once and the job completed"
    Check thrower1.Calls >= 1, "the raising progress callback ran"
    Check job.GetProgress().PercentComplete = 100, "progress after raising callbacks"
    Check downloader.EndDownload(job).ResultCode = 2, "EndDownload after raising callbacks"
    job.CleanUp

    ' CleanUp before EndDownload (Chef's order), twice; the result is still there.
    Set done = New DownloadDone
    Set job = downloader.BeginDownload(Nothing, done, Empty)
    job.CleanUp
    Check done.Calls = 1, "CleanUp waited for the completed callback"
    job.CleanUp
    Check downloader.EndDownload(job).ResultCode = 2, "EndDownload after CleanUp"
    Check done.Calls = 1, "no callback after CleanUp"

    ' CleanUp inside the job's own callback is refused, not a deadlock.
    Dim inside
    Set inside = New CleanUpInside
    Set job = downloader.BeginDownload(Nothing, inside, Empty)
    Check PollUntilCalled(job, inside), "the completed callback ran"
    Check inside.CleanUpError = &H80240036, "CleanUp inside the callback: WU_E_INVALID_OPERATION (got &H" & Hex(inside.CleanUpError) & ")"
    Check downloader.EndDownload(job).ResultCode = 2, "EndDownload after that"
    job.CleanUp

    manager.RemoveService service.ServiceID
End Sub

On Error Resume Next
Main
If Err.Number <> 0 Then
    failed = failed + 1
    WScript.Echo "FAIL: error &H" & Hex(Err.Number) & " " & Err.Description
End If
WScript.Echo passed & " passed, " & failed & " failed"
If failed > 0 Then WScript.Quit 1
