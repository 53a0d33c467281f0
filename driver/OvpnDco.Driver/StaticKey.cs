using System;
using System.Security.Cryptography;
using OvpnDco.Uapi;

namespace OvpnDco.Driver;

/// <summary>Result of parsing a <c>data64.key</c> file.</summary>
public enum StaticKeyError
{
    Ok = 0,

    /// <summary>A character outside the base64 alphabet and whitespace, or misplaced padding.</summary>
    BadCharacter = 1,

    /// <summary>The number of base64 characters is not a multiple of 4.</summary>
    BadLength = 2,

    /// <summary>Decoded to something other than 256 bytes.</summary>
    WrongKeySize = 3,

    /// <summary>Direction other than 0 or 1.</summary>
    BadDirection = 4,
}

/// <summary>
/// The test bed's <c>data64.key</c> (UAPI.md, ovpn-dco-cli): base64 of 256 bytes; bytes 0..31 and 32..63 are the two
/// AES-256-GCM keys, 64..71 the nonce tail of both directions. Direction 0 encrypts with 0..31 and decrypts with
/// 32..63; direction 1 the opposite. KeySlot PRIMARY, KeyId 0, PeerId 0. Base64 decoding is hand-written.
/// </summary>
public static unsafe class StaticKey
{
    public const int KeyFileSize = 256;

    private static int Value(byte c)
    {
        if (c >= (byte)'A' && c <= (byte)'Z')
            return c - 'A';
        if (c >= (byte)'a' && c <= (byte)'z')
            return c - 'a' + 26;
        if (c >= (byte)'0' && c <= (byte)'9')
            return c - '0' + 52;
        if (c == (byte)'+')
            return 62;
        if (c == (byte)'/')
            return 63;
        return -1;
    }

    private static bool IsSpace(byte c) => c == (byte)' ' || c == (byte)'\t' || c == (byte)'\r' || c == (byte)'\n';

    /// <summary>Decodes base64 (whitespace ignored, '=' padding only at the end). Returns the decoded length or -error.</summary>
    public static int DecodeBase64(ReadOnlySpan<byte> text, Span<byte> output)
    {
        int quad = 0;
        int acc = 0;
        int written = 0;
        int padding = 0;
        for (int i = 0; i < text.Length; i++)
        {
            byte c = text[i];
            if (IsSpace(c))
                continue;
            if (c == (byte)'=')
            {
                if (quad < 2)
                    return -(int)StaticKeyError.BadCharacter;
                padding++;
                if (padding > 2)
                    return -(int)StaticKeyError.BadCharacter;
                acc <<= 6;
                quad++;
            }
            else
            {
                int v = Value(c);
                if (v < 0 || padding != 0)
                    return -(int)StaticKeyError.BadCharacter;
                acc = (acc << 6) | v;
                quad++;
            }
            if (quad == 4)
            {
                int bytes = 3 - padding;
                if (written + bytes > output.Length)
                    return -(int)StaticKeyError.WrongKeySize;
                output[written++] = (byte)(acc >> 16);
                if (bytes > 1)
                    output[written++] = (byte)(acc >> 8);
                if (bytes > 2)
                    output[written++] = (byte)acc;
                quad = 0;
                acc = 0;
            }
        }
        if (quad != 0)
            return -(int)StaticKeyError.BadLength;
        return written;
    }

    /// <summary>Parses <paramref name="fileText"/> into the NEW_KEY request for <paramref name="direction"/>.</summary>
    public static StaticKeyError Parse(ReadOnlySpan<byte> fileText, int direction, out OvpnCryptoData data)
    {
        data = default;
        if (direction != 0 && direction != 1)
            return StaticKeyError.BadDirection;
        Span<byte> key = stackalloc byte[KeyFileSize];
        int n = DecodeBase64(fileText, key);
        if (n < 0)
        {
            CryptographicOperations.ZeroMemory(key);
            return (StaticKeyError)(-n);
        }
        if (n != KeyFileSize)
        {
            CryptographicOperations.ZeroMemory(key);
            return StaticKeyError.WrongKeySize;
        }
        int encrypt = direction == 0 ? 0 : 32;
        int decrypt = direction == 0 ? 32 : 0;
        data.KeySlot = OvpnKeySlot.Primary;
        data.CipherAlg = OvpnCipherAlg.AesGcm;
        data.KeyId = 0;
        data.PeerId = 0;
        data.Encrypt.KeyLen = 32;
        data.Decrypt.KeyLen = 32;
        fixed (OvpnCryptoData* d = &data)
        {
            for (int i = 0; i < 32; i++)
            {
                d->Encrypt.Key[i] = key[encrypt + i];
                d->Decrypt.Key[i] = key[decrypt + i];
            }
            for (int i = 0; i < 8; i++)
            {
                d->Encrypt.NonceTail[i] = key[64 + i];
                d->Decrypt.NonceTail[i] = key[64 + i];
            }
        }
        CryptographicOperations.ZeroMemory(key);
        return StaticKeyError.Ok;
    }
}
