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

    // The engine loads on first use (no type literal can name its types, so nothing gains from loading it earlier).
    public void OnImport() => Hook();

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
