using System.Collections;
using System.Management.Automation;
using ShowcaseOps.Core.Services;

namespace ShowcaseOps.Commands.Services;

/// <summary>Base of the registration parameter checks: each value (or each element of an array) must pass.</summary>
public abstract class RegistrationValidationAttribute : ValidateArgumentsAttribute
{
    protected abstract bool IsValid(string text);

    protected abstract string Rule { get; }

    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        if (arguments is PSObject wrapped)
        {
            arguments = wrapped.BaseObject;
        }

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

    private void Check(object? value)
    {
        if (value is null)
        {
            // Whether a value is required is the parameter's Mandatory setting; a null given to an optional one is "not given".
            return;
        }

        var text = value as string;
        if (text is null || !IsValid(text))
        {
            throw new ValidationMetadataException($"'{value}' is not valid: {Rule}");
        }
    }
}

/// <summary>A service name: a DNS label (lower-case letters, digits, '-'; 1 to 63; no '-' at either end).</summary>
public sealed class ValidateServiceNameAttribute : RegistrationValidationAttribute
{
    protected override string Rule => "a service name is a DNS label: lower-case letters, digits and '-', 1 to 63 characters, not starting or ending with '-'.";

    protected override bool IsValid(string text) => RegistrationInput.IsServiceName(text);
}

/// <summary>An instance id: ASCII letters, digits, '.', '_', '-' (1 to 128).</summary>
public sealed class ValidateInstanceIdAttribute : RegistrationValidationAttribute
{
    protected override string Rule => "an instance id has 1 to 128 ASCII letters, digits, '.', '_' or '-' (not only dots).";

    protected override bool IsValid(string text) => RegistrationInput.IsInstanceId(text);
}

/// <summary>An IPv4 address or a DNS host name.</summary>
public sealed class ValidateHostAddressAttribute : RegistrationValidationAttribute
{
    protected override string Rule => "an address is an IPv4 address (10.0.12.223) or a host name (ip-10-0-12-223.ec2.internal).";

    protected override bool IsValid(string text) => RegistrationInput.IsHostAddress(text);
}

/// <summary>An IPv4 CIDR block with its network address, or a single IPv4 address.</summary>
public sealed class ValidateCidrAttribute : RegistrationValidationAttribute
{
    protected override string Rule => "give an IPv4 CIDR block with its network address (203.0.113.0/24) or an IPv4 address.";

    protected override bool IsValid(string text) => RegistrationInput.IsCidr(text);
}
