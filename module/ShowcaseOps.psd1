#
# Module manifest for ShowcaseOps. build.sh stamps the @@TOKENS@@ (version from Directory.Build.props, the cmdlets
# the assembly defines, the format files) into out/ShowcaseOps/ShowcaseOps.psd1 and checks it with Test-ModuleManifest.
#
@{
    RootModule             = 'ShowcaseOps.dll'
    ModuleVersion          = '@@VERSION@@'
    GUID                   = '5b0f3c2e-6a8e-4a57-9d2b-3f1e0c7a9d41'
    Author                 = 'ShowcaseOps contributors'
    CompanyName            = 'ShowcaseOps'
    Copyright              = '(c) ShowcaseOps contributors. MIT licence.'
    Description            = 'Stands up and operates a Mesos/Marathon, Consul, Vulcand and Kong microservices platform on AWS EC2, bootstrapped through SSM Run Command (no SSH), with a local sandbox of every API it drives.'
    # What the tests run: PowerShell 7.4 or later (.NET 8+). Windows PowerShell 5.1 is not claimed (docs/architecture.md).
    PowerShellVersion      = '7.4'
    CompatiblePSEditions   = @('Core')
    FormatsToProcess       = @(@@FORMATS@@)
    TypesToProcess         = @()
    CmdletsToExport        = @(@@CMDLETS@@)
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()
    PrivateData            = @{
        PSData = @{
            # Platforms: only what the tests run on. CI runs on Linux only, so Windows and MacOS are not claimed.
            Tags         = @('AWS', 'EC2', 'SSM', 'Mesos', 'Marathon', 'Consul', 'Kong', 'Vulcand', 'Microservices', 'PSEdition_Core', 'Linux')
            # The project has no public home yet, so no ProjectUri. The licence (MIT) ships as LICENSE in the module folder.
            LicenseUri   = 'https://opensource.org/license/mit'
            # From the newest section of CHANGELOG.md, stamped by module/build/Build-Module.ps1.
            ReleaseNotes = @'
@@RELEASENOTES@@
'@
        }
    }
}
