using System;
using System.Linq;

namespace ShowcaseOps.Core.Platform;

/// <summary>Name rules shared by the plans (names become Vulcand ids, Kong names and Consul ids).</summary>
public static class PlatformNames
{
    /// <summary>True for names Kong, Vulcand and Consul all accept: letters, digits, <c>-</c>, <c>_</c>, <c>.</c>, <c>~</c>, not only dots.</summary>
    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && name!.Length <= 128 && name.Trim('.').Length > 0
        && name.All(c => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c is '-' or '_' or '.' or '~');

    internal static string Require(string name, string parameter) =>
        IsValid(name) ? name : throw new ArgumentException($"'{name}' is not a valid name: use letters, digits, '-', '_', '.' or '~' (at most 128).", parameter);

    internal static string RequireDomain(string domain, string parameter) =>
        !string.IsNullOrEmpty(domain) && domain.Split('.').All(label => label.Length > 0 && label.All(c => char.IsLetterOrDigit(c) || c == '-'))
            ? domain
            : throw new ArgumentException($"'{domain}' is not a DNS domain.", parameter);
}
