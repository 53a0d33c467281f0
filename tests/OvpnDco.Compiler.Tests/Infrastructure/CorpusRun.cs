using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using Microsoft.CodeAnalysis;
using OvpnDco.Compiler.Lowering;
using OvpnDco.TestSupport;
using OvpnDco.Compiler.Metadata;

namespace OvpnDco.Compiler.Tests.Infrastructure;

/// <summary>One differential case: an exported corpus method and its arguments.</summary>
public sealed record CorpusCase(int Index, string Export, string Method, long[] Args, string? FailMessage)
{
    public string Display => $"{Export}({string.Join(", ", Args)})" + (FailMessage != null ? " fails" : "");
}

/// <summary>
/// The corpus built once per IL flavour: the managed assembly (loaded for .NET runs), the generated C, one
/// native program (gcc, ASan+UBSan) that runs every case, and the native results of all non-failing cases.
/// </summary>
public sealed class CorpusRun
{
    private static readonly ConcurrentDictionary<OptimizationLevel, Lazy<CorpusRun>> Runs = new();

    public static CorpusRun For(OptimizationLevel level) =>
        Runs.GetOrAdd(level, l => new Lazy<CorpusRun>(() => new CorpusRun(l))).Value;

    public OptimizationLevel Level { get; }
    public string Directory { get; }
    public string Dll { get; }
    public string CDirectory { get; }
    public string Program { get; }
    public IReadOnlyList<CorpusCase> Cases { get; }
    public Assembly Managed { get; }
    public IReadOnlyDictionary<int, string> NativeResults { get; }
    public string BuildLog { get; }

    private CorpusRun(OptimizationLevel level)
    {
        Level = level;
        Directory = Path.Combine(Path.GetTempPath(), $"ovpndco-corpus-{level}-{Environment.ProcessId}");
        if (System.IO.Directory.Exists(Directory))
            System.IO.Directory.Delete(Directory, true);
        Dll = CorpusBuild.Build("Corpus", CorpusBuild.ReadFolder("Corpus"), level, Directory);
        Managed = new AssemblyLoadContext("corpus-" + level, isCollectible: false).LoadFromAssemblyPath(Dll);
        Cases = Discover(Managed);

        CDirectory = Path.Combine(Directory, "c");
        var output = IlToC.Compile(Dll, new CompilerOptions { Target = Target.Hosted });
        IlToC.WriteOutput(output, CDirectory);
        File.WriteAllText(Path.Combine(Directory, "main.c"), Harness());
        Program = Path.Combine(Directory, "corpus");
        var build = NativeToolchain.Run(
            $"gcc {NativeToolchain.GccFlags} -I {NativeToolchain.Quote(NativeToolchain.Include)} -I c c/*.c {NativeToolchain.HostedSources} main.c -lcrypto -lpthread -o corpus",
            Directory);
        BuildLog = build.Stderr;
        if (build.ExitCode != 0)
            throw new InvalidOperationException("generated C does not compile with gcc:\n" + build.Stderr);
        var run = NativeToolchain.Run("./corpus", Directory);
        if (run.ExitCode != 0)
            throw new InvalidOperationException($"native corpus run failed ({run.ExitCode}):\n{run.Stderr}\n{run.Stdout}");
        NativeResults = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', 2))
            .ToDictionary(p => int.Parse(p[0], CultureInfo.InvariantCulture), p => p[1]);
    }

