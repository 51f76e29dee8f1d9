using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using ShowcaseOps.Sandbox.StandIns.Ssm;
using Xunit;

namespace ShowcaseOps.Tests.Ssm;

public sealed class SsmStandInTests : IDisposable
{
    private readonly SsmTestSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    private static SendCommandRequest Shell(IEnumerable<string> instanceIds, string comment = "test", params string[] commands) => new()
    {
        DocumentName = "AWS-RunShellScript",
        InstanceIds = instanceIds.ToList(),
        Comment = comment,
        Parameters = new Dictionary<string, List<string>> { ["commands"] = commands.Length == 0 ? new List<string> { "true" } : commands.ToList() },
    };

    [Fact]
    public async Task More_than_50_instance_ids_are_refused_like_AWS()
    {
        var ids = _sandbox.AddHosts(51).Select(t => t.InstanceId);

        var error = await Assert.ThrowsAnyAsync<AmazonSimpleSystemsManagementException>(() => _sandbox.Ssm.SendCommandAsync(Shell(ids)));

        Assert.Equal("ValidationException", error.ErrorCode);
        Assert.Contains("instanceIds", error.Message, StringComparison.Ordinal);
        Assert.Contains("less than or equal to 50", error.Message, StringComparison.Ordinal);
        Assert.Empty(_sandbox.Host.Ssm.Commands);
    }

    [Fact]
    public async Task A_comment_over_100_characters_is_refused_like_AWS()
    {
        var ids = _sandbox.AddHosts(1).Select(t => t.InstanceId);

        var error = await Assert.ThrowsAnyAsync<AmazonSimpleSystemsManagementException>(() => _sandbox.Ssm.SendCommandAsync(Shell(ids, new string('c', 101))));
        var ok = await _sandbox.Ssm.SendCommandAsync(Shell(ids, new string('c', 100)));

        Assert.Equal("ValidationException", error.ErrorCode);
        Assert.Contains("'comment'", error.Message, StringComparison.Ordinal);
        Assert.NotNull(ok.Command.CommandId);
    }

    [Fact]
    public async Task Unknown_instances_and_documents_are_refused()
    {
        _sandbox.AddHosts(1);

        await Assert.ThrowsAsync<InvalidInstanceIdException>(() => _sandbox.Ssm.SendCommandAsync(Shell(new[] { "i-0123456789abcdef0" })));
        var ids = _sandbox.Host.Ec2.GetInstances().Select(i => i.InstanceId).ToList();
        var request = Shell(ids);
        request.DocumentName = "AWS-RunPowerShellScript";
        await Assert.ThrowsAsync<InvalidDocumentException>(() => _sandbox.Ssm.SendCommandAsync(request));
        request = Shell(ids);
        request.Parameters.Remove("commands");
        await Assert.ThrowsAsync<InvalidParametersException>(() => _sandbox.Ssm.SendCommandAsync(request));
    }

