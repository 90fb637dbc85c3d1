' OpenWUA tests: BeginSearch/EndSearch from VBScript, the way WuF does it: a class
' whose Public Default Function (DISPID 0) is the callback, a state of vbNull or a
' string, IsCompleted polled in a bounded loop (WScript.Sleep may not pump), EndSearch,
' then CleanUp, which waits for the callback: it arrives on this thread while CleanUp
' (or EndSearch) waits.
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

Class SearchDone
    ' One name per Public line: Wine 8's VBScript does not parse a list here.
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

Function WriteCatalog()
    Dim fso, path, f
    Set fso = CreateObject("Scripting.FileSystemObject")
    path = fso.GetSpecialFolder(2) & "\openwua-search-async.xml"
    Set f = fso.CreateTextFile(path, True)
    f.Write "<?xml version=""1.0""?><smc:SystemsManagementCatalog " & _
        "xmlns:smc=""http://schemas.microsoft.com/sms/2005/04/CorporatePublishing/SystemsManagementCatalog.xsd"" " & _
        "xmlns:sdp=""" & NS & "SoftwareDistributionPackage.xsd"" xmlns:lar=""" & NS & "LogicalApplicabilityRules.xsd"">" & _
        "<smc:SoftwareDistributionPackage SchemaVersion=""1.0"">" & _
        "<sdp:Properties PackageID=""abcdef01-0000-4000-8000-0000000000c3"" CreationDate=""2023-01-02T03:04:05+00:00"" VendorName=""Scripts Inc"" />" & _
        "<sdp:LocalizedProperties><sdp:Language>en</sdp:Language><sdp:Title>Async update</sdp:Title></sdp:LocalizedProperties>" & _
        "<sdp:UpdateSpecificData UpdateClassification=""Updates"" />" & _
        "<sdp:IsInstalled><lar:False /></sdp:IsInstalled></smc:SoftwareDistributionPackage>" & _
        "</smc:SystemsManagementCatalog>"
    f.Close
    WriteCatalog = path
End Function

' True once the job completes; gives up after 30 seconds.
Function WaitCompleted(job)
    Dim start, n
    start = Timer
    n = 0
    Do While Not job.IsCompleted And Abs(Timer - start) < 30 And n < 50000000
        n = n + 1
    Loop
    WaitCompleted = job.IsCompleted
End Function

Dim manager, service, session, searcher, callback, job, result
Sub Main()
    Set manager = CreateObject("Microsoft.Update.ServiceManager")
    Set service = manager.AddScanPackageService("Async scripts", WriteCatalog())
    Set session = CreateObject("Microsoft.Update.Session")
    Set searcher = session.CreateUpdateSearcher()
    searcher.ServerSelection = 3
    searcher.ServiceID = service.ServiceID

    Set callback = New SearchDone
    Set job = searcher.BeginSearch("IsInstalled=0", callback, "Search")
    Check job.AsyncState = "Search", "AsyncState is the string given"
    Check WaitCompleted(job), "IsCompleted turns True"
    Set result = searcher.EndSearch(job)
    Check result.ResultCode = 2, "ResultCode is orcSucceeded"
    Check result.Updates.Count = 1, "one update found"
    Check result.Updates.Item(0).Title = "Async update", "the update's title"
    job.CleanUp
    Check callback.Calls = 1, "the callback ran once (ran " & callback.Calls & ")"
    Check callback.SawCompleted, "IsCompleted was True inside the callback"
    Check callback.SawState = "Search", "the callback's job has the state"
    job.CleanUp
    Check callback.Calls = 1, "a second CleanUp calls nothing"

    On Error Resume Next
    Set result = searcher.EndSearch(job)
    Check Err.Number = &H80240036, "EndSearch twice is WU_E_INVALID_OPERATION (got &H" & Hex(Err.Number) & ")"
    Err.Clear
    On Error GoTo 0

    ' WuF: state vbNull (the number 1); the callback is waited for in EndSearch or CleanUp.
    Set callback = New SearchDone
    Set job = searcher.BeginSearch("IsInstalled=0 and (IsHidden=0 or Type='Driver')", callback, vbNull)
    Check VarType(job.AsyncState) = vbInteger, "vbNull state keeps its type"
    Check job.AsyncState = 1, "vbNull state keeps its value"
    On Error Resume Next
    Set result = searcher.EndSearch(job)
    Check Err.Number = &H80240032, "bad criteria: EndSearch is WU_E_INVALID_CRITERIA (got &H" & Hex(Err.Number) & ")"
    Err.Clear
    On Error GoTo 0
    job.CleanUp
    Check callback.Calls = 1, "a failed search calls back once too"

    ' Nothing to call back.
    Set job = searcher.BeginSearch("", Nothing, Empty)
    Check IsEmpty(job.AsyncState), "Empty state"
    Check WaitCompleted(job), "IsCompleted without a callback"
    Check searcher.EndSearch(job).Updates.Count = 1, "empty criteria find the update"
    job.CleanUp

    manager.RemoveService service.ServiceID
End Sub

On Error Resume Next
Main
If Err.Number <> 0 Then Check False, "unexpected error &H" & Hex(Err.Number) & " " & Err.Description
On Error GoTo 0
WScript.Echo passed & " passed, " & failed & " failed"
If failed > 0 Then WScript.Quit 1