    /// <summary>Cases in a stable order (type, method, attribute order) from the corpus attributes.</summary>
    public static IReadOnlyList<CorpusCase> Discover(Assembly assembly)
    {
        var cases = new List<CorpusCase>();
        foreach (var type in assembly.GetTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly)
                     .OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            var attrs = method.GetCustomAttributesData();
            var export = attrs.FirstOrDefault(a => a.AttributeType.Name == "ExportAttribute");
            if (export == null)
                continue;
            var cName = (string)export.ConstructorArguments[0].Value!;
            foreach (var a in attrs)
            {
                if (a.AttributeType.Name == "CaseAttribute")
                    cases.Add(new CorpusCase(cases.Count, cName, $"{type.FullName}.{method.Name}", Longs(a.ConstructorArguments[0]), null));
                else if (a.AttributeType.Name == "FailsAttribute")
                    cases.Add(new CorpusCase(cases.Count, cName, $"{type.FullName}.{method.Name}", Longs(a.ConstructorArguments[1]), (string)a.ConstructorArguments[0].Value!));
            }
        }
        return cases;
    }

    private static long[] Longs(CustomAttributeTypedArgument arg) =>
        ((IEnumerable<CustomAttributeTypedArgument>)arg.Value!).Select(v => (long)v.Value!).ToArray();

    public MethodInfo MethodOf(CorpusCase c)
    {
        var dot = c.Method.LastIndexOf('.');
        return Managed.GetType(c.Method[..dot])!.GetMethod(c.Method[(dot + 1)..], BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!;
    }

    /// <summary>Runs the case under .NET and formats the result like the native harness prints it.</summary>
    public string RunManaged(CorpusCase c)
    {
        var method = MethodOf(c);
        var parameters = method.GetParameters();
        var args = parameters.Select((p, i) => ConvertArg(c.Args[i], p.ParameterType)).ToArray();
        var value = method.Invoke(null, args);
        return Format(value!);
    }

    private static object ConvertArg(long v, Type t) => Type.GetTypeCode(t) switch
    {
        TypeCode.Boolean => v != 0,
        TypeCode.SByte => unchecked((sbyte)v),
        TypeCode.Byte => unchecked((byte)v),
        TypeCode.Int16 => unchecked((short)v),
        TypeCode.UInt16 => unchecked((ushort)v),
        TypeCode.Char => unchecked((char)v),
        TypeCode.Int32 => unchecked((int)v),
        TypeCode.UInt32 => unchecked((uint)v),
        TypeCode.Int64 => v,
        TypeCode.UInt64 => unchecked((ulong)v),
        _ when t == typeof(nint) => (nint)v,
        _ when t == typeof(nuint) => unchecked((nuint)(ulong)v),
        _ => throw new NotSupportedException(t.Name),
    };

    private static string Format(object value) => value switch
    {
        bool b => b ? "1" : "0",
        char ch => ((int)ch).ToString(CultureInfo.InvariantCulture),
        ulong u => u.ToString(CultureInfo.InvariantCulture),
        uint u => u.ToString(CultureInfo.InvariantCulture),
        ushort u => u.ToString(CultureInfo.InvariantCulture),
        byte u => u.ToString(CultureInfo.InvariantCulture),
        nuint u => ((ulong)u).ToString(CultureInfo.InvariantCulture),
        nint n => ((long)n).ToString(CultureInfo.InvariantCulture),
        _ => Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
    };

    private string Harness()
    {
        var types = new TypeMapper();
        var sb = new StringBuilder();
        sb.Append("#include <stdio.h>\n#include <stdlib.h>\n#include \"corpus.h\"\n\n");
        sb.Append("static void run(int which)\n{\n    switch (which) {\n");
        foreach (var c in Cases)
        {
            var method = MethodOf(c);
            var args = method.GetParameters().Select((p, i) => ArgLiteral(c.Args[i], p.ParameterType)).ToArray();
            var call = $"{c.Export}({string.Join(", ", args)})";
            var ret = method.ReturnType;
            var unsigned = ret == typeof(ulong) || ret == typeof(uint) || ret == typeof(ushort) || ret == typeof(byte) || ret == typeof(nuint);
            var print = unsigned ? $"printf(\"%d %llu\\n\", which, (unsigned long long){call})" : $"printf(\"%d %lld\\n\", which, (long long){call})";
            sb.Append($"    case {c.Index}: {print}; break;\n");
        }
        sb.Append("    default: break;\n    }\n}\n\n");
        var runnable = Cases.Where(c => c.FailMessage == null).Select(c => c.Index.ToString(CultureInfo.InvariantCulture));
        sb.Append($"static const int all_cases[] = {{ {string.Join(", ", runnable.DefaultIfEmpty("-1"))} }};\n\n");
        sb.Append("int main(int argc, char **argv)\n{\n    size_t i;\n    if (argc > 1) {\n        run(atoi(argv[1]));\n        return 0;\n    }\n");
        sb.Append("    for (i = 0; i < sizeof all_cases / sizeof all_cases[0]; i++)\n        run(all_cases[i]);\n    return 0;\n}\n");
        _ = types;
        return sb.ToString();
    }

    private static string ArgLiteral(long v, Type t) => Type.GetTypeCode(t) switch
    {
        TypeCode.Boolean => v != 0 ? "true" : "false",
        TypeCode.SByte => $"(int8_t){unchecked((sbyte)v)}",
        TypeCode.Byte => $"(uint8_t){unchecked((byte)v)}u",
        TypeCode.Int16 => $"(int16_t){unchecked((short)v)}",
        TypeCode.UInt16 or TypeCode.Char => $"(uint16_t){unchecked((ushort)v)}u",
        TypeCode.Int32 => unchecked((int)v) == int.MinValue ? "INT32_MIN" : $"(int32_t){unchecked((int)v)}",
        TypeCode.UInt32 => $"{unchecked((uint)v)}u",
        TypeCode.Int64 => v == long.MinValue ? "INT64_MIN" : $"INT64_C({v})",
        TypeCode.UInt64 => $"UINT64_C({unchecked((ulong)v)})",
        _ when t == typeof(nint) => $"(intptr_t)INT64_C({v})",
        _ when t == typeof(nuint) => $"(uintptr_t)UINT64_C({unchecked((ulong)v)})",
        _ => throw new NotSupportedException(t.Name),
    };
}
