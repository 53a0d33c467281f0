using System;
using System.Linq;
using System.Runtime.InteropServices;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Tests;

/// <summary>Keepalive on the virtual clock.</summary>
public unsafe class KeepaliveTests
{
    private static int Pings(TestNode n) => (int)n.Extra.PingsSent;

    [Test]
    public void PingsAreSentOnTimeAndSwallowed()
    {
        using var pair = new P2pPair();
        pair.InstallKeys(OvpnCipherAlg.AesGcm, 32);
        Assert.That(pair.A.SetPeer(10, 60, 0), Is.EqualTo(NtStatus.Success));
        long start = ManagedPlatform.Now;
        ManagedPlatform.Advance(9_999, pair.A.Platform);
        Assert.That(pair.A.Platform.Sent, Is.Empty, "nothing before the interval");
        ManagedPlatform.Advance(1, pair.A.Platform);
        Assert.That(pair.A.Platform.Sent, Has.Count.EqualTo(1), "ping at exactly 10 s");
        Assert.That(ManagedPlatform.Now - start, Is.EqualTo(10_000));
        pair.Pump();
        Assert.That(pair.B.TakeDelivered(), Is.Empty, "pings are not delivered to the OS");
        Assert.That(pair.B.Extra.PingsReceived, Is.EqualTo(1));
        // data resets the send timer
        ManagedPlatform.Advance(5_000, pair.A.Platform);
        pair.A.Send(TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 10));
        pair.A.TakeSent();
        ManagedPlatform.Advance(9_999, pair.A.Platform);
        Assert.That(pair.A.Platform.Sent, Is.Empty, "the data packet restarted the interval");
        ManagedPlatform.Advance(1, pair.A.Platform);
        Assert.That(pair.A.Platform.Sent, Has.Count.EqualTo(1));
        Assert.That(Pings(pair.A), Is.EqualTo(2));
    }

    [Test]
    public void TimeoutCompletesPendingReadOnce()
    {
        using var pair = new P2pPair();
        pair.InstallKeys(OvpnCipherAlg.AesGcm, 32);
        Assert.That(pair.A.SetPeer(0, 60, 0), Is.EqualTo(NtStatus.Success));
        Assert.That(pair.A.Read(new byte[2048], out _, out nint req), Is.EqualTo(NtStatus.Pending));
        ManagedPlatform.Traces.Clear();
        ManagedPlatform.Advance(59_999, pair.A.Platform);
        Assert.That(pair.A.Platform.Reads, Is.Empty);
        Assert.That(ManagedPlatform.Traces, Is.Empty, "no event before the timeout");
        ManagedPlatform.Advance(1, pair.A.Platform);
        var c = pair.A.Platform.Reads.Single();
        Assert.That(c.Request, Is.EqualTo(req));
        Assert.That(c.Status, Is.EqualTo(NtStatus.ConnectionDisconnected));
        Assert.That(c.Data, Is.Empty);
        ManagedPlatform.Advance(600_000, pair.A.Platform);
        Assert.That(pair.A.Platform.Reads, Has.Count.EqualTo(1), "reported once");
        Assert.That(pair.A.Extra.KeepaliveExpired, Is.EqualTo(1));
#if !NATIVE_ENGINE
        // The declared event (DriverTrace.PeerKeepaliveExpired), through the platform under .NET (the transpiled core
        // calls the generated C instead: the hosted sink, tested in OvpnDco.Generators.Tests).
        Assert.That(ManagedPlatform.Traces.Single().Level, Is.EqualTo(TraceLevel.Info));
        Assert.That(ManagedPlatform.Traces.Single().Line, Does.Match(@"^PeerKeepaliveExpired peerId=\d+ timeoutSeconds=60$"));
#endif
    }

    [Test]
    public void TimeoutIsQueuedWhenNoReadPends()
    {
        using var pair = new P2pPair();
        pair.InstallKeys(OvpnCipherAlg.AesGcm, 32);
        Assert.That(pair.A.SetPeer(0, 30, 0), Is.EqualTo(NtStatus.Success));
        ManagedPlatform.Advance(31_000, pair.A.Platform);
        Assert.That(pair.A.Read(new byte[2048], out int n, out _), Is.EqualTo(NtStatus.ConnectionDisconnected));
        Assert.That(n, Is.Zero);
        Assert.That(pair.A.Read(new byte[2048], out _, out _), Is.EqualTo(NtStatus.Pending), "only once");
    }

    [Test]
    public void TrafficKeepsThePeerAlive()
    {
        using var pair = new P2pPair();
        pair.InstallKeys(OvpnCipherAlg.ChaCha20Poly1305, 32);
        Assert.That(pair.A.SetPeer(5, 20, 0), Is.EqualTo(NtStatus.Success));
        Assert.That(pair.B.SetPeer(5, 20, 0), Is.EqualTo(NtStatus.Success));
        for (int i = 0; i < 100; i++)
        {
            ManagedPlatform.Advance(1_000, pair.A.Platform, pair.B.Platform);
            pair.Pump();
        }
        Assert.That(pair.A.Extra.KeepaliveExpired + pair.B.Extra.KeepaliveExpired, Is.Zero);
        Assert.That(Pings(pair.A), Is.EqualTo(20));
        Assert.That(pair.B.Extra.PingsReceived, Is.EqualTo(20));
    }

    [Test]
    public void NoPingWithoutKeyAndNothingCountedLost()
    {
        using var pair = new P2pPair();
        Assert.That(pair.A.SetPeer(2, 0, 0), Is.EqualTo(NtStatus.Success));
        ManagedPlatform.Advance(10_000, pair.A.Platform);
        Assert.That(pair.A.Platform.Sent, Is.Empty);
        Assert.That(pair.A.Stats.LostOutDataPackets, Is.Zero);
        pair.InstallKeys(OvpnCipherAlg.AesGcm, 32);
        ManagedPlatform.Advance(2_000, pair.A.Platform);
        Assert.That(pair.A.Platform.Sent, Has.Count.EqualTo(1), "pings start once a key is installed");
    }

    [Test]
    public void MinusOneLeavesValuesAndZeroTurnsOff()
    {
        using var pair = new P2pPair();
        pair.InstallKeys(OvpnCipherAlg.AesGcm, 32);
        Assert.That(pair.A.SetPeer(10, 60, 1300), Is.EqualTo(NtStatus.Success));
        Assert.That(pair.A.SetPeer(-1, -1, -1), Is.EqualTo(NtStatus.Success));
        Assert.That(pair.A.P2pPeer->KeepaliveInterval, Is.EqualTo(10));
        Assert.That(pair.A.P2pPeer->KeepaliveTimeout, Is.EqualTo(60));
        Assert.That(pair.A.P2pPeer->Mss, Is.EqualTo(1300));
        Assert.That(pair.A.SetPeer(0, 0, 0), Is.EqualTo(NtStatus.Success));
        ManagedPlatform.Advance(1_000_000, pair.A.Platform);
        Assert.That(pair.A.Platform.Sent, Is.Empty);
        Assert.That(pair.A.Extra.KeepaliveExpired, Is.Zero);
        Assert.That(pair.A.SetPeer(-2, 0, 0), Is.EqualTo(NtStatus.InvalidParameter));
    }

    [Test]
    public void MpTimeoutDeletesPeerWithExpiredEvent()
    {
        using var bed = new MpBed(3);
        Assert.That(bed.Server.Ioctl(OvpnIoctl.MpSetPeer, new OvpnMpSetPeer { PeerId = 2, KeepaliveInterval = 0, KeepaliveTimeout = 10, MSS = -1 }),
            Is.EqualTo(NtStatus.Success));
        // a pending NOTIFY_EVENT completes when the event happens
        Span<byte> o = stackalloc byte[144];
        Assert.That(bed.Server.Ioctl(OvpnIoctl.NotifyEvent, ReadOnlySpan<byte>.Empty, o, out _), Is.EqualTo(NtStatus.Pending));
        ManagedPlatform.Advance(10_000, bed.Server.Platform);
        var c = bed.Server.Platform.Pendings.Single();
        Assert.That(c.Kind, Is.EqualTo(Platform.PendingKind.NotifyEvent));
        var e = MemoryMarshal.Read<OvpnNotifyEvent>(c.Data);
        Assert.That(e.Cmd, Is.EqualTo(OvpnNotifyCmd.DelPeer));
        Assert.That(e.PeerId, Is.EqualTo(2));
        Assert.That(e.DelPeerReason, Is.EqualTo(OvpnDelPeerReason.Expired));
        Assert.That(bed.Server.PeerCount, Is.EqualTo(2));
        Assert.That(bed.Server.Ioctl(OvpnIoctl.MpSetPeer, new OvpnMpSetPeer { PeerId = 2, KeepaliveTimeout = 10 }),
            Is.EqualTo(NtStatus.InvalidDeviceRequest), "peer is gone");
    }

    [Test]
    public void MpPingsGoToEachPeer()
    {
        using var bed = new MpBed(3);
        for (int i = 1; i <= 3; i++)
            Assert.That(bed.Server.Ioctl(OvpnIoctl.MpSetPeer, new OvpnMpSetPeer { PeerId = i, KeepaliveInterval = i, KeepaliveTimeout = 0 }),
                Is.EqualTo(NtStatus.Success));
        ManagedPlatform.Advance(6_000, bed.Server.Platform);
        var ids = bed.Server.TakeSent().GroupBy(p => p.Data[3]).ToDictionary(g => (int)g.Key, g => g.Count());
        Assert.That(ids[1], Is.EqualTo(6));
        Assert.That(ids[2], Is.EqualTo(3));
        Assert.That(ids[3], Is.EqualTo(2));
    }
}

