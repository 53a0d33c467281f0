using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Tests;

/// <summary>The driver's AEAD framing against BouncyCastle, stored known answers and shared/vectors/data-v2.json, at the
/// crypto layer (managed only); the same oracles through the device entry points, in both suites: DeviceOracleTests.</summary>
public unsafe class CryptoTests
{
    private sealed class Slot : IDisposable
    {
        public KeySlot* Ptr = (KeySlot*)System.Runtime.InteropServices.NativeMemory.AllocZeroed((nuint)sizeof(KeySlot));

        public void Dispose()
        {
            CryptoAead<ManagedPlatform>.Destroy(ref *Ptr);
            System.Runtime.InteropServices.NativeMemory.Free(Ptr);
        }
    }

    private static OvpnCipherAlg Alg(string name) => name switch
    {
        "none" => OvpnCipherAlg.None,
        "chacha20-poly1305" => OvpnCipherAlg.ChaCha20Poly1305,
        _ => OvpnCipherAlg.AesGcm,
    };

    /// <summary>A slot whose encrypt and decrypt keys are both <paramref name="key"/> (one direction's view).</summary>
    private static Slot MakeSlot(string cipher, byte[] key, byte[] tail, int keyId, int peerId, KeyFormat format = KeyFormat.Classic)
    {
        var slot = new Slot();
        int keyLen = cipher == "none" ? 0 : key.Length;
        var data = TestNode.Key(Alg(cipher), keyLen, key, key, tail, tail, OvpnKeySlot.Primary, keyId, peerId);
        Assert.That(CryptoAead<ManagedPlatform>.Install(ref *slot.Ptr, data, format), Is.EqualTo(NtStatus.Success));
        return slot;
    }

    private static byte[] DriverSeal(Slot slot, int peerId, ulong pid, byte[] plain)
    {
        slot.Ptr->TxPacketId = pid - 1;
        var output = new byte[plain.Length + 64];
        int n = CryptoAead<ManagedPlatform>.Seal(ref *slot.Ptr, peerId, plain, output);
        Assert.That(n, Is.GreaterThan(0));
        return output.AsSpan(0, n).ToArray();
    }

    private static byte[]? DriverOpen(Slot slot, byte[] packet, out ulong pid)
    {
        var plain = new byte[packet.Length + 16];
        int n = CryptoAead<ManagedPlatform>.Open(ref *slot.Ptr, packet, plain, out pid);
        return n < 0 ? null : plain.AsSpan(0, n).ToArray();
    }

    public static IEnumerable<TestCaseData> Matrix()
    {
        foreach (var (_, keyLen, name) in Keys.Ciphers)
            yield return new TestCaseData(name, keyLen).SetName($"{name}");
    }

    [TestCaseSource(nameof(Matrix))]
    public void BouncyCastleSealsDriverOpensAndViceVersa(string cipher, int keyLen)
    {
        var key = Keys.Bytes(Math.Max(keyLen, 1), keyLen);
        var tail = Keys.Bytes(8, 9);
        using var slot = MakeSlot(cipher, key, tail, 5, 0x123456);
        foreach (int size in new[] { 0, 1, 15, 16, 17, 100, 1400, 1500 })
        {
            var plain = Keys.Bytes(size, size + 3);
            ulong pid = 7 + (ulong)size;

            var bc = Reference.Seal(cipher, key, tail, 5, 0x123456, pid, plain);
            var opened = DriverOpen(slot, bc, out var gotPid);
            Assert.That(opened, Is.EqualTo(plain), $"driver opens BC packet of {size} bytes");
            Assert.That(gotPid, Is.EqualTo(pid));

            var mine = DriverSeal(slot, 0x123456, pid, plain);
            Assert.That(mine, Is.EqualTo(bc), "driver seals the same bytes as BC");
            Assert.That(Reference.Open(cipher, key, tail, mine), Is.EqualTo(plain), "BC opens driver packet");

            if (cipher != "none")
            {
                var forged = (byte[])mine.Clone();
                forged[forged.Length - 1 - (size / 2)] ^= 0x01;
                Assert.That(DriverOpen(slot, forged, out _), Is.Null, "a flipped bit fails the tag");
                var badAad = (byte[])mine.Clone();
                badAad[3] ^= 0x01; // peer id is authenticated
                Assert.That(DriverOpen(slot, badAad, out _), Is.Null, "the header is in the AAD");
            }
        }
    }

    [Test]
    public void TruncatedPacketsAreRefused()
    {
        var key = Keys.Bytes(32, 1);
        var tail = Keys.Bytes(8, 2);
        using var slot = MakeSlot("aes-256-gcm", key, tail, 0, 0);
        var p = Reference.Seal("aes-256-gcm", key, tail, 0, 0, 1, new byte[10]);
        for (int len = 0; len < 24; len++)
        {
            var plain = new byte[64];
            int n = CryptoAead<ManagedPlatform>.Open(ref *slot.Ptr, p.AsSpan(0, len), plain, out _);
            Assert.That(n, Is.EqualTo((int)CryptoError.Truncated), $"length {len}");
        }
    }

