# The package round trip a user makes: the .nupkg that ./build.sh package makes (module/build/Build-Package.ps1) is
# published to a local PSResourceGet repository on a temp folder, installed from it into an empty folder, and the
# INSTALLED copy, imported in a fresh pwsh, runs the quickstart against the sandbox.
# Isolation: every PSResourceGet call runs in a child pwsh whose XDG_DATA_HOME is a temp folder, so the repository list
# it reads and writes is a scratch one (the user's own repositories are never listed, changed or used); the repository
# has a unique name and is unregistered afterwards; Save-PSResource writes only into the temp folder.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:repo = if ($env:SHOWCASE_REPO_ROOT) { $env:SHOWCASE_REPO_ROOT } else { Join-Path $PSScriptRoot '..' }
    $script:modulePath = $env:SHOWCASE_MODULE_PATH
    $script:built = Test-ModuleManifest -Path (Join-Path $modulePath 'ShowcaseOps.psd1') -ErrorAction Stop
    $script:work = Join-Path ([IO.Path]::GetTempPath()) ("showcaseops-package-" + [guid]::NewGuid().ToString('N'))
    $script:feed = Join-Path $work 'feed'
    $script:installRoot = Join-Path $work 'modules'
    foreach ($dir in $feed, $installRoot, (Join-Path $work 'xdg'), (Join-Path $work 'nupkg')) { $null = New-Item -ItemType Directory -Path $dir }
    $script:repositoryName = 'ShowcaseOpsTest' + [guid]::NewGuid().ToString('N').Substring(0, 12)

    $script:savedXdg = $env:XDG_DATA_HOME
    $env:XDG_DATA_HOME = Join-Path $work 'xdg'
    $q = { param($s) "'" + ($s -replace "'", "''") + "'" }
    $script:roundTrip = Invoke-ChildPwsh -Command @"
`$ErrorActionPreference = 'Stop'
Import-Module Microsoft.PowerShell.PSResourceGet
& $(& $q (Join-Path $repo 'module/build/Build-Package.ps1')) -ModulePath $(& $q $modulePath) -OutputDirectory $(& $q (Join-Path $work 'nupkg')) 6>`$null
Register-PSResourceRepository -Name $repositoryName -Uri $(& $q $feed) -Trusted
try {
    Publish-PSResource -NupkgPath (Join-Path $(& $q (Join-Path $work 'nupkg')) 'ShowcaseOps.$($built.Version).nupkg') -Repository $repositoryName
    `$found = Find-PSResource -Name ShowcaseOps -Repository $repositoryName
    Save-PSResource -Name ShowcaseOps -Version `$found.Version.ToString() -Repository $repositoryName -TrustRepository -Path $(& $q $installRoot)
    "found=`$(`$found.Version)"
}
finally { Unregister-PSResourceRepository -Name $repositoryName }
"registered=`$(@(Get-PSResourceRepository | Where-Object Name -eq $repositoryName).Count)"
"@ 2>&1 | ForEach-Object { "$_" }
    $env:XDG_DATA_HOME = $savedXdg
    $script:installed = Join-Path $installRoot "ShowcaseOps/$($built.Version)"
}

AfterAll {
    if ($work -and (Test-Path $work)) { Remove-Item -Recurse -Force $work }
}

Describe 'The package' {
    It 'publishes to a local repository, is found there, installs, and the repository is unregistered after' {
        $roundTrip | Should -Contain "found=$($built.Version)" -Because ($roundTrip -join "`n")
        $roundTrip | Should -Contain 'registered=0'
        @(Get-ChildItem $feed -Filter '*.nupkg').Name | Should -Be "ShowcaseOps.$($built.Version).nupkg"
        Join-Path $installed 'ShowcaseOps.psd1' | Should -Exist
    }

    It 'installs exactly the files of the assembled module' {
        $relative = { param($root) @(Get-ChildItem -Recurse -File $root | ForEach-Object { [IO.Path]::GetRelativePath($root, $_.FullName) } | Where-Object { $_ -ne 'PSGetModuleInfo.xml' } | Sort-Object) }
        & $relative $installed | Should -Be (& $relative $modulePath)
    }

    It 'carries the metadata a gallery shows, claiming only what is tested' {
        $manifest = Test-ModuleManifest -Path (Join-Path $installed 'ShowcaseOps.psd1') -ErrorAction Stop
        $manifest.CompatiblePSEditions | Should -Be @('Core')
        $manifest.PowerShellVersion | Should -Be ([version]'7.4')
        $manifest.Tags | Should -Contain 'PSEdition_Core'
        $manifest.Tags | Should -Contain 'Linux'
        # The tests run on Linux only: no Windows or macOS claim until something tests them there.
        $manifest.Tags | Should -Not -Contain 'Windows'
        $manifest.Tags | Should -Not -Contain 'MacOS'
        $manifest.LicenseUri | Should -Not -BeNullOrEmpty
        Join-Path $installed 'LICENSE' | Should -Exist
        Get-Content -Raw (Join-Path $installed 'LICENSE') | Should -Match 'MIT License'
        # A ProjectUri is either real or absent: never a placeholder host.
        if ($manifest.ProjectUri) { $manifest.ProjectUri.Host | Should -Not -Match '\.(invalid|example|test|localhost)$|^example\.' }
        $manifest.LicenseUri.Host | Should -Not -Match '\.(invalid|example|test|localhost)$|^example\.'
        $manifest.ReleaseNotes | Should -Match "^$([regex]::Escape("$($built.Version)"))"
        $changelog = Get-Content -Raw (Join-Path $repo 'CHANGELOG.md')
        $changelog | Should -Match "(?m)^## \[$([regex]::Escape("$($built.Version)"))\]"
        foreach ($line in ($manifest.ReleaseNotes -split "`n" | Select-Object -Skip 1 | Where-Object { $_.Trim() })) {
            $changelog | Should -Match ([regex]::Escape($line.Trim()))
        }
    }

    It 'the installed copy, imported in a fresh pwsh with only the install folder on PSModulePath, runs the quickstart' {
        $quickstart = Join-Path $repo 'examples/quickstart.ps1'
        $savedPath = $env:PSModulePath
        $env:PSModulePath = $installRoot + [IO.Path]::PathSeparator + (Join-Path $PSHOME 'Modules')
        try {
            $output = Invoke-ChildPwsh -Command @"
`$ErrorActionPreference = 'Stop'
Import-Module ShowcaseOps
`$loaded = Get-Module ShowcaseOps
"loaded-from=`$(`$loaded.ModuleBase)"
& '$($quickstart -replace "'", "''")' -ModulePath (Join-Path `$loaded.ModuleBase 'ShowcaseOps.psd1') 6>&1 | Out-String -Width 200
"quickstart-exit=`$?"
"@ 2>&1 | ForEach-Object { "$_" }
        }
        finally { $env:PSModulePath = $savedPath }
        $text = $output -join "`n"
        $output | Should -Contain "loaded-from=$installed" -Because $text
        $output | Should -Contain 'quickstart-exit=True' -Because $text
        $text | Should -Match 'Quickstart finished\.'
        $text | Should -Match '=== 1\. Start the sandbox'
        $text | Should -Not -Match '(?m)^(Exception|.*ParentContainsErrorRecordException|.*: (The term|Cannot find))'
    }
}
