# Issue 15, "a platform with a lock on it", as users see it: the bootstrap creates the cluster's secrets, the sandbox's
# Consul and Marathon refuse requests without them, the module's commands carry them over both channels, no secret is
# ever part of an SSM command, and Remove-ShowcaseCluster removes them (unless -KeepSecrets).
BeforeAll {
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    $script:sandbox = Start-ShowcaseSandbox -Force -WarningAction SilentlyContinue
    $script:cluster = New-ShowcaseCluster -Name lock -InstanceProfileName showcase-ssm -AgentCount 1 -Confirm:$false
    $script:spec = Join-Path $env:SHOWCASE_REPO_ROOT 'examples/specs/app.json'
    function Get-LockSecret { @($sandbox.Host.Ssm.Parameters.All | Where-Object Name -like '/showcaseops/lock/*') }
    function Send-Raw([string] $Service, [string] $Method, [string] $Path, [string] $Body, [hashtable] $Headers = @{}) {
        $uri = [Uri]::new($sandbox.Host.Endpoint($Service), $Path)
        $arguments = @{ Uri = $uri; Method = $Method; Headers = $Headers; SkipHttpErrorCheck = $true; ContentType = 'application/json' }
        if ($Body) { $arguments.Body = $Body }
        Invoke-WebRequest @arguments
    }
}

AfterAll {
    Stop-ShowcaseSandbox -Confirm:$false
}

Describe 'The secrets of a cluster' {
    It 'are created as SecureString by the bootstrap, with exactly the contracted names' {
        $names = @(Get-LockSecret | Where-Object Name -notlike '*gateway*' | ForEach-Object Name | Sort-Object)
        $names | Should -Be @('/showcaseops/lock/consul-agent-token', '/showcaseops/lock/consul-gossip-key', '/showcaseops/lock/consul-management-token', '/showcaseops/lock/consul-registrar-token', '/showcaseops/lock/marathon-credentials')
        Get-LockSecret | ForEach-Object { $_.Type | Should -Be 'SecureString' }
        $sandbox.Host.Consul.AclsEnforced | Should -BeTrue
        $sandbox.Host.Marathon.CredentialsEnforced | Should -BeTrue
    }
}

Describe 'The platform refuses what comes without the cluster''s tokens' {
    It 'Consul answers 403 Permission denied to a registration without a token' {
        $response = Send-Raw consul PUT /v1/agent/service/register '{"Name":"intruder","Port":1}'
        $response.StatusCode | Should -Be 403
        $response.Content | Should -BeLike 'Permission denied*'
        $sandbox.Host.Consul.Services.ContainsKey('intruder') | Should -BeFalse
    }

    It 'Consul answers 403 ACL not found to an unknown token' {
        $response = Send-Raw consul PUT /v1/agent/service/register '{"Name":"intruder","Port":1}' @{ 'X-Consul-Token' = [guid]::NewGuid().ToString() }
        $response.StatusCode | Should -Be 403
        $response.Content | Should -Be 'ACL not found'
    }

    It 'Marathon answers 401 with WWW-Authenticate without credentials' {
        $response = Send-Raw marathon POST /v2/apps '{"id":"/intruder","cmd":"sleep 1","instances":1}'
        $response.StatusCode | Should -Be 401
        $response.Headers['WWW-Authenticate'] | Should -Be 'Basic realm="Mesosphere Marathon"'
    }
}

