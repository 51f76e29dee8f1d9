# The bootstrap scripts shipped in the module: shellcheck-clean and valid sh, each role as the module sends it
# (versions.sh + common.sh + <role>.sh concatenated), and every version pinned in versions.sh only.
BeforeDiscovery {
    $script:roles = @('gateway', 'master', 'agent') | ForEach-Object { @{ Role = $_ } }
}

BeforeAll {
    $script:dir = Join-Path $env:SHOWCASE_MODULE_PATH 'bootstrap'
    $script:shellcheck = Get-Command shellcheck -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
}

Describe 'Bootstrap script for <Role>' -ForEach $roles {
    BeforeAll {
        $script:combined = Join-Path ([IO.Path]::GetTempPath()) "showcase-bootstrap-$Role-$PID.sh"
        Get-Content -Raw (Join-Path $dir 'versions.sh'), (Join-Path $dir 'common.sh'), (Join-Path $dir "$Role.sh") | Set-Content -NoNewline $combined
    }
    AfterAll { Remove-Item $combined -ErrorAction SilentlyContinue }

    It 'passes sh -n as sent (versions + common + role)' {
        $out = & sh -n $combined 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
    }

    It 'passes shellcheck as sent, with no warning at all' {
        $shellcheck | Should -Not -BeNullOrEmpty -Because 'build.sh installs shellcheck'
        $out = & $shellcheck.Source -s sh $combined 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
    }

    It 'passes shellcheck on its own file' {
        Push-Location $dir
        try { $out = & $shellcheck.Source -x "$Role.sh" 2>&1 } finally { Pop-Location }
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
    }

    It 'ends by printing the success marker the module looks for' {
        (Get-Content (Join-Path $dir "$Role.sh") | Where-Object { $_ -match '\S' -and $_ -notmatch '^\s*#' })[-1] | Should -Be 'showcase_finish'
        Get-Content -Raw (Join-Path $dir 'common.sh') | Should -Match "printf 'SHOWCASE-BOOTSTRAP-OK %s"
    }
}

Describe 'versions.sh' {
    It 'is the only file that names an image tag or package version' {
        foreach ($file in 'common.sh', 'gateway.sh', 'master.sh', 'agent.sh') {
            $text = Get-Content -Raw (Join-Path $dir $file)
            $pinned = [regex]::Matches($text, '(?m)^[^#\n]*\b[a-z0-9.-]+/[a-z0-9._-]+:v?\d+\.\d+') | ForEach-Object Value
            $pinned | Should -BeNullOrEmpty -Because "$file must take versions from versions.sh"
        }
    }

    It 'starts with set -eu' {
        Get-Content -Raw (Join-Path $dir 'versions.sh') | Should -Match '(?m)^set -eu'
    }
}
