using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Tests;

/// <summary>
/// Independent oracles through the device entry points only (DriverUnderTest), so they run against the C# core here and
/// against libovpndco in the native suite: BouncyCastle seals what the device opens and opens what it seals, for every
/// cipher and key slot (epoch keys: EpochTests); the shared known answers go through the receive path; MSS clamping is checked with a
/// checksum computed here; GET_STATS and GET_PEER_STATS are read at the offsets of UAPI.md, not through the C# structs.
/// </summary>
public unsafe class DeviceCryptoOracleTests
{
    private static readonly SockAddrInet Local = TestNode.V4("192.0.2.1", 1194);
    private static readonly SockAddrInet Remote = TestNode.V4("192.0.2.2", 1194);
    private const int PeerId = 0x123456;
    private const int KeyId = 5;

    public static IEnumerable<TestCaseData> Matrix()
    {
        foreach (var (alg, keyLen, name) in Keys.Ciphers)
            foreach (var slot in new[] { OvpnKeySlot.Primary, OvpnKeySlot.Secondary })
                yield return new TestCaseData(alg, keyLen, name, slot).SetName($"{{m}}({name}, {slot})");
    }

    [TestCaseSource(nameof(Matrix))]
    public void BouncyCastleAndTheDeviceAgreeBothWays(OvpnCipherAlg alg, int keyLen, string cipher, OvpnKeySlot slot)
    {
        var encrypt = Keys.Bytes(32, 11);
        var decrypt = Keys.Bytes(32, 12);
        var encryptTail = Keys.Bytes(8, 13);
        var decryptTail = Keys.Bytes(8, 14);
        const OvpnCryptoOptions options = 0; // classic format; epoch keys: EpochTests
        using var node = new TestNode();
        Assert.That(node.NewPeer(Local, Remote), Is.EqualTo(NtStatus.Success));
        if (slot == OvpnKeySlot.Secondary)
        {
            // Another key in the primary slot: received packets with KeyId must find the secondary one.
            var decoy = TestNode.Key(alg, keyLen, Keys.Bytes(32, 21), Keys.Bytes(32, 22), Keys.Bytes(8, 23), Keys.Bytes(8, 24),
                OvpnKeySlot.Primary, 1, PeerId);
            Assert.That(node.NewKey(decoy, options), Is.EqualTo(NtStatus.Success));
        }
        var key = TestNode.Key(alg, keyLen, encrypt, decrypt, encryptTail, decryptTail, slot, KeyId, PeerId);
        Assert.That(node.NewKey(key, options), Is.EqualTo(NtStatus.Success));
        var k = (Encrypt: encrypt.AsSpan(0, keyLen).ToArray(), Decrypt: decrypt.AsSpan(0, keyLen).ToArray());

        // Receive: BouncyCastle seals with the device's decrypt key; the device delivers the plaintext.
        ulong rxPid = 1;
        int delivered = 0;
        foreach (var plain in Packets())
        {
            var packet = Reference.Seal(cipher, k.Decrypt, decryptTail, KeyId, PeerId, rxPid++, plain);
            node.Receive(packet, Remote);
            Assert.That(node.TakeDelivered(), Is.EqualTo(new[] { plain }), $"{plain.Length}-byte packet sealed by BouncyCastle");
            delivered++;
            node.Receive(packet, Remote);
            Assert.That(node.TakeDelivered(), Is.Empty, "the same packet again is a replay");
            if (alg != OvpnCipherAlg.None)
            {
                var forged = Reference.Seal(cipher, k.Decrypt, decryptTail, KeyId, PeerId, rxPid++, plain);
                forged[forged.Length - 1 - plain.Length / 2] ^= 0x04;
                node.Receive(forged, Remote);
                Assert.That(node.TakeDelivered(), Is.Empty, "a flipped bit fails the tag");
                var otherHeader = Reference.Seal(cipher, k.Decrypt, decryptTail, KeyId, PeerId, rxPid++, plain);
                otherHeader[3] ^= 0x01; // the peer id is in the AAD
                node.Receive(otherHeader, Remote);
                Assert.That(node.TakeDelivered(), Is.Empty, "the header is authenticated");
            }
        }
        var stats = node.Stats;
        Assert.That(stats.ReceivedDataPackets, Is.EqualTo(delivered));
        Assert.That(stats.TunBytesReceived, Is.EqualTo(Packets().Sum(p => (long)p.Length)));

        // Transmit: the device seals with its encrypt key (the secondary after SWAP_KEYS); BouncyCastle gives the same bytes.
        if (slot == OvpnKeySlot.Secondary)
            Assert.That(node.Ioctl(OvpnIoctl.SwapKeys), Is.EqualTo(NtStatus.Success));
        ulong txPid = 1;
        foreach (var plain in Packets())
        {
            Assert.That(node.Send(plain), Is.EqualTo(NtStatus.Success));
            var sent = node.TakeSent().Single();
            Assert.That(sent.Data, Is.EqualTo(Reference.Seal(cipher, k.Encrypt, encryptTail, KeyId, PeerId, txPid++, plain)),
                $"{plain.Length}-byte packet sealed by the device");
            Assert.That(Reference.Open(cipher, k.Encrypt, encryptTail, sent.Data), Is.EqualTo(plain));
        }
    }

