using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using OvpnDco.Driver.Kernel;
using OvpnDco.Driver.Platform;

namespace OvpnDco.Kernel.Tests.Simulation;

/// <summary>The C backend's part (trace, transport) simulated: records what the driver sends.</summary>
public unsafe struct SimKm : IKmBackend
{
    public static SimKmState S = new();

    public static void Trace(TraceLevel level, string message, long a, long b) => S.Traces.Add(message);

    public static int TransportOpen(nint context, int proto, void* local, void* remote) => S.OpenStatus;

    public static int TransportListen(nint context, void* listen, bool ipv6Only) => S.OpenStatus;

    public static void TransportClose(nint context) => S.Closes++;

    public static byte* TransportBuffer(nint context, int size)
    {
        var p = (byte*)NativeMemory.AllocZeroed((nuint)size);
        S.Buffers.Add((nint)p, size);
        return p;
    }

    public static void TransportBufferRelease(nint context, byte* buffer)
    {
        Assert.That(S.Buffers.Remove((nint)buffer), Is.True, "releasing a transport buffer not handed out");
        NativeMemory.Free(buffer);
    }

    public static int TransportSend(nint context, int proto, void* remote, byte* data, int length)
    {
        S.SendAttempts++;
        var failed = S.FailSendAt == S.SendAttempts;
        if (!failed)
            S.Sent.Add(new ReadOnlySpan<byte>(data, length).ToArray());
        // The buffer passes to the platform whatever the result: find the one data points into and free it.
        nint owner = 0;
        foreach (var (b, size) in S.Buffers)
            if ((byte*)b <= data && data + length <= (byte*)b + size)
                owner = b;
        Assert.That(owner, Is.Not.EqualTo((nint)0), "sent data lies in a buffer from TransportBuffer");
        S.Buffers.Remove(owner);
        NativeMemory.Free((void*)owner);
        return failed ? unchecked((int)0xC000023C) : 0;
    }

}

public sealed class SimKmState
{
    public readonly List<string> Traces = new();
    public int OpenStatus;
    public int Closes;
    public readonly Dictionary<nint, int> Buffers = new();
    public readonly List<byte[]> Sent = new();
    public int SendAttempts;
    public int FailSendAt = -1;
}
