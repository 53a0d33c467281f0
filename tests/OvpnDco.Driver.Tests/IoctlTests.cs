using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Tests;

/// <summary>Every IOCTL with bad input, wrong mode and missing peer: the documented status and no state change.</summary>
public unsafe class IoctlTests
{
    public sealed record Row(string Name, uint Code, int Input, int Output, IoctlModes Modes);

    public static IEnumerable<Row> Rows() => typeof(OvpnIoctl).GetFields()
        .Select(f => (f, a: f.GetCustomAttribute<UapiIoctlAttribute>()))
        .Where(x => x.a != null)
        .Select(x => new Row(x.a!.CName, (uint)x.f.GetValue(null)!,
            x.a.Input == null ? 0 : Marshal.SizeOf(x.a.Input), x.a.Output == null ? 0 : Marshal.SizeOf(x.a.Output), x.a.Modes));

    private static TestNode P2pWithPeer()
    {
        var n = new TestNode();
        Assert.That(n.NewPeer(TestNode.V4("192.0.2.1", 1), TestNode.V4("192.0.2.2", 2)), Is.EqualTo(NtStatus.Success));
        return n;
    }

    private static TestNode MpWithPeer()
    {
        var n = new TestNode();
        Assert.That(n.Ioctl(OvpnIoctl.SetMode, new OvpnSetMode { Mode = OvpnMode.MP }), Is.EqualTo(NtStatus.Success));
        Assert.That(n.Ioctl(OvpnIoctl.MpNewPeer, new OvpnMpNewPeer
        {
            Local = TestNode.V4("192.0.2.1", 1), Remote = TestNode.V4("192.0.2.2", 2), PeerId = 5,
        }), Is.EqualTo(NtStatus.Success));
        return n;
    }

    /// <summary>Bytes of the device state and its peers (everything an IOCTL could change).</summary>
    private static byte[] Snapshot(TestNode n)
    {
        var bytes = new List<byte>(new ReadOnlySpan<byte>(n.State, sizeof(DriverState)).ToArray());
        foreach (var p in n.Peers())
            bytes.AddRange(new ReadOnlySpan<byte>((Peer*)p, sizeof(Peer)).ToArray());
        bytes.AddRange(new ReadOnlySpan<byte>(n.State->Peers.Slots, n.State->Peers.Capacity * sizeof(PeerSlot)).ToArray());
        bytes.AddRange(new ReadOnlySpan<byte>(n.State->ById.Entries, n.State->ById.Capacity * sizeof(TableEntry)).ToArray());
        bytes.AddRange(new ReadOnlySpan<byte>(n.State->Routes.Table.Entries, n.State->Routes.Table.Capacity * sizeof(TableEntry)).ToArray());
        return bytes.ToArray();
    }

    private static void ExpectNoChange(TestNode n, uint code, byte[] input, int outputLength, NtStatus expected, string what)
    {
        var before = Snapshot(n);
        var output = new byte[outputLength];
        var status = n.Ioctl(code, input, output, out int bytes);
        Assert.That(status, Is.EqualTo(expected), what);
        Assert.That(bytes, Is.Zero, what);
        Assert.That(Snapshot(n), Is.EqualTo(before), $"{what}: no state change");
    }

