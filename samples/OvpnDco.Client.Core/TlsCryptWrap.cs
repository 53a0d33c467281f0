using System;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace OvpnDco.Client;

/// <summary>
/// <c>--tls-crypt</c> (OpenVPN tls_crypt.c semantics, our code):
/// <code>
/// [op|key id][session id 8][packet id 4][net time 4][tag 32][AES-256-CTR(body)]
/// tag = HMAC-SHA256(Kauth, header 9 || packet id || net time || body);  IV = tag[0..16]
/// </code>
/// The server uses key direction "normal" (encrypts with key set 0), the client "inverse" (encrypts with set 1): for
/// each set the cipher key is the first 32 bytes of the cipher half and the HMAC key the first 32 of the HMAC half.
/// </summary>
public sealed class TlsCryptWrap : ControlWrap
{
    public const int TagSize = 32;
    public const int Overhead = 8 + TagSize;
    private readonly byte[] _encKey, _encHmac, _decKey, _decHmac;
    private readonly ReplayWindow _replay = new();
    private uint _packetId;
    private readonly Func<uint> _clock;

    /// <summary>tls-crypt-v2: the wrapped client key (WKc), appended unencrypted to P_CONTROL_HARD_RESET_CLIENT_V3.</summary>
    public byte[]? WrappedClientKey { get; init; }

    public TlsCryptWrap(StaticKeyFile key, bool server, Func<uint>? clock = null)
    {
        int outSet = server ? 0 : 1, inSet = server ? 1 : 0;
        _encKey = key.Cipher(outSet)[..32].ToArray();
        _encHmac = key.Hmac(outSet)[..32].ToArray();
        _decKey = key.Cipher(inSet)[..32].ToArray();
        _decHmac = key.Hmac(inSet)[..32].ToArray();
        _clock = clock ?? (() => (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }

    public override byte[] Wrap(ControlPacket packet)
    {
        var body = packet.Body();
        var wire = new byte[ControlPacket.HeaderSize + Overhead + body.Length];
        packet.WriteHeader(wire);
        BinaryPrimitives.WriteUInt32BigEndian(wire.AsSpan(9), ++_packetId);
        BinaryPrimitives.WriteUInt32BigEndian(wire.AsSpan(13), _clock());
        var tag = Tag(_encHmac, wire.AsSpan(0, 17), body);
        tag.CopyTo(wire.AsSpan(17));
        AesCtr(_encKey, tag.AsSpan(0, 16), body, wire.AsSpan(17 + TagSize));
        if (WrappedClientKey is not null && packet.Opcode == Opcode.ControlHardResetClientV3)
            return [.. wire, .. WrappedClientKey];
        return wire;
    }

    public override ControlPacket? Unwrap(ReadOnlySpan<byte> wire, out string? error)
    {
        error = null;
        if (wire.Length < ControlPacket.HeaderSize + Overhead + 1)
        {
            error = "tls-crypt: packet too short";
            return null;
        }
        var tag = wire.Slice(17, TagSize);
        var body = new byte[wire.Length - 17 - TagSize];
        AesCtr(_decKey, tag[..16], wire[(17 + TagSize)..], body);
        var expected = Tag(_decHmac, wire[..17], body);
        if (!CryptographicOperations.FixedTimeEquals(expected, tag))
        {
            error = "tls-crypt: packet authentication failed (wrong tls-crypt key?)";
            return null;
        }
        uint id = BinaryPrimitives.ReadUInt32BigEndian(wire[9..]);
        if (!_replay.Check(id))
        {
            error = "tls-crypt: replayed packet";
            return null;
        }
        var p = ControlPacket.Parse(wire[..ControlPacket.HeaderSize], body);
        if (p is null)
        {
            error = "tls-crypt: malformed control packet";
            return null;
        }
        _replay.Mark(id);
        return p;
    }

    private static byte[] Tag(byte[] key, ReadOnlySpan<byte> header, ReadOnlySpan<byte> body)
    {
        using var h = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        h.AppendData(header);
        h.AppendData(body);
        return h.GetHashAndReset();
    }

    /// <summary>AES-256-CTR with a 128-bit big-endian counter starting at <paramref name="iv"/> (OpenSSL's CTR mode).</summary>
    internal static void AesCtr(byte[] key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> input, Span<byte> output)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        Span<byte> counter = stackalloc byte[16];
        Span<byte> stream = stackalloc byte[16];
        iv.CopyTo(counter);
        for (int o = 0; o < input.Length; o += 16)
        {
            aes.EncryptEcb(counter, stream, PaddingMode.None);
            int n = Math.Min(16, input.Length - o);
            for (int i = 0; i < n; i++)
                output[o + i] = (byte)(input[o + i] ^ stream[i]);
            for (int i = 15; i >= 0 && ++counter[i] == 0; i--)
            {
            }
        }
    }
}
