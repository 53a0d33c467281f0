using System.Collections.Generic;
using OvpnDco.Compiler.Metadata;

namespace OvpnDco.Compiler.Lowering;

/// <summary>C operator precedence levels (higher binds tighter).</summary>
public static class Prec
{
    public const int Comma = 1;
    public const int Assign = 2;
    public const int Conditional = 3;
    public const int LogicalOr = 4;
    public const int LogicalAnd = 5;
    public const int BitOr = 6;
    public const int BitXor = 7;
    public const int BitAnd = 8;
    public const int Equality = 9;
    public const int Relational = 10;
    public const int Shift = 11;
    public const int Additive = 12;
    public const int Multiplicative = 13;
    public const int Unary = 15;
    public const int Primary = 16;
}

/// <summary>
/// One value on the simulated IL stack: C text plus what lowering needs to keep C# semantics when it
/// folds stack values into expressions instead of temporaries.
/// </summary>
public sealed record Expr(string Text, CType Type, int Precedence)
{
    /// <summary>Reads memory, may trap (bounds, division, overflow) or is otherwise order-sensitive.</summary>
    public bool Impure { get; init; }

    /// <summary>A pending call to a method that stores nothing (<see cref="Purity"/>): it cannot change what was read before it.</summary>
    public bool ReadOnlyCall { get; init; }

    /// <summary>Locals and arguments this expression reads (a store to one of them must spill it first).</summary>
    public IReadOnlySet<string> Reads { get; init; } = Empty;

    /// <summary>Integer constant value, when this is a literal.</summary>
    public long? Constant { get; init; }

    /// <summary>When this expression is <c>&amp;X</c>: the lvalue X (so <c>*e</c> prints as X, <c>e->f</c> as X.f).</summary>
    public string? AddressOf { get; init; }

    /// <summary><c>index * scale</c>, remembered so <c>p + index * sizeof(*p)</c> prints as <c>p + index</c>.</summary>
    public (Expr Index, string Scale)? Scaled { get; init; }

    /// <summary>For <c>p + i</c>: the base and the index, so <c>*(p + i)</c> prints as <c>p[i]</c>.</summary>
    public (string Base, string Index)? Element { get; init; }

    /// <summary>conv.i of an int32: the int32 itself (C converts an int index to ptrdiff_t on its own).</summary>
    public Expr? WidenedFrom { get; init; }

    /// <summary>A known upper bound of a non-negative value (e.g. <c>x &amp; 63</c>): shift counts under the width need no mask.</summary>
    public long? UpperBound { get; init; }

    /// <summary>
    /// Bounds the value is known to lie in (a span's length, a masked value, a sum of such): signed arithmetic on
    /// values whose result provably fits prints as plain C (<c>len - 12</c>), with no unsigned detour.
    /// </summary>
    public (long Min, long Max)? Range { get; init; }

    /// <summary>The bounds of the value: <see cref="Range"/>, a constant, or what its C type can hold when small.</summary>
    public (long Min, long Max)? Bounds =>
        Constant is long c ? (c, c)
        : Range is { } r ? r
        : UpperBound is long u && u >= 0 ? (0, u)
        : Type.Primitive switch
        {
            "bool" => (0, 1),
            "uint8_t" => (0, byte.MaxValue),
            "int8_t" => (sbyte.MinValue, sbyte.MaxValue),
            "uint16_t" => (0, ushort.MaxValue),
            "int16_t" => (short.MinValue, short.MaxValue),
            _ => null,
        };

    /// <summary>A C integer constant expression (literals, sizeof and arithmetic of them): usable as an array size.</summary>
    public bool IsCConstant { get; init; }

    /// <summary>This is <c>sizeof(T)</c> (as an int32 on the stack).</summary>
    public string? SizeOf { get; init; }

    /// <summary>0/1 result of a comparison: can be stored into a bool as it is.</summary>
    public bool IsBoolean { get; init; }

    /// <summary>For a binary operation: its left operand's text, the operator and the right operand's text, so a
    /// store of <c>x op y</c> into x prints as <c>x op= y</c>.</summary>
    public (string Left, string Op, string Right)? Compound { get; init; }

    /// <summary>An assignment of this value to <paramref name="lvalue"/>, compound when it reads the same lvalue.</summary>
    public string AssignTo(string lvalue) =>
        Compound is { } c && c.Left == lvalue
            ? c.Op is "+" or "-" && c.Right is "1" or "1u" or "UINT64_C(1)" or "INT64_C(1)" ? $"{lvalue}{c.Op}{c.Op};" : $"{lvalue} {c.Op}= {c.Right};"
            : $"{lvalue} = {Text};";

    /// <summary>For comparisons: the same test inverted (<c>a &gt;= b</c> for <c>a &lt; b</c>).</summary>
    public string? NegatedText { get; init; }

    /// <summary>A string literal (ldstr), only consumed by calls that accept literals.</summary>
    public string? StringLiteral { get; init; }

    /// <summary>A static array table: its length (ldlen) and element type.</summary>
    public int? ArrayLength { get; init; }

    /// <summary>ldtoken of a field with RVA data (for InitializeArray/CreateSpan).</summary>
    public Mono.Cecil.FieldReference? Token { get; init; }

    /// <summary>
    /// A span value whose pointer and length can be spelled separately (each without side effects other than an
    /// idempotent bounds check), so a plug that needs both reads them in place instead of through a temporary.
    /// </summary>
    public (string Ptr, string Len)? SpanParts { get; init; }

    /// <summary>For <c>s.Slice(start)</c> of a reusable span: the span and the start, so a fixed-size read of the slice
    /// checks <c>start..start+size</c> of <c>s</c> once.</summary>
    public (Expr Span, Expr Start)? SliceFrom { get; init; }

    /// <summary>What the value is, for the name of a temporary that must hold it (<c>status</c>, <c>peer</c>).</summary>
    public string? Hint { get; init; }

    /// <summary>A call whose result has not been stored yet; must be consumed at once or spilled.</summary>
    public bool PendingCall { get; init; }

    public static readonly IReadOnlySet<string> Empty = new HashSet<string>();

    public bool IsSimple => !Impure && !PendingCall;

    public override string ToString() => Text;

    /// <summary>The text, parenthesised when it binds looser than <paramref name="context"/> needs.</summary>
    public string At(int context) => Precedence < context ? "(" + Text + ")" : Text;

    /// <summary>
    /// The text as an operand of a binary operator of precedence <paramref name="prec"/>. Besides what C needs,
    /// operands of bitwise, shift and comparison operators that are themselves binary get parentheses, as
    /// gcc's -Wparentheses and a reader want.
    /// </summary>
    public string Operand(int prec, bool right)
    {
        if (Precedence >= Prec.Unary)
            return Text;
        if (prec is Prec.Additive or Prec.Multiplicative)
            return At(right ? prec + 1 : prec);
        return Precedence == prec && !right && prec is Prec.BitAnd or Prec.BitOr or Prec.BitXor ? Text : "(" + Text + ")";
    }

    public static IReadOnlySet<string> Union(params Expr[] parts)
    {
        HashSet<string>? set = null;
        foreach (var p in parts)
        {
            if (p.Reads.Count == 0)
                continue;
            set ??= new HashSet<string>();
            set.UnionWith(p.Reads);
        }
        return set ?? Empty;
    }

    public static bool AnyImpure(params Expr[] parts)
    {
        foreach (var p in parts)
            if (p.Impure || p.PendingCall)
                return true;
        return false;
    }
}
