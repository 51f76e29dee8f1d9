# Invoke-ShowcaseBootstrap, Invoke-ShowcaseCommand and the bootstrap hook of New-/Set-ShowcaseCluster, against the sandbox.
BeforeAll {
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    $script:sandbox = Start-ShowcaseSandbox -Force -InstanceBootSeconds 0.03
    $script:h = $sandbox.Host
    $fast = ([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.Execution.RetryPolicy'))::new([TimeSpan]::FromMilliseconds(10), [TimeSpan]::FromMilliseconds(100), [TimeSpan]::FromSeconds(3))
    ([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.TestHooks'))::ClusterOptions = [Management.Automation.LanguagePrimitives]::ConvertTo(@{
        Retry = $fast; DependencyRetry = $fast; InstanceProfileRetryBudget = [TimeSpan]::FromMilliseconds(300)
        PollInitial = [TimeSpan]::FromMilliseconds(10); PollMax = [TimeSpan]::FromMilliseconds(50); WaitTimeout = [TimeSpan]::FromSeconds(20)
    }, ([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.Cluster.ClusterEngineOptions')))
    ([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.TestHooks'))::BootstrapOptions = [Management.Automation.LanguagePrimitives]::ConvertTo(@{
        OnlinePollInterval = [TimeSpan]::FromMilliseconds(50); PollInterval = [TimeSpan]::FromMilliseconds(30); MaxPollInterval = [TimeSpan]::FromMilliseconds(100); RetryPolicy = $fast
    }, ([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.Bootstrap.BootstrapOptions')))
    $script:common = @{ InstanceProfileName = 'showcase-ssm'; ImageId = 'ami-0123456789abcdef0' }

    function Get-BootstrapCommand { @($h.Ssm.Commands | Where-Object { $_.Comment -like 'showcaseops:bootstrap *' }) }
    function Get-ScriptVariable([string] $Decoded, [string] $Name) {
        $m = [regex]::Match($Decoded, "(?m)^$Name=\`$\(base64 -d <<'SHOWCASEOPS_B64'\n([A-Za-z0-9+/=\n]*?)\nSHOWCASEOPS_B64")
        $value = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String(($m.Groups[1].Value -replace "`n", '')))
        $value.Substring(0, $value.Length - 1)
    }
    function Get-InstanceTag([string] $InstanceId, [string] $Key) {
        ($h.Ec2.GetResources() | Where-Object Id -EQ $InstanceId).Tags[$Key]
    }
}

AfterAll {
    ([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.TestHooks'))::ClusterOptions = $null
    ([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.TestHooks'))::BootstrapOptions = $null
    Stop-ShowcaseSandbox -Confirm:$false
}

Describe 'Invoke-ShowcaseBootstrap' {
    BeforeEach {
        $h.Reset()
        $script:cluster = New-ShowcaseCluster -Name demo @common -SkipBootstrap
    }

    It 'runs each role''s script with its values, the master first, and records the outcome in the tags' {
        $results = Invoke-ShowcaseBootstrap -Name demo -Confirm:$false
        $results.Count | Should -Be 5
        $results | ForEach-Object { $_ | Should -BeOfType ShowcaseOps.Model.ShowcaseHostResult; $_.Status | Should -Be 'Success' }
        $commands = Get-BootstrapCommand
        $commands.Count | Should -Be 3
        $marker = @{ master = 'master_zookeeper()'; gateway = 'gateway_kong()'; agent = 'agent_mesos_agent()' }
        foreach ($command in $commands) {
            $role = Get-ScriptVariable $command.DecodedScript 'SHOWCASE_ROLE'
            $command.DecodedScript | Should -BeLike "*$($marker[$role])*"
            $marker.Keys | Where-Object { $_ -ne $role } | ForEach-Object { $command.DecodedScript | Should -Not -BeLike "*$($marker[$_])*" }
            Get-ScriptVariable $command.DecodedScript 'SHOWCASE_CLUSTER' | Should -Be 'demo'
            Get-ScriptVariable $command.DecodedScript 'SHOWCASE_MASTER_IP' | Should -Be $cluster.MasterPrivateIpAddress
            Get-ScriptVariable $command.DecodedScript 'SHOWCASE_VPC_CIDR' | Should -Be '10.0.0.0/16'
            $rows = (Get-ScriptVariable $command.DecodedScript 'SHOWCASE_HOSTS') -split "`n" | Where-Object { $_ }
            @($rows).Count | Should -Be $command.InstanceIds.Count
            $command.ExecutionTimeoutSeconds | Should -BeGreaterOrEqual 1800
        }
        $master = $commands | Where-Object { (Get-ScriptVariable $_.DecodedScript 'SHOWCASE_ROLE') -eq 'master' }
        $commands | Where-Object { $_ -ne $master } | ForEach-Object { $_.RequestedAt | Should -BeGreaterOrEqual $master.Invocations[0].EndedAt }
        foreach ($hostInfo in $cluster.Hosts) {
            Get-InstanceTag $hostInfo.InstanceId 'showcase:bootstrap' | Should -Be 'ok'
            Get-InstanceTag $hostInfo.InstanceId 'showcase:bootstrap-version' | Should -Match '^[0-9a-f]{16}$'
        }
    }

    It 'reports a failing host as a non-terminating error while the others complete, and a re-run only runs it' {
        $bad = $cluster.Agents[1]
        $null = $h.Ssm.Behaviors.FailOn($bad.InstanceId, 42, "E: Unable to locate package docker-ce`n", 1)
        $results = Invoke-ShowcaseBootstrap -Name demo -Confirm:$false -ErrorVariable errors -ErrorAction SilentlyContinue
        $results.Count | Should -Be 5
        @($results | Where-Object Status -EQ 'Success').Count | Should -Be 4
        ($results | Where-Object InstanceId -EQ $bad.InstanceId).ExitCode | Should -Be 42
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be 'ShowcaseBootstrapFailed,ShowcaseOps.Commands.Bootstrap.InvokeShowcaseBootstrapCommand'
        $errors[0].TargetObject | Should -Be $bad.InstanceId
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidResult'
        $errors[0].Exception.Message | Should -BeLike "*$($bad.Name)*exit code 42*Unable to locate package docker-ce*"
        Get-InstanceTag $bad.InstanceId 'showcase:bootstrap' | Should -Be 'failed'

        $before = $h.Log.Count('ssm', 'SendCommand')
        $again = Invoke-ShowcaseBootstrap -Name demo -Confirm:$false
        $h.Log.Count('ssm', 'SendCommand') - $before | Should -Be 1
        (Get-BootstrapCommand)[-1].InstanceIds | Should -Be @($bad.InstanceId)
        ($again | Where-Object InstanceId -EQ $bad.InstanceId).Status | Should -Be 'Success'
        @($again | Where-Object Status -EQ 'Skipped').Count | Should -Be 4
    }

    It 'takes a cluster or its hosts from the pipeline, and -Force runs hosts already done' {
        $null = Invoke-ShowcaseBootstrap -Name demo -Confirm:$false
        $before = $h.Log.Count('ssm', 'SendCommand')
        $agents = $cluster.Agents | Invoke-ShowcaseBootstrap -Force -Confirm:$false
        $agents.Count | Should -Be 3
        $h.Log.Count('ssm', 'SendCommand') - $before | Should -Be 1
        $all = Get-ShowcaseCluster demo | Invoke-ShowcaseBootstrap -Confirm:$false
        @($all | Where-Object Status -EQ 'Skipped').Count | Should -Be 5
        $h.Log.Count('ssm', 'SendCommand') - $before | Should -Be 1
    }

    It 'in the sandbox, a script it only syntax-checked is Simulated (not Success) with a warning; a scripted answer is Success' {
        $agent = $cluster.Agents[0]
        $null = $h.Ssm.Behaviors.Add([Management.Automation.LanguagePrimitives]::ConvertTo(@{ InstanceId = $agent.InstanceId; ExitCode = 0; StandardOutput = "scripted`n" }, ([ShowcaseOps.InternalHooks]::SandboxType('ShowcaseOps.Sandbox.StandIns.Ssm.SsmBehavior'))))
        $results = Invoke-ShowcaseCommand -Name demo -Role agent -Script 'echo hi' -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        ($results | Where-Object InstanceId -EQ $agent.InstanceId).Status | Should -Be 'Success'
        $simulated = @($results | Where-Object InstanceId -NE $agent.InstanceId)
        $simulated.Status | Sort-Object -Unique | Should -Be 'Simulated'
        $simulated[0].Succeeded | Should -BeFalse
        $simulated[0].Message | Should -BeLike '*did not run the script*'
        "$warnings" | Should -BeLike "*did not run the script on $($simulated.Count) host(s)*"
    }

    It '-WhatIf sends nothing' {
        $before = $h.Log.Count('ssm', 'SendCommand')
        Invoke-ShowcaseBootstrap -Name demo -WhatIf
        $h.Log.Count('ssm', 'SendCommand') | Should -Be $before
        $h.Log.Count('ec2', 'CreateTags') | Should -Be 0
    }

    It 'rejects <Case> at the parameter with zero AWS calls' -ForEach @(
        @{ Case = 'an unknown role'; Params = @{ Role = 'database' } }
        @{ Case = 'a bad instance id'; Params = @{ InstanceId = 'i-12345' } }
        @{ Case = 'a bad cluster name'; Params = @{ Name = 'Not A Name' } }
        @{ Case = 'a zero timeout'; Params = @{ TimeoutSeconds = 0 } }
    ) {
        $before = $h.Log.Count()
        { Invoke-ShowcaseBootstrap @Params -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,ShowcaseOps.Commands.Bootstrap.InvokeShowcaseBootstrapCommand'
        $h.Log.Count() | Should -Be $before
    }

    It 'fails clearly when the hosts never come Online in SSM' {
        $h.Ssm.SetAgentOffline($cluster.Master.InstanceId)
        { Invoke-ShowcaseBootstrap -Name demo -TimeoutSeconds 1 -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'SsmInstanceNotOnline,ShowcaseOps.Commands.Bootstrap.InvokeShowcaseBootstrapCommand'
        $h.Log.Count('ssm', 'SendCommand') | Should -Be 0
    }

    It 'sends a script that passes shellcheck and sh -n for <_>' -ForEach @('gateway', 'master', 'agent') {
        $scripts = ([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.Bootstrap.BootstrapScripts'))::Load((Join-Path $env:SHOWCASE_MODULE_PATH 'bootstrap'))
        $file = Join-Path ([IO.Path]::GetTempPath()) "showcase-sent-$_-$PID.sh"
        try {
            [IO.File]::WriteAllText($file, $scripts.For($_))
            $out = & sh -n $file 2>&1
            $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
            $shellcheck = Get-Command shellcheck -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
            if ($shellcheck) {
                $out = & $shellcheck.Source -s sh $file 2>&1
                $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
            }
        }
        finally { Remove-Item $file -ErrorAction SilentlyContinue }
    }
}

Describe 'Invoke-ShowcaseCommand' {
    BeforeEach {
        $h.Reset()
        $script:cluster = New-ShowcaseCluster -Name demo @common -SkipBootstrap
    }

    It 'returns each host''s whole output, with the values passed in the environment' {
        foreach ($agent in $cluster.Agents) {
            $null = $h.Ssm.Behaviors.Add([Management.Automation.LanguagePrimitives]::ConvertTo(@{ InstanceId = $agent.InstanceId; ExitCode = 0; StandardOutput = "hello from $($agent.Name)`n" }, ([ShowcaseOps.InternalHooks]::SandboxType('ShowcaseOps.Sandbox.StandIns.Ssm.SsmBehavior'))))
        }
        $value = "it's `$(rm -rf /) ``x`` `"q`""
        $results = Invoke-ShowcaseCommand -Name demo -Role agent -Script 'printf "%s\n" "$GREETING"' -Environment @{ GREETING = $value } -Confirm:$false
        $results.Count | Should -Be 3
        foreach ($result in $results) {
            $result.Status | Should -Be 'Success'
            $result.StandardOutput | Should -Be "hello from $($result.Name)`n"
        }
        $command = $h.Ssm.Commands[-1]
        $command.InstanceIds.Count | Should -Be 3
        Get-ScriptVariable $command.DecodedScript 'GREETING' | Should -Be $value
        $command.Script | Should -Not -BeLike '*rm -rf*'
    }

    It 'reports a failing host as an error naming it, and returns the others' {
        $bad = $cluster.Agents[0]
        $null = $h.Ssm.Behaviors.FailOn($bad.InstanceId, 3, "no such file`n")
        $results = Invoke-ShowcaseCommand -Name demo -InstanceId ($cluster.Agents.InstanceId) -Script 'cat /nope' -Confirm:$false -ErrorVariable errors -ErrorAction SilentlyContinue
        $results.Count | Should -Be 3
        @($results | Where-Object Status -EQ 'Simulated').Count | Should -Be 2 -Because 'the sandbox does not run the script on the other two (no scripted answer): it does not claim Success'
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be 'SsmCommandFailed,ShowcaseOps.Commands.Bootstrap.InvokeShowcaseCommandCommand'
        $errors[0].TargetObject | Should -Be $bad.InstanceId
        $errors[0].Exception.Message | Should -BeLike "*$($bad.Name)*exit code 3*no such file*"
    }

    It '-WhatIf sends nothing' {
        Invoke-ShowcaseCommand -Name demo -Role master -Script 'reboot' -WhatIf
        $h.Log.Count('ssm', 'SendCommand') | Should -Be 0
    }

    It 'rejects <Case> with zero AWS calls' -ForEach @(
        @{ Case = 'an unknown role'; Params = @{ Role = 'db'; Script = 'true' }; Id = 'ParameterArgumentValidationError' }
        @{ Case = 'a bad instance id'; Params = @{ InstanceId = 'i-XYZ'; Script = 'true' }; Id = 'ParameterArgumentValidationError' }
        @{ Case = 'an empty script'; Params = @{ Role = 'agent'; Script = '' }; Id = 'ParameterArgumentValidationError' }
        @{ Case = 'a bad variable name'; Params = @{ Role = 'agent'; Script = 'true'; Environment = @{ 'bad name' = 1 } }; Id = 'SsmEnvironmentNameInvalid' }
        @{ Case = 'a reserved variable name'; Params = @{ Role = 'agent'; Script = 'true'; Environment = @{ PATH = '/tmp' } }; Id = 'SsmEnvironmentNameInvalid' }
    ) {
        $before = $h.Log.Count()
        { Invoke-ShowcaseCommand -Name demo @Params -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId "$Id,ShowcaseOps.Commands.Bootstrap.InvokeShowcaseCommandCommand"
        $h.Log.Count() | Should -Be $before
    }
}

Describe 'Bootstrap from New-ShowcaseCluster and Set-ShowcaseCluster' {
    BeforeEach { $h.Reset() }

    It 'New-ShowcaseCluster bootstraps every host unless -SkipBootstrap' {
        $null = New-ShowcaseCluster -Name demo @common -AgentCount 1 -SkipBootstrap
        (Get-BootstrapCommand).Count | Should -Be 0
        $cluster = New-ShowcaseCluster -Name demo @common -AgentCount 1
        $cluster | Should -BeOfType ShowcaseOps.Model.ShowcaseCluster
        (Get-BootstrapCommand).Count | Should -Be 3
        $cluster.Hosts | ForEach-Object { Get-InstanceTag $_.InstanceId 'showcase:bootstrap' | Should -Be 'ok' }
    }

    It 'Set-ShowcaseCluster -AgentCount bootstraps only the new agents' {
        $null = New-ShowcaseCluster -Name demo @common -AgentCount 1
        $before = @(Get-BootstrapCommand).Count
        $cluster = Set-ShowcaseCluster -Name demo -AgentCount 3 -Confirm:$false
        $new = Get-BootstrapCommand | Select-Object -Skip $before
        @($new).Count | Should -Be 1
        $new[0].InstanceIds.Count | Should -Be 2
        $new[0].InstanceIds | Should -Not -Contain ($cluster.Agents | Where-Object Index -EQ 1).InstanceId
    }

    It 'New-ShowcaseCluster still returns the cluster when a host''s bootstrap fails' {
        $null = $h.Ssm.Behaviors.Add([Management.Automation.LanguagePrimitives]::ConvertTo(@{ ScriptContains = 'gateway_kong()'; ExitCode = 5; StandardError = 'kong failed' }, ([ShowcaseOps.InternalHooks]::SandboxType('ShowcaseOps.Sandbox.StandIns.Ssm.SsmBehavior'))))
        try {
            $cluster = New-ShowcaseCluster -Name demo @common -AgentCount 1 -ErrorVariable errors -ErrorAction SilentlyContinue
        }
        finally { $h.Ssm.Behaviors.Clear() }
        $cluster | Should -BeOfType ShowcaseOps.Model.ShowcaseCluster
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be 'ShowcaseBootstrapFailed,ShowcaseOps.Commands.Cluster.NewShowcaseClusterCommand'
        $errors[0].TargetObject | Should -Be $cluster.Gateway.InstanceId
    }
}
