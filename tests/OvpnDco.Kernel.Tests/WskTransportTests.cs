using System;
using System.Collections.Generic;
using OvpnDco.Driver.Kernel;
using OvpnDco.Kernel.Tests.Simulation;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;
using OvpnDco.Wdk;

namespace OvpnDco.Kernel.Tests;

/// <summary>
/// The WSK UDP transport on the simulated provider: the socket's creation chain (immediate or completing later),
/// datagram indication lists through the core to the adapter, sends over the buffers' MDLs and their completions
/// (buffers come back, none leaks, exhaustion, failures), close while the creation or sends are in flight, MP's IPv6
/// listen socket with IPV6_V6ONLY before the bind. The provider records misuse (use after close, an IRP for
/// SO_WSK_EVENT_CALLBACK, a send before the bind or past its MDL): SimDevice's Dispose fails the test on any.
/// </summary>
public unsafe class WskTransportTests : SimTransportFixture
{
    private void NewPeer() => _device.AddUdpPeer();

    private void Key() => _device.AddNoneKey();

    /// <summary>A send as the core makes it: a transport buffer, the bytes written in place, TransportSend.</summary>
    private NtStatus Send(byte[] bytes, int offset = 0)
    {
        var b = WindowsPlatform<SimWdk, SimKm>.TransportBuffer((nint)_device.Ctx, offset + bytes.Length);
        if (b == null)
            return NtStatus.InsufficientResources;
        bytes.CopyTo(new Span<byte>(b + offset, bytes.Length));
        var remote = Wire.Remote;
        return (NtStatus)WindowsPlatform<SimWdk, SimKm>.TransportSend((nint)_device.Ctx, 0, &remote, b + offset, bytes.Length);
    }

    /// <summary>Our own NONE data packet for <paramref name="ip"/> (the tx path through WskSendTo makes it).</summary>
    private byte[] DataPacketFor(byte[] ip) => SimTraffic.Transmit(_device, _rx, ip);

    [Test]
    public void NewPeerCreatesBindsAndEnablesReceiveFrom()
    {
        NewPeer();
        var s = W.Socket;
        Assert.That(s.Type, Is.EqualTo(WskConstants.SOCK_DGRAM));
        Assert.That(s.Protocol, Is.EqualTo(WskConstants.IPPROTO_UDP));
        Assert.That(s.Flags, Is.EqualTo(WskConstants.WSK_FLAG_DATAGRAM_SOCKET));
        Assert.That(s.Family, Is.EqualTo(WskConstants.AF_INET));
        Assert.That(s.Context, Is.EqualTo((nint)_device.Ctx), "the socket's events carry the device");
        Assert.That(s.Bound, Is.EqualTo(Wire.Bytes(Wire.Local)[..16]), "bound to NEW_PEER's local address");
        Assert.That(s.V6Only, Is.Null);
        Assert.That(s.EnabledEvents & WskConstants.WSK_EVENT_RECEIVE_FROM, Is.Not.Zero);
        Assert.That(_device.Ctx->Wsk.Step, Is.EqualTo(WskStep.Ready));
    }

    [Test]
    public void AnIndicationListOfSeveralDatagramsReachesTheAdapterInOrder()
    {
        NewPeer();
        Key();
        // Ten datagrams (distinct packet ids: the replay window drops repeats) in one list: more than a batch (8).
        var packets = new List<byte[]>();
        for (int i = 0; i < 10; i++)
            packets.Add(Wire.Ipv4(60 + 130 * i, (byte)i));
        var wires = packets.ConvertAll(DataPacketFor);
        var list = new List<(byte[], SockAddrInet)>();
        for (int i = 0; i < 10; i++)
            list.Add((wires[i], Wire.Remote));
        Assert.That(SimWskProvider.Indicate(W.Socket, list.ToArray()), Is.EqualTo(NTSTATUS.STATUS_SUCCESS), "consumed");
        AssertAdapterGot(packets);
    }