    [Fact]
    public async Task GetCommandInvocation_follows_the_invocation_lifecycle_and_truncates_like_AWS()
    {
        var id = _sandbox.AddHosts(1).Single().InstanceId;
        _sandbox.Host.Ssm.InvocationNotFoundCalls = 1;
        var script = "sleep 0.5; awk 'BEGIN { for (i = 0; i < 30000; i++) printf \"o\"; for (i = 0; i < 9000; i++) printf \"e\" > \"/dev/stderr\" }'";
        var sent = await _sandbox.Ssm.SendCommandAsync(Shell(new[] { id }, "showcaseops:platform truncation", script));
        var commandId = sent.Command.CommandId;

        await Assert.ThrowsAsync<InvocationDoesNotExistException>(() => _sandbox.Ssm.GetCommandInvocationAsync(new GetCommandInvocationRequest { CommandId = commandId, InstanceId = id }));
        await Task.Delay(150);
        var running = await _sandbox.Ssm.GetCommandInvocationAsync(new GetCommandInvocationRequest { CommandId = commandId, InstanceId = id });
        Assert.Equal(CommandInvocationStatus.InProgress, running.Status);
        Assert.Equal(-1, running.ResponseCode);
        Assert.Equal(string.Empty, running.StandardOutputContent);

        await _sandbox.Host.Ssm.WaitForIdleAsync(TimeSpan.FromSeconds(20));
        var done = await _sandbox.Ssm.GetCommandInvocationAsync(new GetCommandInvocationRequest { CommandId = commandId, InstanceId = id });
        Assert.Equal(CommandInvocationStatus.Success, done.Status);
        Assert.Equal(0, done.ResponseCode);
        Assert.Equal(24000, done.StandardOutputContent.Length);
        Assert.Equal(8000, done.StandardErrorContent.Length);
        Assert.False(string.IsNullOrEmpty(done.ExecutionEndDateTime));
        Assert.Equal(30000, _sandbox.Host.Ssm.Invocations(id).Single().StandardOutput.Length);

        // Like GetCommandInvocation, the first InvocationNotFoundCalls list calls of a command do not list it yet.
        Assert.Empty((await _sandbox.Ssm.ListCommandInvocationsAsync(new ListCommandInvocationsRequest { CommandId = commandId, Details = true })).CommandInvocations);
        var listed = await _sandbox.Ssm.ListCommandInvocationsAsync(new ListCommandInvocationsRequest { CommandId = commandId, Details = true });
        var plugin = listed.CommandInvocations.Single().CommandPlugins.Single();
        Assert.Equal(2500, plugin.Output.Length);
        Assert.Equal(0, plugin.ResponseCode);

        var commands = await _sandbox.Ssm.ListCommandsAsync(new ListCommandsRequest { CommandId = commandId });
        var command = commands.Commands.Single();
        Assert.Equal(CommandStatus.Success, command.Status);
        Assert.Equal(1, command.CompletedCount);
        Assert.Equal(script, command.Parameters["commands"].Single());
    }

    [Fact]
    public async Task The_agent_runs_one_command_at_a_time_per_instance()
    {
        var id = _sandbox.AddHosts(1).Single().InstanceId;
        _sandbox.Host.Ssm.Behaviors.Add(new SsmBehavior { Delay = TimeSpan.FromMilliseconds(200) });

        await _sandbox.Ssm.SendCommandAsync(Shell(new[] { id }));
        await _sandbox.Ssm.SendCommandAsync(Shell(new[] { id }));
        await _sandbox.Host.Ssm.WaitForIdleAsync(TimeSpan.FromSeconds(10));

        var invocations = _sandbox.Host.Ssm.Invocations(id).OrderBy(i => i.StartedAt).ToList();
        Assert.Equal(2, invocations.Count);
        Assert.True(invocations[1].StartedAt >= invocations[0].EndedAt, "the second command starts after the first ends");
    }

    [Fact]
    public async Task CancelCommand_cancels_pending_and_running_invocations()
    {
        var ids = _sandbox.AddHosts(2).Select(t => t.InstanceId).ToList();
        _sandbox.Host.Ssm.Behaviors.Add(new SsmBehavior { Delay = TimeSpan.FromSeconds(30) });
        var sent = await _sandbox.Ssm.SendCommandAsync(Shell(ids));

        await _sandbox.Ssm.CancelCommandAsync(new CancelCommandRequest { CommandId = sent.Command.CommandId });
        await _sandbox.Host.Ssm.WaitForIdleAsync(TimeSpan.FromSeconds(5));

        Assert.All(_sandbox.Host.Ssm.Invocations(), i => Assert.Equal(SsmStatus.Cancelled, i.Status));
        await Assert.ThrowsAsync<InvalidCommandIdException>(() => _sandbox.Ssm.CancelCommandAsync(new CancelCommandRequest { CommandId = "00000000-0000-0000-0000-000000000000" }));
    }

