using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Runtime.InteropServices;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Tests;

/// <summary>An MP server instance with P2P client instances.</summary>
public sealed unsafe class MpBed : IDisposable
{
    public readonly TestNode Server = new();
    public readonly List<TestNode> Clients = new();
    public readonly List<SockAddrInet> ClientAddrs = new();
    public readonly SockAddrInet ServerAddr = TestNode.V4("198.51.100.1", 1194);

    public MpBed(int clients, OvpnCipherAlg alg = OvpnCipherAlg.AesGcm, int keyLen = 32)
    {
        Assert.That(Server.Ioctl(OvpnIoctl.SetMode, new OvpnSetMode { Mode = OvpnMode.MP }), Is.EqualTo(NtStatus.Success));
        Assert.That(Server.Ioctl(OvpnIoctl.MpStartVpn, new OvpnMpStartVpn { ListenAddress = ServerAddr }), Is.EqualTo(NtStatus.Success));
        for (int i = 0; i < clients; i++)
        {
            var c = new TestNode();
            var addr = TestNode.V4($"203.0.113.{i + 10}", (ushort)(40000 + i));
            Clients.Add(c);
            ClientAddrs.Add(addr);
            Assert.That(c.NewPeer(addr, ServerAddr), Is.EqualTo(NtStatus.Success));
            var np = new OvpnMpNewPeer { Local = ServerAddr, Remote = addr, PeerId = i + 1 };
            IPAddress.Parse($"10.8.0.{i + 2}").GetAddressBytes().CopyTo(new Span<byte>(np.VpnAddr4.Bytes, 4));
            IPAddress.Parse($"fd00::{i + 2:x}").GetAddressBytes().CopyTo(new Span<byte>(np.VpnAddr6.Bytes, 16));
            Assert.That(Server.Ioctl(OvpnIoctl.MpNewPeer, np), Is.EqualTo(NtStatus.Success));
            InstallKeys(i, alg, keyLen, OvpnKeySlot.Primary, 0, i + 1);
        }
    }

    public void InstallKeys(int client, OvpnCipherAlg alg, int keyLen, OvpnKeySlot slot, int keyId, int seed)
    {
        var k1 = Keys.Bytes(32, seed);
        var k2 = Keys.Bytes(32, seed + 50);
        var t1 = Keys.Bytes(8, seed + 60);
        var t2 = Keys.Bytes(8, seed + 70);
        int peerId = client + 1;
        Assert.That(Clients[client].NewKey(TestNode.Key(alg, keyLen, k1, k2, t1, t2, slot, keyId, peerId)), Is.EqualTo(NtStatus.Success));
        Assert.That(Server.NewKey(TestNode.Key(alg, keyLen, k2, k1, t2, t1, slot, keyId, peerId)), Is.EqualTo(NtStatus.Success));
    }

    /// <summary>Moves client->server and server->client traffic (server sends go to the client with that address).</summary>
    public void Pump()
    {
        for (int i = 0; i < Clients.Count; i++)
        {
            foreach (var p in Clients[i].TakeSent())
                Server.Receive(p.Data, ClientAddrs[i]);
        }
        foreach (var p in Server.TakeSent())
        {
            var key = TableKey.ForRemote(p.Remote);
            int idx = ClientAddrs.FindIndex(a => TableKey.ForRemote(a).Same(key));
            if (idx >= 0)
                Clients[idx].Receive(p.Data, ServerAddr);
        }
    }

    public void Dispose()
    {
        Server.Dispose();
        foreach (var c in Clients)
            c.Dispose();
    }
}

