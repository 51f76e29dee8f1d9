<#
.SYNOPSIS
    Runs the Pester tests of the assembled module (out/ShowcaseOps) with module autoloading off, and writes the
    counts to -ResultFile for build.sh.
#>
param([Parameter(Mandatory)] [string] $ResultFile, [string[]] $Path = @($PSScriptRoot))
$PSModuleAutoLoadingPreference = 'None'
Import-Module Microsoft.PowerShell.Utility, Microsoft.PowerShell.Management
Import-Module $env:SHOWCASE_PESTER_PATH -Force
$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Normal'
$result = Invoke-Pester -Configuration $configuration
Set-Content -Path $ResultFile -Value @("passed=$($result.PassedCount)", "failed=$($result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount)")
exit 0
