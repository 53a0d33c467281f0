using System.Linq;
using OvpnDco.Compiler.Diagnostics;
using OvpnDco.Compiler.Metadata;

namespace OvpnDco.Compiler.Lowering;

/// <summary>
/// Integer arithmetic with C# semantics: +, -, * wrap (done in unsigned C types, never signed overflow),
/// division traps where C# throws, shifts are masked like C#, checked forms fail fast on overflow.
/// Pointer arithmetic is byte-based in IL and element-based in C: <c>p + i * sizeof(*p)</c> prints as <c>p + i</c>.
/// </summary>
public sealed partial class MethodLowering
{
    private enum ShiftKind { Left, Right, RightUnsigned }

    private static StackKind ResultKind(Expr a, Expr b)
    {
        var ka = CExprs.KindOf(a);
        var kb = CExprs.KindOf(b);
        if (ka == StackKind.Pointer || kb == StackKind.Pointer)
            return StackKind.Pointer;
        if (ka == StackKind.Native || kb == StackKind.Native)
            return StackKind.Native;
        if (ka == StackKind.I8 || kb == StackKind.I8)
            return StackKind.I8;
        if (ka == StackKind.I4 && kb == StackKind.I4)
            return StackKind.I4;
        throw new CompileError(ErrorCodes.UnsupportedStack, $"arithmetic on '{a.Type.Name}' and '{b.Type.Name}'");
    }

    private static Expr Binary(string op, int prec, Expr a, Expr b, CType type, bool impure = false) =>
        new($"{a.Operand(prec, false)} {op} {b.Operand(prec, true)}", type, prec)
        {
            Impure = impure || Expr.AnyImpure(a, b),
            Reads = Expr.Union(a, b),
            Compound = a.Type.Name == type.Name && a.Precedence >= Prec.Unary ? (a.Text, op, b.Operand(prec, true)) : null,
            IsCConstant = (a.IsCConstant || a.Constant != null) && (b.IsCConstant || b.Constant != null),
        };

