using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using OvpnDco.Generators.Common;

namespace OvpnDco.Generators.Uapi;

/// <summary>
/// Checks the C layout of the UAPI declarations and writes <c>uapi.h</c>. C layout rules (MSVC, identical on
/// x86, x64 and ARM64 for these types): a primitive aligns to its size, a fixed buffer to its element, a struct or
/// union to its strictest member, a platform type to its declared alignment; sizes round up to the alignment.
/// </summary>
internal sealed class UapiHeaderWriter
{
    private readonly Dictionary<string, TypeDecl> _types = new();
    private readonly Dictionary<string, (int Size, int Align)> _layouts = new();
    private readonly HashSet<string> _inProgress = new();
    private readonly List<DiagnosticInfo> _diagnostics = new();
    private readonly List<TypeDecl> _typeList;
    private readonly List<IoctlDecl> _ioctls;
    private readonly StringBuilder _asserts = new();

    public UapiHeaderWriter(IEnumerable<TypeDecl> types, IEnumerable<IoctlDecl> ioctls)
    {
        _typeList = types.OrderBy(t => t.Order).ToList();
        _ioctls = ioctls.OrderBy(i => i.Function).ThenBy(i => i.Order).ToList();
        foreach (var t in _typeList)
            _types[t.FullName] = t;
    }

    public IReadOnlyList<DiagnosticInfo> Diagnostics => _diagnostics;

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Runs every check and returns the header text.</summary>
    public string Write()
    {
        foreach (var t in _typeList)
            _diagnostics.AddRange(t.Diagnostics);
        foreach (var i in _ioctls)
            _diagnostics.AddRange(i.Diagnostics);
        CheckNames();
        foreach (var t in _typeList)
        {
            if (t.Kind != UapiKind.Enum)
                LayoutOf(t);
        }

        var sb = new StringBuilder();
        WritePrologue(sb);
        WriteIoctls(sb);
        foreach (var t in _typeList.Where(t => t.Kind == UapiKind.Enum))
            WriteEnum(sb, t);
        WriteExternals(sb);
        var written = new HashSet<string>();
        foreach (var t in _typeList.Where(t => t.Kind == UapiKind.Struct))
            WriteStructWithDependencies(sb, t, written);
        if (_asserts.Length > 0)
        {
            sb.Append("/*\n * Layout checks: every size, alignment and offset below is the C# definition's; a compiler that lays\n");
            sb.Append(" * these types out differently (or platform headers that disagree) fails here.\n */\n");
            sb.Append(_asserts);
            sb.Append('\n');
        }
        sb.Append("#endif /* OVPN_DCO_UAPI_H */\n");
        return sb.ToString();
    }

