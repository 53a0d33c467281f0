using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using System.Text.RegularExpressions;

namespace OvpnDco.TestSupport;

/// <summary>
/// The layout <c>_Static_assert</c>s ovpn-il2c writes after each struct (size, and the offset of every field), read
/// back from generated C, and .NET's own layout of the same CLR types measured by the JIT (<c>sizeof</c> and
/// <c>ldflda</c> in a dynamic method): an oracle for the numbers the compiler computes.
/// </summary>
public static partial class LayoutAsserts
{
    /// <summary>One assert: the C struct, the CLR type (Cecil spelling), the C field and the CLR field (null for sizeof),
    /// the number, and whether it only holds where pointers are 8 bytes.</summary>
    public sealed record Entry(string CStruct, string ClrType, string? Field, string? ClrField, int Value, bool Only64Bit);

    [GeneratedRegex(@"_Static_assert\((sizeof\(void \*\) != 8 \|\| )?(?:sizeof\(struct (\w+)\)|offsetof\(struct (\w+), (\w+)\)) == (\d+), ""(?:64-bit )?layout of (.+?) differs from \.NET(?:: field ([\w<>]+))?""\);")]
    private static partial Regex AssertPattern();

    public static IReadOnlyList<Entry> Parse(string c) => AssertPattern().Matches(c).Select(m => new Entry(
        m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Value,
        m.Groups[6].Value,
        m.Groups[4].Success ? m.Groups[4].Value : null,
        m.Groups[7].Success ? m.Groups[7].Value : null,
        int.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture),
        m.Groups[1].Success)).ToList();

    /// <summary>The reflection type named by a Cecil full name (nested types use '/'); null for generic instances.</summary>
    public static Type? FindType(IEnumerable<Assembly> assemblies, string cecilName) =>
        cecilName.Contains('<') ? null
            : assemblies.Select(a => a.GetType(cecilName.Replace('/', '+'), throwOnError: false)).FirstOrDefault(t => t != null);

    public static FieldInfo? FindField(Type type, string clrField) =>
        type.GetField(clrField, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);

    /// <summary>.NET's size of a value type in this process (the IL <c>sizeof</c>).</summary>
    public static int SizeOf(Type type)
    {
        var method = new DynamicMethod("sizeof_" + type.Name, typeof(int), Type.EmptyTypes, typeof(LayoutAsserts).Module, skipVisibility: true);
        var il = method.GetILGenerator();
        il.Emit(OpCodes.Sizeof, type);
        il.Emit(OpCodes.Ret);
        return (int)method.Invoke(null, null)!;
    }

    /// <summary>.NET's offset of an instance field of a value type in this process (<c>ldflda</c> from a base address).</summary>
    public static int OffsetOf(FieldInfo field)
    {
        var method = new DynamicMethod("offsetof_" + field.Name, typeof(long), new[] { typeof(IntPtr) }, typeof(LayoutAsserts).Module, skipVisibility: true);
        var il = method.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldflda, field);
        il.Emit(OpCodes.Conv_I8);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Conv_I8);
        il.Emit(OpCodes.Sub);
        il.Emit(OpCodes.Ret);
        // A real block as big as the struct: the JIT may touch the address for its null check.
        var block = System.Runtime.InteropServices.Marshal.AllocHGlobal(Math.Max(1, SizeOf(field.DeclaringType!)));
        try
        {
            return checked((int)(long)method.Invoke(null, new object[] { block })!);
        }
        finally
        {
            System.Runtime.InteropServices.Marshal.FreeHGlobal(block);
        }
    }

    /// <summary>
    /// Every assert of <paramref name="c"/> whose CLR type is found in <paramref name="assemblies"/>, compared with .NET's
    /// layout: the mismatches (empty when all agree) and the CLR types that were checked.
    /// </summary>
    public static (List<string> Mismatches, HashSet<string> Checked) CompareWithDotNet(string c, IEnumerable<Assembly> assemblies)
    {
        var list = assemblies.ToList();
        var mismatches = new List<string>();
        var checkedTypes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in Parse(c))
        {
            if (e.Only64Bit && IntPtr.Size != 8)
                continue;
            var type = FindType(list, e.ClrType);
            if (type == null)
                continue;
            int actual;
            if (e.Field == null)
                actual = SizeOf(type);
            else
            {
                var field = FindField(type, e.ClrField!);
                if (field == null)
                {
                    mismatches.Add($"{e.ClrType}.{e.Field}: no such CLR field");
                    continue;
                }
                actual = OffsetOf(field);
            }
            if (actual != e.Value)
                mismatches.Add($"{e.ClrType}{(e.Field == null ? " size" : "." + e.Field)}: C asserts {e.Value}, .NET has {actual}");
            checkedTypes.Add(e.ClrType);
        }
        return (mismatches, checkedTypes);
    }
}
