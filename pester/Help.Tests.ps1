# Help as users read it with Get-Help, from the assembled module: SYNTAX with the common parameters, readable types,
# defaults true to the code, a description and examples for every cmdlet, no pointers to files the module does not ship,
# the about topics; and the markdown sources in PlatyPS v2 form, current with the code (Convert-HelpMarkdown.ps1 -Check).
BeforeDiscovery {
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    $script:cmdlets = @(Get-Command -Module ShowcaseOps -CommandType Cmdlet | Sort-Object Name | ForEach-Object {
            @{ Name = $_.Name; ShouldProcess = $_.Parameters.ContainsKey('WhatIf') }
        })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    $script:repo = if ($env:SHOWCASE_REPO_ROOT) { $env:SHOWCASE_REPO_ROOT } else { Join-Path $PSScriptRoot '..' }
    $script:commonNames = [System.Management.Automation.Cmdlet]::CommonParameters
    function script:Get-SyntaxLine([string] $Name) {
        $text = Get-Help $Name | Out-String -Width 4000
        if ($text -notmatch '(?s)\nSYNTAX\s*\n(.*?)\n\s*\n\s*\n') { throw "No SYNTAX section in the help of $Name" }
        @($Matches[1] -split '\n' | ForEach-Object Trim | Where-Object { $_ })
    }
    # What the code leaves in a parameter when it is not given: a new instance of the cmdlet class, read back.
    function script:Get-CodeDefault($Command, [string] $Parameter) {
        $value = $Command.ImplementingType.GetProperty($Parameter).GetValue([Activator]::CreateInstance($Command.ImplementingType))
        if ($null -eq $value -or ($value -is [string] -and $value -eq '') -or ($value -is [array] -and $value.Count -eq 0)) { return $null }
        if ($value -is [double]) { return $value.ToString([cultureinfo]::InvariantCulture) }
        [string]$value
    }
}

