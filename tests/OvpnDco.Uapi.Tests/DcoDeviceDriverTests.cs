using System;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using OvpnDco.Driver.Tests;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi.Client;

namespace OvpnDco.Uapi.Tests;

/// <summary>
/// DcoDevice end to end against the real driver core (<see cref="DriverTransport"/>): every IOCTL wrapper, control
/// reads and writes, pended requests completed by real driver events, and the driver's failure statuses surfacing as
/// <see cref="DcoException"/> with the NTSTATUS and the Win32 error user mode sees.
/// </summary>
[NonParallelizable] // the managed platform is process-wide (virtual clock, key table)
public class DcoDeviceDriverTests
{
    private DriverTransport _transport = null!;
    private DcoDevice _device = null!;

    private static readonly IPEndPoint Local = IPEndPoint.Parse("192.0.2.1:1194");
    private static readonly IPEndPoint Remote = IPEndPoint.Parse("198.51.100.7:51820");
    private static readonly byte[] EncryptKey = Keys.Bytes(32, 1), DecryptKey = Keys.Bytes(32, 2);
    private static readonly byte[] EncryptTail = Keys.Bytes(8, 3), DecryptTail = Keys.Bytes(8, 4);

    [SetUp]
    public void SetUp()
    {
        _transport = new DriverTransport();
        _device = new DcoDevice(_transport);
    }

    [TearDown]
    public void TearDown()
    {
        _device.Dispose();
        _transport.Dispose(); // already closed by the device (it owns the transport); a second close is a no-op
    }

    private static OvpnCryptoData Key(OvpnKeySlot slot, byte keyId, int peerId = 0) => CryptoData.Create(slot, OvpnCipherAlg.AesGcm, keyId, peerId,
        CryptoData.Direction(EncryptKey, EncryptTail), CryptoData.Direction(DecryptKey, DecryptTail));

    /// <summary>A second driver instance holding the other end's keys (what the device encrypts, it decrypts).</summary>
    private static TestNode OtherEnd(IPEndPoint local, IPEndPoint remote, byte keyId, int peerId = 0)
    {
        var node = new TestNode();
        Assert.That(node.NewPeer(SockAddrConverter.ToSockAddrInet(local), SockAddrConverter.ToSockAddrInet(remote)), Is.EqualTo(NtStatus.Success));
        Assert.That(node.NewKey(TestNode.Key(OvpnCipherAlg.AesGcm, 32, DecryptKey, EncryptKey, DecryptTail, EncryptTail, OvpnKeySlot.Primary, keyId, peerId)),
            Is.EqualTo(NtStatus.Success));
        return node;
    }

    private static void ExpectFailure(TestDelegate call, NtStatus status, Win32Error error, string what)
    {
        var e = Assert.Throws<DcoException>(call, what)!;
        Assert.That(e.Status, Is.EqualTo(status), what);
        Assert.That(e.Error, Is.EqualTo(error), what);
    }

    [Test]
    public unsafe void P2pSessionThroughEveryP2pWrapper()
    {
        var version = _device.GetVersion();
        Assert.That((version.Major, version.Minor, version.Patch), Is.EqualTo((2, 5, 0)));

        _device.NewPeer(Local, Remote, OvpnProto.Udp);
        _device.NewKey(Key(OvpnKeySlot.Secondary, 3));
        _device.NewKeyV2(CryptoData.CreateV2(Key(OvpnKeySlot.Primary, 2), OvpnCryptoOptions.AeadTagEnd));
        _device.SwapKeys(); // key 3 is now primary
        _device.SetPeer(10, 60, 1300);
        Assert.That(_transport.Platform.LinkUp, Is.False);
        _device.StartVpn();
        Assert.That(_transport.Platform.LinkUp, Is.True, "START_VPN sets the adapter link");

        // The session works: what the device sends, the other end (holding the swapped key) delivers, and back.
        using var other = OtherEnd(Remote, Local, 3);
        var ip = TestNode.Ipv4Packet("10.8.0.1", "10.8.0.2", 200);
        Assert.That(DriverUnderTest.OnAdapterTransmit(_transport.State, (byte[])ip.Clone()), Is.EqualTo(NtStatus.Success));
        var wire = _transport.TakeSent().Single();
        Assert.That(wire.Data[0] & 7, Is.EqualTo(3), "sent with key id 3");
        other.Receive(wire.Data, SockAddrConverter.ToSockAddrInet(Local));
        Assert.That(other.TakeDelivered().Single(), Is.EqualTo(ip));
        other.Send(TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 100));
        _transport.Receive(other.TakeSent().Single().Data, SockAddrConverter.ToSockAddrInet(Remote));
        Assert.That(_transport.Platform.Delivered, Has.Count.EqualTo(1));

