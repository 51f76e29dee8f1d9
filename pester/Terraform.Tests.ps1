# The Terraform definition must describe a cluster the module recognises: every taggable resource carries the tags
# Get-ShowcaseCluster and Remove-ShowcaseCluster read, nothing opens SSH, and the security groups admit exactly the
# engine's flow table (ClusterFlows.Required), compared rule by rule so the two cannot drift.
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

    Context 'security groups and the engine''s flow table' {
        BeforeAll {
            Import-Module $env:SHOWCASE_MODULE_PATH -Force
            $script:securityText = $text = Get-Content -Raw (Join-Path ($env:SHOWCASE_REPO_ROOT ?? (Join-Path $PSScriptRoot '..')) 'terraform/security.tf')
            $block = [regex]::Match($text, '(?s)ingress_rules\s*=\s*\{(?<body>.*?)\n  \}').Groups['body'].Value
            $pattern = '"(?<key>[a-z0-9-]+)"\s*=\s*\{\s*to\s*=\s*"(?<to>[a-z]+)",\s*from\s*=\s*"(?<from>[a-z]+)",\s*protocol\s*=\s*"(?<protocol>[a-z0-9-]+)",\s*from_port\s*=\s*(?<fromPort>-?\d+),\s*to_port\s*=\s*(?<toPort>-?\d+),\s*description\s*=\s*"(?<description>[^"]*)"\s*\}'
            $script:tfRules = foreach ($m in [regex]::Matches($block, $pattern)) {
                [pscustomobject]@{ To = $m.Groups['to'].Value; From = $m.Groups['from'].Value; Protocol = $m.Groups['protocol'].Value; FromPort = [int]$m.Groups['fromPort'].Value; ToPort = [int]$m.Groups['toPort'].Value; Description = $m.Groups['description'].Value }
            }
            $script:tfEntries = [regex]::Matches($block, '(?m)^\s*"[a-z0-9-]+"\s*=').Count

            # The engine's rules: ClusterFlows.Required grouped as ClusterFlows.IngressFor groups them.
            $flows = ([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.Cluster.ClusterFlows'))::Required
            $script:engineRules = $flows | Group-Object { '{0}|{1}|{2}|{3}|{4}' -f $_.Destination, $_.Source, $_.Protocol, $_.FromPort, $_.ToPort } | ForEach-Object {
                $f = $_.Group[0]
                [pscustomobject]@{ To = $f.Destination; From = $f.Source; Protocol = $f.Protocol; FromPort = $f.FromPort; ToPort = $f.ToPort; Description = (@($_.Group.Purpose | Select-Object -Unique) -join '; ') }
            }
            function script:Key($r) { '{0} <- {1} {2}/{3}-{4}' -f $r.To, $r.From, $r.Protocol, $r.FromPort, $r.ToPort }
        }

        It 'parses every entry of local.ingress_rules' {
            $tfRules.Count | Should -BeGreaterThan 0
            $tfRules.Count | Should -Be $tfEntries -Because 'an entry the pattern cannot read would escape the comparison'
        }

        It 'has exactly the ingress rules of the engine''s flow table' {
            $tf = @($tfRules | ForEach-Object { Key $_ } | Sort-Object)
            $engine = @($engineRules | ForEach-Object { Key $_ } | Sort-Object)
            Compare-Object $engine $tf | ForEach-Object { '{0} {1}' -f $(if ($_.SideIndicator -eq '<=') { 'only in the engine:' } else { 'only in terraform:' }), $_.InputObject } | Should -BeNullOrEmpty
            ($tf | Group-Object | Where-Object Count -GT 1).Name | Should -BeNullOrEmpty
        }

        It 'describes each rule as the engine does' {
            foreach ($rule in $engineRules) {
                ($tfRules | Where-Object { (Key $_) -eq (Key $rule) }).Description | Should -Be $rule.Description
            }
        }

        It 'admits port 22 nowhere and opens only 80/443 to the internet' {
            foreach ($rule in $tfRules) {
                ($rule.Protocol -eq '-1' -or ($rule.FromPort -le 22 -and $rule.ToPort -ge 22)) | Should -BeFalse -Because "$(Key $rule) must not admit SSH"
                if ($rule.From -eq 'internet') { $rule.FromPort | Should -BeIn 80, 443 }
            }

            $securityText | Should -Not -Match '(?m)^\s*ingress\s*\{' -Because 'inline ingress blocks would escape the comparison'
            $securityText | Should -Not -Match 'var\.vpc_cidr' -Because 'sources are group references, never the VPC CIDR'
        }

        It 'admits none of the flows the engine denies inside the VPC (Kong''s Admin API from nobody)' {
            $denied = ([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.Cluster.ClusterFlows'))::ClusterDenied
            @($denied).Count | Should -BeGreaterThan 20
            foreach ($rule in $tfRules) {
                foreach ($flow in $denied | Where-Object { $_.Destination -eq $rule.To -and $_.Source -eq $rule.From -and $_.Protocol -eq $rule.Protocol }) {
                    ($rule.FromPort -le $flow.ToPort -and $flow.FromPort -le $rule.ToPort) | Should -BeFalse -Because "$(Key $rule) admits $($flow.Purpose)"
                }

                ($rule.FromPort -le 8001 -and $rule.ToPort -ge 8001) | Should -BeFalse -Because "$(Key $rule) must not admit Kong's Admin API"
            }

            $securityText | Should -Not -Match 'ip_protocol\s*=\s*"-1"\s*\n\s*from_port' -Because 'no all-traffic ingress rule'
        }

        It 'turns every entry into a rule with a group reference or the internet' {
            $securityText | Should -Match 'resource "aws_vpc_security_group_ingress_rule" "flow" \{\s*for_each = local\.ingress_rules'
            $securityText | Should -Match 'referenced_security_group_id = each\.value\.from == "internet" \? null : local\.security_group_ids\[each\.value\.from\]'
        }
    }
}