Describe 'Help of <Name>' -ForEach $cmdlets {
    BeforeAll {
        $script:command = Get-Command $Name
        $script:help = Get-Help $Name -Full
        $script:fullText = Get-Help $Name -Full | Out-String -Width 4000
    }

    It 'has a synopsis, a description and examples with code' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match ([regex]::Escape($Name) + '\s*\[')   # the synopsis PowerShell makes up when there is no help
        ($help.description.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        foreach ($example in @($help.examples.example)) { [string]$example.code | Should -Not -BeNullOrEmpty }
    }

    It 'SYNTAX lists every parameter set, each ending with [<CommonParameters>], with [-WhatIf] [-Confirm] when it supports ShouldProcess' {
        $lines = Get-SyntaxLine $Name
        $lines.Count | Should -Be @($command.ParameterSets).Count
        foreach ($line in $lines) {
            $line | Should -BeLike "$Name *"
            $line | Should -Match '\[<CommonParameters>\]$'
            if ($ShouldProcess) { $line | Should -Match '\[-WhatIf\] \[-Confirm\] \[<CommonParameters>\]$' }
            else { $line | Should -Not -Match '-WhatIf|-Confirm' }
        }
    }

    It 'documents every parameter (-WhatIf and -Confirm included) with a description and a readable type' {
        $documented = @($help.parameters.parameter)
        foreach ($name in @($command.Parameters.Keys | Where-Object { $_ -notin $commonNames })) {
            $p = $documented | Where-Object name -EQ $name
            $p | Should -Not -BeNullOrEmpty -Because "-$name must be in the help of $Name"
            ($p.description.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty -Because "-$name needs a description"
            $type = $command.Parameters[$name].ParameterType
            $inner = [Nullable]::GetUnderlyingType($type)
            if ($inner) { $p.parameterValue | Should -Not -Match 'Nullable' -Because "-$name is a $($inner.Name) to the user" }
        }
    }

    It 'shows no .NET generic arity (Nullable`1), placeholder or pointer to a file the module does not ship' {
        $fullText | Should -Not -Match 'Nullable`1|`1\['
        $fullText | Should -Not -Match '\{\{ ?(Fill|Insert)'   # PlatyPS's placeholders
        $fullText | Should -Not -Match '\bdocs/\S+\.md'
    }

    It 'shows each default the code sets, and None only where the code sets none' {
        foreach ($p in @($help.parameters.parameter | Where-Object { $_ -and $_.name })) {
            if ($p.name -in 'WhatIf', 'Confirm') { $p.defaultValue | Should -Be 'False'; continue }
            $meta = $command.Parameters[$p.name]
            if ($meta.ParameterType -eq [switch]) { $p.defaultValue | Should -Be 'False' -Because "-$($p.name) is a switch"; continue }
            $code = Get-CodeDefault $command $p.name
            if ($null -ne $code) { $p.defaultValue | Should -Be $code -Because "-$($p.name) is $code when not given" }
        }
    }

    It 'has no online version (no HelpUri, no link a browser could open), as about_ShowcaseOps says' {
        $command.HelpUri | Should -BeNullOrEmpty
        @($help.relatedLinks.navigationLink | Where-Object { $_.PSObject.Properties['uri'] -and $_.uri }) | Should -BeNullOrEmpty
    }

    It 'has a markdown source in PlatyPS v2 form' {
        $source = Get-Content -Raw (Join-Path $repo "docs/help/$Name.md")
        $source | Should -Match '\A---\n(?s:.*?)\n---\n'
        $source | Should -Match '(?m)^document type: cmdlet$'
        $source | Should -Match '(?m)^PlatyPS schema version: 2024-05-01$'
        $source | Should -Match "(?m)^title: $([regex]::Escape($Name))$"
        foreach ($section in 'SYNOPSIS', 'SYNTAX', 'ALIASES', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS') {
            $source | Should -Match "(?m)^## $section$"
        }
        $source | Should -Match '(?m)^### CommonParameters$'
    }
}

Describe 'Help defaults pinned to known values' {
    It '<Command> -<Parameter> defaults to <Value>' -ForEach @(
        @{ Command = 'New-ShowcaseCluster'; Parameter = 'AgentCount'; Value = '3' }
        @{ Command = 'New-ShowcaseCluster'; Parameter = 'InstanceType'; Value = 't3.medium' }
        @{ Command = 'Start-ShowcaseSandbox'; Parameter = 'Region'; Value = 'eu-west-1' }
        @{ Command = 'Sync-ShowcaseService'; Parameter = 'ResyncSeconds'; Value = '300' }
        @{ Command = 'Invoke-ShowcaseRequest'; Parameter = 'Scheme'; Value = 'https' }
    ) {
        (Get-Help $Command -Parameter $Parameter).defaultValue | Should -Be $Value
    }

    It 'a Nullable parameter reads as its value type (Use-ShowcaseCluster -Channel)' {
        $text = Get-Help Use-ShowcaseCluster -Parameter Channel | Out-String
        $text | Should -Match '-Channel <PlatformChannelKind>'
    }
}

Describe 'The markdown sources' {
    It 'are what module/build/Convert-HelpMarkdown.ps1 writes from the code (re-run it after changing a cmdlet)' {
        $script = Join-Path $repo 'module/build/Convert-HelpMarkdown.ps1'
        $out = Invoke-ChildPwsh -Command "& '$($script -replace "'", "''")' -RepoRoot '$($repo -replace "'", "''")' -ModulePath '$($env:SHOWCASE_MODULE_PATH -replace "'", "''")' -Check 6>&1 2>&1; `"exit=`$?`"" 2>&1 | ForEach-Object { "$_" }
        $out | Should -Contain 'exit=True' -Because ($out -join "`n")
    }
}

Describe 'About topics' {
    It '<Topic> is shipped in en-US and opens with Get-Help' -ForEach @(
        @{ Topic = 'about_ShowcaseOps'; Sections = @('CONCEPTS', 'WHERE CALLS GO: AWS OR THE SANDBOX', 'CHANNELS', 'SAFETY') }
        @{ Topic = 'about_ShowcaseOps_Sandbox'; Sections = @('WHAT IT CHANGES IN THE SESSION', 'WHAT IT DOES AND DOES NOT DO') }
    ) {
        Join-Path $env:SHOWCASE_MODULE_PATH "en-US/$Topic.help.txt" | Should -Exist
        $text = Get-Help $Topic | Out-String
        $text | Should -Match "TOPIC\s+$Topic\b"
        foreach ($section in $Sections) { $text | Should -Match "(?m)^$([regex]::Escape($section))\s*$" }
    }

    It 'the sandbox tour in about_ShowcaseOps_Sandbox runs as written' {
        $text = Get-Content -Raw (Join-Path $env:SHOWCASE_MODULE_PATH 'en-US/about_ShowcaseOps_Sandbox.help.txt')
        $text -match 'only the endpoints differ\.\s*\n\n((?: {8}[^\n]*\n)+)' | Should -BeTrue
        $code = ($Matches[1] -split '\n' | ForEach-Object { if ($_.Length -ge 8) { $_.Substring(8) } else { $_ } }) -join "`n"
        $code | Should -Match 'Start-ShowcaseSandbox[\s\S]*Stop-ShowcaseSandbox'
        try {
            $ConfirmPreference = 'None'
            $ErrorActionPreference = 'Stop'
            $output = & ([scriptblock]::Create($code)) 3>&1 4>&1 6>&1
            @($output | Where-Object { $_.PSObject.Properties['Name'] -and $_.PSObject.Properties['Count'] -and $_.Name -eq 'RunInstances' }).Count | Should -Be 1
        }
        finally { Stop-ShowcaseSandbox -Confirm:$false -ErrorAction SilentlyContinue }
    }

    It 'name only cmdlets that exist, and say that help has no online version' {
        $text = (Get-Help about_ShowcaseOps | Out-String) + (Get-Help about_ShowcaseOps_Sandbox | Out-String)
        $named = @([regex]::Matches($text, '\b[A-Z][a-z]+-(?:Showcase|Marathon)[A-Za-z]*\b') | ForEach-Object Value | Sort-Object -Unique)
        $named.Count | Should -BeGreaterThan 10
        foreach ($n in $named) { Get-Command $n -Module ShowcaseOps -ErrorAction SilentlyContinue | Should -Not -BeNullOrEmpty -Because "$n is named in an about topic" }
        $text | Should -Match 'Get-Help -Online is not available'
    }
}
