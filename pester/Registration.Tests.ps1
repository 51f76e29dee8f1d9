# Register-/Unregister-ShowcaseService and -Instance, Get-ShowcaseInstance, Register-ShowcaseGateway, Get-ShowcaseEndpoint
# against the sandbox, over the SSM channel (platform scripts executed for real by the SSM stand-in) and the HTTP channel.
BeforeAll {
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    $script:sandbox = Start-ShowcaseSandbox -Force
    $null = New-ShowcaseCluster -Name demo -InstanceProfileName showcase-ssm -SkipBootstrap
    $script:platform = 'consul', 'vulcand', 'kong'
    function Reset-Platform { foreach ($s in $sandbox.Host.Consul, $sandbox.Host.Vulcand, $sandbox.Host.Kong) { $s.Reset() } }
    function Get-PlatformWrites([DateTime] $Since) { @($sandbox.Host.Log.Writes() | Where-Object { $_.Service -in $platform -and $_.Time -ge $Since }) }
    function Get-PlatformSnapshot {
        # Everything but timestamps Kong refreshes on an identical PUT.
        $kong = @($sandbox.Host.Kong.Services) + @($sandbox.Host.Kong.Routes) | ForEach-Object { $j = $_.Json.DeepClone(); $null = $j.Remove('updated_at'); $j.ToString() }
        @(
            $sandbox.Host.Consul.Services.Values | Sort-Object Id | ForEach-Object { '{0}|{1}|{2}|{3}|{4}' -f $_.Id, $_.Name, $_.Address, $_.Port, (($_.Meta.GetEnumerator() | Sort-Object Key | ForEach-Object { "$($_.Key)=$($_.Value)" }) -join ',') }
            $sandbox.Host.Vulcand.Hosts | ForEach-Object Name
            $sandbox.Host.Vulcand.Backends | ForEach-Object { $_.Id + ':' + (($_.Servers | ForEach-Object { $_.Id + '=' + $_.Url }) -join ',') }
            $sandbox.Host.Vulcand.Frontends | ForEach-Object { $_.Id + ':' + $_.Route }
            $sandbox.Host.Vulcand.Listeners | ForEach-Object Id
            $kong
        ) -join "`n"
    }
    function Test-PlatformEmpty {
        $sandbox.Host.Consul.Services.Count + $sandbox.Host.Vulcand.Hosts.Count + $sandbox.Host.Vulcand.Backends.Count + $sandbox.Host.Vulcand.Frontends.Count +
        $sandbox.Host.Vulcand.Listeners.Count + $sandbox.Host.Kong.Services.Count + $sandbox.Host.Kong.Routes.Count | Should -Be 0
    }
    function New-TestInstance([int] $n) { [pscustomobject]@{ ServiceName = 'web'; InstanceId = "web$n"; Address = "10.0.12.$(220 + $n)"; Port = 53760 + $n } }
}

AfterAll {
    Stop-ShowcaseSandbox -Confirm:$false
}

