using System.Linq;
using OvpnDco.Compiler.Diagnostics;
using OvpnDco.Compiler.Lowering;
using OvpnDco.Compiler.Metadata;

namespace OvpnDco.Compiler.Plugs;

/// <summary>System.Threading.Interlocked on 32- and 64-bit integers (ovpn_rt_atomic.h: MSVC intrinsics or __atomic).</summary>
internal static class InterlockedPlugs
{
    public static void Register(PlugRegistry r)
    {
        const string type = "System.Threading.Interlocked";
        r.Add(type, "Increment", c => Add(c, "1"));
        r.Add(type, "Decrement", c => Add(c, "-1"));
        r.Add(type, "Add", c => Add(c, null));
        r.Add(type, "Exchange", c => Op(c, "xchg", c[1]));
        r.Add(type, "CompareExchange", c => Op(c, "cmpxchg", c[1], c[2]));
    }

    private static (CType Signed, int Bits, CType Declared) Width(PlugCall c)
    {
        var declared = c.Map(((Mono.Cecil.ByReferenceType)c.Method.Parameters[0].ParameterType).ElementType);
        if (!declared.IsInteger || declared.Size is not (4 or 8))
            throw new CompileError(ErrorCodes.UnsupportedCall, $"Interlocked.{c.Method.Name} on '{declared.Name}' is not supported (32/64-bit integers only)");
        return (declared.Size == 8 ? CType.I64 : CType.I32, declared.Size * 8, declared);
    }

    private static string Pointer(PlugCall c, CType signed) => MethodLowering.Retarget(c[0], signed).Text;

    private static Expr Result(string text, CType signed, CType declared, PlugCall c)
    {
        var e = new Expr(text, signed, Prec.Primary) { PendingCall = true, Impure = true, Reads = Expr.Union(c.Args.ToArray()) };
        return declared.Unsigned ? CExprs.Cast(e, declared) with { PendingCall = true } : e;
    }

    private static Expr Add(PlugCall c, string? constant)
    {
        var (signed, bits, declared) = Width(c);
        var amount = constant ?? CExprs.Coerce(CExprs.Normalize(c[1]), signed).Text;
        if (constant != null && bits == 64)
            amount = $"INT64_C({constant})";
        return Result($"ovpn_rt_interlocked_add{bits}({Pointer(c, signed)}, {amount})", signed, declared, c);
    }

    private static Expr Op(PlugCall c, string op, params Expr[] values)
    {
        var (signed, bits, declared) = Width(c);
        var args = string.Join(", ", System.Linq.Enumerable.Select(values, v => CExprs.Coerce(CExprs.Normalize(v), signed).Text));
        return Result($"ovpn_rt_{op}{bits}({Pointer(c, signed)}, {args})", signed, declared, c);
    }
}