    private void CheckNames()
    {
        var seen = new Dictionary<string, string>();
        void Claim(string cName, string owner, LocationInfo? location)
        {
            if (cName.Length == 0)
                return;
            if (seen.TryGetValue(cName, out var first))
                _diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.DuplicateCName, location, cName, first, owner));
            else
                seen[cName] = owner;
        }

        foreach (var t in _typeList)
        {
            if (t.Kind is UapiKind.Struct || (t.Kind == UapiKind.Enum && !t.Defines))
                Claim(t.CName, t.DisplayName, t.Location);
            if (t.Kind == UapiKind.Enum)
            {
                foreach (var m in t.Members)
                    Claim(MemberCName(t, m), t.DisplayName + "." + m.Name, t.Location);
            }
        }

        var functions = new Dictionary<int, IoctlDecl>();
        foreach (var i in _ioctls)
        {
            Claim(i.CName, i.DisplayName, i.Location);
            if (functions.TryGetValue(i.Function, out var first))
            {
                _diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.DuplicateFunction, i.Location,
                    I(i.Function), first.DisplayName, i.DisplayName));
            }
            else
            {
                functions[i.Function] = i;
            }
        }
    }

    internal static string MemberCName(TypeDecl type, EnumMemberDecl member)
        => member.UapiName ?? type.Prefix + UpperSnake(member.Name);

    /// <summary><c>AesGcm</c> → <c>AES_GCM</c>, <c>TransportError</c> → <c>TRANSPORT_ERROR</c>, <c>P2P</c> → <c>P2P</c>.</summary>
    internal static string UpperSnake(string name)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (i > 0 && char.IsUpper(c))
            {
                char prev = name[i - 1];
                bool nextLower = i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (char.IsLower(prev) || (char.IsUpper(prev) && nextLower))
                    sb.Append('_');
            }
            sb.Append(char.ToUpperInvariant(c));
        }
        return sb.ToString();
    }

    private static int RoundUp(int value, int align) => align <= 1 ? value : (value + align - 1) / align * align;

    private (int Size, int Align)? LayoutOf(FieldType type, FieldDecl field, TypeDecl owner)
    {
        switch (type.Kind)
        {
            case FieldKind.Primitive:
            case FieldKind.Enum:
                return (type.PrimitiveSize, type.PrimitiveSize);
            case FieldKind.FixedBuffer:
                return (type.PrimitiveSize * type.Count, type.PrimitiveSize);
            case FieldKind.Struct:
                if (_types.TryGetValue(type.TypeName, out var decl) && decl.Kind != UapiKind.Enum)
                    return LayoutOf(decl);
                if (owner.Kind != UapiKind.External)
                {
                    _diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.NotBlittable, field.Location, owner.DisplayName,
                        field.Name, type.TypeName.Replace("global::", string.Empty),
                        "it is not a UAPI type; give it [UapiStruct], [UapiUnion] or [UapiExternal]"));
                }
                return null;
            default:
                return null;
        }
    }

    private (int Size, int Align)? LayoutOf(TypeDecl type)
    {
        if (_layouts.TryGetValue(type.FullName, out var known))
            return known;
        if (!_inProgress.Add(type.FullName))
            return null;
        try
        {
            var result = ComputeLayout(type);
            if (result is { } r)
                _layouts[type.FullName] = r;
            return result;
        }
        finally
        {
            _inProgress.Remove(type.FullName);
        }
    }

    private (int Size, int Align)? ComputeLayout(TypeDecl type)
    {
        var fieldLayouts = new List<(FieldDecl Field, int Size, int Align)>();
        bool complete = true;
        foreach (var f in type.Fields)
        {
            var l = LayoutOf(f.Type, f, type);
            if (l is { } layout)
                fieldLayouts.Add((f, layout.Size, layout.Align));
            else
                complete = false;
        }

        if (type.Kind == UapiKind.External)
        {
            int extent = fieldLayouts.Where(f => f.Field.Offset >= 0).Select(f => f.Field.Offset + f.Size).DefaultIfEmpty(0).Max();
            int size = type.DeclaredSize > 0 ? type.DeclaredSize : RoundUp(extent, type.ExternalAlign);
            return (size, type.ExternalAlign);
        }

        int align = fieldLayouts.Select(f => f.Align).DefaultIfEmpty(1).Max();
        if (!complete || !type.ExplicitLayout || fieldLayouts.Any(f => f.Field.Offset < 0))
            return null;

        if (type.Kind == UapiKind.Union)
        {
            int size = RoundUp(fieldLayouts.Select(f => f.Size).DefaultIfEmpty(0).Max(), align);
            if (fieldLayouts.All(f => f.Field.Offset == 0))
                CheckSize(type, size);
            return (size, align);
        }

        int cursor = 0;
        FieldDecl? previous = null;
        bool ok = true;
        foreach (var (field, size, fieldAlign) in fieldLayouts.OrderBy(f => f.Field.Offset))
        {
            int expected = RoundUp(cursor, fieldAlign);
            if (field.Offset != expected)
            {
                string why = field.Offset < cursor && previous is not null
                    ? $"field '{field.Name}' at offset {I(field.Offset)} overlaps '{previous.Name}' (ends at {I(cursor)}); overlapping members belong in a [UapiUnion] type"
                    : $"field '{field.Name}' is at offset {I(field.Offset)} in C# but a C compiler puts it at {I(expected)}"
                      + (previous is null ? string.Empty : $" (after '{previous.Name}', which ends at {I(cursor)}, aligned to {I(fieldAlign)})")
                      + "; add an explicit padding field or fix the [FieldOffset]";
                _diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.LayoutMismatch, field.Location, type.DisplayName, why));
                ok = false;
            }
            cursor = field.Offset + size;
            previous = field;
        }
        int cSize = RoundUp(cursor, align);
        if (ok)
            CheckSize(type, cSize);
        return (cSize, align);
    }

    private void CheckSize(TypeDecl type, int cSize)
    {
        if (type.DeclaredSize >= 0 && type.DeclaredSize != cSize)
        {
            _diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.LayoutMismatch, type.Location, type.DisplayName,
                $"StructLayout Size is {I(type.DeclaredSize)} but the C struct of these fields is {I(cSize)} bytes"));
        }
    }

    private int SizeOf(TypeDecl type) => _layouts.TryGetValue(type.FullName, out var l) ? l.Size : type.DeclaredSize;

    private int AlignOf(TypeDecl type) => _layouts.TryGetValue(type.FullName, out var l) ? l.Align : 1;

    private static void WritePrologue(StringBuilder sb)
    {
        sb.Append(
"""
/*
 * ovpn-dco/uapi.h - the user/kernel ABI of the OpenVPN Data Channel Offload driver for Windows
 * (OvpnDco), binary-compatible with upstream ovpn-dco-win.
 *
 * GENERATED by OvpnDco.Generators (UapiHeaderGenerator) from the C# definitions in uapi/OvpnDco.Uapi.
 * Do not edit: change the C# and run ./build.sh. A test fails when this file is stale.
 *
 * User mode: include as is (it includes <winsock2.h>, <ws2ipdef.h> and <winioctl.h>).
 * Kernel mode (_KERNEL_MODE): include <ntddk.h> or <wdm.h> first; this header adds <ws2def.h> and <ws2ipdef.h>.
 * Every struct uses the default alignment (no #pragma pack); sizes are the same on x86, x64 and ARM64.
 */

#ifndef OVPN_DCO_UAPI_H
#define OVPN_DCO_UAPI_H

#ifdef _KERNEL_MODE
#include <ws2def.h>
#include <ws2ipdef.h>
#else
#include <winsock2.h>
#include <ws2ipdef.h>
#include <winioctl.h>
#endif
#include <stddef.h>

#if defined(__cplusplus)
#define OVPN_DCO_STATIC_ASSERT(expr, msg) static_assert(expr, msg)
#define OVPN_DCO_ALIGNOF(type) alignof(type)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define OVPN_DCO_STATIC_ASSERT(expr, msg) _Static_assert(expr, msg)
#define OVPN_DCO_ALIGNOF(type) _Alignof(type)
#else
#define OVPN_DCO_CONCAT_(a, b) a##b
#define OVPN_DCO_CONCAT(a, b) OVPN_DCO_CONCAT_(a, b)
#define OVPN_DCO_STATIC_ASSERT(expr, msg) typedef char OVPN_DCO_CONCAT(ovpn_dco_static_assert_, __LINE__)[(expr) ? 1 : -1]
#define OVPN_DCO_ALIGNOF(type) __alignof(type)
#endif
#define OVPN_DCO_FIELD_SIZE(type, field) sizeof(((type *)0)->field)


""".Replace("\r\n", "\n"));
    }

    private static string ModesText(int modes)
    {
        var parts = new List<string>();
        if ((modes & 3) == 3)
            parts.Add("P2P or MP");
        else if ((modes & 1) != 0)
            parts.Add("P2P");
        else if ((modes & 2) != 0)
            parts.Add("MP");
        if ((modes & 4) != 0)
            parts.Add("control device");
        return parts.Count == 0 ? "no mode" : string.Join(", ", parts);
    }

    private string BufferText(string? type)
    {
        if (type is null)
            return "-";
        if (_types.TryGetValue(type, out var decl) && decl.CName.Length > 0)
            return decl.CName;
        return type switch
        {
            "sbyte" or "byte" or "short" or "ushort" or "int" or "uint" or "long" or "ulong" => PrimitiveCType(type),
            _ => type.Replace("global::", string.Empty),
        };
    }

    private void WriteIoctls(StringBuilder sb)
    {
        if (_ioctls.Count == 0)
            return;
        sb.Append("/* IOCTLs: CTL_CODE(FILE_DEVICE_UNKNOWN, function, METHOD_BUFFERED, FILE_ANY_ACCESS). */\n");
        foreach (var i in _ioctls)
        {
            sb.Append("/* ").Append(I(i.Function)).Append(": input ").Append(BufferText(i.Input))
                .Append(", output ").Append(BufferText(i.Output)).Append("; ").Append(ModesText(i.Modes))
                .Append(i.Unconfirmed ? "; unconfirmed upstream" : string.Empty).Append(" */\n");
            sb.Append("#define ").Append(i.CName).Append(" CTL_CODE(FILE_DEVICE_UNKNOWN, ").Append(I(i.Function))
                .Append(", METHOD_BUFFERED, FILE_ANY_ACCESS)\n");
        }
        sb.Append('\n');
        foreach (var i in _ioctls)
            Assert(_asserts, $"{i.CName} == 0x{i.Value:X8}");
        _asserts.Append('\n');
    }

    private void WriteEnum(StringBuilder sb, TypeDecl type)
    {
        if (type.Defines)
        {
            sb.Append("/* ").Append(type.CName).Append(" flags */\n");
            foreach (var m in type.Members)
            {
                sb.Append("#define ").Append(MemberCName(type, m)).Append(' ').Append(DefineValue(m.Bits, type.EnumUnderlying)).Append('\n');
            }
            sb.Append('\n');
            return;
        }

        sb.Append("typedef enum _").Append(type.CName).Append(" {\n");
        for (int k = 0; k < type.Members.Length; k++)
        {
            var m = type.Members[k];
            sb.Append("    ").Append(MemberCName(type, m)).Append(" = ").Append(I(unchecked((int)(uint)m.Bits)))
                .Append(k + 1 < type.Members.Length ? ",\n" : "\n");
        }
        sb.Append("} ").Append(type.CName).Append(";\n\n");
        Assert(_asserts, $"sizeof({type.CName}) == 4");
    }

    private static string DefineValue(ulong bits, string underlying)
    {
        bool unsigned = underlying is "byte" or "ushort" or "uint" or "ulong";
        if (bits != 0 && (bits & (bits - 1)) == 0 && bits < (1UL << 31))
        {
            int shift = 0;
            while ((1UL << shift) != bits)
                shift++;
            return $"(1 << {I(shift)})";
        }
        if (!unsigned)
            return I(unchecked((long)bits));
        return underlying == "ulong" ? $"0x{bits:X}ULL" : $"0x{bits:X}u";
    }

    private void WriteExternals(StringBuilder sb)
    {
        var externals = _typeList.Where(t => t.Kind == UapiKind.External).ToList();
        if (externals.Count == 0)
            return;
        _asserts.Append('\n');
        foreach (var t in externals)
        {
            Assert(_asserts, $"sizeof({t.CName}) == {I(SizeOf(t))}");
            Assert(_asserts, $"OVPN_DCO_ALIGNOF({t.CName}) == {I(t.ExternalAlign)}");
            foreach (var f in t.Fields)
            {
                if (f.UapiName is not null && f.Offset >= 0)
                    Assert(_asserts, $"offsetof({t.CName}, {f.UapiName}) == {I(f.Offset)}");
            }
        }
    }

    private static void Assert(StringBuilder sb, string expr)
        => sb.Append("OVPN_DCO_STATIC_ASSERT(").Append(expr).Append(", \"").Append(expr).Append("\");\n");

    private void WriteStructWithDependencies(StringBuilder sb, TypeDecl type, HashSet<string> written)
    {
        if (!written.Add(type.FullName))
            return;
        foreach (var dependency in StructDependencies(type))
            WriteStructWithDependencies(sb, dependency, written);
        WriteStruct(sb, type);
    }

    private IEnumerable<TypeDecl> StructDependencies(TypeDecl type)
    {
        foreach (var f in type.Fields)
        {
            if (f.Type.Kind != FieldKind.Struct || !_types.TryGetValue(f.Type.TypeName, out var decl))
                continue;
            if (decl.Kind == UapiKind.Struct)
                yield return decl;
            else if (decl.Kind == UapiKind.Union)
            {
                foreach (var d in StructDependencies(decl))
                    yield return d;
            }
        }
    }

    private void WriteStruct(StringBuilder sb, TypeDecl type)
    {
        sb.Append("typedef struct _").Append(type.CName).Append(" {\n");
        WriteFields(sb, type, "    ");
        sb.Append("} ").Append(type.CName).Append(", *P").Append(type.CName).Append(";\n\n");
        var asserts = _asserts.Append('\n');
        Assert(asserts, $"sizeof({type.CName}) == {I(SizeOf(type))}");
        Assert(asserts, $"OVPN_DCO_ALIGNOF({type.CName}) == {I(AlignOf(type))}");
        foreach (var f in type.Fields.OrderBy(f => f.Offset))
        {
            string name = f.UapiName ?? f.Name;
            Assert(asserts, $"offsetof({type.CName}, {name}) == {I(f.Offset)}");
            var layout = FieldSize(f);
            if (layout >= 0)
                Assert(asserts, $"OVPN_DCO_FIELD_SIZE({type.CName}, {name}) == {I(layout)}");
        }
    }

    private int FieldSize(FieldDecl f) => f.Type.Kind switch
    {
        FieldKind.Primitive or FieldKind.Enum => f.Type.PrimitiveSize,
        FieldKind.FixedBuffer => f.Type.PrimitiveSize * f.Type.Count,
        FieldKind.Struct when _types.TryGetValue(f.Type.TypeName, out var d) => SizeOf(d),
        _ => -1,
    };

    private void WriteFields(StringBuilder sb, TypeDecl type, string indent)
    {
        foreach (var f in type.Fields.OrderBy(f => f.Offset))
        {
            string name = f.UapiName ?? f.Name;
            switch (f.Type.Kind)
            {
                case FieldKind.FixedBuffer:
                    sb.Append(indent).Append(f.CTypeOverride ?? PrimitiveCType(f.Type.Primitive)).Append(' ').Append(name)
                        .Append('[').Append(I(f.Type.Count)).Append("];\n");
                    break;
                case FieldKind.Primitive:
                    sb.Append(indent).Append(f.CTypeOverride ?? PrimitiveCType(f.Type.Primitive)).Append(' ').Append(name).Append(";\n");
                    break;
                case FieldKind.Enum:
                {
                    string cType = f.CTypeOverride
                        ?? (_types.TryGetValue(f.Type.TypeName, out var e) && !e.Defines ? e.CName : PrimitiveCType(f.Type.Primitive));
                    sb.Append(indent).Append(cType).Append(' ').Append(name).Append(";\n");
                    break;
                }
                case FieldKind.Struct when _types.TryGetValue(f.Type.TypeName, out var d):
                    if (d.Kind == UapiKind.Union)
                    {
                        sb.Append(indent).Append("union {\n");
                        WriteFields(sb, d, indent + "    ");
                        sb.Append(indent).Append("} ").Append(name).Append(";\n");
                    }
                    else
                    {
                        sb.Append(indent).Append(f.CTypeOverride ?? d.CName).Append(' ').Append(name).Append(";\n");
                    }
                    break;
                default:
                    sb.Append(indent).Append("/* unsupported field ").Append(name).Append(" */\n");
                    break;
            }
        }
    }

    internal static string PrimitiveCType(string keyword) => keyword switch
    {
        "sbyte" => "CHAR",
        "byte" => "UCHAR",
        "short" => "SHORT",
        "ushort" => "USHORT",
        "int" => "int",
        "uint" => "UINT32",
        "long" => "LONG64",
        "ulong" => "ULONG64",
        _ => "int",
    };
}
