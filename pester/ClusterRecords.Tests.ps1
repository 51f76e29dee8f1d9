# The cluster of each record: two clusters in one sandbox, each platform call over SSM to that cluster's own gateway
# (the sandbox's request log names the instance each SendCommand targeted).
BeforeAll {
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    $script:sandbox = Start-ShowcaseSandbox -Force -WarningAction SilentlyContinue
    $null = New-ShowcaseCluster -Name a -InstanceProfileName showcase-ssm -SkipBootstrap -Confirm:$false
    $null = New-ShowcaseCluster -Name b -InstanceProfileName showcase-ssm -SkipBootstrap -Confirm:$false
    $script:gateway = @{}
    foreach ($cluster in Get-ShowcaseCluster) { $gateway[$cluster.Name] = ($cluster.Hosts | Where-Object Role -EQ gateway).InstanceId }
    function Reset-Platform { foreach ($s in $sandbox.Host.Consul, $sandbox.Host.Vulcand, $sandbox.Host.Kong) { $s.Reset() } }
    # The SendCommand requests since $Since, as the gateway instance ids they targeted.
    function Get-SendTargets([long] $Since) { @($sandbox.Host.Log.Entries | Where-Object { $_.Sequence -gt $Since -and $_.Service -eq 'ssm' -and $_.Operation -eq 'SendCommand' } | ForEach-Object Target) }
    function Get-LastSequence { $entries = $sandbox.Host.Log.Entries; if ($entries.Count) { $entries[-1].Sequence } else { 0 } }
}

AfterAll {
    Stop-ShowcaseSandbox -Confirm:$false
    # The names read here (clusters a/b, instances web-a-*) must not be offered by completion in the next test file.
    Remove-Variable -Name ShowcaseOpsCompletion -Scope Global -ErrorAction SilentlyContinue
}

