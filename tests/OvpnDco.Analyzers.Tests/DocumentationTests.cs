using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace OvpnDco.Analyzers.Tests;

/// <summary>
/// docs/diagnostics.md documents every rule with a bad and a good example, and the examples are true: the bad
/// one produces its diagnostic, the good one none. The descriptors agree with the IDs and the release tracking.
/// </summary>
public class DocumentationTests
{
    private static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "OvpnDco.sln")))
                dir = dir.Parent;
            Assert.That(dir, Is.Not.Null, "OvpnDco.sln not found above the test directory");
            return dir!.FullName;
        }
    }

    public static IEnumerable<string> RuleIds() => typeof(DiagnosticIds)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (string)f.GetRawConstantValue()!)
        .OrderBy(id => id, StringComparer.Ordinal);

    private static string Docs => File.ReadAllText(Path.Combine(RepoRoot, "docs", "diagnostics.md"));

    /// <summary>The text of the '### OVDnnnn' section, up to the next heading of level 2 or 3.</summary>
    private static string Section(string id)
    {
        var match = Regex.Match(Docs, $@"^### {id}: .*?(?=^##[# ]|\z)", RegexOptions.Multiline | RegexOptions.Singleline);
        Assert.That(match.Success, Is.True, $"docs/diagnostics.md has no '### {id}: ...' section");
        return match.Value;
    }

    private static string Example(string id, string label)
    {
        var match = Regex.Match(Section(id), $@"\*\*{label}:\*\*\s*```csharp\n(.*?)```", RegexOptions.Singleline);
        Assert.That(match.Success, Is.True, $"{id} has no **{label}:** csharp example");
        return match.Groups[1].Value;
    }

    private static async Task<(ImmutableArray<Diagnostic> Compiler, ImmutableArray<Diagnostic> Analyzers)> CompileAsync(string source)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        var trees = new[] { source, KernelAnalyzerTest.AttributeSource, KernelAnalyzerTest.OwnedByAttributeSource, KernelAnalyzerTest.IrqlAttributeSource }.Select(s => CSharpSyntaxTree.ParseText(s, parse));
        var compilation = CSharpCompilation.Create("Example", trees, TestReferences.Framework,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
        var analyzers = await compilation.WithAnalyzers(KernelAnalyzerTest.AllAnalyzers).GetAnalyzerDiagnosticsAsync();
        return (errors, analyzers);
    }

    [Test]
    public void TheAnalyzerSectionComesRightAfterTheTopHeadingAndListsTheRulesInOrder()
    {
        var docs = Docs;
        Assert.That(docs, Does.StartWith("# Diagnostics\n\n## Analyzer diagnostics (OVD)\n"));
        var headings = Regex.Matches(docs, @"^### (OVD\d{4}):", RegexOptions.Multiline).Select(m => m.Groups[1].Value);
        Assert.That(headings, Is.EqualTo(RuleIds()));
    }

    [TestCaseSource(nameof(RuleIds))]
    public async Task TheBadExampleReportsTheRule(string id)
    {
        var (compiler, analyzers) = await CompileAsync(Example(id, "Bad"));
        Assert.That(compiler.Select(d => d.ToString()), Is.Empty, "the example must compile");
        Assert.That(analyzers.Select(d => d.Id), Does.Contain(id));
    }

    [TestCaseSource(nameof(RuleIds))]
    public async Task TheGoodExampleIsClean(string id)
    {
        var (compiler, analyzers) = await CompileAsync(Example(id, "Good"));
        Assert.That(compiler.Select(d => d.ToString()), Is.Empty, "the example must compile");
        Assert.That(analyzers.Select(d => d.ToString()), Is.Empty);
    }

    [Test]
    public void EveryIdHasExactlyOneDescriptorThatIsAnEnabledError()
    {
        var descriptors = KernelAnalyzerTest.AllAnalyzers.SelectMany(a => a.SupportedDiagnostics)
            .Distinct().ToArray();
        Assert.That(descriptors.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal), Is.EqualTo(RuleIds()));
        foreach (var descriptor in descriptors)
        {
            Assert.That(descriptor.DefaultSeverity, Is.EqualTo(DiagnosticSeverity.Error), descriptor.Id);
            Assert.That(descriptor.IsEnabledByDefault, Is.True, descriptor.Id);
            Assert.That(descriptor.Category, Is.EqualTo(Descriptors.Category), descriptor.Id);
            Assert.That(descriptor.MessageFormat.ToString(), Does.StartWith("{0} is not supported in kernel code"), descriptor.Id);
        }
    }

    [Test]
    public void EveryRuleIsInTheReleaseTracking()
    {
        var unshipped = File.ReadAllText(Path.Combine(RepoRoot, "compiler", "OvpnDco.Analyzers", "AnalyzerReleases.Unshipped.md"));
        foreach (var id in RuleIds())
            Assert.That(unshipped, Does.Contain($"{id} | {Descriptors.Category} | Error |"), id);
    }
}
