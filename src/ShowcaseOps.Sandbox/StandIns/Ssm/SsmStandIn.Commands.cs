using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Sandbox.Hosting;
using ShowcaseOps.Sandbox.StandIns.Ssm;

namespace ShowcaseOps.Sandbox.StandIns;

/// <summary>Run Command operations.</summary>
public sealed partial class SsmStandIn
{
    private static readonly HashSet<string> RunShellScriptParameters = new(StringComparer.Ordinal) { "commands", "workingDirectory", "executionTimeout" };

    private SandboxResponse SendCommand(JObject body)
    {
        var document = SsmJson.String(body, "DocumentName")
            ?? throw SsmApiException.Validation("documentName", "null", "Member must not be null");
        var ids = SsmJson.Strings(body, "InstanceIds");
        if (ids.Count > MaxInstanceIdsPerCommand)
        {
            throw SsmApiException.Validation("instanceIds", "[" + string.Join(", ", ids) + "]", "Member must have length less than or equal to " + MaxInstanceIdsPerCommand.ToString(CultureInfo.InvariantCulture));
        }

        var comment = SsmJson.String(body, "Comment") ?? string.Empty;
        if (comment.Length > MaxCommentLength)
        {
            throw SsmApiException.Validation("comment", comment, "Member must have length less than or equal to " + MaxCommentLength.ToString(CultureInfo.InvariantCulture));
        }

        var timeoutSeconds = SsmJson.Int(body, "TimeoutSeconds");
        if (timeoutSeconds is < 30)
        {
            throw SsmApiException.Validation("timeoutSeconds", timeoutSeconds.Value.ToString(CultureInfo.InvariantCulture), "Member must have value greater than or equal to 30");
        }

        if (timeoutSeconds is > 2592000)
        {
            throw SsmApiException.Validation("timeoutSeconds", timeoutSeconds.Value.ToString(CultureInfo.InvariantCulture), "Member must have value less than or equal to 2592000");
        }

        if (!string.Equals(document, "AWS-RunShellScript", StringComparison.Ordinal))
        {
            throw new SsmApiException("InvalidDocument", $"Document with name {document} does not exist (the sandbox knows AWS-RunShellScript only).");
        }

        var parameters = ReadParameters(body);
        ids.AddRange(ResolveTargets(body));
        ids = ids.Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            throw new SsmApiException("InvalidParameters", "Specify InstanceIds or Targets.");
        }

        var managed = new HashSet<string>(ManagedInstances(DateTime.UtcNow).Select(m => m.Instance.InstanceId), StringComparer.Ordinal);
        var unknown = ids.Where(id => !managed.Contains(id)).ToList();
        if (unknown.Count > 0)
        {
            throw new SsmApiException("InvalidInstanceId", $"Instances [[{string.Join(", ", unknown)}]] not in a valid state for account {AccountId}");
        }

        var command = new SsmCommandRecord(NewCommandId(), document, comment, parameters, ids, timeoutSeconds, DateTime.UtcNow);
        foreach (var id in ids)
        {
            command.Add(new SsmInvocationRecord(command, id));
        }

        _commands[command.CommandId] = command;
        foreach (var invocation in command.Invocations)
        {
            Track(Task.Run(() => RunInvocationAsync(invocation)));
        }

