using System;
using System.Linq;
using OvpnDco.Driver;
using OvpnDco.Driver.Binding;
using OvpnDco.Driver.Kernel;
using OvpnDco.Kernel.Tests.Simulation;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;
using OvpnDco.Wdk;

namespace OvpnDco.Kernel.Tests;

/// <summary>
/// WindowsDevice's request handling with the real driver core on the simulated WDK: control reads pend in the
/// manual queue and complete in order with the packets that arrive, a cancelled read is completed Cancelled and the
/// next packet goes to the next read, file cleanup takes every waiting request back, a completion racing the forward
/// to the queue is not lost, and a failed forward fails the request.
/// </summary>
public unsafe class RequestTests
{
    private SimDevice _device = null!;

    [SetUp]
    public void SetUp()
    {
        _device = new SimDevice();
        Assert.That(_device.Open(), Is.EqualTo(NtStatus.Success));
        _device.AddUdpPeer();
    }

    [TearDown]
    public void TearDown() => _device.Dispose();

    private DriverState* State => _device.Ctx->State;

    private void ReceiveControl(byte marker)
    {
        var from = Wire.Remote;
        Driver<BoundPlatform<WindowsPlatform<SimWdk, SimKm>>>.OnTransportReceive(State, Wire.Control(marker), in from);
    }

    private static byte[] Data(WDFREQUEST r) => SimWdk.S[r].Output!.Span[..SimWdk.S[r].Information].ToArray();

    [Test]
    public void PendingReadsCompleteInOrder()
    {
        var r1 = _device.Read();
        var r2 = _device.Read();
        var r3 = _device.Read();
        Assert.That(SimWdk.S.Queue(_device.Ctx->ReadQueue), Is.EqualTo(new[] { r1.Value, r2.Value, r3.Value }), "all three wait in the read queue");
        ReceiveControl(1);
        ReceiveControl(2);
        Assert.That(SimWdk.S[r1].Completed && SimWdk.S[r2].Completed, Is.True);
        Assert.That(SimWdk.S[r3].Completed, Is.False);
        Assert.That(Data(r1), Is.EqualTo(Wire.Control(1)));
        Assert.That(Data(r2), Is.EqualTo(Wire.Control(2)));
        Assert.That(SimWdk.S.Queue(_device.Ctx->ReadQueue), Is.EqualTo(new[] { r3.Value }));
        ReceiveControl(3);
        Assert.That(Data(r3), Is.EqualTo(Wire.Control(3)));
        var r4 = _device.Read();
        Assert.That(SimWdk.S[r4].Queue, Is.Not.EqualTo((nint)0), "an empty control queue pends the next read again");
    }

    [Test]
    public void AQueuedPacketCompletesTheReadAtOnce()
    {
        ReceiveControl(9);
        var r = _device.Read();
        Assert.That(SimWdk.S[r].Completed, Is.True);
        Assert.That(SimWdk.S[r].Status, Is.EqualTo((int)NtStatus.Success));
        Assert.That(Data(r), Is.EqualTo(Wire.Control(9)));
    }

    [Test]
    public void ACancelledReadIsCancelledAndTheNextPacketGoesToTheNextRead()
    {
        var r1 = _device.Read();
        var r2 = _device.Read();
        _device.Cancel(r1);
        Assert.That(SimWdk.S[r1].Status, Is.EqualTo((int)NtStatus.Cancelled));
        ReceiveControl(5);
        Assert.That(SimWdk.S[r2].Completed, Is.True);
        Assert.That(Data(r2), Is.EqualTo(Wire.Control(5)), "the core forgot the cancelled read");
    }

    [Test]
    public void FileCleanupCompletesEveryWaitingRequestAndFreesEverything()
    {
        var reads = Enumerable.Range(0, 4).Select(_ => _device.Read()).ToList();
        var key = _device.Ioctl(OvpnIoctl.NewKeyV2, Wire.KeyNone(), 0);
        Assert.That(SimWdk.S[key].Status, Is.EqualTo((int)NtStatus.Success));
        _device.Cleanup();
        foreach (var r in reads)
            Assert.That(SimWdk.S[r].Status, Is.EqualTo((int)NtStatus.Cancelled));
        Assert.That(SimWdk.S.Queues.Values.All(q => q.Count == 0), "no request left in any queue");
        Assert.That(_device.Ctx->State == null, "the state is gone with the handle");
        Assert.That(SimWdk.S.TimerDue, Is.Null, "timer stopped");
        Assert.That(SimWdk.S.Live, Is.Empty, "all pool memory freed");
        Assert.That(SimWdk.S.Keys, Is.Empty, "all key objects destroyed");
        Assert.That(SimWdk.S.Wsk.Closes, Is.GreaterThan(0), "the transport closed");
        Assert.That(_device.Open(), Is.EqualTo(NtStatus.Success), "the device opens again");
    }

