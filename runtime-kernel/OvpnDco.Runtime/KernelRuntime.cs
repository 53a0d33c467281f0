using System;

namespace OvpnDco.Runtime;

/// <summary>
/// The few runtime services kernel-subset code calls directly. Under .NET they behave like the C runtime
/// does: <see cref="FailFast"/> ends the process (abort in hosted C, bugcheck in the kernel).
/// </summary>
public static class KernelRuntime
{
    /// <summary>Stops everything with <paramref name="reason"/> (a string literal). Never returns.</summary>
    [Import("ovpn_rt_failfast")]
    public static void FailFast(string reason) => Environment.FailFast(reason);
}
