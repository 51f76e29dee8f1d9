using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ShowcaseOps.Core.Services;

namespace ShowcaseOps.Core.Marathon;

/// <summary>
/// The one rule for the service name and the port of a Marathon app, used by Get-MarathonApp/Get-MarathonTask's output,
/// the pipeline and Sync (docs/marathon.md):
/// <list type="bullet">
/// <item>name: the label <c>showcaseops.name</c>, else the last segment of the app id (<c>/shop/web</c> → <c>web</c>);
/// it must be a DNS label, otherwise the app is refused (<see cref="ShowcaseErrors.MarathonServiceNameInvalid"/>);</item>
/// <item>port: by index from 0 or by name (<c>-PortIndex</c>/<c>-PortName</c>, else the label <c>showcaseops.port</c>
/// holding an index or a port name, else index 0), like Traefik's <c>portIndex</c>/<c>portName</c>.</item>
/// </list>
/// </summary>
public static class MarathonNamingRule
{
    public const string NameLabel = "showcaseops.name";

    public const string PortLabel = "showcaseops.port";

    /// <summary>The service name the rule gives (not validated: see <see cref="NameProblem"/>).</summary>
    public static string ServiceName(string appId, IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is not null && labels.TryGetValue(NameLabel, out var given) && !string.IsNullOrWhiteSpace(given))
        {
            return given.Trim();
        }

        var id = (appId ?? string.Empty).TrimEnd('/');
        var slash = id.LastIndexOf('/');
        return slash < 0 ? id : id.Substring(slash + 1);
    }

    /// <summary>Null when the name is a DNS label; otherwise the reason the app is refused.</summary>
    public static string? NameProblem(string appId, string name) =>
        RegistrationInput.IsServiceName(name)
            ? null
            : $"App {appId}: its service name '{name}' (label {NameLabel}, else the last segment of the id) is not a DNS label (lower-case letters, digits and '-', 1 to 63 characters, not starting or ending with '-').";

    /// <summary>
    /// The index of the port to use: <paramref name="portIndex"/> or <paramref name="portName"/> when given, else the
    /// app's <c>showcaseops.port</c> label (a number is an index, anything else a port name), else 0.
    /// Null with a <paramref name="problem"/> when the choice names no port of the app.
    /// </summary>
    public static int? PortIndex(MarathonAppInfo app, int? portIndex, string? portName, out string? problem)
    {
        if (app is null)
        {
            throw new ArgumentNullException(nameof(app));
        }

        problem = null;
        var count = Math.Max(app.PortNames.Count, app.ServicePorts.Count);
        if (portIndex is null && portName is null && app.Labels.TryGetValue(PortLabel, out var label) && !string.IsNullOrWhiteSpace(label))
        {
            if (int.TryParse(label.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var fromLabel))
            {
                portIndex = fromLabel;
            }
            else
            {
                portName = label.Trim();
            }
        }

        if (portName is not null)
        {
            var index = app.PortNames.ToList().FindIndex(n => string.Equals(n, portName, StringComparison.Ordinal));
            if (index < 0)
            {
                problem = $"App {app.Id} has no port named '{portName}' (its ports: {(app.PortNames.Any(n => n.Length > 0) ? string.Join(", ", app.PortNames.Where(n => n.Length > 0)) : "none named")}).";
                return null;
            }

            return index;
        }

        var chosen = portIndex ?? 0;
        if (chosen < 0 || (chosen > 0 && chosen >= count))
        {
            problem = $"App {app.Id} has {count.ToString(CultureInfo.InvariantCulture)} port(s); index {chosen.ToString(CultureInfo.InvariantCulture)} is not one of them.";
            return null;
        }

        return chosen;
    }
}