    private static IEnumerable<byte[]> Packets()
    {
        foreach (int payload in new[] { 0, 1, 15, 16, 17, 100, 1380 })
            yield return TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", payload);
        yield return TestNode.Ipv6Packet("fd00::2", "fd00::1", 333);
    }

    [Test]
    public void SharedVectorsThroughTheReceivePath()
    {
        // ../shared/vectors beside the clone when present, else the repository's checked copy (tests/vectors).
        var path = Path.Combine(Reference.RepoRoot(), "..", "shared", "vectors", "data-v2.json");
        if (!File.Exists(path))
            path = Path.Combine(Reference.RepoRoot(), "tests", "vectors", "data-v2.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        int delivered = 0, cases = 0;
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            string name = c.GetProperty("name").GetString()!;
            string cipher = c.GetProperty("cipher").GetString()!;
            var key = Reference.Hex(c.GetProperty("key").GetString()!);
            var tail = Reference.Hex(c.GetProperty("nonce_tail").GetString()!);
            var plain = Reference.Hex(c.GetProperty("plaintext").GetString()!);
            var packet = Reference.Hex(c.GetProperty("packet").GetString()!);
            if (c.GetProperty("aead_tag_end").GetBoolean())
                continue; // a pre-release layout no client uses (CRYPTO_OPTIONS_AEAD_TAG_END): not a driver format
            int keyId = c.GetProperty("key_id").GetInt32();
            var alg = cipher == "none" ? OvpnCipherAlg.None : cipher.StartsWith("chacha", StringComparison.Ordinal) ? OvpnCipherAlg.ChaCha20Poly1305 : OvpnCipherAlg.AesGcm;
            using var node = new TestNode();
            Assert.That(node.NewPeer(Local, Remote), Is.EqualTo(NtStatus.Success));
            var k = cipher == "none" ? new byte[32] : key;
            var data = TestNode.Key(alg, cipher == "none" ? 0 : key.Length, k, k, tail, tail, OvpnKeySlot.Secondary, keyId);
            Assert.That(node.NewKey(data), Is.EqualTo(NtStatus.Success));
            node.Receive(packet, Remote);
            var got = node.TakeDelivered();
            bool isIp = plain.Length > 0 && (plain[0] >> 4 == 4 || plain[0] >> 4 == 6);
            Assert.That(node.Stats.ReceivedDataPackets, Is.EqualTo(1), name);
            if (isIp)
            {
                Assert.That(got.Single(), Is.EqualTo(plain), name);
                delivered++;
            }
            else
            {
                Assert.That(got, Is.Empty, $"{name}: pings and non-IP payloads are not delivered");
            }
            // A bit flipped anywhere after the header is refused (cipher none: only the header is checked).
            if (cipher != "none")
            {
                packet[^1] ^= 0x80;
                node.Receive(packet, Remote);
                Assert.That(node.TakeDelivered(), Is.Empty, $"{name} forged");
                Assert.That(node.Stats.ReceivedDataPackets, Is.EqualTo(1), $"{name} forged");
            }
            cases++;
        }
        Assert.That(cases, Is.GreaterThanOrEqualTo(6));
        Assert.That(delivered, Is.GreaterThanOrEqualTo(3));
    }
}

