# Shared helpers for the Pester tests. Dot-source in BeforeAll.

# Runs a command in a fresh pwsh process (the same PowerShell as this one, even when run as a dotnet tool).
function Invoke-ChildPwsh {
    param([Parameter(Mandatory)] [string] $Command)
    $host_ = (Get-Process -Id $PID).Path
    if ([IO.Path]::GetFileNameWithoutExtension($host_) -eq 'dotnet') {
        & $host_ (Join-Path $PSHOME 'pwsh.dll') -NoLogo -NoProfile -NonInteractive -Command $Command
    }
    else {
        & $host_ -NoLogo -NoProfile -NonInteractive -Command $Command
    }
}
