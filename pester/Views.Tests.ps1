# The format views (module/formats/*.ps1xml) as a user at an 80-column terminal sees them: every table header fits on
# one line (no column narrower than its label, so no header wraps letter by letter), no line is wider than 80, a cell
# shows the property's own value (what Where-Object compares), and ids that are keys are shown whole.
BeforeDiscovery {
    $repo = if ($env:SHOWCASE_REPO_ROOT) { $env:SHOWCASE_REPO_ROOT } else { Join-Path $PSScriptRoot '..' }
    # Every type with a table view, read from the format files: a new view fails here until it has a sample below.
    $script:tableTypes = @(foreach ($file in Get-ChildItem (Join-Path $repo 'module/formats') -Filter *.ps1xml) {
            ([xml](Get-Content -Raw $file.FullName)).Configuration.ViewDefinitions.View |
                Where-Object { $_.TableControl } | ForEach-Object { $_.ViewSelectedBy.TypeName }
        }) | Sort-Object -Unique
}

BeforeAll {
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    $repo = if ($env:SHOWCASE_REPO_ROOT) { $env:SHOWCASE_REPO_ROOT } else { Join-Path $PSScriptRoot '..' }
    # -SkipBootstrap waits for no SSM agent: make them Online at once, or a warm process sends before they are (InvalidInstanceId).
    $script:sandbox = Start-ShowcaseSandbox -Force -InstanceBootSeconds 0.03 -SsmOnlineSeconds 0 -WarningAction SilentlyContinue
    $h = $sandbox.Host
    $h.Marathon.DeploymentDuration = [TimeSpan]::FromMilliseconds(20)
    $h.Marathon.TaskStartTime = [TimeSpan]::FromMilliseconds(10)
    $ConfirmPreference = 'None'

    # One sample (or a few) of every output type that has a table view, with the longest values a real run gives.
    $cluster = New-ShowcaseCluster -Name views-demo-cluster -InstanceProfileName showcase-ssm -ImageId ami-0123456789abcdef0 -SkipBootstrap -AgentCount 2
    $null = New-MarathonApp -Path (Join-Path $repo 'examples/specs/app.json') -Wait
    $deployment = Set-MarathonApp -Id web -Instances 3 -Force
    $null = Wait-MarathonDeployment -Id web
    $tasks = @(Get-MarathonTask -AppId web)
    $null = Get-MarathonApp web | Register-ShowcaseService
    $null = $tasks | Register-ShowcaseInstance
    # An exposed app nobody registered: Sync-ShowcaseService has changes to make (and to show).
    $null = New-MarathonApp -Definition @{ id = '/api'; cmd = 'sleep 3600'; cpus = 0.1; mem = 16; instances = 2; labels = @{ 'showcaseops.expose' = 'true' }; portDefinitions = @(@{ port = 0 }) } -Wait
    $null = Register-ShowcaseGateway -AllowCidr 203.0.113.0/24 -Channel Http
    $null = Set-MarathonApp -Id web -Instances 2 -Force
    $null = Wait-MarathonDeployment -Id web
    $sync = @(Sync-ShowcaseService -PassThru -DrainSeconds 0)
    $script:samples = @{
        'ShowcaseOps.Model.ShowcaseCluster'          = @($cluster)
        'ShowcaseOps.Model.ShowcaseClusterHost'      = @($cluster.Hosts)
        'ShowcaseOps.Model.ShowcaseFlowCheck'        = @(Test-ShowcaseCluster views-demo-cluster)
        'ShowcaseOps.Model.MarathonApp'              = @(Get-MarathonApp)
        'ShowcaseOps.Model.MarathonTask'             = @(Get-MarathonTask)
        'ShowcaseOps.Model.MarathonDeploymentResult' = @($deployment)
        'ShowcaseOps.Model.ShowcaseService'          = @(Get-ShowcaseService)
        'ShowcaseOps.Model.ShowcaseInstance'         = @(Get-ShowcaseInstance)
        'ShowcaseOps.Model.ShowcaseEndpoint'         = @(Get-ShowcaseEndpoint)
        'ShowcaseOps.Model.ShowcaseRequestResult'    = @(Invoke-ShowcaseRequest -Service web -Count 2)
        'ShowcaseOps.Model.ShowcaseSyncChange'       = @($sync | Where-Object { $_.GetType().Name -eq 'ShowcaseSyncChange' })
        'ShowcaseOps.Model.ShowcaseSyncCycle'        = @($sync | Where-Object { $_.GetType().Name -eq 'ShowcaseSyncCycle' })
        'ShowcaseOps.Model.ShowcaseHostResult'       = @(Invoke-ShowcaseCommand -Name views-demo-cluster -Role agent -Script 'true' -WarningAction SilentlyContinue)
        'ShowcaseOps.Model.ShowcaseSandboxEndpoint'  = @($sandbox.Endpoints)
        'ShowcaseOps.Sandbox.Hosting.RequestLogEntry' = @(Get-ShowcaseSandboxRequest | Select-Object -Last 5)
        'ShowcaseOps.Model.ShowcaseContext'          = @(Get-ShowcaseContext)
        'ShowcaseOps.Model.ShowcaseClusterRemoval'   = @()
    }
    $null = New-ShowcaseCluster -Name views-scratch -InstanceProfileName showcase-ssm -ImageId ami-0123456789abcdef0 -SkipBootstrap -AgentCount 0
    $samples['ShowcaseOps.Model.ShowcaseClusterRemoval'] = @(Remove-ShowcaseCluster -Name views-scratch -Force)

    # The table as an 80-column console prints it: header line, dashes line, rows.
    function script:Get-Table([object[]] $Objects) {
        $lines = @(($Objects | Format-Table | Out-String -Width 80) -split "`r?`n")
        $dashes = [array]::FindIndex([string[]] $lines, [Predicate[string]] { param($l) $l -match '^\s*-+( +-+)*\s*$' })
        [pscustomobject]@{ Lines = $lines; Dashes = $dashes; Header = if ($dashes -gt 0) { $lines[$dashes - 1] } }
    }
}