        var stats = _device.GetStats();
        Assert.Multiple(() =>
        {
            Assert.That(stats.SentDataPackets, Is.EqualTo(1));
            Assert.That(stats.ReceivedDataPackets, Is.EqualTo(1));
            Assert.That(stats.TunBytesSent, Is.EqualTo(220));
            Assert.That(stats.TunBytesReceived, Is.EqualTo(120));
            Assert.That(stats.TransportBytesSent, Is.EqualTo(wire.Data.Length));
        });

        // SET_PEER's keepalive interval: a ping 10 s after the last packet sent.
        _transport.Advance(9_000);
        Assert.That(_transport.TakeSent(), Is.Empty);
        _transport.Advance(1_500);
        var ping = _transport.TakeSent().Single();
        other.Receive(ping.Data, SockAddrConverter.ToSockAddrInet(Local));
        Assert.That(other.TakeDelivered(), Is.Empty, "the ping is swallowed by the other end");
        Assert.That(other.Stats.ReceivedDataPackets, Is.EqualTo(2), "and authenticated with the swapped key");

        ExpectFailure(() => _device.SetMode(OvpnMode.MP), NtStatus.AlreadyInitialized, Win32Error.AlreadyInitialized, "SET_MODE after NEW_PEER");
        ExpectFailure(() => _device.MpDelPeer(1), NtStatus.InvalidDeviceState, Win32Error.BadCommand, "MP-only in P2P (upstream's wrong-mode status)");
        ExpectFailure(() => _device.SetPeer(-2, 0, 0), NtStatus.InvalidParameter, Win32Error.InvalidParameter, "SET_PEER value < -1");

