using System;
using System.Collections.Generic;
using System.Linq;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Tests;

/// <summary>Two (or more) driver instances back to back on the in-memory transport.</summary>
public unsafe class BackToBackTests
{
    public static IEnumerable<TestCaseData> CiphersAndProtos()
    {
        foreach (var (alg, keyLen, name) in Keys.Ciphers)
        {
            foreach (var proto in new[] { OvpnProto.Udp, OvpnProto.Tcp })
            {
                foreach (var options in new[] { (OvpnCryptoOptions)0, OvpnCryptoOptions.AeadTagEnd | OvpnCryptoOptions.PacketId64Bit })
                    yield return new TestCaseData(alg, keyLen, proto, options).SetName($"P2P {name} {proto} options={(int)options}");
            }
        }
    }

    [TestCaseSource(nameof(CiphersAndProtos))]
    public void P2PTrafficBothWays(OvpnCipherAlg alg, int keyLen, OvpnProto proto, OvpnCryptoOptions options)
    {
        using var pair = new P2pPair(proto);
        pair.InstallKeys(alg, keyLen, options: options);
        var sent = new List<byte[]>();
        for (int i = 0; i < 50; i++)
        {
            var p = i % 2 == 0 ? TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", i * 29) : TestNode.Ipv6Packet("fd00::2", "fd00::1", i * 27);
            sent.Add(p);
            Assert.That(pair.A.Send(p), Is.EqualTo(NtStatus.Success));
            Assert.That(pair.B.Send(p), Is.EqualTo(NtStatus.Success));
        }
        pair.Pump();
        Assert.That(pair.B.TakeDelivered(), Is.EqualTo(sent));
        Assert.That(pair.A.TakeDelivered(), Is.EqualTo(sent));
        var sa = pair.A.Stats;
        var sb = pair.B.Stats;
        Assert.That(sa.SentDataPackets, Is.EqualTo(50));
        Assert.That(sa.ReceivedDataPackets, Is.EqualTo(50));
        Assert.That(sb.ReceivedDataPackets, Is.EqualTo(50));
        Assert.That(sa.LostInDataPackets + sb.LostInDataPackets + sa.LostOutDataPackets, Is.Zero);
        Assert.That(sa.TunBytesSent, Is.EqualTo(sent.Sum(p => (long)p.Length)));
        Assert.That(sb.TunBytesReceived, Is.EqualTo(sent.Sum(p => (long)p.Length)));
        Assert.That(sb.TransportBytesReceived, Is.EqualTo(sa.TransportBytesSent));
        int overhead = alg == OvpnCipherAlg.None ? 8 : 24;
        if (options != 0)
            overhead += 4;
        if (proto == OvpnProto.Tcp)
            overhead += 2;
        Assert.That(sa.TransportBytesSent, Is.EqualTo(sa.TunBytesSent + 50L * overhead));
    }

