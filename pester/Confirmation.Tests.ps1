# -WhatIf always wins: every cmdlet that supports ShouldProcess, called with -Force (when it has one) inside a runbook
# function run with -WhatIf — the pattern of examples/runbooks — sends no write to any stand-in of a populated sandbox.
# The list of cmdlets comes from Get-Command, so a new mutating cmdlet fails here until it has a call below.
BeforeDiscovery {
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    $script:mutating = @(Get-Command -Module ShowcaseOps -CommandType Cmdlet | Where-Object { $_.Parameters.ContainsKey('WhatIf') } | ForEach-Object Name)
}

BeforeAll {
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    $script:repo = if ($env:SHOWCASE_REPO_ROOT) { $env:SHOWCASE_REPO_ROOT } else { Join-Path $PSScriptRoot '..' }
    $script:spec = Join-Path $repo 'examples/specs/app.json'
    $script:sandbox = Start-ShowcaseSandbox -Force -WarningAction SilentlyContinue
    $h = $sandbox.Host
    $h.Marathon.DeploymentDuration = [TimeSpan]::FromMilliseconds(20)
    $h.Marathon.TaskStartTime = [TimeSpan]::FromMilliseconds(10)

    # A populated world: a cluster, an exposed Marathon app registered with its instances, and a second exposed app
    # not registered yet (so Sync-ShowcaseService has changes to make).
    $script:cluster = New-ShowcaseCluster -Name demo -InstanceProfileName showcase-ssm -SkipBootstrap -AgentCount 2 -Confirm:$false
    $null = New-MarathonApp -Path $spec -Wait
    $null = Get-MarathonApp web | Register-ShowcaseService
    $script:tasks = @(Get-MarathonTask -AppId web)
    $null = $tasks | Register-ShowcaseInstance
    $null = New-MarathonApp -Definition @{ id = '/api'; cmd = 'sleep 3600'; cpus = 0.1; mem = 16; instances = 1; labels = @{ 'showcaseops.expose' = 'true' }; portDefinitions = @(@{ port = 0 }) } -Wait
    $script:agent = $cluster.Agents[0].InstanceId

    # What counts as a write, per stand-in: EC2 and SSM actions other than Describe*/Get*/List*, except that a platform
    # batch (an SSM command run for real against the stand-ins) is judged by the HTTP calls it makes; every ordinary
    # SSM command (bootstrap, Invoke-ShowcaseCommand) is a write; any HTTP call but GET/HEAD to Consul, Vulcand, Kong, Marathon
    # (the instance metadata stand-in's token PUT is not).
    $script:requestLog = $sandbox.Host.Log.GetType()   # the sandbox's types live in the module's load context: no type literal
    function script:Get-WriteRequest([long] $AfterSequence, [datetime] $Since) {
        foreach ($entry in $sandbox.Host.Log.Entries | Where-Object Sequence -GT $AfterSequence) {
            if ($entry.Service -eq 'ssm' -and $entry.Operation -eq 'SendCommand') { continue }
            # A host script's IMDSv2 session token (PUT /latest/api/token) changes nothing.
            if ($entry.Service -eq 'imds') { continue }
            if ($requestLog::IsWrite($entry.Operation)) { "$entry" }
        }
        foreach ($command in $sandbox.Host.Ssm.Commands | Where-Object { $_.RequestedAt -ge $Since -and -not $_.IsPlatformOperation }) {
            "ssm SendCommand $($command.CommandId) '$($command.Comment)'"
        }
    }

    # Each mutating cmdlet, with -Force where it has one, with arguments that would change the populated world.
    $script:calls = @{
        'New-ShowcaseCluster'         = { New-ShowcaseCluster -Name other -InstanceProfileName showcase-ssm -AgentCount 1 }
        'Set-ShowcaseCluster'         = { Set-ShowcaseCluster -Name demo -AgentCount 0 -Force; Set-ShowcaseCluster -Name demo -AgentCount 4 -Force }
        'Remove-ShowcaseAgent'        = { Remove-ShowcaseAgent -Cluster demo -InstanceId $agent -Force }
        'Remove-ShowcaseCluster'      = { Remove-ShowcaseCluster -Name demo -Force }
        'Use-ShowcaseCluster'         = { Use-ShowcaseCluster -Name demo -Channel Http }
        'Invoke-ShowcaseBootstrap'    = { Invoke-ShowcaseBootstrap -Name demo -Force -TimeoutSeconds 5 }
        'Invoke-ShowcaseCommand'      = { Invoke-ShowcaseCommand -Name demo -Role agent -Script 'touch /tmp/x' }
        'New-MarathonApp'             = { New-MarathonApp -Definition @{ id = '/more'; cmd = 'sleep 1'; cpus = 0.1; mem = 16 } }
        'Set-MarathonApp'             = { Set-MarathonApp -Id web -Instances 0 -Force; Set-MarathonApp -Id web -Instances 5 -Force }
        'Remove-MarathonApp'          = { Remove-MarathonApp -Id web -Force }
        'Register-ShowcaseService'    = { Register-ShowcaseService -Name api -ServicePort 10001 }
        'Unregister-ShowcaseService'  = { Unregister-ShowcaseService -Name web -Force }
        'Register-ShowcaseInstance'   = { Register-ShowcaseInstance -ServiceName web -InstanceId extra1 -HostAddress 10.0.12.99 -HostPort 31999 }
        'Unregister-ShowcaseInstance' = { $tasks | Unregister-ShowcaseInstance -Force }
        'Register-ShowcaseGateway'    = { Register-ShowcaseGateway -AllowCidr 203.0.113.0/24 -KeyAuth -NewApiKey }
        'Sync-ShowcaseService'        = { Sync-ShowcaseService; Sync-ShowcaseService -Watch -MaxCycles 2 -ResyncSeconds 1 }
        'Start-ShowcaseSandbox'       = { Start-ShowcaseSandbox -Force }
        'Stop-ShowcaseSandbox'        = { Stop-ShowcaseSandbox }
    }
}