/// <summary>Keepalive with many peers: the timer heap fires only for due peers.</summary>
public unsafe class KeepaliveScaleTests
{
    [Test]
    public void HundredThousandPeersPingOnTimeWithFewTimerRuns()
    {
        using var server = new TestNode();
        Assert.That(server.Ioctl(OvpnIoctl.SetMode, new OvpnSetMode { Mode = OvpnMode.MP }), Is.EqualTo(NtStatus.Success));
        int timerRuns = 0;
        var s = server.State;
        server.Platform.TimerCallback = () =>
        {
            timerRuns++;
            DriverUnderTest.OnTimer(s);
        };
        server.Platform.Capture = false;
        var local = TestNode.V4("198.51.100.1", 1194);
        const int N = 100_000;
        var key = TestNode.Key(OvpnCipherAlg.AesGcm, 16, new byte[32], new byte[32], new byte[8], new byte[8]); // MP refuses NONE
        for (int i = 0; i < N; i++)
        {
            var remote = TestNode.V4($"100.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}", 1194);
            Assert.That(server.Ioctl(OvpnIoctl.MpNewPeer, new OvpnMpNewPeer { Local = local, Remote = remote, PeerId = i }), Is.EqualTo(NtStatus.Success));
            key.PeerId = i;
            Assert.That(server.Ioctl(OvpnIoctl.NewKey, key), Is.EqualTo(NtStatus.Success));
            // peers join over 10 s: interval 10 s, timeout 60 s
            if (i % 10_000 == 0)
                ManagedPlatform.Advance(1_000, server.Platform);
            Assert.That(server.Ioctl(OvpnIoctl.MpSetPeer, new OvpnMpSetPeer { PeerId = i, KeepaliveInterval = 10, KeepaliveTimeout = 60, MSS = -1 }),
                Is.EqualTo(NtStatus.Success));
        }
        timerRuns = 0;
        ManagedPlatform.Advance(10_000, server.Platform);
        Assert.That(server.Extra.PingsSent, Is.EqualTo(N), "every peer pinged once in 10 s");
        Assert.That(timerRuns, Is.LessThanOrEqualTo(11), "one timer run per distinct deadline");
        Assert.That(server.State->Timers.Count, Is.EqualTo(N));
        ManagedPlatform.Advance(60_000, server.Platform);
        Assert.That(server.PeerCount, Is.Zero, "all expired after 60 s without traffic");
        Assert.That(server.State->Timers.Count, Is.Zero);
        Assert.That(server.Extra.KeepaliveExpired, Is.EqualTo(N));
        Assert.That(server.State->Events.Count, Is.EqualTo(EventQueue.Depth), "events beyond the queue depth are counted lost");
        Assert.That(server.Extra.EventsLost, Is.EqualTo(N - EventQueue.Depth));
    }
}
