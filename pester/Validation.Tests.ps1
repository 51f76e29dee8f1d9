# Bad input is refused at the parameter, for every cmdlet: each parameter that has a check gets a valid sample (which
# must pass the parameter's own attributes) and then classes of bad input derived from it — a trailing newline, CR/LF,
# control characters, path traversal, wildcards where the parameter takes none (a malformed pattern where it does),
# oversized text. Each must be a ParameterArgumentValidationError and cost zero requests in the sandbox log.
BeforeDiscovery {
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    $skipped = 'ValidateNotNullAttribute', 'ValidateNotNullOrEmptyAttribute', 'ValidateRangeAttribute'
    $script:checked = foreach ($command in Get-Command -Module ShowcaseOps -CommandType Cmdlet) {
        foreach ($parameter in $command.Parameters.Values | Where-Object { $_.Name -notin $common }) {
            $checks = @($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateArgumentsAttribute] -and $_.GetType().Name -notin $skipped })
            if ($checks.Count -gt 0) {
                @{ Command = $command.Name; Parameter = $parameter.Name; Checks = $checks; Wildcards = [bool]($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }) }
            }
        }
    }
}

BeforeAll {
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    $script:sandbox = Start-ShowcaseSandbox -Force -WarningAction SilentlyContinue
    $script:file = Join-Path $TestDrive 'spec.json'
    Set-Content -Path $file -Value '{"id":"/web","cmd":"sleep 1"}'
    $script:validate = [System.Management.Automation.ValidateArgumentsAttribute].GetMethod('Validate', [Reflection.BindingFlags]'NonPublic,Instance')

    # A valid sample per check (attribute type, or parameter name for the generic ValidatePattern).
    $script:samples = @{
        ValidateClusterNameAttribute          = 'demo'; ValidateClusterNamePatternAttribute = 'de*'; ValidateClusterReferenceAttribute = 'demo'
        ValidateInstanceProfileNameAttribute  = 'showcase-ssm'; ValidateInstanceTypeAttribute = 't3.medium'
        ValidateImageIdAttribute              = 'ami-0123456789abcdef0'; ValidateEc2InstanceIdAttribute = 'i-0123456789abcdef0'
        ValidateIpv4CidrAttribute             = '10.0.0.0/16'; ValidateAvailabilityZoneAttribute = 'eu-west-1a'
        ValidateDomainAttribute               = 'service.consul'; ValidateKeyNameAttribute = 'demo-key'
        ValidateDeploymentIdAttribute         = '0b7e2d8c-4c1f-4b8e-9a51-1f0c2e3d4a5b'; ValidateTaskStateAttribute = 'Running'
        ValidateMarathonAppIdAttribute        = 'shop/web'; ValidateMarathonAppIdPatternAttribute = 'shop/we*'
        ValidateServiceNamePatternAttribute   = 'we*'; ValidateInstanceIdPatternAttribute = 'web.1*'
        ValidateServiceNameAttribute          = 'web'; ValidateInstanceIdAttribute = 'web.instance-1._app.1'
        ValidateHostAddressAttribute          = '10.0.12.7'; ValidateCidrAttribute = '203.0.113.0/24'
        ValidateCredentialTextAttribute       = 'default'
        Region                                = 'eu-west-1'; EndpointUrl = 'http://127.0.0.1:1/'
        ValidateHealthCheckPathAttribute      = '/health'; PortName = 'admin'; Path = '/'; ValidateOptionalPortAttribute = '8080'
    }
    # Known gaps in parameters this file's author does not own (reported to the lead); remove an entry once fixed.
    $script:pending = @{ 'Register-ShowcaseInstance -HealthCheckPort' = 'a number: PowerShell converts "8080`n" to 8080 before any check, as for every [int] parameter; the value then passes 1..65535 or is refused' }
    # Checks of free text, where '../x' or '*' are legitimate values (a key pair name, a profile, a URL, a file path).
    $script:freeText = 'ValidateKeyNameAttribute', 'ValidateCredentialTextAttribute', 'ValidateRegularFileAttribute', 'EndpointUrl', 'Path'   # Path: a request path, where '*' is legitimate (its pattern still refuses '.'/'..' segments and caps the length)

    function script:Get-Sample($Parameter, $Checks) {
        foreach ($check in $Checks) {
            $type = $check.GetType().Name
            if ($type -eq 'ValidateSetAttribute') { return $check.ValidValues[0] }
            if ($type -eq 'ValidateRegularFileAttribute') { return $file }
            if ($samples.ContainsKey($type)) { return $samples[$type] }
        }
        return $samples[$Parameter]
    }

    function script:Test-Accepted($Checks, $Value) {
        try { foreach ($check in $Checks) { $null = $validate.Invoke($check, @($Value, $ExecutionContext)) }; $true }
        catch { $false }
    }

    function script:Get-BadInput([string] $Sample, [string[]] $Kinds, [bool] $Wildcards, [bool] $FreeText) {
        $half = [Math]::Max(1, [int]($Sample.Length / 2))
        @{ Class = 'trailing newline'; Value = "$Sample`n" }
        @{ Class = 'trailing CR/LF'; Value = "$Sample`r`n" }
        @{ Class = 'CR/LF inside'; Value = $Sample.Insert($half, "`r`n") }
        @{ Class = 'NUL inside'; Value = $Sample.Insert($half, [string][char]0) }
        @{ Class = 'escape character'; Value = $Sample.Insert($half, [string][char]0x1b) }
        if (-not $FreeText) {
            @{ Class = 'oversized'; Value = $Sample + ('a' * 100000) }
            @{ Class = 'path traversal (leading ../)'; Value = "../$Sample" }
            @{ Class = 'path traversal (trailing /../..)'; Value = "$Sample/../../v2/info" }
            if ($Wildcards) { @{ Class = 'malformed wildcard'; Value = "$Sample[" } }
            else { @{ Class = 'wildcard'; Value = "$Sample*" }; @{ Class = 'wildcard ?'; Value = $Sample.Insert($half, '?') } }
        }
    }
}

