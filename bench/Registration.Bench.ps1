<#
.SYNOPSIS
    500 instances piped into Register-ShowcaseInstance over the SSM channel with 1 s injected per SSM call: at most 2 SSM
    round trips (SendCommand count), and the ratio against one command per instance, measured in the same run (5
    instances sent one pipeline each, extrapolated to 500). Goal: >= 100x.
#>
param([int] $Count = 500, [int] $Sample = 5, [double] $LatencySeconds = 1)
$ErrorActionPreference = 'Stop'
Import-Module $env:SHOWCASE_MODULE_PATH
$sandbox = Start-ShowcaseSandbox -Force
$null = New-ShowcaseCluster -Name demo -InstanceProfileName showcase-ssm -SkipBootstrap
$null = Register-ShowcaseService -Name web -ServicePort 10000 -Channel Ssm

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
if ($batchSends -gt 2 -or $registered -ne $Count -or $ratio -lt 100) { exit 1 }
