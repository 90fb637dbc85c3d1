' OpenWUA: search the default catalog the way Microsoft's sample does.
' Run: wine cscript //nologo search.vbs
Option Explicit
Dim session, searcher, result, update, i

Set session = CreateObject("Microsoft.Update.Session")
session.ClientApplicationID = "OpenWUA example"
Set searcher = session.CreateUpdateSearcher()

Sub Show(criteria, heading)
    Set result = searcher.Search(criteria)
    WScript.Echo heading & " (" & criteria & "): " & result.Updates.Count
    For i = 0 To result.Updates.Count - 1
        Set update = result.Updates.Item(i)
        WScript.Echo "  " & update.Title & "  [" & update.Identity.UpdateID & "]  KB: " & Listed(update.KBArticleIDs)
    Next
End Sub

' Joined with commas.  (Wine 8's VBScript crashes on ReDim of a local array, so no Join.)
Function Listed(strings)
    Dim s, text
    For Each s In strings
        If text <> "" Then text = text & ","
        text = text & s
    Next
    If text = "" Then text = "-"
    Listed = text
End Function

Show "IsInstalled=0 and Type='Software'", "Updates to install"
Show "IsInstalled=1", "Installed updates"
