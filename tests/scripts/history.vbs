' OpenWUA tests: installation history from VBScript, the way Get-WUHistory and
' the Puppet and osquery history readers use it.  The history_seed fixture
' (test_history.exe --seed 3) empties the history and appends three entries;
' Wine's WScript.Shell.Run fails (0x80070578), so the script cannot do it itself.
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

Sub CheckError(number, expected, what)
    Check number = expected, what & " (got &H" & Hex(number) & ")"
End Sub

Const WU_E_INVALIDINDEX = &H80240007
Const WU_E_INVALID_CRITERIA = &H80240032

' Seeded entries have UpdateIDs 00000032-000n-...: other entries (an installer test's)
' may be there too, so counts are compared with GetTotalHistoryCount, not fixed.
Function SeedID(n)
    SeedID = "00000032-000" & n & "-0000-0000-000000000000"
End Function

Sub Entries()
    Dim session, searcher, coll, entry, i, total, seen, c, n
    Set session = CreateObject("Microsoft.Update.Session")
    Set searcher = session.CreateUpdateSearcher()
    total = searcher.GetTotalHistoryCount()
    Check total >= 3, "the three seeded entries at least (got " & total & ")"

    ' Get-WUHistory: one at a time until Count is 0
    i = 0
    Do
        Set coll = searcher.QueryHistory(i, 1)
        If coll.Count = 0 Then Exit Do
        i = i + 1
    Loop While i < total + 10
    Check i = total, "paging stops after the last entry (" & i & ")"

    ' osquery / Puppet: QueryHistory(0, total), every member
    seen = 0
    For Each entry In searcher.QueryHistory(0, total)
      n = entry.UpdateIdentity.RevisionNumber
      If entry.UpdateIdentity.UpdateID = SeedID(n) Then
        Check entry.UpdateIdentity.RevisionNumber = 2 - seen, "seeded entry " & seen & " is newest first"
        Check entry.Operation = 1 Or entry.Operation = 2, "Operation"
        Check entry.ResultCode >= 0 And entry.ResultCode <= 5, "ResultCode"
        Check VarType(entry.Date) = vbDate, "Date is a date"
        Check Year(entry.Date) > 1900, "Date is after 1900"
        ' Wine's VBScript has no ChrW or AscW: the non-ASCII characters are checked by length
        Check Left(entry.Title, 5) = "Mise " And Mid(entry.Title, 7, 9) = " jour 50/" And Len(entry.Title) = 19, "Title"
        Check Len(entry.UpdateIdentity.UpdateID) = 36, "UpdateIdentity.UpdateID"
        Check entry.HResult = 7 * entry.UpdateIdentity.RevisionNumber, "HResult"
        Check entry.UnmappedResultCode = 50, "UnmappedResultCode"
        Check entry.ClientApplicationID = "client-" & entry.UpdateIdentity.RevisionNumber, "ClientApplicationID"
        Check entry.ServerSelection = entry.UpdateIdentity.RevisionNumber Mod 4, "ServerSelection"
        Check Len(entry.ServiceID) = 36, "ServiceID"
        Check entry.UninstallationSteps.Count = entry.UpdateIdentity.RevisionNumber Mod 4, "UninstallationSteps"
        Check entry.UninstallationNotes = "notes " & entry.UpdateIdentity.RevisionNumber, "UninstallationNotes"
        Check entry.SupportUrl = "https://example.com/kb/" & entry.UpdateIdentity.RevisionNumber, "SupportUrl"
        Check Len(entry.Description) = entry.UpdateIdentity.RevisionNumber, "Description"
        Check entry.Categories.Count = entry.UpdateIdentity.RevisionNumber Mod 3, "Categories"
        For Each c In entry.Categories
            Check Left(c.Name, 4) = "Cat ", "Categories.Name"
        Next
        seen = seen + 1
      End If
    Next
    Check seen = 3, "For Each sees every seeded entry (" & seen & ")"

    On Error Resume Next
    Set coll = searcher.QueryHistory(-1, 1)
    CheckError Err.Number, WU_E_INVALIDINDEX, "QueryHistory(-1, 1)"
    Err.Clear
    Set coll = searcher.QueryHistory(0, 0)
    CheckError Err.Number, WU_E_INVALIDINDEX, "QueryHistory(0, 0) with entries"
    Err.Clear
    Set coll = session.QueryHistory("IsInstalled=1", 0, 10)
    CheckError Err.Number, WU_E_INVALID_CRITERIA, "session QueryHistory with another criterion"
    Err.Clear
    Set entry = searcher.QueryHistory(0, 1).Item(1)
    CheckError Err.Number, WU_E_INVALIDINDEX, "Item past the end"
    Err.Clear
    On Error GoTo 0

    Set coll = session.QueryHistory("UpdateID='" & SeedID(1) & "'", 0, 10)
    Check coll.Count = 1, "session QueryHistory by UpdateID"
    If coll.Count = 1 Then Check Mid(coll.Item(0).Title, 7, 11) = " jour 50/1 ", "its title"
    Set coll = session.QueryHistory("", total - 1, 5)
    Check coll.Count = 1, "session QueryHistory from the last index"
    Set coll = session.QueryHistory("UpdateID='" & SeedID(9) & "'", 0, 10)
    Check coll.Count = 0, "session QueryHistory of an update with no history is empty"
    Set coll = searcher.QueryHistory(total, 1)
    Check coll.Count = 0, "QueryHistory past the end is empty"
End Sub

Entries
WScript.Echo passed & " passed, " & failed & " failed"
If failed > 0 Then WScript.Quit 1
