<#
.SYNOPSIS
    A single registration (Register-ShowcaseService, Register-ShowcaseInstance, and their Unregister) over the SSM channel
    in at most 2 SendCommand when it changes something and exactly 1 when nothing changes (issue 14). Then 500 instances piped into Register-ShowcaseInstance over the SSM channel with 1 s injected per SSM call: at most 2 SSM
    round trips (SendCommand count), and the ratio against one command per instance, measured in the same run (5
    instances sent one pipeline each, extrapolated to 500). Goal: >= 100x.
#>
param([int] $Count = 500, [int] $Sample = 5, [double] $LatencySeconds = 1)
$ErrorActionPreference = 'Stop'
Import-Module $env:SHOWCASE_MODULE_PATH
$sandbox = Start-ShowcaseSandbox -Force
$null = New-ShowcaseCluster -Name demo -InstanceProfileName showcase-ssm -SkipBootstrap
function Measure-Sends([scriptblock] $Command) {
    $before = $sandbox.Host.Log.Count('ssm', 'SendCommand')
    $null = & $Command
    $sandbox.Host.Log.Count('ssm', 'SendCommand') - $before
}
$single = @(
    [pscustomobject]@{ Step = 'Register-ShowcaseService (new)'; Goal = 2; Sends = Measure-Sends { Register-ShowcaseService -Name web -ServicePort 10000 -Channel Ssm } }
    [pscustomobject]@{ Step = 'Register-ShowcaseService (unchanged)'; Goal = 1; Sends = Measure-Sends { Register-ShowcaseService -Name web -ServicePort 10000 -Channel Ssm } }
    [pscustomobject]@{ Step = 'Register-ShowcaseInstance (new)'; Goal = 2; Sends = Measure-Sends { Register-ShowcaseInstance -ServiceName web -InstanceId one -HostAddress 10.0.12.5 -HostPort 31000 -Channel Ssm } }
    [pscustomobject]@{ Step = 'Register-ShowcaseInstance (unchanged)'; Goal = 1; Sends = Measure-Sends { Register-ShowcaseInstance -ServiceName web -InstanceId one -HostAddress 10.0.12.5 -HostPort 31000 -Channel Ssm } }
    [pscustomobject]@{ Step = 'Unregister-ShowcaseInstance'; Goal = 2; Sends = Measure-Sends { Unregister-ShowcaseInstance -ServiceName web -InstanceId one -DrainSeconds 0 -Channel Ssm -Confirm:$false } }
    [pscustomobject]@{ Step = 'Unregister-ShowcaseInstance (gone)'; Goal = 1; Sends = Measure-Sends { Unregister-ShowcaseInstance -ServiceName web -InstanceId one -DrainSeconds 0 -Channel Ssm -Confirm:$false } }
    [pscustomobject]@{ Step = 'Register-ShowcaseService solo (new)'; Goal = 2; Sends = Measure-Sends { Register-ShowcaseService -Name solo -ServicePort 10001 -Channel Ssm } }
    [pscustomobject]@{ Step = 'Unregister-ShowcaseService solo'; Goal = 2; Sends = Measure-Sends { Unregister-ShowcaseService -Name solo -Channel Ssm -Confirm:$false } }
    [pscustomobject]@{ Step = 'Unregister-ShowcaseService solo (gone)'; Goal = 1; Sends = Measure-Sends { Unregister-ShowcaseService -Name solo -Channel Ssm -Confirm:$false } }
)
foreach ($row in $single) { '{0,-38}: {1} SendCommand (goal {2} {3})' -f $row.Step, $row.Sends, $(if ($row.Goal -eq 1) { '= 1' } else { '<= 2' }), $(if (($row.Goal -eq 1 -and $row.Sends -eq 1) -or ($row.Goal -eq 2 -and $row.Sends -le 2)) { 'OK' } else { 'FAIL' }) }
$singleFailed = @($single | Where-Object { ($_.Goal -eq 1 -and $_.Sends -ne 1) -or ($_.Goal -eq 2 -and $_.Sends -gt 2) })

function New-Instance([int] $n, [string] $prefix) {
    [pscustomobject]@{ ServiceName = 'web'; InstanceId = "$prefix$n"; HostAddress = '10.0.{0}.{1}' -f (12 + [math]::Floor($n / 250)), (1 + $n % 250); HostPort = 31000 + $n }
}

$sandbox.Host.Latency.Set('ssm', '*', [TimeSpan]::FromSeconds($LatencySeconds))
try {
    # One command per instance (the naive way), a sample extrapolated to $Count.
    $sends = $sandbox.Host.Log.Count('ssm', 'SendCommand')
    $watch = [Diagnostics.Stopwatch]::StartNew()
    foreach ($n in 1..$Sample) { $null = New-Instance $n 'single' | Register-ShowcaseInstance -Channel Ssm }
    $watch.Stop()
    $single = $watch.Elapsed.TotalSeconds / $Sample
    $singleSends = ($sandbox.Host.Log.Count('ssm', 'SendCommand') - $sends) / $Sample

    # The whole pipeline in one command.
    $sends = $sandbox.Host.Log.Count('ssm', 'SendCommand')
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $results = 1..$Count | ForEach-Object { New-Instance $_ 'batch' } | Register-ShowcaseInstance -Channel Ssm
    $watch.Stop()
    $batchSends = $sandbox.Host.Log.Count('ssm', 'SendCommand') - $sends
}
finally {
    $sandbox.Host.Latency.Clear()
}

$registered = @($results | Where-Object Status -EQ 'Registered').Count
$vulcand = @($sandbox.Host.Vulcand.Backends | Where-Object Id -EQ 'web').Servers.Count
$ratio = ($single * $Count) / $watch.Elapsed.TotalSeconds
'SSM latency injected      : {0} s per SSM call' -f $LatencySeconds
'one command per instance  : {0,8:N2} s per instance, {1} SendCommand each  -> {2,8:N0} s for {3} (extrapolated)' -f $single, $singleSends, ($single * $Count), $Count
'one pipeline of {0}      : {1,8:N2} s, {2} SendCommand (goal <= 2); {3} registered, {4} Vulcand servers of web' -f $Count, $watch.Elapsed.TotalSeconds, $batchSends, $registered, $vulcand
'ratio                     : {0,8:N1}x (goal >= 100x)' -f $ratio
Stop-ShowcaseSandbox -Confirm:$false
if ($singleFailed.Count -gt 0 -or $batchSends -gt 2 -or $registered -ne $Count -or $ratio -lt 100) {
    'FAIL: {0} single registration(s) over goal; pipeline {1} SendCommand (goal <= 2), {2} of {3} registered, {4:N1}x (goal >= 100x)' -f $singleFailed.Count, $batchSends, $registered, $Count, $ratio
    exit 1
}
'OK: single registrations within 2 SendCommand (1 when unchanged); pipeline of {0} in {1} SendCommand, {2:N1}x' -f $Count, $batchSends, $ratio
