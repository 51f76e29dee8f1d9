# Every example in every cmdlet's help runs against the sandbox. Each cmdlet's examples run in order, in a world
# prepared the same way: a fresh sandbox, cluster 'demo' (current), the app 'web' from examples/specs/app.json, no
# confirmation prompts, and errors that stop.
BeforeDiscovery {
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    $script:examples = foreach ($command in Get-Command -Module ShowcaseOps -CommandType Cmdlet | Sort-Object Name) {
        $i = 0
        foreach ($example in @((Get-Help $command.Name -Full).examples.example)) {
            $i++
            @{ Command = $command.Name; Index = $i; Code = [string]$example.code; First = ($i -eq 1) }
        }
    }
}

BeforeAll {
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    $script:repo = if ($env:SHOWCASE_REPO_ROOT) { $env:SHOWCASE_REPO_ROOT } else { Join-Path $PSScriptRoot '..' }
    function script:Initialize-ExampleWorld {
        Start-ShowcaseSandbox -Force -WarningAction SilentlyContinue | Out-Null
        New-ShowcaseCluster -Name demo -InstanceProfileName showcase-ssm -SkipBootstrap -Confirm:$false | Out-Null
        if (Get-Command New-MarathonApp -ErrorAction SilentlyContinue) {
            New-MarathonApp -Path (Join-Path $repo 'examples/specs/app.json') -Confirm:$false | Out-Null
        }
    }
}

AfterAll {
    Stop-ShowcaseSandbox -Confirm:$false
}

Describe 'Help example <Index> of <Command>' -ForEach $examples {
    It 'runs against the sandbox' {
        if ($First) { Initialize-ExampleWorld }
        $Code | Should -Not -BeNullOrEmpty
        Push-Location $repo
        try {
            $ConfirmPreference = 'None'
            $ErrorActionPreference = 'Stop'
            # Verbose, warning and information records the examples write are captured here, not printed.
            $null = & ([scriptblock]::Create($Code)) 3>&1 4>&1 5>&1 6>&1
        }
        finally {
            Pop-Location
            if (-not (Get-ShowcaseSandbox -ErrorAction SilentlyContinue)) { Initialize-ExampleWorld }
        }
    }
}
