namespace OvpnDco.Runtime;

/// <summary>
/// Interrupt request levels a driver routine is contracted to, as the WDK numbers them (wdm.h: PASSIVE_LEVEL 0,
/// APC_LEVEL 1, DISPATCH_LEVEL 2). Higher levels are not used by code this runtime compiles.
/// </summary>
public enum KIrql : byte
{
    /// <summary>PASSIVE_LEVEL: threads; may wait, touch paged memory and call every API.</summary>
    Passive = 0,

    /// <summary>APC_LEVEL: no APCs; paged memory is still allowed.</summary>
    Apc = 1,

    /// <summary>DISPATCH_LEVEL: DPCs, timers, spin-lock holders, the WSK and NetAdapterCx data path; no waits, no paged memory.</summary>
    Dispatch = 2,
}
