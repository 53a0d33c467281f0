using System;
using System.Linq;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Tests;

/// <summary>Control packets between user space and the transport (P2P).</summary>
public class ControlTests
{
    [Test]
    public void RxControlGoesToPendingReadOrQueue()
    {
        using var pair = new P2pPair();
        Assert.That(pair.A.Read(new byte[2048], out _, out nint req), Is.EqualTo(NtStatus.Pending));
        var ctl1 = new byte[] { 0x20, 1, 2, 3 };
        var ctl2 = new byte[] { 0x38, 9 };
        pair.A.Receive(ctl1, pair.AddrB);
        pair.A.Receive(ctl2, pair.AddrB);
        var c = pair.A.Platform.Reads.Single();
        Assert.That(c.Request, Is.EqualTo(req));
        Assert.That(c.Data, Is.EqualTo(ctl1));
        var buf = new byte[2048];
        Assert.That(pair.A.Read(buf, out int n, out _), Is.EqualTo(NtStatus.Success));
        Assert.That(buf.AsSpan(0, n).ToArray(), Is.EqualTo(ctl2));
        Assert.That(pair.A.Stats.ReceivedControlPackets, Is.EqualTo(2));
    }

    [Test]
    public void SmallReadBufferLosesThePacket()
    {
        using var pair = new P2pPair();
        var control = new byte[100];
        control[0] = 4 << 3; // P_CONTROL_V1
        pair.A.Receive(control, pair.AddrB);
        Assert.That(pair.A.Read(new byte[50], out _, out _), Is.EqualTo(NtStatus.BufferTooSmall));
        Assert.That(pair.A.Read(new byte[2048], out _, out _), Is.EqualTo(NtStatus.Pending), "packet is gone (upstream behaviour)");
        Assert.That(pair.A.Stats.LostInControlPackets, Is.EqualTo(1));
    }

    [Test]
    public void QueueHoldsABurstOfHandshakesAndStopsAtItsHardCap()
    {
        // Upstream's pool lets a busy server queue many handshakes: 64 (our old cap) must not be the limit.
        using var pair = new P2pPair();
        long before = ManagedPlatform.LiveAllocations;
        for (int i = 0; i < ControlQueue.MaxDepth + 10; i++)
            pair.A.Receive(new byte[] { 0x20, (byte)i, (byte)(i >> 8) }, pair.AddrB);
        Assert.That(pair.A.Stats.LostInControlPackets, Is.EqualTo(10));
        Assert.That(pair.A.Extra.ControlQueueFull, Is.EqualTo(10));
        Assert.That(ManagedPlatform.LiveAllocations - before, Is.EqualTo(ControlQueue.MaxDepth), "one item per queued packet");
        var buf = new byte[2048];
        for (int i = 0; i < 300; i++)
        {
            Assert.That(pair.A.Read(buf, out _, out _), Is.EqualTo(NtStatus.Success));
            Assert.That(buf[1] | (buf[2] << 8), Is.EqualTo(i), "FIFO");
        }
        Assert.That(ManagedPlatform.LiveAllocations - before, Is.EqualTo(ControlQueue.MaxDepth - 300), "read items are freed");
    }

    [Test]
    public void QueuedControlPacketsAreFreedOnDelPeerAndClose()
    {
        var pair = new P2pPair();
        long before = ManagedPlatform.LiveAllocations;
        for (int i = 0; i < 100; i++)
            pair.A.Receive(new byte[] { 0x20, (byte)i }, pair.AddrB);
        Assert.That(ManagedPlatform.LiveAllocations - before, Is.EqualTo(100));
        Assert.That(pair.A.Ioctl(OvpnIoctl.DelPeer), Is.EqualTo(NtStatus.Success));
        Assert.That(ManagedPlatform.LiveAllocations - before, Is.LessThanOrEqualTo(0), "DEL_PEER drops the old session's packets");
        for (int i = 0; i < 10; i++)
            pair.B.Receive(new byte[] { 0x20, (byte)i }, pair.AddrA);
        pair.Dispose(); // Destroy frees what is still queued (the leak check is the live count)
        Assert.That(ManagedPlatform.LiveAllocations, Is.LessThanOrEqualTo(before));
    }

    [Test]
    public void WritesGoToTheTransport()
    {
        using var pair = new P2pPair();
        Assert.That(pair.A.Write(new byte[1500]), Is.EqualTo(NtStatus.Success));
        Assert.That(pair.A.Write(new byte[1501]), Is.EqualTo(NtStatus.InvalidBufferSize));
        Assert.That(pair.A.Write(Array.Empty<byte>()), Is.EqualTo(NtStatus.InvalidParameter));
        Assert.That(pair.A.TakeSent().Single().Data.Length, Is.EqualTo(1500));
        Assert.That(pair.A.Stats.SentControlPackets, Is.EqualTo(1));
        pair.A.Platform.SendStatus = NtStatus.NetworkUnreachable;
        Assert.That(pair.A.Write(new byte[10]), Is.EqualTo(NtStatus.NetworkUnreachable));
        Assert.That(pair.A.Stats.LostOutControlPackets, Is.EqualTo(1));
    }

    [Test]
    public void CancelledReadIsRemoved()
    {
        using var pair = new P2pPair();
        Assert.That(pair.A.Read(new byte[2048], out _, out nint req), Is.EqualTo(NtStatus.Pending));
        unsafe
        {
            Assert.That(DriverUnderTest.CancelRead(pair.A.State, req), Is.True);
            Assert.That(DriverUnderTest.CancelRead(pair.A.State, req), Is.False);
        }
        pair.A.Receive(new byte[] { 0x20 }, pair.AddrB);
        Assert.That(pair.A.Platform.Reads, Is.Empty, "queued, not completed to the cancelled request");
    }
}
