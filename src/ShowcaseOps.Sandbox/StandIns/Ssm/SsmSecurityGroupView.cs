using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace ShowcaseOps.Sandbox.StandIns.Ssm;

/// <summary>
/// What the security groups let one instance reach, for one platform script: a sed program the curl wrapper applies
/// before its own rewriting, sending <c>http(s)://&lt;host&gt;:&lt;admin port&gt;</c> of every host the groups refuse to a
/// closed loopback port (curl: connection refused, status 0 in a batch), and a second one that notes those URLs.
/// Decided when the script starts, from the EC2 stand-in's groups at that moment.
/// </summary>
internal sealed class SsmSecurityGroupView : IDisposable
{
    private readonly string _directory;
    private readonly string _log;

    private SsmSecurityGroupView(string directory, IReadOnlyDictionary<string, string> environment)
    {
        _directory = directory;
        _log = Path.Combine(directory, "denied.log");
        Environment = environment;
    }

    /// <summary>The variables the curl wrapper reads (added to the platform environment).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    public static SsmSecurityGroupView Create(SandboxHost host, string instanceId)
    {
        var rules = new StringBuilder();
        var match = new StringBuilder();
        foreach (var target in host.Ec2.RunningPeersInVpcOf(instanceId))
        {
            foreach (var port in SandboxHost.RealPorts.Values.Distinct())
            {
                var verdict = host.Ec2.EvaluateConnection(instanceId, target.PrivateIpAddress, "tcp", port);
                if (verdict.Allowed)
                {
                    continue;
                }

                var address = target.PrivateIpAddress.Replace(".", "\\.") + ":" + port.ToString(CultureInfo.InvariantCulture);
                rules.Append("s#https\\{0,1\\}://").Append(address).Append("\\([/?\"' ]\\|$\\)#http://127.0.0.1:9\\1#g\n");
                match.Append("/https\\{0,1\\}:\\/\\/").Append(address).Append("\\([/?\"' ]\\|$\\)/p\n");
            }
        }

        var directory = ShellRunner.CreateTempDirectory("sg-");
        var rulesPath = Path.Combine(directory, "rules.sed");
        var matchPath = Path.Combine(directory, "match.sed");
        File.WriteAllText(rulesPath, rules.ToString(), new UTF8Encoding(false));
        File.WriteAllText(matchPath, match.ToString(), new UTF8Encoding(false));
        var view = new SsmSecurityGroupView(directory, new Dictionary<string, string>
        {
            ["SHOWCASEOPS_SG_RULES"] = rulesPath,
            ["SHOWCASEOPS_SG_MATCH"] = matchPath,
            ["SHOWCASEOPS_SG_LOG"] = Path.Combine(directory, "denied.log"),
        });
        return view;
    }

    /// <summary>The lines (URLs, or curl config lines naming them) the script tried that the groups refused.</summary>
    public IReadOnlyList<string> DeniedRequests()
    {
        try
        {
            return File.Exists(_log) ? File.ReadAllLines(_log).Where(l => l.Length > 0).Distinct().ToList() : Array.Empty<string>();
        }
        catch (IOException)
        {
            return Array.Empty<string>();
        }
    }

    public void Dispose() => ShellRunner.TryDelete(_directory);
}
