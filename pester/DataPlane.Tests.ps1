# The sandbox's data plane as users see it: Invoke-ShowcaseRequest through the loopback gateway (Kong's proxy, https with
# the gateway's certificate) to Vulcand and the Marathon tasks, which answer with their task id.
BeforeAll {
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    $script:repo = if ($env:SHOWCASE_REPO_ROOT) { $env:SHOWCASE_REPO_ROOT } else { Join-Path $PSScriptRoot '..' }
    $script:sandbox = Start-ShowcaseSandbox -Force
    $null = New-ShowcaseCluster -Name demo -InstanceProfileName showcase-ssm -SkipBootstrap
    $null = New-MarathonApp -Path (Join-Path $repo 'examples/specs/app.json')
    $null = Set-MarathonApp -Id web -Instances 2
    $null = Wait-MarathonDeployment -Id web
    # The certificate is installed over HTTP: over SSM the gateway would read it with its instance role, which the sandbox has not.
    $null = Register-ShowcaseGateway -AllowCidr 203.0.113.0/24 -Channel Http

}

AfterAll {
    Stop-ShowcaseSandbox -Confirm:$false
}

Describe 'Requests through the sandbox gateway, services registered over <_>' -ForEach 'Ssm', 'Http' {
    BeforeAll {
        $script:channel = $_
        $null = Get-MarathonApp web | Register-ShowcaseService -Channel $channel
    }

    AfterAll {
        $null = Unregister-ShowcaseService -Name web -Channel $channel -Force
    }

    It 'answers 503 while the service has no instance' {
        $result = Invoke-ShowcaseRequest -Service web
        $result | Should -BeOfType ShowcaseOps.Model.ShowcaseRequestResult
        $result.StatusCode | Should -Be 503
        $result.Instance | Should -BeNullOrEmpty
        $result.Url | Should -Be 'https://web.service.consul/'
    }

    It 'alternates between the instances (round robin), each request naming the task that answered' {
        $null = Get-MarathonTask -AppId web | Register-ShowcaseInstance -Channel $channel
        $tasks = @((Get-MarathonTask -AppId web).Id | Sort-Object)
        $results = @(Invoke-ShowcaseRequest -Service web -Count 4)
        $results.Count | Should -Be 4
        $results.StatusCode | Select-Object -Unique | Should -Be 200
        $results.Sequence | Should -Be @(1, 2, 3, 4)
        @($results.Instance | Sort-Object -Unique) | Should -Be $tasks
        $results[0].Instance | Should -Not -Be $results[1].Instance
        $results[0].Instance | Should -Be $results[2].Instance
        $results[1].Instance | Should -Be $results[3].Instance
        ($results[0].Body | ConvertFrom-Json).instance | Should -Be $results[0].Instance
        $results[0].Elapsed | Should -BeOfType [TimeSpan]
    }

    It 'stops reaching an instance once it is unregistered' {
        $gone = Get-ShowcaseInstance -ServiceName web -Channel $channel | Select-Object -First 1
        $task = (Get-MarathonTask -AppId web | Where-Object InstanceId -EQ $gone.InstanceId).Id
        $null = $gone | Unregister-ShowcaseInstance -Channel $channel -Force
        $results = @(Invoke-ShowcaseRequest -Service web -Count 4)
        $results.StatusCode | Select-Object -Unique | Should -Be 200
        $results.Instance | Should -Not -Contain $task
        @($results.Instance | Select-Object -Unique).Count | Should -Be 1
    }

    It 'stops at the drained one: Set-MarathonApp -Instances down takes it out of Vulcand before the kill, and requests alternate between the others' {
        $null = Set-MarathonApp -Id web -Instances 3 -Wait
        $null = Get-MarathonTask -AppId web | Register-ShowcaseInstance -Channel $channel
        $all = @(Invoke-ShowcaseRequest -Service web -Count 6)
        @($all.Instance | Sort-Object -Unique).Count | Should -Be 3
        $youngest = Get-MarathonTask -AppId web | Sort-Object StagedAt | Select-Object -Last 1
        $start = [DateTime]::UtcNow
        $null = Set-MarathonApp -Id web -Instances 2 -DrainSeconds 1 -Channel $channel -Wait
        $log = @(Get-ShowcaseSandboxRequest | Where-Object { $_.Time -ge $start })
        $drain = $log | Where-Object { $_.Service -eq 'vulcand' -and $_.Operation -eq 'DELETE /v2/backends/{backend}/servers/{server}' } | Select-Object -First 1
        $kill = $log | Where-Object { $_.Service -eq 'marathon' -and $_.Operation -eq 'POST /v2/tasks/delete' } | Select-Object -First 1
        $drain.Target | Should -Be "web/$($youngest.InstanceId)"
        $drain.Sequence | Should -BeLessThan $kill.Sequence
        $results = @(Invoke-ShowcaseRequest -Service web -Count 4)
        $results.StatusCode | Select-Object -Unique | Should -Be 200
        $results.Instance | Should -Not -Contain $youngest.Id
        @($results.Instance | Sort-Object -Unique).Count | Should -Be 2
        $results[0].Instance | Should -Not -Be $results[1].Instance
        $results[0].Instance | Should -Be $results[2].Instance
        $null = Set-MarathonApp -Id web -Instances 2 -Wait
    }
}

