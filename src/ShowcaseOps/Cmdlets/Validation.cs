using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Text.RegularExpressions;

namespace ShowcaseOps.Cmdlets;

/// <summary>
/// The patterns of the parameter checks. Every one is anchored with <c>\A…\z</c> (never <c>^…$</c>: .NET's <c>$</c>
/// matches before a final newline), is matched case-sensitively and culture-invariantly, and bounds its length;
/// pester/Validation.Tests.ps1 checks each against trailing newlines, CR/LF, control characters and oversized input.
/// </summary>
public static class ShowcaseInputPatterns
{
    /// <summary>A cluster name: a DNS label of 1 to 32 lower-case characters (the showcase:cluster tag).</summary>
    public const string ClusterName = @"\A[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?\z";

    /// <summary>A cluster name or a wildcard pattern of one (Get-ShowcaseCluster).</summary>
    public const string ClusterNamePattern = @"\A[a-zA-Z0-9*?\[\]-]{1,64}\z";

    /// <summary>An IAM instance profile name (IAM's own alphabet, 1 to 128).</summary>
    public const string InstanceProfileName = @"\A[A-Za-z0-9+=,.@_-]{1,128}\z";

    /// <summary>An EC2 instance type such as t3.medium or m7i-flex.large.</summary>
    public const string InstanceType = @"\A[a-z][a-z0-9-]{0,31}\.[a-z0-9]{1,31}\z";

    /// <summary>An AMI id.</summary>
    public const string ImageId = @"\Aami-[0-9a-f]{8,17}\z";

    /// <summary>An EC2 instance id (8 or 17 hex digits).</summary>
    public const string Ec2InstanceId = @"\Ai-[0-9a-f]{8}([0-9a-f]{9})?\z";

    /// <summary>An IPv4 CIDR block as written (the network address and prefix are checked by the cluster spec).</summary>
    public const string Ipv4Cidr = @"\A\d{1,3}(\.\d{1,3}){3}/\d{1,2}\z";

    /// <summary>An availability zone such as eu-west-1a.</summary>
    public const string AvailabilityZone = @"\A(?=.{1,32}\z)[a-z]{2}(-[a-z]+)+-\d{1,2}[a-z]\z";

    /// <summary>A DNS domain of lower-case labels (at most 253 characters).</summary>
    public const string Domain = @"\A(?=.{1,253}\z)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\z";

    /// <summary>An EC2 key pair name: printable ASCII, 1 to 255 (what EC2 accepts).</summary>
    public const string KeyName = @"\A[ -~]{1,255}\z";

    /// <summary>A Marathon deployment id (a UUID).</summary>
    public const string DeploymentId = @"\A[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\z";

    /// <summary>A Mesos task state, with or without the TASK_ prefix, any case.</summary>
    public const string TaskState = @"\A(?i:(TASK_)?[A-Z_]{1,32})\z";

    /// <summary>Matches <paramref name="text"/> against one of the patterns above (case-sensitive, culture-invariant, bounded time).</summary>
    public static bool IsMatch(string text, string pattern) =>
        Regex.IsMatch(text, pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
}

/// <summary>
/// Marathon's own rule for app ids (its PathId validation): an optional leading '/', then path segments separated by
/// '/', each segment made of dot-separated labels of lower-case letters, digits and '-' (a label neither starts nor ends
/// with '-'); the last segment is not one of Marathon's reserved words. Unlike Marathon, ShowcaseOps takes absolute ids
/// only, so the relative segments '.' and '..' are refused (they would turn <c>/v2/apps/{id}</c> into another API),
/// as are empty segments and a trailing '/'; and it caps an id at 255 characters.
/// </summary>
public static class MarathonAppIdRule
{
    /// <summary>ShowcaseOps' cap on the length of an id or id pattern.</summary>
    public const int MaxLength = 255;

    private static readonly string[] Reserved = { "restart", "tasks", "versions" };

    /// <summary>True for an app id Marathon accepts (with or without the leading '/').</summary>
    public static bool IsAppId(string? id)
    {
        if (string.IsNullOrEmpty(id) || id!.Length > MaxLength)
        {
            return false;
        }

        var segments = (id[0] == '/' ? id.Substring(1) : id).Split('/');
        return segments.All(s => s.Split('.').All(IsLabel)) && !Reserved.Contains(segments[segments.Length - 1]);
    }

