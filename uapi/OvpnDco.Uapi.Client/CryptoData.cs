using System;

namespace OvpnDco.Uapi.Client;

/// <summary>Builds NEW_KEY/NEW_KEY_V2 requests from key material, checking lengths before the driver does.</summary>
public static class CryptoData
{
    /// <summary>One direction: <paramref name="key"/> (16, 24 or 32 bytes; empty for cipher NONE) and an 8-byte nonce tail.</summary>
    public static unsafe OvpnKeyDirection Direction(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonceTail)
    {
        if (key.Length != 0 && !UapiLimits.IsValidKeyLength(key.Length))
            throw new ArgumentException($"a key is 16, 24 or 32 bytes, not {key.Length}", nameof(key));
        if (nonceTail.Length != 0 && nonceTail.Length != OvpnKeyDirection.NonceTailLength)
            throw new ArgumentException($"the nonce tail is {OvpnKeyDirection.NonceTailLength} bytes, not {nonceTail.Length}", nameof(nonceTail));
        var result = default(OvpnKeyDirection);
        key.CopyTo(new Span<byte>(result.Key, OvpnKeyDirection.MaxKeyLength));
        nonceTail.CopyTo(new Span<byte>(result.NonceTail, OvpnKeyDirection.NonceTailLength));
        result.KeyLen = (byte)key.Length;
        return result;
    }

    /// <summary>A NEW_KEY request.</summary>
    public static OvpnCryptoData Create(OvpnKeySlot slot, OvpnCipherAlg cipher, byte keyId, int peerId,
        in OvpnKeyDirection encrypt, in OvpnKeyDirection decrypt)
    {
        if (keyId > 7)
            throw new ArgumentOutOfRangeException(nameof(keyId), keyId, "the key id is 3 bits (0..7)");
        return new OvpnCryptoData
        {
            Encrypt = encrypt,
            Decrypt = decrypt,
            KeySlot = slot,
            CipherAlg = cipher,
            KeyId = keyId,
            PeerId = peerId,
        };
    }

    /// <summary>A NEW_KEY_V2 request.</summary>
    public static OvpnCryptoDataV2 CreateV2(in OvpnCryptoData v1, OvpnCryptoOptions options)
        => new() { V1 = v1, CryptoOptions = options };
}
