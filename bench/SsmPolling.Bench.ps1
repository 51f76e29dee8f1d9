<#
.SYNOPSIS
    Bootstrap of a cluster with 200 agents (100 launched by New-ShowcaseCluster, 100 more added to the sandbox with the
    cluster's tags) while every command runs 8 s: the status calls per polling interval for the agents' commands.
    Goal: <= ceil(200/50) = 4 ListCommandInvocations per interval, and GetCommandInvocation only to fetch output
    (<= 2 per host: the fetch, plus the sandbox's one not-yet-visible answer).
#>
param([int] $Agents = 200, [double] $CommandSeconds = 8)
$ErrorActionPreference = 'Stop'
Import-Module $env:SHOWCASE_MODULE_PATH
$sandbox = Start-ShowcaseSandbox -Force -InstanceBootSeconds 0.01 -SsmOnlineSeconds 0.01
$cluster = New-ShowcaseCluster -Name big -InstanceProfileName showcase-ssm -AgentCount ([math]::Min(100, $Agents)) -SkipBootstrap

# The cluster cmdlets stop at 100 agents: the rest are sandbox instances carrying the cluster's tags.
$infoType = $sandbox.Host.Ec2.GetType().Assembly.GetType('ShowcaseOps.Sandbox.StandIns.SandboxInstanceInfo')
$since = [DateTime]::UtcNow.AddMinutes(-5)
foreach ($index in 101..$Agents) {
    $tags = [Collections.Generic.Dictionary[string, string]]::new()
    $tags['showcase:cluster'] = 'big'; $tags['showcase:role'] = 'agent'; $tags['showcase:index'] = "$index"; $tags['Name'] = "big-agent-$index"
    $id = 'i-0b{0:x15}' -f $index
    $ip = '10.0.12.{0}' -f (($index % 200) + 30)
    $sandbox.Host.Ec2.AddInstance([Activator]::CreateInstance($infoType, @($id, $ip, 'running', $since, $since, $tags)))
}

$sandbox.Host.Options.CommandDuration = [TimeSpan]::FromSeconds($CommandSeconds)
$sandbox.Host.Log.Clear()
$watch = [Diagnostics.Stopwatch]::StartNew()
$results = Invoke-ShowcaseBootstrap -Name big -Force -Confirm:$false
$watch.Stop()

$agentIds = @((Get-ShowcaseCluster big).Agents.InstanceId)
$agentCommands = @($sandbox.Host.Ssm.Commands | Where-Object { @($_.InstanceIds | Where-Object { $agentIds -contains $_ }).Count -gt 0 })
$lists = @($sandbox.Host.Log.Entries | Where-Object { $_.Service -eq 'ssm' -and $_.Operation -eq 'ListCommandInvocations' -and ($agentCommands.CommandId -contains $_.Target) })
$perCommand = $lists | Group-Object Target
$intervals = ($perCommand | Measure-Object Count -Maximum).Maximum
$perInterval = $lists.Count / [math]::Max(1, $intervals)
$gets = @($sandbox.Host.Log.Entries | Where-Object { $_.Service -eq 'ssm' -and $_.Operation -eq 'GetCommandInvocation' -and ($agentCommands.CommandId -contains $_.Target.Split('/')[0]) }).Count
$goal = [math]::Ceiling($agentIds.Count / 50)
$ok = @($results | Where-Object Status -EQ 'Success').Count

'agents bootstrapped        : {0} of {1} hosts Success, {2:N1} s' -f $ok, @($results).Count, $watch.Elapsed.TotalSeconds
'agent commands            : {0} (SendCommand, 50 instances each at most)' -f $agentCommands.Count
'status polls per interval : {0:N2} ListCommandInvocations ({1} calls over {2} intervals; goal <= {3})' -f $perInterval, $lists.Count, $intervals, $goal
'output fetches            : {0} GetCommandInvocation for {1} agents (goal <= {2})' -f $gets, $agentIds.Count, (2 * $agentIds.Count)
'per-host polling would be : about {0} GetCommandInvocation per interval' -f $agentIds.Count
Stop-ShowcaseSandbox -Confirm:$false
$failures = @(
    if ($agentIds.Count -ne $Agents) { "$($agentIds.Count) agents instead of $Agents" }
    if ($ok -ne @($results).Count) { "$(@($results).Count - $ok) hosts not Success" }
    if ($perInterval -gt $goal) { 'status polls per interval {0:N2} > {1}' -f $perInterval, $goal }
    if ($gets -gt 2 * $agentIds.Count) { "$gets output fetches > $(2 * $agentIds.Count)" }
)
if ($failures.Count -gt 0) { 'FAIL: ' + ($failures -join '; '); exit 1 }
'OK: within the goals'
