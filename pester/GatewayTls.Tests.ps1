# TLS at the gateway: https-only routes with a 308 redirect, the certificate imported from files (checked before any
# request) or generated and kept in Parameter Store, installed in Kong, and shown by Get-ShowcaseEndpoint.
BeforeAll {
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    $script:sandbox = Start-ShowcaseSandbox -Force
    $null = New-ShowcaseCluster -Name demo -InstanceProfileName showcase-ssm -SkipBootstrap
    $script:dir = Join-Path ([IO.Path]::GetTempPath()) "showcase-tls-$PID"
    $null = New-Item -ItemType Directory -Path $dir -Force
    function New-TestCertificate([string] $Name, [string] $Cn = '*.service.consul') {
        $key = [System.Security.Cryptography.ECDsa]::Create()
        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new("CN=$Cn", $key, 'SHA256')
        $san = [System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder]::new()
        $san.AddDnsName($Cn)
        $request.CertificateExtensions.Add($san.Build())
        $certificate = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddMinutes(-5), [DateTimeOffset]::UtcNow.AddDays(30))
        Set-Content -Path (Join-Path $dir "$Name.pem") -Value $certificate.ExportCertificatePem() -NoNewline
        Set-Content -Path (Join-Path $dir "$Name.key") -Value $key.ExportPkcs8PrivateKeyPem() -NoNewline
        [Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData($certificate.RawData)).ToLowerInvariant()
    }
    $script:thumbprint = New-TestCertificate one
    $null = New-TestCertificate other
    [IO.File]::WriteAllText((Join-Path $dir 'big.pem'), ('x' * (65 * 1024)))
}

AfterAll {
    Stop-ShowcaseSandbox -Confirm:$false
    Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue
}

Describe 'Register-ShowcaseGateway -CertificatePath/-KeyPath refuses what it cannot use, before any request' {
    It 'refuses <Case>' -ForEach @(
        @{ Case = 'a key that belongs to another certificate'; Cert = 'one.pem'; Key = 'other.key' }
        @{ Case = 'a directory'; Cert = '.'; Key = 'one.key' }
        @{ Case = 'a device'; Cert = '/dev/zero'; Key = 'one.key' }
        @{ Case = 'a file over 64 KiB'; Cert = 'big.pem'; Key = 'one.key' }
        @{ Case = 'a missing file'; Cert = 'missing.pem'; Key = 'one.key' }
        @{ Case = 'a certificate without its key'; Cert = 'one.pem'; Key = $null }
        @{ Case = 'a key as the certificate'; Cert = 'one.key'; Key = 'one.key' }
    ) {
        $before = $sandbox.Host.Log.Count()
        $arguments = @{ AllowCidr = '203.0.113.0/24'; Channel = 'Http'; CertificatePath = $(if ($Cert -like '/*') { $Cert } else { Join-Path $dir $Cert }) }
        if ($Key) { $arguments.KeyPath = Join-Path $dir $Key }
        { Register-ShowcaseGateway @arguments } | Should -Throw -ErrorId 'ShowcaseGatewayCertificateInvalid,ShowcaseOps.Commands.Services.RegisterShowcaseGatewayCommand'
        $sandbox.Host.Log.Count() | Should -Be $before -Because 'nothing is contacted for bad input'
    }
}

