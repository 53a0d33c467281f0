using System;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace OvpnDco.Client;

/// <summary>
/// <c>--tls-auth</c>: an HMAC (the <c>auth</c> digest, SHA1 by default) over every control packet:
/// <code>
/// [op|key id][session id 8][hmac N][packet id 4][net time 4][body]
/// hmac = HMAC(Khmac, packet id || net time || op|key id || session id || body)
/// </code>
/// With key-direction 1 (the usual client side) we sign with key set 1 and check with set 0; with 0 the opposite;
/// without a direction both use set 0. The HMAC key is the first digest-size bytes of the set's HMAC half.
/// </summary>
public sealed class TlsAuthWrap : ControlWrap
{
    private readonly byte[] _outKey, _inKey;
    private readonly HashAlgorithmName _hash;
    private readonly int _size;
    private readonly ReplayWindow _replay = new();
    private uint _packetId;

    public TlsAuthWrap(StaticKeyFile key, int? direction, string digest)
    {
        (_hash, _size) = digest switch
        {
            "SHA256" => (HashAlgorithmName.SHA256, 32),
            "SHA512" => (HashAlgorithmName.SHA512, 64),
            _ => (HashAlgorithmName.SHA1, 20),
        };
        int outSet = direction switch { 1 => 1, _ => 0 };
        int inSet = direction switch { 1 => 0, 0 => 1, _ => 0 };
        _outKey = key.Hmac(outSet)[.._size].ToArray();
        _inKey = key.Hmac(inSet)[.._size].ToArray();
    }

    public override byte[] Wrap(ControlPacket packet)
    {
        var body = packet.Body();
        var wire = new byte[ControlPacket.HeaderSize + _size + 8 + body.Length];
        packet.WriteHeader(wire);
        int pidAt = ControlPacket.HeaderSize + _size;
        BinaryPrimitives.WriteUInt32BigEndian(wire.AsSpan(pidAt), ++_packetId);
        BinaryPrimitives.WriteUInt32BigEndian(wire.AsSpan(pidAt + 4), (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        body.CopyTo(wire.AsSpan(pidAt + 8));
        Mac(_outKey, wire).CopyTo(wire.AsSpan(ControlPacket.HeaderSize));
        return wire;
    }

    public override ControlPacket? Unwrap(ReadOnlySpan<byte> wire, out string? error)
    {
        error = null;
        int pidAt = ControlPacket.HeaderSize + _size;
        if (wire.Length < pidAt + 8 + 1)
        {
            error = "tls-auth: packet too short";
            return null;
        }
        if (!CryptographicOperations.FixedTimeEquals(Mac(_inKey, wire), wire.Slice(ControlPacket.HeaderSize, _size)))
        {
            error = "tls-auth: packet authentication failed (wrong tls-auth key or key-direction?)";
            return null;
        }
        uint id = BinaryPrimitives.ReadUInt32BigEndian(wire[pidAt..]);
        if (!_replay.Check(id))
        {
            error = "tls-auth: replayed packet";
            return null;
        }
        var p = ControlPacket.Parse(wire[..ControlPacket.HeaderSize], wire[(pidAt + 8)..]);
        if (p is null)
        {
            error = "tls-auth: malformed control packet";
            return null;
        }
        _replay.Mark(id);
        return p;
    }

    private byte[] Mac(byte[] key, ReadOnlySpan<byte> wire)
    {
        int pidAt = ControlPacket.HeaderSize + _size;
        using var h = IncrementalHash.CreateHMAC(_hash, key);
        h.AppendData(wire.Slice(pidAt, 8));
        h.AppendData(wire[..ControlPacket.HeaderSize]);
        h.AppendData(wire[(pidAt + 8)..]);
        return h.GetHashAndReset();
    }
}
