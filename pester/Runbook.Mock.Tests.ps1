# How a team tests its own runbook without any sandbox or AWS: Mock the ShowcaseOps cmdlets it calls and assert what it
# asked for. Pester mocks binary cmdlets like functions once the module is imported.
BeforeAll {
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    $script:repo = if ($env:SHOWCASE_REPO_ROOT) { $env:SHOWCASE_REPO_ROOT } else { Join-Path $PSScriptRoot '..' }
    $script:runbook = Join-Path $repo 'examples/runbooks/Set-ShowcaseAppScale.ps1'
}

Describe 'Set-ShowcaseAppScale.ps1 (mocked)' {
    BeforeAll {
        Mock Set-MarathonApp { [pscustomobject]@{ AppId = $Id; DeploymentId = 'd-1' } }
        Mock Wait-MarathonDeployment { }
        Mock Get-MarathonApp { [pscustomobject]@{ Id = '/web'; Name = 'web'; Instances = 5 } }
        Mock Sync-ShowcaseService { }
    }

    It 'scales the app, waits, then syncs only that service' {
        & $runbook -Cluster demo -AppId web -Instances 5
        Should -Invoke Set-MarathonApp -Times 1 -Exactly -ParameterFilter { $Cluster.Name -eq 'demo' -and $Id -eq 'web' -and $Instances -eq 5 -and -not $Force }
        Should -Invoke Wait-MarathonDeployment -Times 1 -Exactly
        Should -Invoke Sync-ShowcaseService -Times 1 -Exactly -ParameterFilter { $Name -contains 'web' }
    }

    It 'passes -Force through and changes nothing else under -WhatIf' {
        & $runbook -Cluster demo -AppId web -Instances 2 -Force -WhatIf
        Should -Invoke Set-MarathonApp -Times 1 -Exactly -ParameterFilter { $Force }
        Should -Invoke Sync-ShowcaseService -Times 0 -Exactly
    }

    It 'refuses a bad cluster name before calling anything' {
        { & $runbook -Cluster 'Not A Name' -AppId web -Instances 1 } | Should -Throw
        Should -Invoke Set-MarathonApp -Times 0 -Exactly
    }
}