/// <summary>TCP SYN packets with an MSS option and the full TCP checksum computed independently of the driver.</summary>
public static class TcpSynPackets
{
    public static byte[] Syn(bool v6, ushort mss, bool syn = true, bool aligned = false)
    {
        int ipLen = v6 ? 40 : 20;
        var p = new byte[ipLen + 28];
        if (v6)
        {
            p[0] = 0x60;
            p[5] = 28; // payload length
            p[6] = 6;
            p[7] = 64;
            p[8] = 0xfd;
            p[23] = 2;
            p[24] = 0xfd;
            p[39] = 1;
        }
        else
        {
            p[0] = 0x45;
            p[3] = (byte)p.Length;
            p[8] = 64;
            p[9] = 6;
            p[12] = 10;
            p[13] = 8;
            p[15] = 2;
            p[16] = 10;
            p[17] = 8;
            p[19] = 1;
        }
        int t = ipLen;
        p[t + 1] = 80;
        p[t + 12] = 7 << 4; // 28-byte header
        p[t + 13] = (byte)(syn ? 0x02 : 0x10);
        int o = aligned ? t + 20 : t + 21;
        p[t + 20] = 1; // NOP
        p[o] = 2;
        p[o + 1] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(o + 2), mss);
        p[o + 4] = 1;
        p[t + 26] = 1;
        p[t + 27] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(t + 16), Checksum(p, t, v6));
        return p;
    }

    public static int MssOffset(bool v6, bool aligned) => (v6 ? 40 : 20) + (aligned ? 22 : 23);

    /// <summary>Full TCP checksum with pseudo header, skipping the checksum field (to verify the incremental update).</summary>
    public static ushort Checksum(byte[] p, int t, bool v6)
    {
        long sum = 0;
        var src = v6 ? p.AsSpan(8, 16) : p.AsSpan(12, 4);
        var dst = v6 ? p.AsSpan(24, 16) : p.AsSpan(16, 4);
        for (int i = 0; i < src.Length; i += 2)
            sum += (src[i] << 8) | src[i + 1];
        for (int i = 0; i < dst.Length; i += 2)
            sum += (dst[i] << 8) | dst[i + 1];
        int len = p.Length - t;
        sum += 6 + len;
        for (int i = t; i < p.Length; i += 2)
        {
            if (i == t + 16)
                continue; // the checksum field itself
            sum += (p[i] << 8) | (i + 1 < p.Length ? p[i + 1] : 0);
        }
        while (sum >> 16 != 0)
            sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }
}

public class DeviceMssOracleTests
{
    [TestCase(false, false)]
    [TestCase(true, false)]
    [TestCase(false, true)]
    [TestCase(true, true)]
    public void TheDeviceClampsOnTxAndRxWithAValidChecksum(bool v6, bool aligned)
    {
        using var pair = new P2pPair();
        pair.InstallKeys(OvpnCipherAlg.AesGcm, 32);
        Assert.That(pair.A.SetPeer(-1, -1, 1200), Is.EqualTo(NtStatus.Success));
        int t = v6 ? 40 : 20, mss = TcpSynPackets.MssOffset(v6, aligned);

        pair.A.Send(TcpSynPackets.Syn(v6, 1460, aligned: aligned)); // A's adapter → B: clamped on A's tx
        pair.B.Send(TcpSynPackets.Syn(v6, 1400, aligned: aligned)); // B → A's adapter: clamped on A's rx
        pair.B.Send(TcpSynPackets.Syn(v6, 1100, aligned: aligned)); // already smaller: untouched
        pair.B.Send(TcpSynPackets.Syn(v6, 1460, syn: false, aligned: aligned)); // not a SYN: untouched
        pair.Pump();
        var atB = pair.B.TakeDelivered().Single();
        var atA = pair.A.TakeDelivered();
        Assert.That(atA, Has.Count.EqualTo(3));
        foreach (var (packet, expected, what) in new[] { (atB, 1200, "tx clamp"), (atA[0], 1200, "rx clamp"), (atA[1], 1100, "smaller"), (atA[2], 1460, "not a SYN") })
        {
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(mss)), Is.EqualTo(expected), what);
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(t + 16)), Is.EqualTo(TcpSynPackets.Checksum(packet, t, v6)), $"{what}: checksum");
        }
        Assert.That(atA[1], Is.EqualTo(TcpSynPackets.Syn(v6, 1100, aligned: aligned)), "untouched byte for byte");
        Assert.That(atA[2], Is.EqualTo(TcpSynPackets.Syn(v6, 1460, syn: false, aligned: aligned)), "untouched byte for byte");
        Assert.That(pair.A.Extra.MssClamped, Is.EqualTo(2));
    }
}

