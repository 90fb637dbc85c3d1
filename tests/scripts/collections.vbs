' OpenWUA tests: the collections from VBScript, the way SDK samples and admin scripts use them.
' Prints "FAIL: <what>" per failed check, then "N passed, M failed"; exits 1 on any failure.
'
' Copyright 2026 the OpenWUA authors
' SPDX-License-Identifier: LGPL-2.1-or-later
Option Explicit

Const WU_E_INVALIDINDEX = &H80240007
Const E_POINTER = &H80004003

Dim passed, failed
passed = 0
failed = 0

Sub Check(ok, what)
    If ok Then
        passed = passed + 1
    Else
        failed = failed + 1
        WScript.Echo "FAIL: " & what
    End If
End Sub

Sub CheckEqual(actual, expected, what)
    Check actual = expected, what & " (got " & actual & ", expected " & expected & ")"
End Sub

' Joins the items of a collection through For Each.
Function JoinForEach(c)
    Dim item, s
    s = ""
    For Each item In c
        s = s & "[" & item & "]"
    Next
    JoinForEach = s
End Function

Sub CheckIndexError(what)
    CheckEqual Hex(Err.Number), Hex(WU_E_INVALIDINDEX), what & ": Err.Number"
    CheckEqual Err.Description, "", what & ": Err.Description"
    Err.Clear
End Sub

