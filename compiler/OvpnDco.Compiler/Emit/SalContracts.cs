using System;
using System.Collections.Generic;
using System.Linq;
using Mono.Cecil;

namespace OvpnDco.Compiler.Emit;

/// <summary>
/// SAL for the IRQL and lock contracts declared in C# (runtime-kernel/OvpnDco.Runtime/Contracts): what the WDK's
/// Code Analysis and Static Driver Verifier read from driverspecs.h/sal.h. Only what the attributes say is emitted —
/// a function without them gets nothing, so no annotation is ever a guess. The C# parameter names are the C ones
/// (<c>Names.Variable</c>), which the lock and buffer-size expressions refer to.
/// </summary>
internal static class SalContracts
{
    private const string Ns = "OvpnDco.Runtime";

    private static readonly string[] LevelNames = { "PASSIVE_LEVEL", "APC_LEVEL", "DISPATCH_LEVEL" };

    /// <summary>The SAL macros the generated prototypes use, defined empty where no header defines them.</summary>
    private static readonly string[] Fallbacks =
    {
        "_Must_inspect_result_", "_In_", "_Out_", "_Inout_", "_In_reads_bytes_(size)", "_Out_writes_bytes_(size)",
        "_IRQL_requires_(irql)", "_IRQL_requires_max_(irql)", "_IRQL_raises_(irql)", "_IRQL_saves_", "_IRQL_restores_",
        "_Requires_lock_held_(lock)", "_Acquires_lock_(lock)", "_Releases_lock_(lock)",
    };

    /// <summary>
    /// What the module header says before any prototype: sal.h and driverspecs.h (the IRQL annotations) where the
    /// toolchain has them (WDK, MSVC), and each macro the prototypes use defined empty where it is still undefined.
    /// </summary>
    public static string HeaderPrelude { get; } =
        "\n/* SAL contracts: sal.h and driverspecs.h (IRQL) where the toolchain has them (WDK, MSVC); elsewhere they are empty. */\n" +
        "#if defined(__has_include)\n#if __has_include(<sal.h>)\n#include <sal.h>\n#endif\n" +
        "#if __has_include(<driverspecs.h>)\n#include <driverspecs.h>\n#endif\n#endif\n" +
        "#if defined(__clang__)\n#pragma clang diagnostic push\n#pragma clang diagnostic ignored \"-Wreserved-macro-identifier\"\n#endif\n" +
        string.Concat(Fallbacks.Select(m => $"#ifndef {(m.IndexOf('(') is var i and >= 0 ? m.Substring(0, i) : m)}\n#define {m}\n#endif\n")) +
        "#if defined(__clang__)\n#pragma clang diagnostic pop\n#endif\n";

    /// <summary>The function-level annotations, each followed by a space (empty when the method declares none).</summary>
    public static string Function(MethodDefinition method)
    {
        var parts = new List<string>();
        foreach (var a in Attributes(method, "RequiresLockAttribute"))
            parts.Add($"_Requires_lock_held_({a.ConstructorArguments[0].Value})");
        foreach (var a in Attributes(method, "AcquiresLockAttribute"))
            parts.Add($"_Acquires_lock_({a.ConstructorArguments[0].Value})");
        foreach (var a in Attributes(method, "ReleasesLockAttribute"))
            parts.Add($"_Releases_lock_({a.ConstructorArguments[0].Value})");

        var irql = Attributes(method, "IrqlAttribute").FirstOrDefault();
        if (irql is not null)
        {
            var level = Level(irql);
            parts.Add(level == 0 ? "_IRQL_requires_(PASSIVE_LEVEL)" : $"_IRQL_requires_max_({LevelNames[level]})");
        }
        else if (Attributes(method, "PageableAttribute").Any())
            parts.Add("_IRQL_requires_max_(APC_LEVEL)");

        var raises = Attributes(method, "IrqlRaisesAttribute").FirstOrDefault();
        if (raises is not null)
        {
            parts.Add($"_IRQL_raises_({LevelNames[Level(raises)]})");
            // The value returned is the level to restore (KIRQL of ExAcquireSpinLockExclusive).
            if (method.ReturnType.MetadataType != MetadataType.Void)
                parts.Add("_IRQL_saves_");
        }
        return parts.Count == 0 ? "" : string.Join(" ", parts) + " ";
    }

    /// <summary>
    /// The annotations of a parameter beyond <c>_In_</c>/<c>_Out_</c>/<c>_Inout_</c>: <c>_IRQL_restores_</c> and the
    /// byte count of a raw pointer (<c>[InBytes]</c> → <c>_In_reads_bytes_</c>, <c>[OutBytes]</c> →
    /// <c>_Out_writes_bytes_</c>). <paramref name="cName"/> maps a C# parameter name to its C name.
    /// </summary>
    public static string Parameter(ParameterDefinition parameter, Func<string, string?> cName)
    {
        var parts = new List<string>();
        if (Attributes(parameter, "IrqlRestoresAttribute").Any())
            parts.Add("_IRQL_restores_");
        if (parameter.ParameterType.IsPointer)
        {
            foreach (var (attribute, sal) in new[] { ("InBytesAttribute", "_In_reads_bytes_"), ("OutBytesAttribute", "_Out_writes_bytes_") })
            {
                var a = Attributes(parameter, attribute).FirstOrDefault();
                if (a is not null && cName((string)a.ConstructorArguments[0].Value) is { } length)
                    parts.Add($"{sal}({length})");
            }
        }
        return parts.Count == 0 ? "" : string.Join(" ", parts) + " ";
    }

    private static int Level(CustomAttribute a) => Math.Clamp(Convert.ToInt32(a.ConstructorArguments[0].Value), 0, LevelNames.Length - 1);

    private static IEnumerable<CustomAttribute> Attributes(ICustomAttributeProvider provider, string name) =>
        provider.HasCustomAttributes
            ? provider.CustomAttributes.Where(a => a.AttributeType.Name == name && a.AttributeType.Namespace == Ns)
            : Enumerable.Empty<CustomAttribute>();
}
