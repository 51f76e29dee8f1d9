using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace ShowcaseOps.Tests.Cluster;

/// <summary>
/// Every Describe*/List* SDK call in the engine reads all its pages: it passes a NextToken (so it runs inside
/// <c>Paging.AllAsync</c> / <c>Ec2PagesAsync</c>), or it names the ids it wants (AWS answers those in one piece), or
/// its API is not paginated at all.
/// </summary>
public sealed class PagingConventionTests
{
    // Not paginated on AWS: one answer holds everything.
    private static readonly HashSet<string> Unpaginated = new(StringComparer.Ordinal) { "DescribeKeyPairs", "DescribeAddresses", "DescribeAvailabilityZones" };

    private static readonly Regex SdkCall = new(@"\b(?:_?ec2|_?ssm|Ssm|Ec2)\.(?<op>(?:Describe|List)[A-Za-z]+)Async\(", RegexOptions.CultureInvariant);

    private static readonly Regex ById = new(@"\b(?:InstanceIds|VpcIds|SubnetIds|GroupIds|RouteTableIds|InternetGatewayIds|NatGatewayIds|NetworkInterfaceIds|ImageIds|AllocationIds|KeyNames)\s*=\s*new", RegexOptions.CultureInvariant);

    [Fact]
    public void Every_describe_and_list_call_reads_every_page_or_names_its_ids()
    {
        var offenders = new List<string>();
        var calls = 0;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoRoot(), "src", "ShowcaseOps.Engine"), "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            foreach (Match match in SdkCall.Matches(text))
            {
                calls++;
                var end = text.IndexOf(';', match.Index);
                var statement = text.Substring(match.Index, (end < 0 ? text.Length : end) - match.Index);
                var operation = match.Groups["op"].Value;
                if (!statement.Contains("NextToken", StringComparison.Ordinal) && !ById.IsMatch(statement) && !Unpaginated.Contains(operation))
                {
                    offenders.Add($"{Path.GetFileName(file)}: {operation}");
                }
            }
        }

        Assert.True(calls > 40, $"only {calls} calls found: the pattern no longer matches the code");
        Assert.True(offenders.Count == 0, "Reads only the first page: " + string.Join("; ", offenders));
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ShowcaseOps.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ShowcaseOps.sln not found above " + AppContext.BaseDirectory);
    }
}
