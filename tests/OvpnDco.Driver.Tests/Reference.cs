using System;
using System.Buffers.Binary;
using System.IO;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using BcChaCha = Org.BouncyCastle.Crypto.Modes.ChaCha20Poly1305;

namespace OvpnDco.Driver.Tests;

/// <summary>
/// An independent DATA_V2 implementation on BouncyCastle, written from PROTOCOL.md (not from the driver): the
/// reference the driver is checked against.
/// </summary>
public static class Reference
{
    public static IAeadCipher Cipher(string name)
        => name.StartsWith("chacha", StringComparison.Ordinal) ? new BcChaCha() : new GcmBlockCipher(AesUtilities.CreateEngine());

    private static (byte[] Aad, byte[] Nonce) Frame(int keyId, int peerId, ulong pid, bool pid64, byte[] tail)
    {
        int pidLen = pid64 ? 8 : 4;
        var aad = new byte[4 + pidLen];
        BinaryPrimitives.WriteUInt32BigEndian(aad, (9u << 27) | ((uint)keyId << 24) | ((uint)peerId & 0xFFFFFF));
        if (pid64)
            BinaryPrimitives.WriteUInt64BigEndian(aad.AsSpan(4), pid);
        else
            BinaryPrimitives.WriteUInt32BigEndian(aad.AsSpan(4), (uint)pid);
        var nonce = new byte[12];
        Array.Copy(aad, 4, nonce, 0, pidLen);
        Array.Copy(tail, 0, nonce, pidLen, 12 - pidLen);
        return (aad, nonce);
    }

    public static byte[] Seal(string cipher, byte[] key, byte[] tail, int keyId, int peerId, ulong pid, byte[] plain,
        bool pid64 = false, bool tagEnd = false)
    {
        var (aad, nonce) = Frame(keyId, peerId, pid, pid64, tail);
        if (cipher == "none")
            return Concat(aad, plain);
        var c = Cipher(cipher);
        c.Init(true, new AeadParameters(new KeyParameter(key), 128, nonce, aad));
        var outBuf = new byte[c.GetOutputSize(plain.Length)];
        int n = c.ProcessBytes(plain, 0, plain.Length, outBuf, 0);
        c.DoFinal(outBuf, n);
        var ct = outBuf.AsSpan(0, plain.Length).ToArray();
        var tag = outBuf.AsSpan(plain.Length, 16).ToArray();
        return tagEnd ? Concat(aad, ct, tag) : Concat(aad, tag, ct);
    }

    /// <summary>Opens a packet; null when the tag does not verify.</summary>
    public static byte[]? Open(string cipher, byte[] key, byte[] tail, byte[] packet, bool pid64 = false, bool tagEnd = false)
    {
        int pidLen = pid64 ? 8 : 4;
        var aad = packet.AsSpan(0, 4 + pidLen).ToArray();
        if (cipher == "none")
            return packet.AsSpan(4 + pidLen).ToArray();
        var nonce = new byte[12];
        Array.Copy(aad, 4, nonce, 0, pidLen);
        Array.Copy(tail, 0, nonce, pidLen, 12 - pidLen);
        int len = packet.Length - aad.Length - 16;
        byte[] ct, tag;
        if (tagEnd)
        {
            ct = packet.AsSpan(aad.Length, len).ToArray();
            tag = packet.AsSpan(aad.Length + len, 16).ToArray();
        }
        else
        {
            tag = packet.AsSpan(aad.Length, 16).ToArray();
            ct = packet.AsSpan(aad.Length + 16, len).ToArray();
        }
        var c = Cipher(cipher);
        c.Init(false, new AeadParameters(new KeyParameter(key), 128, nonce, aad));
        var input = Concat(ct, tag);
        var outBuf = new byte[c.GetOutputSize(input.Length)];
        try
        {
            int n = c.ProcessBytes(input, 0, input.Length, outBuf, 0);
            n += c.DoFinal(outBuf, n);
            return outBuf.AsSpan(0, n).ToArray();
        }
        catch (InvalidCipherTextException)
        {
            return null;
        }
    }

    public static byte[] Concat(params byte[][] parts)
    {
        var ms = new MemoryStream();
        foreach (var p in parts)
            ms.Write(p);
        return ms.ToArray();
    }

    public static byte[] Hex(string hex) => Convert.FromHexString(hex);

    public static string ToHex(byte[] b) => Convert.ToHexString(b).ToLowerInvariant();

    /// <summary>The repository root (the folder with OvpnDco.sln).</summary>
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "OvpnDco.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
