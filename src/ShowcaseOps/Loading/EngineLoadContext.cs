using System;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace ShowcaseOps.Loading;

/// <summary>
/// The module's own AssemblyLoadContext: the engine, the sandbox and every dependency (AWSSDK.*, Newtonsoft.Json)
/// load here from the module's <c>dependencies/</c> folder, so another module's copy of the same assembly (AWS.Tools'
/// AWSSDK.Core) neither blocks ours nor is used by us. This is the pattern of Microsoft's "Resolving PowerShell module
/// assembly dependency conflicts": only this small cmdlet assembly lives in the default context.
/// </summary>
internal sealed class EngineLoadContext : AssemblyLoadContext
{
    private static readonly object Gate = new();
    private static EngineLoadContext? _instance;
    private readonly string _directory;

    private EngineLoadContext(string directory)
        : base("ShowcaseOps", isCollectible: false) => _directory = directory;

    /// <summary>The folder the engine and its dependencies load from.</summary>
    public static string DependencyDirectory =>
        Path.Combine(Path.GetDirectoryName(typeof(EngineLoadContext).Assembly.Location) ?? ".", "dependencies");

    /// <summary>One context per process: the engine's types must be the same in every runspace.</summary>
    public static EngineLoadContext Instance
    {
        get
        {
            lock (Gate)
            {
                return _instance ??= new EngineLoadContext(DependencyDirectory);
            }
        }
    }

    /// <summary>
    /// The default context's resolver for the two assemblies the cmdlets compile against: when the runtime looks for
    /// ShowcaseOps.Engine or ShowcaseOps.Sandbox (not in the default probing paths, by design), load them here.
    /// </summary>
    public static Assembly? ResolveFromDefault(AssemblyLoadContext context, AssemblyName name)
    {
        if (name.Name is not ("ShowcaseOps.Engine" or "ShowcaseOps.Sandbox"))
        {
            return null;
        }

        var path = Path.Combine(DependencyDirectory, name.Name + ".dll");
        return File.Exists(path) ? Instance.LoadFromAssemblyName(name) : null;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var path = Path.Combine(_directory, assemblyName.Name + ".dll");
        // Not ours (the framework, System.Management.Automation): the default context answers.
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