    [Fact]
    public async Task DescribeInstanceInformation_lists_running_instances_once_online_and_pages()
    {
        var online = _sandbox.AddHosts(12);
        var fresh = _sandbox.AddHosts(1, "late", online: false).Single();
        _sandbox.Host.Ssm.SetAgentOffline(fresh.InstanceId);

        var first = await _sandbox.Ssm.DescribeInstanceInformationAsync(new DescribeInstanceInformationRequest { MaxResults = 5 });
        Assert.InRange(first.InstanceInformationList.Count, 1, 5); // the sandbox pages smaller than MaxResults, as AWS may
        Assert.False(string.IsNullOrEmpty(first.NextToken));
        var all = first.InstanceInformationList.ToList();
        var token = first.NextToken;
        while (!string.IsNullOrEmpty(token))
        {
            var page = await _sandbox.Ssm.DescribeInstanceInformationAsync(new DescribeInstanceInformationRequest { MaxResults = 5, NextToken = token });
            all.AddRange(page.InstanceInformationList);
            token = page.NextToken;
        }

        Assert.Equal(online.Select(t => t.InstanceId).OrderBy(x => x, StringComparer.Ordinal), all.Select(i => i.InstanceId).OrderBy(x => x, StringComparer.Ordinal));
        Assert.All(all, i => Assert.Equal(PingStatus.Online, i.PingStatus));

        _sandbox.Host.Ssm.SetAgentOffline(fresh.InstanceId, offline: false);
        await Task.Delay(150);
        var filtered = await ShowcaseOps.Core.Execution.Paging.AllAsync(
            (next, ct) => _sandbox.Ssm.DescribeInstanceInformationAsync(new DescribeInstanceInformationRequest
            {
                Filters = new List<InstanceInformationStringFilter> { new() { Key = "InstanceIds", Values = new List<string> { fresh.InstanceId, online[0].InstanceId } } },
                NextToken = next,
            }, ct),
            r => r.InstanceInformationList,
            r => r.NextToken,
            "DescribeInstanceInformation",
            System.Threading.CancellationToken.None);
        Assert.Equal(2, filtered.Count);
    }

    [Fact]
    public async Task The_parameter_store_serves_public_ami_parameters_and_round_trips()
    {
        var ami = await _sandbox.Ssm.GetParameterAsync(new GetParameterRequest { Name = SsmParameterStore.Ubuntu2404AmiParameter });
        Assert.StartsWith("ami-", ami.Parameter.Value, StringComparison.Ordinal);
        var al = await _sandbox.Ssm.GetParametersAsync(new GetParametersRequest { Names = new List<string> { SsmParameterStore.AmazonLinux2023AmiParameter, "/nope" } });
        Assert.Single(al.Parameters);
        Assert.Equal("/nope", Assert.Single(al.InvalidParameters));

        await _sandbox.Ssm.PutParameterAsync(new PutParameterRequest { Name = "/showcase/demo/token", Value = "s3cr3t", Type = ParameterType.SecureString });
        var hidden = await _sandbox.Ssm.GetParameterAsync(new GetParameterRequest { Name = "/showcase/demo/token" });
        var shown = await _sandbox.Ssm.GetParameterAsync(new GetParameterRequest { Name = "/showcase/demo/token", WithDecryption = true });
        Assert.NotEqual("s3cr3t", hidden.Parameter.Value);
        Assert.Equal("s3cr3t", shown.Parameter.Value);

        await Assert.ThrowsAsync<ParameterAlreadyExistsException>(() => _sandbox.Ssm.PutParameterAsync(new PutParameterRequest { Name = "/showcase/demo/token", Value = "x", Type = ParameterType.SecureString }));
        var updated = await _sandbox.Ssm.PutParameterAsync(new PutParameterRequest { Name = "/showcase/demo/token", Value = "x", Overwrite = true });
        Assert.Equal(2, updated.Version);
        await _sandbox.Ssm.DeleteParameterAsync(new DeleteParameterRequest { Name = "/showcase/demo/token" });
        await Assert.ThrowsAsync<ParameterNotFoundException>(() => _sandbox.Ssm.GetParameterAsync(new GetParameterRequest { Name = "/showcase/demo/token" }));
        await Assert.ThrowsAsync<ParameterNotFoundException>(() => _sandbox.Ssm.DeleteParameterAsync(new DeleteParameterRequest { Name = "/showcase/demo/token" }));
    }

    [Fact]
    public async Task Reset_forgets_commands_and_behaviours_but_keeps_the_public_parameters()
    {
        var id = _sandbox.AddHosts(1).Single().InstanceId;
        _sandbox.Host.Ssm.Behaviors.FailOn(id, 1);
        await _sandbox.Ssm.SendCommandAsync(Shell(new[] { id }));

        _sandbox.Host.Reset();

        Assert.Empty(_sandbox.Host.Ssm.Commands);
        Assert.Equal(0, _sandbox.Host.Ssm.Behaviors.Count);
        Assert.NotNull(_sandbox.Host.Ssm.Parameters.Get(SsmParameterStore.AmazonLinux2023AmiParameter));
        await Task.CompletedTask;
    }
}
