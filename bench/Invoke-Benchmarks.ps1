<#
.SYNOPSIS
    Runs every bench/*.Bench.ps1 (each in its own pwsh process, importing the assembled module) and prints its report.
    Benchmarks report numbers and their goals; they never run as part of ./build.sh test.
#>
param([string] $Filter = '*')
$ErrorActionPreference = 'Stop'
$failed = 0
foreach ($bench in Get-ChildItem $PSScriptRoot -Filter "$Filter.Bench.ps1" | Sort-Object Name) {
    Write-Host "`n--- $($bench.BaseName) ---"
    $hostPath = (Get-Process -Id $PID).Path
    $arguments = @('-NoLogo', '-NoProfile', '-NonInteractive', '-File', $bench.FullName)
    if ([IO.Path]::GetFileNameWithoutExtension($hostPath) -eq 'dotnet') { $arguments = @((Join-Path $PSHOME 'pwsh.dll')) + $arguments }
    & $hostPath @arguments
    if ($LASTEXITCODE -ne 0) { $failed++; Write-Host "$($bench.BaseName) FAILED (exit $LASTEXITCODE)" }
}
exit $failed
