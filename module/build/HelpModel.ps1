<#
.SYNOPSIS
    The help model shared by Convert-HelpMarkdown.ps1 (writes docs/help/<Cmdlet>.md in PlatyPS v2 form) and
    Build-Help.ps1 (writes the MAML): reading a help markdown file in either form, and what the cmdlet itself says
    (parameter sets, types, defaults, pipeline input) so that both agree with the code.
#>
Set-StrictMode -Version Latest

$script:HelpSchemaVersion = '2024-05-01'
$script:ShouldProcessParameterText = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}

# Parameters a cmdlet documents: its own plus -WhatIf/-Confirm when it supports ShouldProcess (not the other common ones).
function Get-HelpParameterName {
    param([Parameter(Mandatory)] [System.Management.Automation.CommandInfo] $Command)
    $common = [System.Management.Automation.Cmdlet]::CommonParameters
    @($Command.Parameters.Keys | Where-Object { $_ -notin $common } | Sort-Object)
}

# A type as a user reads it: Nullable<T> is T, PowerShell's short names (int, string[], hashtable), else the type's name.
function Get-HelpTypeName {
    param([Parameter(Mandatory)] [type] $Type)
    $element = $Type; $suffix = ''
    while ($element.IsArray) { $suffix += '[]'; $element = $element.GetElementType() }
    $inner = [Nullable]::GetUnderlyingType($element)
    if ($inner) { $element = $inner }
    if ($element -eq [System.Management.Automation.SwitchParameter]) { return 'SwitchParameter' + $suffix }
    $short = [Microsoft.PowerShell.ToStringCodeMethods]::Type($element)
    if ($short -match '[.`]') { $short = $element.Name }
    $short + $suffix
}

# The full type name for the yaml block and MAML's dev:type (Nullable<T> is written System.Nullable[T], never `1).
function Get-HelpFullTypeName {
    param([Parameter(Mandatory)] [type] $Type)
    $inner = [Nullable]::GetUnderlyingType($Type)
    if ($inner) { return "System.Nullable[$($inner.FullName)]" }
    $Type.FullName
}

# The value a parameter has when it is not given, read from a new instance of the cmdlet class: what the code does.
# $null when the code sets none (a mandatory parameter, or a default resolved at run time, which the description explains).
function Get-HelpParameterDefault {
    param([Parameter(Mandatory)] [System.Management.Automation.CommandInfo] $Command, [Parameter(Mandatory)] [string] $Name)
    $meta = $Command.Parameters[$Name]
    if ($meta.ParameterType -eq [System.Management.Automation.SwitchParameter]) { return 'False' }
    if (-not $Command.ImplementingType) { return $null }
    $property = $Command.ImplementingType.GetProperty($Name)
    if (-not $property) { return $null }
    $instance = [Activator]::CreateInstance($Command.ImplementingType)
    $value = $property.GetValue($instance)
    if ($null -eq $value) { return $null }
    if ($value -is [string]) { if ($value -eq '') { return $null } else { return $value } }
    if ($value -is [System.Collections.ICollection]) { if ($value.Count -eq 0) { return $null } else { return ($value -join ', ') } }
    if ($value -is [double] -or $value -is [float]) { return $value.ToString([cultureinfo]::InvariantCulture) }
    [string]$value
}

# Reads docs/help/<Name>.md in the PlatyPS v2 form (yaml front matter, SYNTAX, yaml parameter blocks) or in the older
# plain form ('## SYNOPSIS', '### -Name' + text): both give the same model. Headings inside ``` fences are text.
function Read-HelpMarkdown {
    param([Parameter(Mandatory)] [string] $Path)
    $doc = [ordered]@{
        FrontMatter = [ordered]@{}; Synopsis = ''; Description = ''; Notes = ''; Aliases = ''
        Examples = [System.Collections.Generic.List[object]]::new(); Parameters = @{}; Defaults = @{}
        Inputs = [ordered]@{}; Outputs = [ordered]@{}; Links = [System.Collections.Generic.List[object]]::new()
    }
    $lines = @(Get-Content -Path $Path)
    $start = 0
    if ($lines.Count -and $lines[0].Trim() -eq '---') {
        for ($i = 1; $i -lt $lines.Count; $i++) {
            if ($lines[$i].Trim() -eq '---') { $start = $i + 1; break }
            if ($lines[$i] -match '^([^:#][^:]*):\s*(.*)$') { $doc.FrontMatter[$Matches[1].Trim()] = $Matches[2].Trim().Trim("'") }
        }
    }
    $section = $null; $sub = $null; $buffer = [System.Text.StringBuilder]::new(); $inFence = $false
    $flush = {
        $text = $buffer.ToString().Trim(); $null = $buffer.Clear()
        switch ($section) {
            'SYNOPSIS' { $doc.Synopsis = $text }
            'DESCRIPTION' { $doc.Description = $text }
            'NOTES' { $doc.Notes = $text }
            'ALIASES' { $doc.Aliases = $text }
            'INPUTS' { if ($sub) { $doc.Inputs[$sub] = $text } }
            'OUTPUTS' { if ($sub) { $doc.Outputs[$sub] = $text } }
            'RELATED LINKS' {
                foreach ($l in ($text -split "`n" | ForEach-Object { $_.Trim().TrimStart('-', '*').Trim() } | Where-Object { $_ })) {
                    if ($l -match '^\[(.*?)\]\((.*?)\)$') { $doc.Links.Add([pscustomobject]@{ Text = $Matches[1]; Uri = $Matches[2] }) }
                    else { $doc.Links.Add([pscustomobject]@{ Text = $l; Uri = '' }) }
                }
            }
            'PARAMETERS' {
                if ($sub -and $sub.StartsWith('-')) {
                    $name = $sub.TrimStart('-')
                    if ($text -match '(?s)```yaml\s*\n(.*?)```') {
                        if ($Matches[1] -match '(?m)^DefaultValue:\s*(.*?)\s*$') { $doc.Defaults[$name] = $Matches[1].Trim("'") }
                        $text = ($text -replace '(?s)```yaml\s*\n.*?```', '').Trim()
                    }
                    $doc.Parameters[$name] = $text
                }
            }
            'EXAMPLES' {
                if ($sub) {
                    $code = ''; $remarks = $text
                    if ($text -match '(?s)^(.*?)```(?:powershell|ps1)?[ \t]*\r?\n(.*?)```(.*)$') {
                        $code = $Matches[2].TrimEnd(); $remarks = ($Matches[1].Trim() + "`n`n" + $Matches[3].Trim()).Trim()
                    }
                    $doc.Examples.Add([pscustomobject]@{ Title = $sub; Code = $code; Remarks = $remarks })
                }
            }
        }
    }
    for ($i = $start; $i -lt $lines.Count; $i++) {
        $line = $lines[$i]
        if ($line -match '^\s*```') { $inFence = -not $inFence; $null = $buffer.AppendLine($line); continue }
        if (-not $inFence) {
            if ($line -match '^## (.+)$') { & $flush; $section = $Matches[1].Trim().ToUpperInvariant(); $sub = $null; continue }
            if ($line -match '^### (.+)$') { & $flush; $sub = $Matches[1].Trim(); continue }
            if ($line -match '^# ') { continue }
        }
        $null = $buffer.AppendLine($line)
    }
    & $flush
    $doc
}