    [Test]
    public void KeySwapMidStreamLosesNothing()
    {
        using var pair = new P2pPair();
        pair.InstallKeys(OvpnCipherAlg.AesGcm, 32, OvpnKeySlot.Primary, keyId: 0, seed: 1);
        var inflight = new List<SentPacket>();
        for (int i = 0; i < 10; i++)
            pair.A.Send(TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 100 + i));
        inflight.AddRange(pair.A.TakeSent()); // still in flight with key 0
        // OpenVPN: new key into SECONDARY on both sides, then swap
        pair.InstallKeys(OvpnCipherAlg.ChaCha20Poly1305, 32, OvpnKeySlot.Secondary, keyId: 1, seed: 2);
        Assert.That(pair.A.Ioctl(OvpnIoctl.SwapKeys), Is.EqualTo(NtStatus.Success));
        for (int i = 0; i < 10; i++)
            pair.A.Send(TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 200 + i));
        var after = pair.A.TakeSent();
        Assert.That(after.All(p => (p.Data[0] & 7) == 1), "after the swap A sends with key id 1");
        Assert.That(inflight.All(p => (p.Data[0] & 7) == 0));
        // B has not swapped yet: decrypts key 1 from its secondary slot, and the old packets from primary
        foreach (var p in after.Concat(inflight))
            pair.Deliver(pair.B, p, pair.AddrA);
        Assert.That(pair.B.TakeDelivered(), Has.Count.EqualTo(20));
        Assert.That(pair.B.Ioctl(OvpnIoctl.SwapKeys), Is.EqualTo(NtStatus.Success));
        pair.B.Send(TestNode.Ipv4Packet("10.8.0.1", "10.8.0.2", 50));
        pair.Pump();
        Assert.That(pair.A.TakeDelivered(), Has.Count.EqualTo(1));
        Assert.That(pair.B.Stats.LostInDataPackets, Is.Zero);
    }

    [Test]
    public void ReplayedReorderedForgedTruncatedAreDroppedAndCounted()
    {
        using var pair = new P2pPair();
        pair.InstallKeys(OvpnCipherAlg.AesGcm, 16);
        for (int i = 0; i < 20; i++)
            pair.A.Send(TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 40 + i));
        var packets = pair.A.TakeSent();
        // reordered: deliver in reverse -> all accepted (window 2048)
        foreach (var p in Enumerable.Reverse(packets))
            pair.Deliver(pair.B, p, pair.AddrA);
        Assert.That(pair.B.TakeDelivered(), Has.Count.EqualTo(20));
        // replayed
        foreach (var p in packets.Take(5))
            pair.Deliver(pair.B, p, pair.AddrA);
        // forged
        var forged = (byte[])packets[0].Data.Clone();
        forged[30] ^= 0x80;
        pair.B.Receive(forged, pair.AddrA);
        // truncated (shorter than header + id, and shorter than header + id + tag)
        pair.B.Receive(packets[1].Data.AsSpan(0, 6).ToArray(), pair.AddrA);
        pair.B.Receive(packets[1].Data.AsSpan(0, 20).ToArray(), pair.AddrA);
        // unknown key id
        var badKey = (byte[])packets[2].Data.Clone();
        badKey[0] = (byte)((badKey[0] & ~7) | 5);
        pair.B.Receive(badKey, pair.AddrA);
        Assert.That(pair.B.TakeDelivered(), Is.Empty);
        ref var x = ref pair.B.Extra;
        Assert.That(x.ReplayDuplicate, Is.EqualTo(5));
        Assert.That(x.AuthFailed, Is.EqualTo(1));
        Assert.That(x.Truncated, Is.EqualTo(2));
        Assert.That(x.NoKey, Is.EqualTo(1));
        Assert.That(pair.B.Stats.LostInDataPackets, Is.EqualTo(9));
        Assert.That(pair.B.Stats.ReceivedDataPackets, Is.EqualTo(20));
    }

    [Test]
    public void TooOldPacketsAreDroppedAndCounted()
    {
        using var pair = new P2pPair();
        pair.InstallKeys(OvpnCipherAlg.AesGcm, 32);
        pair.A.Send(TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 10));
        var first = pair.A.TakeSent()[0];
        for (int i = 0; i < ReplayWindow.Size + 10; i++)
            pair.A.Send(TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 10));
        pair.Pump();
        pair.B.TakeDelivered();
        pair.Deliver(pair.B, first, pair.AddrA);
        Assert.That(pair.B.Extra.ReplayTooOld, Is.EqualTo(1));
        Assert.That(pair.B.TakeDelivered(), Is.Empty);
    }

    [Test]
    public void PacketIdExhaustionRefusesCountsAndNotifies()
    {
        using var pair = new P2pPair();
        pair.InstallKeys(OvpnCipherAlg.AesGcm, 32);
        pair.A.P2pPeer->Keys.Primary.TxPacketId = 0xF0000000u - 2;
        Assert.That(pair.A.Send(TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 10)), Is.EqualTo(NtStatus.Success), "0xEFFFFFFF is the last id");
        Assert.That(pair.A.Send(TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 10)), Is.EqualTo(NtStatus.IntegerOverflow));
        Assert.That(pair.A.Send(TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 10)), Is.EqualTo(NtStatus.IntegerOverflow));
        Assert.That(pair.A.Stats.LostOutDataPackets, Is.EqualTo(2));
        Assert.That(pair.A.Extra.TxPacketIdExhausted, Is.EqualTo(2));
        Assert.That(pair.A.State->Events.Count, Is.EqualTo(1), "one SWAP_KEYS (rekey) event queued");
        pair.Pump();
        Assert.That(pair.B.TakeDelivered(), Has.Count.EqualTo(1));
        // a new key (fresh counters) makes it work again
        pair.InstallKeys(OvpnCipherAlg.AesGcm, 32, keyId: 1, seed: 9);
        Assert.That(pair.A.Send(TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 10)), Is.EqualTo(NtStatus.Success));
    }

    [Test]
    public void NonIpPayloadIsDroppedAndPingSwallowed()
    {
        using var pair = new P2pPair();
        pair.InstallKeys(OvpnCipherAlg.AesGcm, 32);
        Assert.That(pair.A.Send(new byte[] { 0x12, 0x34, 0x56 }), Is.EqualTo(NtStatus.Success));
        pair.Pump();
        Assert.That(pair.B.TakeDelivered(), Is.Empty);
        Assert.That(pair.B.Extra.NotIp, Is.EqualTo(1));
    }

    [Test]
    public void NoKeyOrNoPeerDropsAreCounted()
    {
        using var node = new TestNode();
        Assert.That(node.Send(TestNode.Ipv4Packet("10.0.0.1", "10.0.0.2", 10)), Is.EqualTo(NtStatus.HostUnreachable));
        node.Receive(new byte[] { 0x48, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3 }, TestNode.V4("1.2.3.4", 5));
        Assert.That(node.Extra.NoPeer, Is.EqualTo(1));
        Assert.That(node.Stats.LostOutDataPackets, Is.EqualTo(1));
        Assert.That(node.Stats.LostInDataPackets, Is.EqualTo(1));
        Assert.That(node.NewPeer(TestNode.V4("1.1.1.1", 1), TestNode.V4("2.2.2.2", 2)), Is.EqualTo(NtStatus.Success));
        Assert.That(node.Stats.LostOutDataPackets, Is.Zero, "NEW_PEER starts a session with fresh statistics");
        Assert.That(node.Send(TestNode.Ipv4Packet("10.0.0.1", "10.0.0.2", 10)), Is.EqualTo(NtStatus.InvalidDeviceState));
        Assert.That(node.Extra.TxNoKey, Is.EqualTo(1));
        Assert.That(node.Stats.LostOutDataPackets, Is.EqualTo(1));
    }

    [Test]
    public void TcpStreamWithArbitrarySplitsAndBadLength()
    {
        using var pair = new P2pPair(OvpnProto.Tcp);
        pair.InstallKeys(OvpnCipherAlg.ChaCha20Poly1305, 32);
        var sent = new List<byte[]>();
        for (int i = 0; i < 30; i++)
        {
            var p = TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 7 * i);
            sent.Add(p);
            pair.A.Send(p);
        }
        var stream = pair.A.TakeSent().SelectMany(p => p.Data).ToArray();
        var rng = new Random(3);
        int at = 0;
        while (at < stream.Length)
        {
            int n = Math.Min(stream.Length - at, rng.Next(1, 300));
            DriverUnderTest.OnTransportStream(pair.B.State, stream.AsSpan(at, n));
            at += n;
        }
        Assert.That(pair.B.TakeDelivered(), Is.EqualTo(sent));
        DriverUnderTest.OnTransportStream(pair.B.State, new byte[] { 0, 0 });
        DriverUnderTest.OnTransportStream(pair.B.State, new byte[] { 0x30, 0x00 });
        Assert.That(pair.B.Extra.TcpBadLength, Is.EqualTo(2));
    }
}
