<#
.SYNOPSIS
    Makes the .nupkg of the assembled module (out/ShowcaseOps) with PSResourceGet's Compress-PSResource (bundled with
    pwsh 7.4+, works offline): the package Publish-PSResource would upload, written to -OutputDirectory.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutputDirectory
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Import-Module Microsoft.PowerShell.PSResourceGet

$manifest = Test-ModuleManifest -Path (Join-Path $ModulePath 'ShowcaseOps.psd1')
$null = New-Item -ItemType Directory -Force -Path $OutputDirectory
$target = Join-Path $OutputDirectory "ShowcaseOps.$($manifest.Version).nupkg"
if (Test-Path $target) { Remove-Item -Force $target }
Compress-PSResource -Path $ModulePath -DestinationPath $OutputDirectory
if (-not (Test-Path $target)) { throw "Compress-PSResource wrote no $target." }
Write-Host "Package: $target ($([math]::Round((Get-Item $target).Length / 1MB, 1)) MB)"
