<#
.SYNOPSIS
    Deploys a Marathon app from its JSON spec and exposes it through Consul, Vulcand and Kong.
.DESCRIPTION
    Creates the app if it does not exist, scales it to -Instances, waits for the deployment, registers the service and
    its running tasks (Sync-ShowcaseService: only what differs is written), and returns the service's endpoint.
    Works against AWS or the sandbox; -WhatIf shows every change without making it.
.EXAMPLE
    ./Deploy-ShowcaseApp.ps1 -Cluster demo -SpecPath ../specs/app.json -Instances 3
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)] [ValidatePattern('^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$')] [string] $Cluster,
    [Parameter(Mandatory)] [ValidateScript({ Test-Path -LiteralPath $_ -PathType Leaf })] [string] $SpecPath,
    [ValidateRange(1, 100)] [int] $Instances = 1,
    [ValidateRange(10, 3600)] [int] $TimeoutSeconds = 600
)
$ErrorActionPreference = 'Stop'
if (-not (Get-Module ShowcaseOps)) { Import-Module (Join-Path $PSScriptRoot '../../out/ShowcaseOps') }

$appId = '/' + ((Get-Content -Raw -LiteralPath $SpecPath | ConvertFrom-Json).id).TrimStart('/')
$app = Get-MarathonApp -Cluster $Cluster | Where-Object Id -EQ $appId
if (-not $app) {
    $app = New-MarathonApp -Cluster $Cluster -Path $SpecPath
}
if ($app) {
    Set-MarathonApp -Cluster $Cluster -Id $appId -Instances $Instances | Out-Null
}
if (-not $WhatIfPreference) {
    Wait-MarathonDeployment -Cluster $Cluster -Id $appId -TimeoutSeconds $TimeoutSeconds | Out-Null
    $name = (Get-MarathonApp -Cluster $Cluster -Id $appId).Name
    Sync-ShowcaseService -Cluster $Cluster -Name $name | Out-Null
    Get-ShowcaseEndpoint -Cluster $Cluster | Where-Object Name -EQ $name
}