    /// <summary>True for an app id, or a wildcard pattern of app ids (<c>web*</c>, <c>/shop/*</c>) that PowerShell can parse.</summary>
    public static bool IsAppIdPattern(string? pattern)
    {
        if (pattern is null || !WildcardPattern.ContainsWildcardCharacters(pattern))
        {
            return IsAppId(pattern);
        }

        if (pattern.Length > MaxLength || pattern.Any(c => !IsPatternChar(c)))
        {
            return false;
        }

        var segments = (pattern[0] == '/' ? pattern.Substring(1) : pattern).Split('/');
        return segments.All(s => s.Length > 0 && s != "." && s != "..") && WildcardSyntax.IsValid(pattern);
    }

    private static bool IsLabel(string label) =>
        label.Length > 0 && label[0] != '-' && label[label.Length - 1] != '-' && label.All(c => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');

    private static bool IsPatternChar(char c) =>
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c is '-' or '.' or '/' or '*' or '?' or '[' or ']';
}

/// <summary>Whether PowerShell can parse a wildcard pattern (an unclosed '[' cannot).</summary>
public static class WildcardSyntax
{
    public static bool IsValid(string pattern)
    {
        try
        {
            // WildcardPattern parses lazily, on the first match.
            _ = new WildcardPattern(pattern, WildcardOptions.IgnoreCase).IsMatch(string.Empty);
            return true;
        }
        catch (WildcardPatternException)
        {
            return false;
        }
    }
}

/// <summary>
/// Base of ShowcaseOps' parameter checks: every value, or every element of an array, must be text that passes
/// <see cref="IsValid"/>; the error quotes the value with control characters made visible, shortened if long.
/// </summary>
public abstract class ShowcaseValidationAttribute : ValidateArgumentsAttribute
{
    /// <summary>What a valid value is, in words (ends the error message).</summary>
    protected abstract string Rule { get; }

    protected abstract bool IsValid(string text);

    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        arguments = arguments is PSObject wrapped ? wrapped.BaseObject : arguments;
        if (arguments is IEnumerable many and not string)
        {
            foreach (var item in many)
            {
                Check(item is PSObject p ? p.BaseObject : item);
            }

            return;
        }

        Check(arguments);
    }

    /// <summary>The value as the error message shows it: control characters escaped, at most 80 characters.</summary>
    internal static string Printable(string text)
    {
        var shown = new StringBuilder();
        foreach (var c in text.Length > 80 ? text.Substring(0, 80) : text)
        {
            shown.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return text.Length > 80 ? shown.Append("… (").Append(text.Length.ToString(CultureInfo.InvariantCulture)).Append(" characters)").ToString() : shown.ToString();
    }

    /// <summary>
    /// True for a check on an optional parameter whose "no value" (null or empty, e.g. a MarathonTask without an address)
    /// the cmdlet handles itself; false (the default) refuses it here.
    /// </summary>
    protected virtual bool AllowsNoValue => false;

    private void Check(object? value)
    {
        if (AllowsNoValue && (value is null || (value is string { Length: 0 })))
        {
            return;
        }

        var text = value as string ?? value?.ToString();
        if (text is null || !IsValid(text))
        {
            throw new ValidationMetadataException($"'{Printable(text ?? string.Empty)}' is not valid: {Rule}");
        }
    }
}

/// <summary>
/// Refuses control characters. Put it next to [ValidateSet]: that check compares culture-aware, which ignores NUL and
/// other zero-weight characters, so <c>"gat`0eway"</c> would pass as <c>gateway</c>.
/// </summary>
public sealed class ValidateNoControlCharacterAttribute : ShowcaseValidationAttribute
{
    protected override string Rule => "the value cannot hold control characters (CR, LF, NUL, ESC, …).";

    protected override bool IsValid(string text) => !text.Any(char.IsControl);
}

/// <summary>A check by one of <see cref="ShowcaseInputPatterns"/>.</summary>
public abstract class ShowcasePatternValidationAttribute : ShowcaseValidationAttribute
{
    private readonly string _pattern;

