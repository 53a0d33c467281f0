using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using OvpnDco.Generators.Dispatch;
using OvpnDco.Generators.Uapi;

namespace OvpnDco.Generators.Tests;

/// <summary>docs/diagnostics.md, section "Generator diagnostics (OVDG)": every id documented, every example true.</summary>
public class DocumentationTests
{
    private static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "OvpnDco.sln")))
                    return dir.FullName;
            }
            throw new DirectoryNotFoundException("OvpnDco.sln");
        }
    }

    private static string Docs => File.ReadAllText(Path.Combine(RepoRoot, "docs", "diagnostics.md")).Replace("\r\n", "\n");

    private static string GeneratorSection
    {
        get
        {
            string docs = Docs;
            int start = docs.IndexOf("\n## Generator diagnostics (OVDG)\n", System.StringComparison.Ordinal);
            Assert.That(start, Is.GreaterThanOrEqualTo(0), "docs/diagnostics.md has no '## Generator diagnostics (OVDG)' section");
            int end = docs.IndexOf("\n## ", start + 5, System.StringComparison.Ordinal);
            return end < 0 ? docs[start..] : docs[start..end];
        }
    }

    public static IEnumerable<string> Ids() => typeof(GeneratorDiagnostics).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id).OrderBy(id => id, System.StringComparer.Ordinal);

    private static string Example(string id, string label)
    {
        var section = Regex.Match(GeneratorSection, $@"^### {id}: .*?(?=^###? |\z)", RegexOptions.Multiline | RegexOptions.Singleline);
        Assert.That(section.Success, Is.True, $"no '### {id}: ...' section");
        var code = Regex.Match(section.Value, $@"\*\*{label}:\*\*\s*```csharp\n(.*?)```", RegexOptions.Singleline);
        Assert.That(code.Success, Is.True, $"{id} has no {label} example");
        return code.Groups[1].Value;
    }

    private static (string[] CompileErrors, string[] GeneratorIds) Run(string source)
    {
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest));
        var references = LocalReferences.Framework.Add(MetadataReference.CreateFromFile(typeof(OvpnDco.Runtime.Uapi.IoctlAttribute).Assembly.Location));
        var compilation = CSharpCompilation.Create("example", new[] { tree }, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
        var driver = CSharpGeneratorDriver.Create(new UapiHeaderGenerator(), new IoctlDispatchGenerator(), new OvpnDco.Generators.Tracing.TraceEventGenerator())
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var generatorIds = driver.GetRunResult().Diagnostics.Select(d => d.Id).ToArray();
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && !d.Id.StartsWith("OVDG", System.StringComparison.Ordinal))
            .Select(d => d.ToString()).ToArray();
        return (errors, generatorIds);
    }

    [Test]
    public void EveryGeneratorDiagnosticIsDocumentedInOrder()
    {
        var headings = Regex.Matches(GeneratorSection, @"^### (OVDG\d{4}):", RegexOptions.Multiline).Select(m => m.Groups[1].Value);
        Assert.That(headings, Is.EqualTo(Ids()));
        Assert.That(Docs, Does.StartWith("# Diagnostics\n"));
    }

    [TestCaseSource(nameof(Ids))]
    public void TheBadExampleReportsTheDiagnostic(string id)
    {
        var (errors, ids) = Run(Example(id, "Bad"));
        Assert.That(errors, Is.Empty, "the example must compile");
        Assert.That(ids, Does.Contain(id));
    }

    [TestCaseSource(nameof(Ids))]
    public void TheGoodExampleIsClean(string id)
    {
        var (errors, ids) = Run(Example(id, "Good"));
        Assert.That(errors, Is.Empty, "the example must compile");
        Assert.That(ids, Is.Empty);
    }

    [TestCaseSource(nameof(Ids))]
    public void EveryDiagnosticIsInTheReleaseTracking(string id)
    {
        string unshipped = File.ReadAllText(Path.Combine(RepoRoot, "compiler", "OvpnDco.Generators", "AnalyzerReleases.Unshipped.md"));
        Assert.That(unshipped, Does.Contain($"{id} | OvpnDco.Generators | Error |"));
    }
}
