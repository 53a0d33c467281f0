using System;
using System.IO;
using System.Text.RegularExpressions;
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
    public void EveryImportOfTheRuntimeIsDeclaredInTheHeaderAndDefinedByBothBackends()
    {
        // The C names the compiler binds [Import]s to must exist in C: declared in ovpn_rt.h and defined by the
        // hosted and the kernel backend (a renamed C function or a typo in a CName fails here, not at link time).
        var root = RepoRoot();
        string header = File.ReadAllText(Path.Combine(root, "runtime-kernel", "include", "ovpn_rt.h"));
        string hosted = File.ReadAllText(Path.Combine(root, "runtime-kernel", "hosted", "ovpn_rt_hosted.c"));
        string kernel = File.ReadAllText(Path.Combine(root, "runtime-kernel", "km", "ovpn_rt_km.c"));
        var imports = Runtime.GetTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            .Select(m => m.GetCustomAttribute<ImportAttribute>()?.CName).OfType<string>().ToArray();
        Assert.That(imports, Is.Not.Empty);
        foreach (var name in imports)
        {
            var declaration = new Regex($@"\b{Regex.Escape(name)}\s*\([^)]*\)\s*;");
            var definition = new Regex($@"\b{Regex.Escape(name)}\s*\([^)]*\)\s*\{{");
            Assert.That(declaration.IsMatch(header), Is.True, $"{name} is declared in ovpn_rt.h");
            Assert.That(definition.IsMatch(hosted), Is.True, $"{name} is defined in hosted/ovpn_rt_hosted.c");
            Assert.That(definition.IsMatch(kernel), Is.True, $"{name} is defined in km/ovpn_rt_km.c");
        }
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OvpnDco.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException("OvpnDco.sln not found above " + AppContext.BaseDirectory);
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