    private void AssertAdapterGot(List<byte[]> packets) => SimTraffic.AssertAdapterGot(_device, _rx, packets);

    [Test]
    public void UdpRoundTripBetweenTwoDevices()
    {
        // Device B on the same simulated machine: its peer is A (addresses swapped), cipher NONE like A's.
        using var b = new SimDevice(share: true);
        Assert.That(b.Open(), Is.EqualTo(NtStatus.Success));
        var peerOfB = Wire.Bytes(new OvpnNewPeer { Local = Wire.Remote, Remote = Wire.Local, Proto = OvpnProto.Udp });
        Assert.That(SimWdk.S[b.Ioctl(OvpnIoctl.NewPeer, peerOfB, 0)].Status, Is.EqualTo((int)NtStatus.Success));
        b.AddNoneKey();
        NewPeer();
        Key();
        var socketOfA = W.Sockets[1];
        var socketOfB = W.Sockets[0];
        Assert.That(socketOfA.Context, Is.EqualTo((nint)_device.Ctx));
        Assert.That(socketOfB.Bound, Is.EqualTo(Wire.Bytes(Wire.Remote)[..16]));

        // A's adapter transmits three IP packets: three WskSendTo's to B's address; the network carries them to B's
        // socket as one indication list from A's address; B's adapter receives the IP packets.
        var packets = new List<byte[]> { Wire.Ipv4(60, 1), Wire.Ipv4(700, 2), Wire.Ipv4(1300, 3) };
        var wires = packets.ConvertAll(DataPacketFor);
        for (int i = 0; i < 3; i++)
            Assert.That(W.Sent[i].Remote, Is.EqualTo(Wire.Bytes(Wire.Remote)[..16]), "sent to B");
        Assert.That(SimWskProvider.Indicate(socketOfB, (wires[0], Wire.Local), (wires[1], Wire.Local), (wires[2], Wire.Local)),
            Is.EqualTo(NTSTATUS.STATUS_SUCCESS));
        Assert.That(_device.Ctx->RxHead == null, "nothing reached A's adapter");
        _rx.Start(0, 0);
        _rx.PostEmpty(3);
        RxRing<SimWdk, SimKm>.Advance(b.Ctx, b.Ctx->RxQueue);
        Assert.That(_rx.Packets->BeginIndex, Is.EqualTo(3u));
        for (int i = 0; i < 3; i++)
            Assert.That(_rx.PacketBytes((uint)i), Is.EqualTo(packets[i]), $"packet {i} crossed from A to B");
        b.Cleanup();
    }

    /// <summary>
    /// Datagrams spread over MDL chains (as the stack indicates one it reassembled from fragments), more than a batch
    /// of them, mixed with single-MDL ones: each copied whole into a pool buffer, delivered in order, every copy freed.
    /// </summary>
    [TestCase(2)]
    [TestCase(5)]
    public void DatagramsSpreadOverMdlChainsArriveWholeAndTheirCopiesAreFreed(int pieces)
    {
        NewPeer();
        Key();
        var packets = new List<byte[]>();
        for (int i = 0; i < 10; i++)
            packets.Add(Wire.Ipv4(200 + 111 * i, (byte)(i + 1)));
        var wires = packets.ConvertAll(DataPacketFor);
        int live = SimWdk.S.Live.Count;
        var chained = new List<(byte[], SockAddrInet)>();
        for (int i = 0; i < 9; i++)
            chained.Add((wires[i], Wire.Remote));
        Assert.That(SimWskProvider.IndicateChained(W.Socket, pieces, chained.ToArray()), Is.EqualTo(NTSTATUS.STATUS_SUCCESS));
        Assert.That(SimWskProvider.Indicate(W.Socket, (wires[9], Wire.Remote)), Is.EqualTo(NTSTATUS.STATUS_SUCCESS));
        Assert.That(SimWdk.S.Live.Count, Is.EqualTo(live), "every pool copy freed once the core had the batch");
        AssertAdapterGot(packets);
    }

