<#
.SYNOPSIS
    Import-Module time over a bare pwsh start (goal: at most +150 ms; the AWS SDK must not load on import).
#>
param([int] $Runs = 7)
$ErrorActionPreference = 'Stop'
$module = $env:SHOWCASE_MODULE_PATH
$hostPath = (Get-Process -Id $PID).Path
$prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($hostPath) -eq "dotnet") { Join-Path $PSHOME "pwsh.dll" })
function Measure-Start([string] $command) {
    $times = foreach ($i in 1..$Runs) {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        & $hostPath @prefix -NoLogo -NoProfile -NonInteractive -Command $command | Out-Null
        $watch.Elapsed.TotalMilliseconds
    }
    ($times | Sort-Object)[[int][Math]::Floor($Runs / 2)]   # median
}
$bare = Measure-Start 'exit 0'
$import = Measure-Start "Import-Module '$module'; exit 0"
$loaded = & $hostPath @prefix -NoLogo -NoProfile -NonInteractive -Command "Import-Module '$module'; ([AppDomain]::CurrentDomain.GetAssemblies().GetName().Name | Where-Object { `$_ -like 'AWSSDK*' }).Count"
$delta = $import - $bare
'bare pwsh start        : {0,8:N0} ms (median of {1})' -f $bare, $Runs
'pwsh + Import-Module   : {0,8:N0} ms' -f $import
'Import-Module overhead : {0,8:N0} ms  (goal <= 150 ms) {1}' -f $delta, $(if ($delta -le 150) { 'OK' } else { 'OVER GOAL' })
'AWSSDK assemblies loaded by import: {0} (goal 0)' -f $loaded
