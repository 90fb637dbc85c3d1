' OpenWUA tests: the install path from VBScript, the way the SDK sample and
' most scripts use it: search, download, Install, read the results; then
' BeginInstall with script callbacks (a class's Public Default Function is
' DISPID 0) while the script polls IsCompleted (Wine's WScript.Sleep is a
' stub), and the history entries the installations left.
' The catalog (one command-line update whose installer exits 0) is written by
' test_install --write-script-catalog and named by the first argument.
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

Const WU_E_NO_UPDATE = &H80240024

Class ProgressSeen
    Public Calls
    Public LastPercent
    Private Sub Class_Initialize()
        Calls = 0
        LastPercent = -1
    End Sub
    Public Default Function OnProgress(job, args)
        Calls = Calls + 1
        LastPercent = args.Progress.PercentComplete
    End Function
End Class

Class InstallDone
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

' Polls until the job is complete and its completed callback has run, within bounds.
Function PollUntilCalled(job, done)
    Dim start, n
    start = Timer
    n = 0
    Do While (Not job.IsCompleted Or done.Calls = 0) And Abs(Timer - start) < 60 And n < 50000000
        n = n + 1
    Loop
    PollUntilCalled = job.IsCompleted And done.Calls > 0
End Function

Sub AsyncInstall(installer, updates, u)
    Dim progress, done, job, installation, before
    installer.IsForced = True
    Set progress = New ProgressSeen
    Set done = New InstallDone
    Set job = installer.BeginInstall(progress, done, "Forced")
    Check job.AsyncState = "Forced", "AsyncState is what BeginInstall was given"
    Check job.Updates.Count = 1, "the job's Updates"
    Check PollUntilCalled(job, done), "the callbacks arrive while IsCompleted is polled"
    Check done.SawCompleted, "IsCompleted is True inside the completed callback"
    Check done.SawState = "Forced", "the callback's job has the state"
    Check progress.Calls >= 1, "progress arrived (" & progress.Calls & " times)"
    Check progress.LastPercent = 100, "progress reached 100 (got " & progress.LastPercent & ")"
    Check job.GetProgress().PercentComplete = 100, "GetProgress after the end"
    Set installation = installer.EndInstall(job)
    Check installation.ResultCode = 2, "EndInstall: orcSucceeded (got " & installation.ResultCode & ")"
    Check installation.GetUpdateResult(0).HResult = 0, "forced: run again, HResult 0"
    On Error Resume Next
    installer.EndInstall job
    Check Err.Number = &H80240036, "EndInstall twice is WU_E_INVALID_OPERATION (got &H" & Hex(Err.Number) & ")"
    Err.Clear
    On Error GoTo 0
    job.CleanUp
    job.CleanUp
    Check done.Calls = 1, "the completed callback ran once"
    installer.IsForced = False
End Sub

' The newest entries are this script's installations, newest first.
Sub HistoryOfThisScript(session, u, count)
    Dim searcher, total, entries, entry, i
    Set searcher = session.CreateUpdateSearcher()
    total = searcher.GetTotalHistoryCount()
    Check total >= count, "history holds the installations (" & total & ")"
    Set entries = searcher.QueryHistory(0, count)
    Check entries.Count = count, "QueryHistory(0, " & count & ") gives " & entries.Count
    i = 0
    For Each entry In entries
        Check entry.Operation = 1, "entry " & i & ": uoInstallation"
        Check entry.UpdateIdentity.UpdateID = u.Identity.UpdateID, "entry " & i & ": the update's ID"
        Check entry.ClientApplicationID = "install.vbs", "entry " & i & ": ClientApplicationID"
        Check entry.Title = u.Title, "entry " & i & ": the title"
        Check VarType(entry.Date) = vbDate, "entry " & i & ": Date is a VT_DATE"
        i = i + 1
    Next
    Check entries.Item(0).ResultCode = 2 And entries.Item(0).HResult = 0, "the newest: the forced run succeeded"
    Check entries.Item(count - 1).ResultCode = 2, "the oldest: the first run succeeded"
    Check searcher.QueryHistory(total, 1).Count = 0, "reading past the end gives an empty collection"
End Sub

Sub Main()
    Dim manager, service, session, searcher, result, updates, downloader, installer, installation, u, emptyColl

    Set manager = CreateObject("Microsoft.Update.ServiceManager")
    Set service = manager.AddScanPackageService("OpenWUA install script", WScript.Arguments(0), 0)
    Set session = CreateObject("Microsoft.Update.Session")
    session.ClientApplicationID = "install.vbs"
    Set searcher = session.CreateUpdateSearcher()
    searcher.ServerSelection = 3
    searcher.ServiceID = service.ServiceID
    Set result = searcher.Search("IsInstalled=0")
    Set updates = result.Updates
    Check updates.Count = 1, "one update to install"
    Set u = updates.Item(0)

    Set installer = session.CreateUpdateInstaller()
    On Error Resume Next
    installer.Install
    Check Err.Number = WU_E_NO_UPDATE, "Install without Updates (got &H" & Hex(Err.Number) & ")"
    Err.Clear
    Set emptyColl = CreateObject("Microsoft.Update.UpdateColl")
    installer.Updates = emptyColl
    installer.Install
    Check Err.Number = WU_E_NO_UPDATE, "Install with an emptyColl collection (got &H" & Hex(Err.Number) & ")"
    On Error GoTo 0

    Set downloader = session.CreateUpdateDownloader()
    downloader.Updates = updates
    downloader.Download
    Check u.IsDownloaded, "downloaded"

    installer.Updates = updates
    Check installer.Updates Is updates, "Updates is the collection put"
    Check Not installer.IsBusy, "not busy before"
    Set installation = installer.Install()
    Check installation.ResultCode = 2, "ResultCode orcSucceeded (got " & installation.ResultCode & ")"
    Check installation.HResult = 0, "HResult 0"
    Check Not installation.RebootRequired, "no restart needed"
    Check installation.GetUpdateResult(0).ResultCode = 2, "the update's ResultCode"
    Check installation.GetUpdateResult(0).HResult = 0, "the update's HResult"
    Check Not installation.GetUpdateResult(0).RebootRequired, "the update's RebootRequired"
    Check u.IsInstalled, "IsInstalled after Install"
    Check Not installer.IsBusy, "not busy after"

    ' installed: not run again
    Set installation = installer.Install()
    Check installation.GetUpdateResult(0).HResult = &H00240006, "WU_S_ALREADY_INSTALLED the second time"

    AsyncInstall installer, updates, u
    HistoryOfThisScript session, u, 3
    manager.RemoveService service.ServiceID
End Sub

Main
WScript.Echo passed & " passed, " & failed & " failed"
If failed > 0 Then WScript.Quit 1