    [Test]
    public void AChainedDatagramWithoutPoolMemoryOrAMappingIsDroppedAndCountedAndLeaksNothing()
    {
        NewPeer();
        Key();
        var wire = DataPacketFor(Wire.Ipv4(300, 9));
        int live = SimWdk.S.Live.Count;
        SimWdk.S.FailAllAllocations = true;
        Assert.That(SimWskProvider.IndicateChained(W.Socket, 3, (wire, Wire.Remote)), Is.EqualTo(NTSTATUS.STATUS_SUCCESS));
        SimWdk.S.FailAllAllocations = false;
        Assert.That(_device.Ctx->Wsk.RxDropped, Is.EqualTo(1), "no pool memory for the copy");
        W.FailMapping = true;
        Assert.That(SimWskProvider.IndicateChained(W.Socket, 3, (wire, Wire.Remote)), Is.EqualTo(NTSTATUS.STATUS_SUCCESS));
        W.FailMapping = false;
        Assert.That(_device.Ctx->Wsk.RxDropped, Is.EqualTo(2), "a piece that cannot be mapped");
        Assert.That(SimWdk.S.Live.Count, Is.EqualTo(live), "the copy of the unmappable datagram freed");
        Assert.That(_device.Ctx->RxHead == null, "nothing delivered");
    }

    [Test]
    public void ADatagramThatCannotBeMappedIsDroppedAndCounted()
    {
        NewPeer();
        Key();
        var wire = DataPacketFor(Wire.Ipv4(100, 7));
        W.FailMapping = true;
        Assert.That(SimWskProvider.Indicate(W.Socket, (wire, Wire.Remote), (wire, Wire.Remote)), Is.EqualTo(NTSTATUS.STATUS_SUCCESS));
        Assert.That(_device.Ctx->Wsk.RxDropped, Is.EqualTo(2));
        Assert.That(_device.Ctx->RxHead == null, "nothing delivered");
    }

    [Test]
    public void SendCompletionsReturnEveryBuffer()
    {
        NewPeer();
        W.Defer = true;
        int n = TransportBuffers<SimWdk>.Count;
        for (int i = 0; i < n; i++)
            Assert.That(Send(new byte[] { 1, 2, (byte)i }, offset: 2), Is.EqualTo(NtStatus.Success));
        Assert.That(TransportBuffers<SimWdk>.Outstanding(_device.Ctx), Is.EqualTo(n), "the stack owns them until completion");
        Assert.That(Send(new byte[] { 9 }), Is.EqualTo(NtStatus.InsufficientResources), "exhausted: TransportBuffer gives null");
        W.CompleteAll();
        Assert.That(TransportBuffers<SimWdk>.Outstanding(_device.Ctx), Is.Zero, "every completion returned its buffer");
        Assert.That(_device.Ctx->Wsk.SendsCompleted, Is.EqualTo(n));
        Assert.That(W.Sent, Has.Count.EqualTo(n));
        Assert.That(W.Sent[5].Data, Is.EqualTo(new byte[] { 1, 2, 5 }), "the WSK_BUF covers the sent bytes at their offset");
        Assert.That(W.Sent[5].Remote, Is.EqualTo(Wire.Bytes(Wire.Remote)[..16]));
        // And again: no leak after many rounds.
        W.Defer = false;
        for (int i = 0; i < 3 * n; i++)
            Assert.That(Send(new byte[] { 3 }), Is.EqualTo(NtStatus.Success));
        Assert.That(TransportBuffers<SimWdk>.Outstanding(_device.Ctx), Is.Zero);
        Assert.That(W.Irps.Count, Is.EqualTo(n + 2), "one IRP per buffer and the socket's two (its steps, a close that aborts a connect), reused, never reallocated");
    }