Describe 'The registration lifecycle over the <_> channel' -ForEach 'Ssm', 'Http' {
    BeforeAll { Reset-Platform; $script:channel = $_ }

    It 'registers a service in Consul, Vulcand and Kong; a second run sends no write' {
        $service = Register-ShowcaseService -Name web -ServicePort 10000 -Channel $channel
        $service | Should -BeOfType ShowcaseOps.Model.ShowcaseService
        $service.Status | Should -Be 'Registered'
        $service.RegisteredIn | Should -Be @('Consul', 'Vulcand', 'Kong')
        $sandbox.Host.Vulcand.Frontends[0].Route | Should -Be 'Host("web.service.consul") && PathRegexp("/.*")'
        $sandbox.Host.Vulcand.Listeners[0].Address | Should -Be '0.0.0.0:10000'
        $sandbox.Host.Consul.Services['web'].Meta['managed-by'] | Should -Be 'showcaseops'
        $before = Get-PlatformSnapshot
        $start = [DateTime]::UtcNow
        $again = Register-ShowcaseService -Name web -ServicePort 10000 -Channel $channel
        $again.Status | Should -Be 'Registered'
        (Get-PlatformWrites $start).Count | Should -Be 0
        Get-PlatformSnapshot | Should -Be $before
    }

    It 'registers three instances from the pipeline in one read and one write batch; a second run sends no write' {
        $sends = $sandbox.Host.Log.Count('ssm', 'SendCommand')
        $result = 1..3 | ForEach-Object { New-TestInstance $_ } | Register-ShowcaseInstance -Channel $channel
        $result.Count | Should -Be 3
        $result | ForEach-Object { $_ | Should -BeOfType ShowcaseOps.Model.ShowcaseInstance; $_.Status | Should -Be 'Registered'; $_.Changed | Should -BeTrue }
        if ($channel -eq 'Ssm') { $sandbox.Host.Log.Count('ssm', 'SendCommand') - $sends | Should -Be 2 }
        ($sandbox.Host.Vulcand.Backends | Where-Object Id -EQ web).Servers.Url | Should -Be @('http://10.0.12.221:53761', 'http://10.0.12.222:53762', 'http://10.0.12.223:53763')
        $sandbox.Host.Consul.Services['web-web2'].Address | Should -Be '10.0.12.222'
        $before = Get-PlatformSnapshot
        $start = [DateTime]::UtcNow
        $again = 1..3 | ForEach-Object { New-TestInstance $_ } | Register-ShowcaseInstance -Channel $channel
        $again.Changed | Should -Be @($false, $false, $false)
        (Get-PlatformWrites $start).Count | Should -Be 0
        Get-PlatformSnapshot | Should -Be $before
    }

    It 'Get-ShowcaseService and Get-ShowcaseInstance show all three targets and instances' {
        $service = Get-ShowcaseService -Name web -Channel $channel
        $service.InConsul, $service.InVulcand, $service.InKong | Should -Be @($true, $true, $true)
        $service.InstanceCount | Should -Be 3
        $instances = Get-ShowcaseInstance -ServiceName web -Channel $channel
        $instances.InstanceId | Should -Be @('web1', 'web2', 'web3')
        $instances | ForEach-Object { $_.RegisteredIn | Should -Be @('Consul', 'Vulcand') }
        ($service | Get-ShowcaseInstance -Channel $channel).Count | Should -Be 3
    }

    It 'Get-ShowcaseEndpoint gives the gateway https URL (http redirects), the Host header and the hosts-file line' {
        $endpoint = Get-ShowcaseEndpoint -Name web -Channel $channel
        $ip = (Get-ShowcaseCluster demo).GatewayPublicIpAddress
        $endpoint.Url | Should -Be "https://$ip/"
        $endpoint.RedirectUrl | Should -Be "http://$ip/"
        $endpoint.HostHeader | Should -Be 'Host: web.service.consul'
        $endpoint.HostsFileLine | Should -Be "$ip web.service.consul"
        $endpoint.Kind | Should -Be 'Service'
    }

    It 'unregisters an instance; a second run is no error and no write' {
        $gone = Get-ShowcaseInstance -ServiceName web -InstanceId web1 -Channel $channel | Unregister-ShowcaseInstance -Channel $channel -Force
        $gone.Status | Should -Be 'Unregistered'
        $sandbox.Host.Consul.Services.ContainsKey('web-web1') | Should -BeFalse
        $start = [DateTime]::UtcNow
        $again = Unregister-ShowcaseInstance -ServiceName web -InstanceId web1 -Channel $channel -Force -ErrorAction Stop
        $again.Changed | Should -BeFalse
        (Get-PlatformWrites $start).Count | Should -Be 0
        (Get-ShowcaseInstance -ServiceName web -Channel $channel).InstanceId | Should -Be @('web2', 'web3')
    }

    It 'unregisters the service with its instances, leaving the stand-ins empty; a second run is no error and no write' {
        Unregister-ShowcaseService -Name web -Force -Channel $channel
        Test-PlatformEmpty
        $start = [DateTime]::UtcNow
        Unregister-ShowcaseService -Name web -Force -Channel $channel -ErrorAction Stop
        (Get-PlatformWrites $start).Count | Should -Be 0
        Test-PlatformEmpty
    }
}

Describe 'Use-ShowcaseCluster -Channel Http -PlatformEndpoint without -Name' {
    It 'sets only the channel: a fresh runspace with no cluster and no AWS settings registers over HTTP' {
        Reset-Platform
        $h = $sandbox.Host
        $endpoints = "@{ Consul = '$($h.Endpoint('consul'))'; Vulcand = '$($h.Endpoint('vulcand'))'; Kong = '$($h.Endpoint('kong'))' }"
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$env:SHOWCASE_MODULE_PATH'; Use-ShowcaseCluster -Channel Http -PlatformEndpoint $endpoints; Register-ShowcaseService -Name solo -ServicePort 10005")
            $sends = $h.Log.Count('ssm', 'SendCommand')
            $ec2 = $h.Log.Count('ec2')
            $out = $ps.Invoke()
            @($ps.Streams.Error) | Should -BeNullOrEmpty
            $out.Status | Should -Be 'Registered'
            $h.Log.Count('ssm', 'SendCommand') | Should -Be $sends
            $h.Log.Count('ec2') | Should -Be $ec2 -Because 'no cluster is looked up'
            $h.Consul.Services.Keys | Should -Contain 'solo'
        }
        finally { $ps.Dispose() }
        Reset-Platform
    }
}

