# The Terraform definition must describe a cluster the module recognises: every taggable resource carries the tags
# Get-ShowcaseCluster and Remove-ShowcaseCluster read, and nothing opens SSH.
BeforeDiscovery {
    $root = if ($env:SHOWCASE_REPO_ROOT) { $env:SHOWCASE_REPO_ROOT } else { Join-Path $PSScriptRoot '..' }
    $untaggable = 'aws_route', 'aws_route_table_association', 'aws_eip_association', 'aws_iam_role_policy_attachment'
    $script:resources = foreach ($file in Get-ChildItem (Join-Path $root 'terraform') -Filter '*.tf') {
        $text = Get-Content -Raw $file.FullName
        foreach ($match in [regex]::Matches($text, '(?m)^resource "(?<type>[a-z0-9_]+)" "(?<name>[a-z0-9_]+)" \{')) {
            # The block runs to its matching closing brace.
            $depth = 0; $end = $match.Index
            for ($i = $match.Index; $i -lt $text.Length; $i++) {
                if ($text[$i] -eq '{') { $depth++ } elseif ($text[$i] -eq '}') { $depth--; if ($depth -eq 0) { $end = $i; break } }
            }
            @{ Type = $match.Groups['type'].Value; Name = $match.Groups['name'].Value; Block = $text.Substring($match.Index, $end - $match.Index + 1); File = $file.Name; Taggable = $match.Groups['type'].Value -notin $untaggable }
        }
    }
}

Describe 'terraform/' {
    It 'defines the cluster resources' {
        $types = $resources.Type
        foreach ($type in 'aws_vpc', 'aws_subnet', 'aws_internet_gateway', 'aws_nat_gateway', 'aws_security_group', 'aws_instance', 'aws_eip', 'aws_iam_instance_profile') {
            $types | Should -Contain $type
        }
    }

    It '<Type>.<Name> carries the cluster tags the module reads' -ForEach ($resources | Where-Object Taggable) {
        $Block | Should -Match '"showcase:cluster"\s*=' -Because "$File $Type.$Name must be found by Get-ShowcaseCluster"
        $Block | Should -Match '"showcase:role"\s*=' -Because "$File $Type.$Name must have a role"
        $Block | Should -Match '\bName\s*='
    }

    It 'opens no SSH port and no admin port to the internet' {
        foreach ($resource in $resources | Where-Object Type -EQ 'aws_security_group') {
            $resource.Block | Should -Not -Match 'from_port\s*=\s*22\b'
            foreach ($rule in [regex]::Matches($resource.Block, '(?s)ingress\s*\{.*?\n\s*\}') | ForEach-Object Value) {
                if ($rule -match '0\.0\.0\.0/0') { $rule | Should -Match 'from_port\s*=\s*(80|443)\b' }
            }
        }
    }

    It 'requires IMDSv2 and encrypted root volumes on every instance' {
        foreach ($resource in $resources | Where-Object Type -EQ 'aws_instance') {
            $resource.Block | Should -Match 'http_tokens\s*=\s*"required"'
            $resource.Block | Should -Match 'encrypted\s*=\s*true'
        }
    }
}
