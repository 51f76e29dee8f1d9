# New-/Get-/Set-/Remove-ShowcaseCluster against the sandbox, as users run them.
BeforeAll {
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:sandbox = Start-ShowcaseSandbox -Force -InstanceBootSeconds 0.03
    $fast = ([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.Execution.RetryPolicy'))::new([TimeSpan]::FromMilliseconds(10), [TimeSpan]::FromMilliseconds(100), [TimeSpan]::FromSeconds(3))
    $script:options = [Management.Automation.LanguagePrimitives]::ConvertTo(@{
        Retry = $fast; DependencyRetry = $fast; InstanceProfileRetryBudget = [TimeSpan]::FromMilliseconds(300)
        PollInitial = [TimeSpan]::FromMilliseconds(10); PollMax = [TimeSpan]::FromMilliseconds(50); WaitTimeout = [TimeSpan]::FromSeconds(20)
    }, ([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.Cluster.ClusterEngineOptions')))
    ([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.TestHooks'))::ClusterOptions = $script:options
    $script:common = @{ InstanceProfileName = 'showcase-ssm'; ImageId = 'ami-0123456789abcdef0'; SkipBootstrap = $true }
    function Get-TaggedResource([string] $Name) {
        @($sandbox.Host.Ec2.GetResources() | Where-Object { $_.Tags['showcase:cluster'] -eq $Name })
    }
}

AfterAll {
    ([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.TestHooks'))::ClusterOptions = $null
    Stop-ShowcaseSandbox -Confirm:$false
}

Describe 'New-ShowcaseCluster' {
    BeforeEach { $sandbox.Host.Reset() }

    It 'creates a complete cluster, tagged, with IMDSv2 hosts and no SSH or public admin port' {
        $cluster = New-ShowcaseCluster -Name demo @common
        $cluster | Should -BeOfType ShowcaseOps.Model.ShowcaseCluster
        $cluster.State | Should -Be 'Complete'
        $cluster.Agents.Count | Should -Be 3
        $cluster.GatewayPublicIpAddress | Should -Not -BeNullOrEmpty
        $cluster.MasterPrivateIpAddress | Should -Match '^10\.0\.12\.'
        $cluster.Domain | Should -Be 'service.consul'
        $sandbox.Host.Log.Count('ec2', 'CreateTags') | Should -Be 0
        @($sandbox.Host.Ec2.GetResources() | Where-Object { -not $_.AwsManaged -and -not $_.Tags['showcase:cluster'] }).Count | Should -Be 0
        $rules = $sandbox.Host.Ec2.GetSecurityRules() | Where-Object { $_.Direction -eq 'ingress' -and $_.GroupName -ne 'default' }
        @($rules | Where-Object { $_.Covers(22) }).Count | Should -Be 0
        foreach ($port in 8001, 8500, 8600, 8182, 8080, 5050, 2181) {
            @($rules | Where-Object { $_.Source -eq '0.0.0.0/0' -and $_.Covers($port) }).Count | Should -Be 0
        }
        $sandbox.Host.Ec2.GetLaunches() | ForEach-Object { $_.HttpTokens | Should -Be 'required'; $_.RootVolumeEncrypted | Should -BeTrue }
    }

    It 'changes nothing when run again (zero write calls)' {
        $null = New-ShowcaseCluster -Name demo @common
        # Entries are logged just after the answer is sent: count by request start time.
        $start = [DateTime]::UtcNow
        $again = New-ShowcaseCluster -Name demo @common
        @($sandbox.Host.Log.Writes('ec2') | Where-Object Time -GE $start).Count | Should -Be 0
        $again.State | Should -Be 'Complete'
    }

    It '-WhatIf prints the plan with a cost estimate and makes no write call' {
        $output = New-ShowcaseCluster -Name demo @common -WhatIf 6>&1 | Out-String
        $sandbox.Host.Log.Writes('ec2').Count | Should -Be 0
        $sandbox.Host.Log.Count('ec2') | Should -BeGreaterThan 0 -Because 'the plan reads what exists'
    }

    It '-Verbose narrates each AWS call' {
        $verbose = New-ShowcaseCluster -Name demo @common -AgentCount 0 -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -match '^EC2 CreateVpc').Count | Should -Be 1
        ($verbose.Message -match '^EC2 RunInstances').Count | Should -Be 2
    }

    It 'refuses bad input with zero AWS calls: <Case>' -ForEach @(
        @{ Case = 'name not a DNS label'; Params = @{ Name = 'Bad_Name' } }
        @{ Case = 'name longer than 32'; Params = @{ Name = 'a' * 33 } }
        @{ Case = 'negative agent count'; Params = @{ Name = 'demo'; AgentCount = -1 } }
        @{ Case = 'subnet outside the VPC'; Params = @{ Name = 'demo'; PublicSubnetCidr = '10.1.5.0/24' }; ErrorId = 'ShowcaseClusterSubnetOutsideVpc' }
        @{ Case = 'overlapping subnets'; Params = @{ Name = 'demo'; PrivateSubnetCidr = '10.0.5.0/25' }; ErrorId = 'ShowcaseClusterSubnetsOverlap' }
        @{ Case = 'malformed CIDR'; Params = @{ Name = 'demo'; VpcCidr = '10.0.0.1/16' }; ErrorId = 'ShowcaseClusterCidrInvalid' }
    ) {
        $start = [DateTime]::UtcNow
        if ($ErrorId) {
            { New-ShowcaseCluster @common @Params -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,ShowcaseOps.Commands.Cluster.NewShowcaseClusterCommand"
        }
        else {
            { New-ShowcaseCluster @common @Params -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,ShowcaseOps.Commands.Cluster.NewShowcaseClusterCommand'
        }
        @($sandbox.Host.Log.Entries | Where-Object Time -GE $start).Count | Should -Be 0
    }

    It 'fails clearly on an unknown instance profile, and Remove- cleans what was created' {
        { New-ShowcaseCluster -Name demo -InstanceProfileName nobody -ImageId ami-0123456789abcdef0 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ShowcaseInstanceProfileNotFound,ShowcaseOps.Commands.Cluster.NewShowcaseClusterCommand'
        (Get-ShowcaseCluster demo).State | Should -Be 'Partial'
        Remove-ShowcaseCluster demo -Force
        (Get-TaggedResource demo).Count | Should -Be 0
    }

    It 'reads the default image from the public SSM parameter (once the SSM stand-in answers GetParameter)' {
        try {
            $cluster = New-ShowcaseCluster -Name ssm -InstanceProfileName showcase-ssm -AgentCount 0 -SkipBootstrap -ErrorAction Stop
        }
        catch {
            if ("$_" -match 'InvalidAction|ParameterNotFound|does not exist') {
                Set-ItResult -Skipped -Because "the SSM stand-in does not serve the image parameter yet ($_)"
                return
            }
            throw
        }
        $cluster.State | Should -Be 'Complete'
        $sandbox.Host.Log.Count('ssm', 'GetParameter') | Should -Be 1
    }
}

Describe 'Get-ShowcaseCluster, Set-ShowcaseCluster, Remove-ShowcaseCluster' {
    BeforeAll {
        $sandbox.Host.Reset()
        $null = New-ShowcaseCluster -Name alpha @common -AgentCount 1
        $null = New-ShowcaseCluster -Name beta @common -AgentCount 0
    }

    It 'rebuilds clusters from tags, with wildcards' {
        (Get-ShowcaseCluster).Name | Should -Be @('alpha', 'beta')
        (Get-ShowcaseCluster -Name 'al*').Name | Should -Be 'alpha'
        @(Get-ShowcaseCluster -Name 'zz*').Count | Should -Be 0
        $alpha = Get-ShowcaseCluster alpha
        $alpha.Region | Should -Be 'eu-west-1'
        $alpha.VpcId | Should -Match '^vpc-'
        $alpha.Gateway.InstanceId | Should -Match '^i-'
        $alpha.Hosts.Role | Should -Be @('gateway', 'master', 'agent')
        $alpha.CreatedTime | Should -Not -BeNullOrEmpty
    }

    It 'reports an unknown name as ShowcaseClusterNotFound' {
        { Get-ShowcaseCluster nothere -ErrorAction Stop } | Should -Throw -ErrorId 'ShowcaseClusterNotFound,ShowcaseOps.Commands.Cluster.GetShowcaseClusterCommand'
    }

    It 'scales agents up and down' {
        $up = Set-ShowcaseCluster alpha -AgentCount 3 -Confirm:$false
        $up.Agents.Index | Should -Be @(1, 2, 3)
        $down = Get-ShowcaseCluster alpha | Set-ShowcaseCluster -AgentCount 1 -Confirm:$false
        $down.Agents.Count | Should -Be 1
    }

    It 'Remove- -WhatIf removes nothing' {
        $start = [DateTime]::UtcNow
        Remove-ShowcaseCluster alpha -WhatIf
        Remove-ShowcaseCluster alpha -Force -WhatIf
        @($sandbox.Host.Log.Writes('ec2') | Where-Object Time -GE $start).Count | Should -Be 0
    }

    It 'Remove- and Set- -WhatIf list each resource with its id, in removal order, and end with the counts' {
        # "What if:" lines go to the host, not to a stream: a child pwsh prints them on its stdout.
        $lines = Invoke-ChildPwsh -Command @"
Import-Module '$($env:SHOWCASE_MODULE_PATH)'
`$null = Start-ShowcaseSandbox -InstanceBootSeconds 0.03
`$c = New-ShowcaseCluster -Name wi -InstanceProfileName showcase-ssm -ImageId ami-0123456789abcdef0 -SkipBootstrap -AgentCount 2 -Confirm:`$false
(Get-ShowcaseSandbox).Host.Ec2.GetResources() | Where-Object { `$_.Tags['showcase:cluster'] -eq 'wi' -and `$_.ResourceType -ne 'volume' } | ForEach-Object { 'ID ' + `$_.Id }
'AGENT ' + `$c.Agents[1].InstanceId
'GATEWAY ' + `$c.Gateway.InstanceId
'VPC ' + `$c.VpcId
Remove-ShowcaseCluster wi -WhatIf
'---'
Set-ShowcaseCluster wi -AgentCount 1 -WhatIf
Stop-ShowcaseSandbox
"@
        $ids = @($lines | Where-Object { $_ -like 'ID *' } | ForEach-Object { $_.Substring(3) })
        $value = { param($key) ($lines | Where-Object { $_ -like "$key *" } | Select-Object -First 1).Substring($key.Length + 1) }
        $split = [array]::IndexOf($lines, '---')
        $remove = ($lines[0..$split] | Where-Object { $_ -notlike 'ID *' }) -join "`n"
        $set = $lines[$split..($lines.Count - 1)] -join "`n"
        $ids.Count | Should -BeGreaterThan 10
        foreach ($id in $ids) { $remove | Should -Match ("destroy\s+\S+\s+" + [regex]::Escape($id)) }
        $remove | Should -Match "Plan: 0 to create, $($ids.Count) to destroy \(4 instances\)"
        $remove | Should -Not -Match 'tagged resources, \d+ instances'
        $remove.LastIndexOf((& $value 'GATEWAY')) | Should -BeLessThan $remove.LastIndexOf((& $value 'VPC')) -Because 'instances are listed (and deleted) before the VPC'
        $set | Should -Match ("destroy\s+instance\s+" + [regex]::Escape((& $value 'AGENT')))
        $set | Should -Match 'Plan: 0 to create, 1 to destroy, 1 to keep'
    }

    It 'an unknown name is ShowcaseClusterNotFound ($? false) unless -IgnoreMissing; names are case-sensitive' {
        { Remove-ShowcaseCluster alhpa -Force -ErrorAction Stop } | Should -Throw -ErrorId 'ShowcaseClusterNotFound,ShowcaseOps.Commands.Cluster.RemoveShowcaseClusterCommand'
        Remove-ShowcaseCluster alhpa -Force -ErrorAction SilentlyContinue
        $? | Should -BeFalse
        @(Remove-ShowcaseCluster alhpa -Force -IgnoreMissing -ErrorAction Stop).Count | Should -Be 0
        @(Get-ShowcaseCluster -Name 'AL*').Count | Should -Be 0 -Because 'the showcase:cluster tag is case-sensitive'
        @(Get-ShowcaseCluster -Name 'al*').Name | Should -Be 'alpha'
        { Remove-ShowcaseCluster Alpha -Force -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,ShowcaseOps.Commands.Cluster.RemoveShowcaseClusterCommand'
        { Use-ShowcaseCluster Alpha -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,ShowcaseOps.Commands.Cluster.UseShowcaseClusterCommand'
        (Get-ShowcaseCluster alpha).State | Should -Be 'Complete'
    }

    It 'removes from the pipeline, outputs what it deleted, leaves zero tagged resources; a second remove is NotFound' {
        $ids = @(Get-TaggedResource alpha | Where-Object ResourceType -NE 'volume' | ForEach-Object { $_.Id })
        $removal = Get-ShowcaseCluster alpha | Remove-ShowcaseCluster -Force
        $removal.Cluster | Should -Be 'alpha'
        $removal.Destroyed | Should -Be $ids.Count
        foreach ($id in $ids) { ($removal.Resources -join ' ') | Should -Match ([regex]::Escape($id)) }
        (Get-TaggedResource alpha).Count | Should -Be 0
        { Remove-ShowcaseCluster alpha -Force -ErrorAction Stop } | Should -Throw -ErrorId 'ShowcaseClusterNotFound,ShowcaseOps.Commands.Cluster.RemoveShowcaseClusterCommand'
        { Remove-ShowcaseCluster alpha -Force -IgnoreMissing -ErrorAction Stop } | Should -Not -Throw
        (Get-ShowcaseCluster).Name | Should -Be 'beta'
        Remove-ShowcaseCluster -Name beta -Confirm:$false
        @($sandbox.Host.Ec2.GetResources() | Where-Object { -not $_.AwsManaged }).Count | Should -Be 0
    }

    It 'completes -Name with cluster names from tags' {
        $null = New-ShowcaseCluster -Name gamma @common -AgentCount 0
        $result = TabExpansion2 -inputScript 'Get-ShowcaseCluster -Name ga' -cursorColumn 'Get-ShowcaseCluster -Name ga'.Length
        $result.CompletionMatches.CompletionText | Should -Contain 'gamma'
        Remove-ShowcaseCluster gamma -Force
    }
}
