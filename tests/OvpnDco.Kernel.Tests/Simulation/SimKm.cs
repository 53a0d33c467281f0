using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using OvpnDco.Driver.Kernel;
using OvpnDco.Driver.Platform;

namespace OvpnDco.Kernel.Tests.Simulation;

/// <summary>The C backend's part (trace) simulated. The transport is WSK: see <see cref="SimWskProvider"/>.</summary>
public unsafe struct SimKm : IKmBackend
{
    public static SimKmState S = new();

    public static void Trace(TraceLevel level, string message, long a, long b) => S.Traces.Add(message);
}

public sealed class SimKmState
{
    public readonly List<string> Traces = new();
}
