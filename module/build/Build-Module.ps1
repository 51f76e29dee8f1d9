<#
.SYNOPSIS
    Assembles out/ShowcaseOps/ from the Release build and module/: manifest (stamped), assemblies, formats,
    bootstrap scripts and MAML help. Fails if any file listed in module/files.txt is missing.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $RepoRoot,
    [string] $Configuration = 'Release'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$framework = 'net8.0'
$binDir = Join-Path $RepoRoot "src/ShowcaseOps/bin/$Configuration/$framework"
# dependencies/: the engine's output holds it and every package it needs; the sandbox's holds the sandbox.
$dependencyDirs = @(
    (Join-Path $RepoRoot "src/ShowcaseOps.Engine/bin/$Configuration/$framework"),
    (Join-Path $RepoRoot "src/ShowcaseOps.Sandbox/bin/$Configuration/$framework")
)
$moduleSource = Join-Path $RepoRoot 'module'
$outDir = Join-Path $RepoRoot 'out/ShowcaseOps'
if (Test-Path $outDir) { Remove-Item -Recurse -Force $outDir }
$null = New-Item -ItemType Directory -Path $outDir

[xml] $props = Get-Content (Join-Path $RepoRoot 'Directory.Build.props')
$version = ($props.Project.PropertyGroup | Where-Object { $_['VersionPrefix'] } | Select-Object -First 1).VersionPrefix

$listed = Get-Content (Join-Path $moduleSource 'files.txt') | Where-Object { $_ -and -not $_.StartsWith('#') } | ForEach-Object { $_.Trim() }
foreach ($file in $listed) {
    $fromBin = Join-Path $binDir $file
    $fromModule = Join-Path $moduleSource $file
    $fromRoot = Join-Path $RepoRoot $file   # LICENSE
    $target = Join-Path $outDir $file
    $null = New-Item -ItemType Directory -Force -Path (Split-Path $target)
    if ($file -in 'ShowcaseOps.psd1', 'ShowcaseOps.dll-Help.xml') { continue }   # generated below
    if ($file -like 'dependencies/*') {
        $leaf = Split-Path $file -Leaf
        $source = $dependencyDirs | ForEach-Object { Join-Path $_ $leaf } | Where-Object { Test-Path $_ } | Select-Object -First 1
        if (-not $source) { throw "Module file '$file' (module/files.txt) is in none of $($dependencyDirs -join ', ')." }
        Copy-Item $source $target
    }
    elseif (Test-Path $fromBin) { Copy-Item $fromBin $target }
    elseif (Test-Path $fromModule) { Copy-Item $fromModule $target }
    elseif (Test-Path $fromRoot) { Copy-Item $fromRoot $target }
    else { throw "Module file '$file' (module/files.txt) is in none of $binDir, $moduleSource, $RepoRoot." }
}

$formats = @(Get-ChildItem (Join-Path $moduleSource 'formats') -Filter '*.Format.ps1xml' | Sort-Object Name)
foreach ($format in $formats) { Copy-Item $format.FullName (Join-Path $outDir $format.Name) }

# The cmdlets the assembly defines become the explicit CmdletsToExport (read from metadata: nothing is loaded).
$cmdlets = @(& (Join-Path $PSScriptRoot 'Get-CmdletName.ps1') -Path (Join-Path $outDir 'ShowcaseOps.dll') | Sort-Object)
if ($cmdlets.Count -eq 0) { throw 'The assembly defines no cmdlets.' }

# ReleaseNotes: the newest version's section of CHANGELOG.md (its first '## [' heading up to the next one).
$changelog = Get-Content -Raw (Join-Path $RepoRoot 'CHANGELOG.md')
if ($changelog -notmatch "(?ms)^## \[$([regex]::Escape($version))\][^\n]*\n(.*?)(?=^## \[|\z)") {
    throw "CHANGELOG.md has no '## [$version]' section for the ReleaseNotes."
}
$releaseNotes = "$version`n" + $Matches[1].Trim()
if ($releaseNotes -match "(?m)^'@") { throw "CHANGELOG.md: a line of the $version section starts with '@, which ends the manifest's here-string." }

$manifest = Get-Content -Raw (Join-Path $moduleSource 'ShowcaseOps.psd1')
$manifest = $manifest.Replace('@@VERSION@@', $version).
    Replace('@@CMDLETS@@', (($cmdlets | ForEach-Object { "'$_'" }) -join ', ')).
    Replace('@@RELEASENOTES@@', $releaseNotes).
    Replace('@@FORMATS@@', (($formats | ForEach-Object { "'$($_.Name)'" }) -join ', '))
Set-Content -Path (Join-Path $outDir 'ShowcaseOps.psd1') -Value $manifest -Encoding utf8
$tested = Test-ModuleManifest -Path (Join-Path $outDir 'ShowcaseOps.psd1')
if ($tested.Version.ToString() -ne $version) { throw "Manifest version $($tested.Version) is not $version." }

# Help: docs/help/<Cmdlet>.md + the cmdlets' own metadata → MAML.
. (Join-Path $PSScriptRoot 'Build-Help.ps1')
$module = Import-Module (Join-Path $outDir 'ShowcaseOps.psd1') -PassThru -Force
$commands = @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name)
Write-MamlHelp -Commands $commands -SourceDirectory (Join-Path $RepoRoot 'docs/help') -Path (Join-Path $outDir 'ShowcaseOps.dll-Help.xml')

$missing = @($listed | Where-Object { -not (Test-Path (Join-Path $outDir $_)) })
if ($missing.Count) { throw "The assembled module lacks: $($missing -join ', ')" }
Write-Host "Assembled $outDir (version $version, $($cmdlets.Count) cmdlets, $($formats.Count) format files)"