        return SsmJson.Ok(new JObject { ["Command"] = CommandJson(command) });
    }

    private Dictionary<string, IReadOnlyList<string>> ReadParameters(JObject body)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (body.TryGetValue(SsmJson.ParametersField, StringComparison.Ordinal, out var token) && token is JObject map)
        {
            foreach (var property in map.Properties())
            {
                if (!RunShellScriptParameters.Contains(property.Name))
                {
                    throw new SsmApiException("InvalidParameters", $"Parameter \"{property.Name}\" is not defined in document AWS-RunShellScript.");
                }

                result[property.Name] = property.Value is JArray array ? array.Select(t => t.ToString()).ToList() : new List<string> { property.Value.ToString() };
            }
        }

        if (!result.TryGetValue("commands", out var commands) || commands.Count == 0)
        {
            throw new SsmApiException("InvalidParameters", "Parameter \"commands\" is required by document AWS-RunShellScript.");
        }

        if (result.TryGetValue("executionTimeout", out var timeout) && timeout.Count > 0
            && (!int.TryParse(timeout[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) || seconds < 1 || seconds > 172800))
        {
            throw new SsmApiException("InvalidParameters", $"Parameter \"executionTimeout\" value \"{timeout[0]}\" is not valid: it must be a number of seconds from 1 to 172800.");
        }

        var size = result.Values.SelectMany(v => v).Sum(v => Encoding.UTF8.GetByteCount(v));
        if (size > MaxParametersSize)
        {
            throw new SsmApiException("InvalidParameters", $"The document parameters are {size} bytes; the maximum is {MaxParametersSize}.");
        }

        return result;
    }

    private IEnumerable<string> ResolveTargets(JObject body)
    {
        if (!body.TryGetValue("Targets", StringComparison.Ordinal, out var token) || token is not JArray targets)
        {
            yield break;
        }

        foreach (var target in targets.OfType<JObject>())
        {
            var key = SsmJson.String(target, "Key") ?? string.Empty;
            var values = SsmJson.Strings(target, "Values");
            if (key == "InstanceIds")
            {
                foreach (var v in values)
                {
                    yield return v;
                }
            }
            else if (key.StartsWith("tag:", StringComparison.Ordinal))
            {
                var tag = key.Substring(4);
                foreach (var managed in ManagedInstances(DateTime.UtcNow))
                {
                    if (managed.Instance.Tags.TryGetValue(tag, out var value) && values.Contains(value))
                    {
                        yield return managed.Instance.InstanceId;
                    }
                }
            }
            else
            {
                throw new SsmApiException("InvalidTarget", $"Target key {key} is not supported by the sandbox (InstanceIds and tag:<key> are).");
            }
        }
    }

    private SandboxResponse ListCommands(JObject body)
    {
        var commandId = SsmJson.String(body, "CommandId");
        var instanceId = SsmJson.String(body, "InstanceId");
        IEnumerable<SsmCommandRecord> commands = Commands.Reverse();
        if (commandId is not null)
        {
            var one = GetCommand(commandId) ?? throw new SsmApiException("InvalidCommandId", string.Empty);
            commands = new[] { one };
        }

        if (instanceId is not null)
        {
            commands = commands.Where(c => c.InstanceIds.Contains(instanceId));
        }

        if (body.TryGetValue("Filters", StringComparison.Ordinal, out var token) && token is JArray filters)
        {
            foreach (var filter in filters.OfType<JObject>())
            {
                var key = SsmJson.String(filter, "key") ?? SsmJson.String(filter, "Key") ?? string.Empty;
                var value = SsmJson.String(filter, "value") ?? SsmJson.String(filter, "Value") ?? string.Empty;
                commands = key switch
                {
                    "Status" => commands.Where(c => c.Status == value).ToList(),
                    "DocumentName" => commands.Where(c => c.DocumentName == value).ToList(),
                    _ => throw new SsmApiException("InvalidFilterKey", $"The filter key {key} is not supported by the sandbox."),
                };
            }
        }

        var (page, next) = SsmJson.Page(commands.ToList(), body, 50, 1, 50, Host.Pages);
        var result = new JObject { [SsmJson.CommandsField] = new JArray(page.Select(CommandJson)) };
        if (next is not null)
        {
            result["NextToken"] = next;
        }

        return SsmJson.Ok(result);
    }

    private SandboxResponse GetCommandInvocation(JObject body)
    {
        var commandId = SsmJson.String(body, "CommandId") ?? throw SsmApiException.Validation("commandId", "null", "Member must not be null");
        var instanceId = SsmJson.String(body, "InstanceId") ?? throw SsmApiException.Validation("instanceId", "null", "Member must not be null");
        var pluginName = SsmJson.String(body, "PluginName");
        var invocation = GetCommand(commandId)?.Invocations.FirstOrDefault(i => i.InstanceId == instanceId);
        if (invocation is null
            || invocation.CountGet() <= InvocationNotFoundCalls
            || DateTime.UtcNow - invocation.Command.RequestedAt < InvocationNotFoundWindow)
        {
            throw new SsmApiException("InvocationDoesNotExist", "The command ID and instance ID you specified did not match any invocations. Verify the command ID and the instance ID and try again.");
        }

        if (pluginName is not null && pluginName != PluginName)
        {
            throw new SsmApiException("InvalidPluginName", $"The plugin name {pluginName} is not valid.");
        }

        // Read the status first: outputs are written before the status turns terminal.
        var status = invocation.Status;
        var terminal = SsmStatus.IsTerminal(status);
        var command = invocation.Command;
        return SsmJson.Ok(new JObject
        {
            ["CommandId"] = command.CommandId,
            ["InstanceId"] = invocation.InstanceId,
            ["Comment"] = command.Comment,
            ["DocumentName"] = command.DocumentName,
            ["DocumentVersion"] = "1",
            ["PluginName"] = PluginName,
            ["ResponseCode"] = terminal ? invocation.ResponseCode : -1,
            ["ExecutionStartDateTime"] = SsmJson.Iso(invocation.StartedAt),
            ["ExecutionElapsedTime"] = Elapsed(invocation),
            ["ExecutionEndDateTime"] = terminal ? SsmJson.Iso(invocation.EndedAt) : string.Empty,
            ["Status"] = status,
            ["StatusDetails"] = invocation.StatusDetails,
            ["StandardOutputContent"] = terminal ? SsmJson.Truncate(invocation.StandardOutput, StandardOutputLimit) : string.Empty,
            ["StandardOutputUrl"] = string.Empty,
            ["StandardErrorContent"] = terminal ? SsmJson.Truncate(invocation.StandardError, StandardErrorLimit) : string.Empty,
            ["StandardErrorUrl"] = string.Empty,
            ["CloudWatchOutputConfig"] = new JObject { ["CloudWatchLogGroupName"] = string.Empty, ["CloudWatchOutputEnabled"] = false },
        });
    }

    private SandboxResponse ListCommandInvocations(JObject body)
    {
        var commandId = SsmJson.String(body, "CommandId");
        var instanceId = SsmJson.String(body, "InstanceId");
        var details = SsmJson.Bool(body, "Details");
        IEnumerable<SsmCommandRecord> commands = commandId is null
            ? Commands.Reverse()
            : GetCommand(commandId) is { } one ? new[] { one } : Array.Empty<SsmCommandRecord>();
        // Eventual consistency, as after SendCommand on AWS: a command's invocations are not listed by its first
        // InvocationNotFoundCalls list calls, nor during InvocationNotFoundWindow (the same settings as GetCommandInvocation).
        var now = DateTime.UtcNow;
        var visible = commands.Where(c => (c.CountList() > InvocationNotFoundCalls || commandId is null) && now - c.RequestedAt >= InvocationNotFoundWindow);
        var invocations = visible.SelectMany(c => c.Invocations).Where(i => instanceId is null || i.InstanceId == instanceId).ToList();
        var (page, next) = SsmJson.Page(invocations, body, 50, 1, 50, Host.Pages);
        var result = new JObject { ["CommandInvocations"] = new JArray(page.Select(i => InvocationJson(i, details))) };
        if (next is not null)
        {
            result["NextToken"] = next;
        }

        return SsmJson.Ok(result);
    }

    private SandboxResponse CancelCommand(JObject body)
    {
        var commandId = SsmJson.String(body, "CommandId") ?? throw SsmApiException.Validation("commandId", "null", "Member must not be null");
        var command = GetCommand(commandId) ?? throw new SsmApiException("InvalidCommandId", string.Empty);
        var ids = SsmJson.Strings(body, "InstanceIds");
        foreach (var invocation in command.Invocations.Where(i => ids.Count == 0 || ids.Contains(i.InstanceId)))
        {
            invocation.RequestCancel();
        }

        return SsmJson.Ok(new JObject());
    }

    private static JObject CommandJson(SsmCommandRecord command)
    {
        var invocations = command.Invocations;
        var parameters = new JObject();
        foreach (var pair in command.Parameters)
        {
            parameters[pair.Key] = new JArray(pair.Value);
        }

        var status = command.Status;
        return new JObject
        {
            ["CommandId"] = command.CommandId,
            ["DocumentName"] = command.DocumentName,
            ["DocumentVersion"] = "$DEFAULT",
            ["Comment"] = command.Comment,
            ["ExpiresAfter"] = SsmJson.EpochSeconds(command.RequestedAt.AddSeconds((command.TimeoutSeconds ?? 3600) + command.ExecutionTimeoutSeconds)),
            [SsmJson.ParametersField] = parameters,
            ["InstanceIds"] = new JArray(command.InstanceIds),
            ["Targets"] = new JArray(),
            ["RequestedDateTime"] = SsmJson.EpochSeconds(command.RequestedAt),
            ["Status"] = status,
            ["StatusDetails"] = status,
            ["OutputS3Region"] = string.Empty,
            ["OutputS3BucketName"] = string.Empty,
            ["OutputS3KeyPrefix"] = string.Empty,
            ["MaxConcurrency"] = "50",
            ["MaxErrors"] = "0",
            ["TargetCount"] = invocations.Count,
            ["CompletedCount"] = invocations.Count(i => i.IsTerminal),
            ["ErrorCount"] = invocations.Count(i => i.Status is SsmStatus.Failed or SsmStatus.TimedOut),
            ["DeliveryTimedOutCount"] = invocations.Count(i => i.StatusDetails == "DeliveryTimedOut"),
            ["ServiceRole"] = string.Empty,
            ["NotificationConfig"] = new JObject { ["NotificationArn"] = string.Empty, ["NotificationEvents"] = new JArray(), ["NotificationType"] = string.Empty },
            ["CloudWatchOutputConfig"] = new JObject { ["CloudWatchLogGroupName"] = string.Empty, ["CloudWatchOutputEnabled"] = false },
            ["TimeoutSeconds"] = command.TimeoutSeconds ?? 3600,
        };
    }

    private static JObject InvocationJson(SsmInvocationRecord invocation, bool details)
    {
        var status = invocation.Status;
        var terminal = SsmStatus.IsTerminal(status);
        var plugins = new JArray();
        if (details)
        {
            var output = string.Empty;
            if (terminal)
            {
                output = invocation.StandardOutput;
                if (invocation.StandardError.Length > 0)
                {
                    output += "\n----------ERROR-------\n" + invocation.StandardError;
                }
            }

            var plugin = new JObject
            {
                ["Name"] = PluginName,
                ["Status"] = status,
                ["StatusDetails"] = invocation.StatusDetails,
                ["ResponseCode"] = terminal ? invocation.ResponseCode : -1,
                ["Output"] = SsmJson.Truncate(output, DetailsOutputLimit),
                ["StandardOutputUrl"] = string.Empty,
                ["StandardErrorUrl"] = string.Empty,
                ["OutputS3Region"] = string.Empty,
                ["OutputS3BucketName"] = string.Empty,
                ["OutputS3KeyPrefix"] = string.Empty,
            };
            if (invocation.StartedAt is { } started)
            {
                plugin["ResponseStartDateTime"] = SsmJson.EpochSeconds(started);
            }

            if (terminal && invocation.EndedAt is { } ended)
            {
                plugin["ResponseFinishDateTime"] = SsmJson.EpochSeconds(ended);
            }

            plugins.Add(plugin);
        }

        return new JObject
        {
            ["CommandId"] = invocation.CommandId,
            ["InstanceId"] = invocation.InstanceId,
            ["InstanceName"] = string.Empty,
            ["Comment"] = invocation.Command.Comment,
            ["DocumentName"] = invocation.Command.DocumentName,
            ["DocumentVersion"] = "$DEFAULT",
            ["RequestedDateTime"] = SsmJson.EpochSeconds(invocation.Command.RequestedAt),
            ["Status"] = status,
            ["StatusDetails"] = invocation.StatusDetails,
            ["TraceOutput"] = string.Empty,
            ["StandardOutputUrl"] = string.Empty,
            ["StandardErrorUrl"] = string.Empty,
            ["CommandPlugins"] = plugins,
            ["ServiceRole"] = string.Empty,
            ["NotificationConfig"] = new JObject { ["NotificationArn"] = string.Empty, ["NotificationEvents"] = new JArray(), ["NotificationType"] = string.Empty },
            ["CloudWatchOutputConfig"] = new JObject { ["CloudWatchLogGroupName"] = string.Empty, ["CloudWatchOutputEnabled"] = false },
        };
    }

    private static string Elapsed(SsmInvocationRecord invocation)
    {
        if (invocation.StartedAt is not { } started)
        {
            return string.Empty;
        }

        var end = invocation.IsTerminal ? invocation.EndedAt ?? DateTime.UtcNow : DateTime.UtcNow;
        return "PT" + Math.Max(0, (end - started).TotalSeconds).ToString("0.###", CultureInfo.InvariantCulture) + "S";
    }
}
