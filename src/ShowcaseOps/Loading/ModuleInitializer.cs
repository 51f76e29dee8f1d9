using System.Management.Automation;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Threading;

namespace ShowcaseOps.Loading;

/// <summary>
/// Hooks <see cref="EngineLoadContext"/> into the default context. PowerShell reads this assembly's public types (some
/// hold engine enums) before it calls <see cref="OnImport"/>, so the hook is also installed by the assembly's module
/// initializer, which the runtime runs before anything in this assembly is used.
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

#pragma warning disable CA2255 // A module initializer in a library: this is exactly the load-context bridge it exists for.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Hook()
    {
        if (Interlocked.Exchange(ref _hooked, 1) == 0)
        {
            AssemblyLoadContext.Default.Resolving += EngineLoadContext.ResolveFromDefault;
        }
    }
}
