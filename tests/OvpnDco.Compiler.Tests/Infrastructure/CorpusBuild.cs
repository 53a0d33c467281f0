using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace OvpnDco.Compiler.Tests.Infrastructure;

/// <summary>Compiles C# sources in-process with Roslyn into a dll + portable pdb (Debug or Release IL).</summary>
public static class CorpusBuild
{
    private static readonly Lazy<MetadataReference[]> References = new(() =>
    {
        var tpa = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return tpa.Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
            .Append(typeof(OvpnDco.Runtime.ExportAttribute).Assembly.Location)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray();
    });

    /// <summary>Builds <paramref name="sources"/> (path relative to the corpus folder → text) into <paramref name="dir"/>.</summary>
    public static string Build(string name, IReadOnlyDictionary<string, string> sources, OptimizationLevel optimization, string dir)
    {
        Directory.CreateDirectory(dir);
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = sources.OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => CSharpSyntaxTree.ParseText(s.Value, parse, path: s.Key, encoding: System.Text.Encoding.UTF8));
        var compilation = CSharpCompilation.Create(name, trees, References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: optimization,
                allowUnsafe: true, deterministic: true, checkOverflow: false));
        var dll = Path.Combine(dir, name + ".dll");
        var pdb = Path.Combine(dir, name + ".pdb");
        using (var peStream = File.Create(dll))
        using (var pdbStream = File.Create(pdb))
        {
            var result = compilation.Emit(peStream, pdbStream, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb));
            if (!result.Success)
                throw new InvalidOperationException("corpus does not compile:\n" +
                    string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }
        return dll;
    }

    public static Dictionary<string, string> ReadFolder(string folder, params string[] extra)
    {
        var root = Path.Combine(AppContext.BaseDirectory, folder);
        var files = Directory.GetFiles(root, "*.cs").ToDictionary(f => folder + "/" + Path.GetFileName(f), File.ReadAllText);
        foreach (var e in extra)
            files[folder + "/" + Path.GetFileName(e)] = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, e));
        return files;
    }
}