        _device.DelPeer();
        Assert.That(_transport.Platform.TransportOpen, Is.False, "DEL_PEER closed the socket");
        ExpectFailure(() => _device.SwapKeys(), NtStatus.InvalidDeviceRequest, Win32Error.InvalidFunction, "SWAP_KEYS without a peer");
        ExpectFailure(() => _device.NewKey(Key(OvpnKeySlot.Primary, 1)), NtStatus.ObjectIdNotFound, Win32Error.FileNotFound, "NEW_KEY without a peer");
        _device.DelPeer(); // always succeeds
    }

    [Test]
    public void TheControlDeviceAnswersOnlyGetVersion()
    {
        using var control = new DcoDevice(new DriverTransport(controlDevice: true));
        Assert.That(control.GetVersion().Major, Is.EqualTo(2));
        ExpectFailure(() => control.GetStats(), NtStatus.InvalidDeviceRequest, Win32Error.InvalidFunction, "GET_STATS on -ver");
        ExpectFailure(() => control.NewPeer(Local, Remote, OvpnProto.Udp), NtStatus.InvalidDeviceRequest, Win32Error.InvalidFunction, "NEW_PEER on -ver");
    }

    [Test]
    public async Task TcpNewPeerCompletesWhenTheDriverConnects()
    {
        var task = _device.NewPeerAsync(IPEndPoint.Parse("[2001:db8::1]:0"), IPEndPoint.Parse("[2001:db8::2]:443"), OvpnProto.Tcp);
        Assert.That(task.IsCompleted, Is.False, "TCP NEW_PEER pends until connected");
        Assert.That(_transport.PendingCount, Is.EqualTo(1));
        _transport.TcpConnected();
        await task;
        Assert.That(_transport.PendingCount, Is.Zero);
        _device.StartVpn();
    }

    [Test]
    public void TcpNewPeerFailsWithTheConnectStatus()
    {
        var task = _device.NewPeerAsync(Local, Remote, OvpnProto.Tcp);
        _transport.TcpConnected(NtStatus.HostUnreachable);
        var e = Assert.ThrowsAsync<DcoException>(() => task)!;
        Assert.That(e.Status, Is.EqualTo(NtStatus.HostUnreachable));
        Assert.That(e.Operation, Is.EqualTo("OVPN_IOCTL_NEW_PEER"));
        ExpectFailure(() => _device.StartVpn(), NtStatus.InvalidDeviceRequest, Win32Error.InvalidFunction, "no peer after a failed connect");
    }

    [Test]
    public void CancellingAPendingNewPeerForgetsThePeer()
    {
        using var cts = new CancellationTokenSource();
        var task = _device.NewPeerAsync(Local, Remote, OvpnProto.Tcp, cts.Token);
        cts.Cancel();
        Assert.That(() => task, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(_transport.PendingCount, Is.Zero);
        // The driver dropped the half-open peer: a new NEW_PEER is accepted.
        _device.NewPeer(Local, Remote, OvpnProto.Udp);
    }

    [Test]
    public async Task P2pControlPacketsBothWays()
    {
        var early = new byte[UapiLimits.ControlReadBufferSize];
        ExpectFailure(() => _device.WriteControlPacketAsync(new byte[] { 0x38, 1 }).AsTask().GetAwaiter().GetResult(),
            NtStatus.InvalidDeviceState, Win32Error.BadCommand, "write without a socket");
        _device.NewPeer(Local, Remote, OvpnProto.Udp);

        // A read that pends until the peer's control packet arrives.
        var read = _device.ReadControlPacketAsync(early);
        Assert.That(read.IsCompleted, Is.False);
        var hardReset = new byte[] { 0x38, 0xAA, 0xBB, 0xCC };
        _transport.Receive(hardReset, SockAddrConverter.ToSockAddrInet(Remote));
        int n = await read;
        Assert.That(early.AsSpan(0, n).ToArray(), Is.EqualTo(hardReset));

        // A packet queued before the read: the read completes at once.
        var ack = new byte[] { 0x28, 1, 2, 3, 4, 5 };
        _transport.Receive(ack, SockAddrConverter.ToSockAddrInet(Remote));
        var buffer = new byte[UapiLimits.ControlReadBufferSize];
        Assert.That(await _device.ReadControlPacketAsync(buffer), Is.EqualTo(ack.Length));
        Assert.That(buffer.AsSpan(0, ack.Length).ToArray(), Is.EqualTo(ack));

        // Writes go to the peer's transport address.
        await _device.WriteControlPacketAsync(new byte[] { 0x20, 9, 9 });
        var sent = _transport.TakeSent().Single();
        Assert.That(sent.Data, Is.EqualTo(new byte[] { 0x20, 9, 9 }));
        Assert.That(SockAddrConverter.ToEndPoint(sent.Remote), Is.EqualTo(Remote));
        ExpectFailure(() => _device.WriteControlPacketAsync(new byte[UapiLimits.MaxControlPacketSize + 1]).AsTask().GetAwaiter().GetResult(),
            NtStatus.InvalidBufferSize, StatusCodes.ToWin32Error(NtStatus.InvalidBufferSize), "write over 1500 bytes");
        ExpectFailure(() => _device.WriteControlPacketAsync(ReadOnlyMemory<byte>.Empty).AsTask().GetAwaiter().GetResult(),
            NtStatus.InvalidParameter, Win32Error.InvalidParameter, "empty write");

        // A read buffer too small for the packet: the read fails and the packet is lost (upstream behaviour).
        _transport.Receive(hardReset, SockAddrConverter.ToSockAddrInet(Remote));
        var small = _device.ReadControlPacketAsync(new byte[2]);
        var e = Assert.ThrowsAsync<DcoException>(async () => await small)!;
        Assert.That(e.Status, Is.EqualTo(NtStatus.BufferTooSmall));
    }

    [Test]
    public void ReadsEndWithTheDriverWhenCancelledOrClosed()
    {
        _device.NewPeer(Local, Remote, OvpnProto.Udp);
        using var cts = new CancellationTokenSource();
        var cancelled = _device.ReadControlPacketAsync(new byte[2048], cts.Token).AsTask();
        var closed = _device.ReadControlPacketAsync(new byte[2048]).AsTask();
        Assert.That(_transport.PendingCount, Is.EqualTo(2));
        cts.Cancel();
        Assert.That(() => cancelled, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(_transport.PendingCount, Is.EqualTo(1), "the driver removed the cancelled read");
        _device.DelPeer(); // DEL_PEER completes pending reads STATUS_CANCELLED
        var e = Assert.ThrowsAsync<DcoException>(() => closed)!;
        Assert.That(e.Status, Is.EqualTo(NtStatus.Cancelled));
        Assert.That(e.Error, Is.EqualTo(Win32Error.OperationAborted));
    }

    [Test]
    public void AKeepaliveTimeoutCompletesTheReadWithDisconnected()
    {
        _device.NewPeer(Local, Remote, OvpnProto.Udp);
        _device.NewKey(Key(OvpnKeySlot.Primary, 0));
        _device.SetPeer(1, 3, 0);
        _device.StartVpn();
        var read = _device.ReadControlPacketAsync(new byte[2048]).AsTask();
        _transport.Advance(1500);
        Assert.That(_transport.TakeSent(), Is.Not.Empty, "a keepalive ping after 1 s");
        Assert.That(read.IsCompleted, Is.False);
        _transport.Advance(3000);
        var e = Assert.ThrowsAsync<DcoException>(() => read)!;
        Assert.That(e.Status, Is.EqualTo(NtStatus.ConnectionDisconnected));
    }

    private static readonly IPEndPoint Listen = IPEndPoint.Parse("192.0.2.1:1194");
    private static readonly IPEndPoint Client = IPEndPoint.Parse("203.0.113.7:40000");

    private void StartServer()
    {
        _device.SetMode(OvpnMode.MP);
        _device.MpStartVpn(Listen, ipv6Only: false);
        _device.MpNewPeer(7, Listen, Client, IPAddress.Parse("10.8.0.7"), IPAddress.Parse("fd00::7"));
        _device.NewKeyV2(CryptoData.CreateV2(Key(OvpnKeySlot.Primary, 1, peerId: 7), 0));
    }

    [Test]
    public unsafe void MultipeerSessionThroughEveryMpWrapper()
    {
        StartServer();
        Assert.That(_transport.Platform.Listening, Is.True, "MP_START_VPN opened the listen socket");
        _device.MpSetPeer(7, 10, 120, 1400);
        _device.NewKey(Key(OvpnKeySlot.Secondary, 2, peerId: 7));
        _device.MpSwapKeys(7);
        _device.MpAddIroute(7, IPAddress.Parse("192.168.50.0"), 24);
        _device.MpAddIroute(7, IPAddress.Parse("fd01::"), 64);

        // Traffic for the iroute goes to peer 7 with its (swapped) key 2, and the client's answer comes back.
        using var client = OtherEnd(Client, Listen, 2, peerId: 7);
        var toIroute = TestNode.Ipv4Packet("10.8.0.1", "192.168.50.9", 64);
        Assert.That(DriverUnderTest.OnAdapterTransmit(_transport.State, (byte[])toIroute.Clone()), Is.EqualTo(NtStatus.Success));
        var wire = _transport.TakeSent().Single();
        Assert.That(SockAddrConverter.ToEndPoint(wire.Remote), Is.EqualTo(Client));
        client.Receive(wire.Data, SockAddrConverter.ToSockAddrInet(Listen));
        Assert.That(client.TakeDelivered().Single(), Is.EqualTo(toIroute));
        client.Send(TestNode.Ipv4Packet("192.168.50.9", "10.8.0.1", 30));
        _transport.Receive(client.TakeSent().Single().Data, SockAddrConverter.ToSockAddrInet(Client));
        Assert.That(_transport.Platform.Delivered, Has.Count.EqualTo(1), "the iroute's source is accepted from peer 7");

        var one = _device.GetPeerStats(7);
        Assert.Multiple(() =>
        {
            Assert.That(one.PeerId, Is.EqualTo(7));
            Assert.That(one.VpnTxBytes, Is.EqualTo(84));
            Assert.That(one.VpnRxBytes, Is.EqualTo(50));
            Assert.That(one.LinkTxBytes, Is.EqualTo(wire.Data.Length));
        });
        _device.MpNewPeer(3, Listen, IPEndPoint.Parse("203.0.113.3:1194"), null, null);
        Assert.That(_device.GetAllPeerStats().Select(s => s.PeerId).OrderBy(id => id), Is.EqualTo(new[] { 3, 7 }));

        ExpectFailure(() => _device.MpNewPeer(3, Listen, IPEndPoint.Parse("203.0.113.4:1194"), null, null),
            NtStatus.ObjectIdExists, StatusCodes.ToWin32Error(NtStatus.ObjectIdExists), "an existing peer id");
        ExpectFailure(() => _device.MpDelIroute(7, IPAddress.Parse("172.16.0.0"), 12), NtStatus.NotFound, Win32Error.NotFound, "an unknown iroute");
        ExpectFailure(() => _device.StartVpn(), NtStatus.InvalidDeviceState, Win32Error.BadCommand, "P2P-only in MP (upstream's wrong-mode status)");
        ExpectFailure(() => _device.GetPeerStats(99), NtStatus.NotFound, Win32Error.NotFound, "unknown peer");

        _device.MpDelIroute(7, IPAddress.Parse("192.168.50.0"), 24);
        Assert.That(DriverUnderTest.OnAdapterTransmit(_transport.State, (byte[])toIroute.Clone()), Is.EqualTo(NtStatus.HostUnreachable),
            "the deleted iroute no longer routes");
        _device.MpDelPeer(7);
        ExpectFailure(() => _device.MpDelPeer(7), NtStatus.NotFound, Win32Error.NotFound, "deleted twice");
        ExpectFailure(() => _device.MpSwapKeys(7), NtStatus.InvalidDeviceRequest, Win32Error.InvalidFunction, "swap of a deleted peer");
    }

    [Test]
    public async Task NotifyEventReportsAFloatAndAnExpiry()
    {
        StartServer();
        var pending = _device.NotifyEventAsync();
        Assert.That(pending.IsCompleted, Is.False, "NOTIFY_EVENT pends until an event");
        Assert.That(_transport.PendingCount, Is.EqualTo(1));

        // The client's data arrives from a new address: the driver moves the peer and reports FLOAT_PEER.
        using var client = OtherEnd(Client, Listen, 1, peerId: 7);
        client.Send(TestNode.Ipv4Packet("10.8.0.7", "10.8.0.1", 20));
        var moved = IPEndPoint.Parse("203.0.113.99:41000");
        _transport.Receive(client.TakeSent().Single().Data, SockAddrConverter.ToSockAddrInet(moved));
        var floated = await pending;
        Assert.That(floated.Cmd, Is.EqualTo(OvpnNotifyCmd.FloatPeer));
        Assert.That(floated.PeerId, Is.EqualTo(7));
        Assert.That(DcoDevice.FloatEndPoint(floated), Is.EqualTo(moved));

        // Keepalive timeout: the driver deletes the peer and reports DEL_PEER/EXPIRED (queued: completes at once).
        _device.MpSetPeer(7, 1, 3, 0);
        _transport.Advance(5000);
        var expired = await _device.NotifyEventAsync();
        Assert.That(expired.Cmd, Is.EqualTo(OvpnNotifyCmd.DelPeer));
        Assert.That(expired.PeerId, Is.EqualTo(7));
        Assert.That(expired.DelPeerReason, Is.EqualTo(OvpnDelPeerReason.Expired));
        ExpectFailure(() => _device.GetPeerStats(7), NtStatus.NotFound, Win32Error.NotFound, "the expired peer is gone");

        using var cts = new CancellationTokenSource();
        var cancelled = _device.NotifyEventAsync(cts.Token);
        cts.Cancel();
        Assert.That(() => cancelled, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(_transport.PendingCount, Is.Zero);
    }

    [Test]
    public async Task MultipeerControlPacketsCarryTheAddress()
    {
        StartServer();
        var buffer = new byte[UapiLimits.ControlReadBufferSize];
        var read = _device.MpReadControlPacketAsync(buffer);
        _transport.Receive(new byte[] { 0x38, 7, 7 }, SockAddrConverter.ToSockAddrInet(Client));
        var packet = await read;
        Assert.That(packet.Source, Is.EqualTo(Client));
        Assert.That(packet.Payload.ToArray(), Is.EqualTo(new byte[] { 0x38, 7, 7 }));

        var v6 = IPEndPoint.Parse("[2001:db8::5]:1194");
        await _device.MpWriteControlPacketAsync(v6, new byte[] { 0x40, 1 });
        var sent = _transport.TakeSent().Single();
        Assert.That(SockAddrConverter.ToEndPoint(sent.Remote), Is.EqualTo(v6));
        Assert.That(sent.Data, Is.EqualTo(new byte[] { 0x40, 1 }));
        ExpectFailure(() => _device.WriteControlPacketAsync(new byte[] { 0x40, 1 }).AsTask().GetAwaiter().GetResult(),
            NtStatus.InvalidParameter, Win32Error.InvalidParameter, "MP write without an address prefix");
    }
}