    [Test]
    public void RequestsAfterCleanupFailWithoutAState()
    {
        _device.Cleanup();
        var r = _device.Read();
        Assert.That(SimWdk.S[r].Status, Is.EqualTo((int)NtStatus.InvalidDeviceState));
        var w = SimWdk.S.NewRequest(4, 0, SimDevice.FileObject);
        WindowsDevice<SimWdk, SimKm>.OnWrite(_device.Ctx, w);
        Assert.That(SimWdk.S[w].Status, Is.EqualTo((int)NtStatus.InvalidDeviceState));
        WindowsDevice<SimWdk, SimKm>.OnTimer(_device.Ctx); // a late timer callback: nothing to do, nothing touched
    }

    /// <summary>Every callback holds rundown protection while it uses the state, and lets it go on every path.</summary>
    [Test]
    public void CallbacksHoldRundownProtectionAndReleaseIt()
    {
        int before = SimWdk.S.RundownAcquisitions;
        var r1 = _device.Read();
        ReceiveControl(1);
        _device.Ioctl(OvpnIoctl.GetStats, ReadOnlySpan<byte>.Empty, 64);
        var r2 = _device.Read();
        _device.Cancel(r2);
        WindowsDevice<SimWdk, SimKm>.OnTimer(_device.Ctx);
        Assert.That(SimWdk.S.RundownAcquisitions - before, Is.EqualTo(5));
        Assert.That(_device.Ctx->StateRundown.Count, Is.EqualTo((nuint)0), "all released");
        Assert.That(SimWdk.S[r1].Completed && SimWdk.S[r2].Completed);
    }

    /// <summary>
    /// A packet arrives (on another CPU) after the core pended the read and before the read reaches its queue: the
    /// completion is kept and applied once the request is forwarded.
    /// </summary>
    [Test]
    public void ACompletionBeforeTheForwardIsNotLost()
    {
        var requestLock = (nint)(&_device.Ctx->RequestLock);
        int acquisitions = 0;
        bool fired = false;
        SimWdk.S.BeforeExclusive = address =>
        {
            if (address != requestLock || ++acquisitions < 2)
                return false;
            SimWdk.S.BeforeExclusive = null; // once
            ReceiveControl(7); // the second request-lock acquisition of OnRead is the forward
            fired = true;
            return false;
        };
        var r = _device.Read();
        Assert.That(fired, Is.True, "the race was provoked");
        Assert.That(SimWdk.S[r].Completed, Is.True);
        Assert.That(Data(r), Is.EqualTo(Wire.Control(7)));
        Assert.That(SimWdk.S.Queue(_device.Ctx->ReadQueue), Is.Empty);
    }

    [Test]
    public void AReadThatCannotBeQueuedFails()
    {
        SimWdk.S.FailForward = true;
        var r = _device.Read();
        Assert.That(SimWdk.S[r].Status, Is.EqualTo((int)NtStatus.InvalidDeviceState));
        SimWdk.S.FailForward = false;
        ReceiveControl(4);
        var next = _device.Read();
        Assert.That(Data(next), Is.EqualTo(Wire.Control(4)), "the core did not keep the failed read");
    }

    [Test]
    public void AReadBufferTooSmallForThePacketIsRefused()
    {
        ReceiveControl(1);
        var r = _device.Read(length: 2);
        Assert.That(SimWdk.S[r].Status, Is.EqualTo((int)NtStatus.BufferTooSmall));
    }

    [Test]
    public void AnOversizedIoctlInputIsRefusedBeforeItIsCopied()
    {
        var r = _device.Ioctl(OvpnIoctl.SetPeer, new byte[WindowsDevice<SimWdk, SimKm>.MaxIoctlInput + 1], 0);
        Assert.That(SimWdk.S[r].Status, Is.EqualTo((int)NtStatus.InvalidBufferSize));
    }
}
