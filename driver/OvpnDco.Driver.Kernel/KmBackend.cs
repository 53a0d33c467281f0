using OvpnDco.Driver.Binding;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime;
using OvpnDco.Wdk;

namespace OvpnDco.Driver.Kernel;

/// <summary>The platform's C backend surface (runtime-kernel/km), a type parameter like the WDK so tests simulate it.</summary>
public unsafe interface IKmBackend
{
    static abstract void Trace(TraceLevel level, string message, long a, long b);
}

/// <summary>
/// What runtime-kernel/km still provides in C (ovpn_km.h): the WDF context slot (WDF_DECLARE_CONTEXT_TYPE is a macro
/// that defines static type information). The WSK transport is C# (<see cref="WskTransport{TWdk, TKm}"/>).
/// Tracing is the generated TraceLogging events (<see cref="DriverTrace{TPlatform}"/>).
/// </summary>
public unsafe struct KmBackend : IKmBackend
{
    /// <summary>WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE with the one-pointer context type of ovpn_km.c.</summary>
    [Import("ovpn_km_context_attributes_init", Header = "ovpn_km.h")] public static extern void ContextAttributesInit(WDF_OBJECT_ATTRIBUTES* attributes);

    /// <summary>The pointer slot in an object's context (created with <see cref="ContextAttributesInit"/>).</summary>
    [Import("ovpn_km_context_slot", Header = "ovpn_km.h")] public static extern void** ContextSlot(WDFOBJECT obj);

    /// <summary>
    /// The platform's trace line as the generated TraceLogging event PlatformMessage (driver/OvpnDco.Driver/DriverTrace.cs):
    /// the driver's own events are declared there and compiled to TraceLogging directly; this only carries what a
    /// platform writes through <see cref="IPlatform.Trace"/>.
    /// </summary>
#pragma warning disable OVD0009 // the message is a string literal, passed through as a C string
    public static void Trace(TraceLevel level, string message, long a, long b)
        => DriverTrace<BoundPlatform<WindowsPlatform<KernelWdk, KmBackend>>>.PlatformMessage((int)level, message, a, b);
#pragma warning restore OVD0009

}
