# An AWS endpoint nobody listens on, as users meet it: a clear error in seconds.
BeforeAll {
    Import-Module $env:SHOWCASE_MODULE_PATH -Force
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start()
    $script:closedPort = $listener.LocalEndpoint.Port
    $listener.Stop()
    $script:aws = @{ Region = 'eu-west-1'; AccessKey = 'AKIASANDBOXSHOWCASE0'; SecretKey = 'not-a-secret' }
}

Describe 'An unreachable -EndpointUrl' {
    It 'fails within seconds with AwsEndpointUnreachable (ConnectionError)' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $caught = $null
        try { Get-ShowcaseCluster demo -EndpointUrl "http://127.0.0.1:$closedPort" @aws -ErrorAction Stop }
        catch { $caught = $_ }
        $watch.Stop()
        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -Be 'AwsEndpointUnreachable,ShowcaseOps.Commands.Cluster.GetShowcaseClusterCommand'
        $caught.CategoryInfo.Category | Should -Be 'ConnectionError'
        $caught.Exception.Message | Should -Match 'connection refused'
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 15
    }
}
