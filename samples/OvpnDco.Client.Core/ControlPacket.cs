using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace OvpnDco.Client;

/// <summary>
/// One control-channel packet, without the tls-auth/tls-crypt wrapping:
/// <code>
/// [op&lt;&lt;3|key id] [session id 8]                                       header (authenticated by tls-auth/tls-crypt)
/// [ack count 1] [acked packet ids 4 each] [remote session id 8 if count &gt; 0]
/// [packet id 4]  (not in P_ACK_V1)
/// [payload]      (TLS records for P_CONTROL_V1; empty for resets in 2.6 clients)
/// </code>
/// </summary>
public sealed class ControlPacket
{
    public const int HeaderSize = 9;
    public const int MaxAcks = 8;

    public byte Opcode { get; set; }
    public byte KeyId { get; set; }
    public ulong SessionId { get; set; }
    public List<uint> Acks { get; } = new();
    public ulong RemoteSessionId { get; set; }
    public uint PacketId { get; set; }
    public byte[] Payload { get; set; } = Array.Empty<byte>();

    public bool HasPacketId => Opcode != OvpnDco.Client.Opcode.AckV1;

    /// <summary>The 9-byte header.</summary>
    public void WriteHeader(Span<byte> destination)
    {
        destination[0] = (byte)(Opcode << 3 | KeyId);
        BinaryPrimitives.WriteUInt64BigEndian(destination[1..], SessionId);
    }

    /// <summary>Everything after the header (what tls-crypt encrypts).</summary>
    public byte[] Body()
    {
        int n = 1 + Acks.Count * 4 + (Acks.Count > 0 ? 8 : 0) + (HasPacketId ? 4 : 0) + Payload.Length;
        var body = new byte[n];
        int o = 0;
        body[o++] = (byte)Acks.Count;
        foreach (uint a in Acks)
        {
            BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(o), a);
            o += 4;
        }
        if (Acks.Count > 0)
        {
            BinaryPrimitives.WriteUInt64BigEndian(body.AsSpan(o), RemoteSessionId);
            o += 8;
        }
        if (HasPacketId)
        {
            BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(o), PacketId);
            o += 4;
        }
        Payload.CopyTo(body.AsSpan(o));
        return body;
    }

    /// <summary>Header and body, unwrapped.</summary>
    public byte[] ToBytes()
    {
        var body = Body();
        var result = new byte[HeaderSize + body.Length];
        WriteHeader(result);
        body.CopyTo(result.AsSpan(HeaderSize));
        return result;
    }

    /// <summary>Reads a header (9 bytes) and an unwrapped body; null when it is malformed.</summary>
    public static ControlPacket? Parse(ReadOnlySpan<byte> header, ReadOnlySpan<byte> body)
    {
        if (header.Length < HeaderSize || body.Length < 1)
            return null;
        var p = new ControlPacket
        {
            Opcode = (byte)(header[0] >> 3),
            KeyId = (byte)(header[0] & 7),
            SessionId = BinaryPrimitives.ReadUInt64BigEndian(header[1..]),
        };
        int count = body[0];
        int o = 1;
        if (count > MaxAcks || body.Length < o + count * 4 + (count > 0 ? 8 : 0))
            return null;
        for (int i = 0; i < count; i++, o += 4)
            p.Acks.Add(BinaryPrimitives.ReadUInt32BigEndian(body[o..]));
        if (count > 0)
        {
            p.RemoteSessionId = BinaryPrimitives.ReadUInt64BigEndian(body[o..]);
            o += 8;
        }
        if (p.HasPacketId)
        {
            if (body.Length < o + 4)
                return null;
            p.PacketId = BinaryPrimitives.ReadUInt32BigEndian(body[o..]);
            o += 4;
        }
        else if (o != body.Length)
        {
            return null;
        }
        p.Payload = body[o..].ToArray();
        return p;
    }

    public static bool IsControlOpcode(int op) => op is OvpnDco.Client.Opcode.ControlSoftResetV1 or OvpnDco.Client.Opcode.ControlV1
        or OvpnDco.Client.Opcode.AckV1 or OvpnDco.Client.Opcode.ControlHardResetClientV2 or OvpnDco.Client.Opcode.ControlHardResetServerV2
        or OvpnDco.Client.Opcode.ControlHardResetClientV3;
}
