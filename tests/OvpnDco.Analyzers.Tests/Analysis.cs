using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace OvpnDco.Analyzers.Tests;

/// <summary>Runs every analyzer over plain sources (no markup) and collects compiler errors, diagnostics and exceptions.</summary>
internal static class Analysis
{
    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Preview);

    public sealed record Result(ImmutableArray<Diagnostic> CompilerErrors, ImmutableArray<Diagnostic> Diagnostics, IReadOnlyList<Exception> Exceptions)
    {
        public IEnumerable<string> Ids => Diagnostics.Select(d => d.Id);

        /// <summary>No analyzer threw and no AD0001 was reported.</summary>
        public void AssertNoCrash(string what)
        {
            Assert.That(Exceptions, Is.Empty, $"{what}: analyzer threw: {string.Join("\n", Exceptions)}");
            Assert.That(Diagnostics.Where(d => d.Id == "AD0001").Select(d => d.ToString()), Is.Empty, what);
        }
    }

    /// <summary>Compiles the sources with the KernelCodeAttribute definition and runs all analyzers.</summary>
    public static async Task<Result> RunAsync(params string[] sources)
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
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
        return new Result(errors, diagnostics, exceptions);
    }
}
