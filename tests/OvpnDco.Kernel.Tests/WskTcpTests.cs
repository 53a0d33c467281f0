using System;
using System.Collections.Generic;
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
/// The WSK TCP transport on the simulated provider: NEW_PEER over TCP pends through create → bind → connect → events
/// and completes from the notice DPC; the stream crosses between two devices whatever the stack's split (byte by byte,
/// MDL chains, several indications, frames coalesced); the peer's disconnect, a null indication, a piece that cannot
/// be mapped and a send that fails or goes out short each complete a read with STATUS_CONNECTION_ABORTED, once; a
/// cancelled NEW_PEER, a refused connect and a reconnect while the old socket is closing leave nothing behind; a late
/// notice for an earlier connection does not complete the current one.
/// </summary>
public unsafe class WskTcpTests : SimTransportFixture
{
    private const int StatusConnectionRefused = unchecked((int)0xC0000236);
    private const int StatusInsufficientResources = unchecked((int)0xC000009A);

    private static byte[] NewPeerTcp(SockAddrInet local, SockAddrInet remote) =>
        Wire.Bytes(new OvpnNewPeer { Local = local, Remote = remote, Proto = OvpnProto.Tcp });

    /// <summary>NEW_PEER over TCP on <paramref name="device"/>; the request (pended, or completed when the stack answers at once).</summary>
    private static WDFREQUEST Connect(SimDevice device, SockAddrInet local, SockAddrInet remote) =>
        device.Ioctl(OvpnIoctl.NewPeer, NewPeerTcp(local, remote), 0);

    private WDFREQUEST Connect() => Connect(_device, Wire.Local, Wire.Remote);

    private static void AssertCompleted(WDFREQUEST r, int status, string because)
    {
        Assert.That(SimWdk.S[r].Completed, Is.True, because);
        Assert.That(SimWdk.S[r].Status, Is.EqualTo(status), because);
    }

    private static uint TransportOf(SimDevice device) => Driver<BoundPlatform<WindowsPlatform<SimWdk, SimKm>>>.TransportNumber(device.Ctx->State);

    [Test]
    public void NewPeerPendsThroughCreateBindConnectAndCompletesWithTheReceiveEventsOn()
    {
        W.Defer = true;
        var r = Connect();
        Assert.That(SimWdk.S[r].Completed, Is.False, "pended until connected");
        var s = W.Socket;
        Assert.That((s.Type, s.Protocol, s.Flags), Is.EqualTo((WskConstants.SOCK_STREAM, WskConstants.IPPROTO_TCP, WskConstants.WSK_FLAG_CONNECTION_SOCKET)));
        Assert.That(s.Context, Is.EqualTo((nint)_device.Ctx));

        W.CompleteNext(); // created: the bind is issued
        Assert.That(s.Bound, Is.EqualTo(Wire.Bytes(Wire.Local)[..16]), "bound to NEW_PEER's local address");
        Assert.That(s.ConnectedTo, Is.Null);
        W.CompleteNext(); // bound: the connect is issued
        Assert.That(s.ConnectedTo, Is.EqualTo(Wire.Bytes(Wire.Remote)[..16]));
        Assert.That(_device.Ctx->Wsk.Step, Is.EqualTo(WskStep.Connecting));
        Assert.That(SimWdk.S[r].Completed, Is.False, "still connecting");
        Assert.That(s.EnabledEvents, Is.Zero, "no event before the connect completed");

        W.CompleteNext(); // connected: the notice DPC enables the events, then completes NEW_PEER
        AssertCompleted(r, (int)NtStatus.Success, "connected");
        Assert.That(s.EnabledEvents, Is.EqualTo(WskConstants.WSK_EVENT_RECEIVE | WskConstants.WSK_EVENT_DISCONNECT));
        Assert.That(_device.Ctx->Wsk.Step, Is.EqualTo(WskStep.Ready));
        Assert.That(W.Pending, Is.Empty);
    }

