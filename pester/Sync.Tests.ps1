# Sync-ShowcaseService against the sandbox, as users run it.
BeforeAll {
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    $script:sandbox = Start-ShowcaseSandbox -Force
    $null = New-ShowcaseCluster -Name demo -InstanceProfileName showcase-ssm -SkipBootstrap
    $script:h = $sandbox.Host
    $h.Marathon.DeploymentDuration = [TimeSpan]::FromMilliseconds(20)
    $h.Marathon.TaskStartTime = [TimeSpan]::FromMilliseconds(10)
    $script:marathonUrl = $h.Endpoint('marathon').ToString()
    $script:appJson = Get-Content (Join-Path $env:SHOWCASE_REPO_ROOT 'examples/specs/app.json') -Raw

    function Reset-Platform {
        foreach ($s in 'consul', 'vulcand', 'kong', 'marathon') { $h.StandIn($s).Reset() }
        $h.Marathon.DeploymentDuration = [TimeSpan]::FromMilliseconds(20)
        $h.Marathon.TaskStartTime = [TimeSpan]::FromMilliseconds(10)
    }
    function Invoke-Api([string] $Service, [string] $Method, [string] $Path, $Body) {
        $uri = $h.Endpoint($Service).ToString().TrimEnd('/') + $Path
        if ($null -ne $Body) { Invoke-RestMethod -Method $Method -Uri $uri -Body ($Body | ConvertTo-Json -Depth 5) -ContentType 'application/json' }
        else { Invoke-RestMethod -Method $Method -Uri $uri }
    }
    function Get-PlatformWrites([datetime] $Since) {
        @($h.Log.Entries | Where-Object { $_.Time -ge $Since -and $_.Service -in 'consul', 'vulcand', 'kong' -and ([ShowcaseOps.InternalHooks]::SandboxType('ShowcaseOps.Sandbox.Hosting.RequestLog'))::IsWrite($_.Operation) })
    }
    # What Marathon says should be registered vs what Consul and Vulcand hold, per service.
    function Test-Converged {
        $apps = (Invoke-Api marathon GET '/v2/apps?embed=apps.tasks').apps | Where-Object { $_.labels.'showcaseops.expose' -eq 'true' }
        $services = @(Get-ShowcaseService -Channel Http -ErrorAction SilentlyContinue | Where-Object Owned)
        if (@($apps).Count -ne $services.Count) { return $false }
        foreach ($app in $apps) {
            $name = $app.id.Trim('/')
            $svc = $services | Where-Object Name -EQ $name
            if (-not $svc -or $svc.Status -ne 'Registered') { return $false }
            $running = @($app.tasks | Where-Object state -EQ 'TASK_RUNNING').Count
            if ($svc.InstanceCount -ne $running) { return $false }
        }
        return $true
    }
}

AfterAll {
    Stop-ShowcaseSandbox -Confirm:$false
}