Describe 'The gateway certificate' {
    It 'is generated once, kept in Parameter Store (certificate String, key SecureString) and installed in Kong for *.<domain>' {
        $null = Register-ShowcaseGateway -AllowCidr 203.0.113.0/24 -Channel Http
        $certificate = $sandbox.Host.Ssm.Parameters.Get('/showcaseops/demo/gateway-tls-certificate')
        $key = $sandbox.Host.Ssm.Parameters.Get('/showcaseops/demo/gateway-tls-key')
        $certificate.Type | Should -Be 'String'
        $key.Type | Should -Be 'SecureString'
        $certificate.Tier | Should -Be 'Standard'
        $kong = @($sandbox.Host.Kong.Certificates)
        $kong.Count | Should -Be 1
        $kong[0]['cert'].ToString() | Should -Be $certificate.Value
        @($kong[0]['snis'] | ForEach-Object ToString) | Should -Be @('*.service.consul', 'service.consul')
        $sandbox.Host.Kong.ServerCertificate('marathon.service.consul').Subject | Should -Match 'CN=\*\.service\.consul'

        $null = Register-ShowcaseGateway -AllowCidr 203.0.113.0/24 -Channel Http
        $sandbox.Host.Ssm.Parameters.Get('/showcaseops/demo/gateway-tls-certificate').Version | Should -Be $certificate.Version -Because 'a re-run reuses the stored certificate'
        @($sandbox.Host.Kong.Certificates).Count | Should -Be 1
        @($sandbox.Host.Kong.Certificates)[0]['cert'].ToString() | Should -Be $certificate.Value
    }

    It 'is imported from -CertificatePath/-KeyPath, replacing the stored one once' {
        $null = Register-ShowcaseGateway -AllowCidr 203.0.113.0/24 -Channel Http -CertificatePath (Join-Path $dir 'one.pem') -KeyPath (Join-Path $dir 'one.key')
        $stored = $sandbox.Host.Ssm.Parameters.Get('/showcaseops/demo/gateway-tls-certificate')
        $stored.Value.Trim() | Should -Be (Get-Content -Raw (Join-Path $dir 'one.pem')).Trim()
        $served = $sandbox.Host.Kong.ServerCertificate('web.service.consul')
        [Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData($served.RawData)).ToLowerInvariant() | Should -Be $thumbprint
        $null = Register-ShowcaseGateway -AllowCidr 203.0.113.0/24 -Channel Http -CertificatePath (Join-Path $dir 'one.pem') -KeyPath (Join-Path $dir 'one.key')
        $sandbox.Host.Ssm.Parameters.Get('/showcaseops/demo/gateway-tls-certificate').Version | Should -Be $stored.Version
    }

    It 'over SSM is read on the gateway with its instance role (the sandbox''s IMDS stand-in) and installed, never in the command' {
        $null = Register-ShowcaseGateway -AllowCidr 203.0.113.0/24 -Channel Ssm -WarningVariable warned -WarningAction SilentlyContinue
        ($warned -join "`n") | Should -Not -Match 'certificate'
        $sandbox.Host.Kong.ServerCertificate('marathon.service.consul').Subject | Should -Match 'CN=\*\.service\.consul'
        foreach ($command in $sandbox.Host.Ssm.Commands) {
            ($command.Commands -join "`n") | Should -Not -Match 'PRIVATE KEY-----'
        }
    }
}

Describe 'https-only routes and Get-ShowcaseEndpoint' {
    It 'registers routes for https only with a 308 redirect, and shows https URLs, the redirecting http URL and a curl line' {
        $null = Register-ShowcaseService -Name web -ServicePort 10000 -Channel Http
        $route = $sandbox.Host.Kong.Routes | Where-Object Name -EQ web
        @($route.Json['protocols'] | ForEach-Object ToString) | Should -Be @('https')
        $route.Json['https_redirect_status_code'].ToString() | Should -Be '308'
        $ip = (Get-ShowcaseCluster demo).GatewayPublicIpAddress
        $endpoint = Get-ShowcaseEndpoint -Name web -Channel Http
        $endpoint.Url | Should -Be "https://$ip/"
        $endpoint.RedirectUrl | Should -Be "http://$ip/"
        $endpoint.Protocols | Should -Be @('https')
        $endpoint.HttpsRedirectStatusCode | Should -Be 308
        $endpoint.NamedUrl | Should -Be 'https://web.service.consul/'
        $endpoint.CurlCommand | Should -Be "curl --resolve web.service.consul:443:$ip --cacert gateway-demo.pem https://web.service.consul/"
        (Get-ShowcaseEndpoint -Name mesos -Channel Http).Protocols | Should -Be @('https')
    }

    It 'upgrades a route someone left on http and https (a re-run is not a no-op until it is https only)' {

        $id = ($sandbox.Host.Kong.Routes | Where-Object Name -EQ web).Id
        $null = Invoke-RestMethod -Method Patch -Uri ($sandbox.Host.Endpoint('kong').ToString() + "routes/$id") -ContentType 'application/json' -Body '{"protocols":["http","https"],"https_redirect_status_code":426}'
        (Get-ShowcaseEndpoint -Name web -Channel Http).RedirectUrl | Should -BeNullOrEmpty
        $null = Register-ShowcaseService -Name web -ServicePort 10000 -Channel Http
        @(($sandbox.Host.Kong.Routes | Where-Object Name -EQ web).Json['protocols'] | ForEach-Object ToString) | Should -Be @('https')
    }
}
