using OvpnDco.Compiler.Lowering;

namespace OvpnDco.Compiler.Plugs;

/// <summary>
/// System.Threading.Thread.SpinWait: the processor's spin-loop hint (YieldProcessor in the kernel, pause/yield hosted),
/// repeated the given number of times (ovpn_rt_atomic.h). Nothing else of Thread exists in kernel code.
/// </summary>
internal static class ThreadPlugs
{
    public static void Register(PlugRegistry r)
    {
        r.Add("System.Threading.Thread", "SpinWait", c =>
        {
            c.Statement($"ovpn_rt_spin_wait({CExprs.Coerce(c[0], Metadata.CType.I32).Text});");
            return null;
        });
    }
}