    [Test]
    public void AFailedSendReturnsItsBuffer()
    {
        NewPeer();
        W.FailSendAt = 2;
        Assert.That(Send(new byte[] { 1 }), Is.EqualTo(NtStatus.Success));
        Assert.That(Send(new byte[] { 2 }), Is.EqualTo(NtStatus.NetworkUnreachable), "the failure is the core's result");
        Assert.That(Send(new byte[] { 3 }), Is.EqualTo(NtStatus.Success));
        Assert.That(_device.Ctx->Wsk.SendsFailed, Is.EqualTo(1));
        Assert.That(TransportBuffers<SimWdk>.Outstanding(_device.Ctx), Is.Zero, "the failed send's buffer came back through its completion");
        Assert.That(W.Sent, Has.Count.EqualTo(2));
    }

    [Test]
    public void ASendFailingLaterReturnsItsBufferToo()
    {
        NewPeer();
        W.Defer = true;
        W.FailSendAt = 1;
        Assert.That(Send(new byte[] { 1 }), Is.EqualTo(NtStatus.Success), "pending: the failure comes with the completion");
        Assert.That(TransportBuffers<SimWdk>.Outstanding(_device.Ctx), Is.EqualTo(1));
        W.CompleteAll();
        Assert.That(_device.Ctx->Wsk.SendsFailed, Is.EqualTo(1));
        Assert.That(TransportBuffers<SimWdk>.Outstanding(_device.Ctx), Is.Zero);
    }

    [Test]
    public void SendsBeforeTheBindCompletesFailAndReleaseTheirBuffer()
    {
        W.Defer = true;
        NewPeer(); // UDP NEW_PEER succeeds at once; the socket is still being created
        Assert.That(_device.Ctx->Wsk.Step, Is.EqualTo(WskStep.Creating));
        Assert.That(Send(new byte[] { 1 }), Is.EqualTo(NtStatus.DeviceNotReady));
        Assert.That(TransportBuffers<SimWdk>.Outstanding(_device.Ctx), Is.Zero);
        W.CompleteNext(); // created: the bind is issued
        Assert.That(_device.Ctx->Wsk.Step, Is.EqualTo(WskStep.Binding));
        Assert.That(W.Socket.Bound, Is.Not.Null);
        W.CompleteNext(); // bound: events enabled
        Assert.That(_device.Ctx->Wsk.Step, Is.EqualTo(WskStep.Ready));
        Assert.That(W.Socket.EnabledEvents & WskConstants.WSK_EVENT_RECEIVE_FROM, Is.Not.Zero);
        Assert.That(Send(new byte[] { 2 }), Is.EqualTo(NtStatus.Success));
        W.CompleteAll();
        Assert.That(W.Sent, Has.Count.EqualTo(1));
    }

    [Test]
    public void CleanupWithSendsInFlightWaitsForThemBeforeTheBuffersAreReused()
    {
        NewPeer();
        W.Defer = true;
        for (int i = 0; i < 5; i++)
            Assert.That(Send(new byte[] { (byte)i }), Is.EqualTo(NtStatus.Success));
        Assert.That(TransportBuffers<SimWdk>.Outstanding(_device.Ctx), Is.EqualTo(5));
        _device.Cleanup();
        Assert.That(W.WaitsThatDrained, Is.EqualTo(1), "file cleanup waited for the stack");
        Assert.That(W.Socket.Closed, Is.True);
        Assert.That(W.Socket.EnabledEvents & WskConstants.WSK_EVENT_RECEIVE_FROM, Is.Zero, "events disabled before the close");
        Assert.That(TransportBuffers<SimWdk>.Outstanding(_device.Ctx), Is.Zero);
        Assert.That(_device.Ctx->Wsk.Step, Is.EqualTo(WskStep.None));
        // The device opens again and gets a new socket.
        W.Defer = false;
        Assert.That(_device.Open(), Is.EqualTo(NtStatus.Success));
        NewPeer();
        Assert.That(W.Sockets, Has.Count.EqualTo(2));
        Assert.That(_device.Ctx->Wsk.Step, Is.EqualTo(WskStep.Ready));
    }

