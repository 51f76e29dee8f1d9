# ShowcaseOps in one session with a module that carries its own AWSSDK.Core (as AWS.Tools.Common does), in both orders,
# with the real AWSSDK.Core builds such modules ship (4.0.x and 4.1.x, netstandard2.0 and net8.0, restored from NuGet by
# build.sh). Each case runs in a fresh pwsh, because an assembly loaded in the default context stays for the process.

BeforeDiscovery {
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    $script:cases = foreach ($version in '4.0.3.3', '4.1.1') {
        foreach ($framework in 'netstandard2.0', 'net8.0') {
            foreach ($order in 'OtherFirst', 'ShowcaseOpsFirst') {
                @{
                    Version   = $version
                    Framework = $framework
                    Order     = $order
                    CorePath  = Join-Path $packages "awssdk.core/$version/lib/$framework/AWSSDK.Core.dll"
                }
            }
        }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    # A stand-in for AWS.Tools.Common: RequiredAssemblies loads its AWSSDK.Core into the default context, and
    # Set-AWSCredential / Set-DefaultAWSRegion set $StoredAWSCredentials / $StoredAWSRegion the way AWS.Tools does (an
    # AWSPSCredentials object whose AWSCredentials sits in a non-public property).
    function New-StandInAwsTools {
        param([string] $CorePath)
        $folder = Join-Path ([IO.Path]::GetTempPath()) ("FakeAwsTools-" + [guid]::NewGuid().ToString('N'))
        $module = Join-Path $folder 'FakeAwsTools'
        $null = New-Item -ItemType Directory -Path $module
        Copy-Item $CorePath (Join-Path $module 'AWSSDK.Core.dll')
        Set-Content (Join-Path $module 'FakeAwsTools.psd1') @"
@{
    RootModule = 'FakeAwsTools.psm1'
    ModuleVersion = '1.0.0'
    GUID = '0c6e3f36-3c8e-4c1f-8a4e-2b8f0f6f9a11'
    RequiredAssemblies = @('AWSSDK.Core.dll')
    FunctionsToExport = @('Set-AWSCredential', 'Set-DefaultAWSRegion', 'Test-FakeAwsSdk', 'New-FakeAwsCredential')
}
"@
        Set-Content (Join-Path $module 'FakeAwsTools.psm1') @'
$core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'AWSSDK.Core' -and [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_) -eq [Runtime.Loader.AssemblyLoadContext]::Default } | Select-Object -First 1
Add-Type -IgnoreWarnings -ReferencedAssemblies $core.Location -TypeDefinition @"
namespace Amazon.PowerShell.Common {
    public class AWSPSCredentials {
        internal AWSPSCredentials(Amazon.Runtime.AWSCredentials credentials, string name) { Credentials = credentials; Name = name; }
        internal Amazon.Runtime.AWSCredentials Credentials { get; private set; }
        internal string Name { get; private set; }
        public override string ToString() { return Name; }
        public static Amazon.Runtime.AWSCredentials SessionCredentials(string accessKey) {
            return new Amazon.Runtime.SessionAWSCredentials(accessKey, "param-secret", "param-token");
        }
        public static AWSPSCredentials FromKeys(string accessKey, string secretKey) {
            return new AWSPSCredentials(new Amazon.Runtime.BasicAWSCredentials(accessKey, secretKey), "Supplied Key Parameters");
        }
    }
}
"@
function Set-AWSCredential { param($AccessKey, $SecretKey) $global:StoredAWSCredentials = [Amazon.PowerShell.Common.AWSPSCredentials]::FromKeys($AccessKey, $SecretKey) }
function Set-DefaultAWSRegion { param($Region) $global:StoredAWSRegion = $Region }
function New-FakeAwsCredential { param($AccessKey) [Amazon.PowerShell.Common.AWSPSCredentials]::SessionCredentials($AccessKey) }
function Test-FakeAwsSdk { [Amazon.PowerShell.Common.AWSPSCredentials]::SessionCredentials('AKIAOTHERMODULE00001').GetCredentials().AccessKey }
'@
        $folder
    }
}

