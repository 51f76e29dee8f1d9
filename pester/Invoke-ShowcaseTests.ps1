<#
.SYNOPSIS
    Runs the Pester tests of the assembled module (out/ShowcaseOps) with module autoloading off, and writes the
    counts to -ResultFile for build.sh.
    -Path takes test files or folders (several, comma-separated, as pwsh -File passes one string). Run alone (not from
    build.sh) it finds the assembled module and Pester 5.7.1 where ./build.sh build puts them.
#>
param([Parameter(Mandatory)] [string] $ResultFile, [string[]] $Path = @($PSScriptRoot))
$PSModuleAutoLoadingPreference = 'None'
Import-Module Microsoft.PowerShell.Utility, Microsoft.PowerShell.Management
$Path = @($Path | ForEach-Object { $_ -split ',' } | Where-Object { $_ })
if (-not $env:SHOWCASE_REPO_ROOT) { $env:SHOWCASE_REPO_ROOT = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path }
if (-not $env:SHOWCASE_MODULE_PATH) { $env:SHOWCASE_MODULE_PATH = Join-Path $env:SHOWCASE_REPO_ROOT 'out/ShowcaseOps' }
if (-not $env:SHOWCASE_PESTER_PATH) {
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    $env:SHOWCASE_PESTER_PATH = Join-Path $packages 'pester/5.7.1/tools/Pester.psd1'
}
foreach ($needed in $env:SHOWCASE_PESTER_PATH, (Join-Path $env:SHOWCASE_MODULE_PATH 'ShowcaseOps.psd1')) {
    if (-not (Test-Path $needed)) { throw "$needed is missing: run ./build.sh build first (it restores Pester and assembles the module)." }
}
Import-Module $env:SHOWCASE_PESTER_PATH -Force
$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Normal'
$result = Invoke-Pester -Configuration $configuration
Set-Content -Path $ResultFile -Value @("passed=$($result.PassedCount)", "failed=$($result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount)")
exit 0
