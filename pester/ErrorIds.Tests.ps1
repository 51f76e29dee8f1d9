# Error ids are a stable, public contract: the catalog (ShowcaseErrors, in the engine) defines every one, docs/errors.md
# lists every one, and an error the module writes carries a catalog id, its category and a recommended action.
# (tests/ShowcaseOps.Tests/Core/ErrorCatalogTests.cs checks that docs/errors.md is exactly the catalog and that no code
# spells an id outside it.)
BeforeDiscovery {
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    $script:ids = ([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.ShowcaseErrors'))::All | ForEach-Object { @{ Id = $_.Id; Category = $_.Category.ToString() } }
}

BeforeAll {
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    $root = if ($env:SHOWCASE_REPO_ROOT) { $env:SHOWCASE_REPO_ROOT } else { Join-Path $PSScriptRoot '..' }
    $script:doc = Get-Content -Raw (Join-Path $root 'docs/errors.md')
}

Describe 'The error catalog' {
    It 'has the ids the module raises' {
        $ids.Count | Should -BeGreaterThan 60
    }

    It 'documents <Id> in docs/errors.md' -ForEach $ids {
        $doc | Should -Match ('\| `' + [regex]::Escape($Id) + '` \|') -Because 'every ErrorId is part of the public contract'
    }

    It 'an error record carries the catalog id, category and recommended action' {
        Start-ShowcaseSandbox -Force | Out-Null
        try {
            $err = $null
            Get-ShowcaseCluster -Name nosuchcluster -ErrorAction SilentlyContinue -ErrorVariable err
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'ShowcaseClusterNotFound,ShowcaseOps.Commands.Cluster.GetShowcaseClusterCommand'
            $entry = ([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.ShowcaseErrors'))::Find('ShowcaseClusterNotFound')
            $err[0].CategoryInfo.Category.ToString() | Should -Be $entry.Category.ToString()
            $err[0].TargetObject | Should -Be 'nosuchcluster'
            $err[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        }
        finally {
            Stop-ShowcaseSandbox
        }
    }
}
