using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using OvpnDco.TestSupport;

namespace OvpnDco.Hosted.Tests;

/// <summary>The OpenSSL AEAD key objects against BouncyCastle and the shared known-answer packets.</summary>
public class AeadTests
{
    public static readonly object[] Ciphers =
    {
        new object[] { 1, 16 }, new object[] { 1, 24 }, new object[] { 1, 32 }, new object[] { 2, 32 },
    };

    private static byte[] BouncySeal(int alg, byte[] key, byte[] nonce, byte[] aad, byte[] plaintext)
    {
        Org.BouncyCastle.Crypto.Modes.IAeadCipher cipher = alg == 1 ? new GcmBlockCipher(new AesEngine()) : new ChaCha20Poly1305();
        cipher.Init(true, new AeadParameters(new KeyParameter(key), 128, nonce, aad));
        var output = new byte[cipher.GetOutputSize(plaintext.Length)];
        var n = cipher.ProcessBytes(plaintext, 0, plaintext.Length, output, 0);
        cipher.DoFinal(output, n);
        return output; // ciphertext || tag
    }

    [TestCaseSource(nameof(Ciphers))]
    public void SealMatchesBouncyCastleAndOpensWhatBouncyCastleSealed(int alg, int keyLength)
    {
        var random = new Random(alg * 100 + keyLength);
        foreach (var length in new[] { 0, 1, 15, 16, 17, 1400, 2000 })
        {
            var key = new byte[keyLength];
            var nonce = new byte[12];
            var aad = new byte[length % 3 == 0 ? 8 : 0];
            var plaintext = new byte[length];
            random.NextBytes(key); random.NextBytes(nonce); random.NextBytes(aad); random.NextBytes(plaintext);
            Assert.That(HostedLibrary.AeadCreate(alg, key, out var handle), Is.EqualTo(0));
            try
            {
                var ciphertext = new byte[length];
                var tag = new byte[16];
                Assert.That(HostedLibrary.Seal(handle, nonce, aad, plaintext, ciphertext, tag), Is.True);
                var expected = BouncySeal(alg, key, nonce, aad, plaintext);
                Assert.That(ciphertext.Concat(tag).ToArray(), Is.EqualTo(expected), $"length {length}");

                var opened = new byte[length];
                Assert.That(HostedLibrary.Open(handle, nonce, aad, expected.AsSpan(0, length), expected.AsSpan(length), opened), Is.True);
                Assert.That(opened, Is.EqualTo(plaintext));
            }
            finally
            {
                HostedLibrary.AeadDestroy(ref handle);
                Assert.That(handle, Is.EqualTo((nint)0));
            }
        }
    }

    [TestCaseSource(nameof(Ciphers))]
    public void ForgeriesDoNotOpen(int alg, int keyLength)
    {
        var key = Enumerable.Range(1, keyLength).Select(i => (byte)i).ToArray();
        var nonce = new byte[12];
        var aad = new byte[] { 0x48, 0, 0, 0, 0, 0, 0, 1 };
        var plaintext = Enumerable.Range(0, 64).Select(i => (byte)(i * 3)).ToArray();
        Assert.That(HostedLibrary.AeadCreate(alg, key, out var handle), Is.EqualTo(0));
        var ciphertext = new byte[64];
        var tag = new byte[16];
        Assert.That(HostedLibrary.Seal(handle, nonce, aad, plaintext, ciphertext, tag), Is.True);
        var output = new byte[64];
        var badTag = (byte[])tag.Clone(); badTag[15] ^= 1;
        var badCipher = (byte[])ciphertext.Clone(); badCipher[0] ^= 0x80;
        var badAad = (byte[])aad.Clone(); badAad[7] = 2;
        var badNonce = (byte[])nonce.Clone(); badNonce[11] = 1;
        Assert.That(HostedLibrary.Open(handle, nonce, aad, ciphertext, badTag, output), Is.False, "tag");
        Assert.That(HostedLibrary.Open(handle, nonce, aad, badCipher, tag, output), Is.False, "ciphertext");
        Assert.That(HostedLibrary.Open(handle, nonce, badAad, ciphertext, tag, output), Is.False, "aad");
        Assert.That(HostedLibrary.Open(handle, badNonce, aad, ciphertext, tag, output), Is.False, "nonce");
        Assert.That(HostedLibrary.Open(handle, nonce, aad, ciphertext, tag, output), Is.True, "the genuine packet still opens");
        HostedLibrary.AeadDestroy(ref handle);
    }

