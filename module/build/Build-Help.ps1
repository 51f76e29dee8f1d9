<#
.SYNOPSIS
    Builds MAML (ShowcaseOps.dll-Help.xml) from docs/help/<Cmdlet>.md and the cmdlets' own metadata (platyPS is not
    available here). The markdown is platyPS-like: '## SYNOPSIS', '## DESCRIPTION', '## EXAMPLES' with '### Title'
    and a ```powershell block followed by remarks, '## PARAMETERS' with '### -Name' and a description, '## NOTES',
    '## RELATED LINKS' with '- Name' lines. Syntax, types, positions and pipeline input come from the cmdlet itself.
#>
Set-StrictMode -Version Latest

function Read-HelpMarkdown {
    param([Parameter(Mandatory)] [string] $Path)
    $doc = @{ Synopsis = ''; Description = ''; Notes = ''; Examples = [System.Collections.Generic.List[object]]::new(); Parameters = @{}; Links = @() }
    $section = $null; $sub = $null; $buffer = [System.Text.StringBuilder]::new()
    $flush = {
        $text = $buffer.ToString().Trim(); $null = $buffer.Clear()
        switch ($section) {
            'SYNOPSIS' { $doc.Synopsis = $text }
            'DESCRIPTION' { $doc.Description = $text }
            'NOTES' { $doc.Notes = $text }
            'RELATED LINKS' { $doc.Links = @($text -split "`n" | ForEach-Object { $_.Trim().TrimStart('-', '*').Trim() } | Where-Object { $_ }) }
            'PARAMETERS' { if ($sub) { $doc.Parameters[$sub.TrimStart('-')] = $text } }
            'EXAMPLES' {
                if ($sub) {
                    $code = ''; $remarks = $text
                    if ($text -match '(?s)```(?:powershell|ps1)?\s*\n(.*?)```(.*)') { $code = $Matches[1].TrimEnd(); $remarks = $Matches[2].Trim() }
                    $doc.Examples.Add([pscustomobject]@{ Title = $sub; Code = $code; Remarks = $remarks })
                }
            }
        }
    }
    foreach ($line in (Get-Content -Path $Path)) {
        if ($line -match '^## (.+)$') { & $flush; $section = $Matches[1].Trim().ToUpperInvariant(); $sub = $null; continue }
        if ($line -match '^### (.+)$') { & $flush; $sub = $Matches[1].Trim(); continue }
        if ($line -match '^# ') { continue }
        $null = $buffer.AppendLine($line)
    }
    & $flush
    $doc
}