public unsafe class MultipeerTests
{
    [TestCase(OvpnCipherAlg.AesGcm, 16)]
    [TestCase(OvpnCipherAlg.AesGcm, 24)]
    [TestCase(OvpnCipherAlg.AesGcm, 32)]
    [TestCase(OvpnCipherAlg.ChaCha20Poly1305, 32)]
    public void ThreePeersTrafficBothWays(OvpnCipherAlg alg, int keyLen)
    {
        using var bed = new MpBed(3, alg, keyLen);
        for (int i = 0; i < 3; i++)
        {
            bed.Clients[i].Send(TestNode.Ipv4Packet($"10.8.0.{i + 2}", "10.8.0.1", 100 + i));
            Assert.That(bed.Server.Send(TestNode.Ipv4Packet("10.8.0.1", $"10.8.0.{i + 2}", 200 + i)), Is.EqualTo(NtStatus.Success));
            Assert.That(bed.Server.Send(TestNode.Ipv6Packet("fd00::1", $"fd00::{i + 2:x}", 300 + i)), Is.EqualTo(NtStatus.Success));
        }
        var serverSent = bed.Server.Platform.Sent.ToList();
        Assert.That(serverSent.Select(p => (p.Data[1] << 16) | (p.Data[2] << 8) | p.Data[3]), Is.EqualTo(new[] { 1, 1, 2, 2, 3, 3 }),
            "server writes each client's peer id");
        bed.Pump();
        var delivered = bed.Server.TakeDelivered();
        Assert.That(delivered.Select(d => d.Length), Is.EqualTo(new[] { 120, 121, 122 }));
        for (int i = 0; i < 3; i++)
        {
            var got = bed.Clients[i].TakeDelivered();
            Assert.That(got.Select(d => d.Length), Is.EqualTo(new[] { 220 + i, 340 + i }), $"client {i}");
        }
        Assert.That(bed.Server.Stats.LostInDataPackets + bed.Server.Stats.LostOutDataPackets, Is.Zero);
    }

