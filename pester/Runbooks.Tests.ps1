# Each runbook in examples/runbooks runs against the sandbox and leaves the state it promises.
BeforeAll {
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    $script:repo = if ($env:SHOWCASE_REPO_ROOT) { $env:SHOWCASE_REPO_ROOT } else { Join-Path $PSScriptRoot '..' }
    $script:runbooks = Join-Path $repo 'examples/runbooks'
    $script:spec = Join-Path $repo 'examples/specs/app.json'
    function script:New-World {
        $script:sandbox = Start-ShowcaseSandbox -Force -WarningAction SilentlyContinue
        New-ShowcaseCluster -Name demo -InstanceProfileName showcase-ssm -SkipBootstrap -Confirm:$false | Out-Null
    }
}

AfterAll { Stop-ShowcaseSandbox -Confirm:$false }

Describe 'Deploy-ShowcaseApp.ps1' {
    BeforeAll { New-World }

    It '-WhatIf deploys nothing' {
        & "$runbooks/Deploy-ShowcaseApp.ps1" -Cluster demo -SpecPath $spec -Instances 2 -WhatIf
        $sandbox.Host.Marathon.AppCount | Should -Be 0
    }

    It 'deploys the app, scales it and exposes every running task' {
        $endpoint = & "$runbooks/Deploy-ShowcaseApp.ps1" -Cluster demo -SpecPath $spec -Instances 2
        $sandbox.Host.Marathon.TaskCount | Should -Be 2
        $endpoint | Should -Not -BeNullOrEmpty
        (Get-ShowcaseService web).Status | Should -Be 'Registered'
        @(Get-ShowcaseInstance web | Where-Object { $_.InConsul -and $_.InVulcand }).Count | Should -Be 2
    }

    It 'is idempotent: a second run writes nothing to the platform' {
        $before = @($sandbox.Host.Log.Entries | Where-Object { $_.Service -in 'consul', 'vulcand', 'kong' -and $_.Operation -notlike 'GET *' }).Count
        & "$runbooks/Deploy-ShowcaseApp.ps1" -Cluster demo -SpecPath $spec -Instances 2 | Out-Null
        @($sandbox.Host.Log.Entries | Where-Object { $_.Service -in 'consul', 'vulcand', 'kong' -and $_.Operation -notlike 'GET *' }).Count | Should -Be $before
    }
}

Describe 'Set-ShowcaseAppScale.ps1' {
    BeforeAll {
        New-World
        & "$runbooks/Deploy-ShowcaseApp.ps1" -Cluster demo -SpecPath $spec -Instances 3 | Out-Null
    }

    It 'scales down and deregisters the gone instances' {
        & "$runbooks/Set-ShowcaseAppScale.ps1" -Cluster demo -AppId web -Instances 1 | Out-Null
        $sandbox.Host.Marathon.TaskCount | Should -Be 1
        @(Get-ShowcaseInstance web).Count | Should -Be 1
    }

    It 'scales up and registers the new instances' {
        & "$runbooks/Set-ShowcaseAppScale.ps1" -Cluster demo -AppId web -Instances 4 | Out-Null
        @(Get-ShowcaseInstance web | Where-Object { $_.InConsul -and $_.InVulcand }).Count | Should -Be 4
    }
}

Describe 'Update-ShowcaseAgent.ps1' {
    BeforeAll { New-World }

    It 'replaces the oldest agent with a new instance at the same index' {
        $before = (Get-ShowcaseCluster demo).Agents
        & "$runbooks/Update-ShowcaseAgent.ps1" -Cluster demo -SkipBootstrap -Force | Out-Null
        $after = (Get-ShowcaseCluster demo).Agents
        $after.Count | Should -Be $before.Count
        @($after.InstanceId | Where-Object { $_ -notin $before.InstanceId }).Count | Should -Be 1
        ($after.Index | Sort-Object) | Should -Be ($before.Index | Sort-Object)
    }
}

Describe 'Remove-ShowcaseDeployment.ps1' {
    BeforeAll {
        New-World
        & "$runbooks/Deploy-ShowcaseApp.ps1" -Cluster demo -SpecPath $spec -Instances 2 | Out-Null
    }

    It '-WhatIf removes nothing' {
        & "$runbooks/Remove-ShowcaseDeployment.ps1" -Cluster demo -WhatIf
        Get-ShowcaseCluster demo | Should -Not -BeNullOrEmpty
        $sandbox.Host.Marathon.AppCount | Should -Be 1
    }

    It 'leaves no service, no app and no tagged resource, and a re-run is no error' {
        & "$runbooks/Remove-ShowcaseDeployment.ps1" -Cluster demo -Force
        $sandbox.Host.Consul.Services.Count | Should -Be 0
        $sandbox.Host.Kong.Services.Count | Should -Be 0
        $sandbox.Host.Marathon.AppCount | Should -Be 0
        @(Get-ShowcaseCluster -ErrorAction SilentlyContinue).Count | Should -Be 0
        { & "$runbooks/Remove-ShowcaseDeployment.ps1" -Cluster demo -Force } | Should -Not -Throw
    }
}
