<#
.SYNOPSIS
    Rotates agents: replaces each given agent (or the oldest one) with a freshly launched and bootstrapped host.
.DESCRIPTION
    For each agent, one at a time: terminate it (Remove-ShowcaseAgent), relaunch its index and bootstrap it over SSM
    (Set-ShowcaseCluster with the same agent count), then let Marathon reschedule and bring registrations in step
    (Sync-ShowcaseService). -WhatIf shows what would be replaced.
.EXAMPLE
    ./Update-ShowcaseAgent.ps1 -Cluster demo
.EXAMPLE
    ./Update-ShowcaseAgent.ps1 -Cluster demo -InstanceId i-0123456789abcdef0
#>
[CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
param(
    [Parameter(Mandatory)] [ValidatePattern('^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$')] [string] $Cluster,
    [ValidatePattern('^i-[0-9a-f]{8,17}$')] [string[]] $InstanceId,
    [switch] $SkipBootstrap,
    [switch] $Force
)
$ErrorActionPreference = 'Stop'
if (-not (Get-Module ShowcaseOps)) { Import-Module (Join-Path $PSScriptRoot '../../out/ShowcaseOps') }

$current = Get-ShowcaseCluster -Name $Cluster
$count = $current.Agents.Count
$targets = if ($InstanceId) { $current.Agents | Where-Object InstanceId -In $InstanceId } else { $current.Agents | Sort-Object LaunchTime | Select-Object -First 1 }
foreach ($agent in $targets) {
    if (-not ($Force -or $PSCmdlet.ShouldProcess("$($agent.Name) ($($agent.InstanceId))", 'Replace the agent'))) { continue }
    $agent | Remove-ShowcaseAgent -Force -Confirm:$false
    Set-ShowcaseCluster -Name $Cluster -AgentCount $count -SkipBootstrap:$SkipBootstrap -Confirm:$false | Out-Null
}
if (-not $WhatIfPreference) {
    Sync-ShowcaseService -Cluster $Cluster | Out-Null
    (Get-ShowcaseCluster -Name $Cluster).Agents
}