Describe 'Pipeline binding and per-item failures' {
    BeforeEach { Reset-Platform }

    It 'binds Name and ServicePort from a MarathonApp' {
        $app = [ShowcaseOps.Model.MarathonApp]::new('/shop/web')
        $app.ServicePorts = [int[]] @(10005)
        $service = $app | Register-ShowcaseService -Channel Http
        $service.Name | Should -Be 'web'
        $service.ServicePort | Should -Be 10005
    }

    It 'binds ServiceName, InstanceId, HostAddress and HostPort from a MarathonTask' {
        $null = Register-ShowcaseService -Name web -ServicePort 10000 -Channel Http
        $task = [ShowcaseOps.Model.MarathonTask]::new('web.instance-1b2c._app.1', '/web')
        $task.HostAddress = '10.0.12.31'
        $task.Ports = [int[]] @(31005)
        $task.State = 'TASK_RUNNING'; $task.Serving = $true; $task.ServiceName = 'web'   # a hand-made task, as Get-MarathonTask would fill it
        $result = $task | Register-ShowcaseInstance -Channel Http
        $result.ServiceName | Should -Be 'web'
        $result.InstanceId | Should -Be $task.InstanceId
        $sandbox.Host.Consul.Services["web-$($task.InstanceId)"].Port | Should -Be 31005
    }

    It 'reports an instance of an unregistered service as a non-terminating error with its target; the others are registered' {
        $null = Register-ShowcaseService -Name web -ServicePort 10000 -Channel Http
        $items = @(New-TestInstance 1; [pscustomobject]@{ ServiceName = 'nosuch'; InstanceId = 'n1'; Address = '10.0.12.9'; Port = 31009 }; New-TestInstance 2)
        $result = $items | Register-ShowcaseInstance -Channel Http -ErrorVariable failures -ErrorAction SilentlyContinue
        $result.Count | Should -Be 3
        ($result | Where-Object ServiceName -EQ web).Status | Should -Be @('Registered', 'Registered')
        ($result | Where-Object ServiceName -EQ nosuch).Status | Should -Be 'Unregistered'
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ShowcaseServiceNotRegistered,*'
        $failures[0].TargetObject | Should -Be 'nosuch/n1'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'reports a refused write per instance (injected Consul failure)' {
        $null = Register-ShowcaseService -Name web -ServicePort 10000 -Channel Http
        $sandbox.Host.Faults.Add('consul', 'PUT /v1/agent/service/register', 1, 500)
        $result = 1..2 | ForEach-Object { New-TestInstance $_ } | Register-ShowcaseInstance -Channel Http -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ShowcaseInstanceRegistrationFailed,*'
        ($result | Where-Object Status -EQ 'Partial').Count | Should -Be 1
        $sandbox.Host.Faults.Clear()
        (1..2 | ForEach-Object { New-TestInstance $_ } | Register-ShowcaseInstance -Channel Http).Status | Should -Be @('Registered', 'Registered')
    }

    It '-WhatIf sends nothing' {
        $count = $sandbox.Host.Log.Count()
        Register-ShowcaseService -Name web -ServicePort 10000 -WhatIf
        1..2 | ForEach-Object { New-TestInstance $_ } | Register-ShowcaseInstance -WhatIf
        Unregister-ShowcaseService -Name web -Force -WhatIf
        Unregister-ShowcaseInstance -ServiceName web -InstanceId web1 -WhatIf
        $sandbox.Host.Log.Count() | Should -Be $count
    }
}

Describe 'Bad input is refused at the parameter, with zero remote calls' {
    It 'refuses <Case>' -ForEach @(
        @{ Case = 'a service name that is not a DNS label'; Run = { Register-ShowcaseService -Name 'Web_1' -ServicePort 10000 } }
        @{ Case = 'a service name with a shell payload'; Run = { Register-ShowcaseService -Name 'web$(touch /tmp/x)' -ServicePort 10000 } }
        @{ Case = 'port 0'; Run = { Register-ShowcaseService -Name web -ServicePort 0 } }
        @{ Case = 'port 65536'; Run = { Register-ShowcaseInstance -ServiceName web -InstanceId w1 -HostAddress 10.0.0.1 -HostPort 65536 } }
        @{ Case = 'an address that is neither IPv4 nor a host name'; Run = { Register-ShowcaseInstance -ServiceName web -InstanceId w1 -HostAddress '10.0.0.1;reboot' -HostPort 80 } }
        @{ Case = 'an out-of-range IPv4 address'; Run = { Register-ShowcaseInstance -ServiceName web -InstanceId w1 -HostAddress '10.0.0.256' -HostPort 80 } }
        @{ Case = 'an instance id with a backtick'; Run = { Unregister-ShowcaseInstance -ServiceName web -InstanceId 'w`1' } }
        @{ Case = 'a CIDR with host bits'; Run = { Register-ShowcaseGateway -AllowCidr 10.0.0.1/8 } }
        @{ Case = 'a gateway without protection'; Run = { Register-ShowcaseGateway } }
        @{ Case = 'anonymous combined with a protection'; Run = { Register-ShowcaseGateway -AllowAnonymous -KeyAuth } }
    ) {
        $count = $sandbox.Host.Log.Count()
        { & $Run } | Should -Throw
        $Error[0].CategoryInfo.Category | Should -BeIn 'InvalidArgument', 'InvalidData'
        $sandbox.Host.Log.Count() | Should -Be $count
    }
}

Describe 'Hostile text: refused at the parameter or arriving byte-exact, never executed' {
    BeforeAll {
        Reset-Platform
        $random = [Random]::new(20160)
        $pieces = @('''', '"', '$(', ')', '`', "`n", "`r", ';', '|', '&', '\', ' ', '$HOME', '${x}', '%s', '*', '?', '[', '~', '#', '<', '>',
            'é', '日本', '🙂', [string][char]0, [string][char]0x202E, 'a', 'Z', '9', '-', '_', '.', "touch /tmp/pwned-$PID")
        $safe = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.'
        # 2,000 here through the real parameter attributes; the core predicates they call get 10,000 in xunit (RegistrationInputTests).
        $script:strings = foreach ($i in 1..2000) {
            $b = [Text.StringBuilder]::new()
            if ($i % 2) { foreach ($k in 1..$random.Next(1, 8)) { $null = $b.Append($pieces[$random.Next($pieces.Count)]) } }
            else { foreach ($k in 1..$random.Next(1, 40)) { $null = $b.Append($safe[$random.Next($safe.Length)]) } }
            $b.ToString()
        }
    }

    It 'the parameter checks accept only plain alphabets (2,000 random strings per check)' {
        $accepted = [Collections.Generic.List[string]]::new()
        foreach ($s in $strings) {
            $ok = $true
            try { [ShowcaseOps.Commands.Services.ValidateInstanceId()] $v = $s } catch [System.Management.Automation.ValidationMetadataException] { $ok = $false }
            if ($ok) { $s | Should -Match '^[A-Za-z0-9._-]{1,128}$'; $accepted.Add($s) }
            foreach ($check in 'ServiceName', 'HostAddress', 'Cidr') {
                try {
                    switch ($check) {
                        'ServiceName' { [ShowcaseOps.Commands.Services.ValidateServiceName()] $v = $s; $s | Should -Match '^[a-z0-9-]{1,63}$' }
                        'HostAddress' { [ShowcaseOps.Commands.Services.ValidateHostAddress()] $v = $s; $s | Should -Match '^[A-Za-z0-9.-]+$' }
                        'Cidr' { [ShowcaseOps.Commands.Services.ValidateCidr()] $v = $s; $s | Should -Match '^[0-9./]+$' }
                    }
                }
                catch [System.Management.Automation.ValidationMetadataException] { }
            }
        }
        $script:acceptedIds = @($accepted | Where-Object { $_.Trim('.').Length -gt 0 } | Select-Object -Unique -First 300)
        $acceptedIds.Count | Should -BeGreaterThan 50
    }

    It 'a hostile sample through the cmdlets: parameter errors and no remote call' {
        $count = $sandbox.Host.Log.Count()
        foreach ($s in $strings | Select-Object -First 400) {
            if ($s -cmatch '^[A-Za-z0-9._-]+$') { continue }
            { Register-ShowcaseInstance -ServiceName web -InstanceId $s -HostAddress $s -HostPort 80 -Channel Ssm } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        }
        $sandbox.Host.Log.Count() | Should -Be $count
    }

    It 'the accepted ids arrive byte-exact at Consul and Vulcand over the SSM channel (scripts executed for real)' {
        $null = Register-ShowcaseService -Name web -ServicePort 10000 -Channel Ssm
        $i = 0
        $result = $acceptedIds | ForEach-Object { $i++; [pscustomobject]@{ ServiceName = 'web'; InstanceId = $_; HostAddress = '10.0.12.7'; HostPort = 30000 + $i } } |
            Register-ShowcaseInstance -Channel Ssm
        @($result | Where-Object Status -NE 'Registered').Count | Should -Be 0
        $servers = ($sandbox.Host.Vulcand.Backends | Where-Object Id -EQ web).Servers.Id | Sort-Object -CaseSensitive
        $servers | Should -Be ($acceptedIds | Sort-Object -CaseSensitive)
        $metas = $sandbox.Host.Consul.Services.Values | Where-Object { $_.Meta['showcase-role'] -eq 'instance' } | ForEach-Object { $_.Meta['showcase-instance'] } | Sort-Object -CaseSensitive
        $metas | Should -Be ($acceptedIds | Sort-Object -CaseSensitive)
        Test-Path "/tmp/pwned-$PID" | Should -BeFalse
    }
}

Describe 'Register-ShowcaseGateway' {
    BeforeEach { Reset-Platform }

    It 'exposes the Mesos and Marathon UIs with ip-restriction and key-auth; the key is a SecureString that never enters an SSM command' {
        $endpoints = Register-ShowcaseGateway -AllowCidr 203.0.113.0/24, 198.51.100.7 -KeyAuth -Channel Http -WarningAction SilentlyContinue
        $endpoints.Name | Should -Be @('mesos', 'marathon')
        $endpoints.HostName | Should -Be @('mesos.service.consul', 'marathon.service.consul')
        $master = (Get-ShowcaseCluster demo).MasterPrivateIpAddress
        ($sandbox.Host.Kong.Services | ForEach-Object { $_.Json['host'].ToString() + ':' + $_.Json['port'] } | Sort-Object) | Should -Be @("${master}:5050", "${master}:8080")
        $ip = @($sandbox.Host.Kong.Plugins | Where-Object Name -EQ 'ip-restriction')
        $ip.Count | Should -Be 2
        $ip[0].Json['config']['allow'] | ForEach-Object ToString | Should -Be @('203.0.113.0/24', '198.51.100.7')
        @($sandbox.Host.Kong.Plugins | Where-Object Name -EQ 'key-auth').Count | Should -Be 2
        $parameter = $sandbox.Host.Ssm.Parameters.Get('/showcaseops/demo/gateway-api-key')
        $parameter.Type | Should -Be 'SecureString'
        $sandbox.Host.Kong.KeyAuthCredentials[0].Json['key'].ToString() | Should -Be $parameter.Value
        Reset-Platform
        $null = Register-ShowcaseGateway -AllowCidr 203.0.113.0/24 -KeyAuth -Channel Ssm -ErrorAction SilentlyContinue -ErrorVariable failed -WarningAction SilentlyContinue
        $failed | Should -BeNullOrEmpty -Because 'the gateway reads the key with its role from the sandbox''s IMDS and Parameter Store'
        $sandbox.Host.Kong.KeyAuthCredentials[0].Json['key'].ToString() | Should -Be $parameter.Value -Because 'the gateway installed the stored key itself'
        foreach ($command in $sandbox.Host.Ssm.Commands) {
            ($command.Commands -join "`n") | Should -Not -Match ([regex]::Escape($parameter.Value))
        }
        $sandbox.Host.Ssm.Parameters.Get('/showcaseops/demo/gateway-api-key').Value | Should -Be $parameter.Value -Because 'an existing key is kept'
        (Get-ShowcaseService -Channel Http) | Should -BeNullOrEmpty -Because 'the gateway UIs are not services'
        (Get-ShowcaseEndpoint -Channel Http | Where-Object Kind -EQ Gateway).Protection | Select-Object -Unique | Should -Be @('ip-restriction', 'key-auth')
    }

    It 'opens the UIs only with -AllowAnonymous, and removes protections no longer asked for' {
        $null = Register-ShowcaseGateway -AllowCidr 203.0.113.0/24 -Channel Http
        $sandbox.Host.Kong.Plugins.Count | Should -Be 2
        $open = Register-ShowcaseGateway -AllowAnonymous -Channel Http
        $open.Protection | Should -BeNullOrEmpty
        $sandbox.Host.Kong.Plugins.Count | Should -Be 0
        $sandbox.Host.Kong.Routes.Count | Should -Be 2
    }
}