Describe 'Two clusters in one sandbox' {
    BeforeEach { Reset-Platform }

    It 'has a gateway per cluster' {
        $gateway['a'] | Should -Not -BeNullOrEmpty
        $gateway['b'] | Should -Not -BeNullOrEmpty
        $gateway['a'] | Should -Not -Be $gateway['b']
    }

    It 'Get-ShowcaseCluster | Register-ShowcaseService registers on both, each through its own gateway' {
        $since = Get-LastSequence
        $services = Get-ShowcaseCluster | Register-ShowcaseService -Name web -ServicePort 10000 -Confirm:$false
        $services.Count | Should -Be 2
        ($services | Sort-Object Cluster).Cluster | Should -Be @('a', 'b')
        $services | ForEach-Object { $_.Status | Should -Be 'Registered' }
        $targets = Get-SendTargets $since
        @($targets | Where-Object { $_ -eq $gateway['a'] }).Count | Should -BeGreaterThan 0
        @($targets | Where-Object { $_ -eq $gateway['b'] }).Count | Should -BeGreaterThan 0
        @($targets | Where-Object { $_ -notin $gateway['a'], $gateway['b'] }).Count | Should -Be 0
        # a registered first; b (the sandbox's platform is shared by both clusters) found it there: its command only read.
        $sandbox.Host.Vulcand.Listeners.Count | Should -Be 1
    }

    It 'Get-ShowcaseCluster | Get-ShowcaseService returns the services of both clusters, with Cluster set' {
        $null = Register-ShowcaseService -Cluster a -Name web -ServicePort 10000 -Confirm:$false
        $since = Get-LastSequence
        $one = Get-ShowcaseService -Cluster a
        $single = (Get-SendTargets $since).Count
        $single | Should -BeGreaterThan 0
        $since = Get-LastSequence
        $services = @(Get-ShowcaseCluster | Get-ShowcaseService)
        $services.Count | Should -Be 2
        ($services | Sort-Object Cluster).Cluster | Should -Be @('a', 'b')
        $services.Name | Should -Be @('web', 'web')
        $targets = Get-SendTargets $since
        @($targets | Where-Object { $_ -eq $gateway['a'] }).Count | Should -Be $single
        @($targets | Where-Object { $_ -eq $gateway['b'] }).Count | Should -Be $single
        $targets.Count | Should -Be (2 * $single)
        $one.Cluster | Should -Be 'a'
    }

    It 'records of both clusters, interleaved, cost one read and one write batch per cluster; outputs name their cluster' {
        $null = Register-ShowcaseService -Cluster a -Name web -ServicePort 10000 -Confirm:$false
        function New-Record([string] $Cluster, [int] $n) { [pscustomobject]@{ Cluster = $Cluster; ServiceName = 'web'; InstanceId = "web-$Cluster-$n"; HostAddress = "10.0.12.$(100 + $n)"; HostPort = 31000 + $n } }
        # Baseline: three instances of one cluster.
        $since = Get-LastSequence
        $null = 1..3 | ForEach-Object { New-Record a $_ } | Register-ShowcaseInstance -Confirm:$false
        $single = (Get-SendTargets $since).Count
        $single | Should -Be 2
        # Six records, a b a b a b: still one read and one write batch per cluster, never one per record.
        $since = Get-LastSequence
        $registered = @(4..9 | ForEach-Object { New-Record $(if ($_ % 2) { 'b' } else { 'a' }) $_ } | Register-ShowcaseInstance -Confirm:$false)
        $targets = Get-SendTargets $since
        @($targets | Where-Object { $_ -eq $gateway['a'] }).Count | Should -Be $single
        @($targets | Where-Object { $_ -eq $gateway['b'] }).Count | Should -Be $single
        $targets.Count | Should -Be (2 * $single)
        $registered.Count | Should -Be 6
        $registered | ForEach-Object { $_.Changed | Should -BeTrue; $_.InstanceId | Should -BeLike "web-$($_.Cluster)-*" }
        # Back down the pipeline: each ShowcaseInstance names its cluster, so Unregister sends each to its own.
        $since = Get-LastSequence
        $removed = @($registered | Unregister-ShowcaseInstance -Force -DrainSeconds 0)   # no drain: this test counts batches
        $targets = Get-SendTargets $since
        @($targets | Where-Object { $_ -eq $gateway['a'] }).Count | Should -Be $single
        @($targets | Where-Object { $_ -eq $gateway['b'] }).Count | Should -Be $single
        ($removed | Group-Object Cluster | Sort-Object Name | ForEach-Object { "$($_.Name)=$($_.Count)" }) -join ',' | Should -Be 'a=3,b=3'
        $removed | ForEach-Object { $_.Status | Should -Be 'Unregistered' }
    }

    It "'web' | Get-ShowcaseService binds the string to -Name, not to the cluster" {
        $null = Register-ShowcaseService -Cluster b -Name web -ServicePort 10000 -Confirm:$false
        $since = Get-LastSequence
        $service = 'web' | Get-ShowcaseService -Cluster b
        $service.Name | Should -Be 'web'
        $service.Cluster | Should -Be 'b'
        $targets = Get-SendTargets $since
        $targets.Count | Should -BeGreaterThan 0
        $targets | ForEach-Object { $_ | Should -Be $gateway['b'] }
        $other = 'nothing-here' | Get-ShowcaseService -Cluster b -ErrorVariable missing 2>$null
        $other | Should -BeNullOrEmpty
        $missing[0].FullyQualifiedErrorId | Should -BeLike 'ShowcaseServiceNotFound,*'
    }

    It 'only ShowcaseCluster objects bind from the pipeline as the cluster' {
        $parameter = (Get-Command Get-ShowcaseService).Parameters
        $parameter['Cluster'].Attributes.Where({ $_ -is [System.Management.Automation.ParameterAttribute] }).ValueFromPipeline | Should -Not -Contain $true
        $parameter['InputObject'].ParameterType | Should -Be ([ShowcaseOps.Model.ShowcaseCluster])
        $parameter['InputObject'].Attributes.Where({ $_ -is [System.Management.Automation.ParameterAttribute] }).ValueFromPipeline | Should -Contain $true
    }

    It 'a piped cluster next to -Cluster is refused, with no platform call' {
        $since = Get-LastSequence
        $result = Get-ShowcaseCluster a | Get-ShowcaseService -Cluster b -ErrorVariable conflict 2>$null
        $result | Should -BeNullOrEmpty
        $conflict[0].FullyQualifiedErrorId | Should -BeLike 'ShowcaseClusterInputConflict,*'
        Get-SendTargets $since | Should -BeNullOrEmpty
    }

    It 'a piped cluster only chooses the cluster: its Name does not become a service name' {
        $null = Get-ShowcaseCluster | Register-ShowcaseService -Name web -ServicePort 10000 -Confirm:$false
        $instances = Get-ShowcaseCluster | Get-ShowcaseInstance
        $instances | Should -BeNullOrEmpty
        $since = Get-LastSequence
        $null = Get-ShowcaseCluster | Unregister-ShowcaseService -Force -ErrorVariable refused 2>$null
        $refused.Count | Should -Be 2
        $refused | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'ShowcaseClusterInputParameterMissing,*' }
        Get-SendTargets $since | Should -BeNullOrEmpty
    }

    It 'Marathon cmdlets go to the cluster of each record and stamp it on their output' {
        $since = Get-LastSequence
        $tasks = @(Get-ShowcaseCluster | Get-MarathonTask)
        $targets = Get-SendTargets $since
        $targets | Select-Object -Unique | Should -Be @($gateway['a'], $gateway['b'])
        $tasks | ForEach-Object { $_.Cluster | Should -BeIn @('a', 'b') }
    }

    It 'Get-ShowcaseCluster | Sync-ShowcaseService syncs each cluster through its own gateway' {
        $since = Get-LastSequence
        $cycles = @(Get-ShowcaseCluster | Sync-ShowcaseService -PassThru -Confirm:$false | Where-Object { $_ -is [ShowcaseOps.Model.ShowcaseSyncCycle] })
        ($cycles | Sort-Object Cluster).Cluster | Should -Be @('a', 'b')
        $targets = Get-SendTargets $since
        $targets | Select-Object -Unique | Sort-Object | Should -Be (@($gateway['a'], $gateway['b']) | Sort-Object)
    }
}

Describe '-Cluster given as a string' {
    It 'is validated like New-ShowcaseCluster -Name: <_> is refused at the parameter with zero requests' -ForEach @("a`n", "a`r`n", 'A', 'a*', '../a', "a`0b", ('a' * 40)) {
        $bad = $_
        $count = $sandbox.Host.Log.Count()
        $outcome = try { Get-ShowcaseService -Cluster $bad -ErrorAction Stop | Out-Null; 'accepted' } catch { $_.FullyQualifiedErrorId }
        $outcome | Should -BeLike 'ParameterArgumentValidationError,*'
        $outcome = try { Register-ShowcaseService -Cluster $bad -Name web -ServicePort 1 -Confirm:$false -ErrorAction Stop | Out-Null; 'accepted' } catch { $_.FullyQualifiedErrorId }
        $outcome | Should -BeLike 'ParameterArgumentValidationError,*'
        $sandbox.Host.Log.Count() | Should -Be $count
    }

    It 'still works as a name' {
        (Get-ShowcaseService -Cluster a -ErrorAction SilentlyContinue) | ForEach-Object { $_.Cluster | Should -Be 'a' }
        { Get-ShowcaseService -Cluster a -ErrorAction Stop } | Should -Not -Throw
    }
}