    private void Arithmetic(string op, bool unused)
    {
        var b = Pop();
        var a = Pop();
        var kind = ResultKind(a, b);
        if (kind == StackKind.Pointer)
        {
            Push(PointerArithmetic(op, a, b));
            return;
        }
        // Constant folding keeps generated code free of '1 + 2' noise from Debug builds.
        if (a.Constant is long ca && b.Constant is long cb && kind != StackKind.Native)
        {
            var r = op switch { "+" => unchecked(ca + cb), "-" => unchecked(ca - cb), _ => unchecked(ca * cb) };
            Push(CExprs.Constant(r, kind == StackKind.I4 ? CType.I32 : CType.I64));
            return;
        }
        var prec = op == "*" ? Prec.Multiplicative : Prec.Additive;
        if (NaturalRange(op, a, b, kind) is { } range)
        {
            // the result provably fits the signed type: plain C arithmetic has no overflow to guard against
            var sa = CExprs.AsWidth(a, kind, unsigned: false);
            var sb = CExprs.AsWidth(b, kind, unsigned: false);
            Push(Binary(op, prec, sa, sb, sa.Type) with { Range = range });
            return;
        }
        var ua = CExprs.AsWidth(a, kind, unsigned: true);
        var ub = CExprs.AsWidth(b, kind, unsigned: true);
        var result = Binary(op, prec, ua, ub, ua.Type);
        if (op == "*" && (a.SizeOf != null || b.SizeOf != null))
            result = result with { Scaled = (a.SizeOf != null ? b : a, (a.SizeOf ?? b.SizeOf)!) };
        else if (op == "*" && (a.Constant != null || b.Constant != null))
            result = result with { Scaled = (a.Constant != null ? b : a, (a.Constant ?? b.Constant)!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)) };
        Push(result);
    }

    /// <summary>
    /// The bounds of <c>a op b</c> when both operands' bounds are known and every result fits the signed type of
    /// <paramref name="kind"/> (int32 or int64; C's int promotion makes small types int32 here); null otherwise.
    /// </summary>
    private static (long Min, long Max)? NaturalRange(string op, Expr a, Expr b, StackKind kind)
    {
        if (kind is not (StackKind.I4 or StackKind.I8) || a.Bounds is not { } x || b.Bounds is not { } y)
            return null;
        // operands wider than the operation (an int64 value in an int32 add) are not what C would compute
        if (kind == StackKind.I4 && (CExprs.KindOf(a) != StackKind.I4 || CExprs.KindOf(b) != StackKind.I4))
            return null;
        System.Int128 lo, hi;
        switch (op)
        {
            case "+":
                (lo, hi) = ((System.Int128)x.Min + y.Min, (System.Int128)x.Max + y.Max);
                break;
            case "-":
                (lo, hi) = ((System.Int128)x.Min - y.Max, (System.Int128)x.Max - y.Min);
                break;
            default:
                var p = new[] { (System.Int128)x.Min * y.Min, (System.Int128)x.Min * y.Max, (System.Int128)x.Max * y.Min, (System.Int128)x.Max * y.Max };
                (lo, hi) = (p.Min(), p.Max());
                break;
        }
        var (min, max) = kind == StackKind.I4 ? ((System.Int128)int.MinValue, (System.Int128)int.MaxValue) : (long.MinValue, long.MaxValue);
        // an unsigned operand beyond the signed range, or a result outside it, keeps the wrapping form
        if (x.Max > max || y.Max > max || lo < min || hi > max)
            return null;
        return ((long)lo, (long)hi);
    }

    private Expr PointerArithmetic(string op, Expr a, Expr b)
    {
        if (op == "-" && a.Type.IsPointer && b.Type.IsPointer)
        {
            // byte distance between two pointers
            var pa = CExprs.Cast(a, CType.PointerTo(CType.U8));
            var pb = CExprs.Cast(b, CType.PointerTo(CType.U8));
            return new Expr($"(intptr_t)({pa.At(Prec.Additive)} - {pb.At(Prec.Additive + 1)})", CType.NInt, Prec.Unary)
            { Impure = Expr.AnyImpure(a, b), Reads = Expr.Union(a, b) };
        }
        if (op == "*" || (op == "-" && !a.Type.IsPointer))
            throw new CompileError(ErrorCodes.UnsupportedStack, $"pointer arithmetic '{op}' on '{a.Type.Name}' and '{b.Type.Name}'");
        var ptr = a.Type.IsPointer ? a : b;
        var offset = a.Type.IsPointer ? b : a;
        var elementSize = ptr.Type.Pointee is { } pointee ? pointee.Size : -1;
        string? elementName = ptr.Type.Pointee?.Name;
        Expr index;
        if (offset.Scaled is { } scaled && (scaled.Scale == $"sizeof({elementName})" || scaled.Scale == elementSize.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            index = scaled.Index;
        else if (elementSize == 1 || (elementName != null && offset.Constant is long c && elementSize > 0 && c % elementSize == 0))
            index = offset.Constant is long k && elementSize > 1 ? CExprs.Constant(k / elementSize, CType.I32) : offset;
        else
        {
            var bytes = CExprs.Cast(ptr, CType.PointerTo(CType.U8));
            var off = CExprs.AsWidth(offset, StackKind.Native, unsigned: false);
            var sum = $"{bytes.At(Prec.Additive)} {op} {off.At(Prec.Additive + 1)}";
            return new Expr($"({ptr.Type.Name})({sum})", ptr.Type, Prec.Unary)
            { Impure = Expr.AnyImpure(a, b), Reads = Expr.Union(a, b) };
        }
        if (index.WidenedFrom is { } narrow && narrow.Type.Kind == StackKind.I4 && !narrow.Type.Unsigned)
            index = narrow;
        var idx = index.Type.Kind == StackKind.I4 ? CExprs.As32(index, unsigned: false) : CExprs.AsWidth(index, StackKind.Native, false);
        var result = Binary(op, Prec.Additive, ptr with { AddressOf = null }, idx, ptr.Type);
        return op == "+" ? result with { Element = (ptr.At(Prec.Primary), idx.Text) } : result;
    }

    private void Checked(string op, bool unsigned)
    {
        var b = Pop();
        var a = Pop();
        var kind = ResultKind(a, b);
        if (kind == StackKind.Pointer)
        {
            Push(PointerArithmetic(op == "add" ? "+" : op == "sub" ? "-" : "*", a, b));
            return;
        }
        if (op == "mul" && CountTimesSizeOf(a, b) is { } product)
        {
            // stackalloc T[n] with a pointer-sized T: n * sizeof(T) cannot overflow for a small constant n, and
            // it stays a C constant expression (the array size of the stack buffer).
            Push(product with { Type = kind == StackKind.I4 ? CType.U32 : CType.NUInt });
            return;
        }
        if (a.Constant is long ca && b.Constant is long cb && FoldChecked(op, ca, cb, kind, unsigned) is long folded)
        {
            Push(CExprs.Constant(folded, kind == StackKind.I4 ? (unsigned ? CType.U32 : CType.I32) : kind == StackKind.I8 ? (unsigned ? CType.U64 : CType.I64) : (unsigned ? CType.NUInt : CType.NInt)));
            return;
        }
        var suffix = kind switch
        {
            StackKind.I4 => unsigned ? "u32" : "i32",
            StackKind.I8 => unsigned ? "u64" : "i64",
            _ => unsigned ? "u64" : "i64",
        };
        var width = kind == StackKind.I4 ? StackKind.I4 : StackKind.I8;
        var x = CExprs.AsWidth(a, width, unsigned);
        var y = CExprs.AsWidth(b, width, unsigned);
        var call = $"ovpn_rt_{op}_ovf_{suffix}({x.Text}, {y.Text})";
        var e = new Expr(call, x.Type, Prec.Primary) { Impure = true, Reads = Expr.Union(a, b) };
        if (kind == StackKind.Native)
        {
            // native int: checked in 64 bits, then range-checked back to the pointer width.
            var range = unsigned ? "ovpn_rt_range_u64(" + call + ", UINTPTR_MAX)" : "ovpn_rt_range_i64(" + call + ", INTPTR_MIN, INTPTR_MAX)";
            e = new Expr($"({(unsigned ? "uintptr_t" : "intptr_t")}){range}", unsigned ? CType.NUInt : CType.NInt, Prec.Unary)
            { Impure = true, Reads = Expr.Union(a, b) };
        }
        Push(e);
    }

    /// <summary><c>n * sizeof(T)</c> where only C knows sizeof(T), as a C constant expression; null otherwise.</summary>
    private static Expr? CountTimesSizeOf(Expr a, Expr b)
    {
        var size = a.SizeOf != null && a.Constant == null ? a : b.SizeOf != null && b.Constant == null ? b : null;
        var count = size == a ? b : a;
        if (size == null || count.Constant is not long n || n < 0 || n > 65536)
            return null;
        var text = $"{n}u * {size.SizeOf}";
        return new Expr(text, CType.U32, Prec.Multiplicative) { IsCConstant = true, Scaled = (CExprs.Constant(n, CType.I32), size.SizeOf!) };
    }

    /// <summary>Checked arithmetic on two constants, when it cannot overflow on any target (null otherwise).</summary>
    private static long? FoldChecked(string op, long a, long b, StackKind kind, bool unsigned)
    {
        try
        {
            checked
            {
                if (unsigned)
                {
                    ulong x = kind == StackKind.I4 ? (uint)a : (ulong)a, y = kind == StackKind.I4 ? (uint)b : (ulong)b;
                    var r = op == "add" ? x + y : op == "sub" ? x - y : x * y;
                    return kind is StackKind.I4 or StackKind.Native ? (r <= uint.MaxValue ? (long)r : null) : (long)r;
                }
                var s = op == "add" ? a + b : op == "sub" ? a - b : a * b;
                return kind is StackKind.I4 or StackKind.Native ? (s >= int.MinValue && s <= int.MaxValue ? s : null) : s;
            }
        }
        catch (System.OverflowException)
        {
            return null;
        }
    }

    private void Divide(string op, bool unsigned)
    {
        var b = Pop();
        var a = Pop();
        var kind = ResultKind(a, b);
        var x = CExprs.AsWidth(a, kind, unsigned);
        var y = CExprs.AsWidth(b, kind, unsigned);
        var safeDivisor = b.Constant is long c && c != 0 && (unsigned || CExprs.Truncate(c, x.Type) != -1);
        if (safeDivisor)
        {
            Push(Binary(op == "div" ? "/" : "%", Prec.Multiplicative, x, y, x.Type));
            return;
        }
        var suffix = kind switch
        {
            StackKind.I4 => unsigned ? "u32" : "i32",
            StackKind.I8 => unsigned ? "u64" : "i64",
            _ => unsigned ? "nuint" : "nint",
        };
        Push(new Expr($"ovpn_rt_{op}_{suffix}({x.Text}, {y.Text})", x.Type, Prec.Primary)
        { Impure = true, Reads = Expr.Union(a, b) });
    }

    private void Bitwise(string op, int prec)
    {
        var b = CExprs.Normalize(Pop());
        var a = CExprs.Normalize(Pop());
        var kind = ResultKind(a, b);
        if (kind == StackKind.Pointer)
            throw new CompileError(ErrorCodes.UnsupportedStack, "bitwise operation on a pointer (convert to nuint first)");
        if (a.Constant is long ca && b.Constant is long cb && kind != StackKind.Native)
        {
            var r = op switch { "&" => ca & cb, "|" => ca | cb, _ => ca ^ cb };
            Push(CExprs.Constant(r, kind == StackKind.I4 ? CType.I32 : CType.I64));
            return;
        }
        // Same-signed operands stay as they are; mixed ones meet as unsigned (bit patterns are what matter).
        var unsigned = a.Constant != null ? b.Type.Unsigned : b.Constant != null ? a.Type.Unsigned : a.Type.Unsigned || b.Type.Unsigned;
        var x = CExprs.AsWidth(a, kind, unsigned);
        var y = CExprs.AsWidth(b, kind, unsigned);
        var e = Binary(op, prec, x, y, x.Type);
        if (op == "&" && (a.Constant ?? b.Constant) is long mask && mask >= 0)
            e = e with { UpperBound = mask };
        Push(e);
    }

    private void Shift(ShiftKind shift)
    {
        var amount = CExprs.Normalize(Pop());
        var value = CExprs.Normalize(Pop());
        var kind = CExprs.KindOf(value);
        if (kind is not (StackKind.I4 or StackKind.I8 or StackKind.Native))
            throw new CompileError(ErrorCodes.UnsupportedStack, $"shift of '{value.Type.Name}'");
        var unsigned = shift != ShiftKind.Right;
        var v = CExprs.AsWidth(value, kind, unsigned);
        string count;
        if (amount.Constant is long c)
            count = kind == StackKind.Native ? $"({c} & (OVPN_RT_NINT_BITS - 1))" : (c & (kind == StackKind.I4 ? 31 : 63)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        else
        {
            var n = CExprs.AsWidth(amount, StackKind.I4, unsigned: false);
            var width = kind switch { StackKind.I4 => 32, StackKind.I8 => 64, _ => 32 };
            var mask = kind switch { StackKind.I4 => "31", StackKind.I8 => "63", _ => "(OVPN_RT_NINT_BITS - 1)" };
            // C# masks the count; a count already known to be below the width needs no second mask.
            count = n.UpperBound is long bound && bound < width ? n.At(Prec.Shift + 1) : $"({n.At(Prec.BitAnd)} & {mask})";
        }
        var op = shift == ShiftKind.Left ? "<<" : ">>";
        Push(new Expr($"{v.Operand(Prec.Shift, false)} {op} {count}", v.Type, Prec.Shift)
        {
            Impure = Expr.AnyImpure(value, amount), Reads = Expr.Union(value, amount),
            Compound = v.Precedence >= Prec.Unary && v.Type.Name == value.Type.Name ? (v.Text, op, count) : null,
        });
    }

    private void Negate()
    {
        var a = CExprs.Normalize(Pop());
        var kind = CExprs.KindOf(a);
        if (a.Constant is long c && kind != StackKind.Native)
        {
            Push(CExprs.Constant(unchecked(-c), kind == StackKind.I4 ? CType.I32 : CType.I64));
            return;
        }
        var u = CExprs.AsWidth(a, kind, unsigned: true);
        var zero = kind switch { StackKind.I4 => "0u", StackKind.I8 => "UINT64_C(0)", _ => "(uintptr_t)0" };
        Push(new Expr($"{zero} - {u.At(Prec.Additive + 1)}", u.Type, Prec.Additive) { Impure = a.Impure, Reads = a.Reads });
    }

    private void Complement()
    {
        var a = CExprs.Normalize(Pop());
        if (a.Constant is long c && CExprs.KindOf(a) != StackKind.Native)
        {
            Push(CExprs.Constant(~c, CExprs.KindOf(a) == StackKind.I4 ? CType.I32 : CType.I64));
            return;
        }
        Push(new Expr($"~{a.At(Prec.Unary)}", a.Type, Prec.Unary) { Impure = a.Impure, Reads = a.Reads });
    }
}
