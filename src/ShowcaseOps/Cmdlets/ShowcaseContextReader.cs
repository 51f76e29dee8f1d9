using System;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Aws;
using ShowcaseOps.Model;

namespace ShowcaseOps.Cmdlets;

/// <summary>Builds the <see cref="ShowcaseContext"/> of a command: the session's choices and how its AWS calls resolve (no AWS call is made).</summary>
internal static class ShowcaseContextReader
{
    public static ShowcaseContext Read(ShowcaseRunspaceState state, AwsConnectionSettings settings)
    {
        var session = state.Session;
        ResolvedAws? aws = null;
        string? problem = null;
        try
        {
            aws = AwsCredentialResolver.Resolve(settings, "ec2");
        }
        catch (ShowcaseException ex)
        {
            problem = "AWS: " + ex.Message;
        }

        var endpoint = aws?.EndpointUrl;
        var sandboxEndpoint = session.Aws.ServiceEndpoints.TryGetValue("ec2", out var fromSandbox) ? fromSandbox : null;
        var target = endpoint is null ? "Aws"
            : state.SandboxRunning && string.Equals(endpoint, sandboxEndpoint, StringComparison.Ordinal) ? "Sandbox"
            : "Endpoint";
        return new ShowcaseContext
        {
            Cluster = session.CurrentCluster,
            ClusterSource = session.CurrentClusterSource,
            Channel = session.Channel.ToString(),
            ChannelSource = session.ChannelSource,
            Target = target,
            SandboxRunning = state.SandboxRunning,
            Account = aws?.AccountId,
            Region = aws?.Region,
            RegionSource = aws?.RegionSource,
            CredentialSource = aws?.CredentialSource,
            Endpoint = endpoint,
            Problem = problem,
        };
    }
}
