<#
.SYNOPSIS
    Builds MAML (ShowcaseOps.dll-Help.xml) from docs/help/<Cmdlet>.md and the cmdlets' own metadata (PlatyPS is not
    served here, so this does what its Export-MamlCommandHelp does). The markdown is in PlatyPS v2 form
    (module/build/Convert-HelpMarkdown.ps1 writes and refreshes it; the older plain form still reads). Texts come from
    the markdown; syntax, types, positions, pipeline input and defaults from the cmdlet itself (HelpModel.ps1), so help
    cannot drift from the code. -WhatIf and -Confirm are in SYNTAX and PARAMETERS of every ShouldProcess cmdlet.
#>
Set-StrictMode -Version Latest
. (Join-Path $PSScriptRoot 'HelpModel.ps1')

function Write-MamlHelp {
    param(
        [Parameter(Mandatory)] [System.Management.Automation.CommandInfo[]] $Commands,
        [Parameter(Mandatory)] [string] $SourceDirectory,
        [Parameter(Mandatory)] [string] $Path
    )
    $maml = 'http://schemas.microsoft.com/maml/2004/10'
    $cmd = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    $dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
    # Parameters shared by many cmdlets (the AWS connection ones, -Cluster, …) have a default text in _Shared.md.
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
    $writeType = { param([string] $element, [string] $name, [string] $description)
        $w.WriteStartElement('command', $element, $cmd); $w.WriteStartElement('dev', 'type', $dev); $w.WriteElementString('name', $maml, $name); $w.WriteEndElement()
        $w.WriteStartElement('maml', 'description', $maml); & $paras $description; $w.WriteEndElement(); $w.WriteEndElement() }
    $writeParameter = {
        param($command, $p, $meta, $setMeta, $doc, [bool] $full)
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
        if (-not ($isSwitch -and -not $full)) {
            $w.WriteStartElement('command', 'parameterValue', $cmd); $w.WriteAttributeString('required', ([string](-not $isSwitch)).ToLowerInvariant()); $w.WriteString((Get-HelpTypeName -Type $meta.ParameterType)); $w.WriteEndElement()
        }
        $validSet = $meta.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
        if ($validSet) {
            $w.WriteStartElement('command', 'parameterValueGroup', $cmd)
            foreach ($v in $validSet.ValidValues) { $w.WriteStartElement('command', 'parameterValue', $cmd); $w.WriteAttributeString('required', 'false'); $w.WriteString($v); $w.WriteEndElement() }
            $w.WriteEndElement()
        }
        $w.WriteStartElement('dev', 'type', $dev); $w.WriteElementString('name', $maml, (Get-HelpFullTypeName -Type $meta.ParameterType)); $w.WriteEndElement()
        if ($full) { $w.WriteElementString('defaultValue', $dev, (Get-HelpDefaultText -Doc $doc -Command $command -Name $p)) }
        $w.WriteEndElement()
    }

    $w.WriteStartDocument()
    $w.WriteStartElement('helpItems', 'http://msh'); $w.WriteAttributeString('schema', 'maml')
    foreach ($command in $Commands) {
        $source = Join-Path $SourceDirectory "$($command.Name).md"
        if (-not (Test-Path $source)) { throw "No help source for $($command.Name): expected $source" }
        $doc = Complete-HelpModel -Doc (Read-HelpMarkdown -Path $source) -Shared $shared -Command $command
        $own = @(Get-HelpParameterName -Command $command)
        $undocumented = @($own | Where-Object { -not $doc.Parameters[$_] })
        if ($undocumented) { throw "$source documents no description for: $($undocumented -join ', ')" }
        if (-not $doc.Synopsis -or -not $doc.Description -or $doc.Examples.Count -eq 0) { throw "$source needs a SYNOPSIS, a DESCRIPTION and at least one example." }

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
            $ordered = @($set.Parameters | Where-Object { $_.Name -in $own } |
                    Sort-Object { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } }, { -[int]$_.IsMandatory }, { $_.Name -in 'WhatIf', 'Confirm' })
            foreach ($sp in $ordered) { & $writeParameter $command $sp.Name $command.Parameters[$sp.Name] $sp $doc $false }
            $w.WriteEndElement()
        }
        $w.WriteEndElement()

        $w.WriteStartElement('command', 'parameters', $cmd)
        foreach ($p in $own) {
            $meta = $command.Parameters[$p]
            $setMeta = $meta.ParameterSets.Values | Sort-Object { -[int]$_.IsMandatory } | Select-Object -First 1
            & $writeParameter $command $p $meta $setMeta $doc $true
        }
        $w.WriteEndElement()

        $w.WriteStartElement('command', 'inputTypes', $cmd)
        foreach ($t in (Get-HelpInputType -Command $command)) { & $writeType 'inputType' $t $(if ($doc.Inputs.Contains($t)) { $doc.Inputs[$t] } else { '' }) }
        $w.WriteEndElement()
        $w.WriteStartElement('command', 'returnValues', $cmd)
        foreach ($t in (Get-HelpOutputType -Command $command)) { & $writeType 'returnValue' $t $(if ($doc.Outputs.Contains($t)) { $doc.Outputs[$t] } else { '' }) }
        $w.WriteEndElement()
        if ($doc.Notes) { $w.WriteStartElement('maml', 'alertSet', $maml); $w.WriteStartElement('maml', 'alert', $maml); & $paras $doc.Notes; $w.WriteEndElement(); $w.WriteEndElement() }

        $w.WriteStartElement('command', 'examples', $cmd)
        foreach ($example in $doc.Examples) {
            $w.WriteStartElement('command', 'example', $cmd)
            $w.WriteElementString('title', $maml, "-------------------------- $($example.Title) --------------------------")
            $w.WriteElementString('code', $dev, $example.Code)
            $w.WriteStartElement('dev', 'remarks', $dev); & $paras $example.Remarks; $w.WriteEndElement()
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
        $w.WriteStartElement('command', 'relatedLinks', $cmd)
        foreach ($link in $doc.Links) {
            $w.WriteStartElement('maml', 'navigationLink', $maml); $w.WriteElementString('linkText', $maml, $link.Text)
            # Only absolute links are URIs a user can open; a file name next to the markdown is not one once installed.
            if ($link.Uri -match '^https?://') { $w.WriteElementString('uri', $maml, $link.Uri) }
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteEndDocument()
    $w.Close()
}