Describe 'Coexistence with another module''s AWSSDK.Core' {
    It 'AWSSDK.Core <Version> (<Framework>), <Order>: both modules work and ShowcaseOps honours $StoredAWSCredentials' -ForEach $cases {
        Test-Path $CorePath | Should -BeTrue -Because 'build.sh restores these AWSSDK.Core builds (pester/Pester.Restore.csproj)'
        $folder = New-StandInAwsTools -CorePath $CorePath
        try {
            $script = @"
`$ErrorActionPreference = 'Stop'
`$result = [ordered]@{}
function Use-Other { Import-Module '$folder/FakeAwsTools/FakeAwsTools.psd1'; `$result.OtherBefore = Test-FakeAwsSdk }
function Use-Showcase { Import-Module '$($env:SHOWCASE_MODULE_PATH)'; `$null = Start-ShowcaseSandbox -Force; `$result.Clusters = @(Get-ShowcaseCluster).Count }
if ('$Order' -eq 'OtherFirst') { Use-Other; Use-Showcase } else { Use-Showcase; Use-Other }
Set-AWSCredential -AccessKey AKIASTOREDAWSTOOLS01 -SecretKey stored-secret
Set-DefaultAWSRegion -Region ap-southeast-2
`$null = Start-ShowcaseSandbox -Force -KeepCredentials
`$records = @(Get-ShowcaseCluster -Verbose 4>&1)
`$scope = `$records | Where-Object { `$_ -is [Management.Automation.VerboseRecord] -and `$_.Message -like 'Context: *AWS: *' } | Select-Object -First 1
`$result.Scope = `$scope.Message
`$result.Keys = @(Get-ShowcaseSandboxRequest -Service ec2 | ForEach-Object AccessKeyId | Sort-Object -Unique)
(Get-ShowcaseSandbox).Host.Log.Clear()
`$null = Get-ShowcaseCluster -Credential (New-FakeAwsCredential AKIACREDENTIALPARAM1)
`$result.CredentialKeys = @(Get-ShowcaseSandboxRequest -Service ec2 | ForEach-Object AccessKeyId | Sort-Object -Unique)
`$result.OtherAfter = Test-FakeAwsSdk
`$result.Cores = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'AWSSDK.Core' } | ForEach-Object { '{0}@{1}' -f `$_.GetName().Version, [Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name })
Stop-ShowcaseSandbox
`$result | ConvertTo-Json -Compress
"@
            $output = Invoke-ChildPwsh -Command $script 2>&1
            $json = $output | Where-Object { $_ -is [string] -and $_.StartsWith('{') } | Select-Object -Last 1
            $json | Should -Not -BeNullOrEmpty -Because ($output -join "`n")
            $result = $json | ConvertFrom-Json
            $result.OtherBefore | Should -Be 'AKIAOTHERMODULE00001'
            $result.OtherAfter | Should -Be 'AKIAOTHERMODULE00001'
            $result.Clusters | Should -Be 0
            $result.Keys | Should -Be @('AKIASTOREDAWSTOOLS01')
            $result.CredentialKeys | Should -Be @('AKIACREDENTIALPARAM1') -Because 'an AWS.Tools credential object passed to -Credential is read by its members'
            $result.Scope | Should -BeLike '*region ap-southeast-2 ($StoredAWSRegion)*AWS.Tools session credentials*'
            # Two copies of AWSSDK.Core side by side: the other module's in the default context, ours in ShowcaseOps'.
            $result.Cores | Should -HaveCount 2
            @($result.Cores | Where-Object { $_ -like '*@Default' }) | Should -HaveCount 1
            @($result.Cores | Where-Object { $_ -like '*@ShowcaseOps' }) | Should -HaveCount 1
        }
        finally {
            Remove-Item -Recurse -Force $folder -ErrorAction SilentlyContinue
        }
    }
}