function Write-MamlHelp {
    param(
        [Parameter(Mandatory)] [System.Management.Automation.CommandInfo[]] $Commands,
        [Parameter(Mandatory)] [string] $SourceDirectory,
        [Parameter(Mandatory)] [string] $Path
    )
    $maml = 'http://schemas.microsoft.com/maml/2004/10'
    $cmd = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    $dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    # Parameters shared by many cmdlets (the AWS connection ones, -Cluster, …) are described once, in _Shared.md.
    $sharedPath = Join-Path $SourceDirectory '_Shared.md'
    $shared = if (Test-Path $sharedPath) { (Read-HelpMarkdown -Path $sharedPath).Parameters } else { @{} }

    $settings = [System.Xml.XmlWriterSettings]::new(); $settings.Indent = $true; $settings.Encoding = [System.Text.UTF8Encoding]::new($false)
    $w = [System.Xml.XmlWriter]::Create($Path, $settings)
    $paras = {
        param($text)
        foreach ($p in ($text -split "(\r?\n){2,}" | ForEach-Object { ($_ -replace '\s*\r?\n\s*', ' ').Trim() } | Where-Object { $_ })) {
            $w.WriteElementString('para', $maml, $p)
        }
    }
    $typeName = { param([type] $t) if ($t -eq [System.Management.Automation.SwitchParameter]) { 'SwitchParameter' } else { $t.Name } }
    $writeParameter = {
        param($p, $meta, $setMeta, $doc, [bool] $withDefault)
        $pipeline = @(if ($setMeta.ValueFromPipeline) { 'ByValue' }; if ($setMeta.ValueFromPipelineByPropertyName) { 'ByPropertyName' })
        $w.WriteStartElement('command', 'parameter', $cmd)
        $w.WriteAttributeString('required', ([string]$setMeta.IsMandatory).ToLowerInvariant())
        $w.WriteAttributeString('globbing', ([string][bool]($meta.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })).ToLowerInvariant())
        $w.WriteAttributeString('pipelineInput', $(if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }))
        $w.WriteAttributeString('position', $(if ($setMeta.Position -ge 0) { [string]$setMeta.Position } else { 'named' }))
        $w.WriteAttributeString('aliases', $(if ($meta.Aliases.Count) { $meta.Aliases -join ', ' } else { 'none' }))
        $w.WriteElementString('name', $maml, $p)
        $w.WriteStartElement('maml', 'description', $maml); & $paras $doc.Parameters[$p]; $w.WriteEndElement()
        $isSwitch = $meta.ParameterType -eq [System.Management.Automation.SwitchParameter]
        if (-not ($isSwitch -and -not $withDefault)) {
            $w.WriteStartElement('command', 'parameterValue', $cmd); $w.WriteAttributeString('required', ([string](-not $isSwitch)).ToLowerInvariant()); $w.WriteString((& $typeName $meta.ParameterType)); $w.WriteEndElement()
        }
        $validSet = $meta.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
        if ($validSet) {
            $w.WriteStartElement('command', 'parameterValueGroup', $cmd)
            foreach ($v in $validSet.ValidValues) { $w.WriteStartElement('command', 'parameterValue', $cmd); $w.WriteAttributeString('required', 'false'); $w.WriteString($v); $w.WriteEndElement() }
            $w.WriteEndElement()
        }
        $w.WriteStartElement('dev', 'type', $dev); $w.WriteElementString('name', $maml, $meta.ParameterType.FullName); $w.WriteEndElement()
        if ($withDefault) { $w.WriteElementString('defaultValue', $dev, 'None') }
        $w.WriteEndElement()
    }

    $w.WriteStartDocument()
    $w.WriteStartElement('helpItems', 'http://msh'); $w.WriteAttributeString('schema', 'maml')
    foreach ($command in $Commands) {
        $source = Join-Path $SourceDirectory "$($command.Name).md"
        if (-not (Test-Path $source)) { throw "No help source for $($command.Name): expected $source" }
        $doc = Read-HelpMarkdown -Path $source
        foreach ($name in $shared.Keys) { if (-not $doc.Parameters[$name]) { $doc.Parameters[$name] = $shared[$name] } }
        $own = @($command.Parameters.Keys | Where-Object { $_ -notin $common })
        $undocumented = @($own | Where-Object { -not $doc.Parameters[$_] })
        if ($undocumented) { throw "$source documents no description for: $($undocumented -join ', ')" }
        if (-not $doc.Synopsis -or $doc.Examples.Count -eq 0) { throw "$source needs a SYNOPSIS and at least one example." }

        $w.WriteStartElement('command', 'command', $cmd)
        $w.WriteAttributeString('xmlns', 'maml', $null, $maml); $w.WriteAttributeString('xmlns', 'command', $null, $cmd); $w.WriteAttributeString('xmlns', 'dev', $null, $dev)
        $w.WriteStartElement('command', 'details', $cmd)
        $w.WriteElementString('name', $cmd, $command.Name)
        $w.WriteStartElement('maml', 'description', $maml); & $paras $doc.Synopsis; $w.WriteEndElement()
        $w.WriteElementString('verb', $cmd, $command.Verb); $w.WriteElementString('noun', $cmd, $command.Noun)
        $w.WriteEndElement()
        $w.WriteStartElement('maml', 'description', $maml); & $paras $doc.Description; $w.WriteEndElement()

        $w.WriteStartElement('command', 'syntax', $cmd)
        foreach ($set in $command.ParameterSets) {
            $w.WriteStartElement('command', 'syntaxItem', $cmd)
            $w.WriteElementString('name', $maml, $command.Name)
            foreach ($sp in $set.Parameters | Where-Object { $_.Name -notin $common }) {
                & $writeParameter $sp.Name $command.Parameters[$sp.Name] $sp $doc $false
            }
            $w.WriteEndElement()
        }
        $w.WriteEndElement()

        $w.WriteStartElement('command', 'parameters', $cmd)
        foreach ($p in $own) {
            $meta = $command.Parameters[$p]
            $setMeta = $meta.ParameterSets.Values | Sort-Object { -[int]$_.IsMandatory } | Select-Object -First 1
            & $writeParameter $p $meta $setMeta $doc $true
        }
        $w.WriteEndElement()

        $inputs = @($command.Parameters.Values | Where-Object { $_.Name -notin $common -and ($_.ParameterSets.Values | Where-Object { $_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName }) } | ForEach-Object { $_.ParameterType.FullName } | Select-Object -Unique)
        $w.WriteStartElement('command', 'inputTypes', $cmd)
        foreach ($t in $(if ($inputs) { $inputs } else { 'None' })) { $w.WriteStartElement('command', 'inputType', $cmd); $w.WriteStartElement('dev', 'type', $dev); $w.WriteElementString('name', $maml, $t); $w.WriteEndElement(); $w.WriteEndElement() }
        $w.WriteEndElement()
        $w.WriteStartElement('command', 'returnValues', $cmd)
        foreach ($t in @($command.OutputType | ForEach-Object Name)) { $w.WriteStartElement('command', 'returnValue', $cmd); $w.WriteStartElement('dev', 'type', $dev); $w.WriteElementString('name', $maml, $t); $w.WriteEndElement(); $w.WriteEndElement() }
        $w.WriteEndElement()
        if ($doc.Notes) { $w.WriteStartElement('maml', 'alertSet', $maml); $w.WriteStartElement('maml', 'alert', $maml); & $paras $doc.Notes; $w.WriteEndElement(); $w.WriteEndElement() }

        $w.WriteStartElement('command', 'examples', $cmd)
        $i = 0
        foreach ($example in $doc.Examples) {
            $i++
            $w.WriteStartElement('command', 'example', $cmd)
            $w.WriteElementString('title', $maml, "-------------------------- $($example.Title) --------------------------")
            $w.WriteElementString('code', $dev, $example.Code)
            $w.WriteStartElement('dev', 'remarks', $dev); & $paras $example.Remarks; $w.WriteEndElement()
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
        $w.WriteStartElement('command', 'relatedLinks', $cmd)
        foreach ($link in $doc.Links) { $w.WriteStartElement('maml', 'navigationLink', $maml); $w.WriteElementString('linkText', $maml, $link); $w.WriteEndElement() }
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteEndDocument()
    $w.Close()
}
