using System;
using System.Collections.Generic;
using System.Linq;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Tests;

/// <summary>
/// Epoch data keys (NEW_KEY_V2 with CRYPTO_OPTIONS_EPOCH) through the device entry points, against the independent
/// BouncyCastle implementation (<see cref="EpochReference"/>): both directions per cipher, future epochs within the
/// lookahead, the retiring epoch, replay windows per epoch, the send epoch moving on at the AEAD usage limit and at the
/// counter maximum, exhaustion, key objects destroyed, MP. Runs managed here and on libovpndco (ASan+UBSan) in the
/// native suite.
/// </summary>
public unsafe class EpochTests
{
    private static readonly SockAddrInet Local = TestNode.V4("192.0.2.1", 1194);
    private static readonly SockAddrInet Remote = TestNode.V4("192.0.2.2", 1194);
    private const int PeerId = 0x4321;
    private const int KeyId = 3;
    private const int Lookahead = CryptoEpoch<ManagedPlatform>.FutureKeyCount;

    private static readonly byte[] EncryptE1 = Keys.Bytes(32, 41);
    private static readonly byte[] DecryptE1 = Keys.Bytes(32, 42);

    /// <summary>
    /// A NEW_KEY request as OpenVPN's dco_new_key makes it for epoch keys: the 32-byte epoch key E1 of each direction in
    /// Key[], KeyLen = the cipher's key size, nonce tails from the (unused) implicit IV material.
    /// </summary>
    public static OvpnCryptoData EpochKey(OvpnCipherAlg alg, int keyLen, byte[] encryptE1, byte[] decryptE1,
        OvpnKeySlot slot = OvpnKeySlot.Primary, int keyId = KeyId, int peerId = PeerId)
    {
        var d = TestNode.Key(alg, keyLen, encryptE1, decryptE1, Keys.Bytes(8, 43), Keys.Bytes(8, 44), slot, keyId, peerId);
        for (int i = 0; i < 32; i++)
        {
            d.Encrypt.Key[i] = encryptE1[i];
            d.Decrypt.Key[i] = decryptE1[i];
        }
        return d;
    }

    private static string Name(OvpnCipherAlg alg, int keyLen)
        => alg == OvpnCipherAlg.ChaCha20Poly1305 ? "chacha20-poly1305" : $"aes-{keyLen * 8}-gcm";

    private static TestNode Node(OvpnCipherAlg alg = OvpnCipherAlg.AesGcm, int keyLen = 16)
    {
        var node = new TestNode();
        Assert.That(node.NewPeer(Local, Remote), Is.EqualTo(NtStatus.Success));
        Assert.That(node.NewKey(EpochKey(alg, keyLen, EncryptE1, DecryptE1), OvpnCryptoOptions.Epoch), Is.EqualTo(NtStatus.Success));
        return node;
    }

    private static byte[] Ip(int n) => TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", n);

    /// <summary>Receives a packet BouncyCastle sealed with the device's decrypt direction; true when delivered.</summary>
    private static bool Receive(TestNode node, int epoch, ulong counter, byte[]? plain = null, string cipher = "aes-128-gcm", int keySize = 16)
    {
        plain ??= Ip(40);
        node.Receive(EpochReference.Seal(cipher, DecryptE1, keySize, epoch, counter, KeyId, PeerId, plain), Remote);
        var got = node.TakeDelivered();
        return got.Count == 1 && got[0].SequenceEqual(plain);
    }

    /// <summary>Sends one packet and returns (epoch, counter) of what the device put on the wire, checked with BouncyCastle.</summary>
    private static (int Epoch, ulong Counter) Send(TestNode node, string cipher = "aes-128-gcm", int keySize = 16)
    {
        var plain = Ip(33);
        Assert.That(node.Send(plain), Is.EqualTo(NtStatus.Success));
        var sent = node.TakeSent().Single().Data;
        Assert.That(EpochReference.Open(cipher, EncryptE1, keySize, sent, out int epoch, out ulong counter), Is.EqualTo(plain),
            "BouncyCastle opens what the device sealed");
        return (epoch, counter);
    }

    private static EpochState* Epoch(TestNode node) => node.P2pPeer->Keys.Primary.Epoch;

