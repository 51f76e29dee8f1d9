<#
.SYNOPSIS
    Rewrites docs/help/<Cmdlet>.md in the PlatyPS v2 form (Microsoft.PowerShell.PlatyPS 1.0, schema 2024-05-01), so the
    files stay editable with its tools (Import-MarkdownCommandHelp, Update-MarkdownCommandHelp, Export-MamlCommandHelp).

.DESCRIPTION
    Safe to re-run at any time, and meant to be re-run after a merge: it reads each file in either form (the older plain
    form: '## SYNOPSIS', '### -Name' + text; or PlatyPS v2), keeps every human-written text (synopsis, description,
    examples, parameter descriptions, input/output descriptions, notes, links) and regenerates what the code knows:
    SYNTAX (with [-WhatIf] [-Confirm] [<CommonParameters>]), each parameter's yaml block (type, default from the code,
    sets, position, pipeline input, aliases, accepted values) and the INPUTS/OUTPUTS type names. A parameter the file
    does not describe takes its text from docs/help/_Shared.md; a cmdlet with no file fails (write one first).
    -Check writes nothing and fails when a file is not what this script would write (the build's "help is current" gate).

.EXAMPLE
    ./build.sh build; dotnet tool run pwsh -- -File module/build/Convert-HelpMarkdown.ps1 -RepoRoot .
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $RepoRoot,
    [string] $ModulePath = (Join-Path $RepoRoot 'out/ShowcaseOps'),
    [switch] $Check
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. (Join-Path $PSScriptRoot 'HelpModel.ps1')

function ConvertTo-YamlScalar {
    param([string] $Value)
    if ($Value -eq '') { return "''" }
    if ($Value -match '^[A-Za-z0-9_.,/ -]+$' -and $Value -notmatch '^(true|false|null|yes|no|~)$' -and $Value -notmatch '^[-.]') { return $Value }
    "'" + ($Value -replace "'", "''") + "'"
}

function Format-ParameterYaml {
    param($Doc, [System.Management.Automation.CommandInfo] $Command, [string] $Name)
    $meta = $Command.Parameters[$Name]
    $y = [System.Collections.Generic.List[string]]::new()
    $y.Add("Type: $(Get-HelpFullTypeName -Type $meta.ParameterType)")
    $y.Add("DefaultValue: $(ConvertTo-YamlScalar (Get-HelpDefaultText -Doc $Doc -Command $Command -Name $Name))")
    $wild = [bool]($meta.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
    $y.Add("SupportsWildcards: $($wild.ToString().ToLowerInvariant())")
    $y.Add('ParameterValue: []')
    if ($meta.Aliases.Count) { $y.Add('Aliases:'); foreach ($a in $meta.Aliases) { $y.Add("- $a") } } else { $y.Add('Aliases: []') }
    $y.Add('ParameterSets:')
    $allSets = @($meta.ParameterSets.Keys)
    foreach ($setName in ($allSets | Sort-Object)) {
        $s = $meta.ParameterSets[$setName]
        $y.Add("- Name: $(if ($setName -eq '__AllParameterSets') { '(All)' } else { ConvertTo-YamlScalar $setName })")
        $y.Add("  Position: $(if ($s.Position -ge 0) { $s.Position } else { 'Named' })")
        $y.Add("  IsRequired: $($s.IsMandatory.ToString().ToLowerInvariant())")
        $y.Add("  ValueFromPipeline: $($s.ValueFromPipeline.ToString().ToLowerInvariant())")
        $y.Add("  ValueFromPipelineByPropertyName: $($s.ValueFromPipelineByPropertyName.ToString().ToLowerInvariant())")
        $y.Add("  ValueFromRemainingArguments: $($s.ValueFromRemainingArguments.ToString().ToLowerInvariant())")
    }
    $y.Add('DontShow: false')
    $validSet = $meta.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
    $enumType = [Nullable]::GetUnderlyingType($meta.ParameterType); if (-not $enumType) { $enumType = $meta.ParameterType }
    $accepted = @(if ($validSet) { $validSet.ValidValues } elseif ($enumType.IsEnum) { [enum]::GetNames($enumType) })
    if ($accepted.Count) { $y.Add('AcceptedValues:'); foreach ($v in $accepted) { $y.Add("- $(ConvertTo-YamlScalar $v)") } } else { $y.Add('AcceptedValues: []') }
    $y.Add("HelpMessage: ''")
    $y -join "`n"
}

function Format-PlatyPSMarkdown {
    param($Doc, [System.Management.Automation.CommandInfo] $Command)
    $o = [System.Text.StringBuilder]::new()
    $add = { param([string] $s = '') $null = $o.Append($s).Append("`n") }
    $date = if ($Doc.FrontMatter.Contains('ms.date')) { $Doc.FrontMatter['ms.date'] } else { (Get-Date).ToUniversalTime().ToString('MM/dd/yyyy', [cultureinfo]::InvariantCulture) }
    & $add '---'
    & $add 'document type: cmdlet'
    & $add 'external help file: ShowcaseOps.dll-Help.xml'
    & $add "HelpUri: ''"
    & $add 'Locale: en-US'
    & $add 'Module Name: ShowcaseOps'
    & $add "ms.date: $date"
    & $add "PlatyPS schema version: $script:HelpSchemaVersion"
    & $add "title: $($Command.Name)"
    & $add '---'
    & $add; & $add "# $($Command.Name)"; & $add
    & $add '## SYNOPSIS'; & $add; & $add $Doc.Synopsis; & $add
    & $add '## SYNTAX'; & $add
    $sets = @($Command.ParameterSets | Sort-Object { -[int]$_.IsDefault }, Name)
    foreach ($set in $sets) {
        $title = if ($set.Name -eq '__AllParameterSets') { '__AllParameterSets' } elseif ($set.IsDefault -and $sets.Count -gt 1) { "$($set.Name) (Default)" } else { $set.Name }
        & $add "### $title"; & $add; & $add '```'; & $add (Get-HelpSyntaxLine -Command $Command -ParameterSet $set); & $add '```'; & $add
    }
    & $add '## ALIASES'; & $add
    & $add $(if ($Doc.Aliases -and $Doc.Aliases -notmatch '\{\{') { $Doc.Aliases } else { 'This cmdlet has no aliases.' }); & $add
    & $add '## DESCRIPTION'; & $add; & $add $Doc.Description; & $add
    & $add '## EXAMPLES'; & $add
    foreach ($e in $Doc.Examples) {
        & $add "### $($e.Title)"; & $add; & $add '```powershell'; & $add $e.Code; & $add '```'; & $add
        if ($e.Remarks) { & $add $e.Remarks; & $add }
    }
    & $add '## PARAMETERS'; & $add
    foreach ($name in (Get-HelpParameterName -Command $Command)) {
        & $add "### -$name"; & $add; & $add $Doc.Parameters[$name]; & $add
        & $add '```yaml'; & $add (Format-ParameterYaml -Doc $Doc -Command $Command -Name $name); & $add '```'; & $add
    }
    & $add '### CommonParameters'; & $add
    & $add 'This cmdlet supports the common parameters: -Debug, -ErrorAction, -ErrorVariable,'
    & $add '-InformationAction, -InformationVariable, -OutBuffer, -OutVariable, -PipelineVariable,'
    & $add '-ProgressAction, -Verbose, -WarningAction, and -WarningVariable. For more information, see'
    & $add '[about_CommonParameters](https://go.microsoft.com/fwlink/?LinkID=113216).'; & $add
    & $add '## INPUTS'; & $add
    foreach ($t in (Get-HelpInputType -Command $Command)) { & $add "### $t"; & $add; if ($Doc.Inputs.Contains($t) -and $Doc.Inputs[$t]) { & $add $Doc.Inputs[$t]; & $add } }
    & $add '## OUTPUTS'; & $add
    foreach ($t in (Get-HelpOutputType -Command $Command)) { & $add "### $t"; & $add; if ($Doc.Outputs.Contains($t) -and $Doc.Outputs[$t]) { & $add $Doc.Outputs[$t]; & $add } }
    & $add '## NOTES'; & $add
    if ($Doc.Notes) { & $add $Doc.Notes; & $add }
    & $add '## RELATED LINKS'; & $add
    foreach ($l in $Doc.Links) {
        $uri = if ($l.Uri) { $l.Uri } elseif (Test-Path (Join-Path $RepoRoot "docs/help/$($l.Text).md")) { "$($l.Text).md" } else { '' }
        & $add "- [$($l.Text)]($uri)"
    }
    $o.ToString().TrimEnd() + "`n"
}

$module = Import-Module (Join-Path $ModulePath 'ShowcaseOps.psd1') -PassThru -Force
$source = Join-Path $RepoRoot 'docs/help'
$shared = (Read-HelpMarkdown -Path (Join-Path $source '_Shared.md')).Parameters
$stale = [System.Collections.Generic.List[string]]::new()
foreach ($command in @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name)) {
    $path = Join-Path $source "$($command.Name).md"
    if (-not (Test-Path $path)) { throw "No help source for $($command.Name): write $path (any form) first." }
    $doc = Complete-HelpModel -Doc (Read-HelpMarkdown -Path $path) -Shared $shared -Command $command
    $missing = @(Get-HelpParameterName -Command $command | Where-Object { -not $doc.Parameters[$_] })
    if ($missing) { throw "$path describes no: $($missing -join ', ') (nor does _Shared.md)." }
    $text = Format-PlatyPSMarkdown -Doc $doc -Command $command
    $current = [IO.File]::ReadAllText($path) -replace "`r`n", "`n"
    if ($current -ne $text) {
        $stale.Add($command.Name)
        if (-not $Check) { [IO.File]::WriteAllText($path, $text, [System.Text.UTF8Encoding]::new($false)) }
    }
}
if ($Check -and $stale.Count) { throw "docs/help is not current for: $($stale -join ', '). Run module/build/Convert-HelpMarkdown.ps1 -RepoRoot <repo>." }
Write-Host "$(if ($Check) { 'Checked' } else { 'Converted' }) docs/help: $($stale.Count) file(s) $(if ($Check) { 'stale' } else { 'rewritten' })."
