using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Runtime.InteropServices;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Tests;

/// <summary>The batch entry points: the same outcome, packet by packet, as the single-packet ones.</summary>
public unsafe class BatchTests
{
    [Test]
    public void ReceiveBatchDeliversEveryPacketInOrderAndCountsLikeSinglePackets()
    {
        using var pair = new P2pPair();
        pair.InstallKeys(OvpnCipherAlg.AesGcm, 32);
        var sent = Enumerable.Range(0, 20).Select(i => TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 40 + i)).ToList();
        foreach (var p in sent)
            Assert.That(pair.A.Send(p), Is.EqualTo(NtStatus.Success));
        var wire = pair.A.TakeSent().Select(p => p.Data).ToList();
        wire.Insert(5, wire[3]);            // a replay inside the batch
        wire.Insert(9, new byte[] { 0x48 }); // a truncated data packet
        var pinned = wire.Select(w => GCHandle.Alloc(w, GCHandleType.Pinned)).ToList();
        try
        {
            var batch = new RxDatagram[wire.Count];
            for (int i = 0; i < wire.Count; i++)
                batch[i] = new RxDatagram { Data = (byte*)pinned[i].AddrOfPinnedObject(), Length = wire[i].Length, From = pair.AddrA };
            fixed (RxDatagram* b = batch)
                DriverUnderTest.OnTransportReceiveBatch(pair.B.State, b, batch.Length);
        }
        finally
        {
            pinned.ForEach(h => h.Free());
        }
        Assert.That(pair.B.TakeDelivered(), Is.EqualTo(sent));
        var stats = pair.B.Stats;
        Assert.That(stats.ReceivedDataPackets, Is.EqualTo(20));
        Assert.That(stats.LostInDataPackets, Is.EqualTo(2));
        Assert.That(pair.B.Extra.ReplayDuplicate, Is.EqualTo(1));
        Assert.That(stats.TransportBytesReceived, Is.EqualTo(wire.Sum(w => (long)w.Length)));
    }

    [Test]
    public void TransmitBatchWritesEachStatusAndSendsInOrder()
    {
        using var pair = new P2pPair();
        pair.InstallKeys(OvpnCipherAlg.ChaCha20Poly1305, 32);
        var packets = new List<byte[]>
        {
            TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 30),
            new byte[3000],                                   // too large
            TestNode.Ipv6Packet("fd00::2", "fd00::1", 50),
            Array.Empty<byte>(),                              // empty
        };
        var pinned = packets.Select(w => GCHandle.Alloc(w, GCHandleType.Pinned)).ToList();
        var batch = new TxPacket[packets.Count + 1];
        try
        {
            for (int i = 0; i < packets.Count; i++)
                batch[i] = new TxPacket { Data = (byte*)pinned[i].AddrOfPinnedObject(), Length = packets[i].Length };
            batch[^1] = new TxPacket { Data = null, Length = -1 }; // a bad descriptor
            fixed (TxPacket* b = batch)
                DriverUnderTest.OnAdapterTransmitBatch(pair.A.State, b, batch.Length);
        }
        finally
        {
            pinned.ForEach(h => h.Free());
        }
        Assert.That(batch.Select(t => t.Status), Is.EqualTo(new[]
        {
            NtStatus.Success, NtStatus.InvalidBufferSize, NtStatus.Success, NtStatus.InvalidBufferSize, NtStatus.InvalidParameter,
        }));
        pair.Pump();
        Assert.That(pair.B.TakeDelivered(), Is.EqualTo(new[] { packets[0], packets[2] }));
        Assert.That(pair.A.Stats.SentDataPackets, Is.EqualTo(2));
        Assert.That(pair.A.Stats.LostOutDataPackets, Is.EqualTo(2));
    }

    [Test]
    public void AFloatInsideAReceiveBatchMovesThePeerBeforeTheNextDatagram()
    {
        using var server = new TestNode();
        var listen = TestNode.V4("192.0.2.1", 1194);
        Assert.That(server.Ioctl(OvpnIoctl.SetMode, new OvpnSetMode { Mode = OvpnMode.MP }), Is.EqualTo(NtStatus.Success));
        Assert.That(server.Ioctl(OvpnIoctl.MpStartVpn, new OvpnMpStartVpn { ListenAddress = listen }), Is.EqualTo(NtStatus.Success));
        using var client = new TestNode();
        var before = TestNode.V4("198.51.100.7", 50000);
        var after = TestNode.V4("198.51.100.7", 50001);
        Assert.That(client.NewPeer(before, listen), Is.EqualTo(NtStatus.Success));
        var np = new OvpnMpNewPeer { Local = listen, Remote = before, PeerId = 9 };
        IPAddress.Parse("10.8.0.2").GetAddressBytes().CopyTo(new Span<byte>(np.VpnAddr4.Bytes, 4));
        Assert.That(server.Ioctl(OvpnIoctl.MpNewPeer, np), Is.EqualTo(NtStatus.Success));
        var k1 = Keys.Bytes(32, 11);
        var k2 = Keys.Bytes(32, 12);
        var t = Keys.Bytes(8, 13);
        Assert.That(client.NewKey(TestNode.Key(OvpnCipherAlg.AesGcm, 32, k1, k2, t, t, peerId: 9)), Is.EqualTo(NtStatus.Success));
        Assert.That(server.NewKey(TestNode.Key(OvpnCipherAlg.AesGcm, 32, k2, k1, t, t, peerId: 9)), Is.EqualTo(NtStatus.Success));
        for (int i = 0; i < 3; i++)
            client.Send(TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 20 + i));
        var wire = client.TakeSent().Select(p => p.Data).ToList();
        var pinned = wire.Select(w => GCHandle.Alloc(w, GCHandleType.Pinned)).ToList();
        try
        {
            var batch = new RxDatagram[3];
            for (int i = 0; i < 3; i++)
                batch[i] = new RxDatagram { Data = (byte*)pinned[i].AddrOfPinnedObject(), Length = wire[i].Length, From = i == 0 ? before : after };
            fixed (RxDatagram* b = batch)
                DriverUnderTest.OnTransportReceiveBatch(server.State, b, 3);
        }
        finally
        {
            pinned.ForEach(h => h.Free());
        }
        Assert.That(server.TakeDelivered(), Has.Count.EqualTo(3));
        Assert.That(server.Extra.Floats, Is.EqualTo(1), "the second datagram floats the peer; the third comes from where it now is");
        // The batch's counters are added once before the float drops the lock and once at the end: each packet once.
        Assert.That(server.Stats.ReceivedDataPackets, Is.EqualTo(3));
        Assert.That(server.Stats.TransportBytesReceived, Is.EqualTo(wire.Sum(w => (long)w.Length)));
        Assert.That(server.Stats.TunBytesReceived, Is.EqualTo(40L + 41 + 42), "the IP packets delivered");
        Assert.That(server.Resolve(PeerTableOps<ManagedPlatform>.Find(ref server.State->ByRemote, TableKey.ForRemote(after)))->PeerId, Is.EqualTo(9));
    }
}