    protected ShowcasePatternValidationAttribute(string pattern) => _pattern = pattern;

    protected override bool IsValid(string text) => ShowcaseInputPatterns.IsMatch(text, _pattern);
}

/// <summary>A cluster name.</summary>
public sealed class ValidateClusterNameAttribute : ShowcasePatternValidationAttribute
{
    public ValidateClusterNameAttribute() : base(ShowcaseInputPatterns.ClusterName)
    {
    }

    protected override string Rule => "a cluster name is a DNS label of 1 to 32 lower-case letters, digits and '-', not starting or ending with '-'.";
}

/// <summary>
/// -Cluster of the platform cmdlets: a name is checked exactly as New-ShowcaseCluster -Name checks it; a ShowcaseCluster
/// object passes (it was read from AWS, and must stay usable whatever its name), and so do null and "(no cluster)", what
/// outputs of the HTTP channel used without a cluster carry in their Cluster property (bound by property name: the default).
/// </summary>
public sealed class ValidateClusterReferenceAttribute : ShowcasePatternValidationAttribute
{
    public ValidateClusterReferenceAttribute() : base(ShowcaseInputPatterns.ClusterName)
    {
    }

    protected override string Rule => "a cluster name is a DNS label of 1 to 32 lower-case letters, digits and '-', not starting or ending with '-'.";

    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var value = arguments is PSObject wrapped ? wrapped.BaseObject : arguments;
        if (value is null or Model.ShowcaseClusterReference { Cluster: not null } or Model.ShowcaseClusterReference { Name: Core.Platform.PlatformConnection.NoClusterName })
        {
            return;
        }

        base.Validate(arguments, engineIntrinsics);
    }
}

/// <summary>A cluster name or a wildcard pattern of cluster names.</summary>
public sealed class ValidateClusterNamePatternAttribute : ShowcasePatternValidationAttribute
{
    public ValidateClusterNamePatternAttribute() : base(ShowcaseInputPatterns.ClusterNamePattern)
    {
    }

    protected override string Rule => "give a cluster name or a wildcard pattern of one (letters, digits, '-', '*', '?', '[…]'; at most 64 characters).";

    protected override bool IsValid(string text) => base.IsValid(text) && WildcardSyntax.IsValid(text);
}

/// <summary>An IAM instance profile name.</summary>
public sealed class ValidateInstanceProfileNameAttribute : ShowcasePatternValidationAttribute
{
    public ValidateInstanceProfileNameAttribute() : base(ShowcaseInputPatterns.InstanceProfileName)
    {
    }

    protected override string Rule => "an instance profile name has 1 to 128 letters, digits or + = , . @ _ -.";
}

/// <summary>An EC2 instance type.</summary>
public sealed class ValidateInstanceTypeAttribute : ShowcasePatternValidationAttribute
{
    public ValidateInstanceTypeAttribute() : base(ShowcaseInputPatterns.InstanceType)
    {
    }

    protected override string Rule => "an instance type is a family and a size, such as t3.medium.";
}

/// <summary>An AMI id.</summary>
public sealed class ValidateImageIdAttribute : ShowcasePatternValidationAttribute
{
    public ValidateImageIdAttribute() : base(ShowcaseInputPatterns.ImageId)
    {
    }

    protected override string Rule => "an image id is ami- and 8 to 17 lower-case hex digits.";
}

/// <summary>An EC2 instance id.</summary>
public sealed class ValidateEc2InstanceIdAttribute : ShowcasePatternValidationAttribute
{
    public ValidateEc2InstanceIdAttribute() : base(ShowcaseInputPatterns.Ec2InstanceId)
    {
    }

    protected override string Rule => "an EC2 instance id is i- and 8 or 17 lower-case hex digits.";
}

/// <summary>An IPv4 CIDR block of the cluster's network.</summary>
public sealed class ValidateIpv4CidrAttribute : ShowcasePatternValidationAttribute
{
    public ValidateIpv4CidrAttribute() : base(ShowcaseInputPatterns.Ipv4Cidr)
    {
    }

