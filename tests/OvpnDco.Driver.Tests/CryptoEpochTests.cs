using System;
using System.Linq;
using System.Text;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Tests;

/// <summary>
/// Epoch key derivation and key management at the crypto layer (managed), with OpenVPN's own known answers
/// (tests/unit_tests/openvpn/test_crypto.c: crypto_test_hkdf_expand_testa1..3 = RFC 5869 A.1–A.3,
/// crypto_test_hkdf_expand_test_ovpn, crypto_test_ovpn_label_expand, epoch_test_derive_data_key) and its epoch key
/// bookkeeping tests (crypto_test_epoch_key_generation/rotation/receive_lookup/edge) ported to our lookahead of 4.
/// </summary>
public unsafe class CryptoEpochTests
{
    private const int Lookahead = CryptoEpoch<ManagedPlatform>.FutureKeyCount;

    private static readonly byte[] PrkA1 = Reference.Hex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");

    public static readonly (string Name, string Prk, string Info, string Okm)[] HkdfExpandVectors =
    {
        ("RFC 5869 A.1", "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5", "f0f1f2f3f4f5f6f7f8f9",
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"),
        ("RFC 5869 A.2", "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
            "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
            "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87"),
        ("RFC 5869 A.3", "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04", "",
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"),
        ("OpenVPN test_ovpn", "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
            "001b0e6f76706e20756e6974207465737400", "875a8eec18556380b8d933ed323c2df8e8eccf4972e683f06a83ac"),
    };

    [Test]
    public void HkdfExpandKnownAnswers([Range(0, 3)] int index)
    {
        var (name, prk, info, okm) = HkdfExpandVectors[index];
        var expected = Reference.Hex(okm);
        var output = new byte[expected.Length];
        Assert.That(ManagedPlatform.HkdfExpandSha256(Reference.Hex(prk), Reference.Hex(info), output), Is.EqualTo(NtStatus.Success));
        Assert.That(output, Is.EqualTo(expected), $"{name}: managed platform");
        Assert.That(EpochReference.HkdfExpand(Reference.Hex(prk), Reference.Hex(info), expected.Length), Is.EqualTo(expected),
            $"{name}: BouncyCastle reference");
    }

    [Test]
    public void OvpnExpandLabelKnownAnswer()
    {
        // OpenVPN crypto_test_ovpn_label_expand: secret = RFC 5869 A.1 PRK, label "unit test", 16 bytes.
        var output = new byte[16];
        Assert.That(CryptoEpoch<ManagedPlatform>.ExpandLabel(PrkA1, Encoding.ASCII.GetBytes("unit test"), output), Is.EqualTo(NtStatus.Success));
        Assert.That(Reference.ToHex(output), Is.EqualTo("185eaa1c7f228ab8eb29773214d92046"));
        Assert.That(Reference.ToHex(EpochReference.ExpandLabel(PrkA1, "unit test", 16)), Is.EqualTo("185eaa1c7f228ab8eb29773214d92046"));
        // the ovpn label for 27 bytes is the info of the OpenVPN HKDF test above
        var label27 = new byte[27];
        Assert.That(CryptoEpoch<ManagedPlatform>.ExpandLabel(PrkA1, Encoding.ASCII.GetBytes("unit test"), label27), Is.EqualTo(NtStatus.Success));
        Assert.That(Reference.ToHex(label27), Is.EqualTo(HkdfExpandVectors[3].Okm));
        Assert.That(CryptoEpoch<ManagedPlatform>.ExpandLabel(new byte[31], Encoding.ASCII.GetBytes("x"), output), Is.EqualTo(NtStatus.InvalidParameter),
            "the secret must be 32 bytes");
    }

    private sealed class EpochSlot : IDisposable
    {
        public KeySlot* Ptr = (KeySlot*)System.Runtime.InteropServices.NativeMemory.AllocZeroed((nuint)sizeof(KeySlot));

        public EpochSlot(OvpnCipherAlg alg, int keyLen, byte[] sendE1, byte[] recvE1)
        {
            var data = EpochTests.EpochKey(alg, keyLen, sendE1, recvE1);
            Assert.That(CryptoAead<ManagedPlatform>.Install(ref *Ptr, data, KeyFormat.Epoch), Is.EqualTo(NtStatus.Success));
        }

        public EpochState* E => Ptr->Epoch;

        public void Dispose()
        {
            CryptoAead<ManagedPlatform>.Destroy(ref *Ptr);
            System.Runtime.InteropServices.NativeMemory.Free(Ptr);
        }
    }

    [Test]
    public void EpochDataKeyDerivationKnownAnswer()
    {
        // OpenVPN epoch_test_derive_data_key: epoch key { 19, 12, 0, ... } (epoch 17), AES-192-GCM.
        var e = new byte[32];
        e[0] = 19;
        e[1] = 12;
        const string key = "ed8533db1c28ace418e9006ab29c17417d60ebe6cd90bf0a";
        const string iv = "86890aabf032cb59f4cfa34e";
        var output = new byte[24];
        Assert.That(CryptoEpoch<ManagedPlatform>.ExpandLabel(e, Encoding.ASCII.GetBytes("data_key"), output), Is.EqualTo(NtStatus.Success));
        Assert.That(Reference.ToHex(output), Is.EqualTo(key));
        var (bcKey, bcIv) = EpochReference.DataKey(e, 24);
        Assert.That((Reference.ToHex(bcKey), Reference.ToHex(bcIv)), Is.EqualTo((key, iv)), "the BouncyCastle reference agrees");

        // Installed as E1 of the send direction: the driver's epoch-1 send key is that data key and IV.
        using var slot = new EpochSlot(OvpnCipherAlg.AesGcm, 24, e, new byte[32]);
        var implicitIv = new byte[12];
        for (int i = 0; i < 12; i++)
            implicitIv[i] = slot.E->Send.ImplicitIv[i];
        Assert.That(Reference.ToHex(implicitIv), Is.EqualTo(iv));
        var plain = Encoding.ASCII.GetBytes("epoch data key known answer");
        var packet = new byte[plain.Length + 64];
        int n = CryptoAead<ManagedPlatform>.Seal(ref *slot.Ptr, 7, plain, packet);
        // independent: AES-192-GCM with the stored key, nonce = (id || 0000) ^ stored IV
        var id = new byte[] { 0, 1, 0, 0, 0, 0, 0, 1 };
        var nonce = Reference.Hex(iv);
        for (int i = 0; i < 8; i++)
            nonce[i] ^= id[i];
        var gcm = new System.Security.Cryptography.AesGcm(Reference.Hex(key), 16);
        var ct = new byte[plain.Length];
        var tag = new byte[16];
        gcm.Encrypt(nonce, plain, ct, tag, packet.AsSpan(0, 12));
        Assert.That(packet.AsSpan(4, 8).ToArray(), Is.EqualTo(id), "epoch 1, counter 1");
        Assert.That(packet.AsSpan(12, n - 12).ToArray(), Is.EqualTo(Reference.Concat(ct, tag)), "ciphertext then tag");
    }

    [Test]
    public void FutureKeyGenerationAndLookup()
    {
        // OpenVPN crypto_test_epoch_key_generation / crypto_test_epoch_key_receive_lookup with 4 future keys.
        using var slot = new EpochSlot(OvpnCipherAlg.AesGcm, 16, Keys.Bytes(32, 0x23), Keys.Bytes(32, 0x27));
        var e = slot.E;
        Assert.That(e->Future0.Epoch, Is.EqualTo(2));
        Assert.That(e->Future3.Epoch, Is.EqualTo(1 + Lookahead));
        Assert.That(e->SendEpoch, Is.EqualTo(1));
        Assert.That(e->RecvEpoch, Is.EqualTo(1 + Lookahead));

        Assert.That(CryptoEpoch<ManagedPlatform>.Lookup(e, 0) == null);
        Assert.That(CryptoEpoch<ManagedPlatform>.Lookup(e, 2000) == null);
        Assert.That(CryptoEpoch<ManagedPlatform>.Lookup(e, 0xFFFF) == null);
        for (ushort epoch = 1; epoch <= 1 + Lookahead; epoch++)
            Assert.That(CryptoEpoch<ManagedPlatform>.Lookup(e, epoch)->Epoch, Is.EqualTo(epoch));
        Assert.That(CryptoEpoch<ManagedPlatform>.Lookup(e, 2 + Lookahead) == null);

        // move to epoch 4: 1 retiring, 2-3 gone, 4 current, 5-8 future
        CryptoEpoch<ManagedPlatform>.ReplaceRecvKey(e, 4);
        Assert.That(CryptoEpoch<ManagedPlatform>.Lookup(e, 1) == &e->Retiring);
        Assert.That(CryptoEpoch<ManagedPlatform>.Lookup(e, 2) == null);
        Assert.That(CryptoEpoch<ManagedPlatform>.Lookup(e, 3) == null);
        for (ushort epoch = 4; epoch <= 4 + Lookahead; epoch++)
            Assert.That(CryptoEpoch<ManagedPlatform>.Lookup(e, epoch)->Epoch, Is.EqualTo(epoch));
        Assert.That(CryptoEpoch<ManagedPlatform>.Lookup(e, 5 + Lookahead) == null);

        // move to 5: 4 retiring (1 retired), 6-9 future
        CryptoEpoch<ManagedPlatform>.ReplaceRecvKey(e, 5);
        Assert.That(CryptoEpoch<ManagedPlatform>.Lookup(e, 1) == null, "epoch 1 retired");
        Assert.That(CryptoEpoch<ManagedPlatform>.Lookup(e, 4) == &e->Retiring);
        Assert.That(CryptoEpoch<ManagedPlatform>.Lookup(e, 5 + Lookahead)->Epoch, Is.EqualTo(5 + Lookahead));
        Assert.That(CryptoEpoch<ManagedPlatform>.Lookup(e, 6 + Lookahead) == null);
    }

    [Test]
    public void KeyRotation()
    {
        // OpenVPN crypto_test_epoch_key_rotation (there with 16 future keys and epoch 9; here 4 and epoch 5).
        using var slot = new EpochSlot(OvpnCipherAlg.AesGcm, 16, Keys.Bytes(32, 0x23), Keys.Bytes(32, 0x27));
        var e = slot.E;
        CryptoEpoch<ManagedPlatform>.ReplaceRecvKey(e, 5);
        Assert.That((e->Recv.Epoch, e->Send.Epoch, e->SendEpoch, e->Retiring.Epoch), Is.EqualTo((5, 5, 5, 1)), "send follows");
        // four sends over the usage limit move the send key to 9
        for (int i = 0; i < 4; i++)
        {
            e->Send.PlaintextBlocks = CryptoEpoch<ManagedPlatform>.AesGcmUsageLimit + 1 - e->SendCounter; // q + s > limit
            var output = new byte[64];
            Assert.That(CryptoAead<ManagedPlatform>.Seal(ref *slot.Ptr, 0, new byte[8], output), Is.GreaterThan(0));
        }
        Assert.That(e->Send.Epoch, Is.EqualTo(9));
        CryptoEpoch<ManagedPlatform>.ReplaceRecvKey(e, 6);
        Assert.That((e->Recv.Epoch, e->Send.Epoch, e->SendEpoch, e->Retiring.Epoch), Is.EqualTo((6, 9, 9, 5)), "send stays ahead");
        CryptoEpoch<ManagedPlatform>.ReplaceRecvKey(e, 8);
        Assert.That((e->Recv.Epoch, e->Send.Epoch, e->SendEpoch, e->Retiring.Epoch), Is.EqualTo((8, 9, 9, 6)));
        // and the keys really are the epoch keys: the send key of epoch 9 matches the reference's E9
        var reference = EpochReference.DataKey(EpochReference.EpochKey(Keys.Bytes(32, 0x23), 9), 16);
        var iv = new byte[12];
        for (int i = 0; i < 12; i++)
            iv[i] = e->Send.ImplicitIv[i];
        Assert.That(iv, Is.EqualTo(reference.Iv));
    }

    [Test]
    public void EveryEpochWithinTheLookaheadCanBecomeCurrent()
    {
        // OpenVPN crypto_test_epoch_edge: jumps of 1..lookahead are accepted, lookahead + 1 is not.
        using var slot = new EpochSlot(OvpnCipherAlg.AesGcm, 16, Keys.Bytes(32, 0x23), Keys.Bytes(32, 0x27));
        var e = slot.E;
        for (int i = 1; i <= Lookahead; i++)
        {
            ushort target = (ushort)(e->Recv.Epoch + i);
            Assert.That(CryptoEpoch<ManagedPlatform>.Lookup(e, target) != null, $"+{i}");
            CryptoEpoch<ManagedPlatform>.ReplaceRecvKey(e, target);
            Assert.That(e->Recv.Epoch, Is.EqualTo(target));
        }
        Assert.That(CryptoEpoch<ManagedPlatform>.Lookup(e, (ushort)(e->Recv.Epoch + Lookahead + 1)) == null);
    }

    [Test]
    public void NoEpochPastTheEndOfTheLookahead()
    {
        // OpenVPN crypto_test_epoch_key_overflow: epochs above 0xFFFF - lookahead - 1 are never used for decryption, so
        // refilling the future keys never needs an epoch above 0xFFFF. The state is moved near the end by hand
        // (iterating 65 000 epoch keys is needless work); the keys keep their real material, only the numbers move.
        using var slot = new EpochSlot(OvpnCipherAlg.AesGcm, 16, Keys.Bytes(32, 0x23), Keys.Bytes(32, 0x27));
        var e = slot.E;
        const ushort current = ushort.MaxValue - 9; // 65526
        e->Recv.Epoch = current;
        e->Send.Epoch = current;
        e->SendEpoch = current;
        e->Future0.Epoch = current + 1;
        e->Future1.Epoch = current + 2;
        e->Future2.Epoch = current + 3;
        e->Future3.Epoch = current + 4;
        e->RecvEpoch = current + 4;
        ushort last = ushort.MaxValue - Lookahead - 1; // 65530
        Assert.That(last, Is.EqualTo(current + 4));
        Assert.That(CryptoEpoch<ManagedPlatform>.Lookup(e, last)->Epoch, Is.EqualTo(last));
        CryptoEpoch<ManagedPlatform>.ReplaceRecvKey(e, last);
        Assert.That(e->Recv.Epoch, Is.EqualTo(last));
        Assert.That(e->RecvEpoch, Is.EqualTo(ushort.MaxValue - 1), "futures derived up to 65534");
        Assert.That(CryptoEpoch<ManagedPlatform>.Lookup(e, (ushort)(last + 1)) == null, "above 0xFFFF - 4 - 1: refused");
        Assert.That(CryptoEpoch<ManagedPlatform>.Lookup(e, ushort.MaxValue) == null);
        Assert.That(CryptoEpoch<ManagedPlatform>.Lookup(e, current) == &e->Retiring);
    }

    private static readonly SockAddrInet Local = TestNode.V4("192.0.2.1", 1194);
    private static readonly SockAddrInet Remote = TestNode.V4("192.0.2.2", 1194);

    private static bool ReceiveEpoch(TestNode node, byte[] e1, int epoch, ulong counter)
    {
        var plain = TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 30);
        node.Receive(EpochReference.Seal("aes-128-gcm", e1, 16, epoch, counter, 3, 0x4321, plain), Remote);
        return node.TakeDelivered().Count == 1;
    }

    [Test]
    public void KeyCreationFailuresLeakNothingAndAreRetried()
    {
        var sendE1 = Keys.Bytes(32, 71);
        var recvE1 = Keys.Bytes(32, 72);
        int baseline = ManagedPlatform.LiveKeys;
        using var node = new TestNode();
        Assert.That(node.NewPeer(Local, Remote), Is.EqualTo(NtStatus.Success));
        var key = EpochTests.EpochKey(OvpnCipherAlg.AesGcm, 16, sendE1, recvE1);
        Assert.That(node.NewKey(key, OvpnCryptoOptions.Epoch), Is.EqualTo(NtStatus.Success));
        int installed = ManagedPlatform.LiveKeys;
        Assert.That(installed, Is.EqualTo(baseline + 2 + Lookahead));
        try
        {
            // NEW_KEY_V2: the send or receive key of epoch 1 cannot be made → refused, nothing leaks, the old key stays.
            for (int n = 1; n <= 2; n++)
            {
                ManagedPlatform.FailKeyCreateAt = n;
                Assert.That(node.NewKey(EpochTests.EpochKey(OvpnCipherAlg.AesGcm, 16, Keys.Bytes(32, 80), Keys.Bytes(32, 81)), OvpnCryptoOptions.Epoch),
                    Is.EqualTo(NtStatus.InsufficientResources), $"creation {n} fails");
                Assert.That(ManagedPlatform.LiveKeys, Is.EqualTo(installed));
                Assert.That(ReceiveEpoch(node, recvE1, 1, (ulong)n), Is.True, "the old key still works");
            }

            // A future key that cannot be made is derived again when a packet names its epoch.
            ManagedPlatform.FailKeyCreateAt = 3; // send 1, receive 1, then future epoch 2 fails
            Assert.That(node.NewKey(key, OvpnCryptoOptions.Epoch), Is.EqualTo(NtStatus.Success));
            Assert.That(ManagedPlatform.LiveKeys, Is.EqualTo(baseline + 2), "no future keys yet");
            Assert.That(ReceiveEpoch(node, recvE1, 3, 1), Is.True, "epoch 3: future keys derived on demand");
            Assert.That(ManagedPlatform.LiveKeys, Is.EqualTo(baseline + 3 + Lookahead), "send, receive, retiring, four future");

            // The send key cannot move on at the usage limit: that packet is refused (never sent past the limit).
            var e = node.P2pPeer->Keys.Primary.Epoch;
            Assert.That(e->Send.Epoch, Is.EqualTo(3), "the send key followed the peer");
            e->Send.PlaintextBlocks = CryptoEpoch<ManagedPlatform>.AesGcmUsageLimit + 1; // q + s > limit
            ManagedPlatform.FailKeyCreateAt = 1;
            Assert.That(node.Send(TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 10)), Is.Not.EqualTo(NtStatus.Success));
            Assert.That(node.TakeSent(), Is.Empty);
            Assert.That(e->Send.Epoch, Is.EqualTo(3));
            Assert.That(node.Send(TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 10)), Is.EqualTo(NtStatus.Success), "the next packet tries again");
            var sent = node.TakeSent().Single().Data;
            Assert.That(EpochReference.Open("aes-128-gcm", sendE1, 16, sent, out int epoch, out ulong counter), Is.Not.Null);
            Assert.That((epoch, counter), Is.EqualTo((4, 1ul)));
        }
        finally
        {
            ManagedPlatform.FailKeyCreateAt = 0;
        }
        Assert.That(node.Ioctl(OvpnIoctl.DelPeer), Is.EqualTo(NtStatus.Success));
        Assert.That(ManagedPlatform.LiveKeys, Is.EqualTo(baseline));
    }

    [Test]
    public void DestroyZeroesAndReleasesEveryKey()
    {
        int live = ManagedPlatform.LiveKeys;
        var slot = new EpochSlot(OvpnCipherAlg.ChaCha20Poly1305, 32, Keys.Bytes(32, 1), Keys.Bytes(32, 2));
        CryptoEpoch<ManagedPlatform>.ReplaceRecvKey(slot.E, 3);
        Assert.That(ManagedPlatform.LiveKeys, Is.EqualTo(live + 3 + Lookahead), "send, receive, retiring, future");
        CryptoAead<ManagedPlatform>.Destroy(ref *slot.Ptr);
        Assert.That(ManagedPlatform.LiveKeys, Is.EqualTo(live));
        var bytes = new ReadOnlySpan<byte>(slot.Ptr, sizeof(KeySlot));
        Assert.That(bytes.IndexOfAnyExcept((byte)0), Is.EqualTo(-1), "slot zeroed, epoch state pointer included");
        slot.Dispose();
    }
}
