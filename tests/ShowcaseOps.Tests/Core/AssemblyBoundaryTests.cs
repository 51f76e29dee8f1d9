using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Xunit;

namespace ShowcaseOps.Tests.Core;

/// <summary>The layering the load-context boundary relies on (docs/architecture.md), checked on the built assemblies.</summary>
public class AssemblyBoundaryTests
{
    private static readonly Assembly Cmdlets = typeof(ShowcaseOps.Cmdlets.ShowcaseCmdlet).Assembly;
    private static readonly Assembly Engine = typeof(ShowcaseOps.Core.ShowcaseException).Assembly;

    [Fact]
    public void The_cmdlet_assembly_references_no_AWS_SDK_and_no_Newtonsoft()
    {
        var references = Cmdlets.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.DoesNotContain(references, n => n.StartsWith("AWSSDK", StringComparison.Ordinal) || n.StartsWith("Newtonsoft", StringComparison.Ordinal));
        Assert.Contains("ShowcaseOps.Engine", references);
    }

    [Fact]
    public void The_engine_references_no_PowerShell()
    {
        var references = Engine.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.DoesNotContain(references, n => n.StartsWith("System.Management.Automation", StringComparison.Ordinal) || n == "ShowcaseOps");
    }

    [Fact]
    public void Output_types_live_in_the_cmdlet_assembly_and_expose_only_their_own_or_framework_types()
    {
        // Known, documented exceptions: the sandbox handle tests drive, and two engine enums kept boxed (see ModuleInitializer).
        var allowed = new HashSet<string> { "ShowcaseSandbox.Host", "ShowcaseSyncChange.Action", "ShowcaseSyncCycle.Trigger" };
        var outputTypes = Cmdlets.GetExportedTypes().Where(t => t.Namespace == "ShowcaseOps.Model").ToArray();
        Assert.NotEmpty(outputTypes);
        Assert.DoesNotContain(Engine.GetExportedTypes(), t => t.Namespace == "ShowcaseOps.Model");
        foreach (var type in outputTypes.Where(t => !t.IsEnum))
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (allowed.Contains(type.Name + "." + property.Name))
                {
                    continue;
                }

                foreach (var used in new[] { property.PropertyType }.Concat(property.PropertyType.GetGenericArguments()))
                {
                    var underlying = Nullable.GetUnderlyingType(used) ?? used;
                    Assert.True(
                        underlying.Assembly == Cmdlets || (underlying.Namespace ?? string.Empty).StartsWith("System", StringComparison.Ordinal),
                        $"{type.Name}.{property.Name} exposes {underlying.FullName} from {underlying.Assembly.GetName().Name}");
                }
            }
        }
    }
}
