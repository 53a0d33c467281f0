using System.Linq;
using System.Globalization;
using OvpnDco.Compiler.Diagnostics;
using OvpnDco.Compiler.Metadata;

namespace OvpnDco.Compiler.Lowering;

/// <summary>Literals and conversions between C types that keep C# values and avoid needless casts.</summary>
public static class CExprs
{
    public static Expr Constant(long value, CType type)
    {
        var v = Truncate(value, type);
        if (type.EnumNames != null && type.EnumNames.TryGetValue(v, out var name))
            return new Expr(name, type, Prec.Primary) { Constant = v };
        var text = Literal(v, type);
        return new Expr(text, type, text.StartsWith('-') || text.StartsWith('(') ? Prec.Unary : Prec.Primary) { Constant = v };
    }

    /// <summary>The value as the given integer type holds it (C# unchecked conversion).</summary>
    public static long Truncate(long v, CType t) => t.Primitive switch
    {
        "bool" => v != 0 ? 1 : 0,
        "int8_t" => (sbyte)v,
        "uint8_t" => (byte)v,
        "int16_t" => (short)v,
        "uint16_t" => (ushort)v,
        "int32_t" => (int)v,
        "uint32_t" => (uint)v,
        _ => v,
    };

    /// <summary>
    /// A C literal of type <paramref name="t"/>. Unsigned values of 0x10000 and more are bit patterns more often
    /// than counts and print in hex; four printable bytes get their characters in a comment (pool tags).
    /// </summary>
    public static string Literal(long v, CType t) => t.Primitive switch
    {
        "bool" => v != 0 ? "true" : "false",
        "int32_t" => v == int.MinValue ? "INT32_MIN" : v == int.MaxValue ? "INT32_MAX" : IsMask(v) ? HexLiteral(v, t) : v.ToString(CultureInfo.InvariantCulture),
        "uint32_t" when (uint)v >= 0x10000 || IsMask(v) => HexLiteral(v, t) + TagComment((uint)v),
        "uint32_t" => ((uint)v).ToString(CultureInfo.InvariantCulture) + "u",
        "int64_t" => v == long.MinValue ? "INT64_MIN" : $"INT64_C({v.ToString(CultureInfo.InvariantCulture)})",
        "uint64_t" when (ulong)v >= 0x10000 => HexLiteral(v, t),
        "uint64_t" => $"UINT64_C({((ulong)v).ToString(CultureInfo.InvariantCulture)})",
        "intptr_t" => $"(intptr_t){(v < 0 ? "(" + v.ToString(CultureInfo.InvariantCulture) + ")" : v.ToString(CultureInfo.InvariantCulture))}",
        "uintptr_t" => $"(uintptr_t){((ulong)v).ToString(CultureInfo.InvariantCulture)}u",
        _ => v.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A mask of the low bits (0xFFFF, 0xFFFFFF): a bit pattern, though small enough for decimal.</summary>
    private static bool IsMask(long v) => v >= 0xFFFF && v <= uint.MaxValue && (v & (v + 1)) == 0;

    /// <summary>The value's bit pattern in hex, typed: <c>0xC000000Du</c> cast to a signed type when needed.</summary>
    public static string HexLiteral(long v, CType t) => t.Primitive switch
    {
        "int8_t" or "int16_t" or "int32_t" => v < 0 ? $"(int32_t)0x{(uint)v:X8}u" : $"0x{v:X}",
        "uint8_t" or "uint16_t" or "uint32_t" => $"0x{(uint)v:X}u",
        "int64_t" => v < 0 ? $"(int64_t)UINT64_C(0x{(ulong)v:X16})" : $"INT64_C(0x{v:X})",
        "uint64_t" => $"UINT64_C(0x{(ulong)v:X})",
        _ => Literal(v, t),
    };

    /// <summary><c> /* 'OvTb' */</c> when the four bytes, lowest first (as a pool tag is written), are letters or digits.</summary>
    private static string TagComment(uint v)
    {
        var bytes = new[] { (char)(v & 0xFF), (char)((v >> 8) & 0xFF), (char)((v >> 16) & 0xFF), (char)(v >> 24) };
        return bytes.All(char.IsAsciiLetterOrDigit) ? $" /* '{new string(bytes)}' */" : "";
    }

    /// <summary>Converting from → to keeps every value without a cast (C's implicit conversion is exact).</summary>
    public static bool IsSafeWidening(CType from, CType to)
    {
        if (!from.IsInteger || !to.IsInteger)
            return false;
        if (from.IsBool)
            return !to.IsBool;
        if (to.IsBool)
            return false;
        int fs = from.Size, ts = to.Size;
        if (ts < 0)
            ts = 4; // pointer-sized: at least 4 bytes on every target we build for
        if (fs < 0)
            return false;
        if (from.Unsigned == to.Unsigned)
            return ts >= fs && !(to.Size < 0 && from.Size == 8);
        return from.Unsigned && !to.Unsigned && ts > fs;
    }

    public static Expr Cast(Expr e, CType to) =>
        new($"({to.Name}){e.At(Prec.Unary)}", to, Prec.Unary)
        {
            Impure = e.Impure, Reads = e.Reads, PendingCall = e.PendingCall,
            // a small non-negative value survives any integer cast unchanged
            UpperBound = e.UpperBound is long b && b <= 127 && to.IsInteger ? b : null,
        };

    /// <summary>
    /// The expression as a value of <paramref name="to"/>. An operand gets a cast whenever its C type differs
    /// (its Type must stay the real C type of the text); a store, argument or return (<paramref name="assignment"/>)
    /// relies on C's implicit conversion where that conversion is exact.
    /// </summary>
    public static Expr Coerce(Expr e, CType to, bool assignment = false)
    {
        if (e.Type.Name == to.Name)
            return e;
        if (to.Kind == StackKind.Struct || e.Type.Kind == StackKind.Struct)
        {
            if (to.Name == e.Type.Name)
                return e;
            throw new CompileError(ErrorCodes.UnsupportedStack, $"cannot convert '{e.Type.Name}' to '{to.Name}'");
        }
        if (e.Constant is long c)
        {
            if (to.IsInteger)
                return Constant(c, to);
            if (to.IsPointer && c == 0)
                return new Expr("NULL", to, Prec.Primary);
        }
        if (to.IsBool)
            return e.IsBoolean
                ? e with { Type = to }
                : new Expr($"{e.Operand(Prec.Equality, false)} != 0", to, Prec.Equality)
                { Impure = e.Impure, Reads = e.Reads, IsBoolean = true, PendingCall = e.PendingCall };
        // Small types promote to int in every C expression, so int32_t is their honest operand type.
        var promotes = to.Primitive == "int32_t" && e.Type.Size is > 0 and < 4;
        if (IsSafeWidening(e.Type, to) && (assignment || promotes))
            return e with { Type = to, Constant = null, IsBoolean = e.IsBoolean && to.Size <= 4 };
        if (e.Type.IsPointer && to.IsPointer && to.Name == "void *")
            return e with { Type = to, AddressOf = null, Element = null };
        return Cast(e, to);
    }

    /// <summary>An I4 stack value as int32_t/uint32_t (small types promoted without a cast).</summary>
    public static Expr As32(Expr e, bool unsigned) => Coerce(Normalize(e), unsigned ? CType.U32 : CType.I32);

    /// <summary>Small integer types on the stack behave as int32 (ECMA-335 widening on load).</summary>
    public static Expr Normalize(Expr e)
    {
        var t = e.Type;
        if (t.IsInteger && t.Size >= 0 && t.Size < 4)
            return Coerce(e, CType.I32);
        if (t.IsInteger && t.Size == 4 && t.Name != t.Primitive)
            return e with { Type = t.Unsigned ? CType.U32 : CType.I32 };
        if (t.IsInteger && t.Size == 8 && t.Name != t.Primitive)
            return e with { Type = t.Unsigned ? CType.U64 : CType.I64 };
        return e;
    }

    /// <summary>The width class of a stack value for arithmetic.</summary>
    public static StackKind KindOf(Expr e) => e.Type.Kind switch
    {
        StackKind.I4 => StackKind.I4,
        StackKind.I8 => StackKind.I8,
        StackKind.Native => StackKind.Native,
        StackKind.Pointer => StackKind.Pointer,
        _ => e.Type.Kind,
    };

    /// <summary>An integer value of the given width and sign; an I4 widened to native int is sign-extended first.</summary>
    public static Expr AsWidth(Expr e, StackKind kind, bool unsigned)
    {
        e = Normalize(e);
        switch (kind)
        {
            case StackKind.I4:
                return Coerce(e, unsigned ? CType.U32 : CType.I32);
            case StackKind.I8:
                return Coerce(e, unsigned ? CType.U64 : CType.I64);
            case StackKind.Native:
                if (e.Type.Kind == StackKind.I4 && e.Type.Unsigned && e.Constant == null)
                    e = Coerce(e, CType.I32); // ECMA: an int32 meeting a native int is sign-extended
                if (e.Type.IsPointer)
                    return Cast(e, unsigned ? CType.NUInt : CType.NInt);
                return Coerce(e, unsigned ? CType.NUInt : CType.NInt);
            default:
                return e;
        }
    }
}