AfterAll {
    Stop-ShowcaseSandbox -Confirm:$false
}

Describe '<Command> -<Parameter>' -ForEach $checked {
    It 'accepts its sample and refuses each class of bad input at the parameter, with zero requests' {
        foreach ($key in "$Command -$Parameter", "-$Parameter") {
            if ($pending.ContainsKey($key)) { Set-ItResult -Skipped -Because $pending[$key]; return }
        }
        $sample = Get-Sample $Parameter $Checks
        $sample | Should -Not -BeNullOrEmpty -Because "Validation.Tests.ps1 needs a valid sample for $Command -$Parameter ($($Checks.GetType().Name -join ', '))"
        Test-Accepted $Checks $sample | Should -BeTrue -Because "the sample '$sample' must pass -$Parameter's own checks"
        $freeText = [bool]($Checks | Where-Object { $_.GetType().Name -in $freeText }) -or $Parameter -in $freeText
        $count = $sandbox.Host.Log.Count()
        foreach ($bad in Get-BadInput $sample $null $Wildcards $freeText) {
            $arguments = @{ $Parameter = $bad.Value }
            $outcome = try { & $Command @arguments -ErrorAction Stop 2>$null | Out-Null; 'accepted' } catch { $_.FullyQualifiedErrorId }
            $outcome | Should -BeLike 'ParameterArgumentValidationError,*' -Because "$Command -$Parameter must refuse $($bad.Class)"
        }
        $sandbox.Host.Log.Count() | Should -Be $count -Because 'refused input must cost no AWS or platform call'
    }
}

