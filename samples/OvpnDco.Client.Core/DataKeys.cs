using System;
using System.Security.Cryptography;
using System.Text;
using OvpnDco.Uapi;
using OvpnDco.Uapi.Client;

namespace OvpnDco.Client;

/// <summary>
/// The data-channel keys of one key state: 256 bytes = two sets of [cipher 64 | hmac 64], from the TLS exporter
/// (<c>EXPORTER-OpenVPN-datakeys</c>, OpenVPN's <c>key-derivation tls-ekm</c>) or OpenVPN's TLS 1.0 PRF over the
/// key-method-2 randoms. The client encrypts with set 0 and decrypts with set 1 (key direction "normal"); an AEAD
/// key is the first key-size bytes of the cipher half and its nonce tail the first 8 bytes of the HMAC half.
/// </summary>
public static class DataKeys
{
    public const string ExporterLabel = "EXPORTER-OpenVPN-datakeys";
    public const int Size = 256;

    public static (OvpnCipherAlg Alg, int KeyLength) Cipher(string name) => name.ToUpperInvariant() switch
    {
        "AES-128-GCM" => (OvpnCipherAlg.AesGcm, 16),
        "AES-192-GCM" => (OvpnCipherAlg.AesGcm, 24),
        "AES-256-GCM" => (OvpnCipherAlg.AesGcm, 32),
        "CHACHA20-POLY1305" => (OvpnCipherAlg.ChaCha20Poly1305, 32),
        _ => throw new ClientException($"the server chose data cipher '{name}', which the DCO device cannot do", 4),
    };

    /// <summary>The NEW_KEY request for <paramref name="material"/> (256 bytes).</summary>
    public static OvpnCryptoData ToCryptoData(ReadOnlySpan<byte> material, string cipher, OvpnKeySlot slot, byte keyId, int peerId)
    {
        if (material.Length != Size)
            throw new ArgumentException("256 bytes of key material", nameof(material));
        var (alg, len) = Cipher(cipher);
        var encrypt = CryptoData.Direction(material.Slice(0, len), material.Slice(64, 8));
        var decrypt = CryptoData.Direction(material.Slice(128, len), material.Slice(192, 8));
        return CryptoData.Create(slot, alg, keyId, peerId, encrypt, decrypt);
    }

    /// <summary>OpenVPN's legacy key expansion (ssl.c generate_key_expansion_openvpn_prf): master secret from the
    /// pre-master and random1s, then 256 bytes from it, the random2s and both session ids.</summary>
    public static byte[] OpenVpnPrf(KeyMethod2.ClientSource client, KeyMethod2.ServerMessage server, ulong clientSessionId, ulong serverSessionId)
    {
        var master = Prf(client.PreMaster, "OpenVPN master secret", Concat(client.Random1, server.Random1), 48);
        var sids = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(sids, clientSessionId);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(sids.AsSpan(8), serverSessionId);
        var result = Prf(master, "OpenVPN key expansion", Concat(client.Random2, server.Random2, sids), Size);
        CryptographicOperations.ZeroMemory(master);
        return result;
    }

    /// <summary>The TLS 1.0 PRF: P_MD5(S1, label+seed) XOR P_SHA1(S2, label+seed), secret halves overlapping by one byte when odd.</summary>
    public static byte[] Prf(byte[] secret, string label, byte[] seed, int length)
    {
        var labelSeed = Concat(Encoding.ASCII.GetBytes(label), seed);
        int half = (secret.Length + 1) / 2;
        var s1 = secret.AsSpan(0, half).ToArray();
        var s2 = secret.AsSpan(secret.Length - half, half).ToArray();
        var md5 = PHash(HashAlgorithmName.MD5, s1, labelSeed, length);
        var sha1 = PHash(HashAlgorithmName.SHA1, s2, labelSeed, length);
        for (int i = 0; i < length; i++)
            md5[i] ^= sha1[i];
        return md5;
    }

    private static byte[] PHash(HashAlgorithmName hash, byte[] secret, byte[] seed, int length)
    {
        var result = new byte[length];
        using var hmac = IncrementalHash.CreateHMAC(hash, secret);
        hmac.AppendData(seed);
        var a = hmac.GetHashAndReset();
        for (int o = 0; o < length;)
        {
            hmac.AppendData(a);
            hmac.AppendData(seed);
            var block = hmac.GetHashAndReset();
            int n = Math.Min(block.Length, length - o);
            block.AsSpan(0, n).CopyTo(result.AsSpan(o));
            o += n;
            hmac.AppendData(a);
            a = hmac.GetHashAndReset();
        }
        return result;
    }

    private static byte[] Concat(params byte[][] parts)
    {
        int n = 0;
        foreach (var p in parts)
            n += p.Length;
        var r = new byte[n];
        int o = 0;
        foreach (var p in parts)
        {
            p.CopyTo(r, o);
            o += p.Length;
        }
        return r;
    }
}
