using OvpnDco.Runtime;

namespace OvpnDco.Wdk;

[ExternType("WDFTIMER", Header = "wdf.h", IsHandle = true)] public struct WDFTIMER { public nint Value; }

/// <summary>A one-shot timer (Period 0) whose callback runs at DISPATCH_LEVEL (wdftimer.h).</summary>
[ExternType("WDF_TIMER_CONFIG", Header = "wdf.h")]
public unsafe struct WDF_TIMER_CONFIG
{
    public ULONG Size;
    public delegate* unmanaged[Stdcall]<WDFTIMER, void> EvtTimerFunc;
    public ULONG Period;
    public byte AutomaticSerialization;
}

public unsafe interface IWdfTimer
{
    /// <summary>Due time in 100 ns units: negative = relative (WDF_REL_TIMEOUT_IN_MS). True if it was already queued.</summary>
    static abstract bool WdfTimerStart(WDFTIMER timer, long dueTime);

    /// <summary>False when the timer was not queued (already fired or never started).</summary>
    static abstract bool WdfTimerStop(WDFTIMER timer, bool wait);
}

public unsafe partial struct KernelWdk : IWdfTimer
{
    [Import("WDF_TIMER_CONFIG_INIT", Header = "wdf.h")]
    public static extern void WDF_TIMER_CONFIG_INIT(WDF_TIMER_CONFIG* config, delegate* unmanaged[Stdcall]<WDFTIMER, void> evtTimerFunc);
    [Import("WdfTimerCreate", Header = "wdf.h")] public static extern NTSTATUS WdfTimerCreate(WDF_TIMER_CONFIG* config, WDF_OBJECT_ATTRIBUTES* attributes, WDFTIMER* timer);
    [Import("WdfTimerStart", Header = "wdf.h")] public static extern bool WdfTimerStart(WDFTIMER timer, long dueTime);
    [Import("WdfTimerStop", Header = "wdf.h")] public static extern bool WdfTimerStop(WDFTIMER timer, bool wait);
}