AfterAll {
    Stop-ShowcaseSandbox -Confirm:$false
}

Describe '<_> -Force inside a SupportsShouldProcess function run with -WhatIf' -ForEach $mutating {
    It 'sends no write request' {
        $calls.ContainsKey($_) | Should -BeTrue -Because "every mutating cmdlet needs a call in Confirmation.Tests.ps1 ($_ has none)"
        $call = $calls[$_]
        function Invoke-Runbook { [CmdletBinding(SupportsShouldProcess)] param([scriptblock] $Body) . $Body }
        $sequence = @($sandbox.Host.Log.Entries | Select-Object -Last 1).Sequence
        $since = [DateTime]::UtcNow
        $whatIf = Invoke-Runbook -Body $call -WhatIf -ErrorAction SilentlyContinue -WarningAction SilentlyContinue 6>&1 | Out-String
        $writes = @(Get-WriteRequest $sequence $since)
        $writes | Should -BeNullOrEmpty -Because "-WhatIf must win over -Force (got: $($writes -join '; '))"
        (Get-ShowcaseSandbox) | Should -Not -BeNullOrEmpty -Because 'the sandbox must still be running'
        (Get-ShowcaseCluster demo).Agents.Count | Should -Be 2
        @(Get-MarathonApp).Count | Should -Be 2
    }
}

Describe 'Confirmation without -WhatIf' {
    It '-Force asks no question in a non-interactive session and leaves $ConfirmPreference as it was, in the caller and in the function' {
        function Invoke-Forced { [CmdletBinding(SupportsShouldProcess)] param() Unregister-ShowcaseService -Name nosuch -Force; $ConfirmPreference }
        $inner = Invoke-Forced
        $inner | Should -Be 'High'
        $ConfirmPreference | Should -Be 'High'
        @(Get-Variable -Name ConfirmPreference -Scope Local -ErrorAction SilentlyContinue).Count | Should -Be 0 -Because 'no copy may be left in the test''s own scope'
    }

    It 'a destructive change asks (and fails in a non-interactive host) without -Force; -Confirm:$false or -Force proceed' {
        $sequence = @($sandbox.Host.Log.Entries | Select-Object -Last 1).Sequence
        { Unregister-ShowcaseService -Name nosuch -ErrorAction Stop } | Should -Throw '*NonInteractive*'
        { Unregister-ShowcaseService -Name nosuch -Confirm:$false -ErrorAction Stop } | Should -Not -Throw
        { Unregister-ShowcaseService -Name nosuch -Force -ErrorAction Stop } | Should -Not -Throw
        @($sandbox.Host.Log.Entries | Where-Object Sequence -GT $sequence).Count | Should -BeGreaterThan 0 -Because 'the two approved calls read the platform'
    }

    It 'a scale-down is a High change (it asks), a scale-up a Medium one (it does not)' {
        { Set-ShowcaseCluster -Name demo -AgentCount 1 -ErrorAction Stop } | Should -Throw '*NonInteractive*'
        (Get-ShowcaseCluster demo).Agents.Count | Should -Be 2
        (Set-ShowcaseCluster -Name demo -AgentCount 3 -SkipBootstrap -ErrorAction Stop).Agents.Count | Should -Be 3
    }
}