    public static IEnumerable<TestCaseData> Ciphers()
    {
        yield return new TestCaseData(OvpnCipherAlg.AesGcm, 16).SetName("{m}(aes-128-gcm)");
        yield return new TestCaseData(OvpnCipherAlg.AesGcm, 24).SetName("{m}(aes-192-gcm)");
        yield return new TestCaseData(OvpnCipherAlg.AesGcm, 32).SetName("{m}(aes-256-gcm)");
        yield return new TestCaseData(OvpnCipherAlg.ChaCha20Poly1305, 32).SetName("{m}(chacha20-poly1305)");
    }

    [TestCaseSource(nameof(Ciphers))]
    public void BouncyCastleAndTheDeviceAgreeBothWays(OvpnCipherAlg alg, int keyLen)
    {
        string cipher = Name(alg, keyLen);
        using var node = Node(alg, keyLen);
        foreach (int size in new[] { 0, 1, 15, 16, 17, 100, 1380 })
        {
            var plain = Ip(size);
            // receive: BouncyCastle seals with the device's decrypt E1 (epoch 1)
            var packet = EpochReference.Seal(cipher, DecryptE1, keyLen, 1, (ulong)size + 1, KeyId, PeerId, plain);
            Assert.That(packet.Length, Is.EqualTo(4 + 8 + plain.Length + 16), "header, 8-byte id, ciphertext, tag");
            node.Receive(packet, Remote);
            Assert.That(node.TakeDelivered(), Is.EqualTo(new[] { plain }), $"{size}: device opens BouncyCastle");
            node.Receive(packet, Remote);
            Assert.That(node.TakeDelivered(), Is.Empty, "replay");
            var forged = (byte[])packet.Clone();
            forged[^1] ^= 1;
            node.Receive(forged, Remote);
            Assert.That(node.TakeDelivered(), Is.Empty, "tag");
            var header = EpochReference.Seal(cipher, DecryptE1, keyLen, 1, 5000 + (ulong)size, KeyId, PeerId, plain);
            header[3] ^= 1;
            node.Receive(header, Remote);
            Assert.That(node.TakeDelivered(), Is.Empty, "header in the AAD");
        }
        // transmit: the device's bytes are exactly BouncyCastle's (epoch 1, counters from 1)
        for (ulong counter = 1; counter <= 5; counter++)
        {
            var plain = Ip((int)counter * 50);
            Assert.That(node.Send(plain), Is.EqualTo(NtStatus.Success));
            Assert.That(node.TakeSent().Single().Data,
                Is.EqualTo(EpochReference.Seal(cipher, EncryptE1, keyLen, 1, counter, KeyId, PeerId, plain)));
        }
        Assert.That(node.Extra.AuthFailed, Is.EqualTo(14));
    }

    [Test]
    public void FutureEpochsWithinTheLookaheadAreAcceptedAndTheSendEpochFollows()
    {
        using var node = Node();
        Assert.That(Receive(node, 1, 1), Is.True);
        Assert.That(Receive(node, 2 + Lookahead, 1), Is.False, "epoch 6: beyond current + 4");
        Assert.That(node.Extra.NoKey, Is.EqualTo(1), "unknown epoch counted as no key");
        Assert.That(Send(node), Is.EqualTo((1, 1ul)));
        Assert.That(Receive(node, 1 + Lookahead, 1), Is.True, "epoch 5 = current + 4");
        Assert.That(Send(node), Is.EqualTo((1 + Lookahead, 1ul)), "the send key follows the peer to epoch 5, counter restarts");
        Assert.That(Receive(node, 1, 2), Is.True, "epoch 1 is the retiring key");
        for (int e = 2; e <= Lookahead; e++)
            Assert.That(Receive(node, e, 1), Is.False, $"epoch {e} was skipped: no key");
        Assert.That(Receive(node, 1 + 2 * Lookahead, 1), Is.True, "epoch 9 = 5 + 4");
        Assert.That(Receive(node, 1, 3), Is.False, "epoch 1 retired when the peer moved on twice");
        Assert.That(Receive(node, 1 + Lookahead, 2), Is.True, "epoch 5 is now the retiring key");
        Assert.That(Receive(node, 2 + 3 * Lookahead, 1), Is.False, "epoch 14 > 9 + 4");
        Assert.That(Send(node), Is.EqualTo((1 + 2 * Lookahead, 1ul)));
    }

