# Test-ShowcaseCluster against the sandbox, as users run it.
BeforeAll {
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    $script:sandbox = Start-ShowcaseSandbox -Force -InstanceBootSeconds 0.03
    $script:common = @{ InstanceProfileName = 'showcase-ssm'; ImageId = 'ami-0123456789abcdef0'; SkipBootstrap = $true; Confirm = $false }
    $script:cluster = New-ShowcaseCluster -Name demo @common
}

AfterAll {
    Stop-ShowcaseSandbox -Confirm:$false
}

Describe 'Test-ShowcaseCluster' {
    It 'passes every check of a new cluster, one typed object per flow' {
        $checks = @(Test-ShowcaseCluster demo -WarningVariable warnings)
        $checks.Count | Should -BeGreaterThan 40
        $checks | ForEach-Object { $_ | Should -BeOfType ShowcaseOps.Model.ShowcaseFlowCheck }
        @($checks | Where-Object { -not $_.Passed }).Count | Should -Be 0
        $warnings.Count | Should -Be 0
        $service = $checks | Where-Object { $_.Source -eq 'gateway' -and $_.Destination -eq 'master' -and $_.Ports -eq '10000-20000' }
        $service.Expected | Should -Be 'Allowed'
        $service.Actual | Should -Be 'Allowed'
        $service.MatchingRules | Should -Match 'demo-master-sg'
        $ssh = $checks | Where-Object { $_.Source -eq 'internet' -and $_.Destination -eq 'gateway' -and $_.Ports -eq '22' }
        $ssh.Expected | Should -Be 'Denied'
        $ssh.Actual | Should -Be 'Denied'
        (Get-Command Test-ShowcaseCluster).OutputType.Name | Should -Contain 'ShowcaseOps.Model.ShowcaseFlowCheck'
    }

    It 'reports Kong''s Admin API denied from the agents, the master and the VPC, and the Vulcand API from the agents' {
        $checks = @(Test-ShowcaseCluster demo)
        $kong = @($checks | Where-Object { $_.Destination -eq 'gateway' -and $_.Ports -eq '8001' -and $_.Source -ne 'internet' })
        @($kong.Source | Sort-Object) | Should -Be @('agent', 'master', 'vpc')
        $kong | ForEach-Object { $_.Expected | Should -Be 'Denied'; $_.Actual | Should -Be 'Denied'; $_.Passed | Should -BeTrue }
        $vulcand = $checks | Where-Object { $_.Source -eq 'agent' -and $_.Destination -eq 'master' -and $_.Ports -eq '8182' }
        $vulcand.Expected | Should -Be 'Denied'
        $vulcand.Passed | Should -BeTrue
        ($checks | Where-Object { $_.Source -eq 'gateway' -and $_.Destination -eq 'master' -and $_.Ports -eq '8182' }).Expected | Should -Be 'Allowed'
    }

    It 'binds the cluster by property name from Get-ShowcaseCluster and from a host' {
        @(Get-ShowcaseCluster demo | Test-ShowcaseCluster -Failed).Count | Should -Be 0
        @($cluster.Master | Test-ShowcaseCluster).Count | Should -BeGreaterThan 40
    }

    It 'reports a removed rule as the one failing flow, with a warning, and New-ShowcaseCluster adds it back' {
        $master = $sandbox.Host.Ec2.GetSecurityRules() | Where-Object { $_.GroupName -eq 'demo-master-sg' } | Select-Object -First 1
        $gateway = $sandbox.Host.Ec2.GetSecurityRules() | Where-Object { $_.GroupName -eq 'demo-gateway-sg' } | Select-Object -First 1
        $sandbox.Host.Ec2.RemoveSecurityRules($master.GroupId, 'ingress', 'tcp', 10000, 20000, $gateway.GroupId) | Should -Be 1

        $failed = @(Test-ShowcaseCluster demo -Failed -WarningVariable warnings -WarningAction SilentlyContinue)
        $failed.Count | Should -Be 1
        $failed[0].Source | Should -Be 'gateway'
        $failed[0].Destination | Should -Be 'master'
        $failed[0].Actual | Should -Be 'Denied'
        $failed[0].Reason | Should -Match 'demo-master .*10000-20000'
        $warnings.Count | Should -Be 1
        ($failed | Format-Table | Out-String) | Should -Match 'gateway\s+master'

        $null = New-ShowcaseCluster -Name demo @common
        @(Test-ShowcaseCluster demo -Failed).Count | Should -Be 0
    }

    It 'reports an unknown cluster as ShowcaseClusterNotFound' {
        { Test-ShowcaseCluster nothere -ErrorAction Stop } | Should -Throw -ErrorId 'ShowcaseClusterNotFound,ShowcaseOps.Commands.Cluster.TestShowcaseClusterCommand'
    }

    It 'refuses a name that is not a cluster name at the parameter' {
        { Test-ShowcaseCluster 'Bad Name' -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,ShowcaseOps.Commands.Cluster.TestShowcaseClusterCommand'
    }
}
