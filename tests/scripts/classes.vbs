' OpenWUA tests: every registered class from VBScript, as scripts use them.
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

' Checks the Err.Number a call under On Error Resume Next left.  VBScript turns a
' few well-known HRESULTs into its own numbers, as on Windows: E_INVALIDARG is 5
' ("Invalid procedure call or argument") and E_NOTIMPL is 445; WU_E_ codes pass
' through unchanged.
Const VBS_E_INVALIDARG = 5
Const VBS_E_NOTIMPL = 445
Sub CheckError(number, expected, what)
    Check number = expected, what & " (got &H" & Hex(number) & ")"
End Sub

Dim progids, p, o, session, proxy, info, sysinfo, au, settings, results
progids = Array("Microsoft.Update.Session", "Microsoft.Update.UpdateColl", "Microsoft.Update.StringColl", _
                "Microsoft.Update.WebProxy", "Microsoft.Update.SystemInfo", "Microsoft.Update.AgentInfo", _
                "Microsoft.Update.AutoUpdate", "Microsoft.Update.Searcher", "Microsoft.Update.ServiceManager", _
                "Microsoft.Update.Downloader", "Microsoft.Update.Installer")

Sub Main()
    For Each p In progids
        Set o = Nothing
        Set o = CreateObject(p)
        Check IsObject(o), "CreateObject " & p
        Set o = CreateObject(p & ".1")
        Check IsObject(o), "CreateObject " & p & ".1"
    Next

    Set info = CreateObject("Microsoft.Update.AgentInfo")
    Check info.GetInfo("ApiMajorVersion") = 8, "ApiMajorVersion is 8"
    Check VarType(info.GetInfo("ApiMajorVersion")) = vbLong, "ApiMajorVersion is a Long"
    Check VarType(info.GetInfo("ProductVersionString")) = vbString, "ProductVersionString is a String"
    On Error Resume Next
    info.GetInfo "Nonsense"
    CheckError Err.Number, VBS_E_INVALIDARG, "GetInfo of an unknown name is E_INVALIDARG"
    On Error GoTo 0

    Set sysinfo = CreateObject("Microsoft.Update.SystemInfo")
    Check VarType(sysinfo.RebootRequired) = vbBoolean, "RebootRequired is a Boolean"
    Check sysinfo.RebootRequired = False, "no reboot pending in the test prefix"

    Set session = CreateObject("Microsoft.Update.Session")
    Check session.ClientApplicationID = "Unknown", "ClientApplicationID defaults to Unknown"
    session.ClientApplicationID = "classes.vbs"
    Check session.ClientApplicationID = "classes.vbs", "ClientApplicationID is kept"
    Check session.ReadOnly = False, "session is not read-only"
    Check session.WebProxy.AutoDetect = True, "the default proxy auto-detects"

    Set proxy = CreateObject("Microsoft.Update.WebProxy")
    proxy.Address = "proxy.example:8080"
    proxy.BypassList.Add "*.local"
    Set session.WebProxy = proxy
    Check session.WebProxy.Address = "proxy.example:8080", "Set session.WebProxy keeps the proxy"
    Check session.WebProxy.BypassList.Count = 1, "the bypass list is live"
    session.WebProxy = CreateObject("Microsoft.Update.WebProxy")
    Check IsNull(session.WebProxy.Address) Or session.WebProxy.Address = "", "property put without Set works"
    On Error Resume Next
    proxy.Address = "bad address"
    CheckError Err.Number, VBS_E_INVALIDARG, "a bad proxy address is E_INVALIDARG"
    On Error GoTo 0
    Check proxy.Address = "proxy.example:8080", "a refused address changes nothing"

    ' made by the session: they carry its name (docs/behaviour.md, UpdateSession); made alone: Unknown
    Check session.CreateUpdateInstaller().ClientApplicationID = "classes.vbs", "a session's installer's ClientApplicationID"
    Check session.CreateUpdateDownloader().ClientApplicationID = "classes.vbs", "a session's downloader's ClientApplicationID"
    Check CreateObject("Microsoft.Update.Installer").ClientApplicationID = "Unknown", "a new installer's ClientApplicationID"
    Check CreateObject("Microsoft.Update.Downloader").ClientApplicationID = "Unknown", "a new downloader's ClientApplicationID"

    Set au = CreateObject("Microsoft.Update.AutoUpdate")
    Check au.ServiceEnabled = True, "the Automatic Updates service is enabled"
    Set settings = au.Settings
    Check settings.ReadOnly = False, "settings are writable"
    On Error Resume Next
    settings.NotificationLevel = 9
    CheckError Err.Number, VBS_E_INVALIDARG, "NotificationLevel 9 is E_INVALIDARG"
    On Error GoTo 0
    On Error Resume Next
    settings.ScheduledInstallationTime = 24
    CheckError Err.Number, VBS_E_INVALIDARG, "hour 24 is E_INVALIDARG"
    On Error GoTo 0
    settings.ScheduledInstallationTime = 4
    Check settings.ScheduledInstallationTime = 4, "ScheduledInstallationTime is kept"
    settings.Refresh
    Set results = au.Results
    Check IsEmpty(results.LastInstallationSuccessDate) Or IsDate(results.LastInstallationSuccessDate), _
          "LastInstallationSuccessDate is a date or empty"
End Sub

On Error Resume Next
Main
If Err.Number <> 0 Then Check False, "unexpected error " & Hex(Err.Number) & " " & Err.Description
On Error GoTo 0
WScript.Echo passed & " passed, " & failed & " failed"
If failed > 0 Then WScript.Quit 1