    [Test]
    public void ReplayWindowPerEpoch()
    {
        using var node = Node();
        Assert.That(Receive(node, 1, 10), Is.True);
        Assert.That(Receive(node, 1, 9), Is.True, "reordered within epoch 1");
        Assert.That(Receive(node, 2, 1), Is.True, "epoch 2 counts from 1 in its own window");
        Assert.That(Receive(node, 2, 1), Is.False, "replay in epoch 2");
        Assert.That(Receive(node, 1, 10), Is.False, "replay in the retiring epoch 1");
        Assert.That(Receive(node, 1, 8), Is.True, "the retiring window still accepts new ids");
        Assert.That(Receive(node, 2, 0), Is.False, "counter 0 is never valid");
        Assert.That(node.Extra.ReplayDuplicate, Is.EqualTo(2));
        Assert.That(node.Extra.ReplayZeroId, Is.EqualTo(1));
    }

    [Test]
    public void SendEpochMovesOnBeforeTheAeadUsageLimit()
    {
        using var node = Node();
        Assert.That(Send(node), Is.EqualTo((1, 1ul)));
        // OpenVPN: q + s <= 2^36 - 1 for AES-GCM; unreachable in a test, so the block count is set near it.
        var e = Epoch(node);
        Assert.That(e->UsageLimit, Is.EqualTo(CryptoEpoch<ManagedPlatform>.AesGcmUsageLimit));
        e->Send.PlaintextBlocks = CryptoEpoch<ManagedPlatform>.AesGcmUsageLimit - 1 - 5; // + counter 1 = limit - 5
        Assert.That(Send(node), Is.EqualTo((1, 2ul)), "under the limit: same epoch");
        Assert.That(e->Send.PlaintextBlocks + e->SendCounter, Is.GreaterThan(CryptoEpoch<ManagedPlatform>.AesGcmUsageLimit));
        Assert.That(Send(node), Is.EqualTo((2, 1ul)), "over the limit: epoch 2 from counter 1, decryptable with E2");
        Assert.That(e->Send.PlaintextBlocks, Is.EqualTo(5ul), "fresh usage count: (4 + 8 + 53 bytes) / 16 rounded up");
        // the peer keeps receiving: epoch 2 is within its lookahead
    }

    [Test]
    public void ChaChaHasNoUsageLimit()
    {
        using var node = Node(OvpnCipherAlg.ChaCha20Poly1305, 32);
        var e = Epoch(node);
        Assert.That(e->UsageLimit, Is.Zero);
        e->Send.PlaintextBlocks = 1ul << 40;
        Assert.That(Send(node, "chacha20-poly1305", 32), Is.EqualTo((1, 1ul)));
    }

    [Test]
    public void CounterMaximumMovesToTheNextEpoch()
    {
        // ChaCha20-Poly1305 has no usage limit (AES-GCM's 2^36 comes long before the 48-bit counter runs out).
        using var node = Node(OvpnCipherAlg.ChaCha20Poly1305, 32);
        var e = Epoch(node);
        e->SendCounter = Proto.EpochCounterMax - 1;
        Assert.That(Send(node, "chacha20-poly1305", 32), Is.EqualTo((1, Proto.EpochCounterMax)), "0xFFFFFFFFFFFF is the last counter");
        Assert.That(Send(node, "chacha20-poly1305", 32), Is.EqualTo((2, 1ul)));
    }

