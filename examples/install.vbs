' OpenWUA example: search, download and install, the way Microsoft's sample does.
' Installs every update the default catalog offers whose licence terms are accepted.
' Run: wine cscript //nologo install.vbs
Option Explicit
Dim session, searcher, result, update, toInstall, downloader, installer, outcome, i

Set session = CreateObject("Microsoft.Update.Session")
session.ClientApplicationID = "OpenWUA VBScript example"
Set searcher = session.CreateUpdateSearcher()
Set result = searcher.Search("IsInstalled=0 and IsHidden=0")
WScript.Echo "Found " & result.Updates.Count & " update(s)"

Set toInstall = CreateObject("Microsoft.Update.UpdateColl")
For i = 0 To result.Updates.Count - 1
    Set update = result.Updates.Item(i)
    If update.EulaAccepted Then
        toInstall.Add update
        WScript.Echo "  " & update.Title
    Else
        WScript.Echo "  " & update.Title & " (skipped: accept its licence terms first)"
    End If
Next
If toInstall.Count = 0 Then
    WScript.Echo "Nothing to install"
    WScript.Quit 0
End If

Set downloader = session.CreateUpdateDownloader()
downloader.Updates = toInstall
WScript.Echo "Download: " & ResultName(downloader.Download().ResultCode)

Set installer = session.CreateUpdateInstaller()
installer.Updates = toInstall
Set outcome = installer.Install()
For i = 0 To toInstall.Count - 1
    WScript.Echo "  " & toInstall.Item(i).Title & ": " & ResultName(outcome.GetUpdateResult(i).ResultCode) & _
        " (0x" & Hex(outcome.GetUpdateResult(i).HResult) & ")"
Next
WScript.Echo "Install: " & ResultName(outcome.ResultCode) & ", reboot required: " & outcome.RebootRequired
If outcome.ResultCode <> 2 Then WScript.Quit 1

Function ResultName(code)
    Select Case code
        Case 0 ResultName = "not started"
        Case 1 ResultName = "in progress"
        Case 2 ResultName = "succeeded"
        Case 3 ResultName = "succeeded with errors"
        Case 4 ResultName = "failed"
        Case Else ResultName = "aborted"
    End Select
End Function
