<#
.SYNOPSIS
    Tears a cluster down: unregisters its services, removes its Marathon apps, then deletes every AWS resource.
.DESCRIPTION
    Unregisters every instance and service ShowcaseOps owns (Consul, Vulcand, Kong), removes the Marathon apps, and removes the
    cluster with Remove-ShowcaseCluster (everything tagged with it, in the order AWS requires). -KeepCluster stops after
    the platform clean-up. Safe to re-run from any partial state. Asks for confirmation unless -Force; -WhatIf shows
    what would go.
.EXAMPLE
    ./Remove-ShowcaseDeployment.ps1 -Cluster demo -Force
#>
[CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
param(
    [Parameter(Mandatory)] [ValidatePattern('^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$')] [string] $Cluster,
    [switch] $KeepCluster,
    [switch] $Force
)
$ErrorActionPreference = 'Stop'
if (-not (Get-Module ShowcaseOps)) { Import-Module (Join-Path $PSScriptRoot '../../out/ShowcaseOps') }
if ($Force -and -not $WhatIfPreference) { $ConfirmPreference = 'None' }

$existing = Get-ShowcaseCluster -Name $Cluster -ErrorAction SilentlyContinue
if (-not $existing) { Write-Verbose "Cluster '$Cluster' does not exist: nothing to remove."; return }
if ($existing.Gateway -and $existing.Master) {
    Get-ShowcaseInstance -Cluster $Cluster | Where-Object Owned | Unregister-ShowcaseInstance -Cluster $Cluster -Force:$Force
    Get-ShowcaseService -Cluster $Cluster | Where-Object Owned | Unregister-ShowcaseService -Cluster $Cluster -Force:$Force
    Get-MarathonApp -Cluster $Cluster | Remove-MarathonApp -Cluster $Cluster -Force:$Force
}
if (-not $KeepCluster) {
    Remove-ShowcaseCluster -Name $Cluster -Force:$Force
}
