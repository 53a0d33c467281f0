using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace OvpnDco.Analyzers.Tests;

/// <summary>
/// Rejection without crashes: every analyzer over large mixed samples, over broken code and over every prefix of
/// a sample (what an editor sees while typing). An analyzer exception would surface as AD0001 and through the
/// exception callback; both must stay empty.
/// </summary>
public class RobustnessTests
{
    [Test]
    public async Task TheMixedSampleAsKernelCodeYieldsEveryRuleAndNoCrash()
    {
        var result = await Analysis.RunAsync("[assembly: OvpnDco.Runtime.KernelCode]", Samples.Violations);
        result.AssertNoCrash("mixed sample");
        Assert.That(result.CompilerErrors.Select(d => d.ToString()), Is.Empty, "the sample must compile");
        var ids = result.Ids.Distinct().OrderBy(id => id, StringComparer.Ordinal).ToArray();
        var all = Enumerable.Range(1, 14).Select(n => $"OVD{n:0000}").ToArray();
        Assert.That(ids, Is.EqualTo(all));
    }

    [Test]
    public async Task TheMixedSampleWithoutKernelCodeYieldsNothing()
    {
        var result = await Analysis.RunAsync(Samples.Violations);
        result.AssertNoCrash("mixed sample");
        Assert.That(result.Diagnostics, Is.Empty);
    }

    [Test]
    public async Task BrokenCodeDoesNotCrashTheAnalyzers()
    {
        var result = await Analysis.RunAsync(Samples.Broken);
        result.AssertNoCrash("broken sample");
        Assert.That(result.CompilerErrors, Is.Not.Empty);
        Assert.That(result.Ids, Does.Contain("OVD0004"), "rules still report what they can bind");
    }

    [Test]
    public async Task EveryPrefixOfTheMixedSampleIsAnalyzedWithoutCrashing()
    {
        var source = Samples.Violations.Replace("namespace Mixed", "[assembly: OvpnDco.Runtime.KernelCode]\nnamespace Mixed");
        for (var length = 0; length <= source.Length; length += 97)
        {
            var result = await Analysis.RunAsync(source.Substring(0, length));
            result.AssertNoCrash($"prefix of {length} characters");
        }
    }

    [Test]
    public async Task ACompilationWithoutTheAttributeTypeRegistersNothing()
    {
        var tree = CSharpSyntaxTree.ParseText("static class C { static double D() => 1.5; }");
        var compilation = CSharpCompilation.Create("NoAttribute", new[] { tree }, TestReferences.Framework,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var diagnostics = await compilation.WithAnalyzers(KernelAnalyzerTest.AllAnalyzers).GetAnalyzerDiagnosticsAsync();
        Assert.That(diagnostics, Is.Empty);
    }
}
