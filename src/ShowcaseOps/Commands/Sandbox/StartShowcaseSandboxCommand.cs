using System.Text.RegularExpressions;
using System;
using System.Management.Automation;
using ShowcaseOps.Cmdlets;
using System.Collections.Generic;
using System.Linq;
using ShowcaseOps.Core.Aws;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Model;
using ShowcaseOps.Sandbox;

namespace ShowcaseOps.Commands.Sandbox;

/// <summary>Starts the local sandbox (EC2, SSM, Consul, Vulcand, Kong and Marathon stand-ins) and points this session's cmdlets at it.</summary>
[Cmdlet(VerbsLifecycle.Start, "ShowcaseSandbox", SupportsShouldProcess = true)]
[OutputType(typeof(ShowcaseSandbox))]
public sealed class StartShowcaseSandboxCommand : ShowcaseCmdlet
{
    /// <summary>The region the sandbox pretends to be (default eu-west-1, the 2016 showcase's region).</summary>
    [Parameter]
    [ValidatePattern(@"\A[a-z]{2,4}(-[a-z]+)+-\d{1,2}\z", Options = RegexOptions.None)]
    public string Region { get; set; } = "eu-west-1";

    /// <summary>Seconds a new instance stays pending before it runs (default 0.15; real EC2 takes about 30).</summary>
    [Parameter]
    [ValidateRange(0, 600)]
    public double InstanceBootSeconds { get; set; } = 0.15;

    /// <summary>Seconds after running before the SSM agent is Online (default 0.2; real hosts take 30–120).</summary>
    [Parameter]
    [ValidateRange(0, 600)]
    public double SsmOnlineSeconds { get; set; } = 0.2;

    /// <summary>
    /// Keeps the session's own AWS credentials and region (profiles, $StoredAWSCredentials, $StoredAWSRegion, AWS_*
    /// variables; -Region still sets one) instead of the sandbox's dummy ones: calls still go to the sandbox, which records the access key each was signed with
    /// (Get-ShowcaseSandboxRequest), so you can check which credentials a command would use.
    /// </summary>
    [Parameter]
    public SwitchParameter KeepCredentials { get; set; }

    /// <summary>Replaces a sandbox that is already running (its state is lost).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void EndProcessingCore()
    {
        var running = RunspaceState.Sandbox as SandboxHost;
        if (running is not null && !Force)
        {
            WriteWarning("The sandbox is already running; use -Force to replace it with an empty one.");
            WriteObject(new ShowcaseSandbox(running));
            return;
        }

        if (!ShouldProcess("local loopback ports", running is null ? "Start the ShowcaseOps sandbox" : "Replace the running ShowcaseOps sandbox"))
        {
            return;
        }

        var options = new SandboxOptions
        {
            Region = Region,
            InstancePendingTime = TimeSpan.FromSeconds(InstanceBootSeconds),
            InstanceShutdownTime = TimeSpan.FromSeconds(InstanceBootSeconds),
            SsmOnlineDelay = TimeSpan.FromSeconds(SsmOnlineSeconds),
        };
        RunspaceState.StopSandbox();
        var host = SandboxHost.Start(options);
        RunspaceState.Sandbox = host;
        CompletionCache.For(SessionState).Clear();
        Session.UseSandbox(
            new AwsSessionDefaults(
                KeepCredentials && !MyInvocation.BoundParameters.ContainsKey(nameof(Region)) ? null : options.Region,
                KeepCredentials ? null : "AKIASANDBOXSHOWCASE0",
                KeepCredentials ? null : "sandbox-secret-key-not-used-for-anything",
                new Dictionary<string, string>
                {
                    ["ec2"] = host.Endpoint("ec2").ToString(),
                    ["ssm"] = host.Endpoint("ssm").ToString(),
                }),
            Enum.GetValues<PlatformTarget>().ToDictionary(t => t, t => host.Endpoint(t.ToString().ToLowerInvariant())));
        foreach (var endpoint in host.Endpoints)
        {
            WriteVerbose($"Sandbox {endpoint.Key} stand-in listening on {endpoint.Value}");
        }

        WriteVerbose($"ShowcaseOps cmdlets in this session now call the sandbox (region {Region}) until Stop-ShowcaseSandbox.");
        WriteObject(new ShowcaseSandbox(host));
    }
}
