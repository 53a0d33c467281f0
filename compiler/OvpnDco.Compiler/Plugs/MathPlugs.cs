using OvpnDco.Compiler.Diagnostics;
using OvpnDco.Compiler.Lowering;
using OvpnDco.Compiler.Metadata;

namespace OvpnDco.Compiler.Plugs;

/// <summary>System.Math: Min, Max, Abs, Clamp on integers (Abs of MinValue fails fast like C# throws).</summary>
internal static class MathPlugs
{
    public static void Register(PlugRegistry r)
    {
        r.Add("System.Math", "Min", c => Select(c, "<"));
        r.Add("System.Math", "Max", c => Select(c, ">"));
        r.Add("System.Math", "Abs", Abs);
        r.Add("System.Math", "Clamp", Clamp);
    }

    private static CType Operand(PlugCall c)
    {
        var t = c.Map(c.Method.Parameters[0].ParameterType);
        if (!t.IsInteger)
            throw new CompileError(ErrorCodes.FloatingPoint, $"Math.{c.Method.Name} on '{t.Name}' is not supported in kernel code");
        return t;
    }

    private static Expr Select(PlugCall c, string op)
    {
        var t = Operand(c);
        var a = c.Once(CExprs.Coerce(c[0], t, assignment: true) with { Type = t }, "a");
        var b = c.Once(CExprs.Coerce(c[1], t, assignment: true) with { Type = t }, "b");
        return new Expr($"{a.At(Prec.Relational)} {op} {b.At(Prec.Relational + 1)} ? {a.At(Prec.Conditional + 1)} : {b.At(Prec.Conditional)}", t, Prec.Conditional)
        { Impure = Expr.AnyImpure(a, b), Reads = Expr.Union(a, b) };
    }

    private static Expr Abs(PlugCall c)
    {
        var t = Operand(c);
        var wide = t.Size == 8 ? "i64" : "i32";
        var v = CExprs.Coerce(CExprs.Normalize(c[0]), t.Size == 8 ? CType.I64 : CType.I32);
        var e = new Expr($"ovpn_rt_abs_{wide}({v.Text})", t.Size == 8 ? CType.I64 : CType.I32, Prec.Primary) { Impure = true, Reads = v.Reads };
        return t.Size < 4 ? CExprs.Cast(e, t) : e;
    }

    private static Expr Clamp(PlugCall c)
    {
        var t = Operand(c);
        var v = c.Once(CExprs.Coerce(c[0], t, assignment: true) with { Type = t });
        var lo = c.Once(CExprs.Coerce(c[1], t, assignment: true) with { Type = t });
        var hi = c.Once(CExprs.Coerce(c[2], t, assignment: true) with { Type = t });
        c.Statement($"if ({lo.At(Prec.Relational)} > {hi.At(Prec.Relational + 1)}) ovpn_rt_failfast(\"Math.Clamp: min > max\");");
        return new Expr($"{v.At(Prec.Relational)} < {lo.At(Prec.Relational + 1)} ? {lo.Text} : {v.At(Prec.Relational)} > {hi.At(Prec.Relational + 1)} ? {hi.Text} : {v.Text}", t, Prec.Conditional)
        { Impure = true, Reads = Expr.Union(v, lo, hi) };
    }
}
