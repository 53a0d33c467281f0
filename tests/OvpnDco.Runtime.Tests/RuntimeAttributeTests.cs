using System;
using System.Linq;
using System.Reflection;
using OvpnDco.Runtime;

namespace OvpnDco.Runtime.Tests;

/// <summary>The attribute library exposes exactly what DESIGN.md and the compiler rely on.</summary>
public class RuntimeAttributeTests
{
    private static readonly Assembly Runtime = typeof(ExportAttribute).Assembly;

    [TestCase("OvpnDco.Runtime.ExportAttribute", AttributeTargets.Method)]
    [TestCase("OvpnDco.Runtime.ImportAttribute", AttributeTargets.Method)]
    [TestCase("OvpnDco.Runtime.PlugAttribute", AttributeTargets.Method)]
    [TestCase("OvpnDco.Runtime.KernelCodeAttribute", AttributeTargets.Assembly | AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Method)]
    public void AttributeExistsWithUsage(string name, AttributeTargets targets)
    {
        var type = Runtime.GetType(name);
        Assert.That(type, Is.Not.Null, $"{name} is missing from OvpnDco.Runtime");
        Assert.That(type!.IsSubclassOf(typeof(Attribute)), Is.True);
        Assert.That(type.IsSealed, Is.True, "attributes are sealed so the compiler can match them by name");
        var usage = type.GetCustomAttribute<AttributeUsageAttribute>();
        Assert.That(usage, Is.Not.Null);
        Assert.That(usage!.ValidOn, Is.EqualTo(targets));
        Assert.That(usage.AllowMultiple, Is.False);
    }

    [Test]
    public void ExportAndImportKeepTheCNameVerbatim()
    {
        Assert.That(new ExportAttribute("ovpn_dco_rx").CName, Is.EqualTo("ovpn_dco_rx"));
        Assert.That(new ImportAttribute("ovpn_rt_failfast").CName, Is.EqualTo("ovpn_rt_failfast"));
        var plug = new PlugAttribute(typeof(Span<>), "get_Length") { CFunction = "ovpn_span_len" };
        Assert.That(plug.Target, Is.EqualTo(typeof(Span<>)));
        Assert.That(plug.Method, Is.EqualTo("get_Length"));
        Assert.That(plug.CFunction, Is.EqualTo("ovpn_span_len"));
    }

    [Test]
    public void FailFastIsBoundToTheCRuntimeHook()
    {
        var failFast = typeof(KernelRuntime).GetMethod(nameof(KernelRuntime.FailFast));
        Assert.That(failFast!.GetCustomAttribute<ImportAttribute>()!.CName, Is.EqualTo("ovpn_rt_failfast"));
    }

    [Test]
    public void RuntimeAssemblyHasNoDependencyBeyondTheBcl()
    {
        var references = Runtime.GetReferencedAssemblies().Select(a => a.Name).ToArray();
        Assert.That(references, Is.All.StartsWith("System").Or.EqualTo("netstandard"));
    }
}