    [Test]
    public void AConnectCompletingInsideTheCallStillCompletesNewPeerFromTheDpcNotInsideTheCoresLock()
    {
        // The provider completes every step inside the call that issued it, as WSK may: the whole chain runs inside
        // NEW_PEER, under the core's lock. The core must be told from the DPC (else its lock would be taken twice).
        int insertsBefore = W.DpcInserts;
        var r = Connect();
        Assert.That(W.DpcInserts, Is.GreaterThan(insertsBefore), "the end of the chain went through the notice DPC");
        AssertCompleted(r, (int)NtStatus.Success, "completed once the DPC ran");
        Assert.That(W.Socket.EnabledEvents, Is.EqualTo(WskConstants.WSK_EVENT_RECEIVE | WskConstants.WSK_EVENT_DISCONNECT));
    }

    [TestCase(StatusConnectionRefused, TestName = "ARefusedConnectFailsNewPeerAndClosesTheSocket")]
    public void AFailedConnectFailsNewPeerAndClosesTheSocket(int status)
    {
        W.ConnectStatus = status;
        var r = Connect();
        AssertCompleted(r, status, "NEW_PEER fails with the connect's status");
        Assert.That(W.Socket.Closed, Is.True, "the half-made socket is closed");
        Assert.That(_device.Ctx->Wsk.Step, Is.EqualTo(WskStep.None));

        // Nothing of the attempt stays: a new NEW_PEER (UDP here) opens a fresh socket.
        W.ConnectStatus = 0;
        _device.AddUdpPeer();
        Assert.That(W.Sockets, Has.Count.EqualTo(2));
        Assert.That(_device.Ctx->Wsk.Step, Is.EqualTo(WskStep.Ready));
    }

    [Test]
    public void AFailedCreationFailsNewPeer()
    {
        W.SocketStatus = StatusInsufficientResources;
        var r = Connect();
        AssertCompleted(r, StatusInsufficientResources, "no socket, no peer");
        Assert.That(_device.Ctx->Wsk.Step, Is.EqualTo(WskStep.None));
    }

    [Test]
    public void EventsThatCannotBeEnabledFailNewPeerAndCloseTheSocket()
    {
        W.EventStatus = StatusInsufficientResources;
        var r = Connect();
        AssertCompleted(r, StatusInsufficientResources, "a connection that cannot receive is no connection");
        Assert.That(W.Socket.Closed, Is.True);
    }

    /// <summary>A connected pair: A (the test's device) and B, each with a NONE key; B's socket first in the provider's list.</summary>
    private SimDevice ConnectedPair()
    {
        var b = new SimDevice(share: true);
        Assert.That(b.Open(), Is.EqualTo(NtStatus.Success));
        AssertCompleted(Connect(b, Wire.Remote, Wire.Local), (int)NtStatus.Success, "B connected");
        b.AddNoneKey();
        AssertCompleted(Connect(), (int)NtStatus.Success, "A connected");
        _device.AddNoneKey();
        return b;
    }

    private static IEnumerable<TestCaseData> Splits()
    {
        yield return new TestCaseData(0, 1).SetName("TheStreamCrossesBetweenTwoDevicesInOneIndication");
        yield return new TestCaseData(1, 1).SetName("TheStreamCrossesBetweenTwoDevicesByteByByte");
        yield return new TestCaseData(7, 1).SetName("TheStreamCrossesBetweenTwoDevicesInIndicationsOfSevenBytes");
        yield return new TestCaseData(0, 5).SetName("TheStreamCrossesBetweenTwoDevicesOverMdlChains");
        yield return new TestCaseData(333, 3).SetName("TheStreamCrossesBetweenTwoDevicesInChainedPiecesAcrossFrames");
    }

