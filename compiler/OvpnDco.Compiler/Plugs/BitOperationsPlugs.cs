using OvpnDco.Compiler.Lowering;
using OvpnDco.Compiler.Metadata;
using static OvpnDco.Compiler.Plugs.PlugRegistry;

namespace OvpnDco.Compiler.Plugs;

/// <summary>System.Numerics.BitOperations with portable helpers from ovpn_rt.h (no compiler builtins).</summary>
internal static class BitOperationsPlugs
{
    public static void Register(PlugRegistry r)
    {
        const string type = "System.Numerics.BitOperations";
        r.Add(type, "PopCount", c => Int($"ovpn_rt_popcount64({Wide(c[0])})", c));
        r.Add(type, "LeadingZeroCount", c => Is64(c[0])
            ? Int($"ovpn_rt_lzcnt64({Wide(c[0])})", c)
            : Int($"ovpn_rt_lzcnt64({Wide(c[0])}) - 32", c) with { Precedence = Prec.Additive });
        r.Add(type, "TrailingZeroCount", c => Is64(c[0])
            ? Int($"ovpn_rt_tzcnt64({Wide(c[0])})", c)
            : Int($"ovpn_rt_tzcnt64({Wide(c[0])} | (UINT64_C(1) << 32))", c));
        // Log2(0) is 0 in .NET: lzcnt of (v | 1) gives that without a branch.
        r.Add(type, "Log2", c => Int($"63 - ovpn_rt_lzcnt64({Wide(c[0])} | 1u)", c) with { Precedence = Prec.Additive });
        r.Add(type, "IsPow2", c =>
        {
            var v = c.Once(CExprs.Normalize(c[0]));
            var zero = Is64(v) ? "0" : "0";
            return SpanShapes.Bool($"{v.At(Prec.Equality)} > {zero} && ({v.At(Prec.BitAnd)} & ({v.At(Prec.Additive)} - 1)) == 0", v) with { Precedence = Prec.LogicalAnd };
        });
        r.Add(type, "RotateLeft", c => Rotate(c, "rotl"));
        r.Add(type, "RotateRight", c => Rotate(c, "rotr"));
    }

    private static bool Is64(Expr e) => CExprs.Normalize(e).Type.Kind == StackKind.I8;

    private static string Wide(Expr e)
    {
        var n = CExprs.Normalize(e);
        return n.Type.Kind == StackKind.I8 ? CExprs.Coerce(n, CType.U64).Text : CExprs.Coerce(CExprs.Coerce(n, CType.U32), CType.U64).Text;
    }

    private static Expr Int(string text, PlugCall c) => new(text, CType.I32, Prec.Primary) { Impure = c[0].Impure, Reads = c[0].Reads };

    private static Expr Rotate(PlugCall c, string op)
    {
        var v = CExprs.Normalize(c[0]);
        var n = CExprs.As32(c[1], false);
        var is64 = v.Type.Kind == StackKind.I8;
        var value = CExprs.Coerce(v, is64 ? CType.U64 : CType.U32);
        var result = new Expr($"ovpn_rt_{op}{(is64 ? 64 : 32)}({value.Text}, {n.Text})", is64 ? CType.U64 : CType.U32, Prec.Primary)
        { Impure = Expr.AnyImpure(c[0], c[1]), Reads = Expr.Union(c[0], c[1]) };
        var ret = c.ReturnType;
        return ret.Name == result.Type.Name ? result : CExprs.Cast(result, ret);
    }
}
