using System.Collections.Generic;
using ShowcaseOps.Core.Aws;
using ShowcaseOps.Sandbox;

namespace ShowcaseOps.Core;

/// <summary>The sandbox this process's cmdlets use, if any. Starting it points AWS calls at it; stopping it restores AWS.</summary>
public static class SandboxSession
{
    private static readonly object Gate = new();

    public static SandboxHost? Current { get; private set; }

    public static SandboxHost Start(SandboxOptions options)
    {
        lock (Gate)
        {
            Stop();
            var host = SandboxHost.Start(options);
            Current = host;
            AwsSessionDefaults.Set(new AwsSessionDefaults.Snapshot(
                options.Region,
                "AKIASANDBOXSHOWCASE0",
                "sandbox-secret-key-not-used-for-anything",
                new Dictionary<string, string>
                {
                    ["ec2"] = host.Endpoint("ec2").ToString(),
                    ["ssm"] = host.Endpoint("ssm").ToString(),
                }));
            return host;
        }
    }

    public static void Stop()
    {
        lock (Gate)
        {
            if (Current is null)
            {
                return;
            }

            Current.Dispose();
            Current = null;
            AwsSessionDefaults.Clear();
            Session.ShowcaseContext.Reset();
        }
    }
}