    /// <param name="indicationSize">Bytes per WSK_DATA_INDICATION (0: the whole stream in one).</param>
    /// <param name="pieces">MDLs per indication.</param>
    [TestCaseSource(nameof(Splits))]
    public void TheStreamCrossesBetweenTwoDevices(int indicationSize, int pieces)
    {
        using var b = ConnectedPair();
        var socketOfA = W.Sockets[1];
        var socketOfB = W.Sockets[0];
        Assert.That(socketOfA.Context, Is.EqualTo((nint)_device.Ctx));

        // A's adapter transmits three IP packets: three WskSends onto A's stream, each a length-prefixed frame.
        var packets = new List<byte[]> { Wire.Ipv4(60, 1), Wire.Ipv4(700, 2), Wire.Ipv4(1300, 3) };
        var frames = packets.ConvertAll(p => SimTraffic.Transmit(_device, _rx, p));
        foreach (var f in frames)
            Assert.That((f[0] << 8) | f[1], Is.EqualTo(f.Length - 2), "the 2-byte big-endian length prefix");
        var stream = socketOfA.Stream.ToArray();
        Assert.That(stream, Is.EqualTo(frames.SelectMany(f => f).ToArray()), "sent in order, nothing between");

        // The network delivers A's stream to B cut as the case says; B's adapter receives the IP packets.
        var cuts = new List<byte[]>();
        for (int at = 0; at < stream.Length; at += indicationSize == 0 ? stream.Length : indicationSize)
            cuts.Add(stream[at..Math.Min(stream.Length, at + (indicationSize == 0 ? stream.Length : indicationSize))]);
        for (int i = 0; i < cuts.Count; i += 4) // up to four indications per receive event
            Assert.That(SimWskStream.Indicate(socketOfB, cuts.Skip(i).Take(4).ToArray(), pieces), Is.EqualTo(NTSTATUS.STATUS_SUCCESS));
        Assert.That(_device.Ctx->RxHead == null, "nothing reached A's adapter");
        SimTraffic.AssertAdapterGot(b, _rx, packets);
        Assert.That(b.Ctx->State->Stats.TcpBadLength, Is.Zero);
        b.Cleanup();
    }

    [Test]
    public void ThePeersDisconnectCompletesAReadWithConnectionAbortedOnce()
    {
        AssertCompleted(Connect(), (int)NtStatus.Success, "connected");
        var read = _device.Read();
        Assert.That(SimWdk.S[read].Completed, Is.False);
        SimWskStream.PeerDisconnects(W.Socket, abortive: true);
        AssertCompleted(read, (int)NtStatus.ConnectionAborted, "OpenVPN reads the connection's end");

        // The stack then indicates a null list (the socket no longer works): the same end, not told twice.
        var second = _device.Read();
        SimWskStream.Indicate(W.Socket, null);
        Assert.That(SimWdk.S[second].Completed, Is.False, "one notice per connection");
    }

    [Test]
    public void ANullIndicationAloneEndsTheConnection()
    {
        AssertCompleted(Connect(), (int)NtStatus.Success, "connected");
        var read = _device.Read();
        SimWskStream.Indicate(W.Socket, null);
        AssertCompleted(read, (int)NtStatus.ConnectionAborted, "a socket that no longer works is a lost connection");
    }

    [Test]
    public void AnUnmappablePieceEndsTheConnectionAndTheRestOfTheStreamIsIgnored()
    {
        using var b = ConnectedPair();
        var socketOfB = W.Sockets[0];
        var frame = SimTraffic.Transmit(_device, _rx, Wire.Ipv4(100, 4));
        var read = b.Read();
        W.FailMapping = true;
        SimWskStream.Indicate(socketOfB, new[] { frame[..10] });
        W.FailMapping = false;
        AssertCompleted(read, (int)NtStatus.ConnectionAborted, "a hole in the stream: no frame boundary can be trusted");
        Assert.That(b.Ctx->Wsk.RxDropped, Is.EqualTo(1));

        // What follows the hole is not framed (it would be read as a length): ignored until the socket closes.
        SimWskStream.Indicate(socketOfB, new[] { frame[10..] });
        Assert.That(b.Ctx->RxHead == null, "nothing delivered after the hole");
        long reached = 0;
        for (int i = 0; i < Proto.CpuSlots; i++)
            reached += b.Ctx->State->PerCpu[i].Rx.TransportBytes;
        Assert.That(reached, Is.Zero, "neither the unmappable piece nor the bytes after it reached the core");
        b.Cleanup();
    }

