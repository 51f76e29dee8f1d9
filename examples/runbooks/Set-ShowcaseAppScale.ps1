<#
.SYNOPSIS
    Scales a Marathon app and brings its registrations in step.
.DESCRIPTION
    Sets the app's instance count, waits for the deployment, then runs Sync-ShowcaseService for it so new tasks are
    registered and gone ones deregistered. -Force overrides a deployment in progress (Marathon's lock). -WhatIf shows
    the change without making it.
.EXAMPLE
    ./Set-ShowcaseAppScale.ps1 -Cluster demo -AppId web -Instances 5
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)] [ValidatePattern('^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$')] [string] $Cluster,
    [Parameter(Mandatory)] [ValidateNotNullOrEmpty()] [string] $AppId,
    [Parameter(Mandatory)] [ValidateRange(0, 1000)] [int] $Instances,
    [ValidateRange(10, 3600)] [int] $TimeoutSeconds = 600,
    [switch] $Force
)
$ErrorActionPreference = 'Stop'
if (-not (Get-Module ShowcaseOps)) { Import-Module (Join-Path $PSScriptRoot '../../out/ShowcaseOps') }

Set-MarathonApp -Cluster $Cluster -Id $AppId -Instances $Instances -Force:$Force | Out-Null
if (-not $WhatIfPreference) {
    Wait-MarathonDeployment -Cluster $Cluster -Id $AppId -TimeoutSeconds $TimeoutSeconds | Out-Null
    $app = Get-MarathonApp -Cluster $Cluster -Id $AppId
    Sync-ShowcaseService -Cluster $Cluster -Name $app.Name
}