    private static byte[] Bytes<T>(T value) where T : unmanaged => MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)).ToArray();

    /// <summary>The rows with an input or an output struct: SWAP_KEYS, START_VPN and DEL_PEER have neither, so no buffer can be short.</summary>
    public static IEnumerable<Row> RowsWithBuffers() => Rows().Where(r => r.Input > 0 || r.Output > 0);

    [TestCaseSource(nameof(RowsWithBuffers))]
    public void ShortBuffersAreRefused(Row row)
    {
        int checkedModes = 0;
        foreach (var make in new Func<TestNode>[] { P2pWithPeer, MpWithPeer })
        {
            using var n = make();
            var mode = n.State->Mode == OvpnMode.MP ? IoctlModes.MP : IoctlModes.P2P;
            if ((row.Modes & mode) == 0)
                continue; // refused in this mode whatever the sizes: WrongModeIsRefused
            if (row.Input > 0)
                ExpectNoChange(n, row.Code, new byte[row.Input - 1], row.Output, NtStatus.BufferTooSmall, $"{row.Name} short input");
            if (row.Output > 0)
                ExpectNoChange(n, row.Code, new byte[row.Input], row.Output - 1, NtStatus.BufferTooSmall, $"{row.Name} short output");
            checkedModes++;
        }
        Assert.That(checkedModes, Is.GreaterThan(0), $"{row.Name} was checked in a mode that accepts it");
    }

    [Test]
    public void OnlyIoctlsWithoutBuffersHaveNoShortBufferCase()
        => Assert.That(Rows().Except(RowsWithBuffers()).Select(r => r.Name),
            Is.EquivalentTo(new[] { "OVPN_IOCTL_SWAP_KEYS", "OVPN_IOCTL_START_VPN", "OVPN_IOCTL_DEL_PEER" }));

    [TestCaseSource(nameof(Rows))]
    public void WrongModeIsRefused(Row row)
    {
        using (var p2p = P2pWithPeer())
        {
            if ((row.Modes & IoctlModes.P2P) == 0)
                ExpectNoChange(p2p, row.Code, new byte[row.Input], row.Output, NtStatus.InvalidDeviceState, $"{row.Name} in P2P");
        }
        using (var mp = MpWithPeer())
        {
            if ((row.Modes & IoctlModes.MP) == 0)
                ExpectNoChange(mp, row.Code, new byte[row.Input], row.Output, NtStatus.InvalidDeviceState, $"{row.Name} in MP");
        }
        using (var n = new TestNode())
        {
            int bytes = 0;
            var status = DriverUnderTest.DeviceIoControl(n.State, row.Code, new byte[row.Input], new byte[row.Output], ref bytes, true);
            Assert.That(status, Is.EqualTo(row.Code == OvpnIoctl.GetVersion ? NtStatus.Success : NtStatus.InvalidDeviceRequest), "control device");
        }
    }

    [Test]
    public void UnknownCodes()
    {
        using var n = P2pWithPeer();
        foreach (uint code in new uint[] { 0, 0x00220000, 0x00220050, 0x00220005, 0x12345678 })
            ExpectNoChange(n, code, new byte[200], 200, NtStatus.InvalidDeviceRequest, $"code {code:x}");
    }

    [Test]
    public void NoPeerYet()
    {
        using var n = new TestNode();
        var key = TestNode.Key(OvpnCipherAlg.AesGcm, 32, Keys.Bytes(32, 1), Keys.Bytes(32, 2), Keys.Bytes(8, 3), Keys.Bytes(8, 4));
        ExpectNoChange(n, OvpnIoctl.NewKey, Bytes(key), 0, NtStatus.ObjectIdNotFound, "NEW_KEY");
        ExpectNoChange(n, OvpnIoctl.NewKeyV2, Bytes(new OvpnCryptoDataV2 { V1 = key }), 0, NtStatus.ObjectIdNotFound, "NEW_KEY_V2");
        ExpectNoChange(n, OvpnIoctl.SwapKeys, Array.Empty<byte>(), 0, NtStatus.InvalidDeviceRequest, "SWAP_KEYS");
        ExpectNoChange(n, OvpnIoctl.SetPeer, new byte[12], 0, NtStatus.InvalidDeviceRequest, "SET_PEER");
        ExpectNoChange(n, OvpnIoctl.StartVpn, Array.Empty<byte>(), 0, NtStatus.InvalidDeviceRequest, "START_VPN");
        Assert.That(n.Ioctl(OvpnIoctl.DelPeer), Is.EqualTo(NtStatus.Success), "DEL_PEER always succeeds");
        Assert.That(n.Write(new byte[] { 0x38, 1 }), Is.EqualTo(NtStatus.InvalidDeviceState), "write without a socket");

        using var mp = MpWithPeer();
        var mkey = key;
        mkey.PeerId = 6;
        ExpectNoChange(mp, OvpnIoctl.NewKey, Bytes(mkey), 0, NtStatus.ObjectIdNotFound, "MP NEW_KEY unknown peer (as upstream)");
        ExpectNoChange(mp, OvpnIoctl.MpSetPeer, Bytes(new OvpnMpSetPeer { PeerId = 6 }), 0, NtStatus.InvalidDeviceRequest, "MP_SET_PEER");
        ExpectNoChange(mp, OvpnIoctl.MpDelPeer, Bytes(new OvpnMpDelPeer { PeerId = 6 }), 0, NtStatus.NotFound, "MP_DEL_PEER");
        ExpectNoChange(mp, OvpnIoctl.MpSwapKeys, Bytes(new OvpnMpSwapKeys { PeerId = 6 }), 0, NtStatus.InvalidDeviceRequest, "MP_SWAP_KEYS");
        ExpectNoChange(mp, OvpnIoctl.MpAddIroute, Bytes(new OvpnMpIroute { PeerId = 6, Netbits = 8 }), 0, NtStatus.NotFound, "MP_ADD_IROUTE");
        ExpectNoChange(mp, OvpnIoctl.GetPeerStats, Bytes(6), 40, NtStatus.NotFound, "GET_PEER_STATS");
        Assert.That(mp.Write(Bytes(TestNode.V4("192.0.2.2", 2).Addr4).Concat(new byte[] { 0x38 }).ToArray()),
            Is.EqualTo(NtStatus.InvalidDeviceState), "MP write before MP_START_VPN");
    }

    [Test]
    public void BadEnumValuesAndKeyLengths()
    {
        using var n = P2pWithPeer();
        OvpnCryptoData Key(OvpnCipherAlg alg, int len, OvpnKeySlot slot = OvpnKeySlot.Primary)
            => TestNode.Key(alg, len, Keys.Bytes(32, 1), Keys.Bytes(32, 2), Keys.Bytes(8, 3), Keys.Bytes(8, 4), slot);
        var cases = new (OvpnCryptoData Key, string What)[]
        {
            (Key(OvpnCipherAlg.AesGcm, 32, (OvpnKeySlot)2), "slot 2"),
            (Key(OvpnCipherAlg.AesGcm, 32, (OvpnKeySlot)(-1)), "slot -1"),
            (Key((OvpnCipherAlg)3, 32), "cipher 3"),
            (Key(OvpnCipherAlg.AesGcm, 20), "KeyLen 20"),
            (Key(OvpnCipherAlg.AesGcm, 0), "KeyLen 0"),
            (Key(OvpnCipherAlg.ChaCha20Poly1305, 16), "ChaCha with 16"),
        };
        foreach (var (key, what) in cases)
        {
            ExpectNoChange(n, OvpnIoctl.NewKey, Bytes(key), 0, NtStatus.InvalidDeviceRequest, what);
            ExpectNoChange(n, OvpnIoctl.NewKeyV2, Bytes(new OvpnCryptoDataV2 { V1 = key }), 0, NtStatus.InvalidDeviceRequest, what + " V2");
        }
        var good = Key(OvpnCipherAlg.AesGcm, 32);
        ExpectNoChange(n, OvpnIoctl.NewKeyV2, Bytes(new OvpnCryptoDataV2 { V1 = good, CryptoOptions = OvpnCryptoOptions.Epoch }), 0,
            NtStatus.InvalidDeviceRequest, "EPOCH (not implemented)");
        ExpectNoChange(n, OvpnIoctl.NewKeyV2, Bytes(new OvpnCryptoDataV2 { V1 = good, CryptoOptions = (OvpnCryptoOptions)1 }), 0,
            NtStatus.InvalidDeviceRequest, "unknown option bit");
        ExpectNoChange(n, OvpnIoctl.SetMode, Bytes(new OvpnSetMode { Mode = (OvpnMode)7 }), 0, NtStatus.AlreadyInitialized,
            "SET_MODE after NEW_PEER");
        using var fresh = new TestNode();
        ExpectNoChange(fresh, OvpnIoctl.SetMode, Bytes(new OvpnSetMode { Mode = (OvpnMode)7 }), 0, NtStatus.InvalidParameter, "mode 7");
        ExpectNoChange(fresh, OvpnIoctl.NewPeer, Bytes(new OvpnNewPeer
        {
            Local = TestNode.V4("1.1.1.1", 1), Remote = TestNode.V4("2.2.2.2", 2), Proto = (OvpnProto)2,
        }), 0, NtStatus.InvalidParameter, "proto 2");
        ExpectNoChange(n, OvpnIoctl.SetPeer, Bytes(new OvpnSetPeer { KeepaliveInterval = -5 }), 0, NtStatus.InvalidParameter, "interval -5");
    }

    [Test]
    public void BadAddressFamilies()
    {
        var v4 = TestNode.V4("1.1.1.1", 1);
        var v6 = TestNode.V6("::1", 1);
        var bad = v4;
        bad.Addr4.Family = (WinAddressFamily)10; // Linux AF_INET6
        using (var n = new TestNode())
        {
            ExpectNoChange(n, OvpnIoctl.NewPeer, Bytes(new OvpnNewPeer { Local = bad, Remote = v4 }), 0, NtStatus.InvalidParameter, "local family 10");
            ExpectNoChange(n, OvpnIoctl.NewPeer, Bytes(new OvpnNewPeer { Local = v4, Remote = v6 }), 0, NtStatus.InvalidParameter, "mixed");
            ExpectNoChange(n, OvpnIoctl.NewPeer, Bytes(new OvpnNewPeer()), 0, NtStatus.InvalidParameter, "zero");
        }
        using var mp = MpWithPeer();
        ExpectNoChange(mp, OvpnIoctl.MpStartVpn, Bytes(new OvpnMpStartVpn { ListenAddress = bad }), 0, NtStatus.InvalidParameter, "listen family");
        ExpectNoChange(mp, OvpnIoctl.MpNewPeer, Bytes(new OvpnMpNewPeer { Local = v4, Remote = bad, PeerId = 9 }), 0,
            NtStatus.InvalidParameter, "MP remote family");
        ExpectNoChange(mp, OvpnIoctl.MpNewPeer, Bytes(new OvpnMpNewPeer { Local = v4, Remote = TestNode.V4("3.3.3.3", 3), PeerId = 0xFFFFFF }), 0,
            NtStatus.InvalidParameter, "undefined peer id");
        ExpectNoChange(mp, OvpnIoctl.MpNewPeer, Bytes(new OvpnMpNewPeer { Local = v4, Remote = TestNode.V4("3.3.3.3", 3), PeerId = 5 }), 0,
            NtStatus.ObjectIdExists, "duplicate peer id");
        // Only the peer id is unique: OpenVPN's server treats a failing MP_NEW_PEER as fatal.
        Assert.That(mp.Ioctl(OvpnIoctl.MpNewPeer, new OvpnMpNewPeer { Local = v4, Remote = TestNode.V4("192.0.2.2", 2), PeerId = 8 }),
            Is.EqualTo(NtStatus.Success), "a duplicate remote is accepted");
        ExpectNoChange(mp, OvpnIoctl.MpAddIroute, Bytes(new OvpnMpIroute { PeerId = 5, Netbits = 33 }), 0, NtStatus.InvalidParameter, "netbits 33");
        ExpectNoChange(mp, OvpnIoctl.MpAddIroute, Bytes(new OvpnMpIroute { PeerId = 5, Netbits = 129, IPv6 = 1 }), 0,
            NtStatus.InvalidParameter, "netbits 129");
        ExpectNoChange(mp, OvpnIoctl.MpAddIroute, Bytes(new OvpnMpIroute { PeerId = 5, Netbits = -1 }), 0, NtStatus.InvalidParameter, "netbits -1");
        Assert.That(mp.Ioctl(OvpnIoctl.MpStartVpn, new OvpnMpStartVpn { ListenAddress = v4 }), Is.EqualTo(NtStatus.Success));
        ExpectNoChange(mp, OvpnIoctl.MpStartVpn, Bytes(new OvpnMpStartVpn { ListenAddress = v4 }), 0, NtStatus.AlreadyInitialized, "twice");
    }

    [Test]
    public void StateChangesOnce()
    {
        using var n = P2pWithPeer();
        Assert.That(n.Ioctl(OvpnIoctl.StartVpn), Is.EqualTo(NtStatus.Success));
        Assert.That(n.Platform.LinkUp, Is.True);
        Assert.That(n.Read(new byte[2048], out _, out nint req), Is.EqualTo(NtStatus.Pending));
        Assert.That(n.Ioctl(OvpnIoctl.DelPeer), Is.EqualTo(NtStatus.Success));
        Assert.That(n.Platform.LinkUp, Is.True, "DEL_PEER keeps the link (persist-tun); only closing the handle takes it down");
        Assert.That(n.Platform.Reads.Single(), Is.EqualTo(new Completion(req, Platform.PendingKind.NewPeer, NtStatus.Cancelled, Array.Empty<byte>()))
            .Using<Completion>((a, b) => a.Request == b.Request && a.Status == b.Status));
        Assert.That(n.P2pPeer == null);
        Assert.That(n.NewPeer(TestNode.V4("1.1.1.1", 1), TestNode.V4("2.2.2.2", 2)), Is.EqualTo(NtStatus.Success), "a new peer after DEL_PEER");
    }

    [Test]
    public void VersionAndStatsOutputs()
    {
        using var n = new TestNode();
        var o = new byte[100];
        Assert.That(n.Ioctl(OvpnIoctl.GetVersion, Array.Empty<byte>(), o, out int bytes), Is.EqualTo(NtStatus.Success));
        Assert.That(bytes, Is.EqualTo(12));
        var v = MemoryMarshal.Read<OvpnVersion>(o);
        Assert.That((v.Major, v.Minor, v.Patch), Is.EqualTo((Proto.VersionMajor, Proto.VersionMinor, Proto.VersionPatch)));
        Array.Fill(o, (byte)0xEE);
        Assert.That(n.Ioctl(OvpnIoctl.GetStats, Array.Empty<byte>(), o, out bytes), Is.EqualTo(NtStatus.Success));
        Assert.That(bytes, Is.EqualTo(64));
        Assert.That(o.Skip(64).All(b => b == 0xEE), "only the returned struct is written (the caller's buffer past it is untouched)");
        // GET_VERSION/GET_STATS do not lock the mode
        Assert.That(n.Ioctl(OvpnIoctl.SetMode, new OvpnSetMode { Mode = OvpnMode.MP }), Is.EqualTo(NtStatus.Success));
        Assert.That(n.Ioctl(OvpnIoctl.SetMode, new OvpnSetMode { Mode = OvpnMode.MP }), Is.EqualTo(NtStatus.AlreadyInitialized));
    }

    [Test]
    public void TcpNewPeerPendsUntilConnected()
    {
        using var n = new TestNode();
        Assert.That(n.NewPeer(TestNode.V4("1.1.1.1", 1), TestNode.V4("2.2.2.2", 2), OvpnProto.Tcp), Is.EqualTo(NtStatus.Pending));
        Assert.That(n.Write(new byte[] { 0x38 }), Is.EqualTo(NtStatus.InvalidDeviceState), "not connected yet");
        DriverUnderTest.OnTransportConnected(n.State, NtStatus.Success);
        Assert.That(n.Platform.Pendings.Single().Status, Is.EqualTo(NtStatus.Success));
        Assert.That(n.Write(new byte[] { 0x38, 1, 2 }), Is.EqualTo(NtStatus.Success));
        Assert.That(n.TakeSent().Single().Data, Is.EqualTo(new byte[] { 0, 3, 0x38, 1, 2 }), "length-prefixed");
        DriverUnderTest.OnTransportDisconnected(n.State);
        Assert.That(n.Read(new byte[2048], out _, out _), Is.EqualTo(NtStatus.ConnectionAborted));

        using var failed = new TestNode();
        Assert.That(failed.NewPeer(TestNode.V4("1.1.1.1", 1), TestNode.V4("2.2.2.2", 2), OvpnProto.Tcp), Is.EqualTo(NtStatus.Pending));
        DriverUnderTest.OnTransportConnected(failed.State, NtStatus.ConnectionAborted);
        Assert.That(failed.Platform.Pendings.Single().Status, Is.EqualTo(NtStatus.ConnectionAborted));
        Assert.That(failed.P2pPeer == null);
    }
}
