using ShowcaseOps.Cmdlets;
using ShowcaseOps.Core.Services;

namespace ShowcaseOps.Commands.Services;

/// <summary>A service name: a DNS label (lower-case letters, digits, '-'; 1 to 63; no '-' at either end).</summary>
public sealed class ValidateServiceNameAttribute : ShowcaseValidationAttribute
{
    protected override string Rule => "a service name is a DNS label: lower-case letters, digits and '-', 1 to 63 characters, not starting or ending with '-'.";

    protected override bool IsValid(string text) => RegistrationInput.IsServiceName(text);
}

/// <summary>An instance id: ASCII letters, digits, '.', '_', '-' (1 to 128).</summary>
public sealed class ValidateInstanceIdAttribute : ShowcaseValidationAttribute
{
    protected override string Rule => "an instance id has 1 to 128 ASCII letters, digits, '.', '_' or '-' (not only dots).";

    protected override bool IsValid(string text) => RegistrationInput.IsInstanceId(text);
}

/// <summary>An IPv4 address or a DNS host name.</summary>
public sealed class ValidateHostAddressAttribute : ShowcaseValidationAttribute
{
    protected override string Rule => "an address is an IPv4 address (10.0.12.223) or a host name (ip-10-0-12-223.ec2.internal).";

    protected override bool IsValid(string text) => RegistrationInput.IsHostAddress(text);

    /// <summary>Register-ShowcaseInstance reports a missing address itself (ShowcaseInstanceEndpointMissing), after -Serving.</summary>
    protected override bool AllowsNoValue => true;
}

/// <summary>An IPv4 CIDR block with its network address, or a single IPv4 address.</summary>
public sealed class ValidateCidrAttribute : ShowcaseValidationAttribute
{
    protected override string Rule => "give an IPv4 CIDR block with its network address (203.0.113.0/24) or an IPv4 address.";

    protected override bool IsValid(string text) => RegistrationInput.IsCidr(text);
}

/// <summary>A health check path: '/' then letters, digits and - . _ ~ / (up to 200 characters); none given is a TCP check.</summary>
public sealed class ValidateHealthCheckPathAttribute : ShowcaseValidationAttribute
{
    protected override string Rule => "a health check path starts with '/' and has only letters, digits and - . _ ~ / (up to 200 characters), with no '.' or '..' segment.";

    protected override bool IsValid(string text) =>
        Core.Platform.PlatformInstanceSpec.IsCheckPath(text) && !System.Array.Exists(text.Split('/'), segment => segment is "." or "..");

    /// <summary>No path (a MarathonTask of an app whose health check is TCP, or that has none): a TCP check.</summary>
    protected override bool AllowsNoValue => true;
}

/// <summary>A TCP port (1 to 65535), or no value (a MarathonTask of an app without a health check port).</summary>
public sealed class ValidateOptionalPortAttribute : ShowcaseValidationAttribute
{
    protected override string Rule => "a port is a number from 1 to 65535.";

    protected override bool IsValid(string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535;

    protected override bool AllowsNoValue => true;
}
