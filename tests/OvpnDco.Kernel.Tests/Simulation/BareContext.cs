using System;
using System.Runtime.InteropServices;
using OvpnDco.Driver.Kernel;

namespace OvpnDco.Kernel.Tests.Simulation;

/// <summary>A zeroed DeviceContext on a fresh simulated WDK, before device add made anything: for the pieces device add runs.</summary>
public sealed unsafe class BareContext : IDisposable
{
    public DeviceContext* Ctx { get; }

    public BareContext()
    {
        SimWdk.S = new SimState();
        SimKm.S = new SimKmState();
        Ctx = (DeviceContext*)NativeMemory.AllocZeroed((nuint)sizeof(DeviceContext));
    }

    public void Dispose() => NativeMemory.Free(Ctx);
}