Sub Main
    Dim c, c1, u, u1, copy, item, n, i, idx, s, number, description

    ' --- creation, through both ProgIDs ---
    On Error Resume Next
    Set c = CreateObject("Microsoft.Update.StringColl")
    CheckEqual Err.Number, 0, "CreateObject Microsoft.Update.StringColl"
    Set c1 = CreateObject("Microsoft.Update.StringColl.1")
    CheckEqual Err.Number, 0, "CreateObject Microsoft.Update.StringColl.1"
    Set u = CreateObject("Microsoft.Update.UpdateColl")
    CheckEqual Err.Number, 0, "CreateObject Microsoft.Update.UpdateColl"
    Set u1 = CreateObject("Microsoft.Update.UpdateColl.1")
    CheckEqual Err.Number, 0, "CreateObject Microsoft.Update.UpdateColl.1"
    On Error GoTo 0
    If failed > 0 Then Exit Sub

    ' --- StringColl: Add, Count, Item, Insert, RemoveAt, Clear, Copy ---
    CheckEqual c.Count, 0, "new string collection Count"
    CheckEqual c.ReadOnly, False, "string collection ReadOnly"
    CheckEqual TypeName(c.ReadOnly), "Boolean", "ReadOnly is a Boolean"
    CheckEqual c.Add("alpha"), 0, "first Add returns 0"
    CheckEqual c.Add("gamma"), 1, "second Add returns 1"
    c.Add "delta"
    CheckEqual c.Count, 3, "Count after three Adds"
    CheckEqual TypeName(c.Count), "Long", "Count is a Long"
    CheckEqual c.Item(0), "alpha", "Item(0)"
    CheckEqual c(1), "gamma", "default property c(1)"
    i = 2
    CheckEqual c(i), "delta", "c(i) with a variable index"
    CheckEqual c("2"), "delta", "a numeric string index is coerced"
    c.Insert 1, "beta"
    CheckEqual JoinForEach(c), "[alpha][beta][gamma][delta]", "Insert in the middle"
    c.Insert 0, "first"
    c.Insert c.Count, "last"
    CheckEqual JoinForEach(c), "[first][alpha][beta][gamma][delta][last]", "Insert at 0 and at Count"
    c.RemoveAt 0
    c.RemoveAt c.Count - 1
    CheckEqual JoinForEach(c), "[alpha][beta][gamma][delta]", "RemoveAt first and last"
    c.Item(3) = "DELTA"
    c(2) = "GAMMA"
    CheckEqual JoinForEach(c), "[alpha][beta][GAMMA][DELTA]", "Item and default property put"
    c.Add ""
    CheckEqual c(4), "", "empty string"
    CheckEqual Len(c(4)), 0, "empty string length"
    c.RemoveAt 4
    s = String(100000, "x")
    idx = c.Add(s)
    CheckEqual Len(c(idx)), 100000, "long string length"
    Check c(idx) = s, "long string content"
    c.RemoveAt idx
    c.Add 42
    CheckEqual c(4), "42", "a number is stored as its string"
    CheckEqual TypeName(c(4)), "String", "items are Strings"
    c.RemoveAt 4

    Set copy = c.Copy()
    CheckEqual copy.Count, 4, "Copy Count"
    CheckEqual copy.ReadOnly, False, "Copy is writable"
    copy.Add "only in the copy"
    copy(0) = "ALPHA"
    CheckEqual c.Count, 4, "original unchanged by Add to the copy"
    CheckEqual c(0), "alpha", "original unchanged by put on the copy"
    CheckEqual JoinForEach(copy), "[ALPHA][beta][GAMMA][DELTA][only in the copy]", "copy contents"

    ' --- For Each yields the items in order, and runs on a snapshot ---
    n = 0
    For Each item In c
        n = n + 1
        If n = 1 Then c.Add "added while enumerating"
    Next
    CheckEqual n, 4, "For Each runs on a snapshot"
    CheckEqual c.Count, 5, "the Add during For Each went in"
    c.RemoveAt 4

    ' Names are case-insensitive.
    CheckEqual c.count, 4, "c.count"
    CheckEqual c.ITEM(1), "beta", "c.ITEM"
    CheckEqual c.add("epsilon"), 4, "c.add"
    c.removeat 4

    ' --- errors: a bad index gives WU_E_INVALIDINDEX and no text ---

    On Error Resume Next
    Err.Clear
    s = c(4)
    CheckIndexError "c(Count)"
    s = c.Item(-1)
    CheckIndexError "Item(-1)"
    s = c(2147483647)
    CheckIndexError "c(huge)"
    c.RemoveAt 4
    CheckIndexError "RemoveAt Count"
    c.RemoveAt -1
    CheckIndexError "RemoveAt -1"
    c.Insert 5, "x"
    CheckIndexError "Insert Count + 1"
    c.Insert -1, "x"
    CheckIndexError "Insert -1"
    c(4) = "x"
    CheckIndexError "put Item(Count)"
    ' Through c.Item: Wine's VBScript drops the type mismatch of the c("abc") form.
    s = c.Item("abc")
    CheckEqual Err.Number, 13, "a non-numeric index is a type mismatch"
    Err.Clear
    On Error GoTo 0
    CheckEqual JoinForEach(c), "[alpha][beta][GAMMA][DELTA]", "failed calls changed nothing"

    c.Clear
    CheckEqual c.Count, 0, "Clear"
    CheckEqual JoinForEach(c), "", "For Each over a cleared collection"
    CheckEqual copy.Count, 5, "Clear leaves the copy alone"
    CheckEqual c1.Count, 0, "the .1 string collection is separate"

    ' --- UpdateColl ---
    CheckEqual u.Count, 0, "new update collection Count"
    CheckEqual u.ReadOnly, False, "update collection ReadOnly"
    CheckEqual u1.Count, 0, "the .1 update collection Count"
    n = 0
    For Each item In u
        n = n + 1
    Next
    CheckEqual n, 0, "For Each over an empty update collection"
    u.Clear
    CheckEqual u.Count, 0, "Clear on an empty update collection"
    Set copy = u.Copy()
    CheckEqual copy.Count, 0, "Copy of an empty update collection"

    On Error Resume Next
    Err.Clear
    u.Add Nothing
    number = Err.Number
    description = Err.Description
    Err.Clear
    Set item = u.Item(0)
    CheckIndexError "UpdateColl Item(0) when empty"
    u.RemoveAt 0
    CheckIndexError "UpdateColl RemoveAt 0 when empty"
    On Error GoTo 0
    CheckEqual Hex(number), Hex(E_POINTER), "UpdateColl Add Nothing"
    CheckEqual description, "", "UpdateColl Add Nothing: no description"
    CheckEqual u.Count, 0, "Add Nothing added nothing"
End Sub

' An error nothing expected stops Main and is counted: Wine's cscript would
' otherwise end the script silently with exit code 0.
On Error Resume Next
Main
If Err.Number <> 0 Then Check False, "unexpected error " & Hex(Err.Number) & " " & Err.Description
On Error GoTo 0

WScript.Echo passed & " passed, " & failed & " failed"
If failed > 0 Then WScript.Quit 1
WScript.Quit 0
