using System;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi.Client;

namespace OvpnDco.Uapi.Tests;

/// <summary>DcoDevice's typed methods against the test driver (generated dispatch) through an in-process transport.</summary>
public class DcoDeviceTests
{
    private InProcessTransport _transport = null!;
    private DcoDevice _device = null!;

    [SetUp]
    public void SetUp()
    {
        _transport = new InProcessTransport();
        _device = new DcoDevice(_transport);
    }

    [TearDown]
    public void TearDown()
    {
        _device.Dispose();
        _transport.Dispose();
    }

    private static readonly IPEndPoint Local4 = IPEndPoint.Parse("192.0.2.1:1194");
    private static readonly IPEndPoint Remote4 = IPEndPoint.Parse("198.51.100.7:51820");

    private static OvpnCryptoData Key(OvpnKeySlot slot, byte keyId, int peerId = 0)
    {
        var encrypt = CryptoData.Direction(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
        var decrypt = CryptoData.Direction(Enumerable.Range(32, 32).Select(i => (byte)i).ToArray(), new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
        return CryptoData.Create(slot, OvpnCipherAlg.AesGcm, keyId, peerId, encrypt, decrypt);
    }

    [Test]
    public unsafe void P2PSessionLikeOvpnDcoCli()
    {
        _device.NewPeer(Local4, Remote4, OvpnProto.Udp);
        _device.NewKey(Key(OvpnKeySlot.Primary, 0));
        _device.SetPeer(5, 60, 0);
        _device.StartVpn();
        _transport.Device.Stats.TunBytesReceived = 4242;
        var stats = _device.GetStats();
        var version = _device.GetVersion();

        var d = _transport.Device;
        var primary = _transport.Device.Primary;
        byte lastDecryptKeyByte = primary.Decrypt.Key[31];
        byte lastNonceByte = primary.Encrypt.NonceTail[7];
        Assert.Multiple(() =>
        {
            Assert.That(d.Started, Is.True);
            Assert.That(SockAddrConverter.ToEndPoint(d.Peer.Local), Is.EqualTo(Local4));
            Assert.That(SockAddrConverter.ToEndPoint(d.Peer.Remote), Is.EqualTo(Remote4));
            Assert.That(d.Peer.Remote.Addr4.PortNetworkOrder, Is.EqualTo((ushort)0x6CCA), "51820 = 0xCA6C, stored big-endian");
            Assert.That(d.Keepalive.KeepaliveInterval, Is.EqualTo(5));
            Assert.That(d.Keepalive.KeepaliveTimeout, Is.EqualTo(60));
            Assert.That(d.Primary.Encrypt.KeyLen, Is.EqualTo(32));
            Assert.That(lastDecryptKeyByte, Is.EqualTo(63));
            Assert.That(lastNonceByte, Is.EqualTo(8));
            Assert.That(stats.TunBytesReceived, Is.EqualTo(4242));
            Assert.That(version, Is.EqualTo(TestDriver.Version));
        });

        _device.NewKey(Key(OvpnKeySlot.Secondary, 1));
        _device.SwapKeys();
        Assert.That(_transport.Device.Primary.KeyId, Is.EqualTo(1));
        _device.DelPeer();
        _device.DelPeer(); // always succeeds
        Assert.That(_transport.Device.PeerExists, Is.False);
    }

    [Test]
    public void ErrorsCarryNtStatusAndWin32Error()
    {
        _device.NewPeer(Local4, Remote4, OvpnProto.Udp);
        var exists = Assert.Throws<DcoException>(() => _device.NewPeer(Local4, Remote4, OvpnProto.Udp))!;
        Assert.That(exists.Status, Is.EqualTo(NtStatus.ObjectIdExists));
        Assert.That(exists.Error, Is.EqualTo(Win32Error.ObjectAlreadyExists));
        Assert.That(exists.Operation, Is.EqualTo("OVPN_IOCTL_NEW_PEER"));
        Assert.That(exists.Message, Does.Contain("OVPN_IOCTL_NEW_PEER").And.Contain("0xC000022B"));

        var mpOnly = Assert.Throws<DcoException>(() => _device.MpDelPeer(1))!;
        Assert.That(mpOnly.Status, Is.EqualTo(NtStatus.InvalidDeviceState));
        Assert.That(mpOnly.Error, Is.EqualTo(Win32Error.BadCommand), "upstream's wrong-mode answer");
        Assert.That((uint)mpOnly.Error, Is.EqualTo(22u));

        var badKey = Key(OvpnKeySlot.Primary, 0);
        badKey.Encrypt.KeyLen = 20;
        var keyError = Assert.Throws<DcoException>(() => _device.NewKey(badKey))!;
        Assert.That(keyError.Status, Is.EqualTo(NtStatus.InvalidDeviceRequest));

        var twice = Assert.Throws<DcoException>(() => _device.SetMode(OvpnMode.MP))!;
        Assert.That(twice.Status, Is.EqualTo(NtStatus.AlreadyInitialized), "SET_MODE after NEW_PEER");
        Assert.That((uint)twice.Error, Is.EqualTo(1247u));
    }

    [Test]
    public void MismatchedEndpointFamiliesAreRejectedBeforeTheDriver()
    {
        Assert.Throws<ArgumentException>(() => _device.NewPeer(Local4, IPEndPoint.Parse("[2001:db8::1]:1194"), OvpnProto.Udp));
        Assert.That(_transport.Device.Calls, Is.EqualTo(0));
    }

    [Test]
    public async Task TcpNewPeerCompletesWhenConnected()
    {
        var task = _device.NewPeerAsync(IPEndPoint.Parse("[2001:db8::1%4]:0"), IPEndPoint.Parse("[2001:db8::2]:443"), OvpnProto.Tcp);
        Assert.That(_transport.PendingCount, Is.EqualTo(1), "the request waits in the driver");
        Assert.That(task.IsCompleted, Is.False, "TCP NEW_PEER pends until connected");
        _transport.CompleteTcpConnect();
        await task;
        Assert.That(_transport.Device.PeerExists, Is.True);
        Assert.That(_transport.Device.Peer.Local.Addr6.ScopeId, Is.EqualTo(4u));
        Assert.That(_transport.Device.Peer.Proto, Is.EqualTo(OvpnProto.Tcp));
    }

    private void StartServer()
    {
        _device.SetMode(OvpnMode.MP);
        _device.MpStartVpn(IPEndPoint.Parse("[::]:1194"), ipv6Only: false);
        _device.MpNewPeer(7, IPEndPoint.Parse("[2001:db8::1]:1194"), IPEndPoint.Parse("[2001:db8::77]:40000"),
            IPAddress.Parse("10.8.0.7"), IPAddress.Parse("fd00::7"));
    }

    [Test]
    public void MultipeerSession()
    {
        StartServer();
        _device.MpSetPeer(7, 10, 120, 1400);
        _device.NewKeyV2(CryptoData.CreateV2(Key(OvpnKeySlot.Primary, 2, peerId: 7), OvpnCryptoOptions.AeadTagEnd | OvpnCryptoOptions.PacketId64Bit));
        _device.MpSwapKeys(7);
        _device.MpAddIroute(7, IPAddress.Parse("192.168.50.0"), 24);
        _device.MpAddIroute(7, IPAddress.Parse("fd01::"), 64);

        var d = _transport.Device;
        Assert.Multiple(() =>
        {
            Assert.That(d.Mode, Is.EqualTo(OvpnMode.MP));
            Assert.That(d.MpListening, Is.True);
            Assert.That(SockAddrConverter.ToIPAddress(d.MpPeers[7].VpnAddr4), Is.EqualTo(IPAddress.Parse("10.8.0.7")));
            Assert.That(SockAddrConverter.ToIPAddress(d.MpPeers[7].VpnAddr6), Is.EqualTo(IPAddress.Parse("fd00::7")));
            Assert.That(d.MpKeepalive[7].MSS, Is.EqualTo(1400));
            Assert.That(d.Options, Is.EqualTo(OvpnCryptoOptions.AeadTagEnd | OvpnCryptoOptions.PacketId64Bit));
            Assert.That(d.Primary.PeerId, Is.EqualTo(7));
            Assert.That(d.Iroutes.Select(r => (r.Netbits, r.IPv6)), Is.EqualTo(new[] { (24, 0), (64, 1) }));
            Assert.That(SockAddrConverter.ToIPAddress(d.Iroutes[0].Addr.Addr4), Is.EqualTo(IPAddress.Parse("192.168.50.0")));
        });

        var one = _device.GetPeerStats(7);
        Assert.That(one.PeerId, Is.EqualTo(7));
        Assert.That(one.LinkRxBytes, Is.EqualTo(700));
        _device.MpNewPeer(3, IPEndPoint.Parse("192.0.2.1:1194"), IPEndPoint.Parse("203.0.113.3:1194"), null, null);
        var all = _device.GetAllPeerStats();
        Assert.That(all.Select(s => s.PeerId), Is.EqualTo(new[] { 3, 7 }));

        _device.MpDelIroute(7, IPAddress.Parse("192.168.50.0"), 24);
        _device.MpDelPeer(7);
        Assert.That(Assert.Throws<DcoException>(() => _device.MpDelPeer(7))!.Status, Is.EqualTo(NtStatus.InvalidDeviceRequest));
        Assert.That(Assert.Throws<DcoException>(() => _device.StartVpn())!.Error, Is.EqualTo(Win32Error.BadCommand), "P2P-only in MP");
    }

    [Test]
    public async Task NotifyEventPendsUntilAnEvent()
    {
        StartServer();
        var pending = _device.NotifyEventAsync();
        Assert.That(_transport.PendingCount, Is.EqualTo(1), "the request waits in the driver");
        Assert.That(pending.IsCompleted, Is.False);
        var ev = new OvpnNotifyEvent { Cmd = OvpnNotifyCmd.FloatPeer, PeerId = 7 };
        ev.FloatAddress = SockAddrConverter.ToSockAddrStorage(IPEndPoint.Parse("[2001:db8::99%2]:41000"));
        _transport.RaiseEvent(ev);
        var received = await pending;
        Assert.That(received.Cmd, Is.EqualTo(OvpnNotifyCmd.FloatPeer));
        Assert.That(received.PeerId, Is.EqualTo(7));
        Assert.That(DcoDevice.FloatEndPoint(received), Is.EqualTo(IPEndPoint.Parse("[2001:db8::99%2]:41000")));

        _transport.RaiseEvent(new OvpnNotifyEvent { Cmd = OvpnNotifyCmd.DelPeer, PeerId = 7, DelPeerReason = OvpnDelPeerReason.Expired });
        var deleted = await _device.NotifyEventAsync();
        Assert.That(deleted.DelPeerReason, Is.EqualTo(OvpnDelPeerReason.Expired));
        Assert.That(DcoDevice.FloatEndPoint(deleted), Is.Null);
    }

    [Test]
    public void NotifyEventCanBeCancelled()
    {
        StartServer();
        using var cts = new CancellationTokenSource();
        var pending = _device.NotifyEventAsync(cts.Token);
        cts.Cancel();
        Assert.ThrowsAsync<TaskCanceledException>(async () => await pending);
        Assert.That(_transport.PendingCount, Is.EqualTo(0));
    }

    [Test]
    public async Task P2PControlPackets()
    {
        Assert.That(Assert.ThrowsAsync<DcoException>(async () => await _device.WriteControlPacketAsync(new byte[] { 0x38 }))!.Error,
            Is.EqualTo(Win32Error.BadCommand), "no socket yet: STATUS_INVALID_DEVICE_STATE");
        _device.NewPeer(Local4, Remote4, OvpnProto.Udp);
        await _device.WriteControlPacketAsync(new byte[] { 0x38, 1, 2, 3 });
        Assert.That(_transport.Written.Single(), Is.EqualTo(new byte[] { 0x38, 1, 2, 3 }));
        Assert.That(Assert.ThrowsAsync<DcoException>(async () => await _device.WriteControlPacketAsync(new byte[1501]))!.Status,
            Is.EqualTo(NtStatus.InvalidBufferSize), "over 1500 bytes");

        var buffer = new byte[UapiLimits.ControlReadBufferSize];
        var read = _device.ReadControlPacketAsync(buffer);
        _transport.DeliverToUser(new byte[] { 0x40, 9, 9 });
        Assert.That(await read, Is.EqualTo(3));
        Assert.That(buffer.Take(3), Is.EqualTo(new byte[] { 0x40, 9, 9 }));

        // A too-small buffer loses the packet (upstream behaviour).
        _transport.DeliverToUser(new byte[100]);
        var small = Assert.ThrowsAsync<DcoException>(async () => await _device.ReadControlPacketAsync(new byte[50]))!;
        Assert.That(small.Error, Is.EqualTo(Win32Error.InsufficientBuffer));
    }

    [Test]
    public async Task MultipeerControlPacketsCarryTheAddress()
    {
        StartServer();
        var peer = IPEndPoint.Parse("[fe80::1%9]:40000");
        await _device.MpWriteControlPacketAsync(peer, new byte[] { 0x38, 7 });
        var written = _transport.Written.Single();
        Assert.That(written.Length, Is.EqualTo(28 + 2));
        Assert.That(written[0], Is.EqualTo(23), "AF_INET6 (Windows)");
        Assert.That(written.Skip(28), Is.EqualTo(new byte[] { 0x38, 7 }));
        Assert.That(SockAddrConverter.Read(written, out int length), Is.EqualTo(peer));
        Assert.That(length, Is.EqualTo(28));

        var packet = new byte[16 + 3];
        SockAddrConverter.Write(IPEndPoint.Parse("203.0.113.5:5000"), packet);
        packet[16] = 0x40;
        _transport.DeliverToUser(packet);
        var received = await _device.MpReadControlPacketAsync(new byte[2048]);
        Assert.That(received.Source, Is.EqualTo(IPEndPoint.Parse("203.0.113.5:5000")));
        Assert.That(received.Payload.ToArray(), Is.EqualTo(new byte[] { 0x40, 0, 0 }));

        Assert.That(Assert.ThrowsAsync<DcoException>(async () => await _transport.WriteAsync(new byte[] { 10, 0, 1 }, default))!.Status,
            Is.EqualTo(NtStatus.InvalidParameter), "Linux AF_INET6 prefix");
    }

    [Test]
    public void ClosingTheHandleCancelsPendingReads()
    {
        var read = _device.ReadControlPacketAsync(new byte[2048]).AsTask();
        _device.Dispose();
        var error = Assert.ThrowsAsync<DcoException>(async () => await read)!;
        Assert.That(error.Status, Is.EqualTo(NtStatus.Cancelled));
        Assert.That(error.Error, Is.EqualTo(Win32Error.OperationAborted));
        Assert.That(_transport.Disposed, Is.True);
    }

    [Test]
    public void TheControlDeviceAnswersOnlyGetVersion()
    {
        using var control = new DcoDevice(new InProcessTransport { IsControlDevice = true });
        Assert.That(control.GetVersion(), Is.EqualTo(TestDriver.Version));
        Assert.That(Assert.Throws<DcoException>(() => control.GetStats())!.Status, Is.EqualTo(NtStatus.InvalidDeviceRequest));
    }

    [Test]
    public void AnUnownedTransportIsNotDisposed()
    {
        var transport = new InProcessTransport();
        new DcoDevice(transport, ownsTransport: false).Dispose();
        Assert.That(transport.Disposed, Is.False);
    }

    [Test]
    public void RawIoctlsPassThrough()
    {
        var output = new byte[12];
        Assert.That(_device.Ioctl(OvpnIoctl.GetVersion, default, output), Is.EqualTo(12));
        Assert.That(BitConverter.ToInt32(output, 4), Is.EqualTo(TestDriver.Version.Minor));
        Assert.That(Assert.Throws<DcoException>(() => _device.Ioctl(OvpnIoctl.GetVersion, default, new byte[11]))!.Error,
            Is.EqualTo(Win32Error.InsufficientBuffer));
        Assert.That(Assert.Throws<DcoException>(() => _device.Ioctl(0x00220800, default, default))!.Operation,
            Is.EqualTo("IOCTL 0x00220800"));
    }
}
