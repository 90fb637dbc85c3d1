' OpenWUA: what the Windows Update Agent API answers in this prefix.
' Run: wine cscript //nologo status.vbs
Option Explicit
Dim info, sysinfo, au, session, settings, levels

Set info = CreateObject("Microsoft.Update.AgentInfo")
WScript.Echo "Windows Update Agent API " & info.GetInfo("ApiMajorVersion") & "." & _
    info.GetInfo("ApiMinorVersion") & ", wuapi.dll " & info.GetInfo("ProductVersionString")

Set sysinfo = CreateObject("Microsoft.Update.SystemInfo")
WScript.Echo "Reboot required:         " & sysinfo.RebootRequired

Set session = CreateObject("Microsoft.Update.Session")
WScript.Echo "Session client id:       " & session.ClientApplicationID
WScript.Echo "Session locale:          " & session.UserLocale
WScript.Echo "Proxy auto-detect:       " & session.WebProxy.AutoDetect

Set au = CreateObject("Microsoft.Update.AutoUpdate")
Set settings = au.Settings
levels = Array("not configured", "disabled", "notify before download", _
               "notify before installation", "scheduled installation")
WScript.Echo "Automatic Updates:       " & levels(settings.NotificationLevel) & _
    ", service enabled: " & au.ServiceEnabled
