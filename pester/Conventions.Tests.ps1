# Conventions every ShowcaseOps cmdlet must keep (see ../shared/CONVENTIONS.md). They run over Get-Command, so a new
# cmdlet that breaks one fails here.
BeforeDiscovery {
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    $script:commands = @(Get-Command -Module ShowcaseOps -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name; Command = $_ } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    $script:common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    $script:readVerbs = 'Get', 'Test', 'Find', 'Search', 'Show', 'Read', 'Measure', 'Compare', 'Watch', 'Wait', 'Resolve', 'ConvertTo', 'ConvertFrom', 'Format', 'Select'
    # Cmdlets whose verb could change something but which only read: Invoke-ShowcaseRequest sends GET requests through the gateway.
    $script:readOnlyCmdlets = @('Invoke-ShowcaseRequest')
}

Describe 'Module manifest' {
    It 'is valid and exports exactly the cmdlets the assembly defines' {
        $manifest = Test-ModuleManifest -Path (Join-Path $env:SHOWCASE_MODULE_PATH 'ShowcaseOps.psd1')
        $manifest.CompatiblePSEditions | Should -Be @('Core') -Because 'only PowerShell 7.4+ is tested (docs/architecture.md)'
        $manifest.PowerShellVersion | Should -Be ([version]'7.4')
        $manifest.ExportedCmdlets.Keys | Sort-Object | Should -Be (Get-Command -Module ShowcaseOps -CommandType Cmdlet | ForEach-Object Name | Sort-Object)
        $manifest.ExportedFunctions.Count | Should -Be 0
        $manifest.ExportedAliases.Count | Should -Be 0
    }

    It 'does not load the AWS SDK on import' {
        $loaded = Invoke-ChildPwsh "Import-Module '$env:SHOWCASE_MODULE_PATH'; Get-Command Start-ShowcaseSandbox | Out-Null; [AppDomain]::CurrentDomain.GetAssemblies().GetName().Name -join ','"
        $loaded | Should -Match 'ShowcaseOps' -Because 'the child process must really have imported the module'
        $loaded | Should -Not -Match 'AWSSDK'
    }
}

Describe '<Name>' -ForEach $commands {
    It 'uses an approved verb' {
        (Get-Verb).Verb | Should -Contain $Command.Verb
    }

    It 'declares [OutputType]' {
        $Command.OutputType.Count | Should -BeGreaterThan 0
    }

    It 'has help with a synopsis, a description and an example' {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match '^\s*\w+-\w+\s*\[' -Because 'a generated syntax line means no help was found'
        ($help.description | Out-String).Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
    }

    It 'documents every parameter' {
        $help = Get-Help $Name -Full
        foreach ($parameter in $Command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $documented = @($help.parameters.parameter | Where-Object name -EQ $parameter)
            $documented.Count | Should -Be 1 -Because "-$parameter must appear in Get-Help $Name"
            ($documented[0].description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$parameter needs a description"
        }
    }

    It 'supports ShouldProcess when it changes something' {
        if ($Command.Verb -notin $readVerbs -and $Name -notin $readOnlyCmdlets) {
            $Command.Parameters.Keys | Should -Contain 'WhatIf'
            $Command.Parameters.Keys | Should -Contain 'Confirm'
        }
    }

    It 'asks for confirmation by default when it destroys something, and has -Force to skip the prompt' {
        if ($Command.Verb -in 'Remove', 'Unregister', 'Stop' -or $Name -eq 'Set-ShowcaseCluster') {
            $attribute = $Command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
            $attribute.SupportsShouldProcess | Should -BeTrue
            if ($Command.Verb -ne 'Stop') {
                $attribute.ConfirmImpact | Should -Be 'High'
                $Command.Parameters.Keys | Should -Contain 'Force'
            }
        }
    }
}

Describe 'One way to confirm' {
    It 'no cmdlet checks -WhatIf, $WhatIfPreference or -Confirm by hand (ShowcaseCmdlet.ShouldChange is the one helper)' {
        $root = if ($env:SHOWCASE_REPO_ROOT) { $env:SHOWCASE_REPO_ROOT } else { Join-Path $PSScriptRoot '..' }
        $hits = Get-ChildItem (Join-Path $root 'src/ShowcaseOps/Commands') -Recurse -Filter *.cs |
            Select-String -Pattern '"WhatIf"|WhatIfPreference|"Confirm"|ConfirmPreference|\bShouldProcess\(|\bShouldContinue\(' |
            ForEach-Object { "$($_.Path | Split-Path -Leaf):$($_.LineNumber): $($_.Line.Trim())" }
        $hits | Where-Object { $_ -notmatch '^(Start|Stop)ShowcaseSandboxCommand\.cs:' } | Should -BeNullOrEmpty
    }
}
