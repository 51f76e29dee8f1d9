# Every error id the code can raise is documented in docs/errors.md (ids are a stable, public contract).
BeforeDiscovery {
    $root = if ($env:SHOWCASE_REPO_ROOT) { $env:SHOWCASE_REPO_ROOT } else { Join-Path $PSScriptRoot '..' }
    # String literals shaped like an error id: <Noun><Reason>, with the nouns and reasons the module uses.
    $pattern = [regex]'"(?<id>(?:Showcase|Marathon|Ssm|Platform|Aws|Ec2)[A-Za-z]*?(?:Invalid|NotFound|Failed|Exists|Locked|Timeout|Missing|Malformed|Unreachable|Denied|NotSet|Required|Conflict|Incomplete|TooLarge|NotOnline|NotSent|Cancelled|TimedOut|Overlap|Overlaps|OutsideVpc|NotRunning|NotSpecified|UnexpectedError|Unavailable|Refused|Busy|NotExposed|Empty|Drift))"'
    $script:ids = Get-ChildItem (Join-Path $root 'src/ShowcaseOps'), (Join-Path $root 'src/ShowcaseOps.Engine') -Recurse -Filter *.cs |
        ForEach-Object { $pattern.Matches((Get-Content -Raw $_.FullName)) } |
        ForEach-Object { $_.Groups['id'].Value } | Sort-Object -Unique |
        ForEach-Object { @{ Id = $_ } }
}

BeforeAll {
    $root = if ($env:SHOWCASE_REPO_ROOT) { $env:SHOWCASE_REPO_ROOT } else { Join-Path $PSScriptRoot '..' }
    $script:doc = Get-Content -Raw (Join-Path $root 'docs/errors.md')
}

Describe 'docs/errors.md' {
    It 'finds error ids in the code' {
        $ids.Count | Should -BeGreaterThan 20
    }

    It 'documents <Id>' -ForEach $ids {
        $doc | Should -Match ('`' + [regex]::Escape($Id) + '`') -Because 'every ErrorId is part of the public contract'
    }
}
