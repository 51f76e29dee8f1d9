<#
.SYNOPSIS
    New-ShowcaseCluster -SkipBootstrap with 100 ms injected per EC2 call: wall time against the critical path of its
    dependency graph (goal <= 1.2x), and against a one-call-at-a-time run of the same plan, in one run. Paging is on
    (the sandbox's default small, varying pages), and so are the cluster lock and the final verification.
#>
param([int] $LatencyMs = 100, [int] $AgentCount = 3, [int] $PageSizeMin = 1, [int] $PageSizeMax = 4, [double] $Goal = 1.2)
$ErrorActionPreference = 'Stop'
Import-Module $env:SHOWCASE_MODULE_PATH
$sandbox = Start-ShowcaseSandbox -Force -InstanceBootSeconds 0.5
$sandbox.Host.Options.PageSizeMin = $PageSizeMin
$sandbox.Host.Options.PageSizeMax = $PageSizeMax
$hooks = ([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.TestHooks'))
$common = @{ InstanceProfileName = 'showcase-ssm'; ImageId = 'ami-0123456789abcdef0'; AgentCount = $AgentCount; SkipBootstrap = $true }

function Measure-Create([string] $name, [int] $concurrency) {
    $hooks::ClusterMaxConcurrency = $concurrency
    $sandbox.Host.Latency.Set('ec2', '*', [TimeSpan]::FromMilliseconds($LatencyMs))
    $calls = $sandbox.Host.Log.Count('ec2')
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $cluster = New-ShowcaseCluster -Name $name @common
    $watch.Stop()
    $sandbox.Host.Latency.Clear()
    if ($cluster.State -ne 'Complete') { throw "cluster $name is $($cluster.State)" }
    [pscustomobject]@{ Wall = $watch.Elapsed; Report = $hooks::LastClusterRun; Calls = $sandbox.Host.Log.Count('ec2') - $calls }
}

try {
    $null = New-ShowcaseCluster -Name warmup @common   # JIT, connections
    $null = Remove-ShowcaseCluster warmup -Force
    $parallel = Measure-Create 'bench-par' 16
    $serial = Measure-Create 'bench-ser' 1
}
finally {
    $hooks::ClusterMaxConcurrency = $null
}

$report = $parallel.Report
$ratio = $parallel.Wall.TotalMilliseconds / $report.CriticalPath.TotalMilliseconds
$planRatio = $report.WallTime.TotalMilliseconds / $report.CriticalPath.TotalMilliseconds
'EC2 latency injected          : {0} ms per call; {1} agents; {2} EC2 calls per create; pages of {3}..{4} items' -f $LatencyMs, $AgentCount, $parallel.Calls, $PageSizeMin, $PageSizeMax
'critical path of the graph    : {0,8:N0} ms  ({1})' -f $report.CriticalPath.TotalMilliseconds, ($report.CriticalSteps -join ' > ')
'plan wall time (steps only)   : {0,8:N0} ms  = {1:N2}x the critical path' -f $report.WallTime.TotalMilliseconds, $planRatio
'New-ShowcaseCluster wall time : {0,8:N0} ms  = {1:N2}x the critical path (goal <= {2}x; includes discovery before, the lock and the check after)' -f $parallel.Wall.TotalMilliseconds, $ratio, $Goal
'outside the plan              : {0,8:N0} ms  (discovery before, cluster lock, the check after)' -f ($parallel.Wall.TotalMilliseconds - $report.WallTime.TotalMilliseconds)
'one call at a time            : {0,8:N0} ms  (plan {1:N0} ms) = {2:N1}x slower than concurrent' -f $serial.Wall.TotalMilliseconds, $serial.Report.WallTime.TotalMilliseconds, ($serial.Wall.TotalMilliseconds / $parallel.Wall.TotalMilliseconds)
$null = Remove-ShowcaseCluster bench-par -Force
$null = Remove-ShowcaseCluster bench-ser -Force
Stop-ShowcaseSandbox -Confirm:$false
if ($ratio -gt $Goal) { 'FAIL: New-ShowcaseCluster took {0:N2}x the critical path (goal <= {1}x)' -f $ratio, $Goal; exit 1 }
'OK: {0:N2}x the critical path (goal <= {1}x)' -f $ratio, $Goal
