using System;
using ShowcaseOps.Core.Session;
using ShowcaseOps.Sandbox;

namespace ShowcaseOps;

/// <summary>
/// The test seam (like PSResourceGet's InternalHooks) for Pester tests and benchmarks that must reach inside: engine
/// and sandbox types load in the module's own AssemblyLoadContext, which PowerShell's type-name resolution does not
/// see, so <c>[ShowcaseOps.Core.TestHooks]</c> cannot be written; this hands the types out instead:
/// <c>([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.TestHooks'))::ClusterOptions = …</c>.
/// Not part of the public contract.
/// </summary>
public static class InternalHooks
{
    /// <summary>A type of ShowcaseOps.Engine by its full name (namespaces <c>ShowcaseOps.Core.*</c>).</summary>
    public static Type EngineType(string fullName) =>
        typeof(ShowcaseSession).Assembly.GetType(fullName, throwOnError: true, ignoreCase: false)!;

    /// <summary>A type of ShowcaseOps.Sandbox by its full name (namespaces <c>ShowcaseOps.Sandbox.*</c>).</summary>
    public static Type SandboxType(string fullName) =>
        typeof(SandboxHost).Assembly.GetType(fullName, throwOnError: true, ignoreCase: false)!;
}