Describe 'Invoke-ShowcaseRequest' {
    It 'shows the gateway redirect of plain http (308 to https), without following it' {
        $null = Get-MarathonApp web | Register-ShowcaseService -Channel Http
        $result = Invoke-ShowcaseRequest web -Path '/a/b?c=1' -Scheme http
        $result.StatusCode | Should -Be 308
        $result.Location | Should -Be 'https://web.service.consul/a/b?c=1'
        $result.Url | Should -Be 'http://web.service.consul/a/b?c=1'
    }

    It 'answers 404 for a service the gateway has no route for' {
        (Invoke-ShowcaseRequest -Service nothing).StatusCode | Should -Be 404
    }

    It 'answers 502 when a registered instance does not answer' {
        $null = Register-ShowcaseInstance -ServiceName web -InstanceId ghost -HostAddress 10.0.12.250 -HostPort 59999 -Channel Http
        $results = @(Invoke-ShowcaseRequest -Service web -Count 6)
        $results.StatusCode | Should -Contain 502
        $null = Unregister-ShowcaseInstance -ServiceName web -InstanceId ghost -Channel Http -Force
    }

    It 'refuses a service name that is not a DNS label at the parameter, before any request' {
        $before = $sandbox.Host.Log.Count()
        { Invoke-ShowcaseRequest -Service 'web.evil.example' } | Should -Throw -ErrorId 'ParameterArgumentValidationError,ShowcaseOps.Commands.Services.InvokeShowcaseRequestCommand'
        { Invoke-ShowcaseRequest -Service 'web' -Path "/`r`nX-Evil: 1" } | Should -Throw -ErrorId 'ParameterArgumentValidationError,ShowcaseOps.Commands.Services.InvokeShowcaseRequestCommand'
        $sandbox.Host.Log.Count() | Should -Be $before
    }

    It 'trusts only the gateway certificate: without it the request fails with ShowcaseRequestFailed' {
        $id = $sandbox.Host.Kong.Certificates[0]['id'].ToString()
        $pem = $sandbox.Host.Ssm.Parameters.Get('/showcaseops/demo/gateway-tls-certificate')
        $null = $sandbox.Host.Ssm.Parameters.Delete('/showcaseops/demo/gateway-tls-certificate')
        try {
            { Invoke-ShowcaseRequest -Service web -ErrorAction Stop } | Should -Throw -ErrorId 'ShowcaseRequestFailed,ShowcaseOps.Commands.Services.InvokeShowcaseRequestCommand'
        }
        finally {
            $null = $sandbox.Host.Ssm.Parameters.Put($pem.Name, $pem.Type, $pem.Value, $true)
        }
        (Invoke-ShowcaseRequest -Service web).StatusCode | Should -Not -Be 0
        $id | Should -Not -BeNullOrEmpty
    }
}