# Fills what a cmdlet's file leaves out: shared parameter descriptions (_Shared.md) and the ShouldProcess parameters.
function Complete-HelpModel {
    param($Doc, [hashtable] $Shared, [Parameter(Mandatory)] [System.Management.Automation.CommandInfo] $Command)
    foreach ($name in (Get-HelpParameterName -Command $Command)) {
        if ($Doc.Parameters[$name]) { continue }
        if ($script:ShouldProcessParameterText[$name]) { $Doc.Parameters[$name] = $script:ShouldProcessParameterText[$name] }
        elseif ($Shared -and $Shared[$name]) { $Doc.Parameters[$name] = $Shared[$name] }
    }
    $Doc
}

# The default a user reads: the code's own value, else what the file says (a default the code resolves at run time).
function Get-HelpDefaultText {
    param($Doc, [Parameter(Mandatory)] [System.Management.Automation.CommandInfo] $Command, [Parameter(Mandatory)] [string] $Name)
    $fromCode = Get-HelpParameterDefault -Command $Command -Name $Name
    if ($null -ne $fromCode) { return $fromCode }
    $written = $Doc.Defaults[$Name]
    if ($written -and $written -ne 'False') { return $written }
    'None'
}

# One SYNTAX line per parameter set, as Get-Command -Syntax writes it, with [-WhatIf] [-Confirm] and [<CommonParameters>].
function Get-HelpSyntaxLine {
    param([Parameter(Mandatory)] [System.Management.Automation.CommandInfo] $Command, [Parameter(Mandatory)] $ParameterSet)
    $common = [System.Management.Automation.Cmdlet]::CommonParameters
    $parts = foreach ($p in @($ParameterSet.Parameters | Where-Object { $_.Name -notin $common } |
                Sort-Object { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } }, { -[int]$_.IsMandatory }, { $_.Name -in 'WhatIf', 'Confirm' })) {
        $isSwitch = $p.ParameterType -eq [System.Management.Automation.SwitchParameter]
        $name = if ($p.Position -ge 0) { "[-$($p.Name)]" } else { "-$($p.Name)" }
        $text = if ($isSwitch) { "-$($p.Name)" } else { "$name <$(Get-HelpTypeName -Type $p.ParameterType)>" }
        if ($p.IsMandatory) { $text } else { "[$text]" }
    }
    (@($Command.Name) + @($parts) + '[<CommonParameters>]') -join ' '
}

# The types a cmdlet takes from the pipeline (those of its ByValue/ByPropertyName parameters), or None.
function Get-HelpInputType {
    param([Parameter(Mandatory)] [System.Management.Automation.CommandInfo] $Command)
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    $types = @($Command.Parameters.Values | Where-Object { $_.Name -notin $common -and ($_.ParameterSets.Values | Where-Object { $_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName }) } |
            ForEach-Object { Get-HelpFullTypeName -Type $_.ParameterType } | Select-Object -Unique)
    if ($types.Count) { $types } else { @('None') }
}

# The types of the cmdlet's [OutputType], or None.
function Get-HelpOutputType {
    param([Parameter(Mandatory)] [System.Management.Automation.CommandInfo] $Command)
    $types = @($Command.OutputType | ForEach-Object { if ($_.Type) { Get-HelpFullTypeName -Type $_.Type } else { $_.Name } } | Select-Object -Unique)
    if ($types.Count) { $types } else { @('None') }
}
