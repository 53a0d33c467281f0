using OvpnDco.Driver.Binding;
using OvpnDco.Driver.Platform;
using OvpnDco.Wdk;

namespace OvpnDco.Driver.Kernel;

/// <summary>
/// The Windows kernel platform: what <see cref="BoundPlatform{TImports}"/> needs, written on the WDK bindings and
/// generic over them, so the same logic runs in managed tests on a simulated WDK (tests/OvpnDco.Kernel.Tests) and
/// compiles to direct WDK calls as <c>WindowsPlatform&lt;KernelWdk&gt;</c>. The platform context of a device is its
/// <see cref="DeviceContext"/>. This file: memory, locks, time, processor; the other parts are beside it.
/// </summary>
public unsafe partial struct WindowsPlatform<TWdk, TKm> : IPlatformImports
    where TWdk : IWdk
    where TKm : IKmBackend
{
    /// <summary>Non-paged, zeroed (ExAllocatePool2 zeroes unless asked not to).</summary>
    public static void* Alloc(nuint size, uint tag) => TWdk.ExAllocatePool2(POOL_FLAGS.POOL_FLAG_NON_PAGED, size, tag);

    public static void Free(void* memory, uint tag)
    {
        if (memory != null)
            TWdk.ExFreePoolWithTag(memory, tag);
    }

    /// <summary>An EX_SPIN_LOCK in its own pool allocation (zeroed = released); 0 or -1 (no memory).</summary>
    public static int LockInit(nint* handle)
    {
        var l = (EX_SPIN_LOCK*)Alloc((nuint)sizeof(EX_SPIN_LOCK), KernelTags.Lock);
        *handle = (nint)l;
        return l == null ? -1 : 0;
    }

    public static byte LockAcquire(nint handle) => TWdk.ExAcquireSpinLockExclusive((EX_SPIN_LOCK*)handle);

    public static void LockRelease(nint handle, byte previous) => TWdk.ExReleaseSpinLockExclusive((EX_SPIN_LOCK*)handle, previous);

    public static byte LockAcquireShared(nint handle) => TWdk.ExAcquireSpinLockShared((EX_SPIN_LOCK*)handle);

    public static void LockReleaseShared(nint handle, byte previous) => TWdk.ExReleaseSpinLockShared((EX_SPIN_LOCK*)handle, previous);

    public static void LockDestroy(nint* handle)
    {
        Free((void*)*handle, KernelTags.Lock);
        *handle = 0;
    }

    /// <summary>Interrupt time (100 ns since boot, monotonic) in milliseconds.</summary>
    public static long NowMs() => (long)(TWdk.KeQueryInterruptTime() / 10000);

    public static int CurrentProcessor() => (int)TWdk.KeGetCurrentProcessorIndex();

    // The message is a string literal from the driver, passed through to the C trace sink as a C string.
#pragma warning disable OVD0009
    public static void Trace(TraceLevel level, string message, long a, long b) => TKm.Trace(level, message, a, b);
#pragma warning restore OVD0009
}