    [Test]
    public void CleanupWhileTheSocketIsBeingCreatedClosesItWhenCreated()
    {
        W.Defer = true;
        NewPeer();
        _device.Cleanup(); // the core closes: the creation is in flight, its completion closes the new socket
        Assert.That(W.Sockets, Has.Count.EqualTo(1));
        Assert.That(W.Socket.Closed, Is.True);
        Assert.That(W.Socket.Bound, Is.Null, "never bound: closed as soon as it existed");
        Assert.That(_device.Ctx->Wsk.Step, Is.EqualTo(WskStep.None));
    }

    [Test]
    public void AFailedCreationLeavesNoSocketAndSendsFail()
    {
        W.SocketStatus = unchecked((int)0xC000009A);
        NewPeer();
        Assert.That(_device.Ctx->Wsk.Step, Is.EqualTo(WskStep.Failed));
        Assert.That(Send(new byte[] { 1 }), Is.EqualTo(NtStatus.DeviceNotReady));
        Assert.That(TransportBuffers<SimWdk>.Outstanding(_device.Ctx), Is.Zero);
        _device.Cleanup();
        Assert.That(_device.Ctx->Wsk.Step, Is.EqualTo(WskStep.None));
        Assert.That(W.Closes, Is.Zero, "nothing to close");
    }

    [Test]
    public void AFailedBindIsClosedAtCleanup()
    {
        W.BindStatus = unchecked((int)0xC0000041); // address in use
        NewPeer();
        Assert.That(_device.Ctx->Wsk.Step, Is.EqualTo(WskStep.Failed));
        Assert.That(W.Socket.EnabledEvents, Is.Zero);
        _device.Cleanup();
        Assert.That(W.Socket.Closed, Is.True);
    }

    [Test]
    public void TheMpListenSocketIsIpv6OnlyBeforeItsBind()
    {
        var listen = default(SockAddrInet);
        listen.Addr6.Family = WinAddressFamily.Inet6;
        listen.Addr6.Port = 1194;
        Assert.That(WindowsPlatform<SimWdk, SimKm>.TransportListen((nint)_device.Ctx, &listen, true), Is.Zero);
        Assert.That(_device.Ctx->Wsk.Step, Is.EqualTo(WskStep.EventsQueued), "bound inside the call; the receive event is enabled from the notice DPC");
        W.RunDpcs();
        var s = W.Socket;
        Assert.That(s.Family, Is.EqualTo(WskConstants.AF_INET6));
        Assert.That(s.V6Only, Is.EqualTo(1u), "IPV6_V6ONLY set (the provider refuses it after the bind)");
        Assert.That(s.Bound, Is.EqualTo(Wire.Bytes(listen)));
        Assert.That(_device.Ctx->Wsk.Step, Is.EqualTo(WskStep.Ready));
        Assert.That(WindowsPlatform<SimWdk, SimKm>.TransportListen((nint)_device.Ctx, &listen, true), Is.EqualTo((int)NtStatus.InvalidDeviceState),
            "one socket per device");
        WindowsPlatform<SimWdk, SimKm>.TransportClose((nint)_device.Ctx);
        Assert.That(s.Closed, Is.True);
    }

    [Test]
    public void WithoutAWskRegistrationOpenFails()
    {
        WskClient<SimWdk>.Unregister(_device.Ctx);
        var local = Wire.Local;
        var remote = Wire.Remote;
        Assert.That(WindowsPlatform<SimWdk, SimKm>.TransportOpen((nint)_device.Ctx, 0, &local, &remote), Is.EqualTo((int)NtStatus.InvalidDeviceState));
        Assert.That(W.Sockets, Is.Empty);
        Assert.That(WskClient<SimWdk>.Register(_device.Ctx), Is.EqualTo(NTSTATUS.STATUS_SUCCESS)); // for Dispose
    }
}
