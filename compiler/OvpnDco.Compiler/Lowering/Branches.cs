using System.Linq;
using Mono.Cecil.Cil;
using OvpnDco.Compiler.Diagnostics;
using OvpnDco.Compiler.Metadata;

namespace OvpnDco.Compiler.Lowering;

/// <summary>Comparisons, conditional and unconditional branches, switch and return.</summary>
public sealed partial class MethodLowering
{
    private static string Negated(string op) => op switch
    {
        "==" => "!=",
        "!=" => "==",
        "<" => ">=",
        ">=" => "<",
        ">" => "<=",
        "<=" => ">",
        _ => throw new System.ArgumentException(op),
    };

    /// <summary>Both operands as one comparable C type (signedness from the opcode, not from the C types).</summary>
    private (Expr A, Expr B) Comparable(Expr a, Expr b, bool unsigned, bool equality)
    {
        a = CExprs.Normalize(a);
        b = CExprs.Normalize(b);
        if (a.Type.IsPointer || b.Type.IsPointer)
        {
            if (a.Type.IsPointer && b.Type.IsPointer)
                return a.Type.Name == b.Type.Name || b.Constant == 0 || a.Constant == 0
                    ? (a with { AddressOf = null }, b with { AddressOf = null })
                    : (CExprs.Cast(a, CType.NUInt), CExprs.Cast(b, CType.NUInt));
            var other = a.Type.IsPointer ? b : a;
            if (other.Constant == 0)
                return a.Type.IsPointer ? (a, CExprs.Coerce(b, a.Type)) : (CExprs.Coerce(a, b.Type), b);
            var pa = a.Type.IsPointer ? CExprs.Cast(a, CType.NUInt) : CExprs.AsWidth(a, StackKind.Native, true);
            var pb = b.Type.IsPointer ? CExprs.Cast(b, CType.NUInt) : CExprs.AsWidth(b, StackKind.Native, true);
            return (pa, pb);
        }
        var kind = ResultKind(a, b);
        if (equality)
        {
            // Equality only needs equal widths; keep the operands' own types when they already agree.
            if (a.Type.Name == b.Type.Name && a.Type.IsInteger)
                return (a, b);
            if (a.Constant != null && b.Type.IsInteger && CExprs.KindOf(b) == kind)
                return (CExprs.Coerce(a, b.Type), b);
            if (b.Constant != null && a.Type.IsInteger && CExprs.KindOf(a) == kind)
                return (a, CExprs.Coerce(b, a.Type));
            return (CExprs.AsWidth(a, kind, true), CExprs.AsWidth(b, kind, true));
        }
        return (CExprs.AsWidth(a, kind, unsigned), CExprs.AsWidth(b, kind, unsigned));
    }

    private Expr Comparison(string op, Expr a, Expr b, bool unsigned)
    {
        var (x, y) = Comparable(a, b, unsigned, op is "==" or "!=");
        if (op is "==" or "!=")
        {
            // An enum tested against a constant: the constant by its member's name (r == TcpFrameResult_BadLength,
            // not r == 2). Roslyn types the constant int; the other operand still knows its enum.
            x = EnumMemberOf(x, b.Type.EnumNames != null ? b.Type : a.Type);
            y = EnumMemberOf(y, a.Type.EnumNames != null ? a.Type : b.Type);
        }
        var prec = op is "==" or "!=" ? Prec.Equality : Prec.Relational;
        return new Expr($"{x.Operand(prec, false)} {op} {y.Operand(prec, true)}", CType.I32, prec)
        {
            Impure = Expr.AnyImpure(a, b),
            Reads = Expr.Union(a, b),
            IsBoolean = true,
            NegatedText = $"{x.Operand(prec, false)} {Negated(op)} {y.Operand(prec, true)}",
        };
    }

