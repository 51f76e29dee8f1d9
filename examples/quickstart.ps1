<#
.SYNOPSIS
    The ShowcaseOps tour, run by ./build.sh demo against the local sandbox.
#>
[CmdletBinding()]
param([string] $ModulePath = $(if ($env:SHOWCASE_MODULE_PATH) { $env:SHOWCASE_MODULE_PATH } else { Join-Path $PSScriptRoot '../out/ShowcaseOps' }))
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force

Write-Host '1. Start the sandbox: stand-ins for EC2, SSM, Consul, Vulcand, Kong and Marathon on loopback.'
$sandbox = Start-ShowcaseSandbox
try {
    $sandbox.Endpoints | Format-Table Service, Url, RealPort -AutoSize | Out-Host
}
finally {
    Write-Host 'Stop the sandbox.'
    Stop-ShowcaseSandbox
}
Write-Host 'Quickstart finished.'
