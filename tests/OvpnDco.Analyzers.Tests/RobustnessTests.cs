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
    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Preview);

    private static async Task<(ImmutableArray<Diagnostic> Diagnostics, List<Exception> Exceptions)> AnalyzeAsync(params string[] sources)
    {
        var trees = sources.Append(KernelAnalyzerTest.AttributeSource)
            .Select((s, i) => CSharpSyntaxTree.ParseText(s, Parse, path: $"Source{i}.cs"));
        var compilation = CSharpCompilation.Create("Sample", trees, TestReferences.Framework,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            (exception, _, _) => { lock (exceptions) exceptions.Add(exception); },
            concurrentAnalysis: true, logAnalyzerExecutionTime: false);
        var diagnostics = await compilation.WithAnalyzers(KernelAnalyzerTest.AllAnalyzers, options).GetAnalyzerDiagnosticsAsync();
        return (diagnostics, exceptions);
    }

    private static void AssertNoCrash(ImmutableArray<Diagnostic> diagnostics, List<Exception> exceptions, string what)
    {
        Assert.That(exceptions, Is.Empty, $"{what}: analyzer threw: {string.Join("\n", exceptions)}");
        Assert.That(diagnostics.Where(d => d.Id == "AD0001").Select(d => d.ToString()), Is.Empty, what);
    }

    [Test]
    public async Task TheMixedSampleAsKernelCodeYieldsEveryRuleAndNoCrash()
    {
        var (diagnostics, exceptions) = await AnalyzeAsync("[assembly: OvpnDco.Runtime.KernelCode]", Samples.Violations);
        AssertNoCrash(diagnostics, exceptions, "mixed sample");
        var ids = diagnostics.Select(d => d.Id).Distinct().OrderBy(id => id, StringComparer.Ordinal).ToArray();
        var all = Enumerable.Range(1, 14).Select(n => $"OVD{n:0000}").ToArray();
        Assert.That(ids, Is.EqualTo(all));
    }

    [Test]
    public async Task TheMixedSampleWithoutKernelCodeYieldsNothing()
    {
        var (diagnostics, exceptions) = await AnalyzeAsync(Samples.Violations);
        AssertNoCrash(diagnostics, exceptions, "mixed sample");
        Assert.That(diagnostics, Is.Empty);
    }

    [Test]
    public async Task BrokenCodeDoesNotCrashTheAnalyzers()
    {
        var (diagnostics, exceptions) = await AnalyzeAsync(Samples.Broken);
        AssertNoCrash(diagnostics, exceptions, "broken sample");
        Assert.That(diagnostics.Select(d => d.Id), Does.Contain("OVD0004"), "rules still report what they can bind");
    }

    [Test]
    public async Task EveryPrefixOfTheMixedSampleIsAnalyzedWithoutCrashing()
    {
        var source = Samples.Violations.Replace("namespace Mixed", "[assembly: OvpnDco.Runtime.KernelCode]\nnamespace Mixed");
        for (var length = 0; length <= source.Length; length += 97)
        {
            var (diagnostics, exceptions) = await AnalyzeAsync(source.Substring(0, length));
            AssertNoCrash(diagnostics, exceptions, $"prefix of {length} characters");
        }
    }

    [Test]
    public async Task ACompilationWithoutTheAttributeTypeRegistersNothing()
    {
        var tree = CSharpSyntaxTree.ParseText("static class C { static double D() => 1.5; }", Parse);
        var compilation = CSharpCompilation.Create("NoAttribute", new[] { tree }, TestReferences.Framework,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var diagnostics = await compilation.WithAnalyzers(KernelAnalyzerTest.AllAnalyzers).GetAnalyzerDiagnosticsAsync();
        Assert.That(diagnostics, Is.Empty);
    }
}