    /// <summary>
    /// A constant that is a member of <paramref name="enumType"/>, written as that member's name; a negative one only
    /// for an enum of a signed type (an unsigned enum's large members reach IL as negative int32 constants).
    /// </summary>
    private static Expr EnumMemberOf(Expr constant, CType enumType)
    {
        if (constant.Constant is long v && (v >= 0 || enumType.Unsigned == false && enumType.Primitive is "int32_t" or "int64_t" or "int16_t" or "int8_t")
            && enumType.EnumNames != null && constant.Type.EnumNames == null
            && enumType.EnumNames.TryGetValue(v, out var name))
            return constant with { Text = name, Precedence = Prec.Primary };
        return constant;
    }

    private void Compare(string op, bool unsigned)
    {
        var b = Pop();
        var a = Pop();
        // 'x != null' comes out as cgt.un against null.
        if (op == ">" && unsigned && (b.Constant == 0 || b.Text == "NULL"))
            op = "!=";
        // ceq with 0 on a comparison is the compiler's way to write '!'
        if (op == "==" && b.Constant == 0 && a.IsBoolean && a.NegatedText != null)
        {
            Push(a with { Text = a.NegatedText, NegatedText = a.Text });
            return;
        }
        Push(Comparison(op, a, b, unsigned));
    }

    private string Condition(Expr value, bool whenTrue)
    {
        if (value.IsBoolean)
            return whenTrue ? value.Text : value.NegatedText ?? $"!{value.At(Prec.Unary)}";
        if (value.Type.IsBool)
            return whenTrue ? value.Text : $"!{value.At(Prec.Unary)}";
        // An enum tested for zero (brtrue/brfalse): against the member that is zero, by name.
        if (value.Type.EnumNames != null && value.Type.EnumNames.TryGetValue(0, out var zero))
            return $"{value.Operand(Prec.Equality, false)} {(whenTrue ? "!=" : "==")} {zero}";
        value = CExprs.Normalize(value);
        if (value.Type.IsPointer)
            return $"{value.Operand(Prec.Equality, false)} {(whenTrue ? "!=" : "==")} NULL";
        if (value.Type.IsBool)
            return whenTrue ? value.Text : $"!{value.At(Prec.Unary)}";
        return $"{value.Operand(Prec.Equality, false)} {(whenTrue ? "!=" : "==")} 0";
    }

    private void BranchOnValue(bool whenTrue, Instruction target)
    {
        var value = Pop();
        // A call tested by the branch stays in the condition (if (!ovpn_x_is_success(status))) unless stack values
        // must be stored for the join first: then it is evaluated before them, as IL orders it.
        if (value.PendingCall && _stack.Count > 0)
            value = Materialize(value) with { PendingCall = false };
        if (value.Constant is long c)
        {
            if ((c != 0) == whenTrue)
                Goto(target);
            return;
        }
        BranchIf(Condition(value, whenTrue), target, Condition(value, !whenTrue));
    }

    private void BranchCompare(string op, bool unsigned, Instruction target)
    {
        var b = Pop();
        var a = Pop();
        // bne.un/bge.un/... : '.un' means unsigned (or unordered for floats, which we do not have).
        var compareUnsigned = unsigned && op != "!=";
        var comparison = Comparison(op, a, b, compareUnsigned);
        BranchIf(comparison.Text, target, comparison.NegatedText);
    }

    private void Switch(Instruction[] targets)
    {
        var value = CExprs.As32(Pop(), unsigned: true);
        foreach (var t in targets.Distinct())
            FlushStackTo(t.Offset);
        _stmts.Add(new SwitchStmt(value.Text, targets.Select((_, i) => $"{i}u").ToList(),
            targets.Select(t => Label(t.Offset)).ToList(), null));
    }

    private void Return()
    {
        var type = _c.Types.Map(_m.ReturnType);
        if (type == CType.Void)
        {
            _stmts.Add(new ReturnStmt("return;"));
        }
        else
        {
            var value = Pop();
            if (value.StringLiteral != null || value.ArrayLength != null)
                throw new CompileError(ErrorCodes.Strings, "returning a string or an array is not supported in kernel code");
            _stmts.Add(new ReturnStmt($"return {CExprs.Coerce(value, type, assignment: true).Text};"));
        }
        if (_stack.Count != 0)
            throw new CompileError(ErrorCodes.UnsupportedStack, "stack not empty at return");
        _reachable = false;
    }
}
