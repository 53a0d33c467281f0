using System;
using System.Buffers.Binary;
using System.Text;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;

namespace OvpnDco.Driver.Tests;

/// <summary>
/// An independent implementation of OpenVPN 2.7's epoch data channel on BouncyCastle (HKDF and AEAD), written from
/// PROTOCOL.md and OpenVPN's crypto_epoch.c/crypto.c facts, not from the driver:
/// <c>[4 header][8 id = epoch &lt;&lt; 48 | counter][ciphertext][16 tag]</c>, AAD = header + id,
/// nonce = (id || 0000) XOR implicit IV, E(n+1) = ExpandLabel(E(n), "datakey upd", 32),
/// key = ExpandLabel(E, "data_key", keysize), IV = ExpandLabel(E, "data_iv", 12).
/// </summary>
public static class EpochReference
{
    /// <summary>HKDF-Expand-SHA256 (BouncyCastle, extract skipped).</summary>
    public static byte[] HkdfExpand(byte[] prk, byte[] info, int length)
    {
        var gen = new HkdfBytesGenerator(new Sha256Digest());
        gen.Init(HkdfParameters.SkipExtractParameters(prk, info));
        var output = new byte[length];
        gen.GenerateBytes(output, 0, length);
        return output;
    }

    /// <summary>OpenVPN ovpn_expand_label with an empty context.</summary>
    public static byte[] ExpandLabel(byte[] secret, string label, int length)
    {
        var full = Encoding.ASCII.GetBytes("ovpn " + label);
        var info = new byte[2 + 1 + full.Length + 1];
        BinaryPrimitives.WriteUInt16BigEndian(info, (ushort)length);
        info[2] = (byte)full.Length;
        full.CopyTo(info, 3);
        info[^1] = 0;
        return HkdfExpand(secret, info, length);
    }

    /// <summary>E(epoch) from E1.</summary>
    public static byte[] EpochKey(byte[] e1, int epoch)
    {
        var e = e1;
        for (int i = 1; i < epoch; i++)
            e = ExpandLabel(e, "datakey upd", 32);
        return e;
    }

    public static (byte[] Key, byte[] Iv) DataKey(byte[] epochKey, int keySize)
        => (ExpandLabel(epochKey, "data_key", keySize), ExpandLabel(epochKey, "data_iv", 12));

    private static (byte[] Aad, byte[] Nonce) Frame(int keyId, int peerId, ulong id, byte[] iv)
    {
        var aad = new byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(aad, (9u << 27) | ((uint)keyId << 24) | ((uint)peerId & 0xFFFFFF));
        BinaryPrimitives.WriteUInt64BigEndian(aad.AsSpan(4), id);
        var nonce = new byte[12];
        for (int i = 0; i < 12; i++)
            nonce[i] = (byte)((i < 8 ? aad[4 + i] : 0) ^ iv[i]);
        return (aad, nonce);
    }

    /// <summary>Seals <paramref name="plain"/> with epoch <paramref name="epoch"/> of the direction whose E1 is given.</summary>
    public static byte[] Seal(string cipher, byte[] e1, int keySize, int epoch, ulong counter, int keyId, int peerId, byte[] plain)
    {
        var (key, iv) = DataKey(EpochKey(e1, epoch), keySize);
        var (aad, nonce) = Frame(keyId, peerId, ((ulong)epoch << 48) | counter, iv);
        var c = Reference.Cipher(cipher);
        c.Init(true, new AeadParameters(new KeyParameter(key), 128, nonce, aad));
        var outBuf = new byte[c.GetOutputSize(plain.Length)];
        int n = c.ProcessBytes(plain, 0, plain.Length, outBuf, 0);
        c.DoFinal(outBuf, n);
        return Reference.Concat(aad, outBuf); // ciphertext then tag
    }

    /// <summary>Opens an epoch-format packet (its epoch read from the id); null when the tag does not verify.</summary>
    public static byte[]? Open(string cipher, byte[] e1, int keySize, byte[] packet, out int epoch, out ulong counter)
    {
        ulong id = BinaryPrimitives.ReadUInt64BigEndian(packet.AsSpan(4));
        epoch = (int)(id >> 48);
        counter = id & 0xFFFFFFFFFFFFul;
        if (epoch == 0)
            return null;
        var (key, iv) = DataKey(EpochKey(e1, epoch), keySize);
        var (aad, nonce) = Frame(packet[0] & 7, 0, id, iv);
        aad = packet.AsSpan(0, 12).ToArray();
        var c = Reference.Cipher(cipher);
        c.Init(false, new AeadParameters(new KeyParameter(key), 128, nonce, aad));
        var body = packet.AsSpan(12).ToArray();
        var outBuf = new byte[c.GetOutputSize(body.Length)];
        try
        {
            int n = c.ProcessBytes(body, 0, body.Length, outBuf, 0);
            n += c.DoFinal(outBuf, n);
            return outBuf.AsSpan(0, n).ToArray();
        }
        catch (InvalidCipherTextException)
        {
            return null;
        }
    }
}
