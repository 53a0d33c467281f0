using OvpnDco.Wdk;

namespace OvpnDco.Driver.Kernel;

/// <summary>The device's one-shot WDFTIMER (created at EvtDriverDeviceAdd; its callback runs Driver.OnTimer).</summary>
public unsafe partial struct WindowsPlatform<TWdk, TKm>
{
    /// <summary>Re-arms the timer for <paramref name="dueMs"/> (interrupt-time milliseconds): a relative due time.</summary>
    public static void TimerArm(nint context, long dueMs)
    {
        var ctx = (DeviceContext*)context;
        if (ctx->Timer.Value == 0)
            return; // the control device's state has no timer (it only answers GET_VERSION)
        long delay = dueMs - NowMs();
        if (delay < 0)
            delay = 0;
        // WDF_REL_TIMEOUT_IN_MS: negative 100 ns units. Re-starting a queued timer moves it.
        _ = TWdk.WdfTimerStart(ctx->Timer, -delay * 10000);
    }

    /// <summary>Called with the driver's lock held (DISPATCH_LEVEL): never waits for a running callback.</summary>
    public static void TimerCancel(nint context)
    {
        var ctx = (DeviceContext*)context;
        if (ctx->Timer.Value != 0)
            _ = TWdk.WdfTimerStop(ctx->Timer, false);
    }
}