Describe 'Sync-ShowcaseService' {
    BeforeEach { Reset-Platform }

    It '-WhatIf prints one line per change and writes nothing' {
        $h.Marathon.SeedApp($appJson)
        $start = [DateTime]::UtcNow
        $out = Sync-ShowcaseService -Channel Http -WhatIf
        $out | Should -BeNullOrEmpty -Because '-WhatIf only prints the plan (the "What if:" lines go to the host)'
        (Get-PlatformWrites $start).Count | Should -Be 0
        @($h.Log.Entries | Where-Object { $_.Time -ge $start -and $_.Service -in 'consul', 'vulcand', 'kong' }).Count | Should -BeGreaterThan 0 -Because 'the plan reads the platform'
    }

    It 'registers a fresh app everywhere over SSM: one command to read, one to write; a second sync is one read command and zero writes' {
        $h.Marathon.SeedApp($appJson)
        $h.Log.Clear()
        $changes = Sync-ShowcaseService -Channel Ssm
        $changes | Should -BeOfType ShowcaseOps.Model.ShowcaseSyncChange
        @($changes | Where-Object Status -NE Done).Count | Should -Be 0
        @($changes.Target | Sort-Object -Unique) | Should -Be @('Consul', 'Kong', 'Vulcand')
        $h.Log.Count('ssm', 'SendCommand') | Should -Be 2
        (Get-ShowcaseService web -Channel Http).Status | Should -Be 'Registered'

        $start = [DateTime]::UtcNow
        $again = Sync-ShowcaseService -Channel Ssm -PassThru
        @($again | Where-Object { $_ -is [ShowcaseOps.Model.ShowcaseSyncChange] }).Count | Should -Be 0
        ($again | Where-Object { $_ -is [ShowcaseOps.Model.ShowcaseSyncCycle] }).ReadBatches | Should -Be 1
        (Get-PlatformWrites $start).Count | Should -Be 0
        @($h.Log.Entries | Where-Object { $_.Time -ge $start -and $_.Operation -eq 'SendCommand' }).Count | Should -Be 1
    }

    It 'leaves a manual Consul entry alone and repairs a drifted Kong route' {
        $h.Marathon.SeedApp($appJson)
        $null = Sync-ShowcaseService -Channel Http
        $null = Invoke-Api consul PUT '/v1/agent/service/register' @{ ID = 'legacy-db'; Name = 'legacy-db'; Port = 5432 }
        $null = Invoke-Api kong PUT '/services/web/routes/web' @{ name = 'web'; hosts = @('wrong.example.org'); preserve_host = $false; tags = @('showcaseops') }

        $changes = Sync-ShowcaseService -Channel Http
        @($changes).Count | Should -Be 1
        $changes.Target | Should -Be 'Kong'
        $changes.Action | Should -Be 'Update'
        $changes.Detail | Should -Match 'preserve_host false → true'
        (Invoke-Api kong GET '/routes/web').hosts | Should -Be @('web.service.consul')
        (Invoke-Api consul GET '/v1/agent/services').'legacy-db' | Should -Not -BeNullOrEmpty
    }

    It 'removes what it owns when the app goes away' {
        $h.Marathon.SeedApp($appJson)
        $null = Sync-ShowcaseService -Channel Http
        $null = Invoke-Api marathon DELETE '/v2/apps/web'
        Start-Sleep -Milliseconds 100
        $changes = Sync-ShowcaseService -Channel Http
        @($changes | Where-Object Action -EQ Remove).Count | Should -Be @($changes).Count
        Get-ShowcaseService web -Channel Http -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It '-Watch converges through shuffled, duplicated and dropped events, a killed stream and killed tasks, and stops cleanly' {
        $h.Marathon.SeedApp($appJson)
        $chaos = $h.Marathon.EventChaos
        $chaos.Shuffle = $true; $chaos.DuplicateRate = 0.3; $chaos.DropRate = 0.4; $chaos.Seed = 7
        $ps = [powershell]::Create()
        # A new runspace has its own session (no sandbox of its own): it is given the sandbox's platform URLs.
        $endpoints = "@{ Consul = '$($h.Endpoint('consul'))'; Vulcand = '$($h.Endpoint('vulcand'))'; Kong = '$($h.Endpoint('kong'))'; Marathon = '$($h.Endpoint('marathon'))' }"
        $null = $ps.AddScript("Import-Module '$env:SHOWCASE_MODULE_PATH'; Sync-ShowcaseService -Channel Http -PlatformEndpoint $endpoints -Watch -ResyncSeconds 2 -TimeoutSeconds 60 -PassThru")
        $async = $ps.BeginInvoke()
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(10)
            while ($h.Marathon.EventStreamCount -eq 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            $h.Marathon.EventStreamCount | Should -BeGreaterThan 0
            $null = Invoke-Api marathon PATCH '/v2/apps/web?force=true' @{ instances = 4 }
            Start-Sleep -Milliseconds 150
            $null = $h.Marathon.KillTask($h.Marathon.TaskIds('/web')[0])
            $null = $h.Marathon.KillEventStreams()
            $null = Invoke-Api marathon PATCH '/v2/apps/web?force=true' @{ instances = 2 }
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            do { Start-Sleep -Milliseconds 200 } until ((Test-Converged) -or [DateTime]::UtcNow -gt $deadline)
            Test-Converged | Should -BeTrue
        }
        finally {
            $ps.Stop()   # what Ctrl+C does
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $ps.Dispose()
        }
        $chaos.Shuffle = $false; $chaos.DuplicateRate = 0; $chaos.DropRate = 0
    }

    It '-Watch -MaxCycles ends on its own and reports each cycle' {
        $cycles = @(Sync-ShowcaseService -Channel Http -Watch -MaxCycles 2 -ResyncSeconds 1 -PassThru | Where-Object { $_ -is [ShowcaseOps.Model.ShowcaseSyncCycle] })
        $cycles.Count | Should -Be 2
        $cycles[0].Trigger | Should -Be 'Start'
        $cycles[1].Trigger | Should -BeIn 'Timer', 'Event', 'Reconnect'
    }

    It '-Watch warns (Write-Warning, not only -Verbose) when the Marathon event stream fails, once per outage' {
        $null = $h.Faults.Add('marathon', 'GET /v2/events', 1, 503, $null, 'events down', 1000)
        try {
            $out = Sync-ShowcaseService -Channel Http -Watch -MaxCycles 2 -ResyncSeconds 1 -PassThru -WarningVariable warned -WarningAction SilentlyContinue
        }
        finally { $h.Faults.Clear() }
        @($out | Where-Object { $_ -is [ShowcaseOps.Model.ShowcaseSyncCycle] }).Count | Should -Be 2
        $streamWarnings = @($warned | Where-Object { "$_" -like '*Marathon event stream*failed*' })
        $streamWarnings.Count | Should -Be 1 -Because 'the backoff retries of one outage make one warning'
        "$($streamWarnings[0])" | Should -BeLike '*full resync*'
    }

    It '-Watch says it is idle under -Verbose (heartbeat) and warns about nothing while the stream is up' {
        $hooks = [ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.TestHooks')
        $hooks::SyncHeartbeat = [TimeSpan]::FromMilliseconds(300)
        try {
            $records = Sync-ShowcaseService -Channel Http -Watch -MaxCycles 2 -ResyncSeconds 2 -Verbose -WarningVariable warned 4>&1
        }
        finally { $hooks::SyncHeartbeat = $null }
        $beats = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Watching demo: idle for * s, event stream connected; next full resync in * s.' })
        $beats.Count | Should -BeGreaterOrEqual 3 -Because 'a 2 s wait with a 300 ms heartbeat'
        @($warned).Count | Should -Be 0
    }

    It 'rejects bad input at the parameter with zero remote calls' {
        $h.Log.Clear()
        { Sync-ShowcaseService -Watch -ResyncSeconds 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,ShowcaseOps.Commands.Sync.SyncShowcaseServiceCommand'
        { Sync-ShowcaseService -ResyncSeconds 10 } | Should -Throw -ErrorId 'MissingMandatoryParameter,ShowcaseOps.Commands.Sync.SyncShowcaseServiceCommand'
        $h.Log.Count() | Should -Be 0
    }
}

Describe 'Traffic rules shared by the pipeline and Sync over the <_> channel' -ForEach 'Ssm', 'Http' {
    BeforeAll {
        $script:channel = $_
        $script:healthApp = '{"id":"/hc","instances":3,"cmd":"sleep 1000","cpus":0.1,"mem":16,"portDefinitions":[{"port":0}],"healthChecks":[{"protocol":"HTTP","path":"/","portIndex":0}],"labels":{"showcaseops.expose":"true"}}'
        $script:iptApp = '{"id":"/shop/ipt","instances":2,"cpus":0.1,"mem":16,"container":{"type":"DOCKER","docker":{"image":"nginx"},"portMappings":[{"containerPort":8080,"name":"http"}]},"networks":[{"mode":"container","name":"overlay"}],"labels":{"showcaseops.expose":"true"}}'
        function Get-InstanceEntries([string] $Service) {
            @($h.Consul.Services.Values | Where-Object { $_.Name -eq $Service -and $_.Meta['showcase-role'] -eq 'instance' } | ForEach-Object { "$($_.Address):$($_.Port)" } | Sort-Object)
        }
        function Get-ServerEntries([string] $Service) {
            @(($h.Vulcand.Backends | Where-Object Id -EQ $Service).Servers | ForEach-Object { $_.Url -replace '^http://', '' } | Sort-Object)
        }
    }
    BeforeEach { Reset-Platform }

    It 'an unhealthy task is never registered: the pipeline skips it with a warning, Sync leaves it out' {
        $h.Marathon.SeedApp($healthApp)
        $sick = $h.Marathon.TaskIds('/hc')[1]
        $null = $h.Marathon.SetTaskHealth($sick, $false, '503')
        $tasks = Get-MarathonTask -AppId hc -Channel $channel
        ($tasks | Where-Object Id -EQ $sick).Serving | Should -BeFalse
        ($tasks | Where-Object Id -EQ $sick).NotServingReason | Should -Match 'unhealthy'
        @($tasks | Where-Object Serving).Count | Should -Be 2

        $null = Get-MarathonApp hc -Channel $channel | Register-ShowcaseService -Channel $channel
        $result = $tasks | Register-ShowcaseInstance -Channel $channel -WarningVariable skipped -WarningAction SilentlyContinue
        @($result).Count | Should -Be 2
        @($skipped).Count | Should -Be 1
        "$($skipped[0])" | Should -Match ([regex]::Escape(($tasks | Where-Object Id -EQ $sick).InstanceId))
        $h.Consul.Services.Keys | Should -Not -Contain ('hc-' + ($tasks | Where-Object Id -EQ $sick).InstanceId)
        (Get-ServerEntries hc).Count | Should -Be 2

        Reset-Platform
        $h.Marathon.SeedApp($healthApp)
        $null = $h.Marathon.SetTaskHealth($h.Marathon.TaskIds('/hc')[0], $false, '503')
        $null = Sync-ShowcaseService -Channel $channel
        (Get-InstanceEntries hc).Count | Should -Be 2
        (Get-ServerEntries hc).Count | Should -Be 2
    }

    It 'an IP-per-task app registers through the pipeline and through Sync at ipAddresses[0] and the container port' {
        $h.Marathon.SeedApp($iptApp)
        $tasks = @(Get-MarathonTask -AppId /shop/ipt -Channel $channel)
        $tasks.Count | Should -Be 2
        $tasks | ForEach-Object { $_.Ports.Count | Should -Be 0; $_.ServiceName | Should -Be 'ipt'; $_.HostPort | Should -Be 8080; $_.HostAddress | Should -Be $_.IpAddresses[0]; $_.Serving | Should -BeTrue }
        $expected = @($tasks | ForEach-Object { "$($_.IpAddresses[0]):8080" } | Sort-Object)

        $service = Get-MarathonApp /shop/ipt -Channel $channel | Register-ShowcaseService -Channel $channel
        $service.Name | Should -Be 'ipt'
        $result = $tasks | Register-ShowcaseInstance -Channel $channel
        @($result | Where-Object Status -EQ 'Registered').Count | Should -Be 2
        Get-InstanceEntries ipt | Should -Be $expected
        Get-ServerEntries ipt | Should -Be $expected

        Reset-Platform
        $h.Marathon.SeedApp($iptApp)
        $expected = @(Get-MarathonTask -AppId /shop/ipt -Channel Http | ForEach-Object { "$($_.IpAddresses[0]):8080" } | Sort-Object)
        $changes = Sync-ShowcaseService -Channel $channel
        @($changes | Where-Object Status -NE Done).Count | Should -Be 0
        Get-InstanceEntries ipt | Should -Be $expected
        Get-ServerEntries ipt | Should -Be $expected
    }

    It 'an app whose name is not a DNS label is refused with MarathonServiceNameInvalid' {
        $h.Marathon.SeedApp('{"id":"/web.v2","instances":1,"cmd":"sleep 1000","cpus":0.1,"mem":16,"portDefinitions":[{"port":0}],"labels":{"showcaseops.expose":"true"}}')
        $tasks = Get-MarathonTask -Channel $channel -ErrorVariable refused -ErrorAction SilentlyContinue
        $tasks | Should -BeNullOrEmpty
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'MarathonServiceNameInvalid,*'
        $null = Sync-ShowcaseService -Channel $channel -WarningAction SilentlyContinue
        $h.Consul.Services.Count | Should -Be 0
    }

    It 'a gateway + sync run keeps the Mesos and Marathon UI routes (with and without -Name)' {
        $h.Marathon.SeedApp($appJson)
        $null = Register-ShowcaseGateway -AllowCidr 203.0.113.0/24 -Channel $channel -WarningAction SilentlyContinue
        $ui = @($h.Kong.Routes | ForEach-Object { $_.Json['name'].ToString() } | Sort-Object)
        $ui | Should -Be @('gateway-marathon', 'gateway-mesos')
        $null = Sync-ShowcaseService -Channel $channel
        $null = Sync-ShowcaseService -Channel $channel -Name gateway-marathon, gateway-mesos
        @($h.Kong.Routes | ForEach-Object { $_.Json['name'].ToString() } | Sort-Object) | Should -Be @('gateway-marathon', 'gateway-mesos', 'web')
        @($h.Kong.Plugins | Where-Object Name -EQ 'ip-restriction').Count | Should -Be 2
    }

    It 'instances the pipeline registered for an app survive the next Sync, with no orphaned Vulcand server' {
        $h.Marathon.SeedApp($appJson)
        $null = Invoke-Api marathon PATCH '/v2/apps/web?force=true' @{ instances = 3 }
        $deadline = [DateTime]::UtcNow.AddSeconds(5)
        do { Start-Sleep -Milliseconds 50 } until (@(Get-MarathonTask -AppId web -Channel Http | Where-Object Serving).Count -eq 3 -or [DateTime]::UtcNow -gt $deadline)
        $null = Get-MarathonApp web -Channel $channel | Register-ShowcaseService -Channel $channel
        $null = Get-MarathonTask -AppId web -Channel $channel | Register-ShowcaseInstance -Channel $channel
        $before = Get-InstanceEntries web
        $before.Count | Should -Be 3

        $changes = Sync-ShowcaseService -Channel $channel -WarningAction SilentlyContinue
        @($changes).Count | Should -Be 0
        Get-InstanceEntries web | Should -Be $before
        Get-ServerEntries web | Should -Be $before
    }

    It 'refuses an instance of an unregistered service before any write: no Consul entry' {
        $start = [DateTime]::UtcNow
        $null = Register-ShowcaseInstance -ServiceName nosuch -InstanceId n1 -HostAddress 10.0.12.9 -HostPort 31009 -Channel $channel -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'ShowcaseServiceNotRegistered,*'
        (Get-PlatformWrites $start).Count | Should -Be 0
        $h.Consul.Services.Count | Should -Be 0
    }
}

Describe 'Health checks and draining over the <_> channel' -ForEach 'Ssm', 'Http' {
    BeforeAll { $script:channel = $_ }
    BeforeEach { Reset-Platform }

    It 'each instance gets a Consul check derived from the Marathon health check, with DeregisterCriticalServiceAfter' {
        $h.Marathon.SeedApp('{"id":"/hc","instances":1,"cmd":"sleep 1000","cpus":0.1,"mem":16,"portDefinitions":[{"port":0}],"healthChecks":[{"protocol":"HTTP","path":"/health","portIndex":0}]}')
        $h.Marathon.SeedApp('{"id":"/plain","instances":1,"cmd":"sleep 1000","cpus":0.1,"mem":16,"portDefinitions":[{"port":0}]}')
        foreach ($app in 'hc', 'plain') {
            $null = Get-MarathonApp $app -Channel $channel | Register-ShowcaseService -Channel $channel
            $null = Get-MarathonTask -AppId $app -Channel $channel | Register-ShowcaseInstance -Channel $channel
        }
        $task = Get-MarathonTask -AppId hc -Channel $channel
        $check = $h.Consul.Services["hc-$($task.InstanceId)"].Checks
        $check['HTTP'].ToString() | Should -Be "http://$($task.HostAddress):$($task.HostPort)/health"
        $check['DeregisterCriticalServiceAfter'].ToString() | Should -Be '1m'
        $plain = Get-MarathonTask -AppId plain -Channel $channel
        $h.Consul.Services["plain-$($plain.InstanceId)"].Checks['TCP'].ToString() | Should -Be "$($plain.HostAddress):$($plain.HostPort)"
        $start = [DateTime]::UtcNow
        $null = Get-MarathonTask -AppId hc -Channel $channel | Register-ShowcaseInstance -Channel $channel
        (Get-PlatformWrites $start).Count | Should -Be 0 -Because 'the check is part of what a re-run compares'
    }

    It 'Set-MarathonApp -Instances down drains the tasks that go (out of Vulcand, Consul maintenance) before the kill of exactly those tasks' {
        $h.Marathon.SeedApp($appJson)
        $null = Invoke-Api marathon PATCH '/v2/apps/web?force=true' @{ instances = 3 }
        $deadline = [DateTime]::UtcNow.AddSeconds(5)
        do { Start-Sleep -Milliseconds 50 } until (@(Get-MarathonTask -AppId web -Channel Http | Where-Object Serving).Count -eq 3 -or [DateTime]::UtcNow -gt $deadline)
        $null = Get-MarathonApp web -Channel $channel | Register-ShowcaseService -Channel $channel
        $null = Get-MarathonTask -AppId web -Channel $channel | Register-ShowcaseInstance -Channel $channel
        $youngest = Get-MarathonTask -AppId web -Channel Http | Sort-Object StagedAt | Select-Object -Last 1
        $start = [DateTime]::UtcNow

        $null = Set-MarathonApp web -Instances 2 -DrainSeconds 1 -Channel $channel -Wait
        $log = @(Get-ShowcaseSandboxRequest | Where-Object { $_.Time -ge $start })
        $drainOut = $log | Where-Object { $_.Service -eq 'vulcand' -and $_.Operation -eq 'DELETE /v2/backends/{backend}/servers/{server}' } | Select-Object -First 1
        $maintenance = $log | Where-Object { $_.Service -eq 'consul' -and $_.Operation -eq 'PUT /v1/agent/service/maintenance/{id}' } | Select-Object -First 1
        $deregister = $log | Where-Object { $_.Service -eq 'consul' -and $_.Operation -eq 'PUT /v1/agent/service/deregister/{id}' } | Select-Object -First 1
        $kill = $log | Where-Object { $_.Service -eq 'marathon' -and $_.Operation -eq 'POST /v2/tasks/delete' } | Select-Object -First 1
        $drainOut, $maintenance, $deregister, $kill | Should -Not -BeNullOrEmpty
        $drainOut.Target | Should -Be "web/$($youngest.InstanceId)"
        $maintenance.Target | Should -Be "web-$($youngest.InstanceId)"
        $drainOut.Sequence | Should -BeLessThan $kill.Sequence
        $maintenance.Sequence | Should -BeLessThan $deregister.Sequence
        $deregister.Sequence | Should -BeLessThan $kill.Sequence
        ($deregister.Time - $maintenance.Time).TotalSeconds | Should -BeGreaterOrEqual 0.9
        @(Get-MarathonTask -AppId web -Channel Http).Id | Should -Not -Contain $youngest.Id
        @(Get-MarathonTask -AppId web -Channel Http).Count | Should -Be 2
        @(Get-ShowcaseInstance web -Channel Http).Count | Should -Be 2
    }

    It 'Unregister-ShowcaseInstance drains before it removes; -DrainSeconds 0 does not wait' {
        $null = Register-ShowcaseService -Name web -ServicePort 10000 -Channel $channel
        $null = Register-ShowcaseInstance -ServiceName web -InstanceId w1 -HostAddress 10.0.12.9 -HostPort 31009 -Channel $channel
        $start = [DateTime]::UtcNow
        $null = Unregister-ShowcaseInstance -ServiceName web -InstanceId w1 -DrainSeconds 1 -Channel $channel -Confirm:$false
        $log = @(Get-ShowcaseSandboxRequest | Where-Object { $_.Time -ge $start -and $_.Service -in 'consul', 'vulcand' -and $_.Operation -notlike 'GET *' })
        $log.Operation | Should -Be @('DELETE /v2/backends/{backend}/servers/{server}', 'PUT /v1/agent/service/maintenance/{id}', 'PUT /v1/agent/service/deregister/{id}')
        ($log[2].Time - $log[1].Time).TotalSeconds | Should -BeGreaterOrEqual 0.9
        $h.Consul.Services.Keys | Should -Not -Contain 'web-w1'
    }

    It 'Sync drains the instances of gone tasks before it deregisters them' {
        $h.Marathon.SeedApp($appJson)
        $null = Sync-ShowcaseService -Channel $channel
        $gone = $h.Marathon.TaskIds('/web')[0]
        $h.Marathon.RestartKilledTasks = $false
        $null = $h.Marathon.KillTask($gone)
        $start = [DateTime]::UtcNow
        $null = Sync-ShowcaseService -Channel $channel -DrainSeconds 1
        $log = @(Get-ShowcaseSandboxRequest | Where-Object { $_.Time -ge $start -and $_.Service -eq 'consul' -and $_.Operation -like 'PUT *' })
        $log[0].Operation | Should -Be 'PUT /v1/agent/service/maintenance/{id}'
        ($log | Where-Object Operation -EQ 'PUT /v1/agent/service/deregister/{id}') | Should -Not -BeNullOrEmpty
        (($log | Where-Object Operation -EQ 'PUT /v1/agent/service/deregister/{id}')[0].Time - $log[0].Time).TotalSeconds | Should -BeGreaterOrEqual 0.9
        @(Get-ShowcaseInstance web -Channel Http).Count | Should -Be 0
    }
}

Describe 'Taking over a Kong service made by hand, over the <_> channel' -ForEach 'Ssm', 'Http' {
    BeforeAll { $script:channel = $_ }
    BeforeEach {
        Reset-Platform
        # Someone's own Kong service and route for "web": their timeouts and tags, no showcaseops tag.
        $null = Invoke-Api kong PUT '/services/web' @{ name = 'web'; url = 'http://legacy.internal:8080'; connect_timeout = 1234; read_timeout = 4321; retries = 2; tags = @('team-a') }
        $null = Invoke-Api kong PUT '/services/web/routes/web' @{ name = 'web'; hosts = @('web.service.consul'); tags = @('team-a') }
    }

    It 'refuses without -Force (ShowcaseServiceNotOwned) and writes nothing' {
        $start = [DateTime]::UtcNow
        { Register-ShowcaseService -Name web -ServicePort 10000 -Channel $channel -ErrorAction Stop } | Should -Throw -ErrorId 'ShowcaseServiceNotOwned,ShowcaseOps.Commands.Services.RegisterShowcaseServiceCommand'
        (Get-PlatformWrites $start).Count | Should -Be 0
        $service = Invoke-Api kong GET '/services/web'
        $service.host | Should -Be 'legacy.internal'
        $service.tags | Should -Be @('team-a')
    }

    It 'with -Force PATCHes, keeping the user''s timeouts, retries and tags; a second run writes nothing' {
        $start = [DateTime]::UtcNow
        $result = Register-ShowcaseService -Name web -ServicePort 10000 -Channel $channel -Force -WarningVariable warned -WarningAction SilentlyContinue
        $result.Status | Should -Be 'Registered'
        "$warned" | Should -BeLike '*Taking over*'
        $kongWrites = @(Get-PlatformWrites $start | Where-Object Service -EQ kong)
        $kongWrites.Operation | Should -Not -Contain 'PUT /services/{service}'
        @($kongWrites | Where-Object { $_.Operation -like 'PATCH *' }).Count | Should -Be 2
        $service = Invoke-Api kong GET '/services/web'
        $service.host | Should -Be 'vulcand.service.consul'
        $service.port | Should -Be 10000
        $service.connect_timeout | Should -Be 1234
        $service.read_timeout | Should -Be 4321
        $service.retries | Should -Be 2
        $service.tags | Should -Contain 'team-a'
        $service.tags | Should -Contain 'showcaseops'
        $route = Invoke-Api kong GET '/routes/web'
        $route.tags | Should -Contain 'team-a'
        $route.preserve_host | Should -BeTrue
        $again = [DateTime]::UtcNow
        $null = Register-ShowcaseService -Name web -ServicePort 10000 -Channel $channel
        (Get-PlatformWrites $again).Count | Should -Be 0
    }
}