    protected override string Rule => "give an IPv4 CIDR block such as 10.0.0.0/16.";
}

/// <summary>An availability zone.</summary>
public sealed class ValidateAvailabilityZoneAttribute : ShowcasePatternValidationAttribute
{
    public ValidateAvailabilityZoneAttribute() : base(ShowcaseInputPatterns.AvailabilityZone)
    {
    }

    protected override string Rule => "an availability zone is a region and a letter, such as eu-west-1a.";
}

/// <summary>A DNS domain.</summary>
public sealed class ValidateDomainAttribute : ShowcasePatternValidationAttribute
{
    public ValidateDomainAttribute() : base(ShowcaseInputPatterns.Domain)
    {
    }

    protected override string Rule => "a domain is dot-separated DNS labels of lower-case letters, digits and '-' (at most 253 characters).";
}

/// <summary>An EC2 key pair name.</summary>
public sealed class ValidateKeyNameAttribute : ShowcasePatternValidationAttribute
{
    public ValidateKeyNameAttribute() : base(ShowcaseInputPatterns.KeyName)
    {
    }

    protected override string Rule => "a key pair name has 1 to 255 printable ASCII characters.";
}

/// <summary>A Marathon deployment id.</summary>
public sealed class ValidateDeploymentIdAttribute : ShowcasePatternValidationAttribute
{
    public ValidateDeploymentIdAttribute() : base(ShowcaseInputPatterns.DeploymentId)
    {
    }

    protected override string Rule => "a deployment id is a UUID (as Set-MarathonApp returns it).";
}

/// <summary>A Mesos task state.</summary>
public sealed class ValidateTaskStateAttribute : ShowcasePatternValidationAttribute
{
    public ValidateTaskStateAttribute() : base(ShowcaseInputPatterns.TaskState)
    {
    }

    protected override string Rule => "a task state is a Mesos state such as Running or TASK_KILLING.";
}

/// <summary>A Marathon app id, by Marathon's own rule (<see cref="MarathonAppIdRule"/>); never a wildcard.</summary>
public sealed class ValidateMarathonAppIdAttribute : ShowcaseValidationAttribute
{
    protected override string Rule => "an app id is '/'-separated segments of lower-case letters, digits, '-' and '.' (web, /shop/api; no '.' or '..' segments, no wildcards).";

    protected override bool IsValid(string text) => MarathonAppIdRule.IsAppId(text);
}

/// <summary>A Marathon app id or a wildcard pattern of app ids.</summary>
public sealed class ValidateMarathonAppIdPatternAttribute : ShowcaseValidationAttribute
{
    protected override string Rule => "give an app id ('/'-separated segments of lower-case letters, digits, '-' and '.') or a wildcard pattern of one (web*, /shop/*); no '.' or '..' segments.";

    protected override bool IsValid(string text) => MarathonAppIdRule.IsAppIdPattern(text);
}

/// <summary>A service name (a DNS label) or a wildcard pattern of service names.</summary>
public sealed class ValidateServiceNamePatternAttribute : ShowcaseValidationAttribute
{
    protected override string Rule => "give a service name (a DNS label: letters, digits, '-') or a wildcard pattern of one (web*, api-?); at most 128 characters.";

    protected override bool IsValid(string text) =>
        text.Length is > 0 and <= 128
        && text.All(c => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c is '-' or '*' or '?' or '[' or ']')
        && WildcardSyntax.IsValid(text);
}

/// <summary>An instance id of a registration or a wildcard pattern of them.</summary>
public sealed class ValidateInstanceIdPatternAttribute : ShowcaseValidationAttribute
{
    protected override string Rule => "give an instance id (ASCII letters, digits, '.', '_', '-') or a wildcard pattern of one; at most 128 characters.";

