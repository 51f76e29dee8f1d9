# The bootstrap simulation: each role's script exactly as the module sends it (BootstrapScripts.For: versions.sh +
# host selector + common.sh + <role>.sh, from the assembled module folder) runs as root in a private mount namespace
# over a scratch root, with every external command stubbed (pester/bootstrap-sim/stub.sh keeps their state in files).
# sim.sh checks a fresh run (order, end marker, snap hold, lock and cloud-init waits, leader readiness, no secret in
# argv or output), a second run (0 changes, same end state) and a failure injected at every step that changes
# something (the run fails at that step; a re-run completes with the same end state). See sim.sh for each check.
BeforeDiscovery {
    $script:roles = @('master', 'agent', 'gateway') | ForEach-Object { @{ Role = $_ } }
}

BeforeAll {
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    $sim = Join-Path $PSScriptRoot 'bootstrap-sim/sim.sh'
    $type = [ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.Bootstrap.BootstrapScripts')
    $scripts = $type::Load((Join-Path $env:SHOWCASE_MODULE_PATH 'bootstrap'))
    # The three roles run side by side (each is ~30 runs of its script); each It waits for its own.
    $script:runs = @{}
    foreach ($role in 'master', 'agent', 'gateway') {
        $file = Join-Path ([IO.Path]::GetTempPath()) "showcase-sim-$role-$PID.sh"
        [IO.File]::WriteAllText($file, $scripts.For($role))
        $info = [Diagnostics.ProcessStartInfo]::new('bash')
        foreach ($a in $sim, $role, $file) { $info.ArgumentList.Add($a) }
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $process = [Diagnostics.Process]::Start($info)
        $script:runs[$role] = @{ Process = $process; File = $file; Out = $process.StandardOutput.ReadToEndAsync(); Err = $process.StandardError.ReadToEndAsync() }
    }
}

AfterAll {
    foreach ($run in $script:runs.Values) {
        if (-not $run.Process.HasExited) { $run.Process.Kill($true) }
        Remove-Item $run.File -ErrorAction SilentlyContinue
    }
}

Describe 'Bootstrap simulation of the <Role> script' -ForEach $roles {
    It 'completes, in order; a second run changes nothing; a failure at any step is repaired by a re-run' {
        $run = $runs[$Role]
        $run.Process.WaitForExit(600000) | Should -BeTrue -Because 'the simulation of one role takes well under 10 minutes'
        $text = $run.Out.Result + $run.Err.Result
        if ($run.Process.ExitCode -eq 3) { Set-ItResult -Skipped -Because $text; return }
        $run.Process.ExitCode | Should -Be 0 -Because $text
        $text | Should -Not -Match '(?m)^FAIL '
        ([regex]::Matches($text, '(?m)^ok .* fails the run at that step$')).Count | Should -BeGreaterOrEqual 8 -Because $text
        $text | Should -Match "(?m)^ok   ${Role}: second run makes 0 changes$"
        $text | Should -Match "(?m)^ok   ${Role}: no secret in argv, stdout, stderr or the host log$"
    }
}