    [TestCase(false, TestName = "ASendThatFailsEndsTheConnectionAndReturnsItsBuffer")]
    [TestCase(true, TestName = "ASendThatGoesOutShortEndsTheConnectionAndReturnsItsBuffer")]
    public void ABrokenSendEndsTheConnection(bool shortSend)
    {
        AssertCompleted(Connect(), (int)NtStatus.Success, "connected");
        _device.AddNoneKey();
        var read = _device.Read();
        if (shortSend)
            W.ShortSendAt = W.SendAttempts + 1;
        else
            W.FailSendAt = W.SendAttempts + 1;
        var tx = new SimRingSet(4);
        SimWdk.S.TxRings = tx.Rings;
        var ip = Wire.Ipv4(200, 5);
        tx.PacketElements->FragmentIndex = 0;
        tx.PacketElements->FragmentCount = 1;
        tx.FragmentElements[0].ValidLength = (ulong)ip.Length;
        ip.CopyTo(new Span<byte>(tx.VirtualAddresses[0].VirtualAddress, ip.Length));
        tx.Packets->EndIndex = 1;
        tx.Fragments->EndIndex = 1;
        TxRing<SimWdk, SimKm>.Advance(_device.Ctx, new NETPACKETQUEUE { Value = 0x920 });
        Assert.That(SimWdk.S[read].Completed, Is.False, "not from inside the send (the core's lock is held there)");
        W.RunDpcs(); // the tx path returned, its lock released: the notice DPC runs
        tx.Dispose();
        SimWdk.S.VirtualAddresses = _rx.VirtualAddresses;
        SimWdk.S.Checksums = _rx.Checksums;
        AssertCompleted(read, (int)NtStatus.ConnectionAborted, "the stream lost bytes: the peer can no longer frame it");
        Assert.That(_device.Ctx->TxBuffersOut, Is.Zero, "the buffer came back");
        Assert.That(_device.Ctx->Wsk.SendsFailed + _device.Ctx->Wsk.SendsCompleted, Is.EqualTo(1));
    }

    [Test]
    public void CancellingAConnectingNewPeerAbortsTheConnectAtOnce()
    {
        W.Defer = true;
        var r = Connect();
        W.CompleteNext(); // created
        W.CompleteNext(); // bound; the connect is in flight (it may wait tens of seconds for SYN retries)
        _device.Cancel(r);
        AssertCompleted(r, (int)NtStatus.Cancelled, "the caller gave up");
        var s = W.Socket;
        Assert.That(s.Closed, Is.True, "closed at once, not when the connect gives up");
        Assert.That(W.Cancelled, Is.EqualTo(1), "the close cancelled the pending connect");
        Assert.That(_device.Ctx->Wsk.Step, Is.EqualTo(WskStep.Closing), "until the close completes too");
        W.CompleteAll();
        Assert.That(s.EnabledEvents, Is.Zero, "never enabled");
        Assert.That(_device.Ctx->Wsk.Step, Is.EqualTo(WskStep.None));
        Assert.That(_device.Ctx->Wsk.AbortPending, Is.Zero);
    }

    [Test]
    public void AConnectThatCompletesAfterTheAbortingCloseStillEndsTheSocketOnce()
    {
        // The provider completes the close first and the cancelled connect after it: the socket ends with the second.
        W.Defer = true;
        var r = Connect();
        W.CompleteNext();
        W.CompleteNext();
        var connect = W.Pending[0];
        W.PendingOn.Remove(connect.Irp); // this provider does not cancel it at close: it completes later, on its own
        _device.Cancel(r);
        Assert.That(W.Pending, Has.Count.EqualTo(2));
        W.Pending.Reverse(); // the close's completion first
        W.CompleteNext();
        Assert.That(_device.Ctx->Wsk.Step, Is.EqualTo(WskStep.Closing), "the connect's IRP is still with the provider");
        W.CompleteNext();
        Assert.That(_device.Ctx->Wsk.Step, Is.EqualTo(WskStep.None));
        AssertCompleted(r, (int)NtStatus.Cancelled, "cancelled");
    }

