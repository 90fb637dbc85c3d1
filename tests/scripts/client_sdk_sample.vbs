' OpenWUA tests: the flow of Microsoft's "searching, downloading and installing
' updates" sample, in our own words, against an offline scan package (the
' sample's ServerSelection 3 path), then reboot detection through every channel
' the surveyed clients read.  The catalog (two command-line updates, the second
' exits 3010) is written by "test_clients --write-sdk-catalog" and named by the
' first argument.
'
' What the sample relies on: ClientApplicationID, the default criteria,
' InstallationBehavior and EulaAccepted read under On Error Resume Next,
' downloader.Updates put without Set, Download's result ignored, then the
' updates to install chosen by re-reading IsDownloaded on the same objects,
' and the installation's ResultCode, RebootRequired and per-update results.
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

Const REBOOT_KEY = "HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired"
Const WU_E_NEEDS_RERUN = -2145116147   ' 0x8024200D, the code the sample looks for

' Puppet's and Ansible's registry channel: does the key exist?  reg.exe answers 0 or 1.
Function RebootKeyExists()
    Dim shell
    Set shell = CreateObject("WScript.Shell")
    RebootKeyExists = (shell.Run("reg query """ & REBOOT_KEY & """", 0, True) = 0)
End Function

Sub Main()
    Dim manager, service, session, searcher, result, update, i, toDownload, downloader, toInstall
    Dim installer, installation, userInput, info, titles, rerun, shell

    Set info = CreateObject("Microsoft.Update.SystemInfo")
    Check Not info.RebootRequired, "no restart pending before"
    Check Not RebootKeyExists(), "no RebootRequired key before"

    Set manager = CreateObject("Microsoft.Update.ServiceManager")
    Set service = manager.AddScanPackageService("Offline Sync Service", WScript.Arguments(0), 1)
    Set session = CreateObject("Microsoft.Update.Session")
    session.ClientApplicationID = "OpenWUA SDK sample test"
    Set searcher = session.CreateUpdateSearcher()
    searcher.ServerSelection = 3
    searcher.ServiceID = service.ServiceID
    Set result = searcher.Search("IsInstalled=0 and Type='Software' and IsHidden=0")
    Check result.ResultCode = 2, "search ResultCode 2"
    Check result.Updates.Count = 2, "two applicable updates (got " & result.Updates.Count & ")"

    Set toDownload = CreateObject("Microsoft.Update.UpdateColl")
    titles = ""
    For i = 0 To result.Updates.Count - 1
        Set update = result.Updates.Item(i)
        titles = titles & UCase(update.Title) & ";"
        On Error Resume Next
        userInput = update.InstallationBehavior.CanRequestUserInput
        Check Err.Number = 0, "InstallationBehavior.CanRequestUserInput reads"
        Check update.EulaAccepted, "no licence terms: accepted"
        Err.Clear
        On Error GoTo 0
        Check Not userInput, "a command-line update asks nothing"
        If Not update.EulaAccepted Then update.AcceptEula
        toDownload.Add update
    Next
    Check titles = "SDK SAMPLE UPDATE 1;SDK SAMPLE UPDATE 2;", "titles compared in upper case (" & titles & ")"

    Set downloader = session.CreateUpdateDownloader()
    downloader.Updates = toDownload
    downloader.Download

    Set toInstall = CreateObject("Microsoft.Update.UpdateColl")
    For i = 0 To result.Updates.Count - 1
        Set update = result.Updates.Item(i)
        If update.IsDownloaded Then toInstall.Add update
    Next
    Check toInstall.Count = 2, "IsDownloaded re-read on the same objects"

    Set installer = session.CreateUpdateInstaller()
    installer.Updates = toInstall
    Set installation = installer.Install()
    Check installation.ResultCode = 2, "installation ResultCode 2 (got " & installation.ResultCode & ")"
    Check installation.HResult = 0, "installation HResult 0"
    rerun = False
    For i = 0 To toInstall.Count - 1
        Check installation.GetUpdateResult(i).ResultCode = 2, "update " & i & " ResultCode 2"
        Check installation.GetUpdateResult(i).HResult = 0, "update " & i & " HResult 0"
        If installation.GetUpdateResult(i).HResult = WU_E_NEEDS_RERUN Then rerun = True
    Next
    Check Not rerun, "no update asks for another run"

    ' Reboot: the channels agree (ANS/SALT/RGL SystemInfo; SDK/BOX/CHEF the result;
    ' ANS the per-update result; SALT/JFZ IUpdate.RebootRequired; PUP the registry).
    Check installation.RebootRequired, "InstallationResult.RebootRequired"
    Check Not installation.GetUpdateResult(0).RebootRequired, "the first update needs no restart"
    Check installation.GetUpdateResult(1).RebootRequired, "the second update's RebootRequired"
    Check Not toInstall.Item(0).RebootRequired, "IUpdate.RebootRequired of the first"
    Check toInstall.Item(1).RebootRequired, "IUpdate.RebootRequired of the second"
    Check info.RebootRequired, "SystemInfo.RebootRequired after"
    Check CreateObject("Microsoft.Update.SystemInfo").RebootRequired, "a new SystemInfo agrees"
    Check RebootKeyExists(), "the Auto Update\RebootRequired key is there"
    Check toInstall.Item(0).IsInstalled And toInstall.Item(1).IsInstalled, "both IsInstalled"

    ' what a restart does to the flag, so later tests start without one
    Set shell = CreateObject("WScript.Shell")
    shell.Run "reg delete """ & REBOOT_KEY & """ /f", 0, True
    Check Not RebootKeyExists(), "key removed"
    Check Not info.RebootRequired, "SystemInfo follows the key"
    manager.RemoveService service.ServiceID
End Sub

On Error Resume Next
Main
If Err.Number <> 0 Then Check False, "unexpected error &H" & Hex(Err.Number) & " " & Err.Description
On Error GoTo 0
WScript.Echo passed & " passed, " & failed & " failed"
If failed > 0 Then WScript.Quit 1