Describe 'The module carries the tokens' {
    It 'registers over the <Channel> channel' -ForEach @(@{ Channel = 'Http'; Name = 'web' }, @{ Channel = 'Ssm'; Name = 'api' }) {
        $null = Register-ShowcaseService -Name $Name -ServicePort $(if ($Name -eq 'web') { 10000 } else { 10001 }) -Channel $Channel -Confirm:$false
        $sandbox.Host.Consul.Services.ContainsKey($Name) | Should -BeTrue
        @($sandbox.Host.Kong.Services | ForEach-Object Name) | Should -Contain $Name
    }

    It 'runs bootstrap, gateway, Marathon, register and sync without a secret in any SSM command text or output' {
        $null = Register-ShowcaseGateway -KeyAuth -AllowCidr 203.0.113.0/24 -Channel Ssm -Confirm:$false
        $null = New-MarathonApp -Path $spec -Wait -Channel Ssm -Confirm:$false
        $null = Get-MarathonApp -Channel Ssm
        $null = Sync-ShowcaseService -Channel Ssm -Confirm:$false
        $null = Register-ShowcaseService -Name api -ServicePort 10001 -Channel Ssm -Confirm:$false

        # The gateway installed the key and the certificate itself (IMDSv2 → role → GetParameter in the sandbox).
        $key = $sandbox.Host.Ssm.Parameters.Get('/showcaseops/lock/gateway-api-key').Value
        @($sandbox.Host.Kong.KeyAuthCredentials | ForEach-Object { $_.Json['key'].ToString() }) | Should -Contain $key
        @($sandbox.Host.Kong.Certificates).Count | Should -Be 1
        $sandbox.Host.Marathon.TaskCount | Should -BeGreaterThan 0

        $secrets = @(Get-LockSecret | Where-Object Type -eq 'SecureString' | ForEach-Object Value)
        $secrets.Count | Should -Be 7 -Because 'five cluster secrets, the API key and the TLS private key'
        $commands = @($sandbox.Host.Ssm.Commands)
        $commands.Count | Should -BeGreaterThan 5
        foreach ($command in $commands) {
            $texts = @($command.Script, $command.DecodedScript, $command.Comment) + @($command.Parameters.Values | ForEach-Object { $_ }) +
                @($command.Invocations | ForEach-Object { $_.StandardOutput; $_.StandardError })
            foreach ($text in $texts) {
                foreach ($secret in $secrets) {
                    if ($text) { $text.Contains($secret) | Should -BeFalse -Because "command $($command.CommandId) ($($command.Comment)) must not carry a secret" }
                }
            }
        }
    }

    It 'Sync-ShowcaseService -Watch over <_> opens Marathon''s event stream with the credentials' -ForEach 'Http', 'Ssm' {
        $before = @($sandbox.Host.Log.Entries | Where-Object { $_.Service -eq 'marathon' -and $_.Operation -like 'GET /v2/events*' -and $_.Status -eq 200 }).Count
        $cycles = @(Sync-ShowcaseService -Channel $_ -Watch -MaxCycles 2 -ResyncSeconds 1 -PassThru -Confirm:$false -ErrorVariable failed -ErrorAction SilentlyContinue | Where-Object { $_ -is [ShowcaseOps.Model.ShowcaseSyncCycle] })
        $failed | Should -BeNullOrEmpty
        $cycles.Count | Should -Be 2
        @($sandbox.Host.Log.Entries | Where-Object { $_.Service -eq 'marathon' -and $_.Operation -like 'GET /v2/events*' -and $_.Status -eq 200 }).Count | Should -BeGreaterThan $before
        @($sandbox.Host.Log.Entries | Where-Object { $_.Service -eq 'marathon' -and $_.Status -eq 401 }).Count | Should -Be 1 -Because 'only the probe above went without credentials'
    }

    It 'never shows a secret in -Verbose' {
        $verbose = Register-ShowcaseService -Name web -ServicePort 10000 -Channel Http -Confirm:$false -Verbose 4>&1 | Out-String
        foreach ($secret in @(Get-LockSecret | ForEach-Object Value)) { $verbose.Contains($secret) | Should -BeFalse }
        $verbose | Should -BeLike '*Consul token set*'
    }
}

Describe 'Remove-ShowcaseCluster and the secrets' {
    It '-WhatIf lists the parameters and removes nothing' {
        $before = @(Get-LockSecret).Count
        $ec2Writes = $sandbox.Host.Log.Writes('ec2').Count
        $out = Remove-ShowcaseCluster -Name lock -WhatIf -Verbose 4>&1 | Out-String
        $out | Should -BeLike '*/showcaseops/lock/consul-registrar-token*'
        @(Get-LockSecret).Count | Should -Be $before
        $sandbox.Host.Log.Writes('ec2').Count | Should -Be $ec2Writes
        $sandbox.Host.Log.Count('ssm', 'DeleteParameters') | Should -Be 0
    }

    It '-KeepSecrets keeps them; a second run without it removes every one' {
        Remove-ShowcaseCluster -Name lock -KeepSecrets -Force
        @(Get-LockSecret).Count | Should -Be 8 -Because 'seven secrets and the public certificate'
        Remove-ShowcaseCluster -Name lock -Force
        @(Get-LockSecret).Count | Should -Be 0
        $sandbox.Host.Consul.AclsEnforced | Should -BeFalse
    }
}
