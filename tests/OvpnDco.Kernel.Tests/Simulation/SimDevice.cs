using System;
using System.Runtime.InteropServices;
using OvpnDco.Driver;
using OvpnDco.Driver.Kernel;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;
using OvpnDco.Wdk;

namespace OvpnDco.Kernel.Tests.Simulation;

/// <summary>A device as EvtDriverDeviceAdd leaves it, on the simulated WDK; disposing checks nothing leaked.</summary>
public sealed unsafe class SimDevice : IDisposable
{
    public const nint FileObject = 0x77;

    public DeviceContext* Ctx { get; }

    /// <param name="share">A second device on the same simulated machine (same WDK and WSK state): true; a fresh machine otherwise.</param>
    public SimDevice(bool share = false)
    {
        if (!share)
        {
            SimWdk.S = new SimState();
            SimKm.S = new SimKmState();
        }
        Ctx = (DeviceContext*)NativeMemory.AllocZeroed((nuint)sizeof(DeviceContext));
        Ctx->Device = new WDFDEVICE { Value = share ? 0xA00 : 0x900 };
        SimWdk.ExInitializeRundownProtection(&Ctx->StateRundown);
        SimWdk.ExWaitForRundownProtectionRelease(&Ctx->StateRundown); // as EvtDriverDeviceAdd leaves it
        Ctx->ReadQueue = SimWdk.S.NewQueue();
        Ctx->NotifyQueue = SimWdk.S.NewQueue();
        Ctx->NewPeerQueue = SimWdk.S.NewQueue();
        Ctx->Timer = new WDFTIMER { Value = 0x910 };
        Ctx->EarlyReadData = (byte*)NativeMemory.AllocZeroed((nuint)Proto.MaxWire);
        Ctx->EarlyPendingData = (byte*)NativeMemory.AllocZeroed((nuint)Proto.MaxWire);
        Ctx->TxScratch = (byte*)NativeMemory.AllocZeroed((nuint)Proto.MaxWire);
        Ctx->TxBatch = (TxPacket*)NativeMemory.AllocZeroed((nuint)(TxRing<SimWdk, SimKm>.BatchSize * sizeof(TxPacket)));
        Ctx->RxPool = (byte*)NativeMemory.AllocZeroed(RxRing<SimWdk, SimKm>.PoolSize);
        RxRing<SimWdk, SimKm>.Init(Ctx, Ctx->RxPool);
        Ctx->Adapter = new NETADAPTER { Value = 0x930 };
        Ctx->RxQueue = new NETPACKETQUEUE { Value = 0x940 };
        // The transport as device add leaves it: registered with WSK, buffers and socket IRP made. That memory lives
        // as long as the device: kept out of S.Live so the tests' leak checks see what a handle's life allocates.
        Assert.That(WskClient<SimWdk>.Register(Ctx), Is.EqualTo(NTSTATUS.STATUS_SUCCESS));
        Assert.That(TransportBuffers<SimWdk>.Init(Ctx), Is.Zero);
        Assert.That(SimWskCallbacks.Init(Ctx), Is.Zero);
        foreach (var (p, tag) in SimWdk.S.Live)
            _deviceLife[p] = tag;
        SimWdk.S.Live.Clear();
        SimWdk.S.Allocations = 0;
    }

    private readonly System.Collections.Generic.Dictionary<nint, uint> _deviceLife = new();

    public NtStatus Open() => WindowsDevice<SimWdk, SimKm>.OnFileCreate(Ctx);

    public void Cleanup() => WindowsDevice<SimWdk, SimKm>.OnFileCleanup(Ctx, new WDFFILEOBJECT { Value = FileObject });

    public WDFREQUEST Read(int length = 2048)
    {
        var r = SimWdk.S.NewRequest(0, length, FileObject);
        WindowsDevice<SimWdk, SimKm>.OnRead(Ctx, r);
        return r;
    }

    public WDFREQUEST Ioctl(uint code, ReadOnlySpan<byte> input, int outputLength)
    {
        var r = SimWdk.S.NewRequest(input.Length, outputLength, FileObject);
        if (input.Length > 0)
            input.CopyTo(SimWdk.S[r].Input!.Span);
        WindowsDevice<SimWdk, SimKm>.OnDeviceControl(Ctx, r, (nuint)outputLength, (nuint)input.Length, code, false);
        SimWdk.S.Wsk.RunDpcs(); // the dispatch routine returned: what it queued runs
        return r;
    }

    /// <summary>NEW_PEER with <see cref="Wire.NewPeerUdp"/>; the test fails unless it succeeds.</summary>
    public void AddUdpPeer() =>
        Assert.That(SimWdk.S[Ioctl(OvpnIoctl.NewPeer, Wire.NewPeerUdp(), 0)].Status, Is.EqualTo((int)NtStatus.Success));

    /// <summary>NEW_KEY_V2 with <see cref="Wire.KeyNone"/> (cipher NONE); the test fails unless it succeeds.</summary>
    public void AddNoneKey() =>
        Assert.That(SimWdk.S[Ioctl(OvpnIoctl.NewKeyV2, Wire.KeyNone(), 0)].Status, Is.EqualTo((int)NtStatus.Success));

    /// <summary>What WDF does when the caller cancels a request waiting in a manual queue.</summary>
    public void Cancel(WDFREQUEST r)
    {
        var req = SimWdk.S[r];
        Assert.That(req.Queue, Is.Not.EqualTo((nint)0), "only a queued request is cancelled by WDF");
        var queue = new WDFQUEUE { Value = req.Queue };
        SimWdk.S.Queue(queue).Remove(r.Value);
        req.Queue = 0;
        WindowsDevice<SimWdk, SimKm>.OnCanceledOnQueue(Ctx, queue, r);
    }

    public void Dispose()
    {
        if (Ctx->State != null)
            Cleanup();
        Assert.That(SimWdk.S.Wsk.Errors, Is.Empty, "the simulated WSK provider saw no misuse");
        foreach (var (p, tag) in _deviceLife)
            SimWdk.S.Live[p] = tag;
        Assert.That(TransportBuffers<SimWdk>.Destroy(Ctx), Is.True, "every transport buffer came back");
        WskTransport<SimWdk, SimKm>.Destroy(Ctx);
        WskClient<SimWdk>.Unregister(Ctx);
        NativeMemory.Free(Ctx->EarlyReadData);
        NativeMemory.Free(Ctx->EarlyPendingData);
        NativeMemory.Free(Ctx->TxScratch);
        NativeMemory.Free(Ctx->TxBatch);
        NativeMemory.Free(Ctx->RxPool);
        NativeMemory.Free(Ctx);
    }
}