    [Test]
    public void Ipv6TransportAddressesAndFloat()
    {
        using var server = new TestNode();
        var listen = TestNode.V6("2001:db8::1", 1194);
        Assert.That(server.Ioctl(OvpnIoctl.SetMode, new OvpnSetMode { Mode = OvpnMode.MP }), Is.EqualTo(NtStatus.Success));
        Assert.That(server.Ioctl(OvpnIoctl.MpStartVpn, new OvpnMpStartVpn { ListenAddress = listen, IPv6Only = 1 }), Is.EqualTo(NtStatus.Success));
        using var client = new TestNode();
        var caddr = TestNode.V6("2001:db8::77", 50000);
        Assert.That(client.NewPeer(caddr, listen), Is.EqualTo(NtStatus.Success));
        var np = new OvpnMpNewPeer { Local = listen, Remote = caddr, PeerId = 42 };
        IPAddress.Parse("10.8.0.2").GetAddressBytes().CopyTo(new Span<byte>(np.VpnAddr4.Bytes, 4));
        Assert.That(server.Ioctl(OvpnIoctl.MpNewPeer, np), Is.EqualTo(NtStatus.Success));
        var k1 = Keys.Bytes(32, 1);
        var k2 = Keys.Bytes(32, 2);
        var t = Keys.Bytes(8, 3);
        Assert.That(client.NewKey(TestNode.Key(OvpnCipherAlg.AesGcm, 32, k1, k2, t, t, peerId: 42)), Is.EqualTo(NtStatus.Success));
        Assert.That(server.NewKey(TestNode.Key(OvpnCipherAlg.AesGcm, 32, k2, k1, t, t, peerId: 42)), Is.EqualTo(NtStatus.Success));
        client.Send(TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 33));
        server.Receive(client.TakeSent().Single().Data, caddr);
        Assert.That(server.TakeDelivered(), Has.Count.EqualTo(1));
        server.Send(TestNode.Ipv4Packet("10.8.0.1", "10.8.0.2", 44));
        var reply = server.TakeSent().Single();
        Assert.That(reply.Remote.Family, Is.EqualTo(WinAddressFamily.Inet6));
        Assert.That(TableKey.ForRemote(reply.Remote).Same(TableKey.ForRemote(caddr)));
        // same address, other port: a float
        var moved = TestNode.V6("2001:db8::77", 50001);
        client.Send(TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 33));
        server.Receive(client.TakeSent().Single().Data, moved);
        Assert.That(server.Extra.Floats, Is.EqualTo(1));
        Assert.That(server.Resolve(PeerTableOps<ManagedPlatform>.Find(ref server.State->ByRemote, TableKey.ForRemote(moved)))->PeerId, Is.EqualTo(42));
        Assert.That(PeerTableOps<ManagedPlatform>.Find(ref server.State->ByRemote, TableKey.ForRemote(caddr)).IsNone);
    }

    [Test]
    public void SpoofedInnerSourceIsDropped()
    {
        using var bed = new MpBed(3);
        bed.Clients[0].Send(TestNode.Ipv4Packet("10.8.0.3", "10.8.0.1", 10)); // client 1 claims client 2's address
        bed.Clients[0].Send(TestNode.Ipv6Packet("fd00::9", "fd00::1", 10));    // an address nobody owns
        bed.Clients[0].Send(TestNode.Ipv6Packet("fd00::2", "fd00::1", 10));    // its own: fine
        bed.Pump();
        Assert.That(bed.Server.TakeDelivered(), Has.Count.EqualTo(1));
        Assert.That(bed.Server.Extra.BadSourceAddress, Is.EqualTo(2));
        // an iroute makes a network a legitimate source
        var r = new OvpnMpIroute { Netbits = 24, PeerId = 1 };
        IPAddress.Parse("192.168.7.0").GetAddressBytes().CopyTo(new Span<byte>(r.Addr.Addr4.Bytes, 4));
        Assert.That(bed.Server.Ioctl(OvpnIoctl.MpAddIroute, r), Is.EqualTo(NtStatus.Success));
        bed.Clients[0].Send(TestNode.Ipv4Packet("192.168.7.20", "10.8.0.1", 10));
        bed.Pump();
        Assert.That(bed.Server.TakeDelivered(), Has.Count.EqualTo(1));
    }

    [Test]
    public void NoRouteIsDroppedAndCounted()
    {
        using var bed = new MpBed(3);
        Assert.That(bed.Server.Send(TestNode.Ipv4Packet("10.8.0.1", "10.9.9.9", 20)), Is.EqualTo(NtStatus.HostUnreachable));
        Assert.That(bed.Server.Extra.TxNoRoute, Is.EqualTo(1));
        Assert.That(bed.Server.Stats.LostOutDataPackets, Is.EqualTo(1));
    }

    [Test]
    public void IroutesUseLongestPrefixMatch()
    {
        using var bed = new MpBed(3);
        OvpnMpIroute Route(string net, int bits, int peer)
        {
            var r = new OvpnMpIroute { Netbits = bits, PeerId = peer };
            var b = IPAddress.Parse(net).GetAddressBytes();
            b.CopyTo(new Span<byte>(r.Addr.Addr6.Bytes, 16));
            r.IPv6 = b.Length == 16 ? 1 : 0;
            return r;
        }
        Assert.That(bed.Server.Ioctl(OvpnIoctl.MpAddIroute, Route("192.168.0.0", 16, 1)), Is.EqualTo(NtStatus.Success));
        Assert.That(bed.Server.Ioctl(OvpnIoctl.MpAddIroute, Route("192.168.5.0", 24, 2)), Is.EqualTo(NtStatus.Success));
        Assert.That(bed.Server.Ioctl(OvpnIoctl.MpAddIroute, Route("0.0.0.0", 0, 3)), Is.EqualTo(NtStatus.Success));
        Assert.That(bed.Server.Ioctl(OvpnIoctl.MpAddIroute, Route("2001:db8::", 32, 2)), Is.EqualTo(NtStatus.Success));
        bed.Server.Send(TestNode.Ipv4Packet("10.8.0.1", "192.168.5.7", 1));
        bed.Server.Send(TestNode.Ipv4Packet("10.8.0.1", "192.168.6.7", 2));
        bed.Server.Send(TestNode.Ipv4Packet("10.8.0.1", "8.8.8.8", 3));
        bed.Server.Send(TestNode.Ipv6Packet("fd00::1", "2001:db8:1::5", 4));
        var ids = bed.Server.TakeSent().Select(p => (int)p.Data[3]).ToArray();
        Assert.That(ids, Is.EqualTo(new[] { 2, 1, 3, 2 }));
        Assert.That(bed.Server.Ioctl(OvpnIoctl.MpDelIroute, Route("192.168.5.0", 24, 2)), Is.EqualTo(NtStatus.Success));
        Assert.That(bed.Server.Ioctl(OvpnIoctl.MpDelIroute, Route("192.168.5.0", 24, 2)), Is.EqualTo(NtStatus.NotFound));
        bed.Server.Send(TestNode.Ipv4Packet("10.8.0.1", "192.168.5.7", 1));
        Assert.That(bed.Server.TakeSent().Single().Data[3], Is.EqualTo(1));
        // deleting peer 1 removes its routes: 192.168.x now goes to the default route of peer 3
        Assert.That(bed.Server.Ioctl(OvpnIoctl.MpDelPeer, new OvpnMpDelPeer { PeerId = 1 }), Is.EqualTo(NtStatus.Success));
        bed.Server.Send(TestNode.Ipv4Packet("10.8.0.1", "192.168.5.7", 1));
        Assert.That(bed.Server.TakeSent().Single().Data[3], Is.EqualTo(3));
    }

    [Test]
    public void MpKeySwapMidStreamLosesNothing()
    {
        using var bed = new MpBed(3);
        bed.Clients[1].Send(TestNode.Ipv4Packet("10.8.0.3", "10.8.0.1", 10));
        var old = bed.Clients[1].TakeSent();
        bed.InstallKeys(1, OvpnCipherAlg.ChaCha20Poly1305, 32, OvpnKeySlot.Secondary, 1, 77);
        Assert.That(bed.Clients[1].Ioctl(OvpnIoctl.SwapKeys), Is.EqualTo(NtStatus.Success));
        bed.Clients[1].Send(TestNode.Ipv4Packet("10.8.0.3", "10.8.0.1", 11));
        bed.Pump();
        foreach (var p in old)
            bed.Server.Receive(p.Data, bed.ClientAddrs[1]);
        Assert.That(bed.Server.TakeDelivered(), Has.Count.EqualTo(2));
        Assert.That(bed.Server.Ioctl(OvpnIoctl.MpSwapKeys, new OvpnMpSwapKeys { PeerId = 2 }), Is.EqualTo(NtStatus.Success));
        bed.Server.Send(TestNode.Ipv4Packet("10.8.0.1", "10.8.0.3", 12));
        Assert.That(bed.Server.Platform.Sent.Single().Data[0] & 7, Is.EqualTo(1));
        bed.Pump();
        Assert.That(bed.Clients[1].TakeDelivered(), Has.Count.EqualTo(1));
        Assert.That(bed.Server.Ioctl(OvpnIoctl.MpSwapKeys, new OvpnMpSwapKeys { PeerId = 99 }), Is.EqualTo(NtStatus.InvalidDeviceRequest));
    }

    [Test]
    public void FloatIsDetectedAfterAuthenticationAndReported()
    {
        using var bed = new MpBed(3);
        bed.Clients[0].Send(TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 10));
        var pkt = bed.Clients[0].TakeSent().Single();
        var moved = TestNode.V4("203.0.113.99", 5555);
        // forged packet from a new address: no float
        var forged = (byte[])pkt.Data.Clone();
        forged[^1] ^= 1;
        bed.Server.Receive(forged, moved);
        Assert.That(bed.Server.Extra.Floats, Is.Zero);
        bed.Server.Receive(pkt.Data, moved);
        Assert.That(bed.Server.Extra.Floats, Is.EqualTo(1));
        Span<byte> o = stackalloc byte[144];
        Assert.That(bed.Server.Ioctl(OvpnIoctl.NotifyEvent, ReadOnlySpan<byte>.Empty, o, out int n), Is.EqualTo(NtStatus.Success));
        Assert.That(n, Is.EqualTo(144));
        var e = MemoryMarshal.Read<OvpnNotifyEvent>(o);
        Assert.That(e.Cmd, Is.EqualTo(OvpnNotifyCmd.FloatPeer));
        Assert.That(e.PeerId, Is.EqualTo(1));
        Assert.That(TableKey.ForRemote(e.FloatAddress.Inet).Same(TableKey.ForRemote(moved)));
        // replies now go to the new address; the undefined peer id resolves by the new address
        bed.Server.Send(TestNode.Ipv4Packet("10.8.0.1", "10.8.0.2", 10));
        Assert.That(TableKey.ForRemote(bed.Server.TakeSent().Single().Remote).Same(TableKey.ForRemote(moved)));
    }

    [Test]
    public void UndefinedPeerIdLooksUpByTransportAddress()
    {
        using var bed = new MpBed(3);
        // client 2 with tx peer id 0xFFFFFF (key PeerId = undefined)
        var k1 = Keys.Bytes(32, 3);
        var k2 = Keys.Bytes(32, 53);
        var t1 = Keys.Bytes(8, 63);
        var t2 = Keys.Bytes(8, 73);
        Assert.That(bed.Clients[2].NewKey(TestNode.Key(OvpnCipherAlg.AesGcm, 32, k1, k2, t1, t2, OvpnKeySlot.Primary, 0, 0xFFFFFF)),
            Is.EqualTo(NtStatus.Success));
        bed.Clients[2].Send(TestNode.Ipv4Packet("10.8.0.4", "10.8.0.1", 10));
        bed.Pump();
        Assert.That(bed.Server.TakeDelivered(), Has.Count.EqualTo(1));
    }

    [Test]
    public void ControlPacketsCarryTheSockaddrPrefix()
    {
        using var bed = new MpBed(1);
        var ctl = new byte[] { 0x38, 1, 2, 3, 4, 5 };
        var from = TestNode.V6("2001:db8::7", 1194);
        bed.Server.Receive(ctl, from);
        var buf = new byte[2048];
        Assert.That(bed.Server.Read(buf, out int n, out _), Is.EqualTo(NtStatus.Success));
        Assert.That(n, Is.EqualTo(28 + ctl.Length));
        Assert.That(buf.AsSpan(28, ctl.Length).ToArray(), Is.EqualTo(ctl));
        Assert.That(MemoryMarshal.Read<ushort>(buf), Is.EqualTo((ushort)23));
        // write with a v4 prefix
        var to = TestNode.V4("203.0.113.10", 40000);
        var write = new byte[16 + 5];
        MemoryMarshal.Write(write, in to.Addr4);
        write[16] = 0x20;
        Assert.That(bed.Server.Write(write), Is.EqualTo(NtStatus.Success));
        var sent = bed.Server.TakeSent().Single();
        Assert.That(sent.Data.Length, Is.EqualTo(5));
        Assert.That(TableKey.ForRemote(sent.Remote).Same(TableKey.ForRemote(to)));
        Assert.That(bed.Server.Write(new byte[] { 9, 0, 1, 2 }), Is.EqualTo(NtStatus.InvalidParameter), "bad family prefix");
        Assert.That(bed.Server.Stats.SentControlPackets, Is.EqualTo(1));
        Assert.That(bed.Server.Stats.ReceivedControlPackets, Is.EqualTo(1));
    }

    [Test]
    public void HundredThousandPeers()
    {
        using var server = new TestNode();
        Assert.That(server.Ioctl(OvpnIoctl.SetMode, new OvpnSetMode { Mode = OvpnMode.MP }), Is.EqualTo(NtStatus.Success));
        var local = TestNode.V4("198.51.100.1", 1194);
        const int N = 100_000;
        for (int i = 0; i < N; i++)
        {
            var remote = TestNode.V4($"100.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}", (ushort)(1000 + (i % 50000)));
            var np = new OvpnMpNewPeer { Local = local, Remote = remote, PeerId = i };
            np.VpnAddr4.Bytes[0] = 10;
            np.VpnAddr4.Bytes[1] = (byte)(i >> 16);
            np.VpnAddr4.Bytes[2] = (byte)(i >> 8);
            np.VpnAddr4.Bytes[3] = (byte)i;
            Assert.That(server.Ioctl(OvpnIoctl.MpNewPeer, np), Is.EqualTo(NtStatus.Success));
        }
        Assert.That(server.PeerCount, Is.EqualTo(N));
        for (int i = 0; i < N; i += 997)
        {
            var dst = new byte[] { 10, (byte)(i >> 16), (byte)(i >> 8), (byte)i };
            fixed (byte* d = dst)
                Assert.That(server.Resolve(Routes<ManagedPlatform>.Lookup(ref server.State->Routes, WinAddressFamily.Inet, d))->PeerId, Is.EqualTo(i));
            Assert.That(server.Resolve(PeerTableOps<ManagedPlatform>.Find(ref server.State->ById, TableKey.ForPeerId(i)))->PeerId, Is.EqualTo(i));
        }
        for (int i = 0; i < N; i += 2)
            Assert.That(server.Ioctl(OvpnIoctl.MpDelPeer, new OvpnMpDelPeer { PeerId = i }), Is.EqualTo(NtStatus.Success));
        Assert.That(server.PeerCount, Is.EqualTo(N / 2));
        Assert.That(server.State->ById.Count, Is.EqualTo(N / 2));
        Assert.That(server.State->Routes.Table.Count, Is.EqualTo(N / 2));
    }

    [Test]
    public void InstancesFreeEverything()
    {
        long before = ManagedPlatform.LiveAllocations;
        int keys = ManagedPlatform.LiveKeys;
        using (var bed = new MpBed(3))
        {
            bed.Clients[0].Send(TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 10));
            bed.Pump();
        }
        using (var pair = new P2pPair(OvpnProto.Tcp))
            pair.InstallKeys(OvpnCipherAlg.AesGcm, 16);
        Assert.That(ManagedPlatform.LiveAllocations, Is.EqualTo(before));
        Assert.That(ManagedPlatform.LiveKeys, Is.EqualTo(keys));
    }
}
