<#
.SYNOPSIS
    Tab completion of cluster names, Marathon app ids, service names and instance ids with 500 apps in the session's
    cache: the median of 50 TabExpansion2 calls per kind, and the requests they send (from the sandbox log).
    Goal: median <= 50 ms per completion, 0 requests (completion never leaves the machine).
#>
param([int] $Apps = 500, [int] $Runs = 50)
$ErrorActionPreference = 'Stop'
Import-Module $env:SHOWCASE_MODULE_PATH
$sandbox = Start-ShowcaseSandbox -Force
$null = New-ShowcaseCluster -Name demo -InstanceProfileName showcase-ssm -SkipBootstrap -AgentCount 1
$marathon = $sandbox.Host.Endpoint('marathon').ToString().TrimEnd('/')
foreach ($n in 1..$Apps) {
    $body = @{ id = "/web-$n"; cmd = 'sleep 3600'; cpus = 0.01; mem = 8; instances = 1 } | ConvertTo-Json
    $null = Invoke-RestMethod -Method Post -Uri "$marathon/v2/apps" -Body $body -ContentType 'application/json'
}
$null = Get-MarathonApp          # what fills the session's completion cache: apps, their service names and tasks
$null = Get-MarathonTask

$cases = [ordered]@{
    'cluster name'       = 'Get-ShowcaseCluster -Name de'
    'Marathon app id'    = 'Get-MarathonApp -Id web-1'
    'service name'       = 'Get-ShowcaseService -Name web-4'
    'instance id'        = 'Get-ShowcaseInstance -InstanceId web-2'
}
$worst = 0.0
$requests = $sandbox.Host.Log.Count()
foreach ($case in $cases.GetEnumerator()) {
    $script = $case.Value
    foreach ($warm in 1..3) { $null = TabExpansion2 -inputScript $script -cursorColumn $script.Length }
    $times = foreach ($i in 1..$Runs) {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $result = TabExpansion2 -inputScript $script -cursorColumn $script.Length
        $watch.Stop()
        $watch.Elapsed.TotalMilliseconds
    }
    $sorted = @($times | Sort-Object)
    $median = $sorted[[int]($sorted.Count / 2)]
    $worst = [Math]::Max($worst, $median)
    '{0,-16} median {1,6:N1} ms  p95 {2,6:N1} ms  {3} completions' -f $case.Key, $median, $sorted[[int]($sorted.Count * 0.95) - 1], $result.CompletionMatches.Count
}
$sent = $sandbox.Host.Log.Count() - $requests
"Requests sent by $($cases.Count * ($Runs + 3)) completions: $sent (goal 0)"
"Slowest median: {0:N1} ms (goal <= 50 ms)" -f $worst
Stop-ShowcaseSandbox -Confirm:$false
if ($sent -ne 0 -or $worst -gt 50) { exit 1 }