Describe 'Files are regular files of at most 1 MiB, checked before they are opened' {
    BeforeAll {
        $script:fifo = Join-Path $TestDrive 'fifo'
        & mkfifo $fifo
        $script:zeroLink = Join-Path $TestDrive 'zero'
        $null = New-Item -ItemType SymbolicLink -Path $zeroLink -Target /dev/zero
        $script:big = Join-Path $TestDrive 'big.json'
        [IO.File]::WriteAllBytes($big, [byte[]]::new(1MB + 1))
    }

    It '<Command> -<Parameter> refuses <Case>' -ForEach @(
        foreach ($target in @(@{ Command = 'New-MarathonApp'; Parameter = 'Path' }, @{ Command = 'New-ShowcaseCluster'; Parameter = 'PublicKeyPath' })) {
            foreach ($case in 'a FIFO', '/dev/zero', 'a link to /dev/zero', 'a directory', 'a file over 1 MiB') { $target + @{ Case = $case } }
        }
    ) {
        $path = switch ($Case) { 'a FIFO' { $fifo } '/dev/zero' { '/dev/zero' } 'a link to /dev/zero' { $zeroLink } 'a directory' { $TestDrive } default { $big } }
        $count = $sandbox.Host.Log.Count()
        $arguments = @{ $Parameter = $path }
        $outcome = try { & $Command @arguments -ErrorAction Stop | Out-Null; 'accepted' } catch { $_.FullyQualifiedErrorId }
        $outcome | Should -BeLike 'ParameterArgumentValidationError,*'
        $sandbox.Host.Log.Count() | Should -Be $count
    }
}

Describe 'Marathon app ids follow Marathon''s rule' {
    It 'accepts <_>' -ForEach 'web', '/web', '/shop/api', 'a.b-c/d0', '/x1.y2/z-3' {
        [ShowcaseOps.Cmdlets.MarathonAppIdRule]::IsAppId($_) | Should -BeTrue
    }

    It 'refuses <_>' -ForEach '../groups', '../../v2/info', '/web/..', '/./web', 'a//b', '/web/', 'Web', 'we_b', '-web', 'web-', 'a..b', '.web', 'web/tasks', '/shop/versions', 'w*', '' {
        [ShowcaseOps.Cmdlets.MarathonAppIdRule]::IsAppId($_) | Should -BeFalse
    }

    It 'Remove-MarathonApp -Id ../groups and Get-MarathonApp -Id ../../v2/info never reach Marathon' {
        $count = $sandbox.Host.Log.Count()
        { Remove-MarathonApp -Id '../groups' -Force } | Should -Throw -ErrorId 'ParameterArgumentValidationError,ShowcaseOps.Commands.Marathon.RemoveMarathonAppCommand'
        { Get-MarathonApp -Id '../../v2/info' } | Should -Throw -ErrorId 'ParameterArgumentValidationError,ShowcaseOps.Commands.Marathon.GetMarathonAppCommand'
        { Get-MarathonApp -Id 'we[b' } | Should -Throw -ErrorId 'ParameterArgumentValidationError,ShowcaseOps.Commands.Marathon.GetMarathonAppCommand' -Because 'a malformed wildcard is refused before any call (it was a WildcardPatternException after nine EC2 calls)'
        $sandbox.Host.Log.Count() | Should -Be $count
    }
}

Describe 'Every pattern check is anchored and exact' {
    It '<Name> is anchored with \A…\z' -ForEach @([ShowcaseOps.Cmdlets.ShowcaseInputPatterns].GetFields() | Where-Object IsLiteral | ForEach-Object { @{ Name = $_.Name; Pattern = $_.GetValue($null) } }) {
        $Pattern | Should -Match '^\\A'
        $Pattern | Should -Match '\\z$'
    }

    It 'every ValidatePattern on a cmdlet parameter is anchored with \A…\z' {
        $loose = foreach ($command in Get-Command -Module ShowcaseOps -CommandType Cmdlet) {
            foreach ($parameter in $command.Parameters.Values) {
                foreach ($pattern in $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidatePatternAttribute] }) {
                    if ($pattern.RegexPattern -notmatch '^\\A' -or $pattern.RegexPattern -notmatch '\\z$') { "$($command.Name) -$($parameter.Name): $($pattern.RegexPattern)" }
                }
            }
        }
        $loose | Should -BeNullOrEmpty
    }
}
