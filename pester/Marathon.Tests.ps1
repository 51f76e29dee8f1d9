# Get-/New-/Set-/Remove-MarathonApp, Get-MarathonTask and Wait-MarathonDeployment against the sandbox, through the
# cluster's default channel (SSM Run Command on the gateway) unless a test says otherwise.
BeforeAll {
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    $script:repo = if ($env:SHOWCASE_REPO_ROOT) { $env:SHOWCASE_REPO_ROOT } else { Join-Path $PSScriptRoot '..' }
    $script:spec = Join-Path $repo 'examples/specs/app.json'
    $script:sandbox = Start-ShowcaseSandbox -Force -WarningAction SilentlyContinue
    $null = New-ShowcaseCluster -Name demo -InstanceProfileName showcase-ssm -SkipBootstrap -Confirm:$false
    $script:marathon = $sandbox.Host.Marathon
    $script:cmd = 'ShowcaseOps.Commands.Marathon'
    function script:Get-CallsSince([DateTime] $Start, [string] $Service) {
        @($sandbox.Host.Log.Entries | Where-Object { $_.Time -ge $Start -and (-not $Service -or $_.Service -eq $Service) })
    }
    function script:Get-WritesSince([DateTime] $Start, [string] $Service) {
        @($sandbox.Host.Log.Writes($Service) | Where-Object Time -GE $Start)
    }
    function script:Reset-Marathon {
        $marathon.Reset()
        $marathon.HoldDeployments = $false
    }
}

AfterAll {
    Stop-ShowcaseSandbox -Confirm:$false
}