    /// <summary>Known answers computed once with BouncyCastle (Reference.Seal) and stored (classic format).</summary>
    private static readonly (string Cipher, int KeySeed, int KeyLen, ulong Pid, string Packet)[] StoredAnswers =
    {
        ("aes-128-gcm", 1, 16, 1,
            "4a0abcde0000000139d891177c986183b16449fd0bd213d86ac10adb91465f1d64bb241ac92c2a7c0ea77e020604b8d8407a4f88e3f09ee9"),
        ("aes-192-gcm", 2, 24, 2,
            "4a0abcde00000002365dd1641cb8679f2c621617e5193d6ef330dd9a68e1c5a06e9ad05081bb8b15abfb07c28024d79b353cff40a6b55787"),
    };

    [Test]
    public void StoredBouncyCastleKnownAnswers()
    {
        var tail = Reference.Hex("0102030405060708");
        var plain = Reference.Hex("45000020000040004011000000000000c0a80001c0a800020035003500080000");
        foreach (var (cipher, seed, keyLen, pid, packetHex) in StoredAnswers)
        {
            var key = Keys.Bytes(keyLen, seed);
            using var slot = MakeSlot(cipher, key, tail, 2, 0xABCDE);
            var expected = Reference.Hex(packetHex);
            Assert.That(Reference.ToHex(DriverSeal(slot, 0xABCDE, pid, plain)), Is.EqualTo(packetHex), cipher);
            Assert.That(DriverOpen(slot, expected, out var got), Is.EqualTo(plain));
            Assert.That(got, Is.EqualTo(pid));
        }
    }

    [Test]
    public void SharedVectorsOpenAndSealIdentically()
    {
        // ../shared/vectors beside the clone (CI and this sandbox); else the repository's checked copy (tests/vectors).
        var path = Path.Combine(Reference.RepoRoot(), "..", "shared", "vectors", "data-v2.json");
        if (!File.Exists(path))
            path = Path.Combine(Reference.RepoRoot(), "tests", "vectors", "data-v2.json");
        Assert.That(File.Exists(path), Is.True, $"{path}");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        int cases = 0;
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            string name = c.GetProperty("name").GetString()!;
            string cipher = c.GetProperty("cipher").GetString()!;
            var key = Reference.Hex(c.GetProperty("key").GetString()!);
            var tail = Reference.Hex(c.GetProperty("nonce_tail").GetString()!);
            int keyId = c.GetProperty("key_id").GetInt32();
            int peerId = c.GetProperty("peer_id").GetInt32();
            ulong pid = c.GetProperty("packet_id").GetUInt64();
            bool tagEnd = c.GetProperty("aead_tag_end").GetBoolean();
            var plain = Reference.Hex(c.GetProperty("plaintext").GetString()!);
            var packet = Reference.Hex(c.GetProperty("packet").GetString()!);
            // and the independent reference agrees with the file
            Assert.That(Reference.Seal(cipher, key, tail, keyId, peerId, pid, plain, false, tagEnd), Is.EqualTo(packet), name);
            if (tagEnd)
                continue; // a pre-release layout (CRYPTO_OPTIONS_AEAD_TAG_END) no client uses: not a driver format
            using var slot = MakeSlot(cipher, cipher == "none" ? new byte[32] : key, tail, keyId, peerId);
            Assert.That(DriverOpen(slot, packet, out var gotPid), Is.EqualTo(plain), name);
            Assert.That(gotPid, Is.EqualTo(pid), name);
            Assert.That(DriverSeal(slot, peerId, pid, plain), Is.EqualTo(packet), name);
            cases++;
        }
        Assert.That(cases, Is.GreaterThanOrEqualTo(6));
    }

    [Test]
    public void KeyReplaceZeroesTheSlot()
    {
        var key = Keys.Bytes(32, 1);
        var tail = Keys.Bytes(8, 2);
        using var slot = MakeSlot("aes-256-gcm", key, tail, 3, 0);
        int live = ManagedPlatform.LiveKeys;
        CryptoAead<ManagedPlatform>.Destroy(ref *slot.Ptr);
        Assert.That(ManagedPlatform.LiveKeys, Is.EqualTo(live - 2), "both key objects destroyed");
        var bytes = new ReadOnlySpan<byte>(slot.Ptr, sizeof(KeySlot));
        Assert.That(bytes.IndexOfAnyExcept((byte)0), Is.EqualTo(-1), "slot zeroed (nonce tails, counters, handles)");
    }
}
