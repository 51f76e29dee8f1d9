using ShowcaseOps.Cmdlets;
using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Marathon;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Marathon;

/// <summary>Creates a Marathon app from a JSON spec file or a hashtable.</summary>
[Cmdlet(VerbsCommon.New, "MarathonApp", SupportsShouldProcess = true, DefaultParameterSetName = ByPath)]
[OutputType(typeof(MarathonApp))]
public sealed class NewMarathonAppCommand : MarathonCmdlet
{
    private const string ByPath = "Path";
    private const string ByDefinition = "Definition";

    /// <summary>JSON app spec files (wildcards allowed), e.g. examples/specs/app.json.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByPath, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ValidateRegularFile(Wildcards = true)]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>The app definition as a hashtable (the same shape as the JSON), converted to JSON.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByDefinition)]
    [ValidateNotNull]
    public IDictionary? Definition { get; set; }

    /// <summary>Waits until the app's deployment has finished, then returns the app as it runs.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>How long -Wait waits (seconds).</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSeconds { get; set; } = 300;

    protected override void ProcessRecordCore()
    {
        foreach (var (source, definition) in Definitions())
        {
            var id = definition.Id;
            if (!ShouldChange(id is null ? $"Marathon app from {source}" : DescribeApp(id), "Create"))
            {
                continue;
            }

            var json = definition.Json;
            var created = Run(async (reporter, ct) =>
            {
                var client = await ConnectMarathonAsync(reporter, ct).ConfigureAwait(false);
                var app = await client.CreateAppAsync(json, reporter, ct).ConfigureAwait(false);
                reporter.Verbose($"Created Marathon app {app.Id} ({app.Instances} instance(s)).");
                return Wait ? await WaitAndReadAsync(client, app.Id, null, TimeoutSeconds, reporter, ct).ConfigureAwait(false) : app;
            });
            WriteOutput(created);
        }
    }

    /// <summary>The definitions to create, each parsed and checked here (a bad file costs no remote call).</summary>
    private IEnumerable<(string Source, MarathonAppDefinition Definition)> Definitions()
    {
        if (ParameterSetName == ByDefinition)
        {
            MarathonAppDefinition converted;
            try
            {
                converted = MarathonAppDefinition.FromValues(MarathonDefinitionConverter.ToValues(Definition!));
            }
            catch (ArgumentException ex)
            {
                throw new ShowcaseException(MarathonErrors.AppInvalid, ShowcaseErrorCategory.InvalidArgument, Definition, "The -Definition cannot be turned into JSON: " + ex.Message) { Terminating = true };
            }

            yield return ("-Definition", converted);
            yield break;
        }

        foreach (var pattern in Path)
        {
            foreach (var file in Resolve(pattern))
            {
                var definition = ReadSpec(file);
                if (definition is not null)
                {
                    yield return (file, definition);
                }
            }
        }
    }

    private List<string> Resolve(string pattern)
    {
        try
        {
            var resolved = SessionState.Path.GetResolvedProviderPathFromPSPath(pattern, out var provider);
            if (provider.Name != "FileSystem")
            {
                WriteShowcaseError(new ShowcaseException(MarathonErrors.AppSpecNotFound, ShowcaseErrorCategory.InvalidArgument, pattern, $"'{pattern}' is not a file system path."));
                return new List<string>();
            }

            return new List<string>(resolved);
        }
        catch (Exception ex) when (ex is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException)
        {
            WriteShowcaseError(new ShowcaseException(MarathonErrors.AppSpecNotFound, ShowcaseErrorCategory.ObjectNotFound, pattern, $"The app spec file '{pattern}' does not exist.")
            {
                RecommendedAction = "Check the path; examples/specs/app.json is an example spec.",
            });
            return new List<string>();
        }
    }

    /// <summary>Reads and parses one spec file; writes an error naming the file and the place of the problem, and returns null, when it is not a JSON object.</summary>
    private MarathonAppDefinition? ReadSpec(string file)
    {
        string text;
        try
        {
            text = RegularFile.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteShowcaseError(new ShowcaseException(MarathonErrors.AppSpecNotFound, ShowcaseErrorCategory.ObjectNotFound, file, $"Cannot read the app spec file '{file}': {ex.Message}"));
            return null;
        }

        try
        {
            return MarathonAppDefinition.Parse(text, file);
        }
        catch (ShowcaseException ex)
        {
            WriteShowcaseError(ex);
            return null;
        }
    }
}
