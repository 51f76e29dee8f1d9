using System.Management.Automation;
using System.Runtime.Loader;
using System.Threading;

namespace ShowcaseOps.Loading;

/// <summary>
/// Hooks <see cref="EngineLoadContext"/> into the default context when the module is imported (PowerShell reads this
/// assembly's public types first, so none of them may need the engine to load: see docs/architecture.md).
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static int _hooked;

    public void OnImport()
    {
        Hook();
        // Loaded now (a few ms, no AWS SDK) so that type literals such as [ShowcaseOps.Model.MarathonTask] resolve
        // right after Import-Module, before any cmdlet has run.
        EngineLoadContext.Instance.LoadFromAssemblyName(new System.Reflection.AssemblyName("ShowcaseOps.Engine"));
    }

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        if (Interlocked.Exchange(ref _hooked, 0) == 1)
        {
            AssemblyLoadContext.Default.Resolving -= EngineLoadContext.ResolveFromDefault;
        }
    }

    internal static void Hook()
    {
        if (Interlocked.Exchange(ref _hooked, 1) == 0)
        {
            AssemblyLoadContext.Default.Resolving += EngineLoadContext.ResolveFromDefault;
        }
    }
}