Describe 'New-MarathonApp' {
    BeforeEach { Reset-Marathon }

    It 'creates the app from examples/specs/app.json through the SSM channel' {
        $start = [DateTime]::UtcNow
        $app = New-MarathonApp -Path $spec -Wait
        $app | Should -BeOfType ShowcaseOps.Model.MarathonApp
        $app.Id | Should -Be '/web'
        $app.Name | Should -Be 'web'
        $app.ServicePort | Should -Be 10000
        $app.TasksRunning | Should -Be 1
        $app.Exposed | Should -BeTrue
        (Get-CallsSince $start 'ssm' | Where-Object Operation -EQ 'SendCommand').Count | Should -BeGreaterThan 0
        (Get-WritesSince $start 'marathon' | Where-Object Operation -EQ 'POST /v2/apps').Count | Should -Be 1
    }

    It 'creates an app from a hashtable, converted to JSON' {
        $app = New-MarathonApp -Definition @{
            id = '/hello'; cmd = 'sleep 3600'; cpus = 0.1; mem = 16; instances = 2
            labels = @{ team = 'ops' }; portDefinitions = @(@{ port = 0; name = 'http' })
        } -Wait
        $app.Id | Should -Be '/hello'
        $app.Instances | Should -Be 2
        $app.TasksRunning | Should -Be 2
        $app.Labels['team'] | Should -Be 'ops'
        $app.ServicePort | Should -BeGreaterOrEqual 10000
    }

    It 'refuses a file that is not JSON with an error naming the file, the line and the position, and makes no remote call' {
        $bad = Join-Path $TestDrive 'broken.json'
        Set-Content -Path $bad -Value "{`n  `"id`": `"/web`",`n  `"instances`": 1,,`n}"
        $start = [DateTime]::UtcNow
        $err = $null
        New-MarathonApp -Path $bad -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be "MarathonAppInvalid,$cmd.NewMarathonAppCommand"
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $err[0].TargetObject | Should -Be (Resolve-Path $bad).ProviderPath
        $err[0].Exception.Message | Should -BeLike "*$bad*"
        $err[0].Exception.Message | Should -Match 'line 3, position \d+'
        (Get-CallsSince $start).Count | Should -Be 0 -Because 'a bad spec must cost no AWS or platform call'
        { New-MarathonApp -Path $bad -ErrorAction Stop } | Should -Throw -ErrorId "MarathonAppInvalid,$cmd.NewMarathonAppCommand"
    }

    It 'refuses a truncated file and a file that is not an object, without remote calls' {
        $truncated = Join-Path $TestDrive 'truncated.json'
        Set-Content -Path $truncated -Value '{ "id": "/web", "container": {'
        $array = Join-Path $TestDrive 'array.json'
        Set-Content -Path $array -Value '[1, 2]'
        $start = [DateTime]::UtcNow
        $err = $null
        New-MarathonApp -Path $truncated, $array -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 2
        $err[0].Exception.Message | Should -Match 'truncated\.json.*line \d+, position \d+.*end of content' 
        $err[1].Exception.Message | Should -BeLike "*array.json*JSON object*"
        (Get-CallsSince $start).Count | Should -Be 0
    }

    It 'reports a missing file as MarathonAppSpecNotFound with no remote call' {
        $start = [DateTime]::UtcNow
        { New-MarathonApp -Path (Join-Path $TestDrive 'nope.json') -ErrorAction Stop } | Should -Throw -ErrorId "MarathonAppSpecNotFound,$cmd.NewMarathonAppCommand"
        (Get-CallsSince $start).Count | Should -Be 0
    }

    It 'passes on what Marathon rejects (422 with its details) as MarathonAppInvalid' {
        { New-MarathonApp -Definition @{ id = '/Bad_Id'; cmd = 'sleep 1' } -ErrorAction Stop } |
            Should -Throw -ErrorId "MarathonAppInvalid,$cmd.NewMarathonAppCommand"
    }

    It 'reports an existing id as MarathonAppExists' {
        $null = New-MarathonApp -Path $spec
        { New-MarathonApp -Path $spec -ErrorAction Stop } | Should -Throw -ErrorId "MarathonAppExists,$cmd.NewMarathonAppCommand"
    }

    It 'takes spec files from Get-ChildItem' {
        $dir = Join-Path $TestDrive 'specs'
        $null = New-Item -ItemType Directory $dir -Force
        '{"id":"/one","cmd":"sleep 1","cpus":0.1,"mem":16}' | Set-Content (Join-Path $dir 'one.json')
        '{"id":"/two","cmd":"sleep 1","cpus":0.1,"mem":16}' | Set-Content (Join-Path $dir 'two.json')
        (Get-ChildItem $dir -Filter *.json | New-MarathonApp).Id | Sort-Object | Should -Be '/one', '/two'
    }
}

Describe 'Get-MarathonApp and Get-MarathonTask' {
    BeforeAll {
        Reset-Marathon
        $null = New-MarathonApp -Path $spec -Wait
        $null = Set-MarathonApp web -Instances 3 -Wait
        $null = New-MarathonApp -Definition @{ id = '/shop/api'; cmd = 'sleep 3600'; cpus = 0.1; mem = 16; portDefinitions = @(@{ port = 0 }) } -Wait
    }

    It 'lists every app, gets one by id with or without the slash, and accepts wildcards' {
        (Get-MarathonApp).Id | Should -Be '/shop/api', '/web'
        (Get-MarathonApp web).Id | Should -Be '/web'
        (Get-MarathonApp /web).Tasks.Count | Should -Be 3
        (Get-MarathonApp 'sh*').Id | Should -Be '/shop/api'
        (Get-MarathonApp '/shop/*').Name | Should -Be 'api'
        @(Get-MarathonApp 'zz*').Count | Should -Be 0
    }

    It 'reports an unknown app as MarathonAppNotFound (non-terminating, target = the id)' {
        { Get-MarathonApp -Id nope -ErrorAction Stop } | Should -Throw -ErrorId "MarathonAppNotFound,$cmd.GetMarathonAppCommand"
        { Get-MarathonTask -AppId nope -ErrorAction Stop } | Should -Throw -ErrorId "MarathonAppNotFound,$cmd.GetMarathonTaskCommand"
        $err = $null
        $found = Get-MarathonApp -Id web, nope, 'sh*' -ErrorVariable err -ErrorAction SilentlyContinue
        $found.Id | Should -Be '/shop/api', '/web'
        $err.Count | Should -Be 1
        $err[0].TargetObject | Should -Be '/nope'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'returns tasks that bind to Register-ShowcaseInstance by property name' {
        $tasks = Get-MarathonTask -AppId web
        $tasks.Count | Should -Be 3
        $tasks | Should -BeOfType ShowcaseOps.Model.MarathonTask
        $tasks.ServiceName | Select-Object -Unique | Should -Be 'web'
        ($tasks.InstanceId | Select-Object -Unique).Count | Should -Be 3
        $tasks | ForEach-Object { $_.HostAddress | Should -Match '^10\.0\.'; $_.HostPort | Should -BeGreaterThan 0 }
    }

    It 'takes the app from a MarathonApp on the pipeline, and filters by state and wildcard' {
        (Get-MarathonApp web | Get-MarathonTask).Count | Should -Be 3
        (Get-MarathonApp | Get-MarathonTask).Count | Should -Be 4
        (Get-MarathonTask -State Running).Count | Should -Be 4
        (Get-MarathonTask -State TASK_RUNNING -AppId web).Count | Should -Be 3
        @(Get-MarathonTask -State Staging).Count | Should -Be 0
        (Get-MarathonTask -AppId 'shop*').AppId | Should -Be '/shop/api'
    }

    It 'works over the HTTP channel too' {
        (Get-MarathonApp web -Channel Http).Tasks.Count | Should -Be 3
        (Get-MarathonTask -AppId web -Channel Http).Count | Should -Be 3
    }

    It 'narrates each remote call with -Verbose' {
        $verbose = Get-MarathonTask -AppId web -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -match '^GET marathon /v2/apps/web\?embed=app\.tasks \(via ssm\)').Count | Should -Be 1
    }

    It 'formats apps and tasks with their views' {
        (Get-FormatData ShowcaseOps.Model.MarathonApp) | Should -Not -BeNullOrEmpty
        (Get-FormatData ShowcaseOps.Model.MarathonTask) | Should -Not -BeNullOrEmpty
        $apps = Get-MarathonApp web | Format-Table | Out-String -Width 200
        $apps | Should -Match 'Id\s+Instances\s+TasksRunning\s+TasksHealthy\s+ServicePort\s+Image'
        $apps | Should -Match '/web\s+3\s+3\s+3\s+10000\s+nginxdemos/hello'
        $tasks = Get-MarathonTask -AppId web | Format-Table | Out-String -Width 200
        $tasks | Should -Match 'State\s+Healthy\s+Id'
        $tasks | Should -Match 'TASK_RUNNING\s+True\s+web\.\S+'
        $list = Get-MarathonTask -AppId web | Select-Object -First 1 | Format-List | Out-String -Width 200
        $list | Should -Match 'HostAddress\s+: 10\.0\.\d+\.\d+'
    }

    It 'completes app ids from Marathon' {
        $completion = TabExpansion2 -inputScript 'Get-MarathonTask -AppId w' -cursorColumn 'Get-MarathonTask -AppId w'.Length
        $completion.CompletionMatches.CompletionText | Should -Be 'web'
        $completion = TabExpansion2 -inputScript 'Set-MarathonApp -Id /sh' -cursorColumn 'Set-MarathonApp -Id /sh'.Length
        $completion.CompletionMatches.CompletionText | Should -Be '/shop/api'
    }

    It 'completes nothing, quietly, when Marathon cannot be reached' {
        $completion = TabExpansion2 -inputScript 'Get-MarathonApp -Cluster nosuch -Id w' -cursorColumn 'Get-MarathonApp -Cluster nosuch -Id w'.Length
        @($completion.CompletionMatches | Where-Object ResultType -EQ 'ParameterValue').Count | Should -Be 0
    }
}

Describe '1,000 tasks through the SSM channel' {
    BeforeAll {
        Reset-Marathon
        $marathon.SeedApps(100, 10)
    }

    It 'Get-MarathonTask returns all 1,000 tasks, each once' {
        $start = [DateTime]::UtcNow
        $tasks = Get-MarathonTask
        $tasks.Count | Should -Be 1000
        ($tasks.InstanceId | Select-Object -Unique).Count | Should -Be 1000
        ($tasks | ForEach-Object { "$($_.HostAddress):$($_.HostPort)" } | Select-Object -Unique).Count | Should -Be 1000
        (Get-CallsSince $start 'marathon').Count | Should -Be 1 -Because 'one GET /v2/tasks carries the whole listing'
        (Get-CallsSince $start 'ssm' | Where-Object Operation -EQ 'SendCommand').Count | Should -BeGreaterThan 1 -Because 'the output is larger than the 24,000 characters SSM returns inline, so the runner reads it in pages'
    }

    It 'Get-MarathonApp returns the 100 apps with all their tasks in one call' {
        $apps = Get-MarathonApp
        $apps.Count | Should -Be 100
        ($apps | Measure-Object { $_.Tasks.Count } -Sum).Sum | Should -Be 1000
    }
}

Describe 'Set-MarathonApp and Wait-MarathonDeployment' {
    BeforeEach {
        Reset-Marathon
        $null = New-MarathonApp -Path $spec -Wait
    }

    It 'scales up and down and waits' {
        $result = Set-MarathonApp web -Instances 3 -Wait
        $result | Should -BeOfType ShowcaseOps.Model.MarathonDeploymentResult
        $result.AppId | Should -Be '/web'
        $result.DeploymentId | Should -Match '^[0-9a-f-]{36}$'
        (Get-MarathonTask -AppId web -State Running).Count | Should -Be 3
        $app = Set-MarathonApp web -Instances 1 | Wait-MarathonDeployment
        $app.Id | Should -Be '/web'
        $app.Instances | Should -Be 1
        $app.TasksRunning | Should -Be 1
        $app.DeploymentCount | Should -Be 0
    }

    It 'uses PATCH, so an unknown app is MarathonAppNotFound and nothing is created' {
        { Set-MarathonApp nope -Instances 2 -ErrorAction Stop } | Should -Throw -ErrorId "MarathonAppNotFound,$cmd.SetMarathonAppCommand"
        $marathon.AppCount | Should -Be 1
    }

    It 'fails with MarathonAppLocked, suggesting -Force, while a deployment runs; -Force overrides it' {
        $marathon.HoldDeployments = $true
        $null = Set-MarathonApp web -Instances 2
        $err = $null
        Set-MarathonApp web -Instances 3 -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be "MarathonAppLocked,$cmd.SetMarathonAppCommand"
        $err[0].CategoryInfo.Category | Should -Be 'ResourceBusy'
        $err[0].ErrorDetails.RecommendedAction | Should -Match '-Force'
        $forced = Set-MarathonApp web -Instances 3 -Force
        $forced.DeploymentId | Should -Not -BeNullOrEmpty
        $marathon.HoldDeployments = $false
    }

    It 'Wait-MarathonDeployment times out with MarathonDeploymentTimeout' {
        $marathon.HoldDeployments = $true
        $null = Set-MarathonApp web -Instances 2
        { Wait-MarathonDeployment web -TimeoutSeconds 1 -ErrorAction Stop } | Should -Throw -ErrorId "MarathonDeploymentTimeout,$cmd.WaitMarathonDeploymentCommand"
        $marathon.HoldDeployments = $false
    }

    It 'Wait-MarathonDeployment reports an unknown app as MarathonAppNotFound' {
        { Wait-MarathonDeployment nope -ErrorAction Stop } | Should -Throw -ErrorId "MarathonAppNotFound,$cmd.WaitMarathonDeploymentCommand"
    }

    It 'refuses a negative instance count at the parameter with no remote call' {
        $start = [DateTime]::UtcNow
        { Set-MarathonApp web -Instances -1 -ErrorAction Stop } | Should -Throw -ErrorId "ParameterArgumentValidationError,$cmd.SetMarathonAppCommand"
        (Get-CallsSince $start).Count | Should -Be 0
    }
}

Describe 'Remove-MarathonApp' {
    BeforeEach {
        Reset-Marathon
        $null = New-MarathonApp -Path $spec -Wait
    }

    It 'removes the app and its tasks, and waits' {
        Remove-MarathonApp web -Force -Wait
        $marathon.AppCount | Should -Be 0
        $marathon.TaskCount | Should -Be 0
        { Get-MarathonApp web -ErrorAction Stop } | Should -Throw -ErrorId "MarathonAppNotFound,$cmd.GetMarathonAppCommand"
    }

    It 'removes apps from the pipeline' {
        Get-MarathonApp | Remove-MarathonApp -Force
        $marathon.AppCount | Should -Be 0
    }

    It 'reports an unknown app as MarathonAppNotFound' {
        { Remove-MarathonApp nope -Force -ErrorAction Stop } | Should -Throw -ErrorId "MarathonAppNotFound,$cmd.RemoveMarathonAppCommand"
    }

    It 'asks for confirmation by default (ConfirmImpact High)' {
        (Get-Command Remove-MarathonApp).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact | Should -Be 'High'
    }
}

Describe '-WhatIf makes no write call' {
    BeforeAll {
        Reset-Marathon
        $null = New-MarathonApp -Path $spec -Wait
    }

    It '<Name> -WhatIf' -ForEach @(
        @{ Name = 'New-MarathonApp'; Run = { New-MarathonApp -Definition @{ id = '/other'; cmd = 'sleep 1' } -WhatIf } }
        @{ Name = 'New-MarathonApp -Path'; Run = { New-MarathonApp -Path $spec -WhatIf } }
        @{ Name = 'Set-MarathonApp'; Run = { Set-MarathonApp web -Instances 5 -WhatIf } }
        @{ Name = 'Set-MarathonApp -Force'; Run = { Set-MarathonApp web -Instances 5 -Force -WhatIf } }
        @{ Name = 'Remove-MarathonApp'; Run = { Remove-MarathonApp web -WhatIf } }
        @{ Name = 'Remove-MarathonApp -Force'; Run = { Remove-MarathonApp web -Force -WhatIf } }
    ) {
        $start = [DateTime]::UtcNow
        $output = & $Run 6>&1 | Out-String
        (Get-WritesSince $start 'marathon').Count | Should -Be 0
        (Get-CallsSince $start 'ssm' | Where-Object Operation -EQ 'SendCommand').Count | Should -Be 0
        $marathon.AppCount | Should -Be 1
        (Get-MarathonApp web).Instances | Should -Be 1
    }
}