/// <summary>GET_STATS and GET_PEER_STATS bytes at the offsets UAPI.md gives, after traffic whose amounts the test knows.</summary>
public class DeviceStatsLayoutTests
{
    [Test]
    public void GetStatsFillsTheUapiOffsets()
    {
        using var pair = new P2pPair();
        pair.InstallKeys(OvpnCipherAlg.AesGcm, 16);
        var sizes = new[] { 20, 300, 1000 };
        foreach (int payload in sizes)
            Assert.That(pair.A.Send(TestNode.Ipv4Packet("10.8.0.1", "10.8.0.2", payload)), Is.EqualTo(NtStatus.Success));
        var wire = pair.A.TakeSent();
        Assert.That(wire, Has.Count.EqualTo(3));
        foreach (var p in wire)
            pair.B.Receive(p.Data, pair.AddrA);
        pair.B.Receive(wire[0].Data, pair.AddrA); // a replay: lost in
        pair.B.Receive(new byte[] { 0x38, 1, 2, 3 }, pair.AddrA); // P_CONTROL_HARD_RESET_CLIENT_V2: a control packet
        long plain = sizes.Sum(s => 20L + s), transport = wire.Sum(p => (long)p.Data.Length);

        var a = RawStats(pair.A);
        var b = RawStats(pair.B);
        Assert.Multiple(() =>
        {
            // LONG at 0..28: LostInControl, LostOutControl, LostInData, LostOutData, ReceivedData, ReceivedControl, SentControl, SentData
            Assert.That(Longs(a), Is.EqualTo(new[] { 0, 0, 0, 0, 0, 0, 0, 3 }), "A's LONG counters");
            Assert.That(Longs(b), Is.EqualTo(new[] { 0, 0, 1, 0, 3, 1, 0, 0 }), "B's LONG counters");
            // LONG64 at 32..56: TransportBytesSent, TransportBytesReceived, TunBytesSent, TunBytesReceived
            Assert.That(Long64s(a), Is.EqualTo(new[] { transport, 0, plain, 0 }), "A's byte counters");
            Assert.That(Long64s(b), Is.EqualTo(new[] { 0, transport + wire[0].Data.Length + 4, 0, plain }), "B's byte counters");
        });
    }

    [Test]
    public void GetPeerStatsFillsTheUapiOffsets()
    {
        using var bed = new MpBed(2);
        Assert.That(bed.Clients[1].Send(TestNode.Ipv4Packet("10.8.0.3", "10.8.0.1", 80)), Is.EqualTo(NtStatus.Success));
        var toServer = bed.Clients[1].TakeSent().Single().Data;
        bed.Server.Receive(toServer, bed.ClientAddrs[1]);
        Assert.That(bed.Server.TakeDelivered(), Has.Count.EqualTo(1));
        Assert.That(bed.Server.Send(TestNode.Ipv4Packet("10.8.0.1", "10.8.0.3", 30)), Is.EqualTo(NtStatus.Success));
        var fromServer = bed.Server.TakeSent().Single().Data;

        var o = new byte[40];
        Array.Fill(o, (byte)0xCC);
        Assert.That(bed.Server.Ioctl(OvpnIoctl.GetPeerStats, BitConverter.GetBytes(2), o, out int n), Is.EqualTo(NtStatus.Success));
        Assert.That(n, Is.EqualTo(40));
        // 0 int PeerId; pad (zeroed); 8 LinkRxBytes; 16 LinkTxBytes; 24 VpnRxBytes; 32 VpnTxBytes (LONG64)
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(o), Is.EqualTo(2));
        Assert.That(o.AsSpan(4, 4).ToArray(), Is.All.EqualTo(0), "padding reaches user space as 0");
        Assert.That(BinaryPrimitives.ReadInt64LittleEndian(o.AsSpan(8)), Is.EqualTo(toServer.Length), "LinkRxBytes");
        Assert.That(BinaryPrimitives.ReadInt64LittleEndian(o.AsSpan(16)), Is.EqualTo(fromServer.Length), "LinkTxBytes");
        Assert.That(BinaryPrimitives.ReadInt64LittleEndian(o.AsSpan(24)), Is.EqualTo(100), "VpnRxBytes");
        Assert.That(BinaryPrimitives.ReadInt64LittleEndian(o.AsSpan(32)), Is.EqualTo(50), "VpnTxBytes");
    }

    private static byte[] RawStats(TestNode node)
    {
        var o = new byte[64];
        Array.Fill(o, (byte)0xCC);
        Assert.That(node.Ioctl(OvpnIoctl.GetStats, ReadOnlySpan<byte>.Empty, o, out int n), Is.EqualTo(NtStatus.Success));
        Assert.That(n, Is.EqualTo(64));
        return o;
    }

    private static int[] Longs(byte[] o) => Enumerable.Range(0, 8).Select(i => BinaryPrimitives.ReadInt32LittleEndian(o.AsSpan(i * 4))).ToArray();

    private static long[] Long64s(byte[] o) => Enumerable.Range(0, 4).Select(i => BinaryPrimitives.ReadInt64LittleEndian(o.AsSpan(32 + i * 8))).ToArray();
}
