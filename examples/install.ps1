# OpenWUA example: search, download and install from PowerShell.
# Not runnable in this project's test environment (no PowerShell under Wine here); it uses only
# what Windows PowerShell offers and runs the same way against Windows' own agent.
# Run: powershell -ExecutionPolicy Bypass -File install.ps1
$names = 'not started', 'in progress', 'succeeded', 'succeeded with errors', 'failed', 'aborted'
$session = New-Object -ComObject Microsoft.Update.Session
$session.ClientApplicationID = 'OpenWUA PowerShell example'
$result = $session.CreateUpdateSearcher().Search('IsInstalled=0 and IsHidden=0')
"Found $($result.Updates.Count) update(s)"

$toInstall = New-Object -ComObject Microsoft.Update.UpdateColl
foreach ($update in $result.Updates) {
    if ($update.EulaAccepted) { [void]$toInstall.Add($update); "  $($update.Title)" }
    else { "  $($update.Title) (skipped: accept its licence terms first)" }
}
if ($toInstall.Count -eq 0) { 'Nothing to install'; exit 0 }

$downloader = $session.CreateUpdateDownloader()
$downloader.Updates = $toInstall
"Download: $($names[$downloader.Download().ResultCode])"

$installer = $session.CreateUpdateInstaller()
$installer.Updates = $toInstall
$outcome = $installer.Install()
for ($i = 0; $i -lt $toInstall.Count; $i++) {
    $one = $outcome.GetUpdateResult($i)
    '  {0}: {1} (0x{2:X8})' -f $toInstall.Item($i).Title, $names[$one.ResultCode], $one.HResult
}
"Install: $($names[$outcome.ResultCode]), reboot required: $($outcome.RebootRequired)"
if ($outcome.ResultCode -ne 2) { exit 1 }
