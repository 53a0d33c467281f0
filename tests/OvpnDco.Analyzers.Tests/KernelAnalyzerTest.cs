using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace OvpnDco.Analyzers.Tests;

/// <summary>
/// Runs every kernel-subset analyzer at once over a test source (so each test also proves that no other rule
/// fires), with the KernelCodeAttribute definition added, unsafe code on, the latest language version and the
/// reference assemblies of the installed .NET (no download: see <see cref="TestReferences"/>).
/// </summary>
internal sealed class KernelAnalyzerTest : CSharpAnalyzerTest<FloatingPointAnalyzer, DefaultVerifier>
{
    public const string AttributeSource = """
        namespace OvpnDco.Runtime
        {
            [System.AttributeUsage(System.AttributeTargets.Assembly | System.AttributeTargets.Class | System.AttributeTargets.Struct | System.AttributeTargets.Method,
                AllowMultiple = false, Inherited = false)]
            public sealed class KernelCodeAttribute : System.Attribute { }
        }
        """;

    /// <summary>
    /// The runtime's OwnedByAttribute (OVD0015), kept out of <see cref="AttributeSource"/>: under
    /// [assembly: KernelCode] its System.Type member would itself be reported.
    /// </summary>
    public const string OwnedByAttributeSource = """
        namespace OvpnDco.Runtime
        {
            [System.AttributeUsage(System.AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
            public sealed class OwnedByAttribute : System.Attribute
            {
                public OwnedByAttribute(System.Type owner) => Owner = owner;
                public System.Type Owner { get; }
            }
        }
        """;

    /// <summary>
    /// The runtime's IRQL contract attributes (OVD0016) with the same names and constructors, without state (the
    /// rule reads constructor arguments), so that [assembly: KernelCode] samples do not report the attributes.
    /// </summary>
    public const string IrqlAttributeSource = """
        namespace OvpnDco.Runtime
        {
            public enum KIrql : byte { Passive = 0, Apc = 1, Dispatch = 2 }
            public sealed class IrqlAttribute : System.Attribute { public IrqlAttribute(KIrql max) { } }
            public sealed class IrqlRaisesAttribute : System.Attribute { public IrqlRaisesAttribute(KIrql level) { } }
            public sealed class IrqlRestoresAttribute : System.Attribute { }
            public sealed class PageableAttribute : System.Attribute { }
        }
        """;

    public KernelAnalyzerTest(string source, bool withOutside = true)
    {
        TestCode = source;
        // Several analyzers share one descriptor (e.g. OVD0001 from declarations and from expressions).
        MarkupOptions = MarkupOptions.UseFirstDescriptor;
        ReferenceAssemblies = TestReferences.None;
        TestState.AdditionalReferences.AddRange(TestReferences.Framework);
        TestState.Sources.Add(("KernelCodeAttribute.cs", AttributeSource));
        TestState.Sources.Add(("IrqlAttributes.cs", IrqlAttributeSource));
        if (withOutside)
            TestState.Sources.Add(("Outside.cs", OutsideSource));
    }

    /// <summary>Ordinary (non-kernel) library code the kernel samples call into; never reported.</summary>
    public const string OutsideSource = """
        using System;
        using System.Collections.Generic;

        namespace Outside
        {
            public class Session
            {
                public int Id;
                public virtual int Score() => Id;
            }

            public sealed class Resource : IDisposable
            {
                public void Dispose() { }
            }

            public interface IShape
            {
                int Area();
                int Sides { get; }
            }

            public record class Point(int X);

            public static class Lib
            {
                public static readonly object Gate = new object();
                public static int[] Numbers => new[] { 1, 2, 3 };
                public static string Name => "name";
                public static IShape Shape => null!;
                public static void Trace(string message) { }
                public static void Sink(object value) { }
                public static int Sum(params int[] values) => values.Length;
                public static void Run(Action action) => action();
                public static void Take(int[] values) { }
                public static void TakeFloat(float value) { }
                public static Resource Open() => new Resource();
            }
        }
        """;

    /// <summary>Every analyzer of the OvpnDco.Analyzers assembly.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> AllAnalyzers { get; } = typeof(KernelAnalyzer).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => AllAnalyzers;

    protected override CompilationOptions CreateCompilationOptions() =>
        ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithAllowUnsafe(true);

    protected override ParseOptions CreateParseOptions() =>
        ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(LanguageVersion.Preview);

    /// <summary>Expects exactly the diagnostics in the markup of <paramref name="source"/>.</summary>
    public static Task VerifyAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new KernelAnalyzerTest(source);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>Like <see cref="VerifyAsync"/> without the Outside library (for [assembly: KernelCode] samples).</summary>
    public static Task VerifyAloneAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new KernelAnalyzerTest(source, withOutside: false);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>An expected diagnostic of <paramref name="id"/> at markup location {|#n:...|} with its message argument.</summary>
    public static DiagnosticResult Diagnostic(string id, int location, string what) =>
        new DiagnosticResult(id, DiagnosticSeverity.Error).WithLocation(location).WithArguments(what);

    /// <summary>An expected diagnostic whose message has several arguments.</summary>
    public static DiagnosticResult Diagnostic(string id, int location, params object[] arguments) =>
        new DiagnosticResult(id, DiagnosticSeverity.Error).WithLocation(location).WithArguments(arguments);
}

/// <summary>
/// Reference assemblies for the test compilations, taken from the machine instead of NuGet: the
/// Microsoft.NETCore.App.Ref targeting pack of the running .NET SDK when it is there, otherwise the shared
/// framework the tests run on (implementation assemblies compile just as well).
/// </summary>
internal static class TestReferences
{
    /// <summary>No package to download; the references come from <see cref="Framework"/>.</summary>
    public static ReferenceAssemblies None { get; } = new("net10.0");

    public static ImmutableArray<MetadataReference> Framework { get; } = Load();

    private static ImmutableArray<MetadataReference> Load()
    {
        var runtimeDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var version = new DirectoryInfo(runtimeDir).Name; // e.g. 10.0.12
        var dotnetRoot = Path.GetFullPath(Path.Combine(runtimeDir, "..", "..", ".."));
        var packs = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        IEnumerable<string> files;
        var refDir = Directory.Exists(packs)
            ? Directory.GetDirectories(packs)
                .Select(d => Path.Combine(d, "ref", "net" + version.Split('.')[0] + ".0"))
                .Where(Directory.Exists)
                .OrderByDescending(d => d, StringComparer.Ordinal)
                .FirstOrDefault()
            : null;
        if (refDir is not null)
        {
            files = Directory.GetFiles(refDir, "*.dll");
        }
        else
        {
            var tpa = (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "").Split(Path.PathSeparator);
            files = tpa.Where(f => string.Equals(Path.GetDirectoryName(f), runtimeDir, StringComparison.Ordinal));
        }
        return files.OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => (MetadataReference)MetadataReference.CreateFromFile(f))
            .ToImmutableArray();
    }
}
