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
# Pester runs in a runspace whose host (CapturingHost.cs) passes everything to this console except what a test left
# uncaptured: "What if:" lines (ShouldProcess writes them to the host, where no redirection reaches) and VERBOSE,
# WARNING and DEBUG records. Those go to <ResultFile>.host.log, and their counts are printed at the end.
# SHOWCASE_PESTER_RAW_HOST=1 runs under the console host itself.
$hostLog = [IO.Path]::ChangeExtension($ResultFile, '.host.log')
Set-Content -Path $hostLog -Value @()
$runner = {
    param($PesterPath, $Paths)
    $PSModuleAutoLoadingPreference = 'None'
    Import-Module Microsoft.PowerShell.Utility, Microsoft.PowerShell.Management
    Import-Module $PesterPath -Force
    $configuration = New-PesterConfiguration
    $configuration.Run.Path = $Paths
    $configuration.Run.PassThru = $true
    $configuration.Output.Verbosity = 'Normal'
    Invoke-Pester -Configuration $configuration
}
if ($env:SHOWCASE_PESTER_RAW_HOST -eq '1') {
    $result = & $runner $env:SHOWCASE_PESTER_PATH $Path
}
else {
    if (-not ('ShowcaseOps.TestRunner.CapturingHost' -as [type])) { Add-Type -Path (Join-Path $PSScriptRoot 'CapturingHost.cs') }
    $capturing = [ShowcaseOps.TestRunner.CapturingHost]::new($Host, $hostLog)
    $runspace = [runspacefactory]::CreateRunspace($capturing, [initialsessionstate]::CreateDefault2())
    $runspace.Open()
    $runspace.SessionStateProxy.Path.SetLocation((Get-Location).Path) | Out-Null
    $ps = [powershell]::Create()
    $ps.Runspace = $runspace
    try {
        $null = $ps.AddScript($runner.ToString()).AddArgument($env:SHOWCASE_PESTER_PATH).AddArgument($Path)
        $result = $ps.Invoke() | Select-Object -Last 1
        foreach ($e in $ps.Streams.Error) { Write-Host "Test runner error: $e" -ForegroundColor Red }
    }
    finally { $ps.Dispose(); $runspace.Dispose() }
    $counts = $capturing.Counts
    $leaked = @($counts.Keys | Where-Object { $counts[$_] } | ForEach-Object { "$($counts[$_]) $_" })
    if ($leaked) { Write-Host "Uncaptured host output kept out of this report: $($leaked -join ', ') line(s), in $hostLog" -ForegroundColor DarkGray }
}
if (-not $result) { Set-Content -Path $ResultFile -Value @('passed=0', 'failed=1'); exit 0 }
Set-Content -Path $ResultFile -Value @("passed=$($result.PassedCount)", "failed=$($result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount)")
exit 0
