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
    $script:sim = Join-Path $PSScriptRoot 'bootstrap-sim/sim.sh'
    $type = [ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.Bootstrap.BootstrapScripts')
    $script:scripts = $type::Load((Join-Path $env:SHOWCASE_MODULE_PATH 'bootstrap'))
}

Describe 'Bootstrap simulation of the <Role> script' -ForEach $roles {
    It 'completes, in order; a second run changes nothing; a failure at any step is repaired by a re-run' {
        $file = Join-Path ([IO.Path]::GetTempPath()) "showcase-sim-$Role-$PID.sh"
        [IO.File]::WriteAllText($file, $scripts.For($Role))
        try {
            $out = & bash $sim $Role $file 2>&1
            $rc = $LASTEXITCODE
        } finally { Remove-Item $file -ErrorAction SilentlyContinue }
        if ($rc -eq 3) { Set-ItResult -Skipped -Because ($out -join "`n"); return }
        $text = $out -join "`n"
        $rc | Should -Be 0 -Because $text
        $text | Should -Not -Match '(?m)^FAIL '
        ([regex]::Matches($text, '(?m)^ok .* fails the run at that step$')).Count | Should -BeGreaterOrEqual 8 -Because $text
        $text | Should -Match "(?m)^ok   ${Role}: second run makes 0 changes$"
    }
}