    [Test]
    public void ANewPeerWhileTheOldSocketIsClosingOpensWhenTheCloseCompletes()
    {
        AssertCompleted(Connect(), (int)NtStatus.Success, "first connection");
        var first = W.Socket;
        W.Defer = true;
        var r = Connect(); // replaces the peer: the old socket's close is in flight, the new socket waits for it
        Assert.That(W.Sockets, Has.Count.EqualTo(1), "not created before the old one is closed");
        Assert.That(_device.Ctx->Wsk.Queued.Valid, Is.EqualTo(1));
        W.CompleteNext(); // the old close completes: the queued creation starts
        Assert.That(first.Closed, Is.True);
        Assert.That(W.Sockets, Has.Count.EqualTo(2));
        W.CompleteAll();
        AssertCompleted(r, (int)NtStatus.Success, "the second connection");
        Assert.That(W.Socket.EnabledEvents, Is.EqualTo(WskConstants.WSK_EVENT_RECEIVE | WskConstants.WSK_EVENT_DISCONNECT));
    }

    [Test]
    public void DeletingThePeerDropsAQueuedOpen()
    {
        AssertCompleted(Connect(), (int)NtStatus.Success, "first connection");
        W.Defer = true;
        var r = Connect();
        Assert.That(SimWdk.S[_device.Ioctl(OvpnIoctl.DelPeer, ReadOnlySpan<byte>.Empty, 0)].Status, Is.EqualTo((int)NtStatus.Success));
        AssertCompleted(r, (int)NtStatus.Cancelled, "the pended NEW_PEER goes with its peer");
        W.CompleteAll();
        Assert.That(W.Sockets, Has.Count.EqualTo(1), "the queued open never started");
        Assert.That(_device.Ctx->Wsk.Step, Is.EqualTo(WskStep.None));
    }

    [Test]
    public void ALateNoticeOfAnEarlierConnectionDoesNotCompleteTheCurrentOne()
    {
        W.Defer = true;
        var first = Connect();
        uint earlier = TransportOf(_device);
        W.CompleteAll();
        AssertCompleted(first, (int)NtStatus.Success, "first connection");
        var second = Connect(); // a new transport, its connect in flight
        Assert.That(TransportOf(_device), Is.Not.EqualTo(earlier));
        // The first connection's success reaches the core late (a DPC on another CPU, in the real kernel):
        Driver<BoundPlatform<WindowsPlatform<SimWdk, SimKm>>>.OnTransportConnected(_device.Ctx->State, NtStatus.Success, earlier);
        Assert.That(SimWdk.S[second].Completed, Is.False, "not the connection NEW_PEER waits for");
        var read = _device.Read();
        Driver<BoundPlatform<WindowsPlatform<SimWdk, SimKm>>>.OnTransportDisconnected(_device.Ctx->State, earlier);
        Assert.That(SimWdk.S[read].Completed, Is.False, "the earlier connection's end is not this one's");
        W.CompleteAll();
        AssertCompleted(second, (int)NtStatus.Success, "the current connection completes it");
    }

    [Test]
    public void CleanupWhileConnectingClosesTheSocketAndLeavesNothing()
    {
        W.Defer = true;
        var r = Connect();
        W.CompleteNext(); // created; the bind is in flight
        _device.Cleanup(); // the handle closes: the bind completes, the socket closes, the rundown drains
        Assert.That(W.Socket.Closed, Is.True);
        Assert.That(W.Pending, Is.Empty);
        Assert.That(W.QueuedDpcs, Is.Empty, "every notice ran before the handle's core went");
        Assert.That(SimWdk.S[r].Completed, Is.True);
    }
}
