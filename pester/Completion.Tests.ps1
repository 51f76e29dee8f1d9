# Tab completion never leaves the machine: it offers what this session has already read, from its completion cache,
# and sends no request to any stand-in (no DescribeTags, no SSM SendCommand, no Marathon call).
BeforeAll {
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    $script:sandbox = Start-ShowcaseSandbox -Force -WarningAction SilentlyContinue
    $h = $sandbox.Host
    $h.Marathon.DeploymentDuration = [TimeSpan]::FromMilliseconds(20)
    $h.Marathon.TaskStartTime = [TimeSpan]::FromMilliseconds(10)
    $repo = if ($env:SHOWCASE_REPO_ROOT) { $env:SHOWCASE_REPO_ROOT } else { Join-Path $PSScriptRoot '..' }
    $null = New-ShowcaseCluster -Name demo -InstanceProfileName showcase-ssm -SkipBootstrap -AgentCount 1 -Confirm:$false
    function script:Complete([string] $Line) {
        $before = $sandbox.Host.Log.Count()
        $result = TabExpansion2 -inputScript $Line -cursorColumn $Line.Length
        [pscustomobject]@{ Texts = @($result.CompletionMatches | Where-Object ResultType -EQ 'ParameterValue' | ForEach-Object CompletionText); Requests = $sandbox.Host.Log.Count() - $before }
    }
}

AfterAll {
    Stop-ShowcaseSandbox -Confirm:$false
}

Describe 'Completion from what the session has read' {
    It 'completes nothing it has not seen, and asks no one' {
        $apps = Complete 'Get-MarathonApp -Id w'
        $apps.Texts | Should -BeNullOrEmpty -Because 'no app has been read yet in this session'
        $apps.Requests | Should -Be 0
    }

    It 'completes app ids after Get-MarathonApp, with or without the slash, with zero requests' {
        $null = New-MarathonApp -Path (Join-Path $repo 'examples/specs/app.json') -Wait
        $null = New-MarathonApp -Definition @{ id = '/shop/api'; cmd = 'sleep 3600'; cpus = 0.1; mem = 16 } -Wait
        $null = Get-MarathonApp
        $web = Complete 'Get-MarathonApp -Id w'
        $web.Texts | Should -Be 'web'
        $web.Requests | Should -Be 0 -Because 'completion must not call EC2, SSM or Marathon'
        (Complete 'Remove-MarathonApp -Id /sh').Texts | Should -Be '/shop/api'
        (Complete 'Get-MarathonTask -AppId sh').Texts | Should -Be 'shop/api'
    }

    It 'completes cluster names, service names and instance ids, with zero requests' {
        $null = Get-MarathonApp web | Register-ShowcaseService
        $task = @(Get-MarathonTask -AppId web)[0]
        $null = $task | Register-ShowcaseInstance
        foreach ($case in @(
                @{ Line = 'Get-ShowcaseCluster -Name d'; Expected = 'demo' }
                @{ Line = 'Use-ShowcaseCluster d'; Expected = 'demo' }
                @{ Line = 'Get-ShowcaseService -Name w'; Expected = 'web' }
                @{ Line = 'Unregister-ShowcaseService -Name w'; Expected = 'web' }
                @{ Line = 'Register-ShowcaseService -Name ap'; Expected = 'api' }   # /shop/api: the naming rule takes the last segment
                @{ Line = 'Get-ShowcaseInstance -ServiceName w'; Expected = 'web' }
                @{ Line = 'Get-ShowcaseInstance -InstanceId web'; Expected = $task.InstanceId }
                @{ Line = 'Unregister-ShowcaseInstance -ServiceName web -InstanceId web'; Expected = $task.InstanceId }
                @{ Line = 'Remove-ShowcaseAgent -Cluster demo -InstanceId i-'; Expected = (Get-ShowcaseCluster demo).Agents.InstanceId }
            )) {
            $completion = Complete $case.Line
            $completion.Texts | Should -Be $case.Expected -Because $case.Line
            $completion.Requests | Should -Be 0 -Because "$($case.Line) must not leave the machine"
        }
    }

    It 'offers only the names of the cluster already typed' {
        (Complete 'Get-MarathonApp -Cluster nosuch -Id w').Texts | Should -BeNullOrEmpty
        (Complete 'Get-MarathonApp -Cluster demo -Id w').Texts | Should -Be 'web'
    }

    It 'forgets what a cmdlet removed' {
        Remove-MarathonApp -Id shop/api -Force
        (Complete 'Get-MarathonApp -Id /sh').Texts | Should -BeNullOrEmpty
    }

    It 'keeps one cache per runspace: another runspace has read nothing, so it offers nothing' {
        $other = [powershell]::Create()
        try {
            $line = 'Get-MarathonApp -Id w'
            $counts = $other.AddScript("Import-Module '$env:SHOWCASE_MODULE_PATH'; @((TabExpansion2 -inputScript '$line' -cursorColumn $($line.Length)).CompletionMatches | Where-Object ResultType -EQ 'ParameterValue').Count").Invoke()
            $other.HadErrors | Should -BeFalse
            $counts[-1] | Should -Be 0
        }
        finally { $other.Dispose() }
        (Complete 'Get-MarathonApp -Id w').Texts | Should -Be 'web'
    }
}