AfterAll {
    Stop-ShowcaseSandbox -Confirm:$false
}

Describe 'The table view of <_> at 80 columns' -ForEach $tableTypes {
    It 'has a sample, one header line with every label whole, and no line over 80 characters' {
        $objects = $samples[$_]
        $samples.ContainsKey($_) | Should -BeTrue -Because "every table view needs a sample in Views.Tests.ps1 ($_ has none)"
        $objects.Count | Should -BeGreaterThan 0 -Because "the sample of $_ must not be empty"
        $table = Get-Table $objects
        $table.Dashes | Should -BeGreaterThan 0 -Because ($table.Lines -join "`n")
        $table.Lines[$table.Dashes - 2] | Should -Match '^\s*$|^\s*\w+: ' -Because "a header that wraps puts a second header line above the dashes:`n$($table.Lines -join "`n")"
        $labels = @($table.Header.Trim() -split '\s+')
        $dashGroups = @($table.Lines[$table.Dashes].Trim() -split '\s+')
        $labels.Count | Should -Be $dashGroups.Count -Because "each column's label is one word on the header line:`n$($table.Lines -join "`n")"
        for ($i = 0; $i -lt $labels.Count; $i++) {
            $dashGroups[$i].Length | Should -BeGreaterOrEqual $labels[$i].Length -Because "column '$($labels[$i])' is narrower than its label"
        }
        foreach ($line in $table.Lines) { $line.TrimEnd().Length | Should -BeLessOrEqual 80 -Because "'$line' is too wide" }
    }
}

Describe 'Values and keys' {
    It 'Get-MarathonTask shows the real State, so Where-Object State -eq (the value shown) finds the tasks' {
        $text = Get-MarathonTask -AppId web | Out-String -Width 80
        $text | Should -Match '\bTASK_RUNNING\b'
        @(Get-MarathonTask -AppId web | Where-Object State -EQ 'TASK_RUNNING').Count | Should -BeGreaterThan 0
    }

    It 'shows task ids whole at 80 columns (they are the keys Register-/Unregister-ShowcaseInstance take)' {
        $tasks = @(Get-MarathonTask)
        $text = $tasks | Out-String -Width 80
        foreach ($task in $tasks) { $text | Should -Match ([regex]::Escape($task.Id)) }
        $instances = @(Get-ShowcaseInstance)
        $text = $instances | Out-String -Width 80
        foreach ($instance in $instances) { $text | Should -Match ([regex]::Escape($instance.InstanceId)) }
    }

    It 'shows EC2 instance ids whole at 80 columns' {
        $cluster = Get-ShowcaseCluster views-demo-cluster
        $text = $cluster.Hosts | Out-String -Width 80
        foreach ($id in $cluster.Hosts.InstanceId) { $text | Should -Match ([regex]::Escape($id)) }
        $text = $samples['ShowcaseOps.Model.ShowcaseHostResult'] | Out-String -Width 80
        foreach ($id in $samples['ShowcaseOps.Model.ShowcaseHostResult'].InstanceId) { $text | Should -Match ([regex]::Escape($id)) }
    }

    It 'shows Healthy and Serving as their values (True/False), not words the property never holds' {
        $text = Get-MarathonTask -AppId web | Format-List | Out-String -Width 80
        $text | Should -Match 'Healthy\s*: (True|False)'
        $text | Should -Not -Match ': yes\b'
    }
}
