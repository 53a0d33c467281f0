using OvpnDco.Compiler.Lowering;
using OvpnDco.Compiler.Metadata;

namespace OvpnDco.Compiler.Plugs;

/// <summary>System.Threading.Volatile: volatile-qualified accesses.</summary>
internal static class VolatilePlugs
{
    public static void Register(PlugRegistry r)
    {
        r.Add("System.Threading.Volatile", "Read", c =>
        {
            var t = c.ReturnType;
            return new Expr($"OVPN_RT_VOLATILE_READ({t.Name}, {c[0].Text})", t, Prec.Primary) { Impure = true, PendingCall = true, Reads = c[0].Reads };
        });
        r.Add("System.Threading.Volatile", "Write", c =>
        {
            var t = c.Map(((Mono.Cecil.ByReferenceType)c.Method.Parameters[0].ParameterType).ElementType);
            c.Statement($"OVPN_RT_VOLATILE_WRITE({t.Name}, {c[0].Text}, {CExprs.Coerce(c[1], t, assignment: true).Text});");
            return null;
        });
    }
}
