using System;
using System.Linq;
using System.Net;
using System.Runtime.InteropServices;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Tests;

/// <summary>
/// Client conformance: the driver driven step by step the way the real clients drive ovpn-dco-win — OpenVPN 2.6/2.7's
/// src/openvpn/dco_win.c (P2P client and multipeer server) and OpenVPN3's openvpn/dco/ovpndcowincli.hpp — with the
/// buffer sizes they pass and the statuses, sizes and fields they check. Each client treats some failures as fatal
/// (M_ERR / a thrown ErrorCode) and restarts on others; the comments name the check. Runs managed and native.
/// </summary>
public unsafe class ClientConformanceTests
{
    private static readonly SockAddrInet Server = TestNode.V4("198.51.100.1", 1194);
    private static readonly SockAddrInet Client = TestNode.V4("203.0.113.10", 40000);

    private static byte[] Bytes<T>(in T value)
        where T : unmanaged => MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)).ToArray();

    /// <summary>The server side of a P2P session: a second driver instance playing OpenVPN's peer.</summary>
    private static TestNode ServerEnd(int keyId = 0, int peerId = 9)
    {
        var server = new TestNode();
        Assert.That(server.NewPeer(Server, Client), Is.EqualTo(NtStatus.Success));
        Assert.That(server.NewKey(Key(keyId, peerId, serverSide: true)), Is.EqualTo(NtStatus.Success));
        return server;
    }

    private static OvpnCryptoData Key(int keyId, int peerId, bool serverSide, OvpnKeySlot slot = OvpnKeySlot.Primary)
    {
        var k1 = Keys.Bytes(32, 10 + keyId);
        var k2 = Keys.Bytes(32, 20 + keyId);
        var t1 = Keys.Bytes(8, 30 + keyId);
        var t2 = Keys.Bytes(8, 40 + keyId);
        return serverSide
            ? TestNode.Key(OvpnCipherAlg.AesGcm, 32, k2, k1, t2, t1, slot, keyId, peerId)
            : TestNode.Key(OvpnCipherAlg.AesGcm, 32, k1, k2, t1, t2, slot, keyId, peerId);
    }

    /// <summary>dco_new_key: OVPN_IOCTL_NEW_KEY with the V1 struct (no epoch), PeerId = the pushed peer-id.</summary>
    private static void NewKeyV1(TestNode n, OvpnCryptoData key)
        => Assert.That(n.Ioctl(OvpnIoctl.NewKey, Bytes(key), Span<byte>.Empty, out _), Is.EqualTo(NtStatus.Success), "dco_new_key: M_ERR on failure");

    private static void Exchange(TestNode client, TestNode server, string when)
    {
        Assert.That(client.Send(TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 60)), Is.EqualTo(NtStatus.Success), when);
        foreach (var p in client.TakeSent())
            server.Receive(p.Data, Client);
        Assert.That(server.TakeDelivered(), Has.Count.EqualTo(1), when + ": client → server");
        Assert.That(server.Send(TestNode.Ipv4Packet("10.8.0.1", "10.8.0.2", 60)), Is.EqualTo(NtStatus.Success), when);
        foreach (var p in server.TakeSent())
            client.Receive(p.Data, Server);
        Assert.That(client.TakeDelivered(), Has.Count.EqualTo(1), when + ": server → client");
    }

    // ---- OpenVPN 2.6/2.7 P2P client (dco_win.c) ----

    [Test]
    public void OpenVpnClientConnectRekeyStatsAndExit()
    {
        using var server = ServerEnd();
        var client = new TestNode();
        // dco_get_version: GET_VERSION on \\.\ovpn-dco-ver (a control device answers it, nothing else).
        var version = new byte[sizeof(OvpnVersion)];
        int bytes = 0;
        Assert.That(DriverUnderTest.DeviceIoControl(client.State, OvpnIoctl.GetVersion, default, version, ref bytes, true), Is.EqualTo(NtStatus.Success));
        Assert.That(MemoryMarshal.Read<OvpnVersion>(version).Major, Is.GreaterThanOrEqualTo(2), "dco_win_supports_multipeer: Major >= 2");
        // dco_p2p_new_peer: Local with only the family set (no --bind), overlapped (UDP completes at once).
        var np = new OvpnNewPeer { Remote = Server, Proto = OvpnProto.Udp };
        np.Local.Addr4.Family = WinAddressFamily.Inet;
        Assert.That(client.Ioctl(OvpnIoctl.NewPeer, np), Is.EqualTo(NtStatus.Success));
        // The control channel goes through the driver: a pending read, writes of whole packets.
        Assert.That(client.Read(new byte[2048], out _, out nint pendingRead), Is.EqualTo(NtStatus.Pending));
        Assert.That(client.Write(new byte[] { 0x38, 1, 2, 3 }), Is.EqualTo(NtStatus.Success));
        server.Receive(client.TakeSent().Single().Data, Client);
        NewKeyV1(client, Key(0, 9, serverSide: false));
        // dco_set_peer (OVPN_SET_PEER: keepalive 10/60, mss); ovpn_dco_init → dco_p2p_start_vpn.
        Assert.That(client.Ioctl(OvpnIoctl.SetPeer, new OvpnSetPeer { KeepaliveInterval = 10, KeepaliveTimeout = 60, MSS = 1400 }), Is.EqualTo(NtStatus.Success));
        Assert.That(client.Ioctl(OvpnIoctl.StartVpn), Is.EqualTo(NtStatus.Success), "dco_p2p_start_vpn: M_ERR on failure");
        Assert.That(client.Platform.LinkUp, Is.True);
        Exchange(client, server, "key 0");

        // Status: dco_get_peer_stats asks GET_PEER_STATS with its peer-id and a 40-byte buffer; anything but exactly
        // 40 bytes is an error, ERROR_INVALID_FUNCTION means an old driver (fall back to GET_STATS).
        var ps = new byte[sizeof(OvpnPeerStats)];
        Assert.That(client.Ioctl(OvpnIoctl.GetPeerStats, Bytes(new OvpnGetPeerStats { PeerId = 9 }), ps, out bytes), Is.EqualTo(NtStatus.Success));
        Assert.That(bytes, Is.EqualTo(40), "dco_get_peer_stats: bytes_returned == sizeof(OVPN_PEER_STATS)");
        var stats = MemoryMarshal.Read<OvpnPeerStats>(ps);
        Assert.That(stats.PeerId, Is.EqualTo(9));
        Assert.That(stats.VpnTxBytes, Is.EqualTo(80));
        Assert.That(stats.VpnRxBytes, Is.EqualTo(80));
        Assert.That(stats.LinkTxBytes, Is.EqualTo(client.Stats.TransportBytesSent - 4), "data packets (the 4-byte control write is the device's)");

        // Rekey (tls_session_update_crypto_params → dco_new_key secondary, then dco_swap_keys).
        NewKeyV1(client, Key(1, 9, serverSide: false, OvpnKeySlot.Secondary));
        Assert.That(server.NewKey(Key(1, 9, serverSide: true, OvpnKeySlot.Secondary)), Is.EqualTo(NtStatus.Success));
        Assert.That(server.Ioctl(OvpnIoctl.SwapKeys), Is.EqualTo(NtStatus.Success));
        Assert.That(client.Ioctl(OvpnIoctl.SwapKeys), Is.EqualTo(NtStatus.Success), "dco_swap_keys: M_ERR on failure");
        Exchange(client, server, "key 1");

        // Exit: closing the handle takes the link down and cancels the pending read.
        client.Dispose();
        Assert.That(client.Platform.LinkUp, Is.False);
        Assert.That(client.Platform.Reads.Single(r => r.Request == pendingRead).Status, Is.EqualTo(NtStatus.Cancelled));
    }

    [Test]
    public void OpenVpnPersistTunReconnectKeepsTheLinkAndStartsFresh()
    {
        using var server = ServerEnd();
        using var client = new TestNode();
        Assert.That(client.NewPeer(Client, Server), Is.EqualTo(NtStatus.Success));
        NewKeyV1(client, Key(0, 9, serverSide: false));
        Assert.That(client.Ioctl(OvpnIoctl.StartVpn), Is.EqualTo(NtStatus.Success));
        Exchange(client, server, "first session");
        Assert.That(client.Stats.TunBytesSent, Is.EqualTo(80));
        // SIGUSR1 with persist-tun: dco_del_peer (DEL_PEER), the adapter stays; then a new session on the same handle
        // without a second START_VPN.
        Assert.That(client.Read(new byte[2048], out _, out nint read), Is.EqualTo(NtStatus.Pending));
        Assert.That(client.Ioctl(OvpnIoctl.DelPeer), Is.EqualTo(NtStatus.Success));
        Assert.That(client.Platform.Reads.Single(r => r.Request == read).Status, Is.EqualTo(NtStatus.Cancelled));
        Assert.That(client.Platform.LinkUp, Is.True, "persist-tun: the adapter stays connected");
        Assert.That(client.NewPeer(Client, Server), Is.EqualTo(NtStatus.Success));
        Assert.That(client.Stats.TunBytesSent, Is.Zero, "NEW_PEER: GET_STATS counts this session only (no double counting)");
        NewKeyV1(client, Key(0, 9, serverSide: false));
        Assert.That(server.Ioctl(OvpnIoctl.DelPeer), Is.EqualTo(NtStatus.Success));
        Assert.That(server.NewPeer(Server, Client), Is.EqualTo(NtStatus.Success));
        Assert.That(server.NewKey(Key(0, 9, serverSide: true)), Is.EqualTo(NtStatus.Success));
        Exchange(client, server, "second session, no START_VPN");
    }

    [Test]
    public void NewPeerWhileAPeerExistsReplacesIt()
    {
        // OpenVPN treats a failing NEW_PEER as fatal (M_ERR): a reconnect that did not send DEL_PEER must work.
        using var client = new TestNode();
        Assert.That(client.NewPeer(Client, Server, OvpnProto.Tcp), Is.EqualTo(NtStatus.Pending));
        DriverUnderTest.OnTransportConnected(client.State, NtStatus.Success);
        NewKeyV1(client, Key(0, 9, serverSide: false));
        long keys = ManagedPlatform.LiveKeys;
        var other = TestNode.V4("198.51.100.2", 1194);
        Assert.That(client.NewPeer(Client, other), Is.EqualTo(NtStatus.Success), "the old peer is replaced");
        Assert.That(ManagedPlatform.LiveKeys, Is.EqualTo(keys - 2), "the old peer's keys are destroyed");
        Assert.That(client.P2pPeer->Proto, Is.EqualTo(OvpnProto.Udp));
        Assert.That(TableKey.ForRemote(client.P2pPeer->Remote).Same(TableKey.ForRemote(other)));
        Assert.That(client.Platform.TransportOpen, Is.True, "the new transport is open");
    }

    [Test]
    public void OpenVpnPingRestartSeesTheKeepaliveTimeoutOnItsPendingRead()
    {
        using var server = ServerEnd();
        using var client = new TestNode();
        Assert.That(client.NewPeer(Client, Server), Is.EqualTo(NtStatus.Success));
        NewKeyV1(client, Key(0, 9, serverSide: false));
        Assert.That(client.SetPeer(10, 60, 0), Is.EqualTo(NtStatus.Success));
        Assert.That(client.Read(new byte[2048], out _, out nint read), Is.EqualTo(NtStatus.Pending));
        ManagedPlatform.Advance(61_000, client.Platform);
        var done = client.Platform.Reads.Single(r => r.Request == read);
        Assert.That(done.Status, Is.EqualTo(NtStatus.ConnectionDisconnected));
        Assert.That(StatusCodes.ToWin32Error(done.Status), Is.EqualTo(Win32Error.NetnameDeleted), "what OpenVPN sees: ERROR_NETNAME_DELETED");
    }

    // ---- OpenVPN 2.7 multipeer server (dco_win.c: ovpn_dco_init_mp, dco_mp_start_vpn, dco_new_peer, ...) ----

    private static TestNode StartServer()
    {
        var s = new TestNode();
        // ovpn_dco_init_mp: SET_MODE(MP), then dco_wait_ready: the adapter must be connected from here.
        Assert.That(s.Ioctl(OvpnIoctl.SetMode, new OvpnSetMode { Mode = OvpnMode.MP }), Is.EqualTo(NtStatus.Success));
        Assert.That(s.Platform.LinkUp, Is.True, "the adapter is connected after SET_MODE(MP)");
        // dco_mp_start_vpn: input and an output OVPN_MP_START_VPN of the same size.
        var output = new byte[sizeof(OvpnMpStartVpn)];
        var input = Bytes(new OvpnMpStartVpn { ListenAddress = Server });
        Assert.That(s.Ioctl(OvpnIoctl.MpStartVpn, input, output, out int n), Is.EqualTo(NtStatus.Success));
        Assert.That((n, output), Is.EqualTo((sizeof(OvpnMpStartVpn), input)), "the request is echoed");
        return s;
    }

    /// <summary>dco_new_peer: Local has only its family set, Remote the client's address, VPN addresses, PeerId.</summary>
    private static void MpNewPeer(TestNode s, int peerId, SockAddrInet remote, string vpn4)
    {
        var np = new OvpnMpNewPeer { Remote = remote, PeerId = peerId };
        np.Local.Addr4.Family = remote.Family;
        IPAddress.Parse(vpn4).GetAddressBytes().CopyTo(new Span<byte>(np.VpnAddr4.Bytes, 4));
        Assert.That(s.Ioctl(OvpnIoctl.MpNewPeer, np), Is.EqualTo(NtStatus.Success), "dco_new_peer: M_ERR on failure");
    }

    /// <summary>dco_get_peer_stats_multi: the 4-byte size query, then a buffer of that size.</summary>
    private static OvpnPeerStats[] PollStatus(TestNode s)
    {
        var size = new byte[4];
        var st = s.Ioctl(OvpnIoctl.GetPeerStats, Bytes(new OvpnGetPeerStats { PeerId = -1 }), size, out int n);
        if (st == NtStatus.Success)
        {
            Assert.That(n, Is.Zero, "an unexpected success must return 0 bytes (no peers)");
            return Array.Empty<OvpnPeerStats>();
        }
        Assert.That(st, Is.EqualTo(NtStatus.BufferOverflow), "ERROR_MORE_DATA, else SIGUSR1");
        Assert.That(StatusCodes.ToWin32Error(st), Is.EqualTo(Win32Error.MoreData));
        Assert.That(n, Is.EqualTo(4), "bytes_returned == sizeof(DWORD)");
        int required = BitConverter.ToInt32(size);
        Assert.That(required, Is.GreaterThanOrEqualTo(sizeof(OvpnPeerStats)));
        var buffer = new byte[required];
        Assert.That(s.Ioctl(OvpnIoctl.GetPeerStats, Bytes(new OvpnGetPeerStats { PeerId = -1 }), buffer, out n), Is.EqualTo(NtStatus.Success));
        return MemoryMarshal.Cast<byte, OvpnPeerStats>(buffer.AsSpan(0, n)).ToArray();
    }

    [Test]
    public void OpenVpnServerStatusPollingAcrossClientsJoiningAndLeaving()
    {
        using var s = StartServer();
        Assert.That(PollStatus(s), Is.Empty, "no peers: success with 0 bytes");
        MpNewPeer(s, 0, Client, "10.8.0.2");
        MpNewPeer(s, 1, TestNode.V4("203.0.113.11", 40001), "10.8.0.3");
        MpNewPeer(s, 2, TestNode.V6("2001:db8::12", 40002), "10.8.0.4");
        Assert.That(PollStatus(s).Select(p => p.PeerId).OrderBy(id => id), Is.EqualTo(new[] { 0, 1, 2 }));
        // A client joins between the two calls: the second one overflows, which OpenVPN skips without an error.
        var size = new byte[4];
        Assert.That(s.Ioctl(OvpnIoctl.GetPeerStats, Bytes(new OvpnGetPeerStats { PeerId = -1 }), size, out _), Is.EqualTo(NtStatus.BufferOverflow));
        MpNewPeer(s, 3, TestNode.V4("203.0.113.13", 40003), "10.8.0.5");
        var buffer = new byte[BitConverter.ToInt32(size)];
        Assert.That(s.Ioctl(OvpnIoctl.GetPeerStats, Bytes(new OvpnGetPeerStats { PeerId = -1 }), buffer, out int n), Is.EqualTo(NtStatus.BufferOverflow));
        Assert.That(n, Is.EqualTo(buffer.Length), "as many entries as fit");
        Assert.That(s.Ioctl(OvpnIoctl.MpDelPeer, new OvpnMpDelPeer { PeerId = 1 }), Is.EqualTo(NtStatus.Success));
        Assert.That(PollStatus(s).Select(p => p.PeerId).OrderBy(id => id), Is.EqualTo(new[] { 0, 2, 3 }));
    }

    [Test]
    public void OpenVpnServerClientDisconnectIrouteCleanupAndEvents()
    {
        using var s = StartServer();
        MpNewPeer(s, 4, Client, "10.8.0.2");
        var key = Key(0, 4, serverSide: true);
        NewKeyV1(s, key);
        Assert.That(s.Ioctl(OvpnIoctl.MpSetPeer, new OvpnMpSetPeer { PeerId = 4, KeepaliveInterval = 10, KeepaliveTimeout = 60, MSS = -1 }), Is.EqualTo(NtStatus.Success));
        var iroute = new OvpnMpIroute { Netbits = 24, PeerId = 4 };
        IPAddress.Parse("192.168.7.0").GetAddressBytes().CopyTo(new Span<byte>(iroute.Addr.Addr4.Bytes, 4));
        Assert.That(s.Ioctl(OvpnIoctl.MpAddIroute, iroute), Is.EqualTo(NtStatus.Success));
        // dco_event_set keeps a NOTIFY_EVENT pending with a sizeof(OVPN_NOTIFY_EVENT) buffer.
        var notif = new byte[sizeof(OvpnNotifyEvent)];
        Assert.That(s.Ioctl(OvpnIoctl.NotifyEvent, ReadOnlySpan<byte>.Empty, notif, out _), Is.EqualTo(NtStatus.Pending));
        // The client disconnects: multi_close_instance → dco_del_peer, then dco_delete_iroutes with PeerId -1
        // (M_WARN on failure: none expected, even though the peer's routes are already gone).
        Assert.That(s.Ioctl(OvpnIoctl.MpDelPeer, new OvpnMpDelPeer { PeerId = 4 }), Is.EqualTo(NtStatus.Success));
        var e = MemoryMarshal.Read<OvpnNotifyEvent>(s.Platform.Pendings.Single().Data);
        Assert.That((e.Cmd, e.PeerId, e.DelPeerReason), Is.EqualTo((OvpnNotifyCmd.DelPeer, 4, OvpnDelPeerReason.Userspace)));
        iroute.PeerId = -1;
        Assert.That(s.Ioctl(OvpnIoctl.MpDelIroute, iroute), Is.EqualTo(NtStatus.Success), "MP_DEL_IROUTE by address after MP_DEL_PEER");
        var host = new OvpnMpIroute { Netbits = 32, PeerId = -1 };
        IPAddress.Parse("10.8.0.2").GetAddressBytes().CopyTo(new Span<byte>(host.Addr.Addr4.Bytes, 4));
        Assert.That(s.Ioctl(OvpnIoctl.MpDelIroute, host), Is.EqualTo(NtStatus.Success));
        // A reconnecting client gets the same peer id again.
        MpNewPeer(s, 4, TestNode.V4("203.0.113.77", 40077), "10.8.0.2");
        // A reused address (NAT) with a new id is not refused (only ids are unique).
        MpNewPeer(s, 5, TestNode.V4("203.0.113.77", 40077), "10.8.0.9");
    }

    [Test]
    public void OpenVpnServerSeesFloatAndExpiryEvents()
    {
        using var s = StartServer();
        MpNewPeer(s, 4, Client, "10.8.0.2");
        NewKeyV1(s, Key(0, 4, serverSide: true));
        using var client = new TestNode();
        Assert.That(client.NewPeer(Client, Server), Is.EqualTo(NtStatus.Success));
        NewKeyV1(client, Key(0, 4, serverSide: false));
        Assert.That(client.Send(TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 30)), Is.EqualTo(NtStatus.Success));
        var moved = TestNode.V4("203.0.113.99", 41000);
        s.Receive(client.TakeSent().Single().Data, moved);
        var notif = new byte[sizeof(OvpnNotifyEvent)];
        Assert.That(s.Ioctl(OvpnIoctl.NotifyEvent, ReadOnlySpan<byte>.Empty, notif, out int n), Is.EqualTo(NtStatus.Success));
        var e = MemoryMarshal.Read<OvpnNotifyEvent>(notif);
        Assert.That((n, e.Cmd, e.PeerId), Is.EqualTo((sizeof(OvpnNotifyEvent), OvpnNotifyCmd.FloatPeer, 4)));
        Assert.That(notif.AsSpan(16, 16).ToArray(), Is.EqualTo(Bytes(moved.Addr4)), "dco_float_peer_ss: the new SOCKADDR_IN");
        Assert.That(s.Ioctl(OvpnIoctl.MpSetPeer, new OvpnMpSetPeer { PeerId = 4, KeepaliveInterval = 10, KeepaliveTimeout = 60, MSS = -1 }), Is.EqualTo(NtStatus.Success));
        ManagedPlatform.Advance(61_000, s.Platform);
        Assert.That(s.Ioctl(OvpnIoctl.NotifyEvent, ReadOnlySpan<byte>.Empty, notif, out _), Is.EqualTo(NtStatus.Success));
        e = MemoryMarshal.Read<OvpnNotifyEvent>(notif);
        Assert.That((e.Cmd, e.PeerId, e.DelPeerReason), Is.EqualTo((OvpnNotifyCmd.DelPeer, 4, OvpnDelPeerReason.Expired)));
    }

    [Test]
    public void OpenVpnServerControlChannelCarriesTheClientAddress()
    {
        using var s = StartServer();
        // Reads are <SOCKADDR_IN><packet>; writes the same (dco_mp_start_vpn sets SF_PREPEND_SA).
        s.Receive(new byte[] { 0x38, 7, 7 }, Client);
        var buf = new byte[2048];
        Assert.That(s.Read(buf, out int n, out _), Is.EqualTo(NtStatus.Success));
        Assert.That(buf.AsSpan(0, 16).ToArray(), Is.EqualTo(Bytes(Client.Addr4)));
        Assert.That(buf.AsSpan(16, n - 16).ToArray(), Is.EqualTo(new byte[] { 0x38, 7, 7 }));
        var write = Bytes(Client.Addr4).Concat(new byte[] { 0x40, 1 }).ToArray();
        Assert.That(s.Write(write), Is.EqualTo(NtStatus.Success));
        var sent = s.TakeSent().Single();
        Assert.That(TableKey.ForRemote(sent.Remote).Same(TableKey.ForRemote(Client)));
        Assert.That(sent.Data, Is.EqualTo(new byte[] { 0x40, 1 }));
    }

    // ---- OpenVPN3 client (ovpndcowincli.hpp) ----

    [Test]
    public void OpenVpn3ClientSessionAdjustMssAndReconnect()
    {
        using var server = ServerEnd();
        using var client = new TestNode();
        // add_peer_: Local family and port 0 only; the overlapped NEW_PEER completes at once for UDP.
        var np = new OvpnNewPeer { Remote = Server, Proto = OvpnProto.Udp };
        np.Local.Addr4.Family = WinAddressFamily.Inet;
        Assert.That(client.Ioctl(OvpnIoctl.NewPeer, np), Is.EqualTo(NtStatus.Success), "every dco_ioctl_ failure throws");
        Assert.That(client.Ioctl(OvpnIoctl.StartVpn), Is.EqualTo(NtStatus.Success));
        // set_keepalive_: {interval, timeout, -1}; add_crypto_: NEW_KEY (V1).
        Assert.That(client.Ioctl(OvpnIoctl.SetPeer, new OvpnSetPeer { KeepaliveInterval = 10, KeepaliveTimeout = 60, MSS = -1 }), Is.EqualTo(NtStatus.Success));
        NewKeyV1(client, Key(0, 9, serverSide: false));
        Exchange(client, server, "OpenVPN3 session");
        // adjust_mss: {-1, -1, mss} changes the MSS only; the keepalive timers run on (a timeout that is 50 s along
        // still fires at 60 s, not 60 s after adjust_mss).
        ManagedPlatform.Advance(50_000, client.Platform);
        Assert.That(client.Read(new byte[2048], out _, out nint read), Is.EqualTo(NtStatus.Pending));
        Assert.That(client.Ioctl(OvpnIoctl.SetPeer, new OvpnSetPeer { KeepaliveInterval = -1, KeepaliveTimeout = -1, MSS = 1300 }), Is.EqualTo(NtStatus.Success));
        Assert.That(client.P2pPeer->Mss, Is.EqualTo(1300));
        Assert.That(client.P2pPeer->KeepaliveTimeout, Is.EqualTo(60));
        ManagedPlatform.Advance(11_000, client.Platform);
        Assert.That(client.Platform.Reads.Single(r => r.Request == read).Status, Is.EqualTo(NtStatus.ConnectionDisconnected),
            "the timeout counted from the last packet, not from adjust_mss");
        // get_stats_: GET_STATS with an OVPN_STATS buffer; stop_: DEL_PEER; a persisted tun reconnects with NEW_PEER
        // and no START_VPN (use_persisted_tun).
        Assert.That(client.Ioctl(OvpnIoctl.GetStats, ReadOnlySpan<byte>.Empty, new byte[sizeof(OvpnStats)], out int n), Is.EqualTo(NtStatus.Success));
        Assert.That(n, Is.EqualTo(sizeof(OvpnStats)));
        Assert.That(client.Ioctl(OvpnIoctl.DelPeer), Is.EqualTo(NtStatus.Success));
        Assert.That(client.Platform.LinkUp, Is.True);
        Assert.That(client.Ioctl(OvpnIoctl.NewPeer, np), Is.EqualTo(NtStatus.Success));
        NewKeyV1(client, Key(0, 9, serverSide: false));
        Assert.That(server.Ioctl(OvpnIoctl.DelPeer), Is.EqualTo(NtStatus.Success));
        Assert.That(server.NewPeer(Server, Client), Is.EqualTo(NtStatus.Success));
        Assert.That(server.NewKey(Key(0, 9, serverSide: true)), Is.EqualTo(NtStatus.Success));
        Exchange(client, server, "OpenVPN3 reconnect on a persisted tun");
    }
}
