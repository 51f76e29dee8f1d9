# Get-ShowcaseContext ("where am I?"), the context line every command writes first with -Verbose and -WhatIf, and
# the session's current cluster: Use-ShowcaseCluster checks it exists, Remove-ShowcaseAgent uses it.
BeforeAll {
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:sandbox = Start-ShowcaseSandbox -Force -InstanceBootSeconds 0.03 -WarningAction SilentlyContinue
    $script:common = @{ InstanceProfileName = 'showcase-ssm'; ImageId = 'ami-0123456789abcdef0'; SkipBootstrap = $true; Confirm = $false }
    $script:cluster = New-ShowcaseCluster -Name ctx @common -AgentCount 2
}

AfterAll {
    Stop-ShowcaseSandbox -Confirm:$false
}

Describe 'Get-ShowcaseContext' {
    It 'shows the sandbox, its region, endpoint and credential source, and the cluster New-ShowcaseCluster chose, with no AWS call' {
        $before = @($sandbox.Host.Log.Entries).Count
        $context = Get-ShowcaseContext
        @($sandbox.Host.Log.Entries).Count | Should -Be $before -Because 'the context is read from the session, not from AWS'
        $context.GetType().FullName | Should -Be 'ShowcaseOps.Model.ShowcaseContext'
        $context.Target | Should -Be 'Sandbox'
        $context.SandboxRunning | Should -BeTrue
        $context.Region | Should -Be 'eu-west-1'
        $context.RegionSource | Should -Be 'the sandbox'
        $context.CredentialSource | Should -BeLike '*sandbox*'
        $context.Endpoint | Should -Be ($sandbox.Endpoints | Where-Object Service -EQ 'ec2').Url
        $context.Cluster | Should -Be 'ctx'
        $context.ClusterSource | Should -Be 'New-ShowcaseCluster'
        $context.Channel | Should -Be 'Ssm'
        $context.ChannelSource | Should -Be 'default'
        $context.Problem | Should -BeNullOrEmpty
        "$context" | Should -BeLike 'sandbox; cluster ctx (New-ShowcaseCluster); channel Ssm (default); AWS: region eu-west-1 (the sandbox)*'
    }

    It 'takes the AWS parameters a command would take: -Region wins, another -EndpointUrl is Target Endpoint' {
        $context = Get-ShowcaseContext -Region eu-central-1 -EndpointUrl 'http://localhost:4566'
        $context.Region | Should -Be 'eu-central-1'
        $context.RegionSource | Should -Be '-Region'
        $context.Target | Should -Be 'Endpoint'
        $context.Endpoint | Should -Be 'http://localhost:4566'
    }

    It 'shows Use-ShowcaseCluster''s channel, and $env:SHOWCASE_CLUSTER as the source when no command chose one' {
        Use-ShowcaseCluster -Name ctx -Channel Http
        $context = Get-ShowcaseContext
        $context.Channel | Should -Be 'Http'
        $context.ChannelSource | Should -Be 'Use-ShowcaseCluster -Channel'
        $context.ClusterSource | Should -Be 'Use-ShowcaseCluster'
        Use-ShowcaseCluster -Name ctx -Channel Ssm

        $result = @(Invoke-ChildPwsh -Command "`$env:SHOWCASE_CLUSTER = 'from-env'; Import-Module '$($env:SHOWCASE_MODULE_PATH)'; `$null = Start-ShowcaseSandbox; `$c = Get-ShowcaseContext; `$c.Cluster + '|' + `$c.ClusterSource + '|' + `$c.Target; Stop-ShowcaseSandbox")
        $result[-1] | Should -Be 'from-env|$env:SHOWCASE_CLUSTER|Sandbox'
    }

    It 'outside the sandbox, says AWS and why the AWS part is unknown instead of failing' {
        $home_ = Join-Path ([IO.Path]::GetTempPath()) ('ctx-home-' + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory $home_
        try {
            $result = @(Invoke-ChildPwsh -Command "`$env:HOME = '$home_'; Remove-Item Env:AWS_* -ErrorAction SilentlyContinue; Import-Module '$($env:SHOWCASE_MODULE_PATH)'; `$c = Get-ShowcaseContext; `$c.Target + '|' + `$c.SandboxRunning + '|' + [bool]`$c.Problem + '|' + `$c.ClusterSource")
            $result[-1] | Should -Be 'Aws|False|True|none'
        }
        finally {
            Remove-Item -Recurse -Force $home_ -ErrorAction SilentlyContinue
        }
    }
}

Describe 'The context line of every command' {
    It 'is the first -Verbose record of an AWS cmdlet, a platform cmdlet and a sandbox cmdlet' {
        foreach ($command in { Get-ShowcaseCluster ctx -Verbose }, { Get-MarathonApp -Verbose }, { Get-ShowcaseSandbox -Verbose }) {
            $first = @(& $command 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] })[0]
            $first.Message | Should -BeLike 'Context: sandbox; cluster ctx (*); channel Ssm (*)*' -Because "$command"
        }
    }

    It 'is the first "What if:" line of -WhatIf' {
        $lines = @(Invoke-ChildPwsh -Command "Import-Module '$($env:SHOWCASE_MODULE_PATH)'; `$null = Start-ShowcaseSandbox -InstanceBootSeconds 0.03; `$null = New-ShowcaseCluster -Name wi -InstanceProfileName showcase-ssm -ImageId ami-0123456789abcdef0 -SkipBootstrap -AgentCount 0 -Confirm:`$false; Remove-ShowcaseCluster -Name wi -WhatIf; Stop-ShowcaseSandbox")
        $whatIf = @($lines | Where-Object { $_ -like 'What if:*' })
        $whatIf[0] | Should -BeLike 'What if: context: sandbox; cluster wi (New-ShowcaseCluster); channel Ssm (default); AWS calls would use region eu-west-1 (the sandbox)*'
        $whatIf[1] | Should -BeLike "What if: Performing the operation*cluster 'wi'*"
    }
}

