<#
.SYNOPSIS
    The ShowcaseOps tour, run by ./build.sh demo against the local sandbox: sandbox → cluster → app from
    specs/app.json → expose it → scale → sync → endpoints → requests through the gateway → tear down, leaving nothing behind.
#>
[CmdletBinding()]
param([string] $ModulePath = $(if ($env:SHOWCASE_MODULE_PATH) { $env:SHOWCASE_MODULE_PATH } else { Join-Path $PSScriptRoot '../out/ShowcaseOps' }))
$ErrorActionPreference = 'Stop'
$ConfirmPreference = 'None'
Import-Module $ModulePath -Force
function Step([string] $text) { Write-Host "`n=== $text" -ForegroundColor Cyan }

Step '1. Start the sandbox: loopback stand-ins for EC2, SSM, Consul, Vulcand, Kong and Marathon'
$sandbox = Start-ShowcaseSandbox
$sandbox.Endpoints | Format-Table Service, Url, RealPort -AutoSize | Out-Host
Get-ShowcaseContext | Out-Host
try {
    Step '2. Create the cluster (VPC, subnets, NAT, security groups, EIP, gateway + master + 3 agents) and bootstrap it over SSM'
    New-ShowcaseCluster -Name demo -InstanceProfileName showcase-ssm -WhatIf
    $cluster = New-ShowcaseCluster -Name demo -InstanceProfileName showcase-ssm
    $cluster | Format-List Name, State, Region, VpcId, GatewayPublicIpAddress, GatewayPrivateIpAddress, MasterPrivateIpAddress, AgentCount | Out-Host
    "EC2 calls: {0}; SSM commands: {1}" -f $sandbox.Host.Log.Count('ec2'), $sandbox.Host.Log.Count('ssm', 'SendCommand') | Out-Host

    Step '3. Deploy the web app from examples/specs/app.json and scale it to 3'
    New-MarathonApp -Path (Join-Path $PSScriptRoot 'specs/app.json') | Out-Null
    Set-MarathonApp -Id web -Instances 3 | Out-Null
    Wait-MarathonDeployment -Id web | Out-Null
    Get-MarathonTask -AppId web | Out-Host

    Step '4. Expose it: the service in Consul, Vulcand and Kong, its tasks as instances (one SSM round trip each)'
    Get-MarathonApp web | Register-ShowcaseService | Out-Null
    Get-MarathonTask -AppId web | Register-ShowcaseInstance | Out-Null
    Get-ShowcaseService | Out-Host
    Get-ShowcaseInstance web | Out-Host

    Step '5. Scale down to 2 and let Sync-ShowcaseService converge (snapshot + diff: only the gone task changes)'
    Set-MarathonApp -Id web -Instances 2 | Out-Null
    Wait-MarathonDeployment -Id web | Out-Null
    Sync-ShowcaseService | Out-Host
    "A second sync writes nothing: {0} change(s)" -f @(Sync-ShowcaseService).Count | Out-Host

    Step '6. Endpoints through the gateway (https only, http redirected 308), and the protected Mesos/Marathon UIs'
    # Over HTTP: over SSM the gateway reads its TLS certificate from Parameter Store with its instance role, which the sandbox has not.
    Register-ShowcaseGateway -AllowCidr 203.0.113.0/24 -Channel Http | Out-Null
    Get-ShowcaseEndpoint | Out-Host

    Step '7. Send requests through the gateway: https to web.service.consul, answered by the instances in turn'
    Invoke-ShowcaseRequest -Service web -Count 4 | Out-Host

    Step '8. Tear down: remove the app, then every AWS resource of the cluster (the plan first, then what was destroyed)'
    Remove-MarathonApp -Id web -Force | Out-Null
    Remove-ShowcaseCluster -Name demo -WhatIf
    Remove-ShowcaseCluster -Name demo -Force | Format-List | Out-Host
    $left = @($sandbox.Host.Ec2.GetInstances() | Where-Object State -NE 'terminated').Count
    "Instances left running: $left" | Out-Host
    if ($left -ne 0 -or (Get-ShowcaseCluster -ErrorAction SilentlyContinue)) { throw 'The tour left resources behind.' }
}
finally {
    Step 'Stop the sandbox'
    Stop-ShowcaseSandbox
}
Write-Host "`nQuickstart finished." -ForegroundColor Green