    [Test]
    public void TheLastEpochExhaustedNeverSends()
    {
        using var node = Node();
        var e = Epoch(node);
        e->SendEpoch = ushort.MaxValue;
        e->Send.Epoch = ushort.MaxValue;
        e->SendCounter = Proto.EpochCounterMax - 1;
        Assert.That(node.Send(Ip(10)), Is.EqualTo(NtStatus.Success), "the last counter of the last epoch");
        Assert.That(node.TakeSent().Single().Data.AsSpan(4, 8).ToArray(), Is.EqualTo(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }));
        Assert.That(node.Send(Ip(10)), Is.EqualTo(NtStatus.IntegerOverflow));
        Assert.That(node.Send(Ip(10)), Is.EqualTo(NtStatus.IntegerOverflow));
        Assert.That(node.TakeSent(), Is.Empty, "nothing sent");
        Assert.That(node.Stats.LostOutDataPackets, Is.EqualTo(2));
        Assert.That(node.Extra.TxPacketIdExhausted, Is.EqualTo(2));
    }

    [Test]
    public void KeyObjectsAreDestroyedOnReplaceDeleteAndClose()
    {
        int baseline = ManagedPlatform.LiveKeys;
        var node = Node();
        int perSlot = 2 + Lookahead; // send, receive, future receive keys
        Assert.That(ManagedPlatform.LiveKeys, Is.EqualTo(baseline + perSlot));
        Assert.That(Receive(node, 3, 1), Is.True);
        Assert.That(ManagedPlatform.LiveKeys, Is.EqualTo(baseline + perSlot + 1), "+ the retiring key");
        Assert.That(node.NewKey(EpochKey(OvpnCipherAlg.AesGcm, 16, EncryptE1, DecryptE1), OvpnCryptoOptions.Epoch), Is.EqualTo(NtStatus.Success));
        Assert.That(ManagedPlatform.LiveKeys, Is.EqualTo(baseline + perSlot), "replacing the key destroys the old epoch keys");
        Assert.That(node.NewKey(EpochKey(OvpnCipherAlg.AesGcm, 16, EncryptE1, DecryptE1, OvpnKeySlot.Secondary, 4), OvpnCryptoOptions.Epoch),
            Is.EqualTo(NtStatus.Success));
        Assert.That(node.Ioctl(OvpnIoctl.SwapKeys), Is.EqualTo(NtStatus.Success));
        Assert.That(ManagedPlatform.LiveKeys, Is.EqualTo(baseline + 2 * perSlot));
        Assert.That(node.Ioctl(OvpnIoctl.DelPeer), Is.EqualTo(NtStatus.Success));
        Assert.That(ManagedPlatform.LiveKeys, Is.EqualTo(baseline), "DEL_PEER destroys every epoch key object");
        Assert.That(node.NewPeer(Local, Remote), Is.EqualTo(NtStatus.Success));
        Assert.That(node.NewKey(EpochKey(OvpnCipherAlg.AesGcm, 32, EncryptE1, DecryptE1), OvpnCryptoOptions.Epoch), Is.EqualTo(NtStatus.Success));
        node.Dispose();
        Assert.That(ManagedPlatform.LiveKeys, Is.EqualTo(baseline), "closing the device too");
    }

    [Test]
    public void UnknownOptionBitsAndBadEpochKeysAreInvalidParameter()
    {
        using var node = new TestNode();
        Assert.That(node.NewPeer(Local, Remote), Is.EqualTo(NtStatus.Success));
        var key = EpochKey(OvpnCipherAlg.AesGcm, 16, EncryptE1, DecryptE1);
        foreach (uint bits in new[] { 1u, 1u << 2, 1u << 3, (1u << 1) | (1u << 2), 1u << 31 })
            Assert.That(node.NewKey(key, (OvpnCryptoOptions)bits), Is.EqualTo(NtStatus.InvalidParameter), $"options 0x{bits:x}");
        var none = EpochKey(OvpnCipherAlg.None, 0, EncryptE1, DecryptE1);
        Assert.That(node.NewKey(none, OvpnCryptoOptions.Epoch), Is.EqualTo(NtStatus.InvalidParameter), "epoch needs an AEAD cipher");
        var mixed = EpochKey(OvpnCipherAlg.AesGcm, 16, EncryptE1, DecryptE1);
        mixed.Decrypt.KeyLen = 32;
        Assert.That(node.NewKey(mixed, OvpnCryptoOptions.Epoch), Is.EqualTo(NtStatus.InvalidParameter), "one key size both ways");
        Assert.That(node.P2pPeer->Keys.Primary.InUse, Is.Zero, "nothing installed");
        Assert.That(node.NewKey(key, OvpnCryptoOptions.Epoch), Is.EqualTo(NtStatus.Success));
        Assert.That(node.P2pPeer->Keys.Primary.Format, Is.EqualTo(KeyFormat.Epoch));
    }

    [Test]
    public void MultipeerEpochKeysByPeerId()
    {
        using var bed = new MpBed(2);
        // Replace peer 2's keys with epoch keys on both sides (the server names the peer by PeerId).
        var c2s = Keys.Bytes(32, 61);
        var s2c = Keys.Bytes(32, 62);
        Assert.That(bed.Clients[1].NewKey(EpochKey(OvpnCipherAlg.AesGcm, 32, c2s, s2c, keyId: 1, peerId: 2), OvpnCryptoOptions.Epoch),
            Is.EqualTo(NtStatus.Success));
        Assert.That(bed.Server.NewKey(EpochKey(OvpnCipherAlg.AesGcm, 32, s2c, c2s, keyId: 1, peerId: 2), OvpnCryptoOptions.Epoch),
            Is.EqualTo(NtStatus.Success));
        var up = TestNode.Ipv4Packet("10.8.0.3", "10.8.0.1", 120);
        var down = TestNode.Ipv4Packet("10.8.0.1", "10.8.0.3", 130);
        Assert.That(bed.Clients[1].Send(up), Is.EqualTo(NtStatus.Success));
        Assert.That(bed.Server.Send(down), Is.EqualTo(NtStatus.Success));
        var wire = bed.Server.Platform.Sent.Single().Data;
        Assert.That(EpochReference.Open("aes-256-gcm", s2c, 32, wire, out int epoch, out ulong counter), Is.EqualTo(down));
        Assert.That((epoch, counter), Is.EqualTo((1, 1ul)));
        Assert.That(wire[1..4], Is.EqualTo(new byte[] { 0, 0, 2 }), "peer id 2 in the header");
        bed.Pump();
        Assert.That(bed.Server.TakeDelivered(), Is.EqualTo(new[] { up }));
        Assert.That(bed.Clients[1].TakeDelivered(), Is.EqualTo(new[] { down }));
        // the classic peer 1 is unaffected
        Assert.That(bed.Clients[0].Send(TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 50)), Is.EqualTo(NtStatus.Success));
        bed.Pump();
        Assert.That(bed.Server.TakeDelivered(), Has.Count.EqualTo(1));
    }

    [TestCase(OvpnProto.Udp)]
    [TestCase(OvpnProto.Tcp)]
    public void TwoDevicesFollowEachOtherAcrossEpochs(OvpnProto proto)
    {
        using var pair = new P2pPair(proto);
        pair.InstallKeys(OvpnCipherAlg.AesGcm, 32, options: OvpnCryptoOptions.Epoch);
        var a = pair.A.P2pPeer->Keys.Primary.Epoch;
        var b = pair.B.P2pPeer->Keys.Primary.Epoch;
        var up = TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 200);
        var down = TestNode.Ipv4Packet("10.8.0.1", "10.8.0.2", 300);
        for (int round = 1; round <= 6; round++)
        {
            // A's send key reaches the AES-GCM usage limit: A moves to the next epoch, B follows when it receives it.
            a->Send.PlaintextBlocks = CryptoEpoch<ManagedPlatform>.AesGcmUsageLimit + 1;
            Assert.That(pair.A.Send(up), Is.EqualTo(NtStatus.Success));
            pair.Pump();
            Assert.That(pair.B.TakeDelivered(), Is.EqualTo(new[] { up }), $"round {round}: B opens A's epoch {a->Send.Epoch}");
            Assert.That((int)b->Recv.Epoch, Is.EqualTo(round + 1));
            Assert.That((int)b->Send.Epoch, Is.EqualTo(round + 1), "B's send key follows");
            Assert.That(pair.B.Send(down), Is.EqualTo(NtStatus.Success));
            pair.Pump();
            Assert.That(pair.A.TakeDelivered(), Is.EqualTo(new[] { down }), $"round {round}: A opens B's new epoch");
            Assert.That((int)a->Recv.Epoch, Is.EqualTo(round + 1));
        }
        Assert.That(pair.A.Stats.LostInDataPackets + pair.B.Stats.LostInDataPackets, Is.Zero);
    }

#if !NATIVE_ENGINE
    [Test]
    public void NoKeyDerivationPerPacket()
    {
        using var node = Node();
        long before = ManagedPlatform.HkdfCalls;
        for (ulong i = 1; i <= 50; i++)
        {
            Assert.That(Receive(node, 1, i), Is.True);
            Send(node);
        }
        Assert.That(ManagedPlatform.HkdfCalls, Is.EqualTo(before), "packets in one epoch derive nothing");
        Assert.That(Receive(node, 2, 1), Is.True);
        // epoch 2 reached: one new future receive epoch key (6) = iterate + data key + IV; the send key follows to
        // epoch 2 = iterate + data key + IV.
        Assert.That(ManagedPlatform.HkdfCalls - before, Is.EqualTo(6));
    }
#endif
}
