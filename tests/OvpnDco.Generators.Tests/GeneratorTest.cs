using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;

namespace OvpnDco.Generators.Tests;

/// <summary>
/// A source-generator test over one source file, with OvpnDco.Runtime (the attributes, NtStatus, IoctlModes)
/// referenced, unsafe code allowed, and the framework reference assemblies taken from this machine (no download).
/// </summary>
internal sealed class GeneratorTest<TGenerator> : CSharpSourceGeneratorTest<TGenerator, DefaultVerifier>
    where TGenerator : new()
{
    public GeneratorTest(string source)
    {
        TestCode = source;
        ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        TestState.AdditionalReferences.AddRange(LocalReferences.Framework);
        TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(OvpnDco.Runtime.Uapi.IoctlAttribute).Assembly.Location));
    }

    protected override CompilationOptions CreateCompilationOptions()
        => ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithAllowUnsafe(true);

    protected override ParseOptions CreateParseOptions()
        => ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(LanguageVersion.Latest);

    /// <summary>Expects exactly <paramref name="expected"/> and does not compare generated sources.</summary>
    public static Task VerifyDiagnosticsAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new GeneratorTest<TGenerator>(source) { TestBehaviors = TestBehaviors.SkipGeneratedSourcesCheck };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>Expects no diagnostic and exactly one generated file with <paramref name="generated"/>.</summary>
    public static Task VerifyGeneratedAsync(string source, string hintName, string generated)
    {
        var test = new GeneratorTest<TGenerator>(source);
        test.TestState.GeneratedSources.Add((typeof(TGenerator), hintName, SourceText.From(generated, Encoding.UTF8)));
        return test.RunAsync();
    }

    public static DiagnosticResult Error(string id, int location) => new DiagnosticResult(id, DiagnosticSeverity.Error).WithLocation(location);
}

/// <summary>The framework's reference assemblies from the installed SDK (or the running shared framework).</summary>
internal static class LocalReferences
{
    public static ImmutableArray<MetadataReference> Framework { get; } = Load();

    private static ImmutableArray<MetadataReference> Load()
    {
        string runtimeDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        string major = new DirectoryInfo(runtimeDir).Name.Split('.')[0];
        string packs = Path.GetFullPath(Path.Combine(runtimeDir, "..", "..", "..", "packs", "Microsoft.NETCore.App.Ref"));
        string? refDir = Directory.Exists(packs)
            ? Directory.GetDirectories(packs).Select(d => Path.Combine(d, "ref", $"net{major}.0")).Where(Directory.Exists)
                .OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
            : null;
        IEnumerable<string> files = refDir is not null
            ? Directory.GetFiles(refDir, "*.dll")
            : ((AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? string.Empty).Split(Path.PathSeparator)
                .Where(f => string.Equals(Path.GetDirectoryName(f), runtimeDir, StringComparison.Ordinal));
        return files.OrderBy(f => f, StringComparer.Ordinal).Select(f => (MetadataReference)MetadataReference.CreateFromFile(f))
            .ToImmutableArray();
    }
}