    protected override bool IsValid(string text) =>
        text.Length is > 0 and <= 128
        && text.All(c => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c is '.' or '_' or '-' or '*' or '?' or '[' or ']')
        && WildcardSyntax.IsValid(text);
}

/// <summary>
/// A path to a regular file of at most <see cref="MaxBytes"/> bytes (default 1 MiB), checked without opening it: a
/// directory, a FIFO, a device (/dev/zero) or anything else that is not a regular file with content is refused, so
/// reading it can neither hang nor exhaust memory. A path that does not exist passes: the cmdlet reports it with its
/// own error id. With <see cref="Wildcards"/>, every file the pattern resolves to is checked.
/// </summary>
public sealed class ValidateRegularFileAttribute : ValidateArgumentsAttribute
{
    /// <summary>The default size cap: 1 MiB.</summary>
    public const long DefaultMaxBytes = 1024 * 1024;

    public long MaxBytes { get; set; } = DefaultMaxBytes;

    public bool Wildcards { get; set; }

    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        arguments = arguments is PSObject wrapped ? wrapped.BaseObject : arguments;
        var paths = arguments is IEnumerable many and not string ? many.Cast<object?>().Select(o => (o is PSObject p ? p.BaseObject : o)?.ToString()) : new[] { arguments?.ToString() };
        foreach (var path in paths)
        {
            foreach (var file in Resolve(path ?? string.Empty, engineIntrinsics.SessionState))
            {
                if (RegularFile.Problem(file, MaxBytes) is { } problem)
                {
                    throw new ValidationMetadataException($"'{ShowcaseValidationAttribute.Printable(file)}' {problem}");
                }
            }
        }
    }

    private IEnumerable<string> Resolve(string path, SessionState sessionState)
    {
        if (path.Any(char.IsControl))
        {
            throw new ValidationMetadataException($"'{ShowcaseValidationAttribute.Printable(path)}' has a control character; a file path cannot hold CR, LF or other control characters.");
        }

        try
        {
            if (!Wildcards)
            {
                return new[] { sessionState.Path.GetUnresolvedProviderPathFromPSPath(path) };
            }

            var resolved = sessionState.Path.GetResolvedProviderPathFromPSPath(path, out var provider);
            return provider.Name == "FileSystem" ? resolved : Array.Empty<string>();
        }
        catch (Exception ex) when (ex is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException)
        {
            return Array.Empty<string>();
        }
    }
}

/// <summary>Checks and reads regular files with a size cap (for spec and key files).</summary>
public static class RegularFile
{
    /// <summary>Why <paramref name="path"/> is not a regular file of 1 to <paramref name="maxBytes"/> bytes, or null when it is (or does not exist).</summary>
    public static string? Problem(string path, long maxBytes)
    {
        if (Directory.Exists(path))
        {
            return "is a directory, not a file.";
        }

        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return null;
        }

        // FileInfo describes a symbolic link itself: judge what it points to.
        if (info.LinkTarget is not null)
        {
            if (info.ResolveLinkTarget(returnFinalTarget: true) is not FileInfo { Exists: true } target)
            {
                return "is a symbolic link to something that is not a file.";
            }

            info = target;
        }

        // FIFOs, sockets, devices (/dev/zero) and /proc files report size 0.
        if (info.Length == 0)
        {
            return "is empty or not a regular file (a FIFO, a device such as /dev/zero, a /proc file): give a regular file.";
        }

        return info.Length > maxBytes
            ? $"is {info.Length.ToString(CultureInfo.InvariantCulture)} bytes; at most {maxBytes.ToString(CultureInfo.InvariantCulture)} are read."
            : null;
    }

    /// <summary>Reads a regular file as text (UTF-8 unless it has a BOM), refusing anything but a seekable file within the cap.</summary>
    public static string ReadAllText(string path, long maxBytes = ValidateRegularFileAttribute.DefaultMaxBytes)
    {
        if (Problem(path, maxBytes) is { } problem)
        {
            throw new IOException($"'{path}' {problem}");
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.SequentialScan);
        if (!stream.CanSeek)
        {
            throw new IOException($"'{path}' is not a regular file.");
        }

        var buffer = new byte[Math.Min(stream.Length, maxBytes) + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = stream.Read(buffer, read, buffer.Length - read)) > 0)
        {
            read += n;
        }

        if (read > maxBytes)
        {
            throw new IOException($"'{path}' is larger than {maxBytes.ToString(CultureInfo.InvariantCulture)} bytes.");
        }

        using var reader = new StreamReader(new MemoryStream(buffer, 0, read), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }
}
