' OpenWUA tests: the synchronous install path from VBScript, the way the SDK
' sample and most scripts use it: search, download, Install, read the results.
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
    manager.RemoveService service.ServiceID
End Sub

Main
WScript.Echo passed & " passed, " & failed & " failed"
If failed > 0 Then WScript.Quit 1