    /// <summary>
    /// A wire packet opened in place, its plaintext written from the tag's offset on (header | tag | ciphertext ->
    /// header | plaintext): the decryption overwrites the tag it is checked against, so the check must not read it
    /// after decrypting. A forged tag in the same layout still fails.
    /// </summary>
    [TestCaseSource(nameof(Ciphers))]
    public void OpensInPlaceOverItsOwnTag(int alg, int keyLength)
    {
        var key = Enumerable.Range(7, keyLength).Select(i => (byte)i).ToArray();
        var nonce = Enumerable.Range(0, 12).Select(i => (byte)(i * 5)).ToArray();
        var aad = new byte[] { 0x48, 0, 0, 1, 0, 0, 0, 9 };
        var plaintext = Enumerable.Range(0, 100).Select(i => (byte)(i * 7 + 1)).ToArray();
        Assert.That(HostedLibrary.AeadCreate(alg, key, out var handle), Is.EqualTo(0));
        try
        {
            foreach (var forge in new[] { false, true })
            {
                var packet = new byte[8 + 16 + plaintext.Length];
                aad.CopyTo(packet, 0);
                Assert.That(HostedLibrary.Seal(handle, nonce, aad, plaintext, packet.AsSpan(24), packet.AsSpan(8, 16)), Is.True);
                if (forge)
                    packet[8] ^= 1;
                var opened = HostedLibrary.Open(handle, nonce, aad, packet.AsSpan(24), packet.AsSpan(8, 16), packet.AsSpan(8));
                Assert.That(opened, Is.EqualTo(!forge), forge ? "a forged tag opened" : "the genuine packet did not open in place");
                if (!forge)
                    Assert.That(packet.AsSpan(8, plaintext.Length).ToArray(), Is.EqualTo(plaintext));
            }
        }
        finally
        {
            HostedLibrary.AeadDestroy(ref handle);
        }
    }

    [TestCase(1, 15)]
    [TestCase(1, 0)]
    [TestCase(1, 33)]
    [TestCase(2, 16)]
    [TestCase(0, 32)]
    [TestCase(3, 32)]
    public void BadAlgorithmsAndKeyLengthsAreRefused(int alg, int keyLength)
    {
        Assert.That(HostedLibrary.AeadCreate(alg, new byte[keyLength], out var handle), Is.EqualTo(-1));
        Assert.That(handle, Is.EqualTo((nint)0));
    }

    private static JsonElement[] Vectors()
    {
        var path = SharedVectors.Locate("data-v2.json");
        Assert.That(File.Exists(path), Is.True, $"known-answer vectors missing at {path}");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    [Test]
    public void TheRepositoryCopyOfTheVectorsMatchesShared()
    {
        var shared = SharedVectors.SharedPath("data-v2.json");
        if (shared == null)
            Assert.Ignore("../shared is not beside this clone; the copy in tests/vectors is used");
        Assert.That(File.ReadAllBytes(SharedVectors.CopyPath("data-v2.json")), Is.EqualTo(File.ReadAllBytes(shared!)));
    }

    [Test]
    public void SharedKnownAnswerPacketsOpenAndSealToTheSameBytes()
    {
        var checkedAead = 0;
        foreach (var v in Vectors())
        {
            var cipher = v.GetProperty("cipher").GetString()!;
            if (cipher == "none")
                continue; // no AEAD: covered by the driver's framing tests
            var alg = cipher.StartsWith("aes", StringComparison.Ordinal) ? 1 : 2;
            var key = Convert.FromHexString(v.GetProperty("key").GetString()!);
            var tail = Convert.FromHexString(v.GetProperty("nonce_tail").GetString()!);
            var packet = Convert.FromHexString(v.GetProperty("packet").GetString()!);
            var plaintext = Convert.FromHexString(v.GetProperty("plaintext").GetString()!);
            var tagAtEnd = v.GetProperty("aead_tag_end").GetBoolean();
            var aad = packet[..8];
            var nonce = packet[4..8].Concat(tail).ToArray();
            var tag = tagAtEnd ? packet[^16..] : packet[8..24];
            var ciphertext = tagAtEnd ? packet[8..^16] : packet[24..];

            Assert.That(HostedLibrary.AeadCreate(alg, key, out var handle), Is.EqualTo(0));
            var opened = new byte[ciphertext.Length];
            Assert.That(HostedLibrary.Open(handle, nonce, aad, ciphertext, tag, opened), Is.True, v.GetProperty("name").GetString());
            Assert.That(opened, Is.EqualTo(plaintext));
            var sealedText = new byte[plaintext.Length];
            var sealedTag = new byte[16];
            Assert.That(HostedLibrary.Seal(handle, nonce, aad, plaintext, sealedText, sealedTag), Is.True);
            Assert.That(sealedText, Is.EqualTo(ciphertext));
            Assert.That(sealedTag, Is.EqualTo(tag));
            HostedLibrary.AeadDestroy(ref handle);
            checkedAead++;
        }
        Assert.That(checkedAead, Is.GreaterThanOrEqualTo(6));
    }
}
