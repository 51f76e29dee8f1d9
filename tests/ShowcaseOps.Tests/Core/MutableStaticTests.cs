using System;
using System.Linq;
using System.Reflection;
using Xunit;

namespace ShowcaseOps.Tests.Core;

/// <summary>
/// Session state lives in each runspace's session state, test seams in one class (<c>ShowcaseOps.Core.TestHooks</c>):
/// every other static field of the three assemblies, including the hidden backing field of a static auto-property,
/// is readonly or a constant.
/// </summary>
public class MutableStaticTests
{
    // Each entry says why the field may change after start-up.
    private static readonly string[] Allowed =
    {
        "ShowcaseOps.Loading.ModuleInitializer._hooked",      // once-per-process guard of the load-context hook (Interlocked)
        "ShowcaseOps.Loading.EngineLoadContext._instance",    // the one load context of the process, created on first use
        "ShowcaseOps.Core.Execution.Retry._random",           // [ThreadStatic] jitter source, no state shared across threads
        "ShowcaseOps.Core.Aws.AwsRuntimeDependencies._registered", // once-per-process guard of the SDK's runtime registry (Interlocked)
    };

    [Fact]
    public void Only_the_hooks_class_holds_mutable_statics()
    {
        var assemblies = new[]
        {
            typeof(ShowcaseOps.Cmdlets.ShowcaseCmdlet).Assembly,
            typeof(ShowcaseOps.Core.ShowcaseException).Assembly,
            typeof(ShowcaseOps.Sandbox.SandboxHost).Assembly,
        };
        var mutable = assemblies
            .SelectMany(a => a.GetTypes())
            .Where(t => t.FullName != "ShowcaseOps.Core.TestHooks" && !IsCompilerGenerated(t))
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Where(f => !f.IsInitOnly && !f.IsLiteral)
                .Select(f => t.FullName + "." + f.Name))
            .Where(name => !Allowed.Contains(name))
            .ToArray();

        Assert.True(mutable.Length == 0, "Mutable statics outside TestHooks: " + string.Join(", ", mutable));
    }

    // Lambda caches and the like (<>c, <>O): written once by the compiler's code, never state.
    private static bool IsCompilerGenerated(Type type) =>
        type.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute), false)
        || (type.DeclaringType is { } outer && IsCompilerGenerated(outer));

    [Fact]
    public void The_hooks_class_exists_and_has_only_settable_seams()
    {
        var hooks = typeof(ShowcaseOps.Core.ShowcaseException).Assembly.GetType("ShowcaseOps.Core.TestHooks", throwOnError: true)!;
        var settable = hooks.GetProperties(BindingFlags.Static | BindingFlags.Public).Where(p => p.CanWrite).Select(p => p.Name).ToArray();
        Assert.Contains("ClusterOptions", settable);
        Assert.Contains("BootstrapOptions", settable);
        Assert.Contains("MarathonPollInterval", settable);
    }
}