Describe 'The current cluster' {
    It 'Use-ShowcaseCluster refuses a cluster that does not exist (ShowcaseClusterNotFound) and keeps the current one' {
        { Use-ShowcaseCluster -Name cxt -ErrorAction Stop } | Should -Throw -ErrorId 'ShowcaseClusterNotFound,ShowcaseOps.Commands.Cluster.UseShowcaseClusterCommand'
        Use-ShowcaseCluster -Name cxt -ErrorAction SilentlyContinue
        $? | Should -BeFalse
        (Get-ShowcaseContext).Cluster | Should -Be 'ctx'
    }

    It 'Use-ShowcaseCluster with no arguments is a clear error (ShowcaseClusterNotSpecified), not a pattern message' {
        $failure = $null
        try { Use-ShowcaseCluster -ErrorAction Stop } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -Be 'ShowcaseClusterNotSpecified,ShowcaseOps.Commands.Cluster.UseShowcaseClusterCommand'
        $failure.Exception.Message | Should -Not -Match '\\A|\[a-z0-9\]'
        $failure.ErrorDetails.RecommendedAction | Should -BeLike '*Use-ShowcaseCluster -Name <cluster>*'
    }

    It 'Remove-ShowcaseAgent works on the current cluster when -Cluster is left out' {
        Use-ShowcaseCluster -Name ctx
        $agent = (Get-ShowcaseCluster ctx).Agents[-1]
        Remove-ShowcaseAgent -InstanceId $agent.InstanceId -Force
        (Get-ShowcaseCluster ctx).Agents.InstanceId | Should -Not -Contain $agent.InstanceId
    }

    It 'names the cluster -Name on the *-ShowcaseCluster cmdlets and -Cluster elsewhere, each accepting the other as an alias' {
        foreach ($name in 'New-ShowcaseCluster', 'Get-ShowcaseCluster', 'Set-ShowcaseCluster', 'Remove-ShowcaseCluster', 'Use-ShowcaseCluster') {
            $parameter = (Get-Command $name).Parameters['Name']
            $parameter | Should -Not -BeNullOrEmpty -Because "$name takes -Name"
        }
        foreach ($name in 'Set-ShowcaseCluster', 'Remove-ShowcaseCluster', 'Use-ShowcaseCluster', 'Test-ShowcaseCluster') {
            $parameters = (Get-Command $name).Parameters.Values
            @($parameters | Where-Object { $_.Name -eq 'Cluster' -or $_.Aliases -contains 'Cluster' }).Count | Should -Be 1 -Because "$name accepts -Cluster"
            @($parameters | Where-Object { $_.Name -eq 'Name' -or $_.Aliases -contains 'Name' }).Count | Should -Be 1 -Because "$name accepts -Name"
        }
        foreach ($name in 'Remove-ShowcaseAgent', 'Get-ShowcaseService', 'Get-MarathonApp', 'Invoke-ShowcaseBootstrap', 'Invoke-ShowcaseCommand') {
            $parameters = (Get-Command $name).Parameters.Values
            @($parameters | Where-Object { $_.Name -eq 'Cluster' -or $_.Aliases -contains 'Cluster' }).Count | Should -Be 1 -Because "$name accepts -Cluster"
        }
        Remove-ShowcaseCluster -Cluster ctx -WhatIf
        (Get-ShowcaseCluster ctx).State | Should -Be 'Complete'
    }
}
