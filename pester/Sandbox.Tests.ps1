BeforeAll {
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
}

AfterAll {
    Stop-ShowcaseSandbox -Confirm:$false
}

Describe 'Start-ShowcaseSandbox / Get-ShowcaseSandbox / Stop-ShowcaseSandbox' {
    It 'starts six loopback stand-ins that answer, and Get- shows them' {
        $sandbox = Start-ShowcaseSandbox -Force
        $shown = Get-ShowcaseSandbox
        $shown.IsRunning | Should -BeTrue
        $shown.Endpoints.Service | Should -Be @('ec2', 'ssm', 'consul', 'vulcand', 'kong', 'marathon')
        foreach ($endpoint in $shown.Endpoints) {
            $endpoint.Url | Should -Match '^http://127\.0\.0\.1:\d+/$'
            $response = Invoke-WebRequest -Uri $endpoint.Url -SkipHttpErrorCheck -TimeoutSec 5
            $response.StatusCode | Should -BeGreaterOrEqual 200
        }
        $sandbox.Host.Log.Count() | Should -Be 6
    }

    It 'returns the running sandbox with a warning instead of replacing it' {
        $first = Get-ShowcaseSandbox
        $again = Start-ShowcaseSandbox -WarningVariable warnings -WarningAction SilentlyContinue
        $again.Host | Should -Be $first.Host
        $warnings.Count | Should -Be 1
    }

    It 'logs requests and injects faults and latency' {
        $sandbox = Start-ShowcaseSandbox -Force
        $null = $sandbox.Host.Faults.Add('kong', 'GET /status', 1, 503)
        $sandbox.Host.Latency.Set('kong', 'GET /status', [TimeSpan]::FromMilliseconds(200))
        $url = ($sandbox.Endpoints | Where-Object Service -EQ kong).Url + 'status'
        $watch = [Diagnostics.Stopwatch]::StartNew()
        (Invoke-WebRequest -Uri $url -SkipHttpErrorCheck).StatusCode | Should -Be 503
        $watch.ElapsedMilliseconds | Should -BeGreaterOrEqual 190
        $entry = Get-ShowcaseSandboxRequest -Service kong -Last 1
        $entry.Status | Should -Be 503
        $entry.Operation | Should -Be 'GET /status'
    }

    It '-WhatIf stops nothing; Stop- frees the ports and clears the session defaults' {
        $sandbox = Get-ShowcaseSandbox
        Stop-ShowcaseSandbox -WhatIf
        (Get-ShowcaseSandbox).IsRunning | Should -BeTrue
        Stop-ShowcaseSandbox
        { Get-ShowcaseSandbox -ErrorAction Stop } | Should -Throw -ErrorId 'ShowcaseSandboxNotRunning,ShowcaseOps.Commands.Sandbox.GetShowcaseSandboxCommand'
        $url = $sandbox.Endpoints[0].Url
        { Invoke-WebRequest -Uri $url -TimeoutSec 2 } | Should -Throw
    }
}
